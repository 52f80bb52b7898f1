// Package benchkit holds what egov's benchmark commands share: starting
// an egov binary against a data directory on a loopback port, waiting for
// /readyz, reading a process's memory and CPU time from /proc, a bare
// net/http baseline server, and small statistics.
//
// Everything here talks to 127.0.0.1 only.
package benchkit

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// DemoPassword is the demo accounts' password in benchmark data dirs.
const DemoPassword = "bench-demo-2026"

// FreeAddr returns a free 127.0.0.1 port as "127.0.0.1:N".
func FreeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// Proc is a started server process.
type Proc struct {
	Cmd     *exec.Cmd
	Addr    string // 127.0.0.1:N
	Started time.Time
	done    chan error
}

// URL is the base URL of the process.
func (p *Proc) URL() string { return "http://" + p.Addr }

// Pid is the process ID.
func (p *Proc) Pid() int { return p.Cmd.Process.Pid }

// Env is egov's environment for a benchmark run: the caller's environment
// without any EGOV_* variable, plus a loopback address, the data dir and
// a fixed demo password; extra overrides.
func Env(addr, dataDir string, extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "EGOV_") {
			env = append(env, kv)
		}
	}
	env = append(env,
		"EGOV_ADDR="+addr,
		"EGOV_PUBLIC_URL=http://"+addr,
		"EGOV_DATA_DIR="+dataDir,
		"EGOV_DEMO_PASSWORD="+DemoPassword,
		"EGOV_INSTANCE=bench",
	)
	return append(env, extra...)
}

// StartEgov starts the egov binary serving on a free loopback port
// against dataDir. Its standard output and error go to logw (nil discards).
func StartEgov(bin, dataDir string, logw io.Writer, extraEnv ...string) (*Proc, error) {
	addr, err := FreeAddr()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "serve")
	cmd.Env = Env(addr, dataDir, extraEnv...)
	return start(cmd, addr, logw)
}

// StartSelf re-executes the running command with args (used to run the
// bare baseline server as its own process).
func StartSelf(addr string, logw io.Writer, args ...string) (*Proc, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(self, args...)
	return start(cmd, addr, logw)
}

func start(cmd *exec.Cmd, addr string, logw io.Writer) (*Proc, error) {
	cmd.Stdout, cmd.Stderr = logw, logw
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} // never outlive the benchmark
	p := &Proc{Cmd: cmd, Addr: addr, done: make(chan error, 1)}
	p.Started = time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	go func() { p.done <- cmd.Wait() }()
	return p, nil
}

var pollClient = &http.Client{
	Timeout:   2 * time.Second,
	Transport: &http.Transport{DisableKeepAlives: true, Proxy: nil},
}

// WaitReady polls path (e.g. "/readyz") every interval until it answers
// 200, and returns the time since the process was started.
func (p *Proc) WaitReady(path string, interval, timeout time.Duration) (time.Duration, error) {
	deadline := p.Started.Add(timeout)
	for time.Now().Before(deadline) {
		select {
		case err := <-p.done:
			p.done <- err
			return 0, fmt.Errorf("process exited before ready: %v", err)
		default:
		}
		resp, err := pollClient.Get(p.URL() + path)
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return time.Since(p.Started), nil
			}
		}
		time.Sleep(interval)
	}
	return 0, fmt.Errorf("not ready within %v", timeout)
}

// Stop sends SIGTERM and waits for the exit; it returns how long the
// graceful shutdown took. After timeout the process is killed.
func (p *Proc) Stop(timeout time.Duration) (time.Duration, error) {
	t0 := time.Now()
	if err := p.Cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return 0, err
	}
	select {
	case err := <-p.done:
		d := time.Since(t0)
		var ee *exec.ExitError
		if errors.As(err, &ee) && ee.Sys().(syscall.WaitStatus).Signaled() {
			return d, fmt.Errorf("exited on signal: %v", err)
		}
		return d, err
	case <-time.After(timeout):
		_ = p.Cmd.Process.Kill()
		<-p.done
		return 0, fmt.Errorf("did not stop within %v; killed", timeout)
	}
}

// Kill ends the process at once (clean-up after an error).
func (p *Proc) Kill() {
	if p != nil && p.Cmd.ProcessState == nil {
		_ = p.Cmd.Process.Kill()
	}
}

// Mem is a process's resident memory in KiB (from /proc/PID/status).
type Mem struct{ RSS, HWM int64 }

// ReadMem reads VmRSS and VmHWM of pid.
func ReadMem(pid int) (Mem, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return Mem{}, err
	}
	var m Mem
	for line := range strings.SplitSeq(string(b), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		f := strings.Fields(v)
		if len(f) == 0 {
			continue
		}
		n, _ := strconv.ParseInt(f[0], 10, 64)
		switch k {
		case "VmRSS":
			m.RSS = n
		case "VmHWM":
			m.HWM = n
		}
	}
	return m, nil
}

// ClockTicks is USER_HZ, the unit of CPU times in /proc (100 on Linux).
const ClockTicks = 100

// ReadCPU returns the user+system CPU time of pid so far.
func ReadCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')') // the command name may hold spaces
	if i < 0 {
		return 0, errors.New("bad /proc stat")
	}
	f := strings.Fields(s[i+1:])
	// After ")" the fields start at 3 (state); utime is 14, stime 15.
	if len(f) < 13 {
		return 0, errors.New("short /proc stat")
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(u+st) * time.Second / ClockTicks, nil
}

// BareBody is what the bare baseline answers: the same size and shape as
// egov's answer to /api/v1/calendar/due.
const BareBody = `{"due":"2026-03-13T17:00:00+07:00"}` + "\n"

// BareHandler is the baseline: a plain net/http handler with a fixed
// small JSON answer and nothing else.
func BareHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "ok\n") })
	mux.HandleFunc("GET /", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, BareBody)
	})
	return mux
}

// ServeBare runs the baseline server on addr until SIGTERM or ctx ends.
func ServeBare(ctx context.Context, addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	return Serve(ctx, ln, BareHandler())
}

// Serve serves h on ln until ctx ends, then shuts down gracefully.
func Serve(ctx context.Context, ln net.Listener, h http.Handler) error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case <-ctx.Done():
	case err := <-errc:
		return err
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(sctx)
}

// Stats summarises samples.
type Stats struct{ Min, Median, Max float64 }

// Summary returns min, median and max of xs (zero for none).
func Summary(xs []float64) Stats {
	if len(xs) == 0 {
		return Stats{}
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	med := s[len(s)/2]
	if len(s)%2 == 0 {
		med = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return Stats{Min: s[0], Median: med, Max: s[len(s)-1]}
}

func (s Stats) String() string {
	return fmt.Sprintf("median %s  (min %s, max %s)", num(s.Median), num(s.Min), num(s.Max))
}

func num(f float64) string {
	switch {
	case f >= 100:
		return strconv.FormatFloat(f, 'f', 0, 64)
	case f >= 10:
		return strconv.FormatFloat(f, 'f', 1, 64)
	}
	return strconv.FormatFloat(f, 'f', 2, 64)
}
