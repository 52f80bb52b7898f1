package search

import (
	"cmp"
	"encoding/base64"
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Query is one search request.
type Query struct {
	// Text is what the person typed. Empty (or only punctuation) browses:
	// every document that passes the filters, in alphabetical order.
	Text string
	// Filters keeps documents having, for every key, that value among
	// their facet values (compared folded: "Hộ tịch" = "ho tich").
	Filters map[string]string
	// Limit is the page size: DefaultLimit when 0 or less, at most MaxLimit.
	Limit int
	// After is the Next cursor of the previous page; empty for the first.
	After string
}

// Page sizes.
const (
	DefaultLimit = 20
	MaxLimit     = 500
)

// Hit is one matching document.
type Hit struct {
	ID    string
	Name  string
	Score float64 // higher is better; only the order is meaningful
	// Highlights are the byte ranges of Name that matched the query, in
	// order, for showing in bold.
	Highlights []Span
}

// Span is a byte range [Start, End) of a string.
type Span struct{ Start, End int }

// Page is one page of results.
type Page struct {
	Hits  []Hit
	Next  string // cursor for the following page; empty on the last one
	Total int    // matching documents over all pages
	// Suggestion is set when words of the query matched only through typo
	// tolerance: the query as understood (folded), e.g. "khai sinh" for
	// "khia sinh", for a "showing results for" line.
	Suggestion string
}

// ErrBadCursor reports a Query.After that this package did not produce.
var ErrBadCursor = errors.New("search: invalid cursor")

// Weights of the ways a query word can match an indexed word.
const (
	wExact      = 1.0
	wCompletion = 0.8  // last word typed partially: "khai si" -> "sinh"
	wExtension  = 0.5  // last word is whole but may continue: "sinh" -> "sinhs"...
	wUntyped    = 0.95 // Telex/VNI keys without the input method
	wSplit      = 0.9  // words typed together: "khaisinh"
	wTypo1      = 0.6  // one edit away
	wTypo2      = 0.35 // two edits away (long words only)

	maxQueryWords  = 16  // more words than this are ignored
	maxCompletions = 200 // completions of a short prefix, by document frequency

	// Relevance beyond term scores, for documents matching two words or
	// more: the longest run of name words matching distinct query words
	// (a phrase, in any order of the query), and the share of the name
	// the query covers (so "Thủ tục đăng ký khai sinh" beats "Thủ tục
	// đăng ký khai sinh lưu động" for "đăng ký khai sinh").
	wPhrase   = 2.0
	wCoverage = 2.0
	wExactSet = 1.0 // the name is the query's words, no more, no fewer

	codeExactScore = 1000 // above any text score: a code names one procedure
)

// optionalWords are function words that do not have to match: a query
// "thủ tục cấp giấy phép của ..." should not drop procedures whose name
// lacks "thủ tục" or "của". They still score (with their low IDF), so
// they order documents that have them. Only words whose folded form does
// not collide with a content word in procedure names are listed: "tai"
// (tại/tái), "trong" (trong/trồng), "doi" (đối/đổi) and "cap" (cấp: issue,
// level) are not, and IDF keeps them from dominating anyway.
var optionalWords = map[string]bool{
	"cua": true, "va": true, "cac": true, "nhung": true, "hoac": true,
	"theo": true, "ve": true, "cho": true, "mot": true, "voi": true,
}

// optionalPairs are two-word function phrases: "thu" alone is thu hồi
// (revoke), thú y (veterinary), but "thu tuc" is the filler "thủ tục".
var optionalPairs = [][2]string{{"thu", "tuc"}, {"doi", "voi"}}

type expansion struct {
	term   int32
	weight float32
}

type queryWord struct {
	text      string
	optional  bool
	corrected bool // matched only through typo tolerance
	exps      []expansion
}

type scratch struct {
	slot     []int32 // per doc: 0 unseen, -1 filtered out, k > 0 candidate k-1
	termMask []uint32
	touched  []int32 // terms with a mask set
	rejected []int32 // docs a filter turned away (slot -1)
	cands    []cand
	acc      []accEntry // len(cands) * len(words)
}

type cand struct {
	doc   int32
	score float64
}

type accEntry struct {
	score float32
	term  int32
}

func (ix *Index) newScratch() any {
	return &scratch{slot: make([]int32, len(ix.docs)), termMask: make([]uint32, len(ix.terms))}
}

// Search returns one page of documents matching q. The order is stable
// (score, then ID; alphabetical for browsing), so cursors page through all
// matches exactly once. The only error is ErrBadCursor.
func (ix *Index) Search(q Query) (Page, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	limit = min(limit, MaxLimit)

	filter, ok := ix.resolveFilters(q.Filters)
	if !ok {
		if _, _, err := decodeCursor(q.After); err != nil {
			return Page{}, err
		}
		return Page{}, nil
	}

	folded := Fold(q.Text)
	if folded == "" {
		return ix.browse(filter, limit, q.After)
	}

	s := ix.scratch.Get().(*scratch)
	defer ix.release(s)

	var (
		res        []cand
		words      []queryWord
		suggestion string
	)
	if looksLikeCode(q.Text, folded) {
		res = ix.searchCode(codeKey(folded), filter)
	}
	if res == nil {
		words = ix.parse(folded, endsInWord(q.Text))
		res = ix.searchText(s, words, filter)
		if d, ok := ix.codes[codeKey(folded)]; ok && ix.passes(d, filter) {
			res = slices.DeleteFunc(res, func(c cand) bool { return c.doc == d })
			res = append(res, cand{doc: d, score: codeExactScore})
		}
	}

	page, err := ix.paginate(res, limit, q.After)
	if err != nil {
		return Page{}, err
	}
	for i := range page.Hits {
		page.Hits[i].Highlights = ix.highlights(s, ix.docByID[page.Hits[i].ID])
	}
	if len(res) > 0 {
		suggestion = ix.suggest(s, words, res)
	}
	page.Suggestion = suggestion
	return page, nil
}

func (ix *Index) release(s *scratch) {
	for _, c := range s.cands {
		s.slot[c.doc] = 0
	}
	for _, d := range s.rejected {
		s.slot[d] = 0
	}
	for _, t := range s.touched {
		s.termMask[t] = 0
	}
	s.cands, s.acc, s.touched, s.rejected = s.cands[:0], s.acc[:0], s.touched[:0], s.rejected[:0]
	ix.scratch.Put(s)
}

// endsInWord reports whether the text ends inside a word, so that its
// last word may still be being typed.
func endsInWord(text string) bool {
	r, _ := utf8.DecodeLastRuneInString(text)
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// looksLikeCode reports whether text is a procedure code or the start of
// one: digits and separators only, with a dot ("1.0011") or at least six
// digits ("1001193"). "2026" stays a text search.
func looksLikeCode(text, folded string) bool {
	digits := 0
	for i := 0; i < len(folded); i++ {
		switch c := folded[i]; {
		case '0' <= c && c <= '9':
			digits++
		case c != ' ':
			return false
		}
	}
	return digits >= 6 || (digits >= 2 && strings.Contains(text, "."))
}

// searchCode finds the document with code key, then those whose code
// starts with it.
func (ix *Index) searchCode(key string, filter []int32) []cand {
	var res []cand
	lo, _ := slices.BinarySearch(ix.codeKeys, key)
	for i, d := range ix.codeOrder[lo:] {
		ck := ix.codeKeys[lo+i]
		if !strings.HasPrefix(ck, key) {
			break
		}
		if !ix.passes(d, filter) {
			continue
		}
		score := 1.0
		if ck == key {
			score = codeExactScore
		}
		res = append(res, cand{doc: d, score: score})
	}
	return res
}

// parse turns folded query text into words and what each matches in the
// vocabulary: itself; if it is the last word and may be unfinished, the
// words it starts; failing those, its Telex/VNI reading, two words typed
// together, or words one or two edits away.
func (ix *Index) parse(folded string, lastOpen bool) []queryWord {
	// Repeated words are kept: "cấp lại giấy phép lái xe" folds to two
	// "lai", and each should find its own place in the name's phrase.
	shown := strings.Fields(folded)
	raw := make([]string, len(shown))
	for i, f := range shown {
		raw[i] = string(canonical([]byte(f)))
	}
	var words []queryWord
	for i, w := range raw {
		if len(words) >= maxQueryWords {
			break
		}
		last := lastOpen && i == len(raw)-1
		qw := queryWord{text: shown[i], optional: optionalWords[w]}
		for _, p := range optionalPairs {
			if (i+1 < len(raw) && w == p[0] && raw[i+1] == p[1]) || (i > 0 && raw[i-1] == p[0] && w == p[1]) {
				qw.optional = true
			}
		}
		if id, ok := ix.termID[w]; ok {
			qw.exps = append(qw.exps, expansion{id, wExact})
			if last {
				qw.exps = ix.appendCompletions(qw.exps, w, id, wExtension)
			}
			words = append(words, qw)
			continue
		}
		if last {
			if qw.exps = ix.appendCompletions(qw.exps, w, -1, wCompletion); len(qw.exps) > 0 {
				words = append(words, qw)
				continue
			}
		}
		u := untypeVietnamese(w)
		if id, ok := ix.termID[u]; ok && u != "" {
			qw.exps = append(qw.exps, expansion{id, wUntyped})
			words = append(words, qw)
			continue
		}
		if a, b, ok := ix.split(w); ok {
			for _, part := range []string{a, b} {
				if len(words) < maxQueryWords {
					words = append(words, queryWord{text: part, exps: []expansion{{ix.termID[part], wSplit}}})
				}
			}
			continue
		}
		qw.exps = ix.appendTypos(qw.exps, w)
		if u != "" {
			qw.exps = ix.appendTypos(qw.exps, u)
		}
		qw.corrected = len(qw.exps) > 0
		words = append(words, qw) // possibly matching nothing: it still counts as a word to match
	}
	// Function words are optional only beside content words.
	allOptional := true
	for _, w := range words {
		allOptional = allOptional && w.optional
	}
	if allOptional {
		for i := range words {
			words[i].optional = false
		}
	}
	return words
}

// appendCompletions adds the terms starting with prefix (except the term
// skip), the most frequent first when there are too many.
func (ix *Index) appendCompletions(exps []expansion, prefix string, skip int32, weight float32) []expansion {
	lo, hi := ix.prefixRange(prefix)
	ids := make([]int32, 0, hi-lo)
	for t := lo; t < hi; t++ {
		if int32(t) != skip {
			ids = append(ids, int32(t))
		}
	}
	if len(ids) > maxCompletions {
		slices.SortStableFunc(ids, func(a, b int32) int { return cmp.Compare(ix.df[b], ix.df[a]) })
		ids = ids[:maxCompletions]
	}
	for _, id := range ids {
		exps = append(exps, expansion{id, weight})
	}
	return exps
}

// split finds w as two indexed words typed without a space ("dangky"),
// preferring the split whose rarer half is the most common.
func (ix *Index) split(w string) (a, b string, ok bool) {
	best := int32(0)
	for i := 2; i+2 <= len(w); i++ {
		x, y := string(canonical([]byte(w[:i]))), string(canonical([]byte(w[i:])))
		ix1, ok1 := ix.termID[x]
		ix2, ok2 := ix.termID[y]
		if ok1 && ok2 {
			if m := min(ix.df[ix1], ix.df[ix2]); m > best {
				a, b, ok, best = x, y, true, m
			}
		}
	}
	return a, b, ok
}

// appendTypos adds the terms within edit distance 1 of w (2 when w has
// seven letters or more), adjacent transpositions counting as one edit.
// Words of one or two letters are too short to guess.
func (ix *Index) appendTypos(exps []expansion, w string) []expansion {
	maxD := 0
	switch {
	case len(w) >= 7:
		maxD = 2
	case len(w) >= 3:
		maxD = 1
	}
	for l := len(w) - maxD; l <= len(w)+maxD && maxD > 0; l++ {
		if l <= 0 || l >= len(ix.byLen) {
			continue
		}
		for _, id := range ix.byLen[l] {
			d := osaDistance(w, ix.terms[id], maxD)
			if d > maxD {
				continue
			}
			wt := float32(wTypo1)
			if d == 2 {
				wt = wTypo2
			}
			if i := slices.IndexFunc(exps, func(e expansion) bool { return e.term == id }); i >= 0 {
				exps[i].weight = max(exps[i].weight, wt)
				continue
			}
			exps = append(exps, expansion{id, wt})
		}
	}
	return exps
}

// searchText scores every document matching at least one query word, and
// keeps those matching enough of the words that must match.
func (ix *Index) searchText(s *scratch, words []queryWord, filter []int32) []cand {
	nw := len(words)
	if nw == 0 {
		return nil
	}
	for i, w := range words {
		for _, e := range w.exps {
			if s.termMask[e.term] == 0 {
				s.touched = append(s.touched, e.term)
			}
			s.termMask[e.term] |= 1 << i
			for _, p := range ix.postings[ix.postOff[e.term]:ix.postOff[e.term+1]] {
				k := s.slot[p.doc]
				if k < 0 {
					continue
				}
				if k == 0 {
					if !ix.passes(p.doc, filter) {
						s.slot[p.doc] = -1
						s.rejected = append(s.rejected, p.doc)
						continue
					}
					s.cands = append(s.cands, cand{doc: p.doc})
					s.acc = append(s.acc, make([]accEntry, nw)...)
					k = int32(len(s.cands))
					s.slot[p.doc] = k
				}
				a := &s.acc[int(k-1)*nw+i]
				if v := e.weight * p.score; v > a.score {
					a.score, a.term = v, e.term
				}
			}
		}
	}

	required := 0
	var requiredMask uint32
	for i, w := range words {
		if !w.optional {
			required++
			requiredMask |= 1 << i
		}
	}
	need := required - required/3 // all of 1 or 2 words, 2 of 3, 3 of 4...

	tiers := make([]int, len(s.cands))
	best := 0
	for ci := range s.cands {
		c := &s.cands[ci]
		acc := s.acc[ci*nw : (ci+1)*nw]
		var rel float64
		var matched uint32
		for i := range acc {
			if acc[i].score > 0 {
				rel += float64(acc[i].score)
				matched |= 1 << i
			}
		}
		tier := popcount(matched & requiredMask)
		if popcount(matched) >= 2 {
			run, used := ix.phrase(s, c.doc)
			n := len(ix.docs[c.doc].nameTerms)
			rel += wPhrase*float64(run-1)/float64(nw-1) + wCoverage*float64(used)/float64(n)
			if used == n && used == nw {
				rel += wExactSet
			}
		}
		tiers[ci] = tier
		best = max(best, tier)
		// Documents matching more of the required words always come
		// first; relevance, squashed into [0, 1), orders a tier.
		c.score = float64(tier) + rel/(rel+4)
	}
	need = min(need, best)
	out := make([]cand, 0, len(s.cands))
	for ci, c := range s.cands {
		if tiers[ci] >= need && tiers[ci] > 0 {
			out = append(out, c)
		}
	}
	return out
}

// phrase measures how the query sits in the document's name: the longest
// run of consecutive name words matching distinct query words (in any
// order), and how many name words match a query word not already matched
// by an earlier name word, so that repeating a word does not cover more.
func (ix *Index) phrase(s *scratch, doc int32) (run, used int) {
	cur := 0
	var inRun, inName uint32
	run = 1
	for _, t := range ix.docs[doc].nameTerms {
		m := s.termMask[t]
		if free := m &^ inName; free != 0 {
			inName |= free & -free
			used++
		}
		if free := m &^ inRun; free != 0 {
			inRun |= free & -free
			cur++
		} else if m != 0 {
			inRun, cur = m&-m, 1
		} else {
			inRun, cur = 0, 0
		}
		run = max(run, cur)
	}
	return run, used
}

func popcount(x uint32) int {
	n := 0
	for ; x != 0; x &= x - 1 {
		n++
	}
	return n
}

// resolveFilters maps filters to facet value IDs; false when some value
// occurs in no document (so nothing can match).
func (ix *Index) resolveFilters(filters map[string]string) ([]int32, bool) {
	var ids []int32
	for k, v := range filters {
		id, ok := ix.facets[k][Fold(v)]
		if !ok {
			return nil, false
		}
		ids = append(ids, id)
	}
	return ids, true
}

func (ix *Index) passes(doc int32, filter []int32) bool {
	vals := ix.docs[doc].facetVals
	for _, f := range filter {
		if _, ok := slices.BinarySearch(vals, f); !ok {
			return false
		}
	}
	return true
}

// browse lists the documents passing the filter alphabetically.
func (ix *Index) browse(filter []int32, limit int, after string) (Page, error) {
	start := 0
	if after != "" {
		kind, pos, err := decodeCursor(after)
		if err != nil || kind != 'n' {
			return Page{}, ErrBadCursor
		}
		rank, id := int(pos.rank), pos.id
		switch d, ok := ix.docByID[id]; {
		case rank < len(ix.nameOrder) && ix.docs[ix.nameOrder[rank]].id == id:
			start = rank + 1
		case ok: // the index was rebuilt since: continue after the same document
			start = int(ix.nameRank[d]) + 1
		default:
			start = min(rank, len(ix.nameOrder))
		}
	}
	var p Page
	if len(filter) == 0 {
		p.Total = len(ix.docs)
	}
	for r, d := range ix.nameOrder {
		if len(filter) > 0 && !ix.passes(d, filter) {
			continue
		}
		if len(filter) > 0 {
			p.Total++
		}
		if r < start {
			continue
		}
		if len(p.Hits) == limit {
			if p.Next == "" {
				last := p.Hits[len(p.Hits)-1]
				p.Next = encodeCursor('n', cursorPos{rank: int64(ix.nameRank[ix.docByID[last.ID]]), id: last.ID})
			}
			if len(filter) == 0 {
				break
			}
			continue
		}
		p.Hits = append(p.Hits, Hit{ID: ix.docs[d].id, Name: ix.docs[d].name})
	}
	return p, nil
}

// paginate orders results by score, then ID, and cuts the page after the
// cursor.
func (ix *Index) paginate(res []cand, limit int, after string) (Page, error) {
	p := Page{Total: len(res)}
	if after != "" {
		kind, pos, err := decodeCursor(after)
		if err != nil || kind != 's' {
			return Page{}, ErrBadCursor
		}
		res = slices.DeleteFunc(res, func(c cand) bool {
			return c.score > pos.score || (c.score == pos.score && ix.docs[c.doc].id <= pos.id)
		})
	}
	slices.SortFunc(res, func(a, b cand) int {
		if c := cmp.Compare(b.score, a.score); c != 0 {
			return c
		}
		return strings.Compare(ix.docs[a.doc].id, ix.docs[b.doc].id)
	})
	more := len(res) > limit
	res = res[:min(limit, len(res))]
	p.Hits = make([]Hit, len(res))
	for i, c := range res {
		p.Hits[i] = Hit{ID: ix.docs[c.doc].id, Name: ix.docs[c.doc].name, Score: c.score}
	}
	if more {
		last := res[len(res)-1]
		p.Next = encodeCursor('s', cursorPos{score: last.score, id: ix.docs[last.doc].id})
	}
	return p, nil
}

// highlights returns the byte ranges of the document's name whose words
// matched the query.
func (ix *Index) highlights(s *scratch, doc int32) []Span {
	var spans []Span
	if len(s.touched) == 0 {
		return nil
	}
	scanWords(ix.docs[doc].name, func(w []byte, start, end int) {
		if id, ok := ix.termID[string(canonical(w))]; ok && s.termMask[id] != 0 {
			spans = append(spans, Span{start, end})
		}
	})
	return spans
}

// suggest spells out how a query with typos was understood, using the
// words the best document matched.
func (ix *Index) suggest(s *scratch, words []queryWord, res []cand) string {
	corrected := false
	for _, w := range words {
		corrected = corrected || w.corrected
	}
	if !corrected {
		return ""
	}
	top := res[0]
	for _, c := range res[1:] {
		if c.score > top.score || (c.score == top.score && ix.docs[c.doc].id < ix.docs[top.doc].id) {
			top = c
		}
	}
	k := s.slot[top.doc]
	if k <= 0 {
		return ""
	}
	nw := len(words)
	acc := s.acc[int(k-1)*nw : int(k)*nw]
	parts := make([]string, 0, nw)
	for i, w := range words {
		if w.corrected && acc[i].score > 0 {
			// Spell the word as the document does ("ky", not the
			// index's "ki").
			term := ix.terms[acc[i].term]
			scanWords(ix.docs[top.doc].name, func(f []byte, _, _ int) {
				if string(canonical(slices.Clone(f))) == term {
					term = string(f)
				}
			})
			parts = append(parts, term)
		} else {
			parts = append(parts, w.text)
		}
	}
	return strings.Join(parts, " ")
}

// Cursors are base64url of "s<score bits in hex>:<id>" or
// "n<alphabetical rank>:<id>". The ID makes them survive a rebuilt index.
type cursorPos struct {
	score float64
	rank  int64
	id    string
}

func encodeCursor(kind byte, p cursorPos) string {
	var b []byte
	b = append(b, kind)
	if kind == 's' {
		b = strconv.AppendUint(b, math.Float64bits(p.score), 16)
	} else {
		b = strconv.AppendInt(b, p.rank, 10)
	}
	b = append(b, ':')
	b = append(b, p.id...)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(c string) (byte, cursorPos, error) {
	if c == "" {
		return 0, cursorPos{}, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || len(raw) < 3 {
		return 0, cursorPos{}, ErrBadCursor
	}
	num, id, ok := strings.Cut(string(raw[1:]), ":")
	if !ok || id == "" {
		return 0, cursorPos{}, ErrBadCursor
	}
	var p cursorPos
	p.id = id
	switch raw[0] {
	case 's':
		bits, err := strconv.ParseUint(num, 16, 64)
		if err != nil || math.IsNaN(math.Float64frombits(bits)) {
			return 0, cursorPos{}, ErrBadCursor
		}
		p.score = math.Float64frombits(bits)
	case 'n':
		r, err := strconv.ParseInt(num, 10, 64)
		if err != nil || r < 0 {
			return 0, cursorPos{}, ErrBadCursor
		}
		p.rank = r
	default:
		return 0, cursorPos{}, ErrBadCursor
	}
	return raw[0], p, nil
}
