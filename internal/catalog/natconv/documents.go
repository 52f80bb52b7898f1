package natconv

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"egov/internal/catalog"
)

// The "Thành phần hồ sơ" text: groups, each an optional title ("*
// Trường hợp cấp lại ...") then the header below, then rows of name,
// template file name (optional) and count, run together.
const docsHeader = "Tên giấy tờMẫu đơn, tờ khaiSố lượng"

var (
	countRe    = regexp.MustCompile(`(\d+) bản chính(?:\s*,\s*(\d+) bản sao)?`)
	templateRe = regexp.MustCompile(`(?i)\.(docx|doc|pdf|xlsx|xls|odt|rtf|zip|rar)$`)
	extRe      = regexp.MustCompile(`(?i)\.(?:docx|xlsx|doc|xls|pdf|odt|rtf|zip|rar)`)
	bulletRe   = regexp.MustCompile(`^(?:[-+*•–]+|\d{1,2}[.)]|[a-zđ]\))\s*`)
)

// docResult is what parseDocuments made of the text.
type docResult struct {
	Docs    []catalog.Document
	Unsplit []string // text that had no count after it
	Guessed int      // templates whose boundary with the name is a guess
}

// parseDocuments splits the required-documents text into documents.
func parseDocuments(s string) docResult {
	var res docResult
	s = clean(stripDebris(s))
	parts := strings.Split(s, docsHeader)
	if len(parts) == 1 {
		if t := cleanCell(strings.Trim(s, "- ")); t != "" {
			res.Unsplit = append(res.Unsplit, t)
		}
		return res
	}
	// parts[0] is the first group's title; each later part holds rows
	// and, after its last count, the next group's title.
	title := groupTitle(parts[0])
	for k, p := range parts[1:] {
		idx := countRe.FindAllStringSubmatchIndex(p, -1)
		prev := 0
		for _, m := range idx {
			count := countDigits(p[m[2]:m[3]])
			cell := p[prev : m[3]-len(count)]
			d := catalog.Document{Note: title}
			d.Originals, _ = strconv.Atoi(count)
			if m[4] >= 0 {
				d.Copies, _ = strconv.Atoi(p[m[4]:m[5]])
			}
			name, tmpl, guessed := splitTemplate(cell)
			d.Name, d.Template = name, tmpl
			if guessed {
				res.Guessed++
			}
			if d.Name == "" && d.Template != "" {
				d.Name = d.Template
			}
			if d.Name == "" {
				// A count with no name: the portal's "* Số lượng hồ sơ:
				// 02 (bộ)" and the like. Nothing to keep.
				prev = m[1]
				continue
			}
			res.Docs = append(res.Docs, d)
			prev = m[1]
		}
		tail := p[prev:]
		if k+2 < len(parts) {
			title = groupTitle(tail)
		} else if t := cleanCell(strings.Trim(tail, "- ")); t != "" {
			res.Unsplit = append(res.Unsplit, t)
		}
	}
	return res
}

func groupTitle(s string) string {
	return cleanCell(strings.Trim(strings.TrimSpace(s), "-*: "))
}

// countDigits separates a count from digits the name ended with: the
// name "... năm 2025" runs into "1 bản chính" as "20251 bản chính". A
// count is one digit, or two with a leading zero ("01") or 10 when
// nothing glued precedes them.
func countDigits(digits string) string {
	switch {
	case len(digits) == 1:
		return digits
	case len(digits) == 2 && (digits[0] == '0' || digits == "10"):
		return digits
	}
	return digits[len(digits)-1:]
}

// splitTemplate splits "name" + "template file name" run together
// ("... theo Mẫu số 01 Phụ lục I Nghị định 258/2025/NĐ-CPMẫu số
// 01.docx"). The template starts at the first place before the extension
// where the text is glued (see gluePoint). With no such place the last
// words are taken and the split is reported as a guess.
func splitTemplate(cell string) (name, template string, guessed bool) {
	cell = strings.TrimSpace(cell)
	if !templateRe.MatchString(cell) {
		return cleanName(cell), "", false
	}
	// Search a window before the extension: template names are short.
	from := 0
	if len(cell) > 160 {
		from = len(cell) - 160
	}
	cut := -1
	var prev2, prev rune
	stem := cell[:len(cell)-len(templateRe.FindString(cell))]
	for i, r := range stem[from:] {
		at := from + i
		if at > from && gluePoint(prev2, prev, r, stem[at:]) {
			cut = at
			break
		}
		prev2, prev = prev, r
	}
	if cut < 0 {
		// No glue point: take the trailing words up to a sentence mark
		// as the file name.
		cut = strings.LastIndexAny(cell, ";:)") + 1
		if cut == 0 {
			cut = lastWordsStart(cell)
		}
		guessed = true
	}
	name = cleanName(cell[:cut])
	template = strings.Trim(strings.TrimSpace(cell[cut:]), ".;:, ")
	if !templateRe.MatchString(template) {
		template = strings.TrimSpace(cell[cut:])
	}
	// Several templates run together: "A.docxB.docx" → "A.docx; B.docx".
	template = splitTemplates(template)
	if name == "" {
		return cleanName(strings.TrimSuffix(template, templateRe.FindString(template))), template, guessed
	}
	return name, template, guessed
}

// splitTemplates separates file names run together: "A.docxB.doc" →
// "A.docx; B.doc".
func splitTemplates(s string) string {
	var b strings.Builder
	prev := 0
	for _, m := range extRe.FindAllStringIndex(s, -1) {
		end := m[1]
		r, _ := utf8.DecodeRuneInString(s[end:])
		if end == len(s) || !(unicode.IsLetter(r) || unicode.IsDigit(r)) {
			continue
		}
		b.WriteString(strings.TrimSpace(s[prev:end]))
		b.WriteString("; ")
		prev = end
	}
	b.WriteString(strings.TrimSpace(s[prev:]))
	return b.String()
}

// gluePoint reports whether r starts a new cell glued to prev: "Mẫu"
// after anything but a space or opening punctuation, a capital after a
// lower-case letter or closing punctuation (not after a digit: "05A"), a digit after closing
// punctuation, a letter or digit after a word's full stop.
func gluePoint(prev2, prev, r rune, rest string) bool {
	switch {
	case prev == ' ':
		return false
	case strings.HasPrefix(rest, "Mẫu") || strings.HasPrefix(rest, "Mau") || strings.HasPrefix(rest, "mẫu"):
		return !strings.ContainsRune("(\"“'-/", prev)
	case prev == '.':
		// A full stop ends a sentence after a word, not inside "II_36.2025".
		return (unicode.IsLetter(r) || unicode.IsDigit(r)) && (unicode.IsLetter(prev2) || prev2 == ')')
	case unicode.IsUpper(r):
		return unicode.IsLower(prev) || strings.ContainsRune(";):,", prev)
	case unicode.IsDigit(r):
		return strings.ContainsRune(";):,", prev)
	}
	return false
}

// lastWordsStart is where the last three words of s start.
func lastWordsStart(s string) int {
	words := 0
	for i := len(s); i > 0; {
		r, size := utf8.DecodeLastRuneInString(s[:i])
		i -= size
		if r == ' ' {
			words++
			if words == 3 {
				return i + 1
			}
		}
	}
	return 0
}

func cleanName(s string) string {
	s = clean(s)
	for {
		t := bulletRe.ReplaceAllString(s, "")
		if t == s {
			break
		}
		s = t
	}
	return strings.TrimRight(strings.TrimSpace(s), ";,")
}
