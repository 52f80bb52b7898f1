package app_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"egov/internal/app"
	"egov/internal/config"
	"egov/internal/platform/sqldb/sqldbtest"
)

const demoPassword = "mat-khau-demo-2026"

var testMasterKey = base64.StdEncoding.EncodeToString([]byte("0123456789abcdef0123456789abcdef"))

// server is a running egov for a test.
type server struct {
	t   testing.TB
	app *app.App
	URL string
	env map[string]string
}

type serverOpts struct {
	postgresURL string // "" for SQLite
	natsURL     string
	dataDir     string
	sealEvery   time.Duration
	env         map[string]string
	instance    string
	now         func() time.Time // the server's clock; nil for the real one
}

// start runs egov in-process on a free port with the demo province.
func start(t testing.TB, o serverOpts) *server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	if o.dataDir == "" {
		o.dataDir = t.TempDir()
	}
	env := map[string]string{
		"EGOV_ADDR": ln.Addr().String(), "EGOV_PUBLIC_URL": base, "EGOV_DATA_DIR": o.dataDir,
		"EGOV_DEMO": "1", "EGOV_DEMO_PASSWORD": demoPassword, "EGOV_MASTER_KEY": testMasterKey,
		"EGOV_DATABASE_URL": o.postgresURL, "EGOV_NATS_URL": o.natsURL, "EGOV_SQLITE_SYNC": "NORMAL",
		"EGOV_INSTANCE": o.instance, "EGOV_SHUTDOWN_TIMEOUT": "5s",
	}
	for k, v := range o.env {
		env[k] = v
	}
	cfg, err := config.Load(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if os.Getenv("EGOV_TEST_LOG") != "" {
		log = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	ctx, cancel := context.WithCancel(context.Background())
	a, err := app.New(ctx, cfg, log, app.Options{Listener: ln, SealEvery: o.sealEvery, Stdout: io.Discard, Now: o.now})
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("server: %v", err)
			}
		case <-time.After(20 * time.Second):
			t.Error("server did not stop within 20 s")
		}
	})
	s := &server{t: t, app: a, URL: base, env: env}
	// wait for readiness
	for i := 0; i < 100; i++ {
		resp, err := http.Get(base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return s
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("server never became ready")
	return nil
}

// engines runs fn against SQLite and, when configured, PostgreSQL.
func engines(t *testing.T, fn func(t *testing.T, s *server)) {
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		fn(t, start(t, serverOpts{}))
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		fn(t, start(t, serverOpts{postgresURL: sqldbtest.PostgresURL(t)}))
	})
}

// browser is an HTTP client with cookies that does not follow redirects.
func (s *server) browser() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Timeout: 15 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
}

// webLogin signs a browser in through the login form.
func (s *server) webLogin(c *http.Client, username string) {
	s.t.Helper()
	resp := s.do(c, "POST", "/dang-nhap", url.Values{"username": {username}, "password": {demoPassword}}.Encode(), nil)
	if resp.status != http.StatusSeeOther {
		s.t.Fatalf("web login %s: %d %s", username, resp.status, resp.body)
	}
}

// token signs in through the API.
func (s *server) token(username string) string {
	s.t.Helper()
	resp := s.do(http.DefaultClient, "POST", "/api/v1/sessions", `{"username":"`+username+`","password":"`+demoPassword+`"}`, nil)
	if resp.status != http.StatusCreated {
		s.t.Fatalf("api login %s: %d %s", username, resp.status, resp.body)
	}
	var out struct{ Token string }
	_ = json.Unmarshal([]byte(resp.body), &out)
	return out.Token
}

type response struct {
	status int
	body   string
	header http.Header
}

// do sends a request. A body starting with "{" is JSON, else a form.
func (s *server) do(c *http.Client, method, path, body string, hdr map[string]string) response {
	s.t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, s.URL+path, r)
	if err != nil {
		s.t.Fatal(err)
	}
	if body != "" {
		if strings.HasPrefix(body, "{") || strings.HasPrefix(body, "[") || strings.HasPrefix(body, "not json") {
			req.Header.Set("Content-Type", "application/json")
		} else {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
	}
	req.Header.Set("Accept", "text/html")
	if strings.HasPrefix(path, "/api/") {
		req.Header.Set("Accept", "application/json")
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := c.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{status: resp.StatusCode, body: string(b), header: resp.Header}
}
