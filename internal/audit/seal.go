package audit

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/riverqueue/river"

	"egov/internal/platform/jobs"
	"egov/internal/platform/sqldb"
)

// SealEvery is how often the log is sealed.
const SealEvery = 5 * time.Minute

// SealArgs asks for the seal of one schedule slot.
type SealArgs struct {
	Slot time.Time `json:"slot"`
}

// Kind implements river.JobArgs.
func (SealArgs) Kind() string { return "audit_seal" }

// SealWorker seals the log; the seal and the job's completion commit
// together, and the slot is unique, so a slot is sealed once across
// replicas however often it is delivered.
type SealWorker struct {
	river.WorkerDefaults[SealArgs]
	DB  *sqldb.DB
	Log *Log
}

// Work implements river.Worker.
func (w *SealWorker) Work(ctx context.Context, job *river.Job[SealArgs]) error {
	return w.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := w.Log.Seal(ctx, tx, job.Args.Slot); err != nil && !errors.Is(err, ErrAlreadySealed) {
			return err
		}
		return jobs.CompleteTx(ctx, tx, job)
	})
}

// PeriodicSeal is the periodic job that seals every interval.
func PeriodicSeal(every time.Duration) *river.PeriodicJob {
	return jobs.Periodic(every, func(slot time.Time) river.JobArgs { return SealArgs{Slot: slot} })
}
