package dossiergen_test

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"egov/internal/audit"
	"egov/internal/calendar"
	"egov/internal/catalog"
	"egov/internal/catalog/demo"
	"egov/internal/dossier"
	"egov/internal/dossier/dossiergen"
	"egov/internal/eform"
	"egov/internal/identity"
	"egov/internal/platform/sqldb"
	"egov/internal/platform/sqldb/sqldbtest"
	"egov/internal/seed"
)

var ctx = context.Background()

// province is the demo province with its catalogue on a fresh database,
// and the services the generator reads.
type province struct {
	db   *sqldb.DB
	deps dossiergen.Deps
	svc  *dossier.Service
	ids  *identity.Service
	now  time.Time
}

func setup(t testing.TB, db *sqldb.DB) *province {
	t.Helper()
	now := time.Date(2026, 11, 24, 10, 0, 0, 0, calendar.Location())
	clock := func() time.Time { return now }
	log := audit.New(db, clock)
	ids := identity.New(db, log, nil, clock, identity.Settings{})
	cal := calendar.NewService(db, log, calendar.DefaultOfficeHours(), clock)
	cat := catalog.NewService(db, log, clock)
	if _, err := seed.Demo(ctx, db, ids, log, cal, "Mật khẩu demo 2026!"); err != nil {
		t.Fatal(err)
	}
	ws, ps, err := demo.Load()
	if err != nil {
		t.Fatal(err)
	}
	fs, err := demo.Forms()
	if err != nil {
		t.Fatal(err)
	}
	if rep, err := cat.Import(audit.WithActor(ctx, audit.Actor{Username: "seed"}),
		catalog.Bundle{Format: catalog.Format, Workflows: ws, Forms: fs, Procedures: ps}, nil); err != nil {
		t.Fatalf("%v %v", err, rep.Rejected)
	}
	svc := dossier.NewService(dossier.Deps{DB: db, Audit: log, Catalog: cat, Directory: ids, Calendars: cal, Now: clock})
	return &province{db: db, svc: svc, ids: ids, now: now,
		deps: dossiergen.Deps{DB: db, Catalog: cat, Directory: ids, Calendars: cal, Dossiers: svc, Audit: log}}
}

func (p *province) generate(t testing.TB, n int, seed uint64) dossiergen.Report {
	t.Helper()
	rep, err := dossiergen.Generate(ctx, p.deps, dossiergen.Options{Dossiers: n, Batch: 700, Citizens: 300, Now: p.now, Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestGenerate(t *testing.T) {
	sqldbtest.Engines(t, func(t *testing.T, db *sqldb.DB) {
		p := setup(t, db)
		rep := p.generate(t, 2000, 1)
		if rep.Dossiers != 2000 || rep.CitizensCreated == 0 {
			t.Fatalf("report %+v", rep)
		}
		t.Run("StatesLikeAProvince", func(t *testing.T) {
			share := func(st dossier.Status) float64 { return float64(rep.ByStatus[st]) / float64(rep.Dossiers) }
			if s := share(dossier.StatusReturned); s < 0.7 || s > 0.92 {
				t.Errorf("returned %.2f", s)
			}
			if s := share(dossier.StatusProcessing); s < 0.04 || s > 0.16 {
				t.Errorf("processing %.2f", s)
			}
			var finished int
			for _, n := range rep.ByOutcome {
				finished += n
			}
			if late := float64(rep.ByOutcome[dossier.Late]) / float64(finished); late < 0.02 || late > 0.2 {
				t.Errorf("late %.2f of finished", late)
			}
			if ev := float64(rep.Events) / float64(rep.Dossiers); ev < 3 || ev > 8 {
				t.Errorf("%.1f events a dossier", ev)
			}
		})
		t.Run("CodesUniqueAndSequencesConsistent", func(t *testing.T) {
			checkCodes(t, db, 2000)
		})
		t.Run("OpenDossiersAtTheirStep", func(t *testing.T) {
			var bad int
			if err := db.R.QueryRowContext(ctx, `SELECT count(*) FROM dossiers WHERE status IN ('processing', 'result')
				AND (step_unit_id IS NULL OR step_role = '' OR step_due_at IS NULL OR due_at IS NULL OR received_at IS NULL
				OR clock <> 'running' OR step_started_at IS NULL)`).Scan(&bad); err != nil {
				t.Fatal(err)
			}
			if bad > 0 {
				t.Errorf("%d open dossiers without their step's unit, role or deadlines", bad)
			}
			if err := db.R.QueryRowContext(ctx, `SELECT count(*) FROM dossiers WHERE status IN ('returned', 'refused', 'withdrawn', 'stopped')
				AND (finished_at IS NULL OR clock <> 'finished' OR step <> 'end' OR step_role <> '')`).Scan(&bad); err != nil {
				t.Fatal(err)
			}
			if bad > 0 {
				t.Errorf("%d finished dossiers not ended", bad)
			}
			if err := db.R.QueryRowContext(ctx, `SELECT count(*) FROM dossiers d WHERE NOT EXISTS
				(SELECT 1 FROM dossier_events e WHERE e.dossier_id = d.id AND e.action = 'submit')`).Scan(&bad); err != nil {
				t.Fatal(err)
			}
			if bad > 0 {
				t.Errorf("%d dossiers without their submission in the history", bad)
			}
		})
		t.Run("TrackedAndQueuedByTheService", func(t *testing.T) {
			var code, pid string
			if err := db.R.QueryRowContext(ctx, `SELECT code, applicant_pid FROM dossiers WHERE status = 'returned' ORDER BY id LIMIT 1`).
				Scan(&code, &pid); err != nil {
				t.Fatal(err)
			}
			tr, err := p.svc.Track(ctx, code, pid[len(pid)-4:])
			if err != nil {
				t.Fatal(err)
			}
			if !tr.Unlocked || tr.Status != dossier.StatusReturned || len(tr.Events) < 4 || tr.Procedure == "" || tr.Unit == "" {
				t.Errorf("tracking %+v", tr)
			}
			u, err := p.ids.UserByUsername(ctx, "admin")
			if err != nil {
				t.Fatal(err)
			}
			admin := &identity.Principal{User: u, Stage: identity.StageFull}
			v, err := p.svc.Queue(ctx, admin, dossier.QueueProcess, 0, 25)
			if err != nil || len(v) == 0 {
				t.Fatalf("queue: %d, %v", len(v), err)
			}
		})
		// A live submission after a run takes the next number of its
		// unit's day.
		t.Run("LiveSubmissionTakesTheNextNumber", func(t *testing.T) {
			var username string
			if err := db.R.QueryRowContext(ctx, `SELECT username FROM users WHERE kind = 'citizen' AND username NOT LIKE 'congdan%' ORDER BY id LIMIT 1`).
				Scan(&username); err != nil {
				t.Fatal(err)
			}
			u, err := p.ids.UserByUsername(ctx, username)
			if err != nil {
				t.Fatal(err)
			}
			onestop, err := p.ids.AgencyByCode(ctx, "000.01.20.H37")
			if err != nil {
				t.Fatal(err)
			}
			var before int
			day := p.now.Format(time.DateOnly)
			err = db.R.QueryRowContext(ctx, `SELECT last FROM dossier_sequences WHERE unit_id = $1 AND day = $2`, onestop.ID, day).Scan(&before)
			if err != nil && err != sql.ErrNoRows {
				t.Fatal(err)
			}
			// A commune procedure offered online whose form needs no file.
			var code string
			var values eform.Values
			procs, err := p.deps.Catalog.Procedures(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, pr := range procs {
				if pr.Level != catalog.LevelCommune || pr.Online == catalog.OnlineNone || !slices.Contains(pr.Channels, catalog.ChannelOnline) ||
					pr.Form == "" || pr.Receivers[0].Kind != "commune" {
					continue
				}
				form, _, err := p.deps.Catalog.Form(ctx, pr.Form)
				if err != nil {
					t.Fatal(err)
				}
				if v, ok := dossiergen.SampleValues(form, p.now); ok {
					code, values = pr.Code, v
					break
				}
			}
			if code == "" {
				t.Fatal("no commune procedure offered online passes its form without files")
			}
			d, err := p.svc.Submit(ctx, &identity.Principal{User: u, Stage: identity.StageFull},
				dossier.Submission{ProcedureCode: code, ReceivingUnitID: onestop.ID, Values: values})
			if err != nil {
				t.Fatal(err)
			}
			if want := dossier.Code(onestop.Code, p.now, before+1); d.Code != want {
				t.Errorf("code %s, want %s", d.Code, want)
			}
		})
		t.Run("AppendsOnASecondRun", func(t *testing.T) {
			again := p.generate(t, 500, 2)
			if again.CitizensCreated != 0 {
				t.Errorf("created %d citizens again", again.CitizensCreated)
			}
			checkCodes(t, db, 2000+1+500)
		})
	})
}

var codeRe = regexp.MustCompile(`^(\d{3}\.\d{2}\.\d{2}\.H37)-(\d{6})-(\d{4,})$`)

// checkCodes checks that the n dossiers have distinct well-formed codes
// of their receiving unit and day, and that each unit's sequence of the
// day stands at its highest number: the next submission continues it.
func checkCodes(t *testing.T, db *sqldb.DB, n int) {
	t.Helper()
	rows, err := db.R.QueryContext(ctx, `SELECT d.code, a.code, d.submitted_at, d.receiving_unit_id FROM dossiers d
		JOIN agencies a ON a.id = d.receiving_unit_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	seen := map[string]bool{}
	top := map[string]int{}
	for rows.Next() {
		var code, unit string
		var at time.Time
		var unitID int64
		if err := rows.Scan(&code, &unit, &at, &unitID); err != nil {
			t.Fatal(err)
		}
		m := codeRe.FindStringSubmatch(code)
		if m == nil || m[1] != unit || m[2] != at.In(calendar.Location()).Format("060102") {
			t.Fatalf("code %s of a dossier of %s submitted %s", code, unit, at)
		}
		if seen[code] {
			t.Fatalf("code %s twice", code)
		}
		seen[code] = true
		var seq int
		fmt.Sscan(strings.TrimLeft(m[3], "0"), &seq)
		k := fmt.Sprintf("%d/%s", unitID, at.In(calendar.Location()).Format(time.DateOnly))
		top[k] = max(top[k], seq)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(seen) != n {
		t.Fatalf("%d codes, want %d", len(seen), n)
	}
	seqs := map[string]int{}
	srows, err := db.R.QueryContext(ctx, `SELECT unit_id, day, last FROM dossier_sequences`)
	if err != nil {
		t.Fatal(err)
	}
	defer srows.Close()
	for srows.Next() {
		var unit int64
		var day string
		var last int
		if err := srows.Scan(&unit, &day, &last); err != nil {
			t.Fatal(err)
		}
		seqs[fmt.Sprintf("%d/%s", unit, day)] = last
	}
	for k, v := range top {
		if seqs[k] != v {
			t.Fatalf("sequence %s at %d, highest code number %d", k, seqs[k], v)
		}
	}
}

// Every demo form can be filled in; most without any attachment.
func TestSampleValues(t *testing.T) {
	fs, err := demo.Forms()
	if err != nil {
		t.Fatal(err)
	}
	today := time.Date(2026, 11, 24, 10, 0, 0, 0, calendar.Location())
	var bare []string
	for _, f := range fs {
		if _, ok := dossiergen.SampleValues(f, today); ok {
			bare = append(bare, f.Key)
		}
	}
	if len(bare) < 5 {
		t.Errorf("only %v pass without attachments", bare)
	}
	t.Logf("%d of %d demo forms pass without attachments: %v", len(bare), len(fs), bare)
}

func BenchmarkGenerate(b *testing.B) {
	p := setup(b, sqldbtest.SQLite(b))
	b.ResetTimer()
	for b.Loop() {
		p.generate(b, 5000, 7)
	}
}
