package app_test

import (
	"regexp"
	"strings"
	"testing"
)

func TestBenchGenerateCLI(t *testing.T) {
	t.Parallel()
	env := map[string]string{"EGOV_DATA_DIR": t.TempDir(), "EGOV_DEMO_PASSWORD": demoPassword, "EGOV_SQLITE_SYNC": "NORMAL"}

	t.Run("Usage", func(t *testing.T) {
		for _, args := range [][]string{{"bench"}, {"bench", "generate"}, {"bench", "generate", "--dossiers", "0"}, {"bench", "frob"}} {
			if code, _, errs := runCLI(t, env, "", args...); code != 2 || !strings.Contains(errs, "usage: egov bench generate") {
				t.Errorf("%v: %d %q", args, code, errs)
			}
		}
	})
	// On a fresh data dir it creates the demo province first, then adds
	// the dossiers with a progress line; a second run adds more.
	t.Run("SeedsThenAppends", func(t *testing.T) {
		code, out, errs := runCLI(t, env, "", "bench", "generate", "--dossiers", "400", "--batch", "150", "--citizens", "50", "--seed", "7")
		if code != 0 || !strings.Contains(out, "motcua.xa") || !strings.Contains(out, "400 dossiers in") {
			t.Fatalf("%d %q %q", code, out, errs)
		}
		if !regexp.MustCompile(`400/400 dossiers  100\.0%  \d+/s  ETA 0s`).MatchString(errs) {
			t.Errorf("progress: %q", errs)
		}
		code, out, errs = runCLI(t, env, "", "bench", "generate", "--dossiers", "100", "--citizens", "50")
		if code != 0 || strings.Contains(out, "motcua.xa") || !strings.Contains(out, "100 dossiers in") || !strings.Contains(out, "(0 new)") {
			t.Fatalf("%d %q %q", code, out, errs)
		}
	})
}
