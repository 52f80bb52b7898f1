package natconv

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// noInfo is what the portal prints in an empty cell.
const noInfo = "Không có thông tin"

// clean normalises a single-line text: NFC, no control or private-use
// characters (the portal's Wingdings bullets), whitespace collapsed.
func clean(s string) string {
	s = norm.NFC.String(strings.ToValidUTF8(s, ""))
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if r < utf8.RuneSelf { // fast path: most of the text is ASCII
			switch {
			case r == ' ' || (r >= '\t' && r <= '\r'):
				space = true
			case r < 0x20 || r == 0x7f:
			default:
				if space && b.Len() > 0 {
					b.WriteByte(' ')
				}
				space = false
				b.WriteByte(byte(r))
			}
			continue
		}
		switch {
		case unicode.IsSpace(r) || r == '\u00a0' || unicode.Is(unicode.Co, r):
			space = true
			continue
		case unicode.IsControl(r) || r == '\ufeff' || r == '\u200b':
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// cleanCell cleans a table cell's text (as clean does) and empties the
// portal's placeholders.
func cleanCell(s string) string {
	s = clean(stripDebris(s))
	switch strings.ToLower(strings.TrimRight(s, ".")) {
	case "", "không có thông tin", "không", "không có", "không quy định", "-", "--", "----":
		return ""
	}
	return s
}

// debrisMarks start the page furniture the crawler captured after a
// field's last cell (keywords box, agency chooser, "Nộp hồ sơ" button).
var debrisMarks = []string{"Từ khóa" + noInfo, "Từ khóa", "Chọn cơ quan thực hiện", "Hệ thống chỉ hiển thị những cơ quan"}

func stripDebris(s string) string {
	for _, m := range debrisMarks {
		if i := strings.Index(s, m); i >= 0 {
			s = s[:i]
		}
	}
	s = strings.TrimSpace(s)
	s = strings.TrimSuffix(s, "Nộp hồ sơ")
	return s
}

// lines splits a multi-line text into cleaned, non-empty lines.
func lines(s string) []string {
	s = stripDebris(s)
	var out []string
	for _, l := range strings.Split(strings.ReplaceAll(s, "\r", "\n"), "\n") {
		if l = cleanCell(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// hasPrefixFold reports whether s starts with prefix, ignoring case, and
// returns the length in bytes of the matched part of s.
func hasPrefixFold(s, prefix string) (int, bool) {
	n := 0
	for _, pr := range prefix {
		r, size := utf8.DecodeRuneInString(s[n:])
		if size == 0 || unicode.ToLower(r) != unicode.ToLower(pr) {
			return 0, false
		}
		n += size
	}
	return n, true
}

// glued reports whether the text after a cell starts right away with a
// letter or digit: the crawl runs cells together without a space.
func glued(rest string) bool {
	r, _ := utf8.DecodeRuneInString(rest)
	return r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsDigit(r))
}
