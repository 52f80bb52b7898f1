package web

import (
	"encoding/pem"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"egov/internal/apperr"
	"egov/internal/httpx"
	"egov/internal/identity"
	"egov/internal/signing/pki"
)

// The back office's keys and certificates (what `egov pki` does on the
// command line): agency and official certificates listed within the
// administrator's scope, issued by the built-in CA where it exists,
// imported from PKCS#12 files, revoked; and the trust store of roots
// (system administrators). The pki service audits every change itself.

// Upload limits: real PKCS#12 files and certificates are a few KB.
const (
	pkiMaxP12      = 256 << 10
	pkiMaxCert     = 64 << 10
	pkiMaxPosition = 100
)

var (
	errPKIOff = apperr.New(apperr.NotImplemented, "pki.off",
		"Chức năng chứng thư số chưa được bật.", "Certificates are not enabled.")
	errPKINoOwner = apperr.New(apperr.Invalid, "pki.no_owner",
		"Chọn cơ quan hoặc cán bộ được cấp chứng thư số.", "Choose the agency or official the certificate is for.")
	errPKIOwnerNotOfficial = apperr.New(apperr.Invalid, "pki.owner_not_official",
		"Người dùng này không phải cán bộ của cơ quan đã chọn.", "This user is not an official of the chosen agency.")
	errPKIPositionTooLong = apperr.New(apperr.Invalid, "pki.position_too_long",
		"Chức vụ dài quá 100 ký tự.", "The position is longer than 100 characters.")
	errPKINoP12 = apperr.New(apperr.Invalid, "pki.no_file",
		"Chọn tệp PKCS#12 (.p12, .pfx) cần nhập.", "Choose the PKCS#12 (.p12, .pfx) file to import.")
	errPKIP12TooLarge = apperr.New(apperr.TooLarge, "pki.file_too_large",
		"Tệp quá lớn: tệp PKCS#12 chỉ vài KB, tối đa 256 KB.", "The file is too large: PKCS#12 files are a few KB, 256 KB at most.")
	errPKINoCertFile = apperr.New(apperr.Invalid, "pki.no_cert_file",
		"Chọn tệp chứng thư gốc (.crt, .cer, .pem) cần thêm.", "Choose the root certificate file (.crt, .cer, .pem) to add.")
	errPKICertTooLarge = apperr.New(apperr.TooLarge, "pki.cert_too_large",
		"Tệp quá lớn: một chứng thư số chỉ vài KB, tối đa 64 KB.", "The file is too large: a certificate is a few KB, 64 KB at most.")
	errPKINoReason = apperr.New(apperr.Invalid, "pki.no_reason",
		"Chọn lý do thu hồi.", "Choose the reason for revocation.")
)

// --- the list

type pkiRow struct {
	ID                           int64
	Kind, Name, Title, Subject   string
	AgencyID, UserID             int64
	Agency, User                 string
	Serial, From, To, Key        string
	Status, StatusLabel          string
	RevokedAt, Reason            string
	HasKey, Revocable, Authority bool
	CACert, CRL                  string // downloads under /pki/ (CA certificates)
}

type pkiListData struct {
	Agency      int64
	Agencies    []agencyOption
	Rows        []pkiRow
	Authorities []pkiRow
	CA          *pki.BuiltinCA
	NoCA        string // why nothing can be issued here
	System      bool
}

func (s *Server) pkiList(w http.ResponseWriter, r *http.Request) {
	if s.PKI == nil {
		httpx.WriteError(w, r, errPKIOff)
		return
	}
	p := s.page(r, "pki.title", "pki")
	ctx := r.Context()
	sc, err := s.adminScope(r)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	d := pkiListData{System: sc.All}
	if raw := strings.TrimSpace(r.URL.Query().Get("co-quan")); raw != "" && raw != "0" {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			httpx.WriteError(w, r, identity.ErrAgencyNotFound)
			return
		}
		if !sc.HasAgency(id) {
			httpx.WriteError(w, r, apperr.ErrForbidden)
			return
		}
		d.Agency = id
	}
	if d.Agencies, err = s.agencyOptions(r, sc); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	f := pki.CertFilter{Agencies: sc.Agencies(), Authorities: sc.All && d.Agency == 0}
	if d.Agency != 0 {
		f.Agencies = []int64{d.Agency}
	}
	certs, err := s.PKI.Certificates(ctx, f)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	names := s.agencyNames(r)
	users := map[int64]string{}
	for _, c := range certs {
		row := s.pkiRow(p, c, names, users, r)
		if row.Authority {
			d.Authorities = append(d.Authorities, row)
		} else {
			d.Rows = append(d.Rows, row)
		}
	}
	if ca, err := s.PKI.CurrentBuiltinCA(ctx); err == nil {
		d.CA = &ca
	} else if apperr.As(err).Key == pki.ErrNoBuiltinCA.Key {
		d.NoCA = pki.ErrNoBuiltinCA.Message(p.Lang)
	} else {
		httpx.WriteError(w, r, err)
		return
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "admin_pki", p)
}

func (s *Server) pkiRow(p *Page, c *pki.Certificate, agencies map[int64]string, users map[int64]string, r *http.Request) pkiRow {
	row := pkiRow{
		ID: c.ID, Kind: p.T("pki.kind." + string(c.Kind)), Name: c.Cert.Subject.CommonName, Title: pki.Title(c.Cert.Subject),
		Subject: c.Subject, AgencyID: c.AgencyID, UserID: c.UserID, Agency: agencies[c.AgencyID], Serial: c.Serial,
		From: formatInstant(p.Lang, c.NotBefore), To: formatInstant(p.Lang, c.NotAfter), Key: pki.KeyDescription(c.Cert),
		HasKey: c.HasKey, Authority: !c.Signing(),
	}
	if row.Name == "" {
		row.Name = c.Subject
	}
	st := c.StatusAt(s.Now())
	row.Status, row.StatusLabel = string(st), p.T("pki.status."+string(st))
	if c.Revoked() {
		row.RevokedAt = formatInstant(p.Lang, c.RevokedAt)
		row.Reason = pkiReasonLabel(p, c.RevocationReason)
	}
	row.Revocable = c.Signing() && !c.Revoked()
	if c.UserID != 0 {
		if _, ok := users[c.UserID]; !ok {
			users[c.UserID] = ""
			if u, err := s.Identity.User(r.Context(), c.UserID); err == nil {
				users[c.UserID] = u.FullName + " (" + u.Username + ")"
			}
		}
		row.User = users[c.UserID]
	}
	switch c.Kind {
	case pki.KindRoot, pki.KindIssuing:
		row.CACert = "/pki/ca/" + strconv.FormatInt(c.ID, 10) + ".crt"
		if c.HasKey {
			row.CRL = "/pki/crl/" + strconv.FormatInt(c.ID, 10) + ".crl"
		}
	case pki.KindExternalCA:
		row.CACert = "/pki/ca/" + strconv.FormatInt(c.ID, 10) + ".crt"
	}
	return row
}

func pkiReasonLabel(p *Page, reason int) string {
	if _, ok := messages["pki.reason."+strconv.Itoa(reason)]; ok {
		return p.T("pki.reason." + strconv.Itoa(reason))
	}
	return strconv.Itoa(reason)
}

// pkiCertInScope loads the {id} certificate and checks the administrator
// manages it: a system administrator every certificate, an agency
// administrator the agency and official certificates of their agencies.
func (s *Server) pkiCertInScope(w http.ResponseWriter, r *http.Request) (*pki.Certificate, bool) {
	if s.PKI == nil {
		httpx.WriteError(w, r, errPKIOff)
		return nil, false
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		httpx.WriteError(w, r, pki.ErrUnknownCertificate)
		return nil, false
	}
	c, err := s.PKI.Get(r.Context(), id)
	if err != nil {
		httpx.WriteError(w, r, err)
		return nil, false
	}
	sc, err := s.adminScope(r)
	if err != nil {
		httpx.WriteError(w, r, err)
		return nil, false
	}
	if !sc.All && (!c.Signing() || !sc.HasAgency(c.AgencyID)) {
		httpx.WriteError(w, r, apperr.ErrForbidden)
		return nil, false
	}
	return c, true
}

// pkiPEM downloads a certificate as PEM.
func (s *Server) pkiPEM(w http.ResponseWriter, r *http.Request) {
	c, ok := s.pkiCertInScope(w, r)
	if !ok {
		return
	}
	w.Header().Set("Content-Type", "application/x-pem-file")
	w.Header().Set("Content-Disposition", `attachment; filename="chung-thu-so-`+strconv.FormatInt(c.ID, 10)+`.pem"`)
	w.Header().Set("Cache-Control", "no-store")
	_ = pem.Encode(w, &pem.Block{Type: "CERTIFICATE", Bytes: c.Cert.Raw})
}

// --- whom a certificate is for

type pkiOption struct{ Value, Label string }

type pkiOwnerForm struct {
	Owner, Position string
	Agencies        []pkiOption
	Officials       []pkiOption
}

// pkiOwner is the agency (and official) a certificate is issued or imported
// for.
type pkiOwner struct {
	agency   identity.Agency
	user     *identity.User
	position string // Vietnamese: the official's role at the agency
}

// pkiOwnerOptions lists the agencies and, for each, the officials holding a
// role there, within the administrator's scope.
func (s *Server) pkiOwnerOptions(r *http.Request, p *Page, sc identity.AdminScope, f *pkiOwnerForm) error {
	ags, err := s.agencyOptions(r, sc)
	if err != nil {
		return err
	}
	names := map[int64]string{}
	for _, a := range ags {
		f.Agencies = append(f.Agencies, pkiOption{"a:" + strconv.FormatInt(a.ID, 10), a.Label})
		names[a.ID] = strings.TrimLeft(a.Label, "— ")
	}
	us, err := s.Identity.Users(r.Context(), identity.UserFilter{AgencyIDs: sc.Agencies(), Limit: 500})
	if err != nil {
		return err
	}
	for _, u := range us {
		if !u.IsOfficial() || u.Disabled {
			continue
		}
		seen := map[int64]bool{}
		for _, g := range u.Grants {
			if g.AgencyID == 0 || seen[g.AgencyID] || names[g.AgencyID] == "" {
				continue
			}
			seen[g.AgencyID] = true
			label := u.FullName + " (" + u.Username + ") · " + p.T("role."+string(pkiRoleAt(u, g.AgencyID))) + " · " + names[g.AgencyID]
			f.Officials = append(f.Officials, pkiOption{"u:" + strconv.FormatInt(u.ID, 10) + ":" + strconv.FormatInt(g.AgencyID, 10), label})
		}
	}
	return nil
}

// pkiRoleAt is the official's most senior role at an agency, which stands
// for their position when none is given.
func pkiRoleAt(u identity.User, agencyID int64) identity.Role {
	best, rank := identity.Role(""), 99
	order := []identity.Role{identity.RoleLeader, identity.RoleSpecialist, identity.RoleDesk, identity.RoleClerical, identity.RoleAgencyAdmin}
	for _, g := range u.Grants {
		if g.AgencyID != agencyID {
			continue
		}
		for i, r := range order {
			if g.Role == r && i < rank {
				best, rank = r, i
			}
		}
	}
	return best
}

// pkiParseOwner reads "a:AGENCY" or "u:USER:AGENCY" and checks it against
// the scope: out of scope is forbidden, a malformed or stale choice a
// field error.
func (s *Server) pkiParseOwner(r *http.Request, sc identity.AdminScope, value string) (pkiOwner, error) {
	var o pkiOwner
	parts := strings.Split(value, ":")
	ids := make([]int64, 0, 2)
	for _, x := range parts[1:] {
		n, err := strconv.ParseInt(x, 10, 64)
		if err != nil || n <= 0 {
			return o, errPKINoOwner
		}
		ids = append(ids, n)
	}
	var agencyID, userID int64
	switch {
	case parts[0] == "a" && len(ids) == 1:
		agencyID = ids[0]
	case parts[0] == "u" && len(ids) == 2:
		userID, agencyID = ids[0], ids[1]
	default:
		return o, errPKINoOwner
	}
	if !sc.HasAgency(agencyID) {
		return o, apperr.ErrForbidden
	}
	a, err := s.Identity.Agency(r.Context(), agencyID)
	if err != nil {
		return o, err
	}
	if !a.Active {
		return o, errPKINoOwner
	}
	o.agency = a
	if userID == 0 {
		return o, nil
	}
	u, err := s.Identity.User(r.Context(), userID)
	if err != nil {
		return o, err
	}
	role := pkiRoleAt(u, agencyID)
	if !u.IsOfficial() || u.Disabled || role == "" {
		return o, errPKIOwnerNotOfficial
	}
	o.user, o.position = &u, translate("vi", "role."+string(role))
	return o, nil
}

// pkiAgency is what a certificate says about an agency.
func (s *Server) pkiAgency(a identity.Agency) pki.Agency {
	return pki.Agency{ID: a.ID, Code: a.Code, Name: a.Name, Province: pkiLocality(s.Province)}
}

// pkiLocality is the place name of a province: "Lạng Sơn" for "tỉnh Lạng
// Sơn".
func pkiLocality(province string) string {
	for _, p := range []string{"tỉnh ", "Tỉnh ", "thành phố ", "Thành phố "} {
		if rest, ok := strings.CutPrefix(province, p); ok {
			return rest
		}
	}
	return province
}

// pkiFieldErrors turns a parse or service error into field messages, or
// reports that it is not one for the form.
func pkiFieldErrors(lang string, err error, field string) ([]FieldMsg, bool) {
	e := apperr.As(err)
	if e.Code == apperr.Forbidden || e.Code == apperr.Internal || e.Code == apperr.NotImplemented {
		return nil, false
	}
	msgs, ok := formErrors(lang, err)
	for i := range msgs {
		if msgs[i].Field == "" {
			msgs[i].Field = field
		}
	}
	return msgs, ok
}

// --- issuing

type pkiIssueData struct {
	Form pkiOwnerForm
	NoCA string
}

func (s *Server) pkiIssueForm(w http.ResponseWriter, r *http.Request) {
	s.renderIssue(w, r, http.StatusOK, nil, pkiOwnerForm{Owner: r.URL.Query().Get("cho")})
}

func (s *Server) renderIssue(w http.ResponseWriter, r *http.Request, status int, errs []FieldMsg, f pkiOwnerForm) {
	if s.PKI == nil {
		httpx.WriteError(w, r, errPKIOff)
		return
	}
	p := s.page(r, "pki.issue_title", "pki")
	p.Errors = errs
	d := pkiIssueData{Form: f}
	if _, err := s.PKI.CurrentBuiltinCA(r.Context()); err != nil {
		if apperr.As(err).Key != pki.ErrNoBuiltinCA.Key {
			httpx.WriteError(w, r, err)
			return
		}
		d.NoCA = pki.ErrNoBuiltinCA.Message(p.Lang)
		p.Data = d
		s.render(w, r, http.StatusNotImplemented, "admin_pki_issue", p)
		return
	}
	sc, err := s.adminScope(r)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	if err := s.pkiOwnerOptions(r, p, sc, &d.Form); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	p.Data = d
	s.render(w, r, status, "admin_pki_issue", p)
}

func (s *Server) pkiIssue(w http.ResponseWriter, r *http.Request) {
	if s.PKI == nil {
		httpx.WriteError(w, r, errPKIOff)
		return
	}
	ctx := r.Context()
	f := pkiOwnerForm{Owner: r.PostFormValue("owner"), Position: strings.TrimSpace(r.PostFormValue("position"))}
	if _, err := s.PKI.CurrentBuiltinCA(ctx); err != nil {
		s.renderIssue(w, r, http.StatusNotImplemented, nil, f)
		return
	}
	sc, err := s.adminScope(r)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	o, err := s.pkiParseOwner(r, sc, f.Owner)
	if err == nil && utf8.RuneCountInString(f.Position) > pkiMaxPosition {
		err = errPKIPositionTooLong.With(apperr.FieldError{Field: "position", Key: errPKIPositionTooLong.Key, VI: errPKIPositionTooLong.VI, EN: errPKIPositionTooLong.EN})
	}
	var c *pki.Certificate
	if err == nil {
		if o.user == nil {
			c, err = s.PKI.IssueOrganisation(ctx, s.pkiAgency(o.agency))
		} else {
			pos := f.Position
			if pos == "" {
				pos = o.position
			}
			c, err = s.PKI.IssuePersonal(ctx, pki.Official{UserID: o.user.ID, FullName: o.user.FullName, Email: o.user.Email, Position: pos},
				s.pkiAgency(o.agency))
		}
	}
	if err != nil {
		msgs, ok := pkiFieldErrors(httpx.Lang(ctx), err, "owner")
		if !ok {
			httpx.WriteError(w, r, err)
			return
		}
		s.renderIssue(w, r, httpx.Status(apperr.As(err).Code), msgs, f)
		return
	}
	s.redirect(w, r, pkiListURL(o.agency.ID, c.ID), "pki.issued")
}

func pkiListURL(agencyID, certID int64) string {
	return "/quan-tri/chung-thu-so?co-quan=" + strconv.FormatInt(agencyID, 10) + "#cert-" + strconv.FormatInt(certID, 10)
}

// --- importing

func (s *Server) pkiImportForm(w http.ResponseWriter, r *http.Request) {
	s.renderImport(w, r, http.StatusOK, nil, pkiOwnerForm{Owner: r.URL.Query().Get("cho")})
}

func (s *Server) renderImport(w http.ResponseWriter, r *http.Request, status int, errs []FieldMsg, f pkiOwnerForm) {
	p, _, ok := s.pkiOwnerPage(w, r, "pki.import_title", errs, &f)
	if !ok {
		return
	}
	p.Data = f
	s.render(w, r, status, "admin_pki_import", p)
}

// pkiOwnerPage starts a page whose form chooses an agency or an official
// within the administrator's scope; ok is false once an error is written.
func (s *Server) pkiOwnerPage(w http.ResponseWriter, r *http.Request, title string, errs []FieldMsg, f *pkiOwnerForm) (*Page, identity.AdminScope, bool) {
	if s.PKI == nil {
		httpx.WriteError(w, r, errPKIOff)
		return nil, identity.AdminScope{}, false
	}
	p := s.page(r, title, "pki")
	p.Errors = errs
	sc, err := s.adminScope(r)
	if err == nil {
		err = s.pkiOwnerOptions(r, p, sc, f)
	}
	if err != nil {
		httpx.WriteError(w, r, err)
		return nil, sc, false
	}
	return p, sc, true
}

// pkiPosted is a posted owner and file: the owner within the scope and the
// file's bytes, or the errors to show on the form (err is the first).
type pkiPosted struct {
	form  pkiOwnerForm
	owner pkiOwner
	data  []byte
	errs  []FieldMsg
	err   error
	r     *http.Request
}

// cleanup removes the multipart form's temporary files.
func (p pkiPosted) cleanup() {
	if p.r.MultipartForm != nil {
		_ = p.r.MultipartForm.RemoveAll()
	}
}

// pkiOwnerUpload reads a form that posts an owner ("owner", its errors
// shown on ownerField) and a file ("file", at most limit bytes); ok is
// false once a response is written.
func (s *Server) pkiOwnerUpload(w http.ResponseWriter, r *http.Request, ownerField string, limit int64, missing, tooLarge *apperr.Error) (pkiPosted, bool) {
	up := pkiPosted{r: r, form: pkiOwnerForm{}}
	if !pkiParseUpload(w, r) {
		return up, false
	}
	lang := httpx.Lang(r.Context())
	up.form.Owner = r.PostFormValue("owner")
	sc, err := s.adminScope(r)
	if err != nil {
		up.cleanup()
		httpx.WriteError(w, r, err)
		return up, false
	}
	for _, step := range []struct {
		field string
		do    func() error
	}{
		{ownerField, func() (err error) { up.owner, err = s.pkiParseOwner(r, sc, up.form.Owner); return err }},
		{"file", func() (err error) { up.data, err = pkiReadUpload(r, "file", limit, missing, tooLarge); return err }},
	} {
		err := step.do()
		if err == nil {
			continue
		}
		msgs, ok := pkiFieldErrors(lang, err, step.field)
		if !ok {
			up.cleanup()
			httpx.WriteError(w, r, err)
			return up, false
		}
		up.errs = append(up.errs, msgs...)
		if up.err == nil {
			up.err = err
		}
	}
	return up, true
}

// pkiReadUpload reads the one file of a multipart form, refusing more than
// limit bytes.
func pkiReadUpload(r *http.Request, field string, limit int64, missing, tooLarge *apperr.Error) ([]byte, error) {
	file, _, err := r.FormFile(field)
	if err != nil {
		return nil, missing
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, tooLarge
	}
	if len(data) == 0 {
		return nil, missing
	}
	return data, nil
}

// pkiParseUpload parses a multipart form; a body over the server's limit is
// the one error that cannot be shown on the form.
func pkiParseUpload(w http.ResponseWriter, r *http.Request) bool {
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) || httpx.DeclaredTooLarge(r.Context()) {
			httpx.WriteError(w, r, apperr.ErrTooLarge)
			return false
		}
		if !errors.Is(err, http.ErrNotMultipart) {
			httpx.WriteError(w, r, apperr.New(apperr.Invalid, "form.bad", "Biểu mẫu gửi lên không đọc được.", "The submitted form cannot be read."))
			return false
		}
	}
	return true
}

func (s *Server) pkiImport(w http.ResponseWriter, r *http.Request) {
	if s.PKI == nil {
		httpx.WriteError(w, r, errPKIOff)
		return
	}
	up, ok := s.pkiOwnerUpload(w, r, "owner", pkiMaxP12, errPKINoP12, errPKIP12TooLarge)
	if !ok {
		return
	}
	defer up.cleanup()
	ctx := r.Context()
	lang := httpx.Lang(ctx)
	// The password is used once and never shown, logged or kept.
	f, o, data := up.form, up.owner, up.data
	password := r.PostFormValue("password")
	if up.err != nil {
		s.renderImport(w, r, httpx.Status(apperr.As(up.err).Code), up.errs, f)
		return
	}
	in := pki.ImportInput{Data: data, Password: password, Kind: pki.KindOrganisation, AgencyID: o.agency.ID}
	if o.user != nil {
		in.Kind, in.UserID = pki.KindPersonal, o.user.ID
	}
	c, err := s.PKI.ImportPKCS12(ctx, in)
	clear(data)
	if err != nil {
		field := "file"
		if apperr.As(err).Key == pki.ErrWrongPassword.Key {
			field = "password"
		}
		msgs, ok := pkiFieldErrors(lang, err, field)
		if !ok {
			httpx.WriteError(w, r, err)
			return
		}
		s.renderImport(w, r, httpx.Status(apperr.As(err).Code), msgs, f)
		return
	}
	s.redirect(w, r, pkiListURL(o.agency.ID, c.ID), "pki.imported")
}

// --- revoking

type pkiRevokeData struct {
	Row     pkiRow
	Reasons []option
	Reason  string
}

func (s *Server) pkiRevokeForm(w http.ResponseWriter, r *http.Request) {
	c, ok := s.pkiCertInScope(w, r)
	if !ok {
		return
	}
	s.renderRevoke(w, r, http.StatusOK, c, nil, "")
}

func (s *Server) renderRevoke(w http.ResponseWriter, r *http.Request, status int, c *pki.Certificate, errs []FieldMsg, reason string) {
	p := s.page(r, "pki.revoke_title", "pki")
	p.Errors = errs
	d := pkiRevokeData{Row: s.pkiRow(p, c, s.agencyNames(r), map[int64]string{}, r), Reason: reason}
	for _, n := range pki.Reasons {
		d.Reasons = append(d.Reasons, option{strconv.Itoa(n), pkiReasonLabel(p, n)})
	}
	p.Data = d
	s.render(w, r, status, "admin_pki_revoke", p)
}

func (s *Server) pkiRevoke(w http.ResponseWriter, r *http.Request) {
	c, ok := s.pkiCertInScope(w, r)
	if !ok {
		return
	}
	raw := r.PostFormValue("reason")
	reason, err := strconv.Atoi(raw)
	if err != nil {
		s.renderRevoke(w, r, http.StatusBadRequest, c, []FieldMsg{{Field: "reason", Message: errPKINoReason.Message(httpx.Lang(r.Context()))}}, raw)
		return
	}
	if err := s.PKI.RevokeCertificate(r.Context(), c.ID, reason); err != nil {
		msgs, ok := pkiFieldErrors(httpx.Lang(r.Context()), err, "reason")
		if !ok {
			httpx.WriteError(w, r, err)
			return
		}
		s.renderRevoke(w, r, httpx.Status(apperr.As(err).Code), c, msgs, raw)
		return
	}
	to := "/quan-tri/chung-thu-so"
	if c.AgencyID != 0 {
		to = pkiListURL(c.AgencyID, c.ID)
	}
	s.redirect(w, r, to, "pki.revoked")
}

// --- the trust store

type pkiTrustRow struct {
	ID                       int64
	Subject, SHA256          string
	From, To, AddedAt, Added string
	Builtin, Expired         bool
}

func (s *Server) pkiTrustRow(p *Page, rt *pki.TrustedRoot, r *http.Request) pkiTrustRow {
	row := pkiTrustRow{ID: rt.ID, Subject: rt.Subject, SHA256: rt.SHA256, Builtin: rt.Builtin,
		From: formatInstant(p.Lang, rt.Cert.NotBefore), To: formatInstant(p.Lang, rt.Cert.NotAfter),
		AddedAt: formatInstant(p.Lang, rt.AddedAt), Expired: s.Now().After(rt.Cert.NotAfter)}
	if rt.AddedBy != 0 {
		if u, err := s.Identity.User(r.Context(), rt.AddedBy); err == nil {
			row.Added = u.FullName + " (" + u.Username + ")"
		}
	}
	return row
}

func (s *Server) trustList(w http.ResponseWriter, r *http.Request) {
	s.renderTrust(w, r, http.StatusOK, nil)
}

func (s *Server) renderTrust(w http.ResponseWriter, r *http.Request, status int, errs []FieldMsg) {
	if s.PKI == nil {
		httpx.WriteError(w, r, errPKIOff)
		return
	}
	p := s.page(r, "trust.title", "pki")
	p.Errors = errs
	roots, err := s.PKI.Roots(r.Context())
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	rows := make([]pkiTrustRow, 0, len(roots))
	for _, rt := range roots {
		rows = append(rows, s.pkiTrustRow(p, rt, r))
	}
	p.Data = struct{ Rows []pkiTrustRow }{rows}
	s.render(w, r, status, "admin_trust", p)
}

func (s *Server) trustAdd(w http.ResponseWriter, r *http.Request) {
	if s.PKI == nil {
		httpx.WriteError(w, r, errPKIOff)
		return
	}
	if !pkiParseUpload(w, r) {
		return
	}
	if r.MultipartForm != nil {
		defer func() { _ = r.MultipartForm.RemoveAll() }()
	}
	lang := httpx.Lang(r.Context())
	data, err := pkiReadUpload(r, "file", pkiMaxCert, errPKINoCertFile, errPKICertTooLarge)
	var root *pki.TrustedRoot
	if err == nil {
		root, err = s.PKI.AddRoot(r.Context(), data)
	}
	if err != nil {
		msgs, ok := pkiFieldErrors(lang, err, "file")
		if !ok {
			httpx.WriteError(w, r, err)
			return
		}
		s.renderTrust(w, r, httpx.Status(apperr.As(err).Code), msgs)
		return
	}
	s.redirect(w, r, "/quan-tri/tin-cay#root-"+strconv.FormatInt(root.ID, 10), "trust.added")
}

func (s *Server) pkiRootOf(w http.ResponseWriter, r *http.Request) (*pki.TrustedRoot, bool) {
	if s.PKI == nil {
		httpx.WriteError(w, r, errPKIOff)
		return nil, false
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		httpx.WriteError(w, r, pki.ErrUnknownCertificate)
		return nil, false
	}
	rt, err := s.PKI.Root(r.Context(), id)
	if err != nil {
		httpx.WriteError(w, r, err)
		return nil, false
	}
	return rt, true
}

func (s *Server) trustRemoveForm(w http.ResponseWriter, r *http.Request) {
	rt, ok := s.pkiRootOf(w, r)
	if !ok {
		return
	}
	p := s.page(r, "trust.remove_title", "pki")
	p.Data = s.pkiTrustRow(p, rt, r)
	s.render(w, r, http.StatusOK, "admin_trust_remove", p)
}

func (s *Server) trustRemove(w http.ResponseWriter, r *http.Request) {
	rt, ok := s.pkiRootOf(w, r)
	if !ok {
		return
	}
	if err := s.PKI.RemoveRoot(r.Context(), rt.ID); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	s.redirect(w, r, "/quan-tri/tin-cay", "trust.removed")
}
