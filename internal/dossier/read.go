package dossier

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"egov/internal/identity"
)

// Event is one entry of a dossier's history.
type Event struct {
	At     time.Time
	Action string
	Step   string
	Actor  string
	UnitID int64
	Note   string
}

// View is a dossier with its history, as its applicant or an official
// of its agency sees it.
type View struct {
	Dossier
	ReceivedAt *time.Time
	DueAt      *time.Time
	Events     []Event
}

const dossierCols = `id, code, procedure_code, procedure_version, workflow_key, workflow_version, form_key, form_version,
	receiving_unit_id, COALESCE(applicant_id, 0), applicant_name, channel, status, step, data, submitted_at, received_at, due_at`

func scanView(sc interface{ Scan(...any) error }) (View, error) {
	var v View
	var data string
	var rec, due sql.NullTime
	err := sc.Scan(&v.ID, &v.Code, &v.ProcedureCode, &v.ProcedureVersion, &v.WorkflowKey, &v.WorkflowVersion, &v.FormKey, &v.FormVersion,
		&v.ReceivingUnitID, &v.ApplicantID, &v.ApplicantName, &v.Channel, &v.Status, &v.Step, &data, &v.SubmittedAt, &rec, &due)
	if err != nil {
		return v, err
	}
	if rec.Valid {
		v.ReceivedAt = &rec.Time
	}
	if due.Valid {
		v.DueAt = &due.Time
	}
	err = json.Unmarshal([]byte(data), &v.Data)
	return v, err
}

// Get returns a dossier to someone entitled to see it: its applicant, or
// an official with a role in its receiving unit or an agency above it.
// Anyone else gets ErrDossierNotFound, as for a code that does not exist.
func (s *Service) Get(ctx context.Context, p *identity.Principal, code string, scopes Scopes) (View, error) {
	v, err := scanView(s.db.R.QueryRowContext(ctx, `SELECT `+dossierCols+` FROM dossiers WHERE code = $1`, code))
	if errors.Is(err, sql.ErrNoRows) {
		return View{}, ErrDossierNotFound
	}
	if err != nil {
		return View{}, err
	}
	if !s.entitled(ctx, p, v, scopes) {
		return View{}, ErrDossierNotFound
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT at, action, step, actor, COALESCE(unit_id, 0), note FROM dossier_events
		WHERE dossier_id = $1 ORDER BY id`, v.ID)
	if err != nil {
		return View{}, err
	}
	defer rows.Close()
	for rows.Next() {
		var e Event
		if err := rows.Scan(&e.At, &e.Action, &e.Step, &e.Actor, &e.UnitID, &e.Note); err != nil {
			return View{}, err
		}
		v.Events = append(v.Events, e)
	}
	return v, rows.Err()
}

func (s *Service) entitled(ctx context.Context, p *identity.Principal, v View, scopes Scopes) bool {
	if p == nil || p.Stage != identity.StageFull {
		return false
	}
	if v.ApplicantID != 0 && p.User.ID == v.ApplicantID {
		return true
	}
	if !p.User.IsOfficial() {
		return false
	}
	for _, role := range []identity.Role{identity.RoleDesk, identity.RoleSpecialist, identity.RoleLeader, identity.RoleClerical} {
		if ok, err := scopes.Within(ctx, p, role, v.ReceivingUnitID); err == nil && ok {
			return true
		}
	}
	return false
}

// Mine lists the applicant's own dossiers, newest first, a page at a time
// (keyset: pass the last ID seen, 0 for the first page).
func (s *Service) Mine(ctx context.Context, p *identity.Principal, afterID int64, limit int) ([]View, error) {
	if p == nil || p.Stage != identity.StageFull {
		return nil, ErrDossierNotFound
	}
	if limit <= 0 || limit > 100 {
		limit = 20
	}
	q := `SELECT ` + dossierCols + ` FROM dossiers WHERE applicant_id = $1`
	args := []any{p.User.ID}
	if afterID > 0 {
		q += ` AND id < $2`
		args = append(args, afterID)
	}
	q += ` ORDER BY id DESC LIMIT ` + strconv.Itoa(limit)
	rows, err := s.db.R.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []View
	for rows.Next() {
		v, err := scanView(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
