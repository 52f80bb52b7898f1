package calendar

import (
	"testing"
	"time"

	"pgregory.net/rapid"
)

var (
	propFrom = time.Date(2020, 1, 1, 0, 0, 0, 0, Location())
	propTo   = time.Date(2036, 1, 1, 0, 0, 0, 0, Location())
)

// genInstant draws an instant in 2020-2035, to the nanosecond, in a random
// offset.
func genInstant(t *rapid.T, label string) time.Time {
	sec := rapid.Int64Range(propFrom.Unix(), propTo.Unix()-1).Draw(t, label)
	nsec := rapid.SampledFrom([]int64{0, 0, 1, 999_999_999, 500_000_000}).Draw(t, label+"ns")
	zone := rapid.SampledFrom([]*time.Location{Location(), time.UTC, time.FixedZone("EST", -5*3600), time.FixedZone("X", 13*3600+45*60)}).Draw(t, label+"zone")
	return time.Unix(sec, nsec).In(zone)
}

// genOfficeHours draws default office hours or ordered random periods.
func genOfficeHours(t *rapid.T) OfficeHours {
	if rapid.Bool().Draw(t, "defaultHours") {
		return DefaultOfficeHours()
	}
	cuts := rapid.SliceOfNDistinct(rapid.IntRange(0, maxMinute), 2, 6, rapid.ID[int]).Draw(t, "cuts")
	if len(cuts)%2 == 1 {
		cuts = cuts[:len(cuts)-1]
	}
	sortInts(cuts)
	var h OfficeHours
	for i := 0; i < len(cuts); i += 2 {
		h.Periods = append(h.Periods, Period{cuts[i], cuts[i+1]})
	}
	return h
}

func sortInts(s []int) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// genCalendar draws office hours and random declarations in 2020-2035:
// scattered days off and working days, and sometimes a declared Tết.
func genCalendar(t *rapid.T) *Calendar {
	var decls []Declaration
	seen := map[Date]bool{}
	if rapid.Bool().Draw(t, "declareTet") {
		y := rapid.IntRange(2020, 2035).Draw(t, "tetYear")
		first, _ := LunarNewYear(y)
		before := rapid.IntRange(0, 3).Draw(t, "tetBefore")
		length := rapid.IntRange(5, 9).Draw(t, "tetLength")
		for i := range length {
			d := first.AddDays(i - before)
			decls = append(decls, Declaration{Date: d, Kind: KindDayOff, Holiday: Tet})
			seen[d] = true
		}
	}
	n := rapid.IntRange(0, 40).Draw(t, "declarations")
	for range n {
		d := propFrom.AddDate(0, 0, rapid.IntRange(0, 16*365).Draw(t, "declDay"))
		day := DateOf(d)
		if seen[day] {
			continue
		}
		seen[day] = true
		kind := rapid.SampledFrom([]Kind{KindDayOff, KindWorkingDay}).Draw(t, "declKind")
		decls = append(decls, Declaration{Date: day, Kind: kind})
	}
	c, err := New(genOfficeHours(t), decls)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

// oracleWorking decides a working day from Year's list alone.
func oracleWorking(c *Calendar, d Date) bool {
	for _, s := range c.Year(d.Year) {
		if s.Date == d {
			return s.Kind == KindWorkingDay
		}
	}
	return !isWeekend(d.Weekday())
}

// clock returns the local time of day of t in nanoseconds.
func clock(t time.Time) int64 {
	l := t.In(Location())
	return int64(l.Hour())*int64(time.Hour) + int64(l.Minute())*int64(time.Minute) + int64(l.Second())*int64(time.Second) + int64(l.Nanosecond())
}

func closeOf(c *Calendar) int64 { return c.closeNs }

// open reports whether the office is open at t.
func open(c *Calendar, t time.Time) bool {
	if !c.IsWorkingDay(DateOf(t)) {
		return false
	}
	ns := clock(t)
	for _, s := range c.spans {
		if ns >= s.start && ns < s.end {
			return true
		}
	}
	return false
}

// nthWorkingDayAfter walks days one by one with IsWorkingDay.
func nthWorkingDayAfter(c *Calendar, d Date, n int) Date {
	for n > 0 {
		d = d.AddDays(1)
		if c.IsWorkingDay(d) {
			n--
		}
	}
	return d
}

func TestProperties(t *testing.T) {
	t.Parallel()
	t.Run("IsWorkingDayAgreesWithYear", func(t *testing.T) {
		t.Parallel()
		rapid.Check(t, func(t *rapid.T) {
			c := genCalendar(t)
			d := DateOf(genInstant(t, "day"))
			if c.IsWorkingDay(d) != oracleWorking(c, d) {
				t.Fatalf("IsWorkingDay(%v) = %v, Year says otherwise", d, c.IsWorkingDay(d))
			}
		})
	})
	t.Run("NextOpeningIsTheFirstOpenInstant", func(t *testing.T) {
		t.Parallel()
		rapid.Check(t, func(t *rapid.T) {
			c := genCalendar(t)
			start := genInstant(t, "start")
			o, err := c.NextOpening(start)
			if err != nil {
				t.Fatal(err)
			}
			if o.Before(start) || !open(c, o) {
				t.Fatalf("NextOpening(%v) = %v: before it or closed", start, o)
			}
			if open(c, start) != o.Equal(start) {
				t.Fatalf("NextOpening(%v) = %v, open %v", start, o, open(c, start))
			}
			// Nothing in between is open: the office was closed from start
			// (exclusive of o) at the period boundaries we can probe.
			if !o.Equal(start) && open(c, o.Add(-1)) {
				t.Fatalf("open just before NextOpening %v", o)
			}
		})
	})
	t.Run("WorkingDayDueIsAtCloseOfAWorkingDay", func(t *testing.T) {
		t.Parallel()
		rapid.Check(t, func(t *rapid.T) {
			c := genCalendar(t)
			start := genInstant(t, "start")
			n := rapid.IntRange(0, 60).Draw(t, "n")
			due, err := c.DueWorkingDays(start, n)
			if err != nil {
				t.Fatal(err)
			}
			if !c.IsWorkingDay(DateOf(due)) || clock(due) != closeOf(c) || due.Before(start) {
				t.Fatalf("DueWorkingDays(%v, %d) = %v", start, n, due)
			}
			if _, off := due.Zone(); off != ictOffset {
				t.Fatalf("offset %d", off)
			}
		})
	})
	t.Run("CalendarDayDueIsAtCloseOfAWorkingDay", func(t *testing.T) {
		t.Parallel()
		rapid.Check(t, func(t *rapid.T) {
			c := genCalendar(t)
			start := genInstant(t, "start")
			n := rapid.IntRange(0, 90).Draw(t, "n")
			due, err := c.DueCalendarDays(start, n)
			if err != nil {
				t.Fatal(err)
			}
			if !c.IsWorkingDay(DateOf(due)) || clock(due) != closeOf(c) || due.Before(start) {
				t.Fatalf("DueCalendarDays(%v, %d) = %v", start, n, due)
			}
			o, _ := c.NextOpening(start)
			last := DateOf(o).AddDays(n)
			if got := DateOf(due); got.Before(last) || (got != last && c.IsWorkingDay(last)) {
				t.Fatalf("DueCalendarDays(%v, %d) = %v, last day %v", start, n, due, last)
			}
			for d := last; d.Before(DateOf(due)); d = d.AddDays(1) {
				if c.IsWorkingDay(d) {
					t.Fatalf("due %v passes working day %v", due, d)
				}
			}
		})
	})
	t.Run("WorkingHourDueIsWithinOfficeHoursAndCountsExactly", func(t *testing.T) {
		t.Parallel()
		rapid.Check(t, func(t *rapid.T) {
			c := genCalendar(t)
			start := genInstant(t, "start")
			d := time.Duration(rapid.IntRange(0, 40*60).Draw(t, "minutes")) * time.Minute
			due, err := c.DueWorkingHours(start, d)
			if err != nil {
				t.Fatal(err)
			}
			// On a working day, inside a period or exactly at its end.
			ns := clock(due)
			inside := false
			for _, s := range c.spans {
				inside = inside || (ns >= s.start && ns <= s.end)
			}
			if !c.IsWorkingDay(DateOf(due)) || !inside || due.Before(start) {
				t.Fatalf("DueWorkingHours(%v, %v) = %v outside office hours", start, d, due)
			}
			// The office time between the effective receipt and the due
			// instant is exactly d.
			o, _ := c.NextOpening(start)
			if got := officeTime(c, o, due); got != d {
				t.Fatalf("DueWorkingHours(%v, %v) = %v, which is %v of office time from %v", start, d, due, got, o)
			}
		})
	})
	t.Run("MoreDaysNeverDueEarlier", func(t *testing.T) {
		t.Parallel()
		rapid.Check(t, func(t *rapid.T) {
			c := genCalendar(t)
			start := genInstant(t, "start")
			n := rapid.IntRange(0, 60).Draw(t, "n")
			more := n + rapid.IntRange(1, 20).Draw(t, "more")
			for _, unit := range []Unit{WorkingDays, WorkingHours, CalendarDays} {
				a, err1 := c.Due(start, Term{n, unit})
				b, err2 := c.Due(start, Term{more, unit})
				if err1 != nil || err2 != nil {
					t.Fatal(err1, err2)
				}
				if b.Before(a) || (unit == WorkingDays && !b.After(a)) {
					t.Fatalf("%v: %d -> %v but %d -> %v", unit, n, a, more, b)
				}
			}
		})
	})
	t.Run("RestDayReceiptEqualsReceiptAtNextOpening", func(t *testing.T) {
		t.Parallel()
		rapid.Check(t, func(t *rapid.T) {
			c := genCalendar(t)
			start := genInstant(t, "start")
			for c.IsWorkingDay(DateOf(start)) { // move to a rest day, same clock
				start = start.AddDate(0, 0, 1)
			}
			o, err := c.NextOpening(start)
			if err != nil {
				t.Fatal(err)
			}
			n := rapid.IntRange(0, 60).Draw(t, "n")
			for _, unit := range []Unit{WorkingDays, WorkingHours, CalendarDays} {
				a, err1 := c.Due(start, Term{n, unit})
				b, err2 := c.Due(o, Term{n, unit})
				if err1 != nil || err2 != nil || !a.Equal(b) {
					t.Fatalf("%v %d: from %v -> %v, from opening %v -> %v (%v, %v)", unit, n, start, a, o, b, err1, err2)
				}
			}
		})
	})
	t.Run("ReceiptInOfficeHoursLandsOnNthWorkingDayAfter", func(t *testing.T) {
		t.Parallel()
		rapid.Check(t, func(t *rapid.T) {
			c := genCalendar(t)
			day := DateOf(genInstant(t, "day"))
			for !c.IsWorkingDay(day) {
				day = day.AddDays(1)
			}
			s := c.spans[rapid.IntRange(0, len(c.spans)-1).Draw(t, "period")]
			ns := rapid.Int64Range(s.start, s.end-1).Draw(t, "clock")
			start := day.At(0, 0).Add(time.Duration(ns))
			n := rapid.IntRange(0, 60).Draw(t, "n")
			due, err := c.DueWorkingDays(start, n)
			if err != nil {
				t.Fatal(err)
			}
			if want := nthWorkingDayAfter(c, day, n); DateOf(due) != want {
				t.Fatalf("DueWorkingDays(%v, %d) on %v, want %v", start, n, DateOf(due), want)
			}
		})
	})
	t.Run("ExplanationAccountsForEveryDay", func(t *testing.T) {
		t.Parallel()
		rapid.Check(t, func(t *rapid.T) {
			c := genCalendar(t)
			start := genInstant(t, "start")
			n := rapid.IntRange(0, 40).Draw(t, "n")
			ex, err := c.ExplainWorkingDays(start, n)
			if err != nil {
				t.Fatal(err)
			}
			due, _ := c.DueWorkingDays(start, n)
			if !ex.Due.Equal(due) || len(ex.Counted) != n || !ex.Received.Equal(start) {
				t.Fatalf("explanation %+v, due %v", ex, due)
			}
			o, _ := c.NextOpening(start)
			if !ex.Effective.Equal(o) || ex.ReceiptDay != DateOf(o) {
				t.Fatalf("effective %v, NextOpening %v", ex.Effective, o)
			}
			// Every day from the receipt's date to the due day is D, counted,
			// skipped, or a working day passed over by an after-hours receipt.
			counted, skipped := map[Date]bool{}, map[Date]bool{}
			for _, d := range ex.Counted {
				counted[d] = c.IsWorkingDay(d)
			}
			for _, s := range ex.Skipped {
				skipped[s.Date] = !c.IsWorkingDay(s.Date) && s.Name != "" && s.NameEn != ""
			}
			for d := DateOf(start); !d.After(DateOf(due)); d = d.AddDays(1) {
				ok := false
				switch {
				case d == ex.ReceiptDay:
					ok = !skipped[d] && c.IsWorkingDay(d)
				case d.Before(ex.ReceiptDay):
					ok = skipped[d] || c.IsWorkingDay(d)
				default:
					ok = counted[d] || skipped[d]
				}
				if !ok {
					t.Fatalf("%v unaccounted in %+v", d, ex)
				}
			}
		})
	})
}

// officeTime sums the office time between from and to minute by minute
// boundary, independently of DueWorkingHours.
func officeTime(c *Calendar, from, to time.Time) time.Duration {
	var total time.Duration
	for d := DateOf(from); !d.After(DateOf(to)); d = d.AddDays(1) {
		if !c.IsWorkingDay(d) {
			continue
		}
		midnight := d.At(0, 0)
		for _, s := range c.spans {
			a, b := midnight.Add(time.Duration(s.start)), midnight.Add(time.Duration(s.end))
			if a.Before(from) {
				a = from
			}
			if b.After(to) {
				b = to
			}
			if b.After(a) {
				total += b.Sub(a)
			}
		}
	}
	return total
}
