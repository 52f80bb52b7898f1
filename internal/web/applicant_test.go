package web

import (
	"encoding/json"
	"mime"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"egov/internal/calendar"
	"egov/internal/eform"
	"egov/internal/identity"
)

func TestAttachmentHeaderNamesTheFileInUTF8(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]string{
		"to-khai.pdf":        `attachment; filename=to-khai.pdf; filename*=UTF-8''to-khai.pdf`,
		"Bản chính.pdf":      `attachment; filename="B_n ch_nh.pdf"; filename*=UTF-8''B%E1%BA%A3n%20ch%C3%ADnh.pdf`,
		`a"b;c%d\e.png`:      `attachment; filename=a_b_c_d_e.png; filename*=UTF-8''a%22b%3Bc%25d%5Ce.png`,
		"dòng\r\nmới.jpg":    `attachment; filename=d_ng__m_i.jpg; filename*=UTF-8''d%C3%B2ng%0D%0Am%E1%BB%9Bi.jpg`,
		"Giấy khai sinh.pdf": `attachment; filename="Gi_y khai sinh.pdf"; filename*=UTF-8''Gi%E1%BA%A5y%20khai%20sinh.pdf`,
	} {
		if got := attachmentHeader(name); got != want {
			t.Errorf("attachmentHeader(%q)\n got %s\nwant %s", name, got, want)
		}
	}
}

// FuzzAttachmentHeader: whatever the file is called, the header is one
// line, parses, and its filename* gives the name back.
func FuzzAttachmentHeader(f *testing.F) {
	for _, s := range []string{"a.pdf", "Bản chính.pdf", "\r\n", `"`, "%", "", "ảnh 1 (2).png", "\x00\x7f;=,"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		h := attachmentHeader(name)
		if strings.ContainsAny(h, "\r\n\x00") {
			t.Fatalf("header %q breaks the line", h)
		}
		disp, params, err := mime.ParseMediaType(h)
		if err != nil || disp != "attachment" {
			t.Fatalf("header %q: %v", h, err)
		}
		if name != "" && params["filename"] == "" {
			t.Fatalf("header %q has no fallback name", h)
		}
		_, encoded, _ := strings.Cut(h, "filename*=UTF-8''")
		back, err := url.PathUnescape(encoded)
		if err != nil || back != name {
			t.Fatalf("filename* %q gives %q (%v), want %q", encoded, back, err, name)
		}
	})
}

// FuzzParseFileRefs: the hidden "slot:id" fields are outside input; what
// comes out names a known slot and a positive ID, once.
func FuzzParseFileRefs(f *testing.F) {
	f.Add("d0:12", "f_x:3")
	f.Add("d0:-1", "d0:12")
	f.Add(":", "d9:99999999999999999999")
	f.Fuzz(func(t *testing.T, a, b string) {
		slots := map[string]bool{"d0": true, "f_x": true}
		seen := map[int64]bool{}
		for _, r := range parseFileRefs([]string{a, b, a}, slots) {
			if !slots[r.slot] || r.id <= 0 || seen[r.id] {
				t.Fatalf("parseFileRefs(%q, %q) gave %+v", a, b, r)
			}
			seen[r.id] = true
		}
	})
}

func TestPrefillOffersOnlyTheApplicantsOwnData(t *testing.T) {
	t.Parallel()
	form := eform.Form{Fields: []eform.Field{
		{Name: "nyc_ho_ten", Type: eform.TypeText}, {Name: "nyc_so_dinh_danh", Type: eform.TypePersonalID},
		{Name: "nyc_ngay_sinh", Type: eform.TypeDate}, {Name: "nyc_dien_thoai", Type: eform.TypePhone},
		{Name: "nyc_email", Type: eform.TypeEmail}, {Name: "me_ho_ten", Type: eform.TypeText},
		{Name: "nam_so_dinh_danh", Type: eform.TypePersonalID}, {Name: "ho_ten", Type: eform.TypeLongText},
		{Name: "ma_so_dn", Type: eform.TypeEnterpriseCode}, {Name: "ten_dn", Type: eform.TypeText},
	}}
	citizen := &identity.User{Kind: identity.UserCitizen, FullName: "Nguyễn Văn An", PersonalID: "020085001234",
		BirthDate: "1985-03-12", Phone: "0912345678", Email: "an@example.vn"}
	got := prefill(form, citizen)
	want := eform.Values{"nyc_ho_ten": {"Nguyễn Văn An"}, "nyc_so_dinh_danh": {"020085001234"}, "nyc_ngay_sinh": {"1985-03-12"},
		"nyc_dien_thoai": {"0912345678"}, "nyc_email": {"an@example.vn"}}
	if !equalValues(got, want) {
		t.Errorf("citizen: %v, want %v", got, want)
	}
	business := &identity.User{Kind: identity.UserBusiness, FullName: "Công ty TNHH Kỳ Lừa", EnterpriseCode: "4900123456"}
	got = prefill(form, business)
	want = eform.Values{"ma_so_dn": {"4900123456"}, "ten_dn": {"Công ty TNHH Kỳ Lừa"}}
	if !equalValues(got, want) {
		t.Errorf("business: %v, want %v", got, want)
	}
}

func equalValues(a, b eform.Values) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if !slices.Equal(v, b[k]) {
			return false
		}
	}
	return true
}

// whyOf reads the explanation the dossier service stores (a
// calendar.Explanation as JSON): across Tết 2026, received on a Friday
// after hours.
func TestWhyOfExplainsTheDueDate(t *testing.T) {
	t.Parallel()
	cal := calendar.Default()
	ex, err := cal.ExplainWorkingDays(time.Date(2026, 2, 13, 16, 30, 0, 0, calendar.Location()), 5)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(ex)
	if err != nil {
		t.Fatal(err)
	}
	w := whyOf("vi", raw)
	if w == nil {
		t.Fatal("no explanation")
	}
	text := strings.Join(w.Lines, "\n") + "\n" + strings.Join(w.Skipped, "\n")
	for _, want := range []string{"Tiếp nhận (bắt đầu tính thời hạn): 16:30 Thứ Sáu, 13/02/2026", "Tính 5 ngày làm việc",
		"Tết Nguyên đán (nghỉ lễ, tết)", "14/02/2026: Thứ Bảy", "Hẹn trả kết quả: 17:00 Thứ Sáu, 27/02/2026"} {
		if !strings.Contains(text, want) {
			t.Errorf("explanation lacks %q:\n%s", want, text)
		}
	}
	ext := whyOf("en", json.RawMessage(`{"extended_from":"2026-03-02T10:00:00Z","days":3,"reason":"Cần xác minh"}`))
	if ext == nil || !strings.Contains(strings.Join(ext.Lines, " "), "by 3 working days") {
		t.Errorf("extension: %+v", ext)
	}
	if whyOf("vi", json.RawMessage(`{}`)) != nil || whyOf("vi", nil) != nil || whyOf("vi", json.RawMessage(`not json`)) != nil {
		t.Error("an empty or broken explanation must show nothing")
	}
}

// The dossier page says the checked values as the review did.
func TestValuesOfReadsCheckedValuesBack(t *testing.T) {
	t.Parallel()
	form := eform.Form{Fields: []eform.Field{
		{Name: "ten", Type: eform.TypeText, Label: eform.Text{VI: "Tên"}},
		{Name: "ngay", Type: eform.TypeDate, Label: eform.Text{VI: "Ngày"}},
		{Name: "so", Type: eform.TypeNumber, Label: eform.Text{VI: "Số bản"}},
		{Name: "loai", Type: eform.TypeChoice, Label: eform.Text{VI: "Loại"}, Options: []eform.Option{{Value: "a", Label: eform.Text{VI: "Loại A"}}}},
		{Name: "noi_o", Type: eform.TypeAddress, Label: eform.Text{VI: "Nơi ở"}},
	}}
	clean, errs := form.Check(eform.Values{"ten": {"An"}, "ngay": {"12/03/1985"}, "so": {"2,5"}, "loai": {"a"},
		"noi_o": {"Số 5 Lê Lợi, Phường Đông Kinh, Tỉnh Lạng Sơn"}})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	raw, _ := json.Marshal(clean.Values)
	var data map[string]any
	if err := json.Unmarshal(raw, &data); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, it := range summarize(form, "vi", valuesOf(form, data)) {
		got[it.Label] = it.Value
	}
	for label, want := range map[string]string{"Tên": "An", "Ngày": "12/03/1985", "Số bản": "2.5", "Loại": "Loại A"} {
		if got[label] != want {
			t.Errorf("%s: %q, want %q (all: %v)", label, got[label], want, got)
		}
	}
	if !strings.Contains(got["Nơi ở"], "Số 5 Lê Lợi") || !strings.Contains(got["Nơi ở"], "Đông Kinh") {
		t.Errorf("address: %q", got["Nơi ở"])
	}
}
