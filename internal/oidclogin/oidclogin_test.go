package oidclogin_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"golang.org/x/oauth2"

	"egov/internal/oidcdemo"
	"egov/internal/oidclogin"
)

const (
	clientID     = "egov-portal"
	clientSecret = "s3cret-for-tests"
	username     = "001099012345"
	password     = "mật-khẩu đúng"
	redirectURL  = "http://portal.example/auth/callback"
)

var citizen = oidcdemo.Citizen{Subject: "001099012345", Name: "Nguyễn Văn An", BirthDate: "1999-05-14", Phone: "+84912345678"}

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

type env struct {
	issuer  string
	rp      *oidclogin.RelyingParty
	browser *http.Client // does not follow redirects
}

type options struct {
	// wrap lets a test stand between the relying party and the provider.
	wrap   func(http.Handler) http.Handler
	config func(*oidclogin.Config)
	users  users
}

// setup starts the demo provider on a real server and a relying party
// pointed at it.
func setup(t *testing.T, o options) *env {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	e := &env{
		issuer: "http://" + srv.Listener.Addr().String() + "/demo-idp",
		browser: &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		}},
	}
	if o.users == nil {
		o.users = users{username: {password, citizen}}
	}
	idp, err := oidcdemo.New(oidcdemo.Config{
		Issuer:  e.issuer,
		Clients: []oidcdemo.Client{{ID: clientID, Secret: clientSecret, RedirectURIs: []string{redirectURL}}},
		Users:   o.users,
		Logger:  slog.New(slog.DiscardHandler),
	})
	if err != nil {
		t.Fatal(err)
	}
	var h http.Handler = idp
	if o.wrap != nil {
		h = o.wrap(h)
	}
	mux := http.NewServeMux()
	mux.Handle(idp.Prefix(), h)
	srv.Config.Handler = mux
	srv.Start()
	t.Cleanup(srv.Close)

	cfg := oidclogin.Config{
		Issuer:       e.issuer,
		ClientID:     clientID,
		ClientSecret: clientSecret,
		RedirectURL:  redirectURL,
		HTTPClient:   srv.Client(),
	}
	if o.config != nil {
		o.config(&cfg)
	}
	if e.rp, err = oidclogin.New(cfg); err != nil {
		t.Fatal(err)
	}
	return e
}

var (
	formActionRE = regexp.MustCompile(`<form method="post" action="([^"]*)">`)
	hiddenRE     = regexp.MustCompile(`<input type="hidden" name="([^"]*)" value="([^"]*)">`)
)

// signIn does what a citizen's browser does: open authURL, fill in the form,
// submit it, and stop at the redirect to the callback. It returns the
// callback's query.
func (e *env) signIn(t *testing.T, authURL, user, pass string) url.Values {
	t.Helper()
	resp, err := e.browser.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := formActionRE.FindSubmatch(page)
	if resp.StatusCode != http.StatusOK || m == nil {
		t.Fatalf("GET %s: %d, no login form:\n%s", authURL, resp.StatusCode, page)
	}
	form := url.Values{}
	for _, h := range hiddenRE.FindAllSubmatch(page, -1) {
		form.Set(html.UnescapeString(string(h[1])), html.UnescapeString(string(h[2])))
	}
	form.Set("username", user)
	form.Set("password", pass)
	form.Set("action", "login")
	u, _ := url.Parse(e.issuer)
	resp, err = e.browser.PostForm(u.Scheme+"://"+u.Host+html.UnescapeString(string(m[1])), form)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST credentials: %d, want a redirect\n%s", resp.StatusCode, body)
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || loc.Scheme+"://"+loc.Host+loc.Path != redirectURL {
		t.Fatalf("redirected to %q, want %s", resp.Header.Get("Location"), redirectURL)
	}
	return loc.Query()
}

// begin starts a login and signs in; it returns the flow and the callback's
// state and code.
func (e *env) begin(t *testing.T) (flow oidclogin.Flow, state, code string) {
	t.Helper()
	authURL, flow, err := e.rp.Begin(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	state, code, err = e.rp.ParseCallback(e.signIn(t, authURL, username, password))
	if err != nil {
		t.Fatal(err)
	}
	return flow, state, code
}

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	e := setup(t, options{})
	authURL, flow, err := e.rp.Begin(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	q, _ := url.Parse(authURL)
	for k, want := range map[string]string{
		"client_id": clientID, "redirect_uri": redirectURL, "response_type": "code",
		"scope": "openid profile phone", "state": flow.State, "nonce": flow.Nonce,
		"code_challenge": oauth2.S256ChallengeFromVerifier(flow.Verifier), "code_challenge_method": "S256",
	} {
		if got := q.Query().Get(k); got != want {
			t.Errorf("auth URL %s = %q, want %q", k, got, want)
		}
	}
	if flow.State == "" || flow.Nonce == "" || flow.State == flow.Nonce || len(flow.Verifier) < 43 {
		t.Errorf("weak flow %+v", flow)
	}

	state, code, err := e.rp.ParseCallback(e.signIn(t, authURL, username, password))
	if err != nil {
		t.Fatal(err)
	}
	id, err := e.rp.Finish(t.Context(), flow, state, code)
	if err != nil {
		t.Fatal(err)
	}
	want := oidclogin.Identity{Subject: citizen.Subject, Name: citizen.Name, BirthDate: citizen.BirthDate, Phone: citizen.Phone}
	if id != want {
		t.Errorf("identity %+v, want %+v", id, want)
	}
}

func TestFinishRejects(t *testing.T) {
	t.Parallel()
	e := setup(t, options{})

	t.Run("StateMismatch", func(t *testing.T) {
		t.Parallel()
		flow, state, code := e.begin(t)
		if _, err := e.rp.Finish(t.Context(), flow, state+"x", code); !errors.Is(err, oidclogin.ErrStateMismatch) {
			t.Fatalf("err = %v, want ErrStateMismatch", err)
		}
		// A crossed callback must not burn the code of the real one.
		if _, err := e.rp.Finish(t.Context(), flow, state, code); err != nil {
			t.Errorf("the genuine callback failed afterwards: %v", err)
		}
	})
	t.Run("ReusedCode", func(t *testing.T) {
		t.Parallel()
		flow, state, code := e.begin(t)
		if _, err := e.rp.Finish(t.Context(), flow, state, code); err != nil {
			t.Fatal(err)
		}
		if _, err := e.rp.Finish(t.Context(), flow, state, code); !errors.Is(err, oidclogin.ErrCodeRejected) {
			t.Fatalf("err = %v, want ErrCodeRejected", err)
		}
	})
	t.Run("WrongPKCEVerifier", func(t *testing.T) {
		t.Parallel()
		flow, state, code := e.begin(t)
		flow.Verifier = oauth2.GenerateVerifier()
		if _, err := e.rp.Finish(t.Context(), flow, state, code); !errors.Is(err, oidclogin.ErrCodeRejected) {
			t.Fatalf("err = %v, want ErrCodeRejected", err)
		}
	})
	t.Run("WrongClientSecret", func(t *testing.T) {
		t.Parallel()
		// Same provider, a relying party with a bad secret.
		rp, err := oidclogin.New(oidclogin.Config{Issuer: e.issuer, ClientID: clientID,
			ClientSecret: "wrong", RedirectURL: redirectURL})
		if err != nil {
			t.Fatal(err)
		}
		authURL, flow, err := rp.Begin(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		state, code, _ := rp.ParseCallback(e.signIn(t, authURL, username, password))
		_, err = rp.Finish(t.Context(), flow, state, code)
		re, ok := errors.AsType[*oauth2.RetrieveError](err)
		if !errors.Is(err, oidclogin.ErrExchange) || !ok || re.ErrorCode != "invalid_client" {
			t.Fatalf("err = %v, want ErrExchange wrapping invalid_client", err)
		}
	})
	t.Run("ExpiredFlow", func(t *testing.T) {
		t.Parallel()
		flow, state, code := e.begin(t)
		flow.Created = time.Now().Add(-oidclogin.FlowTTL - time.Second)
		if _, err := e.rp.Finish(t.Context(), flow, state, code); !errors.Is(err, oidclogin.ErrExpiredFlow) {
			t.Fatalf("err = %v, want ErrExpiredFlow", err)
		}
	})
	t.Run("FlowFromTheFuture", func(t *testing.T) {
		t.Parallel()
		flow, state, code := e.begin(t)
		flow.Created = time.Now().Add(time.Hour)
		if _, err := e.rp.Finish(t.Context(), flow, state, code); !errors.Is(err, oidclogin.ErrExpiredFlow) {
			t.Fatalf("err = %v, want ErrExpiredFlow", err)
		}
	})
	t.Run("MissingFlow", func(t *testing.T) {
		t.Parallel()
		_, state, code := e.begin(t)
		if _, err := e.rp.Finish(t.Context(), oidclogin.Flow{}, state, code); !errors.Is(err, oidclogin.ErrMissingFlow) {
			t.Fatalf("err = %v, want ErrMissingFlow", err)
		}
	})
	t.Run("NonceMismatch", func(t *testing.T) {
		t.Parallel()
		flow, state, code := e.begin(t)
		flow.Nonce = "nonce-of-another-login"
		if _, err := e.rp.Finish(t.Context(), flow, state, code); !errors.Is(err, oidclogin.ErrNonceMismatch) {
			t.Fatalf("err = %v, want ErrNonceMismatch", err)
		}
	})
	t.Run("ExpiredIDToken", func(t *testing.T) {
		t.Parallel()
		late := func() time.Time { return time.Now().Add(2 * time.Hour) }
		rp, err := oidclogin.New(oidclogin.Config{Issuer: e.issuer, ClientID: clientID,
			ClientSecret: clientSecret, RedirectURL: redirectURL, Now: late})
		if err != nil {
			t.Fatal(err)
		}
		authURL, flow, err := rp.Begin(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		state, code, _ := rp.ParseCallback(e.signIn(t, authURL, username, password))
		if _, err := rp.Finish(t.Context(), flow, state, code); !errors.Is(err, oidclogin.ErrInvalidIDToken) {
			t.Fatalf("err = %v, want ErrInvalidIDToken", err)
		}
	})
}

func TestFinishRejectsTamperedIDToken(t *testing.T) {
	t.Parallel()
	attacker, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	// Between the relying party and the provider, re-sign the ID token with
	// the attacker's key under the provider's key ID.
	resign := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !strings.HasSuffix(r.URL.Path, "/token") {
				next.ServeHTTP(w, r)
				return
			}
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			var body map[string]any
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || body["id_token"] == nil {
				t.Errorf("token response %q", rec.Body)
				return
			}
			orig, err := jwt.ParseSigned(body["id_token"].(string), []jose.SignatureAlgorithm{jose.ES256})
			if err != nil {
				t.Error(err)
				return
			}
			var claims map[string]any
			orig.UnsafeClaimsWithoutVerification(&claims)
			claims["sub"] = "079199999999" // what an attacker would want
			opts := (&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", orig.Headers[0].KeyID)
			s, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: attacker}, opts)
			if err != nil {
				t.Error(err)
				return
			}
			if body["id_token"], err = jwt.Signed(s).Claims(claims).Serialize(); err != nil {
				t.Error(err)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			json.NewEncoder(w).Encode(body)
		})
	}
	e := setup(t, options{wrap: resign})
	flow, state, code := e.begin(t)
	_, err = e.rp.Finish(t.Context(), flow, state, code)
	if !errors.Is(err, oidclogin.ErrInvalidIDToken) {
		t.Fatalf("err = %v, want ErrInvalidIDToken", err)
	}
}

func TestFinishRejectsMalformedSubject(t *testing.T) {
	t.Parallel()
	odd := citizen
	odd.Subject = "citizen-7"
	e := setup(t, options{users: users{username: {password, odd}}})
	flow, state, code := e.begin(t)
	if _, err := e.rp.Finish(t.Context(), flow, state, code); !errors.Is(err, oidclogin.ErrInvalidSubject) {
		t.Fatalf("err = %v, want ErrInvalidSubject", err)
	}
}

func TestDiscoveryIsLazyAndRetried(t *testing.T) {
	t.Parallel()
	var started atomic.Bool
	var discoveries atomic.Int32
	// Until started, the server answers as one that is still coming up.
	e := setup(t, options{wrap: func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !started.Load() {
				http.Error(w, "starting", http.StatusServiceUnavailable)
				return
			}
			if strings.HasSuffix(r.URL.Path, "/openid-configuration") {
				discoveries.Add(1)
			}
			next.ServeHTTP(w, r)
		})
	}})
	if _, _, err := e.rp.Begin(t.Context()); !errors.Is(err, oidclogin.ErrDiscovery) {
		t.Fatalf("Begin before the provider is up: err = %v, want ErrDiscovery", err)
	}
	started.Store(true)

	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if _, _, err := e.rp.Begin(t.Context()); err != nil {
				t.Errorf("Begin after start: %v", err)
			}
		})
	}
	wg.Wait()
	if n := discoveries.Load(); n != 1 {
		t.Errorf("%d discoveries, want 1", n)
	}
	flow, state, code := e.begin(t)
	if _, err := e.rp.Finish(t.Context(), flow, state, code); err != nil {
		t.Fatal(err)
	}
}

func TestDiscoveryRejectsIssuerMismatch(t *testing.T) {
	t.Parallel()
	e := setup(t, options{config: func(c *oidclogin.Config) {
		c.Issuer = strings.Replace(c.Issuer, "127.0.0.1", "localhost", 1)
	}})
	if _, _, err := e.rp.Begin(t.Context()); !errors.Is(err, oidclogin.ErrDiscovery) {
		t.Fatalf("err = %v, want ErrDiscovery", err)
	}
}

func TestParseCallback(t *testing.T) {
	t.Parallel()
	rp, err := oidclogin.New(oidclogin.Config{Issuer: "http://idp.test/demo-idp", ClientID: "c",
		ClientSecret: "s", RedirectURL: "http://rp.test/cb"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		query    string
		wantCode string
		wantErr  error
	}{
		{"Code", "code=abc&state=s&iss=http%3A%2F%2Fidp.test%2Fdemo-idp", "abc", nil},
		{"CodeWithoutIss", "code=abc&state=s", "abc", nil},
		{"Cancelled", "error=access_denied&state=s", "", oidclogin.ErrAccessDenied},
		{"ProviderError", "error=invalid_request&error_description=PKCE&state=s", "", oidclogin.ErrProvider},
		{"OtherIssuer", "code=abc&state=s&iss=http%3A%2F%2Fevil.test", "", oidclogin.ErrIssuerMismatch},
		{"NoCode", "state=s", "", oidclogin.ErrMissingCode},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			q, _ := url.ParseQuery(tt.query)
			state, code, err := rp.ParseCallback(q)
			if !errors.Is(err, tt.wantErr) || code != tt.wantCode || state != "s" {
				t.Errorf("got %q %q %v; want code %q, err %v", state, code, err, tt.wantCode, tt.wantErr)
			}
		})
	}
}

func TestNewChecksConfig(t *testing.T) {
	t.Parallel()
	good := oidclogin.Config{Issuer: "https://id.example.gov.vn", ClientID: "c", ClientSecret: "s",
		RedirectURL: "https://dichvucong.example.gov.vn/auth/callback"}
	if _, err := oidclogin.New(good); err != nil {
		t.Fatalf("good config: %v", err)
	}
	for name, change := range map[string]func(*oidclogin.Config){
		"NoIssuer":         func(c *oidclogin.Config) { c.Issuer = "" },
		"RelativeIssuer":   func(c *oidclogin.Config) { c.Issuer = "/demo-idp" },
		"NoClientID":       func(c *oidclogin.Config) { c.ClientID = "" },
		"NoSecret":         func(c *oidclogin.Config) { c.ClientSecret = "" },
		"RelativeRedirect": func(c *oidclogin.Config) { c.RedirectURL = "/auth/callback" },
	} {
		cfg := good
		change(&cfg)
		if _, err := oidclogin.New(cfg); err == nil {
			t.Errorf("%s: New accepted the config", name)
		}
	}
}

func TestNewMakesNoRequest(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	t.Cleanup(srv.Close)
	if _, err := oidclogin.New(oidclogin.Config{Issuer: srv.URL, ClientID: "c", ClientSecret: "s",
		RedirectURL: "http://rp.test/cb", HTTPClient: srv.Client()}); err != nil {
		t.Fatal(err)
	}
	if hits.Load() != 0 {
		t.Error("New contacted the provider")
	}
}
