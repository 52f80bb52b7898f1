package identity

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/riverqueue/river"

	"egov/internal/apperr"
	"egov/internal/platform/jobs"
	"egov/internal/platform/sqldb"
)

// SessionKind tells browser sessions from API tokens.
type SessionKind string

const (
	SessionWeb SessionKind = "web"
	SessionAPI SessionKind = "api"
)

// Stage is how far a login has got.
type Stage string

const (
	StageFull  Stage = "full"  // signed in
	StageMFA   Stage = "mfa"   // password accepted, second factor pending
	StageEnrol Stage = "enrol" // password accepted, must enrol a second factor first
)

// Principal is the signed-in user of a request.
type Principal struct {
	User      User
	Stage     Stage
	Kind      SessionKind
	ExpiresAt time.Time
	tokenHash string
}

// Has reports whether the user holds role anywhere.
func (p *Principal) Has(role Role) bool {
	if p == nil || p.Stage != StageFull {
		return false
	}
	for _, g := range p.User.Grants {
		if g.Role == role {
			return true
		}
	}
	return false
}

// HasAny reports whether the user holds any of the roles.
func (p *Principal) HasAny(roles ...Role) bool {
	return slices.ContainsFunc(roles, p.Has)
}

// AgenciesFor returns the agencies where the user holds role.
func (p *Principal) AgenciesFor(role Role) []int64 {
	if p == nil || p.Stage != StageFull {
		return nil
	}
	var out []int64
	for _, g := range p.User.Grants {
		if g.Role == role && g.AgencyID != 0 {
			out = append(out, g.AgencyID)
		}
	}
	return out
}

// IsSystemAdmin reports whether the user administers the whole system.
func (p *Principal) IsSystemAdmin() bool { return p.Has(RoleSystemAdmin) }

// ActingAgency is the agency the user acts for by default (the first
// agency they hold a role in), 0 for none.
func (p *Principal) ActingAgency() int64 {
	if p == nil {
		return 0
	}
	for _, g := range p.User.Grants {
		if g.AgencyID != 0 {
			return g.AgencyID
		}
	}
	return 0
}

// Within reports whether agencyID is role's agency of the user or lies
// under one of them in the tree (an agency admin of a department manages
// its units too). System admins are within everything.
func (s *Service) Within(ctx context.Context, p *Principal, role Role, agencyID int64) (bool, error) {
	if p.IsSystemAdmin() {
		return true, nil
	}
	held := p.AgenciesFor(role)
	if len(held) == 0 || agencyID == 0 {
		return false, nil
	}
	anc, err := ancestors(ctx, s.db.R, agencyID)
	if err != nil {
		return false, err
	}
	for _, a := range anc {
		if slices.Contains(held, a) {
			return true, nil
		}
	}
	return false, nil
}

// Subtree returns the agencies at or below the roots.
func (s *Service) Subtree(ctx context.Context, roots []int64) ([]int64, error) {
	all, err := s.Agencies(ctx)
	if err != nil {
		return nil, err
	}
	in := map[int64]bool{}
	for _, r := range roots {
		in[r] = true
	}
	// TreeOrder puts parents first, so one pass suffices.
	var out []int64
	for _, a := range all {
		if in[a.ParentID] {
			in[a.ID] = true
		}
		if in[a.ID] {
			out = append(out, a.ID)
		}
	}
	return out, nil
}

func newToken() (token, hash string) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, hashToken(token)
}

func hashToken(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// Client describes where a request comes from.
type Client struct {
	IP        string
	UserAgent string
}

func (s *Service) createSession(ctx context.Context, tx *sql.Tx, userID int64, kind SessionKind, stage Stage, c Client) (string, time.Time, error) {
	token, hash := newToken()
	now := s.nowUTC()
	ttl := s.set.SessionTTL
	if stage != StageFull {
		ttl = 10 * time.Minute // time to finish the second factor
	}
	exp := now.Add(ttl)
	ua := c.UserAgent
	if len(ua) > 300 {
		ua = ua[:300]
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO sessions(id_hash, user_id, kind, stage, created_at, expires_at, last_seen_at, ip, user_agent)
		VALUES ($1, $2, $3, $4, $5, $6, $5, $7, $8)`, hash, userID, kind, stage, now, exp, c.IP, ua)
	return token, exp, err
}

// ErrSessionInvalid means the token is unknown, expired or revoked.
var ErrSessionInvalid = apperr.New(apperr.Unauthenticated, "session.invalid",
	"Phiên đăng nhập đã hết hạn hoặc không hợp lệ. Vui lòng đăng nhập lại.",
	"Your session has expired or is not valid. Please sign in again.")

// Session resolves a token to its principal.
func (s *Service) Session(ctx context.Context, token string) (*Principal, error) {
	if token == "" || len(token) > 100 {
		return nil, ErrSessionInvalid
	}
	hash := hashToken(token)
	var p Principal
	var userID int64
	var lastSeen time.Time
	err := s.db.R.QueryRowContext(ctx, `SELECT user_id, kind, stage, expires_at, last_seen_at FROM sessions WHERE id_hash = $1`, hash).
		Scan(&userID, &p.Kind, &p.Stage, &p.ExpiresAt, &lastSeen)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrSessionInvalid
	}
	if err != nil {
		return nil, err
	}
	now := s.now()
	if !now.Before(p.ExpiresAt) {
		return nil, ErrSessionInvalid
	}
	u, err := getUser(ctx, s.db.R, `id = $1`, userID)
	if err != nil {
		return nil, err
	}
	if u.Disabled {
		return nil, ErrSessionInvalid
	}
	p.User, p.tokenHash = u, hash
	if now.Sub(lastSeen) > 5*time.Minute {
		// Coarse, to keep writes off the hot path.
		_, _ = s.db.W.ExecContext(ctx, `UPDATE sessions SET last_seen_at = $2 WHERE id_hash = $1`, hash, sqldb.UTC(now))
	}
	return &p, nil
}

// Logout ends the session of token.
func (s *Service) Logout(ctx context.Context, p *Principal) error {
	if p == nil {
		return nil
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE id_hash = $1`, p.tokenHash); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, "session.logout", "user", fmt.Sprint(p.User.ID), map[string]any{"kind": p.Kind})
	})
}

// CleanupSessions deletes expired sessions and stale throttle counters.
func (s *Service) CleanupSessions(ctx context.Context, tx *sql.Tx) (int64, error) {
	now := s.nowUTC()
	res, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at < $1`, now)
	if err != nil {
		return 0, err
	}
	n, _ := res.RowsAffected()
	_, err = tx.ExecContext(ctx, `DELETE FROM login_throttle WHERE window_start < $1 AND (locked_until IS NULL OR locked_until < $2)`,
		now.Add(-throttleWindow), now)
	return n, err
}

// CleanupArgs asks for expired sessions to be removed.
type CleanupArgs struct {
	Slot time.Time `json:"slot"`
}

// Kind implements river.JobArgs.
func (CleanupArgs) Kind() string { return "session_cleanup" }

// CleanupWorker removes expired sessions, completing the job in the same
// transaction.
type CleanupWorker struct {
	river.WorkerDefaults[CleanupArgs]
	Service *Service
}

// Work implements river.Worker.
func (w *CleanupWorker) Work(ctx context.Context, job *river.Job[CleanupArgs]) error {
	return w.Service.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := w.Service.CleanupSessions(ctx, tx); err != nil {
			return err
		}
		return jobs.CompleteTx(ctx, tx, job)
	})
}

// PeriodicCleanup is the periodic session clean-up job.
func PeriodicCleanup(every time.Duration) *river.PeriodicJob {
	return jobs.Periodic(every, func(slot time.Time) river.JobArgs { return CleanupArgs{Slot: slot} })
}
