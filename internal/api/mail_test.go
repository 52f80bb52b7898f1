package api

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"egov/internal/audit"
	"egov/internal/httpx"
	"egov/internal/identity"
	"egov/internal/mail"
	"egov/internal/platform/sqldb"
	"egov/internal/platform/sqldb/sqldbtest"
)

// The e-mail choices through the API, on each engine: any signed-in user
// reads and sets their own; unknown, foreign and repeated categories are
// refused field by field as problem+json.
func TestMailPreferencesAPI(t *testing.T) {
	t.Parallel()
	sqldbtest.Engines(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		now := func() time.Time { return time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC) }
		log := slog.New(slog.DiscardHandler)
		al := audit.New(db, now)
		ids := identity.New(db, al, nil, now, identity.Settings{})
		ms, err := mail.New(mail.Config{DB: db, Audit: al, Now: now})
		if err != nil {
			t.Fatal(err)
		}
		dept, err := ids.CreateAgency(ctx, identity.AgencyInput{Kind: identity.KindDepartment, Code: "000.00.03.H37", Name: "Sở Tư pháp"})
		if err != nil {
			t.Fatal(err)
		}
		const pw = "Hồ sơ một cửa 2026!"
		if _, err := ids.CreateUser(ctx, identity.UserInput{Username: "chuyenvien", Kind: identity.UserOfficial, FullName: "Lê Văn Bình",
			Email: "binh@langson.gov.vn", Password: pw, Grants: []identity.Grant{{Role: identity.RoleSpecialist, AgencyID: dept.ID}}}); err != nil {
			t.Fatal(err)
		}
		login, err := ids.Login(ctx, identity.LoginRequest{Username: "chuyenvien", Password: pw, Kind: identity.SessionAPI})
		if err != nil {
			t.Fatal(err)
		}
		citizen, err := ids.LoginExternal(ctx, identity.ExternalIdentity{Subject: "020085001234", Name: "Nguyễn Thị Hoà"}, identity.Client{})
		if err != nil {
			t.Fatal(err)
		}
		mux := http.NewServeMux()
		Register(mux, Deps{Log: log, Identity: ids, Mail: ms, Audit: al, PublicURL: "http://egov.test", Version: "test"})
		h := httpx.Chain(mux, httpx.Options{Log: log, Identity: ids})

		for _, sc := range []struct {
			name, method, token, body, lang string
			status                          int
			want                            []string
		}{
			{"NotSignedIn", "GET", "", "", "", 401, []string{`"code":"unauthenticated"`}},
			{"OfficialReads", "GET", login.Token, "", "", 200, []string{`"enabled":false`, `"address":"binh@langson.gov.vn"`,
				`{"category":"assigned","label":"Hồ sơ được giao cho tôi","email":true}`, `"category":"deadlines"`}},
			{"OfficialReadsInEnglish", "GET", login.Token, "", "en", 200, []string{`"label":"Dossiers due soon or overdue"`}},
			{"OfficialTurnsDeadlinesOff", "PUT", login.Token, `{"categories":[{"category":"deadlines","email":false}]}`, "", 200,
				[]string{`"category":"deadlines","label":"Hồ sơ sắp đến hạn, quá hạn","email":false`, `"category":"assigned","label":"Hồ sơ được giao cho tôi","email":true`}},
			{"StaysOff", "GET", login.Token, "", "", 200, []string{`"category":"deadlines","label":"Hồ sơ sắp đến hạn, quá hạn","email":false`}},
			{"CitizenCategoryIsNotAnOfficials", "PUT", login.Token, `{"categories":[{"category":"dossier_status","email":false}]}`, "", 400,
				[]string{`"field":"categories[0].category"`, `"code":"mail.unknown_category"`}},
			{"Unknown", "PUT", login.Token, `{"categories":[{"category":"assigned","email":true},{"category":"spam","email":true}]}`, "", 400,
				[]string{`"field":"categories[1].category"`}},
			{"Repeated", "PUT", login.Token, `{"categories":[{"category":"assigned","email":true},{"category":"assigned","email":false}]}`, "", 400,
				[]string{`"code":"mail.duplicate_category"`}},
			{"NotJSON", "PUT", login.Token, `{"categories":`, "", 400, []string{`"status":400`}},
			{"CitizenReads", "GET", citizen.Token, "", "", 200, []string{`"address":""`, `"category":"dossier_status"`}},
			{"CitizenCannotTakeOfficialsCategories", "PUT", citizen.Token, `{"categories":[{"category":"assigned","email":false}]}`, "", 400,
				[]string{`"code":"mail.unknown_category"`}},
		} {
			req := httptest.NewRequest(sc.method, "/api/v1/me/mail-preferences", strings.NewReader(sc.body))
			if sc.token != "" {
				req.Header.Set("Authorization", "Bearer "+sc.token)
			}
			if sc.body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			if sc.lang != "" {
				req.Header.Set("Accept-Language", sc.lang)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			b, _ := io.ReadAll(rec.Body)
			if rec.Code != sc.status {
				t.Errorf("%s: status %d, want %d: %s", sc.name, rec.Code, sc.status, b)
				continue
			}
			if sc.status >= 400 && !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/problem+json") {
				t.Errorf("%s: %s is not a problem", sc.name, rec.Header().Get("Content-Type"))
			}
			var v any
			if err := json.Unmarshal(b, &v); err != nil {
				t.Errorf("%s: %v", sc.name, err)
			}
			for _, w := range sc.want {
				if !strings.Contains(string(b), w) {
					t.Errorf("%s: no %s in %s", sc.name, w, b)
				}
			}
		}
		var audited int
		if err := db.R.QueryRowContext(ctx, `SELECT count(*) FROM audit_log WHERE action = 'mail.preferences'`).Scan(&audited); err != nil || audited != 1 {
			t.Fatalf("one change, one audit entry: %d %v", audited, err)
		}
	})
}
