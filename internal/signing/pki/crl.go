package pki

import (
	"context"
	"crypto/rand"
	"crypto/x509"
	"database/sql"
	"errors"
	"math/big"
	"time"

	"egov/internal/platform/sqldb"
)

const (
	// crlValidity is how long relying parties may use a CRL (nextUpdate).
	crlValidity = 7 * 24 * time.Hour
	// crlRefresh is how old a CRL may get before a fetch reissues it;
	// a revocation reissues it at once.
	crlRefresh = 24 * time.Hour
)

// CRL returns the current CRL (DER) of one of the built-in CAs (root or
// issuing), issuing a new numbered one when a certificate has been
// revoked since the last or the last is older than a day.
func (s *Service) CRL(ctx context.Context, caID int64) ([]byte, error) {
	now := s.now().UTC()
	// The usual case, a current CRL, is a read: every signature embeds
	// one, and a write transaction per signature would queue on SQLite's
	// one writer.
	var thisUpdate time.Time
	var cached []byte
	if err := s.db.R.QueryRowContext(ctx, `SELECT this_update, der FROM pki_crls WHERE issuer_id = $1`, caID).
		Scan(&thisUpdate, &cached); err == nil && cached != nil && now.Sub(thisUpdate) < crlRefresh && !now.Before(thisUpdate) {
		return cached, nil
	}
	var der []byte
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		ca, err := s.get(ctx, tx, caID)
		if err != nil {
			return err
		}
		if ca.Kind != KindRoot && ca.Kind != KindIssuing {
			return ErrUnknownCertificate
		}
		var (
			number     int64
			thisUpdate time.Time
			cached     []byte
		)
		err = tx.QueryRowContext(ctx, `SELECT number, this_update, der FROM pki_crls WHERE issuer_id = $1`+s.db.ForUpdate(), caID).
			Scan(&number, &thisUpdate, &cached)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return err
		case cached != nil && now.Sub(thisUpdate) < crlRefresh && !now.Before(thisUpdate):
			der = cached
			return nil
		}
		key, err := s.key(ctx, tx, ca)
		if err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT serial, revoked_at, revocation_reason FROM pki_certificates
			WHERE issuer_id = $1 AND revoked_at IS NOT NULL AND id <> $1 ORDER BY id`, caID)
		if err != nil {
			return err
		}
		var entries []x509.RevocationListEntry
		for rows.Next() {
			var (
				serial string
				at     time.Time
				reason int
			)
			if err := rows.Scan(&serial, &at, &reason); err != nil {
				rows.Close()
				return err
			}
			n, ok := new(big.Int).SetString(serial, 16)
			if !ok {
				rows.Close()
				return errors.New("pki: bad stored serial " + serial)
			}
			entries = append(entries, x509.RevocationListEntry{SerialNumber: n, RevocationTime: at.UTC(), ReasonCode: reason})
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		number++
		next := now.Add(crlValidity)
		if next.After(ca.Cert.NotAfter) {
			next = ca.Cert.NotAfter
		}
		der, err = x509.CreateRevocationList(rand.Reader, &x509.RevocationList{
			Number:                    big.NewInt(number),
			ThisUpdate:                now.Add(-backdate),
			NextUpdate:                next,
			RevokedCertificateEntries: entries,
		}, ca.Cert, key)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO pki_crls (issuer_id, number, this_update, next_update, der)
			VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (issuer_id) DO UPDATE SET number = excluded.number, this_update = excluded.this_update,
				next_update = excluded.next_update, der = excluded.der`,
			caID, number, sqldb.UTC(now), sqldb.UTC(next), der)
		return err
	})
	return der, err
}

// CACert returns the DER of a CA certificate stored here (for the
// authority information access URL).
func (s *Service) CACert(ctx context.Context, caID int64) ([]byte, error) {
	c, err := s.Get(ctx, caID)
	if err != nil {
		return nil, err
	}
	if c.Kind != KindRoot && c.Kind != KindIssuing && c.Kind != KindExternalCA {
		return nil, ErrUnknownCertificate
	}
	return c.Cert.Raw, nil
}
