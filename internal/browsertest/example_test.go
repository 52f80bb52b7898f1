package browsertest_test

import (
	"fmt"

	"egov/internal/browsertest"
)

// A report as Axe returns it; Serious keeps what a public page must never have,
// and String is what a failing test prints.
func ExampleReport_Serious() {
	rep := browsertest.Report{
		URL:        "http://127.0.0.1:8080/ho-so",
		AxeVersion: "4.14.1",
		Violations: []browsertest.Violation{{
			ID:      "image-alt",
			Impact:  "critical",
			Help:    "Images must have alternative text",
			HelpURL: "https://dequeuniversity.com/rules/axe/4.14/image-alt",
			Nodes:   []browsertest.Node{{Target: []string{"main > img"}, HTML: `<img src="/quoc-huy.png">`}},
		}, {
			ID:      "region",
			Impact:  "moderate",
			Help:    "All page content should be contained by landmarks",
			HelpURL: "https://dequeuniversity.com/rules/axe/4.14/region",
		}},
	}
	if s := rep.Serious(); len(s.Violations) > 0 {
		fmt.Println(s) // in a test: t.Error(s)
	}
	// Output:
	// axe-core 4.14.1: 1 WCAG violation(s) on http://127.0.0.1:8080/ho-so
	// - image-alt (critical): Images must have alternative text
	//   https://dequeuniversity.com/rules/axe/4.14/image-alt
	//     main > img  <img src="/quoc-huy.png">
}
