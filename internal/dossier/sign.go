package dossier

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"egov/internal/apperr"

	"egov/internal/catalog"
	"egov/internal/identity"
)

// ResultSigner signs a result document before it is recorded: the
// official who issues it signs, then the deciding agency (internal/signing
// through the app). An agency that cannot sign yet gets the file back
// unsigned, and the history says so.
type ResultSigner interface {
	SignResult(ctx context.Context, in ResultSigning) (SignedResult, error)
}

// ResultSigning is a result to sign.
type ResultSigning struct {
	File        FileRef
	UserID      int64 // the official issuing the result
	AgencyID    int64 // the deciding agency
	DossierCode string
	ResultCode  string // <dossier code>-KQ<n>
}

// SignedResult is the signed file and who signed it.
type SignedResult struct {
	File         FileRef
	Person       string // "" when the official's signature was already on the file
	Organisation string // "" when the agency could not sign: the result is unsigned
	Level        string // PAdES baseline level: B-B, B-LT
}

// SetResultSigner sets the signing hook (before the service is used); nil
// records results as uploaded.
func (s *Service) SetResultSigner(r ResultSigner) { s.signer = r }

// signResult signs the result of an issue_result action before its
// transaction: signing takes tens of milliseconds and must not hold the
// database's writer. The dossier is checked as the action will be, and the
// transaction refuses the result if another was issued in between.
func (s *Service) signResult(ctx context.Context, p *identity.Principal, code string, in Input) (Input, error) {
	r, err := s.load(ctx, s.db.R, code)
	if err != nil {
		return in, err
	}
	if _, _, _, err := s.permitted(ctx, p, r, catalog.ActIssueResult); err != nil {
		return in, err
	}
	if err := checkFiles([]FileRef{*in.Result}); err != nil {
		return in, err
	}
	agency := r.decider
	if agency == 0 {
		agency = r.stepUnit
	}
	rc := fmt.Sprintf("%s-KQ%d", r.code, r.results+1)
	sr, err := s.signer.SignResult(ctx, ResultSigning{File: *in.Result, UserID: p.User.ID, AgencyID: agency,
		DossierCode: r.code, ResultCode: rc})
	if err != nil {
		return in, err
	}
	f := sr.File
	f.Document = in.Result.Document
	in.Result = &f
	in.signed = &sr
	in.resultsBefore = r.results
	return in, nil
}

// ErrResultNotFound answers an e-result code that was never issued.
var ErrResultNotFound = apperr.New(apperr.NotFound, "dossier.result_not_found",
	"Không tìm thấy kết quả điện tử có mã này. Kiểm tra lại mã (dạng <mã hồ sơ>-KQ<số>).",
	"No electronic result has this code. Check the code (<dossier code>-KQ<number>).")

// IssuedResult is what anyone holding an e-result code may learn of it:
// which agency issued it, for which procedure and when, and the digest of
// the document, to compare a copy with; never the applicant or the
// content.
type IssuedResult struct {
	Code          string
	ProcedureCode string
	ProcedureName string
	AgencyID      int64
	IssuedAt      time.Time
	Hash          string // SHA-256 of the issued document, hex
	Size          int64
	ContentType   string
	Returned      bool // the dossier has been returned to the applicant
}

// ResultByCode finds an issued e-result by its code, for the public
// verification page its QR code leads to.
func (s *Service) ResultByCode(ctx context.Context, code string) (IssuedResult, error) {
	code = strings.TrimSpace(code)
	if code == "" || len(code) > 80 || !strings.Contains(code, "-KQ") {
		return IssuedResult{}, ErrResultNotFound
	}
	var r IssuedResult
	var decider, unit int64
	var version int
	var status Status
	err := s.db.R.QueryRowContext(ctx, `SELECT f.result_code, d.procedure_code, d.procedure_version, COALESCE(d.decider_id, 0),
		d.receiving_unit_id, f.uploaded_at, f.hash, f.size, f.content_type, d.status
		FROM dossier_files f JOIN dossiers d ON d.id = f.dossier_id
		WHERE f.result_code = $1 AND f.purpose = 'result'`, code).Scan(
		&r.Code, &r.ProcedureCode, &version, &decider, &unit, &r.IssuedAt, &r.Hash, &r.Size, &r.ContentType, &status)
	if errors.Is(err, sql.ErrNoRows) {
		return r, ErrResultNotFound
	}
	if err != nil {
		return r, err
	}
	r.AgencyID = decider
	if r.AgencyID == 0 {
		r.AgencyID = unit
	}
	r.Returned = status == StatusReturned
	if p, err := s.procAt(ctx, r.ProcedureCode, version); err == nil {
		r.ProcedureName = p.Name
	}
	return r, nil
}

// SignatureChecker tells whether a file carries a valid digital
// signature: nil, or an error saying why not (internal/signing through the
// app).
type SignatureChecker func(ctx context.Context, f FileRef) error

// SetSignatureChecker sets the check of documents that must carry their
// issuer's signature (before the service is used); nil checks nothing.
func (s *Service) SetSignatureChecker(c SignatureChecker) { s.sigCheck = c }

// CheckSigned checks a file given for a document that the catalogue says
// must be an e-document carrying its issuer's digital signature.
func (s *Service) CheckSigned(ctx context.Context, f FileRef) error {
	if s.sigCheck == nil {
		return nil
	}
	return s.sigCheck(ctx, f)
}

// checkSignedDocuments checks every file given for a document the
// procedure wants signed, whatever the channel (portal, API, desk).
func (s *Service) checkSignedDocuments(ctx context.Context, proc catalog.Procedure, files []FileRef) error {
	for _, d := range proc.Documents {
		if !d.Signed {
			continue
		}
		for _, f := range files {
			if f.Document == d.Name {
				if err := s.CheckSigned(ctx, f); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
