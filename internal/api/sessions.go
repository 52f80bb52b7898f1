package api

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"egov/internal/audit"
	"egov/internal/identity"
)

type sessionIn struct {
	Body struct {
		Username string `json:"username" minLength:"1" maxLength:"64" doc:"Tên đăng nhập / username"`
		Password string `json:"password" minLength:"1" maxLength:"256" doc:"Mật khẩu / password"`
		TOTP     string `json:"totp,omitempty" maxLength:"32" doc:"Mã xác thực hai lớp hoặc mã khôi phục, bắt buộc với cán bộ đã bật / second-factor code or recovery code, required for officials who enrolled"`
	}
	UserAgent string `header:"User-Agent"`
}

type sessionOut struct {
	Body struct {
		Token     string    `json:"token" doc:"Bearer token for the Authorization header"`
		ExpiresAt time.Time `json:"expires_at"`
	}
}

// Me is the signed-in user as the API shows it.
type Me struct {
	ID             int64       `json:"id"`
	Username       string      `json:"username"`
	Kind           string      `json:"kind" enum:"citizen,business,official"`
	FullName       string      `json:"full_name"`
	Email          string      `json:"email,omitempty"`
	Phone          string      `json:"phone,omitempty"`
	PersonalID     string      `json:"personal_id,omitempty"`
	EnterpriseCode string      `json:"enterprise_code,omitempty"`
	BirthDate      string      `json:"birth_date,omitempty"`
	TOTPEnabled    bool        `json:"totp_enabled"`
	Roles          []RoleGrant `json:"roles"`
}

// RoleGrant is a role, within an agency when scoped.
type RoleGrant struct {
	Role     string `json:"role"`
	AgencyID int64  `json:"agency_id,omitempty"`
}

func meOf(u identity.User) Me {
	m := Me{ID: u.ID, Username: u.Username, Kind: string(u.Kind), FullName: u.FullName, Email: u.Email, Phone: u.Phone,
		PersonalID: u.PersonalID, EnterpriseCode: u.EnterpriseCode, BirthDate: u.BirthDate, TOTPEnabled: u.TOTPEnabled, Roles: []RoleGrant{}}
	for _, g := range u.Grants {
		m.Roles = append(m.Roles, RoleGrant{Role: string(g.Role), AgencyID: g.AgencyID})
	}
	return m
}

func (a *API) sessions() {
	huma.Register(a.h, huma.Operation{
		OperationID: "createSession", Method: http.MethodPost, Path: "/api/v1/sessions", DefaultStatus: http.StatusCreated,
		Summary: "Đăng nhập, nhận token / Sign in and get a bearer token", Tags: []string{"sessions"},
		MaxBodyBytes: 8 << 10,
		Errors:       []int{400, 401, 403, 422, 429},
	}, func(ctx context.Context, in *sessionIn) (*sessionOut, error) {
		res, err := a.Identity.Login(ctx, identity.LoginRequest{
			Username: in.Body.Username, Password: in.Body.Password, TOTP: in.Body.TOTP, Kind: identity.SessionAPI,
			Client: identity.Client{IP: clientIP(ctx), UserAgent: in.UserAgent},
		})
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		out := &sessionOut{}
		out.Body.Token, out.Body.ExpiresAt = res.Token, res.ExpiresAt
		return out, nil
	})

	huma.Register(a.h, huma.Operation{
		OperationID: "deleteSession", Method: http.MethodDelete, Path: "/api/v1/sessions/current", DefaultStatus: http.StatusNoContent,
		Summary: "Đăng xuất / Sign out (revoke the token)", Tags: []string{"sessions"}, Security: bearer, Errors: []int{401},
	}, func(ctx context.Context, _ *struct{}) (*struct{}, error) {
		p, err := principal(ctx)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		return nil, a.problem(ctx, a.Identity.Logout(ctx, p))
	})

	huma.Register(a.h, huma.Operation{
		OperationID: "getMe", Method: http.MethodGet, Path: "/api/v1/me",
		Summary: "Người dùng hiện tại / The signed-in user", Tags: []string{"sessions"}, Security: bearer, Errors: []int{401},
	}, func(ctx context.Context, _ *struct{}) (*struct{ Body Me }, error) {
		p, err := principal(ctx)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		return &struct{ Body Me }{meOf(p.User)}, nil
	})
}

// clientIP reads the peer address that the middleware put in the audit actor.
func clientIP(ctx context.Context) string { return audit.ActorFrom(ctx).IP }
