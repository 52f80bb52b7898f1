package app_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"egov/internal/attach/attachtest"
	"egov/internal/audit"
	"egov/internal/browsertest"
	"egov/internal/calendar"
	"egov/internal/catalog"
	"egov/internal/dossier"
	"egov/internal/eform"
	"egov/internal/identity"
	"egov/internal/platform/sqldb/sqldbtest"
)

// The officials' pages (internal/web/desk*.go): a dossier from the ward's
// desk to its result through the pages' forms, desk submission on behalf,
// the late list; and, next to every POST, the rows of those who may not:
// another agency's official (404: the dossier is not disclosed), the wrong
// role at the ward (403), the wrong step (409) and a citizen (403).

// deskClock is a server's injected clock, moved by the test.
type deskClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *deskClock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *deskClock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// deskT0 is a Monday morning after Tết 2027, later than the real date so
// that deadline jobs (scheduled in real time) do not fire during a test.
var deskT0 = time.Date(2027, 3, 1, 9, 0, 0, 0, calendar.Location())

// deskEngines runs fn on SQLite and PostgreSQL, each server on its own
// clock set at deskT0.
func deskEngines(t *testing.T, fn func(t *testing.T, s *server, clk *deskClock)) {
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		clk := &deskClock{t: deskT0}
		fn(t, start(t, serverOpts{now: clk.Now}), clk)
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		clk := &deskClock{t: deskT0}
		fn(t, start(t, serverOpts{postgresURL: sqldbtest.PostgresURL(t), now: clk.Now}), clk)
	})
}

// deskUser is a demo account as a signed-in principal.
func deskUser(t *testing.T, s *server, username string) *identity.Principal {
	t.Helper()
	u, err := s.app.Identity.UserByUsername(t.Context(), username)
	if err != nil {
		t.Fatal(err)
	}
	return &identity.Principal{Stage: identity.StageFull, User: u}
}

// The e-forms of three ward procedures, filled in by Nguyễn Văn An:
// a certificate of marital status (1.004873: desk, specialist, leader),
// a copy of a civil-status record (2.000635: desk, leader), both offered
// online, and certified copies (2.000815: desk, leader), in person only.
var (
	deskMarital = eform.Values{"nyc_ho_ten": {"Nguyễn Văn An"}, "nyc_ngay_sinh": {"1985-03-12"}, "nyc_gioi_tinh": {"nam"},
		"nyc_so_dinh_danh": {"020085001234"}, "nyc_noi_cu_tru": {"Số 5 đường Lê Lợi, Phường Đông Kinh, Tỉnh Lạng Sơn"},
		"cap_cho": {"ban_than"}, "tinh_trang": {"chua_ket_hon"}, "muc_dich": {"khac"}, "muc_dich_khac": {"Bổ sung hồ sơ vay vốn"},
		"cam_doan": {"dong_y"}}
	deskCopies = eform.Values{"loai_nguoi_yeu_cau": {"ca_nhan"}, "nyc_ho_ten": {"Nguyễn Văn An"}, "nyc_so_dinh_danh": {"020085001234"},
		"nyc_noi_cu_tru": {"Số 5 đường Lê Lợi, Phường Đông Kinh, Tỉnh Lạng Sơn"}, "ten_giay_to": {"Bằng tốt nghiệp trung học phổ thông"},
		"noi_cap": {"viet_nam"}, "so_trang": {"1"}, "so_ban": {"2"}, "hinh_thuc_nhan": {"giay"}}
	deskExtract = extractForm("UBND xã Hoàng Đồng")
)

// deskWardUnit is the one-stop unit of Phường Đông Kinh.
const deskWardUnit = "000.01.20.H37"

// deskFile files a dossier online as the citizen congdan at the ward.
func deskFile(t *testing.T, s *server, proc string, values eform.Values) dossier.Dossier {
	t.Helper()
	ctx := t.Context()
	citizen := deskUser(t, s, "congdan")
	unit, err := s.app.Identity.AgencyByCode(ctx, deskWardUnit)
	if err != nil {
		t.Fatal(err)
	}
	d, err := s.app.Dossiers.Submit(audit.WithActor(ctx, audit.Actor{UserID: citizen.User.ID, Username: citizen.User.Username}),
		citizen, dossier.Submission{ProcedureCode: proc, ReceivingUnitID: unit.ID, Values: values})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// deskPart is a part of a multipart form: a value, or a file when file is
// set.
type deskPart struct {
	name, value, file string
	data              []byte
}

// deskMultipart encodes parts as a browser does; it returns the body and
// the header that names its boundary.
func deskMultipart(t *testing.T, parts ...deskPart) (string, map[string]string) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for _, p := range parts {
		if p.file == "" {
			if err := w.WriteField(p.name, p.value); err != nil {
				t.Fatal(err)
			}
			continue
		}
		fw, err := w.CreateFormFile(p.name, p.file)
		if err == nil {
			_, err = fw.Write(p.data)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.String(), map[string]string{"Content-Type": w.FormDataContentType()}
}

// deskValues turns form values into multipart parts.
func deskValues(v eform.Values) []deskPart {
	var out []deskPart
	for k, vs := range v {
		for _, x := range vs {
			out = append(out, deskPart{name: k, value: x})
		}
	}
	return out
}

// deskPDF is a valid one-page PDF, as a scanner would produce.
func deskPDF() []byte { return attachtest.PDF(1, "") }

// TestDeskDossierLifecycle takes a ward dossier from the desk's queue to
// its result through the pages: receipt with the appointment, assignment,
// a supplement request, forwarding, the result with an uploaded PDF,
// payment and return; refusal of a second one.
func TestDeskDossierLifecycle(t *testing.T) {
	t.Parallel()
	deskEngines(t, func(t *testing.T, s *server, clk *deskClock) {
		ctx := t.Context()
		d := deskFile(t, s, "1.004873", deskMarital)
		other := deskFile(t, s, procExtract, deskExtract)
		page := "/mot-cua/ho-so/" + d.Code
		act := func(a string) string { return page + "/" + a }
		spec := deskUser(t, s, "chuyenvien.xa")
		desk := deskUser(t, s, "motcua.xa")

		t.Run("Receive", func(t *testing.T) {
			runScenarios(t, s, []scenario{
				{name: "QueueListsTheNewDossier", as: "web:motcua.xa", path: "/mot-cua", status: 200,
					want: []string{"Chờ tiếp nhận", `aria-current="page"`, d.Code, "Cấp bản sao Trích lục hộ tịch", "Nguyễn Văn An", "Nộp hồ sơ thay công dân",
						`<label for="ma">Mở hồ sơ theo mã</label>`, `<th scope="col">Hạn trả kết quả</th>`},
					notWant: []string{"/mot-cua/tre-han"}},
				{name: "LeaderSeesTheLateList", as: "web:lanhdao.xa", path: "/mot-cua", status: 200, want: []string{`href="/mot-cua/tre-han"`},
					notWant: []string{`href="/mot-cua/nop-thay"`, d.Code}},
				{name: "OpenByCode", as: "web:motcua.xa", path: "/mot-cua?ma=" + url.QueryEscape(" "+strings.ToLower(d.Code)+" "), status: 303, want: []string{page}},
				{name: "OpenByResultCode", as: "web:motcua.xa", path: "/mot-cua?ma=" + d.Code + "-KQ1", status: 303, want: []string{page}},
				{name: "OpenByUnknownCode", as: "web:motcua.xa", path: "/mot-cua?ma=000.01.20.H37-270301-9999", status: 404,
					want: []string{"Không có hồ sơ nào mang mã này", `aria-invalid="true"`}},
				{name: "OpenAnotherAgencysDossier", as: "web:motcua", path: "/mot-cua?ma=" + d.Code, status: 404},
				{name: "UnknownQueue", as: "web:motcua.xa", path: "/mot-cua?ds=tat-ca", status: 400},
				{name: "QueuesNeedLogin", path: "/mot-cua", status: 303, want: []string{"/dang-nhap?next="}},
				{name: "CitizenIsRefusedTheDesk", as: "web:congdan", path: "/mot-cua", status: 403, want: []string{"Không có quyền"}},
				{name: "CitizenIsRefusedTheDossierPage", as: "web:congdan", path: page, status: 403},
				{name: "OtherAgencyCannotSeeTheDossier", as: "web:motcua", path: page, status: 404, notWant: []string{"Nguyễn Văn An"}},
				{name: "DeskSeesTheDossier", as: "web:motcua.xa", path: page, status: 200,
					want: []string{d.Code, "Chờ tiếp nhận", `action="` + act("receive") + `"`, `action="` + act("request_supplement") + `"`,
						`action="` + act("refuse") + `"`, `action="` + act("payment") + `"`, "Tình trạng hôn nhân hiện tại", "Chưa đăng ký kết hôn với ai",
						"Bổ sung hồ sơ vay vốn", "12/03/1985", "Nguyễn Văn An", "Mẫu số 06", "Nộp hồ sơ"},
					notWant: []string{act("forward"), act("issue_result"), "[desk."}},
				{name: "ReceiveByAnotherAgency", as: "web:motcua", method: "POST", path: act("receive"), status: 404},
				{name: "ReceiveByWrongRole", as: "web:chuyenvien.xa", method: "POST", path: act("receive"), status: 403,
					want: []string{"Bạn không có vai trò hoặc đơn vị được giao ở bước này", `class="error-summary"`}},
				{name: "ForwardAtReceipt", as: "web:motcua.xa", method: "POST", path: act("forward"), status: 409,
					want: []string{"Hồ sơ không ở bước cho phép thao tác này"}},
				{name: "ReceiveByCitizen", as: "web:congdan", method: "POST", path: act("receive"), status: 403, want: []string{"Không có quyền"}},
				{name: "UnknownAction", as: "web:motcua.xa", method: "POST", path: act("xoa"), status: 404, want: []string{"Không có thao tác này"}},
				{name: "UnknownDossier", as: "web:motcua.xa", method: "POST", path: "/mot-cua/ho-so/000.01.20.H37-270301-9999/receive", status: 404},
				{name: "Receive", as: "web:motcua.xa", method: "POST", path: act("receive"), status: 303, want: []string{page}},
				{name: "AppointmentShown", as: "web:motcua.xa", path: page, status: 200,
					want: []string{"Đã tiếp nhận hồ sơ", "Hẹn trả kết quả", "17:00 Thứ Năm, 04/03/2027", "Vì sao hẹn ngày này?",
						"Thứ Tư 03/03/2027", "Đang giải quyết", "Công chức chuyên môn thẩm định, dự thảo kết quả"},
					notWant: []string{`action="` + act("receive") + `"`}},
				{name: "ReceiveTwice", as: "web:motcua.xa", method: "POST", path: act("receive"), status: 409},
				{name: "RefuseWithoutReason", as: "web:motcua.xa", method: "POST", path: "/mot-cua/ho-so/" + other.Code + "/refuse", body: "note=", status: 400,
					want: []string{"Nhập lý do", `href="#refuse-note"`, `id="refuse-note"`, `aria-invalid="true"`}},
				{name: "RefuseByWrongRole", as: "web:lanhdao.xa", method: "POST", path: "/mot-cua/ho-so/" + other.Code + "/refuse", body: "note=X", status: 403},
				{name: "RefuseByAnotherAgency", as: "web:motcua", method: "POST", path: "/mot-cua/ho-so/" + other.Code + "/refuse", body: "note=X", status: 404},
				{name: "RefuseByCitizen", as: "web:congdan", method: "POST", path: "/mot-cua/ho-so/" + other.Code + "/refuse", body: "note=X", status: 403},
				{name: "Refuse", as: "web:motcua.xa", method: "POST", path: "/mot-cua/ho-so/" + other.Code + "/refuse",
					body: "note=" + url.QueryEscape("Sổ hộ tịch của cơ quan đã ghi không có sự kiện đăng ký này"), status: 303},
				{name: "RefuseTwice", as: "web:motcua.xa", method: "POST", path: "/mot-cua/ho-so/" + other.Code + "/refuse", body: "note=X", status: 409},
				{name: "Refused", as: "web:motcua.xa", path: "/mot-cua/ho-so/" + other.Code, status: 200,
					want: []string{"Từ chối tiếp nhận", "Sổ hộ tịch của cơ quan đã ghi không có sự kiện đăng ký này", "Người nộp hồ sơ: Nguyễn Văn An"}},
				// Last: ?lang=en keeps the browser in English.
				{name: "QueueInEnglish", as: "web:motcua.xa", path: "/mot-cua?lang=en", status: 200,
					want: []string{"To receive", "Submit on someone&#39;s behalf", "There is no dossier in this list."}, notWant: []string{"[desk."}},
			})
		})

		t.Run("Assign", func(t *testing.T) {
			assign := "assignee=" + strconvI(spec.User.ID)
			runScenarios(t, s, []scenario{
				{name: "LeaderSeesTheAssignForm", as: "web:lanhdao.xa", path: page, status: 200,
					want: []string{`action="` + act("assign") + `"`, "Nông Thị Hương (chuyenvien.xa)"}, notWant: []string{act("forward")}},
				{name: "AssignByAnotherAgency", as: "web:lanhdao", method: "POST", path: act("assign"), body: assign, status: 404},
				{name: "AssignByWrongRole", as: "web:motcua.xa", method: "POST", path: act("assign"), body: assign, status: 403},
				{name: "AssignByCitizen", as: "web:congdan", method: "POST", path: act("assign"), body: assign, status: 403},
				{name: "AssignToTheDesk", as: "web:lanhdao.xa", method: "POST", path: act("assign"), body: "assignee=" + strconvI(desk.User.ID), status: 400,
					want: []string{"Cán bộ được phân công phải có vai trò xử lý bước này", `href="#assign-assignee"`}},
				{name: "Assign", as: "web:lanhdao.xa", method: "POST", path: act("assign"), body: assign, status: 303, want: []string{page}},
				{name: "Assigned", as: "web:lanhdao.xa", path: page, status: 200, want: []string{"Đã phân công hồ sơ", "Nông Thị Hương"}},
			})
		})

		t.Run("Supplement", func(t *testing.T) {
			runScenarios(t, s, []scenario{
				{name: "SpecialistsQueue", as: "web:chuyenvien.xa", path: "/mot-cua?ds=process", status: 200, want: []string{d.Code, "Nông Thị Hương"}},
				{name: "SpecialistsActions", as: "web:chuyenvien.xa", path: page, status: 200,
					want:    []string{act("forward"), act("request_supplement"), act("return_previous"), act("extend"), act("stop"), "Xin lỗi và gia hạn"},
					notWant: []string{act("issue_result"), act("receive")}},
				{name: "SupplementWithoutItems", as: "web:chuyenvien.xa", method: "POST", path: act("request_supplement"), body: "deficiencies=+%0A+", status: 400,
					want: []string{"Liệt kê đầy đủ từng nội dung cần bổ sung", `href="#request_supplement-deficiencies"`}},
				{name: "SupplementByAnotherAgency", as: "web:chuyenvien", method: "POST", path: act("request_supplement"), body: "deficiencies=X", status: 404},
				{name: "SupplementByWrongRole", as: "web:motcua.xa", method: "POST", path: act("request_supplement"), body: "deficiencies=X", status: 403},
				{name: "SupplementByCitizen", as: "web:congdan", method: "POST", path: act("request_supplement"), body: "deficiencies=X", status: 403},
				{name: "RequestSupplement", as: "web:chuyenvien.xa", method: "POST", path: act("request_supplement"),
					body: "deficiencies=" + url.QueryEscape("Bản sao giấy chứng tử của vợ\nẢnh chân dung 4x6"), status: 303},
				{name: "WithTheApplicant", as: "web:chuyenvien.xa", path: page, status: 200,
					want: []string{"Đã gửi yêu cầu bổ sung", "Chờ người nộp bổ sung", "Ảnh chân dung 4x6"}, notWant: []string{act("forward")}},
				{name: "ForwardWhileWithTheApplicant", as: "web:chuyenvien.xa", method: "POST", path: act("forward"), status: 409},
			})
		})

		// The applicant completes the dossier an hour later: the clock
		// restarts from zero.
		clk.Set(deskT0.Add(time.Hour))
		citizen := deskUser(t, s, "congdan")
		if _, err := s.app.Dossiers.CompleteSupplement(ctx, citizen, d.Code, deskMarital, nil, "Đã bổ sung"); err != nil {
			t.Fatal(err)
		}

		t.Run("Forward", func(t *testing.T) {
			extend := "days=2&note=" + url.QueryEscape("Chờ kết quả xác minh tại nơi cư trú cũ")
			runScenarios(t, s, []scenario{
				{name: "ForwardByAnotherAgency", as: "web:chuyenvien", method: "POST", path: act("forward"), status: 404},
				{name: "ForwardByWrongRole", as: "web:lanhdao.xa", method: "POST", path: act("forward"), status: 403},
				{name: "ForwardByCitizen", as: "web:congdan", method: "POST", path: act("forward"), status: 403},
				{name: "ExtendTooMany", as: "web:chuyenvien.xa", method: "POST", path: act("extend"), body: "days=45&note=B%E1%BA%ADn", status: 400,
					want: []string{"Số ngày gia hạn phải từ 1 đến 30", `id="extend-days"`, `value="45"`}},
				{name: "ExtendWithoutReason", as: "web:chuyenvien.xa", method: "POST", path: act("extend"), body: "days=2&note=", status: 400,
					want: []string{"Nhập lý do", `href="#extend-note"`, `value="2"`}},
				{name: "ExtendByAnotherAgency", as: "web:chuyenvien", method: "POST", path: act("extend"), body: extend, status: 404},
				{name: "ExtendByWrongRole", as: "web:motcua.xa", method: "POST", path: act("extend"), body: extend, status: 403},
				{name: "ExtendByCitizen", as: "web:congdan", method: "POST", path: act("extend"), body: extend, status: 403},
				{name: "Extend", as: "web:chuyenvien.xa", method: "POST", path: act("extend"), body: extend, status: 303},
				{name: "Extended", as: "web:chuyenvien.xa", path: page, status: 200,
					want:    []string{"Đã gia hạn", "17:00 Thứ Hai, 08/03/2027", "Đã xin lỗi và gia hạn thêm 2 ngày làm việc", "Chờ kết quả xác minh tại nơi cư trú cũ"},
					notWant: []string{`action="` + act("extend") + `"`}},
				{name: "ExtendTwice", as: "web:chuyenvien.xa", method: "POST", path: act("extend"), body: extend, status: 409,
					want: []string{"pháp luật chỉ cho phép hẹn lại một lần"}},
				{name: "Forward", as: "web:chuyenvien.xa", method: "POST", path: act("forward"), body: "note=" + url.QueryEscape("Đủ điều kiện cấp"), status: 303},
				{name: "ForwardAgain", as: "web:chuyenvien.xa", method: "POST", path: act("forward"), status: 409},
				{name: "AtTheLeader", as: "web:chuyenvien.xa", path: page, status: 200,
					want:    []string{"Lãnh đạo Ủy ban nhân dân xã ký, ban hành kết quả", "Đủ điều kiện cấp", "Người nộp bổ sung hồ sơ", "17:00 Thứ Năm, 04/03/2027"},
					notWant: []string{`action="` + act("forward") + `"`}},
			})
		})

		t.Run("IssueResult", func(t *testing.T) {
			noFile, noFileHdr := deskMultipart(t, deskPart{name: "note", value: "Ký số"})
			withFile, withFileHdr := deskMultipart(t, deskPart{name: "note", value: "Ký số"},
				deskPart{name: "result", file: "giay-xac-nhan.pdf", data: deskPDF()})
			notPDF, notPDFHdr := deskMultipart(t, deskPart{name: "result", file: "ket-qua.pdf", data: []byte("not a pdf at all")})
			runScenarios(t, s, []scenario{
				{name: "LeaderSeesTheUpload", as: "web:lanhdao.xa", path: page, status: 200,
					want: []string{`action="` + act("issue_result") + `" enctype="multipart/form-data"`, `type="file"`, "Giấy xác nhận tình trạng hôn nhân"}},
				{name: "SendBackWithoutReason", as: "web:lanhdao.xa", method: "POST", path: act("return_previous"), body: "note=", status: 400,
					want: []string{"Nhập lý do", `href="#return_previous-note"`}},
				{name: "SendBackByAnotherAgency", as: "web:lanhdao", method: "POST", path: act("return_previous"), body: "note=X", status: 404},
				{name: "SendBackByWrongRole", as: "web:chuyenvien.xa", method: "POST", path: act("return_previous"), body: "note=X", status: 403},
				{name: "SendBackByCitizen", as: "web:congdan", method: "POST", path: act("return_previous"), body: "note=X", status: 403},
				{name: "SendBack", as: "web:lanhdao.xa", method: "POST", path: act("return_previous"),
					body: "note=" + url.QueryEscape("Ghi rõ mục đích sử dụng"), status: 303},
				{name: "SentBackList", as: "web:chuyenvien.xa", path: "/mot-cua?ds=returned", status: 200, want: []string{d.Code, `aria-current="page">Bị trả lại`}},
				{name: "SendBackAtTheWrongStep", as: "web:lanhdao.xa", method: "POST", path: act("issue_result"), body: noFile, headers: noFileHdr, status: 409},
				{name: "ForwardAgain", as: "web:chuyenvien.xa", method: "POST", path: act("forward"), status: 303},
				{name: "IssueWithoutFile", as: "web:lanhdao.xa", method: "POST", path: act("issue_result"), body: noFile, headers: noFileHdr, status: 400,
					want: []string{"Đính kèm văn bản kết quả giải quyết", `href="#issue_result-result"`}},
				{name: "IssueByAnotherAgency", as: "web:lanhdao", method: "POST", path: act("issue_result"), body: withFile, headers: withFileHdr, status: 404},
				{name: "IssueByWrongRole", as: "web:chuyenvien.xa", method: "POST", path: act("issue_result"), body: withFile, headers: withFileHdr, status: 403},
				{name: "IssueByCitizen", as: "web:congdan", method: "POST", path: act("issue_result"), body: withFile, headers: withFileHdr, status: 403},
				{name: "IssueANonPDF", as: "web:lanhdao.xa", method: "POST", path: act("issue_result"),
					body: notPDF, headers: notPDFHdr, status: 400,
					want: []string{"ket-qua.pdf", `href="#issue_result-result"`}},
				{name: "Issue", as: "web:lanhdao.xa", method: "POST", path: act("issue_result"), body: withFile, headers: withFileHdr, status: 303, want: []string{page}},
				{name: "Issued", as: "web:lanhdao.xa", path: page, status: 200,
					want: []string{"Đã ban hành kết quả", d.Code + "-KQ1", "/ho-so/" + d.Code + "/tep/", "giay-xac-nhan.pdf", "Kết quả giải quyết", "Đã có kết quả, chờ trả"}},
			})
		})

		t.Run("ReturnResult", func(t *testing.T) {
			runScenarios(t, s, []scenario{
				{name: "DeskQueue", as: "web:motcua.xa", path: "/mot-cua?ds=process", status: 200, want: []string{d.Code, "Trả kết quả"}},
				{name: "PayNothing", as: "web:motcua.xa", method: "POST", path: act("payment"), body: "amount=0&method=cash", status: 400,
					want: []string{"Nhập số tiền", `href="#payment-amount"`}},
				{name: "PayByWrongRole", as: "web:chuyenvien.xa", method: "POST", path: act("payment"), body: "amount=8000&method=cash", status: 403},
				{name: "PayByAnotherAgency", as: "web:motcua", method: "POST", path: act("payment"), body: "amount=8000&method=cash", status: 404},
				{name: "PayByCitizen", as: "web:congdan", method: "POST", path: act("payment"), body: "amount=8000&method=cash", status: 403},
				{name: "Pay", as: "web:motcua.xa", method: "POST", path: act("payment"), body: "amount=8.000+%C4%91&method=transfer&reference=UNC-0315", status: 303},
				{name: "ReturnByWrongRole", as: "web:lanhdao.xa", method: "POST", path: act("return_result"), status: 403},
				{name: "ReturnByAnotherAgency", as: "web:motcua", method: "POST", path: act("return_result"), status: 404},
				{name: "ReturnByCitizen", as: "web:congdan", method: "POST", path: act("return_result"), status: 403},
				{name: "Return", as: "web:motcua.xa", method: "POST", path: act("return_result"), status: 303},
				{name: "ControlSheet", as: "web:motcua.xa", path: page, status: 200,
					want: []string{"Đã trả kết quả; hồ sơ kết thúc", "Đã trả kết quả", "8.000 đồng", "Chuyển khoản", "UNC-0315",
						"Phiếu kiểm soát quá trình giải quyết hồ sơ", "Bộ phận Một cửa phường Đông Kinh", "Ủy ban nhân dân phường Đông Kinh",
						"Trước hạn", "Người nộp hồ sơ: Nguyễn Văn An", "Ban hành kết quả", "Hà Văn Minh"},
					notWant: []string{"[desk.", `<form method="post" action="` + act("return_result")}},
				{name: "ReturnTwice", as: "web:motcua.xa", method: "POST", path: act("return_result"), status: 409},
				{name: "ControlSheetInEnglish", as: "web:motcua.xa", path: page + "?lang=en", status: 200,
					want: []string{"Processing control sheet", "Early", "Result returned"}, notWant: []string{"[desk."}},
			})
		})
	})
}

// TestDeskSubmitOnBehalf: the ward's desk files a paper dossier for
// someone who cannot apply online; it is received at once.
func TestDeskSubmitOnBehalf(t *testing.T) {
	t.Parallel()
	deskEngines(t, func(t *testing.T, s *server, clk *deskClock) {
		unit, err := s.app.Identity.AgencyByCode(t.Context(), deskWardUnit)
		if err != nil {
			t.Fatal(err)
		}
		unitID := strconvI(unit.ID)
		base := []deskPart{{name: "thu-tuc", value: "2.000815"}, {name: "don-vi", value: unitID}}
		bad, badHdr := deskMultipart(t, append(base, deskPart{name: "applicant_pid", value: "12345"},
			deskPart{name: "doc-0", file: "ban-chinh.pdf", data: deskPDF()})...)
		good := append(append(base, deskPart{name: "applicant_name", value: "Hoàng Văn Nam"}, deskPart{name: "applicant_pid", value: "020 070 001 234"},
			deskPart{name: "applicant_phone", value: "0912 345 678"}, deskPart{name: "doc-0", file: "ban-chinh.pdf", data: deskPDF()}),
			deskValues(deskCopies)...)
		goodBody, goodHdr := deskMultipart(t, good...)
		elsewhere, elsewhereHdr := deskMultipart(t, append([]deskPart{{name: "thu-tuc", value: "2.000815"}, {name: "don-vi", value: unitID},
			{name: "applicant_name", value: "Hoàng Văn Nam"}}, deskValues(deskCopies)...)...)
		runScenarios(t, s, []scenario{
			{name: "ChooseAProcedure", as: "web:motcua.xa", path: "/mot-cua/nop-thay", status: 200,
				want:    []string{`id="thu-tuc" name="thu-tuc"`, "2.000815 · Chứng thực bản sao", "Bộ phận Một cửa phường Đông Kinh"},
				notWant: []string{"2.001610"}},
			{name: "TheForm", as: "web:motcua.xa", path: "/mot-cua/nop-thay?thu-tuc=2.000815", status: 200,
				want: []string{`enctype="multipart/form-data"`, "Giấy tờ, văn bản cần chứng thực", `name="doc-0"`, `name="applicant_pid"`, `value="` + unitID + `"`}},
			{name: "AProcedureTheWardDoesNotReceive", as: "web:motcua.xa", path: "/mot-cua/nop-thay?thu-tuc=2.001610", status: 400,
				want: []string{"Chọn một thủ tục mà đơn vị của bạn tiếp nhận"}},
			{name: "NotADeskOfficer", as: "web:chuyenvien.xa", path: "/mot-cua/nop-thay", status: 403, want: []string{"Chỉ cán bộ bộ phận một cửa"}},
			{name: "NotADeskOfficerPosts", as: "web:chuyenvien.xa", method: "POST", path: "/mot-cua/nop-thay", body: elsewhere, headers: elsewhereHdr, status: 403},
			{name: "AnotherAgencysUnit", as: "web:motcua", method: "POST", path: "/mot-cua/nop-thay", body: elsewhere, headers: elsewhereHdr, status: 403,
				want: []string{"Bạn chỉ nộp thay tại đơn vị một cửa nơi bạn làm cán bộ một cửa"}},
			{name: "Citizen", as: "web:congdan", path: "/mot-cua/nop-thay", status: 403},
			{name: "CitizenPosts", as: "web:congdan", method: "POST", path: "/mot-cua/nop-thay", body: elsewhere, headers: elsewhereHdr, status: 403},
			{name: "EveryProblemAtOnce", as: "web:motcua.xa", method: "POST", path: "/mot-cua/nop-thay", body: bad, headers: badHdr, status: 400,
				want: []string{"Nhập họ tên người nộp hồ sơ", "Số định danh cá nhân phải gồm đúng 12 chữ số", `href="#f-ten_giay_to"`,
					`name="tep"`, "ban-chinh.pdf", `aria-invalid="true"`}},
		})
		c := s.browser()
		s.webLogin(c, "motcua.xa")
		resp := s.do(c, "POST", "/mot-cua/nop-thay", goodBody, goodHdr)
		loc := resp.header.Get("Location")
		if resp.status != http.StatusSeeOther || !strings.HasPrefix(loc, "/mot-cua/ho-so/"+deskWardUnit+"-270301-") {
			t.Fatalf("desk submission: %d to %q\n%s", resp.status, loc, trim(resp.body))
		}
		resp = s.do(c, "GET", loc, "", nil)
		for _, w := range []string{"Đã nộp thay và tiếp nhận hồ sơ", "Hẹn trả kết quả", "17:00 Thứ Ba, 02/03/2027", "Trực tiếp tại bộ phận một cửa",
			"Hoàng Văn Nam", "ban-chinh.pdf", "Đang giải quyết", "Bằng tốt nghiệp trung học phổ thông"} {
			if !strings.Contains(resp.body, w) {
				t.Errorf("the received dossier's page lacks %q", w)
			}
		}
		code := strings.TrimPrefix(loc, "/mot-cua/ho-so/")
		v, err := s.app.Dossiers.Get(t.Context(), deskUser(t, s, "motcua.xa"), code)
		if err != nil {
			t.Fatal(err)
		}
		if v.Channel != dossier.ChannelDesk || v.ApplicantName != "Hoàng Văn Nam" || len(v.Files) != 1 || v.Files[0].Document == "" {
			t.Errorf("desk dossier recorded as %+v, files %+v", v.Dossier, v.Files)
		}
	})
}

// TestDeskLateList: after the due date passes, the ward's leader sees the
// dossier in the late list, by how many working days, where and with whom.
func TestDeskLateList(t *testing.T) {
	t.Parallel()
	deskEngines(t, func(t *testing.T, s *server, clk *deskClock) {
		d := deskFile(t, s, "1.004873", deskMarital)
		desk := deskUser(t, s, "motcua.xa")
		ctx := audit.WithActor(t.Context(), audit.Actor{UserID: desk.User.ID, Username: desk.User.Username})
		if _, err := s.app.Dossiers.Act(ctx, desk, d.Code, catalog.ActReceive, dossier.Input{}); err != nil {
			t.Fatal(err)
		}
		runScenarios(t, s, []scenario{
			{name: "NothingLateYet", as: "web:lanhdao.xa", path: "/mot-cua/tre-han", status: 200, want: []string{"Không có hồ sơ nào trễ hạn"}},
			{name: "NotLateYet", as: "web:chuyenvien.xa", path: "/mot-cua?ds=process", status: 200, want: []string{d.Code}, notWant: []string{"quá hạn</span>"}},
		})
		act := func(a string) string { return "/mot-cua/ho-so/" + d.Code + "/" + a }
		// Due Thursday 4 March at 17:00; a week later it is five working
		// days late.
		clk.Set(time.Date(2027, 3, 11, 10, 0, 0, 0, calendar.Location()))
		runScenarios(t, s, []scenario{
			{name: "LateForTheLeader", as: "web:lanhdao.xa", path: "/mot-cua/tre-han", status: 200,
				want: []string{d.Code, "<strong>5</strong>", "ngày làm việc", "Công chức chuyên môn thẩm định, dự thảo kết quả",
					"Ủy ban nhân dân phường Đông Kinh", "chưa phân công", "17:00 04/03/2027", "quá hạn"}},
			{name: "OverdueQueue", as: "web:chuyenvien.xa", path: "/mot-cua?ds=overdue", status: 200, want: []string{d.Code, "quá hạn"}},
			{name: "OverduePage", as: "web:chuyenvien.xa", path: "/mot-cua/ho-so/" + d.Code, status: 200, want: []string{`<span class="tag off">quá hạn</span>`}},
			{name: "NotForSpecialists", as: "web:chuyenvien.xa", path: "/mot-cua/tre-han", status: 403, want: []string{"Chỉ lãnh đạo đơn vị"}},
			{name: "NotForTheDesk", as: "web:motcua.xa", path: "/mot-cua/tre-han", status: 403},
			{name: "NotForCitizens", as: "web:congdan", path: "/mot-cua/tre-han", status: 403},
			{name: "AnotherAgencysLeader", as: "web:lanhdao", path: "/mot-cua/tre-han", status: 200, notWant: []string{d.Code}},
			{name: "ExtendTooLate", as: "web:chuyenvien.xa", method: "POST", path: act("extend"), body: "days=5&note=X", status: 409,
				want: []string{"chậm nhất 01 ngày làm việc trước thời hạn"}},
			{name: "StopWithoutReason", as: "web:chuyenvien.xa", method: "POST", path: act("stop"), body: "note=", status: 400, want: []string{`href="#stop-note"`}},
			{name: "StopByAnotherAgency", as: "web:chuyenvien", method: "POST", path: act("stop"), body: "note=X", status: 404},
			{name: "StopByWrongRole", as: "web:motcua.xa", method: "POST", path: act("stop"), body: "note=X", status: 403},
			{name: "StopByCitizen", as: "web:congdan", method: "POST", path: act("stop"), body: "note=X", status: 403},
			{name: "Stop", as: "web:chuyenvien.xa", method: "POST", path: act("stop"), body: "note=" + url.QueryEscape("Người yêu cầu đã chết"), status: 303},
			{name: "Stopped", as: "web:chuyenvien.xa", path: "/mot-cua/ho-so/" + d.Code, status: 200,
				want: []string{"Đã dừng giải quyết hồ sơ", "Dừng giải quyết", "Quá hạn", "Người yêu cầu đã chết"}},
			{name: "StopTwice", as: "web:chuyenvien.xa", method: "POST", path: act("stop"), body: "note=X", status: 409},
			{name: "NoLongerLate", as: "web:lanhdao.xa", path: "/mot-cua/tre-han", status: 200, want: []string{"Không có hồ sơ nào trễ hạn"}},
			// Last: ?lang=en keeps the browser in English.
			{name: "LateInEnglish", as: "web:lanhdao.xa", path: "/mot-cua/tre-han?lang=en", status: 200, want: []string{"Late dossiers", "No dossier is late."}},
		})
	})
}

// TestDeskQueuePaging: a work list shows 25 dossiers at a time, oldest
// first, and "Trang sau" leads to the rest.
func TestDeskQueuePaging(t *testing.T) {
	t.Parallel()
	s := start(t, serverOpts{now: (&deskClock{t: deskT0}).Now})
	var codes []string
	for range 27 {
		codes = append(codes, deskFile(t, s, procExtract, deskExtract).Code)
	}
	c := s.browser()
	s.webLogin(c, "motcua.xa")
	first := s.do(c, "GET", "/mot-cua?ds=receive", "", nil)
	if first.status != 200 || !strings.Contains(first.body, codes[24]) || strings.Contains(first.body, codes[25]) ||
		!strings.Contains(first.body, `<span class="count">27</span>`) {
		t.Fatalf("first page: %d\n%s", first.status, trim(first.body))
	}
	m := regexp.MustCompile(`href="(/mot-cua\?ds=receive&amp;sau=\d+)" rel="next"`).FindStringSubmatch(first.body)
	if m == nil {
		t.Fatal("the first page has no link to the next")
	}
	next := strings.ReplaceAll(m[1], "&amp;", "&")
	second := s.do(c, "GET", next, "", nil)
	if second.status != 200 || !strings.Contains(second.body, codes[25]) || !strings.Contains(second.body, codes[26]) ||
		strings.Contains(second.body, codes[24]) || !strings.Contains(second.body, "Trang đầu") {
		t.Fatalf("second page %s: %d\n%s", next, second.status, trim(second.body))
	}
}

// deskAct acts on a dossier as username through the service.
func deskAct(t *testing.T, s *server, username, code string, a catalog.Action) {
	t.Helper()
	p := deskUser(t, s, username)
	ctx := audit.WithActor(t.Context(), audit.Actor{UserID: p.User.ID, Username: p.User.Username})
	if _, err := s.app.Dossiers.Act(ctx, p, code, a, dossier.Input{}); err != nil {
		t.Fatalf("%s %s as %s: %v", a, code, username, err)
	}
}

// browserDesk checks the officials' pages in the browser suite: axe-core,
// page weight, a refused action's page, the keyboard, a phone's width;
// with EGOV_SCREENSHOTS it saves screenshots of the queue, the dossier
// page and desk submission.
func browserDesk(t *testing.T, s bsuite) {
	for _, lang := range []string{"vi", "en"} {
		t.Run("Officer/"+lang, func(t *testing.T) {
			t.Parallel()
			d := deskFile(t, s.srv, "1.004873", deskMarital)
			tab := s.tab(t)
			s.passwordLogin(t, tab, "motcua.xa", "/quan-tri")
			for _, p := range []struct{ path, shot string }{
				{"/mot-cua", "desk-queues"},
				{"/mot-cua/ho-so/" + d.Code, "desk-dossier"},
				{"/mot-cua/nop-thay", ""},
				{"/mot-cua/nop-thay?thu-tuc=1.004873", "desk-submit"},
			} {
				s.light(t, tab, s.srv.URL+langPath(p.path, lang))
				if h, err := browsertest.Text(tab, "main h1"); err != nil || h == "" {
					t.Errorf("%s has no h1 in main (%v)", p.path, err)
				}
				s.accessible(t, tab)
				if lang == "vi" {
					s.screenshot(t, tab, p.shot)
				}
			}
			// A refusal comes back with the error summary, and the form
			// works without JavaScript.
			s.open(t, tab, langPath("/mot-cua/ho-so/"+d.Code, lang), 200)
			s.submit(t, tab, `form[action$="/refuse"] button[type=submit]`, 400)
			s.contains(t, tab, ".error-summary", map[string]string{"vi": "Nhập lý do", "en": "Enter the reason"}[lang])
			s.accessible(t, tab)
			s.fill(t, tab, map[string]string{"#request_supplement-deficiencies": "Bản sao giấy chứng tử của vợ"})
			s.submit(t, tab, `form[action$="/request_supplement"] button[type=submit]`, 200)
			s.contains(t, tab, "main", "Bản sao giấy chứng tử của vợ")
		})

		t.Run("Leader/"+lang, func(t *testing.T) {
			t.Parallel()
			d := deskFile(t, s.srv, "1.004873", deskMarital)
			deskAct(t, s.srv, "motcua.xa", d.Code, catalog.ActReceive)
			deskAct(t, s.srv, "chuyenvien.xa", d.Code, catalog.ActForward)
			tab := s.tab(t)
			s.passwordLogin(t, tab, "lanhdao.xa", "/quan-tri")
			for _, path := range []string{"/mot-cua/ho-so/" + d.Code, "/mot-cua/tre-han", "/mot-cua"} {
				s.open(t, tab, langPath(path, lang), 200)
				s.accessible(t, tab)
			}
		})
	}

	// The desk is used with the keyboard: the skip link leads to the main
	// content, and the code box is a labelled search form. Without
	// JavaScript.
	t.Run("Keyboard/vi", func(t *testing.T) {
		t.Parallel()
		tab := s.tab(t, browsertest.NoJS())
		s.passwordLogin(t, tab, "motcua.xa", "/quan-tri")
		s.open(t, tab, "/mot-cua", 200)
		if err := chromedp.Do(tab, chromedp.KeyEvent("\t")); err != nil {
			t.Fatal(err)
		}
		if f := s.focused(t, tab); f.Class != "skip" || !f.Visible || f.Outline == "none" {
			t.Fatalf("the first Tab focuses %+v, want the visible skip link with a focus outline", f)
		}
		s.fill(t, tab, map[string]string{"#ma": "000.01.20.H37-260213-9999"})
		s.submit(t, tab, `form[role=search] button[type=submit]`, 404)
		s.contains(t, tab, ".error-summary", "Không có hồ sơ nào mang mã này")
	})

	for _, lang := range []string{"vi", "en"} {
		t.Run("Phone/"+lang, func(t *testing.T) {
			t.Parallel()
			d := deskFile(t, s.srv, "1.004873", deskMarital)
			tab := s.tab(t, browsertest.Viewport(phoneWidth, phoneHeight))
			s.passwordLogin(t, tab, "motcua.xa", "/quan-tri")
			for _, path := range []string{"/mot-cua", "/mot-cua/ho-so/" + d.Code, "/mot-cua/nop-thay?thu-tuc=1.004873"} {
				s.open(t, tab, langPath(path, lang), 200)
				s.fitsWidth(t, tab)
			}
		})
	}
}

// deskBirth is a birth registration with health insurance (2.001023): an
// inter-agency dossier sent in parallel to the ward (lead) and to social
// security.
var deskBirth = eform.Values{"nyc_ho_ten": {"Nguyễn Văn An"}, "nyc_so_dinh_danh": {"020085001234"},
	"nyc_noi_cu_tru": {"Số 5 đường Lê Lợi, Phường Đông Kinh, Tỉnh Lạng Sơn"}, "quan_he": {"cha"}, "tre_ho_ten": {"Nguyễn Minh Khang"},
	"tre_gioi_tinh": {"nam"}, "tre_ngay_sinh": {"2027-02-20"}, "noi_sinh_loai": {"co_so_y_te"}, "noi_sinh_co_so_y_te": {"Bệnh viện Đa khoa tỉnh Lạng Sơn"},
	"noi_sinh_dia_chi": {"Phường Đông Kinh, Tỉnh Lạng Sơn"}, "tre_que_quan": {"Lạng Sơn"}, "tre_dan_toc": {"Tày"},
	"giay_to_sinh": {"chung_sinh_dien_tu"}, "co_thong_tin_me": {"co"}, "me_ho_ten": {"Hoàng Thị Mai"}, "me_nam_sinh": {"1995"},
	"co_thong_tin_cha": {"co"}, "cha_ho_ten": {"Nguyễn Văn An"}, "cha_nam_sinh": {"1985"}, "noi_kcb_ban_dau": {"Trạm y tế phường Đông Kinh"},
	"cam_doan": {"dong_y"}}

// TestDeskInterAgency: the specialist sends an inter-agency dossier to
// every agency at once; each answers its part from its own desk pages
// (social security through the "Liên thông" list); the step goes on only
// when all have answered. The procedure is in person only: the father
// files it at the ward's desk, which receives it at once.
func TestDeskInterAgency(t *testing.T) {
	t.Parallel()
	deskEngines(t, func(t *testing.T, s *server, clk *deskClock) {
		ctx := t.Context()
		desk := deskUser(t, s, "motcua.xa")
		unit, err := s.app.Identity.AgencyByCode(ctx, deskWardUnit)
		if err != nil {
			t.Fatal(err)
		}
		d, err := s.app.Dossiers.SubmitAtDesk(audit.WithActor(ctx, audit.Actor{UserID: desk.User.ID, Username: desk.User.Username}),
			desk, dossier.Submission{ProcedureCode: "2.001023", ReceivingUnitID: unit.ID, Values: deskBirth,
				Applicant: identity.User{FullName: "Nguyễn Văn An", PersonalID: "020085001234", Phone: "0912345678"}})
		if err != nil {
			t.Fatal(err)
		}
		page := "/mot-cua/ho-so/" + d.Code
		act := func(a string) string { return page + "/" + a }
		commune, err := s.app.Identity.AgencyByCode(ctx, "000.00.20.H37")
		if err != nil {
			t.Fatal(err)
		}
		social, err := s.app.Identity.AgencyByCode(ctx, "000.00.16.H37")
		if err != nil {
			t.Fatal(err)
		}
		ofSocial, ofCommune := "agency="+strconvI(social.ID)+"&note=", "agency="+strconvI(commune.ID)+"&note="
		runScenarios(t, s, []scenario{
			{name: "SendFormListsTheAgencies", as: "web:chuyenvien.xa", path: page, status: 200,
				want: []string{`action="` + act("send_agency") + `"`, "Cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi", "chủ trì"}},
			{name: "SendByAnotherAgency", as: "web:chuyenvien", method: "POST", path: act("send_agency"), status: 404},
			{name: "SendByWrongRole", as: "web:motcua.xa", method: "POST", path: act("send_agency"), status: 403},
			{name: "SendByCitizen", as: "web:congdan", method: "POST", path: act("send_agency"), status: 403},
			{name: "SocialSecurityCannotSeeItYet", as: "web:bhxh", path: page, status: 404},
			{name: "Send", as: "web:chuyenvien.xa", method: "POST", path: act("send_agency"), status: 303},
			{name: "SendTwice", as: "web:chuyenvien.xa", method: "POST", path: act("send_agency"), status: 409},
			{name: "ForwardBeforeTheAnswers", as: "web:chuyenvien.xa", method: "POST", path: act("forward"), status: 409,
				want: []string{"Còn cơ quan phối hợp liên thông chưa trả kết quả"}},
			{name: "BranchesShown", as: "web:chuyenvien.xa", path: page, status: 200,
				want: []string{"Liên thông với cơ quan khác", "Bảo hiểm xã hội tỉnh Lạng Sơn", "Ủy ban nhân dân phường Đông Kinh", "Đang xử lý",
					`action="` + act("branch_reply") + `"`, `name="agency" value="` + strconvI(commune.ID) + `"`},
				notWant: []string{`name="agency" value="` + strconvI(social.ID) + `"`}},
			{name: "InterAgencyQueue", as: "web:bhxh", path: "/mot-cua", status: 200,
				want: []string{`href="/mot-cua?ds=inter_agency" aria-current="page"`, d.Code}},
			{name: "SocialSecurityPage", as: "web:bhxh", path: page, status: 200,
				want:    []string{"Trả lời liên thông: Bảo hiểm xã hội tỉnh Lạng Sơn", `name="agency" value="` + strconvI(social.ID) + `"`},
				notWant: []string{act("forward"), "Nguyễn Minh Khang (congdan)"}},
			{name: "AnswerByAnotherAgency", as: "web:congan", method: "POST", path: act("branch_reply"), body: ofSocial + "X", status: 404},
			{name: "AnswerForAnotherAgency", as: "web:bhxh", method: "POST", path: act("branch_reply"), body: ofCommune + "X", status: 403},
			{name: "AnswerByWrongRole", as: "web:motcua.xa", method: "POST", path: act("branch_reply"), body: ofCommune + "X", status: 403},
			{name: "AnswerByCitizen", as: "web:congdan", method: "POST", path: act("branch_reply"), body: ofSocial + "X", status: 403},
			{name: "SocialSecurityAnswers", as: "web:bhxh", method: "POST", path: act("branch_reply"),
				body: ofSocial + url.QueryEscape("Đã cấp thẻ BHYT số TE1200000001"), status: 303},
			{name: "AnswerTwice", as: "web:bhxh", method: "POST", path: act("branch_reply"), body: ofSocial + "X", status: 409},
			{name: "WardAnswers", as: "web:chuyenvien.xa", method: "POST", path: act("branch_reply"), body: ofCommune + url.QueryEscape("Đã đăng ký khai sinh"), status: 303},
			{name: "Forward", as: "web:chuyenvien.xa", method: "POST", path: act("forward"), status: 303},
			{name: "Answered", as: "web:chuyenvien.xa", path: page, status: 200,
				want: []string{"Đã trả lời", "Đã cấp thẻ BHYT số TE1200000001", "Cơ quan phối hợp trả lời", "Trước hạn"}},
		})
	})
}
