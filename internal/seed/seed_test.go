package seed_test

import (
	"context"
	"testing"
	"time"

	"egov/internal/audit"
	"egov/internal/calendar"
	"egov/internal/identity"
	"egov/internal/platform/secretbox"
	"egov/internal/platform/sqldb"
	"egov/internal/platform/sqldb/sqldbtest"
	"egov/internal/seed"
)

func TestLangSonData(t *testing.T) {
	t.Parallel()
	p := seed.LangSon()
	if p.Code != "20" || p.Name != "Lạng Sơn" || len(p.Units) != 65 {
		t.Fatalf("%s %s %d", p.Code, p.Name, len(p.Units))
	}
	seen := map[string]bool{}
	for _, u := range p.Units {
		if seen[u.Code] || len(u.Code) != 5 || (u.Kind != "commune" && u.Kind != "ward") {
			t.Errorf("bad unit %+v", u)
		}
		seen[u.Code] = true
	}
}

func TestDemo(t *testing.T) {
	t.Parallel()
	sqldbtest.Engines(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		now := func() time.Time { return time.Date(2026, 11, 24, 3, 0, 0, 0, time.UTC) }
		box, _ := secretbox.New(make([]byte, 32))
		log := audit.New(db, now)
		ids := identity.New(db, log, box, now, identity.Settings{})
		cal := calendar.NewService(db, log, calendar.DefaultOfficeHours(), now)
		res, err := seed.Demo(ctx, db, ids, log, cal, "mat-khau-demo-2026")
		if err != nil || !res.Created || res.Communes != 65 || len(res.Accounts) != 13 {
			t.Fatalf("%+v %v", res, err)
		}
		again, err := seed.Demo(ctx, db, ids, log, cal, "mat-khau-demo-2026")
		if err != nil || again.Created {
			t.Fatalf("second seed: %+v %v", again, err)
		}
		all, err := ids.Agencies(ctx)
		if err != nil {
			t.Fatal(err)
		}
		communes, oneStop := 0, map[int64]int{}
		for _, a := range all {
			if a.Code != "" && !identity.ValidAgencyCode(a.Code) {
				t.Errorf("malformed code %s (%s)", a.Code, a.Name)
			}
			if a.Kind == identity.KindCommune {
				communes++
			}
			if a.Kind == identity.KindUnit && a.ReceivesDossiers {
				oneStop[a.ParentID]++
			}
		}
		if communes != 65 {
			t.Errorf("%d communes", communes)
		}
		for _, a := range all {
			if a.Kind == identity.KindCommune && oneStop[a.ID] != 1 {
				t.Errorf("%s has %d one-stop units", a.Name, oneStop[a.ID])
			}
		}
		for _, u := range []string{"admin", "motcua", "chuyenvien", "lanhdao", "vanthu", "motcua.xa", "chuyenvien.xa", "lanhdao.xa", "congdan", "congdan2", "doanhnghiep"} {
			if _, err := ids.UserByUsername(ctx, u); err != nil {
				t.Errorf("account %s: %v", u, err)
			}
		}
		c, err := cal.Calendar(ctx)
		if err != nil || c.IsWorkingDay(calendar.NewDate(2025, time.January, 27)) {
			t.Errorf("the 2025 Tết decision is not seeded: %v", err)
		}
		rep, err := log.Verify(ctx)
		if err != nil || !rep.OK() {
			t.Errorf("audit after seeding: %+v %v", rep, err)
		}
	})
}
