// Package browsertest drives a real headless Chromium from Go tests, so egov's
// web suites can check pages as a citizen's browser sees them: accessibility
// (axe-core, WCAG 2.2 AA), bytes on the wire, screenshots, forms, cookies and
// pages without JavaScript. A test calls New once to start a browser and Tab in
// each (parallel) subtest for an isolated tab, then passes that tab's context to
// the package's functions. Without Chromium the tests skip themselves
// (EGOV_BROWSER=require makes that a failure, for CI; EGOV_BROWSER=off forces
// the skip).
//
//	func TestPublicPages(t *testing.T) {
//		b := browsertest.New(t)
//		srv := httptest.NewServer(handler)
//		t.Cleanup(srv.Close)
//		t.Run("Home", func(t *testing.T) {
//			t.Parallel()
//			tab := b.Tab(t, browsertest.NoJS())
//			if _, err := browsertest.Navigate(tab, srv.URL+"/"); err != nil {
//				t.Fatal(err)
//			}
//			rep, err := browsertest.Axe(tab)
//			if err != nil {
//				t.Fatal(err)
//			}
//			if s := rep.Serious(); len(s.Violations) > 0 {
//				t.Error(s)
//			}
//			w, err := browsertest.Weight(tab, srv.URL+"/")
//			if err != nil {
//				t.Fatal(err)
//			}
//			if w.Total > 150<<10 {
//				t.Errorf("page over 150 KB: %s", w)
//			}
//		})
//	}
package browsertest

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Environment variables read by New.
const (
	// EnvChromium names the browser binary (a path or a name on PATH). When it is
	// set, New uses only it.
	EnvChromium = "EGOV_CHROMIUM"
	// EnvBrowser set to "off" skips the browser tests even where Chromium is
	// installed; set to "require" it makes a missing browser a test failure
	// instead of a skip, so a CI job cannot pass without running them.
	EnvBrowser = "EGOV_BROWSER"
)

// candidates are tried in order when EGOV_CHROMIUM is not set.
var candidates = []string{"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome"}

const (
	// startTimeout bounds the launch of the browser and the opening of a tab:
	// both take well under a second, but a loaded CI machine can be slow.
	startTimeout = 30 * time.Second
	// actionTimeout bounds each helper of this package. chromedp's queries retry
	// until their context ends, so a wrong selector would otherwise hang the test
	// until go test's own timeout, with a less useful message.
	actionTimeout = 15 * time.Second
)

// Browser is one Chromium process, shared by the tabs of a test and its subtests.
type Browser struct {
	// ctx is the chromedp context that owns the browser process; tabs are its
	// children. A test helper has to keep it: tabs are opened long after New.
	ctx context.Context
}

// New starts a headless Chromium for t and stops it when t's cleanup runs.
// It skips t when no Chromium is found (see EnvChromium and EnvBrowser).
//
// Launching takes 0.25-0.4 s, so a suite should call New once in its top-level
// test and open a Tab in each (parallel) subtest rather than start a browser per
// subtest.
func New(t testing.TB) *Browser {
	t.Helper()
	path, why := findChromium()
	if path == "" {
		if os.Getenv(EnvBrowser) == "require" {
			t.Fatalf("browser suite required (%s=require) but %s", EnvBrowser, why)
		}
		t.Skip("browser suite skipped: " + why)
	}

	// Chromium's own output (dbus warnings and the like) is noise unless the
	// launch fails, so it is kept and shown only then.
	var output lockedBuffer
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.WindowSize(1280, 800),
		// Tests need none of Chromium's background connections (updates,
		// sync, QUIC probes); on a closed network they are refused and slow
		// the start down.
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("mute-audio", true),
		chromedp.CombinedOutput(&output),
		// No UserDataDir: chromedp then makes a fresh directory per browser and,
		// unlike with a directory we pass (t.TempDir()), kills Chromium's
		// leftover child processes before removing it, so the cleanup cannot
		// fail with "directory not empty".
	)
	allocCtx, allocCancel := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		// Killing is faster than a graceful close and loses nothing a test needs.
		cancel()
		allocCancel()
	})

	// The first Do starts the browser and binds its life to ctx, so the start
	// cannot have a context with a deadline: a timer cancels it instead.
	watchdog := time.AfterFunc(startTimeout, cancel)
	err := chromedp.Do(ctx)
	watchdog.Stop()
	if err != nil {
		t.Fatalf("starting %s: %v\n%s", path, err, output.String())
	}
	return &Browser{ctx: ctx}
}

// findChromium returns the browser's path, or "" and why none is usable.
func findChromium() (path, why string) {
	if os.Getenv(EnvBrowser) == "off" {
		return "", EnvBrowser + "=off"
	}
	if p := os.Getenv(EnvChromium); p != "" {
		// An explicit choice is not second-guessed with another browser.
		if path, err := exec.LookPath(p); err == nil {
			return path, ""
		}
		return "", fmt.Sprintf("%s=%s is not an executable", EnvChromium, p)
	}
	for _, c := range candidates {
		if path, err := exec.LookPath(c); err == nil {
			return path, ""
		}
	}
	return "", "no Chromium found (apt-get install chromium, or set " + EnvChromium + ")"
}

// TabOption configures a tab opened by Browser.Tab.
type TabOption func(*tabConfig)

type tabConfig struct {
	noJS          bool
	width, height int64
}

// tabKey marks a tab's context with its configuration, for the helpers that
// must know it (Axe in a NoJS tab).
type tabKey struct{}

func tabOf(ctx context.Context) tabConfig {
	c, _ := ctx.Value(tabKey{}).(tabConfig)
	return c
}

// NoJS disables JavaScript in the tab, as a citizen's browser may: egov's pages
// must work without it. The helpers of this package still work in such a tab,
// because the DevTools protocol evaluates its own scripts regardless.
func NoJS() TabOption { return func(c *tabConfig) { c.noJS = true } }

// Viewport sets the tab's viewport in CSS pixels, for example 375×812 for a
// phone; the default is 1280×800.
func Viewport(width, height int) TabOption {
	return func(c *tabConfig) { c.width, c.height = int64(width), int64(height) }
}

// Tab opens a new tab for t and closes it in t's cleanup. Each tab has its own
// browser context (like a private window), so cookies and storage are not shared
// between tabs and parallel tests cannot see each other's sessions. The returned
// context is for one goroutine: do not share a tab between parallel tests.
func (b *Browser) Tab(t testing.TB, opts ...TabOption) context.Context {
	t.Helper()
	cfg := tabConfig{width: 1280, height: 800}
	for _, o := range opts {
		o(&cfg)
	}
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)

	var steps []chromedp.Action[chromedp.Void]
	if cfg.noJS {
		steps = append(steps, setScriptsDisabled(true))
	}
	// Set explicitly: a new window's viewport is not --window-size (it came
	// out 1280×657 here), and screenshots should not depend on that.
	steps = append(steps, chromedp.EmulateViewport(cfg.width, cfg.height))
	// As in New, the first Do attaches the tab for the life of ctx, so it is
	// bounded by a timer and not by a deadline.
	watchdog := time.AfterFunc(startTimeout, cancel)
	err := chromedp.Do(ctx, steps...)
	watchdog.Stop()
	if err != nil {
		t.Fatalf("opening a tab: %v", err)
	}
	return context.WithValue(ctx, tabKey{}, cfg)
}

// withTimeout bounds one helper call; an earlier deadline of ctx still wins.
func withTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, actionTimeout)
}

// lockedBuffer collects Chromium's output, written from chromedp's goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return strings.TrimSpace(b.buf.String())
}
