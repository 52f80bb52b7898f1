package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"egov/internal/adminunits"
	"egov/internal/apperr"
	"egov/internal/calendar"
	"egov/internal/catalog"
	"egov/internal/dossier"
	"egov/internal/eform"
	"egov/internal/httpx"
	"egov/internal/vnid"
)

// deskActions maps the {action} of POST /mot-cua/ho-so/{code}/{action}:
// the catalogue's actions by their names, and the two that are not a step
// of the workflow. Anything else is not found.
var deskActions = func() map[string]catalog.Action {
	m := map[string]catalog.Action{}
	for _, a := range catalog.Actions {
		m[string(a)] = a
	}
	return m
}()

const (
	deskBranchReply = "branch_reply" // an agency answers its inter-agency part
	deskPayment     = "payment"      // the desk records a fee paid
)

// deskFields are the inputs of each action's form, whose errors the page
// links to (the input's id is "<action>-<field>").
var deskFields = map[string][]string{
	string(catalog.ActRequestSupplement): {"deficiencies"},
	string(catalog.ActRefuse):            {"note"},
	string(catalog.ActReturnPrevious):    {"note"},
	string(catalog.ActAssign):            {"assignee"},
	string(catalog.ActExtend):            {"days", "note"},
	string(catalog.ActStop):              {"note"},
	string(catalog.ActIssueResult):       {"result", "note"},
	deskPayment:                          {"amount", "method", "reference"},
}

// deskWhy is calendar.Explanation as the dossier stores it (DueWhy), or,
// after an extension, the extension's record. It is decoded here because
// calendar.Reason has no UnmarshalText.
type deskWhy struct {
	N          int
	Received   time.Time
	Effective  time.Time
	ReceiptDay calendar.Date
	Counted    []calendar.Date
	Skipped    []struct {
		Date         calendar.Date
		Reason       string
		Name, NameEn string
	}
	Due time.Time
	// An extension: the old due instant, the working days added, why.
	ExtendedFrom *time.Time `json:"extended_from"`
	Days         int        `json:"days"`
	ExtReason    string     `json:"reason"`
}

// deskWhyView answers "why is it due then?" in words.
type deskWhyView struct {
	Received, Effective string
	Outside             bool
	N                   int
	Counted             []string
	Skipped             []string
	Extended            bool
	ExtendedFrom        string
	Days                int
	Reason              string
}

func deskWhyOf(lang string, raw json.RawMessage) *deskWhyView {
	if len(raw) == 0 {
		return nil
	}
	var w deskWhy
	if err := json.Unmarshal(raw, &w); err != nil {
		return nil
	}
	if w.ExtendedFrom != nil {
		return &deskWhyView{Extended: true, ExtendedFrom: formatInstant(lang, *w.ExtendedFrom), Days: w.Days, Reason: w.ExtReason}
	}
	if w.N == 0 || w.Received.IsZero() {
		return nil // a term in working hours or calendar days: no day list
	}
	v := &deskWhyView{Received: formatInstant(lang, w.Received), Effective: formatInstant(lang, w.Effective),
		Outside: !w.Received.Equal(w.Effective), N: w.N}
	for _, d := range w.Counted {
		v.Counted = append(v.Counted, translate(lang, "wd."+strconv.Itoa(int(d.Weekday())))+" "+formatDate(lang, d))
	}
	for _, sk := range w.Skipped {
		name := sk.Name
		if lang == "en" && sk.NameEn != "" {
			name = sk.NameEn
		}
		reason := translate(lang, "desk.skip."+sk.Reason)
		if strings.HasPrefix(reason, "[") {
			reason = sk.Reason
		}
		line := formatDate(lang, sk.Date) + ": " + reason
		if name != "" && sk.Reason != "weekend" {
			line += " (" + name + ")"
		} else if name != "" {
			line = formatDate(lang, sk.Date) + " (" + name + "): " + reason
		}
		v.Skipped = append(v.Skipped, line)
	}
	return v
}

type deskLine struct{ Label, Value string }

// deskFormRows renders the dossier's form data as label and value, in the
// order of the form it was submitted with; values of fields the form no
// longer knows follow under their names.
func deskFormRows(lang string, f *eform.Form, data map[string]any) []deskLine {
	var out []deskLine
	seen := map[string]bool{}
	if f != nil {
		for _, fd := range f.Fields {
			raw, ok := data[fd.Name]
			if !ok {
				continue
			}
			seen[fd.Name] = true
			out = append(out, deskLine{Label: fd.Label.In(lang), Value: deskFormValue(lang, fd, raw)})
		}
	}
	var rest []string
	for k := range data {
		if !seen[k] {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	for _, k := range rest {
		out = append(out, deskLine{Label: k, Value: deskFormValue(lang, eform.Field{Name: k}, data[k])})
	}
	return out
}

// deskFormValue writes one stored value (JSON-decoded: see eform.Clean for
// the types) the way people read it.
func deskFormValue(lang string, fd eform.Field, raw any) string {
	label := func(v string) string {
		for _, o := range fd.Options {
			if o.Value == v {
				return o.Label.In(lang)
			}
		}
		return v
	}
	switch v := raw.(type) {
	case nil:
		return ""
	case string:
		switch fd.Type {
		case eform.TypeChoice:
			return label(v)
		case eform.TypePhone:
			if ph, err := vnid.ParsePhone(v); err == nil {
				return ph.National()
			}
		}
		return v
	case float64:
		if fd.Type == eform.TypeMoney {
			return money(lang, int64(v))
		}
		s := strconv.FormatFloat(v, 'f', -1, 64)
		if lang == "vi" {
			s = strings.ReplaceAll(s, ".", ",")
		}
		return s
	case bool:
		return translate(lang, map[bool]string{true: "common.yes", false: "desk.no"}[v])
	case []any:
		var parts []string
		for _, x := range v {
			switch y := x.(type) {
			case string:
				parts = append(parts, label(y))
			case map[string]any: // an attached file's metadata
				if n, ok := y["name"].(string); ok {
					parts = append(parts, n)
				}
			default:
				parts = append(parts, fmt.Sprint(y))
			}
		}
		return strings.Join(parts, ", ")
	case map[string]any:
		if y, ok := v["Year"].(float64); ok { // eform.Date
			m, _ := v["Month"].(float64)
			d, _ := v["Day"].(float64)
			return formatDate(lang, calendar.Date{Year: int(y), Month: time.Month(m), Day: int(d)})
		}
		return deskAddress(lang, v)
	}
	return fmt.Sprint(raw)
}

// deskAddress writes an eform.Address: street, commune, province of
// today, or the address as it was typed.
func deskAddress(lang string, a map[string]any) string {
	str := func(k string) string { s, _ := a[k].(string); return strings.TrimSpace(s) }
	var parts []string
	if s := str("street"); s != "" {
		parts = append(parts, s)
	}
	if c, ok := adminunits.CommuneByCode(str("commune_code")); ok {
		parts = append(parts, map[bool]string{true: c.FullNameEn, false: c.FullName}[lang == "en"])
	}
	if p, ok := adminunits.ProvinceByCode(str("province_code")); ok {
		parts = append(parts, map[bool]string{true: p.FullNameEn, false: p.FullName}[lang == "en"])
	}
	if len(parts) <= 1 && str("free_text") != "" {
		return str("free_text")
	}
	return strings.Join(parts, ", ")
}

// deskSize writes a file size: "820 KB", "1,4 MB".
func deskSize(lang string, n int64) string {
	if n < 1<<20 {
		return strconv.FormatInt(max((n+1023)/1024, 1), 10) + " KB"
	}
	s := strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64)
	if lang == "vi" {
		s = strings.ReplaceAll(s, ".", ",")
	}
	return s + " MB"
}

type deskFileRow struct {
	URL, Purpose, Document, Name, Type, Size, At, ResultCode string
	Pages                                                    int
}

type deskPaymentRow struct{ Amount, Method, Reference, At string }

type deskBranchRow struct {
	Agency, Task, Status, Due, Done, Outcome, Note string
	Lead                                           bool
}

type deskBranchForm struct {
	AgencyID     int64
	Agency, Task string
}

// deskSheetRow is a row of the processing control sheet (Form 06 of
// Circular 03/2025/TT-VPCP): who handed the dossier to whom, when, by
// which step deadline, and whether early, on time or late.
type deskSheetRow struct {
	Action, From, To, At, StepDue, Outcome, OutcomeKey, Note string
}

type deskEventRow struct{ At, Action, Actor, Unit, Note string }

// deskActionForm is one action the official may take now.
type deskActionForm struct {
	Name, Label, Hint string
	Secondary         bool     // an action that ends or sends back: a quieter button
	Assignees         []option // assign
	Assignee          string   // assign: the current one
	Branches          []string // send_agency: who gets what
}

type deskDossierView struct {
	deskRoles
	V                              dossier.View
	Forms                          []formLink
	Code, URL, StatusText          string
	Procedure, ProcedureCode, Term string
	TermNote, Result               string
	Step, StepUnit, Assignee       string
	Submitted, Received, Due       string
	StepDue, Finished, Channel     string
	OutcomeText                    string
	DueBadge, StepBadge            *deskMark
	Why                            *deskWhyView
	Fields                         []deskLine
	Files                          []deskFileRow
	FeesDue, FeesPaid              string
	Payments                       []deskPaymentRow
	Branches                       []deskBranchRow
	BranchForms                    []deskBranchForm
	Sheet                          []deskSheetRow
	History                        []deskEventRow
	Actions                        []deskActionForm
	Mail                           *deskMailView // e-mails about the dossier (account_mail.go)
	// Failed is the action whose form is shown again with what was typed
	// (Posted) and its errors.
	Failed string
	Posted url.Values
}

// Val is what the official typed into a field of the failed action's form.
func (d *deskDossierView) Val(action, field string) string {
	if d.Failed != action || d.Posted == nil {
		return ""
	}
	return d.Posted.Get(field)
}

// deskInputView is one input of an action's form, with what the
// official typed and its error when the form comes back.
type deskInputView struct {
	ID, Name, Label, Hint, Value, Error string
	Required                            bool
}

// HintID and ErrorID are the ids aria-describedby names.
func (i deskInputView) HintID() string  { return i.ID + "-hint" }
func (i deskInputView) ErrorID() string { return i.ID + "-error" }

// DescribedBy is the input's aria-describedby, "" for none.
func (i deskInputView) DescribedBy() string {
	var ids []string
	if i.Hint != "" {
		ids = append(ids, i.HintID())
	}
	if i.Error != "" {
		ids = append(ids, i.ErrorID())
	}
	return strings.Join(ids, " ")
}

// Input describes the input field of action's form, labelled by the
// message label (and hinted by label+"_hint" when that message exists).
func (d *deskDossierView) Input(p *Page, action, field, label string, required bool) deskInputView {
	in := deskInputView{ID: action + "-" + field, Name: field, Label: p.T(label), Value: d.Val(action, field), Required: required}
	if _, ok := messages[label+"_hint"]; ok {
		in.Hint = p.T(label + "_hint")
	}
	in.Error = p.FieldError(in.ID)
	return in
}

// deskView builds the official's page of a dossier from what the dossier
// service returns (and the catalogue versions it started with).
func (s *Server) deskView(ctx context.Context, p *Page, code string) (*deskDossierView, error) {
	pr := p.Principal
	v, err := s.Dossiers.Get(ctx, pr, code)
	if err != nil {
		return nil, err
	}
	lang := p.Lang
	l := s.deskLookup(ctx, lang)
	proc := l.procedure(v.ProcedureCode, v.ProcedureVersion)
	d := &deskDossierView{deskRoles: deskRolesOf(pr), V: v, Code: v.Code, URL: deskPath(v.Code), Forms: formLinks(lang, deskPath(v.Code), v),
		StatusText: p.T("desk.status." + string(v.Status)), Procedure: l.procName(v.ProcedureCode, v.ProcedureVersion),
		ProcedureCode: v.ProcedureCode, Result: proc.Result, Step: l.stepName(v.WorkflowKey, v.WorkflowVersion, v.Step),
		StepUnit: v.StepUnit, Assignee: v.Assignee, Submitted: formatInstant(lang, v.SubmittedAt),
		Channel: p.T("desk.channel." + string(v.Channel))}
	if proc.Time.N > 0 {
		d.Term, d.TermNote = termText(lang, proc.Time), proc.Time.Note
	}
	if v.ReceivedAt != nil {
		d.Received = formatInstant(lang, *v.ReceivedAt)
	}
	if v.DueAt != nil {
		d.Due = formatInstant(lang, *v.DueAt)
	}
	if v.StepDueAt != nil && v.Status != dossier.StatusSupplement && !v.Status.Finished() {
		d.StepDue = formatInstant(lang, *v.StepDueAt)
	}
	if v.FinishedAt != nil {
		d.Finished = formatInstant(lang, *v.FinishedAt)
		if v.Outcome != "" {
			d.OutcomeText = p.T("desk.outcome." + string(v.Outcome))
		}
	}
	if v.Status == dossier.StatusProcessing || v.Status == dossier.StatusResult {
		cal, err := s.Calendar.Calendar(ctx)
		if err != nil {
			return nil, err
		}
		now := s.Now()
		d.DueBadge = deskMarkOf(lang, deskBadge(cal, now, v.DueAt, nil))
		d.StepBadge = deskMarkOf(lang, deskBadge(cal, now, v.StepDueAt, v.StepWarnAt))
	}
	d.Why = deskWhyOf(lang, v.DueWhy)

	var form *eform.Form
	if v.FormKey != "" {
		if f, err := s.Catalog.FormAt(ctx, v.FormKey, v.FormVersion); err == nil {
			form = &f
		}
	}
	d.Fields = deskFormRows(lang, form, v.Data)
	for _, f := range v.Files {
		d.Files = append(d.Files, deskFileRow{URL: "/ho-so/" + url.PathEscape(v.Code) + "/tep/" + strconv.FormatInt(f.ID, 10),
			Purpose: p.T("desk.purpose." + f.Purpose), Document: f.Document, Name: f.Name, Type: f.ContentType,
			Size: deskSize(lang, f.Size), Pages: f.Pages, At: deskTime(lang, &f.UploadedAt), ResultCode: f.ResultCode})
	}
	d.FeesDue, d.FeesPaid = money(lang, v.FeesDue), money(lang, v.FeesPaid)
	for _, pay := range v.Payments {
		d.Payments = append(d.Payments, deskPaymentRow{Amount: money(lang, pay.Amount), Method: p.T("desk.method." + pay.Method),
			Reference: pay.Reference, At: deskTime(lang, &pay.At)})
	}
	for _, b := range v.Branches {
		row := deskBranchRow{Agency: b.Agency, Task: b.Task, Lead: b.Lead, Status: p.T("desk.branch." + b.Status),
			Due: deskTime(lang, &b.DueAt), Done: deskTime(lang, b.DoneAt), Note: b.Note}
		if b.Outcome != "" {
			row.Outcome = p.T("desk.outcome." + string(b.Outcome))
		}
		d.Branches = append(d.Branches, row)
		if b.Status == "pending" && slices.Contains(v.BranchAgencies, b.AgencyID) {
			d.BranchForms = append(d.BranchForms, deskBranchForm{AgencyID: b.AgencyID, Agency: b.Agency, Task: b.Task})
		}
	}
	d.Sheet, d.History = deskSheet(lang, l, v)
	if d.Mail, err = s.deskMailOf(ctx, lang, v); err != nil {
		return nil, err
	}
	if d.Actions, err = s.deskActionForms(ctx, p, l, v); err != nil {
		return nil, err
	}
	return d, nil
}

// deskHandOvers are the history entries that hand the dossier over, the
// rows of the processing control sheet.
var deskHandOvers = map[string]bool{
	"receive": true, "forward": true, "approve": true, "return_previous": true, "issue_result": true, "return_result": true,
	"refuse": true, "stop": true, "request_supplement": true, "supplement_done": true, "send_agency": true, "branch_done": true,
	"withdraw": true,
}

// deskSheet reads the control sheet and the full history from the
// dossier's events.
func deskSheet(lang string, l *deskLookup, v dossier.View) ([]deskSheetRow, []deskEventRow) {
	applicant := translate(lang, "desk.applicant_party")
	if v.ApplicantName != "" {
		applicant += ": " + v.ApplicantName
	}
	var sheet []deskSheetRow
	var hist []deskEventRow
	for _, e := range v.Events {
		action := deskEventName(lang, e.Action)
		note := e.Note
		if items := deskStrings(e.Data["deficiencies"]); len(items) > 0 {
			note = strings.Join(items, "; ")
		}
		if a, ok := e.Data["assignee"].(string); ok && note == "" {
			note = a
		}
		if rc, ok := e.Data["result_code"].(string); ok && note == "" {
			note = rc
			if l := signedLine(lang, e.Data); l != "" {
				note += " · " + l
			}
		}
		unit := e.Unit
		if unit == "" {
			unit = e.FromUnit
		}
		hist = append(hist, deskEventRow{At: deskTime(lang, &e.At), Action: action, Actor: deskActor(lang, e.Actor), Unit: unit, Note: note})
		if !deskHandOvers[e.Action] {
			continue
		}
		row := deskSheetRow{Action: action, From: e.FromUnit, To: e.Unit, At: deskTime(lang, &e.At), StepDue: deskTime(lang, e.StepDueAt),
			OutcomeKey: string(e.Outcome), Note: note}
		if e.Outcome != "" {
			row.Outcome = translate(lang, "desk.outcome."+string(e.Outcome))
		}
		switch e.Action {
		case "refuse", "stop", "return_result", "request_supplement":
			row.To = applicant
		case "supplement_done", "withdraw":
			row.From = applicant
		case "send_agency":
			row.To = e.Note
			row.Note = ""
		}
		if e.ToStep != "" && e.ToStep != catalog.End && e.ToStep != e.Step {
			row.Action += " → " + l.stepName(v.WorkflowKey, v.WorkflowVersion, e.ToStep)
		}
		sheet = append(sheet, row)
	}
	return sheet, hist
}

func deskStrings(v any) []string {
	list, _ := v.([]any)
	var out []string
	for _, x := range list {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func deskActor(lang, actor string) string {
	if actor == "system" {
		return translate(lang, "desk.system")
	}
	return actor
}

// deskEventName names a history entry's action in plain words.
func deskEventName(lang, action string) string {
	if t := translate(lang, "desk.ev."+action); !strings.HasPrefix(t, "[") {
		return t
	}
	return action
}

// deskActionForms lists the forms of the actions the official may take
// now, in the workflow's order, with what each needs.
func (s *Server) deskActionForms(ctx context.Context, p *Page, l *deskLookup, v dossier.View) ([]deskActionForm, error) {
	var st catalog.Step
	if wf := l.workflow(v.WorkflowKey, v.WorkflowVersion); wf != nil {
		st, _ = wf.Step(v.Step)
	}
	// The step's own actions in the workflow's order, assignment last.
	allowed := slices.Clone(v.Allowed)
	if i := slices.Index(allowed, catalog.ActAssign); i >= 0 {
		allowed = append(slices.Delete(allowed, i, i+1), catalog.ActAssign)
	}
	var out []deskActionForm
	for _, a := range allowed {
		f := deskActionForm{Name: string(a), Label: p.T("desk.act." + string(a)), Hint: p.T("desk.hint." + string(a)),
			Secondary: a == catalog.ActRefuse || a == catalog.ActStop || a == catalog.ActReturnPrevious}
		switch a {
		case catalog.ActAssign:
			users, err := s.Dossiers.Assignees(ctx, p.Principal, v.Code, s.Identity)
			if err != nil {
				return nil, err
			}
			for _, u := range users {
				f.Assignees = append(f.Assignees, option{Value: strconv.FormatInt(u.ID, 10), Label: u.FullName + " (" + u.Username + ")"})
			}
			f.Assignee = strconv.FormatInt(v.AssigneeID, 10)
		case catalog.ActSendAgency:
			for _, b := range st.Branches {
				who := b.Agency.Note
				if who == "" {
					who = b.Agency.Code + b.Agency.Kind
				}
				line := who + ": " + b.Task
				if b.Lead {
					line += " (" + p.T("cat.lead") + ")"
				}
				f.Branches = append(f.Branches, line)
			}
		}
		out = append(out, f)
	}
	return out, nil
}

// deskDossier is the official's page of a dossier; those who may not see
// it are told it does not exist.
func (s *Server) deskDossier(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "", "desk")
	d, err := s.deskView(r.Context(), p, r.PathValue("code"))
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	p.Title = p.T("desk.dossier_title") + " " + d.Code
	p.Data = d
	s.render(w, r, http.StatusOK, "desk_dossier", p)
}

// deskAct performs one action on a dossier, then goes back to its page
// (303) with a message; a refusal shows the page again with the reason
// next to the form, and what was typed kept.
func (s *Server) deskAct(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	pr := httpx.Principal(ctx)
	code, name := r.PathValue("code"), r.PathValue("action")
	var posted url.Values
	var err error
	switch name {
	case deskBranchReply:
		posted, err = deskForm(r)
		if err == nil {
			agency, _ := strconv.ParseInt(posted.Get("agency"), 10, 64)
			_, err = s.Dossiers.ReplyBranch(ctx, pr, code, agency, posted.Get("note"))
		}
	case deskPayment:
		posted, err = deskForm(r)
		if err == nil {
			err = s.Dossiers.RecordPayment(ctx, pr, code, dossier.Payment{Amount: deskAmount(posted.Get("amount")),
				Method: posted.Get("method"), Reference: posted.Get("reference")})
		}
	default:
		act, ok := deskActions[name]
		if !ok {
			httpx.WriteError(w, r, errDeskNoAction)
			return
		}
		if act == catalog.ActIssueResult {
			posted, err = s.deskIssueResult(r, code)
			break
		}
		posted, err = deskForm(r)
		if err == nil {
			_, err = s.Dossiers.Act(ctx, pr, code, act, deskInput(act, posted))
		}
	}
	if err == nil {
		s.redirect(w, r, deskPath(code), "desk.done."+name)
		return
	}
	e := apperr.As(err)
	if e.Code == apperr.NotFound || e.Code == apperr.Internal || e.Code == apperr.TooLarge {
		httpx.WriteError(w, r, err)
		return
	}
	p := s.page(r, "", "desk")
	d, gerr := s.deskView(ctx, p, code)
	if gerr != nil {
		httpx.WriteError(w, r, gerr)
		return
	}
	d.Failed, d.Posted = name, posted
	p.Title = p.T("desk.dossier_title") + " " + d.Code
	p.Errors = deskErrors(p.Lang, name, e)
	p.Data = d
	s.render(w, r, httpx.Status(e.Code), "desk_dossier", p)
}

// deskForm reads a URL-encoded action form.
func deskForm(r *http.Request) (url.Values, error) {
	if err := r.ParseForm(); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, apperr.ErrTooLarge.Wrap(err)
		}
		return nil, apperr.Validation().Wrap(err)
	}
	return r.PostForm, nil
}

// deskInput turns an action's form into the dossier service's input.
func deskInput(act catalog.Action, f url.Values) dossier.Input {
	in := dossier.Input{Note: f.Get("note")}
	switch act {
	case catalog.ActRequestSupplement:
		in.Deficiencies = strings.Split(f.Get("deficiencies"), "\n")
	case catalog.ActAssign:
		in.AssigneeID, _ = strconv.ParseInt(f.Get("assignee"), 10, 64)
	case catalog.ActExtend:
		in.Days, _ = strconv.Atoi(strings.TrimSpace(f.Get("days")))
	case catalog.ActReceive:
		in.Note = "" // receipt writes the appointment as its note
	}
	return in
}

// deskAmount reads an amount in đồng as people type it: "8.000", "8 000 đ".
func deskAmount(s string) int64 {
	s = strings.ToLower(strings.TrimSpace(s))
	for _, cut := range []string{"đồng", "vnd", "đ"} {
		s = strings.TrimSuffix(strings.TrimSpace(s), cut)
	}
	s = strings.NewReplacer(".", "", ",", "", " ", "", "\u00a0", "").Replace(s)
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// deskMaxValue bounds a text part of a multipart form.
const deskMaxValue = 64 << 10

// deskIssueResult streams the result document through the upload
// pipeline and issues the result with it. Someone who may not issue the
// result is refused before anything is stored.
func (s *Server) deskIssueResult(r *http.Request, code string) (url.Values, error) {
	ctx := r.Context()
	pr := httpx.Principal(ctx)
	vals := url.Values{}
	v, err := s.Dossiers.Get(ctx, pr, code)
	if err != nil {
		return vals, err
	}
	if !slices.Contains(v.Allowed, catalog.ActIssueResult) {
		// The service says why (wrong step, wrong role), before it would
		// ask for the document.
		_, err := s.Dossiers.Act(ctx, pr, code, catalog.ActIssueResult, dossier.Input{})
		if err == nil {
			err = dossier.ErrChanged
		}
		return vals, err
	}
	var up *dossier.Upload
	if mr, err := r.MultipartReader(); err == nil {
		for {
			part, err := mr.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				return vals, deskPartErr(err)
			}
			if part.FileName() == "" {
				b, err := io.ReadAll(io.LimitReader(part, deskMaxValue))
				if err != nil {
					return vals, deskPartErr(err)
				}
				vals.Add(part.FormName(), string(b))
				continue
			}
			if part.FormName() != "result" || up != nil {
				continue
			}
			u, err := s.Uploads.Accept(ctx, pr, part.FileName(), part)
			if err != nil {
				return vals, err
			}
			up = &u
		}
	} else if err := r.ParseForm(); err == nil {
		vals = r.PostForm
	}
	in := dossier.Input{Note: vals.Get("note")}
	if up != nil {
		refs, err := s.Dossiers.Resolve(ctx, pr, []int64{up.ID}, nil)
		if err != nil {
			return vals, err
		}
		in.Result = &refs[0]
	}
	_, err = s.Dossiers.Act(ctx, pr, code, catalog.ActIssueResult, in)
	return vals, err
}

// deskPartErr reports a multipart body that could not be read.
func deskPartErr(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) || errors.Is(err, multipart.ErrMessageTooLarge) {
		return apperr.ErrTooLarge.Wrap(err)
	}
	return apperr.Validation().Wrap(err)
}

// deskErrors are an action's errors as the page lists them: each field
// error links to its input in that action's form; an upload refusal
// belongs to the file input.
func deskErrors(lang, action string, e *apperr.Error) []FieldMsg {
	known := deskFields[action]
	id := func(field string) string {
		if slices.Contains(known, field) {
			return action + "-" + field
		}
		return ""
	}
	var out []FieldMsg
	for _, f := range e.Fields {
		m := f.VI
		if lang == "en" {
			m = f.EN
		}
		out = append(out, FieldMsg{Field: id(f.Field), Message: m})
	}
	if len(out) == 0 {
		field := ""
		if action == string(catalog.ActIssueResult) && e.Code == apperr.Invalid {
			field = id("result")
		}
		out = append(out, FieldMsg{Field: field, Message: e.Message(lang)})
	}
	return out
}
