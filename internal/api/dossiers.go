package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"
	"golang.org/x/text/unicode/norm"

	"egov/internal/calendar"
	"egov/internal/catalog"
	"egov/internal/dossier"
	"egov/internal/eform"
	"egov/internal/httpx"
	"egov/internal/identity"
)

// The dossier API: applying online, the desk and processing actions (one
// operation per action, each with its own body), reading a dossier and
// its files, work lists and notifications. Every route needs a signed-in
// caller; who may do what is the dossier service's decision, and a
// dossier the caller may not see answers 404 as if it did not exist.

// DossierState is where a dossier stands after an action.
type DossierState struct {
	Code       string            `json:"code" example:"000.01.20.H37-261124-0001"`
	Action     string            `json:"action,omitempty" example:"receive"`
	Status     string            `json:"status" enum:"submitted,supplement,processing,result,returned,refused,stopped,withdrawn"`
	Step       string            `json:"step" doc:"Workflow step ID; \"end\" when finished"`
	ReceivedAt string            `json:"received_at,omitempty" format:"date-time"`
	DueAt      string            `json:"due_at,omitempty" format:"date-time" doc:"Ngày hẹn trả / the appointment"`
	StepDueAt  string            `json:"step_due_at,omitempty" format:"date-time"`
	ResultCode string            `json:"result_code,omitempty" example:"000.01.20.H37-261124-0001-KQ1"`
	DueWhy     *DueWhy           `json:"due_why,omitempty" doc:"How due_at was counted, when this action set it"`
	Branch     *DossierBranch    `json:"branch,omitempty" doc:"The inter-agency part just answered"`
	Links      map[string]string `json:"links"`
}

// DueWhy explains a dossier's due instant: the working days counted and
// the days skipped, or the extension that moved it.
type DueWhy struct {
	Text         string       `json:"text" doc:"The explanation in the request's language"`
	WorkingDays  int          `json:"working_days,omitempty"`
	Received     string       `json:"received,omitempty" format:"date-time"`
	CountsFrom   string       `json:"counts_from,omitempty" format:"date-time" doc:"The next opening when received outside office hours"`
	Counted      []string     `json:"counted,omitempty" doc:"The working days counted (YYYY-MM-DD); the last is the due day"`
	Skipped      []SkippedDay `json:"skipped,omitempty"`
	Due          string       `json:"due,omitempty" format:"date-time"`
	ExtendedFrom string       `json:"extended_from,omitempty" format:"date-time" doc:"The due instant before the extension"`
	ExtendedDays int          `json:"extended_days,omitempty"`
	Reason       string       `json:"reason,omitempty" doc:"Why it was extended"`
}

// SkippedDay is a day not counted as a working day.
type SkippedDay struct {
	Date   string `json:"date" format:"date"`
	Reason string `json:"reason" enum:"weekend,holiday,compensatory,declared_off"`
	Name   string `json:"name" example:"Tết Nguyên đán"`
}

// DossierEvent is a line of the processing control sheet.
type DossierEvent struct {
	At         string         `json:"at" format:"date-time"`
	Action     string         `json:"action" example:"forward"`
	Step       string         `json:"step,omitempty"`
	ToStep     string         `json:"to_step,omitempty"`
	Actor      string         `json:"actor"`
	FromUnitID int64          `json:"from_unit_id,omitempty"`
	FromUnit   string         `json:"from_unit,omitempty" doc:"Đơn vị giao / the giving unit"`
	UnitID     int64          `json:"unit_id,omitempty"`
	Unit       string         `json:"unit,omitempty" doc:"Đơn vị nhận / the unit holding the dossier after it"`
	StepDueAt  string         `json:"step_due_at,omitempty" format:"date-time"`
	Outcome    string         `json:"outcome,omitempty" enum:"early,on_time,late"`
	Note       string         `json:"note,omitempty"`
	Data       map[string]any `json:"data,omitempty"`
}

// DossierBranch is one agency's part of an inter-agency (liên thông) step.
type DossierBranch struct {
	ID       int64  `json:"id"`
	Step     string `json:"step"`
	AgencyID int64  `json:"agency_id"`
	Agency   string `json:"agency"`
	Lead     bool   `json:"lead"`
	Task     string `json:"task"`
	Status   string `json:"status" enum:"pending,done"`
	SentAt   string `json:"sent_at" format:"date-time"`
	DueAt    string `json:"due_at,omitempty" format:"date-time"`
	DoneAt   string `json:"done_at,omitempty" format:"date-time"`
	Outcome  string `json:"outcome,omitempty" enum:"early,on_time,late"`
	Note     string `json:"note,omitempty"`
	ReplyURL string `json:"reply_url,omitempty" doc:"Present when the caller may answer this part"`
}

// DossierFile is a file of a dossier (metadata; the bytes are at url).
type DossierFile struct {
	ID          int64  `json:"id"`
	Purpose     string `json:"purpose" enum:"application,supplement,result"`
	Document    string `json:"document,omitempty" doc:"Which required document it is"`
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	Pages       int    `json:"pages"`
	Hash        string `json:"hash"`
	ResultCode  string `json:"result_code,omitempty"`
	UploadedAt  string `json:"uploaded_at" format:"date-time"`
	URL         string `json:"url"`
}

// DossierPayment is a fee payment recorded by the desk.
type DossierPayment struct {
	Amount    int64  `json:"amount" doc:"VND"`
	Method    string `json:"method" enum:"cash,transfer"`
	Reference string `json:"reference,omitempty"`
	At        string `json:"at" format:"date-time"`
}

// DossierRating is the applicant's satisfaction.
type DossierRating struct {
	Score   int    `json:"score" minimum:"1" maximum:"5"`
	Comment string `json:"comment,omitempty"`
	Changes int    `json:"changes" doc:"How many times it was changed (at most once)"`
}

// Dossier is a dossier as its applicant or an entitled official sees it.
type Dossier struct {
	Code             string            `json:"code"`
	ProcedureCode    string            `json:"procedure_code"`
	ProcedureVersion int               `json:"procedure_version"`
	Procedure        string            `json:"procedure,omitempty"`
	Channel          string            `json:"channel" enum:"online,desk"`
	Status           string            `json:"status" enum:"submitted,supplement,processing,result,returned,refused,stopped,withdrawn"`
	Step             string            `json:"step"`
	StepName         string            `json:"step_name,omitempty"`
	StepRole         string            `json:"step_role,omitempty"`
	Clock            string            `json:"clock" enum:"not_started,running,paused,finished"`
	ApplicantName    string            `json:"applicant_name"`
	ReceivingUnitID  int64             `json:"receiving_unit_id"`
	ReceivingUnit    string            `json:"receiving_unit"`
	DeciderID        int64             `json:"decider_id,omitempty"`
	Decider          string            `json:"decider,omitempty"`
	StepUnitID       int64             `json:"step_unit_id,omitempty"`
	StepUnit         string            `json:"step_unit,omitempty"`
	AssigneeID       int64             `json:"assignee_id,omitempty"`
	Assignee         string            `json:"assignee,omitempty"`
	SubmittedAt      string            `json:"submitted_at" format:"date-time"`
	ReceivedAt       string            `json:"received_at,omitempty" format:"date-time"`
	DueAt            string            `json:"due_at,omitempty" format:"date-time" doc:"Ngày hẹn trả / the appointment"`
	DueWhy           *DueWhy           `json:"due_why,omitempty"`
	StepStartedAt    string            `json:"step_started_at,omitempty" format:"date-time"`
	StepDueAt        string            `json:"step_due_at,omitempty" format:"date-time"`
	FinishedAt       string            `json:"finished_at,omitempty" format:"date-time"`
	StepLate         bool              `json:"step_late"`
	Overdue          bool              `json:"overdue"`
	Returned         bool              `json:"returned" doc:"Sent back from a later step"`
	Outcome          string            `json:"outcome,omitempty" enum:"early,on_time,late"`
	Supplements      int               `json:"supplements" doc:"Supplement requests during processing"`
	Extensions       int               `json:"extensions"`
	ApplicantSeconds int64             `json:"applicant_seconds" doc:"Time spent with the applicant, not counted against the agency"`
	FeesDue          int64             `json:"fees_due" doc:"VND"`
	FeesPaid         int64             `json:"fees_paid" doc:"VND"`
	Deficiencies     []string          `json:"deficiencies,omitempty" doc:"What the open supplement request asks for"`
	Data             map[string]any    `json:"data" doc:"The form's values as checked at submission"`
	Events           []DossierEvent    `json:"events"`
	Branches         []DossierBranch   `json:"branches"`
	Files            []DossierFile     `json:"files"`
	Payments         []DossierPayment  `json:"payments"`
	Rating           *DossierRating    `json:"rating,omitempty"`
	Allowed          []string          `json:"allowed" doc:"What the caller may do now; links names each one's URL"`
	Links            map[string]string `json:"links"`
}

// DossierSummary is a dossier in a list.
type DossierSummary struct {
	Code          string            `json:"code"`
	ProcedureCode string            `json:"procedure_code"`
	Procedure     string            `json:"procedure,omitempty"`
	ApplicantName string            `json:"applicant_name"`
	Channel       string            `json:"channel" enum:"online,desk"`
	Status        string            `json:"status" enum:"submitted,supplement,processing,result,returned,refused,stopped,withdrawn"`
	Step          string            `json:"step"`
	StepUnit      string            `json:"step_unit,omitempty"`
	Assignee      string            `json:"assignee,omitempty"`
	SubmittedAt   string            `json:"submitted_at" format:"date-time"`
	ReceivedAt    string            `json:"received_at,omitempty" format:"date-time"`
	DueAt         string            `json:"due_at,omitempty" format:"date-time"`
	StepDueAt     string            `json:"step_due_at,omitempty" format:"date-time"`
	FinishedAt    string            `json:"finished_at,omitempty" format:"date-time"`
	StepLate      bool              `json:"step_late"`
	Overdue       bool              `json:"overdue"`
	Returned      bool              `json:"returned"`
	Outcome       string            `json:"outcome,omitempty" enum:"early,on_time,late"`
	DaysLate      int               `json:"days_late,omitempty" doc:"Late list only: working days past the due day"`
	Links         map[string]string `json:"links"`
}

// SubmittedDossier is the answer to an online submission.
type SubmittedDossier struct {
	Code            string            `json:"code" doc:"Mã hồ sơ, dùng để tra cứu ngay / the dossier code, trackable at once"`
	ProcedureCode   string            `json:"procedure_code"`
	Status          string            `json:"status" enum:"submitted"`
	Step            string            `json:"step"`
	ReceivingUnitID int64             `json:"receiving_unit_id"`
	SubmittedAt     string            `json:"submitted_at" format:"date-time"`
	FeesDue         int64             `json:"fees_due" doc:"VND"`
	Links           map[string]string `json:"links"`
}

// DeskApplicant is the person a desk officer submits for, as their papers
// name them.
type DeskApplicant struct {
	FullName   string `json:"full_name" maxLength:"200" doc:"Họ tên người nộp / the applicant's full name"`
	PersonalID string `json:"personal_id,omitempty" maxLength:"12" doc:"Số định danh cá nhân; its last 4 digits unlock public tracking"`
	Phone      string `json:"phone,omitempty" maxLength:"20"`
}

// FileInput attaches an upload to a dossier.
type FileInput struct {
	UploadID int64  `json:"upload_id" minimum:"1" doc:"id from POST /api/v1/uploads, the caller's own"`
	Document string `json:"document,omitempty" maxLength:"300" doc:"Which required document it is, as the procedure names it"`
}

// Notification is an in-portal message.
type Notification struct {
	ID   int64  `json:"id"`
	At   string `json:"at" format:"date-time"`
	Kind string `json:"kind" example:"receive"`
	Code string `json:"code,omitempty" doc:"The dossier's code"`
	Text string `json:"text" doc:"In the request's language"`
	Read bool   `json:"read"`
}

const dossiersPath = "/api/v1/dossiers"

// dossierURL is a dossier's API address, with optional further segments.
func dossierURL(code string, more ...string) string {
	u := dossiersPath + "/" + url.PathEscape(code)
	for _, m := range more {
		u += "/" + m
	}
	return u
}

// actionSlugs are the URL segments of the actions, by the action's name in
// the domain ("allowed" lists names; links map them to URLs).
var actionSlugs = map[string]string{
	string(catalog.ActReceive): "receive", string(catalog.ActRequestSupplement): "request-supplement",
	string(catalog.ActRefuse): "refuse", string(catalog.ActForward): "forward", string(catalog.ActApprove): "approve",
	string(catalog.ActReturnPrevious): "return-previous", string(catalog.ActSendAgency): "send-agency",
	string(catalog.ActAssign): "assign", string(catalog.ActExtend): "extend", string(catalog.ActStop): "stop",
	string(catalog.ActIssueResult): "issue-result", string(catalog.ActReturnResult): "return-result",
	"supplement": "supplement", "withdraw": "withdraw", "rate": "rating", "record_payment": "payments",
}

func baseLinks(code string) map[string]string {
	return map[string]string{"self": dossierURL(code), "tracking": "/api/v1/tracking/" + url.PathEscape(code)}
}

func optTime(t *time.Time) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return ictTime(*t)
}

func zeroTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return ictTime(t)
}

func stateOf(c dossier.Change, lang string) DossierState {
	st := DossierState{Code: c.Code, Action: string(c.Action), Status: string(c.Status), Step: c.Step,
		ReceivedAt: zeroTime(c.ReceivedAt), DueAt: zeroTime(c.DueAt), StepDueAt: zeroTime(c.StepDueAt),
		ResultCode: c.ResultCode, Links: baseLinks(c.Code)}
	if c.Why.N > 0 {
		if b, err := json.Marshal(c.Why); err == nil {
			st.DueWhy = dueWhyOf(b, lang)
		}
	}
	return st
}

// storedWhy reads the due_why a dossier keeps: a calendar.Explanation
// (working days) or an extension.
type storedWhy struct {
	N          int
	Received   time.Time
	Effective  time.Time
	ReceiptDay string
	Counted    []string
	Skipped    []struct{ Date, Reason, Name, NameEn string }
	Due        time.Time
	// An extension.
	ExtendedFrom *time.Time `json:"extended_from"`
	Days         int        `json:"days"`
	Reason       string     `json:"reason"`
}

const dueLayout = "15:04 02/01/2006"

func localDay(iso string) string {
	if d, err := calendar.ParseDate(iso); err == nil {
		return fmt.Sprintf("%02d/%02d/%04d", d.Day, int(d.Month), d.Year)
	}
	return iso
}

// dueWhyOf explains a stored due_why in lang; nil when there is nothing to
// explain (deadlines in calendar days or working hours).
func dueWhyOf(raw []byte, lang string) *DueWhy {
	var s storedWhy
	if len(raw) == 0 || json.Unmarshal(raw, &s) != nil {
		return nil
	}
	loc := calendar.Location()
	en := lang == "en"
	if s.ExtendedFrom != nil {
		w := &DueWhy{ExtendedFrom: ictTime(*s.ExtendedFrom), ExtendedDays: s.Days, Reason: s.Reason}
		from := s.ExtendedFrom.In(loc).Format(dueLayout)
		if en {
			w.Text = fmt.Sprintf("Extended once by %d working days from the former due date %s. Reason: %s", s.Days, from, s.Reason)
		} else {
			w.Text = fmt.Sprintf("Đã gia hạn một lần thêm %d ngày làm việc kể từ hạn cũ %s. Lý do: %s", s.Days, from, s.Reason)
		}
		return w
	}
	if s.N <= 0 {
		return nil
	}
	w := &DueWhy{WorkingDays: s.N, Received: ictTime(s.Received), Due: ictTime(s.Due), Counted: s.Counted}
	var skipped []string
	for _, k := range s.Skipped {
		name := k.Name
		if en && k.NameEn != "" {
			name = k.NameEn
		}
		w.Skipped = append(w.Skipped, SkippedDay{Date: k.Date, Reason: k.Reason, Name: name})
		skipped = append(skipped, localDay(k.Date)+" ("+name+")")
	}
	received, due := s.Received.In(loc).Format(dueLayout), s.Due.In(loc).Format(dueLayout)
	var b strings.Builder
	outside := !s.Effective.IsZero() && !s.Effective.Equal(s.Received)
	if outside {
		w.CountsFrom = ictTime(s.Effective)
	}
	if en {
		fmt.Fprintf(&b, "Received at %s", received)
		if outside {
			fmt.Fprintf(&b, ", outside office hours, so it counts from %s", s.Effective.In(loc).Format(dueLayout))
		}
		fmt.Fprintf(&b, ". %d working days are counted from the day after %s", s.N, localDay(s.ReceiptDay))
		if len(skipped) > 0 {
			fmt.Fprintf(&b, ", not counting %s", strings.Join(skipped, ", "))
		}
		fmt.Fprintf(&b, ". Due at the close of the last one: %s.", due)
	} else {
		fmt.Fprintf(&b, "Tiếp nhận lúc %s", received)
		if outside {
			fmt.Fprintf(&b, ", ngoài giờ hành chính nên tính từ %s", s.Effective.In(loc).Format(dueLayout))
		}
		fmt.Fprintf(&b, ". Tính %d ngày làm việc kể từ ngày sau ngày %s", s.N, localDay(s.ReceiptDay))
		if len(skipped) > 0 {
			fmt.Fprintf(&b, ", không tính %s", strings.Join(skipped, ", "))
		}
		fmt.Fprintf(&b, ". Hẹn trả khi hết giờ làm việc của ngày cuối: %s.", due)
	}
	w.Text = b.String()
	return w
}

// names looks up what the views show by name (procedure, step), once per
// request.
type names struct {
	a     *API
	ctx   context.Context
	lang  string
	procs map[string]string
}

func (a *API) names(ctx context.Context) *names {
	return &names{a: a, ctx: ctx, lang: httpx.Lang(ctx), procs: map[string]string{}}
}

func (n *names) procedure(code string, version int) string {
	key := code + "@" + strconv.Itoa(version)
	if s, ok := n.procs[key]; ok {
		return s
	}
	s := ""
	if p, err := n.a.Catalog.ProcedureAt(n.ctx, code, version); err == nil {
		s = p.Name
	}
	n.procs[key] = s
	return s
}

func (n *names) step(key string, version int, id string) string {
	wf, err := n.a.Catalog.WorkflowAt(n.ctx, key, version)
	if err != nil {
		return ""
	}
	if st, ok := wf.Step(id); ok {
		return st.Name.In(n.lang)
	}
	return ""
}

func (n *names) summary(v dossier.View) DossierSummary {
	return DossierSummary{Code: v.Code, ProcedureCode: v.ProcedureCode, Procedure: n.procedure(v.ProcedureCode, v.ProcedureVersion),
		ApplicantName: v.ApplicantName, Channel: string(v.Channel), Status: string(v.Status), Step: v.Step, StepUnit: v.StepUnit,
		Assignee: v.Assignee, SubmittedAt: ictTime(v.SubmittedAt), ReceivedAt: optTime(v.ReceivedAt), DueAt: optTime(v.DueAt),
		StepDueAt: optTime(v.StepDueAt), FinishedAt: optTime(v.FinishedAt), StepLate: v.StepLate, Overdue: v.Overdue,
		Returned: v.Returned, Outcome: string(v.Outcome), Links: map[string]string{"self": dossierURL(v.Code)}}
}

func (n *names) full(v dossier.View) Dossier {
	d := Dossier{Code: v.Code, ProcedureCode: v.ProcedureCode, ProcedureVersion: v.ProcedureVersion,
		Procedure: n.procedure(v.ProcedureCode, v.ProcedureVersion), Channel: string(v.Channel), Status: string(v.Status),
		Step: v.Step, StepName: n.step(v.WorkflowKey, v.WorkflowVersion, v.Step), StepRole: v.StepRole, Clock: string(v.Clock),
		ApplicantName: v.ApplicantName, ReceivingUnitID: v.ReceivingUnitID, ReceivingUnit: v.Unit, DeciderID: v.DeciderID,
		Decider: v.Decider, StepUnitID: v.StepUnitID, StepUnit: v.StepUnit, AssigneeID: v.AssigneeID, Assignee: v.Assignee,
		SubmittedAt: ictTime(v.SubmittedAt), ReceivedAt: optTime(v.ReceivedAt), DueAt: optTime(v.DueAt),
		DueWhy: dueWhyOf(v.DueWhy, n.lang), StepStartedAt: optTime(v.StepStartedAt), StepDueAt: optTime(v.StepDueAt),
		FinishedAt: optTime(v.FinishedAt), StepLate: v.StepLate, Overdue: v.Overdue, Returned: v.Returned,
		Outcome: string(v.Outcome), Supplements: v.Supplements, Extensions: v.Extensions, ApplicantSeconds: v.ApplicantSeconds,
		FeesDue: v.FeesDue, FeesPaid: v.FeesPaid, Deficiencies: v.Deficiencies, Data: v.Data,
		Events: []DossierEvent{}, Branches: []DossierBranch{}, Files: []DossierFile{}, Payments: []DossierPayment{},
		Allowed: []string{}, Links: baseLinks(v.Code)}
	if d.Data == nil {
		d.Data = map[string]any{}
	}
	for _, e := range v.Events {
		d.Events = append(d.Events, DossierEvent{At: ictTime(e.At), Action: e.Action, Step: e.Step, ToStep: e.ToStep, Actor: e.Actor,
			FromUnitID: e.FromUnitID, FromUnit: e.FromUnit, UnitID: e.UnitID, Unit: e.Unit, StepDueAt: optTime(e.StepDueAt),
			Outcome: string(e.Outcome), Note: e.Note, Data: e.Data})
	}
	for _, b := range v.Branches {
		out := branchOf(b)
		for _, id := range v.BranchAgencies {
			if id == b.AgencyID && b.Status == "pending" {
				out.ReplyURL = dossierURL(v.Code, "branches", strconv.FormatInt(b.AgencyID, 10), "reply")
			}
		}
		d.Branches = append(d.Branches, out)
	}
	for _, f := range v.Files {
		d.Files = append(d.Files, DossierFile{ID: f.ID, Purpose: f.Purpose, Document: f.Document, Name: f.Name, ContentType: f.ContentType,
			Size: f.Size, Pages: f.Pages, Hash: f.Hash, ResultCode: f.ResultCode, UploadedAt: ictTime(f.UploadedAt),
			URL: dossierURL(v.Code, "files", strconv.FormatInt(f.ID, 10))})
	}
	for _, p := range v.Payments {
		d.Payments = append(d.Payments, DossierPayment{Amount: p.Amount, Method: p.Method, Reference: p.Reference, At: ictTime(p.At)})
	}
	if v.Rating != 0 {
		d.Rating = &DossierRating{Score: v.Rating, Comment: v.RatingComment, Changes: v.RatingChanges}
	}
	allowed := make([]string, 0, len(v.Allowed)+1)
	for _, name := range v.Allowed {
		allowed = append(allowed, string(name))
	}
	if v.CanPay {
		allowed = append(allowed, "record_payment")
	}
	for _, name := range allowed {
		if slug, ok := actionSlugs[name]; ok {
			d.Allowed = append(d.Allowed, name)
			d.Links[name] = dossierURL(v.Code, slug)
		}
	}
	if len(v.BranchAgencies) > 0 {
		d.Allowed = append(d.Allowed, "reply_branch")
	}
	return d
}

func branchOf(b dossier.Branch) DossierBranch {
	return DossierBranch{ID: b.ID, Step: b.Step, AgencyID: b.AgencyID, Agency: b.Agency, Lead: b.Lead, Task: b.Task, Status: b.Status,
		SentAt: zeroTime(b.SentAt), DueAt: zeroTime(b.DueAt), DoneAt: optTime(b.DoneAt), Outcome: string(b.Outcome), Note: b.Note}
}

// resolve turns the caller's file inputs into the dossier's file
// references (only the caller's own uploads); the photos given for one
// document become one PDF of it, as on the portal.
func (a *API) resolve(ctx context.Context, p *identity.Principal, files []FileInput) ([]dossier.FileRef, error) {
	ids := make([]int64, len(files))
	docs := make([]string, len(files))
	for i, f := range files {
		ids[i], docs[i] = f.UploadID, f.Document
	}
	refs, err := a.Dossiers.Resolve(ctx, p, ids, docs)
	if err != nil || a.Uploads == nil {
		return refs, err
	}
	return a.Uploads.BindPhotos(ctx, p, ids, refs)
}

// Inputs of the dossier operations.
type (
	dossierCodeIn struct {
		Code string `path:"code" maxLength:"60" example:"000.01.20.H37-261124-0001"`
	}
	submitIn struct {
		Body struct {
			ProcedureCode   string       `json:"procedure_code" minLength:"1" maxLength:"32" example:"1.001193"`
			ReceivingUnitID int64        `json:"receiving_unit_id" minimum:"1" doc:"A one-stop unit that receives the procedure (GET /api/v1/agencies: receives_dossiers)"`
			Values          eform.Values `json:"values" doc:"The e-form's fields, each a list of strings (form field name → values)"`
			Files           []FileInput  `json:"files,omitempty" maxItems:"50"`
		}
	}
	deskSubmitIn struct {
		Body struct {
			Applicant       DeskApplicant `json:"applicant"`
			ProcedureCode   string        `json:"procedure_code" minLength:"1" maxLength:"32"`
			ReceivingUnitID int64         `json:"receiving_unit_id" minimum:"1" doc:"The caller's own one-stop unit"`
			Values          eform.Values  `json:"values"`
			Files           []FileInput   `json:"files,omitempty" maxItems:"50" doc:"The papers, scanned and uploaded by the desk officer"`
		}
	}
	listIn struct {
		Queue string `query:"queue" enum:"receive,process,assign,due_soon,overdue,returned,inter_agency," doc:"Danh sách công việc của cán bộ / an official's work list; without it, the caller's own dossiers"`
		After int64  `query:"after" minimum:"0" doc:"next_cursor of the previous page"`
		Limit int    `query:"limit" minimum:"1" maximum:"100" default:"20"`
	}
	lateIn struct {
		Limit int `query:"limit" minimum:"1" maximum:"500" default:"100"`
	}
	fileIn struct {
		Code string `path:"code" maxLength:"60"`
		ID   int64  `path:"id" minimum:"1"`
	}
	noteBody struct {
		Note string `json:"note,omitempty" maxLength:"2000" doc:"Ghi chú trên phiếu kiểm soát / note on the control sheet"`
	}
	noteIn struct {
		Code string `path:"code" maxLength:"60"`
		Body *noteBody
	}
	requiredNoteIn struct {
		Code string `path:"code" maxLength:"60"`
		Body struct {
			Note string `json:"note" maxLength:"2000" doc:"Lý do (bắt buộc) / the reason (required)"`
		}
	}
	requestSupplementIn struct {
		Code string `path:"code" maxLength:"60"`
		Body struct {
			Deficiencies []string `json:"deficiencies" maxItems:"50" doc:"Every item to supplement or complete, each once (Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ)"`
			Note         string   `json:"note,omitempty" maxLength:"2000"`
		}
	}
	refuseIn struct {
		Code string `path:"code" maxLength:"60"`
		Body struct {
			Reasons []string `json:"reasons" maxItems:"50" doc:"Lý do từ chối (Phiếu từ chối tiếp nhận) / the reasons for refusal"`
		}
	}
	assignIn struct {
		Code string `path:"code" maxLength:"60"`
		Body struct {
			AssigneeID int64 `json:"assignee_id" minimum:"1" doc:"An official holding the step's role in the step's unit"`
		}
	}
	extendIn struct {
		Code string `path:"code" maxLength:"60"`
		Body struct {
			Days   int    `json:"days" doc:"Working days added to the due instant, 1 to 30"`
			Reason string `json:"reason" maxLength:"2000" doc:"Lý do xin lỗi, gia hạn / the reason for the apology and extension"`
		}
	}
	reasonIn struct {
		Code string `path:"code" maxLength:"60"`
		Body struct {
			Reason string `json:"reason" maxLength:"2000"`
		}
	}
	issueResultIn struct {
		Code string `path:"code" maxLength:"60"`
		Body struct {
			UploadID int64  `json:"upload_id" minimum:"1" doc:"The result document, uploaded by the caller"`
			Note     string `json:"note,omitempty" maxLength:"2000"`
		}
	}
	branchReplyIn struct {
		Code     string `path:"code" maxLength:"60"`
		AgencyID int64  `path:"agency_id" minimum:"1"`
		Body     *noteBody
	}
	paymentIn struct {
		Code string `path:"code" maxLength:"60"`
		Body struct {
			Amount    int64  `json:"amount" doc:"VND, above 0"`
			Method    string `json:"method" enum:"cash,transfer"`
			Reference string `json:"reference,omitempty" maxLength:"200" doc:"Receipt or transfer reference"`
		}
	}
	supplementIn struct {
		Code string `path:"code" maxLength:"60"`
		Body struct {
			Values eform.Values `json:"values,omitempty" doc:"The whole corrected form, when it changes"`
			Files  []FileInput  `json:"files,omitempty" maxItems:"50"`
			Note   string       `json:"note,omitempty" maxLength:"2000"`
		}
	}
	withdrawIn struct {
		Code string `path:"code" maxLength:"60"`
		Body *struct {
			Reason string `json:"reason,omitempty" maxLength:"2000"`
		}
	}
	ratingIn struct {
		Code string `path:"code" maxLength:"60"`
		Body struct {
			Score   int    `json:"score" minimum:"1" maximum:"5" doc:"1 rất không hài lòng … 5 rất hài lòng / very dissatisfied … very satisfied"`
			Comment string `json:"comment,omitempty" maxLength:"2000"`
		}
	}
	notificationsIn struct {
		Before int64 `query:"before" minimum:"0" doc:"next_cursor of the previous page"`
		Limit  int   `query:"limit" minimum:"1" maximum:"100" default:"20"`
	}
)

type stateOut struct{ Body DossierState }

const dossiersTag = "dossiers"

// actionOp describes one action route: POST /api/v1/dossiers/{code}/slug.
func actionOp(id, slug, summary, desc string, status int, errs ...int) huma.Operation {
	if status == 0 {
		status = http.StatusOK
	}
	return huma.Operation{OperationID: id, Method: http.MethodPost, Path: dossiersPath + "/{code}/" + slug, DefaultStatus: status,
		Summary: summary, Description: desc, Tags: []string{dossiersTag}, Security: bearer, MaxBodyBytes: 64 << 10,
		Errors: append([]int{401, 404, 422}, errs...)}
}

// act registers an action whose handler needs the signed-in caller.
func act[I any](a *API, op huma.Operation, run func(ctx context.Context, p *identity.Principal, in *I) (DossierState, error)) {
	huma.Register(a.h, op, func(ctx context.Context, in *I) (*stateOut, error) {
		p, err := principal(ctx)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		st, err := run(ctx, p, in)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		return &stateOut{st}, nil
	})
}

// official runs a workflow action through the dossier service.
func (a *API) official(ctx context.Context, p *identity.Principal, code string, action catalog.Action, in dossier.Input) (DossierState, error) {
	c, err := a.Dossiers.Act(ctx, p, code, action, in)
	if err != nil {
		return DossierState{}, err
	}
	return stateOf(c, httpx.Lang(ctx)), nil
}

// stateNow reads the state after an action whose service call returns
// none (rating, payment).
func (a *API) stateNow(ctx context.Context, p *identity.Principal, code, action string) (DossierState, error) {
	v, err := a.Dossiers.Get(ctx, p, code)
	if err != nil {
		return DossierState{}, err
	}
	return DossierState{Code: v.Code, Action: action, Status: string(v.Status), Step: v.Step, ReceivedAt: optTime(v.ReceivedAt),
		DueAt: optTime(v.DueAt), StepDueAt: optTime(v.StepDueAt), Links: baseLinks(v.Code)}, nil
}

func noteOf(b *noteBody) string {
	if b == nil {
		return ""
	}
	return b.Note
}

func (a *API) dossierRoutes() {
	a.h.OpenAPI().Tags = append(a.h.OpenAPI().Tags, &huma.Tag{Name: dossiersTag,
		Description: "Hồ sơ một cửa: nộp trực tuyến, tiếp nhận, xử lý theo quy trình, trả kết quả, tra cứu. / " +
			"One-stop dossiers: online submission, receipt, processing through the procedure's workflow, results, tracking. " +
			"A dossier the caller may not see answers 404, as one that does not exist."})
	a.dossierReadRoutes()
	a.dossierSubmitRoutes()
	a.dossierActionRoutes()
	a.applicantRoutes()
	a.notificationRoutes()
}

func (a *API) dossierSubmitRoutes() {
	huma.Register(a.h, huma.Operation{
		OperationID: "submitDossier", Method: http.MethodPost, Path: dossiersPath, DefaultStatus: http.StatusCreated,
		Summary: "Nộp hồ sơ trực tuyến / Submit a dossier online", Tags: []string{dossiersTag}, Security: bearer,
		Description: "Công dân, tổ chức nộp hồ sơ tới một bộ phận một cửa tiếp nhận thủ tục; hồ sơ có mã ngay để tra cứu, " +
			"ngày hẹn trả có khi được tiếp nhận. / Citizens and organisations submit to a one-stop unit that receives the procedure; " +
			"the dossier gets its code at once (trackable), its appointment only when the desk receives it. " +
			"Files are the caller's own uploads; the form is checked whole, every invalid field listed.",
		Errors: []int{400, 401, 403, 404, 422}, MaxBodyBytes: 256 << 10,
	}, func(ctx context.Context, in *submitIn) (*struct{ Body SubmittedDossier }, error) {
		p, err := principal(ctx)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		if p.User.IsOfficial() {
			return nil, a.problem(ctx, dossier.ErrApplicantsOnly)
		}
		files, err := a.resolve(ctx, p, in.Body.Files)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		d, err := a.Dossiers.Submit(ctx, p, dossier.Submission{ProcedureCode: in.Body.ProcedureCode,
			ReceivingUnitID: in.Body.ReceivingUnitID, Values: in.Body.Values, Files: files})
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		return &struct{ Body SubmittedDossier }{SubmittedDossier{Code: d.Code, ProcedureCode: d.ProcedureCode, Status: string(d.Status),
			Step: d.Step, ReceivingUnitID: d.ReceivingUnitID, SubmittedAt: ictTime(d.SubmittedAt), FeesDue: d.FeesDue,
			Links: baseLinks(d.Code)}}, nil
	})

	huma.Register(a.h, huma.Operation{
		OperationID: "submitDossierAtDesk", Method: http.MethodPost, Path: "/api/v1/desk/dossiers", DefaultStatus: http.StatusCreated,
		Summary: "Nộp thay tại quầy một cửa / Submit at the desk on someone's behalf", Tags: []string{dossiersTag}, Security: bearer,
		Description: "Cán bộ một cửa nhập hồ sơ giấy (tệp quét) cho người không tự nộp trực tuyến được; hồ sơ được tiếp nhận ngay: " +
			"có mã và ngày hẹn trả. / A desk officer of the receiving unit records a paper dossier (scanned files) for someone who " +
			"cannot apply online; it is received at once, with its code and appointment (after 15:00 it reaches the processing unit " +
			"the next working day).",
		Errors: []int{400, 401, 403, 404, 422}, MaxBodyBytes: 256 << 10,
	}, func(ctx context.Context, in *deskSubmitIn) (*stateOut, error) {
		p, err := principal(ctx)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		files, err := a.resolve(ctx, p, in.Body.Files)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		b := in.Body
		rc, err := a.Dossiers.SubmitAtDesk(ctx, p, dossier.Submission{ProcedureCode: b.ProcedureCode, ReceivingUnitID: b.ReceivingUnitID,
			Values: b.Values, Files: files, Applicant: identity.User{FullName: strings.TrimSpace(b.Applicant.FullName),
				PersonalID: strings.TrimSpace(b.Applicant.PersonalID), Phone: strings.TrimSpace(b.Applicant.Phone)}})
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		return &stateOut{stateOf(rc, httpx.Lang(ctx))}, nil
	})
}

func (a *API) dossierReadRoutes() {
	type dossierListOut struct {
		Body struct {
			Items      []DossierSummary `json:"items"`
			NextCursor string           `json:"next_cursor,omitempty" doc:"Pass as after for the next page"`
		}
	}
	huma.Register(a.h, huma.Operation{
		OperationID: "listDossiers", Method: http.MethodGet, Path: dossiersPath,
		Summary: "Hồ sơ của tôi, hoặc danh sách công việc / My dossiers, or an official's work list", Tags: []string{dossiersTag}, Security: bearer,
		Description: "Không có queue: hồ sơ của chính người gọi, mới nhất trước. Có queue (cán bộ): receive chờ tiếp nhận, process đang ở bước " +
			"của mình, assign chờ phân công (lãnh đạo), due_soon sắp đến hạn, overdue quá hạn, returned bị trả lại, inter_agency phần liên thông chờ cơ quan mình; cũ nhất trước. " +
			"/ Without queue: the caller's own dossiers, newest first. With queue (officials): receive, process, assign (leaders), due_soon, overdue, returned, " +
			"inter_agency, oldest first. Pages by keyset: pass next_cursor as after.",
		Errors: []int{401, 403, 422},
	}, func(ctx context.Context, in *listIn) (*dossierListOut, error) {
		p, err := principal(ctx)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		var vs []dossier.View
		if in.Queue != "" {
			vs, err = a.Dossiers.Queue(ctx, p, dossier.Queue(in.Queue), in.After, in.Limit)
		} else {
			vs, err = a.Dossiers.Mine(ctx, p, in.After, in.Limit)
		}
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		n := a.names(ctx)
		out := &dossierListOut{}
		out.Body.Items = make([]DossierSummary, 0, len(vs))
		for _, v := range vs {
			out.Body.Items = append(out.Body.Items, n.summary(v))
		}
		if len(vs) == in.Limit {
			out.Body.NextCursor = strconv.FormatInt(vs[len(vs)-1].ID, 10)
		}
		return out, nil
	})

	type lateListOut struct {
		Body struct {
			Items []DossierSummary `json:"items"`
		}
	}
	huma.Register(a.h, huma.Operation{
		OperationID: "listLateDossiers", Method: http.MethodGet, Path: dossiersPath + "/late",
		Summary: "Hồ sơ quá hạn (lãnh đạo) / Late dossiers (leaders)", Tags: []string{dossiersTag}, Security: bearer,
		Description: "Hồ sơ chưa xong đã quá hạn trả trong các cơ quan lãnh đạo phụ trách, quá hạn lâu nhất trước: bước nào, ai giữ, trễ bao nhiêu ngày làm việc. " +
			"/ Unfinished dossiers past their due instant in the leader's agencies, most overdue first: at which step, with whom, how many working days late.",
		Errors: []int{401, 403, 422},
	}, func(ctx context.Context, in *lateIn) (*lateListOut, error) {
		p, err := principal(ctx)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		items, err := a.Dossiers.Late(ctx, p, in.Limit)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		n := a.names(ctx)
		out := &lateListOut{}
		out.Body.Items = make([]DossierSummary, 0, len(items))
		for _, it := range items {
			s := n.summary(it.View)
			s.DaysLate = it.DaysLate
			out.Body.Items = append(out.Body.Items, s)
		}
		return out, nil
	})

	huma.Register(a.h, huma.Operation{
		OperationID: "getDossier", Method: http.MethodGet, Path: dossiersPath + "/{code}",
		Summary: "Một hồ sơ / One dossier", Tags: []string{dossiersTag}, Security: bearer,
		Description: "Cho người nộp và cán bộ các cơ quan tham gia giải quyết: trạng thái, bước, đơn vị, ngày hẹn và cách tính, phiếu kiểm soát, " +
			"liên thông, tệp, lệ phí đã nộp, đánh giá và các thao tác người gọi được làm. / For the applicant and the officials of the agencies " +
			"taking part: status, step, units, dates and how the due date was counted, the control sheet, inter-agency parts, files, " +
			"payments, rating and what the caller may do now. Anyone else gets 404.",
		Errors: []int{401, 404, 422},
	}, func(ctx context.Context, in *dossierCodeIn) (*struct{ Body Dossier }, error) {
		p, err := principal(ctx)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		v, err := a.Dossiers.Get(ctx, p, in.Code)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		return &struct{ Body Dossier }{a.names(ctx).full(v)}, nil
	})

	binary := &huma.Schema{Type: huma.TypeString, Format: "binary"}
	huma.Register(a.h, huma.Operation{
		OperationID: "getDossierFile", Method: http.MethodGet, Path: dossiersPath + "/{code}/files/{id}",
		Summary: "Tải tệp của hồ sơ / Download a file of a dossier", Tags: []string{dossiersTag}, Security: bearer,
		Description: "Cho những ai xem được hồ sơ; tải về dưới dạng tệp đính kèm. / For those who may see the dossier; served as an attachment.",
		Errors:      []int{401, 404, 422},
		Responses: map[string]*huma.Response{"200": {Description: "The file", Content: map[string]*huma.MediaType{
			"application/pdf": {Schema: binary}, "image/jpeg": {Schema: binary}, "image/png": {Schema: binary}}}},
	}, func(ctx context.Context, in *fileIn) (*huma.StreamResponse, error) {
		p, err := principal(ctx)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		f, err := a.Dossiers.FileOf(ctx, p, in.Code, in.ID)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		rc, err := a.Blobs.Open(ctx, f.Hash)
		if err != nil {
			return nil, a.problem(ctx, fmt.Errorf("dossier %s file %d: %w", in.Code, f.ID, err))
		}
		return &huma.StreamResponse{Body: func(hc huma.Context) {
			defer rc.Close()
			r, w := humago.Unwrap(hc)
			h := w.Header()
			h.Set("Content-Type", f.ContentType)
			h.Set("Content-Disposition", attachment(f.Name))
			h.Set("X-Content-Type-Options", "nosniff")
			h.Set("Cache-Control", "private, no-store")
			h.Set("ETag", `"`+f.Hash+`"`)
			http.ServeContent(w, r, "", f.UploadedAt, rc)
		}}, nil
	})
}

// attachment is a Content-Disposition that keeps a Vietnamese file name
// (RFC 6266 filename*, UTF-8) with a plain ASCII fallback for old clients.
func attachment(name string) string {
	return `attachment; filename="` + asciiName(name) + `"; filename*=UTF-8''` + extValue(name)
}

// extValue percent-encodes s as an RFC 8187 value: every byte but the
// attr-chars (url.PathEscape would leave ";" and "," that end the header's
// parameter).
func extValue(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}

// asciiName drops diacritics (Giấy chứng sinh → Giay chung sinh) and
// anything else outside printable ASCII, for the filename fallback.
func asciiName(name string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(name) {
		switch {
		case r == 'đ':
			b.WriteRune('d')
		case r == 'Đ':
			b.WriteRune('D')
		case unicode.Is(unicode.Mn, r):
		case r == '"' || r == '\\' || r == '%' || r < 0x20 || r > 0x7e:
			b.WriteRune('_')
		default:
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return "file"
	}
	return b.String()
}

func (a *API) dossierActionRoutes() {
	act(a, actionOp("receiveDossier", "receive", "Tiếp nhận hồ sơ / Receive the dossier (desk)",
		"Hồ sơ đủ: bắt đầu tính thời hạn, có ngày hẹn trả (Giấy tiếp nhận hồ sơ và hẹn trả kết quả). / "+
			"The dossier is complete: the clock starts and the appointment is set (receipt and appointment slip).", 0, 403, 409),
		func(ctx context.Context, p *identity.Principal, in *dossierCodeIn) (DossierState, error) {
			return a.official(ctx, p, in.Code, catalog.ActReceive, dossier.Input{})
		})
	act(a, actionOp("requestSupplement", "request-supplement", "Yêu cầu bổ sung, hoàn thiện / Request a supplement",
		"Liệt kê một lần, đầy đủ mọi nội dung cần bổ sung. Khi đang giải quyết, thời hạn dừng và tính lại từ đầu khi người nộp bổ sung xong. / "+
			"List every deficiency once, completely. During processing the clock stops; it restarts from zero when the applicant completes the dossier.",
		0, 400, 403, 409),
		func(ctx context.Context, p *identity.Principal, in *requestSupplementIn) (DossierState, error) {
			return a.official(ctx, p, in.Code, catalog.ActRequestSupplement, dossier.Input{Deficiencies: in.Body.Deficiencies, Note: in.Body.Note})
		})
	act(a, actionOp("refuseDossier", "refuse", "Từ chối tiếp nhận / Refuse the dossier (desk)",
		"Phiếu từ chối tiếp nhận, nêu rõ lý do. / The refusal, with its reasons.", 0, 400, 403, 409),
		func(ctx context.Context, p *identity.Principal, in *refuseIn) (DossierState, error) {
			return a.official(ctx, p, in.Code, catalog.ActRefuse, dossier.Input{Deficiencies: in.Body.Reasons})
		})
	act(a, actionOp("forwardDossier", "forward", "Chuyển bước tiếp theo / Forward to the next step",
		"Ghi vào phiếu kiểm soát: đơn vị giao, đơn vị nhận, đúng/sớm/trễ hạn. / Recorded on the control sheet: giving unit, receiving unit, early/on time/late.",
		0, 403, 409),
		func(ctx context.Context, p *identity.Principal, in *noteIn) (DossierState, error) {
			return a.official(ctx, p, in.Code, catalog.ActForward, dossier.Input{Note: noteOf(in.Body)})
		})
	act(a, actionOp("approveDossier", "approve", "Phê duyệt / Approve", "Lãnh đạo phê duyệt, chuyển bước ban hành. / The leader approves; the dossier goes on to issuing.", 0, 403, 409),
		func(ctx context.Context, p *identity.Principal, in *noteIn) (DossierState, error) {
			return a.official(ctx, p, in.Code, catalog.ActApprove, dossier.Input{Note: noteOf(in.Body)})
		})
	act(a, actionOp("returnToPreviousStep", "return-previous", "Trả lại bước trước / Return to the previous step",
		"Nêu lý do. / With the reason.", 0, 400, 403, 409),
		func(ctx context.Context, p *identity.Principal, in *requiredNoteIn) (DossierState, error) {
			return a.official(ctx, p, in.Code, catalog.ActReturnPrevious, dossier.Input{Note: in.Body.Note})
		})
	act(a, actionOp("sendToAgencies", "send-agency", "Gửi liên thông / Send to the agencies (inter-agency)",
		"Gửi song song tới mọi cơ quan của bước liên thông, một cơ quan chủ trì; hồ sơ giữ một mã. / Sent in parallel to every agency of the "+
			"inter-agency step, one of them leading; the dossier keeps its one code.", 0, 403, 409),
		func(ctx context.Context, p *identity.Principal, in *noteIn) (DossierState, error) {
			return a.official(ctx, p, in.Code, catalog.ActSendAgency, dossier.Input{Note: noteOf(in.Body)})
		})
	act(a, actionOp("assignDossier", "assign", "Phân công cán bộ / Assign an official",
		"Lãnh đạo đơn vị (hoặc cán bộ có vai trò ở bước) giao hồ sơ cho một cán bộ có vai trò xử lý bước này. / The unit's leader (or an "+
			"official holding the step's role) assigns the dossier to an official holding the step's role in the unit.", 0, 400, 403, 409),
		func(ctx context.Context, p *identity.Principal, in *assignIn) (DossierState, error) {
			return a.official(ctx, p, in.Code, catalog.ActAssign, dossier.Input{AssigneeID: in.Body.AssigneeID})
		})
	act(a, actionOp("extendDossier", "extend", "Xin lỗi và gia hạn / Apologise and extend",
		"Chỉ một lần, chậm nhất 01 ngày làm việc trước hạn, nêu lý do và số ngày (1-30 ngày làm việc). / Once only, at least one working day "+
			"before the due date, with the reason and the working days added (1 to 30).", 0, 400, 403, 409),
		func(ctx context.Context, p *identity.Principal, in *extendIn) (DossierState, error) {
			return a.official(ctx, p, in.Code, catalog.ActExtend, dossier.Input{Days: in.Body.Days, Note: in.Body.Reason})
		})
	act(a, actionOp("stopDossier", "stop", "Dừng giải quyết / Stop processing",
		"Thông báo dừng giải quyết, nêu lý do. / The notice of stopping, with the reason.", 0, 400, 403, 409),
		func(ctx context.Context, p *identity.Principal, in *reasonIn) (DossierState, error) {
			return a.official(ctx, p, in.Code, catalog.ActStop, dossier.Input{Note: in.Body.Reason})
		})
	act(a, actionOp("issueResult", "issue-result", "Ban hành kết quả / Issue the result",
		"Đính kèm văn bản kết quả (tệp người gọi đã tải lên); kết quả mang mã <mã hồ sơ>-KQ<n>. / Attach the result document (the caller's "+
			"upload); the result is coded <dossier code>-KQ<n>.", 0, 400, 403, 409),
		func(ctx context.Context, p *identity.Principal, in *issueResultIn) (DossierState, error) {
			files, err := a.resolve(ctx, p, []FileInput{{UploadID: in.Body.UploadID}})
			if err != nil {
				return DossierState{}, err
			}
			return a.official(ctx, p, in.Code, catalog.ActIssueResult, dossier.Input{Result: &files[0], Note: in.Body.Note})
		})
	act(a, actionOp("returnResult", "return-result", "Trả kết quả / Return the result (desk)",
		"Hồ sơ kết thúc; người nộp được mời đánh giá. / The dossier is finished; the applicant is asked to rate the service.", 0, 403, 409),
		func(ctx context.Context, p *identity.Principal, in *noteIn) (DossierState, error) {
			return a.official(ctx, p, in.Code, catalog.ActReturnResult, dossier.Input{Note: noteOf(in.Body)})
		})
	act(a, actionOp("replyBranch", "branches/{agency_id}/reply", "Trả lời phần liên thông / Answer an inter-agency part",
		"Cán bộ có vai trò của bước tại cơ quan phối hợp báo đã xong phần việc; trả sau hạn của phần ấy thì ghi trễ hạn. / An official "+
			"holding the step's role in that agency reports its part done; after the part's due instant it is recorded late.", 0, 403, 409),
		func(ctx context.Context, p *identity.Principal, in *branchReplyIn) (DossierState, error) {
			b, err := a.Dossiers.ReplyBranch(ctx, p, in.Code, in.AgencyID, noteOf(in.Body))
			if err != nil {
				return DossierState{}, err
			}
			st, err := a.stateNow(ctx, p, in.Code, "branch_done")
			if err != nil {
				return DossierState{}, err
			}
			out := branchOf(b)
			st.Branch = &out
			return st, nil
		})
	act(a, actionOp("recordPayment", "payments", "Ghi nhận nộp phí, lệ phí / Record a fee payment (desk)",
		"Tiền mặt hoặc chuyển khoản, do bộ phận một cửa của đơn vị tiếp nhận ghi. / Cash or transfer, recorded by the receiving unit's desk.",
		http.StatusCreated, 400, 403, 409),
		func(ctx context.Context, p *identity.Principal, in *paymentIn) (DossierState, error) {
			b := in.Body
			if err := a.Dossiers.RecordPayment(ctx, p, in.Code, dossier.Payment{Amount: b.Amount, Method: b.Method, Reference: b.Reference}); err != nil {
				return DossierState{}, err
			}
			return a.stateNow(ctx, p, in.Code, "payment")
		})
}

// applicantRoutes are what the applicant does to their own dossier; for
// anyone else the dossier does not exist (404).
func (a *API) applicantRoutes() {
	act(a, actionOp("completeSupplement", "supplement", "Bổ sung hồ sơ (người nộp) / Complete a supplement (applicant)",
		"Tệp mới và/hoặc tờ khai đã sửa. Đang giải quyết thì thời hạn tính lại từ đầu với ngày hẹn mới; ở khâu tiếp nhận thì hồ sơ về lại "+
			"bộ phận một cửa. / New files and/or the corrected form. During processing the deadline restarts from zero with a new "+
			"appointment; at receipt the dossier goes back to the desk.", 0, 400, 409),
		func(ctx context.Context, p *identity.Principal, in *supplementIn) (DossierState, error) {
			files, err := a.resolve(ctx, p, in.Body.Files)
			if err != nil {
				return DossierState{}, err
			}
			c, err := a.Dossiers.CompleteSupplement(ctx, p, in.Code, in.Body.Values, files, in.Body.Note)
			if err != nil {
				return DossierState{}, err
			}
			return stateOf(c, httpx.Lang(ctx)), nil
		})
	act(a, actionOp("withdrawDossier", "withdraw", "Rút hồ sơ (người nộp) / Withdraw the dossier (applicant)",
		"Trước khi có kết quả. / Before the result.", 0, 409),
		func(ctx context.Context, p *identity.Principal, in *withdrawIn) (DossierState, error) {
			reason := ""
			if in.Body != nil {
				reason = in.Body.Reason
			}
			c, err := a.Dossiers.Withdraw(ctx, p, in.Code, reason)
			if err != nil {
				return DossierState{}, err
			}
			return stateOf(c, httpx.Lang(ctx)), nil
		})
	act(a, actionOp("rateDossier", "rating", "Đánh giá mức độ hài lòng (người nộp) / Rate the service (applicant)",
		"Sau khi có kết quả; một lần, được sửa một lần. / After the result; once, and changeable once.", 0, 400, 409),
		func(ctx context.Context, p *identity.Principal, in *ratingIn) (DossierState, error) {
			if err := a.Dossiers.Rate(ctx, p, in.Code, dossier.Rating{Score: in.Body.Score, Comment: in.Body.Comment}); err != nil {
				return DossierState{}, err
			}
			return a.stateNow(ctx, p, in.Code, "rate")
		})
}

func (a *API) notificationRoutes() {
	type notificationListOut struct {
		Body struct {
			Items      []Notification `json:"items"`
			Unread     int            `json:"unread"`
			NextCursor string         `json:"next_cursor,omitempty" doc:"Pass as before for the next page"`
		}
	}
	huma.Register(a.h, huma.Operation{
		OperationID: "listNotifications", Method: http.MethodGet, Path: "/api/v1/notifications",
		Summary: "Thông báo của tôi / My notifications", Tags: []string{dossiersTag}, Security: bearer,
		Description: "Mới nhất trước, kèm số chưa đọc. / Newest first, with the unread count.",
		Errors:      []int{401, 422},
	}, func(ctx context.Context, in *notificationsIn) (*notificationListOut, error) {
		p, err := principal(ctx)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		ns, unread, err := a.Dossiers.Notifications(ctx, p, in.Before, in.Limit)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		lang := httpx.Lang(ctx)
		out := &notificationListOut{}
		out.Body.Items = make([]Notification, 0, len(ns))
		for _, n := range ns {
			out.Body.Items = append(out.Body.Items, Notification{ID: n.ID, At: ictTime(n.At), Kind: n.Kind, Code: n.Code, Text: n.Text(lang), Read: n.Read})
		}
		out.Body.Unread = unread
		if len(ns) == in.Limit {
			out.Body.NextCursor = strconv.FormatInt(ns[len(ns)-1].ID, 10)
		}
		return out, nil
	})

	huma.Register(a.h, huma.Operation{
		OperationID: "markNotificationsRead", Method: http.MethodPost, Path: "/api/v1/notifications/read", DefaultStatus: http.StatusNoContent,
		Summary: "Đánh dấu đã đọc tất cả / Mark all my notifications read", Tags: []string{dossiersTag}, Security: bearer,
		Errors: []int{401},
	}, func(ctx context.Context, _ *struct{}) (*struct{}, error) {
		p, err := principal(ctx)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		return nil, a.problem(ctx, a.Dossiers.MarkRead(ctx, p, 0))
	})
}
