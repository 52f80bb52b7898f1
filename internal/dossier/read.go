package dossier

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"egov/internal/catalog"
	"egov/internal/identity"
)

// Event is one entry of a dossier's history; hand-overs carry the giving
// and receiving units, the step's due instant and the outcome, as on the
// processing control sheet.
type Event struct {
	ID         int64
	At         time.Time
	Action     string
	Step       string
	ToStep     string
	Actor      string
	UnitID     int64 // who holds the dossier after it
	Unit       string
	FromUnitID int64 // who acted
	FromUnit   string
	StepDueAt  *time.Time
	Outcome    Outcome
	Note       string
	Data       map[string]any
}

// File is a file of a dossier.
type File struct {
	ID          int64
	Purpose     string // application | supplement | result
	Document    string
	Name        string
	ContentType string
	Size        int64
	Hash        string
	Pages       int
	ResultCode  string
	UploadedAt  time.Time
}

// View is a dossier with its history, as its applicant or an official
// sees it.
type View struct {
	Dossier
	Unit, Decider, StepUnit, Assignee string
	// The applicant's identifiers as given (for the desk to call them).
	ApplicantPID, ApplicantPhone string
	ReceivedAt, DueAt            *time.Time
	StepStartedAt, StepDueAt     *time.Time
	StepWarnAt, FinishedAt       *time.Time
	StepLate, Overdue, Returned  bool
	Outcome                      Outcome
	Supplements, Extensions      int
	ApplicantSeconds             int64
	DueWhy                       json.RawMessage
	Rating, RatingChanges        int
	RatingComment                string
	Events                       []Event
	Branches                     []Branch
	Files                        []File
	Payments                     []Payment
	// Deficiencies of the open supplement request.
	Deficiencies []string
	// Allowed are the actions the viewer may take now.
	Allowed []catalog.Action
	// BranchAgencies are the agencies whose pending inter-agency part the
	// viewer may answer.
	BranchAgencies []int64
	CanPay         bool
}

const viewCols = `d.id, d.code, d.procedure_code, d.procedure_version, d.workflow_key, d.workflow_version, d.form_key, d.form_version,
	d.receiving_unit_id, COALESCE(d.decider_id, 0), COALESCE(d.applicant_id, 0), d.applicant_name, d.channel, d.status, d.step,
	COALESCE(d.step_unit_id, 0), d.step_role, COALESCE(d.assignee_id, 0), d.clock, d.data, d.submitted_at, d.fees_due, d.fees_paid, d.version,
	d.received_at, d.due_at, d.step_started_at, d.step_due_at, d.step_warn_at, d.finished_at, d.step_late, d.overdue, d.returned,
	d.outcome, d.supplements, d.extensions, d.applicant_seconds, d.due_why, COALESCE(d.rating, 0), d.rating_changes, d.rating_comment,
	COALESCE(ru.name, ''), COALESCE(dc.name, ''), COALESCE(su.name, ''), COALESCE(au.full_name, ''), d.applicant_pid, d.applicant_phone`

const viewFrom = ` FROM dossiers d
	LEFT JOIN agencies ru ON ru.id = d.receiving_unit_id
	LEFT JOIN agencies dc ON dc.id = d.decider_id
	LEFT JOIN agencies su ON su.id = d.step_unit_id
	LEFT JOIN users au ON au.id = d.assignee_id`

func scanView(sc interface{ Scan(...any) error }) (View, error) {
	var v View
	var data, why string
	var rec, due, ss, sd, sw, fin sql.NullTime
	err := sc.Scan(&v.ID, &v.Code, &v.ProcedureCode, &v.ProcedureVersion, &v.WorkflowKey, &v.WorkflowVersion, &v.FormKey, &v.FormVersion,
		&v.ReceivingUnitID, &v.DeciderID, &v.ApplicantID, &v.ApplicantName, &v.Channel, &v.Status, &v.Step,
		&v.StepUnitID, &v.StepRole, &v.AssigneeID, &v.Clock, &data, &v.SubmittedAt, &v.FeesDue, &v.FeesPaid, &v.Version,
		&rec, &due, &ss, &sd, &sw, &fin, &v.StepLate, &v.Overdue, &v.Returned,
		&v.Outcome, &v.Supplements, &v.Extensions, &v.ApplicantSeconds, &why, &v.Rating, &v.RatingChanges, &v.RatingComment,
		&v.Unit, &v.Decider, &v.StepUnit, &v.Assignee, &v.ApplicantPID, &v.ApplicantPhone)
	if err != nil {
		return v, err
	}
	v.ReceivedAt, v.DueAt, v.StepStartedAt, v.StepDueAt, v.StepWarnAt, v.FinishedAt = ptr(rec), ptr(due), ptr(ss), ptr(sd), ptr(sw), ptr(fin)
	if why != "" {
		v.DueWhy = json.RawMessage(why)
	}
	err = json.Unmarshal([]byte(data), &v.Data)
	return v, err
}

func ptr(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	return &t.Time
}

// Get returns a dossier to someone entitled to see it: its applicant, or
// an official of an agency that takes part in it. Anyone else gets
// ErrDossierNotFound, as for a code that does not exist.
func (s *Service) Get(ctx context.Context, p *identity.Principal, code string) (View, error) {
	r, err := s.load(ctx, s.db.R, code)
	if err != nil {
		return View{}, err
	}
	if !s.visible(ctx, p, r) {
		return View{}, ErrDossierNotFound
	}
	v, err := scanView(s.db.R.QueryRowContext(ctx, `SELECT `+viewCols+viewFrom+` WHERE d.id = $1`, r.id))
	if err != nil {
		return View{}, err
	}
	if v.Events, err = s.events(ctx, v.ID); err != nil {
		return View{}, err
	}
	if v.Branches, err = s.branches(ctx, v.ID); err != nil {
		return View{}, err
	}
	if v.Files, err = s.files(ctx, v.ID); err != nil {
		return View{}, err
	}
	if v.Payments, err = s.payments(ctx, v.ID); err != nil {
		return View{}, err
	}
	if v.Status == StatusSupplement {
		for i := len(v.Events) - 1; i >= 0; i-- {
			if v.Events[i].Action == string(catalog.ActRequestSupplement) {
				v.Deficiencies = stringsOf(v.Events[i].Data["deficiencies"])
				break
			}
		}
	}
	if err := s.allowed(ctx, p, r, &v); err != nil {
		return View{}, err
	}
	return v, nil
}

func stringsOf(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, x := range list {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// allowed fills in what the viewer may do now.
func (s *Service) allowed(ctx context.Context, p *identity.Principal, r record, v *View) error {
	if !p.User.IsOfficial() {
		switch {
		case r.status == StatusSupplement:
			v.Allowed = append(v.Allowed, "supplement", "withdraw")
		case r.status == StatusSubmitted || r.status == StatusProcessing:
			v.Allowed = append(v.Allowed, "withdraw")
		case r.status.Finished() && r.status != StatusWithdrawn && (v.Rating == 0 || v.RatingChanges == 0):
			v.Allowed = append(v.Allowed, "rate")
		}
		return nil
	}
	wf, err := s.workflowAt(ctx, r.wfKey, r.wfV)
	if err != nil {
		return err
	}
	if st, ok := wf.Step(r.step); ok {
		acts := append([]catalog.Action{catalog.ActAssign}, func() []catalog.Action {
			var a []catalog.Action
			for _, t := range st.Actions {
				a = append(a, t.Action)
			}
			return a
		}()...)
		for _, a := range acts {
			if !allowedAt(a, r.status) || s.authorize(ctx, p, r, st, a) != nil {
				continue
			}
			if a == catalog.ActSendAgency && len(v.Branches) > 0 {
				continue
			}
			if a == catalog.ActExtend && r.extensions > 0 {
				continue
			}
			v.Allowed = append(v.Allowed, a)
		}
	}
	for _, b := range v.Branches {
		if b.Status == "pending" && b.Step == r.step && r.status == StatusProcessing {
			role := identity.Role(r.stepRole)
			if ok, _ := s.dir.Within(ctx, p, role, b.AgencyID); ok {
				v.BranchAgencies = append(v.BranchAgencies, b.AgencyID)
			}
		}
	}
	if ok, _ := s.dir.Within(ctx, p, identity.RoleDesk, r.unit); ok && r.status != StatusRefused && r.status != StatusWithdrawn {
		v.CanPay = true
	}
	return nil
}

func (s *Service) events(ctx context.Context, dossierID int64) ([]Event, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT e.id, e.at, e.action, e.step, e.to_step, e.actor, COALESCE(e.unit_id, 0), COALESCE(u.name, ''),
		COALESCE(e.from_unit_id, 0), COALESCE(f.name, ''), e.step_due_at, e.outcome, e.note, e.data
		FROM dossier_events e LEFT JOIN agencies u ON u.id = e.unit_id LEFT JOIN agencies f ON f.id = e.from_unit_id
		WHERE e.dossier_id = $1 ORDER BY e.id`, dossierID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var e Event
		var due sql.NullTime
		var data string
		if err := rows.Scan(&e.ID, &e.At, &e.Action, &e.Step, &e.ToStep, &e.Actor, &e.UnitID, &e.Unit, &e.FromUnitID, &e.FromUnit,
			&due, &e.Outcome, &e.Note, &data); err != nil {
			return nil, err
		}
		e.StepDueAt = ptr(due)
		_ = json.Unmarshal([]byte(data), &e.Data)
		out = append(out, e)
	}
	return out, rows.Err()
}

func (s *Service) files(ctx context.Context, dossierID int64) ([]File, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT id, purpose, document, name, content_type, size, hash, pages, COALESCE(result_code, ''), uploaded_at
		FROM dossier_files WHERE dossier_id = $1 ORDER BY id`, dossierID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []File
	for rows.Next() {
		var f File
		if err := rows.Scan(&f.ID, &f.Purpose, &f.Document, &f.Name, &f.ContentType, &f.Size, &f.Hash, &f.Pages, &f.ResultCode, &f.UploadedAt); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

func (s *Service) payments(ctx context.Context, dossierID int64) ([]Payment, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT amount, method, reference, at FROM dossier_payments WHERE dossier_id = $1 ORDER BY id`, dossierID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Payment
	for rows.Next() {
		var p Payment
		if err := rows.Scan(&p.Amount, &p.Method, &p.Reference, &p.At); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// FileOf returns one file of a dossier that p may see (for download).
func (s *Service) FileOf(ctx context.Context, p *identity.Principal, code string, fileID int64) (File, error) {
	r, err := s.load(ctx, s.db.R, code)
	if err != nil {
		return File{}, err
	}
	if !s.visible(ctx, p, r) {
		return File{}, ErrDossierNotFound
	}
	var f File
	err = s.db.R.QueryRowContext(ctx, `SELECT id, purpose, document, name, content_type, size, hash, pages, COALESCE(result_code, ''), uploaded_at
		FROM dossier_files WHERE dossier_id = $1 AND id = $2`, r.id, fileID).
		Scan(&f.ID, &f.Purpose, &f.Document, &f.Name, &f.ContentType, &f.Size, &f.Hash, &f.Pages, &f.ResultCode, &f.UploadedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return File{}, ErrDossierNotFound
	}
	return f, err
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
	q := `SELECT ` + viewCols + viewFrom + ` WHERE d.applicant_id = $1`
	args := []any{p.User.ID}
	if afterID > 0 {
		q += ` AND d.id < $2`
		args = append(args, afterID)
	}
	q += ` ORDER BY d.id DESC LIMIT ` + strconv.Itoa(limit)
	return s.list(ctx, q, args...)
}

func (s *Service) list(ctx context.Context, q string, args ...any) ([]View, error) {
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
