package search

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
)

func TestFold(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"Thủ tục đăng ký khai sinh":       "thu tuc dang ky khai sinh",
		"ĐĂNG KÝ KHAI SINH":               "dang ky khai sinh",
		"Thủ tục  đăng ký\nkhai-sinh!":    "thu tuc dang ky khai sinh",
		"Đường thủy nội địa":              "duong thuy noi dia",
		"Hoà Thuỷ / Hòa Thủy":             "hoa thuy hoa thuy",
		"ư ơ ă â ê ô Ư Ơ Ă Â Ê Ô":         "u o a a e o u o a a e o",
		"1.001193":                        "1 001193",
		"85/2019/TT-BTC":                  "85 2019 tt btc",
		"Ky\u0301 ta\u0323i (decomposed)": "ky tai decomposed",
		"  ...  ":                         "",
		"Straße Ørsted":                   "straße ørsted",
		"\u0301leading mark":              "leading mark",
		"“Giấy phép” – số 1; (tạm thời)%": "giay phep so 1 tam thoi",
	} {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTokens(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"Kỹ thuật kĩ thuật": "ki thuat ki thuat",
		"lý lịch lí lịch":   "li lich li lich",
		"quy tay ngày y tế": "quy tay ngay y te",
	} {
		if got := strings.Join(tokens(in), " "); got != want {
			t.Errorf("tokens(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestUntypeVietnamese(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"ddawngs": "dang",
		"kys":     "ki",
		"hojc":    "hoc",
		"tuwf":    "tu",
		"d9ang":   "dang",
		"ky1":     "ki",
		"dang":    "",
		"2026":    "",
	} {
		if got := untypeVietnamese(in); got != want {
			t.Errorf("untypeVietnamese(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestOSADistance(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		a, b string
		max  int
		want int
	}{
		{"khia", "khai", 2, 1},
		{"sinhh", "sinh", 2, 1},
		{"sinh", "sinh", 2, 0},
		{"dang", "dnag", 2, 1},
		{"abc", "xyz", 1, 2}, // capped at max+1
		{"thuong", "thong", 2, 1},
		{"chungnhan", "chungnhna", 2, 1},
	} {
		if got := osaDistance(c.a, c.b, c.max); got != c.want {
			t.Errorf("osaDistance(%q, %q, %d) = %d, want %d", c.a, c.b, c.max, got, c.want)
		}
	}
}

// birthRegistration are the fixture's procedures whose name says "đăng ký
// (lại) khai sinh", which any spelling of "đăng ký khai sinh" must put
// first.
func birthRegistration(ix *Index) map[string]bool {
	ids := map[string]bool{}
	for _, d := range ix.docs {
		f := Fold(d.name)
		if strings.Contains(f, "dang ky khai sinh") || strings.Contains(f, "dang ky lai khai sinh") {
			ids[d.id] = true
		}
	}
	return ids
}

func TestSearchFindsBirthRegistration(t *testing.T) {
	t.Parallel()
	ix := setup(t)
	want := birthRegistration(ix)
	if len(want) < 5 {
		t.Fatalf("fixture has %d birth registration procedures", len(want))
	}
	for _, q := range []string{
		"dang ky khai sinh",
		"khai sinh dang ky",
		"ĐĂNG KÝ KHAI SINH",
		"Thủ tục đăng ký khai sinh",
		"đăng ký khai sinh",
		"dang ki khai sinh",     // i/y spelling
		"dang ky khai sinhh",    // extra letter
		"dang ky khia sinh",     // transposition
		"dnag ky khai sinh",     // transposition
		"dang kys khai sinh",    // Telex without the input method
		"ddawng kys khai sinh",  // Telex
		"d9ang ky1 khai sinh",   // VNI
		"dangky khaisinh",       // no spaces
		"dang ky khai si",       // still typing
		"  dang-ky, khai sinh ", // punctuation
	} {
		t.Run(q, func(t *testing.T) {
			p, err := ix.Search(Query{Text: q, Limit: len(want)})
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Hits) == 0 || p.Hits[0].ID != "1.001193" {
				t.Fatalf("first hit %v, want 1.001193 Thủ tục đăng ký khai sinh", p.Hits)
			}
			for _, h := range p.Hits {
				if !want[h.ID] {
					t.Errorf("hit %s %q among the first %d, want only birth registrations", h.ID, h.Name, len(want))
				}
			}
		})
	}
}

func TestSearchTypos(t *testing.T) {
	t.Parallel()
	ix := setup(t)
	for _, c := range []struct {
		q, first, suggestion string
	}{
		{"khai sinhh", "1.001193", "khai sinh"},
		{"khia sinh", "1.001193", "khai sinh"},
		{"dang ky ket hpn", "1.000894", "dang ky ket hon"},
		{"chung thuc di chuc", "2.001019", ""},
		{"chungthuc di chuc", "2.001019", ""},
		{"chuwngs thuwcj di chucs", "2.001019", ""},
	} {
		t.Run(c.q, func(t *testing.T) {
			p, err := ix.Search(Query{Text: c.q})
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Hits) == 0 || p.Hits[0].ID != c.first {
				t.Fatalf("hits %v, want %s first", ids(p.Hits), c.first)
			}
			if p.Suggestion != c.suggestion {
				t.Errorf("suggestion %q, want %q", p.Suggestion, c.suggestion)
			}
		})
	}
}

func TestSearchRanksExactAboveTypo(t *testing.T) {
	t.Parallel()
	// "sinhs" is a word of its own here, one edit from "sinh": finding it
	// exactly must not bring in "sinh", and a document with "sinh" must
	// rank below one with "sinhs" for "khai sinhs ".
	ix, err := Build([]Doc{
		{ID: "a", Name: "khai sinh"},
		{ID: "b", Name: "khai sinhs"},
	})
	if err != nil {
		t.Fatal(err)
	}
	p, err := ix.Search(Query{Text: "khai sinhs "})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(p.Hits); !slices.Equal(got, []string{"b"}) {
		t.Errorf("hits %v, want [b]", got)
	}
	p, err = ix.Search(Query{Text: "khai sinhq"})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(p.Hits); !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf("hits %v, want both through the typo", got)
	}
}

func TestSearchByCode(t *testing.T) {
	t.Parallel()
	ix := setup(t)
	for _, q := range []string{"1.001193", "1001193", " 1.001193 ", "1-001193"} {
		p, err := ix.Search(Query{Text: q})
		if err != nil {
			t.Fatal(err)
		}
		if got := ids(p.Hits); !slices.Equal(got, []string{"1.001193"}) {
			t.Errorf("%q: hits %v, want [1.001193]", q, got)
		}
	}
	p, err := ix.Search(Query{Text: "1.0011", Limit: MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Hits) == 0 {
		t.Fatal("no hits for a code prefix")
	}
	for _, h := range p.Hits {
		if !strings.HasPrefix(h.ID, "1.0011") {
			t.Errorf("code prefix 1.0011 found %s", h.ID)
		}
	}
}

func TestSearchFilters(t *testing.T) {
	t.Parallel()
	ix := setup(t)
	all, err := ix.Search(Query{Text: "dang ky", Limit: MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name    string
		filters map[string]string
		keep    func(p proc) bool
	}{
		{"Level", map[string]string{FacetLevel: "province"}, func(p proc) bool { return slices.Contains(p.Levels, "province") }},
		{"FieldFolded", map[string]string{FacetField: "HO TICH"}, func(p proc) bool { return p.Field == "Hộ tịch" }},
		{"AgencyAndOnline", map[string]string{FacetAgency: "bo-tu-phap", FacetOnline: "partial"}, func(p proc) bool {
			return p.Ministry == "bo-tu-phap" && p.Online == "partial"
		}},
		{"UnknownValue", map[string]string{FacetLevel: "galaxy"}, func(proc) bool { return false }},
		{"UnknownFacet", map[string]string{"colour": "blue"}, func(proc) bool { return false }},
	} {
		t.Run(c.name, func(t *testing.T) {
			byID := map[string]proc{}
			for _, p := range loadFixture(t) {
				byID[p.Code] = p
			}
			var want []string
			for _, h := range all.Hits {
				if c.keep(byID[h.ID]) {
					want = append(want, h.ID)
				}
			}
			p, err := ix.Search(Query{Text: "dang ky", Filters: c.filters, Limit: MaxLimit})
			if err != nil {
				t.Fatal(err)
			}
			if got := ids(p.Hits); !slices.Equal(got, want) {
				t.Errorf("hits %v, want %v", got, want)
			}
			if p.Total != len(want) {
				t.Errorf("total %d, want %d", p.Total, len(want))
			}
		})
	}
}

func TestSearchPaginationCoversAllOnce(t *testing.T) {
	t.Parallel()
	ix := setup(t)
	for _, q := range []Query{
		{Text: "cap"},
		{Text: "ho tro phat trien san xuat cong dong"}, // ten procedures with the same name: ties by ID
		{Text: "thu tuc dang ky", Filters: map[string]string{FacetLevel: "commune"}},
		{Text: "1.00"},
		{},
		{Filters: map[string]string{FacetField: "Hộ tịch"}},
	} {
		t.Run(fmt.Sprintf("%q%v", q.Text, q.Filters), func(t *testing.T) {
			one := q
			one.Limit = MaxLimit
			whole, err := ix.Search(one)
			if err != nil {
				t.Fatal(err)
			}
			if whole.Next != "" || len(whole.Hits) != whole.Total || whole.Total == 0 {
				t.Fatalf("one page: %d hits, total %d, next %q", len(whole.Hits), whole.Total, whole.Next)
			}
			var paged []string
			q.Limit = 7
			for pages := 0; ; pages++ {
				p, err := ix.Search(q)
				if err != nil {
					t.Fatal(err)
				}
				if p.Total != whole.Total {
					t.Fatalf("page %d: total %d, want %d", pages, p.Total, whole.Total)
				}
				paged = append(paged, ids(p.Hits)...)
				if p.Next == "" {
					break
				}
				if len(p.Hits) != q.Limit {
					t.Fatalf("page %d has %d hits and a next cursor", pages, len(p.Hits))
				}
				q.After = p.Next
			}
			if want := ids(whole.Hits); !slices.Equal(paged, want) {
				t.Errorf("pages gave %v\nwant %v", paged, want)
			}
		})
	}
}

func TestSearchEmptyQueryBrowsesAlphabetically(t *testing.T) {
	t.Parallel()
	ix := setup(t)
	p, err := ix.Search(Query{Filters: map[string]string{FacetField: "Hộ tịch"}, Limit: MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	if p.Total != 28 || len(p.Hits) != 28 {
		t.Fatalf("%d hits, total %d, want the 28 of Hộ tịch", len(p.Hits), p.Total)
	}
	// Vietnamese order: "Cấp" < "Thủ tục đăng ký kết hôn" < "Thủ tục đăng ký khai sinh"
	// ("kết" before "khai": e < h), and đ after d.
	pos := map[string]int{}
	for i, h := range p.Hits {
		pos[h.ID] = i
	}
	if !(pos["2.000635"] < pos["1.000894"] && pos["1.000894"] < pos["1.001193"]) {
		t.Errorf("order %v", names(p.Hits))
	}
	for _, text := range []string{"", "  ", "?!"} {
		p, err := ix.Search(Query{Text: text, Limit: 3})
		if err != nil {
			t.Fatal(err)
		}
		if p.Total != ix.Len() || len(p.Hits) != 3 || p.Next == "" {
			t.Errorf("%q: %d hits, total %d, next %q", text, len(p.Hits), p.Total, p.Next)
		}
	}
}

func TestBrowseOrderIsVietnamese(t *testing.T) {
	t.Parallel()
	ix, err := Build([]Doc{
		{ID: "1", Name: "Đổi giấy phép"},
		{ID: "2", Name: "Dừng hoạt động"},
		{ID: "3", Name: "Ân hạn"},
		{ID: "4", Name: "An toàn"},
		{ID: "5", Name: "Ăn uống"},
		{ID: "6", Name: "Bán hàng"},
	})
	if err != nil {
		t.Fatal(err)
	}
	p, err := ix.Search(Query{})
	if err != nil {
		t.Fatal(err)
	}
	// a < ă < â < b < d < đ
	if got, want := ids(p.Hits), []string{"4", "5", "3", "6", "2", "1"}; !slices.Equal(got, want) {
		t.Errorf("order %v, want %v (%v)", got, want, names(p.Hits))
	}
}

func TestSearchHighlights(t *testing.T) {
	t.Parallel()
	ix := setup(t)
	p, err := ix.Search(Query{Text: "dang ky khai sinh", Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	h := p.Hits[0]
	var got []string
	for _, s := range h.Highlights {
		got = append(got, h.Name[s.Start:s.End])
	}
	if want := []string{"đăng", "ký", "khai", "sinh"}; !slices.Equal(got, want) {
		t.Errorf("highlights %q in %q, want %q", got, h.Name, want)
	}
}

func TestSearchBadCursor(t *testing.T) {
	t.Parallel()
	ix := setup(t)
	text, err := ix.Search(Query{Text: "cap", Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	browse, err := ix.Search(Query{Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []Query{
		{Text: "cap", After: "not a cursor"},
		{Text: "cap", After: "eA"},
		{Text: "cap", After: browse.Next}, // a browsing cursor for a text search
		{After: text.Next},                // and the other way round
		{Filters: map[string]string{FacetLevel: "galaxy"}, After: "%%"},
	} {
		if _, err := ix.Search(q); !errors.Is(err, ErrBadCursor) {
			t.Errorf("%+v: error %v, want ErrBadCursor", q, err)
		}
	}
}

func TestSearchIsDeterministic(t *testing.T) {
	t.Parallel()
	ps := loadFixture(t)
	a, err := Build(docsOf(ps))
	if err != nil {
		t.Fatal(err)
	}
	slices.Reverse(ps)
	b, err := Build(docsOf(ps))
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range benchQueries {
		pa, err := a.Search(Query{Text: q})
		if err != nil {
			t.Fatal(err)
		}
		pb, err := b.Search(Query{Text: q})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(ids(pa.Hits), ids(pb.Hits)) || pa.Total != pb.Total {
			t.Errorf("%q: %v vs %v after reordering the documents", q, ids(pa.Hits), ids(pb.Hits))
		}
	}
}

func TestSearchConcurrently(t *testing.T) {
	t.Parallel()
	ix := setup(t)
	want := map[string][]string{}
	for _, q := range benchQueries {
		p, err := ix.Search(Query{Text: q, Filters: map[string]string{FacetLevel: "commune"}})
		if err != nil {
			t.Fatal(err)
		}
		want[q] = ids(p.Hits)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range benchQueries {
				q := benchQueries[(i+g*7)%len(benchQueries)]
				p, err := ix.Search(Query{Text: q, Filters: map[string]string{FacetLevel: "commune"}})
				if err != nil {
					t.Error(err)
					return
				}
				if got := ids(p.Hits); !slices.Equal(got, want[q]) {
					t.Errorf("%q: %v, want %v", q, got, want[q])
				}
			}
		})
	}
	wg.Wait()
}

func TestBuildRejectsBadIDs(t *testing.T) {
	t.Parallel()
	if _, err := Build([]Doc{{ID: "1", Name: "a"}, {ID: "1", Name: "b"}}); err == nil {
		t.Error("duplicate IDs accepted")
	}
	if _, err := Build([]Doc{{Name: "a"}}); err == nil {
		t.Error("empty ID accepted")
	}
	ix, err := Build(nil)
	if err != nil {
		t.Fatal(err)
	}
	if p, err := ix.Search(Query{Text: "khai sinh"}); err != nil || len(p.Hits) != 0 {
		t.Errorf("empty index: %v, %v", p, err)
	}
}

func TestFullCatalogue(t *testing.T) {
	t.Parallel()
	ps := nationalProcs(t)
	ix, err := Build(docsOf(ps))
	if err != nil {
		t.Fatal(err)
	}
	t.Run("EveryCodeFindsItsProcedure", func(t *testing.T) {
		for _, p := range ps {
			r, err := ix.Search(Query{Text: p.Code, Limit: 1})
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Hits) != 1 || r.Hits[0].ID != p.Code {
				t.Errorf("%s: %v", p.Code, ids(r.Hits))
			}
		}
	})
	t.Run("EveryNameFindsItsProcedureFirst", func(t *testing.T) {
		names := map[string]int{}
		for _, p := range ps {
			names[Fold(p.Name)]++
		}
		for _, p := range ps {
			if names[Fold(p.Name)] > 1 || len(tokens(p.Name)) > maxQueryWords {
				continue // same name under several codes, or too long to type
			}
			r, err := ix.Search(Query{Text: strings.ToLower(p.Name), Limit: 1})
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Hits) != 1 || r.Hits[0].ID != p.Code {
				t.Errorf("%s %q: first hit %v", p.Code, p.Name, names2(r.Hits))
			}
		}
	})
	t.Run("BirthRegistration", func(t *testing.T) {
		r, err := ix.Search(Query{Text: "dang ky khai sinh", Filters: map[string]string{FacetLevel: "commune"}, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if r.Hits[0].ID != "1.001193" {
			t.Errorf("first hit %v", names2(r.Hits))
		}
	})
}

func ids(hits []Hit) []string {
	out := make([]string, len(hits))
	for i, h := range hits {
		out[i] = h.ID
	}
	return out
}

func names(hits []Hit) []string {
	out := make([]string, len(hits))
	for i, h := range hits {
		out[i] = h.Name
	}
	return out
}

func names2(hits []Hit) []string {
	out := make([]string, len(hits))
	for i, h := range hits {
		out[i] = h.ID + " " + h.Name
	}
	return out
}
