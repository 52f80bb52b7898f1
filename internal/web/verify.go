package web

import (
	"errors"
	"io"
	"net/http"

	"egov/internal/apperr"
	"egov/internal/calendar"
	"egov/internal/httpx"
	"egov/internal/signing"
	"egov/internal/signing/pades"
)

// The public verifier "Xác thực văn bản điện tử": anyone uploads a PDF and
// reads, for each signature, whether it is valid, who signed and why the
// verdict is what it is. The file is read, checked and forgotten.

type verifyView struct {
	Checked    bool
	Name       string
	Summary    string
	Status     int // as egov verify's exit status
	Signatures []verifySigView
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

var errVerifyNoFile = apperr.New(apperr.Invalid, "verify.no_file",
	"Chọn một tệp PDF để xác thực.", "Choose a PDF file to verify.")

// verifyPage shows the form (GET /xac-thuc-van-ban) and, for a posted
// file, the report.
func (s *Server) verifyPage(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "verify.title", "")
	if r.Method != http.MethodPost {
		p.Data = verifyView{}
		s.render(w, r, http.StatusOK, "verify", p)
		return
	}
	if s.Verifier == nil {
		httpx.WriteError(w, r, apperr.New(apperr.NotImplemented, "verify.off",
			"Máy chủ này chưa bật chức năng xác thực chữ ký số.", "Signature verification is not enabled on this server."))
		return
	}
	if s.TrackLimit != nil && !s.TrackLimit.AllowRequest(r) {
		httpx.WriteError(w, r, apperr.New(apperr.TooMany, "verify.rate_limited",
			"Bạn gửi quá nhiều tệp; vui lòng thử lại sau ít phút.", "Too many files; please try again in a few minutes."))
		return
	}
	defer func() { _, _ = io.Copy(io.Discard, io.LimitReader(r.Body, 1<<20)) }()
	rep, name, err := s.verifyUpload(r)
	if err != nil {
		e := apperr.As(err)
		if e.Code == apperr.Internal {
			httpx.WriteError(w, r, err)
			return
		}
		p.Errors = []FieldMsg{{Field: "tep", Message: e.Message(p.Lang)}}
		p.Data = verifyView{}
		s.render(w, r, httpx.Status(e.Code), "verify", p)
		return
	}
	p.Data = verifyViewOf(p.Lang, name, rep)
	s.render(w, r, http.StatusOK, "verify", p)
}

// verifyUpload reads the first file part of the form into the verifier.
func (s *Server) verifyUpload(r *http.Request) (pades.Report, string, error) {
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
		rep, err := s.Verifier.Check(r.Context(), part)
		part.Close()
		if errors.As(err, &mbe) {
			err = signing.ErrTooLarge
		}
		return rep, part.FileName(), err
	}
}

func verifyViewOf(lang, name string, rep pades.Report) verifyView {
	v := verifyView{Checked: true, Name: name, Summary: pickLang(lang, rep.Summary.VI, rep.Summary.EN), Status: rep.ExitStatus()}
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
