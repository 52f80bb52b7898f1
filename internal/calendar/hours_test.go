package calendar

import (
	"errors"
	"testing"
)

func TestOfficeHours(t *testing.T) {
	t.Parallel()
	t.Run("DefaultIsMorningAndAfternoon", func(t *testing.T) {
		t.Parallel()
		h := DefaultOfficeHours()
		if h.String() != "07:30-11:30,13:30-17:00" || h.Validate() != nil {
			t.Errorf("default %v", h)
		}
	})
	t.Run("ParsesWhatStringWrites", func(t *testing.T) {
		t.Parallel()
		for _, s := range []string{"07:30-11:30,13:30-17:00", "00:00-23:59", "08:00-12:00", "07:00-11:00,11:00-12:00"} {
			h, err := ParseOfficeHours(s)
			if err != nil || h.String() != s {
				t.Errorf("ParseOfficeHours(%q) = %v, %v", s, h, err)
			}
		}
		h, err := ParseOfficeHours(" 07:30 - 11:30 , 13:30-17:00 ")
		if err != nil || h.String() != "07:30-11:30,13:30-17:00" {
			t.Errorf("with spaces: %v, %v", h, err)
		}
	})
	t.Run("RejectsBadHours", func(t *testing.T) {
		t.Parallel()
		for _, s := range []string{"", "07:30", "07:30-11:30,", "7:30-11:30", "07:30-07:30", "11:30-07:30",
			"07:30-11:30,11:00-17:00", "13:30-17:00,07:30-11:30", "07:60-11:00", "24:30-25:00", "23:00-24:00", "00:00-24:00", "ab:cd-ef:gh"} {
			if h, err := ParseOfficeHours(s); !errors.Is(err, ErrInvalidOfficeHours) {
				t.Errorf("ParseOfficeHours(%q) = %v, %v", s, h, err)
			}
		}
		for _, h := range []OfficeHours{{}, {Periods: []Period{{-10, 60}}}, {Periods: []Period{{60, 1440}}}} {
			if err := h.Validate(); !errors.Is(err, ErrInvalidOfficeHours) {
				t.Errorf("Validate(%v) = %v", h.Periods, err)
			}
			if _, err := New(h, nil); err == nil {
				t.Errorf("New accepted %v", h.Periods)
			}
		}
	})
	t.Run("CalendarKeepsItsOwnCopy", func(t *testing.T) {
		t.Parallel()
		h := DefaultOfficeHours()
		c, err := New(h, nil)
		if err != nil {
			t.Fatal(err)
		}
		h.Periods[0].Start = 0
		c.OfficeHours().Periods[0].Start = 0
		if c.OfficeHours().String() != "07:30-11:30,13:30-17:00" {
			t.Error("office hours shared with the caller")
		}
	})
}

func FuzzParseOfficeHours(f *testing.F) {
	for _, s := range []string{"07:30-11:30,13:30-17:00", "00:00-23:59", "", ",", "07:30-11:30,11:00-12:00", "24:00-24:00", "99:99-00:00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h, err := ParseOfficeHours(s)
		if err != nil {
			if !errors.Is(err, ErrInvalidOfficeHours) {
				t.Fatalf("error %v does not wrap ErrInvalidOfficeHours", err)
			}
			return
		}
		if err := h.Validate(); err != nil {
			t.Fatalf("parsed %q into invalid %v: %v", s, h, err)
		}
		again, err := ParseOfficeHours(h.String())
		if err != nil || again.String() != h.String() {
			t.Fatalf("round trip %q -> %q -> %v, %v", s, h.String(), again, err)
		}
	})
}
