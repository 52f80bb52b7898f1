package adminunits

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Vietnamese writes five tones as combining marks. Their placement inside
// a syllable changed (old "hòa", "thủy"; new "hoà", "thuỷ"), and the same
// text may arrive composed or decomposed, so matching folds the tone out of
// the letters and keeps it as a letter at the end of the syllable (the
// Telex letters: f, s, r, x, j).
var tones = map[rune]byte{
	'\u0300': 'f', // huyền
	'\u0301': 's', // sắc
	'\u0309': 'r', // hỏi
	'\u0303': 'x', // ngã
	'\u0323': 'j', // nặng
}

// tokens splits text into lower-case NFC words. Apostrophes inside names
// (Ea H'Leo) are dropped; a word followed by a dot keeps it ("tp.", "p."),
// so abbreviations can be told from words; every other non-letter,
// non-digit separates words.
func tokens(s string) []string {
	s = norm.NFC.String(strings.ToLower(s))
	var out []string
	var cur strings.Builder
	flush := func(suffix string) {
		if cur.Len() > 0 {
			out = append(out, cur.String()+suffix)
			cur.Reset()
		}
	}
	for _, r := range s {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r):
			cur.WriteRune(r)
		case r == '\'' || r == '\u2019' || r == '\u02bc' || r == '`':
		case r == '.':
			flush(".")
		default:
			flush("")
		}
	}
	flush("")
	return out
}

// foldWord removes every accent (tone and vowel marks, đ -> d), a trailing
// dot, and leading zeros of a number ("01" -> "1").
func foldWord(w string) string {
	w = strings.TrimSuffix(w, ".")
	var b strings.Builder
	for _, r := range norm.NFD.String(w) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r == 'đ' || r == 'Đ':
			b.WriteByte('d')
		default:
			b.WriteRune(r)
		}
	}
	f := b.String()
	if isDigits(f) {
		if f = strings.TrimLeft(f, "0"); f == "" {
			f = "0"
		}
	}
	return f
}

// exactWord keeps the vowel marks and đ but moves the tone to the end, so
// that "hoà" and "hòa" (and decomposed forms) give the same key.
func exactWord(w string) string {
	w = strings.TrimSuffix(w, ".")
	var b strings.Builder
	var tone byte
	for _, r := range norm.NFD.String(w) {
		if t, ok := tones[r]; ok {
			tone = t
			continue
		}
		b.WriteRune(r)
	}
	k := norm.NFC.String(b.String())
	if isDigits(k) {
		if k = strings.TrimLeft(k, "0"); k == "" {
			k = "0"
		}
	}
	if tone != 0 {
		k += string(rune(tone))
	}
	return k
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func mapWords(ws []string, f func(string) string) string {
	out := make([]string, 0, len(ws))
	for _, w := range ws {
		if k := f(w); k != "" {
			out = append(out, k)
		}
	}
	return strings.Join(out, " ")
}

// fold is the loose key of a text: no accents, no prefix stripping.
func fold(s string) string { return mapWords(tokens(s), foldWord) }

// exact is the precise key of a text: accents kept, tone placement folded.
func exact(s string) string { return mapWords(tokens(s), exactWord) }

// Prefixes of unit names, as precise keys of their words. The district
// ones are here too, so that names from old addresses normalise alike.
var (
	wordPrefixes       = keyList("thành phố", "thị trấn", "thị xã", "đặc khu", "xã", "phường", "tỉnh", "huyện", "quận")
	wordPrefixesFolded = foldList("thành phố", "thị trấn", "thị xã", "đặc khu", "xã", "phường", "tỉnh", "huyện", "quận")
	abbrPrefixes       = []string{"tp.", "tp", "p.", "x.", "tt.", "tx.", "q.", "h."}
)

// keyList returns the precise keys of the words of each phrase.
func keyList(phrases ...string) [][]string { return wordKeys(exactWord, phrases) }

// foldList returns the loose keys of the words of each phrase.
func foldList(phrases ...string) [][]string { return wordKeys(foldWord, phrases) }

func wordKeys(f func(string) string, phrases []string) [][]string {
	var out [][]string
	for _, p := range phrases {
		var ks []string
		for _, w := range tokens(p) {
			ks = append(ks, f(w))
		}
		out = append(out, ks)
	}
	return out
}

// prefixLen returns how many leading words of ws are a unit prefix. Words
// typed without accents ("xa", "phuong") count only when ascii is set (the
// whole text has no accents): otherwise "Xa Dung" or "Phương Liệt" would
// lose a word of their name.
func prefixLen(ws []string, ascii bool) int {
	if len(ws) == 0 {
		return 0
	}
	if w := ws[0]; len(ws) > 1 && (contains(abbrPrefixes, w)) {
		return 1
	}
	for n, p := range wordPrefixes {
		if len(ws) <= len(p) {
			continue
		}
		match := true
		for i, k := range p {
			w := ws[i]
			if exactWord(w) != k && !(ascii && foldWord(w) == wordPrefixesFolded[n][i]) {
				match = false
				break
			}
		}
		if match {
			return len(p)
		}
	}
	return 0
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func stripPrefix(ws []string, ascii bool) []string { return ws[prefixLen(ws, ascii):] }

// Normalize folds a place name to a key for comparison: lower case, no
// accents (đ as d, so old and new tone-mark placement and composed or
// decomposed text fold alike), words separated by one space, punctuation
// and apostrophes dropped, leading zeros of numbers dropped, and one
// leading unit prefix ("Xã", "Phường", "Thị trấn", "Đặc khu", "Tỉnh",
// "Thành phố", "TP.", "P.", and the old "Huyện", "Quận", "Thị xã")
// removed. "Thành phố Hồ Chí Minh", "TP. HỒ CHÍ MINH" and "ho chi minh"
// all give "ho chi minh".
//
// Without accents a prefix cannot be told from the first word of a name
// ("Xa Dung" is a commune); such prefixes are removed only when the whole
// text has no accents. FindCommune tries the name with and without
// prefix, so it is not misled by this.
func Normalize(name string) string {
	return mapWords(stripPrefix(tokens(name), isASCII(name)), foldWord)
}
