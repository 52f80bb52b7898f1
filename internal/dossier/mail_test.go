package dossier_test

import (
	"context"
	"database/sql"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"egov/internal/audit"
	"egov/internal/catalog"
	"egov/internal/dossier"
	"egov/internal/identity"
	egovmail "egov/internal/mail"
	"egov/internal/mail/mailtest"
	"egov/internal/platform/jobs"
	"egov/internal/platform/sqldb"
	"egov/internal/platform/sqldb/sqldbtest"
)

// mailFixture is the small province with e-mail on: a real SMTP server in
// the test process, the mail service and one job runner working deadline
// and mail jobs.
type mailFixture struct {
	*fixture
	smtp *mailtest.Server
	mail *egovmail.Service
	jobs *jobs.Runner
}

const publicURL = "https://dichvucong.langson.gov.vn"

func mailSetup(t *testing.T, db *sqldb.DB) *mailFixture {
	t.Helper()
	f := &mailFixture{fixture: setup(t, db)}
	for u, addr := range map[*identity.Principal]string{f.citizen: "hoa.nguyen@example.vn", f.spec: "chuyenvien@langson.gov.vn",
		f.spec2: "chuyenvien2@langson.gov.vn", f.lead: "lanhdao@langson.gov.vn", f.desk: "motcua@langson.gov.vn"} {
		if _, err := db.W.ExecContext(ctx, `UPDATE users SET email = $1 WHERE id = $2`, addr, u.User.ID); err != nil {
			t.Fatal(err)
		}
		u.User.Email = addr
	}
	if _, err := db.W.ExecContext(ctx, `UPDATE users SET full_name = 'Nguyễn Thị Hoà' WHERE id = $1`, f.citizen.User.ID); err != nil {
		t.Fatal(err)
	}
	f.citizen.User.FullName = "Nguyễn Thị Hoà"
	f.smtp = mailtest.Start(t, mailtest.Options{User: "egov", Password: "thư-bí-mật"})
	var err error
	f.mail, err = egovmail.New(egovmail.Config{DB: db, Audit: audit.New(db, f.clock.Now), Now: f.clock.Now, PublicURL: publicURL,
		From: "Cổng dịch vụ công tỉnh Lạng Sơn <noreply@langson.gov.vn>",
		Sender: &egovmail.SMTP{Host: f.smtp.Host, Port: f.smtp.Port, Username: "egov", Password: "thư-bí-mật",
			TLS: egovmail.StartTLS, TLSConfig: f.smtp.TLSConfig(), Timeout: 20 * time.Second},
		Backoff: func(int) time.Duration { return 10 * time.Millisecond }, Log: slog.New(slog.NewTextHandler(t.Output(), nil))})
	if err != nil {
		t.Fatal(err)
	}
	workers := river.NewWorkers()
	river.AddWorker(workers, &dossier.DeadlineWorker{Service: f.svc})
	river.AddWorker(workers, &egovmail.Worker{Service: f.mail})
	if f.jobs, err = jobs.New(jobs.Config{DB: db, Workers: workers, ID: "mail-test"}); err != nil {
		t.Fatal(err)
	}
	if err := f.jobs.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		_ = f.jobs.Stop(sctx)
	})
	f.svc.SetScheduler(f.jobs)
	f.mail.SetScheduler(f.jobs)
	f.svc.SetMailer(f.mail)
	return f
}

// settle waits until no deadline or mail job is left to run.
func (f *mailFixture) settle(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		var left int
		if err := f.db.R.QueryRowContext(ctx, `SELECT count(*) FROM river_job WHERE kind IN ('dossier.deadline', 'mail.send')
			AND state NOT IN ('completed', 'cancelled', 'discarded')`).Scan(&left); err != nil {
			t.Fatal(err)
		}
		if left == 0 {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("jobs did not finish")
}

// to returns the messages received for addr whose subject contains what.
func (f *mailFixture) to(t *testing.T, addr, what string) []*mailtest.Parsed {
	t.Helper()
	var out []*mailtest.Parsed
	for _, m := range f.smtp.Messages() {
		p, err := m.Parse()
		if err != nil {
			t.Fatal(err)
		}
		if len(m.To) == 1 && m.To[0] == addr && p.To.Address == addr && strings.Contains(p.Subject, what) {
			out = append(out, p)
		}
	}
	return out
}

func (f *mailFixture) deliveries(t *testing.T, code, kind string) []egovmail.Delivery {
	t.Helper()
	v := f.view(t, f.desk, code)
	all, err := f.mail.Deliveries(ctx, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	var out []egovmail.Delivery
	for _, d := range all {
		if d.Kind == kind {
			out = append(out, d)
		}
	}
	return out
}

func TestMail(t *testing.T) {
	t.Parallel()
	sqldbtest.Engines(t, func(t *testing.T, db *sqldb.DB) {
		f := mailSetup(t, db)
		const citizen = "hoa.nguyen@example.vn"

		t.Run("StateChangeSendsOneMailInVietnamese", func(t *testing.T) {
			d := f.submit(t, proc5)
			f.act(t, vn(2026, 3, 2, 9, 30), f.desk, d.Code, catalog.ActRequestSupplement,
				dossier.Input{Deficiencies: []string{"Bản sao giấy khai sinh có chứng thực", "Ảnh chân dung 4x6"}})
			f.settle(t)
			got := f.to(t, citizen, "cần bổ sung")
			if len(got) != 1 {
				t.Fatalf("%d mails", len(got))
			}
			m := got[0]
			if m.Subject != "Hồ sơ "+d.Code+" cần bổ sung" || m.To.Name != "Nguyễn Thị Hoà" ||
				m.From.Address != "noreply@langson.gov.vn" || m.From.Name != "Cổng dịch vụ công tỉnh Lạng Sơn" {
				t.Fatalf("%q to %v from %v", m.Subject, m.To, m.From)
			}
			for _, want := range []string{"Kính gửi Nguyễn Thị Hoà,", "- Bản sao giấy khai sinh có chứng thực\r\n- Ảnh chân dung 4x6",
				"Việc bạn cần làm", publicURL + "/ho-so/" + d.Code, publicURL + "/tra-cuu-ho-so?ma=" + d.Code,
				"Dear Nguyễn Thị Hoà,", "What to do"} {
				if !strings.Contains(m.Text, want) {
					t.Errorf("no %q in\n%s", want, m.Text)
				}
			}
			if n := strings.Count(m.Text, "Ảnh chân dung 4x6"); n != 2 {
				t.Errorf("each deficiency once per language, got %d", n)
			}
			if len(f.to(t, citizen, "đã được gửi")) != 1 {
				t.Error("the submission is mailed too")
			}
			ds := f.deliveries(t, d.Code, "request_supplement")
			if len(ds) != 1 || ds[0].Status != egovmail.StatusSent || ds[0].Attempts != 1 || ds[0].Masked() != "h***@example.vn" {
				t.Fatalf("%+v", ds)
			}
			if id := m.Header.Get("Message-ID"); !strings.HasPrefix(id, "<egov.") || !strings.HasSuffix(id, "@langson.gov.vn>") {
				t.Errorf("Message-ID %q", id)
			}
		})

		t.Run("TemporaryFailureIsRetriedAndSentOnce", func(t *testing.T) {
			d := f.submit(t, proc5)
			f.settle(t)
			f.smtp.FailNext(1)
			f.act(t, vn(2026, 3, 2, 10, 0), f.desk, d.Code, catalog.ActRefuse, dossier.Input{Note: "Hồ sơ không thuộc thẩm quyền"})
			f.settle(t)
			if got := f.to(t, citizen, "không được tiếp nhận"); len(got) != 1 || !strings.Contains(got[0].Text, "Hồ sơ không thuộc thẩm quyền") {
				t.Fatalf("%d mails", len(got))
			}
			// Retried at least once (a loaded machine may need more).
			ds := f.deliveries(t, d.Code, "refuse")
			if len(ds) != 1 || ds[0].Status != egovmail.StatusSent || ds[0].Attempts < 2 {
				t.Fatalf("%+v", ds)
			}
			attempts := ds[0].Attempts

			// The job again after the recorded success: nothing more is sent.
			before := len(f.smtp.Messages())
			if err := db.Tx(ctx, func(tx *sql.Tx) error {
				return f.jobs.InsertTx(ctx, tx, egovmail.Args{DeliveryID: ds[0].ID}, nil)
			}); err != nil {
				t.Fatal(err)
			}
			f.settle(t)
			if after := len(f.smtp.Messages()); after != before {
				t.Fatalf("a retried job sent again: %d then %d messages", before, after)
			}
			if ds = f.deliveries(t, d.Code, "refuse"); ds[0].Attempts != attempts {
				t.Fatalf("%+v", ds)
			}
		})

		t.Run("PermanentFailureIsVisible", func(t *testing.T) {
			d := f.submit(t, proc5)
			f.settle(t)
			f.smtp.Reject(citizen)
			attempts := f.smtp.Attempts()
			f.act(t, vn(2026, 3, 2, 10, 30), f.desk, d.Code, catalog.ActRefuse, dossier.Input{Note: "Thiếu chữ ký"})
			f.settle(t)
			if f.smtp.Attempts() != attempts+1 { // (a 5xx is never retried)
				t.Errorf("a refused address is tried once, not %d times", f.smtp.Attempts()-attempts)
			}
			ds := f.deliveries(t, d.Code, "refuse")
			if len(ds) != 1 || ds[0].Status != egovmail.StatusFailed || ds[0].Attempts != 1 || ds[0].Reason() != egovmail.ReasonBadAddress ||
				!strings.HasPrefix(ds[0].LastError, "550") {
				t.Fatalf("%+v", ds)
			}
			counts, err := f.mail.FailedByUnit(ctx)
			if err != nil || counts[f.onestop.ID] != 1 {
				t.Fatalf("%v %v", counts, err)
			}
		})
	})
}

func TestMailChoices(t *testing.T) {
	t.Parallel()
	sqldbtest.Engines(t, func(t *testing.T, db *sqldb.DB) {
		f := mailSetup(t, db)

		t.Run("CategoryTurnedOff", func(t *testing.T) {
			if _, err := f.mail.SetPreferences(ctx, f.citizen.User, map[egovmail.Category]bool{egovmail.CategoryDossierStatus: false}); err != nil {
				t.Fatal(err)
			}
			d := f.submit(t, proc5)
			f.settle(t)
			if n := len(f.to(t, "hoa.nguyen@example.vn", "")); n != 0 {
				t.Fatalf("%d mails after turning them off", n)
			}
			ds := f.deliveries(t, d.Code, "submit")
			if len(ds) != 1 || ds[0].Status != egovmail.StatusSkipped {
				t.Fatalf("%+v", ds)
			}
			// The in-portal notification is still there.
			if ns, _, _ := f.svc.Notifications(ctx, f.citizen, 0, 5); len(ns) == 0 || ns[0].Code != d.Code {
				t.Fatal("no notification")
			}
		})

		t.Run("NoAddressNoMail", func(t *testing.T) {
			d, err := f.svc.Submit(ctx, f.citizen2, dossier.Submission{ProcedureCode: proc5, ReceivingUnitID: f.onestop.ID,
				Values: values, Files: []dossier.FileRef{pdf("to-khai.pdf")}})
			if err != nil {
				t.Fatal(err)
			}
			f.settle(t)
			if ds := f.deliveries(t, d.Code, "submit"); len(ds) != 0 {
				t.Fatalf("%+v", ds)
			}
		})

		// Nobody is assigned: the unit's specialists hear that the step is
		// due soon and then late, and the commune's leader that the dossier
		// is overdue, each once, in the portal and by mail.
		t.Run("OfficialsDueSoonAndOverdue", func(t *testing.T) {
			d := f.submit(t, proc5)
			f.act(t, vn(2026, 3, 2, 11, 0), f.desk, d.Code, catalog.ActReceive, dossier.Input{})
			f.settle(t)
			for _, addr := range []string{"chuyenvien@langson.gov.vn", "chuyenvien2@langson.gov.vn"} {
				warn := f.to(t, addr, "Sắp đến hạn: hồ sơ "+d.Code)
				if len(warn) != 1 || !strings.Contains(warn[0].Text, publicURL+"/mot-cua/ho-so/"+d.Code) {
					t.Fatalf("%s: %d due-soon mails", addr, len(warn))
				}
				if n := len(f.to(t, addr, "Quá hạn bước xử lý: hồ sơ "+d.Code)); n != 1 {
					t.Errorf("%s: %d step-late mails", addr, n)
				}
				if n := len(f.to(t, addr, "Quá hạn giải quyết: hồ sơ "+d.Code)); n != 1 {
					t.Errorf("%s: %d overdue mails", addr, n)
				}
			}
			if n := len(f.to(t, "lanhdao@langson.gov.vn", "Quá hạn giải quyết: hồ sơ "+d.Code)); n != 1 {
				t.Errorf("the leader got %d overdue mails", n)
			}
			if n := len(f.to(t, "lanhdao@langson.gov.vn", "Sắp đến hạn")); n != 0 {
				t.Errorf("the leader is not at the step: %d due-soon mails", n)
			}
			ns, _, _ := f.svc.Notifications(ctx, f.spec2, 0, 20)
			kinds := map[string]int{}
			for _, n := range ns {
				kinds[n.Kind]++
			}
			if kinds["step_warn"] != 1 || kinds["step_late"] != 1 || kinds["overdue"] != 1 {
				t.Fatalf("in the portal: %v", kinds)
			}
		})
	})
}
