package vnid

// EnterpriseCode is an enterprise code (mã số doanh nghiệp), which is also
// the tax code: 10 digits, and for a dependent unit (branch, representative
// office) a 3-digit suffix, written 0100109106-001.
type EnterpriseCode struct {
	Base   string // 10 digits
	Branch string // 3 digits, or "" for the enterprise itself
	// Unconfirmed is set when the weighted sum is divisible by 11: the
	// formula then asks for a check digit of 10, which cannot be written.
	// How the tax authority handles that case is not confirmed, so such a
	// code is accepted with this flag for a person to check (see Warning).
	Unconfirmed bool
}

// String returns the code as it is written: 10 digits, or 10-3 with a dash.
func (c EnterpriseCode) String() string {
	if c.Branch == "" {
		return c.Base
	}
	return c.Base + "-" + c.Branch
}

// Errors of enterprise codes. Their keys are stable.
var (
	ErrEnterpriseFormat = invalid("vnid.enterprise_code_format",
		"Mã số doanh nghiệp gồm 10 chữ số, hoặc 10 chữ số, dấu gạch ngang và 3 chữ số đối với đơn vị phụ thuộc (ví dụ 0100109106-001).",
		"An enterprise code has 10 digits, or 10 digits, a dash and 3 digits for a dependent unit (e.g. 0100109106-001).")
	ErrEnterpriseCheck = invalid("vnid.enterprise_code_check",
		"Mã số doanh nghiệp không đúng (sai chữ số kiểm tra). Vui lòng kiểm tra lại.",
		"The enterprise code is not correct (wrong check digit). Please check it.")
	ErrEnterpriseBranch = invalid("vnid.enterprise_code_branch",
		"Ba chữ số của đơn vị phụ thuộc phải từ 001 đến 999.",
		"The dependent unit's three digits must be between 001 and 999.")
	// WarnEnterpriseUnconfirmed is the warning for an Unconfirmed code.
	WarnEnterpriseUnconfirmed = invalid("vnid.enterprise_code_unconfirmed",
		"Không xác định được chữ số kiểm tra của mã số doanh nghiệp này; cán bộ sẽ kiểm tra lại.",
		"The check digit of this enterprise code cannot be confirmed; an official will check it.")
)

var enterpriseWeights = [9]int{31, 29, 23, 19, 17, 13, 7, 5, 3}

// enterpriseCheckDigit returns the check digit of the first nine digits of
// b, or -1 when the formula gives 10 (sum divisible by 11). With r the sum
// of Ni*Wi modulo 11, the digit is 10-r: r=1 gives 9, r=10 gives 0, r=0
// gives 10, which is not a digit.
func enterpriseCheckDigit(b string) int {
	sum := 0
	for i, w := range enterpriseWeights {
		sum += int(b[i]-'0') * w
	}
	c := 10 - sum%11
	if c == 10 {
		return -1
	}
	return c
}

// ParseEnterpriseCode parses an enterprise / tax code and checks its check
// digit. Accepted forms, after trimming white space: "0100109106",
// "0100109106-001", and the 13 digits without the dash ("0100109106001"),
// which older systems store; the result is always written with the dash.
// Spaces around the dash are tolerated. A 12-digit number is not accepted:
// that is a personal ID number, which individuals now use as tax code.
func ParseEnterpriseCode(s string) (EnterpriseCode, error) {
	n := stripSeparators(s, " ")
	var base, branch string
	switch {
	case len(n) == 10:
		base = n
	case len(n) == 14 && n[10] == '-':
		base, branch = n[:10], n[11:]
	case len(n) == 13:
		base, branch = n[:10], n[10:]
	default:
		return EnterpriseCode{}, ErrEnterpriseFormat
	}
	if !onlyDigits(base) || (branch != "" && !onlyDigits(branch)) {
		return EnterpriseCode{}, ErrEnterpriseFormat
	}
	if branch == "000" {
		return EnterpriseCode{}, ErrEnterpriseBranch
	}
	c := EnterpriseCode{Base: base, Branch: branch}
	switch want := enterpriseCheckDigit(base); {
	case want < 0:
		c.Unconfirmed = true
	case int(base[9]-'0') != want:
		return EnterpriseCode{}, ErrEnterpriseCheck
	}
	return c, nil
}
