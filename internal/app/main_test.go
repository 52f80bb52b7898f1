package app_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"egov/internal/app"
)

// TestMain lets a test re-run this binary as the egov command itself
// (EGOV_CHILD=1), to test it as a real process: signals, kill -9.
func TestMain(m *testing.M) {
	if os.Getenv("EGOV_CHILD") == "1" {
		os.Exit(app.Main(context.Background(), strings.Fields(os.Getenv("EGOV_CHILD_ARGS")), os.Getenv, os.Stdin, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}
