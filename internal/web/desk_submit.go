package web

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"egov/internal/apperr"
	"egov/internal/calendar"
	"egov/internal/catalog"
	"egov/internal/dossier"
	"egov/internal/eform"
	"egov/internal/httpx"
	"egov/internal/identity"
	"egov/internal/vnid"
)

// Desk submission: a desk officer files, on behalf of someone who cannot
// apply online, a dossier brought on paper (scanned as attachments). The
// papers are checked at the counter, so it is received at once
// (dossier.Service.SubmitAtDesk): the code and the appointment come
// together.

var (
	errDeskNotDesk = apperr.New(apperr.Forbidden, "desk.not_desk_officer",
		"Chỉ cán bộ bộ phận một cửa nộp hồ sơ thay công dân.", "Only one-stop desk officers submit on someone's behalf.")
	errDeskProcedure = apperr.Validation(apperr.Field("thu-tuc", "desk.procedure",
		"Chọn một thủ tục mà đơn vị của bạn tiếp nhận.", "Choose a procedure your unit receives."))
	errDeskUnit = apperr.Validation(apperr.Field("don-vi", "desk.unit",
		"Đơn vị một cửa đã chọn không tiếp nhận thủ tục này.", "The chosen one-stop unit does not receive this procedure."))
	errDeskForeignUnit = apperr.New(apperr.Forbidden, "desk.foreign_unit",
		"Bạn chỉ nộp thay tại đơn vị một cửa nơi bạn làm cán bộ một cửa.", "You submit on someone's behalf only at a one-stop unit where you are a desk officer.")
	errDeskApplicantName = apperr.Field("applicant_name", "dossier.applicant_name",
		"Nhập họ tên người nộp hồ sơ.", "Enter the applicant's full name.")
)

// deskUnits are the receiving units (one-stop units first) where the
// official is a desk officer, and every agency by ID.
func (s *Server) deskUnits(ctx context.Context, pr *identity.Principal) ([]identity.Agency, map[int64]identity.Agency, error) {
	all, err := s.Identity.Agencies(ctx)
	if err != nil {
		return nil, nil, err
	}
	byID := make(map[int64]identity.Agency, len(all))
	for _, a := range all {
		byID[a.ID] = a
	}
	var ids []int64
	if !pr.IsSystemAdmin() {
		if ids, err = s.Identity.Subtree(ctx, pr.AgenciesFor(identity.RoleDesk)); err != nil {
			return nil, nil, err
		}
	}
	var units []identity.Agency
	for _, a := range all {
		if a.Active && a.ReceivesDossiers && a.Code != "" && (pr.IsSystemAdmin() || slices.Contains(ids, a.ID)) {
			units = append(units, a)
		}
	}
	// The one-stop unit itself before the agency that holds it.
	slices.SortStableFunc(units, func(a, b identity.Agency) int {
		return deskKindRank(a) - deskKindRank(b)
	})
	return units, byID, nil
}

func deskKindRank(a identity.Agency) int {
	if a.Kind == identity.KindUnit {
		return 0
	}
	return 1
}

// deskReceives reports whether a procedure's receivers name the unit or
// the agency that holds it (by code, or by kind), as the dossier service
// checks on submission; here it only narrows the lists offered.
func deskReceives(p catalog.Procedure, unit identity.Agency, byID map[int64]identity.Agency) bool {
	cands := []identity.Agency{unit}
	if parent, ok := byID[unit.ParentID]; ok {
		cands = append(cands, parent)
	}
	for _, r := range p.Receivers {
		for _, a := range cands {
			if (r.Code != "" && strings.EqualFold(a.Code, r.Code)) || (r.Code == "" && r.Kind != "" && string(a.Kind) == r.Kind) {
				return true
			}
		}
	}
	return false
}

type deskDoc struct {
	Key, Name, Note string
	Optional        bool
	Registry        bool
}

type deskKept struct {
	Value, Label, Name string
}

type deskSubmitView struct {
	deskRoles
	Procs            []option // what the officer's units receive
	Units            []option // the officer's one-stop units
	Proc, Unit       string   // the choice
	ProcName         string
	FormTitle        string
	Chosen           bool // a procedure and unit are chosen: the form shows
	Name, PID, Phone string
	Fields           []eform.FieldView
	Docs             []deskDoc
	Kept             []deskKept
	keptIDs          []int64 // the upload IDs of the files deskKeep returned
	procedure        catalog.Procedure
	form             eform.Form
	unit             identity.Agency
	procs            map[string]catalog.Procedure
}

// deskSubmitData lists what the officer may file where, and the chosen
// procedure's form and documents (from vals: thu-tuc, don-vi).
func (s *Server) deskSubmitData(ctx context.Context, p *Page, vals url.Values) (*deskSubmitView, error) {
	pr := p.Principal
	units, byID, err := s.deskUnits(ctx, pr)
	if err != nil {
		return nil, err
	}
	if len(units) == 0 {
		return nil, errDeskNotDesk
	}
	all, err := s.Catalog.Procedures(ctx)
	if err != nil {
		return nil, err
	}
	d := &deskSubmitView{deskRoles: deskRolesOf(pr), procs: map[string]catalog.Procedure{},
		Proc: strings.TrimSpace(vals.Get("thu-tuc")), Unit: strings.TrimSpace(vals.Get("don-vi")),
		Name: strings.TrimSpace(vals.Get("applicant_name")), PID: strings.TrimSpace(vals.Get("applicant_pid")),
		Phone: strings.TrimSpace(vals.Get("applicant_phone"))}
	for _, pc := range all {
		if pc.Draft || pc.Form == "" || !slices.ContainsFunc(units, func(u identity.Agency) bool { return deskReceives(pc, u, byID) }) {
			continue
		}
		d.procs[pc.Code] = pc
		name := pc.Name
		if p.Lang == "en" && pc.NameEn != "" {
			name = pc.NameEn
		}
		d.Procs = append(d.Procs, option{Value: pc.Code, Label: pc.Code + " · " + name})
	}
	for _, u := range units {
		d.Units = append(d.Units, option{Value: strconv.FormatInt(u.ID, 10), Label: u.Name + " (" + u.Code + ")"})
	}
	id, _ := strconv.ParseInt(d.Unit, 10, 64)
	if id != 0 && !slices.ContainsFunc(units, func(u identity.Agency) bool { return u.ID == id }) {
		return nil, errDeskForeignUnit
	}
	if d.Proc == "" {
		if d.Unit == "" {
			d.Unit = d.Units[0].Value
		}
		return d, nil
	}
	pc, ok := d.procs[d.Proc]
	if !ok {
		return d, errDeskProcedure
	}
	d.procedure = pc
	d.ProcName = pc.Name
	if p.Lang == "en" && pc.NameEn != "" {
		d.ProcName = pc.NameEn
	}
	for _, u := range units {
		if (id == 0 || u.ID == id) && deskReceives(pc, u, byID) {
			d.unit = u
			break
		}
	}
	if d.unit.ID == 0 {
		return d, errDeskUnit
	}
	d.Unit = strconv.FormatInt(d.unit.ID, 10)
	if d.form, _, err = s.Catalog.Form(ctx, pc.Form); err != nil {
		return nil, err
	}
	d.FormTitle = d.form.Title.In(p.Lang)
	d.Chosen = true
	for i, doc := range pc.Documents {
		d.Docs = append(d.Docs, deskDoc{Key: "doc-" + strconv.Itoa(i), Name: doc.Name, Note: doc.Note, Optional: doc.Optional, Registry: doc.Registry != ""})
	}
	return d, nil
}

// deskToday is the date "today" means in the form's limits.
func (s *Server) deskToday() eform.CheckOption {
	now := s.Now().In(calendar.Location())
	return eform.WithToday(eform.Date{Year: now.Year(), Month: now.Month(), Day: now.Day()})
}

// deskSubmitForm shows the choice of procedure and unit, then the chosen
// procedure's form.
func (s *Server) deskSubmitForm(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "desk.submit_title", "desk")
	d, err := s.deskSubmitData(r.Context(), p, r.URL.Query())
	status := http.StatusOK
	if err != nil {
		e := apperr.As(err)
		if d == nil || e.Code != apperr.Invalid {
			httpx.WriteError(w, r, err)
			return
		}
		p.Errors, _ = formErrors(p.Lang, err)
		status = http.StatusBadRequest
	}
	if d.Chosen {
		d.Fields = d.form.View(p.Lang, nil, nil, s.deskToday())
	}
	p.Data = d
	s.render(w, r, status, "desk_submit", p)
}

// deskSubmit files the dossier: files are streamed through the upload
// pipeline as they arrive; if anything is wrong, the page lists every
// problem at once and keeps the files already uploaded.
func (s *Server) deskSubmit(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	pr := httpx.Principal(ctx)
	p := s.page(r, "desk.submit_title", "desk")
	// Only a desk officer's files are read (and stored).
	if units, _, err := s.deskUnits(ctx, pr); err != nil || len(units) == 0 {
		if err == nil {
			err = errDeskNotDesk
		}
		httpx.WriteError(w, r, err)
		return
	}
	vals, uploads, fieldErrs, err := s.deskReadSubmission(r)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	d, err := s.deskSubmitData(ctx, p, vals)
	if err != nil {
		if d == nil || !apperr.IsCode(err, apperr.Invalid) {
			httpx.WriteError(w, r, err)
			return
		}
		p.Errors, _ = formErrors(p.Lang, err)
		p.Data = d
		s.render(w, r, http.StatusBadRequest, "desk_submit", p)
		return
	}
	files, err := s.deskKeep(ctx, p, d, vals["tep"], uploads)
	if err != nil {
		if !apperr.IsCode(err, apperr.Invalid) {
			httpx.WriteError(w, r, err)
			return
		}
		fieldErrs = append(fieldErrs, apperr.As(err).Fields...)
	}
	applicant := identity.User{FullName: d.Name}
	if d.Name == "" {
		fieldErrs = append(fieldErrs, errDeskApplicantName)
	}
	if d.PID != "" {
		if id, err := vnid.ParsePersonalID(d.PID); err != nil {
			fieldErrs = append(fieldErrs, vnid.Field("applicant_pid", err))
		} else {
			applicant.PersonalID = id.Number
		}
	}
	if d.Phone != "" {
		if ph, err := vnid.ParsePhone(d.Phone); err != nil {
			fieldErrs = append(fieldErrs, vnid.Field("applicant_phone", err))
		} else {
			applicant.Phone = ph.National()
		}
	}
	values := eform.Values(vals)
	// The e-form is checked here too, so that one answer lists every
	// problem of the page; the service checks it again.
	_, formErrs := d.form.Check(values, s.deskToday())
	status := http.StatusBadRequest
	if len(fieldErrs) == 0 && len(formErrs) == 0 {
		// The photos of each paper become one PDF of it.
		bound, err := s.Uploads.BindPhotos(ctx, pr, d.keptIDs, files)
		if e := apperr.As(err); err != nil && e.Code == apperr.Internal {
			httpx.WriteError(w, r, err)
			return
		} else if err != nil {
			fieldErrs = append(fieldErrs, apperr.FieldError{Field: "docs-title", Key: e.Key, VI: e.VI, EN: e.EN})
		}
		files = bound
	}
	if len(fieldErrs) == 0 && len(formErrs) == 0 {
		rc, err := s.Dossiers.SubmitAtDesk(ctx, pr, dossier.Submission{ProcedureCode: d.procedure.Code, ReceivingUnitID: d.unit.ID,
			Values: values, Files: files, Applicant: applicant})
		if err == nil {
			s.redirect(w, r, deskPath(rc.Code), "desk.done.submit")
			return
		}
		e := apperr.As(err)
		if e.Code == apperr.Internal {
			httpx.WriteError(w, r, err)
			return
		}
		status = httpx.Status(e.Code)
		if len(e.Fields) == 0 {
			p.Errors = []FieldMsg{{Message: e.Message(p.Lang)}}
		}
		for _, f := range e.Fields {
			if d.formField(f.Field) {
				formErrs = append(formErrs, f)
			} else {
				fieldErrs = append(fieldErrs, f)
			}
		}
	}
	for _, f := range fieldErrs {
		p.Errors = append(p.Errors, FieldMsg{Field: f.Field, Message: deskMsg(p.Lang, f)})
	}
	for _, f := range formErrs {
		p.Errors = append(p.Errors, FieldMsg{Field: "f-" + strings.SplitN(f.Field, ".", 2)[0], Message: deskMsg(p.Lang, f)})
	}
	d.Fields = d.form.View(p.Lang, values, formErrs, s.deskToday())
	p.Data = d
	s.render(w, r, status, "desk_submit", p)
}

func deskMsg(lang string, f apperr.FieldError) string {
	if lang == "en" {
		return f.EN
	}
	return f.VI
}

// formField reports whether an error names a field of the e-form (an
// address field's part is "name.part").
func (d *deskSubmitView) formField(field string) bool {
	name := strings.SplitN(field, ".", 2)[0]
	return slices.ContainsFunc(d.form.Fields, func(fd eform.Field) bool { return fd.Name == name })
}

// deskKeep resolves the files of the submission: those uploaded before and
// still ticked ("tep": "<document key>:<upload ID>") and those that came
// now, each for its required document or form field. They are listed on
// the page, ticked, so that a page shown again keeps them.
func (s *Server) deskKeep(ctx context.Context, p *Page, d *deskSubmitView, kept []string, uploads []deskUpload) ([]dossier.FileRef, error) {
	labels := map[string]string{}
	for _, doc := range d.Docs {
		labels[doc.Key] = doc.Name
	}
	for _, fd := range d.form.Fields {
		if fd.Type == eform.TypeFile {
			labels[fd.Name] = fd.Label.In(p.Lang)
		}
	}
	var all []deskUpload
	for _, k := range kept {
		key, idText, _ := strings.Cut(k, ":")
		if id, err := strconv.ParseInt(idText, 10, 64); err == nil {
			all = append(all, deskUpload{key: key, id: id})
		}
	}
	all = append(all, uploads...)
	var ids []int64
	var docs []string
	var keys []string
	for _, u := range all {
		if labels[u.key] != "" && !slices.Contains(ids, u.id) {
			ids, docs, keys = append(ids, u.id), append(docs, labels[u.key]), append(keys, u.key)
		}
	}
	files, err := s.Dossiers.Resolve(ctx, p.Principal, ids, docs)
	if err != nil {
		return nil, err
	}
	d.keptIDs = ids
	for i, f := range files {
		d.Kept = append(d.Kept, deskKept{Value: keys[i] + ":" + strconv.FormatInt(ids[i], 10), Label: f.Document, Name: f.Name})
	}
	return files, nil
}

// deskUpload is a file accepted for the submission: the document (or
// form field) it is for, and the upload's ID.
type deskUpload struct {
	key string
	id  int64
}

// deskReadSubmission reads the multipart form, streaming each file into
// the upload pipeline as it arrives. A file the pipeline refuses becomes
// an error of its input; the other parts are still read.
func (s *Server) deskReadSubmission(r *http.Request) (url.Values, []deskUpload, []apperr.FieldError, error) {
	ctx := r.Context()
	pr := httpx.Principal(ctx)
	vals := url.Values{}
	mr, err := r.MultipartReader()
	if err != nil {
		if err := r.ParseForm(); err != nil {
			return nil, nil, nil, deskPartErr(err)
		}
		return r.PostForm, nil, nil, nil
	}
	var ups []deskUpload
	var refused []apperr.FieldError
	total := 0
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return vals, ups, refused, nil
		}
		if err != nil {
			return nil, nil, nil, deskPartErr(err)
		}
		if part.FileName() == "" {
			b, err := io.ReadAll(io.LimitReader(part, deskMaxValue))
			if err != nil {
				return nil, nil, nil, deskPartErr(err)
			}
			if total += len(b); total > 1<<20 {
				return nil, nil, nil, apperr.ErrTooLarge
			}
			vals.Add(part.FormName(), string(b))
			continue
		}
		if len(ups) >= 50 {
			continue // Resolve takes 50 files at most
		}
		u, err := s.Uploads.Accept(ctx, pr, part.FileName(), part)
		if err != nil {
			fe, ok := deskRefusal(part.FormName(), err)
			if !ok {
				return nil, nil, nil, err
			}
			if !strings.HasPrefix(fe.Field, "doc-") {
				fe.Field = "f-" + fe.Field
			}
			refused = append(refused, fe)
			continue
		}
		ups = append(ups, deskUpload{key: part.FormName(), id: u.ID})
	}
}

// deskRefusal turns the upload pipeline's refusal of a file into an error
// of the input it came from; other errors are not the file's fault.
func deskRefusal(field string, err error) (apperr.FieldError, bool) {
	e := apperr.As(err)
	if e.Code != apperr.Invalid && e.Code != apperr.TooLarge {
		return apperr.FieldError{}, false
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return apperr.FieldError{}, false // the whole request is too large
	}
	return apperr.Field(field, e.Key, e.VI, e.EN), true
}
