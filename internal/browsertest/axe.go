package browsertest

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/chromedp/chromedp"
)

// axeSource is axe-core, vendored in axe/ (see axe/README.md for its version).
//
//go:embed axe/axe.min.js
var axeSource string

// wcagTags are the rule sets egov promises: WCAG 2.0, 2.1 and 2.2, levels A and AA.
var wcagTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"}

// axeRunJS runs axe on the whole document and returns only what Report needs,
// so the protocol does not carry axe's full result (passes and all).
var axeRunJS = `axe.run(document, {
	runOnly: {type: 'tag', values: ` + jsonString(slices.Concat(wcagTags, []string{"best-practice"})) + `},
	resultTypes: ['violations'],
}).then(r => ({
	url: r.url,
	version: r.testEngine.version,
	violations: r.violations.map(v => ({
		id: v.id, impact: v.impact || '', help: v.help, helpUrl: v.helpUrl, tags: v.tags,
		nodes: v.nodes.map(n => ({target: n.target.map(String), html: n.html, summary: n.failureSummary || ''})),
	})),
}))`

// Report is the result of one axe-core run on a page.
type Report struct {
	URL        string `json:"url"`
	AxeVersion string `json:"version"`
	// Violations break a WCAG 2.x A or AA success criterion.
	Violations []Violation `json:"violations"`
	// BestPractice are axe's best-practice findings that no WCAG criterion
	// requires (landmarks, a single h1, ...), kept apart so a suite can choose
	// whether to enforce them.
	BestPractice []Violation `json:"-"`
}

// Violation is one failed axe rule and the elements that fail it.
type Violation struct {
	ID      string   `json:"id"`     // axe rule id, such as "image-alt"
	Impact  string   `json:"impact"` // minor, moderate, serious or critical
	Help    string   `json:"help"`
	HelpURL string   `json:"helpUrl"`
	Tags    []string `json:"tags"`
	Nodes   []Node   `json:"nodes"`
}

// Node is one element that fails a rule.
type Node struct {
	Target  []string `json:"target"` // CSS selectors, one per frame level
	HTML    string   `json:"html"`   // the element's opening markup
	Summary string   `json:"summary"`
}

// Axe runs axe-core on the page in the tab against WCAG 2.0, 2.1 and 2.2 A and
// AA. The script is sent through the DevTools protocol, which the page's
// Content-Security-Policy does not govern, so pages keep their strict CSP and
// the check also works in a NoJS tab. Axe is injected into the top document
// only: the content of iframes is not checked (and a page with iframes takes
// half a second longer while axe waits for them to answer).
func Axe(ctx context.Context) (_ Report, err error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	if tabOf(ctx).noJS {
		// With scripts disabled the page runs no timers or promise jobs, so
		// axe.run would never settle. Allow scripts for the check only: the
		// page's own scripts were skipped when the page loaded and do not run
		// now; only axe does.
		if err := chromedp.Do(ctx, setScriptsDisabled(false)); err != nil {
			return Report{}, fmt.Errorf("checking accessibility: %w", err)
		}
		defer func() {
			// Restore even when the check failed or timed out, or later
			// navigations in the tab would run scripts.
			rctx, cancel := withTimeout(context.WithoutCancel(ctx))
			defer cancel()
			if rerr := chromedp.Do(rctx, setScriptsDisabled(true)); rerr != nil && err == nil {
				err = fmt.Errorf("disabling scripts again after the accessibility check: %w", rerr)
			}
		}()
	}
	loaded, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`typeof window.axe === 'object'`))
	if err != nil {
		return Report{}, fmt.Errorf("checking accessibility: %w", err)
	}
	if !loaded {
		if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](axeSource)); err != nil {
			return Report{}, fmt.Errorf("injecting axe-core: %w", err)
		}
	}
	r, err := chromedp.Run(ctx, chromedp.Evaluate[Report](axeRunJS, chromedp.EvalAwaitPromise))
	if err != nil {
		return Report{}, fmt.Errorf("running axe-core: %w", err)
	}
	all := r.Violations
	r.Violations = nil
	for _, v := range all {
		if slices.ContainsFunc(v.Tags, func(tag string) bool { return slices.Contains(wcagTags, tag) }) {
			r.Violations = append(r.Violations, v)
		} else {
			r.BestPractice = append(r.BestPractice, v)
		}
	}
	return r, nil
}

// Serious returns the report with only the serious and critical WCAG
// violations: the ones egov's pages must never have.
func (r Report) Serious() Report {
	s := r
	s.Violations = nil
	s.BestPractice = nil
	for _, v := range r.Violations {
		if v.Impact == "serious" || v.Impact == "critical" {
			s.Violations = append(s.Violations, v)
		}
	}
	return s
}

// Has reports whether the rule with the axe id is among the violations.
func (r Report) Has(id string) bool {
	return slices.ContainsFunc(r.Violations, func(v Violation) bool { return v.ID == id })
}

// String renders the violations for a test failure: rule, impact, what to do,
// where to read more, and each failing element.
func (r Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "axe-core %s: %d WCAG violation(s) on %s", r.AxeVersion, len(r.Violations), r.URL)
	write := func(vs []Violation) {
		for _, v := range vs {
			fmt.Fprintf(&b, "\n- %s (%s): %s\n  %s", v.ID, v.Impact, v.Help, v.HelpURL)
			for _, n := range v.Nodes {
				fmt.Fprintf(&b, "\n    %s  %s", strings.Join(n.Target, " >>> "), shorten(n.HTML, 160))
			}
		}
	}
	write(r.Violations)
	if len(r.BestPractice) > 0 {
		fmt.Fprintf(&b, "\nbest practice (%d):", len(r.BestPractice))
		write(r.BestPractice)
	}
	return b.String()
}

func jsonString(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func shorten(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
