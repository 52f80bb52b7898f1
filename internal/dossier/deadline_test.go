package dossier_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"egov/internal/audit"
	"egov/internal/catalog"
	"egov/internal/dossier"
	"egov/internal/platform/jobs"
	"egov/internal/platform/sqldb"
	"egov/internal/platform/sqldb/sqldbtest"
)

// replica starts a job runner working deadline jobs over db, as one egov
// replica does.
func replica(t *testing.T, name string, db *sqldb.DB, f *fixture) *jobs.Runner {
	t.Helper()
	svc := dossier.NewService(dossier.Deps{DB: db, Audit: audit.New(db, f.clock.Now), Catalog: catalogOf(t, db, f),
		Directory: f.ids, Calendars: f.cal, Now: f.clock.Now})
	workers := river.NewWorkers()
	river.AddWorker(workers, &dossier.DeadlineWorker{Service: svc})
	r, err := jobs.New(jobs.Config{DB: db, Workers: workers, ID: name})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		_ = r.Stop(sctx)
	})
	return r
}

func catalogOf(t *testing.T, db *sqldb.DB, f *fixture) *catalog.Service {
	t.Helper()
	return catalog.NewService(db, audit.New(db, f.clock.Now), f.clock.Now)
}

// waitJobs waits until no deadline job is left to run.
func waitJobs(t *testing.T, db *sqldb.DB) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		var left int
		if err := db.R.QueryRowContext(ctx, `SELECT count(*) FROM river_job WHERE kind = 'dossier.deadline' AND state <> 'completed'`).Scan(&left); err != nil {
			t.Fatal(err)
		}
		if left == 0 {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("deadline jobs did not finish")
}

func countEvents(t *testing.T, db *sqldb.DB, code, action string) int {
	t.Helper()
	var n int
	if err := db.R.QueryRowContext(ctx, `SELECT count(*) FROM dossier_events e JOIN dossiers d ON d.id = e.dossier_id
		WHERE d.code = $1 AND e.action = $2`, code, action).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Two replicas work the same deadline jobs: each deadline acts once, even
// when its job is scheduled twice, and a deadline that no longer holds
// does nothing.
func TestDeadlineJobsActOnceAcrossReplicas(t *testing.T) {
	t.Parallel()
	url := sqldbtest.PostgresURL(t)
	open := func() *sqldb.DB {
		db, err := sqldb.Open(ctx, sqldb.Options{URL: url, MaxConns: 10})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	db1, db2 := open(), open()
	f := setup(t, db1)
	a := replica(t, "replica-a", db1, f)
	replica(t, "replica-b", db2, f)
	f.svc.SetScheduler(a)

	// Received in March 2026 with the clock held there: its deadlines are
	// in the past of the machine's time, so the jobs run at once.
	f.clock.Set(vn(2026, 3, 2, 9, 0))
	d := f.submit(t, proc5)
	f.act(t, vn(2026, 3, 2, 9, 0), f.desk, d.Code, catalog.ActReceive, dossier.Input{})
	f.act(t, vn(2026, 3, 2, 9, 5), f.lead, d.Code, catalog.ActAssign, dossier.Input{AssigneeID: f.spec.User.ID})
	v := f.view(t, f.spec, d.Code)
	// The same deadlines once more, as a retry or a second scheduler
	// would, without the uniqueness guard; and one that no longer holds.
	err := db1.Tx(ctx, func(tx *sql.Tx) error {
		for _, args := range []dossier.DeadlineArgs{
			{DossierID: v.ID, What: "step_late", Step: "xu_ly", Due: v.StepDueAt.UTC()},
			{DossierID: v.ID, What: "overdue", Due: v.DueAt.UTC()},
			{DossierID: v.ID, What: "overdue", Due: v.DueAt.Add(-time.Hour).UTC()},
		} {
			if err := a.InsertTx(ctx, tx, args, nil); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	waitJobs(t, db1)
	for action, want := range map[string]int{"step_late": 1, "overdue": 1} {
		if got := countEvents(t, db1, d.Code, action); got != want {
			t.Errorf("%s acted %d times", action, got)
		}
	}
	v = f.view(t, f.spec, d.Code)
	if !v.StepLate || !v.Overdue {
		t.Fatalf("flags %v %v", v.StepLate, v.Overdue)
	}
	ns, _, _ := f.svc.Notifications(ctx, f.spec, 0, 20)
	kinds := map[string]int{}
	for _, n := range ns {
		kinds[n.Kind]++
	}
	if kinds["step_late"] != 1 || kinds["assigned"] != 1 {
		t.Fatalf("the assignee is told once: %v", kinds)
	}
	var workedBy int
	if err := db1.R.QueryRowContext(ctx, `SELECT count(DISTINCT attempted_by[1]) FROM river_job WHERE kind = 'dossier.deadline'`).Scan(&workedBy); err != nil {
		t.Fatal(err)
	}
	t.Logf("deadline jobs worked by %d replica(s)", workedBy)
}

// On SQLite (one replica) the deadline job marks the step late after the
// due instant and leaves a moved-on dossier alone.
func TestDeadlineJobsSQLite(t *testing.T) {
	t.Parallel()
	db := sqldbtest.SQLite(t)
	f := setup(t, db)
	r := replica(t, "only", db, f)
	f.svc.SetScheduler(r)
	f.clock.Set(vn(2026, 3, 2, 9, 0))
	late := f.submit(t, proc5)
	f.act(t, vn(2026, 3, 2, 9, 0), f.desk, late.Code, catalog.ActReceive, dossier.Input{})
	moved := f.submit(t, proc5)
	f.act(t, vn(2026, 3, 2, 9, 0), f.desk, moved.Code, catalog.ActReceive, dossier.Input{})
	f.act(t, vn(2026, 3, 2, 9, 1), f.spec, moved.Code, catalog.ActStop, dossier.Input{Note: "Dừng"})
	waitJobs(t, db)
	if countEvents(t, db, late.Code, "step_late") != 1 || countEvents(t, db, late.Code, "overdue") != 1 {
		t.Fatal("the late dossier is marked")
	}
	if countEvents(t, db, moved.Code, "step_late") != 0 || countEvents(t, db, moved.Code, "overdue") != 0 {
		t.Fatal("a stopped dossier is left alone")
	}
}
