package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"egov/internal/calendar"
	"egov/internal/httpx"
)

func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "home", s.page(r, "home.title", ""))
}

// dayRow is a special day as a table row.
type dayRow struct {
	Date     string
	Weekday  string
	Name     string
	KindName string
	Off      bool
}

func (s *Server) dayRows(lang string, days []calendar.Day) []dayRow {
	out := make([]dayRow, 0, len(days))
	for _, d := range days {
		name := d.Name
		if lang == "en" {
			name = d.NameEn
		}
		out = append(out, dayRow{Date: formatDate(lang, d.Date), Weekday: translate(lang, "wd."+strconv.Itoa(int(d.Date.Weekday()))),
			Name: name, KindName: translate(lang, "kind."+d.Kind.String()), Off: d.Off()})
	}
	return out
}

func formatDate(lang string, d calendar.Date) string {
	if lang == "en" {
		return d.String()
	}
	return d.At(0, 0).Format("02/01/2006")
}

func formatInstant(lang string, t time.Time) string {
	t = t.In(calendar.Location())
	if lang == "en" {
		return t.Format("Mon 2 Jan 2006 15:04") + " (UTC+7)"
	}
	return t.Format("15:04") + " " + translate(lang, "wd."+strconv.Itoa(int(t.Weekday()))) + ", " + t.Format("02/01/2006")
}

type explainView struct {
	Due, Effective string
	Outside        bool
	Skipped        []string
}

type calendarData struct {
	Year    int
	Days    []dayRow
	Start   string
	N       string
	Explain *explainView
}

// yearParam reads ?year=, defaulting to this year.
func (s *Server) yearParam(r *http.Request) (int, bool) {
	y := s.Now().In(calendar.Location()).Year()
	if v := r.FormValue("year"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < calendar.MinYear || n > calendar.MaxYear {
			return y, false
		}
		y = n
	}
	return y, true
}

func (s *Server) calendarPage(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "cal.title", "")
	cal, err := s.Calendar.Calendar(r.Context())
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	year, ok := s.yearParam(r)
	if !ok {
		p.Errors = append(p.Errors, FieldMsg{Field: "year", Message: p.T("cal.bad_year")})
	}
	d := calendarData{Year: year, Days: s.dayRows(p.Lang, cal.Year(year)), N: "15",
		Start: s.Now().In(calendar.Location()).Format("2006-01-02T15:04")}
	q := r.URL.Query()
	if q.Has("start") || q.Has("days") {
		d.Start, d.N = q.Get("start"), q.Get("days")
		start, err := time.ParseInLocation("2006-01-02T15:04", strings.TrimSpace(d.Start), calendar.Location())
		if err != nil {
			p.Errors = append(p.Errors, FieldMsg{Field: "start", Message: p.T("cal.bad_start")})
		}
		n, nerr := strconv.Atoi(strings.TrimSpace(d.N))
		if nerr != nil || calendar.ValidateN(n) != nil {
			p.Errors = append(p.Errors, FieldMsg{Field: "days", Message: p.T("cal.bad_n")})
		}
		if len(p.Errors) == 0 {
			ex, err := cal.ExplainWorkingDays(start, n)
			if err != nil {
				p.Errors = append(p.Errors, FieldMsg{Field: "start", Message: p.T("cal.bad_start")})
			} else {
				v := &explainView{Due: formatInstant(p.Lang, ex.Due), Effective: formatInstant(p.Lang, ex.Effective), Outside: ex.OutsideHours()}
				for _, sk := range ex.Skipped {
					name := sk.Name
					if p.Lang == "en" {
						name = sk.NameEn
					}
					v.Skipped = append(v.Skipped, formatDate(p.Lang, sk.Date)+": "+name)
				}
				d.Explain = v
			}
		}
	}
	p.Data = d
	status := http.StatusOK
	if len(p.Errors) > 0 {
		status = http.StatusBadRequest
	}
	s.render(w, r, status, "calendar", p)
}
