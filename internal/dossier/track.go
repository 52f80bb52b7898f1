package dossier

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
)

// TrackEvent is a step of the public history: what happened, where, when;
// never who or why (those are personal data).
type TrackEvent struct {
	At     time.Time
	Action string
	Unit   string
}

// Tracking is what anyone with a dossier code may see. The applicant's
// name and the notes (reasons) are shown only when the last four digits
// of the applicant's personal ID number or phone unlock them.
type Tracking struct {
	Code          string
	ProcedureCode string
	Procedure     string
	Status        Status
	SubmittedAt   time.Time
	ReceivedAt    *time.Time
	DueAt         *time.Time
	Unit          string
	Events        []TrackEvent
	Unlocked      bool
	Applicant     string   // only when unlocked
	Notes         []string // only when unlocked
}

// Track returns the public view of a dossier; an unknown code is
// ErrDossierNotFound.
func (s *Service) Track(ctx context.Context, code, unlock string) (Tracking, error) {
	var t Tracking
	var unitID, applicantID int64
	var rec, due sql.NullTime
	err := s.db.R.QueryRowContext(ctx, `SELECT d.code, d.procedure_code, d.status, d.submitted_at, d.received_at, d.due_at,
		d.receiving_unit_id, COALESCE(d.applicant_id, 0), d.applicant_name FROM dossiers d WHERE d.code = $1`, strings.TrimSpace(code)).
		Scan(&t.Code, &t.ProcedureCode, &t.Status, &t.SubmittedAt, &rec, &due, &unitID, &applicantID, &t.Applicant)
	if errors.Is(err, sql.ErrNoRows) {
		return Tracking{}, ErrDossierNotFound
	}
	if err != nil {
		return Tracking{}, err
	}
	if rec.Valid {
		t.ReceivedAt = &rec.Time
	}
	if due.Valid {
		t.DueAt = &due.Time
	}
	if p, _, err := s.catalog.Procedure(ctx, t.ProcedureCode); err == nil {
		t.Procedure = p.Name
	}
	names := map[int64]string{}
	unitName := func(id int64) string {
		if n, ok := names[id]; ok {
			return n
		}
		n := ""
		if a, err := s.agencies.Agency(ctx, id); err == nil {
			n = a.Name
		}
		names[id] = n
		return n
	}
	t.Unit = unitName(unitID)
	// Unlock: the last four digits of the applicant's personal ID or phone.
	if u := strings.TrimSpace(unlock); len(u) == 4 && applicantID != 0 {
		var pid, phone string
		if err := s.db.R.QueryRowContext(ctx, `SELECT COALESCE(personal_id, ''), phone FROM users WHERE id = $1`, applicantID).Scan(&pid, &phone); err == nil {
			t.Unlocked = (len(pid) >= 4 && pid[len(pid)-4:] == u) || (len(phone) >= 4 && phone[len(phone)-4:] == u)
		}
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT e.at, e.action, COALESCE(e.unit_id, 0), e.note FROM dossier_events e
		JOIN dossiers d ON d.id = e.dossier_id WHERE d.code = $1 ORDER BY e.id`, t.Code)
	if err != nil {
		return Tracking{}, err
	}
	defer rows.Close()
	for rows.Next() {
		var e TrackEvent
		var unit int64
		var note string
		if err := rows.Scan(&e.At, &e.Action, &unit, &note); err != nil {
			return Tracking{}, err
		}
		e.Unit = unitName(unit)
		t.Events = append(t.Events, e)
		if note != "" {
			t.Notes = append(t.Notes, note)
		}
	}
	if !t.Unlocked {
		t.Applicant, t.Notes = "", nil
	}
	return t, rows.Err()
}
