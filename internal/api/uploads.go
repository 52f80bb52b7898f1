package api

import (
	"context"
	"errors"
	"io"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"

	"egov/internal/apperr"
	"egov/internal/attach"
	"egov/internal/httpx"
)

// Upload is a file accepted by the upload pipeline, owned by who uploaded
// it until it is attached to a dossier by its ID.
type Upload struct {
	ID          int64  `json:"id" doc:"Pass as upload_id to attach the file / dùng làm upload_id khi đính kèm"`
	Name        string `json:"name" example:"Giấy chứng sinh.pdf" doc:"Cleaned display name, extension matching the type"`
	ContentType string `json:"content_type" enum:"application/pdf,image/jpeg,image/png,image/heic" doc:"Detected from the content, not from the name"`
	Size        int64  `json:"size" doc:"Bytes"`
	Pages       int    `json:"pages" doc:"PDF page count; 1 for an image"`
	Hash        string `json:"hash" doc:"SHA-256 of the content, hex"`
	Width       int    `json:"width,omitempty" doc:"Images only, pixels"`
	Height      int    `json:"height,omitempty" doc:"Images only, pixels"`
}

var (
	errNotMultipart = apperr.New(apperr.Invalid, "upload.not_multipart",
		"Gửi tệp dưới dạng multipart/form-data, trong trường «file».",
		"Send the file as multipart/form-data, in the field \"file\".")
	errNoFile = apperr.Validation(apperr.Field("file", "upload.file_required",
		"Chọn một tệp để tải lên (trường «file»).", "Choose a file to upload (field \"file\")."))
)

// uploadIn carries the raw request: the body is streamed part by part into
// the pipeline rather than parsed into memory or temporary files by huma.
type uploadIn struct {
	req *http.Request
}

func (in *uploadIn) Resolve(hc huma.Context) []error {
	in.req, _ = humago.Unwrap(hc)
	return nil
}

func (a *API) uploadRoutes() {
	op := huma.Operation{
		OperationID: "createUpload", Method: http.MethodPost, Path: "/api/v1/uploads", DefaultStatus: http.StatusCreated,
		Summary: "Tải lên tệp đính kèm / Upload an attachment", Tags: []string{"dossiers"}, Security: bearer,
		Description: "Một tệp mỗi yêu cầu, trường «file» của multipart/form-data; chỉ nhận PDF, JPEG, PNG, HEIC (nhận dạng theo nội dung). " +
			"Các ảnh chụp cùng một giấy tờ được ghép thành một tệp PDF (xoay đúng chiều, nén gọn) khi nộp. " +
			"Tệp được kiểm tra trọn vẹn rồi mới lưu; lỗi nêu rõ tên tệp. Dùng id trả về làm upload_id khi nộp, bổ sung hồ sơ hoặc ban hành kết quả; " +
			"chỉ người tải lên mới dùng được tệp của mình. / One file per request, in the multipart/form-data field \"file\" " +
			"(further parts are ignored); PDF, JPEG, PNG or HEIC only, detected from the content. The photos given for one document " +
			"become one PDF of it (turned upright, compressed) at submission. The file is checked whole before it is " +
			"stored, and every refusal names it. Attach it by the returned id (upload_id) when submitting, supplementing or issuing " +
			"a result; only the uploader can attach their uploads.",
		Errors: []int{400, 401, 413},
	}
	huma.Register(a.h, op, func(ctx context.Context, in *uploadIn) (*struct{ Body Upload }, error) {
		p, err := principal(ctx)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		r := in.req
		// Whatever happens, read what is left of the body (capped by the
		// middleware's limit) so the client reads the answer instead of a
		// reset connection.
		defer func() { _, _ = io.Copy(io.Discard, r.Body) }()
		mr, err := r.MultipartReader()
		if err != nil {
			return nil, a.problem(ctx, errNotMultipart.Wrap(err))
		}
		for {
			part, err := mr.NextPart()
			if errors.Is(err, io.EOF) {
				return nil, a.problem(ctx, errNoFile)
			}
			if err != nil {
				var mbe *http.MaxBytesError
				if errors.As(err, &mbe) {
					return nil, a.problem(ctx, apperr.ErrTooLarge)
				}
				return nil, a.problem(ctx, errNotMultipart.Wrap(err))
			}
			if part.FormName() != "file" {
				_ = part.Close()
				continue
			}
			if httpx.DeclaredTooLarge(ctx) {
				return nil, a.problem(ctx, attach.TooLarge(part.FileName(), a.Uploads.MaxBytes()))
			}
			up, err := a.Uploads.Accept(ctx, p, part.FileName(), part)
			_ = part.Close()
			if err != nil {
				return nil, a.problem(ctx, err)
			}
			return &struct{ Body Upload }{Upload{ID: up.ID, Name: up.Name, ContentType: up.ContentType, Size: up.Size,
				Pages: up.Pages, Hash: up.Hash, Width: up.Width, Height: up.Height}}, nil
		}
	})
	// huma documents a body only when it reads one; this one is streamed
	// by the handler, so its document is added here.
	if item := a.h.OpenAPI().Paths[op.Path]; item != nil && item.Post != nil {
		item.Post.RequestBody = &huma.RequestBody{Required: true, Content: map[string]*huma.MediaType{
			"multipart/form-data": {
				Schema: &huma.Schema{Type: huma.TypeObject, Required: []string{"file"}, Properties: map[string]*huma.Schema{
					"file": {Type: huma.TypeString, Format: "binary", Description: "Tệp PDF, JPEG, PNG hoặc HEIC / a PDF, JPEG, PNG or HEIC file"},
				}},
				Encoding: map[string]*huma.Encoding{"file": {ContentType: "application/pdf, image/jpeg, image/png, image/heic"}},
			},
		}}
	}
}
