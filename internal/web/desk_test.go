package web

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"egov/internal/apperr"
	"egov/internal/calendar"
	"egov/internal/catalog"
	"egov/internal/dossier"
	"egov/internal/eform"
)

// TestDeskActionsAreTheCatalogues: the {action} of a desk POST is exactly
// a catalogue action (or branch_reply, payment, handled apart); anything
// else is not found.
func TestDeskActionsAreTheCatalogues(t *testing.T) {
	t.Parallel()
	if len(deskActions) != len(catalog.Actions) {
		t.Fatalf("%d desk actions for %d catalogue actions", len(deskActions), len(catalog.Actions))
	}
	for _, a := range catalog.Actions {
		if deskActions[string(a)] != a {
			t.Errorf("%s is not mapped", a)
		}
	}
	for _, bad := range []string{"", "RECEIVE", "receive ", "supplement", "withdraw", deskBranchReply, deskPayment} {
		if _, ok := deskActions[bad]; ok {
			t.Errorf("%q maps to a catalogue action", bad)
		}
	}
}

// TestDeskMessages: the desk's messages never replace another page's, and
// every action, status, queue and outcome has its words.
func TestDeskMessages(t *testing.T) {
	t.Parallel()
	for k := range deskMessages {
		if !strings.HasPrefix(k, "desk.") {
			t.Errorf("%s: desk messages are named desk.*", k)
		}
	}
	var keys []string
	for _, a := range catalog.Actions {
		keys = append(keys, "desk.act."+string(a), "desk.hint."+string(a), "desk.done."+string(a), "desk.ev."+string(a))
	}
	for _, a := range []string{deskBranchReply, deskPayment} {
		keys = append(keys, "desk.act."+a, "desk.hint."+a, "desk.done."+a)
	}
	for _, st := range dossier.Statuses {
		keys = append(keys, "desk.status."+string(st))
	}
	for _, q := range dossier.Queues {
		keys = append(keys, "desk.q."+string(q))
	}
	for _, o := range []dossier.Outcome{dossier.Early, dossier.OnTime, dossier.Late} {
		keys = append(keys, "desk.outcome."+string(o))
	}
	for _, r := range []calendar.Reason{calendar.ReasonWeekend, calendar.ReasonHoliday, calendar.ReasonCompensatory, calendar.ReasonDayOff} {
		keys = append(keys, "desk.skip."+r.String())
	}
	for _, k := range keys {
		if _, ok := messages[k]; !ok {
			t.Errorf("no message %s", k)
		}
	}
}

// TestDeskWhy reads the stored explanation of a due date back: the days
// counted and those skipped, with why; and an extension's record.
func TestDeskWhy(t *testing.T) {
	t.Parallel()
	// Received on the Friday before Tết 2026 in the afternoon: 5 working
	// days skip the weekend and the holiday.
	ex, err := calendar.Default().ExplainWorkingDays(time.Date(2026, 2, 13, 16, 30, 0, 0, calendar.Location()), 5)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(ex)
	if err != nil {
		t.Fatal(err)
	}
	v := deskWhyOf("vi", raw)
	if v == nil || v.Extended || v.N != 5 || len(v.Counted) != 5 || len(v.Skipped) == 0 {
		t.Fatalf("read back %+v from %s", v, raw)
	}
	if v.Counted[4] != "Thứ Sáu 27/02/2026" || !strings.Contains(strings.Join(v.Skipped, "\n"), "nghỉ lễ, Tết") ||
		!strings.Contains(v.Skipped[0], "nghỉ cuối tuần") {
		t.Errorf("counted %v, skipped %v", v.Counted, v.Skipped)
	}
	if en := deskWhyOf("en", raw); en.Counted[4] != "Friday 2026-02-27" || !strings.Contains(strings.Join(en.Skipped, "\n"), "public holiday") {
		t.Errorf("in English: %v %v", en.Counted, en.Skipped)
	}
	ext := deskWhyOf("vi", json.RawMessage(`{"extended_from":"2026-03-05T10:00:00Z","days":3,"reason":"Chờ xác minh"}`))
	if ext == nil || !ext.Extended || ext.Days != 3 || ext.Reason != "Chờ xác minh" || ext.ExtendedFrom != "17:00 Thứ Năm, 05/03/2026" {
		t.Errorf("extension read as %+v", ext)
	}
	for _, none := range []string{``, `{}`, `not json`} {
		if got := deskWhyOf("vi", json.RawMessage(none)); got != nil {
			t.Errorf("%q read as %+v", none, got)
		}
	}
}

// TestDeskFormValue writes stored form values the way people read them.
func TestDeskFormValue(t *testing.T) {
	t.Parallel()
	choice := eform.Field{Name: "gt", Type: eform.TypeChoice, Options: []eform.Option{{Value: "nam", Label: eform.Text{VI: "Nam", EN: "Male"}}}}
	multi := eform.Field{Name: "cd", Type: eform.TypeMultiChoice, Options: []eform.Option{{Value: "dong_y", Label: eform.Text{VI: "Tôi cam đoan"}}}}
	var data map[string]any
	if err := json.Unmarshal([]byte(`{"d":{"Year":1985,"Month":3,"Day":12},"m":1500000,"n":12.5,"gt":"nam","cd":["dong_y"],
		"a":{"free_text":"Số 5 Lê Lợi, huyện Cao Lộc","legacy":true},"p":"+84912345678","f":[{"name":"a.pdf","size":1,"mime":"application/pdf"}]}`), &data); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		f    eform.Field
		lang string
		want string
	}{
		{eform.Field{Name: "d", Type: eform.TypeDate}, "vi", "12/03/1985"},
		{eform.Field{Name: "d", Type: eform.TypeDate}, "en", "1985-03-12"},
		{eform.Field{Name: "m", Type: eform.TypeMoney}, "vi", "1.500.000 đồng"},
		{eform.Field{Name: "n", Type: eform.TypeNumber}, "vi", "12,5"},
		{choice, "vi", "Nam"},
		{choice, "en", "Male"},
		{multi, "vi", "Tôi cam đoan"},
		{eform.Field{Name: "a", Type: eform.TypeAddress}, "vi", "Số 5 Lê Lợi, huyện Cao Lộc"},
		{eform.Field{Name: "p", Type: eform.TypePhone}, "vi", "0912345678"},
		{eform.Field{Name: "f", Type: eform.TypeFile}, "vi", "a.pdf"},
	} {
		if got := deskFormValue(c.lang, c.f, data[c.f.Name]); got != c.want {
			t.Errorf("%s in %s: %q, want %q", c.f.Name, c.lang, got, c.want)
		}
	}
	rows := deskFormRows("vi", &eform.Form{Fields: []eform.Field{choice, {Name: "x", Label: eform.Text{VI: "Không có giá trị"}}}},
		map[string]any{"gt": "nam", "cu": "giá trị của trường đã bỏ"})
	if len(rows) != 2 || rows[0] != (deskLine{"", "Nam"}) || rows[1] != (deskLine{"cu", "giá trị của trường đã bỏ"}) {
		t.Errorf("rows %+v", rows)
	}
}

func TestDeskParsing(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]int64{"8000": 8000, "8.000": 8000, "8,000": 8000, "8 000 đ": 8000, "1.500.000 đồng": 1500000,
		"25000 VND": 25000, "": 0, "tám nghìn": 0, "-5": 0} {
		if got := deskAmount(in); got != want {
			t.Errorf("deskAmount(%q) = %d, want %d", in, got, want)
		}
	}
	for in, want := range map[string]string{" 000.01.20.h37-270301-0001 ": "000.01.20.H37-270301-0001",
		"000.01.20.H37-270301-0001-KQ2": "000.01.20.H37-270301-0001"} {
		if got := deskCode(in); got != want {
			t.Errorf("deskCode(%q) = %q, want %q", in, got, want)
		}
	}
	if deskCount(99) != "99" || deskCount(100) != "100+" {
		t.Error("the count stops at 100+")
	}
}

func TestDeskBadge(t *testing.T) {
	t.Parallel()
	at := func(d, h int) *time.Time { x := time.Date(2027, 3, d, h, 0, 0, 0, calendar.Location()); return &x }
	cal := calendar.Default()
	for _, c := range []struct {
		name      string
		now       time.Time
		due, warn *time.Time
		want      string
	}{
		{"NoDue", *at(1, 9), nil, nil, ""},
		{"Past", *at(5, 9), at(4, 17), nil, "overdue"},
		{"AtTheInstant", *at(4, 17), at(4, 17), nil, "overdue"},
		{"AfterWarn", *at(3, 17), at(4, 17), at(3, 17), "soon"},
		{"BeforeWarn", *at(3, 16), at(4, 17), at(3, 17), ""},
		{"WithinAWorkingDay", *at(3, 9), at(4, 12), nil, "soon"},
		{"AWeekendAway", *at(5, 16), at(8, 17), nil, "soon"}, // Friday afternoon, due Monday
		{"Later", *at(1, 9), at(4, 17), nil, ""},
	} {
		if got := deskBadge(cal, c.now, c.due, c.warn); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}

// TestDeskErrors links each field error to its input in the failed
// action's form, and an upload refusal to the file input.
func TestDeskErrors(t *testing.T) {
	t.Parallel()
	got := deskErrors("vi", "extend", apperr.As(dossier.ErrExtendDays))
	if len(got) != 1 || got[0].Field != "extend-days" {
		t.Errorf("extend: %+v", got)
	}
	got = deskErrors("en", "receive", apperr.As(dossier.ErrNotYourStep))
	if len(got) != 1 || got[0].Field != "" || !strings.Contains(got[0].Message, "role") {
		t.Errorf("receive: %+v", got)
	}
	got = deskErrors("vi", "issue_result", apperr.New(apperr.Invalid, "attach.type", "Tệp «a.pdf» không đúng", "File a.pdf"))
	if len(got) != 1 || got[0].Field != "issue_result-result" {
		t.Errorf("issue_result: %+v", got)
	}
	got = deskErrors("vi", "payment", apperr.Validation(apperr.Field("secret", "x", "X", "X")))
	if len(got) != 1 || got[0].Field != "" {
		t.Errorf("an unknown field must not link: %+v", got)
	}
}
