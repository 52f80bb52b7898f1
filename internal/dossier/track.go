package dossier

import (
	"context"
	"database/sql"
	"encoding/json"
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
	var id int64
	var procV int
	var pid, phone string
	var rec, due sql.NullTime
	err := s.db.R.QueryRowContext(ctx, `SELECT d.id, d.code, d.procedure_code, d.procedure_version, d.status, d.submitted_at, d.received_at, d.due_at,
		COALESCE(a.name, ''), d.applicant_pid, d.applicant_phone, d.applicant_name
		FROM dossiers d LEFT JOIN agencies a ON a.id = d.receiving_unit_id WHERE d.code = $1`, strings.TrimSpace(code)).
		Scan(&id, &t.Code, &t.ProcedureCode, &procV, &t.Status, &t.SubmittedAt, &rec, &due, &t.Unit, &pid, &phone, &t.Applicant)
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
	if p, err := s.procAt(ctx, t.ProcedureCode, procV); err == nil {
		t.Procedure = p.Name
	}
	// Unlock: the last four digits of the applicant's personal ID or phone.
	if u := strings.TrimSpace(unlock); len(u) == 4 {
		t.Unlocked = (len(pid) >= 4 && pid[len(pid)-4:] == u) || (len(phone) >= 4 && phone[len(phone)-4:] == u)
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT e.at, e.action, COALESCE(a.name, ''), e.note, e.data FROM dossier_events e
		LEFT JOIN agencies a ON a.id = e.unit_id WHERE e.dossier_id = $1 ORDER BY e.id`, id)
	if err != nil {
		return Tracking{}, err
	}
	defer rows.Close()
	for rows.Next() {
		var e TrackEvent
		var note, data string
		if err := rows.Scan(&e.At, &e.Action, &e.Unit, &note, &data); err != nil {
			return Tracking{}, err
		}
		t.Events = append(t.Events, e)
		if !t.Unlocked {
			continue // the notes are shown only when unlocked
		}
		var d map[string]any
		_ = json.Unmarshal([]byte(data), &d)
		if items := stringsOf(d["deficiencies"]); len(items) > 0 {
			note = strings.TrimSpace(note + " " + strings.Join(items, "; "))
		}
		if note != "" {
			t.Notes = append(t.Notes, note)
		}
	}
	if !t.Unlocked {
		t.Applicant, t.Notes = "", nil
	}
	return t, rows.Err()
}
