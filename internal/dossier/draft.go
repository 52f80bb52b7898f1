package dossier

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"egov/internal/eform"
	"egov/internal/identity"
	"egov/internal/platform/sqldb"
)

// Draft is an online application saved before submission: the applicant
// resumes it later, on any device. Drafts are not checked (that happens
// at submission) and are the applicant's alone.
type Draft struct {
	ID            int64
	ProcedureCode string
	UnitID        int64
	Values        eform.Values
	Files         []FileRef
	UpdatedAt     time.Time
}

// maxDrafts bounds what one applicant keeps.
const maxDrafts = 50

// SaveDraft creates (ID 0) or replaces the applicant's draft.
func (s *Service) SaveDraft(ctx context.Context, p *identity.Principal, d Draft) (Draft, error) {
	if p == nil || p.Stage != identity.StageFull || p.User.IsOfficial() {
		return Draft{}, ErrApplicantsOnly
	}
	if _, err := s.catalog.Published(ctx, d.ProcedureCode); err != nil {
		return Draft{}, err
	}
	if err := checkFiles(d.Files); err != nil {
		return Draft{}, err
	}
	values, _ := json.Marshal(d.Values)
	files, _ := json.Marshal(d.Files)
	d.UpdatedAt = sqldb.UTC(s.now())
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if d.ID != 0 {
			res, err := tx.ExecContext(ctx, `UPDATE dossier_drafts SET procedure_code = $3, unit_id = $4, data = $5, files = $6, updated_at = $7
				WHERE id = $1 AND applicant_id = $2`, d.ID, p.User.ID, d.ProcedureCode, nullID(d.UnitID), string(values), string(files), d.UpdatedAt)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return ErrDossierNotFound
			}
			return nil
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM dossier_drafts WHERE applicant_id = $1`, p.User.ID).Scan(&n); err != nil {
			return err
		}
		if n >= maxDrafts {
			// The oldest draft makes room: drafts are a convenience, not a store.
			if _, err := tx.ExecContext(ctx, `DELETE FROM dossier_drafts WHERE id = (SELECT id FROM dossier_drafts
				WHERE applicant_id = $1 ORDER BY updated_at LIMIT 1)`, p.User.ID); err != nil {
				return err
			}
		}
		return tx.QueryRowContext(ctx, `INSERT INTO dossier_drafts(applicant_id, procedure_code, unit_id, data, files, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, p.User.ID, d.ProcedureCode, nullID(d.UnitID), string(values), string(files), d.UpdatedAt).Scan(&d.ID)
	})
	return d, err
}

// DraftOf returns one of the applicant's drafts.
func (s *Service) DraftOf(ctx context.Context, p *identity.Principal, id int64) (Draft, error) {
	ds, err := s.drafts(ctx, p, ` AND id = $2`, id)
	if err != nil {
		return Draft{}, err
	}
	if len(ds) == 0 {
		return Draft{}, ErrDossierNotFound
	}
	return ds[0], nil
}

// Drafts lists the applicant's drafts, latest first.
func (s *Service) Drafts(ctx context.Context, p *identity.Principal) ([]Draft, error) {
	return s.drafts(ctx, p, ``)
}

// DeleteDraft removes a draft (after submission, or when abandoned).
func (s *Service) DeleteDraft(ctx context.Context, p *identity.Principal, id int64) error {
	if p == nil || p.Stage != identity.StageFull {
		return ErrDossierNotFound
	}
	_, err := s.db.W.ExecContext(ctx, `DELETE FROM dossier_drafts WHERE id = $1 AND applicant_id = $2`, id, p.User.ID)
	return err
}

func (s *Service) drafts(ctx context.Context, p *identity.Principal, where string, args ...any) ([]Draft, error) {
	if p == nil || p.Stage != identity.StageFull {
		return nil, ErrDossierNotFound
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT id, procedure_code, COALESCE(unit_id, 0), data, files, updated_at FROM dossier_drafts
		WHERE applicant_id = $1`+where+` ORDER BY updated_at DESC LIMIT `+strconv.Itoa(maxDrafts), append([]any{p.User.ID}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Draft
	for rows.Next() {
		var d Draft
		var values, files string
		if err := rows.Scan(&d.ID, &d.ProcedureCode, &d.UnitID, &values, &files, &d.UpdatedAt); err != nil {
			return nil, err
		}
		if err := errors.Join(json.Unmarshal([]byte(values), &d.Values), json.Unmarshal([]byte(files), &d.Files)); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}
