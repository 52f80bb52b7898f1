package calendar_test

import (
	"fmt"
	"time"

	"egov/internal/calendar"
)

// The 2025 decision on days off, entered as it is written.
func decision2025() []calendar.Declaration {
	var decls []calendar.Declaration
	for day := 27; day <= 31; day++ { // Tết: Monday 27 to Friday 31 January
		decls = append(decls, calendar.Declaration{
			Date: calendar.NewDate(2025, time.January, day), Kind: calendar.KindDayOff, Holiday: calendar.Tet,
		})
	}
	return append(decls,
		calendar.Declaration{Date: calendar.NewDate(2025, time.May, 2), Kind: calendar.KindDayOff,
			Name: "Nghỉ hoán đổi", NameEn: "Swapped day off"},
		calendar.Declaration{Date: calendar.NewDate(2025, time.April, 26), Kind: calendar.KindWorkingDay,
			Name: "Làm bù ngày 2/5", NameEn: "Worked in exchange for 2 May"},
	)
}

func ExampleNew() {
	cal, err := calendar.New(calendar.DefaultOfficeHours(), decision2025())
	if err != nil {
		panic(err)
	}
	for _, s := range []string{"2025-01-27", "2025-02-03", "2025-04-26", "2025-05-02"} {
		d, _ := calendar.ParseDate(s)
		fmt.Println(d, d.Weekday(), cal.IsWorkingDay(d))
	}
	// Output:
	// 2025-01-27 Monday false
	// 2025-02-03 Monday true
	// 2025-04-26 Saturday true
	// 2025-05-02 Friday false
}

func ExampleCalendar_Year() {
	for _, d := range calendar.Default().Year(2027) {
		fmt.Println(d.Date, d.Date.Weekday(), d.Kind, d.Name)
	}
	// Output:
	// 2027-01-01 Friday holiday Tết Dương lịch
	// 2027-02-05 Friday holiday Tết Nguyên đán
	// 2027-02-06 Saturday holiday Tết Nguyên đán
	// 2027-02-07 Sunday holiday Tết Nguyên đán
	// 2027-02-08 Monday holiday Tết Nguyên đán
	// 2027-02-09 Tuesday holiday Tết Nguyên đán
	// 2027-02-10 Wednesday compensatory Nghỉ bù
	// 2027-02-11 Thursday compensatory Nghỉ bù
	// 2027-04-16 Friday holiday Giỗ Tổ Hùng Vương
	// 2027-04-30 Friday holiday Ngày Giải phóng miền Nam, thống nhất đất nước
	// 2027-05-01 Saturday holiday Ngày Quốc tế Lao động
	// 2027-05-03 Monday compensatory Nghỉ bù
	// 2027-09-02 Thursday holiday Quốc khánh
	// 2027-09-03 Friday holiday Quốc khánh
}

func ExampleCalendar_DueWorkingDays() {
	cal := calendar.Default()
	// Received Friday 13 February 2026 at 10:00, just before Tết.
	received := time.Date(2026, time.February, 13, 10, 0, 0, 0, calendar.Location())
	due, err := cal.DueWorkingDays(received, 3)
	if err != nil {
		panic(err)
	}
	fmt.Println(due)
	// Output: 2026-02-25 17:00:00 +0700 ICT
}

func ExampleCalendar_NextOpening() {
	cal := calendar.Default()
	for _, hm := range [][2]int{{7, 0}, {9, 15}, {12, 0}, {17, 0}} {
		t := time.Date(2025, time.March, 7, hm[0], hm[1], 0, 0, calendar.Location()) // a Friday
		o, _ := cal.NextOpening(t)
		fmt.Println(t.Format("Mon 15:04"), "->", o.Format("Mon 2006-01-02 15:04"))
	}
	// Output:
	// Fri 07:00 -> Fri 2025-03-07 07:30
	// Fri 09:15 -> Fri 2025-03-07 09:15
	// Fri 12:00 -> Fri 2025-03-07 13:30
	// Fri 17:00 -> Mon 2025-03-10 07:30
}

func ExampleCalendar_DueWorkingHours() {
	cal := calendar.Default()
	// 8 working hours from Friday 16:00 (given in UTC): one hour on Friday,
	// then four on Monday morning and three after lunch.
	received := time.Date(2025, time.March, 7, 9, 0, 0, 0, time.UTC)
	due, _ := cal.DueWorkingHours(received, 8*time.Hour)
	fmt.Println(due)
	// Output: 2025-03-10 16:30:00 +0700 ICT
}

func ExampleCalendar_DueCalendarDays() {
	cal := calendar.Default()
	// 5 days from Monday 3 March 2025 end on Saturday 8: moved to Monday.
	received := time.Date(2025, time.March, 3, 9, 0, 0, 0, calendar.Location())
	due, _ := cal.DueCalendarDays(received, 5)
	fmt.Println(due)
	// Output: 2025-03-10 17:00:00 +0700 ICT
}

func ExampleCalendar_Due() {
	cal := calendar.Default()
	received := time.Date(2025, time.March, 3, 9, 0, 0, 0, calendar.Location())
	for _, term := range []calendar.Term{{N: 3, Unit: calendar.WorkingDays}, {N: 8, Unit: calendar.WorkingHours}, {N: 15, Unit: calendar.CalendarDays}} {
		due, _ := cal.Due(received, term)
		fmt.Println(term.N, term.Unit, due.Format("2006-01-02 15:04"))
	}
	if _, err := cal.Due(received, calendar.Term{N: -1, Unit: calendar.WorkingDays}); err != nil {
		fmt.Println(err)
	}
	// Output:
	// 3 working_days 2025-03-06 17:00
	// 8 working_hours 2025-03-04 09:30
	// 15 calendar_days 2025-03-18 17:00
	// calendar: negative period: -1
}

func ExampleCalendar_ExplainWorkingDays() {
	cal, _ := calendar.New(calendar.DefaultOfficeHours(), decision2025())
	// Received on Friday 25 April 2025 after office hours.
	ex, _ := cal.ExplainWorkingDays(time.Date(2025, time.April, 25, 17, 30, 0, 0, calendar.Location()), 3)
	fmt.Println("counted from", ex.Effective.Format("Mon 2006-01-02 15:04"), "outside hours:", ex.OutsideHours())
	fmt.Println("counted", ex.Counted)
	for _, s := range ex.Skipped {
		fmt.Println("skipped", s.Date, s.Reason, s.Name)
	}
	fmt.Println("due", ex.Due.Format("Mon 2006-01-02 15:04"))
	// Output:
	// counted from Sat 2025-04-26 07:30 outside hours: true
	// counted [2025-04-28 2025-04-29 2025-05-05]
	// skipped 2025-04-27 weekend Chủ nhật
	// skipped 2025-04-30 holiday Ngày Giải phóng miền Nam, thống nhất đất nước
	// skipped 2025-05-01 holiday Ngày Quốc tế Lao động
	// skipped 2025-05-02 declared_off Nghỉ hoán đổi
	// skipped 2025-05-03 weekend Thứ Bảy
	// skipped 2025-05-04 weekend Chủ nhật
	// due Mon 2025-05-05 17:00
}

func ExampleLunarToSolar() {
	hung, _ := calendar.LunarToSolar(calendar.LunarDate{Year: 2026, Month: 3, Day: 10})
	tet, _ := calendar.LunarNewYear(2027)
	fmt.Println(hung, tet)
	// Output: 2026-04-26 2027-02-06
}

func ExampleSolarToLunar() {
	fmt.Println(calendar.SolarToLunar(calendar.NewDate(2025, time.January, 28)))
	fmt.Println(calendar.SolarToLunar(calendar.NewDate(2025, time.August, 1)))
	// Output:
	// 2024-12-29
	// 2025-06L-08
}

func ExampleParseDate() {
	d, err := calendar.ParseDate("2026-02-17")
	fmt.Println(d, d.Weekday(), err)
	_, err = calendar.ParseDate("2026-02-30")
	fmt.Println(err)
	// Output:
	// 2026-02-17 Tuesday <nil>
	// calendar: invalid date "2026-02-30": no such day
}

func ExampleParseOfficeHours() {
	h, err := calendar.ParseOfficeHours("08:00-12:00, 13:00-16:30")
	fmt.Println(h, err)
	_, err = calendar.ParseOfficeHours("13:30-17:00,07:30-11:30")
	fmt.Println(err)
	// Output:
	// 08:00-12:00,13:00-16:30 <nil>
	// calendar: invalid office hours: period 1 (07:30-11:30) starts before the previous one ends
}
