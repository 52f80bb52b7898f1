package oidcdemo_test

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"egov/internal/oidcdemo"
)

const fuzzRedirect = "http://rp.test/cb"

func fuzzProvider(f *testing.F) *oidcdemo.Provider {
	p, err := oidcdemo.New(oidcdemo.Config{
		Issuer:  "http://idp.test/demo-idp",
		Clients: []oidcdemo.Client{{ID: "rp", Secret: "secret", RedirectURIs: []string{fuzzRedirect}}},
		Users:   testUsers,
		Logger:  slog.New(slog.DiscardHandler),
	})
	if err != nil {
		f.Fatal(err)
	}
	return p
}

// FuzzAuthorize: whatever the query or form, the provider never fails, and
// it only ever redirects to the registered URI.
func FuzzAuthorize(f *testing.F) {
	p := fuzzProvider(f)
	ok := "client_id=rp&redirect_uri=http%3A%2F%2Frp.test%2Fcb&response_type=code&scope=openid&state=s" +
		"&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256"
	for _, q := range []string{"", ok, ok + "&lang=en", ok + "&prompt=none", ok + "&redirect_uri=x",
		"client_id=rp&redirect_uri=http%3A%2F%2Fevil.test%2F", "%zz", ok + "&action=cancel",
		ok + "&action=login&username=001099012345&password=x"} {
		f.Add(q, false)
		f.Add(q, true)
	}
	f.Fuzz(func(t *testing.T, query string, post bool) {
		var r *http.Request
		if post {
			r = httptest.NewRequest(http.MethodPost, "/demo-idp/authorize", strings.NewReader(query))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		} else {
			r = httptest.NewRequest(http.MethodGet, "/demo-idp/authorize", nil)
			r.URL.RawQuery = query
		}
		w := httptest.NewRecorder()
		p.ServeHTTP(w, r)
		if w.Code >= 500 {
			t.Fatalf("status %d", w.Code)
		}
		if loc := w.Header().Get("Location"); loc != "" && !strings.HasPrefix(loc, fuzzRedirect+"?") {
			t.Fatalf("redirect to %q", loc)
		}
	})
}

// FuzzToken: the token endpoint answers any input with an OAuth error in
// JSON, and never issues tokens without a code.
func FuzzToken(f *testing.F) {
	p := fuzzProvider(f)
	for _, s := range []struct{ body, auth string }{
		{"grant_type=authorization_code&code=x&redirect_uri=http%3A%2F%2Frp.test%2Fcb&code_verifier=" + verifier, "Basic cnA6c2VjcmV0"},
		{"grant_type=authorization_code&client_id=rp&client_secret=secret", ""},
		{"client_id=rp&client_secret=secret&grant_type=refresh_token", ""},
		{"%zz", "Basic %%%"},
		{"", "Bearer x"},
	} {
		f.Add(s.body, s.auth)
	}
	f.Fuzz(func(t *testing.T, body, auth string) {
		r := httptest.NewRequest(http.MethodPost, "/demo-idp/token", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.Header.Set("Authorization", auth)
		w := httptest.NewRecorder()
		p.ServeHTTP(w, r)
		var resp struct {
			Error   string `json:"error"`
			IDToken string `json:"id_token"`
		}
		if err := json.Unmarshal(w.Body.Bytes(), &resp); err != nil || resp.Error == "" || resp.IDToken != "" {
			t.Fatalf("status %d, body %q", w.Code, w.Body)
		}
		if w.Code != http.StatusBadRequest && w.Code != http.StatusUnauthorized {
			t.Fatalf("status %d", w.Code)
		}
	})
}
