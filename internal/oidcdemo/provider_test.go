package oidcdemo_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"egov/internal/oidcdemo"
)

const (
	clientID     = "egov-portal"
	clientSecret = "s3cret for tests+/=" // characters that Basic auth must form-encode
	username     = "001099012345"
	password     = "mật-khẩu đúng"
	verifier     = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk" // RFC 7636 appendix B
	challenge    = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
)

var citizen = oidcdemo.Citizen{Subject: "001099012345", Name: "Nguyễn Văn An", BirthDate: "1999-05-14", Phone: "+84912345678"}

// users is a fixed Authenticator.
type users map[string]struct {
	password string
	citizen  oidcdemo.Citizen
}

func (u users) Authenticate(_ context.Context, username, password string) (oidcdemo.Citizen, error) {
	e, ok := u[username]
	if !ok || subtle.ConstantTimeCompare([]byte(e.password), []byte(password)) != 1 {
		return oidcdemo.Citizen{}, oidcdemo.ErrBadCredentials
	}
	return e.citizen, nil
}

var testUsers = users{username: {password, citizen}}

// clock is a time source tests can move forward.
type clock struct{ offset atomic.Int64 }

func (c *clock) Now() time.Time          { return time.Now().Add(time.Duration(c.offset.Load())) }
func (c *clock) Advance(d time.Duration) { c.offset.Add(int64(d)) }

type env struct {
	issuer      string
	redirectURI string
	clock       *clock
	browser     *http.Client // does not follow redirects, so tests see them
}

func setup(t *testing.T, key crypto.Signer) *env {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	e := &env{
		issuer:      "http://" + srv.Listener.Addr().String() + "/demo-idp",
		redirectURI: "http://portal.example/auth/callback?from=idp",
		clock:       &clock{},
		browser: &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		}},
	}
	p, err := oidcdemo.New(oidcdemo.Config{
		Issuer:     e.issuer,
		Clients:    []oidcdemo.Client{{ID: clientID, Secret: clientSecret, RedirectURIs: []string{e.redirectURI}}},
		Users:      testUsers,
		SigningKey: key,
		Now:        e.clock.Now,
		Logger:     slog.New(slog.DiscardHandler),
	})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle(p.Prefix(), p)
	srv.Config.Handler = mux
	srv.Start()
	t.Cleanup(srv.Close)
	return e
}

func (e *env) authParams() url.Values {
	return url.Values{
		"client_id":             {clientID},
		"redirect_uri":          {e.redirectURI},
		"response_type":         {"code"},
		"scope":                 {"openid profile phone"},
		"state":                 {"af0ifjsldkj"},
		"nonce":                 {"n-0S6_WzA2Mj"},
		"code_challenge":        {challenge},
		"code_challenge_method": {"S256"},
	}
}

type response struct {
	*http.Response
	body string
}

func (e *env) do(t *testing.T, req *http.Request) response {
	t.Helper()
	resp, err := e.browser.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{resp, string(b)}
}

func (e *env) get(t *testing.T, u string, header http.Header) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	maps(req.Header, header)
	return e.do(t, req)
}

func (e *env) post(t *testing.T, u string, form url.Values, header http.Header) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	maps(req.Header, header)
	return e.do(t, req)
}

func maps(dst, src http.Header) {
	for k, v := range src {
		dst[k] = v
	}
}

var (
	formActionRE = regexp.MustCompile(`<form method="post" action="([^"]*)">`)
	hiddenRE     = regexp.MustCompile(`<input type="hidden" name="([^"]*)" value="([^"]*)">`)
)

// formFields returns the login form's action and hidden fields, as a browser
// would submit them.
func formFields(t *testing.T, page string) (action string, fields url.Values) {
	t.Helper()
	m := formActionRE.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no login form in page:\n%s", page)
	}
	fields = url.Values{}
	for _, h := range hiddenRE.FindAllStringSubmatch(page, -1) {
		fields.Set(html.UnescapeString(h[1]), html.UnescapeString(h[2]))
	}
	return html.UnescapeString(m[1]), fields
}

// submitLogin opens the form for params and posts the credentials.
func (e *env) submitLogin(t *testing.T, params url.Values, user, pass string) response {
	t.Helper()
	page := e.get(t, e.issuer+"/authorize?"+params.Encode(), nil)
	if page.StatusCode != http.StatusOK {
		t.Fatalf("GET authorize: %d\n%s", page.StatusCode, page.body)
	}
	action, fields := formFields(t, page.body)
	fields.Set("username", user)
	fields.Set("password", pass)
	fields.Set("action", "login")
	u, _ := url.Parse(e.issuer)
	return e.post(t, u.Scheme+"://"+u.Host+action, fields, nil)
}

// callback checks that resp redirects to the registered URI and returns its
// query.
func (e *env) callback(t *testing.T, resp response) url.Values {
	t.Helper()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("status %d, want 303\n%s", resp.StatusCode, resp.body)
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	if got := loc.Scheme + "://" + loc.Host + loc.Path; got != strings.Split(e.redirectURI, "?")[0] {
		t.Fatalf("redirected to %s, want %s", loc, e.redirectURI)
	}
	q := loc.Query()
	if q.Get("from") != "idp" {
		t.Errorf("the registered URI's own query was lost: %s", loc)
	}
	if q.Get("iss") != e.issuer {
		t.Errorf("iss = %q, want %q", q.Get("iss"), e.issuer)
	}
	return q
}

// code logs in and returns a fresh authorization code for params.
func (e *env) code(t *testing.T, params url.Values) string {
	t.Helper()
	q := e.callback(t, e.submitLogin(t, params, username, password))
	if q.Get("code") == "" || q.Get("state") != params.Get("state") {
		t.Fatalf("callback %v: want a code and state %q", q, params.Get("state"))
	}
	return q.Get("code")
}

func (e *env) tokenForm(code string) url.Values {
	return url.Values{
		"grant_type":    {"authorization_code"},
		"code":          {code},
		"redirect_uri":  {e.redirectURI},
		"code_verifier": {verifier},
	}
}

func basicAuth(id, secret string) http.Header {
	req, _ := http.NewRequest("POST", "/", nil)
	req.SetBasicAuth(url.QueryEscape(id), url.QueryEscape(secret))
	return req.Header
}

type tokenReply struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int    `json:"expires_in"`
	IDToken     string `json:"id_token"`
	Scope       string `json:"scope"`
	Error       string `json:"error"`
}

func (e *env) token(t *testing.T, form url.Values, header http.Header) (response, tokenReply) {
	t.Helper()
	resp := e.post(t, e.issuer+"/token", form, header)
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("token Content-Type %q\n%s", ct, resp.body)
	}
	if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("token Cache-Control %q, want no-store", cc)
	}
	var r tokenReply
	if err := json.Unmarshal([]byte(resp.body), &r); err != nil {
		t.Fatalf("token body %q: %v", resp.body, err)
	}
	return resp, r
}

func (e *env) jwks(t *testing.T) jose.JSONWebKeySet {
	t.Helper()
	var set jose.JSONWebKeySet
	if err := json.Unmarshal([]byte(e.get(t, e.issuer+"/jwks", nil).body), &set); err != nil {
		t.Fatal(err)
	}
	return set
}

// idClaims verifies an ID token against the provider's JWKS.
func (e *env) idClaims(t *testing.T, raw string, alg jose.SignatureAlgorithm) map[string]any {
	t.Helper()
	tok, err := jwt.ParseSigned(raw, []jose.SignatureAlgorithm{alg})
	if err != nil {
		t.Fatal(err)
	}
	set := e.jwks(t)
	keys := set.Key(tok.Headers[0].KeyID)
	if len(keys) != 1 {
		t.Fatalf("kid %q not in JWKS", tok.Headers[0].KeyID)
	}
	var claims map[string]any
	if err := tok.Claims(keys[0].Key, &claims); err != nil {
		t.Fatalf("ID token does not verify: %v", err)
	}
	return claims
}

func TestDiscoveryAndJWKS(t *testing.T) {
	t.Parallel()
	e := setup(t, nil)
	resp := e.get(t, e.issuer+"/.well-known/openid-configuration", nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("discovery: %d", resp.StatusCode)
	}
	var meta map[string]any
	if err := json.Unmarshal([]byte(resp.body), &meta); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"issuer":                 e.issuer,
		"authorization_endpoint": e.issuer + "/authorize",
		"token_endpoint":         e.issuer + "/token",
		"userinfo_endpoint":      e.issuer + "/userinfo",
		"jwks_uri":               e.issuer + "/jwks",
	}
	for k, v := range want {
		if meta[k] != v {
			t.Errorf("%s = %v, want %v", k, meta[k], v)
		}
	}
	for k, v := range map[string]string{
		"code_challenge_methods_supported":      `["S256"]`,
		"id_token_signing_alg_values_supported": `["ES256"]`,
		"token_endpoint_auth_methods_supported": `["client_secret_basic","client_secret_post"]`,
		"response_types_supported":              `["code"]`,
	} {
		if got, _ := json.Marshal(meta[k]); string(got) != v {
			t.Errorf("%s = %s, want %s", k, got, v)
		}
	}

	set := e.jwks(t)
	if len(set.Keys) != 1 {
		t.Fatalf("JWKS has %d keys, want 1", len(set.Keys))
	}
	k := set.Keys[0]
	if !k.IsPublic() || k.KeyID == "" || k.Algorithm != "ES256" || k.Use != "sig" {
		t.Errorf("JWKS key: public=%v kid=%q alg=%q use=%q", k.IsPublic(), k.KeyID, k.Algorithm, k.Use)
	}

	outside := e.get(t, strings.TrimSuffix(e.issuer, "/demo-idp")+"/.well-known/openid-configuration", nil)
	if outside.StatusCode != http.StatusNotFound {
		t.Errorf("path outside the issuer: %d, want 404", outside.StatusCode)
	}
}

func TestLoginFormLanguage(t *testing.T) {
	t.Parallel()
	e := setup(t, nil)
	tests := []struct {
		name, query, acceptLanguage string
		wantLang, wantTitle         string
	}{
		{"VietnameseByDefault", "", "", "vi", "Cổng định danh điện tử (mô phỏng)"},
		{"VietnameseForVietnameseBrowser", "", "vi-VN,vi;q=0.9,en;q=0.8", "vi", "Cổng định danh điện tử (mô phỏng)"},
		{"VietnameseForUnsupportedLanguage", "", "fr-FR", "vi", "Cổng định danh điện tử (mô phỏng)"},
		{"EnglishFromAcceptLanguage", "", "en-US,en;q=0.9", "en", "Electronic identity portal (demo)"},
		{"EnglishFromLangParameter", "&lang=en", "vi", "en", "Electronic identity portal (demo)"},
		{"EnglishFromUILocales", "&ui_locales=en-GB", "", "en", "Electronic identity portal (demo)"},
		{"LangParameterWins", "&lang=vi", "en", "vi", "Cổng định danh điện tử (mô phỏng)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := http.Header{}
			if tt.acceptLanguage != "" {
				h.Set("Accept-Language", tt.acceptLanguage)
			}
			resp := e.get(t, e.issuer+"/authorize?"+e.authParams().Encode()+tt.query, h)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d\n%s", resp.StatusCode, resp.body)
			}
			for _, want := range []string{
				`<html lang="` + tt.wantLang + `">`,
				"<h1>" + tt.wantTitle + "</h1>",
				`<label for="username">`, `<input id="username" name="username"`,
				`<label for="password">`, `<input id="password" name="password" type="password"`,
				`<form method="post" action="/demo-idp/authorize">`,
				`<input type="hidden" name="lang" value="` + tt.wantLang + `">`,
			} {
				if !strings.Contains(resp.body, want) {
					t.Errorf("page lacks %q", want)
				}
			}
			if strings.Contains(resp.body, "<script") {
				t.Error("the login page must work without JavaScript")
			}
			if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") ||
				!strings.Contains(csp, "form-action 'self' http://portal.example") {
				t.Errorf("CSP %q", csp)
			}
		})
	}
}

func TestAuthorizeRejects(t *testing.T) {
	t.Parallel()
	e := setup(t, nil)
	tests := []struct {
		name   string
		change func(url.Values)
		// Either a page (no redirect) with this message, or a redirect with
		// this OAuth error.
		wantPage, wantError string
	}{
		{"UnknownClient", func(q url.Values) { q.Set("client_id", "evil") }, "chưa được đăng ký", ""},
		{"MissingClient", func(q url.Values) { q.Del("client_id") }, "chưa được đăng ký", ""},
		{"OtherRedirectHost", func(q url.Values) { q.Set("redirect_uri", "http://evil.example/auth/callback?from=idp") }, "không khớp", ""},
		{"RedirectWithTrailingSlash", func(q url.Values) { q.Set("redirect_uri", "http://portal.example/auth/callback/?from=idp") }, "không khớp", ""},
		{"RedirectWithExtraQuery", func(q url.Values) { q.Set("redirect_uri", e.redirectURI+"&next=http://evil.example") }, "không khớp", ""},
		{"RedirectDifferentCase", func(q url.Values) { q.Set("redirect_uri", "http://PORTAL.example/auth/callback?from=idp") }, "không khớp", ""},
		{"MissingRedirect", func(q url.Values) { q.Del("redirect_uri") }, "không khớp", ""},
		{"RepeatedParameter", func(q url.Values) { q.Add("redirect_uri", "http://evil.example/") }, "không hợp lệ", ""},
		{"MissingPKCE", func(q url.Values) { q.Del("code_challenge"); q.Del("code_challenge_method") }, "", "invalid_request"},
		{"PlainPKCE", func(q url.Values) { q.Set("code_challenge_method", "plain") }, "", "invalid_request"},
		{"MalformedChallenge", func(q url.Values) { q.Set("code_challenge", "short") }, "", "invalid_request"},
		{"ImplicitFlow", func(q url.Values) { q.Set("response_type", "id_token token") }, "", "unsupported_response_type"},
		{"NoOpenIDScope", func(q url.Values) { q.Set("scope", "profile") }, "", "invalid_scope"},
		{"PromptNone", func(q url.Values) { q.Set("prompt", "none") }, "", "login_required"},
		{"RequestObject", func(q url.Values) { q.Set("request", "eyJ") }, "", "request_not_supported"},
		{"FragmentResponseMode", func(q url.Values) { q.Set("response_mode", "fragment") }, "", "invalid_request"},
		{"LongNonce", func(q url.Values) { q.Set("nonce", strings.Repeat("n", 513)) }, "", "invalid_request"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			q := e.authParams()
			tt.change(q)
			resp := e.get(t, e.issuer+"/authorize?"+q.Encode(), nil)
			if tt.wantPage != "" {
				if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("Location") != "" {
					t.Fatalf("status %d, Location %q: want an error page, no redirect",
						resp.StatusCode, resp.Header.Get("Location"))
				}
				if !strings.Contains(resp.body, tt.wantPage) || strings.Contains(resp.body, `href="http`) {
					t.Errorf("page should say %q and link nowhere else:\n%s", tt.wantPage, resp.body)
				}
				return
			}
			cb := e.callback(t, resp)
			if cb.Get("error") != tt.wantError || cb.Get("state") != "af0ifjsldkj" || cb.Has("code") {
				t.Errorf("callback %v, want error=%s with state and no code", cb, tt.wantError)
			}
		})
	}
}

func TestLogin(t *testing.T) {
	t.Parallel()
	e := setup(t, nil)

	t.Run("WrongPasswordShowsError", func(t *testing.T) {
		t.Parallel()
		resp := e.submitLogin(t, e.authParams(), username, "sai mật khẩu")
		if resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("Location") != "" {
			t.Fatalf("status %d, Location %q: want the form again", resp.StatusCode, resp.Header.Get("Location"))
		}
		for _, want := range []string{
			`role="alert">Tên đăng nhập hoặc mật khẩu không đúng. Vui lòng thử lại.</p>`,
			`aria-invalid="true" aria-describedby="form-error"`,
			`value="` + username + `"`,
		} {
			if !strings.Contains(resp.body, want) {
				t.Errorf("page lacks %q", want)
			}
		}
		if strings.Contains(resp.body, "sai mật khẩu") || strings.Contains(resp.body, "code=") {
			t.Error("page echoes the password or carries a code")
		}
		// The form still works after a mistake.
		action, fields := formFields(t, resp.body)
		fields.Set("username", username)
		fields.Set("password", password)
		fields.Set("action", "login")
		u, _ := url.Parse(e.issuer)
		if q := e.callback(t, e.post(t, "http://"+u.Host+action, fields, nil)); q.Get("code") == "" {
			t.Errorf("no code after correcting the password: %v", q)
		}
	})
	t.Run("UnknownUser", func(t *testing.T) {
		t.Parallel()
		resp := e.submitLogin(t, e.authParams(), "079199000000", password)
		if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(resp.body, "không đúng") || resp.Header.Get("Location") != "" {
			t.Fatalf("status %d, Location %q", resp.StatusCode, resp.Header.Get("Location"))
		}
	})
	t.Run("WrongPasswordInEnglish", func(t *testing.T) {
		t.Parallel()
		q := e.authParams()
		q.Set("lang", "en")
		resp := e.submitLogin(t, q, username, "wrong")
		if !strings.Contains(resp.body, "Incorrect username or password.") || !strings.Contains(resp.body, `<html lang="en">`) {
			t.Errorf("want the English error:\n%s", resp.body)
		}
	})
	t.Run("MissingPassword", func(t *testing.T) {
		t.Parallel()
		resp := e.submitLogin(t, e.authParams(), username, "")
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(resp.body, "Vui lòng nhập tên đăng nhập và mật khẩu.") {
			t.Errorf("status %d:\n%s", resp.StatusCode, resp.body)
		}
	})
	t.Run("CancelReturnsAccessDenied", func(t *testing.T) {
		t.Parallel()
		page := e.get(t, e.issuer+"/authorize?"+e.authParams().Encode(), nil)
		action, fields := formFields(t, page.body)
		fields.Set("action", "cancel")
		u, _ := url.Parse(e.issuer)
		q := e.callback(t, e.post(t, "http://"+u.Host+action, fields, nil))
		if q.Get("error") != "access_denied" || q.Has("code") || q.Get("state") != "af0ifjsldkj" {
			t.Errorf("callback %v", q)
		}
	})
	t.Run("TamperedHiddenRedirectIsRefused", func(t *testing.T) {
		t.Parallel()
		page := e.get(t, e.issuer+"/authorize?"+e.authParams().Encode(), nil)
		action, fields := formFields(t, page.body)
		fields.Set("redirect_uri", "http://evil.example/")
		fields.Set("username", username)
		fields.Set("password", password)
		fields.Set("action", "login")
		u, _ := url.Parse(e.issuer)
		resp := e.post(t, "http://"+u.Host+action, fields, nil)
		if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("Location") != "" {
			t.Errorf("status %d, Location %q", resp.StatusCode, resp.Header.Get("Location"))
		}
	})
	t.Run("OversizedBodyIsRefused", func(t *testing.T) {
		t.Parallel()
		form := e.authParams()
		form.Set("username", strings.Repeat("a", 20<<10))
		resp := e.post(t, e.issuer+"/authorize", form, nil)
		if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("Location") != "" {
			t.Errorf("status %d, Location %q", resp.StatusCode, resp.Header.Get("Location"))
		}
	})
}

func TestTokenExchange(t *testing.T) {
	t.Parallel()

	t.Run("ClientSecretBasic", func(t *testing.T) {
		t.Parallel()
		e := setup(t, nil)
		before := e.clock.Now().Add(-time.Second).Unix()
		resp, tok := e.token(t, e.tokenForm(e.code(t, e.authParams())), basicAuth(clientID, clientSecret))
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d: %s", resp.StatusCode, resp.body)
		}
		if tok.TokenType != "Bearer" || tok.AccessToken == "" || tok.ExpiresIn <= 0 || tok.Scope != "openid profile phone" {
			t.Errorf("token response %+v", tok)
		}
		c := e.idClaims(t, tok.IDToken, jose.ES256)
		for k, v := range map[string]any{
			"iss": e.issuer, "sub": citizen.Subject, "aud": clientID, "nonce": "n-0S6_WzA2Mj",
			"name": citizen.Name, "birthdate": citizen.BirthDate, "phone_number": citizen.Phone,
		} {
			if c[k] != v {
				t.Errorf("claim %s = %v, want %v", k, c[k], v)
			}
		}
		for _, k := range []string{"iat", "auth_time"} {
			if n, _ := c[k].(float64); int64(n) < before || int64(n) > e.clock.Now().Unix() {
				t.Errorf("claim %s = %v, want about now", k, c[k])
			}
		}
		if exp, _ := c["exp"].(float64); int64(exp) <= e.clock.Now().Unix() {
			t.Errorf("exp %v is not in the future", c["exp"])
		}
		sum := sha256.Sum256([]byte(tok.AccessToken))
		if c["at_hash"] != base64.RawURLEncoding.EncodeToString(sum[:16]) {
			t.Errorf("at_hash %v does not match the access token", c["at_hash"])
		}

		ui := e.get(t, e.issuer+"/userinfo", http.Header{"Authorization": {"Bearer " + tok.AccessToken}})
		var info map[string]string
		if err := json.Unmarshal([]byte(ui.body), &info); err != nil || ui.StatusCode != http.StatusOK {
			t.Fatalf("userinfo %d %s", ui.StatusCode, ui.body)
		}
		if info["sub"] != citizen.Subject || info["name"] != citizen.Name || info["phone_number"] != citizen.Phone {
			t.Errorf("userinfo %v", info)
		}
	})
	t.Run("ClientSecretPost", func(t *testing.T) {
		t.Parallel()
		e := setup(t, nil)
		form := e.tokenForm(e.code(t, e.authParams()))
		form.Set("client_id", clientID)
		form.Set("client_secret", clientSecret)
		if resp, tok := e.token(t, form, nil); resp.StatusCode != http.StatusOK || tok.IDToken == "" {
			t.Fatalf("status %d: %s", resp.StatusCode, resp.body)
		}
	})
	t.Run("ScopesLimitClaims", func(t *testing.T) {
		t.Parallel()
		e := setup(t, nil)
		params := e.authParams()
		params.Set("scope", "openid phone email")
		_, tok := e.token(t, e.tokenForm(e.code(t, params)), basicAuth(clientID, clientSecret))
		c := e.idClaims(t, tok.IDToken, jose.ES256)
		if c["phone_number"] != citizen.Phone || c["name"] != nil || c["birthdate"] != nil || tok.Scope != "openid phone" {
			t.Errorf("scope %q, claims %v", tok.Scope, c)
		}
	})

	tests := []struct {
		name       string
		change     func(e *env, form url.Values, h http.Header)
		wantStatus int
		wantError  string
	}{
		{"WrongSecretBasic", func(e *env, f url.Values, h http.Header) {
			maps(h, basicAuth(clientID, "wrong"))
		}, 401, "invalid_client"},
		{"WrongSecretPost", func(e *env, f url.Values, h http.Header) {
			h.Del("Authorization")
			f.Set("client_id", clientID)
			f.Set("client_secret", clientSecret+"x")
		}, 401, "invalid_client"},
		{"UnknownClient", func(e *env, f url.Values, h http.Header) { maps(h, basicAuth("other", clientSecret)) }, 401, "invalid_client"},
		{"NoClientAuthentication", func(e *env, f url.Values, h http.Header) {
			h.Del("Authorization")
			f.Set("client_id", clientID)
		}, 401, "invalid_client"},
		{"TwoAuthenticationMethods", func(e *env, f url.Values, h http.Header) { f.Set("client_secret", clientSecret) }, 400, "invalid_request"},
		{"WrongVerifier", func(e *env, f url.Values, h http.Header) {
			f.Set("code_verifier", strings.Repeat("x", 43))
		}, 400, "invalid_grant"},
		{"MissingVerifier", func(e *env, f url.Values, h http.Header) { f.Del("code_verifier") }, 400, "invalid_grant"},
		{"OtherRedirectURI", func(e *env, f url.Values, h http.Header) {
			f.Set("redirect_uri", "http://portal.example/auth/callback")
		}, 400, "invalid_grant"},
		{"UnknownCode", func(e *env, f url.Values, h http.Header) { f.Set("code", "not-a-code") }, 400, "invalid_grant"},
		{"ExpiredCode", func(e *env, f url.Values, h http.Header) { e.clock.Advance(61 * time.Second) }, 400, "invalid_grant"},
		{"OtherGrantType", func(e *env, f url.Values, h http.Header) { f.Set("grant_type", "password") }, 400, "unsupported_grant_type"},
		{"RepeatedParameter", func(e *env, f url.Values, h http.Header) { f.Add("code", "x") }, 400, "invalid_request"},
		{"OversizedBody", func(e *env, f url.Values, h http.Header) { f.Set("padding", strings.Repeat("p", 20<<10)) }, 400, "invalid_request"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := setup(t, nil)
			code := e.code(t, e.authParams())
			form, h := e.tokenForm(code), basicAuth(clientID, clientSecret)
			tt.change(e, form, h)
			resp, tok := e.token(t, form, h)
			if resp.StatusCode != tt.wantStatus || tok.Error != tt.wantError || tok.IDToken != "" {
				t.Fatalf("status %d, error %q; want %d %q\n%s", resp.StatusCode, tok.Error, tt.wantStatus, tt.wantError, resp.body)
			}
			if resp.StatusCode == 401 && resp.Header.Get("WWW-Authenticate") == "" {
				t.Error("401 without WWW-Authenticate")
			}
		})
	}

	t.Run("CodeIsSingleUseAndReuseRevokesToken", func(t *testing.T) {
		t.Parallel()
		e := setup(t, nil)
		form, h := e.tokenForm(e.code(t, e.authParams())), basicAuth(clientID, clientSecret)
		_, first := e.token(t, form, h)
		bearer := http.Header{"Authorization": {"Bearer " + first.AccessToken}}
		if ui := e.get(t, e.issuer+"/userinfo", bearer); ui.StatusCode != http.StatusOK {
			t.Fatalf("userinfo with a fresh token: %d", ui.StatusCode)
		}
		if resp, second := e.token(t, form, h); resp.StatusCode != 400 || second.Error != "invalid_grant" {
			t.Fatalf("second exchange: %d %s", resp.StatusCode, resp.body)
		}
		if ui := e.get(t, e.issuer+"/userinfo", bearer); ui.StatusCode != http.StatusUnauthorized {
			t.Errorf("userinfo after code reuse: %d, want 401", ui.StatusCode)
		}
	})
	t.Run("FailedAttemptBurnsCode", func(t *testing.T) {
		t.Parallel()
		e := setup(t, nil)
		form, h := e.tokenForm(e.code(t, e.authParams())), basicAuth(clientID, clientSecret)
		bad := e.tokenForm(form.Get("code"))
		bad.Set("code_verifier", strings.Repeat("y", 43))
		e.token(t, bad, h)
		if resp, _ := e.token(t, form, h); resp.StatusCode != 400 {
			t.Errorf("code still usable after a failed attempt: %d", resp.StatusCode)
		}
	})
}

func TestUserinfoRejects(t *testing.T) {
	t.Parallel()
	e := setup(t, nil)
	_, tok := e.token(t, e.tokenForm(e.code(t, e.authParams())), basicAuth(clientID, clientSecret))
	for name, h := range map[string]http.Header{
		"NoToken":    nil,
		"Unknown":    {"Authorization": {"Bearer nope"}},
		"BasicOnly":  basicAuth(clientID, clientSecret),
		"TokenInURL": nil, // handled below
	} {
		u := e.issuer + "/userinfo"
		if name == "TokenInURL" {
			u += "?access_token=" + tok.AccessToken
		}
		resp := e.get(t, u, h)
		if resp.StatusCode != http.StatusUnauthorized || !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("%s: status %d, WWW-Authenticate %q", name, resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
		}
	}
	e.clock.Advance(11 * time.Minute)
	if resp := e.get(t, e.issuer+"/userinfo", http.Header{"Authorization": {"Bearer " + tok.AccessToken}}); resp.StatusCode != 401 {
		t.Errorf("expired token: %d, want 401", resp.StatusCode)
	}
}

func TestSigningKeys(t *testing.T) {
	t.Parallel()
	t.Run("RSAKeySignsRS256", func(t *testing.T) {
		t.Parallel()
		key, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			t.Fatal(err)
		}
		e := setup(t, key)
		_, tok := e.token(t, e.tokenForm(e.code(t, e.authParams())), basicAuth(clientID, clientSecret))
		if c := e.idClaims(t, tok.IDToken, jose.RS256); c["sub"] != citizen.Subject {
			t.Errorf("claims %v", c)
		}
	})
	t.Run("ECDSAKeySignsES256", func(t *testing.T) {
		t.Parallel()
		key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		e := setup(t, key)
		if got := e.jwks(t).Keys[0].Key.(*ecdsa.PublicKey); !got.Equal(key.Public()) {
			t.Error("JWKS does not publish the configured key")
		}
	})
	for name, key := range map[string]func() crypto.Signer{
		"RejectsP384": func() crypto.Signer { k, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader); return k },
		"RejectsEd25519": func() crypto.Signer {
			_, k, _ := ed25519.GenerateKey(rand.Reader)
			return k
		},
		"RejectsShortRSA": func() crypto.Signer { k, _ := rsa.GenerateKey(rand.Reader, 1024); return k },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := oidcdemo.New(oidcdemo.Config{Issuer: "http://idp.test", Users: testUsers, SigningKey: key(),
				Clients: []oidcdemo.Client{{ID: "a", Secret: "b", RedirectURIs: []string{"http://rp.test/cb"}}}})
			if err == nil {
				t.Error("New accepted the key")
			}
		})
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	t.Parallel()
	good := func() oidcdemo.Config {
		return oidcdemo.Config{Issuer: "http://localhost:8080/demo-idp", Users: testUsers,
			Clients: []oidcdemo.Client{{ID: "a", Secret: "b", RedirectURIs: []string{"http://localhost:8080/auth/callback"}}}}
	}
	if _, err := oidcdemo.New(good()); err != nil {
		t.Fatalf("good config: %v", err)
	}
	for name, change := range map[string]func(*oidcdemo.Config){
		"IssuerTrailingSlash":   func(c *oidcdemo.Config) { c.Issuer += "/" },
		"IssuerRelative":        func(c *oidcdemo.Config) { c.Issuer = "/demo-idp" },
		"IssuerWithQuery":       func(c *oidcdemo.Config) { c.Issuer += "?x=1" },
		"IssuerPatternChars":    func(c *oidcdemo.Config) { c.Issuer = "http://localhost/{x}" },
		"NoUsers":               func(c *oidcdemo.Config) { c.Users = nil },
		"NoClients":             func(c *oidcdemo.Config) { c.Clients = nil },
		"ClientWithoutSecret":   func(c *oidcdemo.Config) { c.Clients[0].Secret = "" },
		"ClientWithoutRedirect": func(c *oidcdemo.Config) { c.Clients[0].RedirectURIs = nil },
		"RedirectWithFragment":  func(c *oidcdemo.Config) { c.Clients[0].RedirectURIs = []string{"http://x/cb#f"} },
		"RedirectRelative":      func(c *oidcdemo.Config) { c.Clients[0].RedirectURIs = []string{"/cb"} },
		"DuplicateClient":       func(c *oidcdemo.Config) { c.Clients = append(c.Clients, c.Clients[0]) },
	} {
		cfg := good()
		change(&cfg)
		if _, err := oidcdemo.New(cfg); err == nil {
			t.Errorf("%s: New accepted the config", name)
		}
	}
}
