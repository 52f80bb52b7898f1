package oidcdemo

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// tokenError is an OAuth 2.0 error response (RFC 6749 5.2).
type tokenError struct {
	status int
	Code   string `json:"error"`
	Desc   string `json:"error_description,omitempty"`
}

func errInvalidRequest(desc string) *tokenError {
	return &tokenError{http.StatusBadRequest, "invalid_request", desc}
}

func errInvalidGrant(desc string) *tokenError {
	return &tokenError{http.StatusBadRequest, "invalid_grant", desc}
}

var errInvalidClient = &tokenError{http.StatusUnauthorized, "invalid_client", "client authentication failed"}

type tokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int64  `json:"expires_in"`
	IDToken     string `json:"id_token"`
	Scope       string `json:"scope"`
}

type userClaims struct {
	Name      string `json:"name,omitempty"`
	BirthDate string `json:"birthdate,omitempty"`
	Phone     string `json:"phone_number,omitempty"`
}

type idTokenClaims struct {
	Issuer   string `json:"iss"`
	Subject  string `json:"sub"`
	Audience string `json:"aud"`
	Expiry   int64  `json:"exp"`
	IssuedAt int64  `json:"iat"`
	AuthTime int64  `json:"auth_time"`
	Nonce    string `json:"nonce,omitempty"`
	ATHash   string `json:"at_hash"`
	userClaims
}

type userinfoResponse struct {
	Subject string `json:"sub"`
	userClaims
}

func (p *Provider) token(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	resp, terr := p.exchange(r)
	if terr != nil {
		if terr.status == http.StatusUnauthorized {
			w.Header().Set("WWW-Authenticate", `Basic realm="`+p.issuer+`"`)
		}
		writeJSON(w, terr.status, terr)
		return
	}
	writeJSON(w, http.StatusOK, resp)
}

func (p *Provider) exchange(r *http.Request) (*tokenResponse, *tokenError) {
	if err := r.ParseForm(); err != nil {
		return nil, errInvalidRequest("the body must be a form of at most 16 KiB")
	}
	form := r.PostForm
	for _, vs := range form {
		if len(vs) > 1 {
			return nil, errInvalidRequest("parameters must not repeat")
		}
	}
	c, terr := p.authenticateClient(r, form)
	if terr != nil {
		return nil, terr
	}
	if form.Get("grant_type") != grantTypeCode {
		return nil, &tokenError{http.StatusBadRequest, "unsupported_grant_type", "only authorization_code is supported"}
	}
	code := form.Get("code")
	if code == "" {
		return nil, errInvalidRequest("code is required")
	}
	now := p.now()
	g, err := p.store.redeemCode(code, now)
	if errors.Is(err, errReusedCode) {
		p.log.WarnContext(r.Context(), "oidcdemo: authorization code used twice; its access token is revoked", "client_id", c.ID)
	}
	switch {
	case err != nil:
		return nil, errInvalidGrant(err.Error())
	case g.clientID != c.ID:
		return nil, errInvalidGrant("the code was issued to another client")
	case form.Get("redirect_uri") != g.redirectURI:
		return nil, errInvalidGrant("redirect_uri does not match the authorization request")
	case !pkceMatches(form.Get("code_verifier"), g.challenge):
		return nil, errInvalidGrant("code_verifier does not match code_challenge")
	}

	at := newSecret()
	expires := now.Add(tokenTTL)
	if err := p.store.putToken(code, at, &accessToken{clientID: c.ID, scopes: g.scopes, citizen: g.citizen, expires: expires}, now); err != nil {
		p.log.ErrorContext(r.Context(), "oidcdemo: cannot store access token", "err", err)
		return nil, &tokenError{http.StatusServiceUnavailable, "temporarily_unavailable", "try again later"}
	}
	atHash := sha256.Sum256([]byte(at))
	idt, err := p.sign(idTokenClaims{
		Issuer:     p.issuer,
		Subject:    g.citizen.Subject,
		Audience:   c.ID,
		Expiry:     expires.Unix(),
		IssuedAt:   now.Unix(),
		AuthTime:   g.authTime.Unix(),
		Nonce:      g.nonce,
		ATHash:     base64.RawURLEncoding.EncodeToString(atHash[:16]),
		userClaims: claimsFor(g.citizen, g.scopes),
	})
	if err != nil {
		p.log.ErrorContext(r.Context(), "oidcdemo: cannot sign ID token", "err", err)
		return nil, &tokenError{http.StatusInternalServerError, "server_error", "cannot sign the ID token"}
	}
	return &tokenResponse{
		AccessToken: at,
		TokenType:   "Bearer",
		ExpiresIn:   int64(tokenTTL / time.Second),
		IDToken:     idt,
		Scope:       strings.Join(g.scopes, " "),
	}, nil
}

func (p *Provider) sign(claims idTokenClaims) (string, error) {
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	jws, err := p.signer.Sign(payload)
	if err != nil {
		return "", err
	}
	return jws.CompactSerialize()
}

// authenticateClient accepts client_secret_basic or client_secret_post, not
// both at once (RFC 6749 2.3).
func (p *Provider) authenticateClient(r *http.Request, form url.Values) (client, *tokenError) {
	id, secret, basic := r.BasicAuth()
	if basic {
		if form.Has("client_secret") {
			return client{}, errInvalidRequest("use one client authentication method")
		}
		// RFC 6749 2.3.1: both parts are form-encoded before Basic encoding.
		var err1, err2 error
		id, err1 = url.QueryUnescape(id)
		secret, err2 = url.QueryUnescape(secret)
		if err1 != nil || err2 != nil {
			return client{}, errInvalidClient
		}
		if form.Has("client_id") && form.Get("client_id") != id {
			return client{}, errInvalidRequest("client_id differs from the authenticated client")
		}
	} else {
		id, secret = form.Get("client_id"), form.Get("client_secret")
	}
	c, ok := p.clients[id]
	given := sha256.Sum256([]byte(secret))
	// Hashing first makes the comparison independent of the secret's length.
	if !ok || secret == "" || subtle.ConstantTimeCompare(given[:], c.secretHash[:]) != 1 {
		p.log.InfoContext(r.Context(), "oidcdemo: client authentication failed", "client_id", id)
		return client{}, errInvalidClient
	}
	return c, nil
}

// pkceMatches checks an RFC 7636 code verifier against an S256 challenge.
func pkceMatches(verifier, challenge string) bool {
	if len(verifier) < 43 || len(verifier) > 128 {
		return false
	}
	for _, c := range verifier {
		if !isUnreserved(c) {
			return false
		}
	}
	sum := sha256.Sum256([]byte(verifier))
	got := base64.RawURLEncoding.EncodeToString(sum[:])
	return subtle.ConstantTimeCompare([]byte(got), []byte(challenge)) == 1
}

// claimsFor releases the claims the granted scopes cover.
func claimsFor(c Citizen, scopes []string) userClaims {
	var u userClaims
	if slices.Contains(scopes, scopeProfile) {
		u.Name, u.BirthDate = c.Name, c.BirthDate
	}
	if slices.Contains(scopes, scopePhone) {
		u.Phone = c.Phone
	}
	return u
}

func (p *Provider) userinfo(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	scheme, tok, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	if !strings.EqualFold(scheme, "Bearer") || tok == "" {
		w.Header().Set("WWW-Authenticate", `Bearer realm="`+p.issuer+`"`)
		writeJSON(w, http.StatusUnauthorized, &tokenError{Code: "invalid_request", Desc: "a bearer token is required"})
		return
	}
	t, ok := p.store.token(tok, p.now())
	if !ok {
		w.Header().Set("WWW-Authenticate", `Bearer realm="`+p.issuer+`", error="invalid_token"`)
		writeJSON(w, http.StatusUnauthorized, &tokenError{Code: "invalid_token", Desc: "the access token is unknown or expired"})
		return
	}
	writeJSON(w, http.StatusOK, userinfoResponse{Subject: t.citizen.Subject, userClaims: claimsFor(t.citizen, t.scopes)})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
