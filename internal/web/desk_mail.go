package web

import (
	"context"
	"fmt"
	"net/http"
	"strconv"

	"egov/internal/apperr"
	"egov/internal/httpx"
	"egov/internal/identity"
	"egov/internal/mail"
)

// The desk's e-mails that did not reach applicants: a notice on the work
// queues (deskMailNotice) and the list (/mot-cua/thu-loi), for desk
// officers and leaders, limited to the dossiers their units received.

var errDeskMailRoles = apperr.New(apperr.Forbidden, "desk.mail_roles",
	"Chỉ cán bộ một cửa và lãnh đạo đơn vị xem được danh sách thư điện tử gửi không thành công.",
	"Only desk officers and leaders see the list of undelivered e-mails.")

// deskMailLimit is how many failures the list shows, the latest first.
const deskMailLimit = 200

// deskMailUnits is where the official looks for failures: the units at or
// under their desk and leader grants (every unit for a system
// administrator); ok is false for an official who is neither.
func (s *Server) deskMailUnits(ctx context.Context, pr *identity.Principal) (units mail.Units, ok bool, err error) {
	roles := deskRolesOf(pr)
	if !roles.Desk && !roles.Leader {
		return mail.Units{}, false, nil
	}
	if pr.IsSystemAdmin() {
		return mail.Units{All: true}, true, nil
	}
	held := append(pr.AgenciesFor(identity.RoleDesk), pr.AgenciesFor(identity.RoleLeader)...)
	if len(held) == 0 {
		return mail.Units{}, true, nil
	}
	ids, err := s.Identity.Subtree(ctx, held)
	return mail.Units{IDs: ids}, true, err
}

// deskMailNotice is the work queues' line about failed e-mails to the
// applicants of the official's units, "" when e-mail is off or none
// failed.
func (s *Server) deskMailNotice(ctx context.Context, pr *identity.Principal, lang string) (string, error) {
	if !s.Mail.Enabled() {
		return "", nil
	}
	units, ok, err := s.deskMailUnits(ctx, pr)
	if err != nil || !ok {
		return "", err
	}
	n, err := s.Mail.CountApplicantFailures(ctx, units)
	if err != nil || n == 0 {
		return "", err
	}
	if n == 1 {
		return translate(lang, "mail.failed_notice_one"), nil
	}
	return fmt.Sprintf(translate(lang, "mail.failed_notice"), n), nil
}

type deskMailListView struct {
	Enabled bool // the system sends e-mail
	Rows    []deskMailFailRow
	More    string // "the latest 200 of 250"
}

type deskMailFailRow struct {
	Code, URL, Name, To, Kind, Reason, Attempts, At string
}

// deskMailFailures lists the e-mails that did not reach the applicants of
// the dossiers the official's units received: which dossier, to whom
// (masked), about what, why in plain words, how many tries, when.
func (s *Server) deskMailFailures(w http.ResponseWriter, r *http.Request) {
	if s.Mail == nil {
		httpx.WriteError(w, r, apperr.ErrNotFound)
		return
	}
	ctx := r.Context()
	pr := httpx.Principal(ctx)
	units, ok, err := s.deskMailUnits(ctx, pr)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	if !ok {
		httpx.WriteError(w, r, errDeskMailRoles)
		return
	}
	p := s.page(r, "mail.failed_title", "desk")
	fails, err := s.Mail.ApplicantFailures(ctx, units, deskMailLimit)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	v := deskMailListView{Enabled: s.Mail.Enabled()}
	if len(fails) == deskMailLimit {
		total, err := s.Mail.CountApplicantFailures(ctx, units)
		if err != nil {
			httpx.WriteError(w, r, err)
			return
		}
		if total > len(fails) {
			v.More = fmt.Sprintf(p.T("mail.failed_more"), len(fails), total)
		}
	}
	for _, f := range fails {
		row := deskMailFailRow{Code: f.DossierCode, URL: deskPath(f.DossierCode), Name: f.UserName, To: f.Masked(),
			Kind: p.T("mail.kind." + f.Kind), Attempts: strconv.Itoa(f.Attempts)}
		if _, ok := messages["mail.kind."+f.Kind]; !ok {
			row.Kind = f.Kind
		}
		reason := f.Reason()
		if reason == mail.ReasonNone {
			reason = mail.ReasonOther
		}
		row.Reason = p.T("mail.reason." + string(reason))
		at := f.CreatedAt
		if f.LastAttemptAt != nil {
			at = *f.LastAttemptAt
		}
		row.At = deskTime(p.Lang, &at)
		v.Rows = append(v.Rows, row)
	}
	p.Data = v
	s.render(w, r, http.StatusOK, "desk_mail", p)
}
