package identity

import (
	"cmp"
	"slices"
	"sync"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

var kindRank = map[AgencyKind]int{KindCommittee: 0, KindCentre: 1, KindDepartment: 2, KindCommune: 3, KindUnit: 4, KindOther: 5}

// collators: a Collator is costly to build (megabytes) and not safe for
// concurrent use, so they are pooled.
var collators = sync.Pool{New: func() any { return collate.New(language.Vietnamese) }}

// sortAgencies orders siblings by kind, then by Vietnamese name order.
func sortAgencies(list []Agency) {
	c := collators.Get().(*collate.Collator)
	defer collators.Put(c)
	slices.SortStableFunc(list, func(a, b Agency) int {
		if r := cmp.Compare(kindRank[a.Kind], kindRank[b.Kind]); r != 0 {
			return r
		}
		return c.CompareString(a.Name, b.Name)
	})
}
