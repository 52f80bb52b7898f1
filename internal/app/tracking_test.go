package app_test

import (
	"net/http"
	"strings"
	"testing"

	"egov/internal/audit"
	"egov/internal/dossier"
	"egov/internal/identity"
)

func TestPublicTracking(t *testing.T) {
	t.Parallel()
	s := start(t, serverOpts{})
	ctx := t.Context()
	citizen, err := s.app.Identity.UserByUsername(ctx, "congdan")
	if err != nil {
		t.Fatal(err)
	}
	unit, err := s.app.Identity.AgencyByCode(ctx, "000.01.20.H37") // Bộ phận Một cửa phường Đông Kinh
	if err != nil {
		t.Fatal(err)
	}
	d, err := s.app.Dossiers.Submit(audit.WithActor(ctx, audit.Actor{UserID: citizen.ID, Username: citizen.Username}),
		&identity.Principal{Stage: identity.StageFull, User: citizen}, dossier.Submission{
			ProcedureCode: procExtract, ReceivingUnitID: unit.ID, Values: extractForm("UBND phường Đông Kinh"),
		})
	if err != nil {
		t.Fatal(err)
	}
	runScenarios(t, s, []scenario{
		{name: "PageWithoutPersonalData", path: "/tra-cuu-ho-so?ma=" + d.Code, status: 200,
			want: []string{"Đã nộp trực tuyến, chờ bộ phận một cửa tiếp nhận", "Cấp bản sao Trích lục hộ tịch", "Bộ phận Một cửa"}, notWant: []string{"Nguyễn Văn An"}},
		{name: "PageUnlocked", path: "/tra-cuu-ho-so?ma=" + d.Code + "&so=1234", status: 200, want: []string{"Nguyễn Văn An"}},
		{name: "PageWrongDigits", path: "/tra-cuu-ho-so?ma=" + d.Code + "&so=9999", status: 200, notWant: []string{"Nguyễn Văn An"}},
		{name: "PageUnknownCode", path: "/tra-cuu-ho-so?ma=000.01.20.H37-260213-9999", status: 404, want: []string{"Không có hồ sơ nào mang mã này"}},
		{name: "API", path: "/api/v1/tracking/" + d.Code, status: 200, want: []string{`"status":"submitted"`, `"unlocked":false`}, notWant: []string{"Nguyễn"}},
		{name: "APIUnlocked", path: "/api/v1/tracking/" + d.Code + "?unlock=1234", status: 200, want: []string{`"applicant":"Nguyễn Văn An"`}},
		{name: "APIUnknown", path: "/api/v1/tracking/KHONG-CO", status: 404, want: []string{"dossier.not_found"}},
	})
	t.Run("RateLimited", func(t *testing.T) {
		limited := false
		for i := 0; i < 40 && !limited; i++ {
			r := s.do(http.DefaultClient, "GET", "/api/v1/tracking/KHONG-CO", "", nil)
			limited = r.status == http.StatusTooManyRequests && strings.Contains(r.body, "tracking.rate_limited")
		}
		if !limited {
			t.Fatal("tracking is not rate-limited")
		}
	})
}
