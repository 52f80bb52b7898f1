package app_test

// The browser suite: egov as a citizen's browser sees it. Headless Chromium
// (internal/browsertest) signs in through the real forms, with and without
// JavaScript, and checks every public page and the back office with axe-core
// (no serious or critical WCAG 2.2 AA violation, in Vietnamese and English),
// for page weight (under 150 KB per public page) and for horizontal overflow
// on a phone. With EGOV_SCREENSHOTS=DIR it also saves full-page screenshots
// for the README.
//
// The suite starts one browser and one server (SQLite: the pages do not
// depend on the engine, and the scenario tests cover PostgreSQL); every
// subtest opens its own tab, which is a private window, so parallel subtests
// never share a session.

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"egov/internal/browsertest"
)

// maxPublicPage is the budget of bytes on the wire for one public page: a
// citizen on a slow mobile connection still gets it in a few seconds.
const maxPublicPage = 150 << 10

// phoneWidth is a common phone's viewport width in CSS pixels.
const phoneWidth, phoneHeight = 390, 844

// envScreenshots names the folder for the README's screenshots.
const envScreenshots = "EGOV_SCREENSHOTS"

// bsuite is what a browser subtest needs: the browser and the server.
type bsuite struct {
	b   *browsertest.Browser
	srv *server
}

func newBrowserSuite(t *testing.T) bsuite {
	t.Helper()
	b := browsertest.New(t) // first: skips the test before a server starts
	return bsuite{b: b, srv: start(t, serverOpts{})}
}

// tab opens a tab whose browser asks for Vietnamese, as a browser in Vietnam
// does (headless Chromium asks for en-US, which egov would honour). English
// pages are asked for with ?lang=en.
func (s bsuite) tab(t *testing.T, opts ...browsertest.TabOption) context.Context {
	t.Helper()
	tab := s.b.Tab(t, opts...)
	_, err := chromedp.Call(tab, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{
		Headers: network.Headers{"Accept-Language": "vi-VN,vi;q=0.9"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return tab
}

// open navigates to path and checks the HTTP status.
func (s bsuite) open(t *testing.T, tab context.Context, path string, want int) {
	t.Helper()
	got, err := browsertest.Navigate(tab, s.srv.URL+path)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Fatalf("GET %s: status %d, want %d", path, got, want)
	}
}

// submit clicks selector and checks the status of the page it leads to.
func (s bsuite) submit(t *testing.T, tab context.Context, selector string, want int) {
	t.Helper()
	got, err := browsertest.Submit(tab, selector)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		u, _ := browsertest.URL(tab)
		t.Fatalf("clicking %s: status %d at %s, want %d", selector, got, u, want)
	}
}

func (s bsuite) fill(t *testing.T, tab context.Context, fields map[string]string) {
	t.Helper()
	if err := browsertest.Fill(tab, fields); err != nil {
		t.Fatal(err)
	}
}

func (s bsuite) text(t *testing.T, tab context.Context, selector string) string {
	t.Helper()
	got, err := browsertest.Text(tab, selector)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// hasCookie reports whether the browser would send a non-empty cookie name
// to the current page.
func (s bsuite) hasCookie(t *testing.T, tab context.Context, name string) bool {
	t.Helper()
	cs, err := browsertest.Cookies(tab)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if c.Name == name && c.Value != "" {
			return true
		}
	}
	return false
}

// currentPath is the path and query of the tab's page.
func (s bsuite) currentPath(t *testing.T, tab context.Context) string {
	t.Helper()
	raw, err := browsertest.URL(tab)
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u.RequestURI()
}

// contains fails t unless the text of selector has every one of want.
func (s bsuite) contains(t *testing.T, tab context.Context, selector string, want ...string) {
	t.Helper()
	got := s.text(t, tab, selector)
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("%s at %s lacks %q; it reads:\n%s", selector, s.currentPath(t, tab), w, got)
		}
	}
}

// accessible runs axe-core on the tab's page and reports every serious or
// critical WCAG violation.
func (s bsuite) accessible(t *testing.T, tab context.Context) {
	t.Helper()
	rep, err := browsertest.Axe(tab)
	if err != nil {
		t.Fatal(err)
	}
	if bad := rep.Serious(); len(bad.Violations) > 0 {
		t.Error(bad.String())
	}
}

// light loads url as a first visit and fails t when the page weighs more
// than maxPublicPage, when a request fails (a resource blocked by the CSP, a
// missing file) or when the page loads anything from another origin (data:
// URLs are Chromium's own, such as the date picker's icon).
func (s bsuite) light(t *testing.T, tab context.Context, url string) {
	t.Helper()
	w, err := browsertest.Weight(tab, url)
	if err != nil {
		t.Fatal(err)
	}
	if w.Total > maxPublicPage {
		t.Errorf("over %d KB: %s", maxPublicPage>>10, w)
	}
	for _, r := range w.Resources {
		local := strings.HasPrefix(r.URL, s.srv.URL+"/") || strings.HasPrefix(r.URL, "data:")
		if r.Failed != "" || !local {
			t.Errorf("a failed or third-party request: %s", w)
			break
		}
	}
}

// fitsWidth fails t when the page scrolls sideways: on a phone that hides
// text and buttons off screen (WCAG 1.4.10 Reflow).
func (s bsuite) fitsWidth(t *testing.T, tab context.Context) {
	t.Helper()
	const js = `(() => {
		const vw = document.documentElement.clientWidth;
		const wide = [...document.querySelectorAll('body *')]
			.filter(e => e.getBoundingClientRect().right > vw + 1)
			.slice(0, 5).map(e => e.outerHTML.slice(0, 120));
		return {scroll: document.documentElement.scrollWidth, viewport: vw, wide};
	})()`
	type result struct {
		Scroll, Viewport int
		Wide             []string
	}
	r, err := chromedp.Run(tab, chromedp.Evaluate[result](js))
	if err != nil {
		t.Fatal(err)
	}
	if r.Scroll > r.Viewport {
		t.Errorf("%s scrolls sideways at %d px: %d px wide; too wide:\n%s",
			s.currentPath(t, tab), r.Viewport, r.Scroll, strings.Join(r.Wide, "\n"))
	}
}

// focus describes the focused element.
type focus struct {
	HTML, ID, Class, Outline string
	Visible                  bool // entirely inside the viewport
}

func (s bsuite) focused(t *testing.T, tab context.Context) focus {
	t.Helper()
	const js = `(() => {
		const e = document.activeElement, r = e.getBoundingClientRect();
		return {html: e.outerHTML.slice(0, 120), id: e.id, class: e.className,
			outline: getComputedStyle(e).outlineStyle,
			visible: r.width > 0 && r.left >= 0 && r.top >= 0 && r.right <= innerWidth && r.bottom <= innerHeight};
	})()`
	f, err := chromedp.Run(tab, chromedp.Evaluate[focus](js))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// screenshot saves a full-page PNG as DIR/name.png when EGOV_SCREENSHOTS=DIR.
func (s bsuite) screenshot(t *testing.T, tab context.Context, name string) {
	t.Helper()
	s.screenshotOf(t, tab, name, true)
}

// screenshotOf saves the full page or only the viewport.
func (s bsuite) screenshotOf(t *testing.T, tab context.Context, name string, fullPage bool) {
	t.Helper()
	dir := os.Getenv(envScreenshots)
	if dir == "" || name == "" {
		return
	}
	if err := browsertest.Screenshot(tab, filepath.Join(dir, name+".png"), fullPage); err != nil {
		t.Error(err)
	}
}

// passwordLogin signs username in through /dang-nhap and checks where the
// browser lands.
func (s bsuite) passwordLogin(t *testing.T, tab context.Context, username, lands string) {
	t.Helper()
	s.open(t, tab, "/dang-nhap", 200)
	s.fill(t, tab, map[string]string{"#username": username, "#password": demoPassword})
	s.submit(t, tab, `main form[action="/dang-nhap"] button[type=submit]`, 200)
	if got := s.currentPath(t, tab); got != lands {
		t.Fatalf("%s signed in and landed on %s, want %s", username, got, lands)
	}
}

// TestBrowser is the browser suite. One browser and one server serve every
// subtest: starting them is most of the suite's fixed cost.
func TestBrowser(t *testing.T) {
	t.Parallel()
	s := newBrowserSuite(t)
	t.Run("Login", func(t *testing.T) { t.Parallel(); browserLogin(t, s) })
	t.Run("Pages", func(t *testing.T) { t.Parallel(); browserPages(t, s) })
	t.Run("Desk", func(t *testing.T) { t.Parallel(); browserDesk(t, s) })
	t.Run("Applicant", func(t *testing.T) { t.Parallel(); browserApplicant(t, s) })
	t.Run("Journey", func(t *testing.T) { t.Parallel(); browserJourney(t, s) })
	t.Run("Mail", func(t *testing.T) { t.Parallel(); browserMail(t, s) })
}

// browserLogin signs in through the real pages: an official with the
// password form, a citizen through the demo identity provider, each with and
// without JavaScript.
func browserLogin(t *testing.T, s bsuite) {
	for _, js := range []struct {
		name string
		opts []browsertest.TabOption
	}{{"JS", nil}, {"NoJS", []browsertest.TabOption{browsertest.NoJS()}}} {
		t.Run("OfficialPassword/"+js.name, func(t *testing.T) {
			t.Parallel()
			tab := s.tab(t, js.opts...)
			s.passwordLogin(t, tab, "motcua", "/quan-tri")
			s.contains(t, tab, "main", "Lê Thu Trang")
			s.contains(t, tab, "header.site", "Lê Thu Trang", "Đăng xuất")
			if !s.hasCookie(t, tab, "egov_session") {
				t.Fatal("signed in without a session cookie")
			}

			s.submit(t, tab, `header.site form[action="/dang-xuat"] button`, 200)
			if got := s.currentPath(t, tab); got != "/" {
				t.Errorf("signed out and landed on %s, want /", got)
			}
			header := s.text(t, tab, "header.site")
			if strings.Contains(header, "Lê Thu Trang") || !strings.Contains(header, "Đăng nhập") {
				t.Errorf("still signed in after signing out; the header reads:\n%s", header)
			}
			if s.hasCookie(t, tab, "egov_session") {
				t.Error("the session cookie outlives signing out")
			}
			s.open(t, tab, "/quan-tri", 200) // the login page, as a signed-out visitor
			if got := s.currentPath(t, tab); !strings.HasPrefix(got, "/dang-nhap") {
				t.Errorf("/quan-tri after signing out shows %s, want the login page", got)
			}
		})

		t.Run("CitizenIdentityProvider/"+js.name, func(t *testing.T) {
			t.Parallel()
			tab := s.tab(t, js.opts...)
			s.open(t, tab, "/dang-nhap", 200)
			const link = `main a[href^="/dang-nhap/dinh-danh"]`
			s.contains(t, tab, link, "Đăng nhập bằng tài khoản định danh điện tử")
			s.submit(t, tab, link, 200)
			if got := s.currentPath(t, tab); !strings.HasPrefix(got, "/demo-idp/") {
				t.Fatalf("the identity link led to %s, want the demo provider /demo-idp/...", got)
			}
			s.contains(t, tab, "main", "Cổng định danh điện tử (mô phỏng)")
			s.fill(t, tab, map[string]string{"#username": "congdan", "#password": demoPassword})
			s.submit(t, tab, `button[value=login]`, 200)
			if got := s.currentPath(t, tab); strings.HasPrefix(got, "/demo-idp/") || strings.HasPrefix(got, "/dang-nhap") {
				t.Fatalf("after the demo provider the browser is on %s, want a signed-in egov page", got)
			}
			s.contains(t, tab, "header.site", "Nguyễn Văn An", "Đăng xuất")

			s.open(t, tab, "/tai-khoan", 200)
			s.contains(t, tab, "main", "020085001234", "Nguyễn Văn An")
		})
	}
}

// langPath adds lang=en to path's query.
func langPath(path, lang string) string {
	if lang == "vi" {
		return path // Vietnamese is what the tab's browser asks for
	}
	if strings.Contains(path, "?") {
		return path + "&lang=" + lang
	}
	return path + "?lang=" + lang
}

// backOffice are the pages an administrator visits, with the names of their
// screenshots.
var backOffice = []struct {
	path, shot string
	top        bool // screenshot the first screen only: the page is very long
}{
	{"/quan-tri", "admin", false},
	{"/quan-tri/co-quan", "agencies", true}, // 370 agencies: 15,000 px, 2.8 MB in full
	{"/quan-tri/co-quan/3", "", false},
	{"/quan-tri/co-quan/nhap", "", false},
	{"/quan-tri/nguoi-dung", "", false},
	{"/quan-tri/nguoi-dung/moi", "", false},
	{"/quan-tri/lich", "calendar-admin", false},
	{"/quan-tri/nhat-ky", "", false},
	{"/quan-tri/danh-muc", "", false},
	{"/quan-tri/danh-muc/quy-trinh/lien-thong-khai-sinh", "workflow", false},
	{"/quan-tri/danh-muc/bieu-mau/1.001193", "", false},
	{"/quan-tri/danh-muc/nhap", "", false},
	{"/tai-khoan", "", false},
	{"/tai-khoan/xac-thuc-hai-lop", "", false},
}

// browserPages checks every public page in Vietnamese and English with
// axe-core and for its weight, the back office as an administrator, and all
// of them at a phone's width; with EGOV_SCREENSHOTS it saves screenshots.
func browserPages(t *testing.T, s bsuite) {
	public := []struct {
		name, path string
		status     int
		shot       string // screenshot name, Vietnamese only
	}{
		{"Home", "/", 200, "home"},
		{"Calendar", "/lich-lam-viec", 200, ""},
		{"CalendarResult", "/lich-lam-viec?year=2026&start=2026-02-13T16:30&days=5", 200, "calendar"},
		{"CalendarError", "/lich-lam-viec?start=bad&days=5", 400, ""},
		{"Login", "/dang-nhap", 200, "login"},
		{"NotFound", "/khong-co", 404, ""},
		{"Procedures", "/thu-tuc", 200, "procedures"},
		{"ProcedureSearch", "/thu-tuc?q=chung+thuc+ban+sao&cap=commune", 200, "procedure-search"},
		{"Procedure", "/thu-tuc/1.001193", 200, "procedure"},
		{"ProcedureInterAgency", "/thu-tuc/2.000986", 200, ""},
		{"FormPreview", "/thu-tuc/1.001193/to-khai", 200, "form"},
		{"Tracking", "/tra-cuu-ho-so", 200, ""},
		{"Verify", "/xac-thuc-van-ban", 200, "verify"},
		{"TrackingUnknown", "/tra-cuu-ho-so?ma=000.01.20.H37-260213-9999", 404, ""},
		{"FormPreviewBusiness", "/thu-tuc/2.002029/to-khai", 200, ""},
	}
	for _, lang := range []string{"vi", "en"} {
		for _, p := range public {
			t.Run("Public/"+lang+"/"+p.name, func(t *testing.T) {
				t.Parallel()
				tab := s.tab(t)
				path := langPath(p.path, lang)
				// Weight loads the page, as a first visit; the checks then
				// run on that page.
				s.light(t, tab, s.srv.URL+path)
				if h, err := browsertest.Text(tab, "main h1"); err != nil || h == "" {
					t.Errorf("%s has no h1 in main (%v)", path, err)
				}
				s.accessible(t, tab)
				if lang == "vi" {
					s.screenshot(t, tab, p.shot)
				}
			})
		}

		t.Run("Public/"+lang+"/LoginError", func(t *testing.T) {
			t.Parallel()
			tab := s.tab(t)
			s.open(t, tab, langPath("/dang-nhap", lang), 200)
			// A user that does not exist: a wrong password for a real one
			// would count towards its lockout in the other tests.
			s.fill(t, tab, map[string]string{"#username": "khong.ton.tai", "#password": "sai-mat-khau"})
			s.submit(t, tab, `main form[action="/dang-nhap"] button[type=submit]`, 401)
			s.contains(t, tab, ".error-summary", map[string]string{"vi": "Tên đăng nhập hoặc mật khẩu không đúng", "en": "Wrong username or password"}[lang])
			s.accessible(t, tab)
		})

		t.Run("Public/"+lang+"/DemoIdentityProvider", func(t *testing.T) {
			t.Parallel()
			tab := s.tab(t)
			s.open(t, tab, "/dang-nhap/dinh-danh", 200)
			if lang == "en" {
				s.submit(t, tab, `header nav a[hreflang=en]`, 200)
			}
			if got := s.currentPath(t, tab); !strings.HasPrefix(got, "/demo-idp/") {
				t.Fatalf("the identity login is on %s, want /demo-idp/...", got)
			}
			u, err := browsertest.URL(tab)
			if err != nil {
				t.Fatal(err)
			}
			s.light(t, tab, u) // reloads the provider's page, which GET allows
			s.accessible(t, tab)
			if lang == "vi" {
				s.screenshot(t, tab, "demo-idp")
			}
			// The provider's page after a wrong password.
			s.fill(t, tab, map[string]string{"#username": "congdan", "#password": "sai-mat-khau"})
			s.submit(t, tab, `button[value=login]`, 401)
			s.contains(t, tab, "main [role=alert]", map[string]string{"vi": "không đúng", "en": "Incorrect"}[lang])
			s.accessible(t, tab)
		})

		t.Run("BackOffice/"+lang, func(t *testing.T) {
			t.Parallel()
			tab := s.tab(t)
			s.passwordLogin(t, tab, "admin", "/quan-tri")
			for _, p := range backOffice {
				s.open(t, tab, langPath(p.path, lang), 200)
				s.accessible(t, tab)
				if lang == "vi" {
					s.screenshotOf(t, tab, p.shot, !p.top)
				}
			}
		})
	}

	// A keyboard user skips the header: the first Tab shows the skip link,
	// Enter moves the focus to the main content. Without JavaScript.
	t.Run("Public/vi/Keyboard", func(t *testing.T) {
		t.Parallel()
		tab := s.tab(t, browsertest.NoJS())
		s.open(t, tab, "/", 200)
		if err := chromedp.Do(tab, chromedp.KeyEvent("\t")); err != nil {
			t.Fatal(err)
		}
		f := s.focused(t, tab)
		if f.Class != "skip" || !f.Visible || f.Outline == "none" {
			t.Fatalf("the first Tab focuses %+v, want the visible skip link with a focus outline", f)
		}
		if err := chromedp.Do(tab, chromedp.KeyEvent("\r")); err != nil {
			t.Fatal(err)
		}
		for i := 0; f.ID != "main" && i < 50; i++ {
			time.Sleep(20 * time.Millisecond)
			f = s.focused(t, tab)
		}
		if f.ID != "main" {
			t.Errorf("the skip link moved the focus to %+v, want main#main", f)
		}
	})

	// At a phone's width every page reflows to fit, without sideways
	// scrolling (a wide table scrolls in its own box); the home page is also
	// a screenshot.
	for _, lang := range []string{"vi", "en"} {
		t.Run("Phone/"+lang, func(t *testing.T) {
			t.Parallel()
			tab := s.tab(t, browsertest.Viewport(phoneWidth, phoneHeight))
			for _, p := range public {
				s.open(t, tab, langPath(p.path, lang), p.status)
				s.fitsWidth(t, tab)
				if p.path == "/" && lang == "vi" {
					s.screenshot(t, tab, "home-phone")
				}
			}
			s.passwordLogin(t, tab, "admin", "/quan-tri")
			for _, p := range backOffice {
				s.open(t, tab, langPath(p.path, lang), 200)
				s.fitsWidth(t, tab)
			}
		})
	}
}
