package dossier_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"egov/internal/apperr"
	"egov/internal/catalog"
	"egov/internal/dossier"
	"egov/internal/identity"
	"egov/internal/platform/sqldb"
	"egov/internal/platform/sqldb/sqldbtest"
)

// The whole route of a commune dossier, online: submit, receive, assign,
// review, sign, return, rate; the processing control sheet is read back.
func TestLifecycleFromSubmissionToRating(t *testing.T) {
	t.Parallel()
	sqldbtest.Engines(t, func(t *testing.T, db *sqldb.DB) {
		f := setup(t, db)
		d := f.submit(t, proc5) // Monday 2 March 2026, 09:00

		rc := f.act(t, vn(2026, 3, 2, 9, 0), f.desk, d.Code, catalog.ActReceive, dossier.Input{})
		if rfc(rc.DueAt) != "2026-03-09T17:00:00+07:00" || rc.Status != dossier.StatusProcessing || rc.Step != "xu_ly" {
			t.Fatalf("five working days from Monday morning end the next Monday at 17:00: %+v", rc)
		}
		// The specialist's step has 60% of 5 days of 7.5 office hours.
		if rfc(rc.StepDueAt) != "2026-03-05T09:00:00+07:00" {
			t.Fatalf("step due %s", rfc(rc.StepDueAt))
		}
		f.act(t, vn(2026, 3, 2, 10, 0), f.lead, d.Code, catalog.ActAssign, dossier.Input{AssigneeID: f.spec.User.ID})
		t.Run("OnlyTheAssigneeActs", func(t *testing.T) {
			_, err := f.svc.Act(ctx, f.spec2, d.Code, catalog.ActForward, dossier.Input{})
			wantCode(t, err, apperr.Forbidden)
		})
		t.Run("AssigneeMustHoldTheRole", func(t *testing.T) {
			_, err := f.svc.Act(ctx, f.lead, d.Code, catalog.ActAssign, dossier.Input{AssigneeID: f.desk.User.ID})
			wantCode(t, err, apperr.Invalid)
		})
		fw := f.act(t, vn(2026, 3, 3, 10, 0), f.spec, d.Code, catalog.ActForward, dossier.Input{Note: "Đủ điều kiện"})
		if fw.Step != "phe_duyet" {
			t.Fatal(fw)
		}
		t.Run("ResultNeedsADocument", func(t *testing.T) {
			_, err := f.svc.Act(ctx, f.lead, d.Code, catalog.ActIssueResult, dossier.Input{})
			wantCode(t, err, apperr.Invalid)
		})
		res := dossier.FileRef{Name: "ket-qua.pdf", ContentType: "application/pdf", Size: 999, Hash: strings.Repeat("cd", 32), Pages: 1}
		ir := f.act(t, vn(2026, 3, 3, 15, 0), f.lead, d.Code, catalog.ActIssueResult, dossier.Input{Result: &res})
		if ir.ResultCode != d.Code+"-KQ1" || ir.Status != dossier.StatusResult || ir.Step != "tra_ket_qua" {
			t.Fatalf("%+v", ir)
		}
		t.Run("NoRatingBeforeTheResultIsReturned", func(t *testing.T) {
			wantCode(t, f.svc.Rate(ctx, f.citizen, d.Code, dossier.Rating{Score: 5}), apperr.Conflict)
		})
		t.Run("NoWithdrawalAfterTheResult", func(t *testing.T) {
			_, err := f.svc.Withdraw(ctx, f.citizen, d.Code, "")
			wantCode(t, err, apperr.Conflict)
		})
		f.act(t, vn(2026, 3, 4, 8, 0), f.desk, d.Code, catalog.ActReturnResult, dossier.Input{})

		v := f.view(t, f.citizen, d.Code)
		if v.Status != dossier.StatusReturned || v.Outcome != dossier.Early || v.Clock != dossier.ClockFinished {
			t.Fatalf("returned two working days early: %+v", v)
		}
		var sheet []string
		for _, e := range v.Events {
			sheet = append(sheet, e.Action+":"+e.FromUnit+">"+e.Unit+":"+string(e.Outcome))
		}
		want := []string{
			"submit:>Bộ phận Một cửa phường Đông Kinh:",
			"receive:Bộ phận Một cửa phường Đông Kinh>Ủy ban nhân dân phường Đông Kinh:",
			"assign:Ủy ban nhân dân phường Đông Kinh>Ủy ban nhân dân phường Đông Kinh:",
			"forward:Ủy ban nhân dân phường Đông Kinh>Ủy ban nhân dân phường Đông Kinh:early",
			"issue_result:Ủy ban nhân dân phường Đông Kinh>Bộ phận Một cửa phường Đông Kinh:early",
			"return_result:Bộ phận Một cửa phường Đông Kinh>Bộ phận Một cửa phường Đông Kinh:on_time",
		}
		if !slices.Equal(sheet, want) {
			t.Fatalf("control sheet:\n%s", strings.Join(sheet, "\n"))
		}
		if len(v.Files) != 2 || v.Files[1].ResultCode != d.Code+"-KQ1" {
			t.Fatalf("%+v", v.Files)
		}
		if !slices.Contains(v.Allowed, "rate") {
			t.Fatalf("the applicant is asked to rate: %v", v.Allowed)
		}
		t.Run("RatingOnceChangeableOnce", func(t *testing.T) {
			if err := f.svc.Rate(ctx, f.citizen, d.Code, dossier.Rating{Score: 5, Comment: "Nhanh"}); err != nil {
				t.Fatal(err)
			}
			if err := f.svc.Rate(ctx, f.citizen, d.Code, dossier.Rating{Score: 4}); err != nil {
				t.Fatal(err)
			}
			wantCode(t, f.svc.Rate(ctx, f.citizen, d.Code, dossier.Rating{Score: 3}), apperr.Conflict)
			wantCode(t, f.svc.Rate(ctx, f.citizen, d.Code, dossier.Rating{Score: 9}), apperr.Invalid)
			wantCode(t, f.svc.Rate(ctx, f.citizen2, d.Code, dossier.Rating{Score: 1}), apperr.NotFound)
			if v := f.view(t, f.citizen, d.Code); v.Rating != 4 || v.RatingChanges != 1 {
				t.Fatalf("%d %d", v.Rating, v.RatingChanges)
			}
		})
		t.Run("ApplicantWasToldAtEveryStateChange", func(t *testing.T) {
			ns, _, err := f.svc.Notifications(ctx, f.citizen, 0, 20)
			if err != nil {
				t.Fatal(err)
			}
			var kinds []string
			for _, n := range ns {
				kinds = append(kinds, n.Kind)
			}
			if !slices.Equal(kinds, []string{"return_result", "issue_result", "receive", "submit"}) {
				t.Fatalf("%v", kinds)
			}
			if !strings.Contains(ns[2].VI, "17:00 ngày 09/03/2026") {
				t.Fatalf("the receipt notice gives the appointment: %s", ns[2].VI)
			}
		})
		t.Run("TheAssigneeWasTold", func(t *testing.T) {
			ns, _, _ := f.svc.Notifications(ctx, f.spec, 0, 20)
			if len(ns) != 1 || ns[0].Kind != "assigned" {
				t.Fatalf("%+v", ns)
			}
		})
	})
}

func TestReceiptTimes(t *testing.T) {
	t.Parallel()
	sqldbtest.Engines(t, func(t *testing.T, db *sqldb.DB) {
		f := setup(t, db)
		t.Run("FridayAfternoonBeforeTet", func(t *testing.T) {
			// Friday 13 February 2026, 16:30: Tết closes the offices from
			// the 14th to the 22nd, so five working days run 23-27 February.
			f.clock.Set(vn(2026, 2, 13, 16, 30))
			d := f.submit(t, proc5)
			rc := f.act(t, vn(2026, 2, 13, 16, 30), f.desk, d.Code, catalog.ActReceive, dossier.Input{})
			if rfc(rc.DueAt) != "2026-02-27T17:00:00+07:00" || len(rc.Why.Skipped) < 9 {
				t.Fatalf("due %s, skipped %d", rfc(rc.DueAt), len(rc.Why.Skipped))
			}
			v := f.view(t, f.desk, d.Code)
			if len(v.DueWhy) == 0 || !strings.Contains(string(v.DueWhy), "Tết Nguyên đán") {
				t.Fatalf("the dossier keeps why it is due then: %s", v.DueWhy)
			}
		})
		t.Run("After17", func(t *testing.T) {
			// Received Monday 2 March at 17:30: it counts from Tuesday's
			// opening, so the five days are Wednesday to Tuesday.
			f.clock.Set(vn(2026, 3, 2, 17, 30))
			d := f.submit(t, proc5)
			rc := f.act(t, vn(2026, 3, 2, 17, 30), f.desk, d.Code, catalog.ActReceive, dossier.Input{})
			if rfc(rc.DueAt) != "2026-03-10T17:00:00+07:00" || !rc.Why.OutsideHours() {
				t.Fatalf("due %s", rfc(rc.DueAt))
			}
		})
		t.Run("PaperAfter15GoesOnTheNextWorkingDay", func(t *testing.T) {
			f.clock.Set(vn(2026, 2, 13, 15, 30))
			rc, err := f.svc.SubmitAtDesk(ctx, f.desk, dossier.Submission{ProcedureCode: proc5, ReceivingUnitID: f.onestop.ID, Values: values,
				Files: []dossier.FileRef{pdf("ban-quet.pdf")}, Applicant: identity.User{FullName: "Lò Văn Páo", PersonalID: "020070009876"}})
			if err != nil {
				t.Fatal(err)
			}
			v := f.view(t, f.desk, rc.Code)
			if v.Channel != dossier.ChannelDesk || v.ReceivedAt == nil || rfc(*v.StepStartedAt) != "2026-02-23T07:30:00+07:00" {
				t.Fatalf("a paper dossier received after 15:00 reaches the specialist at the next opening: %+v", v.StepStartedAt)
			}
			tr, err := f.svc.Track(ctx, rc.Code, "9876")
			if err != nil || !tr.Unlocked || tr.Applicant != "Lò Văn Páo" {
				t.Fatalf("the papers' ID number unlocks tracking: %+v %v", tr, err)
			}
		})
		t.Run("TheApplicantsAccountSeesADeskDossier", func(t *testing.T) {
			f.clock.Set(vn(2026, 3, 3, 9, 0))
			rc, err := f.svc.SubmitAtDesk(ctx, f.desk, dossier.Submission{ProcedureCode: proc5, ReceivingUnitID: f.onestop.ID, Values: values,
				Applicant: identity.User{FullName: "Congdan", PersonalID: f.citizen.User.PersonalID}})
			if err != nil {
				t.Fatal(err)
			}
			if v := f.view(t, f.citizen, rc.Code); v.Channel != dossier.ChannelDesk {
				t.Fatalf("%+v", v)
			}
		})
		t.Run("PaperBefore15GoesTheSameDay", func(t *testing.T) {
			f.clock.Set(vn(2026, 3, 3, 14, 0))
			rc, err := f.svc.SubmitAtDesk(ctx, f.desk, dossier.Submission{ProcedureCode: proc5, ReceivingUnitID: f.onestop.ID, Values: values,
				Applicant: identity.User{FullName: "Lò Văn Páo"}})
			if err != nil {
				t.Fatal(err)
			}
			if v := f.view(t, f.desk, rc.Code); rfc(*v.StepStartedAt) != "2026-03-03T14:00:00+07:00" {
				t.Fatal(rfc(*v.StepStartedAt))
			}
		})
		t.Run("OnlyTheUnitsDeskSubmitsOnBehalf", func(t *testing.T) {
			_, err := f.svc.SubmitAtDesk(ctx, f.desk2, dossier.Submission{ProcedureCode: proc5, ReceivingUnitID: f.onestop.ID, Values: values,
				Applicant: identity.User{FullName: "Lò Văn Páo"}})
			wantCode(t, err, apperr.Forbidden)
		})
	})
}

func TestSupplements(t *testing.T) {
	t.Parallel()
	sqldbtest.Engines(t, func(t *testing.T, db *sqldb.DB) {
		f := setup(t, db)
		t.Run("AtReceiptTheClockHasNotStarted", func(t *testing.T) {
			f.clock.Set(vn(2026, 3, 2, 9, 0))
			d := f.submit(t, proc5)
			_, err := f.svc.Act(ctx, f.desk, d.Code, catalog.ActRequestSupplement, dossier.Input{Deficiencies: []string{" ", ""}})
			wantCode(t, err, apperr.Invalid)
			f.act(t, vn(2026, 3, 2, 10, 0), f.desk, d.Code, catalog.ActRequestSupplement, dossier.Input{
				Deficiencies: []string{"Thiếu bản sao Giấy khai sinh", "thiếu bản sao giấy khai sinh\n- Tờ khai chưa ký"}})
			v := f.view(t, f.citizen, d.Code)
			if v.Status != dossier.StatusSupplement || v.Clock != dossier.ClockNotStarted || v.DueAt != nil ||
				!slices.Equal(v.Deficiencies, []string{"Thiếu bản sao Giấy khai sinh", "Tờ khai chưa ký"}) {
				t.Fatalf("every deficiency once: %+v %v", v.Deficiencies, v.Status)
			}
			if !slices.Contains(v.Allowed, "supplement") {
				t.Fatal(v.Allowed)
			}
			_, err = f.svc.CompleteSupplement(ctx, f.citizen2, d.Code, nil, []dossier.FileRef{pdf("ks.pdf")}, "")
			wantCode(t, err, apperr.NotFound)
			_, err = f.svc.CompleteSupplement(ctx, f.citizen, d.Code, nil, nil, "")
			wantCode(t, err, apperr.Invalid)
			f.clock.Set(vn(2026, 3, 3, 8, 0))
			c, err := f.svc.CompleteSupplement(ctx, f.citizen, d.Code, values, []dossier.FileRef{pdf("ks.pdf")}, "Đã bổ sung")
			if err != nil || c.Status != dossier.StatusSubmitted {
				t.Fatalf("%+v %v", c, err)
			}
			rc := f.act(t, vn(2026, 3, 3, 9, 0), f.desk, d.Code, catalog.ActReceive, dossier.Input{})
			if rfc(rc.DueAt) != "2026-03-10T17:00:00+07:00" {
				t.Fatalf("the clock starts at the receipt after the supplement: %s", rfc(rc.DueAt))
			}
		})
		t.Run("DuringProcessingTheClockRestartsFromZero", func(t *testing.T) {
			f.clock.Set(vn(2026, 3, 2, 9, 0))
			d := f.submit(t, proc5)
			f.act(t, vn(2026, 3, 2, 9, 0), f.desk, d.Code, catalog.ActReceive, dossier.Input{})
			f.act(t, vn(2026, 3, 4, 10, 0), f.spec, d.Code, catalog.ActRequestSupplement, dossier.Input{Deficiencies: []string{"Bản sao chưa chứng thực"}})
			v := f.view(t, f.spec, d.Code)
			if v.Status != dossier.StatusSupplement || v.Clock != dossier.ClockPaused || v.Supplements != 1 {
				t.Fatalf("%+v", v)
			}
			tr, _ := f.svc.Track(ctx, d.Code, "1234")
			if !slices.ContainsFunc(tr.Notes, func(n string) bool { return strings.Contains(n, "Bản sao chưa chứng thực") }) {
				t.Fatalf("the unlocked tracking page gives the reasons: %v", tr.Notes)
			}
			f.clock.Set(vn(2026, 3, 6, 10, 0))
			c, err := f.svc.CompleteSupplement(ctx, f.citizen, d.Code, nil, []dossier.FileRef{pdf("ban-sao.pdf")}, "")
			if err != nil {
				t.Fatal(err)
			}
			if rfc(c.DueAt) != "2026-03-13T17:00:00+07:00" || c.Step != "xu_ly" || c.Status != dossier.StatusProcessing {
				t.Fatalf("a new appointment five working days from Friday: %+v", c)
			}
			v = f.view(t, f.spec, d.Code)
			if v.ApplicantSeconds != 2*86400 || v.Clock != dossier.ClockRunning {
				t.Fatalf("two days with the applicant are kept: %d", v.ApplicantSeconds)
			}
		})
	})
}

func TestExtension(t *testing.T) {
	t.Parallel()
	sqldbtest.Engines(t, func(t *testing.T, db *sqldb.DB) {
		f := setup(t, db)
		f.clock.Set(vn(2026, 3, 2, 9, 0))
		d := f.submit(t, proc5)
		f.act(t, vn(2026, 3, 2, 9, 0), f.desk, d.Code, catalog.ActReceive, dossier.Input{}) // due Monday 9 March 17:00
		_, err := f.svc.Act(ctx, f.spec, d.Code, catalog.ActExtend, dossier.Input{Days: 3})
		wantCode(t, err, apperr.Invalid) // a reason is required
		c := f.act(t, vn(2026, 3, 4, 10, 0), f.spec, d.Code, catalog.ActExtend, dossier.Input{Days: 3, Note: "Cần xác minh tại nơi cư trú trước đây"})
		if rfc(c.DueAt) != "2026-03-12T17:00:00+07:00" {
			t.Fatalf("three working days after the due day: %s", rfc(c.DueAt))
		}
		t.Run("OnlyOnce", func(t *testing.T) {
			f.clock.Set(vn(2026, 3, 5, 10, 0))
			_, err := f.svc.Act(ctx, f.spec, d.Code, catalog.ActExtend, dossier.Input{Days: 1, Note: "Lần nữa"})
			wantCode(t, err, apperr.Conflict)
		})
		t.Run("ApplicantIsToldTheNewDate", func(t *testing.T) {
			ns, _, _ := f.svc.Notifications(ctx, f.citizen, 0, 1)
			if ns[0].Kind != "extend" || !strings.Contains(ns[0].VI, "12/03/2026") || !strings.Contains(ns[0].VI, "xác minh") {
				t.Fatalf("%+v", ns[0])
			}
		})
		t.Run("TooLateOnTheDueDay", func(t *testing.T) {
			f.clock.Set(vn(2026, 3, 2, 9, 0))
			d2 := f.submit(t, proc5)
			f.act(t, vn(2026, 3, 2, 9, 0), f.desk, d2.Code, catalog.ActReceive, dossier.Input{})
			f.clock.Set(vn(2026, 3, 9, 10, 0))
			_, err := f.svc.Act(ctx, f.spec, d2.Code, catalog.ActExtend, dossier.Input{Days: 2, Note: "Chưa xong"})
			wantCode(t, err, apperr.Conflict)
			if e := apperr.As(err); e.Key != "dossier.extend_too_late" {
				t.Fatal(e.Key)
			}
			// one working day before (Friday) is still in time
			f.act(t, vn(2026, 3, 6, 10, 0), f.spec, d2.Code, catalog.ActExtend, dossier.Input{Days: 2, Note: "Chưa xong"})
		})
	})
}

func TestInterAgency(t *testing.T) {
	t.Parallel()
	sqldbtest.Engines(t, func(t *testing.T, db *sqldb.DB) {
		f := setup(t, db)
		f.clock.Set(vn(2026, 3, 2, 9, 0))
		d := f.submit(t, procLT)
		rc := f.act(t, vn(2026, 3, 2, 9, 0), f.desk, d.Code, catalog.ActReceive, dossier.Input{})
		if rfc(rc.DueAt) != "2026-03-23T17:00:00+07:00" || rc.Step != "lien_thong" {
			t.Fatalf("%+v", rc)
		}
		t.Run("NotVisibleToAgenciesBeforeTheyTakePart", func(t *testing.T) {
			_, err := f.svc.Get(ctx, f.socialSpec, d.Code)
			wantCode(t, err, apperr.NotFound)
		})
		f.act(t, vn(2026, 3, 2, 10, 0), f.spec, d.Code, catalog.ActSendAgency, dossier.Input{})
		v := f.view(t, f.socialSpec, d.Code)
		if len(v.Branches) != 2 || !v.Branches[0].Lead || v.Branches[0].AgencyID != f.commune.ID || v.Branches[1].AgencyID != f.social.ID ||
			!slices.Equal(v.BranchAgencies, []int64{f.social.ID}) {
			t.Fatalf("sent in parallel, the commune leading: %+v %v", v.Branches, v.BranchAgencies)
		}
		q, err := f.svc.Queue(ctx, f.socialSpec, dossier.QueueInterAgency, 0, 10)
		if err != nil || len(q) != 1 || q[0].Code != d.Code {
			t.Fatalf("social security's inter-agency queue: %+v %v", q, err)
		}
		_, err = f.svc.Act(ctx, f.spec, d.Code, catalog.ActForward, dossier.Input{})
		wantCode(t, err, apperr.Conflict) // branches pending
		_, err = f.svc.ReplyBranch(ctx, f.spec, d.Code, f.social.ID, "")
		wantCode(t, err, apperr.Forbidden) // the commune does not answer for social security
		_, err = f.svc.ReplyBranch(ctx, f.other, d.Code, f.social.ID, "")
		wantCode(t, err, apperr.NotFound)

		f.clock.Set(vn(2026, 3, 3, 9, 0))
		b, err := f.svc.ReplyBranch(ctx, f.spec, d.Code, f.commune.ID, "Đã đăng ký khai sinh")
		if err != nil || b.Outcome != dossier.Early {
			t.Fatalf("%+v %v", b, err)
		}
		// Social security answers a day after the step's due instant.
		late := v.StepDueAt.Add(24 * time.Hour)
		f.clock.Set(late)
		b, err = f.svc.ReplyBranch(ctx, f.socialSpec, d.Code, f.social.ID, "Đã cấp thẻ bảo hiểm y tế")
		if err != nil || b.Outcome != dossier.Late {
			t.Fatalf("social security was late: %+v %v", b, err)
		}
		f.act(t, late, f.spec, d.Code, catalog.ActForward, dossier.Input{})
		var n int
		if err := db.R.QueryRowContext(ctx, `SELECT count(*) FROM dossiers WHERE code = $1`, d.Code).Scan(&n); err != nil || n != 1 {
			t.Fatalf("one dossier, one code, counted once: %d %v", n, err)
		}
		v = f.view(t, f.spec, d.Code)
		outcomes := map[int64]dossier.Outcome{}
		for _, b := range v.Branches {
			outcomes[b.AgencyID] = b.Outcome
		}
		if outcomes[f.commune.ID] != dossier.Early || outcomes[f.social.ID] != dossier.Late || v.Step != "phe_duyet" {
			t.Fatalf("%v %s", outcomes, v.Step)
		}
	})
}

func TestEndings(t *testing.T) {
	t.Parallel()
	sqldbtest.Engines(t, func(t *testing.T, db *sqldb.DB) {
		f := setup(t, db)
		f.clock.Set(vn(2026, 3, 2, 9, 0))
		t.Run("Withdrawal", func(t *testing.T) {
			d := f.submit(t, proc5)
			f.act(t, vn(2026, 3, 2, 9, 0), f.desk, d.Code, catalog.ActReceive, dossier.Input{})
			_, err := f.svc.Withdraw(ctx, f.citizen2, d.Code, "")
			wantCode(t, err, apperr.NotFound)
			f.clock.Set(vn(2026, 3, 3, 9, 0))
			c, err := f.svc.Withdraw(ctx, f.citizen, d.Code, "Không còn nhu cầu")
			if err != nil || c.Status != dossier.StatusWithdrawn {
				t.Fatalf("%+v %v", c, err)
			}
			_, err = f.svc.Withdraw(ctx, f.citizen, d.Code, "")
			wantCode(t, err, apperr.Conflict)
			wantCode(t, f.svc.Rate(ctx, f.citizen, d.Code, dossier.Rating{Score: 5}), apperr.Conflict)
			_, err = f.svc.Act(ctx, f.spec, d.Code, catalog.ActForward, dossier.Input{})
			wantCode(t, err, apperr.Conflict)
			if v := f.view(t, f.spec, d.Code); v.Outcome != dossier.Early || v.FinishedAt == nil {
				t.Fatalf("%+v", v)
			}
		})
		t.Run("Stop", func(t *testing.T) {
			f.clock.Set(vn(2026, 3, 2, 9, 0))
			d := f.submit(t, proc5)
			f.act(t, vn(2026, 3, 2, 9, 0), f.desk, d.Code, catalog.ActReceive, dossier.Input{})
			_, err := f.svc.Act(ctx, f.spec, d.Code, catalog.ActStop, dossier.Input{})
			wantCode(t, err, apperr.Invalid)
			c := f.act(t, vn(2026, 3, 3, 9, 0), f.spec, d.Code, catalog.ActStop, dossier.Input{Note: "Người yêu cầu đã chết"})
			if c.Status != dossier.StatusStopped {
				t.Fatal(c)
			}
			ns, _, _ := f.svc.Notifications(ctx, f.citizen, 0, 1)
			if ns[0].Kind != "stop" || !strings.Contains(ns[0].VI, "Người yêu cầu đã chết") {
				t.Fatalf("%+v", ns[0])
			}
		})
		t.Run("RefusalNamesItsReasons", func(t *testing.T) {
			f.clock.Set(vn(2026, 3, 2, 9, 0))
			d := f.submit(t, proc5)
			_, err := f.svc.Act(ctx, f.desk, d.Code, catalog.ActRefuse, dossier.Input{})
			wantCode(t, err, apperr.Invalid)
			c := f.act(t, vn(2026, 3, 2, 9, 30), f.desk, d.Code, catalog.ActRefuse, dossier.Input{Deficiencies: []string{"Không thuộc thẩm quyền của phường"}})
			if c.Status != dossier.StatusRefused {
				t.Fatal(c)
			}
			v := f.view(t, f.citizen, d.Code)
			if last := v.Events[len(v.Events)-1]; last.Note != "Không thuộc thẩm quyền của phường" {
				t.Fatalf("%+v", last)
			}
		})
	})
}

// Every action is allowed only to the role and unit the workflow names at
// the current step: the forbidden rows sit next to the allowed one.
func TestActionAuthorisation(t *testing.T) {
	t.Parallel()
	sqldbtest.Engines(t, func(t *testing.T, db *sqldb.DB) {
		f := setup(t, db)
		f.clock.Set(vn(2026, 3, 2, 9, 0))
		submitted := f.submit(t, proc5)
		processing := f.submit(t, proc5)
		f.act(t, vn(2026, 3, 2, 9, 0), f.desk, processing.Code, catalog.ActReceive, dossier.Input{})
		res := dossier.FileRef{Name: "kq.pdf", ContentType: "application/pdf", Size: 9, Hash: strings.Repeat("ef", 32)}
		for _, tc := range []struct {
			name string
			p    *identity.Principal
			code string
			act  catalog.Action
			in   dossier.Input
			want apperr.Code // "" = allowed
		}{
			{"ReceiveByOtherCitizen", f.citizen2, submitted.Code, catalog.ActReceive, dossier.Input{}, apperr.NotFound},
			{"ReceiveByOtherAgency", f.desk2, submitted.Code, catalog.ActReceive, dossier.Input{}, apperr.NotFound},
			{"ReceiveByWrongRole", f.spec, submitted.Code, catalog.ActReceive, dossier.Input{}, apperr.Forbidden},
			{"ReceiveByApplicant", f.citizen, submitted.Code, catalog.ActReceive, dossier.Input{}, apperr.Forbidden},
			{"IssueAtWrongStep", f.lead, submitted.Code, catalog.ActIssueResult, dossier.Input{Result: &res}, apperr.Conflict},
			{"ReceiveAllowed", f.desk, submitted.Code, catalog.ActReceive, dossier.Input{}, ""},
			{"ForwardByOtherAgency", f.other, processing.Code, catalog.ActForward, dossier.Input{}, apperr.NotFound},
			{"ForwardByWrongRole", f.desk, processing.Code, catalog.ActForward, dossier.Input{}, apperr.Forbidden},
			{"ForwardByOtherCitizen", f.citizen2, processing.Code, catalog.ActForward, dossier.Input{}, apperr.NotFound},
			{"ReturnResultAtWrongStep", f.desk, processing.Code, catalog.ActReturnResult, dossier.Input{}, apperr.Conflict},
			{"ForwardAllowed", f.spec, processing.Code, catalog.ActForward, dossier.Input{}, ""},
			{"IssueByWrongRole", f.spec, processing.Code, catalog.ActIssueResult, dossier.Input{Result: &res}, apperr.Forbidden},
			{"IssueAllowed", f.lead, processing.Code, catalog.ActIssueResult, dossier.Input{Result: &res}, ""},
			{"UnknownCode", f.desk, "000.01.20.H37-260302-9999", catalog.ActReceive, dossier.Input{}, apperr.NotFound},
		} {
			// in order: the allowed rows move the dossier on
			_, err := f.svc.Act(ctx, tc.p, tc.code, tc.act, tc.in)
			if tc.want == "" && err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			if tc.want != "" && !apperr.IsCode(err, tc.want) {
				t.Fatalf("%s: want %s, got %v", tc.name, tc.want, err)
			}
		}
	})
}

func TestQueuesAndLateList(t *testing.T) {
	t.Parallel()
	sqldbtest.Engines(t, func(t *testing.T, db *sqldb.DB) {
		f := setup(t, db)
		f.clock.Set(vn(2026, 3, 2, 9, 0))
		waiting := f.submit(t, proc5)
		working := f.submit(t, proc5)
		f.act(t, vn(2026, 3, 2, 9, 0), f.desk, working.Code, catalog.ActReceive, dossier.Input{})
		codes := func(p *identity.Principal, q dossier.Queue) []string {
			t.Helper()
			vs, err := f.svc.Queue(ctx, p, q, 0, 50)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, v := range vs {
				out = append(out, v.Code)
			}
			return out
		}
		if got := codes(f.desk, dossier.QueueReceive); !slices.Equal(got, []string{waiting.Code}) {
			t.Fatalf("desk to receive: %v", got)
		}
		if got := codes(f.desk2, dossier.QueueReceive); len(got) != 0 {
			t.Fatalf("another ward's desk sees nothing: %v", got)
		}
		if got := codes(f.spec, dossier.QueueProcess); !slices.Equal(got, []string{working.Code}) {
			t.Fatalf("specialist to process: %v", got)
		}
		if got := codes(f.other, dossier.QueueProcess); len(got) != 0 {
			t.Fatalf("%v", got)
		}
		if got := codes(f.lead, dossier.QueueAssign); !slices.Equal(got, []string{working.Code}) {
			t.Fatalf("the leader sees work nobody has taken: %v", got)
		}
		if got := codes(f.spec, dossier.QueueAssign); len(got) != 0 {
			t.Fatalf("only leaders assign: %v", got)
		}
		if v := f.view(t, f.desk, working.Code); v.ApplicantPID != "020085001234" || v.ApplicantPhone == "" {
			t.Fatalf("the desk can reach the applicant: %q %q", v.ApplicantPID, v.ApplicantPhone)
		}
		if _, err := f.svc.Queue(ctx, f.citizen, dossier.QueueProcess, 0, 10); !apperr.IsCode(err, apperr.Forbidden) {
			t.Fatal(err)
		}
		// Wednesday afternoon: the step (due Thursday 09:00) is due soon.
		f.clock.Set(vn(2026, 3, 4, 14, 0))
		if got := codes(f.spec, dossier.QueueDueSoon); !slices.Equal(got, []string{working.Code}) {
			t.Fatalf("due soon: %v", got)
		}
		// Tuesday 10 March: a day after the dossier's due instant.
		f.clock.Set(vn(2026, 3, 10, 10, 0))
		if got := codes(f.spec, dossier.QueueOverdue); !slices.Equal(got, []string{working.Code}) {
			t.Fatalf("overdue: %v", got)
		}
		late, err := f.svc.Late(ctx, f.lead, 50)
		if err != nil || len(late) != 1 || late[0].Code != working.Code || late[0].DaysLate != 1 || late[0].Step != "xu_ly" {
			t.Fatalf("late list: %+v %v", late, err)
		}
		if l, _ := f.svc.Late(ctx, f.other, 50); len(l) != 0 {
			t.Fatalf("another ward's leader: %+v", l)
		}
		if _, err := f.svc.Late(ctx, f.spec, 50); !apperr.IsCode(err, apperr.Forbidden) {
			t.Fatal(err)
		}
		t.Run("Returned", func(t *testing.T) {
			f.act(t, vn(2026, 3, 10, 10, 0), f.spec, working.Code, catalog.ActReturnPrevious, dossier.Input{Note: "Kiểm tra lại giấy tờ"})
			if got := codes(f.desk, dossier.QueueReturned); !slices.Equal(got, []string{working.Code}) {
				t.Fatalf("returned: %v", got)
			}
		})
		t.Run("KeysetPages", func(t *testing.T) {
			f.clock.Set(vn(2026, 3, 2, 9, 0))
			for range 5 {
				f.submit(t, proc5)
			}
			first, _ := f.svc.Queue(ctx, f.desk, dossier.QueueReceive, 0, 3)
			second, _ := f.svc.Queue(ctx, f.desk, dossier.QueueReceive, first[2].ID, 3)
			if len(first) != 3 || len(second) != 3 || second[0].ID <= first[2].ID {
				t.Fatalf("%d %d", len(first), len(second))
			}
		})
	})
}

func TestCounts(t *testing.T) {
	t.Parallel()
	sqldbtest.Engines(t, func(t *testing.T, db *sqldb.DB) {
		f := setup(t, db)
		f.clock.Set(vn(2026, 3, 2, 9, 0))
		f.submit(t, proc5)
		d := f.submit(t, proc5)
		f.act(t, vn(2026, 3, 2, 9, 0), f.desk, d.Code, catalog.ActReceive, dossier.Input{})
		desk, err := f.svc.Counts(ctx, f.desk)
		if err != nil || desk[dossier.QueueReceive] != 1 || desk[dossier.QueueProcess] != 0 {
			t.Fatalf("%v %v", desk, err)
		}
		spec, _ := f.svc.Counts(ctx, f.spec)
		if spec[dossier.QueueProcess] != 1 || spec[dossier.QueueReceive] != 0 {
			t.Fatalf("%v", spec)
		}
	})
}
