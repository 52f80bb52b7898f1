package app_test

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"egov/internal/app"
	"egov/internal/attach"
)

// TestMain lets a test re-run this binary as the egov command itself
// (EGOV_CHILD=1), to test it as a real process: signals, kill -9.
func TestMain(m *testing.M) {
	if os.Getenv("EGOV_CHILD") == "1" {
		os.Exit(app.Main(context.Background(), strings.Fields(os.Getenv("EGOV_CHILD_ARGS")), os.Getenv, os.Stdin, os.Stdout, os.Stderr))
	}
	// The servers of the tests share one compiled PDF renderer across
	// runs (compiling it takes 3 s, 30 s under the race detector), named
	// after the wazero of go.mod since a test binary has no version.
	if mod, err := os.ReadFile("../../go.mod"); err == nil {
		if v := regexp.MustCompile(`github\.com/tetratelabs/wazero (v\S+)`).FindSubmatch(mod); v != nil {
			attach.SetPreviewCacheDir(filepath.Join(os.TempDir(), "egov-test-pdfium-"+string(v[1])))
		}
	}
	os.Exit(m.Run())
}
