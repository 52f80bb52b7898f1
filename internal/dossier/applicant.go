package dossier

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"egov/internal/apperr"
	"egov/internal/calendar"
	"egov/internal/catalog"
	"egov/internal/eform"
	"egov/internal/identity"
	"egov/internal/platform/sqldb"
)

var (
	ErrRatingRange = apperr.Validation(apperr.Field("score", "dossier.rating_range",
		"Chọn mức đánh giá từ 1 đến 5.", "Choose a rating from 1 to 5."))
	ErrRatingFinal = apperr.New(apperr.Conflict, "dossier.rating_final",
		"Bạn đã đổi đánh giá một lần; đánh giá này là cuối cùng.", "You have changed your rating once; it is final.")
	ErrNothingSupplied = apperr.Validation(apperr.Field("files", "dossier.nothing_supplied",
		"Bổ sung ít nhất một tệp hoặc sửa thông tin tờ khai.", "Add at least one file or correct the form."))
	ErrPayment = apperr.Validation(apperr.Field("amount", "dossier.payment",
		"Nhập số tiền (đồng) lớn hơn 0 và hình thức nộp: tiền mặt hoặc chuyển khoản.",
		"Enter an amount (VND) above 0 and the method: cash or transfer."))
)

// applicantOnly loads a dossier for its applicant; anyone else is told it
// does not exist.
func (s *Service) applicantOnly(ctx context.Context, tx *sql.Tx, p *identity.Principal, code string) (record, error) {
	r, err := s.load(ctx, tx, code)
	if err != nil {
		return r, err
	}
	if p == nil || p.Stage != identity.StageFull || r.applicant == 0 || r.applicant != p.User.ID {
		return record{}, ErrDossierNotFound
	}
	return r, nil
}

// CompleteSupplement is the applicant's answer to a supplement request:
// corrected form values and/or new files. At receipt the dossier goes
// back to the desk (the clock has not started); during processing the
// clock restarts from zero with a new appointment, and the time spent
// with the applicant is kept.
func (s *Service) CompleteSupplement(ctx context.Context, p *identity.Principal, code string, values eform.Values, files []FileRef, note string) (Change, error) {
	if err := checkFiles(files); err != nil {
		return Change{}, err
	}
	var c Change
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		r, err := s.applicantOnly(ctx, tx, p, code)
		if err != nil {
			return err
		}
		if r.status != StatusSupplement {
			return ErrWrongState
		}
		if len(values) == 0 && len(files) == 0 {
			return ErrNothingSupplied
		}
		now := sqldb.UTC(s.now())
		cols := map[string]any{"updated_at": now}
		if len(values) > 0 {
			data, err := s.recheck(ctx, tx, r, values, now)
			if err != nil {
				return err
			}
			cols["data"] = data
		}
		if err := s.addFiles(ctx, tx, r.id, "supplement", files, p.User.ID, now); err != nil {
			return err
		}
		wf, err := s.workflowAt(ctx, r.wfKey, r.wfV)
		if err != nil {
			return err
		}
		e := ev{at: now, action: "supplement_done", step: r.pausedStep, unit: r.stepUnit, note: strings.TrimSpace(note),
			data: map[string]any{"files": len(files), "values": len(values)}}
		c = Change{Code: r.code, Action: "supplement_done", Step: r.pausedStep, ReceivedAt: r.receivedAt}
		kind, args := "supplement_done_receipt", []any{r.code}
		if r.clock == ClockPaused {
			proc, err := s.procAt(ctx, r.proc, r.procV)
			if err != nil {
				return err
			}
			cal, err := s.cals.Calendar(ctx)
			if err != nil {
				return err
			}
			// The deadline restarts from zero: a new appointment from now.
			due, why, err := DueOf(cal, now, proc.Time)
			if err != nil {
				return err
			}
			st, _ := wf.Step(r.pausedStep)
			stepDueAt, err := StepDue(cal, now, proc.Time, st.Share, due)
			if err != nil {
				return err
			}
			warn := WarnAt(cal, stepDueAt, now, s.dueSoon)
			cols["status"], cols["clock"], cols["clock_started_at"], cols["paused_at"] = StatusProcessing, ClockRunning, now, nil
			cols["applicant_seconds"] = r.applicantSeconds + int64(now.Sub(r.pausedAt)/time.Second)
			cols["due_at"], cols["due_why"], cols["overdue"] = due, mustJSON(why), false
			cols["step"], cols["step_started_at"], cols["step_due_at"], cols["step_warn_at"], cols["step_late"] = r.pausedStep, now, stepDueAt, warn, false
			e.data["due_at"], e.data["with_applicant_seconds"] = due, int64(now.Sub(r.pausedAt)/time.Second)
			if why.N > 0 {
				e.data["why"] = why
			}
			c.Status, c.DueAt, c.StepDueAt, c.Why = StatusProcessing, due, stepDueAt, why
			kind, args = "supplement_done", []any{r.code, due.In(calendar.Location()).Format("15:04 ngày 02/01/2006")}
			if err := s.update(ctx, tx, r, cols); err != nil {
				return err
			}
			for _, d := range []deadline{{kind: kindOverdue, at: due, due: due}, {kind: kindStepWarn, step: r.pausedStep, at: warn, due: stepDueAt},
				{kind: kindStepLate, step: r.pausedStep, at: stepDueAt, due: stepDueAt}} {
				if err := s.schedule(ctx, tx, r.id, d); err != nil {
					return err
				}
			}
		} else {
			cols["status"], cols["step"] = StatusSubmitted, wf.Steps[0].ID
			c.Status = StatusSubmitted
			if err := s.update(ctx, tx, r, cols); err != nil {
				return err
			}
		}
		if err := s.event(ctx, tx, p, r.id, e); err != nil {
			return err
		}
		if err := s.notifyUser(ctx, tx, r.applicant, r.id, kind, args...); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, "dossier.supplement_done", "dossier", r.code, map[string]any{"files": len(files)})
	})
	return c, err
}

// recheck checks a corrected form (the whole form, as at submission)
// against the form version the dossier started with.
func (s *Service) recheck(ctx context.Context, tx *sql.Tx, r record, values eform.Values, now time.Time) (string, error) {
	var formKey string
	if err := tx.QueryRowContext(ctx, `SELECT form_key FROM dossiers WHERE id = $1`, r.id).Scan(&formKey); err != nil {
		return "", err
	}
	form, _, err := s.catalog.Form(ctx, formKey)
	if err != nil {
		return "", err
	}
	local := now.In(calendar.Location())
	clean, errs := form.Check(values, eform.WithToday(eform.Date{Year: local.Year(), Month: local.Month(), Day: local.Day()}))
	if len(errs) > 0 {
		return "", apperr.Validation(errs...)
	}
	return mustJSON(clean.Values), nil
}

// Withdraw lets the applicant withdraw a dossier before its result.
func (s *Service) Withdraw(ctx context.Context, p *identity.Principal, code, reason string) (Change, error) {
	var c Change
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		r, err := s.applicantOnly(ctx, tx, p, code)
		if err != nil {
			return err
		}
		if r.status != StatusSubmitted && r.status != StatusSupplement && r.status != StatusProcessing {
			return ErrWrongState
		}
		now := sqldb.UTC(s.now())
		m := &move{s: s, ctx: ctx, tx: tx, p: p, r: r, now: now, cols: map[string]any{"updated_at": now},
			e: ev{at: now, action: "withdraw", step: r.step, unit: r.stepUnit, note: strings.TrimSpace(reason), data: map[string]any{}},
			c: Change{Code: r.code, Action: "withdraw", ReceivedAt: r.receivedAt, DueAt: r.dueAt}}
		m.finish(StatusWithdrawn)
		m.notice = []any{r.code}
		c, err = m.commit()
		return err
	})
	return c, err
}

// Rating is an applicant's satisfaction with a finished dossier.
type Rating struct {
	Score   int // 1 (very dissatisfied) to 5 (very satisfied)
	Comment string
}

// Rate records the applicant's satisfaction after the result: one rating
// per dossier, which may be changed once.
func (s *Service) Rate(ctx context.Context, p *identity.Principal, code string, rt Rating) error {
	if rt.Score < 1 || rt.Score > 5 {
		return ErrRatingRange
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		r, err := s.applicantOnly(ctx, tx, p, code)
		if err != nil {
			return err
		}
		if !r.status.Finished() || r.status == StatusWithdrawn {
			return ErrWrongState
		}
		changes := r.ratingChanges
		if r.rating != 0 {
			if changes >= 1 {
				return ErrRatingFinal
			}
			changes++
		}
		now := sqldb.UTC(s.now())
		comment := strings.TrimSpace(rt.Comment)
		if len([]rune(comment)) > 2000 {
			comment = string([]rune(comment)[:2000])
		}
		if err := s.update(ctx, tx, r, map[string]any{"rating": rt.Score, "rating_comment": comment, "rating_changes": changes, "updated_at": now}); err != nil {
			return err
		}
		action := "rate"
		if changes > 0 {
			action = "rate_change"
		}
		if err := s.event(ctx, tx, p, r.id, ev{at: now, action: action, step: r.step, unit: r.stepUnit, note: comment,
			data: map[string]any{"score": rt.Score}}); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, "dossier."+action, "dossier", r.code, map[string]any{"score": rt.Score})
	})
}

// Payment is a fee payment recorded by the desk.
type Payment struct {
	Amount    int64
	Method    string // cash | transfer
	Reference string
	At        time.Time
}

// RecordPayment records at the desk a payment made in cash or by bank
// transfer (online payment is a step of its own, later).
func (s *Service) RecordPayment(ctx context.Context, p *identity.Principal, code string, pay Payment) error {
	if pay.Amount <= 0 || (pay.Method != "cash" && pay.Method != "transfer") {
		return ErrPayment
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		r, err := s.load(ctx, tx, code)
		if err != nil {
			return err
		}
		if !s.visible(ctx, p, r) {
			return ErrDossierNotFound
		}
		ok, err := s.dir.Within(ctx, p, identity.RoleDesk, r.unit)
		if err != nil {
			return err
		}
		if !ok {
			return ErrNotYourStep
		}
		if r.status == StatusRefused || r.status == StatusWithdrawn {
			return ErrWrongState
		}
		now := sqldb.UTC(s.now())
		ref := strings.TrimSpace(pay.Reference)
		if _, err := tx.ExecContext(ctx, `INSERT INTO dossier_payments(dossier_id, amount, method, reference, at, recorded_by)
			VALUES ($1, $2, $3, $4, $5, $6)`, r.id, pay.Amount, pay.Method, ref, now, p.User.ID); err != nil {
			return err
		}
		if err := s.update(ctx, tx, r, map[string]any{"fees_paid": r.feesPaid + pay.Amount, "updated_at": now}); err != nil {
			return err
		}
		if err := s.event(ctx, tx, p, r.id, ev{at: now, action: "payment", step: r.step, unit: r.stepUnit, fromUnit: r.unit, note: ref,
			data: map[string]any{"amount": pay.Amount, "method": pay.Method}}); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, "dossier.payment", "dossier", r.code, map[string]any{"amount": pay.Amount, "method": pay.Method})
	})
}

// Expected says what the applicant must do now, "" for nothing.
func Expected(st Status, rated bool) catalog.Action {
	switch st {
	case StatusSupplement:
		return "supplement"
	case StatusReturned:
		if !rated {
			return "rate"
		}
	}
	return ""
}
