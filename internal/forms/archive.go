package forms

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"time"

	"egov/internal/platform/blob"
	"egov/internal/platform/sqldb"
)

// SignFunc adds the issuing agency's digital signature to a form; it
// returns the form unchanged and signedBy "" when the agency cannot sign
// (no organisation certificate yet).
type SignFunc func(ctx context.Context, pdf []byte, agencyID int64) (signed []byte, signedBy string, err error)

// Archive keeps the signed forms issued: a signed form is a record, so
// the bytes issued the first time are kept (blob store, by hash, listed in
// issued_forms) and every later download, e-mail or reprint gets the very
// same file. Unsigned forms are not kept: they are views of the history
// and printed again on request.
type Archive struct {
	DB    *sqldb.DB
	Blobs blob.Store
	Now   func() time.Time
}

// maxForm bounds a kept form read back (forms are tens of kilobytes).
const maxForm = 16 << 20

func (a *Archive) get(ctx context.Context, dossierID int64, kind Kind, eventID int64) ([]byte, bool, error) {
	var hash string
	err := a.DB.R.QueryRowContext(ctx, `SELECT hash FROM issued_forms WHERE dossier_id = $1 AND kind = $2 AND event_id = $3`,
		dossierID, string(kind), eventID).Scan(&hash)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	f, err := a.Blobs.Open(ctx, hash)
	if err != nil {
		return nil, false, fmt.Errorf("forms: issued form %s: %w", hash, err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxForm))
	return b, err == nil, err
}

// put keeps a signed form and returns the copy kept: when two requests
// sign the same form at once, the first recorded wins and both get it.
func (a *Archive) put(ctx context.Context, dossierID int64, kind Kind, eventID int64, pdf []byte, signedBy string) ([]byte, error) {
	ref, err := a.Blobs.Put(ctx, bytes.NewReader(pdf), int64(len(pdf)))
	if err != nil {
		return nil, err
	}
	now := time.Now
	if a.Now != nil {
		now = a.Now
	}
	if _, err := a.DB.W.ExecContext(ctx, `INSERT INTO issued_forms(dossier_id, kind, event_id, hash, size, signed_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (dossier_id, kind, event_id) DO NOTHING`,
		dossierID, string(kind), eventID, ref.Hash, ref.Size, signedBy, sqldb.UTC(now())); err != nil {
		return nil, err
	}
	kept, ok, err := a.get(ctx, dossierID, kind, eventID)
	if err != nil || !ok {
		return nil, errors.Join(errors.New("forms: the issued form vanished"), err)
	}
	return kept, nil
}
