// Package dossier is the electronic one-stop shop's dossiers (hồ sơ):
// submission, the dossier code, and (growing) the lifecycle through the
// procedure's workflow on legal deadlines. A dossier records the catalogue
// versions it started with, so later changes to the catalogue never
// change dossiers in flight.
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

	"egov/internal/apperr"
	"egov/internal/audit"
	"egov/internal/calendar"
	"egov/internal/catalog"
	"egov/internal/eform"
	"egov/internal/identity"
	"egov/internal/platform/sqldb"
)

// Status is where a dossier is in its life.
type Status string

const (
	StatusSubmitted Status = "submitted" // online, waiting for the desk
	StatusReceived  Status = "received"  // accepted complete, clock running
)

// Channel is how a dossier arrived.
type Channel string

const (
	ChannelOnline Channel = "online"
	ChannelDesk   Channel = "desk"
)

// Dossier is one application for one procedure.
type Dossier struct {
	ID               int64
	Code             string
	ProcedureCode    string
	ProcedureVersion int
	WorkflowKey      string
	WorkflowVersion  int
	FormKey          string
	FormVersion      int
	ReceivingUnitID  int64
	ApplicantID      int64
	ApplicantName    string
	Channel          Channel
	Status           Status
	Step             string
	Data             map[string]any
	SubmittedAt      time.Time
}

// Catalog is what dossiers need of the catalogue.
type Catalog interface {
	Published(ctx context.Context, code string) (catalog.Procedure, error)
	Procedure(ctx context.Context, code string) (catalog.Procedure, catalog.Version, error)
	Workflow(ctx context.Context, key string) (catalog.Workflow, catalog.Version, error)
	Form(ctx context.Context, key string) (eform.Form, catalog.Version, error)
	// The versions a dossier started with.
	ProcedureAt(ctx context.Context, code string, version int) (catalog.Procedure, error)
	WorkflowAt(ctx context.Context, key string, version int) (catalog.Workflow, error)
}

// Agencies is what dossiers need of identity.
type Agencies interface {
	Agency(ctx context.Context, id int64) (identity.Agency, error)
}

// Service handles dossiers.
type Service struct {
	db       *sqldb.DB
	audit    *audit.Log
	catalog  Catalog
	agencies Agencies
	now      func() time.Time
}

// NewService returns the dossier service.
func NewService(db *sqldb.DB, log *audit.Log, cat Catalog, ag Agencies, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{db: db, audit: log, catalog: cat, agencies: ag, now: now}
}

var (
	ErrNotReceivingUnit = apperr.New(apperr.Invalid, "dossier.unit_not_receiving",
		"Đơn vị được chọn không tiếp nhận hồ sơ của thủ tục này.", "The chosen unit does not receive this procedure's dossiers.")
	ErrNoForm = apperr.New(apperr.Invalid, "dossier.no_form",
		"Thủ tục này chưa có tờ khai trực tuyến; vui lòng nộp hồ sơ trực tiếp.", "This procedure has no online form yet; please apply in person.")
)

// Code makes a dossier code: the receiving unit's agency code, the date in
// Vietnam, and the unit's sequence number of the day (four digits, more
// when needed).
func Code(unitCode string, at time.Time, seq int) string {
	return fmt.Sprintf("%s-%s-%04d", unitCode, at.In(calendar.Location()).Format("060102"), seq)
}

// nextCode takes the next number of the unit's day inside tx: one atomic
// upsert, so concurrent submissions on any number of replicas never share
// a number.
func (s *Service) nextCode(ctx context.Context, tx *sql.Tx, unit identity.Agency, at time.Time) (string, error) {
	day := at.In(calendar.Location()).Format("2006-01-02")
	var seq int
	err := tx.QueryRowContext(ctx, `INSERT INTO dossier_sequences(unit_id, day, last) VALUES ($1, $2, 1)
		ON CONFLICT (unit_id, day) DO UPDATE SET last = dossier_sequences.last + 1 RETURNING last`, unit.ID, day).Scan(&seq)
	if err != nil {
		return "", err
	}
	return Code(unit.Code, at, seq), nil
}

// Submission is an online application.
type Submission struct {
	ProcedureCode   string
	ReceivingUnitID int64
	Values          eform.Values
	Channel         Channel
	Applicant       identity.User
}

// Submit checks an online submission against the procedure's e-form,
// addresses it to a receiving unit that accepts the procedure, gives it
// its code and records it with the catalogue versions it starts with,
// all in one transaction with its history and audit entries.
func (s *Service) Submit(ctx context.Context, sub Submission) (Dossier, error) {
	proc, err := s.catalog.Published(ctx, sub.ProcedureCode)
	if err != nil {
		return Dossier{}, err
	}
	_, pv, err := s.catalog.Procedure(ctx, proc.Code)
	if err != nil {
		return Dossier{}, err
	}
	if proc.Form == "" {
		return Dossier{}, ErrNoForm
	}
	form, fv, err := s.catalog.Form(ctx, proc.Form)
	if err != nil {
		return Dossier{}, err
	}
	wf, wv, err := s.catalog.Workflow(ctx, proc.Workflow)
	if err != nil {
		return Dossier{}, err
	}
	unit, err := s.receivingUnit(ctx, proc, sub.ReceivingUnitID)
	if err != nil {
		return Dossier{}, err
	}
	now := sqldb.UTC(s.now())
	local := now.In(calendar.Location())
	clean, errs := form.Check(sub.Values, eform.WithToday(eform.Date{Year: local.Year(), Month: local.Month(), Day: local.Day()}))
	if len(errs) > 0 {
		return Dossier{}, apperr.Validation(errs...)
	}
	data, err := json.Marshal(clean.Values)
	if err != nil {
		return Dossier{}, err
	}
	channel := sub.Channel
	if channel == "" {
		channel = ChannelOnline
	}
	d := Dossier{ProcedureCode: proc.Code, ProcedureVersion: pv.Version, WorkflowKey: wf.Key, WorkflowVersion: wv.Version,
		FormKey: form.Key, FormVersion: fv.Version, ReceivingUnitID: unit.ID, ApplicantID: sub.Applicant.ID,
		ApplicantName: sub.Applicant.FullName, Channel: channel, Status: StatusSubmitted, Step: wf.Steps[0].ID, SubmittedAt: now}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		if d.Code, err = s.nextCode(ctx, tx, unit, now); err != nil {
			return err
		}
		var applicant any
		if d.ApplicantID != 0 {
			applicant = d.ApplicantID
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO dossiers(code, procedure_code, procedure_version, workflow_key, workflow_version,
			form_key, form_version, receiving_unit_id, applicant_id, applicant_name, channel, status, step, data, submitted_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15) RETURNING id`,
			d.Code, d.ProcedureCode, d.ProcedureVersion, d.WorkflowKey, d.WorkflowVersion, d.FormKey, d.FormVersion,
			d.ReceivingUnitID, applicant, d.ApplicantName, d.Channel, d.Status, d.Step, string(data), now).Scan(&d.ID); err != nil {
			return err
		}
		a := audit.ActorFrom(ctx)
		if _, err := tx.ExecContext(ctx, `INSERT INTO dossier_events(dossier_id, at, action, step, actor_id, actor, unit_id, note)
			VALUES ($1, $2, 'submit', $3, $4, $5, $6, '')`, d.ID, now, d.Step, nullID(a.UserID), a.Username, unit.ID); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, "dossier.submit", "dossier", d.Code, map[string]any{
			"procedure": d.ProcedureCode, "unit": unit.ID, "channel": d.Channel})
	})
	if err != nil {
		return Dossier{}, err
	}
	d.Data = clean.Values
	return d, nil
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// receivingUnit checks that the unit has a one-stop desk and belongs to an
// agency the procedure names as receiver (by code, or by kind).
func (s *Service) receivingUnit(ctx context.Context, p catalog.Procedure, id int64) (identity.Agency, error) {
	unit, err := s.agencies.Agency(ctx, id)
	if errors.Is(err, identity.ErrAgencyNotFound) {
		return identity.Agency{}, ErrNotReceivingUnit
	}
	if err != nil {
		return identity.Agency{}, err
	}
	if !unit.Active || !unit.ReceivesDossiers || unit.Code == "" {
		return identity.Agency{}, ErrNotReceivingUnit
	}
	candidates := []identity.Agency{unit}
	if unit.ParentID != 0 {
		parent, err := s.agencies.Agency(ctx, unit.ParentID)
		if err != nil {
			return identity.Agency{}, err
		}
		candidates = append(candidates, parent)
	}
	for _, r := range p.Receivers {
		if slices.ContainsFunc(candidates, func(a identity.Agency) bool {
			return (r.Code != "" && strings.EqualFold(a.Code, r.Code)) || (r.Code == "" && r.Kind != "" && string(a.Kind) == r.Kind)
		}) {
			return unit, nil
		}
	}
	return identity.Agency{}, ErrNotReceivingUnit
}
