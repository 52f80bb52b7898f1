package vnid_test

import (
	"fmt"

	"egov/internal/vnid"
)

func Example() {
	id, err := vnid.ParsePersonalID("020 185 000123")
	fmt.Println(id.Number, id.Province().Name, id.BirthYear, id.Sex, err)
	fmt.Println(vnid.ValidatePersonalID("020185000123", 1986, vnid.SexUnknown))

	code, _ := vnid.ParseEnterpriseCode("0100109106001")
	fmt.Println(code)
	_, err = vnid.ParseEnterpriseCode("0100109107")
	fmt.Println(vnid.Field("ma_so_thue", err).Key)

	phone, _ := vnid.ParsePhone("(0205) 3812 345")
	fmt.Println(phone.E164, phone.Kind)
	// Output:
	// 020185000123 Tỉnh Lạng Sơn 1985 female <nil>
	// vnid.personal_id_birth: The personal ID number does not match the year of birth.
	// 0100109106-001
	// vnid.enterprise_code_check
	// +842053812345 landline
}
