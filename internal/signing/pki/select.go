package pki

import (
	"context"
	"crypto"
	"crypto/x509"
	"errors"

	"golang.org/x/crypto/ocsp"

	"egov/internal/apperr"
)

// Errors of choosing a certificate to sign with.
var (
	ErrNoOrganisationCert = apperr.New(apperr.Conflict, "pki.no_organisation_cert",
		"Cơ quan chưa có chứng thư số tổ chức còn hiệu lực để ký số văn bản.",
		"The agency holds no valid organisation certificate to sign documents with.")
	ErrNoPersonalCert = apperr.New(apperr.Conflict, "pki.no_personal_cert",
		"Bạn chưa có chứng thư số cá nhân còn hiệu lực tại cơ quan này; đề nghị quản trị cấp hoặc nhập chứng thư số trước khi ký.",
		"You hold no valid personal certificate at this agency; ask an administrator to issue or import one before signing.")
)

// SigningCert returns the newest certificate of the kind (organisation or
// personal) that can sign now: with a stored key, not revoked, within its
// validity, with a signing key usage. userID is 0 for an organisation
// certificate. It answers ErrNoOrganisationCert or ErrNoPersonalCert when
// there is none.
func (s *Service) SigningCert(ctx context.Context, kind Kind, agencyID, userID int64) (*Certificate, error) {
	q := `SELECT ` + certColumns + ` FROM pki_certificates
		WHERE kind = $1 AND agency_id = $2 AND key_enc IS NOT NULL AND revoked_at IS NULL`
	args := []any{string(kind), agencyID}
	if kind == KindPersonal {
		q += ` AND user_id = $3`
		args = append(args, userID)
	}
	list, err := s.queryCerts(ctx, q+` ORDER BY id DESC`, args...)
	if err != nil {
		return nil, err
	}
	now := s.now()
	for _, c := range list {
		if now.Before(c.Cert.NotBefore) || now.After(c.Cert.NotAfter) {
			continue
		}
		if c.Cert.KeyUsage != 0 && c.Cert.KeyUsage&(x509.KeyUsageDigitalSignature|x509.KeyUsageContentCommitment) == 0 {
			continue
		}
		return c, nil
	}
	if kind == KindPersonal {
		return nil, ErrNoPersonalCert
	}
	return nil, ErrNoOrganisationCert
}

// HasBuiltinCA reports whether the built-in CA can issue certificates
// here (the embedded default).
func (s *Service) HasBuiltinCA(ctx context.Context) (bool, error) {
	_, err := s.builtin(ctx, s.db.R, KindIssuing)
	switch {
	case err == nil:
		return true, nil
	case err == ErrNoCA:
		return false, nil
	}
	return false, err
}

// OCSPFor answers, as the OCSP responder at /pki/ocsp would, the status of
// cert issued by issuer, for embedding in a document right after it is
// signed: a response produced after the signing time proves the status
// at that time. It returns nil when issuer is not a CA of this service.
func (s *Service) OCSPFor(ctx context.Context, cert, issuer *x509.Certificate) ([]byte, error) {
	req, err := ocsp.CreateRequest(cert, issuer, &ocsp.RequestOptions{Hash: crypto.SHA256})
	if err != nil {
		return nil, err
	}
	resp, err := s.ocspRespond(ctx, req)
	if err != nil {
		return nil, err
	}
	if r, err := ocsp.ParseResponseForCert(resp, cert, issuer); err != nil || r.Status == ocsp.Unknown {
		return nil, nil // not one of ours (or not known to us)
	}
	return resp, nil
}

// RetireAgency revokes, from now, the signing certificates of an agency
// that has ceased to exist (merged into another in a reorganisation): its
// organisation certificates for cessation of operation, its officials'
// personal certificates (which name it) for a changed affiliation.
// Documents signed before keep their signatures: a verifier sees the
// revocation came after the timestamped signing time.
func (s *Service) RetireAgency(ctx context.Context, agencyID int64) (int, error) {
	list, err := s.ForAgency(ctx, agencyID)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, c := range list {
		if c.Revoked() || (c.Kind != KindOrganisation && c.Kind != KindPersonal) {
			continue
		}
		reason := ReasonCessationOfOperation
		if c.Kind == KindPersonal {
			reason = ReasonAffiliationChanged
		}
		if err := s.RevokeCertificate(ctx, c.ID, reason); err != nil && !errors.Is(err, ErrAlreadyRevoked) {
			return n, err
		}
		n++
	}
	return n, nil
}

// CRLs are the current revocation lists of the CAs this service runs, for
// the verifier: a certificate egov revoked is known revoked at once.
func (s *Service) CRLs(ctx context.Context) ([][]byte, error) {
	var out [][]byte
	for _, kind := range []Kind{KindRoot, KindIssuing} {
		cas, err := s.listKeyed(ctx, kind)
		if err != nil {
			return nil, err
		}
		for _, ca := range cas {
			crl, err := s.CRL(ctx, ca.ID)
			if err != nil {
				return nil, err
			}
			out = append(out, crl)
		}
	}
	return out, nil
}
