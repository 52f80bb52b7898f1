package dossier

import (
	"time"

	"egov/internal/calendar"
	"egov/internal/catalog"
)

// The one-stop shop's timing rules (ONE-STOP.md, CALENDAR-AND-CODES.md),
// each one small named function so that a new decree is a change in one
// place.

// DueOf computes the appointment of a processing time from the instant
// the clock starts (receipt, or completion of a supplement).
func DueOf(cal *calendar.Calendar, at time.Time, t catalog.Term) (time.Time, calendar.Explanation, error) {
	switch t.Unit {
	case catalog.WorkingHours:
		due, err := cal.DueWorkingHours(at, time.Duration(t.N*float64(time.Hour)))
		return due, calendar.Explanation{}, err
	case catalog.CalendarDays:
		due, err := cal.DueCalendarDays(at, int(t.N+0.999))
		return due, calendar.Explanation{}, err
	default:
		// Half days round up: the appointment is never earlier than the law allows.
		ex, err := cal.ExplainWorkingDays(at, int(t.N+0.999))
		return ex.Due, ex, err
	}
}

// dayLength is the working time of one office day.
func dayLength(cal *calendar.Calendar) time.Duration {
	var m int
	for _, p := range cal.OfficeHours().Periods {
		m += p.End - p.Start
	}
	return time.Duration(m) * time.Minute
}

// StepDue is a step's own deadline: its share (percent) of the
// procedure's processing time, counted from the moment the step starts,
// never later than the dossier's due instant. A step without a share has
// the dossier's whole remaining time.
func StepDue(cal *calendar.Calendar, start time.Time, t catalog.Term, share int, overall time.Time) (time.Time, error) {
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

// WarnAt is when work becomes "due soon": the same time of day, days
// working days before due (never before the step started).
func WarnAt(cal *calendar.Calendar, due, started time.Time, days int) time.Time {
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

// TransferCutoff is the hour after which a paper dossier received at the
// desk goes to the processing unit at the start of the next working day
// rather than the same day (Decree 61/2018, Art. 19; kept by Decree
// 118/2025).
const TransferCutoff = 15

// HandOverAt is when a dossier received at at reaches the processing
// unit: online dossiers at once; paper dossiers the same working day, or
// the next working day's opening if received after 15:00 or on a day off.
func HandOverAt(cal *calendar.Calendar, at time.Time, ch Channel) (time.Time, error) {
	if ch == ChannelOnline {
		return at, nil
	}
	local := at.In(calendar.Location())
	d := calendar.DateOf(local)
	if cal.IsWorkingDay(d) && local.Hour() < TransferCutoff {
		return at, nil
	}
	next := d.AddDays(1)
	return cal.NextOpening(time.Date(next.Year, next.Month, next.Day, 0, 0, 0, 0, calendar.Location()))
}

// Outcome says whether work finished before, on or after its due instant.
type Outcome string

const (
	Early  Outcome = "early"   // trước hạn: on a day before the due day
	OnTime Outcome = "on_time" // đúng hạn
	Late   Outcome = "late"    // quá hạn
)

// OutcomeOf compares a finish with its due instant; no due, no outcome.
func OutcomeOf(done, due time.Time) Outcome {
	switch {
	case due.IsZero():
		return ""
	case done.After(due):
		return Late
	case calendar.DateOf(done.In(calendar.Location())).Before(calendar.DateOf(due.In(calendar.Location()))):
		return Early
	default:
		return OnTime
	}
}

// canExtend is the apology-and-extension rule: at most once, and at
// least one working day before the due instant (one working day from now
// still falls on or before it).
func canExtend(cal *calendar.Calendar, now, due time.Time, extensions int) (bool, error) {
	if extensions > 0 || due.IsZero() {
		return false, nil
	}
	next, err := cal.DueWorkingDays(now, 1)
	if err != nil {
		return false, err
	}
	return !next.After(due), nil
}

// workingDaysLate counts the working days from due's day to now's day
// (1 for a dossier due yesterday, 0 while still due today).
func workingDaysLate(cal *calendar.Calendar, due, now time.Time) int {
	if !now.After(due) {
		return 0
	}
	d := calendar.DateOf(due.In(calendar.Location()))
	end := calendar.DateOf(now.In(calendar.Location()))
	n := 0
	for d.Before(end) && n < 10000 {
		d = d.AddDays(1)
		if cal.IsWorkingDay(d) {
			n++
		}
	}
	return n
}

// extendedDue is the new appointment of an extension: days working days
// after the due day (a due instant at closing time still belongs to its
// day, so counting starts the day after it).
func extendedDue(cal *calendar.Calendar, due time.Time, days int) (time.Time, error) {
	return cal.DueWorkingDays(due.Add(-time.Minute), days)
}
