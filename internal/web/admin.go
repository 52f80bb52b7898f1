package web

import (
	"net/http"
	"strconv"
	"strings"

	"egov/internal/apperr"
	"egov/internal/audit"
	"egov/internal/calendar"
	"egov/internal/httpx"
	"egov/internal/identity"
)

func (s *Server) adminHome(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "admin.home_title", "home")
	ctx := r.Context()
	sc, err := s.adminScope(r)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	all, err := s.Identity.Agencies(ctx)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	nAg := 0
	for _, a := range all {
		if sc.HasAgency(a.ID) {
			nAg++
		}
	}
	f := identity.UserFilter{Limit: 500}
	if !sc.All {
		f.AgencyIDs = sc.Agencies()
	}
	us, err := s.Identity.Users(ctx, f)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	p.Data = struct {
		Grants          []string
		Agencies, Users int
	}{s.grantLabels(r, p.Lang, p.User().Grants), nAg, len(us)}
	s.render(w, r, http.StatusOK, "admin_home", p)
}

// --- agencies

type agencyRow struct {
	A      identity.Agency
	Indent int
	Kind   string
}

type option struct {
	Value, Label string
}

type agencyOption struct {
	ID    int64
	Label string
}

func (s *Server) agencyOptions(r *http.Request, sc identity.AdminScope) ([]agencyOption, error) {
	all, err := s.Identity.Agencies(r.Context())
	if err != nil {
		return nil, err
	}
	depth := identity.Depth(all)
	var out []agencyOption
	for _, a := range all {
		if !a.Active || !sc.HasAgency(a.ID) {
			continue
		}
		label := strings.Repeat("— ", depth[a.ID]) + a.Name
		if a.Code != "" {
			label += " (" + a.Code + ")"
		}
		out = append(out, agencyOption{ID: a.ID, Label: label})
	}
	return out, nil
}

func (s *Server) agencies(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "admin.agencies", "agencies")
	sc, err := s.adminScope(r)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	all, err := s.Identity.Agencies(r.Context())
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	depth := identity.Depth(all)
	var rows []agencyRow
	for _, a := range all {
		if sc.HasAgency(a.ID) {
			rows = append(rows, agencyRow{A: a, Indent: min(depth[a.ID], 3), Kind: p.T("akind." + string(a.Kind))})
		}
	}
	p.Data = struct{ Rows []agencyRow }{rows}
	s.render(w, r, http.StatusOK, "agencies", p)
}

type codeRow struct{ Code, From, To string }

type agencyFormData struct {
	ID      int64
	In      identity.AgencyInput
	Kinds   []option
	Parents []agencyOption
	Codes   []codeRow
}

func (s *Server) agencyForm(w http.ResponseWriter, r *http.Request, status int, p *Page, id int64, in identity.AgencyInput) {
	sc, err := s.adminScope(r)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	d := agencyFormData{ID: id, In: in}
	for _, k := range identity.AgencyKinds {
		d.Kinds = append(d.Kinds, option{string(k), p.T("akind." + string(k))})
	}
	if d.Parents, err = s.agencyOptions(r, sc); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	if id != 0 {
		codes, err := s.Identity.AgencyCodes(r.Context(), id)
		if err != nil {
			httpx.WriteError(w, r, err)
			return
		}
		for _, c := range codes {
			row := codeRow{Code: c.Code, From: formatInstant(p.Lang, c.ValidFrom)}
			if c.ValidTo != nil {
				row.To = formatInstant(p.Lang, *c.ValidTo)
			}
			d.Codes = append(d.Codes, row)
		}
	}
	p.Data = d
	s.render(w, r, status, "agency_form", p)
}

func agencyInput(r *http.Request) identity.AgencyInput {
	return identity.AgencyInput{
		ParentID: formInt(r, "parent_id"), Kind: identity.AgencyKind(r.PostFormValue("kind")),
		Code: r.PostFormValue("code"), Name: r.PostFormValue("name"), NameEn: r.PostFormValue("name_en"),
		AdminUnitCode: r.PostFormValue("admin_unit_code"), ReceivesDossiers: r.PostFormValue("receives_dossiers") == "1",
	}
}

func (s *Server) agencyNewForm(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "agency.new", "agencies")
	s.agencyForm(w, r, http.StatusOK, p, 0, identity.AgencyInput{Kind: identity.KindUnit, ParentID: formInt(r, "parent")})
}

func (s *Server) agencyCreate(w http.ResponseWriter, r *http.Request) {
	in := agencyInput(r)
	a, err := s.Identity.CreateAgency(r.Context(), in)
	if err != nil {
		s.agencyFormError(w, r, "agency.new", 0, in, err)
		return
	}
	s.redirect(w, r, "/quan-tri/co-quan/"+strconv.FormatInt(a.ID, 10), "agency.saved")
}

func (s *Server) agencyFormError(w http.ResponseWriter, r *http.Request, title string, id int64, in identity.AgencyInput, err error) {
	p := s.page(r, title, "agencies")
	msgs, ok := formErrors(p.Lang, err)
	if !ok {
		httpx.WriteError(w, r, err)
		return
	}
	p.Errors = msgs
	s.agencyForm(w, r, httpx.Status(apperr.As(err).Code), p, id, in)
}

// agencyInScope loads the {id} agency and checks the admin manages it.
func (s *Server) agencyInScope(w http.ResponseWriter, r *http.Request) (identity.Agency, identity.AdminScope, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		httpx.WriteError(w, r, identity.ErrAgencyNotFound)
		return identity.Agency{}, identity.AdminScope{}, false
	}
	a, err := s.Identity.Agency(r.Context(), id)
	if err != nil {
		httpx.WriteError(w, r, err)
		return a, identity.AdminScope{}, false
	}
	sc, err := s.adminScope(r)
	if err != nil {
		httpx.WriteError(w, r, err)
		return a, sc, false
	}
	if !sc.HasAgency(a.ID) {
		httpx.WriteError(w, r, apperr.ErrForbidden)
		return a, sc, false
	}
	return a, sc, true
}

func (s *Server) agencyEditForm(w http.ResponseWriter, r *http.Request) {
	a, _, ok := s.agencyInScope(w, r)
	if !ok {
		return
	}
	p := s.page(r, "agency.edit", "agencies")
	p.Title = a.Name
	s.agencyForm(w, r, http.StatusOK, p, a.ID, identity.AgencyInput{ParentID: a.ParentID, Kind: a.Kind, Code: a.Code,
		Name: a.Name, NameEn: a.NameEn, AdminUnitCode: a.AdminUnitCode, ReceivesDossiers: a.ReceivesDossiers})
}

func (s *Server) agencyUpdate(w http.ResponseWriter, r *http.Request) {
	a, sc, ok := s.agencyInScope(w, r)
	if !ok {
		return
	}
	in := agencyInput(r)
	// An agency administrator may reorganise within their own subtree only.
	if !sc.All && in.ParentID != a.ParentID && !sc.HasAgency(in.ParentID) {
		httpx.WriteError(w, r, apperr.ErrForbidden)
		return
	}
	if _, err := s.Identity.UpdateAgency(r.Context(), a.ID, in); err != nil {
		s.agencyFormError(w, r, "agency.edit", a.ID, in, err)
		return
	}
	s.redirect(w, r, "/quan-tri/co-quan/"+strconv.FormatInt(a.ID, 10), "agency.saved")
}

func (s *Server) agencyMerge(w http.ResponseWriter, r *http.Request) {
	a, _, ok := s.agencyInScope(w, r)
	if !ok {
		return
	}
	into := formInt(r, "into")
	if err := s.Identity.MergeAgency(r.Context(), a.ID, into); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	s.redirect(w, r, "/quan-tri/co-quan/"+strconv.FormatInt(into, 10), "agency.merged")
}

// --- users

type userRow struct {
	U      identity.User
	Kind   string
	Grants []string
}

func (s *Server) users(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "admin.users", "users")
	sc, err := s.adminScope(r)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	f := identity.UserFilter{Query: q, Limit: 200}
	if !sc.All {
		f.AgencyIDs = sc.Agencies()
	}
	us, err := s.Identity.Users(r.Context(), f)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	names := s.agencyNames(r)
	rows := make([]userRow, 0, len(us))
	for _, u := range us {
		row := userRow{U: u, Kind: p.T("kind." + string(u.Kind))}
		for _, g := range u.Grants {
			l := p.T("role." + string(g.Role))
			if g.AgencyID != 0 {
				l += " · " + names[g.AgencyID]
			}
			row.Grants = append(row.Grants, l)
		}
		rows = append(rows, row)
	}
	p.Data = struct {
		Q    string
		Rows []userRow
	}{q, rows}
	s.render(w, r, http.StatusOK, "users", p)
}

func (s *Server) agencyNames(r *http.Request) map[int64]string {
	all, _ := s.Identity.Agencies(r.Context())
	m := make(map[int64]string, len(all))
	for _, a := range all {
		m[a.ID] = a.Name
	}
	return m
}

type userFormData struct {
	Existing  *identity.User
	KindName  string
	In        identity.UserInput
	GrantRows []identity.Grant
	Kinds     []option
	Roles     []option
	Agencies  []agencyOption
}

func (s *Server) userForm(w http.ResponseWriter, r *http.Request, status int, p *Page, existing *identity.User, in identity.UserInput) {
	sc, err := s.adminScope(r)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	d := userFormData{Existing: existing, In: in}
	if existing != nil {
		d.KindName = p.T("kind." + string(existing.Kind))
		in.Grants = existing.Grants
		if len(p.Errors) > 0 {
			in.Grants = d.In.Grants
		}
	}
	d.GrantRows = append(append([]identity.Grant(nil), in.Grants...), make([]identity.Grant, 3)...)
	for _, k := range []identity.UserKind{identity.UserOfficial, identity.UserCitizen, identity.UserBusiness} {
		d.Kinds = append(d.Kinds, option{string(k), p.T("kind." + string(k))})
	}
	d.Roles = append(d.Roles, option{"", p.T("user.no_role")})
	for _, role := range identity.AllRoles {
		if role == identity.RoleSystemAdmin && !sc.All {
			continue
		}
		d.Roles = append(d.Roles, option{string(role), p.T("role." + string(role))})
	}
	if d.Agencies, err = s.agencyOptions(r, sc); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	p.Data = d
	s.render(w, r, status, "user_form", p)
}

// formGrants reads the role/agency row pairs.
func formGrants(r *http.Request) []identity.Grant {
	roles, agencies := r.PostForm["role"], r.PostForm["agency"]
	var out []identity.Grant
	for i, role := range roles {
		if role == "" {
			continue
		}
		var ag int64
		if i < len(agencies) {
			ag, _ = strconv.ParseInt(agencies[i], 10, 64)
		}
		out = append(out, identity.Grant{Role: identity.Role(role), AgencyID: ag})
	}
	return out
}

func (s *Server) userNewForm(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "user.new", "users")
	s.userForm(w, r, http.StatusOK, p, nil, identity.UserInput{Kind: identity.UserOfficial})
}

func (s *Server) userCreate(w http.ResponseWriter, r *http.Request) {
	sc, err := s.adminScope(r)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	in := identity.UserInput{
		Username: r.PostFormValue("username"), Kind: identity.UserKind(r.PostFormValue("kind")), FullName: r.PostFormValue("full_name"),
		Email: r.PostFormValue("email"), Phone: r.PostFormValue("phone"), PersonalID: r.PostFormValue("personal_id"),
		Password: r.PostFormValue("password"), Grants: formGrants(r),
	}
	if !sc.CanGrant(in.Grants) {
		httpx.WriteError(w, r, apperr.ErrForbidden)
		return
	}
	u, err := s.Identity.CreateUser(r.Context(), in)
	if err != nil {
		p := s.page(r, "user.new", "users")
		msgs, ok := formErrors(p.Lang, err)
		if !ok {
			httpx.WriteError(w, r, err)
			return
		}
		p.Errors = msgs
		in.Password = ""
		s.userForm(w, r, httpx.Status(apperr.As(err).Code), p, nil, in)
		return
	}
	s.redirect(w, r, "/quan-tri/nguoi-dung/"+strconv.FormatInt(u.ID, 10), "user.created")
}

// userInScope loads the {id} user and checks the admin manages them: a
// system admin manages everyone; an agency admin manages officials who
// hold a role in their subtree and nobody who is a system admin.
func (s *Server) userInScope(w http.ResponseWriter, r *http.Request) (identity.User, identity.AdminScope, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		httpx.WriteError(w, r, identity.ErrUserNotFound)
		return identity.User{}, identity.AdminScope{}, false
	}
	u, err := s.Identity.User(r.Context(), id)
	if err != nil {
		httpx.WriteError(w, r, err)
		return u, identity.AdminScope{}, false
	}
	sc, err := s.adminScope(r)
	if err != nil {
		httpx.WriteError(w, r, err)
		return u, sc, false
	}
	if !sc.CanManageUser(u) {
		httpx.WriteError(w, r, apperr.ErrForbidden)
		return u, sc, false
	}
	return u, sc, true
}

func (s *Server) userEditForm(w http.ResponseWriter, r *http.Request) {
	u, _, ok := s.userInScope(w, r)
	if !ok {
		return
	}
	p := s.page(r, "user.edit", "users")
	p.Title = u.FullName
	s.userForm(w, r, http.StatusOK, p, &u, identity.UserInput{})
}

func (s *Server) userUpdate(w http.ResponseWriter, r *http.Request) {
	u, sc, ok := s.userInScope(w, r)
	if !ok {
		return
	}
	gs := formGrants(r)
	if !sc.All && len(gs) > 0 && !sc.CanGrant(gs) {
		httpx.WriteError(w, r, apperr.ErrForbidden)
		return
	}
	gs = append(gs, sc.KeepOutside(u)...)
	if err := s.Identity.SetGrants(r.Context(), u.ID, gs); err != nil {
		p := s.page(r, "user.edit", "users")
		msgs, ok := formErrors(p.Lang, err)
		if !ok {
			httpx.WriteError(w, r, err)
			return
		}
		p.Errors = msgs
		s.userForm(w, r, httpx.Status(apperr.As(err).Code), p, &u, identity.UserInput{Grants: gs})
		return
	}
	s.redirect(w, r, "/quan-tri/nguoi-dung/"+strconv.FormatInt(u.ID, 10), "user.saved")
}

func (s *Server) userResetPassword(w http.ResponseWriter, r *http.Request) {
	u, _, ok := s.userInScope(w, r)
	if !ok {
		return
	}
	if err := s.Identity.SetPassword(r.Context(), u.ID, r.PostFormValue("password")); err != nil {
		p := s.page(r, "user.edit", "users")
		msgs, isUser := formErrors(p.Lang, err)
		if !isUser {
			httpx.WriteError(w, r, err)
			return
		}
		for i := range msgs {
			msgs[i].Field = "new_password"
		}
		p.Errors, p.Title = msgs, u.FullName
		s.userForm(w, r, httpx.Status(apperr.As(err).Code), p, &u, identity.UserInput{})
		return
	}
	s.redirect(w, r, "/quan-tri/nguoi-dung/"+strconv.FormatInt(u.ID, 10), "user.saved")
}

func (s *Server) userResetTOTP(w http.ResponseWriter, r *http.Request) {
	u, _, ok := s.userInScope(w, r)
	if !ok {
		return
	}
	if err := s.Identity.ResetTOTP(r.Context(), u.ID); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	s.redirect(w, r, "/quan-tri/nguoi-dung/"+strconv.FormatInt(u.ID, 10), "user.saved")
}

func (s *Server) userSetDisabled(w http.ResponseWriter, r *http.Request) {
	u, _, ok := s.userInScope(w, r)
	if !ok {
		return
	}
	if u.ID == httpx.Principal(r.Context()).User.ID {
		httpx.WriteError(w, r, apperr.New(apperr.Conflict, "user.disable_self",
			"Bạn không thể tự vô hiệu hóa tài khoản của mình.", "You cannot disable your own account."))
		return
	}
	if err := s.Identity.SetDisabled(r.Context(), u.ID, r.PostFormValue("disabled") == "1"); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	s.redirect(w, r, "/quan-tri/nguoi-dung/"+strconv.FormatInt(u.ID, 10), "user.saved")
}

// --- calendar declarations

type declRow struct {
	Date, Shown, KindName, HolidayName, Name string
}

type declForm struct {
	Date, Kind, Holiday, Name, NameEn string
}

func (s *Server) calendarAdmin(w http.ResponseWriter, r *http.Request) {
	s.renderCalendarAdmin(w, r, http.StatusOK, nil, declForm{})
}

func (s *Server) renderCalendarAdmin(w http.ResponseWriter, r *http.Request, status int, errs []FieldMsg, form declForm) {
	p := s.page(r, "caladm.title", "calendar")
	p.Errors = errs
	year, ok := s.yearParam(r)
	if !ok {
		p.Errors = append(p.Errors, FieldMsg{Field: "year", Message: p.T("cal.bad_year")})
	}
	decls, err := s.Calendar.Declarations(r.Context(), year)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	cal, err := s.Calendar.Calendar(r.Context())
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	var rows []declRow
	for _, d := range decls {
		row := declRow{Date: d.Date.String(), Shown: formatDate(p.Lang, d.Date), KindName: p.T("kind." + d.Kind.String()), Name: d.Name}
		if d.Holiday != 0 {
			row.HolidayName = d.Holiday.Name()
			if p.Lang == "en" {
				row.HolidayName = d.Holiday.NameEn()
			}
		}
		if p.Lang == "en" && d.NameEn != "" {
			row.Name = d.NameEn
		}
		if (p.Lang == "vi" && d.Name == "") || (p.Lang == "en" && d.NameEn == "") {
			// unnamed: show the name the calendar gives the day
			if day, ok := cal.Day(d.Date); ok {
				row.Name = day.Name
				if p.Lang == "en" {
					row.Name = day.NameEn
				}
			}
		}
		rows = append(rows, row)
	}
	p.Data = struct {
		Year  int
		Decls []declRow
		Days  []dayRow
		Form  declForm
	}{year, rows, s.dayRows(p.Lang, cal.Year(year)), form}
	s.render(w, r, status, "calendar_admin", p)
}

func (s *Server) calendarDeclare(w http.ResponseWriter, r *http.Request) {
	lang := httpx.Lang(r.Context())
	form := declForm{Date: r.PostFormValue("date"), Kind: r.PostFormValue("kind"), Holiday: r.PostFormValue("holiday"),
		Name: strings.TrimSpace(r.PostFormValue("name")), NameEn: strings.TrimSpace(r.PostFormValue("name_en"))}
	d, err := calendar.ParseDate(strings.TrimSpace(form.Date))
	if err != nil {
		s.renderCalendarAdmin(w, r, http.StatusBadRequest, []FieldMsg{{Field: "date", Message: translate(lang, "caladm.bad_date")}}, form)
		return
	}
	decl := calendar.Declaration{Date: d, Name: form.Name, NameEn: form.NameEn}
	if decl.Kind, err = calendar.ParseKind(form.Kind); err != nil {
		s.renderCalendarAdmin(w, r, http.StatusBadRequest, []FieldMsg{{Field: "kind", Message: translate(lang, "cal.kind")}}, form)
		return
	}
	if form.Holiday != "" {
		if decl.Holiday, err = calendar.ParseHoliday(form.Holiday); err != nil {
			s.renderCalendarAdmin(w, r, http.StatusBadRequest, []FieldMsg{{Field: "holiday", Message: translate(lang, "caladm.holiday")}}, form)
			return
		}
	}
	if err := s.Calendar.Declare(r.Context(), decl); err != nil {
		msgs, ok := formErrors(lang, err)
		if !ok {
			httpx.WriteError(w, r, err)
			return
		}
		s.renderCalendarAdmin(w, r, httpx.Status(apperr.As(err).Code), msgs, form)
		return
	}
	s.redirect(w, r, "/quan-tri/lich?year="+strconv.Itoa(d.Year), "caladm.saved")
}

func (s *Server) calendarRemove(w http.ResponseWriter, r *http.Request) {
	d, err := calendar.ParseDate(r.PostFormValue("date"))
	if err != nil {
		httpx.WriteError(w, r, apperr.New(apperr.Invalid, "calendar.bad_date", translate("vi", "caladm.bad_date"), translate("en", "caladm.bad_date")))
		return
	}
	if err := s.Calendar.Remove(r.Context(), d); err != nil {
		lang := httpx.Lang(r.Context())
		msgs, ok := formErrors(lang, err)
		if !ok {
			httpx.WriteError(w, r, err)
			return
		}
		s.renderCalendarAdmin(w, r, httpx.Status(apperr.As(err).Code), msgs, declForm{})
		return
	}
	s.redirect(w, r, "/quan-tri/lich?year="+strconv.Itoa(d.Year), "caladm.saved")
}

// --- audit log

type auditRow struct {
	At, Actor, Action, Object, IP, Chain string
}

func (s *Server) auditPage(w http.ResponseWriter, r *http.Request) {
	s.renderAudit(w, r, nil)
}

func (s *Server) renderAudit(w http.ResponseWriter, r *http.Request, rep *audit.Report) {
	p := s.page(r, "audit.title", "audit")
	entries, err := s.Audit.Recent(r.Context(), 100)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	rows := make([]auditRow, 0, len(entries))
	for _, e := range entries {
		rows = append(rows, auditRow{At: formatInstant(p.Lang, e.At), Actor: e.Actor, Action: e.Action,
			Object: e.ObjectType + " " + e.ObjectID, IP: e.IP, Chain: e.Chain + " #" + strconv.FormatInt(e.Seq, 10)})
	}
	p.Data = struct {
		Report  *audit.Report
		Entries []auditRow
	}{rep, rows}
	s.render(w, r, http.StatusOK, "audit", p)
}

func (s *Server) auditVerify(w http.ResponseWriter, r *http.Request) {
	rep, err := s.Audit.Verify(r.Context())
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	s.renderAudit(w, r, &rep)
}
