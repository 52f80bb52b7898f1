package calendar

import (
	"testing"
	"time"
)

// The due computation sits on the API's hot path: it must not allocate.
func BenchmarkDueWorkingDays(b *testing.B) {
	c := decided2025(b)
	start := at(b, "2025-01-24 16:59") // across Tết
	if _, err := c.DueWorkingDays(start, 15); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		_, _ = c.DueWorkingDays(start, 15)
	}
}

func BenchmarkDueWorkingHours(b *testing.B) {
	c := decided2025(b)
	start := at(b, "2025-04-25 12:00")
	b.ReportAllocs()
	for b.Loop() {
		_, _ = c.DueWorkingHours(start, 24*time.Hour)
	}
}

func BenchmarkNextOpening(b *testing.B) {
	c := Default()
	start := at(b, "2026-02-13 17:30")
	b.ReportAllocs()
	for b.Loop() {
		_, _ = c.NextOpening(start)
	}
}

// BenchmarkBuildYear is the one-off cost of a year's first use.
func BenchmarkBuildYear(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		buildYear(2027, nil)
	}
}

// Not parallel: testing.AllocsPerRun refuses to run in a parallel test.
func TestDueDoesNotAllocate(t *testing.T) {
	c := decided2025(t)
	start := at(t, "2025-01-24 16:59")
	_, _ = c.DueWorkingDays(start, 15)
	allocs := testing.AllocsPerRun(100, func() {
		_, _ = c.DueWorkingDays(start, 15)
		_, _ = c.DueWorkingHours(start, 30*time.Hour)
		_, _ = c.DueCalendarDays(start, 30)
		_, _ = c.NextOpening(start)
		_ = c.IsWorkingDay(Date{2025, 2, 3})
	})
	if allocs != 0 {
		t.Errorf("%v allocations per run", allocs)
	}
}
