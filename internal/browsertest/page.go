package browsertest

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// Navigate loads url in the tab, waits for the load event and returns the
// HTTP status of the document (0 for a URL without one, such as about:blank).
func Navigate(ctx context.Context, url string) (int, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(url))
	if err != nil {
		return 0, fmt.Errorf("navigating to %s: %w", url, err)
	}
	return status(resp), nil
}

// fillJS sets form fields by CSS selector as a user would leave them: text in
// inputs, textareas and selects, checked state for checkboxes and radios ("" and
// "false" uncheck). It fires input and change events for pages that listen, and
// returns the selectors that matched nothing.
const fillJS = `(fields) => {
	const missing = [];
	for (const [sel, v] of Object.entries(fields)) {
		const el = document.querySelector(sel);
		if (!el) { missing.push(sel); continue; }
		if (el.type === 'checkbox' || el.type === 'radio') {
			el.checked = v !== '' && v !== 'false';
		} else {
			el.value = v;
		}
		el.dispatchEvent(new Event('input', {bubbles: true}));
		el.dispatchEvent(new Event('change', {bubbles: true}));
	}
	return missing;
}`

// Fill sets the form fields named by CSS selectors (selector → value). It fails,
// without waiting, when a selector matches nothing. File inputs need
// chromedp.SetUploadFiles.
func Fill(ctx context.Context, fields map[string]string) error {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	arg, err := json.Marshal(fields)
	if err != nil {
		return fmt.Errorf("encoding form fields: %w", err)
	}
	missing, err := chromedp.Run(ctx, chromedp.Evaluate[[]string]("("+fillJS+")("+string(arg)+")"))
	if err != nil {
		return fmt.Errorf("filling the form: %w", err)
	}
	if len(missing) > 0 {
		return fmt.Errorf("filling the form: no element matches %s", strings.Join(missing, ", "))
	}
	return nil
}

// Submit clicks the element matched by the CSS selector (a submit button, a link)
// with a real mouse click, which works without JavaScript, waits for the page it
// leads to and returns that page's HTTP status. A click that does not navigate
// fails after the helper timeout.
func Submit(ctx context.Context, selector string) (int, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(selector)))
	if err != nil {
		return 0, fmt.Errorf("submitting with %s: %w", selector, err)
	}
	return status(resp), nil
}

// Text returns the rendered text (innerText) of the first element matched by the
// CSS selector, waiting for it to appear.
func Text(ctx context.Context, selector string) (string, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(selector)))
	if err != nil {
		return "", fmt.Errorf("reading the text of %s: %w", selector, err)
	}
	return s, nil
}

// URL returns the URL of the page in the tab, after any redirects.
func URL(ctx context.Context) (string, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	// The navigation history answers without running a script in the page.
	h, err := chromedp.Run(ctx, chromedp.NavigationEntries())
	if err != nil {
		return "", fmt.Errorf("reading the URL: %w", err)
	}
	if h.CurrentIndex < 0 || int(h.CurrentIndex) >= len(h.Entries) {
		return "", fmt.Errorf("reading the URL: no current history entry")
	}
	return h.Entries[h.CurrentIndex].URL, nil
}

// Cookies returns the cookies the browser would send to the current page,
// HttpOnly ones included.
func Cookies(ctx context.Context) ([]*http.Cookie, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	res, err := chromedp.Call(ctx, network.GetCookies, network.GetCookiesParams{})
	if err != nil {
		return nil, fmt.Errorf("reading cookies: %w", err)
	}
	cookies := make([]*http.Cookie, 0, len(res.Cookies))
	for _, c := range res.Cookies {
		hc := &http.Cookie{
			Name:     c.Name,
			Value:    c.Value,
			Domain:   c.Domain,
			Path:     c.Path,
			HttpOnly: c.HTTPOnly,
			Secure:   c.Secure,
		}
		if !c.Session && c.Expires > 0 {
			sec, frac := math.Modf(c.Expires)
			hc.Expires = time.Unix(int64(sec), int64(frac*1e9))
		}
		switch c.SameSite {
		case network.CookieSameSiteStrict:
			hc.SameSite = http.SameSiteStrictMode
		case network.CookieSameSiteLax:
			hc.SameSite = http.SameSiteLaxMode
		case network.CookieSameSiteNone:
			hc.SameSite = http.SameSiteNoneMode
		}
		cookies = append(cookies, hc)
	}
	return cookies, nil
}

// Screenshot writes a PNG of the tab to path, creating its directory. With
// fullPage it captures the whole scrollable page, otherwise the viewport.
func Screenshot(ctx context.Context, path string, fullPage bool) error {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	png, err := chromedp.Run(ctx, func(ctx context.Context, t *chromedp.Target) ([]byte, error) {
		params := page.CaptureScreenshotParams{Format: page.CaptureScreenshotFormatPng}
		if fullPage {
			m, err := cdp.Call(ctx, t, page.GetLayoutMetrics, cdp.Empty{})
			if err != nil {
				return nil, err
			}
			if m.CSSContentSize == nil {
				return nil, fmt.Errorf("no content size in the layout metrics")
			}
			params.CaptureBeyondViewport = new(true)
			params.Clip = &page.Viewport{
				Width:  math.Ceil(m.CSSContentSize.Width),
				Height: math.Ceil(m.CSSContentSize.Height),
				Scale:  1,
			}
		}
		res, err := cdp.Call(ctx, t, page.CaptureScreenshot, params)
		return res.Data, err
	})
	if err != nil {
		return fmt.Errorf("taking a screenshot: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("writing the screenshot: %w", err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		return fmt.Errorf("writing the screenshot: %w", err)
	}
	return nil
}

func setScriptsDisabled(disabled bool) chromedp.Action[chromedp.Void] {
	return call(emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: disabled})
}

// call makes an action that sends one protocol command and ignores its result.
func call[P, R any](cmd cdp.Command[P, R], params P) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, cmd, params)
		return err
	})
}

func status(resp *network.Response) int {
	if resp == nil {
		return 0
	}
	return int(resp.Status)
}
