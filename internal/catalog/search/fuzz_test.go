package search

import (
	"testing"
	"unicode/utf8"
)

// FuzzSearch feeds arbitrary text and cursors: no panic, Fold is
// idempotent, highlights lie on rune boundaries inside the name, and a
// page never exceeds its limit.
func FuzzSearch(f *testing.F) {
	for _, q := range benchQueries {
		f.Add(q, "")
	}
	f.Add("Ky\u0301 ta\u0323i", "czE6eA")
	f.Add("\xff\xfe", "bjE6eA")
	f.Add("đđđ ĐĐ ̣̣", "")
	ix := setup(f)
	f.Fuzz(func(t *testing.T, text, after string) {
		if ff := Fold(text); Fold(ff) != ff {
			t.Fatalf("Fold not idempotent: %q -> %q -> %q", text, ff, Fold(ff))
		}
		p, err := ix.Search(Query{Text: text, After: after, Limit: 5})
		if err != nil {
			return
		}
		if len(p.Hits) > 5 {
			t.Fatalf("%d hits", len(p.Hits))
		}
		for _, h := range p.Hits {
			for _, s := range h.Highlights {
				if s.Start < 0 || s.End > len(h.Name) || s.Start >= s.End ||
					!utf8.RuneStart(h.Name[s.Start]) || (s.End < len(h.Name) && !utf8.RuneStart(h.Name[s.End])) {
					t.Fatalf("bad highlight %v in %q", s, h.Name)
				}
			}
		}
	})
}
