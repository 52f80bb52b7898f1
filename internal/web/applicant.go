package web

import (
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"egov/internal/apperr"
	"egov/internal/calendar"
	"egov/internal/dossier"
	"egov/internal/eform"
	"egov/internal/forms"
	"egov/internal/httpx"
)

// The applicant's own pages: "my dossiers", the dossier page with the
// actions open to them (supplement, withdraw, rate), file downloads and
// notifications. Who may see or do what is the dossier service's
// decision: another person's dossier is "not found" there, and so here.

// pageSize is how many dossiers or notifications a page lists.
const pageSize = 20

// procNames looks procedure names up once per page.
type procNames struct {
	s     *Server
	r     *http.Request
	cache map[string]string
}

func (n *procNames) name(code string, version int) string {
	k := code + "@" + strconv.Itoa(version)
	if v, ok := n.cache[k]; ok {
		return v
	}
	name := code
	if pr, err := n.s.Catalog.ProcedureAt(n.r.Context(), code, version); err == nil {
		name = pr.Name
	}
	n.cache[k] = name
	return name
}

type myDossierRow struct {
	Code, Procedure, Status, Expected, Submitted, Due string
	Attention                                         bool
}

type myDraftRow struct {
	ID                         int64
	Code, Procedure, Saved     string
	Files                      int
	ResumeURL, ProcedureSubmit string
}

type myDossiersView struct {
	Rows   []myDossierRow
	Drafts []myDraftRow
	Next   string
	First  bool
}

func (s *Server) myDossiers(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	pr := httpx.Principal(ctx)
	p := s.page(r, "nav.my_dossiers", "")
	after, _ := strconv.ParseInt(r.URL.Query().Get("sau"), 10, 64)
	list, err := s.Dossiers.Mine(ctx, pr, after, pageSize+1)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	v := myDossiersView{First: after == 0}
	names := &procNames{s: s, r: r, cache: map[string]string{}}
	if len(list) > pageSize {
		list = list[:pageSize]
		v.Next = "/ho-so?sau=" + strconv.FormatInt(list[len(list)-1].ID, 10)
	}
	for _, d := range list {
		row := myDossierRow{Code: d.Code, Procedure: names.name(d.ProcedureCode, d.ProcedureVersion),
			Status: p.T("dstatus." + string(d.Status)), Submitted: formatInstant(p.Lang, d.SubmittedAt)}
		if d.DueAt != nil && !d.Status.Finished() {
			row.Due = formatInstant(p.Lang, *d.DueAt)
		}
		if e := dossier.Expected(d.Status, d.Rating != 0); e != "" {
			row.Expected, row.Attention = p.T("ap.expect."+string(e)), true
		}
		v.Rows = append(v.Rows, row)
	}
	if v.First {
		drafts, err := s.Dossiers.Drafts(ctx, pr)
		if err != nil {
			httpx.WriteError(w, r, err)
			return
		}
		for _, d := range drafts {
			name := d.ProcedureCode
			if proc, err := s.Catalog.Published(ctx, d.ProcedureCode); err == nil {
				name = proc.Name
			}
			v.Drafts = append(v.Drafts, myDraftRow{ID: d.ID, Code: d.ProcedureCode, Procedure: name, Saved: formatInstant(p.Lang, d.UpdatedAt),
				Files: len(d.Files), ResumeURL: "/nop-ho-so/" + url.PathEscape(d.ProcedureCode) + "?nhap=" + strconv.FormatInt(d.ID, 10),
				ProcedureSubmit: "/nop-ho-so/" + url.PathEscape(d.ProcedureCode)})
		}
	}
	p.Data = v
	s.render(w, r, http.StatusOK, "my_dossiers", p)
}

type eventView struct {
	At, Action, Unit, Note, Outcome string
	Items                           []string
	ItemsLabel                      string
	Lines                           []string
}

type dossierFileView struct {
	URL, Name, Document, Facts, Kind, At, ResultCode string
}

type rateOption struct {
	Value   int
	Label   string
	Checked bool
}

type whyView struct {
	Lines   []string
	Skipped []string
}

type myDossierView struct {
	D                          dossier.View
	Forms                      []formLink
	New                        bool
	Official                   bool
	DeskURL                    string
	Procedure                  string
	Status, Expected           string
	Submitted, Received, Due   string
	Finished                   string
	Why                        *whyView
	FeesDue, FeesPaid          string
	Fees                       []string
	Payments                   []string
	Events                     []eventView
	Files                      []dossierFileView
	Entered                    []summaryItem
	CanSupplement, CanWithdraw bool
	CanRate, RatingChangeLeft  bool
	Rating                     string
	RateOptions                []rateOption
	RateComment                string
	SupNote                    string
	SupFiles                   []fileItem
	SupErrors                  []string
	WithdrawReason             string
	WithdrawConfirm            bool
	TrackURL                   string
}

func (s *Server) myDossier(w http.ResponseWriter, r *http.Request) {
	s.renderDossier(w, r, http.StatusOK, nil)
}

// dossierForm is what a failed action posted, shown again with its errors.
type dossierForm struct {
	errs           []FieldMsg
	supNote        string
	supFiles       []fileItem
	supErrors      []string
	withdrawReason string
	withdrawOK     bool
	score          int
	comment        string
}

func (s *Server) renderDossier(w http.ResponseWriter, r *http.Request, status int, f *dossierForm) {
	ctx := r.Context()
	pr := httpx.Principal(ctx)
	d, err := s.Dossiers.Get(ctx, pr, r.PathValue("code"))
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	p := s.page(r, "", "")
	p.Title = p.T("track.result") + " " + d.Code
	v := myDossierView{D: d, TrackURL: "/tra-cuu-ho-so?ma=" + url.QueryEscape(d.Code),
		Forms: formLinks(p.Lang, "/ho-so/"+url.PathEscape(d.Code), d)}
	if d.ApplicantID != pr.User.ID {
		// An official who may see the dossier works on it from the desk.
		v.Official, v.DeskURL = true, "/mot-cua/ho-so/"+url.PathEscape(d.Code)
		p.Data = v
		s.render(w, r, http.StatusOK, "my_dossier", p)
		return
	}
	if f == nil {
		f = &dossierForm{}
	}
	p.Errors = f.errs
	names := &procNames{s: s, r: r, cache: map[string]string{}}
	v.Procedure = names.name(d.ProcedureCode, d.ProcedureVersion)
	v.New = r.URL.Query().Get("moi") == "1" && d.Status == dossier.StatusSubmitted
	if v.New {
		p.Title = p.T("ap.sent_title")
	}
	v.Status = p.T("dstatus." + string(d.Status))
	if e := dossier.Expected(d.Status, d.Rating != 0); e != "" {
		v.Expected = p.T("ap.expect." + string(e))
	}
	v.Submitted = formatInstant(p.Lang, d.SubmittedAt)
	if d.ReceivedAt != nil {
		v.Received = formatInstant(p.Lang, *d.ReceivedAt)
	}
	if d.DueAt != nil {
		v.Due = formatInstant(p.Lang, *d.DueAt)
	}
	if d.FinishedAt != nil {
		v.Finished = formatInstant(p.Lang, *d.FinishedAt)
	}
	v.Why = whyOf(p.Lang, d.DueWhy)
	v.FeesDue, v.FeesPaid = money(p.Lang, d.FeesDue), money(p.Lang, d.FeesPaid)
	if proc, err := s.Catalog.ProcedureAt(ctx, d.ProcedureCode, d.ProcedureVersion); err == nil {
		v.Fees, _ = feeLines(p.Lang, proc)
	}
	for _, pay := range d.Payments {
		v.Payments = append(v.Payments, formatInstant(p.Lang, pay.At)+": "+money(p.Lang, pay.Amount)+" ("+p.T("ap.pay."+pay.Method)+")")
	}
	for _, e := range d.Events {
		v.Events = append(v.Events, eventOf(p, e))
	}
	for _, fl := range d.Files {
		v.Files = append(v.Files, dossierFileView{URL: "/ho-so/" + url.PathEscape(d.Code) + "/tep/" + strconv.FormatInt(fl.ID, 10),
			Name: fl.Name, Document: fl.Document, Facts: fileFacts(p.Lang, fl.ContentType, fl.Size, fl.Pages),
			Kind: p.T("ap.purpose." + fl.Purpose), At: formatInstant(p.Lang, fl.UploadedAt), ResultCode: fl.ResultCode})
	}
	if form, err := s.Catalog.FormAt(ctx, d.FormKey, d.FormVersion); err == nil {
		v.Entered = summarize(form, p.Lang, valuesOf(form, d.Data), s.today())
	}
	v.CanSupplement = slices.Contains(d.Allowed, "supplement")
	v.CanWithdraw = slices.Contains(d.Allowed, "withdraw")
	v.CanRate = slices.Contains(d.Allowed, "rate")
	v.RatingChangeLeft = d.Rating != 0 && d.RatingChanges == 0
	if d.Rating != 0 {
		v.Rating = strconv.Itoa(d.Rating) + "/5: " + p.T("ap.rate."+strconv.Itoa(d.Rating))
	}
	score := f.score
	if score == 0 {
		score = d.Rating
	}
	for i := 1; i <= 5; i++ {
		v.RateOptions = append(v.RateOptions, rateOption{Value: i, Label: p.T("ap.rate." + strconv.Itoa(i)), Checked: i == score})
	}
	v.RateComment = f.comment
	if v.RateComment == "" && f.score == 0 {
		v.RateComment = d.RatingComment
	}
	v.SupNote, v.SupFiles, v.SupErrors = f.supNote, f.supFiles, f.supErrors
	v.WithdrawReason, v.WithdrawConfirm = f.withdrawReason, f.withdrawOK
	p.Data = v
	s.render(w, r, status, "my_dossier", p)
}

// eventOf puts a history entry in plain words. Notes the system wrote in
// Vietnamese (the appointment at receipt, the reasons of a refusal) are
// shown from the event's data instead, in the page's language.
func eventOf(p *Page, e dossier.Event) eventView {
	ev := eventView{At: formatInstant(p.Lang, e.At), Action: p.T("dact." + e.Action), Unit: e.Unit, Note: e.Note}
	if e.Outcome != "" && e.Action != "step_late" && e.Action != "overdue" {
		ev.Outcome = p.T("outcome." + string(e.Outcome))
	}
	at := func(k string) string {
		s, _ := e.Data[k].(string)
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return ""
		}
		return formatInstant(p.Lang, t)
	}
	switch e.Action {
	case "receive":
		ev.Note = ""
		if due := at("due_at"); due != "" {
			ev.Lines = append(ev.Lines, p.T("ap.ev.due")+" "+due)
		}
	case "supplement_done":
		if due := at("due_at"); due != "" {
			ev.Lines = append(ev.Lines, p.T("ap.ev.new_due")+" "+due)
		}
	case "extend":
		if due := at("due_at"); due != "" {
			ev.Lines = append(ev.Lines, p.T("ap.ev.new_due")+" "+due)
		}
		ev.Note = strings.TrimSpace(e.Note)
	case "request_supplement":
		ev.Items, ev.ItemsLabel = stringList(e.Data["deficiencies"]), p.T("ap.ev.deficiencies")
	case "refuse":
		if items := stringList(e.Data["reasons"]); len(items) > 0 {
			ev.Items, ev.ItemsLabel, ev.Note = items, p.T("ap.ev.reasons"), ""
		}
	case "issue_result":
		if rc, _ := e.Data["result_code"].(string); rc != "" {
			ev.Lines = append(ev.Lines, p.T("ap.ev.result_code")+" "+rc)
		}
		if l := signedLine(p.Lang, e.Data); l != "" {
			ev.Lines = append(ev.Lines, l)
		}
	case "rate", "rate_change":
		if n, ok := e.Data["score"].(float64); ok && n >= 1 && n <= 5 {
			ev.Lines = append(ev.Lines, p.T("ap.rate."+strconv.Itoa(int(n))))
		}
	case "payment":
		if n, ok := e.Data["amount"].(float64); ok {
			m, _ := e.Data["method"].(string)
			ev.Lines = append(ev.Lines, money(p.Lang, int64(n))+" ("+p.T("ap.pay."+m)+")")
		}
	case "assign", "reassign", "step_late", "overdue":
		ev.Note = ""
	}
	return ev
}

func stringList(v any) []string {
	list, _ := v.([]any)
	var out []string
	for _, x := range list {
		if s, ok := x.(string); ok && strings.TrimSpace(s) != "" {
			out = append(out, s)
		}
	}
	return out
}

// dueWhy is View.DueWhy: a calendar.Explanation as JSON (its reasons as
// their names), or an extension's record.
type dueWhy struct {
	N          int
	Received   time.Time
	Effective  time.Time
	ReceiptDay calendar.Date
	Counted    []calendar.Date
	Skipped    []struct {
		Date   calendar.Date
		Reason string
		Name   string
		NameEn string
	}
	Due          time.Time
	ExtendedFrom *time.Time `json:"extended_from"`
	Days         int        `json:"days"`
	Why          string     `json:"reason"`
}

// whyOf explains a due date in a few lines: when the clock started, the
// working days counted, the days skipped and why.
func whyOf(lang string, raw json.RawMessage) *whyView {
	if len(raw) == 0 {
		return nil
	}
	var w dueWhy
	if err := json.Unmarshal(raw, &w); err != nil {
		return nil
	}
	v := &whyView{}
	if w.ExtendedFrom != nil && w.Days > 0 {
		v.Lines = append(v.Lines, fmt.Sprintf(translate(lang, "ap.why.extended"), w.Days, formatInstant(lang, *w.ExtendedFrom)))
		if w.Why != "" {
			v.Lines = append(v.Lines, translate(lang, "ap.why.reason")+" "+w.Why)
		}
		return v
	}
	if w.N <= 0 || len(w.Counted) == 0 {
		return nil
	}
	v.Lines = append(v.Lines, translate(lang, "ap.why.received")+" "+formatInstant(lang, w.Received))
	if !w.Received.Equal(w.Effective) {
		v.Lines = append(v.Lines, translate(lang, "ap.why.outside")+" "+formatInstant(lang, w.Effective))
	}
	first, last := w.Counted[0], w.Counted[len(w.Counted)-1]
	if len(w.Counted) == 1 {
		v.Lines = append(v.Lines, fmt.Sprintf(translate(lang, "ap.why.counted_one"), formatDate(lang, first)))
	} else {
		v.Lines = append(v.Lines, fmt.Sprintf(translate(lang, "ap.why.counted"), w.N, formatDate(lang, first), formatDate(lang, last)))
	}
	for _, sk := range w.Skipped {
		name := sk.Name
		if lang == "en" && sk.NameEn != "" {
			name = sk.NameEn
		}
		line := formatDate(lang, sk.Date) + ": " + name
		if sk.Reason != "weekend" {
			line += " (" + strings.ToLower(translate(lang, "kind."+map[string]string{"holiday": "holiday", "compensatory": "compensatory",
				"declared_off": "declared_off"}[sk.Reason])) + ")"
		}
		v.Skipped = append(v.Skipped, line)
	}
	v.Lines = append(v.Lines, translate(lang, "ap.why.due")+" "+formatInstant(lang, w.Due))
	return v
}

// valuesOf turns a dossier's checked values back into form values, so
// that the dossier page says them as the review page did.
func valuesOf(f eform.Form, data map[string]any) eform.Values {
	out := eform.Values{}
	for _, fd := range f.Fields {
		v, ok := data[fd.Name]
		if !ok {
			continue
		}
		switch x := v.(type) {
		case string:
			out[fd.Name] = []string{x}
		case float64:
			out[fd.Name] = []string{strconv.FormatFloat(x, 'f', -1, 64)}
		case []any:
			for _, it := range x {
				if s, ok := it.(string); ok {
					out[fd.Name] = append(out[fd.Name], s)
				}
			}
		case map[string]any:
			if y, ok := x["Year"].(float64); ok { // eform.Date
				m, _ := x["Month"].(float64)
				d, _ := x["Day"].(float64)
				out[fd.Name] = []string{fmt.Sprintf("%04d-%02d-%02d", int(y), int(m), int(d))}
				continue
			}
			str := func(k string) string { s, _ := x[k].(string); return s }
			if str("commune_code") != "" {
				out[fd.Name+".province"] = []string{str("province_code")}
				out[fd.Name+".commune"] = []string{str("commune_code")}
				out[fd.Name+".street"] = []string{str("street")}
			} else if str("free_text") != "" {
				out[fd.Name] = []string{str("free_text")}
			}
		}
	}
	return out
}

// applicantDossier loads the caller's own dossier for an action; anyone
// else (another citizen, an official) is told it does not exist, before
// the body is read.
func (s *Server) applicantDossier(w http.ResponseWriter, r *http.Request) (dossier.View, bool) {
	pr := httpx.Principal(r.Context())
	d, err := s.Dossiers.Get(r.Context(), pr, r.PathValue("code"))
	if err == nil && d.ApplicantID != pr.User.ID {
		err = dossier.ErrDossierNotFound
	}
	if err != nil {
		httpx.WriteError(w, r, err)
		return d, false
	}
	return d, true
}

// afterAction answers an action: back to the dossier page with a flash,
// or the page again with the errors.
func (s *Server) afterAction(w http.ResponseWriter, r *http.Request, err error, flashKey string, f *dossierForm) {
	if err == nil {
		s.redirect(w, r, "/ho-so/"+url.PathEscape(r.PathValue("code")), flashKey)
		return
	}
	lang := httpx.Lang(r.Context())
	msgs, ok := formErrors(lang, err)
	if !ok || apperr.IsCode(err, apperr.NotFound) {
		httpx.WriteError(w, r, err)
		return
	}
	f.errs = append(f.errs, msgs...)
	s.renderDossier(w, r, httpx.Status(apperr.As(err).Code), f)
}

// supplement takes the applicant's answer to a supplement request: files
// (through the upload pipeline as they stream in) and an optional note.
// A refused file is named at the file input; the files accepted so far
// are kept by upload ID for the next try.
func (s *Server) supplement(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.applicantDossier(w, r); !ok {
		return
	}
	ctx := r.Context()
	pr := httpx.Principal(ctx)
	lang := httpx.Lang(ctx)
	refused := map[string][]string{}
	posted, uploads, err := s.readApplyForm(r, pr, lang, map[string]bool{"bs": true}, nil, refused)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	remove := map[int64]bool{}
	for _, v := range posted["bo_tep"] {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			remove[id] = true
		}
	}
	files := slices.DeleteFunc(append(parseFileRefs(posted["tep"], map[string]bool{"bs": true}), uploads...),
		func(f fileRef) bool { return remove[f.id] })
	f := &dossierForm{supNote: strings.TrimSpace(posted.Get("ghi_chu")), supErrors: refused["bs"]}
	ids := make([]int64, len(files))
	docs := make([]string, len(files))
	for i, fr := range files {
		ids[i], docs[i] = fr.id, "Bổ sung"
	}
	if len(ids) > maxFiles {
		httpx.WriteError(w, r, errTooManyFiles)
		return
	}
	refs, err := s.Dossiers.Resolve(ctx, pr, ids, docs)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	for i, fr := range files {
		f.supFiles = append(f.supFiles, fileItem{Ref: "bs:" + strconv.FormatInt(fr.id, 10), ID: fr.id, Name: refs[i].Name,
			Facts: fileFacts(lang, refs[i].ContentType, refs[i].Size, refs[i].Pages)})
	}
	if len(f.supErrors) > 0 {
		for _, m := range f.supErrors {
			f.errs = append(f.errs, FieldMsg{Field: "bs-tep", Message: m})
		}
		s.renderDossier(w, r, http.StatusBadRequest, f)
		return
	}
	if refs, err = s.Uploads.BindPhotos(ctx, pr, ids, refs); err != nil {
		if e := apperr.As(err); e.Code != apperr.Internal {
			f.errs = append(f.errs, FieldMsg{Field: "bs-tep", Message: e.Message(lang)})
			s.renderDossier(w, r, httpx.Status(e.Code), f)
			return
		}
		httpx.WriteError(w, r, err)
		return
	}
	_, err = s.Dossiers.CompleteSupplement(ctx, pr, r.PathValue("code"), nil, refs, f.supNote)
	if e := apperr.As(err); err != nil && e.Code == apperr.Invalid && len(e.Fields) > 0 {
		for _, fe := range e.Fields {
			m := pickLang(lang, fe.VI, fe.EN)
			f.errs, f.supErrors = append(f.errs, FieldMsg{Field: "bs-tep", Message: m}), append(f.supErrors, m)
		}
		s.renderDossier(w, r, http.StatusBadRequest, f)
		return
	}
	s.afterAction(w, r, err, "ap.supplement_done", f)
}

// withdraw withdraws the dossier at the applicant's request: a reason and
// a ticked confirmation.
func (s *Server) withdraw(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.applicantDossier(w, r); !ok {
		return
	}
	lang := httpx.Lang(r.Context())
	f := &dossierForm{withdrawReason: strings.TrimSpace(r.PostFormValue("ly_do")), withdrawOK: r.PostFormValue("xac_nhan") == "1"}
	if f.withdrawReason == "" {
		f.errs = append(f.errs, FieldMsg{Field: "ly_do", Message: translate(lang, "ap.withdraw_reason_required")})
	}
	if !f.withdrawOK {
		f.errs = append(f.errs, FieldMsg{Field: "xac_nhan", Message: translate(lang, "ap.withdraw_confirm_required")})
	}
	if len(f.errs) > 0 {
		s.renderDossier(w, r, http.StatusBadRequest, f)
		return
	}
	_, err := s.Dossiers.Withdraw(r.Context(), httpx.Principal(r.Context()), r.PathValue("code"), f.withdrawReason)
	s.afterAction(w, r, err, "ap.withdrawn", f)
}

// rate records the applicant's satisfaction (changed once at most: the
// service says so when it is final).
func (s *Server) rate(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.applicantDossier(w, r); !ok {
		return
	}
	score, _ := strconv.Atoi(r.PostFormValue("diem"))
	f := &dossierForm{score: score, comment: strings.TrimSpace(r.PostFormValue("nhan_xet"))}
	err := s.Dossiers.Rate(r.Context(), httpx.Principal(r.Context()), r.PathValue("code"), dossier.Rating{Score: score, Comment: f.comment})
	if apperr.IsCode(err, apperr.Invalid) {
		msgs, _ := formErrors(httpx.Lang(r.Context()), err)
		for _, m := range msgs {
			f.errs = append(f.errs, FieldMsg{Field: "diem-1", Message: m.Message})
		}
		s.renderDossier(w, r, http.StatusBadRequest, f)
		return
	}
	s.afterAction(w, r, err, "ap.rated", f)
}

// dossierFile downloads a file of a dossier the caller may see. It is
// always an attachment (never shown inline on this site), of the type the
// upload pipeline detected from its content.
func (s *Server) dossierFile(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		httpx.WriteError(w, r, dossier.ErrDossierNotFound)
		return
	}
	f, err := s.Dossiers.FileOf(ctx, httpx.Principal(ctx), r.PathValue("code"), id)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	blob, err := s.Blobs.Open(ctx, f.Hash)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	defer blob.Close()
	h := w.Header()
	h.Set("Content-Type", f.ContentType)
	h.Set("Content-Disposition", attachmentHeader(f.Name))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Cache-Control", "private, no-store")
	http.ServeContent(w, r, "", f.UploadedAt, blob)
}

// attachmentHeader is a Content-Disposition for a download named name:
// an ASCII fallback for old clients and the UTF-8 name (RFC 6266, with
// RFC 5987's filename*) for the rest.
func attachmentHeader(name string) string {
	var fallback strings.Builder
	for _, r := range name {
		switch {
		case r < 0x20 || r == 0x7f || r == '"' || r == '\\' || r == '%' || r == ';':
			fallback.WriteByte('_')
		case r < 0x80:
			fallback.WriteRune(r)
		default:
			fallback.WriteByte('_')
		}
	}
	h := mime.FormatMediaType("attachment", map[string]string{"filename": fallback.String()})
	if h == "" {
		h = "attachment"
	}
	return h + "; filename*=UTF-8''" + rfc5987(name)
}

// rfc5987 percent-encodes everything but attr-char (RFC 5987, 3.2.1).
func rfc5987(s string) string {
	const attr = "!#$&+-.^_`|~"
	var b strings.Builder
	for _, c := range []byte(s) {
		if ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9') || strings.IndexByte(attr, c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

type notificationRow struct {
	At, Text, URL, Code string
	FormURL, FormLabel  string // the form the notice stands for (PDF)
	Unread              bool
}

type notificationsView struct {
	Rows       []notificationRow
	UnreadText string
	Next       string
}

// notifications lists the user's messages, newest first; seeing them
// marks them read (the new ones stay marked as new on this view).
func (s *Server) notifications(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	pr := httpx.Principal(ctx)
	p := s.page(r, "nav.notifications", "")
	before, _ := strconv.ParseInt(r.URL.Query().Get("sau"), 10, 64)
	list, unread, err := s.Dossiers.Notifications(ctx, pr, before, pageSize+1)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	v := notificationsView{}
	if unread > 0 {
		v.UnreadText = fmt.Sprintf(p.T("ap.unread"), unread)
	}
	if len(list) > pageSize {
		list = list[:pageSize]
		v.Next = "/thong-bao?sau=" + strconv.FormatInt(list[len(list)-1].ID, 10)
	}
	for _, n := range list {
		row := notificationRow{At: formatInstant(p.Lang, n.At), Text: n.Text(p.Lang), Code: n.Code, Unread: !n.Read}
		if n.Code != "" {
			row.URL = "/ho-so/" + url.PathEscape(n.Code)
			if pr.User.IsOfficial() {
				row.URL = "/mot-cua/ho-so/" + url.PathEscape(n.Code)
			}
			if k, ok := forms.OfNotice(n.Kind); ok {
				row.FormURL, row.FormLabel = row.URL+"/phieu/"+forms.Slug(k), translate(p.Lang, "pdf."+string(k))
			}
		}
		v.Rows = append(v.Rows, row)
	}
	if unread > 0 && len(list) > 0 {
		if err := s.Dossiers.MarkRead(ctx, pr, list[0].ID); err != nil {
			httpx.WriteError(w, r, err)
			return
		}
	}
	p.Data = v
	s.render(w, r, http.StatusOK, "notifications", p)
}
