package calendar

import (
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"
)

func TestNextOpening(t *testing.T) {
	t.Parallel()
	c := Default()
	for _, tc := range []struct{ name, at, want string }{
		{"BeforeOpeningWaitsForOpening", "2025-03-03 07:29", "2025-03-03 07:30"},
		{"AtOpeningIsOpen", "2025-03-03 07:30", "2025-03-03 07:30"},
		{"DuringMorningIsItself", "2025-03-03 10:15:30", "2025-03-03 10:15:30"},
		{"AtMorningCloseWaitsForAfternoon", "2025-03-03 11:30", "2025-03-03 13:30"},
		{"DuringLunchWaitsForAfternoon", "2025-03-03 12:00", "2025-03-03 13:30"},
		{"JustBeforeAfternoonWaits", "2025-03-03 13:29", "2025-03-03 13:30"},
		{"JustBeforeCloseIsItself", "2025-03-03 16:59", "2025-03-03 16:59"},
		{"AtCloseMovesToNextDay", "2025-03-03 17:00", "2025-03-04 07:30"},
		{"FridayEveningMovesToMonday", "2025-03-07 17:01", "2025-03-10 07:30"},
		{"SundayMovesToMonday", "2025-03-09 09:00", "2025-03-10 07:30"},
		{"MidnightBeforeAWorkingDay", "2025-03-04 00:00", "2025-03-04 07:30"},
		{"TetMovesPastTheHoliday", "2026-02-14 09:00", "2026-02-23 07:30"},
		{"NewYearsEveEveningMovesPastNewYear", "2025-12-31 18:00", "2026-01-02 07:30"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := c.NextOpening(at(t, tc.at))
			if err != nil || !got.Equal(at(t, tc.want)) {
				t.Errorf("NextOpening(%s) = %s, %v; want %s", tc.at, fmtTime(got), err, tc.want)
			}
		})
	}
	t.Run("KeepsSubSecondPrecisionWhenOpen", func(t *testing.T) {
		t.Parallel()
		in := at(t, "2025-03-03 09:00").Add(123456789)
		if got, _ := c.NextOpening(in); !got.Equal(in) {
			t.Errorf("NextOpening = %v", got)
		}
		justBefore := at(t, "2025-03-03 17:00").Add(-1)
		if got, _ := c.NextOpening(justBefore); !got.Equal(justBefore) {
			t.Errorf("one nanosecond before close: %v", got)
		}
	})
	t.Run("DeclaredWorkingSaturdayOpens", func(t *testing.T) {
		t.Parallel()
		got, err := decided2025(t).NextOpening(at(t, "2025-04-25 17:30"))
		if err != nil || !got.Equal(at(t, "2025-04-26 07:30")) {
			t.Errorf("NextOpening = %s, %v", fmtTime(got), err)
		}
	})
}

func TestDue(t *testing.T) {
	t.Parallel()
	def, dec := Default(), decided2025(t)
	for _, tc := range []struct {
		name string
		c    *Calendar
		at   string
		term Term
		want string
	}{
		// Receipt times around office hours (Monday 3 March 2025).
		{"ReceiptAt0729CountsFromOpening", def, "2025-03-03 07:29", Term{1, WorkingDays}, "2025-03-04 17:00"},
		{"ReceiptAt0730", def, "2025-03-03 07:30", Term{1, WorkingDays}, "2025-03-04 17:00"},
		{"ReceiptAt1131DuringLunch", def, "2025-03-03 11:31", Term{1, WorkingDays}, "2025-03-04 17:00"},
		{"ReceiptAt1329", def, "2025-03-03 13:29", Term{1, WorkingDays}, "2025-03-04 17:00"},
		{"ReceiptAt1659", def, "2025-03-03 16:59", Term{1, WorkingDays}, "2025-03-04 17:00"},
		{"ReceiptAt1700CountsFromNextDay", def, "2025-03-03 17:00", Term{1, WorkingDays}, "2025-03-05 17:00"},
		{"ReceiptAt1701CountsFromNextDay", def, "2025-03-03 17:01", Term{1, WorkingDays}, "2025-03-05 17:00"},
		{"ReceiptOnSaturday", def, "2025-03-08 10:00", Term{1, WorkingDays}, "2025-03-11 17:00"},
		{"ReceiptFridayEvening", def, "2025-03-07 17:30", Term{5, WorkingDays}, "2025-03-17 17:00"},
		{"ZeroDaysIsCloseOfReceiptDay", def, "2025-03-03 09:00", Term{0, WorkingDays}, "2025-03-03 17:00"},
		{"ZeroDaysOnSundayIsCloseOfMonday", def, "2025-03-09 09:00", Term{0, WorkingDays}, "2025-03-10 17:00"},
		{"FifteenDaysOverTwoWeekends", def, "2025-03-03 09:00", Term{15, WorkingDays}, "2025-03-24 17:00"},

		// Tết.
		{"Tet2025AsDecided", dec, "2025-01-24 09:00", Term{1, WorkingDays}, "2025-02-03 17:00"},
		{"Tet2025ByDefaultRules", def, "2025-01-24 09:00", Term{1, WorkingDays}, "2025-01-27 17:00"},
		{"Tet2025DefaultSkipsCompensatoryMonday", def, "2025-01-27 09:00", Term{1, WorkingDays}, "2025-02-04 17:00"},
		{"Tet2025ReceivedDuringTheBreak", dec, "2025-01-29 09:00", Term{3, WorkingDays}, "2025-02-06 17:00"},
		{"Tet2026", def, "2026-02-13 10:00", Term{1, WorkingDays}, "2026-02-23 17:00"},
		{"Tet2026ReceivedOnSunday", def, "2026-02-15 10:00", Term{1, WorkingDays}, "2026-02-24 17:00"},
		{"Tet2027WithCompensatoryDays", def, "2027-02-04 14:00", Term{1, WorkingDays}, "2027-02-12 17:00"},

		// Year ends.
		{"NewYear2026OnThursday", def, "2025-12-31 15:00", Term{1, WorkingDays}, "2026-01-02 17:00"},
		{"NewYear2027OnFriday", def, "2026-12-31 10:00", Term{1, WorkingDays}, "2027-01-04 17:00"},
		{"NewYear2022OnSaturdayCompensatedMonday", def, "2021-12-31 10:00", Term{1, WorkingDays}, "2022-01-04 17:00"},

		// 30 April - 1 May, with the 2025 swap.
		{"WorkingSaturday26April2025Counts", dec, "2025-04-25 09:00", Term{1, WorkingDays}, "2025-04-26 17:00"},
		{"Bridge2025SkipsSwappedFriday", dec, "2025-04-25 09:00", Term{4, WorkingDays}, "2025-05-05 17:00"},
		{"ReceiptOnWorkingSaturday", dec, "2025-04-26 08:00", Term{1, WorkingDays}, "2025-04-28 17:00"},
		{"SameSaturdayWithoutTheDecision", def, "2025-04-26 08:00", Term{1, WorkingDays}, "2025-04-29 17:00"},
		{"Bridge2025WithoutTheDecision", def, "2025-04-25 09:00", Term{3, WorkingDays}, "2025-05-02 17:00"},
		{"LabourDay2027OnSaturdayCompensatedMonday", def, "2027-04-29 10:00", Term{1, WorkingDays}, "2027-05-04 17:00"},
		{"HungKings2023ToLabourDay", def, "2023-04-28 10:00", Term{1, WorkingDays}, "2023-05-04 17:00"},

		// Working hours.
		{"HoursSpillIntoNextMorning", def, "2025-03-03 09:00", Term{8, WorkingHours}, "2025-03-04 09:30"},
		{"HoursDuringLunchStartAfterLunch", def, "2025-03-03 12:00", Term{1, WorkingHours}, "2025-03-03 14:30"},
		{"HoursFridayToMonday", def, "2025-03-07 16:00", Term{2, WorkingHours}, "2025-03-10 08:30"},
		{"FourHoursFromOpeningEndAtMorningClose", def, "2025-03-03 07:30", Term{4, WorkingHours}, "2025-03-03 11:30"},
		{"ZeroHoursOnSaturdayIsMondayOpening", def, "2025-03-08 10:00", Term{0, WorkingHours}, "2025-03-10 07:30"},
		{"HoursOverTheWorkingSaturday", dec, "2025-04-25 09:00", Term{24, WorkingHours}, "2025-04-29 10:30"},

		// Calendar days.
		{"CalendarDaysEndAtClose", def, "2025-03-03 09:00", Term{10, CalendarDays}, "2025-03-13 17:00"},
		{"CalendarDaysEndingSaturdayMoveToMonday", def, "2025-03-03 09:00", Term{5, CalendarDays}, "2025-03-10 17:00"},
		{"CalendarDaysEndingInTetMoveAfterIt", dec, "2025-01-24 10:00", Term{7, CalendarDays}, "2025-02-03 17:00"},
		{"CalendarDaysFromSaturdayCountFromMonday", def, "2025-03-08 10:00", Term{10, CalendarDays}, "2025-03-20 17:00"},
		{"ZeroCalendarDaysIsCloseOfReceiptDay", def, "2025-03-03 17:30", Term{0, CalendarDays}, "2025-03-04 17:00"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := tc.c.Due(at(t, tc.at), tc.term)
			if err != nil || !got.Equal(at(t, tc.want)) {
				t.Errorf("Due(%s, %+v) = %s, %v; want %s", tc.at, tc.term, fmtTime(got), err, tc.want)
			}
			if _, off := got.Zone(); off != 7*3600 {
				t.Errorf("due instant offset %d, want UTC+7", off)
			}
		})
	}
	t.Run("AcceptsAnyInputOffset", func(t *testing.T) {
		t.Parallel()
		// 00:29 UTC is 07:29 in Vietnam; 19:30 the day before in New York.
		utc := time.Date(2025, 3, 3, 0, 29, 0, 0, time.UTC)
		for _, in := range []time.Time{utc, utc.In(time.FixedZone("EST", -5*3600)), utc.In(time.FixedZone("CET", 3600))} {
			got, err := def.DueWorkingDays(in, 1)
			if err != nil || !got.Equal(at(t, "2025-03-04 17:00")) || got.Location().String() != "ICT" {
				t.Errorf("DueWorkingDays(%v) = %v, %v", in, got, err)
			}
		}
	})
	t.Run("UsesTheConfiguredClose", func(t *testing.T) {
		t.Parallel()
		h, _ := ParseOfficeHours("08:00-12:00,13:00-16:30")
		c, err := New(h, nil)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := c.DueWorkingDays(at(t, "2025-03-03 16:45"), 1)
		if !got.Equal(at(t, "2025-03-05 16:30")) {
			t.Errorf("DueWorkingDays = %s", fmtTime(got))
		}
	})
}

func TestDueErrors(t *testing.T) {
	t.Parallel()
	c := Default()
	t.Run("RejectsNegativePeriods", func(t *testing.T) {
		t.Parallel()
		start := at(t, "2025-03-03 09:00")
		_, e1 := c.DueWorkingDays(start, -1)
		_, e2 := c.DueCalendarDays(start, -1)
		_, e3 := c.DueWorkingHours(start, -time.Minute)
		_, e4 := c.ExplainWorkingDays(start, -1)
		_, e5 := c.Due(start, Term{-2, WorkingHours})
		for i, err := range []error{e1, e2, e3, e4, e5, ValidateN(-1), ValidateDuration(-1)} {
			if !errors.Is(err, ErrNegative) {
				t.Errorf("case %d: %v, want ErrNegative", i, err)
			}
		}
	})
	t.Run("RejectsPeriodsTooLong", func(t *testing.T) {
		t.Parallel()
		_, err := c.DueWorkingDays(at(t, "2025-03-03 09:00"), MaxN+1)
		if !errors.Is(err, ErrTooLong) || !errors.Is(ValidateDuration(MaxN*time.Hour+1), ErrTooLong) {
			t.Errorf("err = %v", err)
		}
		if ValidateN(0) != nil || ValidateN(MaxN) != nil || ValidateDuration(MaxN*time.Hour) != nil {
			t.Error("limits rejected")
		}
	})
	t.Run("RejectsUnknownUnits", func(t *testing.T) {
		t.Parallel()
		if _, err := c.Due(at(t, "2025-03-03 09:00"), Term{N: 1}); err == nil {
			t.Error("Due accepted a zero unit")
		}
		if (Term{3, WorkingDays}).Validate() != nil || (Term{3, 9}).Validate() == nil {
			t.Error("Term.Validate")
		}
	})
	t.Run("RejectsInstantsOutsideTheSupportedYears", func(t *testing.T) {
		t.Parallel()
		for _, start := range []time.Time{{}, at(t, "1899-12-31 09:00"), at(t, "2200-01-01 09:00")} {
			if _, err := c.DueWorkingDays(start, 1); !errors.Is(err, ErrOutOfRange) {
				t.Errorf("DueWorkingDays(%v): %v", start, err)
			}
			if _, err := c.NextOpening(start); !errors.Is(err, ErrOutOfRange) {
				t.Errorf("NextOpening(%v): %v", start, err)
			}
		}
		last := at(t, "2199-12-30 09:00")
		if _, err := c.DueWorkingDays(last, 5); !errors.Is(err, ErrOutOfRange) {
			t.Errorf("running past 2199: %v", err)
		}
		if _, err := c.DueCalendarDays(last, 5); !errors.Is(err, ErrOutOfRange) {
			t.Errorf("calendar days past 2199: %v", err)
		}
		if _, err := c.DueWorkingHours(last, 40*time.Hour); !errors.Is(err, ErrOutOfRange) {
			t.Errorf("hours past 2199: %v", err)
		}
		if _, err := c.NextOpening(at(t, "2199-12-31 18:00")); !errors.Is(err, ErrOutOfRange) {
			t.Errorf("opening past 2199: %v", err)
		}
		// 1 January 1900, a Monday, was already New Year's Day.
		if got, err := c.DueWorkingDays(at(t, "1900-01-01 09:00"), 1); err != nil || !got.Equal(at(t, "1900-01-03 17:00")) {
			t.Errorf("first supported day: %v, %v", got, err)
		}
	})
}

func TestExplainWorkingDays(t *testing.T) {
	t.Parallel()
	t.Run("ShowsTheTetBreakAndTheShiftedReceipt", func(t *testing.T) {
		t.Parallel()
		c := decided2025(t)
		ex, err := c.ExplainWorkingDays(at(t, "2025-01-25 10:00"), 2)
		if err != nil {
			t.Fatal(err)
		}
		if !ex.OutsideHours() || !ex.Effective.Equal(at(t, "2025-02-03 07:30")) || ex.ReceiptDay != date(t, "2025-02-03") {
			t.Errorf("receipt: %v -> %v (D %v)", ex.Received, ex.Effective, ex.ReceiptDay)
		}
		if !slices.Equal(ex.Counted, []Date{date(t, "2025-02-04"), date(t, "2025-02-05")}) {
			t.Errorf("counted %v", ex.Counted)
		}
		var got []string
		for _, s := range ex.Skipped {
			got = append(got, s.Date.String()+" "+s.Reason.String()+" "+s.Name)
		}
		want := []string{
			"2025-01-25 weekend Thứ Bảy", "2025-01-26 weekend Chủ nhật",
			"2025-01-27 declared_off Tết Nguyên đán", "2025-01-28 declared_off Tết Nguyên đán",
			"2025-01-29 declared_off Tết Nguyên đán", "2025-01-30 declared_off Tết Nguyên đán",
			"2025-01-31 declared_off Tết Nguyên đán",
			"2025-02-01 weekend Thứ Bảy", "2025-02-02 weekend Chủ nhật",
		}
		if !slices.Equal(got, want) {
			t.Errorf("skipped:\n%q\nwant:\n%q", got, want)
		}
		if due, _ := c.DueWorkingDays(at(t, "2025-01-25 10:00"), 2); !ex.Due.Equal(due) || !due.Equal(at(t, "2025-02-05 17:00")) {
			t.Errorf("due %v, DueWorkingDays %v", ex.Due, due)
		}
	})
	t.Run("ShowsHolidaysSwapsAndAnAfterHoursReceipt", func(t *testing.T) {
		t.Parallel()
		ex, err := decided2025(t).ExplainWorkingDays(at(t, "2025-04-25 17:30"), 3)
		if err != nil {
			t.Fatal(err)
		}
		if ex.ReceiptDay != date(t, "2025-04-26") || !ex.OutsideHours() {
			t.Errorf("receipt day %v", ex.ReceiptDay)
		}
		if !slices.Equal(ex.Counted, []Date{date(t, "2025-04-28"), date(t, "2025-04-29"), date(t, "2025-05-05")}) {
			t.Errorf("counted %v", ex.Counted)
		}
		var reasons []Reason
		for _, s := range ex.Skipped {
			reasons = append(reasons, s.Reason)
		}
		// Sunday 27 April; 30 April, 1 May; 2 May declared; 3-4 May.
		want := []Reason{ReasonWeekend, ReasonHoliday, ReasonHoliday, ReasonDayOff, ReasonWeekend, ReasonWeekend}
		if !slices.Equal(reasons, want) {
			t.Errorf("reasons %v, want %v (%+v)", reasons, want, ex.Skipped)
		}
	})
	t.Run("NamesCompensatoryDays", func(t *testing.T) {
		t.Parallel()
		ex, err := Default().ExplainWorkingDays(at(t, "2027-04-30 10:00"), 1)
		if err != nil {
			t.Fatal(err)
		}
		last := ex.Skipped[len(ex.Skipped)-1]
		if last.Date != date(t, "2027-05-03") || last.Reason != ReasonCompensatory || last.Name != "Nghỉ bù" {
			t.Errorf("skipped %+v", ex.Skipped)
		}
	})
	t.Run("ZeroDaysCountsNothing", func(t *testing.T) {
		t.Parallel()
		ex, err := Default().ExplainWorkingDays(at(t, "2025-03-03 09:00"), 0)
		if err != nil || len(ex.Counted) != 0 || len(ex.Skipped) != 0 || ex.OutsideHours() || !ex.Due.Equal(at(t, "2025-03-03 17:00")) {
			t.Errorf("%+v, %v", ex, err)
		}
	})
}

func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	c := Default()
	start := at(t, "2030-01-02 09:00")
	want, _ := Default().DueWorkingDays(start, 300)
	done := make(chan time.Time)
	for range 8 {
		go func() {
			got, _ := c.DueWorkingDays(start, 300) // builds the same years at once
			done <- got
		}()
	}
	for range 8 {
		if got := <-done; !got.Equal(want) {
			t.Errorf("got %v, want %v", got, want)
		}
	}
}

func TestExplanationReadsBack(t *testing.T) {
	t.Parallel()
	c := Default()
	ex, err := c.ExplainWorkingDays(time.Date(2026, 2, 13, 16, 30, 0, 0, Location()), 5)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(ex)
	if err != nil {
		t.Fatal(err)
	}
	var back Explanation
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !back.Due.Equal(ex.Due) || len(back.Skipped) != len(ex.Skipped) || back.Skipped[0].Reason != ex.Skipped[0].Reason {
		t.Fatalf("%+v", back)
	}
	var r Reason
	if err := r.UnmarshalText([]byte("nonsense")); err == nil {
		t.Fatal("an unknown reason must be refused")
	}
}
