package eform_test

import (
	"encoding/json"
	"fmt"
	"time"

	"egov/internal/eform"
)

func Example() {
	// A definition as the catalogue stores it.
	var form eform.Form
	_ = json.Unmarshal([]byte(`{
	  "key": "dang-ky-ho-kinh-doanh",
	  "fields": [
	    {"name": "ho_ten", "type": "text", "label": {"vi": "Họ và tên", "en": "Full name"}, "required": true},
	    {"name": "loai", "type": "choice", "label": {"vi": "Người nộp", "en": "Applicant"}, "required": true,
	     "options": [{"value": "ca_nhan", "label": {"vi": "Cá nhân"}}, {"value": "doanh_nghiep", "label": {"vi": "Doanh nghiệp"}}]},
	    {"name": "ma_so_dn", "type": "enterprise_code", "label": {"vi": "Mã số doanh nghiệp"}, "required": true,
	     "show_if": {"field": "loai", "op": "eq", "value": "doanh_nghiep"}},
	    {"name": "von", "type": "money", "label": {"vi": "Vốn", "en": "Capital"}, "min": 0},
	    {"name": "dia_chi", "type": "address", "label": {"vi": "Địa chỉ", "en": "Address"}}
	  ]}`), &form)
	if err := form.Validate(); err != nil {
		fmt.Println(err)
		return
	}

	clean, errs := form.Check(eform.Values{
		"ho_ten":   {"Trần Văn Bình"},
		"loai":     {"doanh_nghiep"},
		"ma_so_dn": {"0100109107"},
		"von":      {"1.500.000 đ"},
		"dia_chi":  {"Thôn 2, Xã Hoàng Đồng, Huyện Cao Lộc, Tỉnh Lạng Sơn"},
	}, eform.WithToday(eform.Date{Year: 2026, Month: time.March, Day: 15}))
	for _, e := range errs {
		fmt.Println(e.Field, e.Key, "|", e.VI)
	}
	fmt.Println(clean.Money("von"))
	addr, _ := clean.Address("dia_chi")
	fmt.Println(addr.Legacy, clean.Flags[0].Key)

	for _, f := range form.View("en", nil, nil) {
		fmt.Println(f.Name, f.Control, f.Label, f.Visible)
	}
	// Output:
	// ma_so_dn vnid.enterprise_code_check | Mã số doanh nghiệp không đúng (sai chữ số kiểm tra). Vui lòng kiểm tra lại.
	// 1500000 true
	// true eform.address_legacy
	// ho_ten input Full name true
	// loai radio Applicant true
	// ma_so_dn input Mã số doanh nghiệp false
	// von input Capital true
	// dia_chi address Address true
}
