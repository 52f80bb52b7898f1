package search

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// foldTable maps the runes below foldTableSize to their folded form:
// a rune to emit, foldSkip for combining marks (dropped without ending
// the word, so decomposed input folds like composed input) or foldSep for
// characters that separate words.
const (
	foldTableSize = 0x2000 // Latin, Latin Extended, Vietnamese (U+1EA0..U+1EF9), combining marks
	foldSkip      = -1
	foldSep       = 0
)

var foldTable = func() []rune {
	t := make([]rune, foldTableSize)
	for r := rune(0); r < foldTableSize; r++ {
		t[r] = foldRuneSlow(r)
	}
	return t
}()

func foldRuneSlow(r rune) rune {
	switch {
	case r == 'đ' || r == 'Đ':
		return 'd'
	case unicode.Is(unicode.Mn, r):
		return foldSkip
	case !unicode.IsLetter(r) && !unicode.IsDigit(r):
		return foldSep
	}
	// Keep the base letter of the canonical decomposition: "ệ" -> "e",
	// "ư" -> "u". Letters with no decomposition (ø, ß, other scripts) stay
	// themselves, lowercased.
	base, _ := utf8.DecodeRuneInString(norm.NFD.String(string(r)))
	if base == utf8.RuneError {
		base = r
	}
	return unicode.ToLower(base)
}

func foldRune(r rune) rune {
	if r < foldTableSize {
		return foldTable[r]
	}
	return foldRuneSlow(r)
}

// Fold is the normalisation that search applies to documents and queries
// alike: Vietnamese diacritics removed (including đ/Đ -> d, composed or
// decomposed input), lower case, every run of punctuation and spaces
// turned into one space, trimmed. "Thủ tục ĐĂNG KÝ khai sinh!" folds to
// "thu tuc dang ky khai sinh", and "1.001193" to "1 001193".
//
// The index goes one step further on each word (see canonical): the i/y
// spelling variants (kỹ/kĩ, lý/lí) are made equal.
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	scanWords(s, func(w []byte, _, _ int) {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.Write(w)
	})
	return b.String()
}

// scanWords calls fn for every folded word of s with its byte range in s.
// The slice passed to fn is reused between calls.
func scanWords(s string, fn func(word []byte, start, end int)) {
	var buf [64]byte
	w := buf[:0]
	start := -1
	end := 0
	for i, r := range s {
		var f rune
		if r < utf8.RuneSelf {
			switch {
			case 'a' <= r && r <= 'z', '0' <= r && r <= '9':
				f = r
			case 'A' <= r && r <= 'Z':
				f = r + ('a' - 'A')
			default:
				f = foldSep
			}
		} else {
			f = foldRune(r)
		}
		switch f {
		case foldSkip:
			if start >= 0 {
				end = i + utf8.RuneLen(r)
			}
		case foldSep:
			if start >= 0 {
				fn(w, start, end)
				w, start = w[:0], -1
			}
		default:
			if start < 0 {
				start = i
			}
			w = utf8.AppendRune(w, f)
			end = i + utf8.RuneLen(r)
		}
	}
	if start >= 0 {
		fn(w, start, end)
	}
}

// canonical makes the i/y spelling variants of one folded word equal:
// after a consonant, a final "y" is written "i" ("ky" and "ki" both become
// "ki": kỹ/kĩ thuật, lý/lí lịch, sỹ/sĩ). "uy", "ay" and "ây" are distinct
// sounds and are kept ("quy", "tay").
func canonical(w []byte) []byte {
	n := len(w)
	if n < 2 || w[n-1] != 'y' {
		return w
	}
	for _, c := range w[:n-1] {
		if !('a' <= c && c <= 'z') || isVowel(c) {
			return w
		}
	}
	w[n-1] = 'i'
	return w
}

func isVowel(c byte) bool {
	switch c {
	case 'a', 'e', 'i', 'o', 'u', 'y':
		return true
	}
	return false
}

// tokens returns the canonical folded words of s.
func tokens(s string) []string {
	var out []string
	scanWords(s, func(w []byte, _, _ int) {
		out = append(out, string(canonical(w)))
	})
	return out
}

// untypeVietnamese undoes the Telex and VNI keystrokes that appear when
// someone types Vietnamese with the input method switched off: "ddawngs"
// (đăng), "kys" (ký), "d9ang" (đang), "ky1" (ký). Folded Vietnamese words
// never hold s, f, r, x, j or z after their first vowel, "dd", or digits
// mixed with letters, so the decoding is only tried on words that are not
// in the vocabulary. It returns "" when nothing changed.
func untypeVietnamese(w string) string {
	hasLetter, hasDigit := false, false
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c >= 0x80 {
			return ""
		}
		if '0' <= c && c <= '9' {
			hasDigit = true
		} else {
			hasLetter = true
		}
	}
	if !hasLetter {
		return ""
	}
	b := make([]byte, 0, len(w))
	seenVowel := false
	for i := 0; i < len(w); i++ {
		c := w[i]
		switch {
		case '0' <= c && c <= '9':
			if hasDigit {
				continue // VNI tone or shape key
			}
		case c == 'd' && i+1 < len(w) && w[i+1] == 'd':
			continue // Telex "dd" = đ
		case c == 'w':
			// Telex aw, ow, uw (ă, ơ, ư) and a bare w (ư).
			if n := len(b); n > 0 && (b[n-1] == 'a' || b[n-1] == 'o' || b[n-1] == 'u') {
				continue
			}
			c = 'u'
		case seenVowel && (c == 's' || c == 'f' || c == 'r' || c == 'x' || c == 'j' || c == 'z'):
			continue // Telex tone key
		case (c == 'a' || c == 'e' || c == 'o') && len(b) > 0 && b[len(b)-1] == c:
			continue // Telex aa, ee, oo (â, ê, ô)
		}
		if isVowel(c) {
			seenVowel = true
		}
		b = append(b, c)
	}
	out := string(canonical(b))
	if out == w || out == "" {
		return ""
	}
	return out
}
