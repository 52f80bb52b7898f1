package app_test

import (
	"encoding/json"
	"html"
	"net/http"
	"strings"
	"testing"
)

// scenario is one HTTP exchange: who asks, what, and what must come back.
type scenario struct {
	name    string
	as      string // "", "web:USER" (browser session) or "api:USER" (bearer token)
	method  string
	path    string
	body    string
	headers map[string]string
	status  int
	want    []string // substrings of the body
	notWant []string
}

func runScenarios(t *testing.T, s *server, rows []scenario) {
	t.Helper()
	browsers := map[string]*http.Client{}
	tokens := map[string]string{}
	for _, sc := range rows {
		client := s.browser()
		hdr := map[string]string{}
		for k, v := range sc.headers {
			hdr[k] = v
		}
		switch {
		case strings.HasPrefix(sc.as, "web:"):
			u := strings.TrimPrefix(sc.as, "web:")
			if browsers[u] == nil {
				browsers[u] = s.browser()
				s.webLogin(browsers[u], u)
			}
			client = browsers[u]
		case strings.HasPrefix(sc.as, "api:"):
			u := strings.TrimPrefix(sc.as, "api:")
			if tokens[u] == "" {
				tokens[u] = s.token(u)
			}
			hdr["Authorization"] = "Bearer " + tokens[u]
		}
		method := sc.method
		if method == "" {
			method = "GET"
		}
		resp := s.do(client, method, sc.path, sc.body, hdr)
		if resp.status != sc.status {
			t.Errorf("%s: %s %s as %q: status %d, want %d\n%s", sc.name, method, sc.path, sc.as, resp.status, sc.status, trim(resp.body))
			continue
		}
		for _, w := range sc.want {
			if !strings.Contains(resp.body, w) && !strings.Contains(resp.header.Get("Location"), w) {
				t.Errorf("%s: body lacks %q\n%s", sc.name, w, trim(resp.body))
			}
		}
		for _, w := range sc.notWant {
			if strings.Contains(resp.body, w) {
				t.Errorf("%s: body must not contain %q", sc.name, w)
			}
		}
		if strings.HasPrefix(sc.path, "/api/") && resp.status >= 400 {
			if ct := resp.header.Get("Content-Type"); ct != "application/problem+json" {
				t.Errorf("%s: error content type %q, want application/problem+json", sc.name, ct)
			}
			var p struct {
				Code   string `json:"code"`
				Status int    `json:"status"`
				Detail string `json:"detail"`
			}
			if err := json.Unmarshal([]byte(resp.body), &p); err != nil || p.Code == "" || p.Status != resp.status || p.Detail == "" {
				t.Errorf("%s: not a problem document: %s", sc.name, resp.body)
			}
		}
		if resp.status >= 500 && resp.status != http.StatusNotImplemented {
			t.Errorf("%s: server error %d", sc.name, resp.status)
		}
		if strings.Contains(resp.body, "goroutine ") || strings.Contains(resp.body, ".go:") {
			t.Errorf("%s: response leaks a stack trace", sc.name)
		}
	}
}

func trim(s string) string {
	if len(s) > 600 {
		return s[:600] + "..."
	}
	return s
}

func TestPortalAndBackOffice(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, s *server) {
		runScenarios(t, s, []scenario{
			{name: "HomeInVietnamese", path: "/", status: 200, want: []string{`lang="vi"`, "Cổng dịch vụ công trực tuyến", "Lạng Sơn"}},
			{name: "HomeInEnglish", path: "/?lang=en", status: 200, want: []string{`lang="en"`, "Online public services portal"}},
			{name: "Stylesheet", path: "/static/style.css", status: 200, want: []string{"--brand"}},
			{name: "UnknownPage", path: "/khong-co-trang-nay", status: 404, want: []string{"Không tìm thấy"}},
			{name: "CalendarShowsTet2026", path: "/lich-lam-viec?year=2026", status: 200, want: []string{"Tết Nguyên đán", "17/02/2026"}},
			{name: "CalendarComputesDue", path: "/lich-lam-viec?year=2026&start=2026-02-13T16:30&days=5", status: 200,
				want: []string{"17:00 Thứ Sáu, 27/02/2026", "Tết Nguyên đán"}},
			{name: "CalendarRejectsBadStart", path: "/lich-lam-viec?start=hom-qua&days=5", status: 400, want: []string{"Thời điểm tiếp nhận không hợp lệ"}},
			{name: "CalendarRejectsBadDays", path: "/lich-lam-viec?start=2026-02-13T16:30&days=-3", status: 400, want: []string{"Số ngày làm việc"}},
			{name: "CalendarRejectsBadYear", path: "/lich-lam-viec?year=abc", status: 400, want: []string{"Năm phải từ 1900"}},
			{name: "LoginPageOffersIdentityProvider", path: "/dang-nhap", status: 200, want: []string{"Đăng nhập bằng tài khoản định danh điện tử", `autocomplete="current-password"`}},
			{name: "WrongPassword", method: "POST", path: "/dang-nhap", body: "username=motcua&password=sai-mat-khau", status: 401,
				want: []string{"Tên đăng nhập hoặc mật khẩu không đúng"}, notWant: []string{"sai-mat-khau"}},
			{name: "UnknownUser", method: "POST", path: "/dang-nhap", body: "username=khong.ai&password=sai-mat-khau", status: 401,
				want: []string{"Tên đăng nhập hoặc mật khẩu không đúng"}},
			{name: "BackOfficeNeedsLogin", path: "/quan-tri", status: 303, want: []string{"/dang-nhap?next=%2Fquan-tri"}},
			{name: "CitizenIsNotAnOfficial", as: "web:congdan", path: "/quan-tri", status: 403, want: []string{"Không có quyền"}},
			{name: "DeskOfficerSeesBackOffice", as: "web:motcua", path: "/quan-tri", status: 200, want: []string{"Lê Thu Trang", "Cán bộ một cửa · Sở Tư pháp"}},
			{name: "DeskOfficerCannotAdminAgencies", as: "web:motcua", path: "/quan-tri/co-quan", status: 403},
			{name: "DeskOfficerCannotSeeAudit", as: "web:lanhdao", path: "/quan-tri/nhat-ky", status: 403},
			{name: "AdminSeesAgencyTree", as: "web:admin", path: "/quan-tri/co-quan", status: 200,
				want: []string{"Sở Tư pháp", "000.00.03.H37", "Ủy ban nhân dân phường Đông Kinh", "372"}},
			{name: "AdminEditsAgencyWithBadCode", as: "web:admin", method: "POST", path: "/quan-tri/co-quan/3",
				body: "name=S%E1%BB%9F+T%C6%B0+ph%C3%A1p&kind=department&parent_id=1&code=H37-03", status: 400,
				want: []string{"Mã định danh phải có dạng ddd.dd.dd.Xdd", `aria-invalid="true"`}},
			{name: "AdminSeesUsers", as: "web:admin", path: "/quan-tri/nguoi-dung", status: 200, want: []string{"chuyenvien.xa", "congdan2"}},
			{name: "AdminCreatesDuplicateUser", as: "web:admin", method: "POST", path: "/quan-tri/nguoi-dung/moi",
				body: "username=motcua&full_name=X&kind=official&password=mat-khau-du-dai", status: 409, want: []string{"Tên đăng nhập này đã có người dùng"}},
			{name: "AdminSeesCalendarDeclarations", as: "web:admin", path: "/quan-tri/lich?year=2025", status: 200, want: []string{"02/05/2025", `value="2025-05-02"`, "Làm bù cho ngày 2/5", "<td>Tết Nguyên đán</td><td>Tết Nguyên đán</td>"}},
			{name: "AdminRejectsIncompleteTet", as: "web:admin", method: "POST", path: "/quan-tri/lich",
				body: "date=2027-02-05&kind=declared_off&holiday=tet&year=2027", status: 400, want: []string{"Khai báo ngày nghỉ không hợp lệ"}},
			{name: "AdminVerifiesAudit", as: "web:admin", method: "POST", path: "/quan-tri/nhat-ky/kiem-tra", status: 200,
				want: []string{"Nhật ký nguyên vẹn", "session.login"}},
			{name: "CrossSiteFormIsRefused", as: "web:admin", method: "POST", path: "/quan-tri/lich",
				body: "date=2026-12-31&kind=declared_off", headers: map[string]string{"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"},
				status: 403, want: []string{"CSRF"}},
			{name: "AccountPage", as: "web:congdan", path: "/tai-khoan", status: 200, want: []string{"020085001234", "Nguyễn Văn An"}},
		})
	})
}

func TestAPI(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, s *server) {
		big := `{"username":"` + strings.Repeat("a", 9000) + `","password":"x"}`
		runScenarios(t, s, []scenario{
			{name: "DueAcrossTet", path: "/api/v1/calendar/due?start=2026-02-13T16:30:00%2B07:00&working_days=5", status: 200,
				want: []string{`"due":"2026-02-27T17:00:00+07:00"`}},
			{name: "DueFromUTCInput", path: "/api/v1/calendar/due?start=2026-11-24T03:00:00Z&working_days=1", status: 200,
				want: []string{`"due":"2026-11-25T17:00:00+07:00"`}},
			{name: "DueBadStart", path: "/api/v1/calendar/due?start=24/11/2026&working_days=1", status: 400, want: []string{`"code":"invalid_input"`, "calendar.bad_start"}},
			{name: "DueMissingStart", path: "/api/v1/calendar/due?working_days=1", status: 422},
			{name: "DueNegative", path: "/api/v1/calendar/due?start=2026-11-24T03:00:00Z&working_days=-1", status: 422},
			{name: "DueTooMany", path: "/api/v1/calendar/due?start=2026-11-24T03:00:00Z&working_days=100000", status: 422},
			{name: "DueNotANumber", path: "/api/v1/calendar/due?start=2026-11-24T03:00:00Z&working_days=abc", status: 422},
			{name: "Holidays2025", path: "/api/v1/calendar/holidays?year=2025", status: 200,
				want: []string{`"year":2025`, `{"date":"2025-01-27","name":"Tết Nguyên đán"`, `"kind":"working_day"`}},
			{name: "HolidaysBadYear", path: "/api/v1/calendar/holidays?year=3000", status: 422},
			{name: "ProblemInEnglish", path: "/api/v1/calendar/due?start=x&working_days=1", headers: map[string]string{"Accept-Language": "en"},
				status: 400, want: []string{"start must be an RFC 3339 instant"}},
			{name: "LoginMalformedJSON", method: "POST", path: "/api/v1/sessions", body: "not json {", status: 400, want: []string{"bad_json"}},
			{name: "LoginWrongPassword", method: "POST", path: "/api/v1/sessions", body: `{"username":"admin","password":"sai"}`, status: 401,
				want: []string{"login.bad_credentials"}},
			{name: "LoginMissingField", method: "POST", path: "/api/v1/sessions", body: `{"username":"admin"}`, status: 422},
			{name: "LoginOversizedBody", method: "POST", path: "/api/v1/sessions", body: big, status: 413, want: []string{"body_too_large"}},
			{name: "MeNeedsToken", path: "/api/v1/me", status: 401, want: []string{"unauthenticated"}},
			{name: "MeBadToken", path: "/api/v1/me", headers: map[string]string{"Authorization": "Bearer khong-hop-le"}, status: 401, want: []string{"session.invalid"}},
			{name: "MeBadScheme", path: "/api/v1/me", headers: map[string]string{"Authorization": "Basic YWRtaW46eA=="}, status: 401},
			{name: "Me", as: "api:chuyenvien", path: "/api/v1/me", status: 200, want: []string{`"username":"chuyenvien"`, `"role":"specialist"`}},
			{name: "AgenciesArePublic", path: "/api/v1/agencies", status: 200, want: []string{"000.00.00.H37", "Sở Tư pháp"}},
			{name: "AgencyNotFound", path: "/api/v1/agencies/999999", status: 404, want: []string{"agency.not_found"}},
			{name: "AgencyBadID", path: "/api/v1/agencies/abc", status: 422},
			{name: "CitizenCannotListUsers", as: "api:congdan", path: "/api/v1/users", status: 403, want: []string{"forbidden"}},
			{name: "AdminListsUsers", as: "api:admin", path: "/api/v1/users?q=xa", status: 200, want: []string{"motcua.xa"}, notWant: []string{`"username":"congdan"`}},
			{name: "DeskOfficerCannotCreateAgency", as: "api:motcua", method: "POST", path: "/api/v1/agencies",
				body: `{"kind":"unit","name":"Phòng mới","code":"000.09.03.H37"}`, status: 403},
			{name: "InvalidAgencyCode", as: "api:admin", method: "POST", path: "/api/v1/agencies",
				body: `{"kind":"unit","name":"Phòng mới","code":"37.H.03"}`, status: 400, want: []string{"agency.code_format"}},
			{name: "DuplicateAgencyCode", as: "api:admin", method: "POST", path: "/api/v1/agencies",
				body: `{"kind":"unit","name":"Phòng trùng mã","code":"000.00.03.H37"}`, status: 409, want: []string{"agency.code_taken"}},
			{name: "CreateAgency", as: "api:admin", method: "POST", path: "/api/v1/agencies",
				body: `{"kind":"unit","name":"Phòng Công chứng","code":"000.09.03.H37","parent_id":3}`, status: 201, want: []string{`"code":"000.09.03.H37"`}},
			{name: "DuplicateUsername", as: "api:admin", method: "POST", path: "/api/v1/users",
				body: `{"username":"congdan","kind":"citizen","full_name":"Trùng tên"}`, status: 409, want: []string{"user.username_taken"}},
			{name: "CreateCommuneAdmin", as: "api:admin", method: "POST", path: "/api/v1/users",
				body:   `{"username":"quantri.xa","kind":"official","full_name":"Quản trị phường","password":"` + demoPassword + `","roles":[{"role":"agency_admin","agency_id":` + communeID(t, s) + `}]}`,
				status: 201, want: []string{`"role":"agency_admin"`}},
			{name: "CommuneAdminCannotEditDepartment", as: "api:quantri.xa", method: "PUT", path: "/api/v1/agencies/3",
				body: `{"kind":"department","name":"Sở Tư pháp bị sửa","parent_id":1}`, status: 403},
			{name: "CommuneAdminCannotGrantElsewhere", as: "api:quantri.xa", method: "POST", path: "/api/v1/users",
				body: `{"username":"nguoi.la","kind":"official","full_name":"X","password":"` + demoPassword + `","roles":[{"role":"leader","agency_id":3}]}`, status: 403},
			{name: "CommuneAdminSeesOnlyTheirUsers", as: "api:quantri.xa", path: "/api/v1/users", status: 200,
				want: []string{"motcua.xa"}, notWant: []string{`"username":"chuyenvien"`}},
			{name: "DeclarationsNeedAdmin", as: "api:lanhdao", path: "/api/v1/calendar/declarations?year=2025", status: 403},
			{name: "Declarations", as: "api:admin", path: "/api/v1/calendar/declarations?year=2025", status: 200, want: []string{`"holiday":"tet"`}},
			{name: "DeclareBadDate", as: "api:admin", method: "PUT", path: "/api/v1/calendar/declarations/2026-13-40", body: `{"kind":"declared_off"}`, status: 400},
			{name: "DeclareUnknownKind", as: "api:admin", method: "PUT", path: "/api/v1/calendar/declarations/2026-12-31", body: `{"kind":"holiday"}`, status: 422},
			{name: "Declare", as: "api:admin", method: "PUT", path: "/api/v1/calendar/declarations/2026-12-31",
				body: `{"kind":"declared_off","name":"Nghỉ cuối năm"}`, status: 200},
			{name: "DeclarationApplies", path: "/api/v1/calendar/due?start=2026-12-30T08:00:00%2B07:00&working_days=1", status: 200,
				want: []string{`"due":"2027-01-04T17:00:00+07:00"`}},
			{name: "DossiersNeedSignIn", path: "/api/v1/dossiers", status: 401, want: []string{"unauthenticated"}},
			{name: "MyDossiers", as: "api:congdan", path: "/api/v1/dossiers", status: 200, want: []string{`"items":[`}},
			{name: "Logout", as: "api:lanhdao", method: "DELETE", path: "/api/v1/sessions/current", status: 204},
		})
	})
}

// communeID finds the demo commune (Phường Đông Kinh).
func communeID(t *testing.T, s *server) string {
	resp := s.do(http.DefaultClient, "GET", "/api/v1/agencies", "", nil)
	var list []struct {
		ID   int64  `json:"id"`
		Code string `json:"code"`
	}
	if err := json.Unmarshal([]byte(resp.body), &list); err != nil {
		t.Fatal(err)
	}
	for _, a := range list {
		if a.Code == "000.00.20.H37" {
			return strconvI(a.ID)
		}
	}
	t.Fatal("demo commune not found")
	return ""
}

func TestCatalogue(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, s *server) {
		runScenarios(t, s, []scenario{
			{name: "ListPage", path: "/thu-tuc", status: 200, want: []string{"Danh mục thủ tục hành chính", "Hộ tịch", "Chứng thực"}},
			{name: "SearchWithoutDiacritics", path: "/thu-tuc?q=dang+ky+khai+sinh", status: 200, want: []string{`href="/thu-tuc/1.001193"`}},
			{name: "SearchFilterLevel", path: "/thu-tuc?cap=province", status: 200, want: []string{"Cấp tỉnh"}, notWant: []string{"Cấp xã ·"}},
			{name: "SearchFilterAgency", path: "/thu-tuc?co-quan=000.00.04.H37", status: 200, want: []string{"Sở Tài chính", "2.001610"}, notWant: []string{"1.001193"}},
			{name: "ProcedurePage", path: "/thu-tuc/1.001193", status: 200,
				want: []string{"Thời hạn giải quyết", "Hồ sơ cần chuẩn bị", "Nộp hồ sơ trực tuyến", "Căn cứ pháp lý", "ngày làm việc"}},
			{name: "ProcedureInEnglish", path: "/thu-tuc/1.001193?lang=en", status: 200, want: []string{"What to bring", "working day"}},
			{name: "UnknownProcedure", path: "/thu-tuc/9.999999", status: 404, want: []string{"Không tìm thấy thủ tục"}},
			{name: "APIList", path: "/api/v1/procedures?q=khai+sinh&limit=2", status: 200, want: []string{`"code":"1.001193"`, `"next_cursor"`}},
			{name: "APITypo", path: "/api/v1/procedures?q=chung+thuc+ban+sao+tu+ban+chin", status: 200, want: []string{`"code":"2.000815"`}},
			{name: "APIFilters", path: "/api/v1/procedures?field=H%E1%BB%99+t%E1%BB%8Bch&level=commune", status: 200, want: []string{`"field":"Hộ tịch"`}, notWant: []string{`"field":"Chứng thực"`}},
			{name: "APIBadCursor", path: "/api/v1/procedures?cursor=xyz", status: 400, want: []string{"catalog.bad_cursor"}},
			{name: "APIBadLevel", path: "/api/v1/procedures?level=district", status: 422},
			{name: "APIOne", path: "/api/v1/procedures/2.000815", status: 200, want: []string{`"documents"`, `"workflow":"xa-don-gian"`}},
			{name: "APINotFound", path: "/api/v1/procedures/9.999999", status: 404, want: []string{"procedure.not_found"}},
		})
	})
}

func TestFormPreview(t *testing.T) {
	t.Parallel()
	s := start(t, serverOpts{})
	runScenarios(t, s, []scenario{
		{name: "FormRenders", path: "/thu-tuc/1.001193/to-khai", status: 200, want: []string{"Kiểm tra tờ khai", `aria-required="true"`, "Mục có dấu * là bắt buộc"}},
		{name: "EmptySubmissionListsEveryMissingField", method: "POST", path: "/thu-tuc/1.001193/to-khai", body: "x=1", status: 400,
			want: []string{"Vui lòng sửa các lỗi sau", `aria-invalid="true"`}},
		{name: "ProcedurePageLinksTheForm", path: "/thu-tuc/2.002029", status: 200, want: []string{`href="/thu-tuc/2.002029/to-khai"`}},
		{name: "BadEnterpriseCode", method: "POST", path: "/thu-tuc/2.002029/to-khai", body: "ma_so_dn=0100109107", status: 400,
			want: []string{"0100109107"}},
	})
}

func TestCatalogueAdministration(t *testing.T) {
	t.Parallel()
	s := start(t, serverOpts{})
	runScenarios(t, s, []scenario{
		{name: "NeedsSystemAdmin", as: "web:lanhdao", path: "/quan-tri/danh-muc", status: 403},
		{name: "List", as: "web:admin", path: "/quan-tri/danh-muc", status: 200, want: []string{"1.001193", "xa-mot-cap", "Đã công bố"}},
		{name: "WorkflowDiagram", as: "web:admin", path: "/quan-tri/danh-muc/quy-trinh/lien-thong-khai-sinh", status: 200,
			want: []string{"Sơ đồ các bước", "Gửi song song (liên thông) tới:", "chủ trì", "→"}},
		{name: "FormEditor", as: "web:admin", path: "/quan-tri/danh-muc/bieu-mau/1.001193", status: 200, want: []string{`&#34;key&#34;: &#34;1.001193&#34;`}},
		{name: "SaveRejectsUnreachableEnd", as: "web:admin", method: "POST", path: "/quan-tri/danh-muc/quy-trinh/xa-don-gian",
			body:   "json=" + urlQuery(`{"key":"xa-don-gian","name":{"vi":"Thử"},"steps":[{"id":"a","name":{"vi":"A"},"unit":"receiving.onestop","role":"desk_officer","share":100,"actions":[{"action":"receive","to":"a"}]}]}`),
			status: 400, want: []string{"steps[0]", "không có đường kết thúc"}},
		{name: "SaveRejectsUnknownFieldType", as: "web:admin", method: "POST", path: "/quan-tri/danh-muc/bieu-mau/1.013859",
			body: "json=" + urlQuery(`{"key":"1.013859","fields":[{"name":"x","type":"datetime","label":{"vi":"X"}}]}`), status: 400, want: []string{"fields[0].type"}},
		{name: "SaveRejectsBadJSON", as: "web:admin", method: "POST", path: "/quan-tri/danh-muc/thu-tuc/1.001193", body: "json=%7Bnot", status: 400, want: []string{"JSON không hợp lệ"}},
		{name: "ImportRejectsMalformedFile", as: "web:admin", method: "POST", path: "/quan-tri/danh-muc/nhap", body: "x=1", status: 400, want: []string{"Vui lòng chọn tệp"}},
		{name: "Export", as: "web:admin", path: "/quan-tri/danh-muc/xuat.json", status: 200, want: []string{`"format": "egov-catalog/1"`, `"forms"`}},
	})
}

func TestCatalogueEditMakesAVersion(t *testing.T) {
	t.Parallel()
	s := start(t, serverOpts{})
	c := s.browser()
	s.webLogin(c, "admin")
	page := s.do(c, "GET", "/quan-tri/danh-muc/thu-tuc/2.000815", "", nil)
	i := strings.Index(page.body, `<textarea id="json" name="json"`)
	if i < 0 {
		t.Fatal("no editor")
	}
	body := page.body[i:]
	body = body[strings.Index(body, ">")+1 : strings.Index(body, "</textarea>")]
	body = html.UnescapeString(body)
	edited := strings.Replace(body, "Chứng thực bản sao từ bản chính", "Chứng thực bản sao từ bản chính (đã sửa)", 1)
	r := s.do(c, "POST", "/quan-tri/danh-muc/thu-tuc/2.000815", "json="+urlQuery(edited), nil)
	if r.status != 303 {
		t.Fatalf("save: %d %s", r.status, trim(r.body))
	}
	if r := s.do(c, "GET", "/quan-tri/danh-muc/thu-tuc/2.000815", "", nil); !strings.Contains(r.body, "phiên bản 2") {
		t.Fatal("no version 2")
	}
	if r := s.do(http.DefaultClient, "GET", "/thu-tuc/2.000815", "", nil); !strings.Contains(r.body, "(đã sửa)") {
		t.Fatal("the public page does not show the new version")
	}
}
