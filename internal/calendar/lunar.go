package calendar

import (
	"errors"
	"fmt"
	"math"
)

// The Vietnamese lunisolar calendar, computed for the meridian of UTC+7 with
// the astronomical algorithm published by Hồ Ngọc Đức
// (https://www.informatik.uni-leipzig.de/~duc/amlich/). The Chinese
// calendar uses UTC+8; the one-hour difference moves new moons across
// midnight in some years (Tết 1985 and 2007, for example), so a Chinese
// calendar library gives wrong Vietnamese holidays.
//
// The functions below keep the names and constants of the published
// algorithm so that they can be checked against it line by line; Julian day
// numbers come from this package's civil-date arithmetic, which equals the
// published jdFromDate for every Gregorian date (after 1582).

// vietnamTZ is the time zone of the Vietnamese calendar, in hours east of
// UTC. The functions below take the zone as a parameter only so that tests
// can show that UTC+8 gives the Chinese dates instead.
const vietnamTZ = 7.0

// LunarDate is a date in the Vietnamese lunar calendar. Year is the
// Gregorian year in which the lunar year begins; Leap marks the intercalary
// month (tháng nhuận) that follows the month with the same number.
type LunarDate struct {
	Year  int
	Month int
	Day   int
	Leap  bool
}

// String returns the lunar date as "YYYY-MM-DD", with "L" after the month
// of an intercalary month ("2023-02L-15").
func (l LunarDate) String() string {
	leap := ""
	if l.Leap {
		leap = "L"
	}
	return fmt.Sprintf("%04d-%02d%s-%02d", l.Year, l.Month, leap, l.Day)
}

// ErrNoSuchLunarDate reports a lunar date that does not exist (a leap month
// in a year without it, a 30th day in a 29-day month, ...) or lies outside
// the supported years.
var ErrNoSuchLunarDate = errors.New("calendar: no such lunar date")

func jd(d Date) int     { return d.days() + unixToJD }
func fromJD(j int) Date { return fromDays(j - unixToJD) }

// newMoon returns the Julian day (with fraction, UT) of the k-th new moon
// after the one of 1900-01-01.
func newMoon(k int) float64 {
	kf := float64(k)
	T := kf / 1236.85 // Julian centuries since 1900-01-00.5
	T2 := T * T
	T3 := T2 * T
	const dr = math.Pi / 180
	jd1 := 2415020.75933 + 29.53058868*kf + 0.0001178*T2 - 0.000000155*T3
	jd1 += 0.00033 * math.Sin((166.56+132.87*T-0.009173*T2)*dr)      // mean new moon
	M := 359.2242 + 29.10535608*kf - 0.0000333*T2 - 0.00000347*T3    // Sun's mean anomaly
	Mpr := 306.0253 + 385.81691806*kf + 0.0107306*T2 + 0.00001236*T3 // Moon's mean anomaly
	F := 21.2964 + 390.67050646*kf - 0.0016528*T2 - 0.00000239*T3    // Moon's argument of latitude
	C1 := (0.1734-0.000393*T)*math.Sin(M*dr) + 0.0021*math.Sin(2*dr*M)
	C1 = C1 - 0.4068*math.Sin(Mpr*dr) + 0.0161*math.Sin(dr*2*Mpr)
	C1 = C1 - 0.0004*math.Sin(dr*3*Mpr)
	C1 = C1 + 0.0104*math.Sin(dr*2*F) - 0.0051*math.Sin(dr*(M+Mpr))
	C1 = C1 - 0.0074*math.Sin(dr*(M-Mpr)) + 0.0004*math.Sin(dr*(2*F+M))
	C1 = C1 - 0.0004*math.Sin(dr*(2*F-M)) - 0.0006*math.Sin(dr*(2*F+Mpr))
	C1 = C1 + 0.0010*math.Sin(dr*(2*F-Mpr)) + 0.0005*math.Sin(dr*(2*Mpr+M))
	var deltaT float64
	if T < -11 {
		deltaT = 0.001 + 0.000839*T + 0.0002261*T2 - 0.00000845*T3 - 0.000000081*T*T3
	} else {
		deltaT = -0.000278 + 0.000265*T + 0.000262*T2
	}
	return jd1 + C1 - deltaT
}

// sunLongitude returns the Sun's apparent longitude, in radians in [0, 2π),
// at Julian day jdn (UT).
func sunLongitude(jdn float64) float64 {
	T := (jdn - 2451545.0) / 36525 // Julian centuries since 2000-01-01 12:00 UT
	T2 := T * T
	const dr = math.Pi / 180
	M := 357.52910 + 35999.05030*T - 0.0001559*T2 - 0.00000048*T*T2 // mean anomaly
	L0 := 280.46645 + 36000.76983*T + 0.0003032*T2                  // mean longitude
	DL := (1.914600 - 0.004817*T - 0.000014*T2) * math.Sin(dr*M)
	DL += (0.019993-0.000101*T)*math.Sin(dr*2*M) + 0.000290*math.Sin(dr*3*M)
	L := (L0 + DL) * dr
	return L - 2*math.Pi*math.Floor(L/(2*math.Pi))
}

// sunSector returns which 30° sector (0-11) the Sun is in at local
// midnight starting day dayNumber; sector 9 begins at the winter solstice.
func sunSector(dayNumber int, tz float64) int {
	return int(math.Floor(sunLongitude(float64(dayNumber)-0.5-tz/24) / math.Pi * 6))
}

// newMoonDay returns the Julian day number of the local day holding the
// k-th new moon.
func newMoonDay(k int, tz float64) int {
	return int(math.Floor(newMoon(k) + 0.5 + tz/24))
}

// lunarMonth11 returns the Julian day number on which the lunar month 11
// (the month holding the winter solstice) of Gregorian year y begins.
func lunarMonth11(y int, tz float64) int {
	off := jd(Date{y, 12, 31}) - 2415021
	k := int(math.Floor(float64(off) / 29.530588853))
	nm := newMoonDay(k, tz)
	if sunSector(nm, tz) >= 9 { // the new moon is after the solstice
		nm = newMoonDay(k-1, tz)
	}
	return nm
}

// leapMonthOffset returns the position, counted in months after month 11
// starting at a11, of the leap month of a 13-month lunar year: the first
// month that holds no major solar term.
func leapMonthOffset(a11 int, tz float64) int {
	k := int(math.Floor((float64(a11)-2415021.076998695)/29.530588853 + 0.5))
	i := 1
	arc := sunSector(newMoonDay(k+i, tz), tz)
	for {
		last := arc
		i++
		arc = sunSector(newMoonDay(k+i, tz), tz)
		if arc == last || i >= 14 {
			break
		}
	}
	return i - 1
}

// SolarToLunar converts a Gregorian date to the Vietnamese lunar calendar.
// It is exact (as the published algorithm) at least for 1900-2199.
func SolarToLunar(d Date) LunarDate { return solarToLunar(d, vietnamTZ) }

func solarToLunar(d Date, tz float64) LunarDate {
	dayNumber := jd(d)
	k := int(math.Floor((float64(dayNumber) - 2415021.076998695) / 29.530588853))
	monthStart := newMoonDay(k+1, tz)
	// The published code steps back once; the true new moon can be late
	// enough against the mean lunation for a second step to be needed
	// (7 May 2054 would otherwise be day 0 of a month).
	for monthStart > dayNumber {
		monthStart = newMoonDay(k, tz)
		k--
	}
	a11 := lunarMonth11(d.Year, tz)
	b11 := a11
	var year int
	if a11 >= monthStart {
		year = d.Year
		a11 = lunarMonth11(d.Year-1, tz)
	} else {
		year = d.Year + 1
		b11 = lunarMonth11(d.Year+1, tz)
	}
	day := dayNumber - monthStart + 1
	diff := (monthStart - a11) / 29
	leap := false
	month := diff + 11
	if b11-a11 > 365 {
		leapDiff := leapMonthOffset(a11, tz)
		if diff >= leapDiff {
			month = diff + 10
			leap = diff == leapDiff
		}
	}
	if month > 12 {
		month -= 12
	}
	if month >= 11 && diff < 4 {
		year--
	}
	return LunarDate{Year: year, Month: month, Day: day, Leap: leap}
}

// LunarToSolar converts a Vietnamese lunar date to the Gregorian calendar.
// It returns ErrNoSuchLunarDate for a date that does not exist or whose
// lunar year is outside MinYear-MaxYear.
func LunarToSolar(l LunarDate) (Date, error) { return lunarToSolar(l, vietnamTZ) }

func lunarToSolar(l LunarDate, tz float64) (Date, error) {
	if l.Year < MinYear || l.Year > MaxYear || l.Month < 1 || l.Month > 12 || l.Day < 1 || l.Day > 30 {
		return Date{}, fmt.Errorf("%w: %v", ErrNoSuchLunarDate, l)
	}
	start, next, ok := lunarMonthBounds(l.Year, l.Month, l.Leap, tz)
	if !ok || l.Day > next-start {
		return Date{}, fmt.Errorf("%w: %v", ErrNoSuchLunarDate, l)
	}
	return fromJD(start + l.Day - 1), nil
}

// lunarMonthBounds returns the Julian day numbers on which the lunar month
// starts and on which the following month starts.
func lunarMonthBounds(year, month int, leap bool, tz float64) (start, next int, ok bool) {
	var a11, b11 int
	if month < 11 {
		a11 = lunarMonth11(year-1, tz)
		b11 = lunarMonth11(year, tz)
	} else {
		a11 = lunarMonth11(year, tz)
		b11 = lunarMonth11(year+1, tz)
	}
	off := month - 11
	if off < 0 {
		off += 12
	}
	if b11-a11 > 365 {
		leapOff := leapMonthOffset(a11, tz)
		leapMonth := leapOff - 2
		if leapMonth < 0 {
			leapMonth += 12
		}
		if leap && month != leapMonth {
			return 0, 0, false
		}
		if leap || off >= leapOff {
			off++
		}
	} else if leap {
		return 0, 0, false
	}
	k := int(math.Floor(0.5 + (float64(a11)-2415021.076998695)/29.530588853))
	return newMoonDay(k+off, tz), newMoonDay(k+off+1, tz), true
}

// LunarNewYear returns the first day of Tết (mùng 1 tháng Giêng) of the
// lunar year that begins in Gregorian year y, for MinYear <= y <= MaxYear.
func LunarNewYear(y int) (Date, error) {
	return LunarToSolar(LunarDate{Year: y, Month: 1, Day: 1})
}
