package calendar

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"
)

// yearString renders Year's special days compactly for comparison.
func yearString(days []Day) string {
	var b strings.Builder
	for _, d := range days {
		fmt.Fprintf(&b, "%v %.3s %v %v\n", d.Date, d.Date.Weekday(), d.Kind, d.Holiday)
	}
	return b.String()
}

func TestDefaultHolidays(t *testing.T) {
	t.Parallel()
	c := Default()
	t.Run("Lists2025WithTetEvePlusFourDaysAndCompensation", func(t *testing.T) {
		t.Parallel()
		want := `2025-01-01 Wed holiday new_year
2025-01-28 Tue holiday tet
2025-01-29 Wed holiday tet
2025-01-30 Thu holiday tet
2025-01-31 Fri holiday tet
2025-02-01 Sat holiday tet
2025-02-03 Mon compensatory tet
2025-04-07 Mon holiday hung_kings
2025-04-30 Wed holiday reunification_day
2025-05-01 Thu holiday labour_day
2025-09-01 Mon holiday national_day
2025-09-02 Tue holiday national_day
`
		if got := yearString(c.Year(2025)); got != want {
			t.Errorf("Year(2025):\n%s\nwant:\n%s", got, want)
		}
	})
	t.Run("Lists2026MatchingTheDecision", func(t *testing.T) {
		t.Parallel()
		// 2026's decision took the default pattern: 16-20 February.
		want := `2026-01-01 Thu holiday new_year
2026-02-16 Mon holiday tet
2026-02-17 Tue holiday tet
2026-02-18 Wed holiday tet
2026-02-19 Thu holiday tet
2026-02-20 Fri holiday tet
2026-04-26 Sun holiday hung_kings
2026-04-27 Mon compensatory hung_kings
2026-04-30 Thu holiday reunification_day
2026-05-01 Fri holiday labour_day
2026-09-01 Tue holiday national_day
2026-09-02 Wed holiday national_day
`
		if got := yearString(c.Year(2026)); got != want {
			t.Errorf("Year(2026):\n%s\nwant:\n%s", got, want)
		}
	})
	t.Run("Compensates2027TetWeekendAfterTheFiveDays", func(t *testing.T) {
		t.Parallel()
		want := `2027-01-01 Fri holiday new_year
2027-02-05 Fri holiday tet
2027-02-06 Sat holiday tet
2027-02-07 Sun holiday tet
2027-02-08 Mon holiday tet
2027-02-09 Tue holiday tet
2027-02-10 Wed compensatory tet
2027-02-11 Thu compensatory tet
2027-04-16 Fri holiday hung_kings
2027-04-30 Fri holiday reunification_day
2027-05-01 Sat holiday labour_day
2027-05-03 Mon compensatory labour_day
2027-09-02 Thu holiday national_day
2027-09-03 Fri holiday national_day
`
		if got := yearString(c.Year(2027)); got != want {
			t.Errorf("Year(2027):\n%s\nwant:\n%s", got, want)
		}
	})
	t.Run("Compensates2022And2023AsTheDecisionsDid", func(t *testing.T) {
		t.Parallel()
		// 2022: 1 January (Sat) -> Mon 3 Jan; Hùng Kings (Sun 10 Apr) ->
		// Mon 11 Apr; 30 Apr (Sat) and 1 May (Sun) -> Mon 2 and Tue 3 May.
		// 2023: Hùng Kings (Sat 29 Apr), 30 Apr (Sun) -> Tue 2, Wed 3 May;
		// 2 Sep (Sat) with Fri 1 Sep -> Mon 4 Sep.
		for _, s := range []string{"2022-01-03", "2022-04-11", "2022-05-02", "2022-05-03", "2023-05-02", "2023-05-03", "2023-09-04"} {
			d, ok := c.Day(date(t, s))
			if !ok || d.Kind != KindCompensatory || c.IsWorkingDay(d.Date) {
				t.Errorf("%s: %+v, %v; want a compensatory day", s, d, ok)
			}
		}
		if d, _ := c.Day(date(t, "2023-05-02")); d.Compensates != date(t, "2023-04-29") || d.Holiday != HungKings {
			t.Errorf("2023-05-02 compensates %v (%v)", d.Compensates, d.Holiday)
		}
		if !c.IsWorkingDay(date(t, "2023-05-04")) {
			t.Error("2023-05-04 should be worked")
		}
	})
	t.Run("PicksTheNationalDayAdjacentDayByWeekday", func(t *testing.T) {
		t.Parallel()
		// 2 September on each weekday: 2025 Tue, 2026 Wed, 2027 Thu,
		// 2022 Fri, 2023 Sat, 2029 Sun, 2024 Mon.
		for y, want := range map[int]string{2025: "09-01", 2026: "09-01", 2027: "09-03", 2022: "09-01", 2023: "09-01", 2029: "09-01", 2024: "09-01"} {
			if got := nationalDayAdjacent(y); got != date(t, fmt.Sprintf("%d-%s", y, want)) {
				t.Errorf("%d (%v): adjacent %v, want %s", y, NewDate(y, 9, 2).Weekday(), got, want)
			}
		}
		// 2029: Sat 1 and Sun 2 September give Mon 3 and Tue 4 off.
		for _, s := range []string{"2029-09-03", "2029-09-04"} {
			if d, ok := c.Day(date(t, s)); !ok || d.Kind != KindCompensatory {
				t.Errorf("%s: %+v", s, d)
			}
		}
	})
	t.Run("MergesHolidaysOnTheSameDate", func(t *testing.T) {
		t.Parallel()
		// In 1947 the 10th day of the 3rd lunar month was 30 April.
		d, ok := c.Day(date(t, "1947-04-30"))
		if !ok || d.Holiday != HungKings || !strings.Contains(d.Name, "Giải phóng") {
			t.Errorf("1947-04-30: %+v", d)
		}
	})
	t.Run("BuildsEveryYearWithinItself", func(t *testing.T) {
		t.Parallel()
		for y := MinYear; y <= MaxYear; y++ {
			days := c.Year(y)
			off := 0
			for i, d := range days {
				if d.Date.Year != y {
					t.Fatalf("%d: day %v outside the year", y, d.Date)
				}
				if i > 0 && !days[i-1].Date.Before(d.Date) {
					t.Fatalf("%d: not sorted at %v", y, d.Date)
				}
				if d.Kind == KindCompensatory && (isWeekend(d.Date.Weekday()) || !d.Compensates.Before(d.Date)) {
					t.Fatalf("%d: bad compensatory day %+v", y, d)
				}
				if d.Off() && !isWeekend(d.Date.Weekday()) {
					off++
				}
			}
			// 11 holiday days a year, each on a weekday or made up on one
			// (fewer only when two holidays share a date).
			if off != 11 && !(off == 10 && y == 1947) {
				t.Errorf("%d: %d weekdays off, want 11", y, off)
			}
		}
	})
	t.Run("NamesAreNFCInBothLanguages", func(t *testing.T) {
		t.Parallel()
		for _, d := range c.Year(2025) {
			if d.Name == "" || d.NameEn == "" || !norm.NFC.IsNormalString(d.Name) {
				t.Errorf("%v: names %q / %q", d.Date, d.Name, d.NameEn)
			}
		}
		for h := NewYear; h <= NationalDay; h++ {
			if !norm.NFC.IsNormalString(h.Name()) {
				t.Errorf("%v: %q not NFC", h, h.Name())
			}
		}
	})
	t.Run("ReturnsNothingOutsideTheSupportedYears", func(t *testing.T) {
		t.Parallel()
		if c.Year(MinYear-1) != nil || c.Year(MaxYear+1) != nil {
			t.Error("Year outside the range")
		}
		if _, ok := c.Day(date(t, "1899-12-31")); ok {
			t.Error("Day outside the range")
		}
		if c.IsWorkingDay(date(t, "2200-01-01")) != true || c.IsWorkingDay(date(t, "1899-12-31")) != false { // Wed, Sun
			t.Error("outside the range the ordinary week applies")
		}
	})
	t.Run("YearReturnsACopy", func(t *testing.T) {
		t.Parallel()
		c := Default()
		c.Year(2025)[0].Kind = KindWorkingDay
		if !c.Year(2025)[0].Off() {
			t.Error("Year exposed the cache")
		}
	})
}

func TestDeclarations(t *testing.T) {
	t.Parallel()
	t.Run("Enter2025DecisionAsWritten", func(t *testing.T) {
		t.Parallel()
		c := decided2025(t)
		var got []string
		for _, d := range c.Year(2025) {
			if d.Date.Month <= time.May {
				got = append(got, fmt.Sprintf("%v %v %v %s", d.Date, d.Kind, d.Holiday, d.Name))
			}
		}
		want := []string{
			"2025-01-01 holiday new_year Tết Dương lịch",
			"2025-01-27 declared_off tet Tết Nguyên đán",
			"2025-01-28 declared_off tet Tết Nguyên đán",
			"2025-01-29 declared_off tet Tết Nguyên đán",
			"2025-01-30 declared_off tet Tết Nguyên đán",
			"2025-01-31 declared_off tet Tết Nguyên đán",
			"2025-04-07 holiday hung_kings Giỗ Tổ Hùng Vương",
			"2025-04-26 working_day  Làm bù cho ngày 2/5",
			"2025-04-30 holiday reunification_day Ngày Giải phóng miền Nam, thống nhất đất nước",
			"2025-05-01 holiday labour_day Ngày Quốc tế Lao động",
			"2025-05-02 declared_off  Nghỉ hoán đổi",
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("Year(2025):\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		for s, work := range map[string]bool{"2025-01-24": true, "2025-01-27": false, "2025-01-31": false, "2025-02-01": false,
			"2025-02-03": true, "2025-04-26": true, "2025-04-27": false, "2025-05-02": false, "2025-05-05": true} {
			if c.IsWorkingDay(date(t, s)) != work {
				t.Errorf("IsWorkingDay(%s) = %v", s, !work)
			}
		}
	})
	t.Run("EnteringTheDifferenceGivesTheSameWorkingDays", func(t *testing.T) {
		t.Parallel()
		diff, err := New(DefaultOfficeHours(), []Declaration{
			{Date: date(t, "2025-01-27"), Kind: KindDayOff, Name: "Tết Nguyên đán"},
			{Date: date(t, "2025-02-03"), Kind: KindWorkingDay}, // cancels the compensatory day
			{Date: date(t, "2025-05-02"), Kind: KindDayOff},
			{Date: date(t, "2025-04-26"), Kind: KindWorkingDay},
		})
		if err != nil {
			t.Fatal(err)
		}
		tagged := decided2025(t)
		for d := NewDate(2025, 1, 1); d.Year == 2025; d = d.AddDays(1) {
			if diff.IsWorkingDay(d) != tagged.IsWorkingDay(d) {
				t.Errorf("%v: %v vs %v", d, diff.IsWorkingDay(d), tagged.IsWorkingDay(d))
			}
		}
	})
	t.Run("ATaggedScheduleOverAWeekendGivesNoCompensation", func(t *testing.T) {
		t.Parallel()
		// A decision for 2027 written as "Thursday 4 to Wednesday 10
		// February" replaces the default (5-9 with compensation on 10-11).
		var decls []Declaration
		for d := date(t, "2027-02-04"); !d.After(date(t, "2027-02-10")); d = d.AddDays(1) {
			decls = append(decls, Declaration{Date: d, Kind: KindDayOff, Holiday: Tet})
		}
		c, err := New(DefaultOfficeHours(), decls)
		if err != nil {
			t.Fatal(err)
		}
		for s, work := range map[string]bool{"2027-02-03": true, "2027-02-04": false, "2027-02-10": false, "2027-02-11": true} {
			if c.IsWorkingDay(date(t, s)) != work {
				t.Errorf("IsWorkingDay(%s) = %v", s, !work)
			}
		}
	})
	t.Run("ADeclaredNationalDayScheduleReplacesTheAdjacentDay", func(t *testing.T) {
		t.Parallel()
		// 2024: 2 September was a Monday and the decision gave Tuesday 3.
		c, err := New(DefaultOfficeHours(), []Declaration{{Date: date(t, "2024-09-03"), Kind: KindDayOff, Holiday: NationalDay}})
		if err != nil {
			t.Fatal(err)
		}
		want := "2024-09-02 Mon holiday national_day\n2024-09-03 Tue declared_off national_day\n"
		var got []Day
		for _, d := range c.Year(2024) {
			if d.Date.Month == time.September {
				got = append(got, d)
			}
		}
		if yearString(got) != want {
			t.Errorf("September 2024:\n%s\nwant:\n%s", yearString(got), want)
		}
	})
	t.Run("CompensationSkipsDeclaredDaysOff", func(t *testing.T) {
		t.Parallel()
		// 2027: 1 May (Sat) is made up on Monday 3 May; if 3 May is
		// declared off for another reason, the compensatory day moves on.
		c, err := New(DefaultOfficeHours(), []Declaration{{Date: date(t, "2027-05-03"), Kind: KindDayOff}})
		if err != nil {
			t.Fatal(err)
		}
		if d, ok := c.Day(date(t, "2027-05-04")); !ok || d.Kind != KindCompensatory {
			t.Errorf("2027-05-04: %+v", d)
		}
	})
	t.Run("ADeclarationOnAWeekendHolidayRemovesItsCompensation", func(t *testing.T) {
		t.Parallel()
		c, err := New(DefaultOfficeHours(), []Declaration{{Date: date(t, "2027-05-01"), Kind: KindDayOff, Name: "Ngày Quốc tế Lao động"}})
		if err != nil {
			t.Fatal(err)
		}
		if !c.IsWorkingDay(date(t, "2027-05-03")) {
			t.Error("2027-05-03 should be worked")
		}
	})
	t.Run("FillsDefaultNamesAndNormalisesToNFC", func(t *testing.T) {
		t.Parallel()
		decomposed := norm.NFD.String("Nghỉ lễ kỷ niệm")
		c, err := New(DefaultOfficeHours(), []Declaration{
			{Date: date(t, "2030-06-03"), Kind: KindDayOff, Name: "  " + decomposed + " "},
			{Date: date(t, "2030-06-04"), Kind: KindDayOff},
			{Date: date(t, "2030-06-08"), Kind: KindWorkingDay},
		})
		if err != nil {
			t.Fatal(err)
		}
		ds := c.Declarations()
		if ds[0].Name != "Nghỉ lễ kỷ niệm" || ds[0].NameEn != dayOffNameEn { // each language falls back alone
			t.Errorf("name %q / %q", ds[0].Name, ds[0].NameEn)
		}
		if ds[1].Name != dayOffName || ds[1].NameEn != dayOffNameEn || ds[2].Name != workingDayName || ds[2].NameEn != workingDayNameEn {
			t.Errorf("default names: %+v", ds[1:])
		}
	})
	t.Run("RejectsInvalidDeclarations", func(t *testing.T) {
		t.Parallel()
		tet := func(from, to string) []Declaration {
			var ds []Declaration
			for d := date(t, from); !d.After(date(t, to)); d = d.AddDays(1) {
				ds = append(ds, Declaration{Date: d, Kind: KindDayOff, Holiday: Tet})
			}
			return ds
		}
		for name, decls := range map[string][]Declaration{
			"InvalidDate":          {{Date: NewDate(2025, 2, 29), Kind: KindDayOff}},
			"YearOutOfRange":       {{Date: NewDate(2200, 1, 2), Kind: KindDayOff}},
			"Duplicate":            {{Date: NewDate(2025, 5, 2), Kind: KindDayOff}, {Date: NewDate(2025, 5, 2), Kind: KindWorkingDay}},
			"HolidayKind":          {{Date: NewDate(2025, 5, 2), Kind: KindHoliday}},
			"NoKind":               {{Date: NewDate(2025, 5, 2)}},
			"TaggedWorkingDay":     {{Date: NewDate(2025, 1, 27), Kind: KindWorkingDay, Holiday: Tet}},
			"FixedHolidayTagged":   {{Date: NewDate(2025, 5, 2), Kind: KindDayOff, Holiday: LabourDay}},
			"UnknownHoliday":       {{Date: NewDate(2025, 5, 2), Kind: KindDayOff, Holiday: 99}},
			"IncompleteTet":        tet("2025-01-27", "2025-01-27"),
			"TetFarFromTet":        tet("2025-03-01", "2025-03-05"),
			"OnlySecondOfSept":     {{Date: NewDate(2025, 9, 2), Kind: KindDayOff, Holiday: NationalDay}},
			"NationalDayInOctober": {{Date: NewDate(2025, 10, 2), Kind: KindDayOff, Holiday: NationalDay}},
		} {
			_, err := New(DefaultOfficeHours(), decls)
			var de *DeclarationError
			if !errors.As(err, &de) {
				t.Errorf("%s: err = %v, want a DeclarationError", name, err)
			}
		}
		_, err := New(DefaultOfficeHours(), []Declaration{{Date: NewDate(2025, 5, 2), Kind: KindDayOff}, {Date: NewDate(2025, 5, 2), Kind: KindDayOff}})
		var de *DeclarationError
		if !errors.As(err, &de) || de.Index != 1 {
			t.Errorf("duplicate reported as %v", err)
		}
	})
	t.Run("DoesNotKeepTheCallersSlice", func(t *testing.T) {
		t.Parallel()
		decls := []Declaration{{Date: date(t, "2030-06-03"), Kind: KindDayOff}}
		c, err := New(DefaultOfficeHours(), decls)
		if err != nil {
			t.Fatal(err)
		}
		decls[0].Kind = KindWorkingDay
		if c.IsWorkingDay(date(t, "2030-06-03")) {
			t.Error("calendar changed with the caller's slice")
		}
	})
}

func TestCodes(t *testing.T) {
	t.Parallel()
	t.Run("KindRoundTrips", func(t *testing.T) {
		t.Parallel()
		for k := KindHoliday; k <= KindWorkingDay; k++ {
			b, err := k.MarshalText()
			var back Kind
			if err != nil || back.UnmarshalText(b) != nil || back != k {
				t.Errorf("%v: %s, %v, %v", k, b, err, back)
			}
		}
		if _, err := ParseKind("weekend"); err == nil {
			t.Error("ParseKind accepted weekend")
		}
		if _, err := Kind(0).MarshalText(); err == nil {
			t.Error("zero Kind marshalled")
		}
	})
	t.Run("HolidayRoundTrips", func(t *testing.T) {
		t.Parallel()
		for h := Holiday(0); h <= NationalDay; h++ {
			b, err := h.MarshalText()
			var back Holiday
			if err != nil || back.UnmarshalText(b) != nil || back != h {
				t.Errorf("%v: %s, %v, %v", h, b, err, back)
			}
		}
		if _, err := ParseHoliday("christmas"); err == nil {
			t.Error("ParseHoliday accepted christmas")
		}
	})
	t.Run("UnitRoundTrips", func(t *testing.T) {
		t.Parallel()
		for u := WorkingDays; u <= CalendarDays; u++ {
			b, err := u.MarshalText()
			var back Unit
			if err != nil || back.UnmarshalText(b) != nil || back != u {
				t.Errorf("%v: %s, %v, %v", u, b, err, back)
			}
		}
		if _, err := ParseUnit("months"); err == nil {
			t.Error("ParseUnit accepted months")
		}
	})
}
