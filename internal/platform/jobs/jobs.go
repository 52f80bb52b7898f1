// Package jobs runs egov's durable background work on River, over the same
// database as the data (SQLite or PostgreSQL): a job is inserted in the
// transaction of the change that needs it, so it exists exactly when the
// change does. Periodic jobs are scheduled by the elected leader only, and
// carry their schedule slot so that one slot runs once across replicas.
package jobs

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"

	"egov/internal/platform/sqldb"
)

// Client is River's client over database/sql transactions, on both engines.
type Client = river.Client[*sql.Tx]

// Config of the job runner.
type Config struct {
	DB         *sqldb.DB
	Workers    *river.Workers
	Periodic   []*river.PeriodicJob
	MaxWorkers int    // default 10
	ID         string // replica name
	Log        *slog.Logger
	// InsertOnly builds a client that inserts but never works jobs (for
	// command-line tools).
	InsertOnly bool
}

// Runner owns the River client and its lifecycle.
type Runner struct {
	client *Client
	log    *slog.Logger
}

// New builds the runner; Start begins working.
func New(cfg Config) (*Runner, error) {
	var driver riverdriver.Driver[*sql.Tx]
	if cfg.DB.Engine == sqldb.Postgres {
		driver = riverdatabasesql.NewWithPgxListener(cfg.DB.W, cfg.DB.Pool)
	} else {
		driver = riversqlite.New(cfg.DB.W)
	}
	rc := &river.Config{
		ID:     cfg.ID,
		Logger: cfg.Log,
	}
	if !cfg.InsertOnly {
		n := cfg.MaxWorkers
		if n <= 0 {
			n = 10
		}
		if cfg.DB.Engine == sqldb.SQLite {
			// One writer connection: more workers only queue on it.
			n = min(n, 4)
		}
		rc.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: n}}
		rc.Workers = cfg.Workers
		rc.PeriodicJobs = cfg.Periodic
		rc.JobTimeout = 5 * time.Minute
		if cfg.DB.Engine == sqldb.SQLite {
			rc.FetchPollInterval = 500 * time.Millisecond
		}
	}
	c, err := river.NewClient(driver, rc)
	if err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	return &Runner{client: c, log: cfg.Log}, nil
}

// Client returns the River client (to insert jobs).
func (r *Runner) Client() *Client { return r.client }

// Start begins working jobs; it returns at once.
func (r *Runner) Start(ctx context.Context) error { return r.client.Start(ctx) }

// Stop lets running jobs finish until ctx ends, then cancels them.
func (r *Runner) Stop(ctx context.Context) error {
	err := r.client.Stop(ctx)
	if err != nil && ctx.Err() != nil {
		return r.client.StopAndCancel(context.WithoutCancel(ctx))
	}
	return err
}

// InsertTx inserts a job in the caller's transaction.
func (r *Runner) InsertTx(ctx context.Context, tx *sql.Tx, args river.JobArgs, opts *river.InsertOpts) error {
	_, err := r.client.InsertTx(ctx, tx, args, opts)
	return err
}

// CompleteTx marks a running job completed inside tx, together with the
// job's own database effects: if tx commits, the work is done exactly once.
func CompleteTx[A river.JobArgs](ctx context.Context, tx *sql.Tx, job *river.Job[A]) error {
	_, err := river.JobCompleteTx[riverdriver.Driver[*sql.Tx]](ctx, tx, job)
	return err
}

// Slot is the start of the schedule period that t falls in: periodic job
// arguments carry it so a slot is worked once even if two schedulers fire.
func Slot(t time.Time, every time.Duration) time.Time {
	return t.UTC().Truncate(every)
}

// Periodic builds a periodic job whose arguments are made by mk for the
// current slot, unique by arguments so a slot is enqueued once.
func Periodic(every time.Duration, mk func(slot time.Time) river.JobArgs) *river.PeriodicJob {
	return river.NewPeriodicJob(
		river.PeriodicInterval(every),
		func() (river.JobArgs, *river.InsertOpts) {
			return mk(Slot(time.Now(), every)), &river.InsertOpts{
				UniqueOpts: river.UniqueOpts{ByArgs: true},
			}
		},
		&river.PeriodicJobOpts{RunOnStart: true},
	)
}
