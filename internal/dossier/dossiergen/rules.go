package dossiergen

import (
	"time"

	"egov/internal/calendar"
	"egov/internal/catalog"
	"egov/internal/dossier"
)

// The timing rules of the one-stop shop as the dossier lifecycle applies
// them (internal/dossier/rules.go, unexported there): the generator must
// compute the same appointments, step deadlines and outcomes, so these
// mirror those functions and must change with them.

func dueOf(cal *calendar.Calendar, at time.Time, t catalog.Term) (time.Time, calendar.Explanation, error) {
	switch t.Unit {
	case catalog.WorkingHours:
		due, err := cal.DueWorkingHours(at, time.Duration(t.N*float64(time.Hour)))
		return due, calendar.Explanation{}, err
	case catalog.CalendarDays:
		due, err := cal.DueCalendarDays(at, int(t.N+0.999))
		return due, calendar.Explanation{}, err
	default:
		ex, err := cal.ExplainWorkingDays(at, int(t.N+0.999))
		return ex.Due, ex, err
	}
}

func dayLength(cal *calendar.Calendar) time.Duration {
	var m int
	for _, p := range cal.OfficeHours().Periods {
		m += p.End - p.Start
	}
	return time.Duration(m) * time.Minute
}

func stepDue(cal *calendar.Calendar, start time.Time, t catalog.Term, share int, overall time.Time) (time.Time, error) {
	if share <= 0 || share >= 100 || overall.IsZero() {
		return overall, nil
	}
	frac := float64(share) / 100
	var due time.Time
	var err error
	switch t.Unit {
	case catalog.CalendarDays:
		due = start.Add(time.Duration(t.N * frac * float64(24*time.Hour)))
	case catalog.WorkingHours:
		due, err = cal.DueWorkingHours(start, time.Duration(t.N*frac*float64(time.Hour)))
	default:
		due, err = cal.DueWorkingHours(start, time.Duration(t.N*frac*float64(dayLength(cal))))
	}
	if err != nil {
		return time.Time{}, err
	}
	if due.After(overall) {
		return overall, nil
	}
	return due, nil
}

func warnAt(cal *calendar.Calendar, due, started time.Time, days int) time.Time {
	if due.IsZero() {
		return time.Time{}
	}
	local := due.In(calendar.Location())
	d := calendar.DateOf(local)
	for n := 0; n < days; {
		d = d.AddDays(-1)
		if cal.IsWorkingDay(d) {
			n++
		}
	}
	w := time.Date(d.Year, d.Month, d.Day, local.Hour(), local.Minute(), local.Second(), 0, calendar.Location()).UTC()
	if w.Before(started) {
		return started
	}
	return w
}

func handOverAt(cal *calendar.Calendar, at time.Time, ch dossier.Channel) (time.Time, error) {
	if ch == dossier.ChannelOnline {
		return at, nil
	}
	local := at.In(calendar.Location())
	d := calendar.DateOf(local)
	if cal.IsWorkingDay(d) && local.Hour() < dossier.TransferCutoff {
		return at, nil
	}
	next := d.AddDays(1)
	return cal.NextOpening(time.Date(next.Year, next.Month, next.Day, 0, 0, 0, 0, calendar.Location()))
}

func outcomeOf(done, due time.Time) dossier.Outcome {
	switch {
	case due.IsZero():
		return ""
	case done.After(due):
		return dossier.Late
	case calendar.DateOf(done.In(calendar.Location())).Before(calendar.DateOf(due.In(calendar.Location()))):
		return dossier.Early
	default:
		return dossier.OnTime
	}
}
