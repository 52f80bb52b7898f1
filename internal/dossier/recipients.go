package dossier

import (
	"context"
	"database/sql"
	"errors"
	"slices"

	"egov/internal/identity"
)

// Who is told about a deadline when the work has no assignee: the
// officials holding the step's role in the step's unit; when nobody holds
// it there, those of the nearest agency above that has such officials
// (the specialists of a commune act for its units). The query reads
// identity's grants inside the deadline's transaction, so the people told
// are those of the moment the deadline fell.

// roleHolders lists the active officials holding role at unitID, or at
// its nearest ancestor where someone holds it.
func (s *Service) roleHolders(ctx context.Context, tx *sql.Tx, role string, unitID int64) ([]int64, error) {
	if role == "" || unitID == 0 {
		return nil, nil
	}
	at := unitID
	for range 8 {
		ids, err := s.holdersAt(ctx, tx, role, at)
		if err != nil || len(ids) > 0 {
			return ids, err
		}
		var parent sql.NullInt64
		err = tx.QueryRowContext(ctx, `SELECT parent_id FROM agencies WHERE id = $1`, at).Scan(&parent)
		if errors.Is(err, sql.ErrNoRows) || !parent.Valid {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		at = parent.Int64
	}
	return nil, nil
}

func (s *Service) holdersAt(ctx context.Context, tx *sql.Tx, role string, agencyID int64) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT r.user_id FROM user_roles r JOIN users u ON u.id = r.user_id
		WHERE r.role = $1 AND r.agency_id = $2 AND u.kind = $3 AND u.disabled_at IS NULL ORDER BY r.user_id`,
		role, agencyID, string(identity.UserOfficial))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// stepPeople are who answer for the current step: its assignee, or the
// step unit's officials with the step's role.
func (s *Service) stepPeople(ctx context.Context, tx *sql.Tx, assignee int64, role string, unit int64) ([]int64, error) {
	if assignee != 0 {
		return []int64{assignee}, nil
	}
	return s.roleHolders(ctx, tx, role, unit)
}

// overduePeople are who hear of an overdue dossier: the step's people and
// the deciding agency's leaders, each once.
func (s *Service) overduePeople(ctx context.Context, tx *sql.Tx, assignee int64, role string, unit, decider int64) ([]int64, error) {
	ids, err := s.stepPeople(ctx, tx, assignee, role, unit)
	if err != nil {
		return nil, err
	}
	leaders, err := s.roleHolders(ctx, tx, string(identity.RoleLeader), decider)
	if err != nil {
		return nil, err
	}
	for _, id := range leaders {
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return ids, nil
}
