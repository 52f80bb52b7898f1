package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"egov/internal/apperr"
	"egov/internal/calendar"
	"egov/internal/catalog"
	"egov/internal/dossier"
	"egov/internal/httpx"
	"egov/internal/identity"
)

// The officials' pages: work queues, the dossier page with its allowed
// actions (desk_dossier.go), desk submission on behalf (desk_submit.go),
// the late list. Every decision (who may see or do what, at which step)
// is the dossier service's; these pages only show what it allows and pass
// on what the official typed.

var (
	errDeskLeadersOnly = apperr.New(apperr.Forbidden, "desk.leaders_only",
		"Chỉ lãnh đạo đơn vị xem được danh sách hồ sơ trễ hạn.", "Only leaders see the list of late dossiers.")
	errDeskNoAction = apperr.New(apperr.NotFound, "desk.no_action",
		"Không có thao tác này đối với hồ sơ.", "There is no such action on a dossier.")
)

// deskPageSize is how many dossiers a work queue shows at a time.
const deskPageSize = 25

// deskPath is the official's page of a dossier.
func deskPath(code string) string { return "/mot-cua/ho-so/" + url.PathEscape(code) }

// deskResultSuffix is the "-KQ<n>" of a result code: typed in the search
// box, it opens the dossier the result belongs to.
var deskResultSuffix = regexp.MustCompile(`-KQ\d+$`)

// deskCode normalises a code typed into the search box.
func deskCode(s string) string {
	s = strings.ToUpper(strings.TrimSpace(s))
	return deskResultSuffix.ReplaceAllString(s, "")
}

// deskTime writes an instant briefly, for tables: "17:00 05/03/2027".
func deskTime(lang string, t *time.Time) string {
	if t == nil || t.IsZero() {
		return ""
	}
	l := t.In(calendar.Location())
	if lang == "en" {
		return l.Format("2 Jan 2006 15:04")
	}
	return l.Format("15:04 02/01/2006")
}

// deskBadge says whether a due instant is past ("overdue") or near
// ("soon"): near is from warn on, or, without warn, when the close of the
// next working day reaches it.
func deskBadge(cal *calendar.Calendar, now time.Time, due, warn *time.Time) string {
	switch {
	case due == nil || due.IsZero():
		return ""
	case !now.Before(*due):
		return "overdue"
	case warn != nil && !warn.IsZero():
		if !now.Before(*warn) {
			return "soon"
		}
	case cal != nil:
		if next, err := cal.DueWorkingDays(now, 1); err == nil && !next.Before(*due) {
			return "soon"
		}
	}
	return ""
}

// deskLookup caches, for one request, the catalogue versions the listed
// dossiers started with: procedure names and workflow step names.
type deskLookup struct {
	s     *Server
	ctx   context.Context
	lang  string
	procs map[string]catalog.Procedure
	wfs   map[string]*catalog.Workflow
}

func (s *Server) deskLookup(ctx context.Context, lang string) *deskLookup {
	return &deskLookup{s: s, ctx: ctx, lang: lang, procs: map[string]catalog.Procedure{}, wfs: map[string]*catalog.Workflow{}}
}

func (l *deskLookup) procedure(code string, version int) catalog.Procedure {
	k := code + "@" + strconv.Itoa(version)
	p, ok := l.procs[k]
	if !ok {
		var err error
		if p, err = l.s.Catalog.ProcedureAt(l.ctx, code, version); err != nil {
			p = catalog.Procedure{Code: code, Name: code}
		}
		l.procs[k] = p
	}
	return p
}

func (l *deskLookup) procName(code string, version int) string {
	p := l.procedure(code, version)
	if l.lang == "en" && p.NameEn != "" {
		return p.NameEn
	}
	return p.Name
}

func (l *deskLookup) workflow(key string, version int) *catalog.Workflow {
	k := key + "@" + strconv.Itoa(version)
	wf, ok := l.wfs[k]
	if !ok {
		if w, err := l.s.Catalog.WorkflowAt(l.ctx, key, version); err == nil {
			wf = &w
		}
		l.wfs[k] = wf
	}
	return wf
}

// stepName names a step of the dossier's workflow in the page's language.
func (l *deskLookup) stepName(key string, version int, step string) string {
	if step == "" {
		return ""
	}
	if step == catalog.End {
		return translate(l.lang, "desk.step_end")
	}
	if wf := l.workflow(key, version); wf != nil {
		if st, ok := wf.Step(step); ok {
			return st.Name.In(l.lang)
		}
	}
	return step
}

// deskMark is a due date's badge: "sắp đến hạn" or "quá hạn".
type deskMark struct{ Class, Text string }

// deskMarkOf is the badge of deskBadge's answer, nil for none.
func deskMarkOf(lang, badge string) *deskMark {
	switch badge {
	case "overdue":
		return &deskMark{Class: "off", Text: translate(lang, "desk.badge.overdue")}
	case "soon":
		return &deskMark{Class: "warn", Text: translate(lang, "desk.badge.soon")}
	}
	return nil
}

// deskRow is a dossier as a row of a work list.
type deskRow struct {
	Code, URL, Procedure, Applicant string
	Status, Step, Unit, Assignee    string
	StepDue, Due                    string
	StepBadge, DueBadge             *deskMark
	DaysLate                        int
}

func (s *Server) deskRows(l *deskLookup, cal *calendar.Calendar, views []dossier.View) []deskRow {
	now := s.Now()
	out := make([]deskRow, 0, len(views))
	for _, v := range views {
		row := deskRow{Code: v.Code, URL: deskPath(v.Code), Procedure: l.procName(v.ProcedureCode, v.ProcedureVersion),
			Applicant: v.ApplicantName, Status: translate(l.lang, "desk.status."+string(v.Status)),
			Step: l.stepName(v.WorkflowKey, v.WorkflowVersion, v.Step), Unit: v.StepUnit, Assignee: v.Assignee,
			StepDue: deskTime(l.lang, v.StepDueAt), Due: deskTime(l.lang, v.DueAt)}
		if v.Status == dossier.StatusProcessing || v.Status == dossier.StatusResult {
			row.StepBadge = deskMarkOf(l.lang, deskBadge(cal, now, v.StepDueAt, v.StepWarnAt))
			row.DueBadge = deskMarkOf(l.lang, deskBadge(cal, now, v.DueAt, nil))
		}
		out = append(out, row)
	}
	return out
}

// deskRoles is what the desk pages show depending on the official's roles.
type deskRoles struct {
	Desk, Leader bool
}

func deskRolesOf(p *identity.Principal) deskRoles {
	return deskRoles{Desk: p.Has(identity.RoleDesk) || p.IsSystemAdmin(), Leader: p.Has(identity.RoleLeader) || p.IsSystemAdmin()}
}

type deskTab struct {
	Key, Label, Count, URL string
	Current                bool
}

// deskCount writes a work list's size; Counts stops counting at 100.
func deskCount(n int) string {
	if n >= 100 {
		return "100+"
	}
	return strconv.Itoa(n)
}

type deskQueuesView struct {
	deskRoles
	Tabs         []deskTab
	Queue, Label string
	Rows         []deskRow
	Next, First  string
	Code         string
	MailNote     string // failed e-mails to applicants (desk_mail.go)
}

// deskQueues is the official's work: a tab per work list with its size, a
// page of the current list (keyset paging), and a box to open a dossier
// by its code.
func (s *Server) deskQueues(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	pr := httpx.Principal(ctx)
	p := s.page(r, "desk.queues_title", "desk")
	q := r.URL.Query()
	d := deskQueuesView{deskRoles: deskRolesOf(pr), Code: strings.TrimSpace(q.Get("ma"))}
	status := http.StatusOK
	if d.Code != "" {
		code := deskCode(d.Code)
		_, err := s.Dossiers.Get(ctx, pr, code)
		switch {
		case err == nil:
			http.Redirect(w, r, deskPath(code), http.StatusSeeOther)
			return
		case apperr.IsCode(err, apperr.NotFound):
			p.Errors = []FieldMsg{{Field: "ma", Message: p.T("desk.code_not_found")}}
			status = http.StatusNotFound
		default:
			httpx.WriteError(w, r, err)
			return
		}
	}
	counts, err := s.Dossiers.Counts(ctx, pr)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	queue := dossier.Queue(q.Get("ds"))
	switch {
	case queue == "":
		queue = dossier.QueueProcess
		if d.Desk && counts[dossier.QueueReceive] > 0 {
			queue = dossier.QueueReceive
		} else if counts[dossier.QueueProcess] == 0 && counts[dossier.QueueInterAgency] > 0 {
			queue = dossier.QueueInterAgency
		}
	case !slices.Contains(dossier.Queues, queue):
		httpx.WriteError(w, r, dossier.ErrQueue)
		return
	}
	after, _ := strconv.ParseInt(q.Get("sau"), 10, 64)
	views, err := s.Dossiers.Queue(ctx, pr, queue, max(after, 0), deskPageSize+1)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	for _, k := range dossier.Queues {
		t := deskTab{Key: string(k), Label: p.T("desk.q." + string(k)), Count: deskCount(counts[k]), URL: "/mot-cua?ds=" + string(k), Current: k == queue}
		d.Tabs = append(d.Tabs, t)
		if t.Current {
			d.Queue, d.Label = t.Key, t.Label
		}
	}
	if len(views) > deskPageSize {
		views = views[:deskPageSize]
		d.Next = "/mot-cua?ds=" + string(queue) + "&sau=" + strconv.FormatInt(views[len(views)-1].ID, 10)
	}
	if after > 0 {
		d.First = "/mot-cua?ds=" + string(queue)
	}
	cal, err := s.Calendar.Calendar(ctx)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	d.Rows = s.deskRows(s.deskLookup(ctx, p.Lang), cal, views)
	if d.MailNote, err = s.deskMailNotice(ctx, pr, p.Lang); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	p.Data = d
	s.render(w, r, status, "desk_queues", p)
}

type deskLateView struct {
	deskRoles
	Rows []deskRow
}

// lateList shows leaders the unfinished dossiers past their due date in
// their agencies, most overdue first.
func (s *Server) lateList(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	pr := httpx.Principal(ctx)
	roles := deskRolesOf(pr)
	if !roles.Leader {
		httpx.WriteError(w, r, errDeskLeadersOnly)
		return
	}
	p := s.page(r, "desk.late_title", "desk")
	items, err := s.Dossiers.Late(ctx, pr, 200)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	cal, err := s.Calendar.Calendar(ctx)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	views := make([]dossier.View, len(items))
	for i, it := range items {
		views[i] = it.View
	}
	rows := s.deskRows(s.deskLookup(ctx, p.Lang), cal, views)
	for i := range rows {
		rows[i].DaysLate = items[i].DaysLate
	}
	p.Data = deskLateView{deskRoles: roles, Rows: rows}
	s.render(w, r, http.StatusOK, "desk_late", p)
}
