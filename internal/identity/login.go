package identity

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"egov/internal/apperr"
	"egov/internal/audit"
)

// Throttling: after userFailures wrong passwords within throttleWindow an
// account is locked for lockFor; an address is locked after ipFailures.
// Counters live in the database, so every replica sees them.
const (
	throttleWindow = 15 * time.Minute
	lockFor        = 15 * time.Minute
	userFailures   = 5
	ipFailures     = 30
)

var (
	ErrBadCredentials = apperr.New(apperr.Unauthenticated, "login.bad_credentials",
		"Tên đăng nhập hoặc mật khẩu không đúng.", "Wrong username or password.")
	ErrAccountDisabled = apperr.New(apperr.Forbidden, "login.disabled",
		"Tài khoản đã bị vô hiệu hóa. Vui lòng liên hệ quản trị viên.", "This account is disabled. Please contact an administrator.")
	ErrTOTPRequired = apperr.New(apperr.Unauthenticated, "login.totp_required",
		"Vui lòng nhập mã xác thực hai lớp (6 chữ số) từ ứng dụng xác thực.", "Enter the 6-digit code from your authenticator app.")
	ErrBadTOTP = apperr.New(apperr.Unauthenticated, "login.totp_invalid",
		"Mã xác thực không đúng hoặc đã hết hạn.", "The verification code is wrong or has expired.")
	ErrTOTPEnrolmentRequired = apperr.New(apperr.Forbidden, "login.totp_enrolment_required",
		"Tài khoản cán bộ phải đăng ký xác thực hai lớp. Vui lòng đăng nhập trên trang web để đăng ký.",
		"Official accounts must enrol two-factor authentication. Please sign in on the web site to enrol.")
	ErrPasswordLoginNotAllowed = apperr.New(apperr.Forbidden, "login.use_oidc",
		"Tài khoản này đăng nhập qua Cổng định danh điện tử.", "This account signs in through the national identity provider.")
)

func lockedError(until, now time.Time) *apperr.Error {
	min := int(math.Ceil(until.Sub(now).Minutes()))
	if min < 1 {
		min = 1
	}
	return apperr.New(apperr.TooMany, "login.locked",
		fmt.Sprintf("Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau %d phút.", min),
		fmt.Sprintf("Too many failed sign-ins. Please try again in %d minutes.", min))
}

// LoginRequest is a password sign-in.
type LoginRequest struct {
	Username string
	Password string
	TOTP     string // API sign-in of an enrolled official: the code, in the same request
	Kind     SessionKind
	Client   Client
}

// LoginResult is a created session.
type LoginResult struct {
	Token     string
	ExpiresAt time.Time
	Stage     Stage
	User      User
}

// Login checks a password (and, for API logins, the second factor) and
// opens a session. Web logins of enrolled officials get a StageMFA session
// to be completed by CompleteMFA.
func (s *Service) Login(ctx context.Context, req LoginRequest) (LoginResult, error) {
	username := strings.ToLower(strings.TrimSpace(req.Username))
	if username == "" || len(username) > 64 || req.Password == "" || len(req.Password) > 256 {
		return LoginResult{}, ErrBadCredentials
	}
	acc, err := s.checkPassword(ctx, username, req.Password, req.Client)
	if err != nil {
		return LoginResult{}, err
	}
	id, kind, totpOn, stale := acc.id, acc.kind, acc.totpOn, acc.stale
	stage := StageFull
	switch {
	case kind == UserOfficial && totpOn && req.Kind == SessionAPI:
		if req.TOTP == "" {
			return LoginResult{}, ErrTOTPRequired
		}
		if err := s.checkSecondFactor(ctx, id, req.TOTP); err != nil {
			if apperr.IsCode(err, apperr.Unauthenticated) {
				return LoginResult{}, s.failed(ctx, username, req.Client, "bad_totp")
			}
			return LoginResult{}, err
		}
	case kind == UserOfficial && totpOn:
		stage = StageMFA
	case kind == UserOfficial && s.set.RequireTOTP:
		if req.Kind == SessionAPI {
			return LoginResult{}, ErrTOTPEnrolmentRequired
		}
		stage = StageEnrol
	}
	var res LoginResult
	err = s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM login_throttle WHERE key = $1`, "u:"+username); err != nil {
			return err
		}
		if stale {
			if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $2 WHERE id = $1`, id, HashPassword(req.Password)); err != nil {
				return err
			}
		}
		token, exp, err := s.createSession(ctx, tx, id, req.Kind, stage, req.Client)
		if err != nil {
			return err
		}
		res = LoginResult{Token: token, ExpiresAt: exp, Stage: stage}
		actx := audit.WithActor(ctx, s.actorFor(ctx, id, username, req.Client))
		return s.audit.Record(actx, tx, "session.login", "user", fmt.Sprint(id), map[string]any{"kind": req.Kind, "stage": stage})
	})
	if err != nil {
		return LoginResult{}, err
	}
	res.User, err = s.User(ctx, id)
	return res, err
}

type checkedAccount struct {
	id     int64
	kind   UserKind
	totpOn bool
	stale  bool
}

// checkPassword applies the lockout, checks the password (in constant
// time for unknown users too) and counts failures.
func (s *Service) checkPassword(ctx context.Context, username, password string, c Client) (checkedAccount, error) {
	now := s.now()
	if until, err := s.lockedUntil(ctx, username, c.IP); err != nil {
		return checkedAccount{}, err
	} else if until.After(now) {
		return checkedAccount{}, lockedError(until, now)
	}
	var (
		acc      checkedAccount
		hash     string
		disabled bool
	)
	err := s.db.R.QueryRowContext(ctx, `SELECT id, password_hash, kind, disabled_at IS NOT NULL, totp_enabled_at IS NOT NULL
		FROM users WHERE username = $1`, username).Scan(&acc.id, &hash, &acc.kind, &disabled, &acc.totpOn)
	if errors.Is(err, sql.ErrNoRows) {
		_, _, _ = CheckPassword(dummyHash(), password)
		return acc, s.failed(ctx, username, c, "unknown_user")
	}
	if err != nil {
		return acc, err
	}
	if hash == "" {
		_, _, _ = CheckPassword(dummyHash(), password)
		return acc, ErrPasswordLoginNotAllowed
	}
	ok, stale, err := CheckPassword(hash, password)
	if err != nil {
		return acc, err
	}
	if !ok {
		return acc, s.failed(ctx, username, c, "bad_password")
	}
	if disabled {
		return acc, ErrAccountDisabled
	}
	acc.stale = stale
	return acc, nil
}

// VerifyCitizen checks a citizen's password without opening a session:
// the demo identity provider authenticates the demo citizens with it.
func (s *Service) VerifyCitizen(ctx context.Context, username, password string, c Client) (User, error) {
	username = strings.ToLower(strings.TrimSpace(username))
	if username == "" || len(username) > 64 || password == "" || len(password) > 256 {
		return User{}, ErrBadCredentials
	}
	acc, err := s.checkPassword(ctx, username, password, c)
	if err != nil {
		return User{}, err
	}
	u, err := s.User(ctx, acc.id)
	if err != nil {
		return User{}, err
	}
	if u.Kind != UserCitizen || u.PersonalID == "" {
		return User{}, ErrBadCredentials
	}
	if _, err := s.db.W.ExecContext(ctx, `DELETE FROM login_throttle WHERE key = $1`, "u:"+username); err != nil {
		return User{}, err
	}
	return u, nil
}

// actorFor makes the audit actor of a user who has just proven who they
// are (before the request's principal exists).
func (s *Service) actorFor(ctx context.Context, id int64, username string, c Client) audit.Actor {
	a := audit.ActorFrom(ctx)
	a.UserID, a.Username, a.IP = id, username, c.IP
	if gs, err := grants(ctx, s.db.R, id); err == nil {
		for _, g := range gs {
			if g.AgencyID != 0 {
				a.AgencyID = g.AgencyID
				break
			}
		}
	}
	return a
}

// CompleteMFA checks the second factor of a StageMFA session and replaces
// it with a full session (a new token: privileges changed).
func (s *Service) CompleteMFA(ctx context.Context, p *Principal, code string, c Client) (LoginResult, error) {
	if p == nil || p.Stage != StageMFA {
		return LoginResult{}, ErrSessionInvalid
	}
	now := s.now()
	if until, err := s.lockedUntil(ctx, p.User.Username, c.IP); err != nil {
		return LoginResult{}, err
	} else if until.After(now) {
		return LoginResult{}, lockedError(until, now)
	}
	if err := s.checkSecondFactor(ctx, p.User.ID, code); err != nil {
		if apperr.IsCode(err, apperr.Unauthenticated) {
			return LoginResult{}, s.failed(ctx, p.User.Username, c, "bad_totp")
		}
		return LoginResult{}, err
	}
	return s.upgrade(ctx, p, c, "session.mfa")
}

// upgrade replaces a partial session with a full one.
func (s *Service) upgrade(ctx context.Context, p *Principal, c Client, action string) (LoginResult, error) {
	var res LoginResult
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE id_hash = $1`, p.tokenHash); err != nil {
			return err
		}
		token, exp, err := s.createSession(ctx, tx, p.User.ID, p.Kind, StageFull, c)
		if err != nil {
			return err
		}
		res = LoginResult{Token: token, ExpiresAt: exp, Stage: StageFull, User: p.User}
		actx := audit.WithActor(ctx, s.actorFor(ctx, p.User.ID, p.User.Username, c))
		return s.audit.Record(actx, tx, action, "user", fmt.Sprint(p.User.ID), nil)
	})
	return res, err
}

func (s *Service) lockedUntil(ctx context.Context, username, ip string) (time.Time, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT locked_until FROM login_throttle WHERE key IN ($1, $2) AND locked_until IS NOT NULL`,
		"u:"+username, "ip:"+ip)
	if err != nil {
		return time.Time{}, err
	}
	defer rows.Close()
	var max time.Time
	for rows.Next() {
		var t time.Time
		if err := rows.Scan(&t); err != nil {
			return time.Time{}, err
		}
		if t.After(max) {
			max = t
		}
	}
	return max, rows.Err()
}

// failed counts a failure against the username and the address and
// returns the error to show.
func (s *Service) failed(ctx context.Context, username string, c Client, why string) error {
	now := s.nowUTC()
	var lockedUser time.Time
	err := s.tx(ctx, func(tx *sql.Tx) error {
		for _, k := range []struct {
			key   string
			limit int
		}{{"u:" + username, userFailures}, {"ip:" + c.IP, ipFailures}} {
			if k.key == "ip:" {
				continue
			}
			var locked sql.NullTime
			err := tx.QueryRowContext(ctx, `INSERT INTO login_throttle(key, failures, window_start) VALUES ($1, 1, $2)
				ON CONFLICT (key) DO UPDATE SET
					failures = CASE WHEN login_throttle.window_start < $3 THEN 1 ELSE login_throttle.failures + 1 END,
					window_start = CASE WHEN login_throttle.window_start < $3 THEN $2 ELSE login_throttle.window_start END,
					locked_until = CASE
						WHEN login_throttle.window_start >= $3 AND login_throttle.failures + 1 >= $4 THEN $5
						ELSE login_throttle.locked_until END
				RETURNING locked_until`,
				k.key, now, now.Add(-throttleWindow), k.limit, now.Add(lockFor)).Scan(&locked)
			if err != nil {
				return err
			}
			if locked.Valid && strings.HasPrefix(k.key, "u:") {
				lockedUser = locked.Time
			}
		}
		actx := audit.WithActor(ctx, audit.Actor{Username: username, IP: c.IP, RequestID: audit.ActorFrom(ctx).RequestID})
		return s.audit.Record(actx, tx, "session.login_failed", "user", username, map[string]any{"reason": why})
	})
	if err != nil {
		return err
	}
	if lockedUser.After(now) {
		return lockedError(lockedUser, now)
	}
	if why == "bad_totp" {
		return ErrBadTOTP
	}
	return ErrBadCredentials
}
