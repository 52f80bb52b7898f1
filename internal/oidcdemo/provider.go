// Package oidcdemo is a small OpenID provider that stands in for the national
// identity provider in the embedded default and in demos, so that citizen
// login works end to end offline. It serves the authorization code flow with
// PKCE and nothing else: discovery, JWKS, an HTML login form, token and
// userinfo.
//
// # Mounting
//
// The handler serves full paths under the issuer's path; it is not meant to
// be wrapped in http.StripPrefix. With Issuer "http://localhost:8080/demo-idp":
//
//	mux.Handle(p.Prefix(), p) // p.Prefix() == "/demo-idp/"
//
// The login form posts back to the same origin; wrap the provider in
// http.CrossOriginProtection like every other form of the server.
//
// # State
//
// Authorization codes and access tokens live in this process's memory, which
// suits the single-process embedded default this package exists for. With
// several replicas a code issued by one is unknown to the others: use a real
// provider there. A restart forgets outstanding codes and tokens and, unless
// Config.SigningKey is given, the signing key (relying parties refetch the
// JWKS when they meet an unknown key ID, so only in-flight logins fail).
//
// # Why hand-written and not github.com/zitadel/oidc/v3/pkg/op
//
// zitadel's op is a certified, complete provider, but for five endpoints of
// one flow it costs more than it gives. It adds eight modules to the build
// (go-chi, gorilla/securecookie, rs/cors, muhlemmer/gu and httpforwarded,
// bmatcuk/doublestar, zitadel/schema, OpenTelemetry) and about 16,000 lines
// of code, and egov would still write an adapter for its Storage, Client and
// AuthRequest interfaces (some fifty methods) plus the login page and its
// translations, which op leaves to the caller. This package is about 1,100
// lines with the page and translations, needs only go-jose (which go-oidc
// already requires), and does exactly what egov uses: code flow, PKCE S256
// required, client_secret_basic and client_secret_post, RS256 or ES256. Its
// tests check it against coreos/go-oidc, the relying-party library egov uses
// with the national provider. If the demo ever needs more (refresh tokens,
// logout, dynamic registration), switch to op rather than grow this one.
package oidcdemo

import (
	"context"
	"crypto"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// ErrBadCredentials is what an Authenticator returns for an unknown user or a
// wrong password. Any other error is treated as a system failure.
var ErrBadCredentials = errors.New("oidcdemo: bad credentials")

// Citizen is the person an Authenticator recognised. Subject is the 12-digit
// personal ID number; BirthDate is YYYY-MM-DD; Phone preferably E.164
// (+84...).
type Citizen struct {
	Subject   string
	Name      string
	BirthDate string
	Phone     string
}

// Authenticator checks a username and password. It owns throttling and
// lockout: the provider calls it for every form submission.
type Authenticator interface {
	Authenticate(ctx context.Context, username, password string) (Citizen, error)
}

// Client is a registered relying party. Only confidential clients are
// supported: every client has a secret.
type Client struct {
	ID           string
	Secret       string
	RedirectURIs []string // compared exactly, byte for byte
}

// Config configures a Provider. Issuer, Clients and Users are required.
type Config struct {
	// Issuer is the provider's public base URL, e.g.
	// "http://localhost:8080/demo-idp", without a trailing slash.
	Issuer  string
	Clients []Client
	Users   Authenticator
	// SigningKey signs ID tokens: an RSA key of at least 2048 bits (RS256)
	// or an ECDSA P-256 key (ES256), possibly held in hardware. When nil an
	// ECDSA P-256 key is generated and lives as long as the Provider.
	SigningKey crypto.Signer
	Logger     *slog.Logger     // defaults to slog.Default()
	Now        func() time.Time // defaults to time.Now
}

const (
	codeTTL        = time.Minute
	tokenTTL       = 10 * time.Minute // access and ID tokens
	maxFormBytes   = 16 << 10
	maxParamLen    = 512 // state and nonce
	maxCredLen     = 1024
	maxPending     = 10000 // codes and tokens held at once
	scopeOpenID    = "openid"
	scopeProfile   = "profile"
	scopePhone     = "phone"
	authorizePath  = "/authorize"
	tokenPath      = "/token"
	userinfoPath   = "/userinfo"
	jwksPath       = "/jwks"
	discoveryPath  = "/.well-known/openid-configuration"
	grantTypeCode  = "authorization_code"
	pkceMethodS256 = "S256"
)

// Provider is the demo OpenID provider, an http.Handler.
type Provider struct {
	issuer    string
	base      string // the issuer's path, "" or e.g. "/demo-idp"
	clients   map[string]client
	users     Authenticator
	signer    jose.Signer
	alg       jose.SignatureAlgorithm
	jwks      []byte
	discovery []byte
	now       func() time.Time
	log       *slog.Logger
	store     *store
	mux       *http.ServeMux
}

type client struct {
	Client
	secretHash [sha256.Size]byte
}

// New checks cfg and returns a ready Provider. It makes no network calls.
func New(cfg Config) (*Provider, error) {
	base, err := checkIssuer(cfg.Issuer)
	if err != nil {
		return nil, err
	}
	if cfg.Users == nil {
		return nil, errors.New("oidcdemo: Config.Users is required")
	}
	if len(cfg.Clients) == 0 {
		return nil, errors.New("oidcdemo: at least one client is required")
	}
	clients := make(map[string]client, len(cfg.Clients))
	for _, c := range cfg.Clients {
		if err := checkClient(c); err != nil {
			return nil, err
		}
		if _, dup := clients[c.ID]; dup {
			return nil, fmt.Errorf("oidcdemo: client %q registered twice", c.ID)
		}
		c.RedirectURIs = append([]string(nil), c.RedirectURIs...)
		clients[c.ID] = client{Client: c, secretHash: sha256.Sum256([]byte(c.Secret))}
	}
	signer, jwk, alg, err := newSigner(cfg.SigningKey)
	if err != nil {
		return nil, err
	}
	p := &Provider{
		issuer:  cfg.Issuer,
		base:    base,
		clients: clients,
		users:   cfg.Users,
		signer:  signer,
		alg:     alg,
		now:     cfg.Now,
		log:     cfg.Logger,
		store:   newStore(),
	}
	if p.now == nil {
		p.now = time.Now
	}
	if p.log == nil {
		p.log = slog.Default()
	}
	if p.jwks, err = json.Marshal(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{jwk}}); err != nil {
		return nil, fmt.Errorf("oidcdemo: encode JWKS: %w", err)
	}
	if p.discovery, err = json.Marshal(p.metadata()); err != nil {
		return nil, fmt.Errorf("oidcdemo: encode discovery: %w", err)
	}
	p.mux = http.NewServeMux()
	p.mux.HandleFunc("GET "+base+discoveryPath, p.serveJSON(p.discovery))
	p.mux.HandleFunc("GET "+base+jwksPath, p.serveJSON(p.jwks))
	p.mux.HandleFunc("GET "+base+authorizePath, p.authorize)
	p.mux.HandleFunc("POST "+base+authorizePath, p.authorize)
	p.mux.HandleFunc("POST "+base+tokenPath, p.token)
	p.mux.HandleFunc("GET "+base+userinfoPath, p.userinfo)
	p.mux.HandleFunc("POST "+base+userinfoPath, p.userinfo)
	return p, nil
}

// Issuer returns the issuer URL exactly as relying parties must configure it.
func (p *Provider) Issuer() string { return p.issuer }

// Prefix is the path to mount the provider on, with a trailing slash.
func (p *Provider) Prefix() string { return p.base + "/" }

func (p *Provider) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Content-Type-Options", "nosniff")
	p.mux.ServeHTTP(w, r)
}

func (p *Provider) metadata() map[string]any {
	return map[string]any{
		"issuer":                                p.issuer,
		"authorization_endpoint":                p.issuer + authorizePath,
		"token_endpoint":                        p.issuer + tokenPath,
		"userinfo_endpoint":                     p.issuer + userinfoPath,
		"jwks_uri":                              p.issuer + jwksPath,
		"scopes_supported":                      []string{scopeOpenID, scopeProfile, scopePhone},
		"response_types_supported":              []string{"code"},
		"response_modes_supported":              []string{"query"},
		"grant_types_supported":                 []string{grantTypeCode},
		"subject_types_supported":               []string{"public"},
		"id_token_signing_alg_values_supported": []string{string(p.alg)},
		"token_endpoint_auth_methods_supported": []string{"client_secret_basic", "client_secret_post"},
		"code_challenge_methods_supported":      []string{pkceMethodS256},
		"claims_supported": []string{"iss", "sub", "aud", "exp", "iat", "auth_time", "nonce",
			"at_hash", "name", "birthdate", "phone_number"},
		"ui_locales_supported":                           []string{"vi", "en"},
		"authorization_response_iss_parameter_supported": true,
		"request_parameter_supported":                    false,
		"request_uri_parameter_supported":                false,
	}
}

func (p *Provider) serveJSON(body []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "max-age=300")
		w.Write(body)
	}
}

// checkIssuer returns the issuer's path. The path becomes part of ServeMux
// patterns, so it is limited to characters that are literal there.
func checkIssuer(issuer string) (string, error) {
	u, err := url.Parse(issuer)
	if err != nil {
		return "", fmt.Errorf("oidcdemo: issuer: %w", err)
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https", u.Host == "":
		return "", fmt.Errorf("oidcdemo: issuer %q must be an absolute http(s) URL", issuer)
	case u.User != nil, u.RawQuery != "", u.ForceQuery, u.Fragment != "", u.RawPath != "":
		return "", fmt.Errorf("oidcdemo: issuer %q must not have user info, query or fragment", issuer)
	case strings.HasSuffix(u.Path, "/"):
		return "", fmt.Errorf("oidcdemo: issuer %q must not end with a slash", issuer)
	}
	for _, c := range u.Path {
		if !isUnreserved(c) && c != '/' {
			return "", fmt.Errorf("oidcdemo: issuer path %q: only letters, digits and -._~/ are allowed", u.Path)
		}
	}
	return u.Path, nil
}

func checkClient(c Client) error {
	if c.ID == "" || c.Secret == "" {
		return errors.New("oidcdemo: every client needs an ID and a secret")
	}
	if len(c.RedirectURIs) == 0 {
		return fmt.Errorf("oidcdemo: client %q has no redirect URI", c.ID)
	}
	for _, ru := range c.RedirectURIs {
		u, err := url.Parse(ru)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Fragment != "" || u.User != nil {
			return fmt.Errorf("oidcdemo: client %q: redirect URI %q must be an absolute http(s) URL without fragment", c.ID, ru)
		}
	}
	return nil
}

func isUnreserved(c rune) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~'
}
