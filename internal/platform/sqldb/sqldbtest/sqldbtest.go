// Package sqldbtest gives tests real, migrated databases: a fresh SQLite
// file always, and a fresh PostgreSQL database when EGOV_TEST_DATABASE_URL
// is set. PostgreSQL databases are cloned from a template that is migrated
// once per schema version, so a fresh database costs a file copy.
package sqldbtest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"egov/internal/platform/sqldb"
)

// EnvURL names the variable that points tests at a PostgreSQL server.
const EnvURL = "EGOV_TEST_DATABASE_URL"

// SQLite returns a fresh migrated SQLite database in a temporary folder.
func SQLite(t testing.TB) *sqldb.DB {
	t.Helper()
	ctx := context.Background()
	db, err := sqldb.Open(ctx, sqldb.Options{Path: filepath.Join(t.TempDir(), "egov.db"), Sync: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx, nil); err != nil {
		t.Fatal(err)
	}
	return db
}

// PostgresURL returns the URL of a fresh migrated PostgreSQL database, or
// skips the test when EGOV_TEST_DATABASE_URL is not set.
func PostgresURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvURL)
	if base == "" {
		t.Skip("PostgreSQL suite skipped: set " + EnvURL + " (e.g. postgres://postgres@127.0.0.1:5432/postgres)")
	}
	tmpl, err := template(base)
	if err != nil {
		t.Fatalf("postgres template: %v", err)
	}
	name := "egov_test_" + randHex(6)
	admin := connect(t, base)
	defer admin.Close(context.Background())
	if _, err := admin.Exec(context.Background(), "CREATE DATABASE "+name+" TEMPLATE "+tmpl); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		c := connect(t, base)
		defer c.Close(context.Background())
		_, _ = c.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	})
	return withDB(base, name)
}

// Postgres returns a fresh migrated PostgreSQL database, or skips.
func Postgres(t testing.TB) *sqldb.DB {
	t.Helper()
	u := PostgresURL(t)
	db, err := sqldb.Open(context.Background(), sqldb.Options{URL: u, MaxConns: 10})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// Engines returns one fresh database per engine available: SQLite always,
// PostgreSQL when configured. Conformance tests run on each.
func Engines(t *testing.T, fn func(t *testing.T, db *sqldb.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		fn(t, SQLite(t))
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		fn(t, Postgres(t))
	})
}

var (
	tmplOnce sync.Once
	tmplName string
	tmplErr  error
)

// template creates (once per schema, across processes) a migrated database
// to clone test databases from.
func template(base string) (string, error) {
	tmplOnce.Do(func() {
		tmplName, tmplErr = makeTemplate(base)
	})
	return tmplName, tmplErr
}

func makeTemplate(base string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	name := "egov_tmpl_" + schemaHash()
	c, err := pgx.Connect(ctx, base)
	if err != nil {
		return "", err
	}
	defer c.Close(ctx)
	// Test packages run in parallel processes: one builds, the others wait.
	if _, err := c.Exec(ctx, "SELECT pg_advisory_lock(7501)"); err != nil {
		return "", err
	}
	defer c.Exec(context.Background(), "SELECT pg_advisory_unlock(7501)") //nolint:errcheck
	var exists bool
	if err := c.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return "", err
	}
	if exists {
		return name, nil
	}
	building := name + "_build"
	_, _ = c.Exec(ctx, "DROP DATABASE IF EXISTS "+building+" WITH (FORCE)")
	if _, err := c.Exec(ctx, "CREATE DATABASE "+building); err != nil {
		return "", err
	}
	db, err := sqldb.Open(ctx, sqldb.Options{URL: withDB(base, building), MaxConns: 2})
	if err != nil {
		return "", err
	}
	err = db.Migrate(ctx, nil)
	db.Close()
	if err != nil {
		return "", err
	}
	if _, err := c.Exec(ctx, "ALTER DATABASE "+building+" RENAME TO "+name); err != nil {
		return "", err
	}
	return name, nil
}

// schemaHash identifies the migration set, so a changed schema gets a new
// template.
func schemaHash() string {
	h := sha256.New()
	_ = fs.WalkDir(sqldb.MigrationFiles(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := fs.ReadFile(sqldb.MigrationFiles(), p)
		h.Write([]byte(p))
		h.Write(b)
		return nil
	})
	h.Write([]byte(sqldb.RiverVersion))
	return hex.EncodeToString(h.Sum(nil))[:12]
}

func connect(t testing.TB, u string) *pgx.Conn {
	t.Helper()
	c, err := pgx.Connect(context.Background(), u)
	if err != nil {
		t.Fatalf("connect to PostgreSQL: %v", err)
	}
	return c
}

func withDB(base, name string) string {
	u, err := url.Parse(base)
	if err != nil {
		panic(fmt.Sprintf("bad %s: %v", EnvURL, err))
	}
	u.Path = "/" + name
	return u.String()
}

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return strings.ToLower(hex.EncodeToString(b))
}
