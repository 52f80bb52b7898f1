package demo_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"egov/internal/apperr"
	"egov/internal/catalog"
	"egov/internal/catalog/demo"
	"egov/internal/eform"
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
		if p.Form != p.Code {
			t.Errorf("procedure %s: its form must be the one keyed by its code, got %q", p.Code, p.Form)
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

func loadForms(t *testing.T) []eform.Form {
	t.Helper()
	fs, err := demo.Forms()
	if err != nil {
		t.Fatal(err)
	}
	return fs
}

func TestFormsValid(t *testing.T) {
	t.Parallel()
	for _, f := range loadForms(t) {
		if err := f.Validate(); err != nil {
			t.Errorf("form %s: %v %+v", f.Key, err, apperr.As(err).Fields)
		}
		if n := len(f.Fields); n < 5 || n > 30 {
			t.Errorf("form %s has %d fields; keep forms between 5 and 30", f.Key, n)
		}
		for _, fd := range f.Fields {
			if fd.Type == eform.TypeFile && (len(fd.Accept) == 0 || fd.MaxSize == 0 || fd.MaxFiles == 0) {
				t.Errorf("form %s, file field %s: set accept, max_size and max_files", f.Key, fd.Name)
			}
		}
	}
}

func TestFormsMatchProcedures(t *testing.T) {
	t.Parallel()
	_, ps := load(t)
	forms := map[string]bool{}
	for _, f := range loadForms(t) {
		if forms[f.Key] {
			t.Errorf("form %s appears twice", f.Key)
		}
		forms[f.Key] = true
	}
	codes := map[string]bool{}
	for _, p := range ps {
		codes[p.Code] = true
		if !forms[p.Code] {
			t.Errorf("procedure %s has no form", p.Code)
		}
	}
	for k := range forms {
		if !codes[k] {
			t.Errorf("form %s matches no procedure code", k)
		}
	}
}

// unaccented are Vietnamese words written without their diacritics: none
// of them is a word on its own, so finding one means the marks were lost.
var unaccented = map[string]bool{
	"nguoi": true, "duoc": true, "khong": true, "giay": true, "thuong": true, "nuoc": true, "quoc": true,
	"tich": true, "thuc": true, "dien": true, "thoai": true, "viec": true, "dia": true, "hieu": true, "truong": true,
}

// viProblems checks a Vietnamese text of a form: NFC, no crawl debris, and
// full diacritics (no word that has lost its marks, and a text of three
// words or more has at least one marked letter).
func viProblems(s string) []string {
	out := textProblems(s)
	words := strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) })
	marked := false
	for _, w := range words {
		if unaccented[strings.ToLower(w)] {
			out = append(out, fmt.Sprintf("word without diacritics (%q)", w))
		}
		if strings.ContainsFunc(w, func(r rune) bool { return r > unicode.MaxASCII }) {
			marked = true
		}
	}
	if len(words) >= 3 && !marked {
		out = append(out, "no diacritics at all")
	}
	return out
}

func TestViChecker(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{"Ho ten nguoi yeu cau", "So dinh danh ca nhan", "Giấy tờ của nguoi nộp", norm.NFD.String("Họ và tên")} {
		if len(viProblems(bad)) == 0 {
			t.Errorf("the checker misses %q", bad)
		}
	}
	for _, good := range []string{"Họ, chữ đệm và tên người yêu cầu", "Số định danh cá nhân", "Ứng dụng VNeID", "Mẫu CT01"} {
		if p := viProblems(good); len(p) > 0 {
			t.Errorf("the checker refuses %q: %v", good, p)
		}
	}
}

func TestFormsText(t *testing.T) {
	t.Parallel()
	check := func(where string, txt eform.Text, needEN bool) {
		for _, p := range viProblems(txt.VI) {
			t.Errorf("%s: %s in %q", where, p, txt.VI)
		}
		if strings.TrimSpace(txt.VI) == "" {
			t.Errorf("%s: no Vietnamese text", where)
		}
		if needEN && strings.TrimSpace(txt.EN) == "" {
			t.Errorf("%s: no English text", where)
		}
		// English writes amounts its own way (8,000 đồng), so only the form of the text is checked.
		if !norm.NFC.IsNormalString(txt.EN) || strings.TrimSpace(txt.EN) != txt.EN || strings.Contains(txt.EN, "  ") {
			t.Errorf("%s (en): not NFC or stray white space in %q", where, txt.EN)
		}
	}
	for _, f := range loadForms(t) {
		check(f.Key+" title", f.Title, true)
		for _, fd := range f.Fields {
			at := f.Key + " " + fd.Name
			check(at+" label", fd.Label, true)
			check(at+" help", fd.Help, false) // help at each field (Circular 32/2017/TT-BTTTT); English optional
			for _, o := range fd.Options {
				check(at+" option "+o.Value, o.Label, true)
			}
		}
	}
}

func formByKey(t *testing.T, key string) eform.Form {
	t.Helper()
	for _, f := range loadForms(t) {
		if f.Key == key {
			return f
		}
	}
	t.Fatalf("no form %s", key)
	return eform.Form{}
}

var sampleToday = eform.WithToday(eform.Date{Year: 2026, Month: time.March, Day: 15})

// lạng Sơn, phường Đông Kinh, as an address field submits it.
func addr(v eform.Values, name, street string) {
	v[name+".province"] = []string{"20"}
	v[name+".commune"] = []string{"05977"}
	v[name+".street"] = []string{street}
}

func pdf(name string) []eform.FileInfo {
	return []eform.FileInfo{{Name: name, Size: 200 << 10, MIME: "application/pdf"}}
}

// checkSample checks a submission and compares the errors, field by field,
// with want (nil: a valid submission).
func checkSample(t *testing.T, f eform.Form, v eform.Values, files eform.Files, want map[string]string) eform.Clean {
	t.Helper()
	clean, errs := f.Check(v, eform.WithFiles(files), sampleToday)
	got := map[string]string{}
	for _, e := range errs {
		got[e.Field] = e.Key
	}
	if !maps.Equal(got, want) {
		keys := slices.Sorted(maps.Keys(got))
		t.Errorf("form %s: errors %v (fields %v), want %v", f.Key, got, keys, want)
	}
	return clean
}

func TestFormSampleBirth(t *testing.T) {
	t.Parallel()
	f := formByKey(t, "1.001193")
	valid := func() eform.Values {
		v := eform.Values{
			"nyc_ho_ten":          {"Hoàng Thị Mai"},
			"nyc_so_dinh_danh":    {"020195004567"},
			"quan_he":             {"me"},
			"tre_ho_ten":          {"Nông Minh Khôi"},
			"tre_gioi_tinh":       {"nam"},
			"tre_ngay_sinh":       {"02/03/2026"},
			"noi_sinh_loai":       {"co_so_y_te"},
			"noi_sinh_co_so_y_te": {"Bệnh viện Đa khoa tỉnh Lạng Sơn"},
			"tre_que_quan":        {"Xã Hoàng Đồng, tỉnh Lạng Sơn"},
			"tre_dan_toc":         {"Tày"},
			"giay_to_sinh":        {"chung_sinh_dien_tu"},
			"co_thong_tin_me":     {"co"},
			"me_ho_ten":           {"Hoàng Thị Mai"},
			"me_nam_sinh":         {"1995"},
			"me_so_dinh_danh":     {"020195004567"},
			"me_dan_toc":          {"Tày"},
			"me_quoc_tich":        {"Việt Nam"},
			"co_thong_tin_cha":    {"khong"},
			"cha_ho_ten":          {"Không được giữ"},
			"cam_doan":            {"dong_y"},
		}
		addr(v, "nyc_noi_cu_tru", "Số 12 đường Bà Triệu")
		addr(v, "noi_sinh_dia_chi", "Đường Tuệ Tĩnh")
		addr(v, "me_noi_cu_tru", "Số 12 đường Bà Triệu")
		return v
	}
	clean := checkSample(t, f, valid(), nil, nil)
	if _, ok := clean.Values["cha_ho_ten"]; ok {
		t.Error("the father's name is kept although his details are marked unknown")
	}
	if d, _ := clean.Date("tre_ngay_sinh"); d != (eform.Date{Year: 2026, Month: time.March, Day: 2}) {
		t.Errorf("tre_ngay_sinh = %v", d)
	}

	bad := valid()
	bad["quan_he"] = []string{"uy_quyen"}             // no power of attorney attached
	bad["noi_sinh_co_so_y_te"] = nil                  // health facility not named
	bad["giay_to_sinh"] = []string{"chung_sinh_giay"} // paper certificate, not attached
	bad["co_thong_tin_cha"] = []string{"co"}          // father known, details missing
	bad["cha_ho_ten"] = nil
	bad["tre_ngay_sinh"] = []string{"2026-04-01"} // after today
	bad["me_nam_sinh"] = []string{"1890"}
	bad["cam_doan"] = nil
	checkSample(t, f, bad, nil, map[string]string{
		"van_ban_uy_quyen":    "eform.required",
		"noi_sinh_co_so_y_te": "eform.required",
		"giay_to_sinh_tep":    "eform.required",
		"tre_ngay_sinh":       "eform.max",
		"me_nam_sinh":         "eform.min",
		"cha_ho_ten":          "eform.required",
		"cha_nam_sinh":        "eform.required",
		"cha_dan_toc":         "eform.required",
		"cha_quoc_tich":       "eform.required",
		"cha_noi_cu_tru":      "eform.required",
		"cam_doan":            "eform.required",
	})
}

func TestFormSampleSuspension(t *testing.T) {
	t.Parallel()
	f := formByKey(t, "2.002029")
	valid := func() eform.Values {
		return eform.Values{
			"ma_so_dn":       {"0100109106"},
			"ten_dn":         {"Công ty TNHH Thương mại Kỳ Lừa"},
			"loai_hinh":      {"tnhh_2tv"},
			"loai_thong_bao": {"tam_ngung"},
			"doi_tuong":      {"doanh_nghiep"},
			"tu_ngay":        {"2026-04-01"},
			"den_ngay":       {"2027-03-31"},
			"nguoi_ky":       {"Lương Văn Tâm"},
			"nop_thay":       {"ban_than"},
		}
	}
	files := eform.Files{"nghi_quyet": pdf("nghi-quyet-hdtv.pdf")}
	clean := checkSample(t, f, valid(), files, nil)
	if got := clean.String("ma_so_dn"); got != "0100109106" {
		t.Errorf("ma_so_dn = %q", got)
	}
	// A company must attach the owners' resolution; a private enterprise need not.
	checkSample(t, f, valid(), nil, map[string]string{"nghi_quyet": "eform.required"})
	dntn := valid()
	dntn["loai_hinh"] = []string{"dntn"}
	checkSample(t, f, dntn, nil, nil)

	bad := valid()
	bad["ma_so_dn"] = []string{"0100109107"} // wrong check digit
	bad["doi_tuong"] = []string{"chi_nhanh"} // branch: its code and name are needed
	bad["den_ngay"] = nil                    // a suspension has an end
	bad["nop_thay"] = []string{"uy_quyen"}   // no power of attorney
	checkSample(t, f, bad, nil, map[string]string{
		"ma_so_dn":         "vnid.enterprise_code_check",
		"ma_so_don_vi":     "eform.required",
		"ten_don_vi":       "eform.required",
		"den_ngay":         "eform.required",
		"van_ban_uy_quyen": "eform.required",
	})
	branch := valid()
	branch["doi_tuong"] = []string{"chi_nhanh"}
	branch["ma_so_don_vi"] = []string{"0100109106-001"}
	branch["ten_don_vi"] = []string{"Chi nhánh Lạng Sơn"}
	checkSample(t, f, branch, nil, nil)
}

func TestFormSamplePermanentResidence(t *testing.T) {
	t.Parallel()
	f := formByKey(t, "1.004222")
	valid := func() eform.Values {
		v := eform.Values{
			"nyc_ho_ten":       {"Nguyễn Thị An"},
			"nyc_ngay_sinh":    {"1985-06-01"},
			"nyc_gioi_tinh":    {"nu"},
			"nyc_so_dinh_danh": {"020185000123"},
			"nyc_dien_thoai":   {"0912 345 678"},
			"truong_hop":       {"nguoi_than"},
			"chu_ho_ho_ten":    {"Nguyễn Văn Bình"},
			"quan_he_chu_ho":   {"Con"},
			"y_kien_chu_ho":    {"dien_tu"},
			"giay_to_cho_o":    {"co_so_du_lieu"},
		}
		addr(v, "nyc_noi_cu_tru", "Thôn Nà Chuông")
		addr(v, "dia_chi_thuong_tru", "Số 5 Lê Lợi")
		return v
	}
	clean := checkSample(t, f, valid(), nil, nil)
	if got := clean.String("nyc_dien_thoai"); got != "+84912345678" {
		t.Errorf("nyc_dien_thoai = %q", got)
	}
	bad := valid()
	bad["nyc_so_dinh_danh"] = []string{"020190000123"} // born 1990 by the ID, 1985 by the form
	bad["truong_hop"] = []string{"thue_muon"}          // rented: floor area per person needed
	bad["y_kien_chu_ho"] = []string{"van_ban"}         // written consent, not attached
	bad["giay_to_cho_o"] = []string{"dinh_kem"}
	checkSample(t, f, bad, eform.Files{"giay_to_cho_o_tep": {{Name: "so-do.zip", Size: 1000, MIME: "application/zip"}}}, map[string]string{
		"nyc_so_dinh_danh":    "vnid.personal_id_birth",
		"dien_tich_binh_quan": "eform.required",
		"y_kien_chu_ho_tep":   "eform.required",
		"giay_to_cho_o_tep":   "eform.file_type",
	})
	own := valid()
	own["truong_hop"] = []string{"so_huu"} // own home: no head of household, no consent
	clean = checkSample(t, f, own, nil, nil)
	if _, ok := clean.Values["chu_ho_ho_ten"]; ok {
		t.Error("the head of household is kept for one's own home")
	}
}
