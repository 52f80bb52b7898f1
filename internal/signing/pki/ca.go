package pki

import (
	"context"
	"crypto"
	"crypto/x509"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"golang.org/x/crypto/ocsp"

	"egov/internal/platform/sqldb"
)

// lockBuiltinCA serialises replicas creating the built-in CA.
const lockBuiltinCA = 0x706b6901

// BuiltinCA is the built-in authority.
type BuiltinCA struct {
	Root, Issuing, TSA *Certificate
}

// EnsureBuiltinCA creates the built-in root, issuing CA and timestamp
// authority once, and trusts the root; later calls return what exists.
// One that was revoked (or has expired) is replaced: a new issuing CA or
// TSA under the root, or a whole new hierarchy when the root itself is
// gone. Call it only in the embedded default (demo): a production
// installation imports the Government CA's certificates and trusts its
// roots instead.
func (s *Service) EnsureBuiltinCA(ctx context.Context) (BuiltinCA, error) {
	var ca BuiltinCA
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := s.db.LockTx(ctx, tx, lockBuiltinCA); err != nil {
			return err
		}
		now := s.now().UTC()
		current := func(kind Kind) (*Certificate, error) {
			c, err := s.builtin(ctx, tx, kind)
			if err == nil && !now.Before(c.Cert.NotAfter) {
				return nil, nil // expired: replace it
			}
			if errors.Is(err, ErrNoCA) {
				return nil, nil
			}
			return c, err
		}
		var err error
		if ca.Root, err = current(KindRoot); err != nil {
			return err
		}
		if ca.Issuing, err = current(KindIssuing); err != nil {
			return err
		}
		if ca.TSA, err = current(KindTSA); err != nil {
			return err
		}
		if ca.Root == nil {
			ca.Issuing, ca.TSA = nil, nil
			if ca.Root, err = s.createCA(ctx, tx, KindRoot, rootTemplate(now), nil); err != nil {
				return err
			}
			if _, err := s.addTrust(ctx, tx, ca.Root.Cert, true); err != nil {
				return err
			}
		}
		if ca.Issuing == nil || ca.Issuing.IssuerID != ca.Root.ID {
			ca.TSA = nil
			if ca.Issuing, err = s.createCA(ctx, tx, KindIssuing, issuingTemplate(now), ca.Root); err != nil {
				return err
			}
		}
		if ca.TSA == nil || ca.TSA.IssuerID != ca.Issuing.ID {
			tt, err := tsaTemplate(now)
			if err != nil {
				return err
			}
			if ca.TSA, err = s.createCA(ctx, tx, KindTSA, tt, ca.Issuing); err != nil {
				return err
			}
		}
		return nil
	})
	return ca, err
}

// createCA makes a key and a certificate of the built-in CA, issued by
// parent (self-signed when nil), and stores and audits them inside tx.
func (s *Service) createCA(ctx context.Context, tx *sql.Tx, kind Kind, t *x509.Certificate, parent *Certificate) (*Certificate, error) {
	key, err := generateKey(s.alg)
	if err != nil {
		return nil, err
	}
	var (
		parentCert *x509.Certificate
		parentKey  = key
		parentID   int64
	)
	if parent != nil {
		parentCert, parentID = parent.Cert, parent.ID
		if parentKey, err = s.key(ctx, tx, parent); err != nil {
			return nil, err
		}
		s.withIssuerURLs(t, parent.ID)
	}
	cert, err := issue(t, key.Public(), parentCert, parentKey)
	if err != nil {
		return nil, err
	}
	id, _, err := s.insertCert(ctx, tx, kind, cert, key, parentID, 0, 0)
	if err != nil {
		return nil, err
	}
	if err := s.audit.Record(ctx, tx, "pki.ca_create", "certificate", strconv.FormatInt(id, 10), certDetail(kind, cert)); err != nil {
		return nil, err
	}
	return s.get(ctx, tx, id)
}

func certDetail(kind Kind, c *x509.Certificate) map[string]any {
	return map[string]any{
		"kind": kind, "serial": serialHex(c.SerialNumber), "subject": SubjectText(c.Subject),
		"issuer": c.Issuer.String(), "not_after": c.NotAfter.UTC().Format(time.RFC3339),
	}
}

// IssueOrganisation issues an agency's organisation certificate (its
// digital seal) from the built-in issuing CA, with a new key sealed under
// the master key.
func (s *Service) IssueOrganisation(ctx context.Context, a Agency) (*Certificate, error) {
	if a.ID == 0 {
		return nil, ErrBadInput
	}
	t, err := organisationTemplate(a, s.now().UTC())
	if err != nil {
		return nil, err
	}
	return s.issueLeaf(ctx, KindOrganisation, t, a.ID, 0)
}

// IssuePersonal issues an official's personal signing certificate from
// the built-in issuing CA; the subject names the official, the position
// and the agency.
func (s *Service) IssuePersonal(ctx context.Context, p Official, a Agency) (*Certificate, error) {
	if p.UserID == 0 || a.ID == 0 {
		return nil, ErrBadInput
	}
	t, err := personalTemplate(p, a, s.now().UTC())
	if err != nil {
		return nil, err
	}
	return s.issueLeaf(ctx, KindPersonal, t, a.ID, p.UserID)
}

func (s *Service) issueLeaf(ctx context.Context, kind Kind, t *x509.Certificate, agencyID, userID int64) (*Certificate, error) {
	// The key is made outside the transaction: RSA keys take a while and
	// SQLite has one writer.
	key, err := generateKey(s.alg)
	if err != nil {
		return nil, err
	}
	var out *Certificate
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		iss, err := s.builtin(ctx, tx, KindIssuing)
		if err != nil {
			return err
		}
		issKey, err := s.key(ctx, tx, iss)
		if err != nil {
			return err
		}
		s.withIssuerURLs(t, iss.ID)
		cert, err := issue(t, key.Public(), iss.Cert, issKey)
		if err != nil {
			return err
		}
		id, _, err := s.insertCert(ctx, tx, kind, cert, key, iss.ID, agencyID, userID)
		if err != nil {
			return err
		}
		if err := s.audit.Record(ctx, tx, "pki.issue", "certificate", strconv.FormatInt(id, 10), certDetail(kind, cert)); err != nil {
			return err
		}
		out, err = s.get(ctx, tx, id)
		return err
	})
	return out, err
}

// Revocation reasons of RFC 5280 §5.3.1 that egov offers.
const (
	ReasonUnspecified          = ocsp.Unspecified
	ReasonKeyCompromise        = ocsp.KeyCompromise
	ReasonCACompromise         = ocsp.CACompromise
	ReasonAffiliationChanged   = ocsp.AffiliationChanged
	ReasonSuperseded           = ocsp.Superseded
	ReasonCessationOfOperation = ocsp.CessationOfOperation
)

// Revoke revokes a certificate issued by the built-in CA, named by its
// serial number (hex), from the instant at (now when zero). Its CRL is
// reissued on the next fetch; OCSP answers revoked at once.
func (s *Service) Revoke(ctx context.Context, serial string, reason int, at time.Time) error {
	serial = normaliseSerial(serial)
	if reason < 0 || reason > ocsp.AACompromise || reason == 7 || reason == ocsp.RemoveFromCRL {
		return ErrBadReason
	}
	if at.IsZero() {
		at = s.now()
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		c, err := scanCert(tx.QueryRowContext(ctx, `SELECT `+certColumns+` FROM pki_certificates
			WHERE serial = $1 AND issuer_id IS NOT NULL AND kind <> $2 ORDER BY id LIMIT 1`+s.db.ForUpdate(),
			serial, string(KindExternalCA)))
		if errors.Is(err, sql.ErrNoRows) {
			return ErrUnknownSerial
		}
		if err != nil {
			return err
		}
		if c.Revoked() {
			return ErrAlreadyRevoked
		}
		if _, err := tx.ExecContext(ctx, `UPDATE pki_certificates SET revoked_at = $2, revocation_reason = $3 WHERE id = $1`,
			c.ID, sqldb.UTC(at), reason); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE pki_crls SET der = NULL WHERE issuer_id = $1`, c.IssuerID); err != nil {
			return err
		}
		d := certDetail(c.Kind, c.Cert)
		d["reason"] = reason
		d["revoked_at"] = sqldb.UTC(at).Format(time.RFC3339Nano)
		return s.audit.Record(ctx, tx, "pki.revoke", "certificate", strconv.FormatInt(c.ID, 10), d)
	})
}

// normaliseSerial accepts hex with colons, spaces, a 0x prefix, upper
// case or leading zeros, as tools print it.
func normaliseSerial(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.TrimPrefix(s, "0x")
	s = strings.NewReplacer(":", "", " ", "").Replace(s)
	s = strings.TrimLeft(s, "0")
	if s == "" {
		return "0"
	}
	return s
}

// SignerFor returns a signer over the stored key of a certificate, with
// its chain. The certificate must be a signing certificate, valid now and
// not revoked.
func (s *Service) SignerFor(ctx context.Context, certID int64) (Signer, error) {
	c, err := s.get(ctx, s.db.R, certID)
	if err != nil {
		return nil, err
	}
	if c.Revoked() {
		return nil, ErrRevoked
	}
	now := s.now()
	if now.Before(c.Cert.NotBefore) || now.After(c.Cert.NotAfter) {
		return nil, ErrExpired
	}
	if c.Cert.KeyUsage != 0 && c.Cert.KeyUsage&(x509.KeyUsageDigitalSignature|x509.KeyUsageContentCommitment) == 0 {
		return nil, ErrNotSigningCert
	}
	key, err := s.key(ctx, s.db.R, c)
	if err != nil {
		return nil, err
	}
	chain, err := s.chain(ctx, s.db.R, c)
	if err != nil {
		return nil, err
	}
	return &softSigner{Signer: key, chain: chain, id: c.ID}, nil
}

// Signer is what PDF signing uses: a private key that signs digests, with
// its certificate chain, leaf first (the root may be left out). The
// software implementation holds a key stored here; a hardware token or a
// remote signing service can implement it too.
type Signer interface {
	crypto.Signer
	Chain() []*x509.Certificate
}

type softSigner struct {
	crypto.Signer
	chain []*x509.Certificate
	id    int64
}

func (s *softSigner) Chain() []*x509.Certificate { return append([]*x509.Certificate(nil), s.chain...) }

// NewSoftwareSigner wraps a key and its chain (leaf first) as a Signer, for
// keys held outside the store.
func NewSoftwareSigner(key crypto.Signer, chain []*x509.Certificate) Signer {
	return &softSigner{Signer: key, chain: chain}
}
