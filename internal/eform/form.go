// Package eform holds the e-forms of administrative procedures as data: a
// form definition (fields, types, options, limits, conditions) that is
// stored and versioned as JSON with the procedure catalogue, the check of a
// definition, the server-side check of a submission, which turns what the
// applicant typed into typed values or field errors in Vietnamese and
// English, and a view model that the web package renders.
//
// It has no storage, no HTTP and no HTML; files are checked from metadata
// the caller supplies.
package eform

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// Text is a text in Vietnamese, optionally in English.
type Text struct {
	VI string `json:"vi"`
	EN string `json:"en,omitempty"`
}

// In returns the text in lang ("vi" or "en"), falling back to Vietnamese.
func (t Text) In(lang string) string {
	if lang == "en" && t.EN != "" {
		return t.EN
	}
	return t.VI
}

// Type is the type of a field.
type Type string

const (
	TypeText           Type = "text"            // one line
	TypeLongText       Type = "long_text"       // several lines
	TypeNumber         Type = "number"          // decimal number, float64
	TypeMoney          Type = "money"           // whole đồng, int64
	TypeDate           Type = "date"            // civil date
	TypeChoice         Type = "choice"          // one of Options
	TypeMultiChoice    Type = "multi_choice"    // any of Options
	TypePersonalID     Type = "personal_id"     // 12-digit personal ID number
	TypeEnterpriseCode Type = "enterprise_code" // enterprise / tax code
	TypePhone          Type = "phone"           // Vietnamese phone number, E.164
	TypeEmail          Type = "email"
	TypeAddress        Type = "address" // province and commune of today, street; or an old address as free text
	TypeFile           Type = "file"    // attachments, checked from metadata
)

// Types lists every field type.
var Types = []Type{TypeText, TypeLongText, TypeNumber, TypeMoney, TypeDate, TypeChoice, TypeMultiChoice,
	TypePersonalID, TypeEnterpriseCode, TypePhone, TypeEmail, TypeAddress, TypeFile}

// Form is an e-form definition. Its JSON form is what the catalogue stores
// and versions; a dossier keeps the version it was submitted with.
type Form struct {
	Key    string  `json:"key,omitempty"` // the catalogue's key, e.g. "to-khai-khai-sinh"
	Title  Text    `json:"title,omitzero"`
	Fields []Field `json:"fields"`
}

// Field is one field of a form.
type Field struct {
	Name     string   `json:"name"` // machine id: [a-z][a-z0-9_]*, at most 64 characters
	Type     Type     `json:"type"`
	Label    Text     `json:"label"`
	Help     Text     `json:"help,omitzero"`
	Required bool     `json:"required,omitempty"`
	Options  []Option `json:"options,omitempty"` // choice, multi_choice
	// Min and Max bound number and money fields (numbers) and date fields
	// (YYYY-MM-DD, or "today").
	Min Limit `json:"min,omitempty"`
	Max Limit `json:"max,omitempty"`
	// MaxLength bounds text (default 500) and long_text (default 10,000)
	// in characters.
	MaxLength int `json:"max_length,omitempty"`
	// ShowIf hides the field unless it holds: a hidden field is neither
	// required nor checked, and its value is dropped. RequireIf makes the
	// field required when it holds. Both may refer to earlier fields only.
	ShowIf    *Condition `json:"show_if,omitempty"`
	RequireIf *Condition `json:"require_if,omitempty"`
	// Accept lists the MIME types a file field takes ("application/pdf",
	// "image/*"); empty means PDF, JPEG and PNG. MaxSize is the largest
	// file in bytes (default 10 MiB), MaxFiles how many files (default 1).
	Accept   []string `json:"accept,omitempty"`
	MaxSize  int64    `json:"max_size,omitempty"`
	MaxFiles int      `json:"max_files,omitempty"`
	// BirthField names an earlier date field holding the holder's birth
	// date: a personal_id field then checks that the ID encodes that year.
	BirthField string `json:"birth_field,omitempty"`
}

// Option is one choice of a choice or multi_choice field.
type Option struct {
	Value string `json:"value"`
	Label Text   `json:"label"`
}

// Op is a comparison in a condition.
type Op string

const (
	OpEq     Op = "eq"     // the field's value (any of a multi-choice's) equals Value
	OpNeq    Op = "neq"    // not eq
	OpIn     Op = "in"     // the value (any of them) is one of Values
	OpNotIn  Op = "not_in" // not in
	OpFilled Op = "filled" // the field has a valid value
	OpEmpty  Op = "empty"  // not filled
	OpGt     Op = "gt"     // number, money or date greater than Value
	OpLt     Op = "lt"     // less than Value
)

// Condition is a rule over the values of other fields: either a group
// (All: every one holds; Any: at least one holds) or a comparison of one
// field. A field that is hidden, or whose value is invalid, counts as
// empty.
type Condition struct {
	All    []Condition `json:"all,omitempty"`
	Any    []Condition `json:"any,omitempty"`
	Field  string      `json:"field,omitempty"`
	Op     Op          `json:"op,omitempty"`
	Value  string      `json:"value,omitempty"`
	Values []string    `json:"values,omitempty"`
}

// Limit is a bound of a field: a number for number and money fields, a
// date (YYYY-MM-DD) or "today" for date fields. In JSON it may be written
// as a number or a string.
type Limit string

// UnmarshalJSON accepts a JSON number or string.
func (l *Limit) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*l = Limit(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("eform: a limit is a number or a string")
	}
	*l = Limit(n.String())
	return nil
}

// MarshalJSON writes numeric limits as JSON numbers.
func (l Limit) MarshalJSON() ([]byte, error) {
	if _, err := strconv.ParseFloat(string(l), 64); err == nil && isPlainNumber(string(l)) {
		return []byte(l), nil
	}
	return json.Marshal(string(l))
}

// isPlainNumber reports whether s is an optional minus, digits and an
// optional dot with digits: the only numbers limits are written as.
func isPlainNumber(s string) bool {
	if len(s) > 0 && s[0] == '-' {
		s = s[1:]
	}
	dot, digits := false, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' && !dot && digits > 0 && i < len(s)-1:
			dot = true
		default:
			return false
		}
	}
	return digits > 0
}

// Today is the Limit value meaning the date of the check.
const Today Limit = "today"

// Date is a civil date. It has the same fields as calendar.Date, so one
// converts to the other (calendar.Date(d)); eform does not import calendar,
// which brings the database with it.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// String returns the date as YYYY-MM-DD.
func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day) }

// Compare returns -1, 0 or 1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int {
	switch {
	case d.Year != e.Year:
		return cmpInt(d.Year, e.Year)
	case d.Month != e.Month:
		return cmpInt(int(d.Month), int(e.Month))
	}
	return cmpInt(d.Day, e.Day)
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// vi returns the date as Vietnamese write it: 25/12/2026.
func (d Date) vi() string { return fmt.Sprintf("%02d/%02d/%04d", d.Day, int(d.Month), d.Year) }

func dateOf(t time.Time) Date {
	t = t.In(time.FixedZone("ICT", 7*60*60))
	return Date{t.Year(), t.Month(), t.Day()}
}

// parseDate reads YYYY-MM-DD (what a date input sends) or DD/MM/YYYY (what
// people in Vietnam type), and refuses days that do not exist.
func parseDate(s string) (Date, bool) {
	var y, m, d string
	switch {
	case len(s) == 10 && s[4] == '-' && s[7] == '-':
		y, m, d = s[0:4], s[5:7], s[8:10]
	case len(s) == 10 && s[2] == '/' && s[5] == '/':
		d, m, y = s[0:2], s[3:5], s[6:10]
	default:
		return Date{}, false
	}
	yy, ok1 := atoiDigits(y)
	mm, ok2 := atoiDigits(m)
	dd, ok3 := atoiDigits(d)
	if !ok1 || !ok2 || !ok3 || yy < 1 || mm < 1 || mm > 12 || dd < 1 {
		return Date{}, false
	}
	t := time.Date(yy, time.Month(mm), dd, 0, 0, 0, 0, time.UTC)
	if t.Day() != dd {
		return Date{}, false
	}
	return Date{yy, time.Month(mm), dd}, true
}

func atoiDigits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, len(s) > 0
}
