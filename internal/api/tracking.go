package api

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"egov/internal/apperr"
	"egov/internal/audit"
	"egov/internal/calendar"
	"egov/internal/dossier"
)

// TrackingEvent is a public step of a dossier.
type TrackingEvent struct {
	At     string `json:"at" format:"date-time"`
	Action string `json:"action" example:"receive"`
	Unit   string `json:"unit,omitempty"`
}

// Tracking is the public view of a dossier: no personal data unless
// unlocked with the last four digits of the applicant's ID number or phone.
type Tracking struct {
	Code          string          `json:"code"`
	ProcedureCode string          `json:"procedure_code"`
	Procedure     string          `json:"procedure,omitempty"`
	Status        string          `json:"status" enum:"submitted,received"`
	SubmittedAt   string          `json:"submitted_at" format:"date-time"`
	ReceivedAt    string          `json:"received_at,omitempty" format:"date-time"`
	DueAt         string          `json:"due_at,omitempty" format:"date-time"`
	Unit          string          `json:"unit,omitempty"`
	Events        []TrackingEvent `json:"events"`
	Unlocked      bool            `json:"unlocked"`
	Applicant     string          `json:"applicant,omitempty"`
	Notes         []string        `json:"notes,omitempty"`
}

var errTooMany = apperr.New(apperr.TooMany, "tracking.rate_limited",
	"Bạn tra cứu quá nhiều lần; vui lòng thử lại sau ít phút.", "Too many look-ups; please try again in a few minutes.")

func ictTime(t time.Time) string { return t.In(calendar.Location()).Format(time.RFC3339) }

// TrackingOf converts the domain view for the API (and tests).
func TrackingOf(t dossier.Tracking) Tracking {
	out := Tracking{Code: t.Code, ProcedureCode: t.ProcedureCode, Procedure: t.Procedure, Status: string(t.Status),
		SubmittedAt: ictTime(t.SubmittedAt), Unit: t.Unit, Unlocked: t.Unlocked, Applicant: t.Applicant, Notes: t.Notes, Events: []TrackingEvent{}}
	if t.ReceivedAt != nil {
		out.ReceivedAt = ictTime(*t.ReceivedAt)
	}
	if t.DueAt != nil {
		out.DueAt = ictTime(*t.DueAt)
	}
	for _, e := range t.Events {
		out.Events = append(out.Events, TrackingEvent{At: ictTime(e.At), Action: e.Action, Unit: e.Unit})
	}
	return out
}

func (a *API) trackingRoutes() {
	type in struct {
		Code   string `path:"code" maxLength:"40" example:"000.01.20.H37-260213-0001"`
		Unlock string `query:"unlock" maxLength:"4" doc:"4 số cuối số định danh cá nhân hoặc số điện thoại của người nộp / last 4 digits of the applicant's ID number or phone"`
	}
	huma.Register(a.h, huma.Operation{
		OperationID: "trackDossier", Method: http.MethodGet, Path: "/api/v1/tracking/{code}",
		Summary: "Tra cứu hồ sơ không cần đăng nhập / Public dossier tracking", Tags: []string{"dossiers"},
		Description: "Trạng thái, ngày hẹn và các bước theo đơn vị; không có dữ liệu cá nhân trừ khi mở khóa bằng 4 số cuối. " +
			"Giới hạn số lần tra cứu theo địa chỉ. / Status, dates and the steps by unit; no personal data unless unlocked. Rate-limited per client.",
		Errors: []int{404, 422, 429},
	}, func(ctx context.Context, req *in) (*struct{ Body Tracking }, error) {
		if a.TrackLimit != nil && !a.TrackLimit.Allow(audit.ActorFrom(ctx).IP) {
			return nil, a.problem(ctx, errTooMany)
		}
		t, err := a.Dossiers.Track(ctx, req.Code, req.Unlock)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		return &struct{ Body Tracking }{TrackingOf(t)}, nil
	})
}
