package api

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"egov/internal/apperr"
	"egov/internal/calendar"
)

// HolidayDay is a special day of the year.
type HolidayDay struct {
	Date    string `json:"date" format:"date" example:"2026-02-17"`
	Name    string `json:"name" example:"Tết Nguyên đán"`
	NameEn  string `json:"name_en" example:"Lunar New Year (Tết)"`
	Kind    string `json:"kind" enum:"holiday,compensatory,declared_off,working_day"`
	Holiday string `json:"holiday,omitempty" enum:"new_year,tet,hung_kings,reunification_day,labour_day,national_day"`
}

type holidaysIn struct {
	Year int `query:"year" minimum:"1900" maximum:"2199" doc:"Năm / year (default: this year)"`
}

type holidaysOut struct {
	Body struct {
		Year int          `json:"year"`
		Days []HolidayDay `json:"days"`
	}
}

type dueIn struct {
	Start       string `query:"start" required:"true" doc:"Thời điểm tiếp nhận, RFC 3339 với bất kỳ múi giờ nào / receipt instant, RFC 3339 with any offset" example:"2026-02-13T16:30:00+07:00"`
	WorkingDays int    `query:"working_days" required:"true" minimum:"0" maximum:"3660" doc:"Số ngày làm việc / number of working days"`
}

type dueOut struct {
	Body struct {
		Due string `json:"due" doc:"Hạn trả, RFC 3339 theo giờ Việt Nam (+07:00) / due instant in +07:00" example:"2026-03-06T17:00:00+07:00"`
	}
}

// Declaration is a declared day off or working day.
type Declaration struct {
	Date    string `json:"date" format:"date"`
	Kind    string `json:"kind" enum:"declared_off,working_day"`
	Holiday string `json:"holiday,omitempty" enum:"tet,national_day,new_year,hung_kings,reunification_day,labour_day"`
	Name    string `json:"name,omitempty" maxLength:"200"`
	NameEn  string `json:"name_en,omitempty" maxLength:"200"`
}

var errBadStart = apperr.Validation(apperr.Field("start", "calendar.bad_start",
	"Thời điểm tiếp nhận phải theo RFC 3339, ví dụ 2026-02-13T16:30:00+07:00.",
	"start must be an RFC 3339 instant, e.g. 2026-02-13T16:30:00+07:00."))

var errBadDate = apperr.Validation(apperr.Field("date", "calendar.bad_date",
	"Ngày phải có dạng YYYY-MM-DD.", "The date must be YYYY-MM-DD."))

func (a *API) calendarRoutes() {
	huma.Register(a.h, huma.Operation{
		OperationID: "listHolidays", Method: http.MethodGet, Path: "/api/v1/calendar/holidays",
		Summary: "Ngày nghỉ lễ, nghỉ bù, ngày làm bù trong năm / Holidays and declared days of a year", Tags: []string{"calendar"},
		Errors: []int{422},
	}, func(ctx context.Context, in *holidaysIn) (*holidaysOut, error) {
		cal, err := a.Calendar.Calendar(ctx)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		year := in.Year
		if year == 0 {
			year = time.Now().In(calendar.Location()).Year()
		}
		out := &holidaysOut{}
		out.Body.Year = year
		out.Body.Days = []HolidayDay{}
		for _, d := range cal.Year(year) {
			h := HolidayDay{Date: d.Date.String(), Name: d.Name, NameEn: d.NameEn, Kind: d.Kind.String()}
			if d.Holiday != 0 {
				h.Holiday = d.Holiday.String()
			}
			out.Body.Days = append(out.Body.Days, h)
		}
		return out, nil
	})

	huma.Register(a.h, huma.Operation{
		OperationID: "computeDue", Method: http.MethodGet, Path: "/api/v1/calendar/due",
		Summary: "Tính hạn trả theo ngày làm việc / Due instant of N working days from a receipt", Tags: []string{"calendar"},
		Description: "Hết giờ hành chính của ngày làm việc thứ N sau ngày tiếp nhận; tiếp nhận ngoài giờ tính từ giờ mở cửa kế tiếp. " +
			"/ The close of office hours on the N-th working day after the day of receipt; a receipt outside office hours counts from the next opening.",
		Errors: []int{400, 422},
	}, func(ctx context.Context, in *dueIn) (*dueOut, error) {
		start, err := time.Parse(time.RFC3339, strings.TrimSpace(in.Start))
		if err != nil {
			return nil, a.problem(ctx, errBadStart)
		}
		cal, err := a.Calendar.Calendar(ctx)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		due, err := cal.DueWorkingDays(start, in.WorkingDays)
		if err != nil {
			return nil, a.problem(ctx, errBadStart.Wrap(err))
		}
		out := &dueOut{}
		out.Body.Due = due.Format(time.RFC3339)
		return out, nil
	})

	huma.Register(a.h, huma.Operation{
		OperationID: "listDeclarations", Method: http.MethodGet, Path: "/api/v1/calendar/declarations",
		Summary: "Ngày nghỉ, làm bù đã khai báo / Declared days of a year (system admin)", Tags: []string{"calendar"},
		Security: bearer, Errors: []int{401, 403, 422},
	}, func(ctx context.Context, in *holidaysIn) (*struct{ Body []Declaration }, error) {
		if err := a.requireSystemAdmin(ctx); err != nil {
			return nil, err
		}
		year := in.Year
		if year == 0 {
			year = time.Now().In(calendar.Location()).Year()
		}
		decls, err := a.Calendar.Declarations(ctx, year)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		out := []Declaration{}
		for _, d := range decls {
			x := Declaration{Date: d.Date.String(), Kind: d.Kind.String(), Name: d.Name, NameEn: d.NameEn}
			if d.Holiday != 0 {
				x.Holiday = d.Holiday.String()
			}
			out = append(out, x)
		}
		return &struct{ Body []Declaration }{out}, nil
	})

	type putDeclIn struct {
		Date string `path:"date" doc:"YYYY-MM-DD"`
		Body struct {
			Kind    string `json:"kind" enum:"declared_off,working_day"`
			Holiday string `json:"holiday,omitempty" enum:"tet,national_day,new_year,hung_kings,reunification_day,labour_day,"`
			Name    string `json:"name,omitempty" maxLength:"200"`
			NameEn  string `json:"name_en,omitempty" maxLength:"200"`
		}
	}
	huma.Register(a.h, huma.Operation{
		OperationID: "putDeclaration", Method: http.MethodPut, Path: "/api/v1/calendar/declarations/{date}",
		Summary: "Khai báo ngày nghỉ hoặc làm bù / Declare a day off or a working day (system admin)", Tags: []string{"calendar"},
		Security: bearer, Errors: []int{400, 401, 403, 422}, MaxBodyBytes: 4 << 10,
	}, func(ctx context.Context, in *putDeclIn) (*struct{ Body Declaration }, error) {
		if err := a.requireSystemAdmin(ctx); err != nil {
			return nil, err
		}
		d, err := calendar.ParseDate(in.Date)
		if err != nil {
			return nil, a.problem(ctx, errBadDate)
		}
		kind, _ := calendar.ParseKind(in.Body.Kind)
		decl := calendar.Declaration{Date: d, Kind: kind, Name: in.Body.Name, NameEn: in.Body.NameEn}
		if in.Body.Holiday != "" {
			decl.Holiday, _ = calendar.ParseHoliday(in.Body.Holiday)
		}
		if err := a.Calendar.Declare(ctx, decl); err != nil {
			return nil, a.problem(ctx, err)
		}
		return &struct{ Body Declaration }{Declaration{Date: d.String(), Kind: kind.String(), Holiday: in.Body.Holiday, Name: in.Body.Name, NameEn: in.Body.NameEn}}, nil
	})

	type delDeclIn struct {
		Date string `path:"date" doc:"YYYY-MM-DD"`
	}
	huma.Register(a.h, huma.Operation{
		OperationID: "deleteDeclaration", Method: http.MethodDelete, Path: "/api/v1/calendar/declarations/{date}",
		Summary: "Xóa khai báo / Remove a declaration (system admin)", Tags: []string{"calendar"}, DefaultStatus: http.StatusNoContent,
		Security: bearer, Errors: []int{400, 401, 403},
	}, func(ctx context.Context, in *delDeclIn) (*struct{}, error) {
		if err := a.requireSystemAdmin(ctx); err != nil {
			return nil, err
		}
		d, err := calendar.ParseDate(in.Date)
		if err != nil {
			return nil, a.problem(ctx, errBadDate)
		}
		return nil, a.problem(ctx, a.Calendar.Remove(ctx, d))
	})
}

func (a *API) requireSystemAdmin(ctx context.Context) error {
	p, err := principal(ctx)
	if err != nil {
		return a.problem(ctx, err)
	}
	if !p.IsSystemAdmin() {
		return a.problem(ctx, apperr.ErrForbidden)
	}
	return nil
}
