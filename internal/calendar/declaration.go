package calendar

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"
)

// Declaration is one date of the government's yearly decision on days off,
// as entered by an administrator. It rules its own date, whatever the
// default rules say. See the package documentation for how to enter a
// decision.
type Declaration struct {
	Date Date
	Kind Kind // KindDayOff or KindWorkingDay
	// Holiday, optional and only with KindDayOff, marks the date as one of
	// the days the decision gives to Tet or to NationalDay. When any
	// declaration of a year names Tet, the declared days replace all five
	// default Tết days; when any names NationalDay, they replace the default
	// day adjacent to 2 September (2 September itself is fixed by law).
	Holiday Holiday
	Name    string // Vietnamese; defaults to the holiday's name or a generic one
	NameEn  string // English; likewise
}

// DeclarationError reports an invalid declaration: Index is its position
// in the slice given to New.
type DeclarationError struct {
	Index int
	Date  Date
	Msg   string
}

func (e *DeclarationError) Error() string {
	return fmt.Sprintf("calendar: declaration %d (%v): %s", e.Index, e.Date, e.Msg)
}

// How far from the holiday a date may be and still belong to it: wide
// enough for any real break, narrow enough to catch a wrong tag.
const (
	tetWindow      = 15 // days either side of Tết day 1
	nationalWindow = 10 // days either side of 2 September
	minTetDays     = 5  // Art. 112: Tết is five days
)

// prepareDeclarations validates decls and returns a normalised copy, sorted
// by date and grouped by year.
func prepareDeclarations(decls []Declaration) ([]Declaration, map[int][]Declaration, error) {
	out := make([]Declaration, len(decls))
	index := make(map[Date]int, len(decls))
	for i, d := range decls {
		bad := func(format string, args ...any) error {
			return &DeclarationError{Index: i, Date: d.Date, Msg: fmt.Sprintf(format, args...)}
		}
		if !d.Date.IsValid() {
			return nil, nil, bad("invalid date")
		}
		if d.Date.Year < MinYear || d.Date.Year > MaxYear {
			return nil, nil, bad("year outside %d-%d", MinYear, MaxYear)
		}
		if j, dup := index[d.Date]; dup {
			return nil, nil, bad("date already declared by declaration %d", j)
		}
		index[d.Date] = i
		switch d.Kind {
		case KindDayOff, KindWorkingDay:
		default:
			return nil, nil, bad("kind must be %v or %v, not %v", KindDayOff, KindWorkingDay, d.Kind)
		}
		switch d.Holiday {
		case 0:
		case Tet, NationalDay:
			if d.Kind != KindDayOff {
				return nil, nil, bad("only a %v declaration can belong to a holiday", KindDayOff)
			}
		default:
			if !d.Holiday.valid() {
				return nil, nil, bad("unknown holiday %v", d.Holiday)
			}
			return nil, nil, bad("the date of %v is fixed by law; declare extra or swapped days without a holiday", d.Holiday)
		}
		if d.Holiday == Tet {
			first, _ := LunarNewYear(d.Date.Year)
			if n := d.Date.Sub(first); n < -tetWindow || n > tetWindow {
				return nil, nil, bad("more than %d days from Tết (%v)", tetWindow, first)
			}
		}
		if d.Holiday == NationalDay {
			if n := d.Date.Sub(Date{d.Date.Year, time.September, 2}); n < -nationalWindow || n > nationalWindow {
				return nil, nil, bad("more than %d days from 2 September", nationalWindow)
			}
		}
		d.Name = norm.NFC.String(strings.TrimSpace(d.Name))
		d.NameEn = strings.TrimSpace(d.NameEn)
		switch {
		case d.Holiday != 0:
			d.Name = cmp.Or(d.Name, d.Holiday.Name())
			d.NameEn = cmp.Or(d.NameEn, d.Holiday.NameEn())
		case d.Kind == KindDayOff:
			d.Name = cmp.Or(d.Name, dayOffName)
			d.NameEn = cmp.Or(d.NameEn, dayOffNameEn)
		default:
			d.Name = cmp.Or(d.Name, workingDayName)
			d.NameEn = cmp.Or(d.NameEn, workingDayNameEn)
		}
		out[i] = d
	}
	slices.SortFunc(out, func(a, b Declaration) int { return a.Date.Compare(b.Date) })

	byYear := make(map[int][]Declaration)
	for _, d := range out {
		byYear[d.Date.Year] = append(byYear[d.Date.Year], d)
	}
	// A declared Tết or National Day schedule replaces the default one, so
	// it must be complete: this catches an administrator who entered only
	// the day that differs from the default.
	for y, ds := range byYear {
		var tet, adjacent int
		var firstTet, firstNational Date
		for _, d := range ds {
			switch {
			case d.Holiday == Tet:
				if tet == 0 {
					firstTet = d.Date
				}
				tet++
			case d.Holiday == NationalDay && d.Date != (Date{y, time.September, 2}):
				adjacent++
			case d.Holiday == NationalDay:
				firstNational = d.Date
			}
		}
		if tet > 0 && tet < minTetDays {
			return nil, nil, &DeclarationError{Index: index[firstTet], Date: firstTet,
				Msg: fmt.Sprintf("a declared Tết schedule replaces the default one and must list all its days: %d listed, at least %d needed", tet, minTetDays)}
		}
		if adjacent == 0 && !firstNational.IsZero() {
			return nil, nil, &DeclarationError{Index: index[firstNational], Date: firstNational,
				Msg: "a declared National Day schedule replaces the default adjacent day and must list the day off next to 2 September"}
		}
	}
	return out, byYear, nil
}
