package web

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"egov/internal/audit"
	"egov/internal/dossier"
	"egov/internal/httpx"
	"egov/internal/identity"
	"egov/internal/mail"
	"egov/internal/platform/sqldb/sqldbtest"
)

// The e-mail choices page works without JavaScript: a form with a
// fieldset and a legend, a labelled checkbox per category, posted and
// redirected (303), audited, and refused with an error summary when a
// category is not the user's.
func TestAccountMailPage(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := sqldbtest.SQLite(t)
	now := func() time.Time { return time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC) }
	log := slog.New(slog.DiscardHandler)
	al := audit.New(db, now)
	ids := identity.New(db, al, nil, now, identity.Settings{})
	ms, err := mail.New(mail.Config{DB: db, Audit: al, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	dept, err := ids.CreateAgency(ctx, identity.AgencyInput{Kind: identity.KindDepartment, Code: "000.00.03.H37", Name: "Sở Tư pháp"})
	if err != nil {
		t.Fatal(err)
	}
	const pw = "Hồ sơ một cửa 2026!"
	u, err := ids.CreateUser(ctx, identity.UserInput{Username: "chuyenvien", Kind: identity.UserOfficial, FullName: "Lê Văn Bình",
		Email: "binh@langson.gov.vn", Password: pw, Grants: []identity.Grant{{Role: identity.RoleSpecialist, AgencyID: dept.ID}}})
	if err != nil {
		t.Fatal(err)
	}
	login, err := ids.Login(ctx, identity.LoginRequest{Username: "chuyenvien", Password: pw, Kind: identity.SessionWeb})
	if err != nil || login.Stage != identity.StageFull {
		t.Fatalf("%+v %v", login, err)
	}
	s, err := New(Deps{Log: log, Identity: ids, Audit: al, Mail: ms, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	s.Register(mux)
	h := httpx.Chain(mux, httpx.Options{Log: log, Identity: ids})
	do := func(method, body string) (*httptest.ResponseRecorder, string) {
		req := httptest.NewRequest(method, "/tai-khoan/thu-dien-tu", strings.NewReader(body))
		req.AddCookie(&http.Cookie{Name: httpx.SessionCookie, Value: login.Token})
		if body != "" {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		b, _ := io.ReadAll(rec.Body)
		return rec, string(b)
	}

	anon := httptest.NewRecorder()
	h.ServeHTTP(anon, httptest.NewRequest("GET", "/tai-khoan/thu-dien-tu", nil))
	if anon.Code != http.StatusSeeOther || !strings.HasPrefix(anon.Header().Get("Location"), "/dang-nhap") {
		t.Fatalf("a visitor is sent to sign in: %d %v", anon.Code, anon.Header())
	}
	rec, page := do("GET", "")
	if rec.Code != 200 {
		t.Fatalf("%d %s", rec.Code, page)
	}
	for _, want := range []string{`<fieldset>`, `<legend>Gửi thư cho tôi khi có</legend>`,
		`<input type="checkbox" id="mail-assigned" name="email" value="assigned" aria-describedby="mail-assigned-hint" checked>`,
		`<label for="mail-assigned">Hồ sơ được giao cho tôi</label>`, `<label for="mail-deadlines">`,
		`binh@langson.gov.vn`, `Hệ thống hiện chưa gửi thư điện tử`} {
		if !strings.Contains(page, want) {
			t.Errorf("no %s in the page", want)
		}
	}
	if strings.Contains(page, "dossier_status") {
		t.Error("an official is not offered the applicants' category")
	}
	if strings.Contains(page, "<script") {
		t.Error("the page needs no script")
	}

	rec, _ = do("POST", url.Values{"email": {"assigned"}}.Encode())
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/tai-khoan/thu-dien-tu" {
		t.Fatalf("%d %v", rec.Code, rec.Header())
	}
	prefs, err := ms.Preferences(ctx, u)
	if err != nil || len(prefs) != 2 || !prefs[0].Email || prefs[1].Email {
		t.Fatalf("%+v %v", prefs, err)
	}
	var audited int
	if err := db.R.QueryRowContext(ctx, `SELECT count(*) FROM audit_log WHERE action = 'mail.preferences' AND actor = 'chuyenvien'`).Scan(&audited); err != nil || audited != 1 {
		t.Fatalf("audit %d %v", audited, err)
	}

	rec, page = do("POST", url.Values{"email": {"assigned", "dossier_status"}}.Encode())
	if rec.Code != http.StatusBadRequest || !strings.Contains(page, `class="error-summary"`) || !strings.Contains(page, `href="#mail-assigned"`) {
		t.Fatalf("%d %s", rec.Code, page)
	}
}

// The desk's e-mail section names each failure in plain words, with the
// address masked.
func TestDeskMailSection(t *testing.T) {
	t.Parallel()
	s, err := New(Deps{Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	d := mail.Delivery{UserName: "Nguyễn Thị Hoà", To: "hoa.nguyen@gmail.com", Kind: "request_supplement", Status: mail.StatusFailed,
		Attempts: 1, LastError: "550 5.1.1 Mailbox unavailable", CreatedAt: time.Date(2026, 3, 2, 2, 30, 0, 0, time.UTC)}
	row := deskMailRow{To: d.Masked(), Name: d.UserName, Kind: translate("vi", "mail.kind."+d.Kind),
		Status: translate("vi", "mail.status."+string(d.Status)), Reason: translate("vi", "mail.reason."+string(d.Reason())),
		Attempts: "1", At: formatInstant("vi", d.CreatedAt), Failed: true}
	v := &deskDossierView{V: dossier.View{}, Code: "000.01.20.H37-260302-0001",
		Mail: &deskMailView{Summary: "Đã gửi 2 thư; 0 thư người nhận đã tắt; 1 thư không gửi được.", Rows: []deskMailRow{row}}}
	p := &Page{Lang: "vi", Title: "Hồ sơ", Section: "desk", Data: v, reqURL: &url.URL{Path: "/mot-cua/ho-so/x"}}
	var b bytes.Buffer
	if err := s.pages["desk_dossier"].ExecuteTemplate(&b, "layout", p); err != nil {
		t.Fatal(err)
	}
	html := b.String()
	for _, want := range []string{`<h2 id="h-mail">Thư điện tử</h2>`, "h***@gmail.com", "Yêu cầu bổ sung", "Không gửi được",
		"Địa chỉ thư không tồn tại hoặc sai", "1 thư không gửi được"} {
		if !strings.Contains(html, want) {
			t.Errorf("no %q in the section", want)
		}
	}
	if strings.Contains(html, "hoa.nguyen@gmail.com") {
		t.Error("the address must be masked")
	}
}

// Every notification kind and failure reason has its words.
func TestMailMessages(t *testing.T) {
	t.Parallel()
	for _, k := range dossier.NoticeKinds() {
		if _, ok := messages["mail.kind."+k]; !ok {
			t.Errorf("no message mail.kind.%s", k)
		}
	}
	for _, r := range []mail.Reason{mail.ReasonBadAddress, mail.ReasonMailboxFull, mail.ReasonRejected, mail.ReasonTemporary,
		mail.ReasonUnreachable, mail.ReasonLogin, mail.ReasonOther} {
		if _, ok := messages["mail.reason."+string(r)]; !ok {
			t.Errorf("no message mail.reason.%s", r)
		}
	}
	for _, st := range []mail.Status{mail.StatusQueued, mail.StatusSent, mail.StatusFailed, mail.StatusSkipped} {
		if _, ok := messages["mail.status."+string(st)]; !ok {
			t.Errorf("no message mail.status.%s", st)
		}
	}
	for k := range mailMessages {
		if !strings.HasPrefix(k, "mail.") {
			t.Errorf("%s: e-mail messages are named mail.*", k)
		}
	}
}
