package web

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"hash"
	"io"
	"net/http"
	"net/url"
	"strings"

	"egov/internal/apperr"
	"egov/internal/calendar"
	"egov/internal/dossier"
	"egov/internal/httpx"
	"egov/internal/signing"
	"egov/internal/signing/pades"
)

// The public verifier "Xác thực văn bản điện tử": anyone uploads a PDF and
// reads, for each signature, whether it is valid, who signed and why the
// verdict is what it is. The file is read, checked and forgotten.

type verifyView struct {
	Action  string // where the form posts
	Checked bool
	Name    string
	Report  reportView
	// Issued is the e-result an e-result code names (the page its QR
	// code leads to); Matches says whether the uploaded copy is it.
	Issued  *issuedView
	Matches bool
}

// reportView is one file's verification, as the "report" template shows
// it.
type reportView struct {
	P          *Page
	Summary    string
	Status     int // as egov verify's exit status
	Signatures []verifySigView
}

type issuedView struct {
	Code, Procedure, ProcedureCode, Agency, AgencyCode, At, State, Hash string
	Report                                                              reportView
}

type verifySigView struct {
	Index                   int
	Verdict, Class          string
	Signer, Org, Code, Role string
	Time                    string
	TimeProven              bool
	Summary                 string
	Notes                   []string
}

var errVerifyOff = apperr.New(apperr.NotImplemented, "verify.off",
	"Máy chủ này chưa bật chức năng xác thực chữ ký số.", "Signature verification is not enabled on this server.")

var errVerifyNoFile = apperr.New(apperr.Invalid, "verify.no_file",
	"Chọn một tệp PDF để xác thực.", "Choose a PDF file to verify.")

// verifyPage shows the form (GET /xac-thuc-van-ban) and, for a posted
// file, the report.
func (s *Server) verifyPage(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "verify.title", "")
	v := verifyView{Action: "/xac-thuc-van-ban"}
	if r.Method == http.MethodPost {
		if !s.verifyGate(w, r) {
			return
		}
		var ok bool
		if v, ok = s.verifyPosted(w, r, p, v, sha256.New()); !ok {
			return
		}
	}
	p.Data = v
	s.render(w, r, http.StatusOK, "verify", p)
}

// verifyGate answers 501 where the verifier is off and 429 to a client
// over its rate; it reports whether to go on.
func (s *Server) verifyGate(w http.ResponseWriter, r *http.Request) bool {
	if s.Verifier == nil {
		httpx.WriteError(w, r, errVerifyOff)
		return false
	}
	if s.TrackLimit != nil && !s.TrackLimit.AllowRequest(r) {
		httpx.WriteError(w, r, apperr.New(apperr.TooMany, "verify.rate_limited",
			"Bạn gửi quá nhiều yêu cầu; vui lòng thử lại sau ít phút.", "Too many requests; please try again in a few minutes."))
		return false
	}
	return true
}

// verifyPosted verifies the posted file (its digest into h) and adds the
// report to v; a refused file is shown on the form, and ok is false once
// the response is written.
func (s *Server) verifyPosted(w http.ResponseWriter, r *http.Request, p *Page, v verifyView, h hash.Hash) (verifyView, bool) {
	defer func() { _, _ = io.Copy(io.Discard, io.LimitReader(r.Body, 1<<20)) }()
	rep, name, err := s.verifyUpload(r, h)
	if err != nil {
		e := apperr.As(err)
		if e.Code == apperr.Internal {
			httpx.WriteError(w, r, err)
			return v, false
		}
		p.Errors = []FieldMsg{{Field: "tep", Message: e.Message(p.Lang)}}
		p.Data = v
		s.render(w, r, httpx.Status(e.Code), "verify", p)
		return v, false
	}
	v.Checked, v.Name, v.Report = true, name, reportOf(p, rep)
	return v, true
}

// verifyUpload reads the first file part of the form into the verifier.
func (s *Server) verifyUpload(r *http.Request, h hash.Hash) (pades.Report, string, error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return pades.Report{}, "", errVerifyNoFile
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return pades.Report{}, "", errVerifyNoFile
		}
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) || httpx.DeclaredTooLarge(r.Context()) {
			return pades.Report{}, "", signing.ErrTooLarge
		}
		if err != nil {
			return pades.Report{}, "", errVerifyNoFile.Wrap(err)
		}
		if part.FormName() != "tep" || part.FileName() == "" {
			part.Close()
			continue
		}
		rep, err := s.Verifier.Check(r.Context(), io.TeeReader(part, h))
		part.Close()
		if errors.As(err, &mbe) {
			err = signing.ErrTooLarge
		}
		return rep, part.FileName(), err
	}
}

func reportOf(p *Page, rep pades.Report) reportView {
	lang := p.Lang
	v := reportView{P: p, Summary: pickLang(lang, rep.Summary.VI, rep.Summary.EN), Status: rep.ExitStatus()}
	for _, sg := range rep.Signatures {
		sv := verifySigView{Index: sg.Index, Verdict: translate(lang, "verify.verdict."+sg.Verdict.String()),
			Class: sg.Verdict.String(), Signer: sg.Signer.Name, Org: sg.Signer.Organization, Code: sg.Signer.AgencyCode,
			Role: sg.Signer.Title, TimeProven: sg.TimeFromTimestamp, Summary: pickLang(lang, sg.Summary.VI, sg.Summary.EN)}
		if !sg.SigningTime.IsZero() {
			sv.Time = formatInstant(lang, sg.SigningTime.In(calendar.Location()))
		}
		for _, n := range sg.Notes {
			sv.Notes = append(sv.Notes, pickLang(lang, n.VI, n.EN))
		}
		v.Signatures = append(v.Signatures, sv)
	}
	return v
}

// issuedPage is where an e-result's QR code leads (GET
// /xac-thuc-van-ban/{code}): who issued the result, for which procedure,
// when, the digest and signatures of the original as issued; posting a
// copy tells whether it is the original.
func (s *Server) issuedPage(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "verify.issued_title", "")
	if !s.verifyGate(w, r) {
		return
	}
	res, err := s.Dossiers.ResultByCode(r.Context(), r.PathValue("code"))
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	iv, err := s.issuedOf(r, p, res)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	p.Title = p.T("verify.issued_title") + " " + res.Code
	v := verifyView{Action: "/xac-thuc-van-ban/" + url.PathEscape(res.Code), Issued: iv}
	if r.Method == http.MethodPost {
		h := sha256.New()
		var ok bool
		if v, ok = s.verifyPosted(w, r, p, v, h); !ok {
			return
		}
		v.Matches = hex.EncodeToString(h.Sum(nil)) == res.Hash
	}
	p.Data = v
	s.render(w, r, http.StatusOK, "verify", p)
}

// issuedOf describes an issued result and verifies the original as kept.
func (s *Server) issuedOf(r *http.Request, p *Page, res dossier.IssuedResult) (*issuedView, error) {
	ctx := r.Context()
	if s.Blobs == nil {
		return nil, errVerifyOff
	}
	iv := &issuedView{Code: res.Code, Procedure: res.ProcedureName, ProcedureCode: res.ProcedureCode, Hash: res.Hash,
		At: formatInstant(p.Lang, res.IssuedAt.In(calendar.Location())), State: p.T("verify.issued_waiting")}
	if res.Returned {
		iv.State = p.T("verify.issued_returned")
	}
	if a, err := s.Identity.Agency(ctx, res.AgencyID); err == nil {
		iv.Agency, iv.AgencyCode = a.Name, a.Code
	}
	rep, err := s.Verifier.CheckStored(ctx, s.Blobs, res.Hash)
	if err != nil {
		return nil, err
	}
	iv.Report = reportOf(p, rep)
	return iv, nil
}

// signedLine tells, in a dossier's history, who signed a result
// document: "Ký số bởi A, B (B-T)", or that it went out unsigned.
func signedLine(lang string, data map[string]any) string {
	if u, _ := data["unsigned"].(bool); u {
		return translate(lang, "verify.unsigned")
	}
	names := deskStrings(data["signed_by"])
	if len(names) == 0 {
		return ""
	}
	l := translate(lang, "verify.signed_by") + " " + strings.Join(names, ", ")
	if lv, _ := data["signature_level"].(string); lv != "" {
		l += " (PAdES " + lv + ")"
	}
	return l
}
