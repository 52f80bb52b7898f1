package web

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"egov/internal/apperr"
	"egov/internal/dossier"
	"egov/internal/httpx"
	"egov/internal/mail"
)

// E-mail: a signed-in user's choice of which notifications also come by
// e-mail (/tai-khoan/thu-dien-tu), and the desk's view of a dossier's
// e-mails (deskMailOf, a section of the dossier's page).

type mailPrefsView struct {
	Enabled bool   // the system sends e-mail
	Address string // the user's own address ("" for none)
	Rows    []mailPrefRow
}

type mailPrefRow struct {
	ID, Value, Label, Hint string
	Checked                bool
}

func (r mailPrefRow) HintID() string { return r.ID + "-hint" }

func (s *Server) accountMail(w http.ResponseWriter, r *http.Request) {
	s.renderAccountMail(w, r, http.StatusOK, nil, nil)
}

// renderAccountMail shows the choices; chosen (after a refused post) keeps
// what was ticked.
func (s *Server) renderAccountMail(w http.ResponseWriter, r *http.Request, status int, errs []FieldMsg, chosen []string) {
	if s.Mail == nil {
		httpx.WriteError(w, r, apperr.ErrNotFound)
		return
	}
	p := s.page(r, "mail.title", "")
	if p.Official() {
		p.Section = "home"
	}
	u := p.User()
	prefs, err := s.Mail.Preferences(r.Context(), *u)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	v := mailPrefsView{Enabled: s.Mail.Enabled(), Address: u.Email}
	for _, pr := range prefs {
		row := mailPrefRow{ID: "mail-" + string(pr.Category), Value: string(pr.Category), Label: pr.Label(p.Lang),
			Hint: pickLang(p.Lang, pr.Hint[0], pr.Hint[1]), Checked: pr.Email}
		if chosen != nil {
			row.Checked = slices.Contains(chosen, row.Value)
		}
		v.Rows = append(v.Rows, row)
	}
	p.Errors = errs
	p.Data = v
	s.render(w, r, status, "account_mail", p)
}

// accountMailSave records the ticked categories (unticked ones are off)
// and comes back to the page (303).
func (s *Server) accountMailSave(w http.ResponseWriter, r *http.Request) {
	if s.Mail == nil {
		httpx.WriteError(w, r, apperr.ErrNotFound)
		return
	}
	if err := r.ParseForm(); err != nil {
		httpx.WriteError(w, r, apperr.Validation().Wrap(err))
		return
	}
	u := httpx.Principal(r.Context()).User
	chosen := r.PostForm["email"]
	set := map[mail.Category]bool{}
	for _, c := range mail.CategoriesFor(u) {
		set[c.Category] = slices.Contains(chosen, string(c.Category))
	}
	for _, c := range chosen {
		if _, ok := set[mail.Category(c)]; !ok {
			set[mail.Category(c)] = true // refused below, with the page shown again
		}
	}
	if _, err := s.Mail.SetPreferences(r.Context(), u, set); err != nil {
		e := apperr.As(err)
		if e.Code != apperr.Invalid {
			httpx.WriteError(w, r, err)
			return
		}
		lang := httpx.Lang(r.Context())
		field := ""
		if cats := mail.CategoriesFor(u); len(cats) > 0 {
			field = "mail-" + string(cats[0].Category)
		}
		s.renderAccountMail(w, r, httpx.Status(e.Code), []FieldMsg{{Field: field, Message: translate(lang, "mail.bad_choice")}}, chosen)
		return
	}
	s.redirect(w, r, "/tai-khoan/thu-dien-tu", "mail.saved")
}

// deskMailView is the e-mail section of the desk's dossier page: what was
// sent, and each failure in plain words with the address masked.
type deskMailView struct {
	Summary  string
	Rows     []deskMailRow
	UnitNote string // failures of the receiving unit, all dossiers
}

type deskMailRow struct {
	To, Name, Kind, Status, Reason, Attempts, At string
	Failed                                       bool
}

// deskMailOf builds the section; nil when e-mail is not wired or nothing
// was ever sent about the dossier.
func (s *Server) deskMailOf(ctx context.Context, lang string, v dossier.View) (*deskMailView, error) {
	if s.Mail == nil {
		return nil, nil
	}
	ds, err := s.Mail.Deliveries(ctx, v.ID)
	if err != nil || len(ds) == 0 {
		return nil, err
	}
	var sent, skipped, failed int
	out := &deskMailView{}
	for _, d := range ds {
		switch {
		case d.Status == mail.StatusSent:
			sent++
			continue
		case d.Status == mail.StatusSkipped:
			skipped++
			continue
		case d.Status == mail.StatusFailed:
			failed++
		case !d.Retrying():
			continue // waiting for its first attempt
		}
		row := deskMailRow{To: d.Masked(), Name: d.UserName, Kind: translate(lang, "mail.kind."+d.Kind),
			Status: translate(lang, "mail.status."+string(d.Status)), Attempts: strconv.Itoa(d.Attempts),
			Failed: d.Status == mail.StatusFailed}
		if _, ok := messages["mail.kind."+d.Kind]; !ok {
			row.Kind = d.Kind
		}
		if reason := d.Reason(); reason != mail.ReasonNone {
			row.Reason = translate(lang, "mail.reason."+string(reason))
		}
		at := d.CreatedAt
		if d.LastAttemptAt != nil {
			at = *d.LastAttemptAt
		}
		row.At = formatInstant(lang, at)
		out.Rows = append(out.Rows, row)
	}
	out.Summary = fmt.Sprintf(translate(lang, "mail.desk_summary"), sent, skipped, failed)
	if failed > 0 {
		counts, err := s.Mail.FailedByUnit(ctx)
		if err != nil {
			return nil, err
		}
		if n := counts[v.ReceivingUnitID]; n > failed {
			out.UnitNote = fmt.Sprintf(translate(lang, "mail.desk_unit"), n)
		}
	}
	return out, nil
}
