package web

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"egov/internal/apperr"
	"egov/internal/attach"
	"egov/internal/calendar"
	"egov/internal/catalog"
	"egov/internal/dossier"
	"egov/internal/eform"
	"egov/internal/httpx"
	"egov/internal/identity"
)

// Applying online: one page with the receiving unit, the procedure's
// e-form, a file input per document and the fees; a review page; the
// submission. Files go through the upload pipeline as soon as a form is
// posted, so every later step (review, draft, a corrected form) carries
// upload IDs in hidden fields, never the files again.
//
// Buttons are told apart by name: xem_lai (review), luu_nhap (save a
// draft), sua (back from the review), nop (submit), xoa_nhap (delete a
// draft). Pressing Enter in a text input uses the first button of the
// form, which is "Xem lại".

const (
	maxValueBytes = 64 << 10 // one text value of a form
	maxValueParts = 2000     // text values in one post
	maxFiles      = 50       // files of one application (dossier.Service.Resolve's limit)
	// draftFilesKey keeps a draft's upload IDs ("slot:id") with its values:
	// dossier.Draft records file references, which have no upload ID.
	draftFilesKey = "_tep"
)

var (
	errTooManyFiles = apperr.New(apperr.Invalid, "apply.too_many_files",
		"Hồ sơ có quá nhiều tệp (tối đa 50 tệp). Vui lòng gộp bớt các trang vào một tệp PDF.",
		"The application has too many files (at most 50). Please combine pages into one PDF file.")
	errBadValue = apperr.New(apperr.Invalid, "apply.bad_value", "Dữ liệu gửi lên không hợp lệ.", "The submitted data is not valid.")
)

// slot is where files go: a document the procedure asks for ("d0",
// "d1", ...) or a file field of the e-form ("f_<field>").
type slot struct {
	Key       string
	InputID   string // the file input's id: the error summary links to it
	Label     string
	Note      string
	Document  string // what the dossier records (Vietnamese, as the catalogue names it)
	Optional  bool
	Required  bool // an e-form file field that is required
	Registry  bool // supplied from a base registry: nothing to upload
	Signed    bool // must be an e-document with its issuer's digital signature
	Accept    string
	Files     []fileItem
	Photos    int // how many of Files are photos, made one PDF at submission
	Errors    []string
	FormField string
}

// ErrorID is the id of the slot's error text.
func (s slot) ErrorID() string { return s.InputID + "-error" }

// HintID is the id of the slot's note.
func (s slot) HintID() string { return s.InputID + "-hint" }

// DescribedBy lists the note and the error for aria-describedby.
func (s slot) DescribedBy() string {
	var ids []string
	if s.Note != "" {
		ids = append(ids, s.HintID())
	}
	if len(s.Errors) > 0 {
		ids = append(ids, s.ErrorID())
	}
	return strings.Join(ids, " ")
}

// fileItem is an uploaded file shown on a page.
type fileItem struct {
	Ref      string // "slot:uploadID", the value of the hidden field
	ID       int64
	Thumb    string // a small picture of it (photos, PDFs), "" for none
	Name     string
	Facts    string // "PDF, 120 KB, 3 trang"
	Document string
	size     int64
	mime     string
}

// fileRef is an upload in a slot.
type fileRef struct {
	slot string
	id   int64
}

type applyView struct {
	Code, Name string
	DraftID    int64
	Units      []option
	UnitID     string
	UnitName   string
	Fields     []eform.FieldView
	Slots      []slot
	Fees       []string
	FeesTotal  string
	Blocked    string // why the form is not offered
	Official   bool
	// The review page.
	Summary []summaryItem
	Hidden  []hiddenField // what the review form carries back
	Missing []string      // documents without a file, which the desk may ask for
}

// hiddenField is a hidden input of the review form.
type hiddenField struct{ Name, Value string }

// summaryItem is one answer of the e-form as the review shows it.
type summaryItem struct{ Label, Value string }

// applyState is an application being filled in.
type applyState struct {
	pr       catalog.Procedure
	form     eform.Form
	units    []identity.Agency
	draftID  int64
	unitID   int64
	values   eform.Values
	files    []fileRef
	refused  map[string][]string // slot → refusals of the upload pipeline
	formErrs []apperr.FieldError
}

// applyLoad reads the procedure and its form, and answers officials and
// procedures that cannot be applied for online. ok is false when the
// answer has been written.
func (s *Server) applyLoad(w http.ResponseWriter, r *http.Request) (*applyState, *Page, bool) {
	pr, err := s.Catalog.Published(r.Context(), r.PathValue("code"))
	if err != nil {
		httpx.WriteError(w, r, err)
		return nil, nil, false
	}
	p := s.page(r, "ap.title", "")
	st := &applyState{pr: pr, refused: map[string][]string{}}
	v := applyView{Code: pr.Code, Name: pr.Name}
	switch {
	case p.Official():
		v.Official = true
	case pr.Form == "":
		v.Blocked = p.T("ap.no_form")
	case !slices.Contains(pr.Channels, catalog.ChannelOnline) || pr.Online == catalog.OnlineNone:
		v.Blocked = p.T("ap.not_online")
	}
	if v.Official || v.Blocked != "" {
		p.Data = v
		status := http.StatusOK
		if v.Official {
			status = http.StatusForbidden
		}
		s.render(w, r, status, "apply", p)
		return nil, nil, false
	}
	if st.form, _, err = s.Catalog.Form(r.Context(), pr.Form); err != nil {
		httpx.WriteError(w, r, err)
		return nil, nil, false
	}
	return st, p, true
}

func (s *Server) applyForm(w http.ResponseWriter, r *http.Request) {
	st, p, ok := s.applyLoad(w, r)
	if !ok {
		return
	}
	pr := httpx.Principal(r.Context())
	if raw := r.URL.Query().Get("nhap"); raw != "" {
		id, _ := strconv.ParseInt(raw, 10, 64)
		d, err := s.Dossiers.DraftOf(r.Context(), pr, id)
		if err == nil && d.ProcedureCode != st.pr.Code {
			err = dossier.ErrDossierNotFound
		}
		if err != nil {
			httpx.WriteError(w, r, err)
			return
		}
		st.draftID, st.unitID = d.ID, d.UnitID
		st.values = eform.Values{}
		for k, v := range d.Values {
			if k != draftFilesKey {
				st.values[k] = v
			}
		}
		st.files = parseFileRefs(d.Values[draftFilesKey], nil)
	} else {
		st.values = prefill(st.form, p.User())
	}
	s.renderApply(w, r, p, st, http.StatusOK)
}

func (s *Server) applyPost(w http.ResponseWriter, r *http.Request) {
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") && r.PostFormValue("xoa_nhap") != "" {
		// From "my dossiers": a draft is deleted even if its procedure is
		// no longer offered online.
		s.deleteDraft(w, r, formInt(r, "nhap"))
		return
	}
	st, p, ok := s.applyLoad(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	pr := httpx.Principal(ctx)
	keys, signed := map[string]bool{}, map[string]bool{}
	for _, sl := range slotsOf(p.Lang, st.pr, st.form) {
		if !sl.Registry {
			keys[sl.Key] = true
		}
		signed[sl.Key] = sl.Signed
	}
	posted, uploads, err := s.readApplyForm(r, pr, p.Lang, keys, signed, st.refused)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	st.draftID = formIntOf(posted, "nhap")
	st.unitID = formIntOf(posted, "don_vi")
	st.values = formValues(st.form, posted)
	remove := map[int64]bool{}
	for _, v := range posted["bo_tep"] {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			remove[id] = true
		}
	}
	st.files = append(parseFileRefs(posted["tep"], keys), uploads...)
	st.files = slices.DeleteFunc(st.files, func(f fileRef) bool { return remove[f.id] })
	if len(st.files) > maxFiles {
		st.files = st.files[:maxFiles]
		st.refused[""] = append(st.refused[""], errTooManyFiles.Message(p.Lang))
	}

	switch {
	case posted.Has("xoa_nhap"):
		s.deleteDraft(w, r, st.draftID)
	case posted.Has("luu_nhap"):
		s.saveDraft(w, r, p, st)
	case posted.Has("sua"):
		s.renderApply(w, r, p, st, http.StatusOK)
	case posted.Has("nop"):
		s.submitApplication(w, r, p, st)
	default: // xem_lai, or Enter in a text input
		s.reviewApplication(w, r, p, st)
	}
}

// deleteDraft deletes one of the caller's drafts; another's is not found.
func (s *Server) deleteDraft(w http.ResponseWriter, r *http.Request, id int64) {
	ctx := r.Context()
	pr := httpx.Principal(ctx)
	if _, err := s.Dossiers.DraftOf(ctx, pr, id); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	if err := s.Dossiers.DeleteDraft(ctx, pr, id); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	s.redirect(w, r, "/ho-so", "ap.draft_deleted")
}

// readApplyForm reads a posted application part by part: each file goes
// through the upload pipeline as it streams in (nothing is buffered in
// memory); text values are kept. The pipeline's refusals, which name the
// file, are collected by slot. A post that is not multipart (the review
// page, the delete button of "my dossiers") is read as a plain form.
// signed names the slots whose files must carry a valid digital
// signature: checked as each is uploaded, so the applicant hears at once.
func (s *Server) readApplyForm(r *http.Request, pr *identity.Principal, lang string, slots, signed map[string]bool, refused map[string][]string) (url.Values, []fileRef, error) {
	mr, err := r.MultipartReader()
	if err != nil {
		if err := r.ParseForm(); err != nil {
			return nil, nil, bodyError(err)
		}
		return r.PostForm, nil, nil
	}
	vals := url.Values{}
	var ups []fileRef
	parts := 0
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return vals, ups, nil
		}
		if err != nil {
			return nil, nil, bodyError(err)
		}
		name := part.FormName()
		if key, isFile := strings.CutPrefix(name, "tep_"); isFile {
			if part.FileName() == "" || !slots[key] {
				_, err := io.Copy(io.Discard, part) // an empty file input, or one this procedure does not have
				part.Close()
				if err != nil {
					return nil, nil, bodyError(err)
				}
				continue
			}
			if len(ups) >= maxFiles {
				part.Close()
				return nil, nil, errTooManyFiles
			}
			up, err := s.Uploads.Accept(r.Context(), pr, part.FileName(), part)
			part.Close()
			if err != nil {
				var mbe *http.MaxBytesError
				if errors.As(err, &mbe) {
					return nil, nil, apperr.ErrTooLarge
				}
				e := apperr.As(err)
				if e.Code == apperr.Internal {
					return nil, nil, err
				}
				refused[key] = append(refused[key], e.Message(lang))
				continue
			}
			if signed[key] {
				if err := s.Dossiers.CheckSigned(r.Context(), up.FileRef); err != nil {
					e := apperr.As(err)
					if e.Code == apperr.Internal {
						return nil, nil, err
					}
					refused[key] = append(refused[key], e.Message(lang))
					continue
				}
			}
			ups = append(ups, fileRef{slot: key, id: up.ID})
			continue
		}
		parts++
		if parts > maxValueParts {
			part.Close()
			return nil, nil, errBadValue
		}
		b, err := io.ReadAll(io.LimitReader(part, maxValueBytes+1))
		part.Close()
		if err != nil {
			return nil, nil, bodyError(err)
		}
		if len(b) > maxValueBytes {
			return nil, nil, apperr.ErrTooLarge
		}
		vals.Add(name, string(b))
	}
}

// bodyError tells a body over the limit from a broken one.
func bodyError(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return apperr.ErrTooLarge
	}
	return errBadValue.Wrap(err)
}

func formIntOf(v url.Values, name string) int64 {
	n, _ := strconv.ParseInt(strings.TrimSpace(v.Get(name)), 10, 64)
	return n
}

// formValues keeps the posted values that belong to the e-form (an
// address field a posts a, a.province, a.commune, a.street).
func formValues(f eform.Form, posted url.Values) eform.Values {
	names := map[string]bool{}
	for _, fd := range f.Fields {
		if fd.Type != eform.TypeFile {
			names[fd.Name] = true
		}
	}
	out := eform.Values{}
	for k, v := range posted {
		root, _, _ := strings.Cut(k, ".")
		if names[root] {
			out[k] = v
		}
	}
	return out
}

// parseFileRefs reads "slot:id" values; slots, when given, are the slots
// this procedure has. Repeated IDs count once.
func parseFileRefs(raw []string, slots map[string]bool) []fileRef {
	var out []fileRef
	seen := map[int64]bool{}
	for _, v := range raw {
		key, num, ok := strings.Cut(v, ":")
		id, err := strconv.ParseInt(num, 10, 64)
		if !ok || err != nil || id <= 0 || seen[id] || (slots != nil && !slots[key]) {
			continue
		}
		seen[id] = true
		out = append(out, fileRef{slot: key, id: id})
	}
	return out
}

// prefill offers the applicant's own data where a field obviously asks
// for it: the applicant's (người yêu cầu, nyc_) name, ID number, birth
// date, phone and e-mail; a business's code, name, phone and e-mail.
func prefill(f eform.Form, u *identity.User) eform.Values {
	out := eform.Values{}
	if u == nil {
		return out
	}
	set := func(name, v string) {
		if v != "" {
			out[name] = []string{v}
		}
	}
	for _, fd := range f.Fields {
		if u.Kind == identity.UserBusiness {
			switch {
			case fd.Type == eform.TypeEnterpriseCode && (fd.Name == "ma_so_dn" || fd.Name == "ma_so_doanh_nghiep" || fd.Name == "ma_so_to_chuc"):
				set(fd.Name, u.EnterpriseCode)
			case fd.Type == eform.TypeText && (fd.Name == "ten_dn" || fd.Name == "ten_to_chuc"):
				set(fd.Name, u.FullName)
			case fd.Type == eform.TypePhone && fd.Name == "dien_thoai_dn":
				set(fd.Name, u.Phone)
			case fd.Type == eform.TypeEmail && fd.Name == "email_dn":
				set(fd.Name, u.Email)
			}
			continue
		}
		base := strings.TrimPrefix(fd.Name, "nyc_")
		switch {
		case base == "ho_ten" && fd.Type == eform.TypeText:
			set(fd.Name, u.FullName)
		case base == "so_dinh_danh" && fd.Type == eform.TypePersonalID:
			set(fd.Name, u.PersonalID)
		case base == "ngay_sinh" && fd.Type == eform.TypeDate:
			set(fd.Name, u.BirthDate)
		case base == "dien_thoai" && fd.Type == eform.TypePhone:
			set(fd.Name, u.Phone)
		case base == "email" && fd.Type == eform.TypeEmail:
			set(fd.Name, u.Email)
		}
	}
	return out
}

// slotsOf lists where files go: the procedure's documents, then the
// e-form's file fields.
func slotsOf(lang string, pr catalog.Procedure, f eform.Form) []slot {
	var out []slot
	for i, d := range pr.Documents {
		key := "d" + strconv.Itoa(i)
		out = append(out, slot{Key: key, InputID: "tep-" + key, Label: d.Name, Note: d.Note, Document: d.Name,
			Optional: d.Optional, Registry: d.Registry != "", Signed: d.Signed, Accept: acceptAttr(nil)})
		if d.Signed {
			out[len(out)-1].Accept = "application/pdf,.pdf" // an e-document: a photo carries no signature
		}
	}
	for _, fd := range f.Fields {
		if fd.Type != eform.TypeFile {
			continue
		}
		out = append(out, slot{Key: "f_" + fd.Name, InputID: "f-" + fd.Name, Label: fd.Label.In(lang), Note: fd.Help.In(lang),
			Document: fd.Label.In("vi"), Required: fd.Required, Optional: !fd.Required, Accept: acceptAttr(fd.Accept), FormField: fd.Name})
	}
	return out
}

// acceptAttr is a file input's accept attribute: types and extensions,
// for phones whose pickers only know one of them.
func acceptAttr(types []string) string {
	if len(types) == 0 {
		types = eform.DefaultAccept
	}
	out := slices.Clone(types)
	for _, t := range types {
		switch t {
		case "application/pdf":
			out = append(out, ".pdf")
		case "image/jpeg":
			out = append(out, ".jpg", ".jpeg")
		case "image/png":
			out = append(out, ".png")
		case "image/*":
			out = append(out, ".jpg", ".jpeg", ".png", ".heic")
		}
	}
	// Photos straight from a phone: iPhones save HEIC.
	if slices.Contains(types, "image/jpeg") && !slices.Contains(types, "image/heic") {
		out = append(out, "image/heic", ".heic")
	}
	return strings.Join(out, ",")
}

// attached resolves the application's uploads (refusing any that is not
// the caller's) and puts them in their slots.
func (s *Server) attached(r *http.Request, lang string, st *applyState, slots []slot) ([]dossier.FileRef, error) {
	if len(st.files) == 0 {
		return nil, nil
	}
	index := map[string]int{}
	for i, sl := range slots {
		index[sl.Key] = i
	}
	ids := make([]int64, len(st.files))
	docs := make([]string, len(st.files))
	for i, f := range st.files {
		ids[i] = f.id
		docs[i] = slots[index[f.slot]].Document
	}
	refs, err := s.Dossiers.Resolve(r.Context(), httpx.Principal(r.Context()), ids, docs)
	if apperr.IsCode(err, apperr.Invalid) {
		// An upload ID that is not the caller's (a stale page, a forged
		// field): the files are dropped and asked for again.
		st.files = nil
		st.refused[""] = append(st.refused[""], pickLang(lang, dossier.ErrBadFile.Fields[0].VI, dossier.ErrBadFile.Fields[0].EN))
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	for i, f := range st.files {
		sl := &slots[index[f.slot]]
		if attach.IsImage(refs[i].ContentType) {
			sl.Photos++
		}
		sl.Files = append(sl.Files, fileItem{Ref: f.slot + ":" + strconv.FormatInt(f.id, 10), ID: f.id, Name: refs[i].Name,
			Thumb: "/tep-tai-len/" + strconv.FormatInt(f.id, 10) + "/anh-nho",
			Facts: fileFacts(lang, refs[i].ContentType, refs[i].Size, refs[i].Pages), Document: refs[i].Document,
			size: refs[i].Size, mime: refs[i].ContentType})
	}
	return refs, nil
}

// fileFacts says a file's type, size and pages: "PDF, 120 KB, 3 trang".
func fileFacts(lang, contentType string, size int64, pages int) string {
	kind := map[string]string{"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG"}[contentType]
	if kind == "" {
		kind = contentType
	}
	out := kind + ", " + sizeText(lang, size)
	if pages > 0 {
		unit := translate(lang, "ap.pages")
		if pages == 1 {
			unit = translate(lang, "ap.page")
		}
		out += ", " + strconv.Itoa(pages) + " " + unit
	}
	return out
}

// sizeText says a byte count as people read it: 1,5 MB, 120 KB.
func sizeText(lang string, n int64) string {
	sep := ","
	if lang == "en" {
		sep = "."
	}
	if n < 1<<10 {
		return strconv.FormatInt(n, 10) + " B"
	}
	v, unit := float64(n)/(1<<10), " KB"
	if n >= 1<<20 {
		v, unit = float64(n)/(1<<20), " MB"
	}
	s := strings.TrimSuffix(strconv.FormatFloat(v, 'f', 1, 64), ".0")
	return strings.Replace(s, ".", sep, 1) + unit
}

func (s *Server) today() eform.CheckOption {
	now := s.Now().In(calendar.Location())
	return eform.WithToday(eform.Date{Year: now.Year(), Month: now.Month(), Day: now.Day()})
}

// check checks the application as the review shows it: the unit, the
// e-form with its files, and the uploads the pipeline refused.
func (s *Server) check(p *Page, st *applyState, slots []slot) {
	p.Errors = append(p.Errors, refusals(st, slots)...)
	if !slices.ContainsFunc(st.units, func(a identity.Agency) bool { return a.ID == st.unitID }) {
		p.Errors = append(p.Errors, FieldMsg{Field: "don_vi", Message: p.T("ap.unit_required")})
	}
	files := eform.Files{}
	for _, sl := range slots {
		if sl.FormField == "" {
			continue
		}
		for _, f := range sl.Files {
			files[sl.FormField] = append(files[sl.FormField], eform.FileInfo{Name: f.Name, Size: f.size, MIME: f.mime})
		}
	}
	_, st.formErrs = st.form.Check(st.values, s.today(), eform.WithFiles(files))
	p.Errors = append(p.Errors, fieldMsgs(st.form, p.Lang, st.formErrs)...)
}

// refusals are the upload pipeline's refusals, each linked to its file
// input, and those of the whole application.
func refusals(st *applyState, slots []slot) []FieldMsg {
	var out []FieldMsg
	for _, sl := range slots {
		for _, m := range st.refused[sl.Key] {
			out = append(out, FieldMsg{Field: sl.InputID, Message: m})
		}
	}
	for _, m := range st.refused[""] {
		out = append(out, FieldMsg{Field: "tai-lieu", Message: m})
	}
	return out
}

// fieldMsgs turns e-form errors into links to the fields ("f-<name>";
// an address part links to its field). The summary names the field: the
// e-form's messages ("Vui lòng nhập thông tin này.") say what, not where.
func fieldMsgs(f eform.Form, lang string, errs []apperr.FieldError) []FieldMsg {
	labels := map[string]string{}
	for _, fd := range f.Fields {
		labels[fd.Name] = fd.Label.In(lang)
	}
	out := make([]FieldMsg, 0, len(errs))
	for _, fe := range errs {
		m := pickLang(lang, fe.VI, fe.EN)
		root, _, _ := strings.Cut(fe.Field, ".")
		if l := labels[root]; l != "" {
			m = l + ": " + m
		}
		out = append(out, FieldMsg{Field: "f-" + root, Message: m})
	}
	return out
}

func (s *Server) reviewApplication(w http.ResponseWriter, r *http.Request, p *Page, st *applyState) {
	if err := s.loadUnits(r, st); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	slots := slotsOf(p.Lang, st.pr, st.form)
	if _, err := s.attached(r, p.Lang, st, slots); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	s.check(p, st, slots)
	if len(p.Errors) > 0 {
		s.renderApplyWith(w, r, p, st, slots, http.StatusBadRequest)
		return
	}
	v := s.applyViewOf(p, st, slots)
	p.Title = p.T("ap.review_title")
	v.Summary = summarize(st.form, p.Lang, st.values, s.today())
	for _, a := range st.units {
		if a.ID == st.unitID {
			v.UnitName = a.Name
		}
	}
	v.Hidden = append(v.Hidden, hiddenField{"don_vi", strconv.FormatInt(st.unitID, 10)})
	if st.draftID != 0 {
		v.Hidden = append(v.Hidden, hiddenField{"nhap", strconv.FormatInt(st.draftID, 10)})
	}
	keys := make([]string, 0, len(st.values))
	for k := range st.values {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		for _, val := range st.values[k] {
			v.Hidden = append(v.Hidden, hiddenField{k, val})
		}
	}
	for _, f := range st.files {
		v.Hidden = append(v.Hidden, hiddenField{"tep", f.slot + ":" + strconv.FormatInt(f.id, 10)})
	}
	for _, sl := range v.Slots {
		if !sl.Optional && !sl.Registry && len(sl.Files) == 0 {
			v.Missing = append(v.Missing, sl.Label)
		}
	}
	p.Data = v
	s.render(w, r, http.StatusOK, "apply_review", p)
}

func (s *Server) submitApplication(w http.ResponseWriter, r *http.Request, p *Page, st *applyState) {
	ctx := r.Context()
	pr := httpx.Principal(ctx)
	if err := s.loadUnits(r, st); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	slots := slotsOf(p.Lang, st.pr, st.form)
	refs, err := s.attached(r, p.Lang, st, slots)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	if len(st.refused) > 0 {
		// A file picked on the review page's way back was refused: show it.
		s.check(p, st, slots)
		s.renderApplyWith(w, r, p, st, slots, http.StatusBadRequest)
		return
	}
	// The photos of each paper become one PDF of it.
	ids := make([]int64, len(st.files))
	for i, f := range st.files {
		ids[i] = f.id
	}
	if refs, err = s.Uploads.BindPhotos(ctx, pr, ids, refs); err != nil {
		if e := apperr.As(err); e.Code != apperr.Internal {
			p.Errors = append(p.Errors, FieldMsg{Field: "tai-lieu", Message: e.Message(p.Lang)})
			s.renderApplyWith(w, r, p, st, slots, httpx.Status(e.Code))
			return
		}
		httpx.WriteError(w, r, err)
		return
	}
	d, err := s.Dossiers.Submit(ctx, pr, dossier.Submission{ProcedureCode: st.pr.Code, ReceivingUnitID: st.unitID,
		Values: st.values, Files: refs})
	if err != nil {
		e := apperr.As(err)
		if e.Code == apperr.Internal || e.Code == apperr.NotFound || e.Code == apperr.Forbidden {
			httpx.WriteError(w, r, err)
			return
		}
		switch {
		case len(e.Fields) > 0:
			for _, fe := range e.Fields {
				if fe.Field == "files" {
					p.Errors = append(p.Errors, FieldMsg{Field: "tai-lieu", Message: pickLang(p.Lang, fe.VI, fe.EN)})
				} else {
					st.formErrs = append(st.formErrs, fe)
				}
			}
			p.Errors = append(p.Errors, fieldMsgs(st.form, p.Lang, st.formErrs)...)
		case e.Key == dossier.ErrNotReceivingUnit.Key:
			p.Errors = append(p.Errors, FieldMsg{Field: "don_vi", Message: e.Message(p.Lang)})
		default:
			p.Errors = append(p.Errors, FieldMsg{Message: e.Message(p.Lang)})
		}
		s.renderApplyWith(w, r, p, st, slots, httpx.Status(e.Code))
		return
	}
	if st.draftID != 0 {
		if err := s.Dossiers.DeleteDraft(ctx, pr, st.draftID); err != nil {
			s.Log.Warn("delete submitted draft", "draft", st.draftID, "err", err)
		}
	}
	http.Redirect(w, r, "/ho-so/"+url.PathEscape(d.Code)+"?moi=1", http.StatusSeeOther)
}

func pickLang(lang, vi, en string) string {
	if lang == "en" {
		return en
	}
	return vi
}

// saveDraft keeps what was entered, with the uploads by ID. A file the
// pipeline refused is shown at once; the rest is saved all the same.
func (s *Server) saveDraft(w http.ResponseWriter, r *http.Request, p *Page, st *applyState) {
	ctx := r.Context()
	slots := slotsOf(p.Lang, st.pr, st.form)
	refs, err := s.attached(r, p.Lang, st, slots)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	values := eform.Values{}
	for k, v := range st.values {
		values[k] = v
	}
	for _, f := range st.files {
		values[draftFilesKey] = append(values[draftFilesKey], f.slot+":"+strconv.FormatInt(f.id, 10))
	}
	d, err := s.Dossiers.SaveDraft(ctx, httpx.Principal(ctx), dossier.Draft{ID: st.draftID, ProcedureCode: st.pr.Code,
		UnitID: st.unitID, Values: values, Files: refs})
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	to := "/nop-ho-so/" + url.PathEscape(st.pr.Code) + "?nhap=" + strconv.FormatInt(d.ID, 10)
	if len(st.refused) == 0 {
		s.redirect(w, r, to, "ap.draft_saved")
		return
	}
	st.draftID = d.ID
	if err := s.loadUnits(r, st); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	p.Flash = p.T("ap.draft_saved")
	p.Errors = append(p.Errors, refusals(st, slots)...)
	s.renderApplyWith(w, r, p, st, slots, http.StatusBadRequest)
}

// loadUnits lists where the application may be filed.
func (s *Server) loadUnits(r *http.Request, st *applyState) error {
	if st.units != nil {
		return nil
	}
	units, err := s.Dossiers.ReceivingUnits(r.Context(), st.pr.Code)
	if err != nil {
		return err
	}
	st.units = s.orderUnits(r, st, units)
	if st.units == nil {
		st.units = []identity.Agency{}
	}
	return nil
}

// orderUnits puts first the units of the applicant's commune: the one the
// form's address names, else the unit of their last dossier. Without
// either, the list keeps its order and the first is the default.
func (s *Server) orderUnits(r *http.Request, st *applyState, units []identity.Agency) []identity.Agency {
	commune := ""
	for _, fd := range st.form.Fields {
		if fd.Type == eform.TypeAddress && len(st.values[fd.Name+".commune"]) > 0 && st.values[fd.Name+".commune"][0] != "" {
			commune = st.values[fd.Name+".commune"][0]
			break
		}
	}
	var last int64
	if commune == "" {
		if mine, err := s.Dossiers.Mine(r.Context(), httpx.Principal(r.Context()), 0, 1); err == nil && len(mine) > 0 {
			last = mine[0].ReceivingUnitID
		}
	}
	if commune == "" && last == 0 {
		return units
	}
	byID := map[int64]identity.Agency{}
	for _, a := range units {
		byID[a.ID] = a
	}
	communeOf := func(a identity.Agency) string {
		if a.AdminUnitCode != "" {
			return a.AdminUnitCode
		}
		if parent, ok := byID[a.ParentID]; ok {
			return parent.AdminUnitCode
		}
		if a.ParentID != 0 {
			if parent, err := s.Identity.Agency(r.Context(), a.ParentID); err == nil {
				return parent.AdminUnitCode
			}
		}
		return ""
	}
	rank := func(a identity.Agency) int {
		switch {
		case commune != "" && communeOf(a) == commune && a.Kind == identity.KindUnit:
			return 0 // the commune's one-stop unit
		case commune != "" && communeOf(a) == commune:
			return 1
		case a.ID == last:
			return 0
		}
		return 2
	}
	out := slices.Clone(units)
	slices.SortStableFunc(out, func(a, b identity.Agency) int { return rank(a) - rank(b) })
	return out
}

func (s *Server) renderApply(w http.ResponseWriter, r *http.Request, p *Page, st *applyState, status int) {
	slots := slotsOf(p.Lang, st.pr, st.form)
	if _, err := s.attached(r, p.Lang, st, slots); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	if err := s.loadUnits(r, st); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	s.renderApplyWith(w, r, p, st, slots, status)
}

// renderApplyWith renders the form; slots carry their files already.
func (s *Server) renderApplyWith(w http.ResponseWriter, r *http.Request, p *Page, st *applyState, slots []slot, status int) {
	if err := s.loadUnits(r, st); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	for i := range slots {
		slots[i].Errors = append(slots[i].Errors, st.refused[slots[i].Key]...)
		for _, fe := range st.formErrs {
			if slots[i].FormField != "" && fe.Field == slots[i].FormField {
				slots[i].Errors = append(slots[i].Errors, pickLang(p.Lang, fe.VI, fe.EN))
			}
		}
	}
	p.Data = s.applyViewOf(p, st, slots)
	s.render(w, r, status, "apply", p)
}

func (s *Server) applyViewOf(p *Page, st *applyState, slots []slot) applyView {
	v := applyView{Code: st.pr.Code, Name: st.pr.Name, DraftID: st.draftID, Slots: slots}
	p.Title = p.T("ap.title") + ": " + st.pr.Name
	if st.unitID == 0 && len(st.units) > 0 {
		st.unitID = st.units[0].ID
	}
	for _, a := range st.units {
		v.Units = append(v.Units, option{strconv.FormatInt(a.ID, 10), a.Name})
	}
	v.UnitID = strconv.FormatInt(st.unitID, 10)
	if len(st.units) == 0 {
		v.Blocked = p.T("ap.no_unit")
	}
	fields := st.form.View(p.Lang, st.values, st.formErrs, s.today())
	// The e-form's file fields are inputs of the documents section; one
	// that its condition hides (an authorisation, when nobody is
	// authorised) shows once the answers call for it, or while it has files.
	visible := map[string]bool{}
	for _, f := range fields {
		visible[f.Name] = f.Visible
	}
	v.Slots = slices.DeleteFunc(slots, func(sl slot) bool {
		return sl.FormField != "" && !visible[sl.FormField] && len(sl.Files) == 0 && len(sl.Errors) == 0
	})
	v.Fields = slices.DeleteFunc(fields, func(f eform.FieldView) bool { return f.Control == "file" })
	v.Fees, v.FeesTotal = feeLines(p.Lang, st.pr)
	return v
}

// feeLines lists the procedure's fees with their notes, and the total
// the published amounts make.
func feeLines(lang string, pr catalog.Procedure) ([]string, string) {
	var out []string
	for _, f := range pr.Fees {
		line := f.Name + " (" + strings.ToLower(translate(lang, "fee."+string(f.Kind))) + "): " + money(lang, f.Amount)
		if f.Note != "" {
			line += " · " + f.Note
		}
		out = append(out, line)
	}
	return out, money(lang, dossier.FeesDue(pr))
}

// summarize says what was entered, field by field, as the review and the
// dossier page show it: visible fields with a value, choices by their
// labels, addresses in words.
func summarize(f eform.Form, lang string, values eform.Values, opts ...eform.CheckOption) []summaryItem {
	var out []summaryItem
	for _, fv := range f.View(lang, values, nil, opts...) {
		if !fv.Visible || fv.Control == "file" {
			continue
		}
		var val string
		switch fv.Control {
		case "select", "radio", "checkbox":
			var labels []string
			for _, o := range fv.Options {
				if o.Selected {
					labels = append(labels, o.Label)
				}
			}
			val = strings.Join(labels, "; ")
		case "address":
			a := fv.Address
			var chosen []string
			for _, list := range [][]eform.OptionView{a.Communes, a.Provinces} {
				for _, o := range list {
					if o.Selected {
						chosen = append(chosen, o.Label)
					}
				}
			}
			val = a.FreeText
			if len(chosen) > 0 {
				if a.Street != "" {
					chosen = append([]string{a.Street}, chosen...)
				}
				val = strings.Join(chosen, ", ")
			}
		default:
			val = strings.TrimSpace(fv.Value)
			if fv.Type == eform.TypeDate {
				if d, ok := parseISODate(val); ok {
					val = formatDate(lang, d)
				}
			}
		}
		if strings.TrimSpace(val) != "" {
			out = append(out, summaryItem{Label: fv.Label, Value: val})
		}
	}
	return out
}

func parseISODate(s string) (calendar.Date, bool) {
	var d calendar.Date
	if err := d.UnmarshalText([]byte(s)); err != nil {
		return d, false
	}
	return d, true
}
