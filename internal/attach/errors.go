package attach

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"egov/internal/apperr"
)

// Keys of the refusals, stable for API clients. apperr has no message
// parameters, so each refusal is a fresh *apperr.Error naming the file;
// match on Key, not on identity.
const (
	KeyEmpty        = "attach.empty"
	KeyTooLarge     = "attach.too_large"
	KeyIncomplete   = "attach.incomplete"
	KeyType         = "attach.type"
	KeyPDFBroken    = "attach.pdf_broken"
	KeyPDFEncrypted = "attach.pdf_encrypted"
	KeyImageBroken  = "attach.image_broken"
	KeyImageTooBig  = "attach.image_too_big"
	KeyName         = "attach.name"

	// Refusals of PhotosToPDF (and, for KeyMissing, Thumbnail).
	KeyNoPhotos       = "attach.no_photos"
	KeyTooManyPhotos  = "attach.too_many_photos"
	KeyNotPhoto       = "attach.not_photo"
	KeyPhotosTooLarge = "attach.photos_too_large"
	KeyMissing        = "attach.missing"
)

func refuse(code apperr.Code, key, vi, en string, cause error) *apperr.Error {
	e := apperr.New(code, key, vi, en)
	if cause != nil {
		e = e.Wrap(cause)
	}
	return e
}

func errEmpty(name string) *apperr.Error {
	return refuse(apperr.Invalid, KeyEmpty,
		fmt.Sprintf("Tệp «%s» rỗng (0 byte).", name),
		fmt.Sprintf("File %q is empty (0 bytes).", name), nil)
}

// TooLarge refuses the file name for being over limit bytes (for a file
// refused before the pipeline reads it: its declared length says so).
func TooLarge(name string, limit int64) *apperr.Error {
	clean, ok := cleanName(name)
	if !ok {
		return errName(name)
	}
	return errTooLarge(clean, limit)
}

func errTooLarge(name string, limit int64) *apperr.Error {
	return refuse(apperr.TooLarge, KeyTooLarge,
		fmt.Sprintf("Tệp «%s» vượt quá dung lượng tối đa %s.", name, sizeText(limit, ",")),
		fmt.Sprintf("File %q is larger than the %s limit.", name, sizeText(limit, ".")), nil)
}

func errIncomplete(name string, cause error) *apperr.Error {
	return refuse(apperr.Invalid, KeyIncomplete,
		fmt.Sprintf("Tệp «%s» chưa được tải lên trọn vẹn (đường truyền bị gián đoạn). Vui lòng tải lại.", name),
		fmt.Sprintf("File %q was not uploaded completely (the transfer was interrupted). Please upload it again.", name), cause)
}

func errType(name string) *apperr.Error {
	return refuse(apperr.Invalid, KeyType,
		fmt.Sprintf("Tệp «%s» không thuộc định dạng được chấp nhận. Chỉ nhận tệp PDF hoặc ảnh JPEG, PNG, HEIC.", name),
		fmt.Sprintf("File %q is not of an accepted type. Only PDF files and JPEG, PNG or HEIC images are accepted.", name), nil)
}

func errPDFBroken(name string, cause error) *apperr.Error {
	return refuse(apperr.Invalid, KeyPDFBroken,
		fmt.Sprintf("Không mở được tệp PDF «%s»: tệp bị hỏng hoặc chưa trọn vẹn.", name),
		fmt.Sprintf("The PDF file %q cannot be opened: it is damaged or incomplete.", name), cause)
}

func errPDFEncrypted(name string, cause error) *apperr.Error {
	return refuse(apperr.Invalid, KeyPDFEncrypted,
		fmt.Sprintf("Tệp PDF «%s» đã được đặt mật khẩu hoặc mã hoá nên cán bộ không thể đọc và ký số. Vui lòng gỡ mật khẩu rồi tải lại.", name),
		fmt.Sprintf("The PDF file %q is password-protected or encrypted, so officials cannot read or sign it. Please remove the password and upload it again.", name), cause)
}

func errImageBroken(name string, cause error) *apperr.Error {
	return refuse(apperr.Invalid, KeyImageBroken,
		fmt.Sprintf("Không đọc được ảnh «%s»: tệp bị hỏng hoặc chưa trọn vẹn.", name),
		fmt.Sprintf("The image %q cannot be read: it is damaged or incomplete.", name), cause)
}

func errImageTooBig(name string, w, h, limit int) *apperr.Error {
	return refuse(apperr.Invalid, KeyImageTooBig,
		fmt.Sprintf("Ảnh «%s» có kích thước %d × %d điểm ảnh, vượt quá giới hạn %s megapixel. Vui lòng giảm độ phân giải rồi tải lại.", name, w, h, decimal(float64(limit)/1e6, ",")),
		fmt.Sprintf("The image %q is %d × %d pixels, over the %s-megapixel limit. Please reduce its resolution and upload it again.", name, w, h, decimal(float64(limit)/1e6, ".")), nil)
}

func errNoPhotos(pdf string) *apperr.Error {
	return refuse(apperr.Invalid, KeyNoPhotos,
		fmt.Sprintf("Chưa có ảnh nào để tạo tệp PDF «%s».", pdf),
		fmt.Sprintf("There are no photos to make the PDF file %q from.", pdf), nil)
}

func errTooManyPhotos(pdf, first string, limit int) *apperr.Error {
	return refuse(apperr.Invalid, KeyTooManyPhotos,
		fmt.Sprintf("Một tệp PDF chỉ gộp được tối đa %d ảnh: ảnh «%s» và các ảnh sau nó không gộp được vào «%s». Vui lòng chia giấy tờ thành nhiều tệp.", limit, first, pdf),
		fmt.Sprintf("A PDF file holds at most %d photos: the photo %q and those after it cannot go into %q. Please split the document into several files.", limit, first, pdf), nil)
}

func errNotPhoto(name string) *apperr.Error {
	return refuse(apperr.Invalid, KeyNotPhoto,
		fmt.Sprintf("Tệp «%s» không phải là ảnh chụp (JPEG, PNG hoặc HEIC) nên không gộp được vào tệp PDF.", name),
		fmt.Sprintf("File %q is not a photo (JPEG, PNG or HEIC), so it cannot be put into a PDF file.", name), nil)
}

func errPhotosTooLarge(pdf string, limit int64) *apperr.Error {
	return refuse(apperr.TooLarge, KeyPhotosTooLarge,
		fmt.Sprintf("Các ảnh gộp lại thành tệp PDF «%s» lớn hơn dung lượng tối đa %s. Vui lòng chia giấy tờ thành nhiều tệp với ít ảnh hơn.", pdf, sizeText(limit, ",")),
		fmt.Sprintf("The photos make a PDF file %q larger than the %s limit. Please split the document into several files with fewer photos.", pdf, sizeText(limit, ".")), nil)
}

func errMissing(name string, cause error) *apperr.Error {
	return refuse(apperr.NotFound, KeyMissing,
		fmt.Sprintf("Không tìm thấy nội dung của tệp «%s» trên máy chủ. Vui lòng tải tệp lên lại.", name),
		fmt.Sprintf("The content of file %q is not on the server. Please upload the file again.", name), cause)
}

func errName(raw string) *apperr.Error {
	if shown := displayRaw(raw); shown != "" {
		return refuse(apperr.Invalid, KeyName,
			fmt.Sprintf("Tên tệp «%s» không hợp lệ: sau khi bỏ đường dẫn và ký tự đặc biệt thì không còn lại tên. Vui lòng đổi tên tệp.", shown),
			fmt.Sprintf("The file name %q is not valid: nothing is left of it once folders and special characters are removed. Please rename the file.", shown), nil)
	}
	return refuse(apperr.Invalid, KeyName,
		"Tệp tải lên không có tên hợp lệ. Vui lòng đổi tên tệp.",
		"The uploaded file has no valid name. Please rename the file.", nil)
}

// sizeText says a byte count in MB (KB under 1 MB), as users read it.
func sizeText(n int64, sep string) string {
	if n < 1<<20 {
		return decimal(float64(n)/(1<<10), sep) + " KB"
	}
	return decimal(float64(n)/(1<<20), sep) + " MB"
}

// decimal prints v with at most one decimal, with the language's separator
// (Vietnamese writes 1,5 MB).
func decimal(v float64, sep string) string {
	s := strconv.FormatFloat(v, 'f', 1, 64)
	s = strings.TrimSuffix(s, ".0")
	return strings.Replace(s, ".", sep, 1)
}

// displayRaw shows a name that cleanName refused: printable characters only,
// and not too long, since it goes back into a message.
func displayRaw(raw string) string {
	var b strings.Builder
	n := 0
	for _, r := range strings.ToValidUTF8(raw, "") {
		if !unicode.IsPrint(r) {
			continue
		}
		if n == 60 {
			b.WriteRune('…')
			break
		}
		b.WriteRune(r)
		n++
	}
	return strings.TrimSpace(b.String())
}
