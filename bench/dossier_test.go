package bench

import (
	"context"
	"encoding/base64"
	"io"
	"math/rand/v2"
	"net"
	"net/url"
	"os"
	"strconv"
	"testing"
	"time"

	"egov/bench/internal/benchkit"
	"egov/bench/internal/dossierbench"
	"egov/internal/app"
	"egov/internal/dossier"
	"egov/internal/dossier/dossiergen"
)

// dossierEnv is the configuration of a fresh SQLite data dir in dir.
func dossierEnv(dir string) func(string) string {
	env := map[string]string{
		"EGOV_DATA_DIR": dir, "EGOV_DEMO": "1", "EGOV_DEMO_PASSWORD": benchkit.DemoPassword, "EGOV_SQLITE_SYNC": "NORMAL",
		"EGOV_MASTER_KEY": base64.StdEncoding.EncodeToString(make([]byte, 32)), "EGOV_LOG_LEVEL": "warn",
	}
	return func(k string) string { return env[k] }
}

// dossierCore opens a database with the demo province and n generated
// dossiers: a fresh SQLite data dir, or, when EGOV_BENCH_DATA_DIR is set,
// the environment's configuration with that data dir (loaded beforehand
// with egov bench generate, on SQLite or on EGOV_DATABASE_URL; n is then
// ignored).
func dossierCore(tb testing.TB, n int) (*app.Core, func(string) string) {
	tb.Helper()
	ctx := context.Background()
	dir := os.Getenv("EGOV_BENCH_DATA_DIR")
	fresh := dir == ""
	getenv := func(k string) string {
		if k == "EGOV_DATA_DIR" {
			return dir
		}
		return os.Getenv(k)
	}
	if fresh {
		getenv = dossierEnv(tb.TempDir())
	}
	c, err := dossierbench.OpenCore(ctx, getenv)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { c.Close() })
	if fresh {
		if _, err := c.SeedDemo(ctx, io.Discard, true); err != nil {
			tb.Fatal(err)
		}
		if err := c.SeedDemoCatalog(ctx); err != nil {
			tb.Fatal(err)
		}
		if _, err := dossiergen.Generate(ctx, dossiergen.Deps{DB: c.DB, Catalog: c.Catalog, Directory: c.Identity, Calendars: c.Calendar,
			Dossiers: c.Dossiers}, dossiergen.Options{Dossiers: n, Batch: 2000, Citizens: min(n, 10_000), Seed: 1}); err != nil {
			tb.Fatal(err)
		}
	}
	return c, getenv
}

// TestDossierBenchSmoke runs every dossier measurement briefly on a small
// generated province, so that the benchmark tools keep working. It
// measures nothing.
func TestDossierBenchSmoke(t *testing.T) {
	if os.Getenv("EGOV_BENCH_DATA_DIR") != "" {
		t.Skip("the smoke test runs on a fresh database")
	}
	ctx := context.Background()
	c, getenv := dossierCore(t, 600)
	const d = 150 * time.Millisecond

	t.Run("Queues", func(t *testing.T) {
		ts, err := dossierbench.Queues(ctx, c, []string{"motcua.xa", "admin"}, 1)
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range ts {
			if q.Who == "admin" && q.Queue == dossier.QueueProcess && q.Rows == 0 {
				t.Error("the administrator's process list is empty")
			}
		}
		if _, _, err := dossierbench.Counts(ctx, c, "motcua.xa", 1); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("Submissions", func(t *testing.T) {
		s, err := dossierbench.PrepareSubmissions(ctx, c, 20, 4)
		if err != nil {
			t.Fatal(err)
		}
		for name, run := range map[string]func(context.Context, int, time.Duration, time.Duration) (dossierbench.Throughput, error){
			"Submit": s.Submit, "Raw": s.Raw} {
			r, err := run(ctx, 4, 0, d)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if r.PerSec == 0 {
				t.Errorf("%s: nothing committed", name)
			}
		}
	})
	t.Run("Tracking", func(t *testing.T) {
		samples, err := dossierbench.Samples(ctx, c.DB.R, 50, rand.New(rand.NewPCG(1, 2)))
		if err != nil || len(samples) == 0 {
			t.Fatal(samples, err)
		}
		var paths []string
		for _, s := range samples {
			p := "/api/v1/tracking/" + url.PathEscape(s.Code)
			if s.Unlock != "" {
				p += "?unlock=" + s.Unlock
			}
			paths = append(paths, p)
		}
		sctx, cancel := context.WithCancel(ctx)
		defer cancel()
		serve := func(fn func(net.Listener) error) string {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- fn(ln) }()
			t.Cleanup(func() { cancel(); <-done })
			return "http://" + ln.Addr().String()
		}
		servers := map[string]string{
			"egov": serve(func(ln net.Listener) error { return dossierbench.ServeEgov(sctx, getenv, ln, io.Discard) }),
			"bare": serve(func(ln net.Listener) error { return dossierbench.ServeBare(sctx, ln, []byte(`{"code":"x"}`)) }),
			"bare+db": serve(func(ln net.Listener) error {
				return dossierbench.ServeBareDB(sctx, getenv, ln)
			}),
		}
		for name, base := range servers {
			deadline := time.Now().Add(30 * time.Second)
			for {
				r := dossierbench.ClosedLoop(base, paths[:1], 1, 0, 20*time.Millisecond, 0, nil)
				if r.Errors == 0 && r.RPS > 0 {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("%s does not answer", name)
				}
				time.Sleep(20 * time.Millisecond)
			}
			if r := dossierbench.ClosedLoop(base, paths, 4, 0, d, 0, nil); r.Errors > 0 || r.RPS == 0 {
				t.Errorf("%s: %d errors, %.0f req/s", name, r.Errors, r.RPS)
			}
		}
		if r := dossierbench.OpenLoop(servers["egov"], paths, 100, 8, 0, d); r.Errors > 0 || r.Lat.N == 0 {
			t.Errorf("open loop: %d errors, %d answers", r.Errors, r.Lat.N)
		}
	})
}

// BenchmarkTrackService is the cost of one public tracking look-up in
// dossier.Service.Track, without HTTP, on EGOV_BENCH_DATA_DIR or a fresh
// SQLite province of EGOV_BENCH_DOSSIERS (default 20,000) dossiers:
//
//	go test -run '^$' -bench TrackService -cpuprofile /tmp/track.cpu ./bench
func BenchmarkTrackService(b *testing.B) {
	c, _ := dossierCore(b, benchDossiers())
	ctx := context.Background()
	samples, err := dossierbench.Samples(ctx, c.DB.R, 4096, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		s := samples[i%len(samples)]
		if _, err := c.Dossiers.Track(ctx, s.Code, s.Unlock); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkQueueService is the cost of the first page of work lists in
// dossier.Service.Queue: the busiest ward's specialist's, and the system
// administrator's (every unit).
func BenchmarkQueueService(b *testing.B) {
	c, _ := dossierCore(b, benchDossiers())
	ctx := context.Background()
	for _, who := range []string{"chuyenvien.xa", "admin"} {
		p, err := dossierbench.Principal(ctx, c, who)
		if err != nil {
			b.Fatal(err)
		}
		for _, q := range []dossier.Queue{dossier.QueueProcess, dossier.QueueDueSoon, dossier.QueueOverdue} {
			b.Run(who+"/"+string(q), func(b *testing.B) {
				for b.Loop() {
					if _, err := c.Dossiers.Queue(ctx, p, q, 0, 25); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

func benchDossiers() int {
	if n, err := strconv.Atoi(os.Getenv("EGOV_BENCH_DOSSIERS")); err == nil && n > 0 {
		return n
	}
	return 20_000
}
