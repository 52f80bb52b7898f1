package adminunits

import (
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

func TestCounts(t *testing.T) {
	t.Parallel()
	ps := Provinces()
	if len(ps) != 34 {
		t.Fatalf("%d provinces, want 34", len(ps))
	}
	total, cities := 0, 0
	seen := map[string]bool{}
	for _, p := range ps {
		if p.Type == TypeCity {
			cities++
		}
		for _, c := range Communes(p.Code) {
			total++
			if seen[c.Code] || len(c.Code) != 5 || c.ProvinceCode != p.Code {
				t.Errorf("bad or duplicate commune %+v", c)
			}
			seen[c.Code] = true
			for _, s := range []string{c.Name, c.FullName, c.NameEn, c.FullNameEn} {
				if s == "" || !norm.NFC.IsNormalString(s) {
					t.Errorf("commune %s: bad name %q", c.Code, s)
				}
			}
			if !strings.HasSuffix(c.FullName, c.Name) {
				t.Errorf("commune %s: full name %q does not end with %q", c.Code, c.FullName, c.Name)
			}
		}
	}
	if total != 3321 {
		t.Errorf("%d communes, want 3321", total)
	}
	if cities != 7 { // Hà Nội, Hải Phòng, Huế, Đà Nẵng, Hồ Chí Minh, Cần Thơ, and Đồng Nai since 30 April 2026
		t.Errorf("%d centrally-run cities, want 7", cities)
	}
}

func TestLangSon(t *testing.T) {
	t.Parallel()
	p, ok := ProvinceByCode("20")
	if !ok || p.Name != "Lạng Sơn" || p.FullName != "Tỉnh Lạng Sơn" || p.FullNameEn != "Lang Son Province" || p.Type != TypeProvince {
		t.Fatalf("ProvinceByCode(20) = %+v, %v", p, ok)
	}
	cs := Communes("20")
	if len(cs) != 65 {
		t.Fatalf("Lạng Sơn has %d units, want 65", len(cs))
	}
	c, ok := CommuneByCode("05977")
	want := Commune{Code: "05977", ProvinceCode: "20", Type: TypeWard, Name: "Đông Kinh", FullName: "Phường Đông Kinh", NameEn: "Dong Kinh", FullNameEn: "Dong Kinh Ward"}
	if !ok || c != want {
		t.Errorf("CommuneByCode(05977) = %+v, %v; want %+v", c, ok, want)
	}
	// Returned slices are copies.
	cs[0].Name = "x"
	if Communes("20")[0].Name == "x" {
		t.Error("Communes returns shared storage")
	}
	if _, ok := ProvinceByCode("02"); ok {
		t.Error("02 (Hà Giang) no longer exists")
	}
	if Communes("99") != nil {
		t.Error("unknown province has communes")
	}
}

func TestDerivedAndExplicitFullNames(t *testing.T) {
	t.Parallel()
	c, _ := CommuneByCode("00691")
	if c.FullName != "Phường Hà Giang 2" || c.FullNameEn != "Ward Ha Giang 2" {
		t.Errorf("%+v", c)
	}
	for _, c := range Communes("22") {
		if c.Type == TypeSpecialZone && c.Name == "Vân Đồn" && c.FullName != "Đặc khu Vân Đồn" {
			t.Errorf("%+v", c)
		}
	}
	for _, p := range Provinces() {
		for _, c := range Communes(p.Code) {
			if strings.HasPrefix(c.FullName, "xã ") {
				t.Errorf("lower-case prefix kept: %+v", c)
			}
		}
	}
}

func TestNormalize(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"Lạng Sơn":                       "lang son",
		"  TỈNH   LẠNG SƠN ":             "lang son",
		"Thành phố Hồ Chí Minh":          "ho chi minh",
		"TP. Hồ Chí Minh":                "ho chi minh",
		"TP.HCM":                         "hcm",
		"Xã Hoàng Đồng":                  "hoang dong",
		"xa hoang dong":                  "hoang dong",
		"Phường Phương Liệt":             "phuong liet",
		"Phương Liệt":                    "phuong liet", // a name, not a prefix
		"Xã Xa Dung":                     "xa dung",
		"Thị trấn Đồng Đăng":             "dong dang",
		"Đặc khu Phú Quốc":               "phu quoc",
		"Phường 01":                      "1",
		"Xã Ea H'Leo":                    "ea hleo",
		"Xã Ea H’Leo":                    "ea hleo",
		"Phường Văn Miếu - Quốc Tử Giám": "van mieu quoc tu giam",
		"Hoà Bình":                       "hoa binh",
		"Hòa Bình":                       "hoa binh",
		norm.NFD.String("Thủy Nguyên"):   "thuy nguyen",
		"":                               "",
		"Xã":                             "xa", // nothing after the prefix: keep it
	}
	for in, want := range tests {
		if got := Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTonePlacementFolding(t *testing.T) {
	t.Parallel()
	pairs := [][2]string{
		{"Hoà", "Hòa"}, {"Thuỷ", "Thủy"}, {"Khoẻ", "Khỏe"}, {"Thanh Hoá", "Thanh Hóa"}, {"Khánh Hoà", "Khánh Hòa"},
		{"Quý", "Qúy"}, {"Hoà", norm.NFD.String("Hòa")}, {"Thuỵ", "Thụy"},
	}
	for _, p := range pairs {
		if exact(p[0]) != exact(p[1]) {
			t.Errorf("exact(%q) = %q, exact(%q) = %q", p[0], exact(p[0]), p[1], exact(p[1]))
		}
		if Normalize(p[0]) != Normalize(p[1]) {
			t.Errorf("Normalize differs for %q and %q", p[0], p[1])
		}
	}
	// Different words stay different when accents are kept.
	for _, p := range [][2]string{{"Văn Lang", "Văn Lăng"}, {"Đông Tiến", "Đồng Tiến"}, {"Sơn Hà", "Sơn Hạ"}} {
		if exact(p[0]) == exact(p[1]) {
			t.Errorf("exact(%q) == exact(%q)", p[0], p[1])
		}
	}
}

func TestFindCommune(t *testing.T) {
	t.Parallel()
	tests := []struct {
		province, name, want string
	}{
		{"20", "Phường Đông Kinh", "05977"},
		{"20", "Đông Kinh", "05977"},
		{"20", "dong kinh", "05977"},
		{"20", "P. Đông Kinh", "05977"},
		{"20", "  PHƯỜNG   ĐÔNG KINH ", "05977"},
		{"20", norm.NFD.String("Phường Đông Kinh"), "05977"},
		{"20", "Phường Không Có", ""},
		{"01", "Đông Kinh", ""}, // not in Hà Nội
		{"99", "Đông Kinh", ""}, // no such province
		{"19", "Văn Lang", "x"}, // x: the one named exactly so
		{"19", "Văn Lăng", "x"},
		{"19", "van lang", ""}, // ambiguous without accents
		{"38", "Xã Đồng Tiến", "x"},
		{"38", "Phường Đông Tiến", "x"},
		{"38", "phuong dong tien", "x"}, // the prefix decides
		{"38", "xa dong tien", "x"},
	}
	for _, tt := range tests {
		got, ok := FindCommune(tt.province, tt.name)
		switch tt.want {
		case "":
			if ok {
				t.Errorf("FindCommune(%s, %q) = %+v, want none", tt.province, tt.name, got)
			}
		case "x":
			if !ok || exact(got.Name) != exact(strings.Join(stripPrefix(tokens(tt.name), isASCII(tt.name)), " ")) && fold(got.FullName) != fold(tt.name) {
				t.Errorf("FindCommune(%s, %q) = %+v, %v", tt.province, tt.name, got, ok)
			}
		default:
			if !ok || got.Code != tt.want {
				t.Errorf("FindCommune(%s, %q) = %+v, %v; want %s", tt.province, tt.name, got, ok, tt.want)
			}
		}
	}
	// Tone placement: the list writes "Hoà"; people type "Hòa".
	var hoa Commune
	for _, p := range Provinces() {
		for _, c := range Communes(p.Code) {
			if strings.Contains(c.Name, "oà") && hoa.Code == "" {
				hoa = c
			}
		}
	}
	old := strings.ReplaceAll(hoa.Name, "oà", "òa")
	if got, ok := FindCommune(hoa.ProvinceCode, old); !ok || got.Code != hoa.Code {
		t.Errorf("FindCommune(%q) = %+v, %v; want %s", old, got, ok, hoa.Code)
	}
	// Every unit is found by its own names.
	for _, p := range Provinces() {
		for _, c := range Communes(p.Code) {
			for _, n := range []string{c.Name, c.FullName} {
				if got, ok := FindCommune(p.Code, n); !ok || got.Code != c.Code {
					t.Errorf("FindCommune(%s, %q) = %+v, %v", p.Code, n, got, ok)
				}
			}
		}
	}
}

func TestFindProvince(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"Lạng Sơn": "20", "tinh lang son": "20", "TP. Hồ Chí Minh": "79", "HCM": "79", "Ho Chi Minh City": "", "Hanoi": "01", "Thanh Hóa": "38", "Hà Giang": ""} {
		p, ok := FindProvince(in)
		if (want == "" && ok) || (want != "" && p.Code != want) {
			t.Errorf("FindProvince(%q) = %+v, %v; want %q", in, p, ok, want)
		}
	}
}

func TestDetectOldAddress(t *testing.T) {
	t.Parallel()
	old := []string{
		"Thôn Nà Chuông, Xã Hoàng Đồng, Huyện Cao Lộc, Tỉnh Lạng Sơn",
		"Số 12 Lê Lợi, Phường Bến Nghé, Quận 1, TP. Hồ Chí Minh",
		"12 Lê Lợi, P. Bến Nghé, Q.1, TP.HCM",
		"12 Lê Lợi, Bến Nghé, Q1, HCM",
		"Khối 3, Thị trấn Đồng Đăng, Cao Lộc, Lạng Sơn",
		"Phường Vĩnh Trại, Thành phố Lạng Sơn, Tỉnh Lạng Sơn",
		"Phường Linh Trung, TP. Thủ Đức, TP. Hồ Chí Minh",
		"Xã Hoàng Đồng, Cao Lộc, Lạng Sơn",
		"Phường Quang Trung, Thị xã Sơn Tây, Hà Nội",
		"so 5 duong Tran Phu, phuong 3, quan 5, tp hcm",
		"thon 2, xa Hoang Dong, huyen Cao Loc, Lang Son",
		"TX. Sơn Tây, Hà Nội",
		norm.NFD.String("Xã Hoàng Đồng, Huyện Cao Lộc, Lạng Sơn"),
	}
	for _, s := range old {
		if !DetectOldAddress(s) {
			t.Errorf("DetectOldAddress(%q) = false", s)
		}
	}
	current := []string{
		"",
		"Thôn Nà Chuông, Xã Hoàng Đồng, Tỉnh Lạng Sơn",
		"Xã Hoàng Đồng, Lạng Sơn, Việt Nam",
		"Số 12 Lê Lợi, Phường Sài Gòn, Thành phố Hồ Chí Minh",
		"12 Lê Lợi, P. Sài Gòn, TP.HCM",
		"Phường Đông Kinh, Tỉnh Lạng Sơn",
		"Xã Quan Sơn, Tỉnh Thanh Hoá",
		"Xã Quân Chu, Thái Nguyên",
		"Đặc khu Phú Quốc, An Giang",
		"Phường Hải Châu, Thành phố Đà Nẵng",
		"thon 2, xa Hoang Dong, Lang Son",
		"Phường Trấn Biên, Thành phố Đồng Nai",
	}
	for _, s := range current {
		if DetectOldAddress(s) {
			t.Errorf("DetectOldAddress(%q) = true", s)
		}
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"Thành phố Hồ Chí Minh", "xa hoang dong", "Xã Ea H'Leo", "P.01", "\xff", "Hoà", norm.NFD.String("Thủy")} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := Normalize(s)
		if n != strings.TrimSpace(n) || strings.Contains(n, "  ") || !isASCIIOrLetters(n) {
			t.Fatalf("Normalize(%q) = %q", s, n)
		}
		if Normalize(norm.NFD.String(s)) != Normalize(norm.NFC.String(s)) {
			t.Fatalf("NFC and NFD differ for %q", s)
		}
		_ = DetectOldAddress(s)
		_, _ = FindCommune("20", s)
	})
}

// isASCIIOrLetters reports whether s has no upper-case letters and no
// combining marks: Normalize folds both away.
func isASCIIOrLetters(s string) bool {
	for _, r := range s {
		if unicode.IsUpper(r) || unicode.Is(unicode.Mn, r) {
			return false
		}
	}
	return true
}
