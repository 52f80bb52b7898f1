package calendar

import (
	"encoding/json"
	"errors"
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	t.Parallel()
	t.Run("AcceptsValidDates", func(t *testing.T) {
		t.Parallel()
		for _, s := range []string{"2025-01-29", "2024-02-29", "2000-02-29", "0001-01-01", "9999-12-31"} {
			d, err := ParseDate(s)
			if err != nil {
				t.Errorf("ParseDate(%q): %v", s, err)
				continue
			}
			if d.String() != s {
				t.Errorf("ParseDate(%q).String() = %q", s, d.String())
			}
		}
	})
	t.Run("RejectsMalformedOrNonexistentDates", func(t *testing.T) {
		t.Parallel()
		for _, s := range []string{"", "2025-1-29", "2025/01/29", "25-01-29", "2025-01-29T00:00", "2025-13-01",
			"2025-00-10", "2025-02-29", "1900-02-29", "2025-04-31", "0000-01-01", "+025-01-01", "2025-01-3a", "２025-01-01"} {
			if d, err := ParseDate(s); err == nil || !errors.Is(err, ErrInvalidDate) {
				t.Errorf("ParseDate(%q) = %v, %v; want ErrInvalidDate", s, d, err)
			}
		}
	})
}

func TestDate(t *testing.T) {
	t.Parallel()
	t.Run("AgreesWithTimePackageAcrossFourCenturies", func(t *testing.T) {
		t.Parallel()
		tm := time.Date(1800, 1, 1, 12, 0, 0, 0, time.UTC)
		d := NewDate(1800, time.January, 1)
		for i := 0; i < 146097+400; i++ {
			if d.Year != tm.Year() || d.Month != tm.Month() || d.Day != tm.Day() || d.Weekday() != tm.Weekday() {
				t.Fatalf("day %d: Date %v (%v), time %v (%v)", i, d, d.Weekday(), tm.Format(time.DateOnly), tm.Weekday())
			}
			if !d.IsValid() {
				t.Fatalf("%v not valid", d)
			}
			d, tm = d.AddDays(1), tm.AddDate(0, 0, 1)
		}
	})
	t.Run("AddsAndSubtractsDays", func(t *testing.T) {
		t.Parallel()
		d := date(t, "2024-12-31")
		if got := d.AddDays(60); got != date(t, "2025-03-01") {
			t.Errorf("AddDays(60) = %v", got)
		}
		if got := d.AddDays(-366); got != date(t, "2023-12-31") {
			t.Errorf("AddDays(-366) = %v", got)
		}
		if got := date(t, "2025-03-01").Sub(d); got != 60 {
			t.Errorf("Sub = %d", got)
		}
	})
	t.Run("Compares", func(t *testing.T) {
		t.Parallel()
		a, b := date(t, "2025-01-31"), date(t, "2025-02-01")
		if !a.Before(b) || !b.After(a) || a.Compare(b) != -1 || b.Compare(a) != 1 || a.Compare(a) != 0 || a.After(a) {
			t.Error("comparison wrong")
		}
		if date(t, "2024-12-31").Compare(date(t, "2025-01-01")) != -1 {
			t.Error("year order wrong")
		}
	})
	t.Run("DateOfUsesVietnamWhateverTheOffset", func(t *testing.T) {
		t.Parallel()
		// 17:30 UTC on 28 Jan is 00:30 on 29 Jan in Vietnam.
		utc := time.Date(2025, 1, 28, 17, 30, 0, 0, time.UTC)
		ny := utc.In(time.FixedZone("EST", -5*3600))
		for _, tm := range []time.Time{utc, ny} {
			if got := DateOf(tm); got != date(t, "2025-01-29") {
				t.Errorf("DateOf(%v) = %v", tm, got)
			}
		}
		if got := DateOf(time.Date(1969, 12, 31, 16, 59, 59, 0, time.UTC)); got != date(t, "1969-12-31") {
			t.Errorf("DateOf before 1970 = %v", got)
		}
	})
	t.Run("AtIsInVietnam", func(t *testing.T) {
		t.Parallel()
		tm := date(t, "2025-01-29").At(7, 30)
		if _, off := tm.Zone(); off != 7*3600 {
			t.Errorf("offset %d", off)
		}
		if tm.UTC() != time.Date(2025, 1, 29, 0, 30, 0, 0, time.UTC) {
			t.Errorf("At = %v", tm.UTC())
		}
	})
	t.Run("RoundTripsThroughJSON", func(t *testing.T) {
		t.Parallel()
		in := struct{ D Date }{date(t, "2026-02-17")}
		b, err := json.Marshal(in)
		if err != nil || string(b) != `{"D":"2026-02-17"}` {
			t.Fatalf("Marshal = %s, %v", b, err)
		}
		var out struct{ D Date }
		if err := json.Unmarshal(b, &out); err != nil || out != in {
			t.Fatalf("Unmarshal = %v, %v", out, err)
		}
		if _, err := json.Marshal(struct{ D Date }{}); err == nil {
			t.Error("zero Date marshalled")
		}
		if err := json.Unmarshal([]byte(`{"D":"2026-02-30"}`), &out); err == nil {
			t.Error("invalid date unmarshalled")
		}
	})
	t.Run("ZeroIsInvalid", func(t *testing.T) {
		t.Parallel()
		if !(Date{}).IsZero() || (Date{}).IsValid() {
			t.Error("zero Date")
		}
	})
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2025-01-29", "2024-02-29", "2025-02-29", "0000-00-00", "9999-12-31", "", "2025-1-1", "abcd-ef-gh", "2025-01-29\x00", "-001-01-01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err != nil {
			if !errors.Is(err, ErrInvalidDate) {
				t.Fatalf("error %v does not wrap ErrInvalidDate", err)
			}
			return
		}
		if !d.IsValid() {
			t.Fatalf("ParseDate(%q) = %v, not valid", s, d)
		}
		if d.String() != s {
			t.Fatalf("ParseDate(%q).String() = %q", s, d.String())
		}
		tm, terr := time.Parse(time.DateOnly, s)
		if terr != nil || tm.Year() != d.Year || tm.Month() != d.Month || tm.Day() != d.Day {
			t.Fatalf("time.Parse(%q) = %v, %v; ParseDate = %v", s, tm, terr, d)
		}
		if back := d.AddDays(1).AddDays(-1); back != d {
			t.Fatalf("AddDays round trip %v -> %v", d, back)
		}
	})
}
