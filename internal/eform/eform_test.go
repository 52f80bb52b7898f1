package eform

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"egov/internal/apperr"
)

var today = Date{2026, time.March, 15}

func sampleForm() Form {
	return Form{
		Key:   "to-khai-mau",
		Title: Text{VI: "Tờ khai mẫu", EN: "Sample declaration"},
		Fields: []Field{
			{Name: "ho_ten", Type: TypeText, Label: Text{"Họ và tên", "Full name"}, Required: true, MaxLength: 100},
			{Name: "ngay_sinh", Type: TypeDate, Label: Text{"Ngày sinh", "Date of birth"}, Required: true, Min: "1900-01-01", Max: Today},
			{Name: "gioi_tinh", Type: TypeChoice, Label: Text{"Giới tính", "Sex"}, Required: true,
				Options: []Option{{"nam", Text{"Nam", "Male"}}, {"nu", Text{"Nữ", "Female"}}}},
			{Name: "so_dinh_danh", Type: TypePersonalID, Label: Text{"Số định danh cá nhân", "Personal ID number"}, Required: true, BirthField: "ngay_sinh",
				Help: Text{"12 chữ số trên thẻ căn cước", "12 digits on the ID card"}},
			{Name: "dien_thoai", Type: TypePhone, Label: Text{"Số điện thoại", "Phone"}},
			{Name: "email", Type: TypeEmail, Label: Text{"Thư điện tử", "E-mail"}, RequireIf: &Condition{Field: "dien_thoai", Op: OpEmpty}},
			{Name: "loai", Type: TypeChoice, Label: Text{"Người nộp", "Applicant"}, Required: true,
				Options: []Option{{"ca_nhan", Text{"Cá nhân", "Individual"}}, {"doanh_nghiep", Text{"Doanh nghiệp", "Enterprise"}}}},
			{Name: "ma_so_dn", Type: TypeEnterpriseCode, Label: Text{"Mã số doanh nghiệp", "Enterprise code"}, Required: true,
				ShowIf: &Condition{Field: "loai", Op: OpEq, Value: "doanh_nghiep"}},
			{Name: "von", Type: TypeMoney, Label: Text{"Vốn điều lệ", "Charter capital"}, Min: "1000000",
				ShowIf: &Condition{Field: "loai", Op: OpEq, Value: "doanh_nghiep"}},
			{Name: "dien_tich", Type: TypeNumber, Label: Text{"Diện tích (m²)", "Area (m²)"}, Min: "0", Max: "10000"},
			{Name: "muc_dich", Type: TypeMultiChoice, Label: Text{"Mục đích", "Purpose"},
				Options: []Option{{"o", Text{"Để ở", "Housing"}}, {"kinh_doanh", Text{"Kinh doanh", "Business"}}, {"khac", Text{"Khác", "Other"}}}},
			{Name: "ghi_chu", Type: TypeLongText, Label: Text{"Ghi rõ mục đích", "Describe the purpose"},
				ShowIf: &Condition{Any: []Condition{
					{Field: "muc_dich", Op: OpEq, Value: "khac"},
					{All: []Condition{{Field: "loai", Op: OpEq, Value: "doanh_nghiep"}, {Field: "von", Op: OpGt, Value: "1000000000"}}},
				}},
				RequireIf: &Condition{Field: "muc_dich", Op: OpIn, Values: []string{"khac"}}},
			{Name: "dia_chi", Type: TypeAddress, Label: Text{"Nơi cư trú", "Residence"}, Required: true},
			{Name: "ban_sao", Type: TypeFile, Label: Text{"Bản sao giấy tờ", "Copy of documents"}, Required: true,
				Accept: []string{"application/pdf", "image/*"}, MaxSize: 1 << 20, MaxFiles: 2},
		},
	}
}

func goodValues() Values {
	return Values{
		"ho_ten":           {"  Nguyễn Thị An "},
		"ngay_sinh":        {"1985-06-01"},
		"gioi_tinh":        {"nu"},
		"so_dinh_danh":     {"020185000123"},
		"dien_thoai":       {"0912 345 678"},
		"loai":             {"ca_nhan"},
		"dia_chi.province": {"20"},
		"dia_chi.commune":  {"05977"},
		"dia_chi.street":   {"Số 5 Lê Lợi"},
	}
}

func goodFiles() Files {
	return Files{"ban_sao": {{Name: "cccd.pdf", Size: 2048, MIME: "application/pdf"}}}
}

func keys(errs []apperr.FieldError) map[string]string {
	m := map[string]string{}
	for _, e := range errs {
		m[e.Field] = e.Key
	}
	return m
}

func TestSampleFormIsValid(t *testing.T) {
	t.Parallel()
	if err := sampleForm().Validate(); err != nil {
		t.Fatalf("Validate: %v %+v", err, apperr.As(err).Fields)
	}
}

func TestCheckGoodSubmission(t *testing.T) {
	t.Parallel()
	clean, errs := sampleForm().Check(goodValues(), WithFiles(goodFiles()), WithToday(today))
	if len(errs) > 0 {
		t.Fatalf("errors: %+v", errs)
	}
	if got := clean.String("ho_ten"); got != "Nguyễn Thị An" {
		t.Errorf("ho_ten = %q", got)
	}
	if d, _ := clean.Date("ngay_sinh"); d != (Date{1985, time.June, 1}) {
		t.Errorf("ngay_sinh = %v", d)
	}
	if got := clean.String("dien_thoai"); got != "+84912345678" {
		t.Errorf("dien_thoai = %q", got)
	}
	if a, _ := clean.Address("dia_chi"); a != (Address{ProvinceCode: "20", CommuneCode: "05977", Street: "Số 5 Lê Lợi"}) {
		t.Errorf("dia_chi = %+v", a)
	}
	if len(clean.Files("ban_sao")) != 1 || len(clean.Flags) != 0 {
		t.Errorf("files %v flags %v", clean.Files("ban_sao"), clean.Flags)
	}
	for _, hidden := range []string{"ma_so_dn", "von", "ghi_chu", "email"} {
		if _, ok := clean.Values[hidden]; ok {
			t.Errorf("%s should be absent", hidden)
		}
	}
}

func TestValidateDefinitionRules(t *testing.T) {
	t.Parallel()
	base := func() Form {
		return Form{Fields: []Field{
			{Name: "a", Type: TypeText, Label: Text{VI: "A"}},
			{Name: "c", Type: TypeChoice, Label: Text{VI: "C"}, Options: []Option{{"x", Text{VI: "X"}}, {"y", Text{VI: "Y"}}}},
			{Name: "n", Type: TypeNumber, Label: Text{VI: "N"}},
			{Name: "f", Type: TypeFile, Label: Text{VI: "F"}},
			{Name: "d", Type: TypeDate, Label: Text{VI: "D"}},
		}}
	}
	if err := base().Validate(); err != nil {
		t.Fatalf("base form: %+v", apperr.As(err).Fields)
	}
	tests := []struct {
		name      string
		edit      func(*Form)
		field     string
		key       string
		wantInMsg string
	}{
		{"NoFields", func(f *Form) { f.Fields = nil }, "fields", "eform.def.no_fields", ""},
		{"BadName", func(f *Form) { f.Fields[0].Name = "Ho Ten" }, "fields[0].name", "eform.def.name", ""},
		{"NameStartsWithDigit", func(f *Form) { f.Fields[0].Name = "1a" }, "fields[0].name", "eform.def.name", ""},
		{"NameWithDot", func(f *Form) { f.Fields[0].Name = "a.b" }, "fields[0].name", "eform.def.name", ""},
		{"DuplicateName", func(f *Form) { f.Fields[2].Name = "a" }, "fields[2].name", "eform.def.duplicate_name", ""},
		{"UnknownType", func(f *Form) { f.Fields[0].Name, f.Fields[0].Type = "ngay_sinh", "datetime" }, "fields[0].type", "eform.def.unknown_type", `"ngay_sinh": unknown type "datetime"`},
		{"NoLabel", func(f *Form) { f.Fields[0].Label = Text{EN: "A"} }, "fields[0].label.vi", "eform.def.label_missing", ""},
		{"ChoiceWithoutOptions", func(f *Form) { f.Fields[1].Options = nil }, "fields[1].options", "eform.def.options", ""},
		{"OptionsOnText", func(f *Form) { f.Fields[0].Options = []Option{{"x", Text{VI: "X"}}} }, "fields[0].options", "eform.def.not_applicable", ""},
		{"DuplicateOption", func(f *Form) { f.Fields[1].Options[1].Value = "x" }, "fields[1].options[1].value", "eform.def.duplicate_option", ""},
		{"EmptyOption", func(f *Form) { f.Fields[1].Options[1].Value = " " }, "fields[1].options[1].value", "eform.def.option_value", ""},
		{"OptionWithoutLabel", func(f *Form) { f.Fields[1].Options[1].Label = Text{} }, "fields[1].options[1].label.vi", "eform.def.label_missing", ""},
		{"MinOnText", func(f *Form) { f.Fields[0].Min = "1" }, "fields[0].min", "eform.def.not_applicable", ""},
		{"BadNumberMin", func(f *Form) { f.Fields[2].Min = "abc" }, "fields[2].min", "eform.def.limit", ""},
		{"BadDateMax", func(f *Form) { f.Fields[4].Max = "31/12/2026" }, "fields[4].max", "eform.def.limit", ""},
		{"MinAboveMax", func(f *Form) { f.Fields[2].Min, f.Fields[2].Max = "10", "5" }, "fields[2].min", "eform.def.min_max", ""},
		{"DateMinAboveMax", func(f *Form) { f.Fields[4].Min, f.Fields[4].Max = "2026-02-01", "2026-01-01" }, "fields[4].min", "eform.def.min_max", ""},
		{"MaxLengthOnNumber", func(f *Form) { f.Fields[2].MaxLength = 5 }, "fields[2].max_length", "eform.def.not_applicable", ""},
		{"NegativeMaxLength", func(f *Form) { f.Fields[0].MaxLength = -1 }, "fields[0].max_length", "eform.def.limit", ""},
		{"HugeMaxLength", func(f *Form) { f.Fields[0].MaxLength = 1 << 30 }, "fields[0].max_length", "eform.def.limit", ""},
		{"AcceptOnText", func(f *Form) { f.Fields[0].Accept = []string{"application/pdf"} }, "fields[0].accept", "eform.def.not_applicable", ""},
		{"BadMIME", func(f *Form) { f.Fields[3].Accept = []string{"pdf"} }, "fields[3].accept[0]", "eform.def.mime", ""},
		{"HugeFile", func(f *Form) { f.Fields[3].MaxSize = 1 << 40 }, "fields[3].max_size", "eform.def.limit", ""},
		{"TooManyFiles", func(f *Form) { f.Fields[3].MaxFiles = 1000 }, "fields[3].max_files", "eform.def.limit", ""},
		{"BirthFieldOnText", func(f *Form) { f.Fields[0].BirthField = "d" }, "fields[0].birth_field", "eform.def.not_applicable", ""},
		{"RequireIfOnRequired", func(f *Form) {
			f.Fields[2].Required, f.Fields[2].RequireIf = true, &Condition{Field: "a", Op: OpFilled}
		}, "fields[2].require_if", "eform.def.require_if", ""},
		{"ConditionOnLaterField", func(f *Form) { f.Fields[0].ShowIf = &Condition{Field: "c", Op: OpFilled} }, "fields[0].show_if.field", "eform.def.condition_field", ""},
		{"ConditionOnItself", func(f *Form) { f.Fields[2].ShowIf = &Condition{Field: "n", Op: OpFilled} }, "fields[2].show_if.field", "eform.def.condition_field", ""},
		{"ConditionOnUnknownField", func(f *Form) { f.Fields[2].ShowIf = &Condition{Field: "zz", Op: OpFilled} }, "fields[2].show_if.field", "eform.def.condition_field", ""},
		{"ConditionUnknownOp", func(f *Form) { f.Fields[2].ShowIf = &Condition{Field: "a", Op: "like", Value: "x"} }, "fields[2].show_if.op", "eform.def.condition_op", ""},
		{"ConditionTwoShapes", func(f *Form) {
			f.Fields[2].ShowIf = &Condition{Field: "a", Op: OpFilled, All: []Condition{{Field: "a", Op: OpFilled}}}
		}, "fields[2].show_if", "eform.def.condition_shape", ""},
		{"ConditionEmptyGroup", func(f *Form) { f.Fields[2].ShowIf = &Condition{Any: []Condition{}} }, "fields[2].show_if.any", "eform.def.condition_shape", ""},
		{"ConditionNotAnOption", func(f *Form) { f.Fields[2].ShowIf = &Condition{Field: "c", Op: OpEq, Value: "z"} }, "fields[2].show_if.value", "eform.def.condition_value", ""},
		{"ConditionInWithoutValues", func(f *Form) { f.Fields[2].ShowIf = &Condition{Field: "c", Op: OpIn, Value: "x"} }, "fields[2].show_if.values", "eform.def.condition_value", ""},
		{"ConditionGtOnText", func(f *Form) { f.Fields[2].ShowIf = &Condition{Field: "a", Op: OpGt, Value: "1"} }, "fields[2].show_if.op", "eform.def.condition_op", ""},
		{"ConditionGtBadNumber", func(f *Form) { f.Fields[4].ShowIf = &Condition{Field: "n", Op: OpGt, Value: "many"} }, "fields[4].show_if.value", "eform.def.condition_value", ""},
		{"ConditionFilledWithValue", func(f *Form) { f.Fields[2].ShowIf = &Condition{Field: "a", Op: OpFilled, Value: "x"} }, "fields[2].show_if", "eform.def.condition_value", ""},
		{"ConditionEqOnFile", func(f *Form) { f.Fields[4].ShowIf = &Condition{Field: "f", Op: OpEq, Value: "x"} }, "fields[4].show_if.value", "eform.def.condition_op", ""},
		{"NestedConditionPlace", func(f *Form) {
			f.Fields[4].RequireIf = &Condition{All: []Condition{{Field: "a", Op: OpFilled}, {Any: []Condition{{Field: "c", Op: OpEq, Value: "q"}}}}}
		}, "fields[4].require_if.all[1].any[0].value", "eform.def.condition_value", ""},
		{"ConditionTooDeep", func(f *Form) {
			c := Condition{Field: "a", Op: OpFilled}
			for range 10 {
				c = Condition{All: []Condition{c}}
			}
			f.Fields[2].ShowIf = &c
		}, "fields[2].show_if.all[0].all[0].all[0].all[0].all[0].all[0].all[0].all[0]", "eform.def.condition_depth", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := base()
			tt.edit(&f)
			err := f.Validate()
			if err == nil {
				t.Fatal("Validate accepted the form")
			}
			e := apperr.As(err)
			if e.Code != apperr.Invalid {
				t.Fatalf("code %s", e.Code)
			}
			got := keys(e.Fields)
			if got[tt.field] != tt.key {
				t.Fatalf("errors %+v; want %s at %s", e.Fields, tt.key, tt.field)
			}
			for _, fe := range e.Fields {
				if fe.VI == "" || fe.EN == "" || !norm.NFC.IsNormalString(fe.VI) {
					t.Errorf("bad message %+v", fe)
				}
				if tt.wantInMsg != "" && fe.Field == tt.field && !strings.Contains(fe.EN, tt.wantInMsg) {
					t.Errorf("message %q does not contain %q", fe.EN, tt.wantInMsg)
				}
			}
		})
	}
}

// one returns a minimal valid submission plus the given values.
func with(kv ...string) Values {
	v := goodValues()
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "<nil>" {
			delete(v, kv[i])
			continue
		}
		v[kv[i]] = append([]string(nil), strings.Split(kv[i+1], "|")...)
	}
	return v
}

func TestCheckFieldTypes(t *testing.T) {
	t.Parallel()
	f := sampleForm()
	biz := []string{"loai", "doanh_nghiep", "ma_so_dn", "0100109106"}
	tests := []struct {
		name   string
		values Values
		field  string
		key    string // "" means valid
		want   any    // expected clean value when valid
	}{
		{"TextTrimmedNFC", with("ho_ten", norm.NFD.String(" Lê Văn Hoà ")), "ho_ten", "", "Lê Văn Hoà"},
		{"TextTooLong", with("ho_ten", strings.Repeat("a", 101)), "ho_ten", "eform.too_long", nil},
		{"TextControl", with("ho_ten", "An\x00"), "ho_ten", "eform.text", nil},
		{"TextNewline", with("ho_ten", "An\nBình"), "ho_ten", "eform.text", nil},
		{"TextInvalidUTF8", with("ho_ten", "An\xff"), "ho_ten", "eform.text", nil},
		{"TextTwoValues", with("ho_ten", "An|Bình"), "ho_ten", "eform.multiple_values", nil},
		{"TextMissing", with("ho_ten", "  "), "ho_ten", "eform.required", nil},
		{"DateISO", with("ngay_sinh", "1985-12-31"), "ngay_sinh", "", Date{1985, 12, 31}},
		{"DateVietnamese", with("ngay_sinh", "01/06/1985"), "ngay_sinh", "", Date{1985, 6, 1}},
		{"DateNoSuchDay", with("ngay_sinh", "31/02/2026"), "ngay_sinh", "eform.date", nil},
		{"DateNoSuchDayISO", with("ngay_sinh", "2025-02-29"), "ngay_sinh", "eform.date", nil},
		{"DateGarbage", with("ngay_sinh", "hôm qua"), "ngay_sinh", "eform.date", nil},
		{"DateInFuture", with("ngay_sinh", "2026-03-16", "so_dinh_danh", "020326000123"), "ngay_sinh", "eform.max", nil},
		{"DateToday", with("ngay_sinh", "2026-03-15", "so_dinh_danh", "020326000123"), "ngay_sinh", "", Date{2026, 3, 15}},
		{"DateBeforeMin", with("ngay_sinh", "1899-12-31"), "ngay_sinh", "eform.min", nil},
		{"ChoiceOutsideOptions", with("gioi_tinh", "khac"), "gioi_tinh", "eform.choice", nil},
		{"ChoiceMissing", with("gioi_tinh", "<nil>"), "gioi_tinh", "eform.required", nil},
		{"PersonalIDWrongProvince", with("so_dinh_danh", "003185000123"), "so_dinh_danh", "vnid.personal_id_province", nil},
		{"PersonalIDShape", with("so_dinh_danh", "12345"), "so_dinh_danh", "vnid.personal_id_format", nil},
		{"PersonalIDWrongBirthYear", with("ngay_sinh", "1986-01-01"), "so_dinh_danh", "vnid.personal_id_birth", nil},
		{"PersonalIDSpaces", with("so_dinh_danh", "020 185 000 123"), "so_dinh_danh", "", "020185000123"},
		{"EnterpriseCode", with(append(biz, "ma_so_dn", "0100109106-001")...), "ma_so_dn", "", "0100109106-001"},
		{"EnterpriseWrongCheckDigit", with(append(biz, "ma_so_dn", "0100109107")...), "ma_so_dn", "vnid.enterprise_code_check", nil},
		{"EnterpriseRequiredWhenShown", with(append(biz, "ma_so_dn", "")...), "ma_so_dn", "eform.required", nil},
		{"MoneyDots", with(append(biz, "von", "1.500.000")...), "von", "", int64(1500000)},
		{"MoneyCommasCurrency", with(append(biz, "von", "1,500,000 đ")...), "von", "", int64(1500000)},
		{"MoneyPlain", with(append(biz, "von", "1500000")...), "von", "", int64(1500000)},
		{"MoneySpacesVND", with(append(biz, "von", "2 000 000 VNĐ")...), "von", "", int64(2000000)},
		{"MoneyAbc", with(append(biz, "von", "abc")...), "von", "eform.money", nil},
		{"MoneyDecimal", with(append(biz, "von", "1500000,50")...), "von", "eform.money", nil},
		{"MoneyBadGroup", with(append(biz, "von", "1.50.000")...), "von", "eform.money", nil},
		{"MoneyMixed", with(append(biz, "von", "1.500,000")...), "von", "eform.money", nil},
		{"MoneyNegative", with(append(biz, "von", "-1.500.000")...), "von", "eform.money", nil},
		{"MoneyHuge", with(append(biz, "von", "99999999999999999999")...), "von", "eform.money", nil},
		{"MoneyBelowMin", with(append(biz, "von", "999.999")...), "von", "eform.min", nil},
		{"NumberComma", with("dien_tich", "12,5"), "dien_tich", "", 12.5},
		{"NumberDot", with("dien_tich", "12.5"), "dien_tich", "", 12.5},
		{"NumberThousands", with("dien_tich", "1.500.000"), "dien_tich", "eform.number", nil},
		{"NumberExponent", with("dien_tich", "1e3"), "dien_tich", "eform.number", nil},
		{"NumberNaN", with("dien_tich", "NaN"), "dien_tich", "eform.number", nil},
		{"NumberAboveMax", with("dien_tich", "10000,01"), "dien_tich", "eform.max", nil},
		{"NumberNegative", with("dien_tich", "-1"), "dien_tich", "eform.min", nil},
		{"PhoneBad", with("dien_thoai", "12345", "email", "an@example.vn"), "dien_thoai", "vnid.phone", nil},
		{"EmailGood", with("email", " An@Example.VN "), "email", "", "An@example.vn"},
		{"EmailBad", with("email", "an@"), "email", "vnid.email", nil},
		{"MultiChoice", with("muc_dich", "o|kinh_doanh"), "muc_dich", "", []string{"o", "kinh_doanh"}},
		{"MultiChoiceDuplicate", with("muc_dich", "o|o"), "muc_dich", "eform.duplicate", nil},
		{"MultiChoiceOutside", with("muc_dich", "o|bay"), "muc_dich", "eform.choice", nil},
		{"MultiChoiceEmptyIgnored", with("muc_dich", "|o|"), "muc_dich", "", []string{"o"}},
		{"AddressCommuneOfOtherProvince", with("dia_chi.province", "01"), "dia_chi.commune", "eform.address_commune", nil},
		{"AddressUnknownCommune", with("dia_chi.commune", "99999"), "dia_chi.commune", "eform.address_commune", nil},
		{"AddressUnknownProvince", with("dia_chi.province", "02", "dia_chi.commune", ""), "dia_chi.province", "eform.address_province", nil},
		{"AddressProvinceOnly", with("dia_chi.commune", "", "dia_chi.street", ""), "dia_chi.commune", "eform.address_unresolved", nil},
		{"AddressCommuneOnly", with("dia_chi.province", ""), "dia_chi", "", Address{ProvinceCode: "20", CommuneCode: "05977", Street: "Số 5 Lê Lợi"}},
		{"AddressFreeTextNew", with("dia_chi.province", "", "dia_chi.commune", "", "dia_chi.street", "", "dia_chi", "Số 5, Thôn Nà Chuông, Xã Ba Sơn, Tỉnh Lạng Sơn"),
			"dia_chi", "", Address{ProvinceCode: "20", CommuneCode: "06196", Street: "Số 5, Thôn Nà Chuông", FreeText: "Số 5, Thôn Nà Chuông, Xã Ba Sơn, Tỉnh Lạng Sơn"}},
		{"AddressFreeTextNoAccents", with("dia_chi.province", "", "dia_chi.commune", "", "dia_chi.street", "", "dia_chi", "so 5, xa ba son, lang son, Viet Nam"),
			"dia_chi", "", Address{ProvinceCode: "20", CommuneCode: "06196", Street: "so 5", FreeText: "so 5, xa ba son, lang son, Viet Nam"}},
		{"AddressStreetWithChosenProvince", with("dia_chi.commune", "", "dia_chi.street", "", "dia_chi", "Thôn 3, Xã Chi Lăng"),
			"dia_chi", "", Address{ProvinceCode: "20", CommuneCode: "06463", Street: "Thôn 3", FreeText: "Thôn 3, Xã Chi Lăng"}},
		{"AddressFreeTextOld", with("dia_chi.province", "", "dia_chi.commune", "", "dia_chi.street", "", "dia_chi", "Thôn Nà Chuông, Xã Hoàng Đồng, Huyện Cao Lộc, Tỉnh Lạng Sơn"),
			"dia_chi", "", Address{FreeText: "Thôn Nà Chuông, Xã Hoàng Đồng, Huyện Cao Lộc, Tỉnh Lạng Sơn", Legacy: true}},
		{"AddressFreeTextUnknown", with("dia_chi.province", "", "dia_chi.commune", "", "dia_chi.street", "", "dia_chi", "Ở gần chợ"), "dia_chi.commune", "eform.address_unresolved", nil},
		{"AddressMissing", with("dia_chi.province", "", "dia_chi.commune", "", "dia_chi.street", ""), "dia_chi", "eform.required", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			clean, errs := f.Check(tt.values, WithFiles(goodFiles()), WithToday(today))
			got := keys(errs)
			if tt.key == "" {
				if len(errs) > 0 {
					t.Fatalf("errors %+v", errs)
				}
				if v := clean.Values[tt.field]; !reflect.DeepEqual(v, tt.want) {
					t.Fatalf("%s = %#v, want %#v", tt.field, v, tt.want)
				}
				return
			}
			if got[tt.field] != tt.key {
				t.Fatalf("errors %+v; want %s on %s", errs, tt.key, tt.field)
			}
			if len(errs) != 1 {
				t.Errorf("want one error, got %+v", errs)
			}
			if _, ok := clean.Values[strings.Split(tt.field, ".")[0]]; ok {
				t.Errorf("invalid field kept in clean values")
			}
			for _, e := range errs {
				if e.VI == "" || e.EN == "" || !norm.NFC.IsNormalString(e.VI) {
					t.Errorf("bad message %+v", e)
				}
			}
		})
	}
}

func TestCheckFlags(t *testing.T) {
	t.Parallel()
	f := sampleForm()
	clean, errs := f.Check(with("loai", "doanh_nghiep", "ma_so_dn", "0100000050"), WithFiles(goodFiles()), WithToday(today))
	if len(errs) > 0 {
		t.Fatalf("errors %+v", errs)
	}
	if len(clean.Flags) != 1 || clean.Flags[0].Key != "vnid.enterprise_code_unconfirmed" || clean.String("ma_so_dn") != "0100000050" {
		t.Errorf("flags %+v, value %q", clean.Flags, clean.String("ma_so_dn"))
	}
	clean, errs = f.Check(with("dia_chi.province", "", "dia_chi.commune", "", "dia_chi.street", "", "dia_chi", "12 Lê Lợi, P. Bến Nghé, Q.1, TP.HCM"),
		WithFiles(goodFiles()), WithToday(today))
	if len(errs) > 0 || len(clean.Flags) != 1 || clean.Flags[0].Key != "eform.address_legacy" || clean.Flags[0].Field != "dia_chi" {
		t.Errorf("errors %+v flags %+v", errs, clean.Flags)
	}
	if a, _ := clean.Address("dia_chi"); !a.Legacy {
		t.Errorf("address %+v not flagged legacy", a)
	}
}

func TestCheckFiles(t *testing.T) {
	t.Parallel()
	f := sampleForm()
	pdf := FileInfo{Name: "a.pdf", Size: 100, MIME: "application/pdf"}
	tests := []struct {
		name  string
		files []FileInfo
		key   string
	}{
		{"One", []FileInfo{pdf}, ""},
		{"ImageWildcard", []FileInfo{{Name: "a.jpg", Size: 100, MIME: "image/jpeg"}}, ""},
		{"MIMEWithParams", []FileInfo{{Name: "a.pdf", Size: 100, MIME: "Application/PDF; charset=binary"}}, ""},
		{"Two", []FileInfo{pdf, pdf}, ""},
		{"Three", []FileInfo{pdf, pdf, pdf}, "eform.file_count"},
		{"WrongType", []FileInfo{{Name: "a.exe", Size: 100, MIME: "application/x-msdownload"}}, "eform.file_type"},
		{"ImagePrefixOnly", []FileInfo{{Name: "a", Size: 100, MIME: "image/"}}, "eform.file_type"},
		{"TooLarge", []FileInfo{{Name: "a.pdf", Size: 1<<20 + 1, MIME: "application/pdf"}}, "eform.file_size"},
		{"Empty", []FileInfo{{Name: "a.pdf", Size: 0, MIME: "application/pdf"}}, "eform.file_empty"},
		{"Missing", nil, "eform.required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			clean, errs := f.Check(goodValues(), WithFiles(Files{"ban_sao": tt.files}), WithToday(today))
			if tt.key == "" {
				if len(errs) > 0 || len(clean.Files("ban_sao")) != len(tt.files) {
					t.Fatalf("errors %+v, files %v", errs, clean.Files("ban_sao"))
				}
				return
			}
			if keys(errs)["ban_sao"] != tt.key {
				t.Fatalf("errors %+v; want %s", errs, tt.key)
			}
		})
	}
	// Default limits: PDF, JPEG, PNG up to 10 MiB, one file.
	g := Form{Fields: []Field{{Name: "tep", Type: TypeFile, Label: Text{VI: "Tệp"}}}}
	if _, errs := g.Check(nil, WithFiles(Files{"tep": {{Name: "a.docx", Size: 10, MIME: "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}}})); keys(errs)["tep"] != "eform.file_type" {
		t.Errorf("default accept: %+v", errs)
	}
	if _, errs := g.Check(nil, WithFiles(Files{"tep": {{Name: "a.png", Size: 10 << 20, MIME: "image/png"}}})); len(errs) != 0 {
		t.Errorf("10 MiB PNG refused: %+v", errs)
	}
}

func TestConditions(t *testing.T) {
	t.Parallel()
	f := sampleForm()
	check := func(t *testing.T, v Values) (Clean, map[string]string) {
		t.Helper()
		c, errs := f.Check(v, WithFiles(goodFiles()), WithToday(today))
		return c, keys(errs)
	}
	t.Run("HiddenFieldDroppedAndNotValidated", func(t *testing.T) {
		c, errs := check(t, with("ma_so_dn", "not a code", "von", "abc"))
		if len(errs) != 0 {
			t.Fatalf("hidden fields validated: %v", errs)
		}
		if _, ok := c.Values["ma_so_dn"]; ok {
			t.Error("hidden value kept")
		}
	})
	t.Run("ShownFieldValidated", func(t *testing.T) {
		_, errs := check(t, with("loai", "doanh_nghiep", "ma_so_dn", "not a code"))
		if errs["ma_so_dn"] != "vnid.enterprise_code_format" {
			t.Errorf("errors %v", errs)
		}
	})
	t.Run("RequireIfEmpty", func(t *testing.T) {
		_, errs := check(t, with("dien_thoai", ""))
		if errs["email"] != "eform.required" {
			t.Errorf("email not required without a phone: %v", errs)
		}
		_, errs = check(t, with("dien_thoai", "", "email", "an@example.vn"))
		if len(errs) != 0 {
			t.Errorf("errors %v", errs)
		}
	})
	t.Run("InvalidFieldCountsAsEmpty", func(t *testing.T) {
		_, errs := check(t, with("dien_thoai", "123"))
		if errs["dien_thoai"] != "vnid.phone" || errs["email"] != "eform.required" {
			t.Errorf("errors %v", errs)
		}
	})
	t.Run("AnyFirstBranch", func(t *testing.T) {
		c, errs := check(t, with("muc_dich", "khac", "ghi_chu", "Làm kho"))
		if len(errs) != 0 || c.String("ghi_chu") != "Làm kho" {
			t.Errorf("errors %v, ghi_chu %q", errs, c.String("ghi_chu"))
		}
		_, errs = check(t, with("muc_dich", "khac"))
		if errs["ghi_chu"] != "eform.required" {
			t.Errorf("require_if (in) not applied: %v", errs)
		}
	})
	t.Run("AnyNestedAllBranch", func(t *testing.T) {
		c, errs := check(t, with("loai", "doanh_nghiep", "ma_so_dn", "0100109106", "von", "2.000.000.000", "ghi_chu", "Mở rộng"))
		if len(errs) != 0 || c.String("ghi_chu") != "Mở rộng" {
			t.Errorf("errors %v, ghi_chu %q", errs, c.String("ghi_chu"))
		}
		// Not required here: require_if only for "khac".
		if _, errs := check(t, with("loai", "doanh_nghiep", "ma_so_dn", "0100109106", "von", "2.000.000.000")); len(errs) != 0 {
			t.Errorf("errors %v", errs)
		}
	})
	t.Run("AllBranchFalse", func(t *testing.T) {
		c, _ := check(t, with("loai", "doanh_nghiep", "ma_so_dn", "0100109106", "von", "1.000.000.000", "ghi_chu", "x"))
		if _, ok := c.Values["ghi_chu"]; ok {
			t.Error("ghi_chu shown: von is not greater than 1e9")
		}
	})
	t.Run("HiddenFieldIsEmptyForLaterConditions", func(t *testing.T) {
		// von is hidden for individuals, so the All branch fails even with von submitted.
		c, _ := check(t, with("von", "5.000.000.000", "ghi_chu", "x"))
		if _, ok := c.Values["ghi_chu"]; ok {
			t.Error("ghi_chu shown through a hidden field")
		}
	})
	t.Run("Operators", func(t *testing.T) {
		g := Form{Fields: []Field{
			{Name: "c", Type: TypeChoice, Label: Text{VI: "C"}, Options: []Option{{"x", Text{VI: "X"}}, {"y", Text{VI: "Y"}}}},
			{Name: "n", Type: TypeNumber, Label: Text{VI: "N"}},
			{Name: "d", Type: TypeDate, Label: Text{VI: "D"}},
			{Name: "neq", Type: TypeText, Label: Text{VI: "1"}, ShowIf: &Condition{Field: "c", Op: OpNeq, Value: "x"}},
			{Name: "notin", Type: TypeText, Label: Text{VI: "2"}, ShowIf: &Condition{Field: "c", Op: OpNotIn, Values: []string{"x", "y"}}},
			{Name: "lt", Type: TypeText, Label: Text{VI: "3"}, ShowIf: &Condition{Field: "n", Op: OpLt, Value: "10"}},
			{Name: "eqnum", Type: TypeText, Label: Text{VI: "4"}, ShowIf: &Condition{Field: "n", Op: OpEq, Value: "10"}},
			{Name: "filled", Type: TypeText, Label: Text{VI: "5"}, ShowIf: &Condition{Field: "d", Op: OpFilled}},
			{Name: "past", Type: TypeText, Label: Text{VI: "6"}, ShowIf: &Condition{Field: "d", Op: OpLt, Value: "today"}},
		}}
		if err := g.Validate(); err != nil {
			t.Fatal(apperr.As(err).Fields)
		}
		visible := func(v Values) []string {
			var out []string
			for _, fv := range g.View("vi", v, nil, WithToday(today)) {
				if fv.Visible && len(fv.Name) > 1 {
					out = append(out, fv.Name)
				}
			}
			return out
		}
		cases := []struct {
			v    Values
			want []string
		}{
			{Values{}, []string{"neq", "notin"}},
			{Values{"c": {"x"}}, nil},
			{Values{"c": {"y"}, "n": {"9,5"}}, []string{"neq", "lt"}},
			{Values{"c": {"x"}, "n": {"10.0"}}, []string{"eqnum"}},
			{Values{"c": {"x"}, "n": {"abc"}, "d": {"2026-03-15"}}, []string{"filled"}},
			{Values{"c": {"x"}, "d": {"14/03/2026"}}, []string{"filled", "past"}},
		}
		for _, tc := range cases {
			if got := visible(tc.v); !slices.Equal(got, tc.want) {
				t.Errorf("%v: visible %v, want %v", tc.v, got, tc.want)
			}
		}
	})
}

func TestUnknownValuesDropped(t *testing.T) {
	t.Parallel()
	v := goodValues()
	v["is_admin"] = []string{"true"}
	clean, errs := sampleForm().Check(v, WithFiles(goodFiles()), WithToday(today))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if _, ok := clean.Values["is_admin"]; ok {
		t.Error("unknown value kept")
	}
}

func TestView(t *testing.T) {
	t.Parallel()
	f := sampleForm()
	v := with("loai", "doanh_nghiep", "von", "abc", "muc_dich", "o|khac", "dia_chi.province", "01")
	_, errs := f.Check(v, WithFiles(goodFiles()), WithToday(today))
	views := f.View("en", v, errs, WithToday(today))
	if len(views) != len(f.Fields) {
		t.Fatalf("%d views", len(views))
	}
	by := map[string]FieldView{}
	for _, fv := range views {
		by[fv.Name] = fv
	}
	if fv := by["ho_ten"]; fv.ID != "f-ho_ten" || fv.Label != "Full name" || !fv.Required || !fv.Visible || fv.Control != "input" || fv.InputType != "text" || fv.MaxLength != 100 || fv.Value != "  Nguyễn Thị An " || fv.Invalid {
		t.Errorf("ho_ten %+v", fv)
	}
	if fv := by["so_dinh_danh"]; fv.HelpID != "f-so_dinh_danh-help" || fv.DescribedBy != "f-so_dinh_danh-help" || fv.Help != "12 digits on the ID card" || fv.InputMode != "numeric" {
		t.Errorf("so_dinh_danh %+v", fv)
	}
	if fv := by["von"]; !fv.Visible || !fv.Invalid || fv.ErrorKey != "eform.money" || fv.Error != "Enter an amount in đồng, e.g. 1,500,000." ||
		fv.DescribedBy != "f-von-error" || fv.ErrorID != "f-von-error" || fv.Min != "1000000" || !fv.Conditional {
		t.Errorf("von %+v", fv)
	}
	if fv := by["ma_so_dn"]; !fv.Visible || !fv.Required || fv.ErrorKey != "eform.required" {
		t.Errorf("ma_so_dn %+v", fv)
	}
	if fv := by["ngay_sinh"]; fv.InputType != "date" || fv.Max != "2026-03-15" || fv.Min != "1900-01-01" {
		t.Errorf("ngay_sinh %+v", fv)
	}
	if fv := by["gioi_tinh"]; fv.Control != "radio" || len(fv.Options) != 2 || !fv.Options[1].Selected || fv.Options[0].Selected || fv.Options[1].Label != "Female" {
		t.Errorf("gioi_tinh %+v", fv)
	}
	if fv := by["muc_dich"]; fv.Control != "checkbox" || !fv.Options[0].Selected || fv.Options[1].Selected || !fv.Options[2].Selected {
		t.Errorf("muc_dich %+v", fv)
	}
	if fv := by["ghi_chu"]; !fv.Visible || !fv.Required || fv.Control != "textarea" {
		t.Errorf("ghi_chu %+v", fv)
	}
	if fv := by["dien_thoai"]; fv.InputType != "tel" || fv.Autocomplete != "tel" {
		t.Errorf("dien_thoai %+v", fv)
	}
	if fv := by["ban_sao"]; fv.Control != "file" || fv.Accept != "application/pdf,image/*" || fv.MaxSize != 1<<20 || !fv.Multiple {
		t.Errorf("ban_sao %+v", fv)
	}
	a := by["dia_chi"].Address
	if a == nil || len(a.Provinces) != 34 || a.ProvinceName != "dia_chi.province" || a.CommuneError == "" || !by["dia_chi"].Invalid {
		t.Fatalf("dia_chi %+v", by["dia_chi"])
	}
	if !a.Provinces[0].Selected || a.Provinces[0].Label != "Hanoi City" || len(a.Communes) != 126 || a.Communes[0].Selected {
		t.Errorf("address view: %+v / %d communes", a.Provinces[0], len(a.Communes))
	}
	// An empty form in Vietnamese: hidden fields reported as such.
	for _, fv := range f.View("vi", nil, nil) {
		if fv.Name == "ma_so_dn" && (fv.Visible || fv.Label != "Mã số doanh nghiệp" || !fv.Required) {
			t.Errorf("empty form ma_so_dn %+v", fv)
		}
		if fv.Name == "dia_chi" && len(fv.Address.Communes) != 0 {
			t.Errorf("communes listed before a province is chosen")
		}
	}
}

func TestFormJSONRoundTrip(t *testing.T) {
	t.Parallel()
	f := sampleForm()
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"min":0,"max":10000`) || !strings.Contains(string(b), `"max":"today"`) || !strings.Contains(string(b), `"show_if":{"field":"loai","op":"eq","value":"doanh_nghiep"}`) {
		t.Errorf("JSON: %s", b)
	}
	var g Form
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(f, g) {
		t.Errorf("round trip differs:\n%+v\n%+v", f, g)
	}
	var h Form
	if err := json.Unmarshal([]byte(`{"fields":[{"name":"n","type":"number","label":{"vi":"N"},"min":-1.5,"max":"20"}]}`), &h); err != nil || h.Fields[0].Min != "-1.5" || h.Fields[0].Max != "20" || h.Validate() != nil {
		t.Errorf("limits from JSON: %+v %v", h, err)
	}
	if err := json.Unmarshal([]byte(`{"fields":[{"name":"n","type":"number","label":{"vi":"N"},"min":true}]}`), &h); err == nil {
		t.Error("boolean limit accepted")
	}
}

func FuzzCheck(f *testing.F) {
	f.Add("Nguyễn An", "31/02/2026", "003185000123", "1.500.000 đ", "12,5", "o", "Xã Hoàng Đồng, Huyện Cao Lộc", "doanh_nghiep")
	f.Add("", "2026-03-15", "020185000123", "abc", "1e9", "khac", "Số 5, Xã Ba Sơn, Tỉnh Lạng Sơn", "ca_nhan")
	f.Add("\x00\xff", "1985-06-01", "0100109106", "-1", "NaN", "o|o", "TP.HCM", "x")
	form := sampleForm()
	f.Fuzz(func(t *testing.T, text, date, id, money, number, multi, addr, kind string) {
		v := Values{
			"ho_ten": {text}, "ngay_sinh": {date}, "so_dinh_danh": {id}, "von": {money}, "dien_tich": {number},
			"muc_dich": strings.Split(multi, "|"), "dia_chi": {addr}, "loai": {kind}, "ma_so_dn": {id}, "email": {text}, "dien_thoai": {number},
			"dia_chi.commune": {money}, "dia_chi.province": {kind},
		}
		clean, errs := form.Check(v, WithToday(today))
		for name, val := range clean.Values {
			i := indexOf(form.Fields, name)
			if i < 0 {
				t.Fatalf("unknown field %s in clean values", name)
			}
			ok := false
			switch form.Fields[i].Type {
			case TypeText, TypeLongText, TypeChoice, TypePersonalID, TypeEnterpriseCode, TypePhone, TypeEmail:
				_, ok = val.(string)
			case TypeNumber:
				_, ok = val.(float64)
			case TypeMoney:
				_, ok = val.(int64)
			case TypeDate:
				_, ok = val.(Date)
			case TypeMultiChoice:
				_, ok = val.([]string)
			case TypeAddress:
				_, ok = val.(Address)
			case TypeFile:
				_, ok = val.([]FileInfo)
			}
			if !ok {
				t.Fatalf("%s has %T", name, val)
			}
		}
		for _, e := range errs {
			if _, ok := clean.Values[strings.Split(e.Field, ".")[0]]; ok {
				t.Fatalf("%s both invalid and clean", e.Field)
			}
			if e.VI == "" || e.EN == "" || e.Key == "" {
				t.Fatalf("bad error %+v", e)
			}
		}
		_ = form.View("vi", v, errs, WithToday(today))
	})
}

func FuzzFormJSON(f *testing.F) {
	b, _ := json.Marshal(sampleForm())
	f.Add(b)
	f.Add([]byte(`{"fields":[{"name":"a","type":"text","label":{"vi":"A"}},{"name":"b","type":"date","label":{"vi":"B"},"min":"today","show_if":{"any":[{"field":"a","op":"filled"}]}}]}`))
	f.Add([]byte(`{"fields":[{"name":"a","type":"choice","label":{"vi":"A"},"options":[{"value":"x","label":{"vi":"X"}}]},{"name":"b","type":"money","label":{"vi":"B"},"min":0,"require_if":{"all":[{"field":"a","op":"in","values":["x"]}]}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var form Form
		if err := json.Unmarshal(data, &form); err != nil {
			return
		}
		if err := form.Validate(); err != nil {
			if e := apperr.As(err); e.Code != apperr.Invalid || len(e.Fields) == 0 {
				t.Fatalf("Validate returned %v", err)
			}
			return
		}
		// A valid definition survives a round trip and can be used.
		out, err := json.Marshal(form)
		if err != nil {
			t.Fatal(err)
		}
		var again Form
		if err := json.Unmarshal(out, &again); err != nil || again.Validate() != nil {
			t.Fatalf("round trip: %v", err)
		}
		vals := Values{}
		for _, fd := range form.Fields {
			vals[fd.Name] = []string{"1", "x"}
		}
		form.Check(vals, WithToday(today))
		form.View("en", vals, nil, WithToday(today))
	})
}
