package pki

import (
	"context"
	"crypto"
	"crypto/sha256"
	"crypto/x509"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"

	"egov/internal/platform/sqldb"
)

const certColumns = `id, kind, serial, subject, issuer, issuer_id, agency_id, user_id,
	not_before, not_after, der, key_enc IS NOT NULL, revoked_at, revocation_reason, created_at`

func scanCert(sc interface{ Scan(...any) error }) (*Certificate, error) {
	var (
		c                        Certificate
		issuerID, agency, userID sql.NullInt64
		revoked                  sql.NullTime
		der                      []byte
	)
	if err := sc.Scan(&c.ID, &c.Kind, &c.Serial, &c.Subject, &c.Issuer, &issuerID, &agency, &userID,
		&c.NotBefore, &c.NotAfter, &der, &c.HasKey, &revoked, &c.RevocationReason, &c.CreatedAt); err != nil {
		return nil, err
	}
	c.IssuerID, c.AgencyID, c.UserID = issuerID.Int64, agency.Int64, userID.Int64
	if revoked.Valid {
		c.RevokedAt = revoked.Time.UTC()
	}
	c.NotBefore, c.NotAfter, c.CreatedAt = c.NotBefore.UTC(), c.NotAfter.UTC(), c.CreatedAt.UTC()
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("pki: stored certificate %d: %w", c.ID, err)
	}
	c.Cert = cert
	return &c, nil
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// keyContext binds a sealed key to its certificate, so that a sealed key
// copied to another row does not open.
func keyContext(der []byte) string {
	h := sha256.Sum256(der)
	return "pki-key:" + hex.EncodeToString(h[:])
}

// insertCert stores a certificate (and its key, sealed) inside tx. It
// returns the existing row's id when the same certificate is already
// stored, adding the key if the stored row lacks one.
func (s *Service) insertCert(ctx context.Context, tx *sql.Tx, kind Kind, cert *x509.Certificate, key crypto.Signer,
	issuerID, agencyID, userID int64) (id int64, existed bool, err error) {
	var keyEnc any
	if key != nil {
		p8, err := x509.MarshalPKCS8PrivateKey(key)
		if err != nil {
			return 0, false, fmt.Errorf("pki: marshal key: %w", err)
		}
		keyEnc = s.box.Seal(p8, keyContext(cert.Raw))
		clear(p8)
	}
	serial := serialHex(cert.SerialNumber)
	issuer := cert.Issuer.String()
	var old struct {
		id     int64
		der    []byte
		hasKey bool
	}
	err = tx.QueryRowContext(ctx, `SELECT id, der, key_enc IS NOT NULL FROM pki_certificates WHERE issuer = $1 AND serial = $2`,
		issuer, serial).Scan(&old.id, &old.der, &old.hasKey)
	switch {
	case err == nil:
		if string(old.der) != string(cert.Raw) {
			return 0, false, fmt.Errorf("pki: another certificate with issuer %q and serial %s is stored", issuer, serial)
		}
		if keyEnc != nil && !old.hasKey {
			if _, err := tx.ExecContext(ctx, `UPDATE pki_certificates SET key_enc = $2 WHERE id = $1`, old.id, keyEnc); err != nil {
				return 0, false, err
			}
		}
		return old.id, true, nil
	case !errors.Is(err, sql.ErrNoRows):
		return 0, false, err
	}
	err = tx.QueryRowContext(ctx, `INSERT INTO pki_certificates
		(kind, serial, subject, issuer, issuer_id, agency_id, user_id, not_before, not_after, der, key_enc, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
		string(kind), serial, SubjectText(cert.Subject), issuer, nullID(issuerID), nullID(agencyID), nullID(userID),
		sqldb.UTC(cert.NotBefore), sqldb.UTC(cert.NotAfter), cert.Raw, keyEnc, sqldb.UTC(s.now())).Scan(&id)
	if err != nil {
		return 0, false, fmt.Errorf("pki: store certificate: %w", err)
	}
	return id, false, nil
}

// Get returns a stored certificate.
func (s *Service) Get(ctx context.Context, id int64) (*Certificate, error) {
	return s.get(ctx, s.db.R, id)
}

func (s *Service) get(ctx context.Context, q sqldb.Queryer, id int64) (*Certificate, error) {
	c, err := scanCert(q.QueryRowContext(ctx, `SELECT `+certColumns+` FROM pki_certificates WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrUnknownCertificate
	}
	return c, err
}

// List returns the certificates of a kind (all kinds when empty), newest
// first.
func (s *Service) List(ctx context.Context, kind Kind) ([]*Certificate, error) {
	q := `SELECT ` + certColumns + ` FROM pki_certificates`
	var args []any
	if kind != "" {
		q += ` WHERE kind = $1`
		args = append(args, string(kind))
	}
	return s.queryCerts(ctx, q+` ORDER BY id DESC`, args...)
}

// queryCerts runs a query of certColumns and scans every row.
func (s *Service) queryCerts(ctx context.Context, q string, args ...any) ([]*Certificate, error) {
	rows, err := s.db.R.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Certificate
	for rows.Next() {
		c, err := scanCert(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// ForAgency returns the certificates of an agency and of its officials
// (kind organisation or personal), newest first.
func (s *Service) ForAgency(ctx context.Context, agencyID int64) ([]*Certificate, error) {
	return s.queryCerts(ctx, `SELECT `+certColumns+` FROM pki_certificates WHERE agency_id = $1 ORDER BY id DESC`, agencyID)
}

// builtin returns the newest built-in certificate of a kind (root,
// issuing or tsa), or ErrNoCA.
func (s *Service) builtin(ctx context.Context, q sqldb.Queryer, kind Kind) (*Certificate, error) {
	c, err := scanCert(q.QueryRowContext(ctx, `SELECT `+certColumns+` FROM pki_certificates
		WHERE kind = $1 AND key_enc IS NOT NULL AND revoked_at IS NULL ORDER BY id DESC LIMIT 1`, string(kind)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNoCA
	}
	return c, err
}

// key opens the sealed private key of a certificate.
func (s *Service) key(ctx context.Context, q sqldb.Queryer, c *Certificate) (crypto.Signer, error) {
	var enc sql.NullString
	if err := q.QueryRowContext(ctx, `SELECT key_enc FROM pki_certificates WHERE id = $1`, c.ID).Scan(&enc); err != nil {
		return nil, err
	}
	if !enc.Valid {
		return nil, ErrNoKey
	}
	p8, err := s.box.Open(enc.String, keyContext(c.Cert.Raw))
	if err != nil {
		return nil, fmt.Errorf("pki: key of certificate %d: %w", c.ID, err)
	}
	defer clear(p8)
	k, err := x509.ParsePKCS8PrivateKey(p8)
	if err != nil {
		return nil, fmt.Errorf("pki: key of certificate %d: %w", c.ID, err)
	}
	signer, ok := k.(crypto.Signer)
	if !ok {
		return nil, ErrUnsupportedKey
	}
	return signer, nil
}

// chain returns c and its stored issuers up to a root (leaf first).
func (s *Service) chain(ctx context.Context, q sqldb.Queryer, c *Certificate) ([]*x509.Certificate, error) {
	out := []*x509.Certificate{c.Cert}
	cur := c
	for i := 0; cur.IssuerID != 0 && cur.IssuerID != cur.ID && i < 8; i++ {
		next, err := s.get(ctx, q, cur.IssuerID)
		if err != nil {
			return nil, err
		}
		out = append(out, next.Cert)
		cur = next
	}
	return out, nil
}
