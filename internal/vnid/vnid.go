// Package vnid parses and validates the identifiers Vietnamese citizens and
// businesses type into forms: the 12-digit personal ID number (CCCD), the
// enterprise / tax code, phone numbers and e-mail addresses. It is pure
// code with no storage: each parser returns the normalised value or an
// *apperr.Error (category Invalid) with a stable key and a message in
// Vietnamese and English, which callers attach to a form field with Field.
package vnid

import (
	_ "embed"
	"encoding/csv"
	"errors"
	"strings"
	"sync"

	"egov/internal/apperr"
)

// Field turns an error returned by this package into a field error for the
// named form field. Errors of other kinds become a generic invalid-value
// error so that nothing internal leaks into a form.
func Field(field string, err error) apperr.FieldError {
	var e *apperr.Error
	if errors.As(err, &e) {
		return apperr.Field(field, e.Key, e.VI, e.EN)
	}
	return apperr.Field(field, "vnid.invalid", "Giá trị không hợp lệ.", "The value is not valid.")
}

func invalid(key, vi, en string) *apperr.Error { return apperr.New(apperr.Invalid, key, vi, en) }

// provincesCSV is the list of the 63 provinces as they were until 30 June
// 2025 with their 2-digit statistical codes (see README.md for its source
// and the one correction made to it).
//
//go:embed provinces-before-2025.csv
var provincesCSV string

// OldProvince is a province or centrally-run city as it was until 30 June
// 2025. Personal ID numbers issued before then carry its code, and they
// stay valid.
type OldProvince struct {
	Code string // 2 digits, e.g. "20"
	Name string // e.g. "Tỉnh Lạng Sơn"
}

var oldProvinces = sync.OnceValue(func() map[string]OldProvince {
	rows, err := csv.NewReader(strings.NewReader(provincesCSV)).ReadAll()
	if err != nil || len(rows) < 2 {
		panic("vnid: embedded province list is broken")
	}
	m := make(map[string]OldProvince, len(rows)-1)
	for _, r := range rows[1:] {
		m[r[0]] = OldProvince{Code: r[0], Name: r[1]}
	}
	return m
})

// OldProvinceByCode returns the pre-2025 province with the 2-digit code.
func OldProvinceByCode(code string) (OldProvince, bool) {
	p, ok := oldProvinces()[code]
	return p, ok
}

// onlyDigits reports whether s is non-empty and all ASCII digits.
func onlyDigits(s string) bool {
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

// stripSeparators removes the spaces, dots and dashes people put between
// groups of digits ("001 099 012345"), and surrounding white space.
func stripSeparators(s string, seps string) string {
	s = strings.TrimSpace(s)
	if !strings.ContainsAny(s, seps) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if !strings.ContainsRune(seps, r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}
