package sqldb

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"

	"github.com/pressly/goose/v3"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
)

//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrations embed.FS

// ErrSchemaTooNew means the database was migrated by a newer egov: this
// binary must not run on it.
var ErrSchemaTooNew = errors.New("the database schema is newer than this egov binary knows; upgrade egov")

func (db *DB) provider() (*goose.Provider, error) {
	dir, dialect := "migrations/sqlite", goose.DialectSQLite3
	if db.Engine == Postgres {
		dir, dialect = "migrations/postgres", goose.DialectPostgres
	}
	fsys, err := fs.Sub(migrations, dir)
	if err != nil {
		return nil, err
	}
	return goose.NewProvider(dialect, db.W, fsys,
		goose.WithTableName("schema_migrations"),
		goose.WithDisableGlobalRegistry(true))
}

// SchemaVersion returns the applied and the known schema versions.
func (db *DB) SchemaVersion(ctx context.Context) (current, known int64, err error) {
	p, err := db.provider()
	if err != nil {
		return 0, 0, err
	}
	current, known, err = p.GetVersions(ctx)
	if err != nil && current < 0 {
		// a fresh database has no version table yet
		return 0, known, nil
	}
	return current, known, err
}

// CheckSchema refuses a schema newer than the binary knows.
func (db *DB) CheckSchema(ctx context.Context) error {
	current, known, err := db.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	if current > known {
		return fmt.Errorf("%w (database at version %d, binary knows up to %d)", ErrSchemaTooNew, current, known)
	}
	return nil
}

// Migrate applies the pending migrations, each in a transaction: egov's own
// schema, then River's job tables. Replicas starting together take turns.
func (db *DB) Migrate(ctx context.Context, log *slog.Logger) error {
	return db.WithMigrationLock(ctx, func(ctx context.Context) error {
		if err := db.migrateOwn(ctx, log); err != nil {
			return err
		}
		return db.migrateRiver(ctx, log)
	})
}

func (db *DB) migrateOwn(ctx context.Context, log *slog.Logger) error {
	if err := db.CheckSchema(ctx); err != nil {
		return err
	}
	p, err := db.provider()
	if err != nil {
		return err
	}
	res, err := p.Up(ctx)
	for _, r := range res {
		if r.Error == nil && log != nil {
			log.Info("migrated", "version", r.Source.Version, "file", r.Source.Path, "took", r.Duration)
		}
	}
	if err != nil {
		return fmt.Errorf("sqldb: migrate: %w", err)
	}
	return nil
}

// migrationLockKey is the PostgreSQL advisory lock that serialises
// migrations of replicas starting together.
const migrationLockKey = 0x65676f76 // "egov"

// WithMigrationLock runs fn while holding the migration lock, so that
// replicas starting at once migrate one after the other. SQLite needs no
// lock: it has one writer.
func (db *DB) WithMigrationLock(ctx context.Context, fn func(ctx context.Context) error) error {
	if db.Engine != Postgres {
		return fn(ctx)
	}
	conn, err := db.Pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", migrationLockKey); err != nil {
		return fmt.Errorf("sqldb: migration lock: %w", err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", migrationLockKey) //nolint:errcheck
	return fn(ctx)
}

// riverMigrate runs River's migrator on either engine; both drivers work on
// *sql.Tx.
func (db *DB) riverMigrator() (*rivermigrate.Migrator[*sql.Tx], error) {
	if db.Engine == Postgres {
		return rivermigrate.New(riverdatabasesql.New(db.W), nil)
	}
	return rivermigrate.New(riversqlite.New(db.W), nil)
}

func (db *DB) migrateRiver(ctx context.Context, log *slog.Logger) error {
	m, err := db.riverMigrator()
	if err != nil {
		return err
	}
	existing, err := m.ExistingVersions(ctx)
	if err != nil {
		return fmt.Errorf("sqldb: river versions: %w", err)
	}
	all := m.AllVersions()
	if len(existing) > 0 && len(all) > 0 && existing[len(existing)-1].Version > all[len(all)-1].Version {
		return fmt.Errorf("%w (job tables at version %d, binary knows up to %d)", ErrSchemaTooNew,
			existing[len(existing)-1].Version, all[len(all)-1].Version)
	}
	res, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil)
	if err != nil {
		return fmt.Errorf("sqldb: migrate job tables: %w", err)
	}
	if log != nil {
		for _, v := range res.Versions {
			log.Info("migrated job tables", "version", v.Version, "name", v.Name)
		}
	}
	return nil
}

// MigrationFiles exposes the embedded migrations (tests hash them).
func MigrationFiles() fs.FS { return migrations }

// RiverVersion names the River release whose job tables egov migrates; it
// is part of the test template's identity.
const RiverVersion = "v0.51.1"
