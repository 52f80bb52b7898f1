package oidcdemo

import (
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"sync"
	"time"
)

var (
	errFull        = errors.New("too many pending codes or tokens")
	errUnknownCode = errors.New("unknown or expired authorization code")
	errReusedCode  = errors.New("authorization code already used")
)

// store keeps codes and access tokens in memory, keyed by their SHA-256 so
// that the map does not hold usable bearer secrets.
type store struct {
	mu        sync.Mutex
	codes     map[[32]byte]*codeGrant
	tokens    map[[32]byte]*accessToken
	lastSweep time.Time
}

type codeGrant struct {
	clientID    string
	redirectURI string
	nonce       string
	challenge   string
	scopes      []string
	citizen     Citizen
	authTime    time.Time
	expires     time.Time
	// A redeemed code is kept until the token it bought expires, so that a
	// second attempt can be recognised and that token revoked (RFC 6749 4.1.2).
	redeemed  bool
	token     [32]byte
	keepUntil time.Time
}

type accessToken struct {
	clientID string
	scopes   []string
	citizen  Citizen
	expires  time.Time
}

func newStore() *store {
	return &store{codes: map[[32]byte]*codeGrant{}, tokens: map[[32]byte]*accessToken{}}
}

// newSecret returns 256 random bits as URL-safe text.
func newSecret() string { return rand.Text() + rand.Text() }

func key(secret string) [32]byte { return sha256.Sum256([]byte(secret)) }

func (s *store) putCode(code string, g *codeGrant, now time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.roomLocked(len(s.codes), now) {
		return errFull
	}
	g.keepUntil = g.expires
	s.codes[key(code)] = g
	return nil
}

// redeemCode marks a code used and returns its grant. Each code gets exactly
// one attempt: later checks (client, redirect URI, PKCE) that fail still
// burn it.
func (s *store) redeemCode(code string, now time.Time) (codeGrant, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := key(code)
	g, ok := s.codes[k]
	switch {
	case !ok:
		return codeGrant{}, errUnknownCode
	case g.redeemed:
		delete(s.tokens, g.token)
		delete(s.codes, k)
		return codeGrant{}, errReusedCode
	case now.After(g.expires):
		delete(s.codes, k)
		return codeGrant{}, errUnknownCode
	}
	g.redeemed = true
	return *g, nil
}

// putToken stores an access token bought with code.
func (s *store) putToken(code, token string, t *accessToken, now time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.roomLocked(len(s.tokens), now) {
		return errFull
	}
	tk := key(token)
	s.tokens[tk] = t
	if g, ok := s.codes[key(code)]; ok {
		g.token = tk
		g.keepUntil = t.expires
	}
	return nil
}

func (s *store) token(token string, now time.Time) (accessToken, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tokens[key(token)]
	if !ok || now.After(t.expires) {
		return accessToken{}, false
	}
	return *t, true
}

// roomLocked sweeps expired entries at most once a minute, or at once when a
// map is full, and reports whether there is room for one more.
func (s *store) roomLocked(n int, now time.Time) bool {
	if n < maxPending && now.Sub(s.lastSweep) < time.Minute {
		return true
	}
	s.lastSweep = now
	for k, g := range s.codes {
		if now.After(g.keepUntil) {
			delete(s.codes, k)
		}
	}
	for k, t := range s.tokens {
		if now.After(t.expires) {
			delete(s.tokens, k)
		}
	}
	return len(s.codes) < maxPending && len(s.tokens) < maxPending
}
