package dossier

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"egov/internal/apperr"
	"egov/internal/audit"
	"egov/internal/calendar"
	"egov/internal/catalog"
	"egov/internal/identity"
	"egov/internal/platform/sqldb"
)

// Calendars gives the working calendar (the calendar service).
type Calendars interface {
	Calendar(ctx context.Context) (*calendar.Calendar, error)
}

// Scopes tells whether an official acts within an agency (identity).
type Scopes interface {
	Within(ctx context.Context, p *identity.Principal, role identity.Role, agencyID int64) (bool, error)
}

var (
	// ErrDossierNotFound is also what a caller without access gets: the
	// existence of another's dossier is not disclosed.
	ErrDossierNotFound = apperr.New(apperr.NotFound, "dossier.not_found", "Không tìm thấy hồ sơ.", "Dossier not found.")
	ErrWrongState      = apperr.New(apperr.Conflict, "dossier.wrong_state",
		"Hồ sơ không ở bước cho phép thao tác này.", "The dossier is not at a step that allows this action.")
	ErrNotYourStep = apperr.New(apperr.Forbidden, "dossier.not_your_step",
		"Bạn không có vai trò hoặc đơn vị được giao ở bước này của hồ sơ.", "You do not hold the role or unit this step of the dossier needs.")
)

// Receipt is the outcome of receiving a dossier.
type Receipt struct {
	Code       string
	ReceivedAt time.Time
	DueAt      time.Time // the appointment: when the result is due
	Why        calendar.Explanation
}

// Receive accepts a complete dossier at the desk: the clock starts and
// the appointment is computed from the procedure's processing time on the
// working calendar. Only a desk officer of the receiving unit (or of an
// agency above it), at the workflow's receiving step, may do it.
func (s *Service) Receive(ctx context.Context, p *identity.Principal, code string, cals Calendars, scopes Scopes) (Receipt, error) {
	var rc Receipt
	var d struct {
		id, unit          int64
		status, step, wfk string
		wfv               int
		proc              string
		procV             int
	}
	err := s.db.R.QueryRowContext(ctx, `SELECT id, receiving_unit_id, status, step, workflow_key, workflow_version, procedure_code, procedure_version
		FROM dossiers WHERE code = $1`, code).Scan(&d.id, &d.unit, &d.status, &d.step, &d.wfk, &d.wfv, &d.proc, &d.procV)
	if errors.Is(err, sql.ErrNoRows) {
		return rc, ErrDossierNotFound
	}
	if err != nil {
		return rc, err
	}
	ok, err := scopes.Within(ctx, p, identity.RoleDesk, d.unit)
	if err != nil {
		return rc, err
	}
	if !ok {
		return rc, ErrDossierNotFound
	}
	wf, err := s.catalog.WorkflowAt(ctx, d.wfk, d.wfv)
	if err != nil {
		return rc, err
	}
	step, found := wf.Step(d.step)
	next := ""
	for _, t := range step.Actions {
		if t.Action == catalog.ActReceive {
			next = t.To
		}
	}
	if !found || next == "" || Status(d.status) != StatusSubmitted {
		return rc, ErrWrongState
	}
	if step.Role != string(identity.RoleDesk) {
		return rc, ErrNotYourStep
	}
	proc, err := s.catalog.ProcedureAt(ctx, d.proc, d.procV)
	if err != nil {
		return rc, err
	}
	cal, err := cals.Calendar(ctx)
	if err != nil {
		return rc, err
	}
	now := sqldb.UTC(s.now())
	due, why, err := dueOf(cal, now, proc.Time)
	if err != nil {
		return rc, err
	}
	rc = Receipt{Code: code, ReceivedAt: now, DueAt: due, Why: why}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE dossiers SET status = $2, step = $3, received_at = $4, due_at = $5, updated_at = $4
			WHERE id = $1 AND status = $6`, d.id, StatusReceived, next, now, sqldb.UTC(due), StatusSubmitted)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrWrongState // received meanwhile by someone else
		}
		a := audit.ActorFrom(ctx)
		if _, err := tx.ExecContext(ctx, `INSERT INTO dossier_events(dossier_id, at, action, step, actor_id, actor, unit_id, note)
			VALUES ($1, $2, 'receive', $3, $4, $5, $6, $7)`, d.id, now, d.step, nullID(a.UserID), a.Username, d.unit,
			"hẹn trả "+due.In(calendar.Location()).Format("15:04 02/01/2006")); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, "dossier.receive", "dossier", code, map[string]any{"due_at": due})
	})
	return rc, err
}

// dueOf computes the appointment of a processing time from a receipt.
func dueOf(cal *calendar.Calendar, at time.Time, t catalog.Term) (time.Time, calendar.Explanation, error) {
	switch t.Unit {
	case catalog.WorkingHours:
		due, err := cal.DueWorkingHours(at, time.Duration(t.N*float64(time.Hour)))
		return due, calendar.Explanation{}, err
	case catalog.CalendarDays:
		due, err := cal.DueCalendarDays(at, int(t.N+0.999))
		return due, calendar.Explanation{}, err
	default:
		// Half days round up: the appointment is never earlier than the law allows.
		ex, err := cal.ExplainWorkingDays(at, int(t.N+0.999))
		return ex.Due, ex, err
	}
}
