package browsertest

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// PageWeight is what one page load cost on the network.
type PageWeight struct {
	URL string
	// Total is the sum of the resources' Bytes.
	Total int64
	// Resources are the document and every subresource, largest first.
	Resources []Resource
}

// Resource is one request of a page load.
type Resource struct {
	URL  string
	Type string // Document, Stylesheet, Image, Script, Font, ...
	// Bytes received for the request, headers included, as Chromium's network
	// stack counted them (Network.loadingFinished encodedDataLength); a redirect
	// is a resource of its own.
	Bytes int64
	// Failed holds the network error of a request that did not finish.
	Failed string
}

// String lists the resources, for a test failure that says what to trim.
func (w PageWeight) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d bytes in %d requests", w.URL, w.Total, len(w.Resources))
	for _, r := range w.Resources {
		fmt.Fprintf(&b, "\n  %8d  %-10s %s", r.Bytes, r.Type, r.URL)
		if r.Failed != "" {
			fmt.Fprintf(&b, " (failed: %s)", r.Failed)
		}
	}
	return b.String()
}

// quietPeriod is how long no request may be pending after the load event before
// Weight trusts that the page is done: the network events of the last
// subresources can arrive just after the load event, and a script may fetch more.
const quietPeriod = 100 * time.Millisecond

// Weight loads url in the tab with the HTTP cache disabled, as a first visit,
// and returns the bytes transferred for the document and every subresource,
// /favicon.ico included. Images that the browser defers (loading="lazy" below
// the fold) are not counted, nor is traffic of cross-site iframes, which
// Chromium runs in a process of their own.
func Weight(ctx context.Context, url string) (PageWeight, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()

	var (
		mu       sync.Mutex
		byID     = map[network.RequestID]*Resource{}
		all      []*Resource
		pending  = map[network.RequestID]bool{}
		lastSeen time.Time
	)
	lctx, stop := context.WithCancel(ctx)
	defer stop()
	// Listen, not Events: the handler sees the events of all three kinds in the
	// order Chromium sent them, so a request cannot finish before it started.
	err := chromedp.Listen(lctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch ev := ev.(type) {
		case *network.EventRequestWillBeSent:
			if prev := byID[ev.RequestID]; prev != nil && ev.RedirectResponse != nil {
				// The same request id continues after a redirect: the
				// redirect response's bytes belong to the earlier URL.
				prev.Bytes = int64(ev.RedirectResponse.EncodedDataLength)
			}
			r := &Resource{URL: ev.Request.URL, Type: string(ev.Type)}
			byID[ev.RequestID] = r
			all = append(all, r)
			pending[ev.RequestID] = true
		case *network.EventLoadingFinished:
			if r := byID[ev.RequestID]; r != nil {
				r.Bytes = int64(ev.EncodedDataLength)
			}
			delete(pending, ev.RequestID)
		case *network.EventLoadingFailed:
			if r := byID[ev.RequestID]; r != nil {
				r.Failed = ev.ErrorText
			}
			delete(pending, ev.RequestID)
		default:
			return
		}
		lastSeen = time.Now()
	})
	if err != nil {
		return PageWeight{}, fmt.Errorf("weighing %s: %w", url, err)
	}

	if err := chromedp.Do(ctx,
		call(network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: true}),
		chromedp.Navigate(url),
	); err != nil {
		return PageWeight{}, fmt.Errorf("weighing %s: %w", url, err)
	}
	defer func() {
		// Later navigations in the tab use the cache again; if this fails
		// they are only slower, so the error is not worth a failure.
		rctx, cancel := withTimeout(context.WithoutCancel(ctx))
		defer cancel()
		_ = chromedp.Do(rctx, call(network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: false}))
	}()

	for {
		mu.Lock()
		done := len(pending) == 0 && time.Since(lastSeen) >= quietPeriod
		mu.Unlock()
		if done {
			break
		}
		select {
		case <-ctx.Done():
			return PageWeight{}, fmt.Errorf("weighing %s: requests still pending: %w", url, ctx.Err())
		case <-time.After(10 * time.Millisecond):
		}
	}
	stop()

	mu.Lock()
	defer mu.Unlock()
	w := PageWeight{URL: url}
	for _, r := range all {
		w.Total += r.Bytes
		w.Resources = append(w.Resources, *r)
	}
	slices.SortStableFunc(w.Resources, func(a, b Resource) int { return cmp.Compare(b.Bytes, a.Bytes) })
	return w, nil
}
