package dossier

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"egov/internal/apperr"
	"egov/internal/calendar"
	"egov/internal/catalog"
	"egov/internal/identity"
	"egov/internal/platform/sqldb"
)

var (
	// ErrDossierNotFound is also what a caller without access gets: the
	// existence of another's dossier is not disclosed.
	ErrDossierNotFound = apperr.New(apperr.NotFound, "dossier.not_found", "Không tìm thấy hồ sơ.", "Dossier not found.")
	ErrWrongState      = apperr.New(apperr.Conflict, "dossier.wrong_state",
		"Hồ sơ không ở bước cho phép thao tác này.", "The dossier is not at a step that allows this action.")
	ErrNotYourStep = apperr.New(apperr.Forbidden, "dossier.not_your_step",
		"Bạn không có vai trò hoặc đơn vị được giao ở bước này của hồ sơ.", "You do not hold the role or unit this step of the dossier needs.")
	ErrAssignedToOther = apperr.New(apperr.Forbidden, "dossier.assigned_to_other",
		"Hồ sơ đã được phân công cho cán bộ khác; lãnh đạo đơn vị có thể phân công lại.",
		"The dossier is assigned to another official; the unit's leader can re-assign it.")
	ErrChanged = apperr.New(apperr.Conflict, "dossier.changed",
		"Hồ sơ vừa được người khác cập nhật; vui lòng tải lại trang và thử lại.", "Someone else just changed the dossier; reload and try again.")
	ErrReasonRequired = apperr.Validation(apperr.Field("note", "dossier.reason_required",
		"Nhập lý do.", "Enter the reason."))
	ErrDeficienciesRequired = apperr.Validation(apperr.Field("deficiencies", "dossier.deficiencies_required",
		"Liệt kê đầy đủ từng nội dung cần bổ sung, hoàn thiện (mỗi dòng một nội dung).",
		"List every item to supplement or complete (one per line)."))
	ErrExtendTooLate = apperr.New(apperr.Conflict, "dossier.extend_too_late",
		"Chỉ được xin lỗi và gia hạn chậm nhất 01 ngày làm việc trước thời hạn trả kết quả.",
		"An apology and extension must be issued at least one working day before the due date.")
	ErrExtendOnce = apperr.New(apperr.Conflict, "dossier.extend_once",
		"Hồ sơ đã được gia hạn một lần; pháp luật chỉ cho phép hẹn lại một lần.",
		"The dossier has been extended once; the law allows rescheduling only once.")
	ErrExtendDays = apperr.Validation(apperr.Field("days", "dossier.extend_days",
		"Số ngày gia hạn phải từ 1 đến 30 ngày làm việc.", "The extension must be 1 to 30 working days."))
	ErrBranchesPending = apperr.New(apperr.Conflict, "dossier.branches_pending",
		"Còn cơ quan phối hợp liên thông chưa trả kết quả.", "Some agencies of the inter-agency processing have not answered yet.")
	ErrResultRequired = apperr.Validation(apperr.Field("result", "dossier.result_required",
		"Đính kèm văn bản kết quả giải quyết.", "Attach the result document."))
	ErrAssignee = apperr.Validation(apperr.Field("assignee", "dossier.assignee",
		"Cán bộ được phân công phải có vai trò xử lý bước này tại đơn vị.", "The assignee must hold this step's role in the unit."))
	ErrBadFile = apperr.Validation(apperr.Field("files", "dossier.bad_file",
		"Tệp đính kèm không hợp lệ; vui lòng tải lên lại.", "An attachment is not valid; please upload it again."))
)

// Input carries what an action needs besides the dossier.
type Input struct {
	Note         string   // reason or note: required to refuse, return, stop, extend
	Deficiencies []string // request_supplement (and refuse): each item, once
	AssigneeID   int64    // assign
	Days         int      // extend: working days added to the due instant
	Result       *FileRef // issue_result: the result document

	signed        *SignedResult // issue_result: how the result was signed
	resultsBefore int           // issue_result: results issued when it was signed
}

// Change is the outcome of an action.
type Change struct {
	Code       string
	Action     catalog.Action
	Status     Status
	Step       string
	ReceivedAt time.Time
	DueAt      time.Time // the appointment: when the result is due
	StepDueAt  time.Time
	ResultCode string
	Why        calendar.Explanation // how DueAt was counted, when it changed
}

// Receipt is the outcome of receiving a dossier.
type Receipt = Change

// Receive accepts a complete dossier at the desk: the clock starts and the
// appointment is computed from the procedure's processing time.
func (s *Service) Receive(ctx context.Context, p *identity.Principal, code string) (Receipt, error) {
	return s.Act(ctx, p, code, catalog.ActReceive, Input{})
}

// Act performs an official's action on a dossier, allowed only to the
// role and unit its workflow names at the current step: the history entry,
// the audit entry, the applicant's notification and the deadline jobs are
// written in the same transaction.
func (s *Service) Act(ctx context.Context, p *identity.Principal, code string, act catalog.Action, in Input) (Change, error) {
	if !slices.Contains(catalog.Actions, act) {
		return Change{}, ErrWrongState
	}
	if act == catalog.ActIssueResult && s.signer != nil && in.Result != nil {
		var err error
		if in, err = s.signResult(ctx, p, code, in); err != nil {
			return Change{}, err
		}
	}
	var c Change
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		r, err := s.load(ctx, tx, code)
		if err != nil {
			return err
		}
		c, err = s.apply(ctx, tx, p, r, act, in)
		return err
	})
	return c, err
}

// transitionOf returns where act leads from st.
func transitionOf(st catalog.Step, act catalog.Action) (string, bool) {
	for _, t := range st.Actions {
		if t.Action == act {
			return t.To, true
		}
	}
	return "", false
}

// allowedAt is the set of statuses in which an action makes sense.
func allowedAt(act catalog.Action, st Status) bool {
	switch act {
	case catalog.ActReceive, catalog.ActRefuse:
		return st == StatusSubmitted
	case catalog.ActRequestSupplement:
		return st == StatusSubmitted || st == StatusProcessing
	case catalog.ActReturnResult:
		return st == StatusResult
	case catalog.ActIssueResult, catalog.ActForward, catalog.ActApprove, catalog.ActReturnPrevious,
		catalog.ActSendAgency, catalog.ActExtend, catalog.ActStop:
		return st == StatusProcessing
	case catalog.ActAssign:
		return st == StatusSubmitted || st == StatusProcessing || st == StatusResult
	}
	return false
}

func (s *Service) apply(ctx context.Context, tx *sql.Tx, p *identity.Principal, r record, act catalog.Action, in Input) (Change, error) {
	wf, st, to, err := s.permitted(ctx, p, r, act)
	if err != nil {
		return Change{}, err
	}
	proc, err := s.procAt(ctx, r.proc, r.procV)
	if err != nil {
		return Change{}, err
	}
	cal, err := s.cals.Calendar(ctx)
	if err != nil {
		return Change{}, err
	}
	now := sqldb.UTC(s.now())
	m := &move{s: s, ctx: ctx, tx: tx, p: p, r: r, wf: wf, st: st, proc: proc, cal: cal, now: now,
		cols: map[string]any{"updated_at": now},
		e:    ev{at: now, action: string(act), step: r.step, unit: r.stepUnit, fromUnit: r.stepUnit, note: strings.TrimSpace(in.Note), data: map[string]any{}},
		c:    Change{Code: r.code, Action: act, Status: r.status, Step: r.step, ReceivedAt: r.receivedAt, DueAt: r.dueAt, StepDueAt: r.stepDue}}
	note := m.e.note
	switch act {
	case catalog.ActReceive:
		due, why, err := DueOf(cal, now, proc.Time)
		if err != nil {
			return Change{}, err
		}
		m.startClock(due, why)
		m.cols["received_at"] = now
		m.c.ReceivedAt = now
		m.e.note = "hẹn trả kết quả " + due.In(calendar.Location()).Format("15:04 02/01/2006")
		start, err := HandOverAt(cal, now, r.channel)
		if err != nil {
			return Change{}, err
		}
		m.status(StatusProcessing)
		if err := m.moveTo(to, start); err != nil {
			return Change{}, err
		}
		m.notice = []any{r.code, due.In(calendar.Location()).Format("15:04 ngày 02/01/2006")}
	case catalog.ActRequestSupplement:
		items := cleanList(in.Deficiencies)
		if len(items) == 0 {
			return Change{}, ErrDeficienciesRequired
		}
		m.e.data["deficiencies"] = items
		m.cols["paused_step"] = r.step
		if r.status == StatusProcessing {
			// During processing the clock stops; it restarts from zero when
			// the applicant completes the dossier.
			m.cols["clock"], m.cols["paused_at"] = ClockPaused, now
			m.cols["supplements"] = r.supplements + 1
			m.e.outcome = OutcomeOf(now, r.stepDue)
			m.e.stepDue = r.stepDue
		}
		m.status(StatusSupplement)
		m.notice = []any{r.code, "\n- " + strings.Join(items, "\n- ")}
	case catalog.ActRefuse:
		items := cleanList(append(in.Deficiencies, in.Note))
		if len(items) == 0 {
			return Change{}, ErrReasonRequired
		}
		m.e.data["reasons"] = items
		m.e.note = strings.Join(items, "; ")
		m.finish(StatusRefused)
		m.notice = []any{r.code, "\n- " + strings.Join(items, "\n- ")}
	case catalog.ActForward, catalog.ActApprove:
		if len(st.Branches) > 0 {
			pending, err := s.pendingBranches(ctx, tx, r.id, r.step)
			if err != nil {
				return Change{}, err
			}
			if pending > 0 {
				return Change{}, ErrBranchesPending
			}
		}
		if err := m.moveTo(to, now); err != nil {
			return Change{}, err
		}
	case catalog.ActReturnPrevious:
		if note == "" {
			return Change{}, ErrReasonRequired
		}
		if err := m.moveTo(to, now); err != nil {
			return Change{}, err
		}
		m.cols["returned"] = true
	case catalog.ActSendAgency:
		if err := m.sendAgencies(); err != nil {
			return Change{}, err
		}
	case catalog.ActAssign:
		if err := m.assign(in.AssigneeID); err != nil {
			return Change{}, err
		}
	case catalog.ActExtend:
		if note == "" {
			return Change{}, ErrReasonRequired
		}
		if in.Days < 1 || in.Days > 30 {
			return Change{}, ErrExtendDays
		}
		if r.extensions > 0 {
			return Change{}, ErrExtendOnce
		}
		ok, err := canExtend(cal, now, r.dueAt, r.extensions)
		if err != nil {
			return Change{}, err
		}
		if !ok {
			return Change{}, ErrExtendTooLate
		}
		due, err := extendedDue(cal, r.dueAt, in.Days)
		if err != nil {
			return Change{}, err
		}
		m.cols["due_at"], m.cols["extensions"], m.cols["overdue"] = due, r.extensions+1, false
		m.cols["due_why"] = mustJSON(map[string]any{"extended_from": r.dueAt, "days": in.Days, "reason": note})
		m.cols["step_due_at"], m.cols["step_late"] = due, false
		m.cols["step_warn_at"] = WarnAt(cal, due, r.stepStarted, s.dueSoon)
		m.e.data["old_due_at"], m.e.data["due_at"], m.e.data["days"] = r.dueAt, due, in.Days
		m.c.DueAt, m.c.StepDueAt = due, due
		m.jobs = append(m.jobs, deadline{kind: kindStepWarn, step: r.step, at: m.cols["step_warn_at"].(time.Time), due: due},
			deadline{kind: kindStepLate, step: r.step, at: due, due: due}, deadline{kind: kindOverdue, at: due, due: due})
		m.notice = []any{r.code, due.In(calendar.Location()).Format("15:04 ngày 02/01/2006"), note}
	case catalog.ActStop:
		if note == "" {
			return Change{}, ErrReasonRequired
		}
		m.finish(StatusStopped)
		m.notice = []any{r.code, note}
	case catalog.ActIssueResult:
		if in.Result == nil {
			return Change{}, ErrResultRequired
		}
		if err := checkFiles([]FileRef{*in.Result}); err != nil {
			return Change{}, err
		}
		if in.signed != nil && in.resultsBefore != r.results {
			return Change{}, ErrChanged // another result was issued while this one was signed
		}
		n := r.results + 1
		rc := fmt.Sprintf("%s-KQ%d", r.code, n)
		if sr := in.signed; sr != nil {
			if sr.Organisation == "" {
				m.e.data["unsigned"] = true
			} else {
				m.e.data["signed_by"] = slices.DeleteFunc([]string{sr.Person, sr.Organisation}, func(s string) bool { return s == "" })
				m.e.data["signature_level"] = sr.Level
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO dossier_files(dossier_id, purpose, document, name, content_type, size, hash, pages,
			result_code, uploaded_at, uploaded_by) VALUES ($1, 'result', $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			r.id, proc.Result, in.Result.Name, in.Result.ContentType, in.Result.Size, in.Result.Hash, in.Result.Pages, rc, now, nullID(p.User.ID)); err != nil {
			return Change{}, err
		}
		m.cols["results"] = n
		m.c.ResultCode = rc
		m.e.data["result_code"] = rc
		m.status(StatusResult)
		if err := m.moveTo(to, now); err != nil {
			return Change{}, err
		}
		m.notice = []any{r.code, rc}
	case catalog.ActReturnResult:
		m.finish(StatusReturned)
		m.notice = []any{r.code}
	}
	return m.commit()
}

// permitted checks that p may take act on the dossier now, and returns its
// workflow, the current step and where the action leads.
func (s *Service) permitted(ctx context.Context, p *identity.Principal, r record, act catalog.Action) (catalog.Workflow, catalog.Step, string, error) {
	if !s.visible(ctx, p, r) {
		return catalog.Workflow{}, catalog.Step{}, "", ErrDossierNotFound
	}
	wf, err := s.workflowAt(ctx, r.wfKey, r.wfV)
	if err != nil {
		return catalog.Workflow{}, catalog.Step{}, "", err
	}
	st, found := wf.Step(r.step)
	to, allowed := transitionOf(st, act)
	if act == catalog.ActAssign {
		to, allowed = r.step, true // assignment is possible at every step
	}
	if !found || !allowed || !allowedAt(act, r.status) {
		return wf, st, to, ErrWrongState
	}
	return wf, st, to, s.authorize(ctx, p, r, st, act)
}

// authorize checks that p holds the step's role in the step's unit, and
// that a dossier assigned to a colleague is left to them (or the leader).
func (s *Service) authorize(ctx context.Context, p *identity.Principal, r record, st catalog.Step, act catalog.Action) error {
	role := identity.Role(st.Role)
	ok, err := s.dir.Within(ctx, p, role, r.stepUnit)
	if err != nil {
		return err
	}
	lead := false
	if !ok || act == catalog.ActAssign || (r.assignee != 0 && r.assignee != p.User.ID) {
		if lead, err = s.dir.Within(ctx, p, identity.RoleLeader, r.stepUnit); err != nil {
			return err
		}
	}
	switch {
	case act == catalog.ActAssign:
		if !ok && !lead {
			return ErrNotYourStep
		}
	case !ok:
		return ErrNotYourStep
	case r.assignee != 0 && r.assignee != p.User.ID && !lead:
		return ErrAssignedToOther
	}
	return nil
}

// move is one action being applied: the columns to change, the history
// entry, the notice to the applicant and the deadline jobs to schedule.
type move struct {
	s      *Service
	ctx    context.Context
	tx     *sql.Tx
	p      *identity.Principal
	r      record
	wf     catalog.Workflow
	st     catalog.Step
	proc   catalog.Procedure
	cal    *calendar.Calendar
	now    time.Time
	cols   map[string]any
	e      ev
	c      Change
	notice []any // arguments of the applicant's notification; nil for none
	jobs   []deadline
}

func (m *move) status(st Status) {
	m.cols["status"] = st
	m.c.Status = st
}

// startClock starts (or restarts from zero) the processing clock.
func (m *move) startClock(due time.Time, why calendar.Explanation) {
	m.cols["clock"], m.cols["clock_started_at"], m.cols["due_at"], m.cols["overdue"] = ClockRunning, m.now, due, false
	m.cols["due_why"] = mustJSON(why)
	m.c.DueAt, m.c.Why = due, why
	m.e.data["due_at"] = due
	if why.N > 0 {
		m.e.data["why"] = why
	}
	m.jobs = append(m.jobs, deadline{kind: kindOverdue, at: due, due: due})
}

// moveTo hands the dossier to the step to, whose own deadline starts at
// start; End finishes it.
func (m *move) moveTo(to string, start time.Time) error {
	if to == catalog.End {
		m.finish(StatusReturned)
		return nil
	}
	m.e.outcome = OutcomeOf(m.now, m.r.stepDue)
	m.e.stepDue = m.r.stepDue
	if to == m.r.step {
		return nil
	}
	next, ok := m.wf.Step(to)
	if !ok {
		return fmt.Errorf("dossier: workflow %s has no step %q", m.wf.Key, to)
	}
	unit, err := m.s.stepUnit(m.ctx, next.Unit, m.r.unit, m.r.decider)
	if err != nil {
		return err
	}
	overall := m.r.dueAt
	if d, ok := m.cols["due_at"].(time.Time); ok {
		overall = d
	}
	due, err := StepDue(m.cal, start, m.proc.Time, next.Share, overall)
	if err != nil {
		return err
	}
	warn := WarnAt(m.cal, due, start, m.s.dueSoon)
	m.cols["step"], m.cols["step_unit_id"], m.cols["step_role"] = to, unit, next.Role
	m.cols["step_started_at"], m.cols["step_due_at"], m.cols["step_warn_at"] = start, due, warn
	m.cols["step_late"], m.cols["returned"], m.cols["assignee_id"] = false, false, nil
	m.e.toStep, m.e.unit = to, unit
	m.e.data["step_due_at"] = due
	m.c.Step, m.c.StepDueAt = to, due
	if !due.IsZero() {
		m.jobs = append(m.jobs, deadline{kind: kindStepWarn, step: to, at: warn, due: due}, deadline{kind: kindStepLate, step: to, at: due, due: due})
	}
	return nil
}

// finish ends the dossier with st; the outcome compares now with the due
// instant (returned, stopped, refused or withdrawn by then is on time).
func (m *move) finish(st Status) {
	m.status(st)
	m.cols["clock"], m.cols["finished_at"], m.cols["step"], m.cols["step_role"] = ClockFinished, m.now, catalog.End, ""
	m.cols["assignee_id"] = nil
	m.cols["outcome"] = string(OutcomeOf(m.now, m.r.dueAt))
	m.e.toStep = catalog.End
	m.e.outcome = OutcomeOf(m.now, m.r.stepDue)
	m.e.stepDue = m.r.stepDue
	m.c.Step = catalog.End
}

func (m *move) assign(to int64) error {
	u, err := m.s.dir.User(m.ctx, to)
	if err != nil {
		return ErrAssignee
	}
	ok, err := m.s.dir.Within(m.ctx, &identity.Principal{User: u, Stage: identity.StageFull}, identity.Role(m.st.Role), m.r.stepUnit)
	if err != nil {
		return err
	}
	if !ok || u.Disabled {
		return ErrAssignee
	}
	m.cols["assignee_id"] = u.ID
	m.e.data["assignee"] = u.FullName
	if m.r.assignee != 0 {
		m.e.action = "reassign"
	}
	return m.s.notifyUser(m.ctx, m.tx, u.ID, m.r.id, "assigned", m.r.code)
}

func (m *move) sendAgencies() error {
	if len(m.st.Branches) == 0 {
		return ErrWrongState
	}
	if n, err := m.s.countBranches(m.ctx, m.tx, m.r.id, m.r.step); err != nil || n > 0 {
		if err != nil {
			return err
		}
		return ErrWrongState // sent already
	}
	agencies, err := m.s.branchAgencies(m.ctx, m.st, m.r.unit, m.r.decider)
	if err != nil {
		return err
	}
	due := m.r.stepDue
	if due.IsZero() {
		due = m.r.dueAt
	}
	var names []string
	for i, a := range agencies {
		b := m.st.Branches[i]
		if _, err := m.tx.ExecContext(m.ctx, `INSERT INTO dossier_branches(dossier_id, step, agency_id, lead, task, status, sent_at, due_at)
			VALUES ($1, $2, $3, $4, $5, 'pending', $6, $7)`, m.r.id, m.r.step, a.ID, b.Lead, b.Task, m.now, sqldb.UTC(due)); err != nil {
			return err
		}
		names = append(names, a.Name)
	}
	m.e.data["agencies"] = names
	m.e.note = strings.Join(names, "; ")
	return nil
}

// commit writes the change, its history and audit entries, the
// applicant's notice and the deadline jobs.
func (m *move) commit() (Change, error) {
	if err := m.s.update(m.ctx, m.tx, m.r, m.cols); err != nil {
		return Change{}, err
	}
	if err := m.s.event(m.ctx, m.tx, m.p, m.r.id, m.e); err != nil {
		return Change{}, err
	}
	detail := map[string]any{"step": m.r.step, "to": m.c.Step, "status": m.c.Status}
	if m.e.note != "" {
		detail["note"] = m.e.note
	}
	if err := m.s.audit.Record(m.ctx, m.tx, "dossier."+m.e.action, "dossier", m.r.code, detail); err != nil {
		return Change{}, err
	}
	if m.notice != nil && m.r.applicant != 0 {
		if err := m.s.notifyUser(m.ctx, m.tx, m.r.applicant, m.r.id, m.e.action, m.notice...); err != nil {
			return Change{}, err
		}
	}
	for _, j := range m.jobs {
		if err := m.s.schedule(m.ctx, m.tx, m.r.id, j); err != nil {
			return Change{}, err
		}
	}
	return m.c, nil
}

// cleanList trims items and drops empty and repeated ones: every
// deficiency is named once.
func cleanList(items []string) []string {
	var out []string
	for _, it := range items {
		for line := range strings.SplitSeq(it, "\n") {
			line = strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(line), "-•*"))
			if line != "" && !slices.ContainsFunc(out, func(o string) bool { return strings.EqualFold(o, line) }) {
				out = append(out, line)
			}
		}
	}
	return out
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return "{}"
	}
	return string(b)
}
