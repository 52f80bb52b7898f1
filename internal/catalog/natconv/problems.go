package natconv

import (
	"errors"
	"regexp"

	"egov/internal/apperr"
)

var indexRe = regexp.MustCompile(`\[\d+\]`)

// validationFields lists the fields a validation error names, with list
// indexes dropped ("fees[2].kind" → "fees[].kind").
func validationFields(err error) []string {
	var e *apperr.Error
	if !errors.As(err, &e) {
		return []string{"(error)"}
	}
	var out []string
	for _, f := range e.Fields {
		out = append(out, indexRe.ReplaceAllString(f.Field, "[]"))
	}
	return out
}
