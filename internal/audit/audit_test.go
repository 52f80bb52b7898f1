package audit_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"egov/internal/audit"
	"egov/internal/platform/sqldb"
	"egov/internal/platform/sqldb/sqldbtest"
)

func record(t *testing.T, db *sqldb.DB, log *audit.Log, agency int64, action string) {
	t.Helper()
	ctx := audit.WithActor(context.Background(), audit.Actor{UserID: 7, Username: "chuyenvien", AgencyID: agency, IP: "192.0.2.1"})
	if err := db.Tx(ctx, func(tx *sql.Tx) error {
		return log.Record(ctx, tx, action, "user", "42", map[string]any{"field": "Nguyễn Văn A"})
	}); err != nil {
		t.Fatal(err)
	}
}

func seal(t *testing.T, db *sqldb.DB, log *audit.Log, slot time.Time) {
	t.Helper()
	if err := db.Tx(context.Background(), func(tx *sql.Tx) error { return log.Seal(context.Background(), tx, slot) }); err != nil {
		t.Fatal(err)
	}
}

// tamper runs raw SQL with the append-only triggers out of the way, as an
// attacker with database access would.
func tamper(t *testing.T, db *sqldb.DB, stmts ...string) {
	t.Helper()
	ctx := context.Background()
	if db.Engine == sqldb.Postgres {
		stmts = append([]string{"ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change"}, stmts...)
	} else {
		stmts = append([]string{"DROP TRIGGER audit_log_no_update", "DROP TRIGGER audit_log_no_delete"}, stmts...)
	}
	for _, s := range stmts {
		if _, err := db.W.ExecContext(ctx, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

func wantProblem(t *testing.T, log *audit.Log, kind string) {
	t.Helper()
	rep, err := log.Verify(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range rep.Problems {
		if p.Kind == kind {
			return
		}
	}
	t.Fatalf("want a %q problem, got %v", kind, rep.Problems)
}

func setup(t *testing.T, db *sqldb.DB) *audit.Log {
	log := audit.New(db, nil)
	for i := 0; i < 5; i++ {
		record(t, db, log, 1, fmt.Sprintf("user.update.%d", i))
		record(t, db, log, 2, fmt.Sprintf("agency.update.%d", i))
	}
	record(t, db, log, 0, "system.start")
	seal(t, db, log, time.Date(2026, 11, 24, 3, 0, 0, 0, time.UTC))
	return log
}

func TestVerify(t *testing.T) {
	t.Parallel()
	sqldbtest.Engines(t, func(t *testing.T, _ *sqldb.DB) {
		t.Run("IntactLogVerifies", func(t *testing.T) {
			t.Parallel()
			db := engineDB(t)
			log := setup(t, db)
			rep, err := log.Verify(context.Background())
			if err != nil || !rep.OK() || rep.Entries != 11 || rep.Chains != 3 || rep.Seals != 1 {
				t.Fatalf("report %+v err %v", rep, err)
			}
		})
		t.Run("AppendOnlyIsEnforced", func(t *testing.T) {
			t.Parallel()
			db := engineDB(t)
			setup(t, db)
			if _, err := db.W.Exec(`UPDATE audit_log SET actor = 'x'`); err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Fatalf("update allowed: %v", err)
			}
			if _, err := db.W.Exec(`DELETE FROM audit_log`); err == nil {
				t.Fatal("delete allowed")
			}
		})
		t.Run("FindsChangedEntry", func(t *testing.T) {
			t.Parallel()
			db := engineDB(t)
			log := setup(t, db)
			tamper(t, db, `UPDATE audit_log SET ip = '203.0.113.9' WHERE chain = 'agency:1' AND seq = 3`)
			wantProblem(t, log, "changed")
		})
		t.Run("FindsRemovedEntry", func(t *testing.T) {
			t.Parallel()
			db := engineDB(t)
			log := setup(t, db)
			tamper(t, db, `DELETE FROM audit_log WHERE chain = 'agency:2' AND seq = 2`)
			wantProblem(t, log, "removed")
		})
		t.Run("FindsReorderedEntries", func(t *testing.T) {
			t.Parallel()
			db := engineDB(t)
			log := setup(t, db)
			// swap the positions of entries 2 and 3 (content and hashes move together)
			tamper(t, db,
				`UPDATE audit_log SET seq = -2 WHERE chain = 'agency:1' AND seq = 2`,
				`UPDATE audit_log SET seq = 2 WHERE chain = 'agency:1' AND seq = 3`,
				`UPDATE audit_log SET seq = 3 WHERE chain = 'agency:1' AND seq = -2`)
			rep, _ := log.Verify(context.Background())
			if rep.OK() {
				t.Fatal("reordering not found")
			}
		})
		t.Run("FindsTruncatedTailThroughSeal", func(t *testing.T) {
			t.Parallel()
			db := engineDB(t)
			log := setup(t, db)
			// remove the last entry and rewind the head, as a careful attacker would
			var prev string
			if err := db.R.QueryRow(`SELECT hash FROM audit_log WHERE chain = 'agency:2' AND seq = 4`).Scan(&prev); err != nil {
				t.Fatal(err)
			}
			tamper(t, db, `DELETE FROM audit_log WHERE chain = 'agency:2' AND seq = 5`,
				`UPDATE audit_chains SET seq = 4, head_hash = '`+prev+`' WHERE chain = 'agency:2'`)
			wantProblem(t, log, "truncated")
		})
	})
}

// engineDB returns a fresh database of the engine named by the parent test.
func engineDB(t *testing.T) *sqldb.DB {
	if strings.Contains(t.Name(), "/postgres/") {
		return sqldbtest.Postgres(t)
	}
	return sqldbtest.SQLite(t)
}

func TestConcurrentAppends(t *testing.T) {
	t.Parallel()
	sqldbtest.Engines(t, func(t *testing.T, db *sqldb.DB) {
		log := audit.New(db, nil)
		var wg sync.WaitGroup
		errs := make(chan error, 60)
		for g := 0; g < 6; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < 10; i++ {
					ctx := audit.WithActor(context.Background(), audit.Actor{Username: "u", AgencyID: int64(1 + (g+i)%3)})
					errs <- db.Tx(ctx, func(tx *sql.Tx) error { return log.Record(ctx, tx, "x", "y", "z", nil) })
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		rep, err := log.Verify(context.Background())
		if err != nil || !rep.OK() || rep.Entries != 60 {
			t.Fatalf("%+v %v", rep, err)
		}
	})
}

func TestSealOncePerSlot(t *testing.T) {
	t.Parallel()
	sqldbtest.Engines(t, func(t *testing.T, db *sqldb.DB) {
		log := setup(t, db)
		slot := time.Date(2026, 11, 24, 3, 0, 0, 0, time.UTC)
		err := db.Tx(context.Background(), func(tx *sql.Tx) error { return log.Seal(context.Background(), tx, slot) })
		if err != audit.ErrAlreadySealed {
			t.Fatalf("want ErrAlreadySealed, got %v", err)
		}
	})
}
