package calendar

import (
	"fmt"
	"slices"
	"time"
)

// Supported years. Holidays and due instants are computed for dates in
// MinYear-MaxYear; outside it the Due functions return ErrOutOfRange.
const (
	MinYear = 1900
	MaxYear = 2199
)

const yearSpan = MaxYear - MinYear + 1

// Kind says why a day is special.
type Kind uint8

// Kinds of special days. KindDayOff and KindWorkingDay are also the two
// kinds of Declaration.
const (
	KindHoliday      Kind = iota + 1 // a statutory public holiday (Labour Code Art. 112), by default rule
	KindCompensatory                 // a day off in place of a holiday that fell on a weekend (Art. 111(3))
	KindDayOff                       // a day off declared by the government
	KindWorkingDay                   // a working day declared by the government (a swapped Saturday, a moved default)
)

var kindNames = [...]string{"", "holiday", "compensatory", "declared_off", "working_day"}

// String returns the stable code: "holiday", "compensatory",
// "declared_off" or "working_day".
func (k Kind) String() string {
	if int(k) < len(kindNames) && k != 0 {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// ParseKind parses the code returned by Kind.String.
func ParseKind(s string) (Kind, error) {
	for i, n := range kindNames {
		if i > 0 && n == s {
			return Kind(i), nil
		}
	}
	return 0, fmt.Errorf("calendar: unknown day kind %q", s)
}

// MarshalText implements encoding.TextMarshaler.
func (k Kind) MarshalText() ([]byte, error) {
	if k < KindHoliday || k > KindWorkingDay {
		return nil, fmt.Errorf("calendar: invalid day kind %d", uint8(k))
	}
	return []byte(k.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (k *Kind) UnmarshalText(b []byte) error {
	p, err := ParseKind(string(b))
	if err == nil {
		*k = p
	}
	return err
}

// Holiday identifies a statutory public holiday of Labour Code 2019
// Art. 112.
type Holiday uint8

// The statutory holidays. The zero value means "none".
const (
	NewYear          Holiday = iota + 1 // 1 January
	Tet                                 // Lunar New Year, 5 days
	HungKings                           // 10th day of the 3rd lunar month
	ReunificationDay                    // 30 April
	LabourDay                           // 1 May
	NationalDay                         // 2 September and one adjacent day
)

var holidayNames = [...]struct{ code, vi, en string }{
	{},
	{"new_year", "Tết Dương lịch", "New Year's Day"},
	{"tet", "Tết Nguyên đán", "Lunar New Year (Tết)"},
	{"hung_kings", "Giỗ Tổ Hùng Vương", "Hung Kings' Commemoration Day"},
	{"reunification_day", "Ngày Giải phóng miền Nam, thống nhất đất nước", "Reunification Day"},
	{"labour_day", "Ngày Quốc tế Lao động", "International Labour Day"},
	{"national_day", "Quốc khánh", "National Day"},
}

func (h Holiday) valid() bool { return h >= NewYear && h <= NationalDay }

// String returns the stable code ("tet", "national_day", ...), or "" for
// the zero Holiday.
func (h Holiday) String() string {
	if h == 0 || h.valid() {
		return holidayNames[h].code
	}
	return fmt.Sprintf("Holiday(%d)", uint8(h))
}

// Name returns the Vietnamese name.
func (h Holiday) Name() string {
	if h.valid() {
		return holidayNames[h].vi
	}
	return ""
}

// NameEn returns the English name.
func (h Holiday) NameEn() string {
	if h.valid() {
		return holidayNames[h].en
	}
	return ""
}

// ParseHoliday parses the code returned by Holiday.String; "" is the zero
// Holiday.
func ParseHoliday(s string) (Holiday, error) {
	for i, n := range holidayNames {
		if n.code == s {
			return Holiday(i), nil
		}
	}
	return 0, fmt.Errorf("calendar: unknown holiday %q", s)
}

// MarshalText implements encoding.TextMarshaler.
func (h Holiday) MarshalText() ([]byte, error) {
	if h != 0 && !h.valid() {
		return nil, fmt.Errorf("calendar: invalid holiday %d", uint8(h))
	}
	return []byte(h.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (h *Holiday) UnmarshalText(b []byte) error {
	p, err := ParseHoliday(string(b))
	if err == nil {
		*h = p
	}
	return err
}

// Names of days that are not a statutory holiday.
const (
	compensatoryName   = "Nghỉ bù"
	compensatoryNameEn = "Compensatory day off"
	dayOffName         = "Ngày nghỉ theo quyết định của Chính phủ"
	dayOffNameEn       = "Day off declared by the government"
	workingDayName     = "Ngày làm việc theo quyết định của Chính phủ"
	workingDayNameEn   = "Working day declared by the government"
)

// Day is a special day of the calendar: a statutory holiday (listed even
// on a weekend), a compensatory day, or a declared day off or working day.
type Day struct {
	Date Date
	Kind Kind
	// Holiday is the statutory holiday the day belongs to or, for a
	// compensatory day, makes up for; zero for other declared days.
	Holiday Holiday
	Name    string // Vietnamese, NFC
	NameEn  string
	// Compensates is, for a compensatory day, the date of the holiday it
	// makes up for.
	Compensates Date
}

// Off reports whether the day is not worked.
func (d Day) Off() bool { return d.Kind != KindWorkingDay }

// yearData is the computed calendar of one Gregorian year. It is immutable
// once built.
type yearData struct {
	first int        // day number of 1 January
	n     int        // days in the year
	work  [6]uint64  // bit doy set: a working day
	index [366]int16 // doy -> 1 + index in days, 0 if ordinary
	days  []Day      // special days, sorted by date
}

func (y *yearData) working(doy int) bool { return y.work[doy>>6]&(1<<(doy&63)) != 0 }

func (y *yearData) special(doy int) (Day, bool) {
	if i := y.index[doy]; i > 0 {
		return y.days[i-1], true
	}
	return Day{}, false
}

func isWeekend(w time.Weekday) bool { return w == time.Saturday || w == time.Sunday }

// defaultHolidays returns the statutory holidays of year y by the default
// rules, sorted by date, leaving out Tết (all five days) and the day
// adjacent to National Day when the year's declarations replace them.
func defaultHolidays(y int, replaceTet, replaceAdjacent bool) []Day {
	hol := func(d Date, h Holiday) Day {
		return Day{Date: d, Kind: KindHoliday, Holiday: h, Name: h.Name(), NameEn: h.NameEn()}
	}
	days := make([]Day, 0, 12)
	days = append(days, hol(Date{y, time.January, 1}, NewYear))
	if !replaceTet {
		first, _ := LunarNewYear(y) // y is in range: no error
		for i := -1; i <= 3; i++ {  // New Year's eve and days 1-4
			days = append(days, hol(first.AddDays(i), Tet))
		}
	}
	hung, _ := LunarToSolar(LunarDate{Year: y, Month: 3, Day: 10})
	days = append(days, hol(hung, HungKings))
	days = append(days, hol(Date{y, time.April, 30}, ReunificationDay))
	days = append(days, hol(Date{y, time.May, 1}, LabourDay))
	national := Date{y, time.September, 2}
	days = append(days, hol(national, NationalDay))
	if !replaceAdjacent {
		days = append(days, hol(nationalDayAdjacent(y), NationalDay))
	}
	slices.SortStableFunc(days, func(a, b Day) int { return a.Date.Compare(b.Date) })
	// Two holidays on one date (the lunar Hùng Kings' day may meet 30 April
	// or 1 May) give one day off: keep the first, join the names.
	out := days[:1]
	for _, d := range days[1:] {
		last := &out[len(out)-1]
		if d.Date == last.Date {
			last.Name += "; " + d.Name
			last.NameEn += "; " + d.NameEn
			continue
		}
		out = append(out, d)
	}
	return out
}

// nationalDayAdjacent returns the default day adjacent to 2 September: the
// one that joins a weekend (Monday 1 if the 2nd is a Tuesday, Friday 3 if
// it is a Thursday), else the day before.
func nationalDayAdjacent(y int) Date {
	d := Date{y, time.September, 2}
	switch d.Weekday() {
	case time.Tuesday:
		return d.AddDays(-1)
	case time.Thursday:
		return d.AddDays(1)
	}
	return d.AddDays(-1)
}

// buildYear computes year y from the defaults and the year's declarations
// (already validated, sorted by date).
func buildYear(y int, decls []Declaration) *yearData {
	yd := &yearData{first: Date{y, time.January, 1}.days()}
	yd.n = 365
	if isLeap(y) {
		yd.n = 366
	}
	var replaceTet, replaceAdjacent bool
	declared := make(map[int]int, len(decls)) // doy -> index in decls
	for i, d := range decls {
		declared[d.Date.days()-yd.first] = i
		switch d.Holiday {
		case Tet:
			replaceTet = true
		case NationalDay:
			replaceAdjacent = true
		}
	}

	var slot [366]Day // doy -> special day, Kind 0 if none
	holidays := defaultHolidays(y, replaceTet, replaceAdjacent)
	for _, h := range holidays {
		slot[h.Date.days()-yd.first] = h
	}
	// Compensatory days, in date order so that each takes the first
	// weekday not already off (holiday, earlier compensatory day, declared
	// day off). A declared WorkingDay on that weekday still wins below:
	// that is how a decision cancels a compensatory day.
	for _, h := range holidays {
		doy := h.Date.days() - yd.first
		if _, ok := declared[doy]; ok || !isWeekend(h.Date.Weekday()) {
			continue // a declared date is ruled by its declaration
		}
		for c := doy + 1; c < yd.n; c++ {
			if isWeekend(weekday(yd.first+c)) || slot[c].Kind != 0 {
				continue
			}
			if i, ok := declared[c]; ok && decls[i].Kind == KindDayOff {
				continue
			}
			slot[c] = Day{
				Date: fromDays(yd.first + c), Kind: KindCompensatory, Holiday: h.Holiday,
				Name: compensatoryName, NameEn: compensatoryNameEn, Compensates: h.Date,
			}
			break
		}
	}
	for doy, i := range declared {
		d := decls[i]
		slot[doy] = Day{Date: d.Date, Kind: d.Kind, Holiday: d.Holiday, Name: d.Name, NameEn: d.NameEn}
	}

	for doy := 0; doy < yd.n; doy++ {
		s := slot[doy]
		work := !isWeekend(weekday(yd.first + doy))
		if s.Kind != 0 {
			work = s.Kind == KindWorkingDay
			yd.days = append(yd.days, s)
			yd.index[doy] = int16(len(yd.days))
		}
		if work {
			yd.work[doy>>6] |= 1 << (doy & 63)
		}
	}
	return yd
}
