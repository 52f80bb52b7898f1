package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"egov/internal/calendar"
	"egov/internal/catalog"
	"egov/internal/eform"
	"egov/internal/httpx"
)

type procItem struct {
	Code, Name, Field, LevelName, TimeText string
	FullOnline                             bool
}

type procList struct {
	Q, Field, Level string
	Agency          string
	Agencies        []option
	FullOnline      bool
	Fields          []string
	Levels          []option
	Items           []procItem
	Total           int
	Next            string
}

func levelName(lang string, l catalog.Level) string { return translate(lang, "level."+string(l)) }

// termText says a processing time in words: "15 ngày làm việc".
func termText(lang string, t catalog.Term) string {
	n := strconv.FormatFloat(t.N, 'f', -1, 64)
	if lang == "vi" {
		n = strings.ReplaceAll(n, ".", ",")
	}
	unit := translate(lang, "unit."+string(t.Unit))
	if lang == "en" && t.N == 1 {
		unit = strings.TrimSuffix(unit, "s") // 1 working day
	}
	return n + " " + unit
}

// money formats đồng the Vietnamese way: 1.500.000 đồng.
func money(lang string, v int64) string {
	s := strconv.FormatInt(v, 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			if lang == "en" {
				b.WriteByte(',')
			} else {
				b.WriteByte('.')
			}
		}
		b.WriteRune(c)
	}
	if lang == "en" {
		return b.String() + " VND"
	}
	return b.String() + " đồng"
}

func (s *Server) procedures(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "proc.title", "")
	q := r.URL.Query()
	d := procList{Q: strings.TrimSpace(q.Get("q")), Field: q.Get("linh-vuc"), Level: q.Get("cap"), Agency: q.Get("co-quan"),
		FullOnline: q.Get("truc-tuyen") == "1"}
	if len(d.Q) > 200 {
		d.Q = d.Q[:200]
	}
	for _, l := range []catalog.Level{catalog.LevelCommune, catalog.LevelProvince, catalog.LevelMinistry} {
		d.Levels = append(d.Levels, option{string(l), levelName(p.Lang, l)})
	}
	var err error
	if d.Fields, err = s.Catalog.Fields(r.Context()); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	ags, err := s.Catalog.Agencies(r.Context())
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	for _, a := range ags {
		if a == "other" {
			continue
		}
		d.Agencies = append(d.Agencies, option{a, s.agencyRefText(r, p.Lang, catalog.AgencyRef{Code: codeOrEmpty(a), Kind: kindOrEmpty(a)})})
	}
	res, err := s.Catalog.Search(r.Context(), catalog.ListQuery{Text: d.Q, Field: d.Field, Level: catalog.Level(d.Level), Agency: d.Agency,
		FullOnline: d.FullOnline, Limit: 20, Cursor: q.Get("sau")})
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	d.Total = res.Total
	for _, pr := range res.Items {
		d.Items = append(d.Items, procItem{Code: pr.Code, Name: pr.Name, Field: pr.Field, LevelName: levelName(p.Lang, pr.Level),
			TimeText: termText(p.Lang, pr.Time), FullOnline: pr.Online == catalog.OnlineFull})
	}
	if res.Next != "" {
		nq := url.Values{}
		for k, v := range q {
			nq[k] = v
		}
		nq.Set("sau", res.Next)
		d.Next = "/thu-tuc?" + nq.Encode()
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "procedures", p)
}

type procView struct {
	P          catalog.Procedure
	LevelName  string
	TimeText   string
	Fees       []string
	Where      []string
	Channels   string
	FullOnline bool
}

func (s *Server) procedure(w http.ResponseWriter, r *http.Request) {
	pr, err := s.Catalog.Published(r.Context(), r.PathValue("code"))
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	p := s.page(r, "", "")
	p.Title = pr.Name
	v := procView{P: pr, LevelName: levelName(p.Lang, pr.Level), TimeText: termText(p.Lang, pr.Time), FullOnline: pr.Online == catalog.OnlineFull}
	for _, f := range pr.Fees {
		kind := translate(p.Lang, "fee."+string(f.Kind))
		line := fmt.Sprintf("%s (%s): %s", f.Name, strings.ToLower(kind), money(p.Lang, f.Amount))
		if f.Note != "" {
			line += " · " + f.Note
		}
		if f.SetBy != "" {
			line += " · " + f.SetBy
		}
		v.Fees = append(v.Fees, line)
	}
	for _, ref := range pr.Receivers {
		v.Where = append(v.Where, s.agencyRefText(r, p.Lang, ref))
	}
	var chans []string
	for _, c := range pr.Channels {
		chans = append(chans, translate(p.Lang, "channel."+string(c)))
	}
	v.Channels = strings.Join(chans, ", ")
	p.Data = v
	s.render(w, r, http.StatusOK, "procedure", p)
}

// agencyRefText names where to go: the agency by code, or in words for a
// kind ("Bộ phận một cửa UBND xã, phường").
func (s *Server) agencyRefText(r *http.Request, lang string, ref catalog.AgencyRef) string {
	if ref.Code != "" {
		if a, err := s.Identity.AgencyByCode(r.Context(), ref.Code); err == nil {
			return a.Name
		}
		return ref.Code
	}
	t := translate(lang, "where."+ref.Kind)
	if strings.HasPrefix(t, "[") {
		t = ref.Kind
	}
	if ref.Note != "" {
		t += " (" + ref.Note + ")"
	}
	return t
}

type formPreview struct {
	Code, Name string
	Fields     []eform.FieldView
	Checked    bool
	Flags      []string
}

// formPreview shows a procedure's e-form and checks what is typed into it
// with the same rules the server applies to a dossier. Nothing is stored.
func (s *Server) formPreview(w http.ResponseWriter, r *http.Request) {
	pr, err := s.Catalog.Published(r.Context(), r.PathValue("code"))
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	if pr.Form == "" {
		httpx.WriteError(w, r, catalog.ErrFormNotFound)
		return
	}
	f, _, err := s.Catalog.Form(r.Context(), pr.Form)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	p := s.page(r, "form.preview", "")
	now := s.Now().In(calendar.Location())
	today := eform.WithToday(eform.Date{Year: now.Year(), Month: now.Month(), Day: now.Day()})
	d := formPreview{Code: pr.Code, Name: pr.Name}
	status := http.StatusOK
	if r.Method == http.MethodPost {
		if err := r.ParseMultipartForm(1 << 20); err != nil && err != http.ErrNotMultipart {
			httpx.WriteError(w, r, err)
			return
		}
		vals := eform.Values(r.PostForm)
		clean, errs := f.Check(vals, today)
		d.Checked = true
		for _, fe := range errs {
			msg := fe.VI
			if p.Lang == "en" {
				msg = fe.EN
			}
			p.Errors = append(p.Errors, FieldMsg{Field: "f-" + strings.SplitN(fe.Field, ".", 2)[0], Message: msg})
		}
		for _, fl := range clean.Flags {
			if p.Lang == "en" {
				d.Flags = append(d.Flags, fl.EN)
			} else {
				d.Flags = append(d.Flags, fl.VI)
			}
		}
		if len(errs) > 0 {
			status = http.StatusBadRequest
		}
		d.Fields = f.View(p.Lang, vals, errs, today)
	} else {
		d.Fields = f.View(p.Lang, nil, nil, today)
	}
	p.Data = d
	s.render(w, r, status, "form_preview", p)
}

// An agency filter value is an agency code or an agency kind.
func codeOrEmpty(v string) string {
	if strings.Contains(v, ".") {
		return v
	}
	return ""
}

func kindOrEmpty(v string) string {
	if strings.Contains(v, ".") {
		return ""
	}
	return v
}
