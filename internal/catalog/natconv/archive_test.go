package natconv

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

const archiveName = "national-procedures-2026.tar.gz"

// sharedArchive opens the national crawl, or skips the test.
func sharedArchive(tb testing.TB) []Raw {
	tb.Helper()
	dir := os.Getenv("EGOV_SHARED_DATA")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "..", "shared", "data")
	}
	f, err := os.Open(filepath.Join(dir, archiveName))
	if err != nil {
		tb.Skipf("no %s in %s (set EGOV_SHARED_DATA): %v", archiveName, dir, err)
	}
	defer f.Close()
	raws, err := loadArchive(f)
	if err != nil {
		tb.Fatal(err)
	}
	return raws
}

var (
	archiveOnce sync.Once
	archiveRaws []Raw
	archiveErr  error
)

func loadArchive(f *os.File) ([]Raw, error) {
	archiveOnce.Do(func() { archiveRaws, archiveErr = ReadArchive(f) })
	return archiveRaws, archiveErr
}

// What the converter achieves on the 2026 crawl, minus a margin: 62% of
// procedures validate with advisory flags at most, 85% validate.
const (
	minCleanShare = 0.58
	minValidShare = 0.80
)

func TestWholeArchive(t *testing.T) {
	raws := sharedArchive(t)
	if len(raws) != 2642 {
		t.Errorf("read %d procedures, want 2642", len(raws))
	}
	procs, rep := ConvertAll(raws)
	if len(procs) != len(raws) {
		t.Fatalf("converted %d of %d", len(procs), len(raws))
	}
	if len(rep.Duplicates) > 0 {
		t.Errorf("duplicate codes: %v", rep.Duplicates)
	}
	codes := map[string]bool{}
	for _, p := range procs {
		if codes[p.Code] {
			t.Errorf("code %s twice", p.Code)
		}
		codes[p.Code] = true
		if _, err := json.Marshal(p); err != nil {
			t.Errorf("%s: %v", p.Code, err)
		}
		// Every procedure validates unless a flag says why not.
		if err := p.ValidatePublished(); err != nil && len(problemFlags(p.Flags)) == 0 {
			t.Errorf("%s: invalid without a flag: %v", p.Code, validationFields(err))
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "total %d, valid %d, clean %d, invalid %d\n", rep.Total, rep.Valid, rep.Clean, rep.Invalid)
	for _, a := range ParseAreas {
		fmt.Fprintf(&b, "parsed %-10s %5d  %.1f%%\n", a, rep.Parsed[a], 100*float64(rep.Parsed[a])/float64(rep.Total))
	}
	for _, fc := range rep.TopFlags(40) {
		fmt.Fprintf(&b, "%5d  %s\n", fc.Count, fc.Flag)
	}
	for k, v := range rep.Problems {
		fmt.Fprintf(&b, "invalid field %s: %d\n", k, v)
	}
	t.Log("\n" + b.String())
	if share := float64(rep.Clean) / float64(rep.Total); share < minCleanShare {
		t.Errorf("clean share %.3f, want at least %.2f", share, minCleanShare)
	}
	if share := float64(rep.Valid) / float64(rep.Total); share < minValidShare {
		t.Errorf("valid share %.3f, want at least %.2f", share, minValidShare)
	}
}

func BenchmarkConvertAll(b *testing.B) {
	raws := sharedArchive(b)
	b.ReportAllocs()
	for b.Loop() {
		ConvertAll(raws)
	}
}
