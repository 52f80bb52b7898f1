package eform

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"egov/internal/apperr"
)

// Limits of a definition, so that a form stays something a person can fill.
const (
	maxFields       = 300
	maxNameLen      = 64
	maxOptions      = 500
	maxTextLen      = 2000 // labels, help, option labels
	maxOptionValue  = 100
	maxMaxLength    = 100_000
	maxFileSize     = 100 << 20
	maxFilesPerFile = 50
	maxDepth        = 8  // nesting of conditions
	maxLeaves       = 64 // comparisons in one condition
)

// Validate checks the definition itself: field names ([a-z][a-z0-9_]*,
// unique), known types, options for choices (and only for them), limits
// that fit the type, and conditions that refer to earlier fields. Only
// earlier fields may be referred to: a form is read top to bottom, a field
// never depends on one below it, and there can be no cycle. Each problem is
// a field error whose Field is the place in the definition, e.g.
// "fields[3].type".
func (f Form) Validate() error {
	var errs []apperr.FieldError
	add := func(place, key, vi, en string) { errs = append(errs, apperr.Field(place, key, vi, en)) }
	if len(f.Fields) == 0 {
		add("fields", "eform.def.no_fields", "Biểu mẫu chưa có trường nào.", "The form has no fields.")
	}
	if len(f.Fields) > maxFields {
		add("fields", "eform.def.too_many_fields",
			fmt.Sprintf("Biểu mẫu có quá nhiều trường (tối đa %d).", maxFields),
			fmt.Sprintf("The form has too many fields (at most %d).", maxFields))
		return apperr.Validation(errs...)
	}
	seen := map[string]int{}
	for i, fd := range f.Fields {
		at := fmt.Sprintf("fields[%d]", i)
		who := fmt.Sprintf("%q", fd.Name)
		switch {
		case !validName(fd.Name):
			add(at+".name", "eform.def.name",
				fmt.Sprintf("Trường thứ %d: tên %s không hợp lệ (chữ thường không dấu, số và dấu gạch dưới, bắt đầu bằng chữ, tối đa %d ký tự).", i+1, who, maxNameLen),
				fmt.Sprintf("Field %d: name %s is not valid (lower-case ASCII letters, digits and underscores, starting with a letter, at most %d characters).", i+1, who, maxNameLen))
		case seen[fd.Name] > 0:
			add(at+".name", "eform.def.duplicate_name",
				fmt.Sprintf("Trường %s: tên trùng với trường thứ %d.", who, seen[fd.Name]),
				fmt.Sprintf("Field %s: the name is already used by field %d.", who, seen[fd.Name]))
		default:
			seen[fd.Name] = i + 1
		}
		if !slices.Contains(Types, fd.Type) {
			add(at+".type", "eform.def.unknown_type",
				fmt.Sprintf("Trường %s: kiểu %q không được hỗ trợ.", who, fd.Type),
				fmt.Sprintf("Field %s: unknown type %q.", who, fd.Type))
		}
		checkText := func(place string, t Text, required bool, what, whatEN string) {
			if required && strings.TrimSpace(t.VI) == "" {
				add(place+".vi", "eform.def.label_missing",
					fmt.Sprintf("Trường %s: thiếu %s tiếng Việt.", who, what),
					fmt.Sprintf("Field %s: the Vietnamese %s is missing.", who, whatEN))
			}
			for _, s := range []string{t.VI, t.EN} {
				if !utf8.ValidString(s) || utf8.RuneCountInString(s) > maxTextLen {
					add(place, "eform.def.text",
						fmt.Sprintf("Trường %s: %s quá dài hoặc có ký tự không hợp lệ.", who, what),
						fmt.Sprintf("Field %s: the %s is too long or has invalid characters.", who, whatEN))
					break
				}
			}
		}
		checkText(at+".label", fd.Label, true, "nhãn", "label")
		checkText(at+".help", fd.Help, false, "hướng dẫn", "help")

		only := func(ok bool, place, what string) {
			if !ok {
				add(at+"."+place, "eform.def.not_applicable",
					fmt.Sprintf("Trường %s: thuộc tính %s không dùng được với kiểu %q.", who, what, fd.Type),
					fmt.Sprintf("Field %s: %s does not apply to type %q.", who, what, fd.Type))
			}
		}
		choice := fd.Type == TypeChoice || fd.Type == TypeMultiChoice
		only(choice || len(fd.Options) == 0, "options", "options")
		if choice {
			errs = append(errs, validateOptions(at, who, fd.Options)...)
		}
		ranged := fd.Type == TypeNumber || fd.Type == TypeMoney || fd.Type == TypeDate
		only(ranged || fd.Min == "", "min", "min")
		only(ranged || fd.Max == "", "max", "max")
		if ranged {
			errs = append(errs, validateRange(at, who, fd)...)
		}
		text := fd.Type == TypeText || fd.Type == TypeLongText
		only(text || fd.MaxLength == 0, "max_length", "max_length")
		if fd.MaxLength < 0 || fd.MaxLength > maxMaxLength {
			add(at+".max_length", "eform.def.limit",
				fmt.Sprintf("Trường %s: độ dài tối đa phải từ 1 đến %d.", who, maxMaxLength),
				fmt.Sprintf("Field %s: max_length must be between 1 and %d.", who, maxMaxLength))
		}
		file := fd.Type == TypeFile
		only(file || len(fd.Accept) == 0, "accept", "accept")
		only(file || fd.MaxSize == 0, "max_size", "max_size")
		only(file || fd.MaxFiles == 0, "max_files", "max_files")
		for j, a := range fd.Accept {
			if !validMIME(a) {
				add(fmt.Sprintf("%s.accept[%d]", at, j), "eform.def.mime",
					fmt.Sprintf("Trường %s: kiểu tệp %q không hợp lệ (ví dụ application/pdf, image/*).", who, a),
					fmt.Sprintf("Field %s: file type %q is not valid (e.g. application/pdf, image/*).", who, a))
			}
		}
		if fd.MaxSize < 0 || fd.MaxSize > maxFileSize {
			add(at+".max_size", "eform.def.limit",
				fmt.Sprintf("Trường %s: dung lượng tệp tối đa phải từ 1 byte đến %d MB.", who, maxFileSize>>20),
				fmt.Sprintf("Field %s: max_size must be between 1 byte and %d MB.", who, maxFileSize>>20))
		}
		if fd.MaxFiles < 0 || fd.MaxFiles > maxFilesPerFile {
			add(at+".max_files", "eform.def.limit",
				fmt.Sprintf("Trường %s: số tệp tối đa phải từ 1 đến %d.", who, maxFilesPerFile),
				fmt.Sprintf("Field %s: max_files must be between 1 and %d.", who, maxFilesPerFile))
		}
		only(fd.Type == TypePersonalID || fd.BirthField == "", "birth_field", "birth_field")
		if fd.BirthField != "" && fd.Type == TypePersonalID {
			j := indexOf(f.Fields[:i], fd.BirthField)
			if j < 0 || f.Fields[j].Type != TypeDate {
				add(at+".birth_field", "eform.def.birth_field",
					fmt.Sprintf("Trường %s: birth_field phải là tên một trường ngày đứng trước.", who),
					fmt.Sprintf("Field %s: birth_field must name an earlier date field.", who))
			}
		}
		if fd.Required && fd.RequireIf != nil {
			add(at+".require_if", "eform.def.require_if",
				fmt.Sprintf("Trường %s: đã bắt buộc thì không cần require_if.", who),
				fmt.Sprintf("Field %s: require_if has no effect on a required field.", who))
		}
		leaves := 0
		if fd.ShowIf != nil {
			errs = append(errs, validateCondition(f.Fields[:i], at+".show_if", who, *fd.ShowIf, 1, &leaves)...)
		}
		if fd.RequireIf != nil {
			errs = append(errs, validateCondition(f.Fields[:i], at+".require_if", who, *fd.RequireIf, 1, &leaves)...)
		}
	}
	if len(errs) > 0 {
		return apperr.Validation(errs...)
	}
	return nil
}

func validName(s string) bool {
	if s == "" || len(s) > maxNameLen || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

func validMIME(s string) bool {
	typ, sub, ok := strings.Cut(s, "/")
	token := func(t string) bool {
		if t == "" || len(t) > 100 {
			return false
		}
		for i := 0; i < len(t); i++ {
			c := t[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || strings.IndexByte("!#$&^_.+-", c) >= 0) {
				return false
			}
		}
		return true
	}
	return ok && token(typ) && (sub == "*" || token(sub))
}

func indexOf(fields []Field, name string) int {
	for i, f := range fields {
		if f.Name == name {
			return i
		}
	}
	return -1
}

func validateOptions(at, who string, opts []Option) []apperr.FieldError {
	var errs []apperr.FieldError
	if len(opts) == 0 || len(opts) > maxOptions {
		return []apperr.FieldError{apperr.Field(at+".options", "eform.def.options",
			fmt.Sprintf("Trường %s: cần từ 1 đến %d lựa chọn.", who, maxOptions),
			fmt.Sprintf("Field %s: needs 1 to %d options.", who, maxOptions))}
	}
	seen := map[string]bool{}
	for j, o := range opts {
		place := fmt.Sprintf("%s.options[%d]", at, j)
		switch {
		case strings.TrimSpace(o.Value) != o.Value || o.Value == "" || len(o.Value) > maxOptionValue || !utf8.ValidString(o.Value):
			errs = append(errs, apperr.Field(place+".value", "eform.def.option_value",
				fmt.Sprintf("Trường %s: giá trị lựa chọn %q không hợp lệ (không rỗng, không có khoảng trắng ở đầu hoặc cuối, tối đa %d ký tự).", who, o.Value, maxOptionValue),
				fmt.Sprintf("Field %s: option value %q is not valid (not empty, no surrounding spaces, at most %d characters).", who, o.Value, maxOptionValue)))
		case seen[o.Value]:
			errs = append(errs, apperr.Field(place+".value", "eform.def.duplicate_option",
				fmt.Sprintf("Trường %s: giá trị lựa chọn %q bị trùng.", who, o.Value),
				fmt.Sprintf("Field %s: option value %q is repeated.", who, o.Value)))
		}
		seen[o.Value] = true
		if strings.TrimSpace(o.Label.VI) == "" || utf8.RuneCountInString(o.Label.VI) > maxTextLen || utf8.RuneCountInString(o.Label.EN) > maxTextLen {
			errs = append(errs, apperr.Field(place+".label.vi", "eform.def.label_missing",
				fmt.Sprintf("Trường %s: lựa chọn %q thiếu nhãn tiếng Việt hoặc nhãn quá dài.", who, o.Value),
				fmt.Sprintf("Field %s: option %q has no Vietnamese label or a label too long.", who, o.Value)))
		}
	}
	return errs
}

func validateRange(at, who string, fd Field) []apperr.FieldError {
	var errs []apperr.FieldError
	var lo, hi value
	for _, b := range []struct {
		l     Limit
		place string
		out   *value
	}{{fd.Min, "min", &lo}, {fd.Max, "max", &hi}} {
		if b.l == "" {
			continue
		}
		v, ok := parseLimit(fd.Type, b.l, Date{})
		if !ok {
			errs = append(errs, apperr.Field(at+"."+b.place, "eform.def.limit",
				fmt.Sprintf("Trường %s: giới hạn %s %q không hợp lệ với kiểu %q.", who, b.place, b.l, fd.Type),
				fmt.Sprintf("Field %s: %s %q does not suit type %q.", who, b.place, b.l, fd.Type)))
			continue
		}
		if b.l != Today {
			*b.out = v
		}
	}
	if lo != nil && hi != nil && compare(lo, hi) > 0 {
		errs = append(errs, apperr.Field(at+".min", "eform.def.min_max",
			fmt.Sprintf("Trường %s: giới hạn dưới lớn hơn giới hạn trên.", who),
			fmt.Sprintf("Field %s: min is greater than max.", who)))
	}
	return errs
}

// parseLimit reads a bound for a field type; today is the date "today" means.
func parseLimit(t Type, l Limit, today Date) (value, bool) {
	switch t {
	case TypeNumber:
		if !isPlainNumber(string(l)) {
			return nil, false
		}
		return parseNumber(string(l))
	case TypeMoney:
		if !isDigitsOnly(strings.TrimPrefix(string(l), "-")) {
			return nil, false
		}
		return parseMoney(string(l))
	case TypeDate:
		if l == Today {
			return today, true
		}
		if len(l) != 10 || l[4] != '-' {
			return nil, false
		}
		d, ok := parseDate(string(l))
		return d, ok
	}
	return nil, false
}

func isDigitsOnly(s string) bool {
	_, ok := atoiDigits(s)
	return ok && len(s) <= 18
}

func validateCondition(earlier []Field, at, who string, c Condition, depth int, leaves *int) []apperr.FieldError {
	bad := func(place, key, vi, en string) []apperr.FieldError {
		return []apperr.FieldError{apperr.Field(place, key, fmt.Sprintf("Trường %s: %s", who, vi), fmt.Sprintf("Field %s: %s", who, en))}
	}
	if depth > maxDepth {
		return bad(at, "eform.def.condition_depth", fmt.Sprintf("điều kiện lồng quá %d cấp.", maxDepth), fmt.Sprintf("conditions nest deeper than %d levels.", maxDepth))
	}
	kinds := 0
	if c.All != nil {
		kinds++
	}
	if c.Any != nil {
		kinds++
	}
	if c.Field != "" || c.Op != "" {
		kinds++
	}
	if kinds != 1 {
		return bad(at, "eform.def.condition_shape", "mỗi điều kiện phải là đúng một trong: all, any, hoặc field với op.", "a condition must be exactly one of: all, any, or a field with an op.")
	}
	if c.All != nil || c.Any != nil {
		group, name := c.All, "all"
		if c.Any != nil {
			group, name = c.Any, "any"
		}
		if len(group) == 0 {
			return bad(at+"."+name, "eform.def.condition_shape", "nhóm điều kiện rỗng.", "empty condition group.")
		}
		var errs []apperr.FieldError
		for i, sub := range group {
			errs = append(errs, validateCondition(earlier, fmt.Sprintf("%s.%s[%d]", at, name, i), who, sub, depth+1, leaves)...)
		}
		return errs
	}
	*leaves++
	if *leaves > maxLeaves {
		return bad(at, "eform.def.condition_size", fmt.Sprintf("điều kiện có quá %d phép so sánh.", maxLeaves), fmt.Sprintf("conditions have more than %d comparisons.", maxLeaves))
	}
	j := indexOf(earlier, c.Field)
	if j < 0 {
		return bad(at+".field", "eform.def.condition_field",
			fmt.Sprintf("điều kiện nhắc đến %q, không phải một trường đứng trước.", c.Field),
			fmt.Sprintf("the condition refers to %q, which is not an earlier field.", c.Field))
	}
	ref := earlier[j]
	switch c.Op {
	case OpFilled, OpEmpty:
		if c.Value != "" || c.Values != nil {
			return bad(at, "eform.def.condition_value", "filled và empty không nhận giá trị.", "filled and empty take no value.")
		}
		return nil
	case OpEq, OpNeq, OpGt, OpLt:
		if c.Values != nil {
			return bad(at+".values", "eform.def.condition_value", fmt.Sprintf("%s so sánh với một value, không phải values.", c.Op), fmt.Sprintf("%s compares with one value, not values.", c.Op))
		}
		if (c.Op == OpGt || c.Op == OpLt) && ref.Type != TypeNumber && ref.Type != TypeMoney && ref.Type != TypeDate {
			return bad(at+".op", "eform.def.condition_op", fmt.Sprintf("%s chỉ dùng cho trường số, tiền hoặc ngày.", c.Op), fmt.Sprintf("%s applies only to number, money and date fields.", c.Op))
		}
		return checkCondValues(ref, at+".value", []string{c.Value}, bad)
	case OpIn, OpNotIn:
		if c.Value != "" || len(c.Values) == 0 {
			return bad(at+".values", "eform.def.condition_value", fmt.Sprintf("%s cần danh sách values.", c.Op), fmt.Sprintf("%s needs a list of values.", c.Op))
		}
		return checkCondValues(ref, at+".values", c.Values, bad)
	}
	return bad(at+".op", "eform.def.condition_op", fmt.Sprintf("phép so sánh %q không được hỗ trợ.", c.Op), fmt.Sprintf("unknown op %q.", c.Op))
}

// checkCondValues checks that the values a condition compares with could
// be values of the field.
func checkCondValues(ref Field, place string, vals []string, bad func(string, string, string, string) []apperr.FieldError) []apperr.FieldError {
	switch ref.Type {
	case TypeFile, TypeAddress:
		return bad(place, "eform.def.condition_op", "trường tệp và địa chỉ chỉ dùng với filled hoặc empty.", "file and address fields take only filled or empty.")
	}
	for _, v := range vals {
		switch ref.Type {
		case TypeChoice, TypeMultiChoice:
			if !slices.ContainsFunc(ref.Options, func(o Option) bool { return o.Value == v }) {
				return bad(place, "eform.def.condition_value", fmt.Sprintf("%q không phải một lựa chọn của trường %q.", v, ref.Name), fmt.Sprintf("%q is not an option of field %q.", v, ref.Name))
			}
		case TypeNumber, TypeMoney, TypeDate:
			if _, ok := parseLimit(ref.Type, Limit(v), Date{}); !ok {
				return bad(place, "eform.def.condition_value", fmt.Sprintf("%q không phải giá trị hợp lệ của trường %q.", v, ref.Name), fmt.Sprintf("%q is not a valid value of field %q.", v, ref.Name))
			}
		default:
			if v == "" {
				return bad(place, "eform.def.condition_value", "giá trị so sánh rỗng; dùng empty.", "empty comparison value; use empty.")
			}
		}
	}
	return nil
}
