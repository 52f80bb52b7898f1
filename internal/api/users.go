package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"egov/internal/apperr"
	"egov/internal/identity"
)

// UserInput creates a user.
type UserInput struct {
	Username       string      `json:"username" minLength:"3" maxLength:"64"`
	Kind           string      `json:"kind" enum:"citizen,business,official"`
	FullName       string      `json:"full_name" minLength:"1" maxLength:"200"`
	Email          string      `json:"email,omitempty" maxLength:"200"`
	Phone          string      `json:"phone,omitempty" maxLength:"20"`
	PersonalID     string      `json:"personal_id,omitempty" maxLength:"12"`
	EnterpriseCode string      `json:"enterprise_code,omitempty" maxLength:"14"`
	BirthDate      string      `json:"birth_date,omitempty" maxLength:"10"`
	Password       string      `json:"password,omitempty" maxLength:"256"`
	Roles          []RoleGrant `json:"roles,omitempty" maxItems:"50"`
}

func (a *API) userRoutes() {
	type listIn struct {
		Q     string `query:"q" maxLength:"100"`
		Limit int    `query:"limit" minimum:"1" maximum:"500" default:"100"`
	}
	huma.Register(a.h, huma.Operation{
		OperationID: "listUsers", Method: http.MethodGet, Path: "/api/v1/users",
		Summary: "Người dùng trong phạm vi quản trị / Users the caller administers", Tags: []string{"users"},
		Security: bearer, Errors: []int{401, 403, 422},
	}, func(ctx context.Context, in *listIn) (*struct{ Body []Me }, error) {
		p, err := principal(ctx)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		sc, err := a.Identity.AdminScopeOf(ctx, p)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		if sc.Empty() {
			return nil, a.problem(ctx, apperr.ErrForbidden)
		}
		f := identity.UserFilter{Query: in.Q, Limit: in.Limit, AgencyIDs: sc.Agencies()}
		us, err := a.Identity.Users(ctx, f)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		out := make([]Me, 0, len(us))
		for _, u := range us {
			out = append(out, meOf(u))
		}
		return &struct{ Body []Me }{out}, nil
	})

	huma.Register(a.h, huma.Operation{
		OperationID: "createUser", Method: http.MethodPost, Path: "/api/v1/users", DefaultStatus: http.StatusCreated,
		Summary: "Tạo người dùng / Create a user (system admin, or agency admin within their agencies)", Tags: []string{"users"},
		Security: bearer, Errors: []int{400, 401, 403, 409, 422}, MaxBodyBytes: 16 << 10,
	}, func(ctx context.Context, in *struct{ Body UserInput }) (*struct{ Body Me }, error) {
		p, err := principal(ctx)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		b := in.Body
		u := identity.UserInput{Username: b.Username, Kind: identity.UserKind(b.Kind), FullName: b.FullName, Email: b.Email,
			Phone: b.Phone, PersonalID: b.PersonalID, EnterpriseCode: b.EnterpriseCode, BirthDate: b.BirthDate, Password: b.Password}
		for _, r := range b.Roles {
			u.Grants = append(u.Grants, identity.Grant{Role: identity.Role(r.Role), AgencyID: r.AgencyID})
		}
		sc, err := a.Identity.AdminScopeOf(ctx, p)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		if sc.Empty() || !sc.CanGrant(u.Grants) {
			return nil, a.problem(ctx, apperr.ErrForbidden)
		}
		created, err := a.Identity.CreateUser(ctx, u)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		return &struct{ Body Me }{meOf(created)}, nil
	})
}
