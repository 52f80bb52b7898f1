package vnid

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"egov/internal/apperr"
)

func key(err error) string {
	var e *apperr.Error
	if errors.As(err, &e) {
		return e.Key
	}
	if err != nil {
		return "?" + err.Error()
	}
	return ""
}

func TestOldProvinces(t *testing.T) {
	t.Parallel()
	m := oldProvinces()
	if len(m) != 63 {
		t.Fatalf("%d pre-2025 provinces, want 63", len(m))
	}
	for code, want := range map[string]string{"01": "Thành phố Hà Nội", "20": "Tỉnh Lạng Sơn", "44": "Tỉnh Quảng Bình", "45": "Tỉnh Quảng Trị", "79": "Thành phố Hồ Chí Minh", "96": "Tỉnh Cà Mau"} {
		if p, ok := OldProvinceByCode(code); !ok || p.Name != want {
			t.Errorf("OldProvinceByCode(%s) = %+v, %v; want %s", code, p, ok, want)
		}
	}
	for _, code := range []string{"03", "05", "21", "97", "00", "63"} {
		if _, ok := OldProvinceByCode(code); ok {
			t.Errorf("code %s should not exist", code)
		}
	}
	for _, p := range m {
		if !norm.NFC.IsNormalString(p.Name) {
			t.Errorf("%s is not NFC", p.Name)
		}
	}
}

func TestParsePersonalID(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    PersonalID
		wantKey string
	}{
		{in: "001099012345", want: PersonalID{Number: "001099012345", ProvinceCode: "01", Sex: Male, BirthYear: 1999}},
		{in: "020185000123", want: PersonalID{Number: "020185000123", ProvinceCode: "20", Sex: Female, BirthYear: 1985}},
		{in: "079205123456", want: PersonalID{Number: "079205123456", ProvinceCode: "79", Sex: Male, BirthYear: 2005}},
		{in: "096300000001", want: PersonalID{Number: "096300000001", ProvinceCode: "96", Sex: Female, BirthYear: 2000}},
		{in: " 020 185 000123 ", want: PersonalID{Number: "020185000123", ProvinceCode: "20", Sex: Female, BirthYear: 1985}},
		{in: "020.185.000.123", want: PersonalID{Number: "020185000123", ProvinceCode: "20", Sex: Female, BirthYear: 1985}},
		{in: "", wantKey: "vnid.personal_id_format"},
		{in: "02018500012", wantKey: "vnid.personal_id_format"},
		{in: "0201850001234", wantKey: "vnid.personal_id_format"},
		{in: "02018500012a", wantKey: "vnid.personal_id_format"},
		{in: "０２０１８５０００１２３", wantKey: "vnid.personal_id_format"}, // full-width digits
		{in: "120185000123", wantKey: "vnid.personal_id_province"},
		{in: "003185000123", wantKey: "vnid.personal_id_province"}, // 03 was never a province code
		{in: "097185000123", wantKey: "vnid.personal_id_province"},
		{in: "020485000123", wantKey: "vnid.personal_id_century"},
		{in: "020985000123", wantKey: "vnid.personal_id_century"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParsePersonalID(tt.in)
			if k := key(err); k != tt.wantKey {
				t.Fatalf("error %q, want %q", k, tt.wantKey)
			}
			if got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
	if p, _ := ParsePersonalID("020185000123"); p.Province().Name != "Tỉnh Lạng Sơn" {
		t.Errorf("Province() = %+v", p.Province())
	}
}

func TestValidatePersonalIDAgainstHolder(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		id      string
		year    int
		sex     Sex
		wantKey string
	}{
		{"NothingKnown", "020185000123", 0, SexUnknown, ""},
		{"Matches", "020185000123", 1985, Female, ""},
		{"YearOnly", "079205123456", 2005, SexUnknown, ""},
		{"WrongYear", "020185000123", 1986, SexUnknown, "vnid.personal_id_birth"},
		{"WrongCentury", "020185000123", 2085, Female, "vnid.personal_id_birth"},
		{"WrongSex", "020185000123", 1985, Male, "vnid.personal_id_sex"},
		{"BadShapeFirst", "2018500012", 1985, Female, "vnid.personal_id_format"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if k := key(ValidatePersonalID(tt.id, tt.year, tt.sex)); k != tt.wantKey {
				t.Errorf("got %q, want %q", k, tt.wantKey)
			}
		})
	}
}

func TestEnterpriseCheckDigitArithmetic(t *testing.T) {
	t.Parallel()
	// r = sum mod 11; digit = 10 - r; r = 0 has no digit.
	tests := []struct {
		first9 string
		want   int
	}{
		{"010010910", 6},  // r=4: 0100109106, the documented example
		{"030058856", 9},  // r=1: 10-1 = 9 (0300588569)
		{"010010737", 0},  // r=10: 10-10 = 0 (0100107370)
		{"010000005", -1}, // r=0: 10-0 = 10, not a digit
		{"010101010", -1},
	}
	for _, tt := range tests {
		if got := enterpriseCheckDigit(tt.first9 + "0"); got != tt.want {
			t.Errorf("check digit of %s = %d, want %d", tt.first9, got, tt.want)
		}
	}
}

func TestParseEnterpriseCode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in          string
		want        string
		unconfirmed bool
		wantKey     string
	}{
		{in: "0100109106", want: "0100109106"},
		{in: " 0100109106 ", want: "0100109106"},
		{in: "0300588569", want: "0300588569"}, // remainder 1
		{in: "0100107370", want: "0100107370"}, // remainder 10
		{in: "0101248141", want: "0101248141"},
		{in: "0100109106-001", want: "0100109106-001"},
		{in: "0100109106 - 012", want: "0100109106-012"},
		{in: "0100109106001", want: "0100109106-001"},
		{in: "0100000050", want: "0100000050", unconfirmed: true}, // remainder 0: accepted, flagged
		{in: "0100000059", want: "0100000059", unconfirmed: true},
		{in: "0100109107", wantKey: "vnid.enterprise_code_check"},
		{in: "0300588560", wantKey: "vnid.enterprise_code_check"},
		{in: "0100107379", wantKey: "vnid.enterprise_code_check"},
		{in: "0100109107-001", wantKey: "vnid.enterprise_code_check"},
		{in: "0100109106-000", wantKey: "vnid.enterprise_code_branch"},
		{in: "010010910", wantKey: "vnid.enterprise_code_format"},
		{in: "001099012345", wantKey: "vnid.enterprise_code_format"}, // a personal ID
		{in: "0100109106-01", wantKey: "vnid.enterprise_code_format"},
		{in: "0100109106_001", wantKey: "vnid.enterprise_code_format"},
		{in: "01001O9106", wantKey: "vnid.enterprise_code_format"},
		{in: "0100109106-0a1", wantKey: "vnid.enterprise_code_format"},
		{in: "", wantKey: "vnid.enterprise_code_format"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseEnterpriseCode(tt.in)
			if k := key(err); k != tt.wantKey {
				t.Fatalf("error %q, want %q", k, tt.wantKey)
			}
			if err == nil && (got.String() != tt.want || got.Unconfirmed != tt.unconfirmed) {
				t.Errorf("got %s (unconfirmed %v), want %s (%v)", got, got.Unconfirmed, tt.want, tt.unconfirmed)
			}
		})
	}
}

func TestParsePhone(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want string
		kind PhoneKind
	}{
		{"0912345678", "+84912345678", Mobile},
		{"0912 345 678", "+84912345678", Mobile},
		{"0912.345.678", "+84912345678", Mobile},
		{"+84 912 345 678", "+84912345678", Mobile},
		{"+84 (0) 912 345 678", "+84912345678", Mobile},
		{"0084912345678", "+84912345678", Mobile},
		{"84912345678", "+84912345678", Mobile},
		{"0386-123-456", "+84386123456", Mobile},
		{"0205 3812 345", "+842053812345", Landline},
		{"(024) 3825 1234", "+842438251234", Landline},
		{"+84 24 3825 1234", "+842438251234", Landline},
		{"", "", ""},
		{"091234567", "", ""},      // too short
		{"09123456789", "", ""},    // too long
		{"0112345678", "", ""},     // no mobile prefix 01 since 2018
		{"0412345678", "", ""},     // 4 is not a mobile prefix
		{"1900 1234", "", ""},      // service number
		{"0091 2345 6789", "", ""}, // India, through the international prefix
		{"+1 202 555 0100", "", ""},
		{"09I2345678", "", ""},
		{"+84", "", ""},
	}
	for _, tt := range tests {
		got, err := ParsePhone(tt.in)
		if tt.want == "" {
			if key(err) != "vnid.phone" {
				t.Errorf("ParsePhone(%q) = %+v, %v; want vnid.phone", tt.in, got, err)
			}
			continue
		}
		if err != nil || got.E164 != tt.want || got.Kind != tt.kind {
			t.Errorf("ParsePhone(%q) = %+v, %v; want %s %s", tt.in, got, err, tt.want, tt.kind)
		}
	}
	if p, _ := ParsePhone("+84912345678"); p.National() != "0912345678" {
		t.Errorf("National() = %s", p.National())
	}
}

func TestParseEmail(t *testing.T) {
	t.Parallel()
	good := map[string]string{
		"an@example.vn":                   "an@example.vn",
		" Nguyen.Van.An@Gmail.COM ":       "Nguyen.Van.An@gmail.com",
		"a+tag@mail.langson.gov.vn":       "a+tag@mail.langson.gov.vn",
		"x_y-z@sub-domain.example.com":    "x_y-z@sub-domain.example.com",
		"user@xn--t-hgb.vn":               "user@xn--t-hgb.vn",
		"o'brien@example.ie":              "o'brien@example.ie",
		strings.Repeat("a", 64) + "@b.vn": strings.Repeat("a", 64) + "@b.vn",
	}
	for in, want := range good {
		if got, err := ParseEmail(in); err != nil || got != want {
			t.Errorf("ParseEmail(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "an", "@example.vn", "an@", "an@example", "an@@example.vn", "an @example.vn",
		"an@exa mple.vn", ".an@example.vn", "an.@example.vn", "a..n@example.vn", "an@-example.vn", "an@example-.vn",
		"an@example..vn", "an@example.v", "an@example.123", "an@[127.0.0.1]", `"an"@example.vn`, "ân@example.vn",
		"an@ví-dụ.vn", strings.Repeat("a", 65) + "@b.vn", "an@example.vn.", "a<b>@example.vn"} {
		if got, err := ParseEmail(in); key(err) != "vnid.email" {
			t.Errorf("ParseEmail(%q) = %q, %v; want vnid.email", in, got, err)
		}
	}
}

func TestField(t *testing.T) {
	t.Parallel()
	_, err := ParseEnterpriseCode("0100109107")
	f := Field("ma_so_thue", err)
	if f.Field != "ma_so_thue" || f.Key != "vnid.enterprise_code_check" || f.VI == "" || f.EN == "" {
		t.Errorf("Field = %+v", f)
	}
	if f := Field("x", fmt.Errorf("boom")); f.Key != "vnid.invalid" {
		t.Errorf("Field(other error) = %+v", f)
	}
}

func TestMessagesAreNFC(t *testing.T) {
	t.Parallel()
	for _, e := range []*apperr.Error{ErrPersonalIDFormat, ErrPersonalIDProvince, ErrPersonalIDCentury, ErrPersonalIDBirth,
		ErrPersonalIDSex, ErrEnterpriseFormat, ErrEnterpriseCheck, ErrEnterpriseBranch, WarnEnterpriseUnconfirmed, ErrPhone, ErrEmail} {
		if !norm.NFC.IsNormalString(e.VI) || e.VI == "" || e.EN == "" || e.Code != apperr.Invalid {
			t.Errorf("%s: bad message %+v", e.Key, e)
		}
	}
}

func FuzzParsePersonalID(f *testing.F) {
	for _, s := range []string{"001099012345", "020185000123", "0201850001", "abc", " 020 185 000123", "097185000123"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePersonalID(s)
		if err != nil {
			return
		}
		if len(p.Number) != 12 || !onlyDigits(p.Number) || p.BirthYear < 1900 || p.BirthYear > 2099 || p.Province().Code != p.ProvinceCode {
			t.Fatalf("accepted %q as %+v", s, p)
		}
		if again, err := ParsePersonalID(p.Number); err != nil || again != p {
			t.Fatalf("not idempotent: %+v, %v", again, err)
		}
		if p.Match(p.BirthYear, p.Sex) != nil {
			t.Fatalf("%+v does not match itself", p)
		}
	})
}

func FuzzParseEnterpriseCode(f *testing.F) {
	for _, s := range []string{"0100109106", "0100109106-001", "0100109106001", "0100000050", "x", "0100109106-000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseEnterpriseCode(s)
		if err != nil {
			return
		}
		again, err := ParseEnterpriseCode(c.String())
		if err != nil || again != c {
			t.Fatalf("%q -> %s -> %+v, %v", s, c, again, err)
		}
		if want := enterpriseCheckDigit(c.Base); (want < 0) != c.Unconfirmed || (want >= 0 && int(c.Base[9]-'0') != want) {
			t.Fatalf("accepted %q with a wrong check digit", s)
		}
	})
}

func FuzzParsePhone(f *testing.F) {
	for _, s := range []string{"0912345678", "+84 912 345 678", "(024) 3825 1234", "0091 2345 6789", "84912345678"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePhone(s)
		if err != nil {
			return
		}
		again, err := ParsePhone(p.E164)
		if err != nil || again != p {
			t.Fatalf("%q -> %+v -> %+v, %v", s, p, again, err)
		}
		if again, err := ParsePhone(p.National()); err != nil || again != p {
			t.Fatalf("%q -> %s -> %+v, %v", s, p.National(), again, err)
		}
	})
}

func FuzzParseEmail(f *testing.F) {
	for _, s := range []string{"an@example.vn", " A@B.CO ", "a@@b", "ân@x.vn", "a@xn--t-hgb.vn"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := ParseEmail(s)
		if err != nil {
			return
		}
		if !utf8.ValidString(e) || strings.ContainsAny(e, " \t\r\n") || strings.Count(e, "@") != 1 {
			t.Fatalf("accepted %q as %q", s, e)
		}
		if again, err := ParseEmail(e); err != nil || again != e {
			t.Fatalf("not idempotent: %q -> %q, %v", e, again, err)
		}
	})
}
