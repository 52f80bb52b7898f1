package app

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"time"

	"egov/internal/audit"
	"egov/internal/config"
	"egov/internal/dossier"
	"egov/internal/dossier/dossiergen"
)

const benchUsage = `usage: egov bench generate --dossiers N [--batch 5000] [--citizens 10000] [--days 730] [--seed S]

Adds N synthetic dossiers to the configured database (EGOV_DATABASE_URL, or
SQLite in EGOV_DATA_DIR) on top of the demo province, which it creates
first if needed: for benchmarks and load tests, never on real data.`

// benchCmd runs the benchmark tools: egov bench generate.
func benchCmd(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "generate" {
		fmt.Fprintln(stderr, benchUsage)
		return 2
	}
	fs := flag.NewFlagSet("bench generate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	n := fs.Int("dossiers", 0, "dossiers to add")
	batch := fs.Int("batch", 5000, "dossiers per transaction")
	pool := fs.Int("citizens", 10_000, "applicants: citizen accounts to draw from (missing ones are created)")
	days := fs.Int("days", 730, "submissions spread over this many days up to now")
	seed := fs.Uint64("seed", 0, "random seed (default: from the clock)")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	if *n <= 0 || *batch <= 0 || fs.NArg() > 0 {
		fmt.Fprintln(stderr, benchUsage)
		return 2
	}
	return withCore(ctx, cfg, log, stderr, func(c *Core) error {
		if _, err := c.SeedDemo(ctx, stdout, true); err != nil {
			return err
		}
		if err := c.SeedDemoCatalog(ctx); err != nil {
			return err
		}
		bar := newRateBar(stderr, "dossiers")
		rep, err := dossiergen.Generate(audit.WithActor(ctx, audit.Actor{Username: "cli:" + currentOSUser()}), dossiergen.Deps{
			DB: c.DB, Catalog: c.Catalog, Directory: c.Identity, Calendars: c.Calendar, Dossiers: c.Dossiers, Audit: c.Audit,
		}, dossiergen.Options{Dossiers: *n, Batch: *batch, Citizens: *pool, Days: *days, Seed: *seed, DueSoon: cfg.DueSoonDays,
			Progress: bar.update})
		bar.done()
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%d dossiers in %.1f s (%.0f/s) on %s: %d events, %d inter-agency parts, %d payments; %d citizens (%d new)\n",
			rep.Dossiers, rep.Elapsed.Seconds(), float64(rep.Dossiers)/rep.Elapsed.Seconds(), c.DB.Engine,
			rep.Events, rep.Branches, rep.Payments, rep.Citizens, rep.CitizensCreated)
		for _, st := range dossier.Statuses {
			if k := rep.ByStatus[st]; k > 0 {
				fmt.Fprintf(stdout, "  %-10s %8d  %5.1f%%\n", st, k, 100*float64(k)/float64(rep.Dossiers))
			}
		}
		var finished int
		for _, k := range rep.ByOutcome {
			finished += k
		}
		outcomes := []dossier.Outcome{dossier.Early, dossier.OnTime, dossier.Late, ""}
		for o := range rep.ByOutcome {
			if !slices.Contains(outcomes, o) {
				outcomes = append(outcomes, o)
			}
		}
		for _, o := range outcomes {
			if k := rep.ByOutcome[o]; k > 0 {
				name := string(o)
				if name == "" {
					name = "(none)"
				}
				fmt.Fprintf(stdout, "  finished %-8s %8d  %5.1f%%\n", name, k, 100*float64(k)/float64(finished))
			}
		}
		return nil
	})
}

// rateBar draws "412000/1000000 dossiers  41.2%  38500/s  ETA 15s" on
// one terminal line.
type rateBar struct {
	w     io.Writer
	what  string
	start time.Time
	drawn bool
}

func newRateBar(w io.Writer, what string) *rateBar {
	return &rateBar{w: w, what: what, start: time.Now()}
}

func (b *rateBar) update(done, total int) {
	if total <= 0 {
		return
	}
	el := max(time.Since(b.start).Seconds(), 1e-3)
	rate := float64(done) / el
	eta := time.Duration(float64(total-done)/max(rate, 1e-9)) * time.Second
	fmt.Fprintf(b.w, "\r%d/%d %s  %.1f%%  %.0f/s  ETA %s   ", done, total, b.what, 100*float64(done)/float64(total), rate,
		eta.Round(time.Second))
	b.drawn = true
}

func (b *rateBar) done() {
	if b.drawn {
		fmt.Fprintln(b.w)
	}
}
