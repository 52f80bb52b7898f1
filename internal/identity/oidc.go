package identity

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"egov/internal/apperr"
	"egov/internal/audit"
)

// ExternalIdentity is what the national identity provider asserts about a
// citizen (OpenID Connect claims).
type ExternalIdentity struct {
	Subject   string // 12-digit personal ID number
	Name      string
	BirthDate string
	Phone     string
	Email     string
}

var ErrIdentityNotCitizen = apperr.New(apperr.Forbidden, "login.oidc_not_citizen",
	"Số định danh này gắn với một tài khoản không phải công dân; vui lòng đăng nhập bằng tên đăng nhập.",
	"This personal ID number belongs to a non-citizen account; please sign in with your username.")

// LoginExternal opens a session for a citizen proven by the identity
// provider. The first login creates the account (username = personal ID
// number); later logins refresh name, birth date and phone from the claims.
func (s *Service) LoginExternal(ctx context.Context, id ExternalIdentity, c Client) (LoginResult, error) {
	if !personalIDRe.MatchString(id.Subject) {
		return LoginResult{}, apperr.New(apperr.Unauthenticated, "login.oidc_bad_subject",
			"Cổng định danh trả về số định danh không hợp lệ.", "The identity provider returned an invalid personal ID number.")
	}
	var res LoginResult
	var uid int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var kind UserKind
		var disabled bool
		err := tx.QueryRowContext(ctx, `SELECT id, kind, disabled_at IS NOT NULL FROM users WHERE personal_id = $1`, id.Subject).
			Scan(&uid, &kind, &disabled)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			u, err := s.CreateUserTx(audit.WithActor(ctx, audit.Actor{Username: id.Subject, IP: c.IP}), tx, UserInput{
				Username: id.Subject, Kind: UserCitizen, FullName: id.Name, PersonalID: id.Subject,
				BirthDate: id.BirthDate, Phone: id.Phone, Email: id.Email,
			})
			if err != nil {
				return err
			}
			uid = u.ID
		case err != nil:
			return err
		case kind != UserCitizen:
			return ErrIdentityNotCitizen
		case disabled:
			return ErrAccountDisabled
		default:
			if _, err := tx.ExecContext(ctx, `UPDATE users SET full_name = $2, birth_date = $3,
				phone = CASE WHEN $4 = '' THEN phone ELSE $4 END, updated_at = $5 WHERE id = $1`,
				uid, id.Name, id.BirthDate, id.Phone, s.nowUTC()); err != nil {
				return err
			}
		}
		token, exp, err := s.createSession(ctx, tx, uid, SessionWeb, StageFull, c)
		if err != nil {
			return err
		}
		res = LoginResult{Token: token, ExpiresAt: exp, Stage: StageFull}
		actx := audit.WithActor(ctx, audit.Actor{UserID: uid, Username: id.Subject, IP: c.IP, RequestID: audit.ActorFrom(ctx).RequestID})
		return s.audit.Record(actx, tx, "session.login", "user", fmt.Sprint(uid), map[string]any{"kind": SessionWeb, "via": "oidc"})
	})
	if err != nil {
		return LoginResult{}, err
	}
	res.User, err = s.User(ctx, uid)
	return res, err
}
