package calendar

import (
	"errors"
	"testing"
)

func TestLunarNewYear(t *testing.T) {
	t.Parallel()
	t.Run("MatchesPublishedTetDates", func(t *testing.T) {
		t.Parallel()
		for y, want := range map[int]string{
			1900: "1900-01-31", 1968: "1968-01-29", 1985: "1985-01-21", 2000: "2000-02-05", 2007: "2007-02-17",
			2023: "2023-01-22", 2024: "2024-02-10", 2025: "2025-01-29", 2026: "2026-02-17", 2027: "2027-02-06",
			2028: "2028-01-26", 2050: "2050-01-23", 2100: "2100-02-09",
		} {
			got, err := LunarNewYear(y)
			if err != nil || got != date(t, want) {
				t.Errorf("LunarNewYear(%d) = %v, %v; want %s", y, got, err, want)
			}
		}
	})
	t.Run("UsesUTC7NotTheChineseUTC8", func(t *testing.T) {
		t.Parallel()
		// Years where the Vietnamese and Chinese Tết differ: the one-hour
		// difference moves a new moon (or the solstice) across midnight.
		for _, c := range []struct {
			year           int
			vietnam, china string
		}{
			{1985, "1985-01-21", "1985-02-20"},
			{2007, "2007-02-17", "2007-02-18"},
			{1968, "1968-01-29", "1968-01-30"}, // North (UTC+7) and South (UTC+8) Vietnam differed
			{2030, "2030-02-02", "2030-02-03"},
		} {
			vn, err := lunarToSolar(LunarDate{Year: c.year, Month: 1, Day: 1}, vietnamTZ)
			if err != nil || vn != date(t, c.vietnam) {
				t.Errorf("Tết %d in Vietnam = %v, %v; want %s", c.year, vn, err, c.vietnam)
			}
			cn, err := lunarToSolar(LunarDate{Year: c.year, Month: 1, Day: 1}, 8)
			if err != nil || cn != date(t, c.china) {
				t.Errorf("Tết %d at UTC+8 = %v, %v; want the Chinese %s", c.year, cn, err, c.china)
			}
		}
	})
}

func TestLunarToSolar(t *testing.T) {
	t.Parallel()
	t.Run("FindsHungKingsDay", func(t *testing.T) {
		t.Parallel()
		for y, want := range map[int]string{2023: "2023-04-29", 2024: "2024-04-18", 2025: "2025-04-07", 2026: "2026-04-26", 2027: "2027-04-16", 2028: "2028-04-04"} {
			got, err := LunarToSolar(LunarDate{Year: y, Month: 3, Day: 10})
			if err != nil || got != date(t, want) {
				t.Errorf("10/3/%d = %v, %v; want %s", y, got, err, want)
			}
		}
	})
	t.Run("FindsLeapMonths", func(t *testing.T) {
		t.Parallel()
		for _, c := range []struct {
			l    LunarDate
			want string
		}{
			{LunarDate{2020, 4, 1, true}, "2020-05-23"},
			{LunarDate{2023, 2, 1, true}, "2023-03-22"},
			{LunarDate{2025, 6, 1, true}, "2025-07-25"},
			{LunarDate{2025, 7, 1, false}, "2025-08-23"},
		} {
			got, err := LunarToSolar(c.l)
			if err != nil || got != date(t, c.want) {
				t.Errorf("LunarToSolar(%v) = %v, %v; want %s", c.l, got, err, c.want)
			}
		}
	})
	t.Run("RejectsDatesThatDoNotExist", func(t *testing.T) {
		t.Parallel()
		for _, l := range []LunarDate{
			{2025, 5, 1, true},   // 2025's leap month is the 6th
			{2026, 6, 1, true},   // 2026 has no leap month
			{2025, 13, 1, false}, // no 13th month
			{2025, 1, 0, false},
			{2025, 1, 31, false},
			{1899, 1, 1, false},
			{2200, 1, 1, false},
		} {
			if d, err := LunarToSolar(l); !errors.Is(err, ErrNoSuchLunarDate) {
				t.Errorf("LunarToSolar(%v) = %v, %v; want ErrNoSuchLunarDate", l, d, err)
			}
		}
		// A 30th day exists only in a 30-day month.
		for m := 1; m <= 12; m++ {
			l := LunarDate{Year: 2026, Month: m, Day: 30}
			d, err := LunarToSolar(l)
			if err != nil {
				continue
			}
			if back := SolarToLunar(d); back != l {
				t.Errorf("LunarToSolar(%v) = %v, which is %v", l, d, back)
			}
		}
	})
}

func TestSolarToLunar(t *testing.T) {
	t.Parallel()
	t.Run("ConvertsKnownDays", func(t *testing.T) {
		t.Parallel()
		for s, want := range map[string]LunarDate{
			"2025-01-28": {2024, 12, 29, false}, // Tết eve 2025: 12th month had 29 days
			"2025-01-29": {2025, 1, 1, false},
			"2026-02-16": {2025, 12, 29, false},
			"2024-02-09": {2023, 12, 30, false},
			"2023-04-19": {2023, 2, 29, true},
			"2025-10-06": {2025, 8, 15, false}, // mid-autumn
		} {
			if got := SolarToLunar(date(t, s)); got != want {
				t.Errorf("SolarToLunar(%s) = %v; want %v", s, got, want)
			}
		}
	})
	t.Run("RoundTripsEveryDay1900To2199", func(t *testing.T) {
		t.Parallel()
		if testing.Short() {
			t.Skip("long")
		}
		d := NewDate(1900, 2, 1) // lunar year 1900 starts 31 January
		end := NewDate(2199, 12, 31)
		prev := SolarToLunar(d.AddDays(-1))
		for ; !d.After(end); d = d.AddDays(1) {
			l := SolarToLunar(d)
			// Each day follows the previous one: same month and the next day,
			// or day 1 of the next month after a 29- or 30-day month.
			switch {
			case l.Day == prev.Day+1 && l.Day <= 30 && l.Month == prev.Month && l.Leap == prev.Leap && l.Year == prev.Year:
			case l.Day == 1 && (prev.Day == 29 || prev.Day == 30):
				// A new month: the leap month repeats the previous number,
				// otherwise the number goes up, and month 1 starts a year.
				leapNext := l.Leap && !prev.Leap && l.Month == prev.Month && l.Year == prev.Year
				next := !l.Leap && l.Month == prev.Month%12+1 &&
					(l.Month == 1 && l.Year == prev.Year+1 || l.Month != 1 && l.Year == prev.Year)
				if !leapNext && !next {
					t.Fatalf("%v: month %v after %v", d, l, prev)
				}
				if l.Month == 1 && !l.Leap && (d.Month > 2 || (d.Month == 1 && d.Day < 21) || (d.Month == 2 && d.Day > 20)) {
					t.Fatalf("%v: Tết outside 21 Jan - 20 Feb", d)
				}
			default:
				t.Fatalf("%v: %v does not follow %v", d, l, prev)
			}
			if l.Day == 1 || l.Day == 15 { // round trip a sample; the walk covers the rest
				if back, err := LunarToSolar(l); err != nil || back != d {
					t.Fatalf("LunarToSolar(SolarToLunar(%v) = %v) = %v, %v", d, l, back, err)
				}
			}
			prev = l
		}
	})
}
