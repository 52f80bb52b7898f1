package app_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"egov/internal/identity"
)

func TestSecurityHeadersAndOperations(t *testing.T) {
	t.Parallel()
	s := start(t, serverOpts{})
	for _, path := range []string{"/", "/api/v1/calendar/holidays", "/dang-nhap", "/khong-co"} {
		r := s.do(http.DefaultClient, "GET", path, "", nil)
		for h, want := range map[string]string{
			"Content-Security-Policy": "script-src 'self'",
			"X-Content-Type-Options":  "nosniff",
			"X-Frame-Options":         "DENY",
			"Referrer-Policy":         "same-origin",
		} {
			if !strings.Contains(r.header.Get(h), want) {
				t.Errorf("%s: %s = %q, want %q", path, h, r.header.Get(h), want)
			}
		}
		if len(r.header.Get("X-Request-Id")) < 8 {
			t.Errorf("%s: no request ID", path)
		}
	}
	if r := s.do(http.DefaultClient, "GET", "/healthz", "", nil); r.status != 200 {
		t.Errorf("healthz %d", r.status)
	}
	if r := s.do(http.DefaultClient, "GET", "/readyz", "", nil); r.status != 200 || !strings.Contains(r.body, "database: ok") || !strings.Contains(r.body, "bus: ok") {
		t.Errorf("readyz %d %s", r.status, r.body)
	}
	r := s.do(http.DefaultClient, "GET", "/metrics", "", nil)
	if r.status != 200 || !strings.Contains(r.body, `egov_http_requests_total{method="GET",route="GET /readyz",status="200"}`) ||
		!strings.Contains(r.body, "go_goroutines") {
		t.Errorf("metrics: %d %s", r.status, trim(r.body))
	}
	t.Run("SessionCookieIsHttpOnlyAndSameSite", func(t *testing.T) {
		resp := s.do(s.browser(), "POST", "/dang-nhap", url.Values{"username": {"admin"}, "password": {demoPassword}}.Encode(), nil)
		ck := resp.header.Get("Set-Cookie")
		if !strings.Contains(ck, "HttpOnly") || !strings.Contains(ck, "SameSite=Lax") {
			t.Errorf("cookie %q", ck)
		}
	})
	t.Run("OpenRedirectIsRefused", func(t *testing.T) {
		c := s.browser()
		for _, next := range []string{"//evil.example/x", "https://evil.example", "/\\evil.example"} {
			resp := s.do(c, "POST", "/dang-nhap", url.Values{"username": {"admin"}, "password": {demoPassword}, "next": {next}}.Encode(), nil)
			if loc := resp.header.Get("Location"); loc != "/quan-tri" {
				t.Errorf("next=%q redirected to %q", next, loc)
			}
		}
	})
}

var secretRe = regexp.MustCompile(`<code class="mono">([A-Z2-7]+)</code>`)

// TestOfficialMustEnrolTOTP: outside demo mode an official's first login
// goes through enrolment, and later logins ask for the code.
func TestOfficialMustEnrolTOTP(t *testing.T) {
	t.Parallel()
	s := start(t, serverOpts{env: map[string]string{"EGOV_DEMO": "0"}})
	ctx := t.Context()
	a, err := s.app.Identity.CreateAgency(ctx, identity.AgencyInput{Kind: identity.KindDepartment, Code: "000.00.03.H37", Name: "Sở Tư pháp"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.app.Identity.CreateUser(ctx, identity.UserInput{Username: "motcua", Kind: identity.UserOfficial, FullName: "Lê Thu Trang",
		Password: demoPassword, Grants: []identity.Grant{{Role: identity.RoleDesk, AgencyID: a.ID}}}); err != nil {
		t.Fatal(err)
	}
	c := s.browser()
	login := s.do(c, "POST", "/dang-nhap", url.Values{"username": {"motcua"}, "password": {demoPassword}}.Encode(), nil)
	if loc := login.header.Get("Location"); !strings.HasPrefix(loc, "/tai-khoan/xac-thuc-hai-lop") {
		t.Fatalf("first login went to %q", loc)
	}
	if r := s.do(c, "GET", "/quan-tri", "", nil); r.status != 303 || !strings.Contains(r.header.Get("Location"), "xac-thuc-hai-lop") {
		t.Fatalf("back office before enrolment: %d %s", r.status, r.header.Get("Location"))
	}
	page := s.do(c, "GET", "/tai-khoan/xac-thuc-hai-lop", "", nil)
	m := secretRe.FindStringSubmatch(page.body)
	if page.status != 200 || m == nil || !strings.Contains(page.body, `src="data:image/png;base64,`) {
		t.Fatalf("enrolment page: %d %s", page.status, trim(page.body))
	}
	if r := s.do(c, "POST", "/tai-khoan/xac-thuc-hai-lop", "code=000000", nil); r.status != 401 || !strings.Contains(r.body, m[1]) {
		t.Fatalf("wrong code must show the same secret again: %d", r.status)
	}
	code, _ := totp.GenerateCode(m[1], time.Now())
	done := s.do(c, "POST", "/tai-khoan/xac-thuc-hai-lop", "code="+code, nil)
	if done.status != 200 || strings.Count(done.body, "<li>") < 10 || !strings.Contains(done.body, "Mã khôi phục") {
		t.Fatalf("confirmation: %d %s", done.status, trim(done.body))
	}
	if r := s.do(c, "GET", "/quan-tri", "", nil); r.status != 200 {
		t.Fatalf("back office after enrolment: %d", r.status)
	}
	// A new login asks for the code.
	c2 := s.browser()
	r := s.do(c2, "POST", "/dang-nhap", url.Values{"username": {"motcua"}, "password": {demoPassword}}.Encode(), nil)
	if loc := r.header.Get("Location"); !strings.HasPrefix(loc, "/dang-nhap/xac-thuc") {
		t.Fatalf("second login went to %q", loc)
	}
	if r := s.do(c2, "POST", "/dang-nhap/xac-thuc", "code=123456", nil); r.status != 401 || !strings.Contains(r.body, "Mã xác thực không đúng") {
		t.Fatalf("wrong code: %d", r.status)
	}
	// API logins of an enrolled official need the code in the request.
	api := s.do(http.DefaultClient, "POST", "/api/v1/sessions", `{"username":"motcua","password":"`+demoPassword+`"}`, nil)
	if api.status != 401 || !strings.Contains(api.body, "login.totp_required") {
		t.Fatalf("api login without code: %d %s", api.status, api.body)
	}
}

func TestChangeOwnPassword(t *testing.T) {
	t.Parallel()
	s := start(t, serverOpts{})
	c := s.browser()
	s.webLogin(c, "vanthu")
	form := func(cur, next, confirm string) response {
		return s.do(c, "POST", "/tai-khoan/mat-khau", url.Values{"current_password": {cur}, "new_password": {next}, "confirm_password": {confirm}}.Encode(), nil)
	}
	if r := form("sai-mat-khau-cu", "mat-khau-moi-2027", "mat-khau-moi-2027"); r.status != 400 || !strings.Contains(r.body, "Mật khẩu hiện tại không đúng") {
		t.Fatalf("wrong current: %d", r.status)
	}
	if r := form(demoPassword, "mat-khau-moi-2027", "mat-khau-khac-2027"); r.status != 400 || !strings.Contains(r.body, "không khớp") {
		t.Fatalf("mismatch: %d", r.status)
	}
	if r := form(demoPassword, "ngan", "ngan"); r.status != 400 || !strings.Contains(r.body, "ít nhất 10 ký tự") {
		t.Fatalf("short: %d", r.status)
	}
	if r := form(demoPassword, "mat-khau-moi-2027", "mat-khau-moi-2027"); r.status != 303 || r.header.Get("Location") != "/dang-nhap" {
		t.Fatalf("change: %d %s", r.status, r.header.Get("Location"))
	}
	if r := s.do(c, "GET", "/tai-khoan", "", nil); r.status != 303 {
		t.Fatalf("the old session must end: %d", r.status)
	}
	r := s.do(s.browser(), "POST", "/dang-nhap", url.Values{"username": {"vanthu"}, "password": {"mat-khau-moi-2027"}}.Encode(), nil)
	if r.status != 303 {
		t.Fatalf("login with the new password: %d", r.status)
	}
}
