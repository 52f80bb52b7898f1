package natconv

import (
	"cmp"
	"slices"
	"strings"

	"egov/internal/catalog"
)

// Report sums up a conversion.
type Report struct {
	Total int
	// Valid procedures pass catalog.Procedure.Validate; Clean ones are
	// valid with advisory flags at most; Invalid ones fail Validate.
	Valid, Clean, Invalid int
	// Flags counts procedures per flag key (a flag counts once per
	// procedure).
	Flags map[string]int
	// Problems counts Validate's field errors by field.
	Problems map[string]int
	// Parsed counts procedures with no flag in an area (time, fee,
	// documents, legal...).
	Parsed     map[string]int
	Duplicates []string // codes seen more than once
}

// FlagCount is a flag key and how many procedures have it.
type FlagCount struct {
	Flag  string
	Count int
}

// TopFlags lists the n most common flags, most common first.
func (r Report) TopFlags(n int) []FlagCount {
	var out []FlagCount
	for f, c := range r.Flags {
		out = append(out, FlagCount{f, c})
	}
	slices.SortFunc(out, func(a, b FlagCount) int {
		return cmp.Or(b.Count-a.Count, strings.Compare(a.Flag, b.Flag))
	})
	if len(out) > n {
		out = out[:n]
	}
	return out
}

// ParseAreas are the areas Report.Parsed counts.
var ParseAreas = []string{"time", "fee", "documents", "legal", "channels", "level", "applicants", "result"}

// ConvertAll converts every page, in order, and reports on the lot.
func ConvertAll(raws []Raw) ([]catalog.Procedure, Report) {
	rep := Report{Total: len(raws), Flags: map[string]int{}, Problems: map[string]int{}, Parsed: map[string]int{}}
	out := make([]catalog.Procedure, 0, len(raws))
	seen := make(map[string]bool, len(raws))
	for _, raw := range raws {
		p, fl := Convert(raw)
		if seen[p.Code] {
			rep.Duplicates = append(rep.Duplicates, p.Code)
		}
		seen[p.Code] = true
		areas := map[string]bool{}
		keys := map[string]bool{}
		problem := false
		for _, f := range fl {
			k := FlagKey(f)
			keys[k] = true
			if !slices.Contains(Advisory, k) {
				problem = true
				areas[k[:strings.Index(k+":", ":")]] = true
			}
		}
		for k := range keys {
			rep.Flags[k]++
		}
		for _, a := range ParseAreas {
			if !areas[a] {
				rep.Parsed[a]++
			}
		}
		if err := p.ValidatePublished(); err != nil {
			rep.Invalid++
			for _, fe := range validationFields(err) {
				rep.Problems[fe]++
			}
		} else {
			rep.Valid++
			if !problem {
				rep.Clean++
			}
		}
		out = append(out, p)
	}
	return out, rep
}
