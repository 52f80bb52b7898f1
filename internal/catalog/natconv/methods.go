package natconv

import (
	"math"
	"regexp"
	"strconv"
	"strings"

	"egov/internal/catalog"
)

// The "Cách thức thực hiện" table: a header, then one row per channel
// (sometimes several, one per fee case) with the cells run together:
// channel, time, fee, then in parentheses the fee's note, then the
// free-text description.
const methodsHeader = "Hình thức nộpThời gianPhí, lệ phíMô tả"

var channelNames = []struct {
	text string
	ch   catalog.Channel
}{
	{"Dịch vụ bưu chính", catalog.ChannelPost},
	{"Trực tuyến", catalog.ChannelOnline},
	{"Trực tiếp", catalog.ChannelInPerson},
}

// methodRow is one row of the table, its cells as published.
type methodRow struct {
	Channel catalog.Channel
	Time    string // the time cell, e.g. "7 Ngày làm việc", "1", "Không quy định"
	Fee     string // the fee cell, e.g. "10,000 Việt Nam Đồng", "Miễn phí"
	FeeNote string // the parenthesised note after the fee
	Desc    string // the description cell
	// Glued is set when the time had no unit and its digits ran into the
	// fee's ("Trực tuyến140,000 Việt Nam Đồng"): the split is a guess.
	Glued bool
}

var (
	leadNumRe = regexp.MustCompile(`^\d+(?:[.,]\d+)*`)
	amountRe  = regexp.MustCompile(`^(\d{1,3}(?:[.,]\d{3})+|\d+)\s*(Việt Nam Đồng|VNĐ|VND|USD|Đồng|đồng)`)
)

// timeUnits maps the unit words to units, longest first so "Ngày làm
// việc" wins over "Ngày". Months and years have no catalogue unit; they
// convert to calendar days and are flagged.
var timeUnits = []struct {
	word   string
	unit   catalog.TimeUnit
	factor float64
}{
	{"ngày làm việc", catalog.WorkingDays, 1},
	{"giờ làm việc", catalog.WorkingHours, 1},
	{"ngày", catalog.CalendarDays, 1},
	{"giờ", catalog.WorkingHours, 1},
	{"tháng", catalog.CalendarDays, 30},
	{"năm", catalog.CalendarDays, 365},
}

// parseMethods splits the table into rows. A channel name starts a row
// only when the next cell is glued to it ("Trực tuyến7 Ngày"): in the
// descriptions the same words are followed by a space or punctuation.
func parseMethods(s string) []methodRow {
	s = clean(s)
	s = strings.TrimPrefix(s, methodsHeader)
	type start struct {
		at, body int
		ch       catalog.Channel
	}
	var starts []start
	for i := 0; i < len(s); i++ {
		for _, c := range channelNames {
			if strings.HasPrefix(s[i:], c.text) && glued(s[i+len(c.text):]) {
				starts = append(starts, start{i, i + len(c.text), c.ch})
				i += len(c.text) - 1
				break
			}
		}
	}
	rows := make([]methodRow, 0, len(starts))
	for k, st := range starts {
		end := len(s)
		if k+1 < len(starts) {
			end = starts[k+1].at
		}
		r := splitRow(s[st.body:end])
		r.Channel = st.ch
		rows = append(rows, r)
	}
	return rows
}

// splitRow splits a row's body (after the channel) into its cells.
func splitRow(b string) methodRow {
	var r methodRow
	rest := b
	if num := leadNumRe.FindString(b); num != "" {
		after := strings.TrimLeft(b[len(num):], " ")
		unitLen := 0
		for _, u := range timeUnits {
			if n, ok := hasPrefixFold(after, u.word); ok {
				unitLen = n
				break
			}
		}
		switch {
		case unitLen > 0:
			r.Time = b[:len(b)-len(after)+unitLen]
			rest = after[unitLen:]
		case amountRe.MatchString(b):
			// No unit and the digits run into a currency: the time's
			// digits are glued to the amount's.
			t, fee, ok := splitGlued(amountRe.FindStringSubmatch(b)[1])
			if ok {
				r.Time, r.Glued = t, true
				rest = b[len(t):]
				_ = fee
			} else {
				rest = b
			}
		default:
			r.Time = num
			rest = after
		}
	} else {
		// A text time ("Không quy định", "Không phải trả kết quả..."):
		// it runs up to the first fee cell. When the time cell itself is
		// "Không có thông tin", a fee cell follows it.
		if n, ok := hasPrefixFold(b, noInfo); ok && feeAt(b[n:]) > 0 {
			r.Time, rest = noInfo, b[n:]
		} else if i := findFee(b); i >= 0 {
			r.Time, rest = strings.TrimSpace(b[:i]), b[i:]
		} else {
			r.Time, rest = b, ""
		}
	}
	n := feeAt(rest)
	r.Fee = strings.TrimSpace(rest[:n])
	rest = rest[n:]
	// The fee's note is in parentheses, sometimes several in a row
	// ("(/hồ sơ)(áp dụng mức phí 1.750.000 đồng ...)").
	var notes []string
	for n > 0 && strings.HasPrefix(rest, "(") {
		end := closingParen(rest)
		if end < 0 {
			break
		}
		if t := strings.TrimSpace(rest[1:end]); t != "" {
			notes = append(notes, t)
		}
		rest = rest[end+1:]
	}
	r.FeeNote = strings.Join(notes, " ")
	r.Desc = cleanCell(rest)
	return r
}

// feeAt returns the length of the fee cell at the start of s, 0 if none.
func feeAt(s string) int {
	for _, w := range []string{"Miễn phí", noInfo} {
		if n, ok := hasPrefixFold(s, w); ok {
			return n
		}
	}
	if m := amountRe.FindStringIndex(s); m != nil {
		return m[1]
	}
	return 0
}

// findFee returns where the first fee cell in s starts, -1 if none.
func findFee(s string) int {
	for i := range s {
		if i > 0 && !strings.HasPrefix(s[i:], "Miễn") && !strings.HasPrefix(s[i:], "Không") && (s[i] < '0' || s[i] > '9') {
			continue
		}
		if i > 0 && s[i] >= '0' && s[i] <= '9' && s[i-1] >= '0' && s[i-1] <= '9' {
			continue
		}
		if feeAt(s[i:]) > 0 {
			return i
		}
	}
	return -1
}

// closingParen returns the index of the parenthesis closing s[0], or -1.
func closingParen(s string) int {
	depth := 0
	for i, c := range s {
		switch c {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

// splitGlued splits digits where a unit-less time ran into an amount
// ("1100" → "1", "100"; "140,000" → "1", "40,000"): the shortest time
// that leaves a well-formed amount with no leading zero.
func splitGlued(d string) (timePart, amount string, ok bool) {
	for k := 1; k < len(d); k++ {
		t, a := d[:k], d[k:]
		if strings.ContainsAny(t, ".,") {
			return "", "", false
		}
		if a[0] == '0' || a[0] == '.' || a[0] == ',' {
			continue
		}
		if wellGrouped(a) {
			return t, a, true
		}
	}
	return "", "", false
}

func wellGrouped(a string) bool {
	groups := strings.FieldsFunc(a, func(r rune) bool { return r == '.' || r == ',' })
	if len(groups) == 1 {
		return !strings.ContainsAny(a, ".,")
	}
	if len(groups[0]) > 3 {
		return false
	}
	for _, g := range groups[1:] {
		if len(g) != 3 {
			return false
		}
	}
	return true
}

// parseTerm reads a time cell: N (integer or decimal, "1.5", "1,5") and a
// unit. It returns ok=false with what it could read when the unit is
// missing (N > 0, Unit "") or there is no number (N = 0).
func parseTerm(cell string) (t catalog.Term, conv string, ok bool) {
	cell = strings.TrimSpace(cell)
	num := leadNumRe.FindString(cell)
	if num == "" {
		return t, "", false
	}
	n, err := strconv.ParseFloat(strings.Replace(num, ",", ".", 1), 64)
	if err != nil || strings.Count(num, ".")+strings.Count(num, ",") > 1 || math.IsInf(n, 0) || math.IsNaN(n) {
		return t, "", false
	}
	t.N = n
	after := strings.TrimLeft(cell[len(num):], " ")
	for _, u := range timeUnits {
		if _, found := hasPrefixFold(after, u.word); found {
			t.Unit = u.unit
			if u.factor != 1 {
				t.N = n * u.factor
				conv = u.word
			}
			return t, conv, true
		}
	}
	return t, "", false
}

// unitInText finds the unit of a unit-less time N in a description or the
// steps: "05 (năm) ngày làm việc", "trong 3 ngày". The first mention of N
// with a unit wins.
func unitInText(n float64, texts ...string) (catalog.TimeUnit, bool) {
	if n <= 0 || n != math.Trunc(n) || n > 999 {
		return "", false
	}
	re := regexp.MustCompile(`(?i)(?:^|[^\d.,/])0*` + strconv.Itoa(int(n)) + `\s*(?:\([^)]{1,20}\)\s*)?(ngày làm việc|giờ làm việc|ngày|giờ)`)
	for _, s := range texts {
		if m := re.FindStringSubmatch(s); m != nil {
			for _, u := range timeUnits {
				if strings.EqualFold(m[1], u.word) {
					return u.unit, true
				}
			}
		}
	}
	return "", false
}
