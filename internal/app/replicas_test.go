package app_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
	"github.com/riverqueue/river"

	"egov/internal/catalog"
	"egov/internal/dossier"
	"egov/internal/identity"
	"egov/internal/platform/jobs"
	"egov/internal/platform/sqldb/sqldbtest"
)

// TestTwoReplicas starts two egov processes' worth of app against one
// PostgreSQL, one NATS and one blob folder, and shows that they serve the
// same data and sessions, that a calendar change on one is seen at once on
// the other, that the periodic audit seal runs exactly once per slot, and
// that a dossier's deadline job acts once.
func TestTwoReplicas(t *testing.T) {
	t.Parallel()
	natsURL := os.Getenv("EGOV_TEST_NATS_URL")
	if natsURL == "" {
		t.Skip("replica test skipped: set EGOV_TEST_NATS_URL (e.g. nats://127.0.0.1:4222) and EGOV_TEST_DATABASE_URL")
	}
	pg := sqldbtest.PostgresURL(t)
	dir := t.TempDir()
	// Both start together, as after a deployment: one seeds, one waits.
	var a, b *server
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		a = start(t, serverOpts{postgresURL: pg, natsURL: natsURL, dataDir: dir, sealEvery: time.Second, instance: "replica-a"})
	}()
	go func() {
		defer wg.Done()
		b = start(t, serverOpts{postgresURL: pg, natsURL: natsURL, dataDir: dir, sealEvery: time.Second, instance: "replica-b"})
	}()
	wg.Wait()
	if t.Failed() {
		return
	}

	t.Run("SessionsAreShared", func(t *testing.T) {
		tok := a.token("chuyenvien")
		r := b.do(http.DefaultClient, "GET", "/api/v1/me", "", map[string]string{"Authorization": "Bearer " + tok})
		if r.status != 200 || !strings.Contains(r.body, `"username":"chuyenvien"`) {
			t.Fatalf("token from A on B: %d %s", r.status, r.body)
		}
		c := a.browser()
		a.webLogin(c, "motcua")
		// the same cookie jar talks to B: cookies are per host, so copy them
		req, _ := http.NewRequest("GET", b.URL+"/quan-tri", nil)
		for _, ck := range c.Jar.Cookies(mustURL(a.URL)) {
			req.AddCookie(ck)
		}
		req.Header.Set("Accept", "text/html")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("cookie from A on B: %d", resp.StatusCode)
		}
	})
	t.Run("DataIsShared", func(t *testing.T) {
		tok := a.token("admin")
		r := a.do(http.DefaultClient, "POST", "/api/v1/agencies", `{"kind":"unit","name":"Tổ công nghệ thông tin","code":"000.08.03.H37","parent_id":3}`,
			map[string]string{"Authorization": "Bearer " + tok})
		if r.status != 201 {
			t.Fatalf("create on A: %d %s", r.status, r.body)
		}
		r = b.do(http.DefaultClient, "GET", "/api/v1/agencies", "", nil)
		if !strings.Contains(r.body, "000.08.03.H37") {
			t.Fatal("B does not see the agency created on A")
		}
	})
	t.Run("CalendarChangeReachesOtherReplicaAtOnce", func(t *testing.T) {
		due := func() string {
			r := b.do(http.DefaultClient, "GET", "/api/v1/calendar/due?start=2027-03-01T08:00:00%2B07:00&working_days=1", "", nil)
			var out struct{ Due string }
			_ = json.Unmarshal([]byte(r.body), &out)
			return out.Due
		}
		if got := due(); got != "2027-03-02T17:00:00+07:00" {
			t.Fatalf("before: %s", got)
		}
		tok := a.token("admin")
		r := a.do(http.DefaultClient, "PUT", "/api/v1/calendar/declarations/2027-03-02", `{"kind":"declared_off","name":"Nghỉ thử nghiệm"}`,
			map[string]string{"Authorization": "Bearer " + tok})
		if r.status != 200 {
			t.Fatalf("declare on A: %d %s", r.status, r.body)
		}
		deadline := time.Now().Add(time.Second) // well under the 5 s polling fallback: the bus did it
		for due() != "2027-03-03T17:00:00+07:00" {
			if time.Now().After(deadline) {
				t.Fatalf("B still computes %s", due())
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
	t.Run("SealRunsOncePerSlot", func(t *testing.T) {
		db, err := sql.Open("pgx", pg)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		ctx := context.Background()
		var seals int
		for deadline := time.Now().Add(20 * time.Second); seals < 4; time.Sleep(200 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("only %d seals after 20 s", seals)
			}
			if err := db.QueryRowContext(ctx, `SELECT count(*) FROM audit_seals`).Scan(&seals); err != nil {
				t.Fatal(err)
			}
		}
		var dupSlots, completed, sealed int
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT args->>'slot' FROM river_job WHERE kind = 'audit_seal'
			GROUP BY args->>'slot' HAVING count(*) > 1) d`).Scan(&dupSlots); err != nil {
			t.Fatal(err)
		}
		if dupSlots != 0 {
			t.Errorf("%d schedule slots were enqueued more than once", dupSlots)
		}
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM river_job WHERE kind = 'audit_seal' AND state = 'completed'`).Scan(&completed); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM audit_seals`).Scan(&sealed); err != nil {
			t.Fatal(err)
		}
		if completed > sealed || sealed > completed+1 { // a seal may be committing while we count
			t.Errorf("%d completed seal jobs but %d seals", completed, sealed)
		}
		r := a.do(http.DefaultClient, "GET", "/readyz", "", nil)
		if r.status != 200 {
			t.Errorf("readyz: %d %s", r.status, r.body)
		}
	})
	t.Run("DeadlineJobActsOnce", func(t *testing.T) {
		ctx := context.Background()
		user := func(name string) *identity.Principal {
			u, err := a.app.Identity.UserByUsername(ctx, name)
			if err != nil {
				t.Fatal(err)
			}
			return &identity.Principal{Stage: identity.StageFull, User: u}
		}
		unit, err := a.app.Identity.AgencyByCode(ctx, "000.01.20.H37")
		if err != nil {
			t.Fatal(err)
		}
		d, err := a.app.Dossiers.Submit(ctx, user("congdan"), dossier.Submission{ProcedureCode: procExtract, ReceivingUnitID: unit.ID,
			Values: extractForm("UBND phường Đông Kinh")})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.app.Dossiers.Act(ctx, user("motcua.xa"), d.Code, catalog.ActReceive, dossier.Input{}); err != nil {
			t.Fatal(err)
		}
		v, err := a.app.Dossiers.Get(ctx, user("motcua.xa"), d.Code)
		if err != nil {
			t.Fatal(err)
		}
		// The step's deadline comes now, four times over (retries, a second
		// scheduler), to both replicas' workers; the one receipt scheduled
		// for the real due instant stays waiting.
		ins, err := jobs.New(jobs.Config{DB: a.app.DB, InsertOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		args := dossier.DeadlineArgs{DossierID: v.ID, What: "step_late", Step: v.Step, Due: v.StepDueAt.UTC()}
		for range 4 {
			if err := a.app.DB.Tx(ctx, func(tx *sql.Tx) error {
				return ins.InsertTx(ctx, tx, args, &river.InsertOpts{Queue: river.QueueDefault})
			}); err != nil {
				t.Fatal(err)
			}
		}
		db, err := sql.Open("pgx", pg)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(100 * time.Millisecond) {
			var left int
			if err := db.QueryRowContext(ctx, `SELECT count(*) FROM river_job WHERE kind = 'dossier.deadline'
				AND args->>'what' = 'step_late' AND state <> 'completed' AND scheduled_at <= now()`).Scan(&left); err != nil {
				t.Fatal(err)
			}
			if left == 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%d deadline jobs left", left)
			}
		}
		var acted int
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM dossier_events WHERE dossier_id = $1 AND action = 'step_late'`, v.ID).Scan(&acted); err != nil {
			t.Fatal(err)
		}
		if acted != 1 {
			t.Fatalf("the deadline acted %d times", acted)
		}
	})
}
