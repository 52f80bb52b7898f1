// Command dueload measures the throughput of egov's
// /api/v1/calendar/due as a ratio to a bare net/http handler measured in
// the same run.
//
// It starts the egov binary (on a fresh demo data dir, or -data) and a
// bare baseline server (this command re-executed: a net/http ServeMux
// answering a fixed JSON of the same size), each as its own process on
// 127.0.0.1. Then, for several rounds, it loads one and then the other
// with the same closed loop — c concurrent keep-alive clients sending the
// same list of different due queries for a fixed time — alternating the
// order each round so that drift on a shared machine cancels out. It
// prints requests per second, latency, the servers' CPU time per request
// (from /proc) and the ratio egov/bare per round and as a median.
//
// Usage:
//
//	go build -o /tmp/egov ./cmd/egov
//	go run ./bench/cmd/dueload -egov /tmp/egov [-c 16] [-d 3s] [-rounds 10] [-client go|wrk]
//
// -client wrk uses wrk (apt-get install wrk) as the load generator, which
// costs less CPU than Go's HTTP client; -cpuprofile FILE takes a CPU
// profile of egov under the same load in one extra, uncounted round (the
// binary must then be bench/cmd/egovprof). Load goes only to 127.0.0.1
// and every round ends by itself.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"egov/bench/internal/benchkit"
)

type envList []string

func (e *envList) String() string { return strings.Join(*e, " ") }
func (e *envList) Set(v string) error {
	if !strings.Contains(v, "=") {
		return errors.New("want KEY=VALUE")
	}
	*e = append(*e, v)
	return nil
}

type config struct {
	env                           envList
	bin, data, client, cpuprofile string
	conc, rounds, npaths          int
	dur, warm                     time.Duration
}

func main() {
	var c config
	flag.StringVar(&c.bin, "egov", "", "path of an egov binary (go build -o /tmp/egov ./cmd/egov)")
	flag.StringVar(&c.data, "data", "", "data dir (default: a fresh temporary demo province)")
	flag.IntVar(&c.conc, "c", 16, "concurrent keep-alive connections")
	flag.DurationVar(&c.dur, "d", 3*time.Second, "measured time per server per round")
	flag.DurationVar(&c.warm, "warmup", time.Second, "unmeasured load before each measurement")
	flag.IntVar(&c.rounds, "rounds", 10, "rounds (each loads both servers)")
	flag.IntVar(&c.npaths, "paths", 4096, "number of different due queries cycled through")
	flag.StringVar(&c.client, "client", "go", "load generator: go (built in) or wrk")
	flag.StringVar(&c.cpuprofile, "cpuprofile", "", "write a CPU profile of egov under load here (needs -egov built from ./bench/cmd/egovprof)")
	flag.Var(&c.env, "env", "KEY=VALUE added to egov's environment (repeatable), e.g. -env EGOV_LOG_LEVEL=warn")
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
	if c.bin == "" || c.rounds < 1 || c.conc < 1 || c.conc > 256 || c.dur <= 0 || c.dur > 5*time.Minute {
		flag.Usage()
		os.Exit(2)
	}
	if c.client != "go" && c.client != "wrk" {
		fmt.Fprintln(os.Stderr, "dueload: -client is go or wrk")
		os.Exit(2)
	}
	if err := run(c); err != nil {
		fmt.Fprintln(os.Stderr, "dueload:", err)
		os.Exit(1)
	}
}

// result is one measurement of one server.
type result struct {
	rps            float64
	p50, p99       time.Duration // go client only
	errors         int64
	cpuPerReq      time.Duration // server CPU (user+system) per request
	clientCPUShare float64       // load generator CPU / wall time (cores)
}

func run(c config) error {
	tmp, err := os.MkdirTemp("", "egov-dueload-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if c.data == "" {
		c.data = tmp + "/data"
	}
	paths := benchkit.DuePaths(c.npaths)
	extra := slices.Clone(c.env)
	var pprofAddr string
	if c.cpuprofile != "" {
		if pprofAddr, err = benchkit.FreeAddr(); err != nil {
			return err
		}
		extra = append(extra, "EGOV_PPROF_ADDR="+pprofAddr)
	}

	// egov logs a line for every request: the writes happen, to
	// /dev/null (a file would grow by about 10 MB/s under this load).
	eg, err := benchkit.StartEgov(c.bin, c.data, nil, extra...)
	if err != nil {
		return err
	}
	defer eg.Kill()
	if _, err := eg.WaitReady("/readyz", 5*time.Millisecond, 2*time.Minute); err != nil {
		return fmt.Errorf("egov: %w (run it by hand to see its log)", err)
	}
	bareAddr, err := benchkit.FreeAddr()
	if err != nil {
		return err
	}
	bare, err := benchkit.StartSelf(bareAddr, nil, "-serve-bare", bareAddr)
	if err != nil {
		return err
	}
	defer bare.Kill()
	if _, err := bare.WaitReady("/readyz", 5*time.Millisecond, 30*time.Second); err != nil {
		return fmt.Errorf("bare: %w", err)
	}
	// Both answer the example the same way.
	for _, p := range []*benchkit.Proc{eg, bare} {
		body, err := get(p.URL() + benchkit.ExamplePath)
		if err != nil {
			return err
		}
		if strings.TrimSpace(body) != strings.TrimSpace(benchkit.BareBody) {
			return fmt.Errorf("%s answered %q", p.URL(), body)
		}
	}
	var wrkScript string
	if c.client == "wrk" {
		if wrkScript, err = writeWrkScript(tmp, paths); err != nil {
			return err
		}
	}
	load := func(p *benchkit.Proc) (result, error) {
		if c.client == "wrk" {
			return wrkLoad(p, wrkScript, c)
		}
		return goLoad(p, paths, c)
	}

	fmt.Printf("dueload: %d rounds x %v per server (+%v warm-up), %d connections, client %s, %d different queries\n",
		c.rounds, c.dur, c.warm, c.conc, c.client, len(paths))
	if len(c.env) > 0 {
		fmt.Printf("egov environment: %s\n", c.env.String())
	}
	fmt.Printf("egov %s (pid %d), bare net/http (pid %d); GOMAXPROCS %d, %d CPUs; %s\n\n",
		version(c.bin), eg.Pid(), bare.Pid(), runtime.GOMAXPROCS(0), runtime.NumCPU(), time.Now().UTC().Format(time.RFC3339))

	var ratios, cpuRatios, egRPS, bareRPS, egCPU, bareCPU []float64
	for i := range c.rounds {
		order := []*benchkit.Proc{bare, eg}
		if i%2 == 1 {
			order = []*benchkit.Proc{eg, bare}
		}
		res := map[*benchkit.Proc]result{}
		for _, p := range order {
			r, err := load(p)
			if err != nil {
				return err
			}
			if r.errors > 0 {
				return fmt.Errorf("round %d: %s: %d failed requests", i+1, p.URL(), r.errors)
			}
			res[p] = r
		}
		e, b := res[eg], res[bare]
		ratio := e.rps / b.rps
		cpuRatio := float64(b.cpuPerReq) / float64(e.cpuPerReq)
		ratios, cpuRatios = append(ratios, ratio), append(cpuRatios, cpuRatio)
		egRPS, bareRPS = append(egRPS, e.rps), append(bareRPS, b.rps)
		egCPU, bareCPU = append(egCPU, us(e.cpuPerReq)), append(bareCPU, us(b.cpuPerReq))
		fmt.Printf("round %d: egov %7.0f req/s %s | bare %7.0f req/s %s | ratio %.2f (CPU/req ratio %.2f)\n",
			i+1, e.rps, detail(e), b.rps, detail(b), ratio, cpuRatio)
	}
	fmt.Println()
	fmt.Printf("egov  /api/v1/calendar/due (req/s):     %s\n", benchkit.Summary(egRPS))
	fmt.Printf("bare net/http handler (req/s):         %s\n", benchkit.Summary(bareRPS))
	fmt.Printf("throughput ratio egov / bare:          %s   (goal >= 0.5)\n", benchkit.Summary(ratios))
	fmt.Printf("server CPU per request, egov (µs):     %s\n", benchkit.Summary(egCPU))
	fmt.Printf("server CPU per request, bare (µs):     %s\n", benchkit.Summary(bareCPU))
	fmt.Printf("CPU-per-request ratio bare / egov:     %s\n", benchkit.Summary(cpuRatios))

	if c.cpuprofile != "" {
		if err := profile(eg, load, pprofAddr, c); err != nil {
			return fmt.Errorf("profile: %w", err)
		}
	}
	if _, err := eg.Stop(30 * time.Second); err != nil {
		return fmt.Errorf("egov stop: %w", err)
	}
	if _, err := bare.Stop(10 * time.Second); err != nil {
		return fmt.Errorf("bare stop: %w", err)
	}
	return nil
}

func detail(r result) string {
	s := fmt.Sprintf("cpu %5.1f µs/req", us(r.cpuPerReq))
	if r.p50 > 0 {
		s += fmt.Sprintf(" p50 %5.2f ms p99 %5.2f ms", ms(r.p50), ms(r.p99))
	}
	return s + fmt.Sprintf(" client %.2f cores", r.clientCPUShare)
}

// profile runs one more, uncounted egov round while taking a CPU profile.
func profile(eg *benchkit.Proc, load func(*benchkit.Proc) (result, error), pprofAddr string, c config) error {
	secs := int((c.warm + c.dur).Seconds())
	if secs < 1 {
		secs = 1
	}
	type got struct {
		b   []byte
		err error
	}
	ch := make(chan got, 1)
	go func() {
		cl := &http.Client{Timeout: time.Duration(secs+30) * time.Second}
		resp, err := cl.Get(fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", pprofAddr, secs))
		if err != nil {
			ch <- got{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err == nil && resp.StatusCode != http.StatusOK {
			err = fmt.Errorf("pprof: %d %s", resp.StatusCode, b)
		}
		ch <- got{b, err}
	}()
	if _, err := load(eg); err != nil {
		return err
	}
	g := <-ch
	if g.err != nil {
		return g.err
	}
	if err := os.WriteFile(c.cpuprofile, g.b, 0o644); err != nil {
		return err
	}
	fmt.Printf("\nCPU profile of egov under load (one extra round, not counted): %s\n", c.cpuprofile)
	fmt.Printf("  go tool pprof -top %s %s\n", c.bin, c.cpuprofile)
	return nil
}

// goLoad is a closed loop of c keep-alive clients (Go's net/http client).
func goLoad(p *benchkit.Proc, paths []string, c config) (result, error) {
	l := benchkit.ClosedLoop(p.URL(), paths, c.conc, c.warm, c.dur, p.Pid(), nil)
	return result{rps: l.RPS, p50: l.Lat.P50, p99: l.Lat.P99, errors: l.Errors, cpuPerReq: l.CPUPerReq,
		clientCPUShare: l.ClientCPU}, nil
}

// writeWrkScript writes a wrk Lua script that cycles through paths.
func writeWrkScript(dir string, paths []string) (string, error) {
	var b strings.Builder
	b.WriteString("local paths = {\n")
	for _, p := range paths {
		fmt.Fprintf(&b, "  %q,\n", p)
	}
	b.WriteString(`}
local i = math.random(#paths)
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
`)
	path := dir + "/due.lua"
	return path, os.WriteFile(path, []byte(b.String()), 0o644)
}

var (
	wrkRPS    = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
	wrkErrors = regexp.MustCompile(`Non-2xx or 3xx responses:\s+(\d+)|Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)`)
)

// wrkLoad runs wrk (one thread, c connections): warm-up, then the
// measured run while the server's CPU time is read.
func wrkLoad(p *benchkit.Proc, script string, c config) (result, error) {
	var clientCPU, wall time.Duration
	wrk := func(d time.Duration) (string, error) {
		secs := max(1, int(d.Round(time.Second).Seconds()))
		cmd := exec.Command("wrk", "-t1", "-c"+strconv.Itoa(c.conc), "-d"+strconv.Itoa(secs)+"s",
			"--timeout", "10s", "-s", script, p.URL())
		t0 := time.Now()
		out, err := cmd.CombinedOutput()
		if err != nil {
			var ee *exec.Error
			if errors.As(err, &ee) {
				return "", errors.New("wrk not found: apt-get install wrk, or use -client go")
			}
			return "", fmt.Errorf("wrk: %v: %s", err, out)
		}
		wall = time.Since(t0)
		clientCPU = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
		return string(out), nil
	}
	if c.warm > 0 {
		if _, err := wrk(c.warm); err != nil {
			return result{}, err
		}
	}
	s0, err := benchkit.ReadCPU(p.Pid())
	if err != nil {
		return result{}, err
	}
	out, err := wrk(c.dur)
	if err != nil {
		return result{}, err
	}
	s1, err := benchkit.ReadCPU(p.Pid())
	if err != nil {
		return result{}, err
	}
	m := wrkRPS.FindStringSubmatch(out)
	if m == nil {
		return result{}, fmt.Errorf("wrk output: %s", out)
	}
	r := result{clientCPUShare: float64(clientCPU) / float64(wall)}
	r.rps, _ = strconv.ParseFloat(m[1], 64)
	for _, e := range wrkErrors.FindAllStringSubmatch(out, -1) {
		for _, s := range e[1:] {
			n, _ := strconv.ParseInt(s, 10, 64)
			r.errors += n
		}
	}
	secs := float64(max(1, int(c.dur.Round(time.Second).Seconds())))
	if n := r.rps * secs; n > 0 {
		r.cpuPerReq = time.Duration(float64(s1-s0) / n)
	}
	return r, nil
}

func get(url string) (string, error) {
	resp, err := http.Get(url)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("GET %s: %d %s", url, resp.StatusCode, b)
	}
	return string(b), err
}

func version(bin string) string {
	out, err := exec.Command(bin, "version").Output()
	if err != nil {
		return "?"
	}
	return strings.TrimSpace(string(out))
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
func us(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }
