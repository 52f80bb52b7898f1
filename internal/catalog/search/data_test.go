package search

import (
	"archive/tar"
	"compress/gzip"
	"encoding/json"
	"flag"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

// The tests run on testdata/procedures.json, 200 real procedures taken
// from the national portal crawl; the benchmarks and the full-catalogue
// tests read the 2,642 procedures of that crawl from the shared data
// folder when it is there. Regenerate the fixture with
//
//	go test -run TestWriteFixture -update-fixture ./internal/catalog/search/
var updateFixture = flag.Bool("update-fixture", false, "rewrite testdata/procedures.json from the shared data tarball")

const fixturePath = "testdata/procedures.json"

// proc is the part of a crawled procedure that search uses.
type proc struct {
	Code     string   `json:"code"`
	Name     string   `json:"name"`
	Field    string   `json:"field"`
	Levels   []string `json:"levels"`           // ministry, province, commune, other
	Ministry string   `json:"ministry"`         // crawl folder, e.g. bo-tu-phap
	Agency   string   `json:"agency,omitempty"` // implementing agency as published
	Online   string   `json:"online"`           // full, partial, none (rough: see crawl)
}

func (p proc) doc() Doc {
	d := Doc{
		ID:    p.Code,
		Name:  p.Name,
		Field: p.Field,
		Facets: map[string][]string{
			FacetField:  {p.Field},
			FacetLevel:  p.Levels,
			FacetAgency: {p.Ministry},
			FacetOnline: {p.Online},
		},
	}
	if p.Agency != "" {
		d.Keywords = []string{p.Agency}
	}
	return d
}

func docsOf(ps []proc) []Doc {
	docs := make([]Doc, len(ps))
	for i, p := range ps {
		docs[i] = p.doc()
	}
	return docs
}

func loadFixture(t testing.TB) []proc {
	t.Helper()
	b, err := os.ReadFile(fixturePath)
	if err != nil {
		t.Fatal(err)
	}
	var ps []proc
	if err := json.Unmarshal(b, &ps); err != nil {
		t.Fatal(err)
	}
	return ps
}

var fixtureIndex = sync.OnceValues(func() (*Index, error) {
	b, err := os.ReadFile(fixturePath)
	if err != nil {
		return nil, err
	}
	var ps []proc
	if err := json.Unmarshal(b, &ps); err != nil {
		return nil, err
	}
	return Build(docsOf(ps))
})

func setup(t testing.TB) *Index {
	t.Helper()
	ix, err := fixtureIndex()
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

func sharedDataDir() string {
	if d := os.Getenv("EGOV_SHARED_DATA"); d != "" {
		return d
	}
	return filepath.Join("..", "..", "..", "..", "shared", "data")
}

var national = sync.OnceValues(func() ([]proc, error) {
	f, err := os.Open(filepath.Join(sharedDataDir(), "national-procedures-2026.tar.gz"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readCrawl(f)
})

// nationalProcs returns the 2,642 national procedures, or skips.
func nationalProcs(t testing.TB) []proc {
	t.Helper()
	ps, err := national()
	if os.IsNotExist(err) {
		t.Skip("national-procedures-2026.tar.gz not found (set EGOV_SHARED_DATA)")
	}
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

func readCrawl(r io.Reader) ([]proc, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, err
	}
	tr := tar.NewReader(zr)
	var ps []proc
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if h.Typeflag != tar.TypeReg || !strings.HasSuffix(h.Name, ".json") {
			continue
		}
		var raw struct {
			Code     string `json:"ma_thu_tuc"`
			Name     string `json:"ten_thu_tuc"`
			Field    string `json:"linh_vuc"`
			Level    string `json:"cap_thuc_hien"`
			Agency   string `json:"co_quan_thuc_hien"`
			Channels string `json:"cach_thuc_thuc_hien"`
			Raw      string `json:"raw_text"`
		}
		if err := json.NewDecoder(tr).Decode(&raw); err != nil {
			return nil, err
		}
		p := proc{
			Code:     raw.Code,
			Name:     raw.Name,
			Field:    raw.Field,
			Ministry: filepath.Base(filepath.Dir(h.Name)),
			Online:   "none",
		}
		for _, l := range strings.Split(raw.Level, ",") {
			switch strings.TrimSpace(l) {
			case "Cấp bộ":
				p.Levels = append(p.Levels, "ministry")
			case "Cấp tỉnh":
				p.Levels = append(p.Levels, "province")
			case "Cấp xã":
				p.Levels = append(p.Levels, "commune")
			case "Cơ quan khác":
				p.Levels = append(p.Levels, "other")
			}
		}
		if a := strings.Join(strings.Fields(raw.Agency), " "); a != "Không có thông tin" {
			p.Agency = truncate(a, 200)
		}
		switch {
		case strings.Contains(raw.Raw, "toàn trình"):
			p.Online = "full"
		case strings.Contains(raw.Channels, "Trực tuyến"):
			p.Online = "partial"
		}
		ps = append(ps, p)
	}
	slices.SortFunc(ps, func(a, b proc) int { return strings.Compare(a.Code, b.Code) })
	return ps, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// TestWriteFixture picks 200 procedures: every one about birth, marriage
// and death registration and certification (the tests' subjects), the
// names that repeat under several codes, the names stored decomposed, and
// an even spread of the rest.
func TestWriteFixture(t *testing.T) {
	if !*updateFixture {
		t.Skip("run with -update-fixture to rewrite " + fixturePath)
	}
	ps := nationalProcs(t)
	const size = 200
	picked := map[string]bool{}
	var out []proc
	add := func(p proc) {
		if !picked[p.Code] && len(out) < size {
			picked[p.Code] = true
			out = append(out, p)
		}
	}
	names := map[string]int{}
	for _, p := range ps {
		names[p.Name]++
	}
	for _, p := range ps {
		f := Fold(p.Name)
		if strings.Contains(f, "khai sinh") || strings.Contains(f, "ket hon") || strings.Contains(f, "khai tu") || strings.Contains(f, "chung thuc") {
			add(p)
		}
	}
	for _, p := range ps {
		if names[p.Name] > 1 && len(out) < 100 {
			add(p)
		}
	}
	for _, p := range ps {
		if strings.ContainsRune(p.Name, '\u0301') || strings.ContainsRune(p.Name, '\u0323') {
			add(p)
			if len(out) >= 110 {
				break
			}
		}
	}
	for k := 0; len(out) < size && k < len(ps); k++ {
		add(ps[k*97%len(ps)]) // 97 is prime to 2,642: a spread over ministries
	}
	slices.SortFunc(out, func(a, b proc) int { return strings.Compare(a.Code, b.Code) })
	b, err := json.MarshalIndent(out, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(fixturePath, append(b, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %d procedures", len(out))
}
