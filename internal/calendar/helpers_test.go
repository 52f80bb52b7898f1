package calendar

import (
	"testing"
	"time"
)

// date parses YYYY-MM-DD or fails the test.
func date(t testing.TB, s string) Date {
	t.Helper()
	d, err := ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// ict parses "YYYY-MM-DD HH:MM" (optionally ":SS") in UTC+7 or fails the test.
func at(t testing.TB, s string) time.Time {
	t.Helper()
	layout := "2006-01-02 15:04"
	if len(s) == len("2006-01-02 15:04:05") {
		layout = "2006-01-02 15:04:05"
	}
	tm, err := time.ParseInLocation(layout, s, Location())
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

// decided2025 returns the 2025 decision as an administrator enters it:
// Tết 27-31 January tagged as Tết, Friday 2 May off, Saturday 26 April
// worked.
func decided2025(t testing.TB) *Calendar {
	t.Helper()
	var decls []Declaration
	for day := 27; day <= 31; day++ {
		decls = append(decls, Declaration{Date: NewDate(2025, time.January, day), Kind: KindDayOff, Holiday: Tet})
	}
	decls = append(decls,
		Declaration{Date: NewDate(2025, time.May, 2), Kind: KindDayOff, Name: "Nghỉ hoán đổi", NameEn: "Swapped day off"},
		Declaration{Date: NewDate(2025, time.April, 26), Kind: KindWorkingDay, Name: "Làm bù cho ngày 2/5", NameEn: "Worked in exchange for 2 May"},
	)
	c, err := New(DefaultOfficeHours(), decls)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func fmtTime(tm time.Time) string { return tm.Format("2006-01-02 15:04:05 -07:00") }
