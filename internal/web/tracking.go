package web

import (
	"net/http"
	"strings"

	"egov/internal/apperr"
	"egov/internal/dossier"
	"egov/internal/httpx"
)

type trackEventView struct{ At, Action, Unit string }

type trackingView struct {
	Code, Unlock string
	Found        bool
	T            dossier.Tracking
	StatusText   string
	Submitted    string
	Received     string
	Due          string
	Events       []trackEventView
}

// tracking is the public look-up of a dossier by its code: status, dates
// and steps by unit; the applicant's name and the reasons only with the
// last four digits of their ID number or phone.
func (s *Server) tracking(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "track.title", "")
	q := r.URL.Query()
	d := trackingView{Code: strings.TrimSpace(q.Get("ma")), Unlock: strings.TrimSpace(q.Get("so"))}
	status := http.StatusOK
	if d.Code != "" {
		if s.TrackLimit != nil && !s.TrackLimit.AllowRequest(r) {
			httpx.WriteError(w, r, apperr.New(apperr.TooMany, "tracking.rate_limited",
				"Bạn tra cứu quá nhiều lần; vui lòng thử lại sau ít phút.", "Too many look-ups; please try again in a few minutes."))
			return
		}
		t, err := s.Dossiers.Track(r.Context(), d.Code, d.Unlock)
		switch {
		case apperr.IsCode(err, apperr.NotFound):
			p.Errors = []FieldMsg{{Field: "ma", Message: p.T("track.not_found")}}
			status = http.StatusNotFound
		case err != nil:
			httpx.WriteError(w, r, err)
			return
		default:
			d.Found, d.T = true, t
			d.StatusText = p.T("dstatus." + string(t.Status))
			d.Submitted = formatInstant(p.Lang, t.SubmittedAt)
			if t.ReceivedAt != nil {
				d.Received = formatInstant(p.Lang, *t.ReceivedAt)
			}
			if t.DueAt != nil {
				d.Due = formatInstant(p.Lang, *t.DueAt)
			}
			for _, e := range t.Events {
				d.Events = append(d.Events, trackEventView{At: formatInstant(p.Lang, e.At), Action: p.T("dact." + e.Action), Unit: e.Unit})
			}
		}
	}
	p.Data = d
	s.render(w, r, status, "tracking", p)
}
