package attach_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"os"
	"strings"

	"egov/internal/apperr"
	"egov/internal/attach"
	"egov/internal/platform/blob"
)

func ExamplePipeline_Accept() {
	dir, _ := os.MkdirTemp("", "attach-example-")
	defer os.RemoveAll(dir)
	store, _ := blob.NewLocal(dir)
	p := attach.New(store, attach.Limits{})
	ctx := context.Background()

	// A photo sent as "C:\fakepath\chụp CCCD" (as some browsers do): the
	// name is cleaned and given the extension of what the content is.
	var photo bytes.Buffer
	png.Encode(&photo, image.NewGray(image.Rect(0, 0, 320, 200)))
	f, err := p.Accept(ctx, `C:\fakepath\chụp CCCD`, &photo)
	fmt.Println(f.Name, f.ContentType, f.Width, f.Height, f.Pages, len(f.Hash), err)

	// A refusal is an *apperr.Error naming the file, in both languages.
	_, err = p.Accept(ctx, "ghi chú.txt", strings.NewReader("không phải PDF"))
	e := apperr.As(err)
	fmt.Println(e.Key)
	fmt.Println(e.Message("vi"))
	fmt.Println(e.Message("en"))
	// Output:
	// chụp CCCD.png image/png 320 200 1 64 <nil>
	// attach.type
	// Tệp «ghi chú.txt» không thuộc định dạng được chấp nhận. Chỉ nhận tệp PDF hoặc ảnh JPEG, PNG, HEIC.
	// File "ghi chú.txt" is not of an accepted type. Only PDF files and JPEG, PNG or HEIC images are accepted.
}
