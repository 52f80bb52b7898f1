package identity

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"net/url"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"egov/internal/apperr"
)

const totpPeriod = 30

// TOTPEnrolment is a secret offered to a user, not yet confirmed.
type TOTPEnrolment struct {
	Secret string // base32, for manual entry
	URL    string // otpauth:// URL, for the QR code
	Key    *otp.Key
}

var ErrTOTPAlreadyEnabled = apperr.New(apperr.Conflict, "totp.already_enabled",
	"Xác thực hai lớp đã được bật cho tài khoản này.", "Two-factor authentication is already on for this account.")

func (s *Service) totpContext(userID int64) string { return fmt.Sprintf("totp:%d", userID) }

// BeginTOTP creates a new secret for the user (replacing an unconfirmed
// one) and returns it for display.
func (s *Service) BeginTOTP(ctx context.Context, userID int64) (TOTPEnrolment, error) {
	u, err := s.User(ctx, userID)
	if err != nil {
		return TOTPEnrolment{}, err
	}
	if u.TOTPEnabled {
		return TOTPEnrolment{}, ErrTOTPAlreadyEnabled
	}
	key, err := totp.Generate(totp.GenerateOpts{Issuer: s.set.Issuer, AccountName: u.Username, Period: totpPeriod})
	if err != nil {
		return TOTPEnrolment{}, err
	}
	sealed := s.box.Seal([]byte(key.Secret()), s.totpContext(userID))
	if _, err := s.db.W.ExecContext(ctx, `UPDATE users SET totp_secret = $2, totp_last_step = 0 WHERE id = $1 AND totp_enabled_at IS NULL`,
		userID, sealed); err != nil {
		return TOTPEnrolment{}, err
	}
	return TOTPEnrolment{Secret: key.Secret(), URL: key.URL(), Key: key}, nil
}

// PendingTOTP returns the unconfirmed enrolment of a user, if any, so the
// enrolment page shows the same secret after a wrong code.
func (s *Service) PendingTOTP(ctx context.Context, userID int64) (TOTPEnrolment, bool, error) {
	var sealed, username string
	var enabled bool
	err := s.db.R.QueryRowContext(ctx, `SELECT totp_secret, username, totp_enabled_at IS NOT NULL FROM users WHERE id = $1`, userID).
		Scan(&sealed, &username, &enabled)
	if err != nil || sealed == "" || enabled {
		return TOTPEnrolment{}, false, err
	}
	secret, err := s.box.Open(sealed, s.totpContext(userID))
	if err != nil {
		return TOTPEnrolment{}, false, err
	}
	key, err := otp.NewKeyFromURL(fmt.Sprintf("otpauth://totp/%s:%s?secret=%s&issuer=%s&period=%d",
		url.PathEscape(s.set.Issuer), url.PathEscape(username), secret, url.QueryEscape(s.set.Issuer), totpPeriod))
	if err != nil {
		return TOTPEnrolment{}, false, err
	}
	return TOTPEnrolment{Secret: string(secret), URL: key.URL(), Key: key}, true, nil
}

// ConfirmTOTP turns the second factor on once the user proves their app
// has the secret, and returns ten single-use recovery codes (shown once).
// A StageEnrol session p is upgraded to a full one; the new session is
// returned when p was given.
func (s *Service) ConfirmTOTP(ctx context.Context, p *Principal, code string, c Client) ([]string, *LoginResult, error) {
	userID := p.User.ID
	var sealed string
	var enabled bool
	if err := s.db.R.QueryRowContext(ctx, `SELECT totp_secret, totp_enabled_at IS NOT NULL FROM users WHERE id = $1`, userID).
		Scan(&sealed, &enabled); err != nil {
		return nil, nil, err
	}
	if enabled {
		return nil, nil, ErrTOTPAlreadyEnabled
	}
	if sealed == "" {
		return nil, nil, ErrBadTOTP
	}
	secret, err := s.box.Open(sealed, s.totpContext(userID))
	if err != nil {
		return nil, nil, err
	}
	step, ok := validTOTP(string(secret), code, s.now())
	if !ok {
		return nil, nil, ErrBadTOTP
	}
	codes := make([]string, 10)
	for i := range codes {
		codes[i] = recoveryCode()
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET totp_enabled_at = $2, totp_last_step = $3 WHERE id = $1`, userID, s.nowUTC(), step); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM recovery_codes WHERE user_id = $1`, userID); err != nil {
			return err
		}
		for _, rc := range codes {
			if _, err := tx.ExecContext(ctx, `INSERT INTO recovery_codes(user_id, code_hash) VALUES ($1, $2)`, userID, hashRecovery(rc)); err != nil {
				return err
			}
		}
		return s.audit.Record(ctx, tx, "user.totp_enabled", "user", fmt.Sprint(userID), nil)
	})
	if err != nil {
		return nil, nil, err
	}
	if p.Stage == StageEnrol {
		res, err := s.upgrade(ctx, p, c, "session.enrolled")
		if err != nil {
			return nil, nil, err
		}
		return codes, &res, nil
	}
	return codes, nil, nil
}

// ResetTOTP turns a user's second factor off (an administrator helping a
// user who lost their phone); they must enrol again at the next login.
func (s *Service) ResetTOTP(ctx context.Context, userID int64) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET totp_secret = '', totp_enabled_at = NULL, totp_last_step = 0 WHERE id = $1`, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrUserNotFound
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM recovery_codes WHERE user_id = $1`, userID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, "user.totp_reset", "user", fmt.Sprint(userID), nil)
	})
}

// checkSecondFactor accepts a current TOTP code (each time step once) or
// an unused recovery code.
func (s *Service) checkSecondFactor(ctx context.Context, userID int64, code string) error {
	code = strings.ReplaceAll(strings.TrimSpace(code), " ", "")
	if code == "" || len(code) > 32 {
		return ErrBadTOTP
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		var sealed string
		var last int64
		if err := tx.QueryRowContext(ctx, `SELECT totp_secret, totp_last_step FROM users WHERE id = $1 AND totp_enabled_at IS NOT NULL`+
			s.db.ForUpdate(), userID).Scan(&sealed, &last); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return ErrBadTOTP
			}
			return err
		}
		if len(code) == 6 {
			secret, err := s.box.Open(sealed, s.totpContext(userID))
			if err != nil {
				return err
			}
			step, ok := validTOTP(string(secret), code, s.now())
			if !ok || step <= last {
				return ErrBadTOTP
			}
			_, err = tx.ExecContext(ctx, `UPDATE users SET totp_last_step = $2 WHERE id = $1`, userID, step)
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE recovery_codes SET used_at = $3 WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL`,
			userID, hashRecovery(code), s.nowUTC())
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrBadTOTP
		}
		return s.audit.Record(ctx, tx, "user.recovery_code_used", "user", fmt.Sprint(userID), nil)
	})
}

// validTOTP checks code at t with one step of clock skew either way and
// returns the matching time step.
func validTOTP(secret, code string, t time.Time) (int64, bool) {
	for _, d := range []int64{0, -1, 1} {
		at := t.Add(time.Duration(d*totpPeriod) * time.Second)
		ok, err := totp.ValidateCustom(code, secret, at, totp.ValidateOpts{Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
		if err == nil && ok {
			return at.Unix() / totpPeriod, true
		}
	}
	return 0, false
}

func recoveryCode() string {
	const alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
	b := make([]byte, 10)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b[:5]) + "-" + string(b[5:])
}

func hashRecovery(code string) string {
	code = strings.ToLower(strings.ReplaceAll(code, "-", ""))
	h := sha256.Sum256([]byte("egov-recovery:" + code))
	return hex.EncodeToString(h[:])
}
