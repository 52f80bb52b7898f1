package calendar

import (
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Calendar answers which days are worked and when periods fall due, for
// one set of office hours and one list of declarations. It is immutable
// and safe for concurrent use; each year's holidays are computed on first
// use and cached. When the declarations or office hours change, build a
// new Calendar and swap it in.
type Calendar struct {
	hours   OfficeHours
	spans   []span // office hours in nanoseconds since local midnight
	closeNs int64
	decls   []Declaration
	byYear  map[int][]Declaration

	mu    sync.Mutex // serialises building a year
	years [yearSpan]atomic.Pointer[yearData]
}

type span struct{ start, end int64 }

var (
	minDay     = Date{MinYear, time.January, 1}.days()
	maxDay     = Date{MaxYear, time.December, 31}.days()
	yearStarts = func() (s [yearSpan + 1]int) {
		for i := range s {
			s[i] = Date{MinYear + i, time.January, 1}.days()
		}
		return s
	}()
)

// New returns a Calendar for the office hours and the government's
// declarations (see Declaration). It validates both.
func New(hours OfficeHours, decls []Declaration) (*Calendar, error) {
	if err := hours.Validate(); err != nil {
		return nil, err
	}
	sorted, byYear, err := prepareDeclarations(decls)
	if err != nil {
		return nil, err
	}
	c := &Calendar{
		hours:  OfficeHours{Periods: slices.Clone(hours.Periods)},
		decls:  sorted,
		byYear: byYear,
	}
	for _, p := range hours.Periods {
		c.spans = append(c.spans, span{int64(p.Start) * int64(time.Minute), int64(p.End) * int64(time.Minute)})
	}
	c.closeNs = c.spans[len(c.spans)-1].end
	return c, nil
}

// Default returns a Calendar with DefaultOfficeHours and no declarations:
// the statutory holidays by their default rules only.
func Default() *Calendar {
	c, err := New(DefaultOfficeHours(), nil)
	if err != nil {
		panic(err) // the defaults are valid
	}
	return c
}

// OfficeHours returns the calendar's office hours.
func (c *Calendar) OfficeHours() OfficeHours {
	return OfficeHours{Periods: slices.Clone(c.hours.Periods)}
}

// Declarations returns the calendar's declarations, normalised (default
// names filled in, Vietnamese in NFC) and sorted by date.
func (c *Calendar) Declarations() []Declaration { return slices.Clone(c.decls) }

// IsWorkingDay reports whether d is a working day. Dates outside
// MinYear-MaxYear follow the ordinary week (Monday to Friday).
func (c *Calendar) IsWorkingDay(d Date) bool {
	dn := d.days()
	if dn < minDay || dn > maxDay {
		return !isWeekend(weekday(dn))
	}
	cu := c.at(dn)
	return cu.working()
}

// Day returns the special day on d (holiday, compensatory day, declared
// day off or declared working day), if d is one.
func (c *Calendar) Day(d Date) (Day, bool) {
	dn := d.days()
	if !d.IsValid() || dn < minDay || dn > maxDay {
		return Day{}, false
	}
	cu := c.at(dn)
	return cu.yd.special(cu.doy)
}

// Year returns every special day of year y, sorted by date: statutory
// holidays (including those on a weekend), compensatory days, declared
// days off and declared working days. It returns nil outside
// MinYear-MaxYear.
func (c *Calendar) Year(y int) []Day {
	if y < MinYear || y > MaxYear {
		return nil
	}
	return slices.Clone(c.year(y).days)
}

func (c *Calendar) year(y int) *yearData {
	if yd := c.years[y-MinYear].Load(); yd != nil {
		return yd
	}
	return c.buildYear(y)
}

func (c *Calendar) buildYear(y int) *yearData {
	c.mu.Lock()
	defer c.mu.Unlock()
	slot := &c.years[y-MinYear]
	if yd := slot.Load(); yd != nil {
		return yd
	}
	yd := buildYear(y, c.byYear[y])
	slot.Store(yd)
	return yd
}

// cursor walks days; dn must stay within minDay-maxDay.
type cursor struct {
	c    *Calendar
	yd   *yearData
	year int
	dn   int
	doy  int
}

func (c *Calendar) at(dn int) cursor {
	i := (dn - minDay) * 400 / 146097 // close to the year index, maybe one off
	i = min(max(i, 0), yearSpan-1)
	for dn < yearStarts[i] {
		i--
	}
	for dn >= yearStarts[i+1] {
		i++
	}
	return cursor{c: c, yd: c.year(MinYear + i), year: MinYear + i, dn: dn, doy: dn - yearStarts[i]}
}

func (cu *cursor) working() bool { return cu.yd.working(cu.doy) }

// next moves to the following day; false past MaxYear.
func (cu *cursor) next() bool {
	if cu.dn >= maxDay {
		return false
	}
	cu.dn++
	cu.doy++
	if cu.doy == cu.yd.n {
		cu.year++
		cu.yd = cu.c.year(cu.year)
		cu.doy = 0
	}
	return true
}

// nextWorking moves to the next working day after the current one.
func (cu *cursor) nextWorking() bool {
	for cu.next() {
		if cu.working() {
			return true
		}
	}
	return false
}
