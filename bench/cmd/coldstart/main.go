// Command coldstart measures egov's cold start to ready on an existing
// SQLite data dir, its idle memory, and its graceful shutdown, against
// baselines measured in the same run:
//
//   - "egov version": the same binary starting and exiting (process start,
//     Go runtime and package initialisation);
//   - a bare net/http server (this command re-executed) starting to
//     answer /readyz, and its idle memory.
//
// Usage:
//
//	go build -o /tmp/egov ./cmd/egov
//	go run ./bench/cmd/coldstart -egov /tmp/egov [-n 10] [-data DIR]
//
// The data dir is prepared once (the first start creates the demo
// province) unless -data names one that exists. All traffic goes to
// 127.0.0.1.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"strings"
	"syscall"
	"time"

	"egov/bench/internal/benchkit"
)

func main() {
	bin := flag.String("egov", "", "path of an egov binary (go build -o /tmp/egov ./cmd/egov)")
	n := flag.Int("n", 10, "rounds")
	data := flag.String("data", "", "existing or new data dir (default: a temporary one, removed at the end)")
	idle := flag.Duration("idle", 3*time.Second, "idle time before each memory reading")
	settle := flag.Duration("settle", 0, "after the last round, stay idle this long and sample RSS every 30 s (Go's periodic GC runs after 2 min idle)")
	sync := flag.String("sqlite-sync", "", "EGOV_SQLITE_SYNC for the runs (default: egov's default, FULL)")
	serveBare := flag.String("serve-bare", "", "internal: serve the bare baseline on this address")
	flag.Parse()

	if *serveBare != "" {
		ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
		defer stop()
		if err := benchkit.ServeBare(ctx, *serveBare); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	if *bin == "" || *n < 1 {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*bin, *n, *data, *idle, *settle, *sync); err != nil {
		fmt.Fprintln(os.Stderr, "coldstart:", err)
		os.Exit(1)
	}
}

type round struct {
	version, bareReady, egovReady, egovStop float64 // ms
	bareRSS, egovIdleRSS, egovWarmRSS       float64 // MiB
	egovHWM                                 float64 // MiB
}

func run(bin string, n int, data string, idle, settle time.Duration, sync string) error {
	var extra []string
	if sync != "" {
		extra = append(extra, "EGOV_SQLITE_SYNC="+sync)
	}
	tmp, err := os.MkdirTemp("", "egov-coldstart-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if data == "" {
		data = tmp + "/data"
	}
	logf, err := os.Create(tmp + "/egov.log")
	if err != nil {
		return err
	}
	defer logf.Close()

	// Prepare the data dir: the first start migrates and seeds the demo.
	if _, err := os.Stat(data + "/egov.db"); err != nil {
		fmt.Printf("preparing %s (first start: migrations and demo province)\n", data)
		p, err := benchkit.StartEgov(bin, data, logf, extra...)
		if err != nil {
			return err
		}
		d, err := p.WaitReady("/readyz", 5*time.Millisecond, 2*time.Minute)
		if err != nil {
			p.Kill()
			return fmt.Errorf("first start: %w (log: %s)", err, tail(tmp+"/egov.log"))
		}
		fmt.Printf("first start (creates the demo) ready in %.0f ms\n", ms(d))
		if _, err := p.Stop(30 * time.Second); err != nil {
			return err
		}
	}
	fmt.Printf("egov %s, data dir %s, %d rounds, GOMAXPROCS %d, %d CPUs, %s\n\n",
		version(bin), data, n, runtime.GOMAXPROCS(0), runtime.NumCPU(), time.Now().UTC().Format(time.RFC3339))

	var rs []round
	settled := 0.0
	for i := range n {
		var r round
		// Baseline 1: the same binary starting and exiting.
		t0 := time.Now()
		if err := exec.Command(bin, "version").Run(); err != nil {
			return fmt.Errorf("egov version: %w", err)
		}
		r.version = ms(time.Since(t0))

		// Baseline 2: a bare net/http server.
		addr, err := benchkit.FreeAddr()
		if err != nil {
			return err
		}
		bp, err := benchkit.StartSelf(addr, logf, "-serve-bare", addr)
		if err != nil {
			return err
		}
		d, err := bp.WaitReady("/readyz", 2*time.Millisecond, 30*time.Second)
		if err != nil {
			bp.Kill()
			return fmt.Errorf("bare: %w", err)
		}
		r.bareReady = ms(d)
		time.Sleep(idle)
		m, err := benchkit.ReadMem(bp.Pid())
		if err != nil {
			bp.Kill()
			return err
		}
		r.bareRSS = mib(m.RSS)
		if _, err := bp.Stop(10 * time.Second); err != nil {
			return fmt.Errorf("bare stop: %w", err)
		}

		// egov on the existing data dir.
		p, err := benchkit.StartEgov(bin, data, logf, extra...)
		if err != nil {
			return err
		}
		d, err = p.WaitReady("/readyz", 2*time.Millisecond, 60*time.Second)
		if err != nil {
			p.Kill()
			return fmt.Errorf("egov: %w (log: %s)", err, tail(tmp+"/egov.log"))
		}
		r.egovReady = ms(d)
		time.Sleep(idle)
		if m, err = benchkit.ReadMem(p.Pid()); err != nil {
			p.Kill()
			return err
		}
		r.egovIdleRSS = mib(m.RSS)
		if err := warmUp(p.URL()); err != nil {
			p.Kill()
			return fmt.Errorf("warm-up: %w", err)
		}
		time.Sleep(idle)
		if m, err = benchkit.ReadMem(p.Pid()); err != nil {
			p.Kill()
			return err
		}
		r.egovWarmRSS, r.egovHWM = mib(m.RSS), mib(m.HWM)
		if i == n-1 && settle > 0 {
			fmt.Printf("last round: idle for %v after the warm-up, RSS every 30 s:", settle)
			for t := 30 * time.Second; t <= settle; t += 30 * time.Second {
				time.Sleep(30 * time.Second)
				if m, err = benchkit.ReadMem(p.Pid()); err != nil {
					p.Kill()
					return err
				}
				fmt.Printf(" %v %.1f MiB;", t+idle, mib(m.RSS))
				settled = mib(m.RSS)
			}
			fmt.Println()
		}
		sd, err := p.Stop(30 * time.Second)
		if err != nil {
			return fmt.Errorf("egov stop: %w (log: %s)", err, tail(tmp+"/egov.log"))
		}
		r.egovStop = ms(sd)
		fmt.Printf("round %2d: ready egov %6.1f ms  bare %5.1f ms  version %5.1f ms | RSS egov idle %5.1f MiB, after warm-up %5.1f MiB (peak %5.1f)  bare %4.1f MiB | stop %5.1f ms\n",
			i+1, r.egovReady, r.bareReady, r.version, r.egovIdleRSS, r.egovWarmRSS, r.egovHWM, r.bareRSS, r.egovStop)
		rs = append(rs, r)
	}

	col := func(f func(round) float64) benchkit.Stats {
		xs := make([]float64, len(rs))
		for i, r := range rs {
			xs[i] = f(r)
		}
		return benchkit.Summary(xs)
	}
	fmt.Println()
	fmt.Printf("time to ready, egov (ms):            %s\n", col(func(r round) float64 { return r.egovReady }))
	fmt.Printf("time to ready, bare net/http (ms):   %s\n", col(func(r round) float64 { return r.bareReady }))
	fmt.Printf("egov version, start to exit (ms):    %s\n", col(func(r round) float64 { return r.version }))
	fmt.Printf("ratio ready egov / bare:             %s\n", col(func(r round) float64 { return r.egovReady / r.bareReady }))
	fmt.Printf("ratio ready egov / egov version:     %s\n", col(func(r round) float64 { return r.egovReady / r.version }))
	fmt.Printf("RSS idle after start (MiB):          %s\n", col(func(r round) float64 { return r.egovIdleRSS }))
	fmt.Printf("RSS idle after warm-up (MiB):        %s\n", col(func(r round) float64 { return r.egovWarmRSS }))
	fmt.Printf("RSS peak during round (MiB):         %s\n", col(func(r round) float64 { return r.egovHWM }))
	fmt.Printf("RSS bare net/http idle (MiB):        %s\n", col(func(r round) float64 { return r.bareRSS }))
	fmt.Printf("graceful stop on SIGTERM (ms):       %s\n", col(func(r round) float64 { return r.egovStop }))
	if settle > 0 {
		fmt.Printf("RSS after %v idle (last round, MiB): %.1f\n", settle+idle, settled)
	}
	return nil
}

// warmUp exercises every face once or a few times: portal pages, the
// OpenAPI document, the calendar API, an API login (argon2id) and signed-in
// calls, and the metrics.
func warmUp(base string) error {
	c := &http.Client{Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(path, token string) error {
		req, _ := http.NewRequest("GET", base+path, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := c.Do(req)
		if err != nil {
			return err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("GET %s: %d", path, resp.StatusCode)
		}
		return nil
	}
	for _, p := range benchkit.DuePaths(200) {
		if err := get(p, ""); err != nil {
			return err
		}
	}
	for range 3 {
		for _, p := range []string{"/", "/lich-lam-viec", "/dang-nhap", "/api/openapi.json", "/api/v1/calendar/holidays?year=2026", "/metrics", "/readyz"} {
			if err := get(p, ""); err != nil {
				return err
			}
		}
	}
	resp, err := c.Post(base+"/api/v1/sessions", "application/json",
		strings.NewReader(`{"username":"admin","password":"`+benchkit.DemoPassword+`"}`))
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	_, _ = io.Copy(&buf, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		return fmt.Errorf("login: %d %s", resp.StatusCode, buf.String())
	}
	tok := between(buf.String(), `"token":"`, `"`)
	if tok == "" {
		return fmt.Errorf("login: no token in %s", buf.String())
	}
	for _, p := range []string{"/api/v1/me", "/api/v1/agencies", "/api/v1/users", "/api/v1/calendar/declarations?year=2026"} {
		if err := get(p, tok); err != nil {
			return err
		}
	}
	return nil
}

func between(s, a, b string) string {
	_, rest, ok := strings.Cut(s, a)
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(rest, b)
	return v
}

func version(bin string) string {
	out, err := exec.Command(bin, "version").Output()
	if err != nil {
		return "?"
	}
	return strings.TrimSpace(string(out))
}

func tail(path string) string {
	b, _ := os.ReadFile(path)
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
func mib(kib int64) float64      { return float64(kib) / 1024 }
