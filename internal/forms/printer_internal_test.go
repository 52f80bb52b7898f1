package forms

import (
	"testing"

	"egov/internal/catalog"
)

func TestSlugsNameEveryForm(t *testing.T) {
	t.Parallel()
	for _, k := range append(DossierKinds, Register) {
		s := Slug(k)
		if s == "" {
			t.Errorf("%s has no slug", k)
		}
		if got, ok := KindOf(s); !ok || got != k {
			t.Errorf("KindOf(%q) = %s, %v; want %s", s, got, ok, k)
		}
	}
	if _, ok := KindOf("phieu-la"); ok {
		t.Error("an unknown slug names a form")
	}
	for kind, want := range map[string]Kind{"receive": Receipt, "refuse": Refusal, "stop": StopNotice} {
		if got, ok := OfNotice(kind); !ok || got != want {
			t.Errorf("OfNotice(%q) = %s, want %s", kind, got, want)
		}
	}
	if _, ok := OfNotice("assigned"); ok {
		t.Error("an assignment notice stands for a form")
	}
}

func TestTermText(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in   catalog.Term
		want string
	}{
		{catalog.Term{N: 5, Unit: catalog.WorkingDays}, "5 ngày làm việc"},
		{catalog.Term{N: 0.5, Unit: catalog.WorkingDays}, "0,5 ngày làm việc"},
		{catalog.Term{N: 8, Unit: catalog.WorkingHours}, "8 giờ làm việc"},
		{catalog.Term{N: 30, Unit: catalog.CalendarDays}, "30 ngày"},
		{catalog.Term{}, ""},
	} {
		if got := termText(c.in); got != c.want {
			t.Errorf("termText(%+v) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestAddressOf(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		data map[string]any
		want string
	}{
		{map[string]any{"nyc_noi_cu_tru": "Số 5 Lê Lợi", "dia_chi_khac": "x"}, "Số 5 Lê Lợi"},
		{map[string]any{"tru_so_dia_chi": "Khu công nghiệp", "b_dia_chi": "y"}, "y"},
		{map[string]any{"nyc_noi_cu_tru": "  ", "dia_chi": "Thôn 3"}, "Thôn 3"},
		{map[string]any{"ho_ten": "An"}, ""},
	} {
		if got := addressOf(c.data); got != c.want {
			t.Errorf("addressOf(%v) = %q, want %q", c.data, got, c.want)
		}
	}
}
