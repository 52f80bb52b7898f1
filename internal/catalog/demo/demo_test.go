package demo_test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

	"egov/internal/catalog"
	"egov/internal/catalog/demo"
)

func load(t *testing.T) ([]catalog.Workflow, []catalog.Procedure) {
	t.Helper()
	ws, ps, err := demo.Load()
	if err != nil {
		t.Fatal(err)
	}
	return ws, ps
}

func TestWorkflowsValid(t *testing.T) {
	t.Parallel()
	ws, _ := load(t)
	if len(ws) < 3 {
		t.Fatalf("want at least 3 workflows, got %d", len(ws))
	}
	keys := map[string]bool{}
	branched := 0
	for _, w := range ws {
		if err := w.Validate(); err != nil {
			t.Errorf("workflow %s: %v", w.Key, err)
		}
		if keys[w.Key] {
			t.Errorf("workflow %s appears twice", w.Key)
		}
		keys[w.Key] = true
		for _, s := range w.Steps {
			if len(s.Branches) > 0 {
				branched++
				break
			}
		}
	}
	if branched == 0 {
		t.Error("no workflow has an inter-agency (branched) step")
	}
}

func TestProceduresValid(t *testing.T) {
	t.Parallel()
	ws, ps := load(t)
	if len(ps) < 30 {
		t.Fatalf("want at least 30 procedures, got %d", len(ps))
	}
	wf := map[string]bool{}
	for _, w := range ws {
		wf[w.Key] = true
	}
	codes := map[string]bool{}
	levels := map[catalog.Level]int{}
	for _, p := range ps {
		if err := p.Validate(); err != nil {
			t.Errorf("procedure %s: %v", p.Code, err)
		}
		if codes[p.Code] {
			t.Errorf("procedure code %s appears twice", p.Code)
		}
		codes[p.Code] = true
		if !wf[p.Workflow] {
			t.Errorf("procedure %s: workflow %q does not exist", p.Code, p.Workflow)
		}
		if p.Form != "" {
			t.Errorf("procedure %s: forms are added later, want no form key", p.Code)
		}
		if len(p.Documents) == 0 {
			t.Errorf("procedure %s lists no documents", p.Code)
		}
		levels[p.Level]++
	}
	if levels[catalog.LevelCommune] == 0 || levels[catalog.LevelProvince] == 0 {
		t.Errorf("want both commune and province procedures, got %v", levels)
	}
}

// debris is what the national portal's crawl leaves in its text: empty-cell
// markers, table headers, cells run together and currency spelled as the
// portal prints it.
var debris = []struct {
	re   *regexp.Regexp
	what string
}{
	{regexp.MustCompile(`(?i)không có thông tin`), "empty-cell marker"},
	{regexp.MustCompile(`Tên giấy tờ|Mẫu đơn, tờ khai|tờ khaiSố lượng|Hình thức nộp|Thời gianPhí|Mô tả|Tên văn bản pháp lý|Mã văn bản`), "table header"},
	{regexp.MustCompile(`(?i)việt nam đồng|VNĐ|\d,\d{3}\b`), "currency as the portal prints it (write đồng, with dots)"},
	{regexp.MustCompile(`\d(?i:bản chính|bản sao)`), "count run into a document name"},
	{regexp.MustCompile(`(?i:bản chính|bản sao)\d`), "count run into a document name"},
	{regexp.MustCompile(`\p{Ll}\p{Lu}`), "words run together"},
	{regexp.MustCompile(`[a-zà-ỹđ]\d+\s*bản|Mẫu số \d+\s*bản`), "count run into a word"},
	{regexp.MustCompile(`\.(doc|docx|pdf)\b`), "crawled file name"},
	{regexp.MustCompile(`  |\t|\x{00a0}|^\s|\s$`), "stray white space"},
	{regexp.MustCompile(`\(\(|\)\)`), "doubled parentheses"},
}

// runTogetherOK are words where a lowercase letter before a capital is right.
var runTogetherOK = []string{"VNeID"}

func textProblems(s string) []string {
	var out []string
	if !norm.NFC.IsNormalString(s) {
		out = append(out, "not NFC")
	}
	checked := s
	for _, ok := range runTogetherOK {
		checked = strings.ReplaceAll(checked, ok, "X")
	}
	for _, d := range debris {
		if m := d.re.FindString(checked); m != "" {
			out = append(out, fmt.Sprintf("%s (%q)", d.what, m))
		}
	}
	return out
}

func TestTextChecker(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{
		"Không có thông tin", "Bản chính:1Bản sao", "10,000 Việt Nam Đồng", "100 VNĐ",
		"Hình thức nộpThời gianPhí, lệ phíMô tả", "theo Mẫu số 181 bản chính", "1.MuCT01banhnhkmtheoThngts53.doc",
		"hai  khoảng trắng", norm.NFD.String("Đăng ký khai sinh"),
	} {
		if len(textProblems(bad)) == 0 {
			t.Errorf("the checker misses %q", bad)
		}
	}
	for _, good := range []string{"Giấy khai sinh (Thông tư 04/2024/TT-BTP)", "2.000 đồng/trang; tối đa 200.000 đồng/bản.", "Ứng dụng VNeID", "Mẫu CT01", "Luật 60/2014/QH13"} {
		if p := textProblems(good); len(p) > 0 {
			t.Errorf("the checker refuses %q: %v", good, p)
		}
	}
}

// walk calls f with every string in a decoded JSON value and its path.
func walk(path string, v any, f func(path, s string)) {
	switch x := v.(type) {
	case string:
		f(path, x)
	case []any:
		for i, e := range x {
			walk(fmt.Sprintf("%s[%d]", path, i), e, f)
		}
	case map[string]any:
		for k, e := range x {
			walk(path+"."+k, e, f)
		}
	}
}

func TestNoCrawlDebris(t *testing.T) {
	t.Parallel()
	wj, pj := demo.Raw()
	for name, raw := range map[string][]byte{"workflows.json": wj, "procedures.json": pj} {
		var v any
		if err := json.Unmarshal(raw, &v); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		walk(name, v, func(path, s string) {
			if strings.Contains(path, "source_url") {
				return
			}
			// Flags quote the portal's debris on purpose, to say what was fixed.
			if strings.Contains(path, ".flags[") {
				if !norm.NFC.IsNormalString(s) {
					t.Errorf("%s: not NFC", path)
				}
				return
			}
			for _, p := range textProblems(s) {
				t.Errorf("%s: %s in %q", path, p, s)
			}
		})
	}
}
