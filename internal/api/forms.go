package api

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"

	"egov/internal/apperr"
	"egov/internal/calendar"
	"egov/internal/forms"
)

type formIn struct {
	Code string `path:"code" doc:"Mã hồ sơ / Dossier code" example:"000.01.20.H37-260302-0001"`
	Form string `path:"form" doc:"Phiếu / Form" enum:"giay-tiep-nhan,phieu-yeu-cau-bo-sung,phieu-tu-choi,phieu-xin-loi-hen-lai,thong-bao-dung-giai-quyet,phieu-kiem-soat"`
}

type registerIn struct {
	Unit int64  `query:"unit" required:"true" doc:"ID của đơn vị tiếp nhận / ID of the receiving unit"`
	From string `query:"from" required:"true" format:"date" doc:"Từ ngày (YYYY-MM-DD) / First day"`
	To   string `query:"to" required:"true" format:"date" doc:"Đến ngày, kể cả ngày này (YYYY-MM-DD) / Last day, included"`
}

var errRegisterPeriod = apperr.New(apperr.Invalid, "register.period",
	"Khoảng thời gian không hợp lệ (đến ngày không trước từ ngày, tối đa 366 ngày).",
	"The period is not valid (the last day not before the first, at most 366 days).")

// formRoutes serves the one-stop forms of a dossier and a unit's register
// as PDF.
func (a *API) formRoutes() {
	pdf := map[string]*huma.Response{"200": {Description: "PDF", Content: map[string]*huma.MediaType{
		"application/pdf": {Schema: &huma.Schema{Type: huma.TypeString, Format: "binary"}}}}}
	huma.Register(a.h, huma.Operation{
		OperationID: "getDossierForm", Method: http.MethodGet, Path: dossiersPath + "/{code}/forms/{form}",
		Summary: "Tải phiếu của hồ sơ (PDF) / Download a form of a dossier (PDF)", Tags: []string{dossiersTag}, Security: bearer,
		Description: "Giấy tiếp nhận, phiếu yêu cầu bổ sung, từ chối, xin lỗi, thông báo dừng, phiếu kiểm soát; " +
			"404 khi hồ sơ chưa có phiếu đó. / The receipt, supplement request, refusal, apology, stop notice or control sheet; " +
			"404 when the dossier has no such form yet.",
		Errors: []int{401, 404, 422}, Responses: pdf,
	}, func(ctx context.Context, in *formIn) (*huma.StreamResponse, error) {
		p, err := principal(ctx)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		kind, ok := forms.KindOf(in.Form)
		if !ok || kind == forms.Register || a.Forms == nil {
			return nil, a.problem(ctx, forms.ErrNotAvailable)
		}
		doc, err := a.Forms.Dossier(ctx, p, in.Code, kind)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		return pdfResponse(doc), nil
	})

	huma.Register(a.h, huma.Operation{
		OperationID: "getDossierRegister", Method: http.MethodGet, Path: "/api/v1/dossier-register",
		Summary: "Sổ theo dõi hồ sơ (PDF) / Dossier register (PDF)", Tags: []string{dossiersTag}, Security: bearer,
		Description: "Hồ sơ đơn vị đã tiếp nhận trong khoảng thời gian; cho cán bộ một cửa và lãnh đạo của đơn vị. / " +
			"The dossiers a unit received in the period; for the unit's desk officers and leaders.",
		Errors: []int{400, 401, 403, 422}, Responses: pdf,
	}, func(ctx context.Context, in *registerIn) (*huma.StreamResponse, error) {
		p, err := principal(ctx)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		from, errF := time.ParseInLocation(time.DateOnly, in.From, calendar.Location())
		to, errT := time.ParseInLocation(time.DateOnly, in.To, calendar.Location())
		end := to.AddDate(0, 0, 1)
		if errF != nil || errT != nil || end.Before(from) || end.Sub(from) > 366*24*time.Hour || a.Forms == nil {
			return nil, a.problem(ctx, errRegisterPeriod)
		}
		doc, err := a.Forms.RegisterOf(ctx, p, in.Unit, from, end)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		return pdfResponse(doc), nil
	})
}

func pdfResponse(doc forms.Printed) *huma.StreamResponse {
	return &huma.StreamResponse{Body: func(hc huma.Context) {
		_, w := humago.Unwrap(hc)
		h := w.Header()
		h.Set("Content-Type", "application/pdf")
		h.Set("Content-Disposition", attachment(doc.Name))
		h.Set("Content-Length", strconv.Itoa(len(doc.PDF)))
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Cache-Control", "private, no-store")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(doc.PDF)
	}}
}
