package api

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"egov/internal/apperr"
	"egov/internal/identity"
)

// Agency is an agency or unit.
type Agency struct {
	ID               int64     `json:"id"`
	ParentID         int64     `json:"parent_id,omitempty"`
	Kind             string    `json:"kind" enum:"committee,department,centre,commune,unit,other"`
	Code             string    `json:"code,omitempty" example:"000.00.03.H37"`
	Name             string    `json:"name"`
	NameEn           string    `json:"name_en,omitempty"`
	AdminUnitCode    string    `json:"admin_unit_code,omitempty"`
	ReceivesDossiers bool      `json:"receives_dossiers"`
	Active           bool      `json:"active"`
	MergedIntoID     int64     `json:"merged_into_id,omitempty"`
	UpdatedAt        time.Time `json:"updated_at"`
}

func agencyOf(a identity.Agency) Agency {
	return Agency{ID: a.ID, ParentID: a.ParentID, Kind: string(a.Kind), Code: a.Code, Name: a.Name, NameEn: a.NameEn,
		AdminUnitCode: a.AdminUnitCode, ReceivesDossiers: a.ReceivesDossiers, Active: a.Active, MergedIntoID: a.MergedIntoID, UpdatedAt: a.UpdatedAt}
}

// AgencyInput creates or replaces an agency.
type AgencyInput struct {
	ParentID         int64  `json:"parent_id,omitempty"`
	Kind             string `json:"kind" enum:"committee,department,centre,commune,unit,other"`
	Code             string `json:"code,omitempty" maxLength:"20" doc:"ddd.dd.dd.Xdd (Decision 20/2020/QĐ-TTg)"`
	Name             string `json:"name" minLength:"1" maxLength:"300"`
	NameEn           string `json:"name_en,omitempty" maxLength:"300"`
	AdminUnitCode    string `json:"admin_unit_code,omitempty" maxLength:"10"`
	ReceivesDossiers bool   `json:"receives_dossiers,omitempty"`
}

func (in AgencyInput) domain() identity.AgencyInput {
	return identity.AgencyInput{ParentID: in.ParentID, Kind: identity.AgencyKind(in.Kind), Code: in.Code, Name: in.Name,
		NameEn: in.NameEn, AdminUnitCode: in.AdminUnitCode, ReceivesDossiers: in.ReceivesDossiers}
}

type agencyIDIn struct {
	ID int64 `path:"id" minimum:"1"`
}

func (a *API) agencyRoutes() {
	huma.Register(a.h, huma.Operation{
		OperationID: "listAgencies", Method: http.MethodGet, Path: "/api/v1/agencies",
		Summary: "Danh sách cơ quan, đơn vị (cây) / Agencies and units, parents first", Tags: []string{"agencies"},
	}, func(ctx context.Context, _ *struct{}) (*struct{ Body []Agency }, error) {
		all, err := a.Identity.Agencies(ctx)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		out := make([]Agency, 0, len(all))
		for _, x := range all {
			out = append(out, agencyOf(x))
		}
		return &struct{ Body []Agency }{out}, nil
	})

	huma.Register(a.h, huma.Operation{
		OperationID: "getAgency", Method: http.MethodGet, Path: "/api/v1/agencies/{id}",
		Summary: "Một cơ quan / One agency", Tags: []string{"agencies"}, Errors: []int{404, 422},
	}, func(ctx context.Context, in *agencyIDIn) (*struct{ Body Agency }, error) {
		x, err := a.Identity.Agency(ctx, in.ID)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		return &struct{ Body Agency }{agencyOf(x)}, nil
	})

	huma.Register(a.h, huma.Operation{
		OperationID: "createAgency", Method: http.MethodPost, Path: "/api/v1/agencies", DefaultStatus: http.StatusCreated,
		Summary: "Thêm cơ quan (quản trị hệ thống) / Create an agency (system admin)", Tags: []string{"agencies"},
		Security: bearer, Errors: []int{400, 401, 403, 409, 422}, MaxBodyBytes: 16 << 10,
	}, func(ctx context.Context, in *struct{ Body AgencyInput }) (*struct{ Body Agency }, error) {
		if err := a.requireSystemAdmin(ctx); err != nil {
			return nil, err
		}
		x, err := a.Identity.CreateAgency(ctx, in.Body.domain())
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		return &struct{ Body Agency }{agencyOf(x)}, nil
	})

	type putIn struct {
		ID   int64 `path:"id" minimum:"1"`
		Body AgencyInput
	}
	huma.Register(a.h, huma.Operation{
		OperationID: "updateAgency", Method: http.MethodPut, Path: "/api/v1/agencies/{id}",
		Summary: "Sửa, đổi mã, chuyển cơ quan / Rename, re-code or move an agency", Tags: []string{"agencies"},
		Description: "Quản trị hệ thống, hoặc quản trị cơ quan trong phạm vi cơ quan mình. / System admins, or agency admins within their subtree.",
		Security:    bearer, Errors: []int{400, 401, 403, 404, 409, 422}, MaxBodyBytes: 16 << 10,
	}, func(ctx context.Context, in *putIn) (*struct{ Body Agency }, error) {
		p, err := principal(ctx)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		cur, err := a.Identity.Agency(ctx, in.ID)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		sc, err := a.Identity.AdminScopeOf(ctx, p)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		// Within their scope only, and an agency may not be moved out of it.
		if !sc.HasAgency(cur.ID) || (in.Body.ParentID != cur.ParentID && !sc.HasAgency(in.Body.ParentID)) {
			return nil, a.problem(ctx, apperr.ErrForbidden)
		}
		x, err := a.Identity.UpdateAgency(ctx, in.ID, in.Body.domain())
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		return &struct{ Body Agency }{agencyOf(x)}, nil
	})
}
