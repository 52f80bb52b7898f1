package app_test

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"egov/internal/app"
	"egov/internal/platform/sqldb"
)

// child is egov running as a separate process.
type child struct {
	cmd  *exec.Cmd
	url  string
	logs *bytes.Buffer // read only after the process ended
	done chan error
}

func startChild(t *testing.T, dataDir string, extra ...string) *child {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "EGOV_CHILD=1", "EGOV_CHILD_ARGS=serve", "EGOV_ADDR="+addr, "EGOV_PUBLIC_URL=http://"+addr,
		"EGOV_DATA_DIR="+dataDir, "EGOV_DEMO_PASSWORD="+demoPassword, "EGOV_SHUTDOWN_TIMEOUT=5s", "EGOV_DATABASE_URL=", "EGOV_NATS_URL=")
	cmd.Env = append(cmd.Env, extra...)
	var logs bytes.Buffer
	out := &syncWriter{w: &logs}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &child{cmd: cmd, url: "http://" + addr, logs: &logs, done: make(chan error, 1)}
	go func() { c.done <- cmd.Wait() }()
	t.Cleanup(func() { _ = cmd.Process.Kill(); <-c.done })
	for i := 0; i < 300; i++ {
		if resp, err := http.Get(c.url + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return c
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("child never ready:\n%s", logs.String())
	return nil
}

type syncWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

func TestGracefulShutdownOnSIGTERM(t *testing.T) {
	t.Parallel()
	c := startChild(t, t.TempDir())
	// Sign in (and fail once) so the logs would show a leaked secret.
	s := &server{t: t, URL: c.url}
	tok := s.token("admin")
	s.do(http.DefaultClient, "POST", "/api/v1/sessions", `{"username":"admin","password":"sai-`+demoPassword+`"}`, nil)
	s.do(http.DefaultClient, "GET", "/api/v1/me?token="+tok, "", map[string]string{"Authorization": "Bearer " + tok})
	start := time.Now()
	if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-c.done:
		c.done <- err
		if err != nil {
			t.Fatalf("exit: %v\n%s", err, c.logs.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("did not stop within 10 s of SIGTERM")
	}
	logs := c.logs.String()
	if strings.Contains(logs, demoPassword) || strings.Contains(logs, tok) {
		t.Error("a password or a token appears in the logs")
	}
	if !strings.Contains(logs, `"msg":"stopped"`) {
		t.Errorf("no clean stop in the logs:\n%s", c.logs.String())
	}
	t.Logf("stopped %v after SIGTERM", time.Since(start).Round(time.Millisecond))
}

// TestKillNineLosesNothingAcknowledged creates accounts concurrently,
// kills the process with SIGKILL while requests are in flight, restarts
// it and checks that every acknowledged account is there and that the
// audit log is intact.
func TestKillNineLosesNothingAcknowledged(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	c := startChild(t, dir, "EGOV_SQLITE_SYNC=FULL")
	s := &server{t: t, URL: c.url}
	tok := s.token("admin")

	var mu sync.Mutex
	var acked []string
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			client := &http.Client{Timeout: 5 * time.Second}
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				name := fmt.Sprintf("k9.w%d.u%03d", w, i)
				body := `{"username":"` + name + `","kind":"citizen","full_name":"Người thử ` + name + `"}`
				req, _ := http.NewRequest("POST", c.url+"/api/v1/users", strings.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+tok)
				resp, err := client.Do(req)
				if err != nil {
					return // the server died
				}
				resp.Body.Close()
				if resp.StatusCode == http.StatusCreated {
					mu.Lock()
					acked = append(acked, name)
					mu.Unlock()
				}
			}
		}()
	}
	time.Sleep(1500 * time.Millisecond)
	if err := c.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	close(stop)
	wg.Wait()
	<-c.done
	c.done <- nil
	if len(acked) < 10 {
		t.Fatalf("only %d accounts acknowledged before the kill", len(acked))
	}

	// Open the data directory directly: what was acknowledged must be there.
	ctx := context.Background()
	db, err := sqldb.Open(ctx, sqldb.Options{Path: filepath.Join(dir, "egov.db")})
	if err != nil {
		t.Fatal(err)
	}
	var missing []string
	for _, u := range acked {
		var n int
		if err := db.R.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE username = $1`, u).Scan(&n); err != nil || n != 1 {
			missing = append(missing, u)
		}
	}
	db.Close()
	if len(missing) > 0 {
		t.Fatalf("%d of %d acknowledged accounts lost after kill -9: %v", len(missing), len(acked), missing)
	}
	// And the platform restarts on it, with an intact audit log.
	startChild(t, dir)
	var out, errb bytes.Buffer
	code := app.Main(ctx, []string{"audit", "verify"}, envOf(map[string]string{"EGOV_DATA_DIR": dir}), strings.NewReader(""), &out, &errb)
	if code != 0 || !strings.Contains(out.String(), "audit log intact") {
		t.Fatalf("audit verify after kill -9: %d %s %s", code, out.String(), errb.String())
	}
	t.Logf("%d accounts acknowledged before kill -9, all present after restart", len(acked))
}

func envOf(m map[string]string) func(string) string {
	return func(k string) string {
		if v, ok := m[k]; ok {
			return v
		}
		if k == "EGOV_LOG_LEVEL" {
			return "error"
		}
		return ""
	}
}
