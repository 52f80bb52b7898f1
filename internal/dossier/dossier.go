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

	"github.com/riverqueue/river"
)

// Status is where a dossier is in its life.
type Status string

const (
	StatusSubmitted  Status = "submitted"  // online, waiting for the desk
	StatusSupplement Status = "supplement" // with the applicant, to complete
	StatusProcessing Status = "processing" // received complete, clock running
	StatusResult     Status = "result"     // result issued, to be returned
	StatusReturned   Status = "returned"   // result returned: done
	StatusRefused    Status = "refused"    // refused at receipt
	StatusStopped    Status = "stopped"    // processing stopped
	StatusWithdrawn  Status = "withdrawn"  // withdrawn by the applicant
)

// Statuses lists every status, in the order of a dossier's life.
var Statuses = []Status{StatusSubmitted, StatusSupplement, StatusProcessing, StatusResult, StatusReturned,
	StatusRefused, StatusStopped, StatusWithdrawn}

// Finished reports whether nothing more happens to the dossier (except a
// rating).
func (s Status) Finished() bool {
	return s == StatusReturned || s == StatusRefused || s == StatusStopped || s == StatusWithdrawn
}

// Clock is the state of the dossier's processing clock.
type Clock string

const (
	ClockNotStarted Clock = "not_started" // before receipt: no deadline yet
	ClockRunning    Clock = "running"
	ClockPaused     Clock = "paused" // with the applicant for a supplement
	ClockFinished   Clock = "finished"
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
	DeciderID        int64
	ApplicantID      int64
	ApplicantName    string
	Channel          Channel
	Status           Status
	Step             string
	StepUnitID       int64
	StepRole         string
	AssigneeID       int64
	Clock            Clock
	Data             map[string]any
	SubmittedAt      time.Time
	FeesDue          int64
	FeesPaid         int64
	Version          int
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

// Directory is what dossiers need of identity: the agency tree and who
// acts where.
type Directory interface {
	Agency(ctx context.Context, id int64) (identity.Agency, error)
	AgencyByCode(ctx context.Context, code string) (identity.Agency, error)
	Agencies(ctx context.Context) ([]identity.Agency, error)
	User(ctx context.Context, id int64) (identity.User, error)
	CitizenByPersonalID(ctx context.Context, pid string) (identity.User, error)
	// Within reports whether agencyID is at or under an agency where the
	// user holds role.
	Within(ctx context.Context, p *identity.Principal, role identity.Role, agencyID int64) (bool, error)
	Subtree(ctx context.Context, roots []int64) ([]int64, error)
}

// Calendars gives the working calendar (the calendar service).
type Calendars interface {
	Calendar(ctx context.Context) (*calendar.Calendar, error)
}

// Scheduler inserts durable jobs in the caller's transaction (the jobs
// runner); nil schedules nothing (command-line tools).
type Scheduler interface {
	InsertTx(ctx context.Context, tx *sql.Tx, args river.JobArgs, opts *river.InsertOpts) error
}

// Mailer records the e-mail copy of a notification in the transaction
// that inserts it (internal/mail); nil sends no mail.
type Mailer interface {
	EnqueueTx(ctx context.Context, tx *sql.Tx, notificationID, userID int64, kind string) error
}

// Deps are the dossier service's collaborators.
type Deps struct {
	DB        *sqldb.DB
	Audit     *audit.Log
	Catalog   Catalog
	Directory Directory
	Calendars Calendars
	Jobs      Scheduler
	Mail      Mailer
	Now       func() time.Time
	// DueSoon is how many working days before a deadline work is flagged
	// and its assignee warned (default 1).
	DueSoon int
}

// Service handles dossiers.
type Service struct {
	db       *sqldb.DB
	audit    *audit.Log
	catalog  Catalog
	dir      Directory
	cals     Calendars
	jobs     Scheduler
	mail     Mailer
	signer   ResultSigner
	sigCheck SignatureChecker
	now      func() time.Time
	dueSoon  int
	vers     versions
}

// NewService returns the dossier service.
func NewService(d Deps) *Service {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.DueSoon <= 0 {
		d.DueSoon = 1
	}
	return &Service{db: d.DB, audit: d.Audit, catalog: d.Catalog, dir: d.Directory, cals: d.Calendars,
		jobs: d.Jobs, mail: d.Mail, now: d.Now, dueSoon: d.DueSoon}
}

// SetScheduler sets the job runner once it exists (it is built after the
// services).
func (s *Service) SetScheduler(j Scheduler) { s.jobs = j }

// SetMailer sets the e-mail hook (before the service is used).
func (s *Service) SetMailer(m Mailer) { s.mail = m }

var (
	ErrNotReceivingUnit = apperr.New(apperr.Invalid, "dossier.unit_not_receiving",
		"Đơn vị được chọn không tiếp nhận hồ sơ của thủ tục này.", "The chosen unit does not receive this procedure's dossiers.")
	ErrNoForm = apperr.New(apperr.Invalid, "dossier.no_form",
		"Thủ tục này chưa có tờ khai trực tuyến; vui lòng nộp hồ sơ trực tiếp.", "This procedure has no online form yet; please apply in person.")
	ErrNotOnline = apperr.New(apperr.Invalid, "dossier.not_online",
		"Thủ tục này chưa được cung cấp trực tuyến; vui lòng nộp hồ sơ tại bộ phận một cửa hoặc qua bưu chính.",
		"This procedure is not offered online; please apply at the one-stop desk or by post.")
	ErrApplicantsOnly = apperr.New(apperr.Forbidden, "dossier.applicants_only",
		"Chỉ công dân, tổ chức đã đăng nhập mới nộp hồ sơ trực tuyến; cán bộ nộp thay tại quầy một cửa.",
		"Only signed-in citizens and organisations apply online; officials submit on someone's behalf at the desk.")
	ErrNoDecider = apperr.New(apperr.Invalid, "dossier.no_decider",
		"Chưa xác định được cơ quan giải quyết thủ tục này tại đơn vị đã chọn; vui lòng liên hệ bộ phận một cửa.",
		"The deciding agency of this procedure at the chosen unit is not known; please contact the one-stop desk.")
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

// FileRef is an accepted upload (see internal/attach) to record with a
// dossier.
type FileRef struct {
	Document    string // which required document it is, as the catalogue names it
	Name        string
	ContentType string
	Size        int64
	Hash        string
	Pages       int
}

// Submission is an application: online by the applicant, or at the desk
// by a desk officer on their behalf.
type Submission struct {
	ProcedureCode   string
	ReceivingUnitID int64
	Values          eform.Values
	Files           []FileRef
	// Applicant is the signed-in applicant (online). At the desk it is
	// the person named by the papers: FullName, PersonalID, Phone, and ID
	// when they have an account.
	Applicant identity.User
}

// Submit checks an online submission against the procedure's e-form,
// addresses it to a receiving unit that accepts the procedure, gives it
// its code and records it with the catalogue versions it starts with,
// all in one transaction with its history and audit entries.
func (s *Service) Submit(ctx context.Context, p *identity.Principal, sub Submission) (Dossier, error) {
	if p == nil || p.Stage != identity.StageFull || p.User.IsOfficial() {
		return Dossier{}, ErrApplicantsOnly
	}
	sub.Applicant = p.User
	pr, err := s.prepare(ctx, sub, ChannelOnline)
	if err != nil {
		return Dossier{}, err
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := s.insert(ctx, tx, p, &pr); err != nil {
			return err
		}
		return s.notify(ctx, tx, pr.d, "submit", pr.d.Code)
	})
	return pr.d, err
}

// SubmitAtDesk records a dossier brought to the desk (paper scanned as
// attachments) by a desk officer of the receiving unit, for someone who
// cannot apply online. Papers at the desk are checked on the spot, so it
// is received at once: the code and the appointment come together.
func (s *Service) SubmitAtDesk(ctx context.Context, p *identity.Principal, sub Submission) (Receipt, error) {
	if strings.TrimSpace(sub.Applicant.FullName) == "" {
		return Receipt{}, apperr.Validation(apperr.Field("applicant_name", "dossier.applicant_name",
			"Nhập họ tên người nộp hồ sơ.", "Enter the applicant's full name."))
	}
	if ok, err := s.dir.Within(ctx, p, identity.RoleDesk, sub.ReceivingUnitID); err != nil || !ok {
		if err != nil {
			return Receipt{}, err
		}
		return Receipt{}, ErrNotYourStep
	}
	// A citizen with an account finds the dossier among their own.
	sub.Applicant.ID = 0
	if pid := strings.TrimSpace(sub.Applicant.PersonalID); pid != "" {
		if u, err := s.dir.CitizenByPersonalID(ctx, pid); err == nil && !u.Disabled {
			sub.Applicant.ID = u.ID
		}
	}
	pr, err := s.prepare(ctx, sub, ChannelDesk)
	if err != nil {
		return Receipt{}, err
	}
	var rc Receipt
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := s.insert(ctx, tx, p, &pr); err != nil {
			return err
		}
		r, err := s.load(ctx, tx, pr.d.Code)
		if err != nil {
			return err
		}
		rc, err = s.apply(ctx, tx, p, r, catalog.ActReceive, Input{})
		return err
	})
	return rc, err
}

// prepared is a checked submission ready to insert.
type prepared struct {
	d     Dossier
	data  string
	unit  identity.Agency
	files []FileRef
	pid   string
	phone string
}

func (s *Service) prepare(ctx context.Context, sub Submission, ch Channel) (prepared, error) {
	proc, err := s.catalog.Published(ctx, sub.ProcedureCode)
	if err != nil {
		return prepared{}, err
	}
	if ch == ChannelOnline && (!slices.Contains(proc.Channels, catalog.ChannelOnline) || proc.Online == catalog.OnlineNone) {
		return prepared{}, ErrNotOnline
	}
	_, pv, err := s.catalog.Procedure(ctx, proc.Code)
	if err != nil {
		return prepared{}, err
	}
	if proc.Form == "" {
		return prepared{}, ErrNoForm
	}
	form, fv, err := s.catalog.Form(ctx, proc.Form)
	if err != nil {
		return prepared{}, err
	}
	wf, wv, err := s.catalog.Workflow(ctx, proc.Workflow)
	if err != nil {
		return prepared{}, err
	}
	unit, err := s.receivingUnit(ctx, proc, sub.ReceivingUnitID)
	if err != nil {
		return prepared{}, err
	}
	decider, err := s.deciderOf(ctx, proc, unit)
	if err != nil {
		return prepared{}, err
	}
	if err := checkFiles(sub.Files); err != nil {
		return prepared{}, err
	}
	if err := s.checkSignedDocuments(ctx, proc, sub.Files); err != nil {
		return prepared{}, err
	}
	now := sqldb.UTC(s.now())
	local := now.In(calendar.Location())
	clean, errs := form.Check(sub.Values, eform.WithToday(eform.Date{Year: local.Year(), Month: local.Month(), Day: local.Day()}),
		eform.WithFiles(filesByField(form, sub.Files)))
	if len(errs) > 0 {
		return prepared{}, apperr.Validation(errs...)
	}
	data, err := json.Marshal(clean.Values)
	if err != nil {
		return prepared{}, err
	}
	d := Dossier{ProcedureCode: proc.Code, ProcedureVersion: pv.Version, WorkflowKey: wf.Key, WorkflowVersion: wv.Version,
		FormKey: form.Key, FormVersion: fv.Version, ReceivingUnitID: unit.ID, DeciderID: decider.ID, ApplicantID: sub.Applicant.ID,
		ApplicantName: sub.Applicant.FullName, Channel: ch, Status: StatusSubmitted, Step: wf.Steps[0].ID,
		StepUnitID: unit.ID, StepRole: wf.Steps[0].Role, Clock: ClockNotStarted, SubmittedAt: now,
		FeesDue: FeesDue(proc), Data: clean.Values}
	return prepared{d: d, data: string(data), unit: unit, files: sub.Files, pid: sub.Applicant.PersonalID, phone: sub.Applicant.Phone}, nil
}

// filesByField gives the form's file fields the files attached for them:
// a file whose Document names a file field of the form (by its name or its
// Vietnamese label) belongs to it.
func filesByField(form eform.Form, files []FileRef) eform.Files {
	out := eform.Files{}
	for _, f := range files {
		for _, fl := range form.Fields {
			if fl.Type == eform.TypeFile && f.Document != "" && (fl.Name == f.Document || fl.Label.VI == f.Document) {
				out[fl.Name] = append(out[fl.Name], eform.FileInfo{Name: f.Name, Size: f.Size, MIME: f.ContentType})
			}
		}
	}
	return out
}

// FeesDue is the sum of the procedure's published fees and charges (the
// amounts a person must check are recorded as 0 with a note).
func FeesDue(p catalog.Procedure) int64 {
	var n int64
	for _, f := range p.Fees {
		n += f.Amount
	}
	return n
}

// insert gives the dossier its code and stores it with its files, first
// event and audit entry.
func (s *Service) insert(ctx context.Context, tx *sql.Tx, p *identity.Principal, pr *prepared) error {
	d := &pr.d
	var err error
	if d.Code, err = s.nextCode(ctx, tx, pr.unit, d.SubmittedAt); err != nil {
		return err
	}
	if err := tx.QueryRowContext(ctx, `INSERT INTO dossiers(code, procedure_code, procedure_version, workflow_key, workflow_version,
		form_key, form_version, receiving_unit_id, decider_id, applicant_id, applicant_name, applicant_pid, applicant_phone,
		channel, status, step, step_unit_id, step_role, step_started_at, data, submitted_at, updated_at, fees_due)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $19, $19, $21) RETURNING id`,
		d.Code, d.ProcedureCode, d.ProcedureVersion, d.WorkflowKey, d.WorkflowVersion, d.FormKey, d.FormVersion,
		d.ReceivingUnitID, d.DeciderID, nullID(d.ApplicantID), d.ApplicantName, pr.pid, pr.phone, d.Channel, d.Status, d.Step,
		d.StepUnitID, d.StepRole, d.SubmittedAt, pr.data, d.FeesDue).Scan(&d.ID); err != nil {
		return err
	}
	if err := s.addFiles(ctx, tx, d.ID, "application", pr.files, p.User.ID, d.SubmittedAt); err != nil {
		return err
	}
	if err := s.event(ctx, tx, p, d.ID, ev{at: d.SubmittedAt, action: "submit", step: d.Step, unit: pr.unit.ID,
		data: map[string]any{"channel": d.Channel, "files": len(pr.files), "fees_due": d.FeesDue}}); err != nil {
		return err
	}
	return s.audit.Record(ctx, tx, "dossier.submit", "dossier", d.Code, map[string]any{
		"procedure": d.ProcedureCode, "unit": pr.unit.ID, "channel": d.Channel})
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// receives reports whether a one-stop unit (under parent, zero for none)
// receives the procedure: the unit or its parent is named by code among
// the procedure's receivers, or has a kind named there.
func receives(p catalog.Procedure, unit, parent identity.Agency) bool {
	if !unit.Active || !unit.ReceivesDossiers || unit.Code == "" {
		return false
	}
	for _, r := range p.Receivers {
		for _, a := range []identity.Agency{unit, parent} {
			if a.ID == 0 {
				continue
			}
			if (r.Code != "" && strings.EqualFold(a.Code, r.Code)) || (r.Code == "" && r.Kind != "" && string(a.Kind) == r.Kind) {
				return true
			}
		}
	}
	return false
}

// receivingUnit checks that the unit has a one-stop desk and belongs to an
// agency the procedure names as receiver (by code, or by kind).
func (s *Service) receivingUnit(ctx context.Context, p catalog.Procedure, id int64) (identity.Agency, error) {
	unit, err := s.dir.Agency(ctx, id)
	if errors.Is(err, identity.ErrAgencyNotFound) {
		return identity.Agency{}, ErrNotReceivingUnit
	}
	if err != nil {
		return identity.Agency{}, err
	}
	if !unit.Active || !unit.ReceivesDossiers || unit.Code == "" {
		return identity.Agency{}, ErrNotReceivingUnit
	}
	var parent identity.Agency
	if unit.ParentID != 0 {
		if parent, err = s.dir.Agency(ctx, unit.ParentID); err != nil {
			return identity.Agency{}, err
		}
	}
	if receives(p, unit, parent) {
		return unit, nil
	}
	return identity.Agency{}, ErrNotReceivingUnit
}
