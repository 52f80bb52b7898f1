package browsertest_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"egov/internal/browsertest"
)

// strictCSP is the policy egov serves: no inline script or style at all.
const strictCSP = "default-src 'self'; script-src 'self'; style-src 'self'"

const accessiblePage = `<!doctype html>
<html lang="vi">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Dịch vụ công</title><link rel="stylesheet" href="/site.css"></head>
<body>
<header><p>Cổng dịch vụ công</p></header>
<main>
<h1>Đăng ký khai sinh</h1>
<p>Điền thông tin để nộp hồ sơ.</p>
<img src="/logo.png" alt="Quốc huy" width="32" height="32">
<form method="post" action="/submit">
<label for="name">Họ và tên</label>
<input id="name" name="name" autocomplete="name">
<label for="agree"><input id="agree" name="agree" type="checkbox" value="yes"> Tôi đồng ý</label>
<button type="submit" id="send">Gửi hồ sơ</button>
</form>
</main>
</body>
</html>`

// violatingPage has three classic failures: an image without alt, an input
// without a label and grey-on-white text (contrast about 1.6:1, set by the
// external stylesheet because the CSP forbids inline styles).
const violatingPage = `<!doctype html>
<html lang="vi">
<head><meta charset="utf-8"><title>Bad</title><link rel="stylesheet" href="/site.css"></head>
<body><main>
<h1>Bad page</h1>
<img src="/logo.png">
<form><input type="text" name="q"></form>
<p class="faint">Hard to read text</p>
<p id="csp">inline script blocked</p>
<script>document.getElementById('csp').textContent = 'inline script ran';</script>
</main></body></html>`

const siteCSS = `body { font: 16px/1.5 sans-serif; color: #111; background: #fff; }
.faint { color: #ccc; }
.tall { height: 3000px; }`

// scriptPage proves whether scripts run: site.js rewrites the status line.
const scriptPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>JS</title><script src="/site.js" defer></script></head>
<body><main><h1>Script test</h1><p id="status">no script</p></main></body></html>`

const siteJS = `document.getElementById('status').textContent = 'script ran';`

type site struct {
	*httptest.Server
	logo []byte // a PNG of known size
}

// setup serves the test pages with egov's CSP.
func setup(t *testing.T) *site {
	t.Helper()
	s := &site{logo: noisePNG(t, 64, 64)}
	pages := map[string]string{
		"/":       accessiblePage,
		"/bad":    violatingPage,
		"/script": scriptPage,
		"/tall":   `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Tall</title><link rel="stylesheet" href="/site.css"></head><body><main class="tall"><h1>Tall</h1></main></body></html>`,
		"/weight": `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>W</title><link rel="icon" href="data:,"></head><body><main><h1>W</h1><img src="/logo.png" alt="logo"></main></body></html>`,
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{path...}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", strictCSP)
		switch r.URL.Path {
		case "/site.css":
			w.Header().Set("Content-Type", "text/css")
			fmt.Fprint(w, siteCSS)
		case "/site.js":
			w.Header().Set("Content-Type", "text/javascript")
			fmt.Fprint(w, siteJS)
		case "/logo.png":
			w.Header().Set("Content-Type", "image/png")
			w.Write(s.logo)
		default:
			p, ok := pages[r.URL.Path]
			if !ok {
				http.NotFound(w, r)
				return
			}
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, p)
		}
	})
	// The form handler sets a session cookie and redirects (303) to a page that
	// echoes what was posted: a Post/Redirect/Get round trip as egov does it.
	mux.HandleFunc("POST /submit", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "session", Value: "abc123", Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
		q := fmt.Sprintf("name=%s&agree=%s", r.PostFormValue("name"), r.PostFormValue("agree"))
		http.Redirect(w, r, "/done?"+q, http.StatusSeeOther)
	})
	mux.HandleFunc("GET /done", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", strictCSP)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Done</title></head><body><main><h1>Đã nhận</h1><p id="who">%s / %s</p></main></body></html>`,
			htmlEscape(r.FormValue("name")), htmlEscape(r.FormValue("agree")))
	})
	s.Server = httptest.NewServer(mux)
	t.Cleanup(s.Close)
	return s
}

func TestBrowser(t *testing.T) {
	t.Parallel()
	b := browsertest.New(t)
	s := setup(t)

	t.Run("AccessiblePageHasNoSeriousViolations", func(t *testing.T) {
		t.Parallel()
		tab := b.Tab(t)
		mustNavigate(t, tab, s.URL+"/")
		rep, err := browsertest.Axe(tab)
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Violations) > 0 {
			t.Errorf("expected no WCAG violations:\n%s", rep)
		}
		if rep.AxeVersion == "" || !strings.HasPrefix(rep.AxeVersion, "4.") {
			t.Errorf("axe version = %q", rep.AxeVersion)
		}
	})

	t.Run("ReportsKnownViolationsUnderStrictCSP", func(t *testing.T) {
		t.Parallel()
		tab := b.Tab(t)
		mustNavigate(t, tab, s.URL+"/bad")
		rep, err := browsertest.Axe(tab)
		if err != nil {
			t.Fatal(err)
		}
		// The CSP is really in force: the page's inline script was refused,
		// yet axe, injected through the protocol, ran.
		if got, err := browsertest.Text(tab, "#csp"); err != nil || got != "inline script blocked" {
			t.Fatalf("CSP not enforced: #csp = %q, %v", got, err)
		}
		serious := rep.Serious()
		for _, id := range []string{"image-alt", "label", "color-contrast"} {
			if !serious.Has(id) {
				t.Errorf("serious violations lack %s:\n%s", id, rep)
			}
		}
		for _, v := range serious.Violations {
			if v.Impact != "serious" && v.Impact != "critical" {
				t.Errorf("Serious() kept %s with impact %q", v.ID, v.Impact)
			}
			if len(v.Nodes) == 0 || len(v.Nodes[0].Target) == 0 || v.Nodes[0].HTML == "" {
				t.Errorf("%s has no node target or html: %+v", v.ID, v.Nodes)
			}
		}
		if str := serious.String(); !strings.Contains(str, "image-alt (critical)") || !strings.Contains(str, `<img src="/logo.png">`) {
			t.Errorf("report text lacks the rule or the element:\n%s", str)
		}
		t.Logf("report as a failing test shows it:\n%s", serious)
	})

	t.Run("AxeWorksInNoJSTab", func(t *testing.T) {
		t.Parallel()
		tab := b.Tab(t, browsertest.NoJS())
		mustNavigate(t, tab, s.URL+"/bad")
		rep, err := browsertest.Axe(tab)
		if err != nil {
			t.Fatal(err)
		}
		if !rep.Serious().Has("image-alt") {
			t.Errorf("no image-alt violation in a NoJS tab:\n%s", rep)
		}
		// Axe allowed scripts for its run only.
		mustNavigate(t, tab, s.URL+"/script")
		if got, err := browsertest.Text(tab, "#status"); err != nil || got != "no script" {
			t.Errorf("after Axe, status = %q, %v; want scripts still disabled", got, err)
		}
	})

	t.Run("WeightCountsDocumentAndSubresources", func(t *testing.T) {
		t.Parallel()
		tab := b.Tab(t)
		w, err := browsertest.Weight(tab, s.URL+"/weight")
		if err != nil {
			t.Fatal(err)
		}
		body := int64(len(s.logo)) + int64(len(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>W</title><link rel="icon" href="data:,"></head><body><main><h1>W</h1><img src="/logo.png" alt="logo"></main></body></html>`))
		// Each of the two responses adds its status line and headers (~150-250 bytes).
		if w.Total < body || w.Total > body+600 {
			t.Errorf("weight = %d, want bodies %d plus headers (< 600):\n%s", w.Total, body, w)
		}
		if len(w.Resources) != 2 {
			t.Errorf("want 2 resources (document, image):\n%s", w)
		}
		t.Log(w)

		// A second measurement in the same tab must not be served from cache.
		again, err := browsertest.Weight(tab, s.URL+"/weight")
		if err != nil {
			t.Fatal(err)
		}
		if again.Total != w.Total {
			t.Errorf("second load weighs %d, first %d: cache not bypassed?\n%s", again.Total, w.Total, again)
		}
	})

	t.Run("ScreenshotIsPNG", func(t *testing.T) {
		t.Parallel()
		tab := b.Tab(t)
		mustNavigate(t, tab, s.URL+"/tall")
		dir := t.TempDir()
		for _, full := range []bool{false, true} {
			path := filepath.Join(dir, "shots", fmt.Sprintf("full-%v.png", full))
			if err := browsertest.Screenshot(tab, path, full); err != nil {
				t.Fatal(err)
			}
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(f)
			f.Close()
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			h := img.Bounds().Dy()
			switch {
			case full && h < 3000:
				t.Errorf("full-page screenshot is %d px high, page is 3000+", h)
			case !full && h != 800:
				t.Errorf("viewport screenshot is %d px high, want 800", h)
			}
		}
	})

	t.Run("ViewportSetsScreenSize", func(t *testing.T) {
		t.Parallel()
		tab := b.Tab(t, browsertest.Viewport(375, 812))
		mustNavigate(t, tab, s.URL+"/")
		path := filepath.Join(t.TempDir(), "phone.png")
		if err := browsertest.Screenshot(tab, path, false); err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		cfg, err := png.DecodeConfig(f)
		if err != nil {
			t.Fatal(err)
		}
		if cfg.Width != 375 || cfg.Height != 812 {
			t.Errorf("screenshot is %d×%d, want 375×812", cfg.Width, cfg.Height)
		}
	})

	t.Run("FormRoundTrip", func(t *testing.T) {
		t.Parallel()
		for _, noJS := range []bool{false, true} {
			t.Run(fmt.Sprintf("NoJS=%v", noJS), func(t *testing.T) {
				t.Parallel()
				var opts []browsertest.TabOption
				if noJS {
					opts = append(opts, browsertest.NoJS())
				}
				tab := b.Tab(t, opts...)
				mustNavigate(t, tab, s.URL+"/")
				if err := browsertest.Fill(tab, map[string]string{"#name": "Nguyễn Văn A", "#agree": "yes"}); err != nil {
					t.Fatal(err)
				}
				status, err := browsertest.Submit(tab, "#send")
				if err != nil {
					t.Fatal(err)
				}
				if status != http.StatusOK {
					t.Errorf("status after submit = %d", status)
				}
				who, err := browsertest.Text(tab, "#who")
				if err != nil {
					t.Fatal(err)
				}
				if who != "Nguyễn Văn A / yes" {
					t.Errorf("posted %q", who)
				}
				u, err := browsertest.URL(tab)
				if err != nil {
					t.Fatal(err)
				}
				if !strings.HasPrefix(u, s.URL+"/done?") {
					t.Errorf("URL after redirect = %s", u)
				}
				cookies, err := browsertest.Cookies(tab)
				if err != nil {
					t.Fatal(err)
				}
				if len(cookies) != 1 || cookies[0].Name != "session" || cookies[0].Value != "abc123" ||
					!cookies[0].HttpOnly || cookies[0].SameSite != http.SameSiteLaxMode {
					t.Errorf("cookies = %v", cookies)
				}
			})
		}
	})

	t.Run("FillReportsMissingField", func(t *testing.T) {
		t.Parallel()
		tab := b.Tab(t)
		mustNavigate(t, tab, s.URL+"/")
		err := browsertest.Fill(tab, map[string]string{"#nope": "x"})
		if err == nil || !strings.Contains(err.Error(), "#nope") {
			t.Errorf("err = %v, want one naming #nope", err)
		}
	})

	t.Run("TabsDoNotShareCookies", func(t *testing.T) {
		t.Parallel()
		a, c := b.Tab(t), b.Tab(t)
		mustNavigate(t, a, s.URL+"/")
		if err := browsertest.Fill(a, map[string]string{"#name": "x"}); err != nil {
			t.Fatal(err)
		}
		if _, err := browsertest.Submit(a, "#send"); err != nil {
			t.Fatal(err)
		}
		mustNavigate(t, c, s.URL+"/")
		cookies, err := browsertest.Cookies(c)
		if err != nil {
			t.Fatal(err)
		}
		if len(cookies) != 0 {
			t.Errorf("second tab sees the first tab's cookies: %v", cookies)
		}
	})

	t.Run("ScriptsRun", func(t *testing.T) {
		t.Parallel()
		tab := b.Tab(t)
		mustNavigate(t, tab, s.URL+"/script")
		if got, err := browsertest.Text(tab, "#status"); err != nil || got != "script ran" {
			t.Errorf("status = %q, %v; want the script to have run", got, err)
		}
	})

	t.Run("NoJSTabRunsNoScript", func(t *testing.T) {
		t.Parallel()
		tab := b.Tab(t, browsertest.NoJS())
		mustNavigate(t, tab, s.URL+"/script")
		if got, err := browsertest.Text(tab, "#status"); err != nil || got != "no script" {
			t.Errorf("status = %q, %v; want the script not to have run", got, err)
		}
	})

	t.Run("NavigateReportsStatus", func(t *testing.T) {
		t.Parallel()
		tab := b.Tab(t)
		status, err := browsertest.Navigate(tab, s.URL+"/missing")
		if err != nil {
			t.Fatal(err)
		}
		if status != http.StatusNotFound {
			t.Errorf("status = %d, want 404", status)
		}
	})
}

func mustNavigate(t *testing.T, tab context.Context, url string) {
	t.Helper()
	status, err := browsertest.Navigate(tab, url)
	if err != nil {
		t.Fatal(err)
	}
	if status != http.StatusOK {
		t.Fatalf("GET %s: status %d", url, status)
	}
}

// noisePNG encodes random pixels, which PNG cannot compress, so the image's
// size on the wire is its file size.
func noisePNG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	r := rand.New(rand.NewPCG(1, 2))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.NRGBA{uint8(r.Uint32()), uint8(r.Uint32()), uint8(r.Uint32()), 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}
