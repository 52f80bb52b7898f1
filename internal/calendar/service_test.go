package calendar_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"egov/internal/apperr"
	"egov/internal/audit"
	"egov/internal/calendar"
	"egov/internal/platform/sqldb"
	"egov/internal/platform/sqldb/sqldbtest"
)

func TestService(t *testing.T) {
	t.Parallel()
	sqldbtest.Engines(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 24, 3, 0, 0, 0, time.UTC)
		clk := func() time.Time { return now }
		log := audit.New(db, clk)
		svc := calendar.NewService(db, log, calendar.DefaultOfficeHours(), clk)
		replica := calendar.NewService(db, log, calendar.DefaultOfficeHours(), clk)

		if err := db.Tx(ctx, func(tx *sql.Tx) error { return svc.SeedDeclarations(ctx, tx) }); err != nil {
			t.Fatal(err)
		}
		t.Run("SeededDecisionsApply", func(t *testing.T) {
			cal, err := svc.Calendar(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if cal.IsWorkingDay(calendar.NewDate(2025, time.January, 27)) || !cal.IsWorkingDay(calendar.NewDate(2025, time.April, 26)) ||
				cal.IsWorkingDay(calendar.NewDate(2025, time.May, 2)) || !cal.IsWorkingDay(calendar.NewDate(2025, time.February, 3)) {
				t.Fatal("2025 decisions not applied")
			}
		})
		t.Run("DeclareReachesOtherReplica", func(t *testing.T) {
			if _, err := replica.Calendar(ctx); err != nil {
				t.Fatal(err)
			}
			d := calendar.NewDate(2026, time.December, 31)
			if err := svc.Declare(ctx, calendar.Declaration{Date: d, Kind: calendar.KindDayOff, Name: "Nghỉ cuối năm", NameEn: "Year-end day off"}); err != nil {
				t.Fatal(err)
			}
			replica.Invalidate() // what the bus message does
			cal, _ := replica.Calendar(ctx)
			if cal.IsWorkingDay(d) {
				t.Fatal("replica did not see the declaration")
			}
			decls, _ := svc.Declarations(ctx, 2026)
			if len(decls) != 6 {
				t.Fatalf("2026 declarations: %d", len(decls))
			}
			if err := svc.Remove(ctx, d); err != nil {
				t.Fatal(err)
			}
			cal, _ = svc.Calendar(ctx)
			if !cal.IsWorkingDay(d) {
				t.Fatal("removal not applied")
			}
		})
		t.Run("RejectsIncompleteTetSchedule", func(t *testing.T) {
			err := svc.Declare(ctx, calendar.Declaration{Date: calendar.NewDate(2027, time.February, 5), Kind: calendar.KindDayOff, Holiday: calendar.Tet})
			if !apperr.IsCode(err, apperr.Invalid) {
				t.Fatalf("want invalid, got %v", err)
			}
			decls, _ := svc.Declarations(ctx, 2027)
			if len(decls) != 0 {
				t.Fatal("a rejected declaration was stored")
			}
		})
		t.Run("ChangesAreAudited", func(t *testing.T) {
			rep, err := log.Verify(ctx)
			if err != nil || !rep.OK() || rep.Entries < 3 {
				t.Fatalf("%+v %v", rep, err)
			}
		})
	})
}
