package sqldb_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"egov/internal/platform/sqldb"
	"egov/internal/platform/sqldb/sqldbtest"
)

func TestEngines(t *testing.T) {
	t.Parallel()
	sqldbtest.Engines(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()

		t.Run("MigrateIsIdempotent", func(t *testing.T) {
			if err := db.Migrate(ctx, nil); err != nil {
				t.Fatal(err)
			}
			cur, known, err := db.SchemaVersion(ctx)
			if err != nil || cur != known || cur == 0 {
				t.Fatalf("version %d/%d err %v", cur, known, err)
			}
		})

		t.Run("TimesRoundTripAndSortInUTC", func(t *testing.T) {
			base := time.Date(2026, 2, 17, 9, 30, 0, 0, time.FixedZone("ICT", 7*3600))
			for i, d := range []time.Duration{0, 500 * time.Millisecond, 1500 * time.Microsecond, time.Second} {
				err := db.Tx(ctx, func(tx *sql.Tx) error {
					_, err := tx.ExecContext(ctx, `INSERT INTO meta(key, value) VALUES ($1, $2)`, "t"+string(rune('a'+i)), "x")
					return err
				})
				if err != nil {
					t.Fatal(err)
				}
				_ = d
			}
			at := sqldb.UTC(base.Add(1500 * time.Microsecond))
			err := db.Tx(ctx, func(tx *sql.Tx) error {
				_, err := tx.ExecContext(ctx, `INSERT INTO agencies(kind, name, created_at, updated_at) VALUES ('other', 'A', $1, $1)`, at)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			var got time.Time
			if err := db.R.QueryRowContext(ctx, `SELECT created_at FROM agencies WHERE name = 'A'`).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if !got.Equal(at) {
				t.Fatalf("round trip: wrote %v read %v", at, got)
			}
			var n int
			if err := db.R.QueryRowContext(ctx, `SELECT count(*) FROM agencies WHERE created_at > $1 AND created_at < $2`,
				sqldb.UTC(base.Add(time.Millisecond)), sqldb.UTC(base.Add(2*time.Millisecond))).Scan(&n); err != nil || n != 1 {
				t.Fatalf("range compare: n=%d err=%v", n, err)
			}
		})

		t.Run("UniqueViolationIsRecognised", func(t *testing.T) {
			ins := func() error {
				return db.Tx(ctx, func(tx *sql.Tx) error {
					_, err := tx.ExecContext(ctx, `INSERT INTO meta(key, value) VALUES ('dup', 'x')`)
					return err
				})
			}
			if err := ins(); err != nil {
				t.Fatal(err)
			}
			if err := ins(); !sqldb.IsUniqueViolation(err) {
				t.Fatalf("want unique violation, got %v", err)
			}
		})

		t.Run("RollbackOnError", func(t *testing.T) {
			boom := errors.New("boom")
			err := db.Tx(ctx, func(tx *sql.Tx) error {
				if _, err := tx.ExecContext(ctx, `INSERT INTO meta(key, value) VALUES ('rolled', 'x')`); err != nil {
					return err
				}
				return boom
			})
			if !errors.Is(err, boom) {
				t.Fatal(err)
			}
			var n int
			_ = db.R.QueryRowContext(ctx, `SELECT count(*) FROM meta WHERE key = 'rolled'`).Scan(&n)
			if n != 0 {
				t.Fatal("row survived a rolled-back transaction")
			}
		})

		t.Run("RefusesNewerSchema", func(t *testing.T) {
			_, known, _ := db.SchemaVersion(ctx)
			_, err := db.W.ExecContext(ctx, `INSERT INTO schema_migrations(version_id, is_applied) VALUES ($1, TRUE)`, known+1)
			if err != nil {
				t.Fatal(err)
			}
			if err := db.CheckSchema(ctx); !errors.Is(err, sqldb.ErrSchemaTooNew) {
				t.Fatalf("want ErrSchemaTooNew, got %v", err)
			}
			if err := db.Migrate(ctx, nil); !errors.Is(err, sqldb.ErrSchemaTooNew) {
				t.Fatalf("migrate: want ErrSchemaTooNew, got %v", err)
			}
		})
	})
}
