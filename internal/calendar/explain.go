package calendar

import (
	"fmt"
	"time"
)

// Reason says why a day was not counted as a working day.
type Reason uint8

// Reasons for skipping a day.
const (
	ReasonWeekend      Reason = iota + 1 // Saturday or Sunday
	ReasonHoliday                        // a statutory holiday
	ReasonCompensatory                   // a compensatory day off
	ReasonDayOff                         // a day off declared by the government
)

var reasonNames = [...]string{"", "weekend", "holiday", "compensatory", "declared_off"}

// String returns the stable code: "weekend", "holiday", "compensatory" or
// "declared_off".
func (r Reason) String() string {
	if r >= ReasonWeekend && r <= ReasonDayOff {
		return reasonNames[r]
	}
	return fmt.Sprintf("Reason(%d)", uint8(r))
}

// MarshalText implements encoding.TextMarshaler.
func (r Reason) MarshalText() ([]byte, error) {
	if r < ReasonWeekend || r > ReasonDayOff {
		return nil, fmt.Errorf("calendar: invalid reason %d", uint8(r))
	}
	return []byte(r.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler, so a stored
// explanation reads back.
func (r *Reason) UnmarshalText(b []byte) error {
	for i := ReasonWeekend; i <= ReasonDayOff; i++ {
		if reasonNames[i] == string(b) {
			*r = i
			return nil
		}
	}
	return fmt.Errorf("calendar: unknown reason %q", b)
}

// Skipped is a day that was not counted, with why.
type Skipped struct {
	Date   Date
	Reason Reason
	Name   string // Vietnamese: the holiday's name, or "Thứ Bảy"/"Chủ nhật"
	NameEn string
}

// Explanation shows how a working-day due instant was reached, so that a
// dossier page can answer "why is this due on that day?".
type Explanation struct {
	N         int
	Received  time.Time // the receipt as given, in UTC+7
	Effective time.Time // the effective receipt: Received, or the next opening if the office was closed
	// ReceiptDay is D, the day of the effective receipt; counting starts
	// the day after.
	ReceiptDay Date
	Counted    []Date    // the N working days after D; the last is the due day
	Skipped    []Skipped // the days from Received's date to the due day that are not working days
	Due        time.Time
}

// OutsideHours reports whether the receipt was made while the office was
// closed, so that it counts from the next opening.
func (e Explanation) OutsideHours() bool { return !e.Received.Equal(e.Effective) }

// ExplainWorkingDays computes the same due instant as DueWorkingDays and
// shows how: the effective receipt, the counted days and the skipped days
// with the reason each was skipped.
func (c *Calendar) ExplainWorkingDays(start time.Time, n int) (Explanation, error) {
	if err := ValidateN(n); err != nil {
		return Explanation{}, err
	}
	cu, ns, err := c.effective(start)
	if err != nil {
		return Explanation{}, err
	}
	ex := Explanation{
		N:          n,
		Received:   time.Unix(start.Unix(), int64(start.Nanosecond())).In(ict),
		Effective:  c.instant(cu.dn, ns),
		ReceiptDay: fromDays(cu.dn),
		Counted:    make([]Date, 0, n),
	}
	for dn := dayNumber(start); dn < cu.dn; dn++ {
		ex.Skipped = c.skip(ex.Skipped, dn)
	}
	for len(ex.Counted) < n {
		if !cu.next() {
			return Explanation{}, fmt.Errorf("%w: %d working days from %v", ErrOutOfRange, n, start)
		}
		if cu.working() {
			ex.Counted = append(ex.Counted, fromDays(cu.dn))
		} else {
			ex.Skipped = c.skip(ex.Skipped, cu.dn)
		}
	}
	ex.Due = c.instant(cu.dn, c.closeNs)
	return ex, nil
}

// skip appends day dn if it is not a working day.
func (c *Calendar) skip(s []Skipped, dn int) []Skipped {
	d := fromDays(dn)
	if c.IsWorkingDay(d) {
		return s // a working day passed over because the receipt came after hours
	}
	if day, ok := c.Day(d); ok {
		r := ReasonHoliday
		switch day.Kind {
		case KindCompensatory:
			r = ReasonCompensatory
		case KindDayOff:
			r = ReasonDayOff
		}
		return append(s, Skipped{Date: d, Reason: r, Name: day.Name, NameEn: day.NameEn})
	}
	if d.Weekday() == time.Saturday {
		return append(s, Skipped{Date: d, Reason: ReasonWeekend, Name: "Thứ Bảy", NameEn: "Saturday"})
	}
	return append(s, Skipped{Date: d, Reason: ReasonWeekend, Name: "Chủ nhật", NameEn: "Sunday"})
}
