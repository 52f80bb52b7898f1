package natconv

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"egov/internal/catalog"
)

// The "Căn cứ pháp lý" table: a header, then rows of title and number
// run together ("Luật 54/2014/QH1354/2014/QH13Thông tư ...").
var legalHeaders = []string{"Tên văn bản pháp lýMã văn bản", "Tên văn bản pháp lýSố ký hiệu", "Tên văn bản pháp lý"}

// legalNumRe matches a document number: "42/2024/QH15", "123/2015/NĐ-CP",
// "66.7/2025/NQ-CP", "1085/QĐ-TTg". A symbol's letters may end in two
// digits (QH15, UBTVQH13) but no more, so that "QH1354/2014/QH13" reads
// as "QH13" then "54/2014/QH13"; other codes end in letters.
var legalNumRe = regexp.MustCompile(`\d+(?:\.\d+)?/(?:\d{4}/)?(?:[A-ZĐ]*QH\d{2}|TTg|[A-ZĐ]+)(?:-(?:TTg|[A-ZĐ]+))*`)

type legalResult struct {
	Docs      []catalog.LegalDoc
	NoNumber  []string // titles with no number after them
	Malformed []string // numbers cut short by the crawl ("118/2025/NĐ-C")
}

// parseLegal splits the table into documents. A number ends a row when
// it ends the text or the next title is glued to it; a number followed
// by a space or punctuation is part of a title. When a row's title is
// empty, the number before it belonged to the title (the title cell
// often repeats the number: "Luật 54/2014/QH13" + "54/2014/QH13").
func parseLegal(s string) legalResult {
	var res legalResult
	s = clean(stripDebris(s))
	for _, h := range legalHeaders {
		if strings.HasPrefix(s, h) {
			s = s[len(h):]
			break
		}
	}
	if cleanCell(s) == "" {
		return res
	}
	prev := 0
	for _, m := range legalNumRe.FindAllStringIndex(s, -1) {
		if m[0] < prev {
			continue
		}
		m[1] = trimGluedCapital(s, m[0], m[1])
		m[0] = trimGluedYear(s, m[0])
		rest := s[m[1]:]
		if rest != "" && !glued(rest) {
			continue
		}
		title := cleanTitle(s[prev:m[0]])
		num := s[m[0]:m[1]]
		// The portal cuts some decrees' and resolutions' numbers to
		// "NĐ-C", "NQ-C": only the Government issues those, so the code
		// is certain.
		if strings.HasSuffix(num, "NĐ-C") || strings.HasSuffix(num, "NQ-C") {
			num += "P"
		}
		if title == "" && len(res.Docs) > 0 {
			last := &res.Docs[len(res.Docs)-1]
			last.Title = cleanTitle(last.Title + " " + last.Number)
			last.Number = num
		} else {
			if title == "" {
				title = num
			}
			res.Docs = append(res.Docs, catalog.LegalDoc{Number: num, Title: title})
		}
		if malformedNumber(num) {
			res.Malformed = append(res.Malformed, num)
		}
		prev = m[1]
	}
	if t := cleanTitle(s[prev:]); t != "" {
		res.NoNumber = append(res.NoNumber, t)
		res.Docs = append(res.Docs, catalog.LegalDoc{Title: t})
	}
	return res
}

// issuers are the issuing-body codes that end a number ("NĐ-CP",
// "TT-BTC"). They settle where a number ends when a title is glued to
// it: "NĐ-CPSửa đổi" is "NĐ-CP" + "Sửa đổi", "NĐ-CPhướng dẫn" is "NĐ-CP" +
// "hướng dẫn".
var issuers = map[string]bool{
	"CP": true, "TTg": true, "QH": true, "UBTVQH": true, "VPCP": true, "BTC": true, "BTP": true, "BCA": true,
	"BXD": true, "NHNN": true, "BNNMT": true, "BNNPTNT": true, "BTNMT": true, "BGTVT": true, "BLĐTBXH": true,
	"BYT": true, "BCT": true, "BKHĐT": true, "BNV": true, "BQP": true, "BHXH": true, "BTTTT": true, "BGDĐT": true,
	"BVHTTDL": true, "BKHCN": true, "BNG": true, "TANDTC": true, "VKSNDTC": true, "KTNN": true, "UBCKNN": true,
	"UBDT": true, "TTCP": true, "HĐTP": true, "BTNMT-BTC": true, "BTC-BTP": true, "NHNN-BTC": true,
}

// trimGluedCapital moves the end of a number matched greedily into a
// glued title back to where the issuer's code ends.
func trimGluedCapital(s string, start, end int) int {
	num := s[start:end]
	seg := num[strings.LastIndexAny(num, "/-")+1:]
	next, _ := utf8.DecodeRuneInString(s[end:])
	if !unicode.IsLetter(next) {
		return end
	}
	if issuers[trimDigits(seg)] {
		return end
	}
	// Drop capitals from the end while the rest is a known issuer, or,
	// failing that, the one capital that starts a capitalised title.
	for cut := len(seg) - 1; cut >= 1; cut-- {
		if issuers[trimDigits(seg[:cut])] && (unicode.IsUpper(firstRune(seg[cut:])) || unicode.IsLower(next)) {
			return end - (len(seg) - cut)
		}
	}
	if unicode.IsLower(next) {
		last, size := utf8.DecodeLastRuneInString(num)
		if unicode.IsUpper(last) && len(seg) > size {
			return end - size
		}
	}
	return end
}

// trimGluedYear drops a year the title ended with from a number glued
// to it: "sửa đổi 2023" + "23/2023/QH15" reads "202323/2023/QH15".
func trimGluedYear(s string, start int) int {
	run := 0
	for start+run < len(s) && s[start+run] >= '0' && s[start+run] <= '9' {
		run++
	}
	if run >= 5 && (strings.HasPrefix(s[start:], "19") || strings.HasPrefix(s[start:], "20")) {
		return start + 4
	}
	return start
}

func trimDigits(s string) string { return strings.TrimRight(s, "0123456789") }

func firstRune(s string) rune {
	r, _ := utf8.DecodeRuneInString(s)
	return r
}

func cleanTitle(s string) string {
	return strings.Trim(clean(s), " ;,.-")
}

// malformedNumber reports a number whose issuer code was cut by the
// crawl ("118/2025/NĐ-C").
func malformedNumber(n string) bool {
	seg := n[strings.LastIndexAny(n, "/-")+1:]
	return utf8.RuneCountInString(seg) == 1
}
