package calendar

import (
	"errors"
	"fmt"
	"time"
)

// MaxN is the largest period the Due functions accept, in days or hours:
// about ten years of calendar days, far beyond any procedure.
const MaxN = 3660

// Errors of the Due functions. The API maps them to an "invalid" error.
var (
	ErrNegative   = errors.New("calendar: negative period")
	ErrTooLong    = errors.New("calendar: period too long")
	ErrOutOfRange = errors.New("calendar: date outside the supported years")
)

// ValidateN checks a period of n days or hours: 0 <= n <= MaxN.
func ValidateN(n int) error {
	switch {
	case n < 0:
		return fmt.Errorf("%w: %d", ErrNegative, n)
	case n > MaxN:
		return fmt.Errorf("%w: %d > %d", ErrTooLong, n, MaxN)
	}
	return nil
}

// ValidateDuration checks a period of working time: 0 <= d <= MaxN hours.
func ValidateDuration(d time.Duration) error {
	switch {
	case d < 0:
		return fmt.Errorf("%w: %v", ErrNegative, d)
	case d > MaxN*time.Hour:
		return fmt.Errorf("%w: %v > %dh", ErrTooLong, d, MaxN)
	}
	return nil
}

// Unit is the unit of a processing time.
type Unit uint8

// Units of processing times, as procedures state them.
const (
	WorkingDays  Unit = iota + 1 // ngày làm việc
	WorkingHours                 // giờ làm việc
	CalendarDays                 // ngày (calendar days)
)

var unitNames = [...]string{"", "working_days", "working_hours", "calendar_days"}

// String returns the stable code: "working_days", "working_hours" or
// "calendar_days".
func (u Unit) String() string {
	if u >= WorkingDays && u <= CalendarDays {
		return unitNames[u]
	}
	return fmt.Sprintf("Unit(%d)", uint8(u))
}

// ParseUnit parses the code returned by Unit.String.
func ParseUnit(s string) (Unit, error) {
	for i, n := range unitNames {
		if i > 0 && n == s {
			return Unit(i), nil
		}
	}
	return 0, fmt.Errorf("calendar: unknown unit %q", s)
}

// MarshalText implements encoding.TextMarshaler.
func (u Unit) MarshalText() ([]byte, error) {
	if u < WorkingDays || u > CalendarDays {
		return nil, fmt.Errorf("calendar: invalid unit %d", uint8(u))
	}
	return []byte(u.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (u *Unit) UnmarshalText(b []byte) error {
	p, err := ParseUnit(string(b))
	if err == nil {
		*u = p
	}
	return err
}

// Term is a processing time: N working days, working hours or calendar
// days.
type Term struct {
	N    int
	Unit Unit
}

// Validate checks the unit and N (see ValidateN).
func (t Term) Validate() error {
	if t.Unit < WorkingDays || t.Unit > CalendarDays {
		return fmt.Errorf("calendar: invalid unit %d", uint8(t.Unit))
	}
	return ValidateN(t.N)
}

// Due returns the due instant of term t for a receipt at start, by
// DueWorkingDays, DueWorkingHours or DueCalendarDays.
func (c *Calendar) Due(start time.Time, t Term) (time.Time, error) {
	switch t.Unit {
	case WorkingDays:
		return c.DueWorkingDays(start, t.N)
	case WorkingHours:
		if err := ValidateN(t.N); err != nil {
			return time.Time{}, err
		}
		return c.DueWorkingHours(start, time.Duration(t.N)*time.Hour)
	case CalendarDays:
		return c.DueCalendarDays(start, t.N)
	}
	return time.Time{}, t.Validate()
}

// instant returns the instant ns nanoseconds after midnight starting day
// dn in UTC+7.
func (c *Calendar) instant(dn int, ns int64) time.Time {
	sec := int64(dn)*secondsDay - ictOffset + ns/int64(time.Second)
	return time.Unix(sec, ns%int64(time.Second)).In(ict)
}

// effective returns the effective receipt for an event at t: a cursor on
// the receipt day D and the time of day, t itself when the office is open
// at t, else the next opening.
func (c *Calendar) effective(t time.Time) (cursor, int64, error) {
	secs := t.Unix() + ictOffset
	d64 := floorDiv64(secs, secondsDay)
	if d64 < int64(minDay) || d64 > int64(maxDay) {
		return cursor{}, 0, fmt.Errorf("%w: %v", ErrOutOfRange, t)
	}
	ns := (secs-d64*secondsDay)*int64(time.Second) + int64(t.Nanosecond())
	cu := c.at(int(d64))
	if cu.working() {
		for _, s := range c.spans {
			if ns < s.end {
				return cu, max(ns, s.start), nil
			}
		}
	}
	if !cu.nextWorking() {
		return cursor{}, 0, fmt.Errorf("%w: %v", ErrOutOfRange, t)
	}
	return cu, c.spans[0].start, nil
}

// NextOpening returns the effective receipt instant for an event at t: t
// itself if the office is open at t, else the start of the next period of
// office hours on a working day. Office hours are half-open: at 11:30 and
// at 17:00 (by default) the office is closed.
func (c *Calendar) NextOpening(t time.Time) (time.Time, error) {
	cu, ns, err := c.effective(t)
	if err != nil {
		return time.Time{}, err
	}
	return c.instant(cu.dn, ns), nil
}

// DueWorkingDays returns the due instant of n working days from a receipt
// at start: the close of office hours on the n-th working day after the
// receipt day D, the day of the effective receipt (NextOpening). For n = 0
// it is the close of office hours on D itself.
func (c *Calendar) DueWorkingDays(start time.Time, n int) (time.Time, error) {
	if err := ValidateN(n); err != nil {
		return time.Time{}, err
	}
	cu, _, err := c.effective(start)
	if err != nil {
		return time.Time{}, err
	}
	for range n {
		if !cu.nextWorking() {
			return time.Time{}, fmt.Errorf("%w: %d working days from %v", ErrOutOfRange, n, start)
		}
	}
	return c.instant(cu.dn, c.closeNs), nil
}

// DueWorkingHours returns the due instant of d of working time from a
// receipt at start: d is counted through office hours only, from the
// effective receipt (NextOpening). A period that runs out exactly at the
// end of a period of office hours is due at that end (17:00, not the next
// day's 07:30). For d = 0 it is the effective receipt.
func (c *Calendar) DueWorkingHours(start time.Time, d time.Duration) (time.Time, error) {
	if err := ValidateDuration(d); err != nil {
		return time.Time{}, err
	}
	cu, ns, err := c.effective(start)
	if err != nil {
		return time.Time{}, err
	}
	rem := int64(d)
	for {
		for _, s := range c.spans {
			if ns >= s.end {
				continue
			}
			ns = max(ns, s.start)
			avail := s.end - ns
			if rem <= avail {
				return c.instant(cu.dn, ns+rem), nil
			}
			rem -= avail
			ns = s.end
		}
		if !cu.nextWorking() {
			return time.Time{}, fmt.Errorf("%w: %v of working time from %v", ErrOutOfRange, d, start)
		}
		ns = 0
	}
}

// DueCalendarDays returns the due instant of n calendar days from a
// receipt at start. The period starts the day after the receipt day D, the
// day of the effective receipt (NextOpening), so that egov's one rule
// holds for every unit; it ends at the close of office hours on D+n, or on
// the next working day if D+n is not one. For n = 0 it is the close of
// office hours on D.
func (c *Calendar) DueCalendarDays(start time.Time, n int) (time.Time, error) {
	if err := ValidateN(n); err != nil {
		return time.Time{}, err
	}
	cu, _, err := c.effective(start)
	if err != nil {
		return time.Time{}, err
	}
	if n > 0 {
		last := cu.dn + n
		if last > maxDay {
			return time.Time{}, fmt.Errorf("%w: %d days from %v", ErrOutOfRange, n, start)
		}
		cu = c.at(last)
		if !cu.working() && !cu.nextWorking() {
			return time.Time{}, fmt.Errorf("%w: %d days from %v", ErrOutOfRange, n, start)
		}
	}
	return c.instant(cu.dn, c.closeNs), nil
}
