package natconv

import (
	"regexp"
	"strconv"
	"strings"

	"egov/internal/catalog"
)

// feeCell is what a fee cell says.
type feeCell struct {
	Free     bool   // "Miễn phí" (also the portal's default for an empty cell)
	Unstated bool   // "Không có thông tin" or empty
	Amount   int64  // đồng
	Currency string // "VND" or "USD"
	Raw      string
}

var (
	// noteAmountRe finds amounts in a fee note: "1.750.000 đồng",
	// "20.000 vnđ", "200.000đ", "155 USD".
	noteAmountRe = regexp.MustCompile(`(?i)(\d{1,3}(?:[.,]\d{3})+|\d+)\s*(đồng|vnđ|vnd|đ\b|đ/|usd)`)
	setByRe      = regexp.MustCompile(`(Thông tư liên tịch|Thông tư|Nghị định|Nghị quyết|Quyết định|Luật)(?: số)? (\d+(?:\.\d+)?/(?:\d{4}/)?[A-ZĐ][A-ZĐa-z0-9-]*)`)
)

// parseAmount reads "10,000 Việt Nam Đồng", "50.000 đồng", "10 USD".
// Dots and commas are thousands separators: the portal writes no
// fractional đồng.
func parseAmount(s string) (amount int64, currency string, ok bool) {
	m := amountRe.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return 0, "", false
	}
	digits := strings.NewReplacer(".", "", ",", "").Replace(m[1])
	if len(digits) > 15 {
		return 0, "", false
	}
	v, err := strconv.ParseInt(digits, 10, 64)
	if err != nil {
		return 0, "", false
	}
	currency = "VND"
	if m[2] == "USD" {
		currency = "USD"
	}
	return v, currency, true
}

func parseFeeCell(s string) (feeCell, bool) {
	s = strings.TrimSpace(s)
	c := feeCell{Raw: s}
	if _, ok := hasPrefixFold(s, "Miễn phí"); ok {
		c.Free = true
		return c, true
	}
	if s == "" || strings.EqualFold(s, noInfo) {
		c.Unstated = true
		return c, true
	}
	var ok bool
	c.Amount, c.Currency, ok = parseAmount(s)
	return c, ok
}

// noteAmounts lists the amounts a note names, in đồng (USD ones apart).
func noteAmounts(note string) (vnd []int64, usd []int64) {
	for _, m := range noteAmountRe.FindAllStringSubmatch(note, -1) {
		v, err := strconv.ParseInt(strings.NewReplacer(".", "", ",", "").Replace(m[1]), 10, 64)
		if err != nil || v <= 0 {
			continue
		}
		if strings.EqualFold(m[2], "usd") {
			usd = append(usd, v)
		} else {
			vnd = append(vnd, v)
		}
	}
	return vnd, usd
}

// feeKind tells a fee (phí) from a charge (lệ phí) by the words of its
// note. "lệ phí" alone → charge, "phí" alone → fee, both → the first
// named; neither → unknown.
func feeKind(text string) (catalog.FeeKind, bool) {
	t := strings.ToLower(text)
	t = strings.ReplaceAll(t, "phí, lệ phí", "")
	t = strings.ReplaceAll(t, "phí và lệ phí", "")
	charge := strings.Index(t, "lệ phí")
	fee := -1
	for i := 0; i < len(t); {
		j := strings.Index(t[i:], "phí")
		if j < 0 {
			break
		}
		at := i + j
		if !strings.HasSuffix(t[:at], "lệ ") && !strings.HasSuffix(t[:at], "miễn ") {
			fee = at
			break
		}
		i = at + len("phí")
	}
	switch {
	case charge >= 0 && (fee < 0 || charge < fee):
		return catalog.KindCharge, true
	case fee >= 0:
		return catalog.KindFee, true
	}
	return catalog.KindFee, false
}

// feeName is the name a note gives ("Phí thẩm định ...: 1.350.000
// đồng" → "Phí thẩm định ..."), or the kind's generic name.
func feeName(note string, kind catalog.FeeKind) string {
	n := strings.TrimLeft(note, "-+*( ")
	if i := strings.IndexAny(n, ":("); i > 0 && i < 200 {
		lead := strings.TrimSpace(n[:i])
		low := strings.ToLower(lead)
		if (strings.HasPrefix(low, "phí ") || strings.HasPrefix(low, "lệ phí ")) && len(lead) > len("lệ phí ") {
			return lead
		}
	}
	if kind == catalog.KindCharge {
		return "Lệ phí"
	}
	return "Phí"
}

// setBy names the act a note cites ("Thông tư 64/2025/TT-BTC").
func setBy(note string) string {
	if m := setByRe.FindStringSubmatch(note); m != nil {
		return m[1] + " " + m[2]
	}
	return ""
}
