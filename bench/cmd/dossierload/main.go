// Command dossierload measures egov's dossier paths on a database loaded
// with `egov bench generate`, each against a baseline in the same run:
//
//   - track: public tracking look-ups (GET /api/v1/tracking/{code}) per
//     second through egov's HTTP server, as a ratio to a bare net/http
//     handler answering the same JSON, with egov's latency percentiles;
//   - submit: online submissions per second (dossier.Service.Submit, no
//     attachments) from concurrent workers, as a ratio to plain INSERTs of
//     the same rows in one transaction per dossier;
//   - queue: officials' work lists (dossier.Service.Queue, the desk's tabs,
//     and GET /api/v1/dossiers?queue=... when the route exists), latency
//     percentiles, against reading the same rows by ID.
//
// The database is egov's configuration: EGOV_DATABASE_URL (PostgreSQL;
// with EGOV_DEMO=1 or a master key) or SQLite in EGOV_DATA_DIR. The
// servers run as child processes (this command re-executed) on free
// ports of 127.0.0.1; egov's tracking limiter is set out of reach there
// (see dossierbench.LooseTrackLimit), everything else is as `egov serve`.
//
//	egov bench generate --dossiers 1000000          # once, same environment
//	go run ./bench/cmd/dossierload [-what track,submit,queue] [-rounds 6] [-d 3s]
//
// The submit measurement adds dossiers (and, for its baseline, audit
// entries on chains of their own) to the database.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	_ "net/http/pprof" // profiles of the egov child, on EGOV_PPROF_ADDR only
	"net/url"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"slices"
	"sort"
	"strings"
	"syscall"
	"time"

	"egov/bench/internal/benchkit"
	"egov/bench/internal/dossierbench"
	"egov/internal/dossier"
)

type config struct {
	what                  string
	rounds, conc, workers int
	samples, reps         int
	rate                  float64
	cpuprofile            string
	dur, warm             time.Duration
}

func main() {
	var c config
	flag.StringVar(&c.what, "what", "track,submit,queue", "what to measure: track, submit, queue (comma-separated)")
	flag.IntVar(&c.rounds, "rounds", 6, "rounds of track and submit (each measures egov and its baseline, order alternating)")
	flag.DurationVar(&c.dur, "d", 3*time.Second, "measured time per side per round")
	flag.DurationVar(&c.warm, "warmup", time.Second, "unmeasured load before each measurement")
	flag.IntVar(&c.conc, "c", 16, "track: concurrent keep-alive connections")
	flag.IntVar(&c.workers, "workers", 16, "submit: concurrent submitters")
	flag.IntVar(&c.samples, "samples", 4096, "track: different dossiers looked up")
	flag.IntVar(&c.reps, "reps", 30, "queue: calls per official, list and page")
	flag.Float64Var(&c.rate, "rate", 0, "track: the open loop's rate (default: a quarter of egov's measured throughput)")
	flag.StringVar(&c.cpuprofile, "cpuprofile", "", "write a CPU profile of this process (submit and queue run in it) to this file")
	serveEgov := flag.String("serve-egov", "", "internal: serve egov on this address")
	serveBare := flag.String("serve-bare", "", "internal: serve the bare baseline on this address")
	serveBareDB := flag.String("serve-bare-db", "", "internal: serve the bare baseline with its own database look-up on this address")
	body := flag.String("body", "", "internal: the bare baseline's answer (a file)")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	if *serveEgov != "" || *serveBare != "" || *serveBareDB != "" {
		if err := serve(ctx, *serveEgov, *serveBare, *serveBareDB, *body); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	if c.rounds < 1 || c.conc < 1 || c.workers < 1 || c.dur <= 0 || c.dur > 5*time.Minute {
		flag.Usage()
		os.Exit(2)
	}
	if c.cpuprofile != "" {
		f, err := os.Create(c.cpuprofile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "dossierload:", err)
			os.Exit(1)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(os.Stderr, "dossierload:", err)
			os.Exit(1)
		}
		defer pprof.StopCPUProfile()
	}
	for w := range strings.SplitSeq(c.what, ",") {
		var err error
		switch strings.TrimSpace(w) {
		case "track":
			err = track(ctx, c)
		case "submit":
			err = submit(ctx, c)
		case "queue":
			err = queue(ctx, c)
		default:
			err = fmt.Errorf("unknown -what %q", w)
		}
		if err != nil {
			pprof.StopCPUProfile()
			fmt.Fprintln(os.Stderr, "dossierload:", err)
			os.Exit(1)
		}
	}
}

func serve(ctx context.Context, egovAddr, bareAddr, bareDBAddr, bodyFile string) error {
	ln, err := net.Listen("tcp", egovAddr+bareAddr+bareDBAddr)
	if err != nil {
		return err
	}
	if bareDBAddr != "" {
		return dossierbench.ServeBareDB(ctx, os.Getenv, ln)
	}
	if egovAddr != "" {
		// For profiles under load: EGOV_PPROF_ADDR=127.0.0.1:6060 (loopback only).
		if pa := os.Getenv("EGOV_PPROF_ADDR"); pa != "" {
			if host, _, err := net.SplitHostPort(pa); err != nil || !net.ParseIP(host).IsLoopback() {
				return errors.New("EGOV_PPROF_ADDR must be a loopback address such as 127.0.0.1:6060")
			}
			pln, err := net.Listen("tcp", pa)
			if err != nil {
				return err
			}
			go func() { _ = http.Serve(pln, nil) }()
		}
		// Production logging (a JSON line per request), to nowhere.
		return dossierbench.ServeEgov(ctx, os.Getenv, ln, io.Discard)
	}
	b, err := os.ReadFile(bodyFile)
	if err != nil {
		return err
	}
	return dossierbench.ServeBare(ctx, ln, b)
}

// startEgov starts egov (this command re-executed) with the caller's
// environment on a free port.
func startEgov() (*benchkit.Proc, error) {
	addr, err := benchkit.FreeAddr()
	if err != nil {
		return nil, err
	}
	// Its standard error says why it could not start (requests are
	// logged to nowhere).
	logf, err := os.CreateTemp("", "egov-dossierload-*.log")
	if err != nil {
		return nil, err
	}
	defer os.Remove(logf.Name())
	defer logf.Close()
	p, err := benchkit.StartSelf(addr, logf, "-serve-egov", addr)
	if err != nil {
		return nil, err
	}
	if _, err := p.WaitReady("/readyz", 10*time.Millisecond, 3*time.Minute); err != nil {
		p.Kill()
		time.Sleep(100 * time.Millisecond)
		out, _ := os.ReadFile(logf.Name())
		return nil, fmt.Errorf("egov: %w: %s", err, out)
	}
	return p, nil
}

func engine(ctx context.Context) (string, error) {
	core, err := dossierbench.OpenCore(ctx, os.Getenv)
	if err != nil {
		return "", err
	}
	defer core.Close()
	var n int64
	if err := core.DB.R.QueryRowContext(ctx, `SELECT count(*) FROM dossiers`).Scan(&n); err != nil {
		return "", err
	}
	return fmt.Sprintf("%s, %d dossiers", core.DB.Engine, n), nil
}

func header(what string, c config) {
	db, err := engine(context.Background())
	if err != nil {
		db = err.Error()
	}
	fmt.Printf("\n== %s  (%s; GOMAXPROCS %d, %d CPUs; %s)\n", what, db, runtime.GOMAXPROCS(0), runtime.NumCPU(),
		time.Now().UTC().Format(time.RFC3339))
}

func track(ctx context.Context, c config) error {
	header("public tracking: GET /api/v1/tracking/{code}", c)
	core, err := dossierbench.OpenCore(ctx, os.Getenv)
	if err != nil {
		return err
	}
	samples, err := dossierbench.Samples(ctx, core.DB.R, c.samples, rand.New(rand.NewPCG(1, 2)))
	core.Close()
	if err != nil {
		return err
	}
	paths := make([]string, len(samples))
	for i, s := range samples {
		paths[i] = "/api/v1/tracking/" + url.PathEscape(s.Code)
		if s.Unlock != "" {
			paths[i] += "?unlock=" + s.Unlock
		}
	}
	eg, err := startEgov()
	if err != nil {
		return err
	}
	defer eg.Kill()
	// The baseline answers what egov answers for a typical dossier: the
	// median-sized answer of the first 64 samples.
	var bodies [][]byte
	for _, p := range paths[:min(64, len(paths))] {
		b, err := get(eg.URL() + p)
		if err != nil {
			return err
		}
		bodies = append(bodies, b)
	}
	sort.Slice(bodies, func(i, j int) bool { return len(bodies[i]) < len(bodies[j]) })
	tmp, err := os.MkdirTemp("", "egov-dossierload-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	bodyFile := tmp + "/body.json"
	if err := os.WriteFile(bodyFile, bodies[len(bodies)/2], 0o644); err != nil {
		return err
	}
	bareAddr, err := benchkit.FreeAddr()
	if err != nil {
		return err
	}
	bare, err := benchkit.StartSelf(bareAddr, nil, "-serve-bare", bareAddr, "-body", bodyFile)
	if err != nil {
		return err
	}
	defer bare.Kill()
	if _, err := bare.WaitReady("/readyz", 10*time.Millisecond, 30*time.Second); err != nil {
		return fmt.Errorf("bare: %w", err)
	}
	bareDBAddr, err := benchkit.FreeAddr()
	if err != nil {
		return err
	}
	bareDB, err := benchkit.StartSelf(bareDBAddr, nil, "-serve-bare-db", bareDBAddr)
	if err != nil {
		return err
	}
	defer bareDB.Kill()
	if _, err := bareDB.WaitReady("/readyz", 10*time.Millisecond, 30*time.Second); err != nil {
		return fmt.Errorf("bare with database: %w", err)
	}
	fmt.Printf("%d rounds x %v per server (+%v warm-up), %d connections, %d different dossiers (half unlocked), answer %d bytes (median)\n",
		c.rounds, c.dur, c.warm, c.conc, len(paths), len(bodies[len(bodies)/2]))
	var ratios, dbRatios, egRPS, bareRPS, dbRPS, p50, p99, egCPU, bareCPU, dbCPU []float64
	for i := range c.rounds {
		// Each server goes first, second and last in turn.
		order := []*benchkit.Proc{bare, bareDB, eg}
		for range i % 3 {
			order = append(order[1:], order[0])
		}
		if i%2 == 1 {
			slices.Reverse(order)
		}
		res := map[*benchkit.Proc]dossierbench.Load{}
		for _, p := range order {
			r := dossierbench.ClosedLoop(p.URL(), paths, c.conc, c.warm, c.dur, p.Pid(), nil)
			if r.Errors > 0 {
				_, err := get(p.URL() + paths[0])
				return fmt.Errorf("round %d: %s: %d failed requests (%v)", i+1, p.URL(), r.Errors, err)
			}
			res[p] = r
		}
		e, b, d := res[eg], res[bare], res[bareDB]
		ratios, dbRatios = append(ratios, e.RPS/b.RPS), append(dbRatios, e.RPS/d.RPS)
		egRPS, bareRPS, dbRPS = append(egRPS, e.RPS), append(bareRPS, b.RPS), append(dbRPS, d.RPS)
		p50, p99 = append(p50, msf(e.Lat.P50)), append(p99, msf(e.Lat.P99))
		egCPU, bareCPU, dbCPU = append(egCPU, usf(e.CPUPerReq)), append(bareCPU, usf(b.CPUPerReq)), append(dbCPU, usf(d.CPUPerReq))
		fmt.Printf("round %d: egov %5.0f req/s p99 %6.2f ms cpu %4.0f µs | bare %6.0f req/s cpu %3.0f µs | bare+db %5.0f req/s cpu %4.0f µs | ratios %.2f %.2f (client %.2f cores)\n",
			i+1, e.RPS, msf(e.Lat.P99), usf(e.CPUPerReq), b.RPS, usf(b.CPUPerReq), d.RPS, usf(d.CPUPerReq), e.RPS/b.RPS, e.RPS/d.RPS, e.ClientCPU)
	}
	fmt.Println()
	fmt.Printf("egov tracking (req/s):              %s\n", benchkit.Summary(egRPS))
	fmt.Printf("bare net/http handler (req/s):      %s\n", benchkit.Summary(bareRPS))
	fmt.Printf("bare handler with its own look-up:  %s\n", benchkit.Summary(dbRPS))
	fmt.Printf("throughput ratio egov / bare:       %s   (goal >= 0.5)\n", benchkit.Summary(ratios))
	fmt.Printf("throughput ratio egov / bare+db:    %s\n", benchkit.Summary(dbRatios))
	fmt.Printf("egov p50 latency (ms):              %s\n", benchkit.Summary(p50))
	fmt.Printf("egov p99 latency (ms):              %s   (saturated: %d requests in flight)\n", benchkit.Summary(p99), c.conc)
	fmt.Printf("server CPU per request egov (µs):   %s\n", benchkit.Summary(egCPU))
	fmt.Printf("server CPU per request bare (µs):   %s\n", benchkit.Summary(bareCPU))
	fmt.Printf("server CPU per request bare+db (µs): %s (its own process; the database's CPU on PostgreSQL is not counted)\n", benchkit.Summary(dbCPU))

	// Latency at a steady rate below saturation: an open loop at a
	// quarter of egov's measured throughput (or -rate).
	rate := c.rate
	if rate <= 0 {
		rate = benchkit.Summary(egRPS).Median / 4
	}
	var op50, op99 []float64
	for i := range c.rounds {
		r := dossierbench.OpenLoop(eg.URL(), paths, rate, 64, c.warm, c.dur)
		if r.Errors > 0 {
			return fmt.Errorf("open loop round %d: %d failed requests", i+1, r.Errors)
		}
		op50, op99 = append(op50, msf(r.Lat.P50)), append(op99, msf(r.Lat.P99))
		fmt.Printf("open loop %d: %.0f req/s offered, %.0f answered: %s\n", i+1, rate, r.RPS, r.Lat)
	}
	fmt.Printf("egov p50 / p99 at %.0f req/s (ms):   %s / %s   (goal p99 < 20 ms)\n", rate, benchkit.Summary(op50), benchkit.Summary(op99))
	if _, err := eg.Stop(30 * time.Second); err != nil {
		return fmt.Errorf("egov stop: %w", err)
	}
	if _, err := bareDB.Stop(10 * time.Second); err != nil {
		return err
	}
	_, err = bare.Stop(10 * time.Second)
	return err
}

func submit(ctx context.Context, c config) error {
	header("online submission: dossier.Service.Submit", c)
	core, err := dossierbench.OpenCore(ctx, os.Getenv)
	if err != nil {
		return err
	}
	defer core.Close()
	subs, err := dossierbench.PrepareSubmissions(ctx, core, 500, 200)
	if err != nil {
		return err
	}
	fmt.Printf("%d rounds x %v per side (+%v warm-up), %d workers, %d procedure/unit pairs that need no attachment\n",
		c.rounds, c.dur, c.warm, c.workers, subs.Cases())
	var ratios, egRate, rawRate, p50, p99 []float64
	for i := range c.rounds {
		var e, r dossierbench.Throughput
		var err error
		sides := []func() error{
			func() error { r, err = subs.Raw(ctx, c.workers, c.warm, c.dur); return err },
			func() error { e, err = subs.Submit(ctx, c.workers, c.warm, c.dur); return err },
		}
		if i%2 == 1 {
			slices.Reverse(sides)
		}
		for _, s := range sides {
			if err := s(); err != nil {
				return err
			}
		}
		ratios = append(ratios, e.PerSec/r.PerSec)
		egRate, rawRate = append(egRate, e.PerSec), append(rawRate, r.PerSec)
		p50, p99 = append(p50, msf(e.Lat.P50)), append(p99, msf(e.Lat.P99))
		fmt.Printf("round %d: Submit %6.0f/s p50 %6.2f ms p99 %7.2f ms | raw INSERTs %6.0f/s p50 %6.2f ms p99 %7.2f ms | ratio %.2f\n",
			i+1, e.PerSec, msf(e.Lat.P50), msf(e.Lat.P99), r.PerSec, msf(r.Lat.P50), msf(r.Lat.P99), e.PerSec/r.PerSec)
	}
	fmt.Println()
	fmt.Printf("Submit (dossiers/s):                %s   (goal >= 500/s on PostgreSQL)\n", benchkit.Summary(egRate))
	fmt.Printf("raw INSERTs of the same rows (/s):  %s\n", benchkit.Summary(rawRate))
	fmt.Printf("ratio Submit / raw:                 %s\n", benchkit.Summary(ratios))
	fmt.Printf("Submit p50 / p99 latency (ms):      %s / %s\n", benchkit.Summary(p50), benchkit.Summary(p99))
	return nil
}

func queue(ctx context.Context, c config) error {
	header("officials' work lists: dossier.Service.Queue", c)
	core, err := dossierbench.OpenCore(ctx, os.Getenv)
	if err != nil {
		return err
	}
	defer core.Close()
	ts, err := dossierbench.Queues(ctx, core, dossierbench.Officials, c.reps)
	if err != nil {
		return err
	}
	fmt.Printf("%d calls per official, list and page (25 rows), after 2 unmeasured; baseline: the same rows read by ID\n\n", c.reps)
	fmt.Printf("%-14s %-13s %4s %4s  %9s %9s %9s  %9s  %s\n", "official", "list", "page", "rows", "p50 ms", "p95 ms", "p99 ms", "base p95", "p95 ratio")
	var all, base []time.Duration
	worst := dossierbench.QueueTiming{}
	for _, t := range ts {
		ratio := 0.0
		if t.Base.P95 > 0 {
			ratio = float64(t.Lat.P95) / float64(t.Base.P95)
		}
		fmt.Printf("%-14s %-13s %4d %4d  %9.2f %9.2f %9.2f  %9.2f  %5.1f\n", t.Who, t.Queue, t.Page, t.Rows,
			msf(t.Lat.P50), msf(t.Lat.P95), msf(t.Lat.P99), msf(t.Base.P95), ratio)
		all = append(all, t.Lat.P95)
		base = append(base, t.Base.P95)
		if t.Lat.P95 > worst.Lat.P95 {
			worst = t
		}
	}
	slices.Sort(all)
	fmt.Printf("\nworst p95: %s %s page %d: %.2f ms (goal < 100 ms); median of the lists' p95: %.2f ms; baseline median p95 %.2f ms\n",
		worst.Who, worst.Queue, worst.Page, msf(worst.Lat.P95), msf(median(all)), msf(median(base)))
	for _, who := range []string{"motcua.xa", "chuyenvien.xa", "motcua", "admin"} {
		l, n, err := dossierbench.Counts(ctx, core, who, max(5, c.reps/3))
		if err != nil {
			return err
		}
		fmt.Printf("desk tabs (Counts, 6 lists capped at 100) for %-13s %s  %v\n", who+":", l, countsString(n))
	}
	for _, who := range []string{"lanhdao.xa", "lanhdao", "admin"} {
		l, n, err := dossierbench.Late(ctx, core, who, c.reps)
		if err != nil {
			return err
		}
		fmt.Printf("late list (Late, %3d rows) for %-13s %s\n", n, who+":", l)
	}
	return apiQueues(c)
}

// apiQueues times GET /api/v1/dossiers?queue=... through egov's HTTP
// server, one client at a time, if the route exists.
func apiQueues(c config) error {
	eg, err := startEgov()
	if err != nil {
		return err
	}
	defer eg.Kill()
	for _, who := range []string{"motcua.xa", "chuyenvien.xa", "motcua", "admin"} {
		tok, err := login(eg.URL(), who)
		if err != nil {
			return err
		}
		h := http.Header{"Authorization": {"Bearer " + tok}}
		// The lists the API offers (it may lag behind the service's).
		var paths, skipped []string
		for _, q := range dossier.Queues {
			p := "/api/v1/dossiers?limit=25&queue=" + string(q)
			req, _ := http.NewRequest(http.MethodGet, eg.URL()+p, nil)
			req.Header = h
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				return err
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				paths = append(paths, p)
			} else {
				skipped = append(skipped, fmt.Sprintf("%s (%d)", q, resp.StatusCode))
			}
		}
		if len(paths) == 0 {
			fmt.Printf("GET /api/v1/dossiers?queue=...: %s; not measured\n", strings.Join(skipped, ", "))
			break
		}
		if len(skipped) > 0 {
			fmt.Printf("GET /api/v1/dossiers: not offered: %s\n", strings.Join(skipped, ", "))
		}
		r := dossierbench.ClosedLoop(eg.URL(), paths, 1, 500*time.Millisecond, c.dur, eg.Pid(), h)
		if r.Errors > 0 {
			return fmt.Errorf("GET /api/v1/dossiers as %s: %d errors", who, r.Errors)
		}
		fmt.Printf("GET /api/v1/dossiers?queue=<each list>&limit=25 as %-13s %s\n", who+":", r.Lat)
	}
	_, err = eg.Stop(30 * time.Second)
	return err
}

func login(base, who string) (string, error) {
	body := fmt.Sprintf(`{"username":%q,"password":%q}`, who, benchkit.DemoPassword)
	resp, err := http.Post(base+"/api/v1/sessions", "application/json", strings.NewReader(body))
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusCreated {
		return "", fmt.Errorf("login %s: %d %s (were the dossiers generated with EGOV_DEMO_PASSWORD=%s?)", who, resp.StatusCode, b, benchkit.DemoPassword)
	}
	i := bytes.Index(b, []byte(`"token":"`))
	if i < 0 {
		return "", errors.New("login: no token")
	}
	tok := b[i+len(`"token":"`):]
	return string(tok[:bytes.IndexByte(tok, '"')]), nil
}

func countsString(n map[dossier.Queue]int) string {
	var parts []string
	for _, q := range dossier.Queues {
		parts = append(parts, fmt.Sprintf("%s=%d", q, n[q]))
	}
	return strings.Join(parts, " ")
}

func get(u string) ([]byte, error) {
	resp, err := http.Get(u)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %d %s", u, resp.StatusCode, b)
	}
	return b, err
}

func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func msf(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
func usf(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }
