// Package search finds administrative procedures in the catalogue by what
// people type: diacritics, case, punctuation and word order do not matter,
// typos and Vietnamese typed with the input method off are forgiven, and
// results come ranked by relevance, filtered by facets and paged with an
// opaque cursor.
//
// The index lives in memory and is immutable: build a new one when the
// catalogue changes and swap it in. It is designed for tens of thousands of
// procedures: the 2,642 national ones take about 50 ms to index and 1.5 MiB
// of memory, and a search well under a millisecond.
package search

import (
	"bytes"
	"cmp"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// Doc is one procedure as the index sees it.
type Doc struct {
	ID       string              // procedure code, e.g. "1.001193"; unique
	Name     string              // "Thủ tục đăng ký khai sinh"
	Field    string              // lĩnh vực, e.g. "Hộ tịch"
	Keywords []string            // extra text searched with a lower weight: agency names, synonyms
	Facets   map[string][]string // filter values by facet, e.g. "level": {"province", "commune"}
}

// Facet names that egov uses. Any name works; these are the conventions.
const (
	FacetField  = "field"  // lĩnh vực
	FacetAgency = "agency" // implementing agency
	FacetLevel  = "level"  // catalog.Level values
	FacetOnline = "online" // catalog.Online values ("full" for fully online)
)

// BM25F parameters and the weight of each part of a document. The name
// carries the meaning; the field (lĩnh vực) and keywords widen recall but
// should not outrank a name.
const (
	bm25K1        = 1.2
	bm25B         = 0.75
	weightName    = 1.0
	weightField   = 0.4
	weightKeyword = 0.25
)

// Index is an immutable search index over procedures, safe for concurrent
// use.
type Index struct {
	docs []docEntry

	terms    []string         // vocabulary, sorted; a term's ID is its position
	termID   map[string]int32 // term -> ID
	df       []int32          // documents containing each term
	postOff  []uint32         // postings of term t are postings[postOff[t]:postOff[t+1]]
	postings []posting
	byLen    [][]int32 // term IDs by byte length, for typo candidates

	codes     map[string]int32 // folded code without spaces -> doc
	codeOrder []int32          // docs by folded code, for code prefixes
	codeKeys  []string         // their folded codes

	nameOrder []int32 // docs in Vietnamese alphabetical order of names, then ID
	nameRank  []int32 // doc -> position in nameOrder
	docByID   map[string]int32

	facets map[string]map[string]int32 // facet -> folded value -> value ID

	scratch sync.Pool
}

type docEntry struct {
	id        string
	name      string
	nameTerms []int32 // the name's words in order, for adjacency and coverage
	facetVals []int32 // value IDs of all facets, sorted
}

// posting is one document containing a term, with the term's BM25F score
// in that document precomputed: the index never changes, so neither do
// document lengths, frequencies or IDF.
type posting struct {
	doc   int32
	score float32
}

// Build indexes docs. IDs must be unique and not empty.
func Build(docs []Doc) (*Index, error) {
	ix := &Index{
		docs:    make([]docEntry, len(docs)),
		termID:  map[string]int32{},
		codes:   make(map[string]int32, len(docs)),
		docByID: make(map[string]int32, len(docs)),
		facets:  map[string]map[string]int32{},
	}

	// Tokenise once; terms get their final (sorted) IDs afterwards.
	type fieldToks struct{ name, field, kw []string }
	toks := make([]fieldToks, len(docs))
	vocab := map[string]struct{}{}
	for i, d := range docs {
		if d.ID == "" {
			return nil, fmt.Errorf("search: document %d has no ID", i)
		}
		if _, dup := ix.docByID[d.ID]; dup {
			return nil, fmt.Errorf("search: duplicate document ID %q", d.ID)
		}
		ix.docByID[d.ID] = int32(i)
		ft := fieldToks{name: tokens(d.Name), field: tokens(d.Field)}
		for _, k := range d.Keywords {
			ft.kw = append(ft.kw, tokens(k)...)
		}
		for _, l := range [][]string{ft.name, ft.field, ft.kw} {
			for _, t := range l {
				vocab[t] = struct{}{}
			}
		}
		toks[i] = ft
		ix.docs[i] = docEntry{id: d.ID, name: d.Name}
		if key := codeKey(d.ID); key != "" {
			if _, taken := ix.codes[key]; !taken {
				ix.codes[key] = int32(i)
			}
		}
	}

	ix.terms = make([]string, 0, len(vocab))
	for t := range vocab {
		ix.terms = append(ix.terms, t)
	}
	slices.Sort(ix.terms)
	for i, t := range ix.terms {
		ix.termID[t] = int32(i)
		for len(ix.byLen) <= len(t) {
			ix.byLen = append(ix.byLen, nil)
		}
		ix.byLen[len(t)] = append(ix.byLen[len(t)], int32(i))
	}

	// Term frequencies per document and field, and average field lengths.
	type tf struct{ name, field, kw float64 }
	perDoc := make([]map[int32]*tf, len(docs))
	var sumName, sumField, sumKw float64
	df := make([]int32, len(ix.terms))
	total := 0
	for i, ft := range toks {
		m := map[int32]*tf{}
		get := func(t string) *tf {
			id := ix.termID[t]
			e := m[id]
			if e == nil {
				e = &tf{}
				m[id] = e
				df[id]++
			}
			return e
		}
		ix.docs[i].nameTerms = make([]int32, len(ft.name))
		for j, t := range ft.name {
			get(t).name++
			ix.docs[i].nameTerms[j] = ix.termID[t]
		}
		for _, t := range ft.field {
			get(t).field++
		}
		for _, t := range ft.kw {
			get(t).kw++
		}
		perDoc[i] = m
		total += len(m)
		sumName += float64(len(ft.name))
		sumField += float64(len(ft.field))
		sumKw += float64(len(ft.kw))
	}
	n := float64(max(len(docs), 1))
	avgName, avgField, avgKw := max(sumName/n, 1), max(sumField/n, 1), max(sumKw/n, 1)
	norm := func(l, avg float64) float64 { return 1 - bm25B + bm25B*l/avg }

	ix.df = df
	ix.postOff = make([]uint32, len(ix.terms)+1)
	for t := range ix.terms {
		ix.postOff[t+1] = ix.postOff[t] + uint32(df[t])
	}
	ix.postings = make([]posting, total)
	fill := slices.Clone(ix.postOff[:len(ix.terms)])
	for i, m := range perDoc { // ascending doc order: postings come out sorted
		ft := toks[i]
		nn, nf, nk := norm(float64(len(ft.name)), avgName), norm(float64(len(ft.field)), avgField), norm(float64(len(ft.kw)), avgKw)
		ids := make([]int32, 0, len(m))
		for id := range m {
			ids = append(ids, id)
		}
		slices.Sort(ids) // deterministic float arithmetic order is per term anyway; this keeps fill simple
		for _, id := range ids {
			e := m[id]
			w := weightName*e.name/nn + weightField*e.field/nf + weightKeyword*e.kw/nk
			idf := math.Log(1 + (n-float64(df[id])+0.5)/(float64(df[id])+0.5))
			ix.postings[fill[id]] = posting{doc: int32(i), score: float32(idf * w * (bm25K1 + 1) / (w + bm25K1))}
			fill[id]++
		}
	}

	// Facet values, folded so that filters forgive case and diacritics.
	var nextFacet int32
	for i, d := range docs {
		keys := make([]string, 0, len(d.Facets))
		for k := range d.Facets {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			vals := ix.facets[k]
			if vals == nil {
				vals = map[string]int32{}
				ix.facets[k] = vals
			}
			for _, v := range d.Facets[k] {
				fv := Fold(v)
				id, ok := vals[fv]
				if !ok {
					id = nextFacet
					nextFacet++
					vals[fv] = id
				}
				ix.docs[i].facetVals = append(ix.docs[i].facetVals, id)
			}
		}
		slices.Sort(ix.docs[i].facetVals)
		ix.docs[i].facetVals = slices.Compact(ix.docs[i].facetVals)
	}

	// Alphabetical order for browsing. A Collator is not safe for
	// concurrent use, so it lives only here; the index keeps ranks.
	col := collate.New(language.Vietnamese)
	var buf collate.Buffer
	keys := make([][]byte, len(docs))
	for i, d := range docs {
		keys[i] = col.KeyFromString(&buf, strings.Join(strings.Fields(d.Name), " "))
	}
	ix.nameOrder = make([]int32, len(docs))
	for i := range ix.nameOrder {
		ix.nameOrder[i] = int32(i)
	}
	slices.SortFunc(ix.nameOrder, func(a, b int32) int {
		if c := bytes.Compare(keys[a], keys[b]); c != 0 {
			return c
		}
		return strings.Compare(ix.docs[a].id, ix.docs[b].id)
	})
	ix.nameRank = make([]int32, len(docs))
	for r, d := range ix.nameOrder {
		ix.nameRank[d] = int32(r)
	}

	type coded struct {
		key string
		doc int32
	}
	byCode := make([]coded, 0, len(ix.codes))
	for k, d := range ix.codes {
		byCode = append(byCode, coded{k, d})
	}
	slices.SortFunc(byCode, func(a, b coded) int { return cmp.Compare(a.key, b.key) })
	ix.codeOrder = make([]int32, len(byCode))
	ix.codeKeys = make([]string, len(byCode))
	for i, c := range byCode {
		ix.codeOrder[i], ix.codeKeys[i] = c.doc, c.key
	}

	ix.scratch.New = func() any { return ix.newScratch() }
	return ix, nil
}

// codeKey is how codes are compared: folded, without separators, so that
// "1.001193", "1 001193" and "1001193" are the same code.
func codeKey(s string) string { return strings.ReplaceAll(Fold(s), " ", "") }

// Len is the number of documents in the index.
func (ix *Index) Len() int { return len(ix.docs) }

// Vocabulary is the number of distinct words indexed.
func (ix *Index) Vocabulary() int { return len(ix.terms) }

// prefixRange returns the term IDs [lo, hi) of the terms starting with p.
func (ix *Index) prefixRange(p string) (lo, hi int) {
	lo = sort.SearchStrings(ix.terms, p)
	hi = lo + sort.Search(len(ix.terms)-lo, func(i int) bool {
		return !strings.HasPrefix(ix.terms[lo+i], p)
	})
	return lo, hi
}
