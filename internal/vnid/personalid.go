package vnid

// Sex is the sex encoded in a personal ID number.
type Sex int

const (
	SexUnknown Sex = iota // not known: not checked
	Male
	Female
)

func (s Sex) String() string {
	switch s {
	case Male:
		return "male"
	case Female:
		return "female"
	}
	return "unknown"
}

// PersonalID is a decoded personal ID number (số định danh cá nhân, the
// number on the CCCD card).
type PersonalID struct {
	Number       string // 12 digits
	ProvinceCode string // 2-digit code of the pre-2025 province of birth registration
	Sex          Sex
	BirthYear    int // century from digit 4, last two digits from digits 5-6
}

// Province returns the pre-2025 province in which the birth was registered.
func (p PersonalID) Province() OldProvince {
	op, _ := OldProvinceByCode(p.ProvinceCode)
	return op
}

// Errors of personal ID numbers. Their keys are stable.
var (
	ErrPersonalIDFormat = invalid("vnid.personal_id_format",
		"Số định danh cá nhân phải gồm đúng 12 chữ số.",
		"A personal ID number has exactly 12 digits.")
	ErrPersonalIDProvince = invalid("vnid.personal_id_province",
		"Ba chữ số đầu của số định danh cá nhân không phải mã tỉnh, thành phố nơi đăng ký khai sinh.",
		"The first three digits of the personal ID number are not the code of a province of birth registration.")
	ErrPersonalIDCentury = invalid("vnid.personal_id_century",
		"Chữ số thứ tư của số định danh cá nhân (thế kỷ và giới tính) không hợp lệ.",
		"The fourth digit of the personal ID number (century and sex) is not valid.")
	ErrPersonalIDBirth = invalid("vnid.personal_id_birth",
		"Số định danh cá nhân không khớp với năm sinh.",
		"The personal ID number does not match the year of birth.")
	ErrPersonalIDSex = invalid("vnid.personal_id_sex",
		"Số định danh cá nhân không khớp với giới tính.",
		"The personal ID number does not match the sex.")
)

// ParsePersonalID checks the shape of a personal ID number and decodes it:
// 12 digits (spaces and dots between groups are removed), the first three
// being "0" and the 2-digit code of one of the 63 provinces that existed
// before July 2025 (IDs keep their prefix after the reorganisation), the
// fourth the century and sex, the fifth and sixth the birth year's last
// two digits. There is no check digit.
//
// Digit 4 may encode centuries up to the 2300s; only 0-3 (born 1900-2099)
// are accepted, since nobody born later holds a card yet. Revisit in 2100.
func ParsePersonalID(s string) (PersonalID, error) {
	n := stripSeparators(s, " .")
	if len(n) != 12 || !onlyDigits(n) {
		return PersonalID{}, ErrPersonalIDFormat
	}
	if n[0] != '0' {
		return PersonalID{}, ErrPersonalIDProvince
	}
	if _, ok := OldProvinceByCode(n[1:3]); !ok {
		return PersonalID{}, ErrPersonalIDProvince
	}
	d := int(n[3] - '0')
	if d > 3 {
		return PersonalID{}, ErrPersonalIDCentury
	}
	sex := Male
	if d%2 == 1 {
		sex = Female
	}
	year := 1900 + (d/2)*100 + int(n[4]-'0')*10 + int(n[5]-'0')
	return PersonalID{Number: n, ProvinceCode: n[1:3], Sex: sex, BirthYear: year}, nil
}

// Match reports whether the ID agrees with what else is known of its holder:
// the birth year (0 when unknown) and the sex (SexUnknown when unknown).
// Callers holding a birth date pass its year in Vietnam's time zone.
func (p PersonalID) Match(birthYear int, sex Sex) error {
	if birthYear != 0 && birthYear != p.BirthYear {
		return ErrPersonalIDBirth
	}
	if sex != SexUnknown && sex != p.Sex {
		return ErrPersonalIDSex
	}
	return nil
}

// ValidatePersonalID parses s and, when the birth year or sex is known
// (non-zero), checks that the ID agrees with them.
func ValidatePersonalID(s string, birthYear int, sex Sex) error {
	p, err := ParsePersonalID(s)
	if err != nil {
		return err
	}
	return p.Match(birthYear, sex)
}
