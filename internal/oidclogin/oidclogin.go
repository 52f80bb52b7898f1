// Package oidclogin signs citizens in through an OpenID Connect provider: the
// national identity provider in production, egov's own demo provider
// (internal/oidcdemo) in the embedded default. It runs the authorization code
// flow with PKCE (S256), state and nonce on coreos/go-oidc and x/oauth2, and
// returns the verified Identity; sessions and cookies belong to the web layer.
package oidclogin

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sync/atomic"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// FlowTTL is how long a citizen has between Begin and Finish.
const FlowTTL = 10 * time.Minute

// Errors returned by Begin, ParseCallback and Finish. They wrap the
// underlying cause, so test them with errors.Is and log the whole error.
var (
	// ErrDiscovery: the provider's discovery document could not be fetched or
	// did not match the configured issuer. Retried on the next call.
	ErrDiscovery = errors.New("oidclogin: provider discovery failed")
	// ErrMissingFlow: the callback came without the flow Begin returned
	// (cookie lost or blocked).
	ErrMissingFlow = errors.New("oidclogin: no login in progress")
	// ErrExpiredFlow: the callback came more than FlowTTL after Begin.
	ErrExpiredFlow = errors.New("oidclogin: login took too long")
	// ErrStateMismatch: the callback's state is not this browser's flow
	// (forged or crossed callback). The code was not used.
	ErrStateMismatch = errors.New("oidclogin: state mismatch")
	// ErrAccessDenied: the citizen cancelled or the provider refused.
	ErrAccessDenied = errors.New("oidclogin: access denied by the provider")
	// ErrProvider: the provider answered the authorization request with an
	// error other than access_denied.
	ErrProvider = errors.New("oidclogin: provider returned an error")
	// ErrIssuerMismatch: the callback's iss parameter (RFC 9207) names
	// another provider.
	ErrIssuerMismatch = errors.New("oidclogin: callback from another issuer")
	// ErrMissingCode: the callback carries no authorization code.
	ErrMissingCode = errors.New("oidclogin: callback without authorization code")
	// ErrCodeRejected: the token endpoint refused the code (invalid_grant):
	// used before, expired, or the PKCE verifier does not match.
	ErrCodeRejected = errors.New("oidclogin: authorization code rejected")
	// ErrExchange: the token endpoint failed otherwise (unreachable, wrong
	// client credentials, server error): a configuration or system problem.
	ErrExchange = errors.New("oidclogin: token exchange failed")
	// ErrInvalidIDToken: the ID token is missing or fails verification
	// (signature, issuer, audience, expiry, at_hash).
	ErrInvalidIDToken = errors.New("oidclogin: invalid ID token")
	// ErrNonceMismatch: the ID token was not issued for this flow.
	ErrNonceMismatch = errors.New("oidclogin: nonce mismatch")
	// ErrInvalidSubject: the subject is not a 12-digit personal ID number.
	ErrInvalidSubject = errors.New("oidclogin: subject is not a personal ID number")
)

// Config configures a RelyingParty. All strings are required.
type Config struct {
	Issuer       string // exactly as the provider's discovery document states it
	ClientID     string
	ClientSecret string
	RedirectURL  string   // the web layer's callback, registered with the provider
	Scopes       []string // default openid, profile, phone; openid is always added
	HTTPClient   *http.Client
	// Now is the clock for flow and token expiry; defaults to time.Now.
	Now func() time.Time
}

// Flow is what the web layer keeps between Begin and Finish, typically in a
// short-lived cookie that is HttpOnly, Secure, SameSite=Lax and scoped to the
// callback path. Verifier is a secret: never put it in a URL or a log.
type Flow struct {
	State    string
	Nonce    string
	Verifier string
	Created  time.Time
}

// Identity is the verified citizen. Subject is the 12-digit personal ID
// number; BirthDate is YYYY-MM-DD as the provider sent it. Email is contact
// data when the provider has it, never an identifier.
type Identity struct {
	Subject   string
	Name      string
	BirthDate string
	Phone     string
	Email     string
}

// RelyingParty runs logins against one provider. Safe for concurrent use.
type RelyingParty struct {
	cfg    Config
	now    func() time.Time
	client *http.Client
	ready  atomic.Pointer[endpoints]
	// lock serialises discovery; a channel so that waiting respects contexts.
	lock chan struct{}
}

// endpoints is what discovery yields.
type endpoints struct {
	oauth    oauth2.Config
	verifier *oidc.IDTokenVerifier
}

// New checks cfg. It does not contact the provider: discovery happens on the
// first Begin or Finish, so the provider may be served by the same process
// and still be starting.
func New(cfg Config) (*RelyingParty, error) {
	if cfg.ClientID == "" || cfg.ClientSecret == "" {
		return nil, errors.New("oidclogin: ClientID and ClientSecret are required")
	}
	for name, v := range map[string]string{"Issuer": cfg.Issuer, "RedirectURL": cfg.RedirectURL} {
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.Fragment != "" {
			return nil, fmt.Errorf("oidclogin: %s %q must be an absolute http(s) URL", name, v)
		}
	}
	scopes := []string{oidc.ScopeOpenID}
	if cfg.Scopes == nil {
		cfg.Scopes = []string{"profile", "phone"}
	}
	for _, s := range cfg.Scopes {
		if !slices.Contains(scopes, s) {
			scopes = append(scopes, s)
		}
	}
	cfg.Scopes = scopes
	rp := &RelyingParty{cfg: cfg, now: cfg.Now, client: cfg.HTTPClient, lock: make(chan struct{}, 1)}
	if rp.now == nil {
		rp.now = time.Now
	}
	if rp.client == nil {
		rp.client = &http.Client{Timeout: 15 * time.Second}
	}
	return rp, nil
}

// endpoints discovers the provider once. A failure is not remembered: the
// next call tries again.
func (rp *RelyingParty) endpoints(ctx context.Context) (*endpoints, error) {
	if e := rp.ready.Load(); e != nil {
		return e, nil
	}
	select {
	case rp.lock <- struct{}{}:
		defer func() { <-rp.lock }()
	case <-ctx.Done():
		return nil, fmt.Errorf("%w: %w", ErrDiscovery, ctx.Err())
	}
	if e := rp.ready.Load(); e != nil {
		return e, nil
	}
	p, err := oidc.NewProvider(oidc.ClientContext(ctx, rp.client), rp.cfg.Issuer)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrDiscovery, err)
	}
	var meta struct {
		AuthMethods []string `json:"token_endpoint_auth_methods_supported"`
	}
	if err := p.Claims(&meta); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrDiscovery, err)
	}
	ep := p.Endpoint()
	// Pick the method instead of letting oauth2 guess, which costs a failed
	// request per exchange when it guesses wrong. Basic is the default
	// when the provider does not say (OpenID Connect Discovery 1.0, 3).
	ep.AuthStyle = oauth2.AuthStyleInHeader
	if !slices.Contains(meta.AuthMethods, "client_secret_basic") && len(meta.AuthMethods) > 0 &&
		slices.Contains(meta.AuthMethods, "client_secret_post") {
		ep.AuthStyle = oauth2.AuthStyleInParams
	}
	e := &endpoints{
		oauth: oauth2.Config{
			ClientID:     rp.cfg.ClientID,
			ClientSecret: rp.cfg.ClientSecret,
			Endpoint:     ep,
			RedirectURL:  rp.cfg.RedirectURL,
			Scopes:       rp.cfg.Scopes,
		},
		verifier: p.Verifier(&oidc.Config{ClientID: rp.cfg.ClientID, Now: rp.now}),
	}
	rp.ready.Store(e)
	return e, nil
}

// Begin starts a login: send the browser to authURL and keep flow for Finish.
func (rp *RelyingParty) Begin(ctx context.Context) (authURL string, flow Flow, err error) {
	e, err := rp.endpoints(ctx)
	if err != nil {
		return "", Flow{}, err
	}
	flow = Flow{
		State:    rand.Text(),
		Nonce:    rand.Text(),
		Verifier: oauth2.GenerateVerifier(),
		Created:  rp.now(),
	}
	authURL = e.oauth.AuthCodeURL(flow.State, oidc.Nonce(flow.Nonce), oauth2.S256ChallengeOption(flow.Verifier))
	return authURL, flow, nil
}

// ParseCallback reads the provider's answer from the callback URL's query.
// An error response becomes ErrAccessDenied or ErrProvider; an iss
// parameter, when present, must name the configured issuer.
func (rp *RelyingParty) ParseCallback(query url.Values) (state, code string, err error) {
	state = query.Get("state")
	if iss := query.Get("iss"); iss != "" && iss != rp.cfg.Issuer {
		return state, "", fmt.Errorf("%w: %.200q", ErrIssuerMismatch, iss)
	}
	if e := query.Get("error"); e != "" {
		sentinel := ErrProvider
		if e == "access_denied" {
			sentinel = ErrAccessDenied
		}
		return state, "", fmt.Errorf("%w: %.100q: %.200q", sentinel, e, query.Get("error_description"))
	}
	code = query.Get("code")
	if code == "" {
		return state, "", ErrMissingCode
	}
	return state, code, nil
}

// Finish completes a login: it checks the flow and the state, exchanges the
// code (with the PKCE verifier), verifies the ID token and its nonce, and
// returns the citizen's identity.
func (rp *RelyingParty) Finish(ctx context.Context, flow Flow, gotState, code string) (Identity, error) {
	if flow.State == "" || flow.Nonce == "" || flow.Verifier == "" {
		return Identity{}, ErrMissingFlow
	}
	now := rp.now()
	// A flow from the future is as suspect as an old one.
	if age := now.Sub(flow.Created); age > FlowTTL || age < -time.Minute {
		return Identity{}, fmt.Errorf("%w: started %s ago", ErrExpiredFlow, age.Round(time.Second))
	}
	if subtle.ConstantTimeCompare([]byte(gotState), []byte(flow.State)) != 1 {
		return Identity{}, ErrStateMismatch
	}
	if code == "" {
		return Identity{}, ErrMissingCode
	}
	e, err := rp.endpoints(ctx)
	if err != nil {
		return Identity{}, err
	}
	tok, err := e.oauth.Exchange(oidc.ClientContext(ctx, rp.client), code, oauth2.VerifierOption(flow.Verifier))
	if err != nil {
		if re, ok := errors.AsType[*oauth2.RetrieveError](err); ok && re.ErrorCode == "invalid_grant" {
			return Identity{}, fmt.Errorf("%w: %w", ErrCodeRejected, err)
		}
		return Identity{}, fmt.Errorf("%w: %w", ErrExchange, err)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return Identity{}, fmt.Errorf("%w: the token response has no id_token", ErrInvalidIDToken)
	}
	idt, err := e.verifier.Verify(ctx, raw)
	if err != nil {
		return Identity{}, fmt.Errorf("%w: %w", ErrInvalidIDToken, err)
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(flow.Nonce)) != 1 {
		return Identity{}, ErrNonceMismatch
	}
	if idt.AccessTokenHash != "" {
		if err := idt.VerifyAccessToken(tok.AccessToken); err != nil {
			return Identity{}, fmt.Errorf("%w: %w", ErrInvalidIDToken, err)
		}
	}
	var claims struct {
		Name          string `json:"name"`
		BirthDate     string `json:"birthdate"`
		Phone         string `json:"phone_number"`
		Email         string `json:"email"`
		EmailVerified *bool  `json:"email_verified"`
	}
	if err := idt.Claims(&claims); err != nil {
		return Identity{}, fmt.Errorf("%w: %w", ErrInvalidIDToken, err)
	}
	if !isPersonalID(idt.Subject) {
		return Identity{}, fmt.Errorf("%w: %.40q", ErrInvalidSubject, idt.Subject)
	}
	id := Identity{Subject: idt.Subject, Name: claims.Name, BirthDate: claims.BirthDate, Phone: claims.Phone}
	if claims.EmailVerified == nil || *claims.EmailVerified {
		id.Email = claims.Email
	}
	return id, nil
}

// isPersonalID checks only the shape (12 digits); the identity domain checks
// the province and century digits.
func isPersonalID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
