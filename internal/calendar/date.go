package calendar

import (
	"cmp"
	"errors"
	"fmt"
	"time"
)

// ict is Asia/Ho_Chi_Minh. Vietnam has kept UTC+7 without daylight saving
// since 1975, so a fixed zone is exact for every instant egov handles and
// does not depend on the machine's tzdata.
var ict = time.FixedZone("ICT", 7*60*60)

const (
	ictOffset  = 7 * 60 * 60 // seconds east of UTC
	secondsDay = 24 * 60 * 60
	unixToJD   = 2440588 // Julian day number of 1970-01-01
)

// Location returns the zone in which egov shows instants and counts days:
// Asia/Ho_Chi_Minh as a fixed UTC+7 offset named "ICT".
func Location() *time.Location { return ict }

// Date is a civil date in the proleptic Gregorian calendar, with no time
// of day and no zone. Compare dates with == or Compare.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// NewDate is a shorthand for Date{year, month, day}.
func NewDate(year int, month time.Month, day int) Date {
	return Date{Year: year, Month: month, Day: day}
}

// DateOf returns the date of t in Vietnam (UTC+7), whatever t's location.
func DateOf(t time.Time) Date {
	return fromDays(dayNumber(t))
}

// ErrInvalidDate reports a string that is not a valid YYYY-MM-DD date.
var ErrInvalidDate = errors.New("calendar: invalid date")

// ParseDate parses a date in the form YYYY-MM-DD (ISO 8601 calendar date,
// four-digit year 0001-9999) and rejects dates that do not exist.
func ParseDate(s string) (Date, error) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return Date{}, fmt.Errorf("%w %q: want YYYY-MM-DD", ErrInvalidDate, s)
	}
	y, ok1 := digits(s[0:4])
	m, ok2 := digits(s[5:7])
	d, ok3 := digits(s[8:10])
	if !ok1 || !ok2 || !ok3 {
		return Date{}, fmt.Errorf("%w %q: want YYYY-MM-DD", ErrInvalidDate, s)
	}
	date := Date{Year: y, Month: time.Month(m), Day: d}
	if y == 0 || !date.IsValid() {
		return Date{}, fmt.Errorf("%w %q: no such day", ErrInvalidDate, s)
	}
	return date, nil
}

func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// IsValid reports whether d names a day that exists.
func (d Date) IsValid() bool {
	return d.Month >= time.January && d.Month <= time.December &&
		d.Day >= 1 && d.Day <= daysIn(d.Year, d.Month)
}

// IsZero reports whether d is the zero Date (which is not a valid date).
func (d Date) IsZero() bool { return d == Date{} }

// AddDays returns the date n days after d (before d if n is negative).
func (d Date) AddDays(n int) Date { return fromDays(d.days() + n) }

// Sub returns the number of days from e to d (d - e).
func (d Date) Sub(e Date) int { return d.days() - e.days() }

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday { return weekday(d.days()) }

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int {
	switch {
	case d.Year != e.Year:
		return cmp.Compare(d.Year, e.Year)
	case d.Month != e.Month:
		return cmp.Compare(d.Month, e.Month)
	default:
		return cmp.Compare(d.Day, e.Day)
	}
}

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// After reports whether d is after e.
func (d Date) After(e Date) bool { return d.Compare(e) > 0 }

// At returns the instant at hour:minute of d in Vietnam (UTC+7).
func (d Date) At(hour, minute int) time.Time {
	return time.Date(d.Year, d.Month, d.Day, hour, minute, 0, 0, ict)
}

// String returns d as YYYY-MM-DD.
func (d Date) String() string {
	if d.Year < 0 || d.Year > 9999 || d.Month < 0 || d.Month > 99 || d.Day < 0 || d.Day > 99 {
		return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
	}
	var b [10]byte
	y, m := d.Year, int(d.Month)
	b[0], b[1], b[2], b[3] = byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10)
	b[4], b[7] = '-', '-'
	b[5], b[6] = byte('0'+m/10), byte('0'+m%10)
	b[8], b[9] = byte('0'+d.Day/10), byte('0'+d.Day%10)
	return string(b[:])
}

// MarshalText implements encoding.TextMarshaler (YYYY-MM-DD).
func (d Date) MarshalText() ([]byte, error) {
	if !d.IsValid() {
		return nil, fmt.Errorf("%w: %v", ErrInvalidDate, d)
	}
	return []byte(d.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler (YYYY-MM-DD).
func (d *Date) UnmarshalText(b []byte) error {
	p, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = p
	return nil
}

func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

func daysIn(y int, m time.Month) int {
	switch m {
	case time.February:
		if isLeap(y) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

func floorDiv(a, b int) int {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// days returns the number of days from 1970-01-01 to d (Howard Hinnant's
// days_from_civil).
func (d Date) days() int {
	y, m := d.Year, int(d.Month)
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d.Day - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// fromDays is the inverse of Date.days (civil_from_days).
func fromDays(z int) Date {
	z += 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	day := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if mp >= 10 {
		m = mp - 9
	}
	if m <= 2 {
		y++
	}
	return Date{Year: y, Month: time.Month(m), Day: day}
}

func weekday(dn int) time.Weekday {
	return time.Weekday((dn%7 + 11) % 7) // 1970-01-01 was a Thursday
}

// dayNumber returns the day (days since 1970-01-01) of t in UTC+7.
func dayNumber(t time.Time) int {
	return int(floorDiv64(t.Unix()+ictOffset, secondsDay))
}

func floorDiv64(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}
