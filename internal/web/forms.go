package web

import (
	"net/http"
	"strconv"
	"time"

	"egov/internal/apperr"
	"egov/internal/calendar"
	"egov/internal/dossier"
	"egov/internal/forms"
	"egov/internal/httpx"
	"egov/internal/identity"
)

// The one-stop forms as PDF (internal/forms): a dossier's forms for its
// applicant and the officials who see it, and a unit's register for its
// desk and leaders. Who may see which dossier is the dossier service's
// decision; the printer only prints.

// formLink is a download of one of a dossier's forms.
type formLink struct {
	URL, Label string
}

// formLinks lists the forms a dossier has now, under base (the dossier's
// page for its viewer).
func formLinks(lang, base string, v dossier.View) []formLink {
	var out []formLink
	for _, k := range forms.Available(v) {
		out = append(out, formLink{URL: base + "/phieu/" + forms.Slug(k), Label: translate(lang, "pdf."+string(k))})
	}
	return out
}

// dossierForm serves a dossier's form: GET /ho-so/{code}/phieu/{form} and
// /mot-cua/ho-so/{code}/phieu/{form}.
func (s *Server) dossierForm(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	kind, ok := forms.KindOf(r.PathValue("form"))
	if !ok || kind == forms.Register || s.Forms == nil {
		httpx.WriteError(w, r, forms.ErrNotAvailable)
		return
	}
	doc, err := s.Forms.Dossier(ctx, httpx.Principal(ctx), r.PathValue("code"), kind)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	servePDF(w, doc)
}

func servePDF(w http.ResponseWriter, doc forms.Printed) {
	h := w.Header()
	h.Set("Content-Type", "application/pdf")
	h.Set("Content-Disposition", attachmentHeader(doc.Name))
	h.Set("Content-Length", strconv.Itoa(len(doc.PDF)))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Cache-Control", "private, no-store")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(doc.PDF)
}

var (
	errRegisterUnit = apperr.New(apperr.Invalid, "register.unit", "Chọn đơn vị.", "Choose a unit.")
	errRegisterDate = apperr.New(apperr.Invalid, "register.dates",
		"Nhập từ ngày và đến ngày (đến ngày không trước từ ngày, tối đa 366 ngày).",
		"Enter the first and the last day (the last not before the first, at most 366 days).")
	errRegisterNoUnit = apperr.New(apperr.Forbidden, "register.no_unit",
		"Bạn không phải cán bộ một cửa hay lãnh đạo của đơn vị tiếp nhận hồ sơ nào.",
		"You are not a desk officer or leader of any unit that receives dossiers.")
)

// registerView is the register page: which unit and period to print.
type registerView struct {
	deskRoles
	Units    []identity.Agency
	Unit     int64
	From, To string
}

// registerUnits are the units whose register the official may print: the
// receiving units at or under their desk and leader grants.
func (s *Server) registerUnits(r *http.Request, pr *identity.Principal) ([]identity.Agency, error) {
	roots := append(pr.AgenciesFor(identity.RoleDesk), pr.AgenciesFor(identity.RoleLeader)...)
	ids, err := s.Identity.Subtree(r.Context(), roots)
	if err != nil {
		return nil, err
	}
	var out []identity.Agency
	for _, id := range ids {
		a, err := s.Identity.Agency(r.Context(), id)
		if err != nil {
			return nil, err
		}
		if a.ReceivesDossiers && a.Active {
			out = append(out, a)
		}
	}
	return out, nil
}

// register shows the register form (GET /mot-cua/so-theo-doi) and, with
// ?in=1, prints the register of the chosen unit and period.
func (s *Server) register(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	pr := httpx.Principal(ctx)
	p := s.page(r, "register.title", "desk")
	units, err := s.registerUnits(r, pr)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	if len(units) == 0 {
		httpx.WriteError(w, r, errRegisterNoUnit)
		return
	}
	now := s.Now().In(calendar.Location())
	first := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, calendar.Location())
	v := registerView{deskRoles: deskRolesOf(pr), Units: units, Unit: units[0].ID,
		From: first.Format(time.DateOnly), To: now.Format(time.DateOnly)}
	q := r.URL.Query()
	if q.Get("in") == "" {
		p.Data = v
		s.render(w, r, http.StatusOK, "register", p)
		return
	}
	v.From, v.To = q.Get("tu"), q.Get("den")
	unit, _ := strconv.ParseInt(q.Get("don_vi"), 10, 64)
	v.Unit = unit
	from, errFrom := time.ParseInLocation(time.DateOnly, v.From, calendar.Location())
	to, errTo := time.ParseInLocation(time.DateOnly, v.To, calendar.Location())
	end := to.AddDate(0, 0, 1)
	switch {
	case unit == 0:
		p.Errors = append(p.Errors, FieldMsg{Field: "don_vi", Message: errRegisterUnit.Message(p.Lang)})
	case errFrom != nil || errTo != nil || end.Before(from) || end.Sub(from) > 366*24*time.Hour:
		p.Errors = append(p.Errors, FieldMsg{Field: "tu", Message: errRegisterDate.Message(p.Lang)})
	}
	if len(p.Errors) > 0 {
		p.Data = v
		s.render(w, r, http.StatusBadRequest, "register", p)
		return
	}
	doc, err := s.Forms.RegisterOf(ctx, pr, unit, from, end)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	servePDF(w, doc)
}
