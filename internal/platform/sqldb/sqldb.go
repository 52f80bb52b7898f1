// Package sqldb opens egov's SQL database (SQLite embedded, or PostgreSQL),
// runs the embedded migrations of each engine, and holds the few dialect
// differences in one place. Queries are written once with $1-style
// placeholders, which both engines accept; anything that differs goes
// through a method of DB (ForUpdate, ...).
//
// All instants are stored in UTC. On SQLite they are TEXT in a fixed
// "2006-01-02 15:04:05.999999999+00:00" form, which sorts correctly only
// when every value is UTC: stores pass t.UTC() (see UTC).
package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Engine names a database engine.
type Engine string

const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// DB is an open database. W takes writes and transactions; R serves reads
// outside transactions. On PostgreSQL they are the same pool; on SQLite W
// holds the single writer connection and R a pool of read-only ones, so
// readers never queue behind a writer (WAL).
type DB struct {
	Engine Engine
	W, R   *sql.DB
	Pool   *pgxpool.Pool // PostgreSQL only: for River's LISTEN connection
	path   string        // SQLite file
}

// Options say what to open.
type Options struct {
	URL       string // postgres:// URL; empty opens SQLite at Path
	Path      string // SQLite file
	Sync      string // SQLite synchronous: FULL (default) or NORMAL
	MaxConns  int32  // PostgreSQL pool size (default 20)
	ReadConns int    // SQLite readers (default 4)
	AppName   string
}

// Open opens and pings the database. It does not migrate.
func Open(ctx context.Context, o Options) (*DB, error) {
	if o.URL != "" {
		return openPostgres(ctx, o)
	}
	return openSQLite(ctx, o)
}

func openSQLite(ctx context.Context, o Options) (*DB, error) {
	if o.Path == "" {
		return nil, errors.New("sqldb: no SQLite path")
	}
	if err := os.MkdirAll(filepath.Dir(o.Path), 0o750); err != nil {
		return nil, fmt.Errorf("sqldb: %w", err)
	}
	sync := strings.ToUpper(o.Sync)
	if sync == "" {
		sync = "FULL"
	}
	if sync != "FULL" && sync != "NORMAL" {
		return nil, fmt.Errorf("sqldb: synchronous must be FULL or NORMAL, not %q", o.Sync)
	}
	base := "file:" + filepath.ToSlash(o.Path) +
		"?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)" +
		"&_pragma=synchronous(" + sync + ")&_time_format=sqlite"
	w, err := sql.Open("sqlite", base+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("sqldb: open sqlite: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("sqldb: open %s: %w", o.Path, err)
	}
	n := o.ReadConns
	if n <= 0 {
		n = 4
	}
	r, err := sql.Open("sqlite", base+"&_pragma=query_only(1)")
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("sqldb: open sqlite reader: %w", err)
	}
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	return &DB{Engine: SQLite, W: w, R: r, path: o.Path}, nil
}

func openPostgres(ctx context.Context, o Options) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(o.URL)
	if err != nil {
		return nil, fmt.Errorf("sqldb: parse database URL: %w", redact(err))
	}
	cfg.MaxConns = o.MaxConns
	if cfg.MaxConns <= 0 {
		cfg.MaxConns = 20
	}
	if o.AppName != "" {
		cfg.ConnConfig.RuntimeParams["application_name"] = o.AppName
	}
	cfg.ConnConfig.RuntimeParams["timezone"] = "UTC"
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("sqldb: connect: %w", redact(err))
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("sqldb: connect to PostgreSQL at %s: %w", cfg.ConnConfig.Host, redact(err))
	}
	db := stdlib.OpenDBFromPool(pool)
	return &DB{Engine: Postgres, W: db, R: db, Pool: pool}, nil
}

// redact keeps passwords of connection strings out of error messages.
func redact(err error) error {
	msg := err.Error()
	if i := strings.Index(msg, "postgres"); i >= 0 {
		if u, perr := url.Parse(msg[i:]); perr == nil && u.User != nil {
			if _, ok := u.User.Password(); ok {
				return errors.New(strings.Replace(msg, u.User.String()+"@", u.User.Username()+":xxxxx@", 1))
			}
		}
	}
	return err
}

// Close closes the pools.
func (db *DB) Close() error {
	var errs []error
	if db.R != db.W {
		errs = append(errs, db.R.Close())
	}
	errs = append(errs, db.W.Close())
	if db.Pool != nil {
		db.Pool.Close()
	}
	return errors.Join(errs...)
}

// Ping checks the database answers.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	return db.R.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// Path returns the SQLite file ("" on PostgreSQL).
func (db *DB) Path() string { return db.path }

// Tx runs fn in a transaction on the writer and commits it, or rolls it
// back if fn returns an error or panics. On PostgreSQL a serialization
// failure or deadlock is retried a few times.
func (db *DB) Tx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	var err error
	for attempt := 0; attempt < 4; attempt++ {
		err = db.tx(ctx, fn)
		if err == nil || !retryable(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(time.Duration(attempt+1) * 20 * time.Millisecond):
		}
	}
	return err
}

func (db *DB) tx(ctx context.Context, fn func(tx *sql.Tx) error) (err error) {
	tx, err := db.W.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqldb: begin: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback()
			panic(p)
		}
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	if err = tx.Commit(); err != nil {
		return fmt.Errorf("sqldb: commit: %w", err)
	}
	return nil
}

func retryable(err error) bool {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return pg.Code == "40001" || pg.Code == "40P01"
	}
	return false
}

// ForUpdate is the row-locking suffix of a SELECT inside a transaction.
// SQLite has one writer at a time (BEGIN IMMEDIATE), so it needs none.
func (db *DB) ForUpdate() string {
	if db.Engine == Postgres {
		return " FOR UPDATE"
	}
	return ""
}

// Fresh marks a query's arguments so that PostgreSQL plans it for these
// values every time instead of settling on a generic cached plan: for
// queries whose best plan depends on the values (work lists filtered by a
// few agencies out of hundreds). SQLite plans every statement afresh.
func (db *DB) Fresh(args []any) []any {
	if db.Engine == Postgres {
		return append([]any{pgx.QueryExecModeExec}, args...)
	}
	return args
}

// IsUniqueViolation reports whether err is a unique-constraint violation on
// either engine.
func IsUniqueViolation(err error) bool {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return pg.Code == "23505"
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// UTC returns t in UTC truncated to microseconds: the precision both
// engines keep, so that a value read back equals the value written.
func UTC(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// Queryer is what both *sql.DB and *sql.Tx offer; stores take it so one
// method serves inside and outside a transaction.
type Queryer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// LockTx takes a lock named by key for the rest of the transaction, so
// that replicas doing the same one-time work (seeding) take turns. SQLite
// transactions are already serialised (BEGIN IMMEDIATE).
func (db *DB) LockTx(ctx context.Context, tx *sql.Tx, key int64) error {
	if db.Engine != Postgres {
		return nil
	}
	_, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", key)
	return err
}
