package forms

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"sync"
)

// layout.json holds everything about the forms that a new circular may
// change: their numbers, the legal basis line, titles, paper, which
// blocks, rows and columns they have and every Vietnamese label. The code
// only knows how to draw the kinds of blocks it names.
//
//go:embed layout.json
var layoutJSON []byte

// Layout is the forms' layout: the parsed layout.json.
type Layout struct {
	Circular      string                 `json:"circular"`
	Nation        string                 `json:"nation"`
	Motto         string                 `json:"motto"`
	DateLine      string                 `json:"date_line"`
	DateTime      string                 `json:"datetime"`
	Date          string                 `json:"date"`
	TimeShort     string                 `json:"time_short"`
	Blank         string                 `json:"blank"`
	ApplicantSide string                 `json:"applicant_party"`
	Copies        string                 `json:"copies"`
	Outcomes      map[string]string      `json:"outcomes"`
	Statuses      map[string]string      `json:"statuses"`
	DocumentKinds map[string]string      `json:"document_kinds"`
	HandOvers     map[string]HandOverDef `json:"handovers"`
	Forms         map[Kind]FormLayout    `json:"forms"`
	Register      RegisterLayout         `json:"register"`
}

// HandOverDef says that a dossier event is a hand-over on the control
// sheet, between whom (applicant, from_unit, unit or agencies), and how
// the note column names it.
type HandOverDef struct {
	Label string `json:"label"`
	From  string `json:"from"`
	To    string `json:"to"`
}

// FormLayout is one per-dossier form.
type FormLayout struct {
	Number      string   `json:"number"`
	Basis       string   `json:"basis"`
	Title       string   `json:"title"`
	Subtitle    string   `json:"subtitle"`
	Paper       string   `json:"paper"`
	Orientation string   `json:"orientation"`
	Blocks      []Block  `json:"blocks"`
	Signers     []Signer `json:"signers"`
}

// Block is one part of a form's body; exactly one of its fields is set.
// Text and Note are templates whose {placeholders} print the dossier's
// values in bold; an optional block is left out when one of its values is
// unknown, any other shows dots to fill in by hand.
type Block struct {
	Text     string   `json:"text,omitempty"`
	Note     string   `json:"note,omitempty"` // italic
	List     string   `json:"list,omitempty"` // deficiencies | reasons
	Table    string   `json:"table,omitempty"`
	Columns  []Column `json:"columns,omitempty"`
	Optional bool     `json:"optional,omitempty"`
}

// Column is a table column; widths are relative weights. Consecutive
// columns with the same Group get one header cell above theirs.
type Column struct {
	Label string  `json:"label"`
	Field string  `json:"field"`
	Width float64 `json:"width"`
	Align string  `json:"align,omitempty"` // L (default), C, R
	Group string  `json:"group,omitempty"`
}

// Signer is a signature block: the title, a hint and the name under the
// space for the signature.
type Signer struct {
	Title string `json:"title"`
	Hint  string `json:"hint"`
	Name  string `json:"name"`
}

// RegisterLayout is the dossier register (one table over many dossiers).
type RegisterLayout struct {
	Number      string   `json:"number"`
	Basis       string   `json:"basis"`
	Title       string   `json:"title"`
	Period      string   `json:"period"`
	Paper       string   `json:"paper"`
	Orientation string   `json:"orientation"`
	Columns     []Column `json:"columns"`
}

// The names a layout may use: placeholders of texts, lists, tables and
// their fields. Adding one here means teaching the renderer its value.
var (
	placeholders = map[string]bool{
		"code": true, "agency": true, "applicant": true, "address": true, "phone": true, "procedure": true,
		"sets": true, "processing_time": true, "received_at": true, "received_date": true, "submitted_at": true,
		"due_at": true, "old_due_at": true, "new_due_at": true, "extension_reason": true, "stopped_date": true,
		"processor": true, "partners": true, "signer": true,
	}
	lists       = map[string]bool{"deficiencies": true, "reasons": true}
	tableFields = map[string]map[string]bool{
		"documents": {"n": true, "name": true, "kind": true, "copies": true},
		"handovers": {"n": true, "from": true, "to": true, "at": true, "outcome": true, "note": true},
		"register": {"n": true, "code": true, "procedure": true, "sets": true, "applicant": true, "address": true, "lead": true,
			"received_at": true, "due_at": true, "transferred_at": true, "result_at": true, "returned_at": true, "note": true},
	}
	handOverSides = map[string]bool{"applicant": true, "from_unit": true, "unit": true, "agencies": true}
	placeholderRE = regexp.MustCompile(`\{([a-z_]+)\}`)
)

var (
	layoutOnce sync.Once
	layoutVal  *Layout
	layoutErr  error
)

// DefaultLayout returns the embedded layout. It is parsed and checked
// once; a broken layout.json is a programming error that every test run
// catches, so callers get it as an error rather than a panic.
func DefaultLayout() (*Layout, error) {
	layoutOnce.Do(func() {
		var l Layout
		if err := json.Unmarshal(layoutJSON, &l); err != nil {
			layoutErr = fmt.Errorf("forms: layout.json: %w", err)
			return
		}
		if err := l.check(); err != nil {
			layoutErr = fmt.Errorf("forms: layout.json: %w", err)
			return
		}
		layoutVal = &l
	})
	return layoutVal, layoutErr
}

// check refuses a layout the renderer could not draw.
func (l *Layout) check() error {
	for _, k := range DossierKinds {
		f, ok := l.Forms[k]
		if !ok {
			return fmt.Errorf("no form %q", k)
		}
		if f.Title == "" || f.Number == "" {
			return fmt.Errorf("form %q: no number or title", k)
		}
		if _, err := paperOf(f.Paper, f.Orientation); err != nil {
			return fmt.Errorf("form %q: %w", k, err)
		}
		if err := checkTemplate(f.Subtitle); err != nil {
			return fmt.Errorf("form %q subtitle: %w", k, err)
		}
		for i, b := range f.Blocks {
			n := 0
			for _, s := range []string{b.Text, b.Note, b.List, b.Table} {
				if s != "" {
					n++
				}
			}
			if n != 1 {
				return fmt.Errorf("form %q block %d: exactly one of text, note, list, table", k, i)
			}
			if err := checkTemplate(b.Text + b.Note); err != nil {
				return fmt.Errorf("form %q block %d: %w", k, i, err)
			}
			if b.List != "" && !lists[b.List] {
				return fmt.Errorf("form %q block %d: unknown list %q", k, i, b.List)
			}
			if b.Table != "" {
				if err := checkColumns(b.Table, b.Columns); err != nil {
					return fmt.Errorf("form %q block %d: %w", k, i, err)
				}
			}
		}
		for i, s := range f.Signers {
			if err := checkTemplate(s.Name); err != nil {
				return fmt.Errorf("form %q signer %d: %w", k, i, err)
			}
		}
	}
	if _, err := paperOf(l.Register.Paper, l.Register.Orientation); err != nil {
		return fmt.Errorf("register: %w", err)
	}
	for _, m := range placeholderRE.FindAllStringSubmatch(l.Register.Period, -1) {
		if m[1] != "from" && m[1] != "to" {
			return fmt.Errorf("register period: unknown placeholder {%s}", m[1])
		}
	}
	if err := checkColumns("register", l.Register.Columns); err != nil {
		return fmt.Errorf("register: %w", err)
	}
	for a, h := range l.HandOvers {
		if !handOverSides[h.From] || !handOverSides[h.To] {
			return fmt.Errorf("handover %q: sides must be one of applicant, from_unit, unit, agencies", a)
		}
	}
	for _, o := range []string{"early", "on_time", "late"} {
		if l.Outcomes[o] == "" {
			return fmt.Errorf("no label for outcome %q", o)
		}
	}
	return nil
}

func checkTemplate(s string) error {
	for _, m := range placeholderRE.FindAllStringSubmatch(s, -1) {
		if !placeholders[m[1]] {
			return fmt.Errorf("unknown placeholder {%s}", m[1])
		}
	}
	if strings.Count(s, "{") != strings.Count(s, "}") {
		return fmt.Errorf("unbalanced braces in %q", s)
	}
	return nil
}

func checkColumns(table string, cols []Column) error {
	fields, ok := tableFields[table]
	if !ok {
		return fmt.Errorf("unknown table %q", table)
	}
	if len(cols) == 0 {
		return fmt.Errorf("table %q has no columns", table)
	}
	for _, c := range cols {
		if !fields[c.Field] {
			return fmt.Errorf("table %q: unknown field %q", table, c.Field)
		}
		if c.Width <= 0 {
			return fmt.Errorf("table %q: column %q needs a positive width", table, c.Field)
		}
		switch c.Align {
		case "", "L", "C", "R":
		default:
			return fmt.Errorf("table %q: column %q: align must be L, C or R", table, c.Field)
		}
	}
	return nil
}

// paper is a page size in millimetres, orientation applied.
type paper struct {
	name        string
	orientation string // P or L
	w, h        float64
}

func paperOf(name, orientation string) (paper, error) {
	var p paper
	switch strings.ToUpper(name) {
	case "A4":
		p = paper{name: "A4", w: 210, h: 297}
	case "A5":
		p = paper{name: "A5", w: 148, h: 210}
	default:
		return p, fmt.Errorf("unknown paper %q (A4 or A5)", name)
	}
	switch orientation {
	case "portrait", "":
		p.orientation = "P"
	case "landscape":
		p.orientation = "L"
		p.w, p.h = p.h, p.w
	default:
		return p, fmt.Errorf("unknown orientation %q", orientation)
	}
	return p, nil
}
