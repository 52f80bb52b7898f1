package calendar

import (
	"errors"
	"fmt"
	"strings"
)

// Period is a span of office hours in minutes since local midnight,
// half-open: open at Start, closed from End. End is at most 23:59, so that
// the close, and every due instant at it, falls on the day it closes
// (a close at 24:00 would be shown as 00:00 of the next day).
type Period struct {
	Start int
	End   int
}

// String returns the period as "07:30-11:30".
func (p Period) String() string {
	return fmt.Sprintf("%02d:%02d-%02d:%02d", p.Start/60, p.Start%60, p.End/60, p.End%60)
}

// OfficeHours are the periods in which an office receives and works, the
// same on every working day (declared working Saturdays included). The
// last period's End is the close of office hours, the time of day of
// every working-day and calendar-day due instant.
type OfficeHours struct {
	Periods []Period
}

const maxMinute = 24*60 - 1 // 23:59

// DefaultOfficeHours returns 07:30-11:30 and 13:30-17:00.
func DefaultOfficeHours() OfficeHours {
	return OfficeHours{Periods: []Period{{7*60 + 30, 11*60 + 30}, {13*60 + 30, 17 * 60}}}
}

// ErrInvalidOfficeHours reports office hours that are empty, unordered,
// overlapping or outside the day.
var ErrInvalidOfficeHours = errors.New("calendar: invalid office hours")

// Validate checks that there is at least one period, that each lies within
// the day and is not empty, and that they are in order without overlap.
func (h OfficeHours) Validate() error {
	if len(h.Periods) == 0 {
		return fmt.Errorf("%w: no period", ErrInvalidOfficeHours)
	}
	prevEnd := 0
	for i, p := range h.Periods {
		switch {
		case p.Start < 0 || p.End > maxMinute:
			return fmt.Errorf("%w: period %d (%v) is outside the day", ErrInvalidOfficeHours, i, p)
		case p.Start >= p.End:
			return fmt.Errorf("%w: period %d (%v) does not end after it starts", ErrInvalidOfficeHours, i, p)
		case i > 0 && p.Start < prevEnd:
			return fmt.Errorf("%w: period %d (%v) starts before the previous one ends", ErrInvalidOfficeHours, i, p)
		}
		prevEnd = p.End
	}
	return nil
}

// String returns the office hours as "07:30-11:30,13:30-17:00".
func (h OfficeHours) String() string {
	parts := make([]string, len(h.Periods))
	for i, p := range h.Periods {
		parts[i] = p.String()
	}
	return strings.Join(parts, ",")
}

// ParseOfficeHours parses and validates office hours written as by String:
// comma-separated HH:MM-HH:MM periods, spaces allowed around them.
func ParseOfficeHours(s string) (OfficeHours, error) {
	var h OfficeHours
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		a, b, ok := strings.Cut(part, "-")
		if !ok {
			return OfficeHours{}, fmt.Errorf("%w: %q: want HH:MM-HH:MM", ErrInvalidOfficeHours, part)
		}
		start, err1 := parseClock(strings.TrimSpace(a))
		end, err2 := parseClock(strings.TrimSpace(b))
		if err := errors.Join(err1, err2); err != nil {
			return OfficeHours{}, err
		}
		h.Periods = append(h.Periods, Period{start, end})
	}
	if err := h.Validate(); err != nil {
		return OfficeHours{}, err
	}
	return h, nil
}

func parseClock(s string) (int, error) {
	if len(s) != 5 || s[2] != ':' {
		return 0, fmt.Errorf("%w: %q: want HH:MM", ErrInvalidOfficeHours, s)
	}
	hh, ok1 := digits(s[:2])
	mm, ok2 := digits(s[3:])
	if !ok1 || !ok2 || mm > 59 || hh > 23 {
		return 0, fmt.Errorf("%w: %q: want HH:MM", ErrInvalidOfficeHours, s)
	}
	return hh*60 + mm, nil
}

// MarshalText implements encoding.TextMarshaler.
func (h OfficeHours) MarshalText() ([]byte, error) {
	if err := h.Validate(); err != nil {
		return nil, err
	}
	return []byte(h.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (h *OfficeHours) UnmarshalText(b []byte) error {
	p, err := ParseOfficeHours(string(b))
	if err == nil {
		*h = p
	}
	return err
}
