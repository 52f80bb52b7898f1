package adminunits

import (
	"strings"
)

var (
	districtWords   = keyList("huyện", "quận", "thị xã", "thị trấn")
	cityWords       = keyList("thành phố")
	communeWords    = keyList("xã", "phường", "đặc khu")
	districtAbbr    = []string{"q.", "h.", "tx.", "tt."}
	countryNames    = []string{"viet nam", "vietnam", "vn"}
	asciiDistrict   = []string{"huyen", "quan", "thi xa", "thi tran"}
	asciiCommune    = []string{"xa", "phuong", "dac khu"}
	communeAbbr     = []string{"p.", "x."}
	cityAbbr        = []string{"tp.", "tp"}
	asciiCityPrefix = "thanh pho"
)

// DetectOldAddress reports whether an address is written the way it was
// before 1 July 2025, with a district level that no longer exists: it
// names a district ("Huyện Cao Lộc", "Quận 1", "Q.3", "Thị xã", and the
// townships "Thị trấn" that belonged to districts), a city that is not one
// of today's centrally-run cities ("Thành phố Lạng Sơn", "TP. Thủ Đức"), or
// it has two or more parts after the commune ("Xã Hoàng Đồng, Cao Lộc,
// Lạng Sơn"). Such an address cannot be mapped to today's units without a
// person, so forms keep it as free text and flag it.
//
// Text without any accents is read more loosely ("quan 1", "huyen Cao
// Loc"), at the price of a rare false alarm on a street named after a
// person; a false alarm only sends the address to a person.
func DetectOldAddress(text string) bool {
	ascii := isASCII(text)
	parts := strings.FieldsFunc(text, func(r rune) bool { return r == ',' || r == ';' || r == '\n' || r == '|' })
	lastCommune, after := -1, 0
	for i, part := range parts {
		ws := tokens(part)
		if len(ws) == 0 {
			continue
		}
		ek := make([]string, len(ws))
		fk := make([]string, len(ws))
		for j, w := range ws {
			ek[j], fk[j] = exactWord(w), foldWord(w)
		}
		// District words anywhere, with accents: they mean nothing else.
		for j := range ek {
			for _, p := range districtWords {
				if hasAt(ek, j, p) && j+len(p) < len(ek) {
					return true
				}
			}
		}
		// Abbreviations, and "Q1", "Q.10" anywhere.
		if contains(districtAbbr, ws[0]) && len(ws) > 1 {
			return true
		}
		for j, w := range fk {
			if len(w) > 1 && w[0] == 'q' && isDigits(w[1:]) {
				return true
			}
			if (w == "q" || w == "quan") && j+1 < len(fk) && isDigits(fk[j+1]) {
				return true
			}
		}
		if ascii {
			for _, p := range asciiDistrict {
				if strings.HasPrefix(strings.Join(fk, " "), p+" ") {
					return true
				}
			}
		}
		// A city that is not a centrally-run one was a district-level city.
		rest := -1
		switch {
		case contains(cityAbbr, ws[0]):
			rest = 1
		case hasAt(ek, 0, cityWords[0]) || (ascii && strings.HasPrefix(strings.Join(fk, " "), asciiCityPrefix+" ")):
			rest = 2
		}
		if rest > 0 && rest < len(ws) && !isCentralCity(mapWords(ws[rest:], foldWord)) {
			return true
		}
		// Structure: count the parts after the last commune-level part.
		isCommune := contains(communeAbbr, ws[0]) && len(ws) > 1
		for _, p := range communeWords {
			isCommune = isCommune || (hasAt(ek, 0, p) && len(ek) > len(p))
		}
		if ascii {
			for _, p := range asciiCommune {
				isCommune = isCommune || strings.HasPrefix(strings.Join(fk, " "), p+" ")
			}
		}
		switch {
		case isCommune:
			lastCommune, after = i, 0
		case lastCommune >= 0 && !contains(countryNames, strings.Join(fk, " ")):
			after++
		}
	}
	return after >= 2
}

// hasAt reports whether the keys ks hold the phrase p at position i.
func hasAt(ks []string, i int, p []string) bool {
	if i+len(p) > len(ks) {
		return false
	}
	for j, k := range p {
		if ks[i+j] != k {
			return false
		}
	}
	return true
}

func isCentralCity(folded string) bool {
	if alias, ok := provinceAliases[folded]; ok {
		folded = alias
	}
	for _, p := range data().provinces {
		if p.Type == TypeCity && (foldedName(p) == folded) {
			return true
		}
	}
	return false
}

func foldedName(p Province) string { return fold(p.Name) }
