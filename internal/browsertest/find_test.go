package browsertest

import (
	"strings"
	"testing"
)

// TestFindChromium covers the skip decisions without needing a machine that
// lacks Chromium. It changes the environment and a package variable, so it does
// not run in parallel.
func TestFindChromium(t *testing.T) {
	saved := candidates
	t.Cleanup(func() { candidates = saved })

	t.Run("OffSkipsEvenWithABrowser", func(t *testing.T) {
		t.Setenv(EnvBrowser, "off")
		t.Setenv(EnvChromium, "sh")
		if path, why := findChromium(); path != "" || why != "EGOV_BROWSER=off" {
			t.Errorf("findChromium() = %q, %q", path, why)
		}
	})
	t.Run("ExplicitChoiceIsNotReplaced", func(t *testing.T) {
		t.Setenv(EnvBrowser, "")
		t.Setenv(EnvChromium, "/nonexistent/chromium")
		candidates = []string{"sh"} // would be found
		path, why := findChromium()
		if path != "" || !strings.Contains(why, "EGOV_CHROMIUM=/nonexistent/chromium") {
			t.Errorf("findChromium() = %q, %q", path, why)
		}
	})
	t.Run("ExplicitChoiceIsLookedUpOnPath", func(t *testing.T) {
		t.Setenv(EnvBrowser, "")
		t.Setenv(EnvChromium, "sh")
		if path, _ := findChromium(); !strings.HasSuffix(path, "/sh") {
			t.Errorf("findChromium() = %q, want the path of sh", path)
		}
	})
	t.Run("NoneFound", func(t *testing.T) {
		t.Setenv(EnvBrowser, "")
		t.Setenv(EnvChromium, "")
		candidates = []string{"/nonexistent/chromium", "egov-no-such-browser"}
		const want = "no Chromium found (apt-get install chromium, or set EGOV_CHROMIUM)"
		if path, why := findChromium(); path != "" || why != want {
			t.Errorf("findChromium() = %q, %q; want %q", path, why, want)
		}
	})
}
