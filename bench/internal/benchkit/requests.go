package benchkit

import (
	"fmt"
	"net/url"
	"time"
)

// DuePaths returns n different /api/v1/calendar/due requests: receipt
// instants spread over 2025-2027 at every time of day (in and out of
// office hours, across Tết), with 1 to 30 working days, so that no single
// cached answer serves them.
func DuePaths(n int) []string {
	loc := time.FixedZone("ICT", 7*3600)
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, loc)
	out := make([]string, n)
	for i := range out {
		day := (i * 37) % (3 * 365)
		minute := (i * 53) % (24 * 60)
		start := base.AddDate(0, 0, day).Add(time.Duration(minute) * time.Minute)
		out[i] = fmt.Sprintf("/api/v1/calendar/due?start=%s&working_days=%d",
			url.QueryEscape(start.Format(time.RFC3339)), 1+i%30)
	}
	return out
}

// ExamplePath is the example query.
const ExamplePath = "/api/v1/calendar/due?start=2026-02-13T16:30:00%2B07:00&working_days=15"
