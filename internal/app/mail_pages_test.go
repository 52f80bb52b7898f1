package app_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"egov/internal/browsertest"
	"egov/internal/mail/mailtest"
)

// The e-mail pages: a user's choice of notifications by e-mail
// (/tai-khoan/thu-dien-tu) and the desk's list of e-mails that did not
// reach applicants (/mot-cua/thu-loi), in the browser (where the server
// sends no e-mail: no SMTP is configured) and with a real mail server that
// refuses the applicant's address.

// browserMail checks the e-mail pages in the browser suite, whose server
// has no mail server: the choices page says so and still keeps the
// choices; the desk's list is empty.
func browserMail(t *testing.T, s bsuite) {
	t.Run("Preferences", func(t *testing.T) {
		t.Parallel()
		// Without JavaScript: the choices are a plain form.
		tab := s.tab(t, browsertest.NoJS())
		s.passwordLogin(t, tab, "congdan", "/tai-khoan")
		for _, lang := range []string{"vi", "en"} {
			path := langPath("/tai-khoan/thu-dien-tu", lang)
			s.light(t, tab, s.srv.URL+path)
			s.contains(t, tab, "main", map[string][]string{
				"vi": {"Thư điện tử", "Hệ thống hiện chưa gửi thư điện tử", "congdan@example.vn", "Tình trạng hồ sơ của tôi", "Lưu lựa chọn"},
				"en": {"E-mail", "The system does not send e-mail at the moment", "congdan@example.vn", "Status of my dossiers", "Save my choices"},
			}[lang]...)
			s.accessible(t, tab)
			if lang == "vi" {
				s.screenshot(t, tab, "mail-preferences")
			}
		}

		// Turn the dossiers' status off with a click, save, and find it
		// saved on a fresh load of the page.
		const box = "#mail-dossier_status"
		s.open(t, tab, "/tai-khoan/thu-dien-tu?lang=vi", 200) // the language sticks: back to Vietnamese
		if !mailChecked(t, tab, box) {
			t.Fatalf("%s is not ticked by default", box)
		}
		if err := chromedp.Do(tab, chromedp.Click(chromedp.CSS(box))); err != nil {
			t.Fatal(err)
		}
		s.submit(t, tab, `main form[action="/tai-khoan/thu-dien-tu"] button[type=submit]`, 200)
		if got := s.currentPath(t, tab); got != "/tai-khoan/thu-dien-tu" {
			t.Errorf("saving the choices led to %s, want /tai-khoan/thu-dien-tu", got)
		}
		s.contains(t, tab, "main", "Đã lưu lựa chọn nhận thư điện tử.")
		s.open(t, tab, "/tai-khoan/thu-dien-tu", 200)
		if mailChecked(t, tab, box) {
			t.Errorf("%s is still ticked after turning it off and saving", box)
		}
		s.accessible(t, tab)

		// And back on, as the other tests expect congdan.
		if err := chromedp.Do(tab, chromedp.Click(chromedp.CSS(`label[for="mail-dossier_status"]`))); err != nil {
			t.Fatal(err)
		}
		s.submit(t, tab, `main form[action="/tai-khoan/thu-dien-tu"] button[type=submit]`, 200)
		s.open(t, tab, "/tai-khoan/thu-dien-tu", 200)
		if !mailChecked(t, tab, box) {
			t.Errorf("%s is not ticked again after ticking its label and saving", box)
		}
	})

	t.Run("DeskFailures", func(t *testing.T) {
		t.Parallel()
		tab := s.tab(t, browsertest.NoJS())
		s.passwordLogin(t, tab, "motcua.xa", "/quan-tri")
		s.open(t, tab, "/mot-cua", 200)
		if q := s.text(t, tab, "main"); strings.Contains(q, "không thành công") {
			t.Errorf("the queues mention failed e-mails while e-mail is off:\n%s", q)
		}
		for _, lang := range []string{"vi", "en"} {
			s.open(t, tab, langPath("/mot-cua/thu-loi", lang), 200)
			s.contains(t, tab, "main", map[string][]string{
				"vi": {"Thư điện tử gửi người nộp không thành công", "Hệ thống hiện chưa gửi thư điện tử",
					"Không có thư điện tử nào gửi người nộp không thành công."},
				"en": {"E-mails not delivered to applicants", "The system does not send e-mail at the moment",
					"No e-mail to an applicant failed."},
			}[lang]...)
			s.accessible(t, tab)
		}
	})
}

// mailChecked reports whether the checkbox is ticked.
func mailChecked(t *testing.T, tab context.Context, selector string) bool {
	t.Helper()
	on, err := chromedp.Run(tab, chromedp.Evaluate[bool](`document.querySelector(`+strconv.Quote(selector)+`).checked`))
	if err != nil {
		t.Fatal(err)
	}
	return on
}

// TestDeskMailFailures: the applicant's mail server refuses the address;
// the ward's desk and leader see it on the queues and in the list, with
// the address masked and the reason in plain words; another agency's
// desk, a specialist and a citizen do not.
func TestDeskMailFailures(t *testing.T) {
	t.Parallel()
	smtp := mailtest.Start(t, mailtest.Options{NoTLS: true})
	smtp.Reject("congdan@example.vn")
	s := start(t, serverOpts{env: map[string]string{"EGOV_SMTP_HOST": smtp.Host, "EGOV_SMTP_PORT": strconv.Itoa(smtp.Port),
		"EGOV_SMTP_TLS": "none", "EGOV_SMTP_FROM": "Cổng dịch vụ công tỉnh Lạng Sơn <noreply@dichvucong.example.vn>"}})

	const list = "/mot-cua/thu-loi"
	runScenarios(t, s, []scenario{
		{name: "NothingFailedYet", as: "web:motcua.xa", path: list, status: 200,
			want:    []string{"Không có thư điện tử nào gửi người nộp không thành công."},
			notWant: []string{"Hệ thống hiện chưa gửi thư điện tử", "<table"}},
		{name: "NoNoticeYet", as: "web:motcua.xa", path: "/mot-cua", status: 200, notWant: []string{`href="/mot-cua/thu-loi"`}},
	})

	d := deskFile(t, s, "1.004873", deskMarital)
	// The "submitted" notice goes to congdan, whose server refuses it.
	smtp.Wait(t, 30*time.Second, "the refused attempt", func(m *mailtest.Server) bool { return m.Attempts() >= 1 })
	desk := s.browser()
	s.webLogin(desk, "motcua.xa")
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if strings.Contains(s.do(desk, "GET", list, "", nil).body, d.Code) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s never lists %s", list, d.Code)
		}
	}

	row := []string{`<a href="/mot-cua/ho-so/` + d.Code + `">` + d.Code + `</a>`, "Nguyễn Văn An", "c***@example.vn", `<th scope="row"`,
		`role="region"`, `aria-labelledby="page-title"`, `tabindex="0"`, "<caption>"}
	runScenarios(t, s, []scenario{
		// The language sticks to the session: every row names its own.
		{name: "DeskNotice", as: "web:motcua.xa", path: "/mot-cua?lang=vi", status: 200,
			want: []string{"1 thư điện tử gửi người nộp không thành công.", `<a href="/mot-cua/thu-loi">Xem danh sách thư lỗi</a>`}},
		{name: "DeskNoticeEnglish", as: "web:motcua.xa", path: "/mot-cua?lang=en", status: 200,
			want: []string{"1 e-mail to an applicant was not delivered.", "See the undelivered e-mails"}},
		{name: "DeskList", as: "web:motcua.xa", path: list + "?lang=vi", status: 200,
			want: append(row, `<th scope="col">Lý do</th>`, "Đã gửi hồ sơ", "Địa chỉ thư không tồn tại hoặc sai"),
			notWant: []string{"congdan@example.vn", "5.1.1", "Hệ thống hiện chưa gửi thư điện tử",
				"Không có thư điện tử nào gửi người nộp không thành công.", "[mail."}},
		{name: "DeskListEnglish", as: "web:motcua.xa", path: list + "?lang=en", status: 200,
			want: append(row, `<th scope="col">Why</th>`, "Dossier sent", "The address does not exist or is wrong"), notWant: []string{"[mail."}},
		{name: "LeaderList", as: "web:lanhdao.xa", path: list, status: 200, want: []string{d.Code}},
		{name: "LeaderNotice", as: "web:lanhdao.xa", path: "/mot-cua", status: 200, want: []string{`href="/mot-cua/thu-loi"`}},
		{name: "OtherAgencysDesk", as: "web:motcua", path: list, status: 200,
			want: []string{"Không có thư điện tử nào gửi người nộp không thành công."}, notWant: []string{d.Code}},
		{name: "OtherAgencysQueues", as: "web:motcua", path: "/mot-cua", status: 200, notWant: []string{`href="/mot-cua/thu-loi"`}},
		{name: "Specialist", as: "web:chuyenvien.xa", path: list, status: 403, notWant: []string{d.Code}},
		{name: "SpecialistQueues", as: "web:chuyenvien.xa", path: "/mot-cua", status: 200, notWant: []string{`href="/mot-cua/thu-loi"`}},
		{name: "Citizen", as: "web:congdan", path: list, status: 403, notWant: []string{d.Code}},
		{name: "SignedOut", path: list, status: 303, want: []string{"/dang-nhap?next="}},
	})
}
