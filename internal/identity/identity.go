// Package identity holds who is who in egov: agencies and their units as
// one tree (surrogate keys; the official code is an attribute with
// history), users and their roles scoped to agencies, passwords (argon2id),
// server-side sessions shared by browser cookies and API tokens, TOTP
// second factor for officials, and failed-login throttling shared by all
// replicas. It knows nothing of HTTP.
package identity

import (
	"context"
	"database/sql"
	"time"

	"egov/internal/audit"
	"egov/internal/platform/secretbox"
	"egov/internal/platform/sqldb"
)

// Settings tune the service.
type Settings struct {
	SessionTTL  time.Duration // lifetime of a session
	RequireTOTP bool          // officials must enrol a second factor
	Issuer      string        // TOTP issuer label, e.g. "egov Lạng Sơn"
}

// Service is the identity service.
type Service struct {
	db    *sqldb.DB
	audit *audit.Log
	box   *secretbox.Box
	now   func() time.Time
	set   Settings
	// merged is told, after the merger is recorded, that an agency was
	// merged into another (the certificates naming it are retired).
	merged func(ctx context.Context, from, into int64)
}

// SetMergeHook sets what runs after an agency is merged into another
// (before the service is used).
func (s *Service) SetMergeHook(fn func(ctx context.Context, from, into int64)) { s.merged = fn }

// New returns the service. now is the clock.
func New(db *sqldb.DB, log *audit.Log, box *secretbox.Box, now func() time.Time, set Settings) *Service {
	if now == nil {
		now = time.Now
	}
	if set.SessionTTL <= 0 {
		set.SessionTTL = 12 * time.Hour
	}
	if set.Issuer == "" {
		set.Issuer = "egov"
	}
	return &Service{db: db, audit: log, box: box, now: now, set: set}
}

// RequireTOTP reports whether officials must use a second factor.
func (s *Service) RequireTOTP() bool { return s.set.RequireTOTP }

// tx runs fn in a transaction.
func (s *Service) tx(ctx context.Context, fn func(tx *sql.Tx) error) error { return s.db.Tx(ctx, fn) }

func (s *Service) nowUTC() time.Time { return sqldb.UTC(s.now()) }
