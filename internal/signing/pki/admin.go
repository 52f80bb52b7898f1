package pki

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"time"

	"egov/internal/apperr"
	"egov/internal/platform/sqldb"
)

// What the back-office pages need beyond the command line: certificates
// listed by the agencies an administrator manages, revocation by stored
// id (a serial alone may repeat across imported issuers), the state of
// the built-in CA without creating it, and readable statuses.

// ErrNoBuiltinCA answers a request to issue a certificate when this
// installation has no built-in CA: in production, certificates come from
// the Government's specialised CA and are imported.
var ErrNoBuiltinCA = apperr.New(apperr.NotImplemented, "pki.no_builtin_ca",
	"Hệ thống không có tổ chức cấp chứng thư số nội bộ (chỉ có trong bản mặc định nhúng, dùng thử). "+
		"Chứng thư số do Tổ chức cung cấp dịch vụ chứng thực chữ ký số chuyên dùng Chính phủ cấp; "+
		"hãy nhập tệp PKCS#12 (.p12, .pfx) của chứng thư đó.",
	"This installation has no built-in certificate authority (it exists only in the embedded demo default). "+
		"Certificates are issued by the Government's specialised certification authority; "+
		"import their PKCS#12 (.p12, .pfx) files instead.")

// ErrNotRevocable refuses revoking, from the back office, a certificate
// that is not an agency's or an official's.
var ErrNotRevocable = apperr.New(apperr.Conflict, "pki.not_revocable",
	"Chỉ thu hồi được chứng thư số của cơ quan hoặc của cán bộ tại đây.",
	"Only agency and official certificates can be revoked here.")

// CurrentBuiltinCA returns the usable built-in root and issuing CA (and
// the TSA, nil when it is missing) without creating anything, or
// ErrNoBuiltinCA when there is none: then no certificate can be issued
// here.
func (s *Service) CurrentBuiltinCA(ctx context.Context) (BuiltinCA, error) {
	var ca BuiltinCA
	now := s.now()
	usable := func(kind Kind) (*Certificate, error) {
		c, err := s.builtin(ctx, s.db.R, kind)
		if errors.Is(err, ErrNoCA) || (err == nil && !now.Before(c.Cert.NotAfter)) {
			return nil, nil
		}
		return c, err
	}
	var err error
	if ca.Root, err = usable(KindRoot); err != nil {
		return ca, err
	}
	if ca.Issuing, err = usable(KindIssuing); err != nil {
		return ca, err
	}
	if ca.TSA, err = usable(KindTSA); err != nil {
		return ca, err
	}
	if ca.Root == nil || ca.Issuing == nil || ca.Issuing.IssuerID != ca.Root.ID {
		return BuiltinCA{}, ErrNoBuiltinCA
	}
	return ca, nil
}

// CertFilter selects certificates for an administrator.
type CertFilter struct {
	// Agencies limits the list to certificates of these agencies (and of
	// their officials); nil means every agency.
	Agencies []int64
	// Authorities adds the CA, timestamp authority and imported CA
	// certificates (for the system administrator only).
	Authorities bool
}

// Certificates lists certificates as f selects, newest first: agency
// (organisation) and official (personal) certificates, and the
// authorities' when asked.
func (s *Service) Certificates(ctx context.Context, f CertFilter) ([]*Certificate, error) {
	if f.Agencies != nil && len(f.Agencies) == 0 && !f.Authorities {
		return nil, nil
	}
	all, err := s.queryCerts(ctx, `SELECT `+certColumns+` FROM pki_certificates ORDER BY id DESC`)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, c := range all {
		switch {
		case c.Kind == KindOrganisation || c.Kind == KindPersonal:
			if f.Agencies == nil || slices.Contains(f.Agencies, c.AgencyID) {
				out = append(out, c)
			}
		case f.Authorities:
			out = append(out, c)
		}
	}
	return out, nil
}

// Signing reports whether c is an agency's or an official's signing
// certificate (the kinds an agency administrator manages).
func (c *Certificate) Signing() bool { return c.Kind == KindOrganisation || c.Kind == KindPersonal }

// Status is what a certificate is worth at an instant.
type Status string

const (
	StatusValid   Status = "valid"
	StatusNotYet  Status = "not_yet_valid"
	StatusExpired Status = "expired"
	StatusRevoked Status = "revoked"
)

// StatusAt returns c's status at now: revocation first, then validity.
func (c *Certificate) StatusAt(now time.Time) Status {
	switch {
	case c.Revoked() && !now.Before(c.RevokedAt):
		return StatusRevoked
	case now.Before(c.NotBefore):
		return StatusNotYet
	case now.After(c.NotAfter):
		return StatusExpired
	}
	return StatusValid
}

// Reasons are the RFC 5280 revocation reasons an administrator may give,
// in the order a form offers them. certificateHold (6) is left out:
// egov's revocations are final.
var Reasons = []int{
	ReasonUnspecified, ReasonKeyCompromise, ReasonAffiliationChanged,
	ReasonSuperseded, ReasonCessationOfOperation, ReasonPrivilegeWithdrawn,
}

// ReasonPrivilegeWithdrawn is RFC 5280's privilegeWithdrawn (9).
const ReasonPrivilegeWithdrawn = 9

// RevokeCertificate revokes the stored agency or official certificate
// with this id, from now, like Revoke. For a certificate imported from
// another CA it stops egov signing with it; the CA that issued it must be
// asked to revoke it for relying parties too.
func (s *Service) RevokeCertificate(ctx context.Context, id int64, reason int) error {
	if !slices.Contains(Reasons, reason) {
		return ErrBadReason
	}
	at := s.now()
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		c, err := scanCert(tx.QueryRowContext(ctx, `SELECT `+certColumns+` FROM pki_certificates WHERE id = $1`+s.db.ForUpdate(), id))
		if errors.Is(err, sql.ErrNoRows) {
			return ErrUnknownCertificate
		}
		if err != nil {
			return err
		}
		if !c.Signing() {
			return ErrNotRevocable
		}
		if c.Revoked() {
			return ErrAlreadyRevoked
		}
		if _, err := tx.ExecContext(ctx, `UPDATE pki_certificates SET revoked_at = $2, revocation_reason = $3 WHERE id = $1`,
			c.ID, sqldb.UTC(at), reason); err != nil {
			return err
		}
		if c.IssuerID != 0 {
			// The issuer's CRL is reissued on its next fetch.
			if _, err := tx.ExecContext(ctx, `UPDATE pki_crls SET der = NULL WHERE issuer_id = $1`, c.IssuerID); err != nil {
				return err
			}
		}
		d := certDetail(c.Kind, c.Cert)
		d["reason"] = reason
		d["revoked_at"] = sqldb.UTC(at).Format(time.RFC3339Nano)
		return s.audit.Record(ctx, tx, "pki.revoke", "certificate", strconv.FormatInt(c.ID, 10), d)
	})
}

// ErrNoKeyInFile refuses a PKCS#12 file that holds certificates only.
var ErrNoKeyInFile = apperr.New(apperr.Invalid, "pki.no_key_in_file",
	"Tệp PKCS#12 không chứa khóa bí mật (có thể chỉ chứa chứng thư số). Hãy xuất lại tệp kèm khóa bí mật.",
	"The PKCS#12 file holds no private key (perhaps certificates only). Export it again with its private key.")


// Root returns one trusted root.
func (s *Service) Root(ctx context.Context, id int64) (*TrustedRoot, error) { return s.root(ctx, id) }

// KeyDescription names a certificate's public key as people read it:
// "ECDSA P-256", "RSA 3072".
func KeyDescription(c *x509.Certificate) string {
	switch k := c.PublicKey.(type) {
	case *ecdsa.PublicKey:
		return "ECDSA " + k.Curve.Params().Name
	case *rsa.PublicKey:
		return "RSA " + strconv.Itoa(k.N.BitLen())
	case ed25519.PublicKey:
		return "Ed25519"
	}
	return c.PublicKeyAlgorithm.String()
}
