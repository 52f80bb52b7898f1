package dossier

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"egov/internal/calendar"
	"egov/internal/platform/jobs"
	"egov/internal/platform/sqldb"

	"github.com/riverqueue/river"
)

// The deadline jobs: one durable job per deadline, scheduled in the
// transaction that sets the deadline. When it runs it acts only if the
// deadline still holds (same step, same due instant), and completes itself
// in the transaction of its effect, so a retry or a second replica never
// acts twice.
const (
	kindStepWarn = "step_warn" // warn the step's people that it is due soon
	kindStepLate = "step_late" // mark the step late and tell the step's people
	kindOverdue  = "overdue"   // mark the dossier overdue; tell the step's people and the decider's leaders
)

// The step's people are its assignee, or, when nobody is assigned, the
// officials holding the step's role in the step's unit (recipients.go).

type deadline struct {
	kind string
	step string
	at   time.Time
	due  time.Time
}

// DeadlineArgs are a deadline job's arguments.
type DeadlineArgs struct {
	DossierID int64     `json:"dossier_id"`
	What      string    `json:"what"`
	Step      string    `json:"step,omitempty"`
	Due       time.Time `json:"due"`
}

// Kind names the job for River.
func (DeadlineArgs) Kind() string { return "dossier.deadline" }

func (s *Service) schedule(ctx context.Context, tx *sql.Tx, dossierID int64, d deadline) error {
	if s.jobs == nil || d.at.IsZero() {
		return nil
	}
	return s.jobs.InsertTx(ctx, tx, DeadlineArgs{DossierID: dossierID, What: d.kind, Step: d.step, Due: d.due.UTC()},
		&river.InsertOpts{ScheduledAt: d.at, MaxAttempts: 10, UniqueOpts: river.UniqueOpts{ByArgs: true}})
}

// DeadlineWorker works deadline jobs.
type DeadlineWorker struct {
	river.WorkerDefaults[DeadlineArgs]
	Service *Service
}

// Work applies the deadline if it still holds, exactly once.
func (w *DeadlineWorker) Work(ctx context.Context, job *river.Job[DeadlineArgs]) error {
	s := w.Service
	a := job.Args
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		var code, step, stepRole string
		var status Status
		var assignee, stepUnit, decider int64
		var due, stepDue sql.NullTime
		var stepLate, overdue bool
		err := tx.QueryRowContext(ctx, `SELECT code, step, status, COALESCE(assignee_id, 0), due_at, step_due_at, step_late, overdue,
			step_role, COALESCE(step_unit_id, 0), COALESCE(decider_id, 0)
			FROM dossiers WHERE id = $1`+s.db.ForUpdate(), a.DossierID).Scan(&code, &step, &status, &assignee, &due, &stepDue, &stepLate, &overdue,
			&stepRole, &stepUnit, &decider)
		if errors.Is(err, sql.ErrNoRows) {
			return jobs.CompleteTx(ctx, tx, job)
		}
		if err != nil {
			return err
		}
		active := status == StatusProcessing || status == StatusResult
		dueText := a.Due.In(calendar.Location()).Format("15:04 02/01/2006")
		now := sqldb.UTC(s.now())
		tell := func(people []int64, err error) error {
			if err != nil {
				return err
			}
			for _, u := range people {
				if err := s.notifyUser(ctx, tx, u, a.DossierID, a.What, code, dueText); err != nil {
					return err
				}
			}
			return nil
		}
		switch a.What {
		case kindStepWarn:
			if active && step == a.Step && stepDue.Valid && stepDue.Time.Equal(a.Due) {
				if err := tell(s.stepPeople(ctx, tx, assignee, stepRole, stepUnit)); err != nil {
					return err
				}
			}
		case kindStepLate:
			if active && step == a.Step && stepDue.Valid && stepDue.Time.Equal(a.Due) && !stepLate {
				if _, err := tx.ExecContext(ctx, `UPDATE dossiers SET step_late = TRUE, version = version + 1 WHERE id = $1`, a.DossierID); err != nil {
					return err
				}
				if err := s.event(ctx, tx, nil, a.DossierID, ev{at: now, action: kindStepLate, step: step, stepDue: a.Due, outcome: Late}); err != nil {
					return err
				}
				if err := tell(s.stepPeople(ctx, tx, assignee, stepRole, stepUnit)); err != nil {
					return err
				}
			}
		case kindOverdue:
			if active && due.Valid && due.Time.Equal(a.Due) && !overdue {
				if _, err := tx.ExecContext(ctx, `UPDATE dossiers SET overdue = TRUE, version = version + 1 WHERE id = $1`, a.DossierID); err != nil {
					return err
				}
				if err := s.event(ctx, tx, nil, a.DossierID, ev{at: now, action: kindOverdue, step: step, stepDue: a.Due, outcome: Late}); err != nil {
					return err
				}
				if err := tell(s.overduePeople(ctx, tx, assignee, stepRole, stepUnit, decider)); err != nil {
					return err
				}
			}
		}
		return jobs.CompleteTx(ctx, tx, job)
	})
}
