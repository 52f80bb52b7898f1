package pki

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/x509"
	"database/sql"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"strconv"
	"time"

	"egov/internal/audit"
	"egov/internal/platform/sqldb"
)

// TrustedRoot is a root CA that verifiers trust.
type TrustedRoot struct {
	ID      int64
	SHA256  string // hex fingerprint of the DER
	Subject string
	Builtin bool
	AddedBy int64 // user id; 0 for the system
	AddedAt time.Time
	Cert    *x509.Certificate
}

// ParseCertificate reads one certificate in PEM or DER form. It is the
// single entry for certificates uploaded by users.
func ParseCertificate(data []byte) (*x509.Certificate, error) {
	// Only PEM may be trimmed: DER can end in a byte that looks like space.
	if b, _ := pem.Decode(bytes.TrimSpace(data)); b != nil {
		if b.Type != "CERTIFICATE" {
			return nil, ErrBadCertificate
		}
		data = b.Bytes
	}
	c, err := x509.ParseCertificate(data)
	if err != nil {
		return nil, ErrBadCertificate.Wrap(err)
	}
	return c, nil
}

// isRootCA reports whether c is a self-signed CA certificate.
func isRootCA(c *x509.Certificate) bool {
	if !c.BasicConstraintsValid || !c.IsCA {
		return false
	}
	if c.KeyUsage != 0 && c.KeyUsage&x509.KeyUsageCertSign == 0 {
		return false
	}
	if !bytes.Equal(c.RawIssuer, c.RawSubject) {
		return false
	}
	return c.CheckSignatureFrom(c) == nil
}

// AddRoot trusts a root CA certificate (PEM or DER). Only self-signed CA
// certificates are accepted.
func (s *Service) AddRoot(ctx context.Context, data []byte) (*TrustedRoot, error) {
	c, err := ParseCertificate(data)
	if err != nil {
		return nil, err
	}
	if !isRootCA(c) {
		return nil, ErrNotCA
	}
	var id int64
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		if id, err = s.addTrust(ctx, tx, c, false); err != nil {
			return err
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.root(ctx, id)
}

func fingerprint(der []byte) string {
	h := sha256.Sum256(der)
	return hex.EncodeToString(h[:])
}

func (s *Service) addTrust(ctx context.Context, tx *sql.Tx, c *x509.Certificate, builtin bool) (int64, error) {
	fp := fingerprint(c.Raw)
	var exists bool
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pki_trust WHERE sha256 = $1)`, fp).Scan(&exists); err != nil {
		return 0, err
	}
	if exists {
		return 0, ErrAlreadyTrusted
	}
	actor := audit.ActorFrom(ctx)
	var id int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO pki_trust (sha256, subject, der, builtin, added_by, added_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		fp, SubjectText(c.Subject), c.Raw, builtin, nullID(actor.UserID), sqldb.UTC(s.now())).Scan(&id); err != nil {
		if sqldb.IsUniqueViolation(err) {
			return 0, ErrAlreadyTrusted
		}
		return 0, err
	}
	return id, s.audit.Record(ctx, tx, "pki.trust_add", "trusted_root", strconv.FormatInt(id, 10), map[string]any{
		"sha256": fp, "subject": SubjectText(c.Subject), "builtin": builtin,
		"not_after": c.NotAfter.UTC().Format(time.RFC3339),
	})
}

// RemoveRoot stops trusting a root.
func (s *Service) RemoveRoot(ctx context.Context, id int64) error {
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		var fp, subject string
		err := tx.QueryRowContext(ctx, `SELECT sha256, subject FROM pki_trust WHERE id = $1`, id).Scan(&fp, &subject)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrUnknownCertificate
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM pki_trust WHERE id = $1`, id); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, "pki.trust_remove", "trusted_root", strconv.FormatInt(id, 10),
			map[string]any{"sha256": fp, "subject": subject})
	})
}

const trustColumns = `id, sha256, subject, builtin, added_by, added_at, der`

func scanRoot(sc interface{ Scan(...any) error }) (*TrustedRoot, error) {
	var (
		r   TrustedRoot
		by  sql.NullInt64
		der []byte
	)
	if err := sc.Scan(&r.ID, &r.SHA256, &r.Subject, &r.Builtin, &by, &r.AddedAt, &der); err != nil {
		return nil, err
	}
	r.AddedBy, r.AddedAt = by.Int64, r.AddedAt.UTC()
	c, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	r.Cert = c
	return &r, nil
}

func (s *Service) root(ctx context.Context, id int64) (*TrustedRoot, error) {
	r, err := scanRoot(s.db.R.QueryRowContext(ctx, `SELECT `+trustColumns+` FROM pki_trust WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrUnknownCertificate
	}
	return r, err
}

// Roots returns the trusted roots, oldest first.
func (s *Service) Roots(ctx context.Context) ([]*TrustedRoot, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT `+trustColumns+` FROM pki_trust ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*TrustedRoot
	for rows.Next() {
		r, err := scanRoot(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// RootPool returns the trusted roots as a pool for x509 verification.
func (s *Service) RootPool(ctx context.Context) (*x509.CertPool, error) {
	roots, err := s.Roots(ctx)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	for _, r := range roots {
		pool.AddCert(r.Cert)
	}
	return pool, nil
}
