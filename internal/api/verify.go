package api

import (
	"context"
	"errors"
	"io"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"egov/internal/apperr"
	"egov/internal/httpx"
	"egov/internal/signing"
	"egov/internal/signing/pades"
)

// VerifyReport is the verification of a PDF's signatures.
type VerifyReport struct {
	pades.Report
	// ExitStatus is egov verify's status for the same file: 0 all valid,
	// 1 some invalid, 2 indeterminate or changed after signing, 3 no
	// signature or not a readable PDF.
	ExitStatus int `json:"exit_status"`
}

var errVerifyOff = apperr.New(apperr.NotImplemented, "verify.off",
	"Máy chủ này chưa bật chức năng xác thực chữ ký số.", "Signature verification is not enabled on this server.")

// verifyRoutes serves the public verifier: anyone may check a PDF.
func (a *API) verifyRoutes() {
	op := huma.Operation{
		OperationID: "verifyPDF", Method: http.MethodPost, Path: "/api/v1/verify",
		Summary: "Xác thực chữ ký số của tệp PDF / Verify a PDF's digital signatures", Tags: []string{"signatures"},
		Description: "Tệp trong trường «file» của multipart/form-data (tối đa 100 MB); không cần đăng nhập; tệp không được lưu. " +
			"Mỗi chữ ký có kết luận valid, invalid hoặc indeterminate với lý do bằng tiếng Việt và tiếng Anh. / " +
			"The file in the multipart/form-data field \"file\" (at most 100 MB); no login needed; the file is not kept. " +
			"Each signature gets a verdict (valid, invalid, indeterminate) with its reasons in Vietnamese and English.",
		Errors: []int{400, 413, 429, 501},
	}
	huma.Register(a.h, op, func(ctx context.Context, in *uploadIn) (*struct{ Body VerifyReport }, error) {
		if a.Verifier == nil {
			return nil, a.problem(ctx, errVerifyOff)
		}
		r := in.req
		if a.TrackLimit != nil && !a.TrackLimit.AllowRequest(r) {
			return nil, a.problem(ctx, apperr.New(apperr.TooMany, "verify.rate_limited",
				"Bạn gửi quá nhiều tệp; vui lòng thử lại sau ít phút.", "Too many files; please try again in a few minutes."))
		}
		defer func() { _, _ = io.Copy(io.Discard, io.LimitReader(r.Body, 1<<20)) }()
		mr, err := r.MultipartReader()
		if err != nil {
			return nil, a.problem(ctx, errNotMultipart.Wrap(err))
		}
		for {
			part, err := mr.NextPart()
			var mbe *http.MaxBytesError
			switch {
			case errors.Is(err, io.EOF):
				return nil, a.problem(ctx, errNoFile)
			case errors.As(err, &mbe) || httpx.DeclaredTooLarge(ctx):
				return nil, a.problem(ctx, signing.ErrTooLarge)
			case err != nil:
				return nil, a.problem(ctx, errNotMultipart.Wrap(err))
			}
			if part.FormName() != "file" {
				_ = part.Close()
				continue
			}
			rep, err := a.Verifier.Check(ctx, part)
			_ = part.Close()
			if errors.As(err, &mbe) {
				err = signing.ErrTooLarge
			}
			if err != nil {
				return nil, a.problem(ctx, err)
			}
			return &struct{ Body VerifyReport }{VerifyReport{Report: rep, ExitStatus: rep.ExitStatus()}}, nil
		}
	})
	// The body is streamed by the handler: its document is added here.
	if item := a.h.OpenAPI().Paths[op.Path]; item != nil && item.Post != nil {
		item.Post.RequestBody = &huma.RequestBody{Required: true, Content: map[string]*huma.MediaType{
			"multipart/form-data": {
				Schema: &huma.Schema{Type: huma.TypeObject, Required: []string{"file"}, Properties: map[string]*huma.Schema{
					"file": {Type: huma.TypeString, Format: "binary", Description: "Tệp PDF đã ký số / a digitally signed PDF"},
				}},
				Encoding: map[string]*huma.Encoding{"file": {ContentType: "application/pdf"}},
			},
		}}
	}
}
