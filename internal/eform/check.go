package eform

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"egov/internal/adminunits"
	"egov/internal/apperr"
	"egov/internal/vnid"
)

// Values is a submission as it comes from an HTML form (url.Values has this
// type) or from JSON decoded to strings: field name -> values. An address
// field named a is submitted as a.province, a.commune and a.street (codes
// and street), or as a alone (the address as free text).
type Values map[string][]string

// FileInfo describes an uploaded file; the caller reads the file, detects
// its type from its content and passes these.
type FileInfo struct {
	Name string `json:"name"`
	Size int64  `json:"size"`
	MIME string `json:"mime"` // detected, not declared by the browser
}

// Files are the uploaded files by field name.
type Files map[string][]FileInfo

// Address is a cleaned address field. Either the province and commune of
// today are known (Street is the rest: house number, street, village), or
// the address was written the old way, with a district: then it is kept as
// FreeText with Legacy set, for a person to map.
type Address struct {
	ProvinceCode string `json:"province_code,omitempty"`
	CommuneCode  string `json:"commune_code,omitempty"`
	Street       string `json:"street,omitempty"`
	FreeText     string `json:"free_text,omitempty"`
	Legacy       bool   `json:"legacy,omitempty"`
}

// Clean is a checked submission: the typed value of every visible field
// that was filled in, and the flags raised on accepted values that a person
// should look at (an old-style address, an enterprise code whose check
// digit cannot be confirmed).
//
// Values holds, by type: string for text, long_text, choice, personal_id
// (12 digits), enterprise_code (0100109106 or 0100109106-001), phone
// (E.164, +84...) and email; float64 for number; int64 for money (đồng);
// Date for date; []string for multi_choice; Address for address;
// []FileInfo for file.
type Clean struct {
	Values map[string]any
	Flags  []apperr.FieldError
}

// String returns a string value, or "".
func (c Clean) String(name string) string { s, _ := c.Values[name].(string); return s }

// Strings returns a multi_choice value.
func (c Clean) Strings(name string) []string { s, _ := c.Values[name].([]string); return s }

// Money returns a money value in đồng.
func (c Clean) Money(name string) (int64, bool) { n, ok := c.Values[name].(int64); return n, ok }

// Number returns a number value.
func (c Clean) Number(name string) (float64, bool) { n, ok := c.Values[name].(float64); return n, ok }

// Date returns a date value.
func (c Clean) Date(name string) (Date, bool) { d, ok := c.Values[name].(Date); return d, ok }

// Address returns an address value.
func (c Clean) Address(name string) (Address, bool) { a, ok := c.Values[name].(Address); return a, ok }

// Files returns a file field's files.
func (c Clean) Files(name string) []FileInfo { f, _ := c.Values[name].([]FileInfo); return f }

// CheckOption adjusts a check.
type CheckOption func(*checkConfig)

type checkConfig struct {
	files Files
	today Date
}

// WithFiles supplies the metadata of the uploaded files.
func WithFiles(files Files) CheckOption { return func(c *checkConfig) { c.files = files } }

// WithToday sets the date that "today" in limits and conditions means.
// Services pass their clock's date; without it the check uses the current
// date in Vietnam.
func WithToday(d Date) CheckOption { return func(c *checkConfig) { c.today = d } }

// Defaults of fields that do not set their own limits.
const (
	DefaultTextLength     = 500
	DefaultLongTextLength = 10_000
	DefaultMaxSize        = 10 << 20
	maxStreetLength       = 500
	maxMoney              = 1_000_000_000_000_000 // 10^18 đồng: beyond any real amount, below int64's limit
)

// DefaultAccept are the file types a file field takes when it lists none.
var DefaultAccept = []string{"application/pdf", "image/jpeg", "image/png"}

// timeNow is the clock used when no WithToday is given.
var timeNow = time.Now

// value is a typed value of a field (see Clean), or nil when empty.
type value any

// Check checks a submission against the form, which must be valid (see
// Validate). It returns the typed values of the visible, filled-in fields,
// and one error per invalid field (or part of an address field, e.g.
// "noi_o.commune") with the messages the portal shows. Conditions are
// evaluated top to bottom on the checked values, so a hidden field, or an
// invalid one, counts as empty for the fields below it. Values not
// belonging to a visible field are dropped.
func (f Form) Check(values Values, opts ...CheckOption) (Clean, []apperr.FieldError) {
	st := f.evaluate(values, opts)
	return st.clean, st.errs
}

// state is the result of evaluating a submission, shared by Check and View.
type state struct {
	clean    Clean
	errs     []apperr.FieldError
	visible  map[string]bool
	required map[string]bool
}

func (f Form) evaluate(values Values, opts []CheckOption) state {
	cfg := checkConfig{}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.today == (Date{}) {
		cfg.today = dateOf(timeNow())
	}
	st := state{clean: Clean{Values: map[string]any{}}, visible: map[string]bool{}, required: map[string]bool{}}
	for _, fd := range f.Fields {
		if fd.ShowIf != nil && !st.holds(*fd.ShowIf, f, cfg) {
			continue
		}
		st.visible[fd.Name] = true
		required := fd.Required || (fd.RequireIf != nil && st.holds(*fd.RequireIf, f, cfg))
		st.required[fd.Name] = required
		v, errs, flags := checkField(fd, values, cfg, st.clean)
		st.clean.Flags = append(st.clean.Flags, flags...)
		switch {
		case len(errs) > 0:
			st.errs = append(st.errs, errs...)
		case v == nil && required:
			st.errs = append(st.errs, errRequired(fd))
		case v != nil:
			st.clean.Values[fd.Name] = v
		}
	}
	return st
}

// holds evaluates a condition on the values checked so far.
func (st *state) holds(c Condition, f Form, cfg checkConfig) bool {
	switch {
	case c.All != nil:
		for _, sub := range c.All {
			if !st.holds(sub, f, cfg) {
				return false
			}
		}
		return true
	case c.Any != nil:
		for _, sub := range c.Any {
			if st.holds(sub, f, cfg) {
				return true
			}
		}
		return false
	}
	v, filled := st.clean.Values[c.Field]
	switch c.Op {
	case OpFilled:
		return filled
	case OpEmpty:
		return !filled
	}
	i := indexOf(f.Fields, c.Field)
	if i < 0 {
		return false
	}
	typ := f.Fields[i].Type
	eq := func(want string) bool {
		if !filled {
			return false
		}
		switch x := v.(type) {
		case []string:
			return slices.Contains(x, want)
		case string:
			return x == want
		}
		w, ok := parseLimit(typ, Limit(want), cfg.today)
		return ok && compare(v, w) == 0
	}
	switch c.Op {
	case OpEq:
		return eq(c.Value)
	case OpNeq:
		return !eq(c.Value)
	case OpIn:
		return slices.ContainsFunc(c.Values, eq)
	case OpNotIn:
		return !slices.ContainsFunc(c.Values, eq)
	case OpGt, OpLt:
		w, ok := parseLimit(typ, Limit(c.Value), cfg.today)
		if !filled || !ok {
			return false
		}
		if c.Op == OpGt {
			return compare(v, w) > 0
		}
		return compare(v, w) < 0
	}
	return false
}

// compare orders two values of the same numeric or date type.
func compare(a, b value) int {
	switch x := a.(type) {
	case float64:
		y, _ := b.(float64)
		return cmpFloat(x, y)
	case int64:
		y, _ := b.(int64)
		return cmpFloat(float64(x), float64(y))
	case Date:
		y, _ := b.(Date)
		return x.Compare(y)
	}
	return 0
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// single returns the one value submitted for name, trimmed; several
// non-empty values are an error.
func single(fd Field, values Values, key string) (string, *apperr.FieldError) {
	var got []string
	for _, v := range values[key] {
		if s := strings.TrimSpace(v); s != "" {
			got = append(got, s)
		}
	}
	switch len(got) {
	case 0:
		return "", nil
	case 1:
		if !utf8.ValidString(got[0]) {
			e := errText(key)
			return "", &e
		}
		return norm.NFC.String(got[0]), nil
	}
	e := apperr.Field(key, "eform.multiple_values", "Chỉ được nhập một giá trị.", "Enter a single value.")
	return "", &e
}

func checkField(fd Field, values Values, cfg checkConfig, sofar Clean) (value, []apperr.FieldError, []apperr.FieldError) {
	one := func(e apperr.FieldError) []apperr.FieldError { return []apperr.FieldError{e} }
	switch fd.Type {
	case TypeMultiChoice:
		return checkMulti(fd, values[fd.Name])
	case TypeAddress:
		return checkAddress(fd, values)
	case TypeFile:
		v, errs := checkFiles(fd, cfg.files[fd.Name])
		return v, errs, nil
	}
	s, ferr := single(fd, values, fd.Name)
	if ferr != nil {
		return nil, one(*ferr), nil
	}
	if s == "" {
		return nil, nil, nil
	}
	name := fd.Name
	switch fd.Type {
	case TypeText, TypeLongText:
		if fd.Type == TypeLongText {
			s = strings.ReplaceAll(s, "\r\n", "\n")
		}
		for _, r := range s {
			if unicode.IsControl(r) && !(fd.Type == TypeLongText && (r == '\n' || r == '\t')) {
				return nil, one(errText(name)), nil
			}
		}
		limit := fd.MaxLength
		if limit == 0 {
			limit = DefaultTextLength
			if fd.Type == TypeLongText {
				limit = DefaultLongTextLength
			}
		}
		if n := utf8.RuneCountInString(s); n > limit {
			return nil, one(apperr.Field(name, "eform.too_long",
				fmt.Sprintf("Tối đa %d ký tự (đã nhập %d).", limit, n),
				fmt.Sprintf("At most %d characters (%d entered).", limit, n))), nil
		}
		return s, nil, nil
	case TypeNumber:
		n, ok := parseNumber(s)
		if !ok {
			return nil, one(apperr.Field(name, "eform.number", "Vui lòng nhập một số, ví dụ 12 hoặc 12,5.", "Enter a number, e.g. 12 or 12.5.")), nil
		}
		return inRange(fd, n, cfg)
	case TypeMoney:
		n, ok := parseMoney(s)
		if !ok {
			return nil, one(apperr.Field(name, "eform.money", "Vui lòng nhập số tiền bằng đồng, ví dụ 1.500.000.", "Enter an amount in đồng, e.g. 1,500,000.")), nil
		}
		return inRange(fd, n, cfg)
	case TypeDate:
		d, ok := parseDate(s)
		if !ok {
			return nil, one(apperr.Field(name, "eform.date", "Ngày không hợp lệ. Nhập theo dạng ngày/tháng/năm, ví dụ 25/12/2026.", "Not a valid date. Use day/month/year, e.g. 25/12/2026.")), nil
		}
		return inRange(fd, d, cfg)
	case TypeChoice:
		if !slices.ContainsFunc(fd.Options, func(o Option) bool { return o.Value == s }) {
			return nil, one(errChoice(name)), nil
		}
		return s, nil, nil
	case TypePersonalID:
		id, err := vnid.ParsePersonalID(s)
		if err == nil && fd.BirthField != "" {
			if birth, ok := sofar.Date(fd.BirthField); ok {
				err = id.Match(birth.Year, vnid.SexUnknown)
			}
		}
		if err != nil {
			return nil, one(vnid.Field(name, err)), nil
		}
		return id.Number, nil, nil
	case TypeEnterpriseCode:
		c, err := vnid.ParseEnterpriseCode(s)
		if err != nil {
			return nil, one(vnid.Field(name, err)), nil
		}
		var flags []apperr.FieldError
		if c.Unconfirmed {
			flags = one(vnid.Field(name, vnid.WarnEnterpriseUnconfirmed))
		}
		return c.String(), nil, flags
	case TypePhone:
		p, err := vnid.ParsePhone(s)
		if err != nil {
			return nil, one(vnid.Field(name, err)), nil
		}
		return p.E164, nil, nil
	case TypeEmail:
		e, err := vnid.ParseEmail(s)
		if err != nil {
			return nil, one(vnid.Field(name, err)), nil
		}
		return e, nil, nil
	}
	return nil, nil, nil
}

func errText(name string) apperr.FieldError {
	return apperr.Field(name, "eform.text", "Nội dung có ký tự không hợp lệ.", "The text contains characters that are not allowed.")
}

func errChoice(name string) apperr.FieldError {
	return apperr.Field(name, "eform.choice", "Vui lòng chọn trong các lựa chọn có sẵn.", "Choose one of the options offered.")
}

func errRequired(fd Field) apperr.FieldError {
	switch fd.Type {
	case TypeChoice, TypeMultiChoice:
		return apperr.Field(fd.Name, "eform.required", "Vui lòng chọn.", "Please choose.")
	case TypeFile:
		return apperr.Field(fd.Name, "eform.required", "Vui lòng đính kèm tệp.", "Please attach a file.")
	case TypeAddress:
		return apperr.Field(fd.Name, "eform.required", "Vui lòng nhập địa chỉ.", "Please enter the address.")
	}
	return apperr.Field(fd.Name, "eform.required", "Vui lòng nhập thông tin này.", "This field is required.")
}

// inRange checks a parsed value against the field's Min and Max.
func inRange(fd Field, v value, cfg checkConfig) (value, []apperr.FieldError, []apperr.FieldError) {
	for _, b := range []struct {
		l    Limit
		sign int
	}{{fd.Min, -1}, {fd.Max, 1}} {
		if b.l == "" {
			continue
		}
		bound, ok := parseLimit(fd.Type, b.l, cfg.today)
		if !ok || compare(v, bound) != b.sign {
			continue
		}
		vi, en := showBound(bound, b.l)
		if b.sign < 0 {
			return nil, []apperr.FieldError{apperr.Field(fd.Name, "eform.min",
				fmt.Sprintf("Giá trị phải từ %s trở lên.", vi), fmt.Sprintf("The value must be at least %s.", en))}, nil
		}
		return nil, []apperr.FieldError{apperr.Field(fd.Name, "eform.max",
			fmt.Sprintf("Giá trị không được quá %s.", vi), fmt.Sprintf("The value must be at most %s.", en))}, nil
	}
	return v, nil, nil
}

// showBound writes a bound for people, in Vietnamese and English.
func showBound(v value, l Limit) (string, string) {
	switch x := v.(type) {
	case Date:
		if l == Today {
			return "hôm nay (" + x.vi() + ")", "today (" + x.vi() + ")"
		}
		return x.vi(), x.vi()
	case int64:
		return groupDigits(x, '.') + " đồng", groupDigits(x, ',') + " đồng"
	case float64:
		s := strconv.FormatFloat(x, 'f', -1, 64)
		return strings.Replace(s, ".", ",", 1), s
	}
	return string(l), string(l)
}

func groupDigits(n int64, sep byte) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b []byte
	for i := 0; i < len(s); i++ {
		if i > 0 && (len(s)-i)%3 == 0 {
			b = append(b, sep)
		}
		b = append(b, s[i])
	}
	if neg {
		return "-" + string(b)
	}
	return string(b)
}

// parseNumber reads an optional minus, digits, and an optional decimal
// part after a dot or a comma (Vietnamese write 12,5). Thousands separators
// are refused: "1.500" means 1500 to a Vietnamese reader and 1.5 to a
// program, so a number field does not guess (money fields do, since
// amounts are whole đồng).
func parseNumber(s string) (value, bool) {
	t := strings.Replace(s, ",", ".", 1)
	if !isPlainNumber(t) || len(t) > 30 {
		return nil, false
	}
	n, err := strconv.ParseFloat(t, 64)
	if err != nil || math.IsInf(n, 0) || math.IsNaN(n) {
		return nil, false
	}
	return n, true
}

// parseMoney reads a whole amount in đồng: digits, optionally grouped by
// three with dots, commas or spaces (one kind of separator), optionally
// followed by a currency: "1.500.000", "1,500,000", "1500000",
// "1 500 000 đ", "1.500.000 VNĐ". Decimals and negative amounts are
// refused.
func parseMoney(s string) (value, bool) {
	s = strings.TrimSpace(s)
	for _, cur := range []string{"đồng", "vnđ", "vnd", "đ", "₫", "d"} {
		if n := len(s) - len(cur); n >= 0 && strings.EqualFold(s[n:], cur) {
			s = strings.TrimSpace(s[:n])
			break
		}
	}
	if s == "" {
		return nil, false
	}
	var sep byte
	groups := []string{s}
	for _, c := range []byte{'.', ',', ' '} {
		if strings.IndexByte(s, c) >= 0 {
			if sep != 0 {
				return nil, false // mixed separators: 1.500,00
			}
			sep = c
			groups = strings.Split(s, string(c))
		}
	}
	for i, g := range groups {
		if _, ok := atoiDigits(g); !ok || (i > 0 && len(g) != 3) || (i == 0 && sep != 0 && len(g) > 3) {
			return nil, false
		}
	}
	digits := strings.Join(groups, "")
	if len(digits) > 18 {
		return nil, false
	}
	n, err := strconv.ParseInt(digits, 10, 64)
	if err != nil || n > maxMoney {
		return nil, false
	}
	return n, true
}

func checkMulti(fd Field, raw []string) (value, []apperr.FieldError, []apperr.FieldError) {
	var out []string
	for _, v := range raw {
		v = strings.TrimSpace(v)
		if v == "" {
			continue
		}
		if !slices.ContainsFunc(fd.Options, func(o Option) bool { return o.Value == v }) {
			return nil, []apperr.FieldError{errChoice(fd.Name)}, nil
		}
		if slices.Contains(out, v) {
			return nil, []apperr.FieldError{apperr.Field(fd.Name, "eform.duplicate", "Mỗi lựa chọn chỉ được chọn một lần.", "Each option can be chosen only once.")}, nil
		}
		out = append(out, v)
	}
	if len(out) == 0 {
		return nil, nil, nil
	}
	return out, nil, nil
}

// checkAddress reads an address: codes of today's province and commune
// with the street, or free text. Free text written the old way (with a
// district) is kept and flagged; free text written the new way must name a
// commune and province that can be found, and is then stored as codes too.
func checkAddress(fd Field, values Values) (value, []apperr.FieldError, []apperr.FieldError) {
	one := func(e apperr.FieldError) []apperr.FieldError { return []apperr.FieldError{e} }
	parts := map[string]string{}
	for _, k := range []string{"province", "commune", "street", ""} {
		key := fd.Name
		if k != "" {
			key += "." + k
		}
		s, ferr := single(fd, values, key)
		if ferr != nil {
			return nil, one(*ferr), nil
		}
		parts[k] = s
	}
	prov, comm, street, free := parts["province"], parts["commune"], parts["street"], parts[""]
	if prov == "" && comm == "" && street == "" && free == "" {
		return nil, nil, nil
	}
	for k, s := range map[string]string{"street": street, "": free} {
		key := fd.Name
		if k != "" {
			key += "." + k
		}
		if utf8.RuneCountInString(s) > maxStreetLength || strings.ContainsFunc(s, unicode.IsControl) {
			return nil, one(apperr.Field(key, "eform.too_long",
				fmt.Sprintf("Địa chỉ tối đa %d ký tự, không xuống dòng.", maxStreetLength),
				fmt.Sprintf("An address has at most %d characters, on one line.", maxStreetLength))), nil
		}
	}
	if prov != "" {
		if _, ok := adminunits.ProvinceByCode(prov); !ok {
			return nil, one(apperr.Field(fd.Name+".province", "eform.address_province",
				"Vui lòng chọn tỉnh, thành phố trong danh sách.", "Choose a province or city from the list.")), nil
		}
	}
	if comm != "" {
		c, ok := adminunits.CommuneByCode(comm)
		if !ok || (prov != "" && c.ProvinceCode != prov) {
			return nil, one(apperr.Field(fd.Name+".commune", "eform.address_commune",
				"Vui lòng chọn xã, phường thuộc tỉnh, thành phố đã chọn.", "Choose a commune or ward of the chosen province.")), nil
		}
		return Address{ProvinceCode: c.ProvinceCode, CommuneCode: c.Code, Street: street, FreeText: free}, nil, nil
	}
	text := free
	if text == "" {
		text = street
	}
	if adminunits.DetectOldAddress(text) || (street != "" && adminunits.DetectOldAddress(street)) {
		a := Address{ProvinceCode: prov, FreeText: text, Legacy: true}
		if free != "" {
			a.Street = street
		}
		return a, nil, one(apperr.Field(fd.Name, "eform.address_legacy",
			"Địa chỉ ghi theo đơn vị hành chính cũ (có cấp huyện); cán bộ sẽ đối chiếu sang đơn vị hành chính hiện nay.",
			"The address uses the former administrative units (with a district); an official will map it to today's units."))
	}
	if a, ok := resolveAddress(text, prov); ok {
		if free == "" {
			a.FreeText = ""
		}
		return a, nil, nil
	}
	return nil, one(apperr.Field(fd.Name+".commune", "eform.address_unresolved",
		"Chưa xác định được xã, phường và tỉnh, thành phố của địa chỉ. Vui lòng chọn trong danh sách.",
		"The commune or ward and the province of the address could not be found. Please choose them from the lists.")), nil
}

// resolveAddress finds today's province and commune in a free-text
// address written the new way: "Số 5, Thôn Nà Chuông, Xã Hoàng Đồng, Tỉnh
// Lạng Sơn". The province comes from the last part (or prov, when chosen);
// the commune is the last part before it that names one of its communes;
// what comes before is the street.
func resolveAddress(text, prov string) (Address, bool) {
	parts := strings.Split(text, ",")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	for len(parts) > 0 {
		switch adminunits.Normalize(parts[len(parts)-1]) {
		case "viet nam", "vietnam", "vn", "":
			parts = parts[:len(parts)-1]
			continue
		}
		break
	}
	if len(parts) == 0 {
		return Address{}, false
	}
	if p, ok := adminunits.FindProvince(parts[len(parts)-1]); ok && (prov == "" || p.Code == prov) {
		prov = p.Code
		parts = parts[:len(parts)-1]
	}
	if prov == "" {
		return Address{}, false
	}
	for i := len(parts) - 1; i >= 0; i-- {
		if c, ok := adminunits.FindCommune(prov, parts[i]); ok {
			return Address{ProvinceCode: prov, CommuneCode: c.Code, Street: strings.Join(parts[:i], ", "), FreeText: text}, true
		}
	}
	return Address{}, false
}

func checkFiles(fd Field, files []FileInfo) (value, []apperr.FieldError) {
	if len(files) == 0 {
		return nil, nil
	}
	maxFiles := max(fd.MaxFiles, 1)
	if len(files) > maxFiles {
		return nil, []apperr.FieldError{apperr.Field(fd.Name, "eform.file_count",
			fmt.Sprintf("Chỉ được đính kèm tối đa %d tệp.", maxFiles), fmt.Sprintf("Attach at most %d files.", maxFiles))}
	}
	accept := fd.Accept
	if len(accept) == 0 {
		accept = DefaultAccept
	}
	maxSize := fd.MaxSize
	if maxSize == 0 {
		maxSize = DefaultMaxSize
	}
	var errs []apperr.FieldError
	for _, fi := range files {
		name := fi.Name
		if !utf8.ValidString(name) {
			name = strings.ToValidUTF8(name, "?")
		}
		switch {
		case fi.Size <= 0:
			errs = append(errs, apperr.Field(fd.Name, "eform.file_empty",
				fmt.Sprintf("Tệp %q rỗng.", name), fmt.Sprintf("File %q is empty.", name)))
		case fi.Size > maxSize:
			errs = append(errs, apperr.Field(fd.Name, "eform.file_size",
				fmt.Sprintf("Tệp %q quá lớn (tối đa %s).", name, showSize(maxSize)),
				fmt.Sprintf("File %q is too large (at most %s).", name, showSize(maxSize))))
		case !mimeAccepted(fi.MIME, accept):
			errs = append(errs, apperr.Field(fd.Name, "eform.file_type",
				fmt.Sprintf("Tệp %q không đúng loại được chấp nhận (%s).", name, strings.Join(accept, ", ")),
				fmt.Sprintf("File %q is not of an accepted type (%s).", name, strings.Join(accept, ", "))))
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return slices.Clone(files), nil
}

func mimeAccepted(m string, accept []string) bool {
	m, _, _ = strings.Cut(strings.ToLower(strings.TrimSpace(m)), ";")
	m = strings.TrimSpace(m)
	for _, a := range accept {
		if a == m || (strings.HasSuffix(a, "/*") && strings.HasPrefix(m, strings.TrimSuffix(a, "*")) && len(m) > len(a)-1) {
			return true
		}
	}
	return false
}

func showSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
