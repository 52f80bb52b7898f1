package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"egov/internal/catalog"
)

// ProcedureSummary is a procedure in a list.
type ProcedureSummary struct {
	Code   string       `json:"code" example:"1.001193"`
	Name   string       `json:"name" example:"Thủ tục đăng ký khai sinh"`
	Field  string       `json:"field" example:"Hộ tịch"`
	Level  string       `json:"level" enum:"commune,province,ministry"`
	Online string       `json:"online" enum:"full,partial,none"`
	Time   catalog.Term `json:"time"`
}

type listProceduresIn struct {
	Q      string `query:"q" maxLength:"200" doc:"Từ khóa, có dấu hoặc không / words, with or without diacritics"`
	Field  string `query:"field" maxLength:"200" doc:"Lĩnh vực / field, e.g. Hộ tịch"`
	Agency string `query:"agency" maxLength:"40" doc:"Mã cơ quan hoặc loại (commune) / agency code or kind"`
	Level  string `query:"level" enum:"commune,province,ministry," doc:"Cấp thực hiện / level"`
	Online string `query:"online" enum:"full," doc:"full: chỉ thủ tục trực tuyến toàn trình / fully online only"`
	Limit  int    `query:"limit" minimum:"1" maximum:"100" default:"20"`
	Cursor string `query:"cursor" maxLength:"200" doc:"next_cursor of the previous page"`
}

type listProceduresOut struct {
	Body struct {
		Items      []ProcedureSummary `json:"items"`
		NextCursor string             `json:"next_cursor,omitempty"`
		Total      int                `json:"total"`
		Suggestion string             `json:"suggestion,omitempty" doc:"the query as understood when typos were corrected"`
	}
}

func (a *API) procedureRoutes() {
	huma.Register(a.h, huma.Operation{
		OperationID: "listProcedures", Method: http.MethodGet, Path: "/api/v1/procedures",
		Summary: "Tìm thủ tục hành chính / Search the procedure catalogue", Tags: []string{"catalogue"},
		Description: "Không phân biệt dấu, hoa thường, thứ tự từ; xếp theo mức độ phù hợp; chấp nhận gõ sai nhẹ. " +
			"/ Ignores diacritics, case and word order; ranked by relevance; tolerates small typos.",
		Errors: []int{400, 422},
	}, func(ctx context.Context, in *listProceduresIn) (*listProceduresOut, error) {
		res, err := a.Catalog.Search(ctx, catalog.ListQuery{Text: in.Q, Field: in.Field, Agency: in.Agency,
			Level: catalog.Level(in.Level), FullOnline: in.Online == "full", Limit: in.Limit, Cursor: in.Cursor})
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		out := &listProceduresOut{}
		out.Body.Items = []ProcedureSummary{}
		for _, p := range res.Items {
			out.Body.Items = append(out.Body.Items, ProcedureSummary{Code: p.Code, Name: p.Name, Field: p.Field,
				Level: string(p.Level), Online: string(p.Online), Time: p.Time})
		}
		out.Body.NextCursor, out.Body.Total, out.Body.Suggestion = res.Next, res.Total, res.Suggestion
		return out, nil
	})

	type getIn struct {
		Code string `path:"code" maxLength:"32" example:"1.001193"`
	}
	huma.Register(a.h, huma.Operation{
		OperationID: "getProcedure", Method: http.MethodGet, Path: "/api/v1/procedures/{code}",
		Summary: "Một thủ tục, đầy đủ / One procedure, whole", Tags: []string{"catalogue"}, Errors: []int{404},
	}, func(ctx context.Context, in *getIn) (*struct{ Body catalog.Procedure }, error) {
		p, err := a.Catalog.Published(ctx, in.Code)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		return &struct{ Body catalog.Procedure }{p}, nil
	})
}
