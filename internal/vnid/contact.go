package vnid

import (
	"strings"
)

// PhoneKind tells mobile numbers from fixed lines.
type PhoneKind string

const (
	Mobile   PhoneKind = "mobile"
	Landline PhoneKind = "landline"
)

// Phone is a Vietnamese phone number.
type Phone struct {
	E164 string // "+84912345678"
	Kind PhoneKind
}

// National returns the number as written in Vietnam: "0912345678".
func (p Phone) National() string { return "0" + p.E164[3:] }

// Errors of phone numbers and e-mail addresses. Their keys are stable.
var (
	ErrPhone = invalid("vnid.phone",
		"Số điện thoại không hợp lệ. Nhập số di động 10 chữ số (ví dụ 0912 345 678) hoặc số cố định có mã vùng (ví dụ 0205 3812 345).",
		"The phone number is not valid. Enter a 10-digit mobile number (e.g. 0912 345 678) or a landline with its area code (e.g. 0205 3812 345).")
	ErrEmail = invalid("vnid.email",
		"Địa chỉ thư điện tử không hợp lệ (ví dụ ten@example.vn).",
		"The e-mail address is not valid (e.g. name@example.vn).")
)

// ParsePhone parses a Vietnamese mobile or landline number written with
// the trunk prefix 0, or the country code (+84, 0084, 84), with optional
// spaces, dots, dashes and parentheses between groups. Since the 2017-2018
// renumbering a national significant number is 9 digits starting with 3, 5,
// 7, 8 or 9 for mobiles, and 10 digits starting with 2 for landlines.
// Service numbers (1800, 1900) and foreign numbers are refused.
func ParsePhone(s string) (Phone, error) {
	n := stripSeparators(s, " .-()\u00a0")
	var nsn string
	switch {
	case strings.HasPrefix(n, "+84"):
		nsn = n[3:]
	case strings.HasPrefix(n, "0084"):
		nsn = n[4:]
	case strings.HasPrefix(n, "0"):
		nsn = n[1:]
		if nsn != "" && nsn[0] == '0' {
			return Phone{}, ErrPhone // an international prefix (00...) to another country
		}
	case strings.HasPrefix(n, "84") && (len(n) == 11 || len(n) == 12):
		nsn = n[2:]
	default:
		return Phone{}, ErrPhone
	}
	if len(nsn) == 10 && nsn[0] == '0' {
		nsn = nsn[1:] // "+84 (0) 912 ...": the trunk 0 kept after the country code
	}
	if !onlyDigits(nsn) {
		return Phone{}, ErrPhone
	}
	var kind PhoneKind
	switch {
	case len(nsn) == 9 && strings.IndexByte("35789", nsn[0]) >= 0:
		kind = Mobile
	case len(nsn) == 10 && nsn[0] == '2':
		kind = Landline
	default:
		return Phone{}, ErrPhone
	}
	return Phone{E164: "+84" + nsn, Kind: kind}, nil
}

// ParseEmail checks an e-mail address the way a form should: one @, a
// local part of printable ASCII without spaces, quotes or brackets, no
// leading, trailing or doubled dots, and a domain of at least two
// dot-separated labels of letters, digits and inner hyphens, the last one
// alphabetic (or an A-label, xn--...). It returns the address trimmed, with
// the domain in lower case. Quoted local parts, IP literals and Unicode
// addresses are refused on purpose: nobody types them into a public form,
// and the notification mailer must be able to send to what is accepted.
func ParseEmail(s string) (string, error) {
	s = strings.TrimSpace(s)
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || len(s) > 254 {
		return "", ErrEmail
	}
	local, domain := s[:at], strings.ToLower(s[at+1:])
	if len(local) > 64 || local[0] == '.' || local[len(local)-1] == '.' || strings.Contains(local, "..") {
		return "", ErrEmail
	}
	for i := 0; i < len(local); i++ {
		c := local[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),:;<>@[\]`, c) >= 0 {
			return "", ErrEmail
		}
	}
	labels := strings.Split(domain, ".")
	if len(domain) > 253 || len(labels) < 2 {
		return "", ErrEmail
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return "", ErrEmail
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return "", ErrEmail
			}
		}
	}
	tld := labels[len(labels)-1]
	if !strings.HasPrefix(tld, "xn--") {
		if len(tld) < 2 {
			return "", ErrEmail
		}
		for i := 0; i < len(tld); i++ {
			if tld[i] < 'a' || tld[i] > 'z' {
				return "", ErrEmail
			}
		}
	}
	return local + "@" + domain, nil
}
