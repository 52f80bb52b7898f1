package api

import (
	"context"
	"errors"
	"io"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"egov/internal/apperr"
	"egov/internal/audit"
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

// IssuedResult is what anyone holding an e-result code may learn: who
// issued it, for which procedure and when, the digest of the original and
// the verification of its signatures; never the applicant or the content.
type IssuedResult struct {
	Code          string       `json:"code" example:"000.01.20.H37-261124-0001-KQ1"`
	ProcedureCode string       `json:"procedure_code" example:"1.004873"`
	Procedure     string       `json:"procedure"`
	AgencyCode    string       `json:"agency_code" example:"000.00.20.H37"`
	Agency        string       `json:"agency"`
	IssuedAt      string       `json:"issued_at" example:"2026-11-24T18:55:33+07:00"`
	Returned      bool         `json:"returned"`
	SHA256        string       `json:"sha256"`
	Size          int64        `json:"size"`
	Verification  VerifyReport `json:"verification"`
}

type resultCodeIn struct {
	Code string `path:"code" maxLength:"80" doc:"Mã kết quả điện tử <mã hồ sơ>-KQ<số> / the e-result code"`
}

// resultRoutes serves what the QR code of an e-result leads to, for
// machines: another agency's system checks an e-result a citizen presents
// (Decree 45/2020: e-results have the value of paper ones).
func (a *API) resultRoutes() {
	huma.Register(a.h, huma.Operation{
		OperationID: "getIssuedResult", Method: http.MethodGet, Path: "/api/v1/results/{code}",
		Summary: "Tra cứu và xác thực kết quả điện tử theo mã / Look up and verify an e-result by its code", Tags: []string{"signatures"},
		Description: "Không cần đăng nhập; không trả về người nộp hay nội dung kết quả. So sánh sha256 với tệp bạn có để biết đó có phải bản gốc. / " +
			"No login needed; neither the applicant nor the content is returned. Compare sha256 with the file you hold to know whether it is the original.",
		Errors: []int{404, 429, 501},
	}, func(ctx context.Context, in *resultCodeIn) (*struct{ Body IssuedResult }, error) {
		if a.Verifier == nil || a.Blobs == nil {
			return nil, a.problem(ctx, errVerifyOff)
		}
		if a.TrackLimit != nil && !a.TrackLimit.Allow(audit.ActorFrom(ctx).IP) {
			return nil, a.problem(ctx, errTooMany)
		}
		res, err := a.Dossiers.ResultByCode(ctx, in.Code)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		out := IssuedResult{Code: res.Code, ProcedureCode: res.ProcedureCode, Procedure: res.ProcedureName,
			IssuedAt: ictTime(res.IssuedAt), Returned: res.Returned, SHA256: res.Hash, Size: res.Size}
		if ag, err := a.Identity.Agency(ctx, res.AgencyID); err == nil {
			out.Agency, out.AgencyCode = ag.Name, ag.Code
		}
		rep, err := a.Verifier.CheckStored(ctx, a.Blobs, res.Hash)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		out.Verification = VerifyReport{Report: rep, ExitStatus: rep.ExitStatus()}
		return &struct{ Body IssuedResult }{out}, nil
	})
}
