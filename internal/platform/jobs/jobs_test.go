package jobs_test

import (
	"context"
	"database/sql"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"egov/internal/platform/jobs"
	"egov/internal/platform/sqldb"
	"egov/internal/platform/sqldb/sqldbtest"
)

type noteArgs struct {
	Key string `json:"key"`
}

func (noteArgs) Kind() string { return "test_note" }

// noteWorker writes a row and completes the job in one transaction.
type noteWorker struct {
	river.WorkerDefaults[noteArgs]
	db   *sqldb.DB
	runs *atomic.Int64
}

func (w *noteWorker) Work(ctx context.Context, job *river.Job[noteArgs]) error {
	w.runs.Add(1)
	return w.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO meta(key, value) VALUES ($1, 'done')`, "job:"+job.Args.Key); err != nil {
			return err
		}
		return jobs.CompleteTx(ctx, tx, job)
	})
}

func TestJobInsertedWithTheChange(t *testing.T) {
	t.Parallel()
	sqldbtest.Engines(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		var runs atomic.Int64
		workers := river.NewWorkers()
		river.AddWorker(workers, &noteWorker{db: db, runs: &runs})
		r, err := jobs.New(jobs.Config{DB: db, Workers: workers, ID: "test"})
		if err != nil {
			t.Fatal(err)
		}
		if err := r.Start(ctx); err != nil {
			t.Fatal(err)
		}
		defer func() {
			sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			defer cancel()
			_ = r.Stop(sctx)
		}()

		// committed with its change: runs once
		for i := 0; i < 20; i++ {
			err := db.Tx(ctx, func(tx *sql.Tx) error {
				key := "k" + string(rune('a'+i))
				if _, err := tx.ExecContext(ctx, `INSERT INTO meta(key, value) VALUES ($1, 'change')`, "change:"+key); err != nil {
					return err
				}
				return r.InsertTx(ctx, tx, noteArgs{Key: key}, nil)
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		// rolled back with its change: never runs
		boom := errors.New("rolled back")
		err = db.Tx(ctx, func(tx *sql.Tx) error {
			if err := r.InsertTx(ctx, tx, noteArgs{Key: "ghost"}, nil); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatal(err)
		}
		deadline := time.Now().Add(15 * time.Second)
		for {
			var n int
			if err := db.R.QueryRowContext(ctx, `SELECT count(*) FROM meta WHERE key LIKE 'job:%'`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n == 20 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%d of 20 jobs done", n)
			}
			time.Sleep(50 * time.Millisecond)
		}
		time.Sleep(300 * time.Millisecond)
		if got := runs.Load(); got != 20 {
			t.Fatalf("workers ran %d times for 20 jobs", got)
		}
		var ghost int
		_ = db.R.QueryRowContext(ctx, `SELECT count(*) FROM meta WHERE key = 'job:ghost'`).Scan(&ghost)
		if ghost != 0 {
			t.Fatal("a job of a rolled-back transaction ran")
		}
	})
}

func TestSlot(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 24, 10, 7, 31, 0, time.FixedZone("ICT", 7*3600))
	if got := jobs.Slot(at, 5*time.Minute); !got.Equal(time.Date(2026, 11, 24, 3, 5, 0, 0, time.UTC)) {
		t.Fatalf("slot %v", got)
	}
}
