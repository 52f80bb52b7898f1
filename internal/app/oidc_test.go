package app_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

var (
	hiddenRe = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)
	actionRe = regexp.MustCompile(`<form method="post" action="([^"]+)">`)
)

// TestCitizenLoginThroughDemoProvider walks the OpenID Connect flow as a
// browser would, with plain HTTP: egov -> demo provider -> egov.
func TestCitizenLoginThroughDemoProvider(t *testing.T) {
	t.Parallel()
	s := start(t, serverOpts{})
	c := s.browser()

	follow := func(r response) string {
		t.Helper()
		loc := r.header.Get("Location")
		if r.status/100 != 3 || loc == "" {
			t.Fatalf("want a redirect, got %d %s", r.status, trim(r.body))
		}
		return strings.TrimPrefix(loc, s.URL)
	}
	authorize := follow(s.do(c, "GET", "/dang-nhap/dinh-danh?next=/tai-khoan", "", nil))
	if !strings.HasPrefix(authorize, "/demo-idp/") {
		t.Fatalf("redirected to %s", authorize)
	}
	form := s.do(c, "GET", authorize, "", nil)
	if form.status != 200 || !strings.Contains(form.body, "mô phỏng") {
		t.Fatalf("provider page: %d %s", form.status, trim(form.body))
	}
	post := func(password string) response {
		vals := url.Values{"username": {"congdan"}, "password": {password}, "action": {"login"}}
		for _, m := range hiddenRe.FindAllStringSubmatch(form.body, -1) {
			vals.Set(html.UnescapeString(m[1]), html.UnescapeString(m[2]))
		}
		action := html.UnescapeString(actionRe.FindStringSubmatch(form.body)[1])
		return s.do(c, "POST", strings.TrimPrefix(action, s.URL), vals.Encode(), nil)
	}
	t.Run("WrongPasswordStaysOnProvider", func(t *testing.T) {
		r := post("sai-mat-khau-roi")
		if r.status == http.StatusFound || r.status == http.StatusSeeOther {
			t.Fatalf("a wrong password must not return to egov: %s", r.header.Get("Location"))
		}
	})
	callback := follow(post(demoPassword))
	if !strings.HasPrefix(callback, "/dang-nhap/dinh-danh/callback") {
		t.Fatalf("provider redirected to %s", callback)
	}
	landing := follow(s.do(c, "GET", callback, "", nil))
	if landing != "/tai-khoan" {
		t.Fatalf("landed on %s", landing)
	}
	acct := s.do(c, "GET", "/tai-khoan", "", nil)
	if acct.status != 200 || !strings.Contains(acct.body, "020085001234") || !strings.Contains(acct.body, "Nguyễn Văn An") {
		t.Fatalf("account page: %d %s", acct.status, trim(acct.body))
	}
	t.Run("CallbackCannotBeReplayed", func(t *testing.T) {
		r := s.do(s.browser(), "GET", callback, "", nil)
		if r.status != http.StatusUnauthorized {
			t.Fatalf("replayed callback: %d", r.status)
		}
	})
}

// TestIdentityFlowStartsOnThePublicHost: a citizen who opened the portal
// under another name of the host is first sent to the public URL, so the
// provider's answer finds the flow cookie.
func TestIdentityFlowStartsOnThePublicHost(t *testing.T) {
	t.Parallel()
	s := start(t, serverOpts{})
	other := strings.Replace(s.URL, "127.0.0.1", "localhost", 1)
	req, _ := http.NewRequest("GET", other+"/dang-nhap/dinh-danh?next=/tai-khoan", nil)
	resp, err := s.browser().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); loc != s.URL+"/dang-nhap/dinh-danh?next=/tai-khoan" {
		t.Fatalf("redirected to %q", loc)
	}
}
