package dossierbench

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"egov/internal/app"
	"egov/internal/audit"
	"egov/internal/calendar"
	"egov/internal/catalog"
	"egov/internal/dossier"
	"egov/internal/dossier/dossiergen"
	"egov/internal/eform"
	"egov/internal/identity"
	"egov/internal/platform/sqldb"
)

// Submissions are online submissions ready to time: every published
// procedure whose e-form sample values fill without attachments, at every
// one-stop unit that receives it, filed by citizens of the database. Each
// case is submitted once while preparing (a warm-up), and that dossier's
// row is the template of the baseline's rows.
type Submissions struct {
	core   *app.Core
	cases  []subCase
	people []*identity.Principal
}

type subCase struct {
	proc     string
	unit     identity.Agency
	values   eform.Values
	template rawRow
}

// rawRow is what Submit stored for a case, copied by the baseline.
type rawRow struct {
	procCode, wfKey, formKey, channel, status, step, stepRole, data string
	procV, wfV, formV                                               int
	unit, decider, stepUnit, feesDue                                int64
}

// PrepareSubmissions finds the cases (up to maxCases, drawn evenly from
// all of them) and the people (up to maxPeople citizens), and submits
// each case once.
func PrepareSubmissions(ctx context.Context, c *app.Core, maxPeople, maxCases int) (*Submissions, error) {
	s := &Submissions{core: c}
	rows, err := c.DB.R.QueryContext(ctx, `SELECT id FROM users WHERE kind = 'citizen' AND personal_id IS NOT NULL
		AND disabled_at IS NULL ORDER BY id LIMIT $1`, maxPeople)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	for _, id := range ids {
		u, err := c.Identity.User(ctx, id)
		if err != nil {
			return nil, err
		}
		s.people = append(s.people, &identity.Principal{User: u, Stage: identity.StageFull, Kind: identity.SessionAPI})
	}
	if len(s.people) == 0 {
		return nil, errors.New("no citizens: load dossiers first (egov bench generate)")
	}
	procs, err := c.Catalog.Procedures(ctx)
	if err != nil {
		return nil, err
	}
	now := time.Now().In(calendar.Location())
	for _, p := range procs {
		if p.Form == "" || p.Draft || p.Online == catalog.OnlineNone || !slices.Contains(p.Channels, catalog.ChannelOnline) {
			continue
		}
		form, _, err := c.Catalog.Form(ctx, p.Form)
		if err != nil {
			return nil, err
		}
		values, ok := dossiergen.SampleValues(form, now)
		if !ok {
			continue
		}
		units, err := c.Dossiers.ReceivingUnits(ctx, p.Code)
		if err != nil {
			return nil, err
		}
		for _, u := range units {
			if u.Kind == identity.KindUnit {
				s.cases = append(s.cases, subCase{proc: p.Code, unit: u, values: values})
			}
		}
	}
	if len(s.cases) == 0 {
		return nil, errors.New("no procedure can be submitted without attachments")
	}
	if len(s.cases) > maxCases {
		rand.New(rand.NewPCG(3, 4)).Shuffle(len(s.cases), func(i, j int) { s.cases[i], s.cases[j] = s.cases[j], s.cases[i] })
		s.cases = s.cases[:maxCases]
	}
	for i := range s.cases {
		cs := &s.cases[i]
		p := s.people[i%len(s.people)]
		d, err := c.Dossiers.Submit(actorCtx(ctx, p, 0), p, dossier.Submission{ProcedureCode: cs.proc, ReceivingUnitID: cs.unit.ID, Values: cs.values})
		if err != nil {
			return nil, fmt.Errorf("submit %s at %s: %w", cs.proc, cs.unit.Code, err)
		}
		t := &cs.template
		if err := c.DB.R.QueryRowContext(ctx, `SELECT procedure_code, procedure_version, workflow_key, workflow_version, form_key, form_version,
			receiving_unit_id, decider_id, channel, status, step, step_unit_id, step_role, data, fees_due FROM dossiers WHERE code = $1`, d.Code).
			Scan(&t.procCode, &t.procV, &t.wfKey, &t.wfV, &t.formKey, &t.formV, &t.unit, &t.decider, &t.channel, &t.status, &t.step,
				&t.stepUnit, &t.stepRole, &t.data, &t.feesDue); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// Cases is how many (procedure, unit) pairs are drawn from.
func (s *Submissions) Cases() int { return len(s.cases) }

// actorCtx is what the HTTP middleware puts in a citizen's request: the
// actor of the audit entries. A non-zero chain gives the actor an agency
// of its own, i.e. an audit chain of its own.
func actorCtx(ctx context.Context, p *identity.Principal, chain int64) context.Context {
	return audit.WithActor(ctx, audit.Actor{UserID: p.User.ID, Username: p.User.Username, IP: "127.0.0.1", AgencyID: chain,
		RequestID: "bench-" + strconv.FormatInt(rand.Int64(), 36)})
}

// Throughput is a measurement of committed submissions.
type Throughput struct {
	PerSec float64
	Lat    Latencies
}

// run calls one from workers goroutines for warm then dur and counts the
// calls that finished inside dur.
func run(ctx context.Context, workers int, warm, dur time.Duration, one func(ctx context.Context, w int, rng *rand.Rand) error) (Throughput, error) {
	start := time.Now()
	from, until := start.Add(warm), start.Add(warm+dur)
	lat := make([][]time.Duration, workers)
	var failed atomic.Pointer[error]
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), uint64(start.UnixNano())))
			for {
				t0 := time.Now()
				if !t0.Before(until) || failed.Load() != nil {
					return
				}
				if err := one(ctx, w, rng); err != nil {
					failed.CompareAndSwap(nil, &err)
					return
				}
				if t1 := time.Now(); !t0.Before(from) && !t1.After(until) {
					lat[w] = append(lat[w], t1.Sub(t0))
				}
			}
		})
	}
	wg.Wait()
	if e := failed.Load(); e != nil {
		return Throughput{}, *e
	}
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	return Throughput{PerSec: float64(len(all)) / dur.Seconds(), Lat: Summarise(all)}, nil
}

// Submit times dossier.Service.Submit: each call checks the form, finds
// the unit and the deciding agency, and stores the dossier with its code,
// history, audit entry and notification in one transaction.
func (s *Submissions) Submit(ctx context.Context, workers int, warm, dur time.Duration) (Throughput, error) {
	return run(ctx, workers, warm, dur, func(ctx context.Context, w int, rng *rand.Rand) error {
		cs := s.cases[rng.IntN(len(s.cases))]
		p := s.people[rng.IntN(len(s.people))]
		_, err := s.core.Dossiers.Submit(actorCtx(ctx, p, 0), p, dossier.Submission{ProcedureCode: cs.proc, ReceivingUnitID: cs.unit.ID, Values: cs.values})
		return err
	})
}

// rawChain gives each baseline worker an audit chain of its own (an
// agency ID no agency has), so the baseline pays for its audit entries
// but never waits for another worker's.
const rawChain = 900_000_000

// Raw is the baseline: the rows Submit writes, written with plain
// statements in one transaction per dossier and nothing else: the code's
// sequence (the same upsert), the dossier (copied from the case's
// template), its first history entry, the audit entry (on the worker's
// own chain) and the applicant's notification.
func (s *Submissions) Raw(ctx context.Context, workers int, warm, dur time.Duration) (Throughput, error) {
	db := s.core.DB
	return run(ctx, workers, warm, dur, func(ctx context.Context, w int, rng *rand.Rand) error {
		cs := s.cases[rng.IntN(len(s.cases))]
		p := s.people[rng.IntN(len(s.people))]
		t := cs.template
		now := sqldb.UTC(time.Now())
		actx := actorCtx(ctx, p, rawChain+int64(w))
		return db.Tx(ctx, func(tx *sql.Tx) error {
			var seq int
			if err := tx.QueryRowContext(ctx, `INSERT INTO dossier_sequences(unit_id, day, last) VALUES ($1, $2, 1)
				ON CONFLICT (unit_id, day) DO UPDATE SET last = dossier_sequences.last + 1 RETURNING last`,
				t.unit, now.In(calendar.Location()).Format(time.DateOnly)).Scan(&seq); err != nil {
				return err
			}
			code := dossier.Code(cs.unit.Code, now, seq)
			var id int64
			if err := tx.QueryRowContext(ctx, `INSERT INTO dossiers(code, procedure_code, procedure_version, workflow_key, workflow_version,
				form_key, form_version, receiving_unit_id, decider_id, applicant_id, applicant_name, applicant_pid, applicant_phone,
				channel, status, step, step_unit_id, step_role, step_started_at, data, submitted_at, updated_at, fees_due)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $19, $19, $21) RETURNING id`,
				code, t.procCode, t.procV, t.wfKey, t.wfV, t.formKey, t.formV, t.unit, t.decider, p.User.ID, p.User.FullName,
				p.User.PersonalID, p.User.Phone, t.channel, t.status, t.step, t.stepUnit, t.stepRole, now, t.data, t.feesDue).Scan(&id); err != nil {
				return err
			}
			data, _ := json.Marshal(map[string]any{"channel": t.channel, "files": 0, "fees_due": t.feesDue})
			if _, err := tx.ExecContext(ctx, `INSERT INTO dossier_events(dossier_id, at, action, step, to_step, actor_id, actor, unit_id,
				from_unit_id, step_due_at, outcome, note, data) VALUES ($1, $2, 'submit', $3, '', $4, $5, $6, NULL, NULL, '', '', $7)`,
				id, now, t.step, p.User.ID, p.User.FullName, t.unit, string(data)); err != nil {
				return err
			}
			if err := s.core.Audit.Record(actx, tx, "dossier.submit", "dossier", code, map[string]any{
				"procedure": t.procCode, "unit": t.unit, "channel": t.channel}); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO notifications(user_id, dossier_id, at, kind, vi, en) VALUES ($1, $2, $3, 'submit', $4, $5)`,
				p.User.ID, id, now, "Hồ sơ "+code+" đã được gửi tới bộ phận một cửa. Bạn sẽ nhận thông báo khi hồ sơ được tiếp nhận.",
				"Dossier "+code+" was sent to the one-stop desk. You will be told when it is received.")
			return err
		})
	})
}
