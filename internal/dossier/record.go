package dossier

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"egov/internal/catalog"
	"egov/internal/identity"
	"egov/internal/platform/sqldb"
)

// record is a dossier row as the lifecycle reads it.
type record struct {
	id                                                int64
	code, step, pausedStep, wfKey, proc               string
	status                                            Status
	clock                                             Clock
	channel                                           Channel
	unit, decider, stepUnit, assignee, applicant      int64
	wfV, procV, supplements, extensions, results      int
	version, ratingChanges                            int
	receivedAt, dueAt, stepStarted, stepDue, pausedAt time.Time
	clockStarted                                      time.Time
	applicantSeconds, feesDue, feesPaid               int64
	rating                                            int
	stepRole                                          string
}

const recordCols = `id, code, step, paused_step, workflow_key, procedure_code, status, clock, channel,
	receiving_unit_id, COALESCE(decider_id, 0), COALESCE(step_unit_id, 0), COALESCE(assignee_id, 0), COALESCE(applicant_id, 0),
	workflow_version, procedure_version, supplements, extensions, results, version, rating_changes,
	received_at, due_at, step_started_at, step_due_at, paused_at, clock_started_at,
	applicant_seconds, fees_due, fees_paid, COALESCE(rating, 0), step_role`

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func (s *Service) load(ctx context.Context, q querier, code string) (record, error) {
	var r record
	var rec, due, ss, sd, pa, cs sql.NullTime
	err := q.QueryRowContext(ctx, `SELECT `+recordCols+` FROM dossiers WHERE code = $1`+s.lockSuffix(q), strings.TrimSpace(code)).Scan(
		&r.id, &r.code, &r.step, &r.pausedStep, &r.wfKey, &r.proc, &r.status, &r.clock, &r.channel,
		&r.unit, &r.decider, &r.stepUnit, &r.assignee, &r.applicant,
		&r.wfV, &r.procV, &r.supplements, &r.extensions, &r.results, &r.version, &r.ratingChanges,
		&rec, &due, &ss, &sd, &pa, &cs, &r.applicantSeconds, &r.feesDue, &r.feesPaid, &r.rating, &r.stepRole)
	if errors.Is(err, sql.ErrNoRows) {
		return r, ErrDossierNotFound
	}
	r.receivedAt, r.dueAt, r.stepStarted, r.stepDue, r.pausedAt, r.clockStarted = rec.Time, due.Time, ss.Time, sd.Time, pa.Time, cs.Time
	return r, err
}

// lockSuffix locks the row when read inside a transaction.
func (s *Service) lockSuffix(q querier) string {
	if _, ok := q.(*sql.Tx); ok {
		return s.db.ForUpdate()
	}
	return ""
}

// officialRoles are the roles that work on dossiers.
var officialRoles = []identity.Role{identity.RoleDesk, identity.RoleSpecialist, identity.RoleLeader, identity.RoleClerical}

// visible reports whether p may see the dossier: its applicant, an
// official of the receiving unit, the deciding agency or the unit at the
// current step (or an agency above them), or of an agency taking part in
// its inter-agency processing.
func (s *Service) visible(ctx context.Context, p *identity.Principal, r record) bool {
	if p == nil || p.Stage != identity.StageFull {
		return false
	}
	if r.applicant != 0 && p.User.ID == r.applicant {
		return true
	}
	if !p.User.IsOfficial() {
		return false
	}
	units := []int64{r.unit, r.decider, r.stepUnit}
	rows, err := s.db.R.QueryContext(ctx, `SELECT agency_id FROM dossier_branches WHERE dossier_id = $1`, r.id)
	if err == nil {
		for rows.Next() {
			var a int64
			if rows.Scan(&a) == nil {
				units = append(units, a)
			}
		}
		rows.Close()
	}
	for _, u := range slices.Compact(units) {
		if u == 0 {
			continue
		}
		for _, role := range officialRoles {
			if ok, err := s.dir.Within(ctx, p, role, u); err == nil && ok {
				return true
			}
		}
	}
	return false
}

// ev is an entry to write in a dossier's history.
type ev struct {
	at       time.Time
	action   string
	step     string // the step where it happened
	toStep   string // the step it led to ("" when it stays)
	unit     int64  // the unit that holds the dossier after it
	fromUnit int64  // the unit that acted
	stepDue  time.Time
	outcome  Outcome
	note     string
	data     map[string]any
}

func (s *Service) event(ctx context.Context, tx *sql.Tx, p *identity.Principal, dossierID int64, e ev) error {
	var actorID int64
	actor := "system"
	if p != nil {
		actorID = p.User.ID
		actor = p.User.FullName
		if actor == "" {
			actor = p.User.Username
		}
	}
	if e.data == nil {
		e.data = map[string]any{}
	}
	data, err := json.Marshal(e.data)
	if err != nil {
		return err
	}
	var due any
	if !e.stepDue.IsZero() {
		due = sqldb.UTC(e.stepDue)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO dossier_events(dossier_id, at, action, step, to_step, actor_id, actor, unit_id, from_unit_id,
		step_due_at, outcome, note, data) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		dossierID, sqldb.UTC(e.at), e.action, e.step, e.toStep, nullID(actorID), actor, nullID(e.unit), nullID(e.fromUnit),
		due, string(e.outcome), e.note, string(data))
	return err
}

// update writes the changed columns of a dossier if nobody changed it
// since it was read (optimistic: version).
func (s *Service) update(ctx context.Context, tx *sql.Tx, r record, cols map[string]any) error {
	keys := make([]string, 0, len(cols))
	for k := range cols {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	args := []any{r.id, r.version}
	b.WriteString("UPDATE dossiers SET version = version + 1")
	for _, k := range keys {
		v := cols[k]
		if t, ok := v.(time.Time); ok {
			if t.IsZero() {
				v = nil
			} else {
				v = sqldb.UTC(t)
			}
		}
		args = append(args, v)
		fmt.Fprintf(&b, ", %s = $%d", k, len(args))
	}
	b.WriteString(" WHERE id = $1 AND version = $2")
	res, err := tx.ExecContext(ctx, b.String(), args...)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrChanged
	}
	return nil
}

// addFiles records accepted uploads with a dossier.
func (s *Service) addFiles(ctx context.Context, tx *sql.Tx, dossierID int64, purpose string, files []FileRef, by int64, at time.Time) error {
	for _, f := range files {
		if _, err := tx.ExecContext(ctx, `INSERT INTO dossier_files(dossier_id, purpose, document, name, content_type, size, hash, pages,
			uploaded_at, uploaded_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			dossierID, purpose, f.Document, f.Name, f.ContentType, f.Size, f.Hash, f.Pages, sqldb.UTC(at), nullID(by)); err != nil {
			return err
		}
	}
	return nil
}

// checkFiles refuses file references that did not come through the
// upload pipeline whole.
func checkFiles(files []FileRef) error {
	for _, f := range files {
		if len(f.Hash) != 64 || f.Size <= 0 || f.Name == "" || f.ContentType == "" {
			return ErrBadFile
		}
	}
	return nil
}

// EventActions are the actions a dossier's history records: the
// workflow's, and those of the applicant, the desk and the deadline jobs.
var EventActions = func() []string {
	out := []string{"submit", "reassign", "supplement_done", "withdraw", "rate", "rate_change", "payment", "branch_done",
		kindStepLate, kindOverdue}
	for _, a := range catalog.Actions {
		out = append(out, string(a))
	}
	return out
}()
