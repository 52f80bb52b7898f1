package pki_test

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"egov/internal/apperr"
	"egov/internal/audit"
	"egov/internal/platform/secretbox"
	"egov/internal/platform/sqldb"
	"egov/internal/signing/pki"
)

// env is what a test needs: the service on a real database, served over
// HTTP at the URL its certificates name, an agency and an official.
type env struct {
	db       *sqldb.DB
	svc      *pki.Service
	log      *audit.Log
	srv      *httptest.Server
	clock    *clock
	agency   pki.Agency
	official pki.Official
	ca       pki.BuiltinCA
	dir      string
}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time)     { c.mu.Lock(); c.t = t; c.mu.Unlock() }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

type opts struct {
	alg       pki.KeyAlgorithm
	noBuiltin bool
}

func setup(t *testing.T, db *sqldb.DB, o ...opts) *env {
	t.Helper()
	var op opts
	if len(o) > 0 {
		op = o[0]
	}
	ctx := context.Background()
	e := &env{db: db, clock: &clock{t: time.Now().UTC()}, dir: t.TempDir()}
	var h http.Handler = http.NotFoundHandler()
	e.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	t.Cleanup(e.srv.Close)
	box, err := secretbox.New(bytes.Repeat([]byte{42}, 32))
	if err != nil {
		t.Fatal(err)
	}
	e.log = audit.New(db, e.clock.Now)
	e.svc, err = pki.New(pki.Config{DB: db, Box: box, Audit: e.log, PublicURL: e.srv.URL + "/", KeyAlgorithm: op.alg, Now: e.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	h = e.svc.Handler()

	now := sqldb.UTC(time.Now())
	var agencyID, userID int64
	if err := db.W.QueryRowContext(ctx, `INSERT INTO agencies(kind, code, name, created_at, updated_at)
		VALUES ('department', '000.00.03.H37', 'Sở Tư pháp tỉnh Hà Nam', $1, $1) RETURNING id`, now).Scan(&agencyID); err != nil {
		t.Fatal(err)
	}
	if err := db.W.QueryRowContext(ctx, `INSERT INTO users(username, kind, full_name, email, created_at, updated_at)
		VALUES ('nghia', 'official', 'Nguyễn Trọng Nghĩa', 'nghia@example.gov.vn', $1, $1) RETURNING id`, now).Scan(&userID); err != nil {
		t.Fatal(err)
	}
	e.agency = pki.Agency{ID: agencyID, Code: "000.00.03.H37", Name: "Sở Tư pháp tỉnh Hà Nam", Province: "Hà Nam"}
	e.official = pki.Official{UserID: userID, FullName: "Nguyễn Trọng Nghĩa", Email: "nghia@example.gov.vn", Position: "Giám đốc"}
	if !op.noBuiltin {
		if e.ca, err = e.svc.EnsureBuiltinCA(ctx); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

// actor is the context of an administrator acting.
func actor() context.Context {
	return audit.WithActor(context.Background(), audit.Actor{Username: "admin", IP: "127.0.0.1"})
}

// writePEM writes certificates to a file in the test's folder.
func (e *env) writePEM(t *testing.T, name string, certs ...*x509.Certificate) string {
	t.Helper()
	var b bytes.Buffer
	for _, c := range certs {
		_ = pem.Encode(&b, &pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
	}
	p := filepath.Join(e.dir, name)
	if err := os.WriteFile(p, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// openssl runs the openssl tool, failing the test on error.
func openssl(t *testing.T, dir string, args ...string) string {
	t.Helper()
	out, err := runOpenSSL(dir, args...)
	if err != nil {
		t.Fatalf("openssl %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

func runOpenSSL(dir string, args ...string) (string, error) {
	cmd := exec.Command("openssl", args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func needOpenSSL(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Skip("openssl not installed")
	}
}

// auditActions returns the actions recorded, in order.
func auditActions(t *testing.T, db *sqldb.DB) []string {
	t.Helper()
	rows, err := db.R.QueryContext(context.Background(), `SELECT action FROM audit_log ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			t.Fatal(err)
		}
		out = append(out, a)
	}
	return out
}

func count(xs []string, x string) int {
	n := 0
	for _, v := range xs {
		if v == x {
			n++
		}
	}
	return n
}

// is reports whether err is the application error want (by its key: a
// wrapped copy carries its cause).
func is(err error, want *apperr.Error) bool {
	var e *apperr.Error
	return errors.As(err, &e) && e.Key == want.Key
}
