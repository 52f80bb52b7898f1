// Package dossiergen loads a province's worth of realistic dossiers into
// egov's database for benchmarks and load tests: spread over the one-stop
// units and two years of working days, coded <unit>-YYMMDD-NNNN with the
// code sequences kept consistent, with the catalogue versions, step units,
// deadlines, outcomes and history the lifecycle would have produced, filed
// by a pool of citizen accounts. It writes in large batches (COPY on
// PostgreSQL, multi-row INSERT on SQLite), one transaction per batch, and
// appends: running it again adds more dossiers with new codes.
//
// The data are synthetic. Never run it against a production database.
package dossiergen

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"time"

	"egov/internal/audit"
	"egov/internal/calendar"
	"egov/internal/catalog"
	"egov/internal/dossier"
	"egov/internal/eform"
	"egov/internal/identity"
	"egov/internal/platform/sqldb"
)

// Catalog is what the generator reads of the catalogue.
type Catalog interface {
	Procedures(ctx context.Context) ([]catalog.Procedure, error)
	Published(ctx context.Context, code string) (catalog.Procedure, error)
	Procedure(ctx context.Context, code string) (catalog.Procedure, catalog.Version, error)
	Workflow(ctx context.Context, key string) (catalog.Workflow, catalog.Version, error)
	Form(ctx context.Context, key string) (eform.Form, catalog.Version, error)
}

// Deps are the generator's collaborators: the database it writes, and the
// services it reads the province from.
type Deps struct {
	DB        *sqldb.DB
	Catalog   Catalog
	Directory interface {
		Agencies(ctx context.Context) ([]identity.Agency, error)
	}
	Calendars interface {
		Calendar(ctx context.Context) (*calendar.Calendar, error)
	}
	Dossiers interface {
		ReceivingUnits(ctx context.Context, procedureCode string) ([]identity.Agency, error)
	}
	Audit *audit.Log // records one entry per run (nil: none)
}

// Options say how much to generate.
type Options struct {
	Dossiers int       // dossiers to add
	Batch    int       // dossiers per transaction (default 5,000)
	Citizens int       // applicant pool; missing citizen accounts are created (default 10,000)
	Days     int       // submissions spread over this many days up to Now (default 730)
	Now      time.Time // default time.Now
	Seed     uint64    // random source (0: from the clock)
	DueSoon  int       // working days before a deadline that work is due soon (default 1, as EGOV_DUE_SOON_DAYS)
	// Progress is called after each committed batch.
	Progress func(done, total int)
}

// Report says what a run added.
type Report struct {
	Dossiers, Events, Branches, Payments int
	CitizensCreated, Citizens            int
	ByStatus                             map[dossier.Status]int
	ByOutcome                            map[dossier.Outcome]int // of finished dossiers
	Elapsed                              time.Duration
}

// Generate adds o.Dossiers dossiers on top of the province and catalogue
// already in the database (the demo: egov seed demo).
func Generate(ctx context.Context, d Deps, o Options) (Report, error) {
	t0 := time.Now()
	if o.Dossiers <= 0 {
		return Report{}, errors.New("dossiergen: the number of dossiers must be positive")
	}
	if o.Batch <= 0 {
		o.Batch = 5000
	}
	if o.Citizens <= 0 {
		o.Citizens = 10_000
	}
	if o.Days <= 0 {
		o.Days = 730
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	if o.Seed == 0 {
		o.Seed = uint64(time.Now().UnixNano())
	}
	if o.DueSoon <= 0 {
		o.DueSoon = 1
	}
	rng := rand.New(rand.NewPCG(o.Seed, 0x65676f76))
	cal, err := d.Calendars.Calendar(ctx)
	if err != nil {
		return Report{}, err
	}
	pl, err := buildPlan(ctx, d, o.Now.In(calendar.Location()), rng)
	if err != nil {
		return Report{}, err
	}
	pool, created, err := citizens(ctx, d.DB, o.Citizens, rng, o.Now)
	if err != nil {
		return Report{}, err
	}
	if len(pool) == 0 {
		return Report{}, errors.New("dossiergen: no citizen accounts")
	}
	rep := Report{CitizensCreated: created, Citizens: len(pool), ByStatus: map[dossier.Status]int{}, ByOutcome: map[dossier.Outcome]int{}}

	var w writer
	if d.DB.Engine == sqldb.Postgres {
		w = &pgWriter{db: d.DB}
	} else {
		w = &sqliteWriter{db: d.DB}
	}
	defer w.close()
	// One goroutine tells the dossiers' stories, in submission order,
	// while another writes the previous batch.
	gctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan []*row, 1)
	genErr := make(chan error, 1)
	go func() {
		defer close(batches)
		genErr <- produce(gctx, pl, cal, pool, o, rng, batches)
	}()
	done := 0
	for b := range batches {
		if err := w.write(ctx, b); err != nil {
			cancel()
			for range batches {
			}
			return rep, err
		}
		for _, r := range b {
			rep.Dossiers++
			rep.Events += len(r.events)
			rep.Branches += len(r.branches)
			rep.Payments += len(r.payments)
			rep.ByStatus[r.status]++
			if r.status.Finished() {
				rep.ByOutcome[r.outcome]++
			}
		}
		done += len(b)
		if o.Progress != nil {
			o.Progress(done, o.Dossiers)
		}
	}
	if err := <-genErr; err != nil {
		return rep, err
	}
	// PostgreSQL plans by statistics that autovacuum would gather only
	// some time after a bulk load: gather them now, as after a restore.
	// (SQLite has none unless egov gathers them; it does not, and the
	// benchmarks measure it as it runs.)
	if d.DB.Engine == sqldb.Postgres {
		if _, err := d.DB.W.ExecContext(ctx, `ANALYZE dossiers, dossier_events, dossier_branches, dossier_payments, dossier_sequences, users, user_roles`); err != nil {
			return rep, err
		}
	}
	if d.Audit != nil {
		err := d.DB.Tx(ctx, func(tx *sql.Tx) error {
			return d.Audit.Record(ctx, tx, "dossiergen.generate", "dossiers", "", map[string]any{
				"dossiers": rep.Dossiers, "events": rep.Events, "citizens_created": created, "seed": o.Seed})
		})
		if err != nil {
			return rep, err
		}
	}
	rep.Elapsed = time.Since(t0)
	return rep, nil
}

// produce draws the dossiers day by day over the window, each day's in
// the order of their submission, and sends them in batches.
func produce(ctx context.Context, pl *plan, cal *calendar.Calendar, pool []citizen, o Options, rng *rand.Rand, out chan<- []*row) error {
	loc := calendar.Location()
	now := o.Now.In(loc)
	first := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc).AddDate(0, 0, -o.Days+1)
	type dayInfo struct {
		start   time.Time
		working bool
		weight  float64
	}
	days := make([]dayInfo, o.Days)
	var total float64
	for i := range days {
		st := first.AddDate(0, 0, i)
		working := cal.IsWorkingDay(calendar.DateOf(st))
		// Desks receive on working days; online filings also come in
		// on days off, far fewer.
		w := 1.0
		if !working {
			w = 0.06
		}
		if i == len(days)-1 { // today, up to now
			w *= min(1, now.Sub(st).Hours()/24)
		}
		days[i] = dayInfo{start: st, working: working, weight: w}
		total += w
	}
	periods := cal.OfficeHours().Periods
	var officeMinutes int
	for _, p := range periods {
		officeMinutes += p.End - p.Start
	}
	batch := make([]*row, 0, o.Batch)
	var acc float64
	made := 0
	for i, day := range days {
		acc += day.weight
		n := int(float64(o.Dossiers)*acc/total+0.5) - made
		if i == len(days)-1 {
			n = o.Dossiers - made
		}
		rows := make([]*row, 0, n)
		dayEnd := day.start.AddDate(0, 0, 1)
		if dayEnd.After(now) {
			dayEnd = now
		}
		for range n {
			pr := pl.pickProc(rng, !day.working)
			if pr == nil {
				pr = pl.pickProc(rng, false)
			}
			r := &row{p: pr, u: pr.pickUnit(rng), c: &pool[rng.IntN(len(pool))], channel: dossier.ChannelDesk}
			if !day.working || rng.Float64() < pr.online {
				r.channel = dossier.ChannelOnline
			}
			if r.channel == dossier.ChannelDesk {
				m := rng.IntN(officeMinutes)
				for _, p := range periods {
					if m < p.End-p.Start {
						r.submitted = day.start.Add(time.Duration(p.Start+m)*time.Minute + time.Duration(rng.IntN(60))*time.Second)
						break
					}
					m -= p.End - p.Start
				}
			} else {
				// Online: mostly in the day and the evening.
				h := 6 + rng.Float64()*17
				if rng.Float64() < 0.12 {
					h = rng.Float64() * 24
				}
				r.submitted = day.start.Add(time.Duration(h * float64(time.Hour)))
			}
			if !r.submitted.Before(dayEnd) {
				r.submitted = day.start.Add(time.Duration(rng.Float64() * float64(dayEnd.Sub(day.start))))
			}
			r.submitted = sqldb.UTC(r.submitted)
			r.day = r.submitted.In(loc).Format(time.DateOnly)
			rows = append(rows, r)
		}
		sort.SliceStable(rows, func(a, b int) bool { return rows[a].submitted.Before(rows[b].submitted) })
		for _, r := range rows {
			s := &sim{r: r, cal: cal, rng: rng, now: o.Now, soon: o.DueSoon}
			if err := s.run(pickFate(rng, o.Now.Sub(r.submitted), r.channel == dossier.ChannelOnline)); err != nil {
				return fmt.Errorf("dossier of %s at %s: %w", r.p.p.Code, r.submitted, err)
			}
			slices.SortStableFunc(r.events, func(a, b event) int { return a.at.Compare(b.at) })
			r.version = len(r.events) - 1
			r.data = r.p.data.fill(r.c)
			batch = append(batch, r)
			if len(batch) == o.Batch {
				select {
				case out <- batch:
				case <-ctx.Done():
					return ctx.Err()
				}
				batch = make([]*row, 0, o.Batch)
			}
		}
		made += n
	}
	if len(batch) > 0 {
		select {
		case out <- batch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}
