package dossier

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"egov/internal/identity"
	"egov/internal/platform/sqldb"
)

// Branch is one agency's part of an inter-agency (liên thông) step: sent
// to every agency at once, one of them leading, under the dossier's one
// code.
type Branch struct {
	ID       int64
	Step     string
	AgencyID int64
	Agency   string
	Lead     bool
	Task     string
	Status   string // pending | done
	SentAt   time.Time
	DueAt    time.Time
	DoneAt   *time.Time
	Outcome  Outcome
	Note     string
}

func (s *Service) pendingBranches(ctx context.Context, tx *sql.Tx, dossierID int64, step string) (int, error) {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT count(*) FROM dossier_branches WHERE dossier_id = $1 AND step = $2 AND status = 'pending'`,
		dossierID, step).Scan(&n)
	return n, err
}

func (s *Service) countBranches(ctx context.Context, tx *sql.Tx, dossierID int64, step string) (int, error) {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT count(*) FROM dossier_branches WHERE dossier_id = $1 AND step = $2`, dossierID, step).Scan(&n)
	return n, err
}

// ReplyBranch records an agency's answer to its part of an inter-agency
// step: an official with the step's role in that agency (or above it)
// reports the task done, with a note; finishing after the branch's due
// instant is recorded as late.
func (s *Service) ReplyBranch(ctx context.Context, p *identity.Principal, code string, agencyID int64, note string) (Branch, error) {
	var b Branch
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		r, err := s.load(ctx, tx, code)
		if err != nil {
			return err
		}
		if !s.visible(ctx, p, r) {
			return ErrDossierNotFound
		}
		var due time.Time
		err = tx.QueryRowContext(ctx, `SELECT id, lead, task, due_at FROM dossier_branches
			WHERE dossier_id = $1 AND step = $2 AND agency_id = $3 AND status = 'pending'`, r.id, r.step, agencyID).
			Scan(&b.ID, &b.Lead, &b.Task, &due)
		if errors.Is(err, sql.ErrNoRows) || r.status != StatusProcessing {
			return ErrWrongState
		}
		if err != nil {
			return err
		}
		role := identity.Role(r.stepRole)
		if role == "" {
			role = identity.RoleSpecialist
		}
		ok, err := s.dir.Within(ctx, p, role, agencyID)
		if err != nil {
			return err
		}
		if !ok {
			return ErrNotYourStep
		}
		now := sqldb.UTC(s.now())
		out := OutcomeOf(now, due)
		note = strings.TrimSpace(note)
		if _, err := tx.ExecContext(ctx, `UPDATE dossier_branches SET status = 'done', done_at = $2, outcome = $3, note = $4, actor_id = $5
			WHERE id = $1`, b.ID, now, string(out), note, p.User.ID); err != nil {
			return err
		}
		a, err := s.dir.Agency(ctx, agencyID)
		if err != nil {
			return err
		}
		b = Branch{ID: b.ID, Step: r.step, AgencyID: agencyID, Agency: a.Name, Lead: b.Lead, Task: b.Task, Status: "done",
			DueAt: due, DoneAt: &now, Outcome: out, Note: note}
		if err := s.update(ctx, tx, r, map[string]any{"updated_at": now}); err != nil {
			return err
		}
		if err := s.event(ctx, tx, p, r.id, ev{at: now, action: "branch_done", step: r.step, unit: r.stepUnit, fromUnit: agencyID,
			stepDue: due, outcome: out, note: note, data: map[string]any{"agency": a.Name, "task": b.Task}}); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, "dossier.branch_done", "dossier", r.code, map[string]any{"agency": agencyID, "outcome": out})
	})
	return b, err
}

// branches lists a dossier's inter-agency parts.
func (s *Service) branches(ctx context.Context, dossierID int64) ([]Branch, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT b.id, b.step, b.agency_id, a.name, b.lead, b.task, b.status, b.sent_at, b.due_at,
		b.done_at, b.outcome, b.note FROM dossier_branches b JOIN agencies a ON a.id = b.agency_id WHERE b.dossier_id = $1 ORDER BY b.id`, dossierID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Branch
	for rows.Next() {
		var b Branch
		var done sql.NullTime
		if err := rows.Scan(&b.ID, &b.Step, &b.AgencyID, &b.Agency, &b.Lead, &b.Task, &b.Status, &b.SentAt, &b.DueAt, &done, &b.Outcome, &b.Note); err != nil {
			return nil, err
		}
		if done.Valid {
			b.DoneAt = &done.Time
		}
		out = append(out, b)
	}
	return out, rows.Err()
}
