package forms

import (
	"fmt"
	"io"
	"time"
)

// RegisterRow is one dossier's line in the dossier register.
type RegisterRow struct {
	Code          string
	Procedure     string
	Sets          int
	Applicant     string
	Address       string // address and phone
	Lead          string // the agency that leads the processing
	ReceivedAt    time.Time
	DueAt         time.Time
	TransferredAt time.Time // sent to the processing agency
	ResultAt      time.Time // result back from it
	ReturnedAt    time.Time // result handed to the applicant
	Note          string
}

// Period is the span a register covers (dates, inclusive).
type Period struct {
	From, To time.Time
}

// RenderRegister writes the dossier register of a unit over a period as
// PDF: one table, its header repeated on every page. It has no QR code
// (it is about many dossiers); Options.TrackingURL is ignored.
func RenderRegister(w io.Writer, rows []RegisterRow, agency Agency, period Period, opt Options) error {
	return renderRegister(w, rows, agency, period, opt, nil)
}

func renderRegister(w io.Writer, rows []RegisterRow, agency Agency, period Period, opt Options, seen func(string)) error {
	l, err := opt.layout()
	if err != nil {
		return err
	}
	r := l.Register
	opt.TrackingURL = ""
	doc, err := newDoc(l, r.Paper, r.Orientation, opt, seen)
	if err != nil {
		return err
	}
	doc.pdf.SetTitle(doc.oneLine(r.Title), true)
	doc.header(r.Number, r.Basis, agency, "")
	var sub []span
	if !period.From.IsZero() || !period.To.IsZero() {
		sub, _ = doc.spans(r.Period, map[string]string{
			"from": doc.when(l.Date, period.From), "to": doc.when(l.Date, period.To),
		}, "I", "I", false)
	}
	doc.title(r.Title, sub)
	cells := make([][]string, len(rows))
	for i, row := range rows {
		sets := ""
		if row.Sets > 0 {
			sets = fmt.Sprintf("%02d", row.Sets)
		}
		cells[i] = pick(r.Columns, map[string]string{
			"n": fmt.Sprint(i + 1), "code": row.Code, "procedure": row.Procedure, "sets": sets,
			"applicant": row.Applicant, "address": row.Address, "lead": row.Lead,
			"received_at": doc.when(l.TimeShort, row.ReceivedAt), "due_at": doc.when(l.TimeShort, row.DueAt),
			"transferred_at": doc.when(l.TimeShort, row.TransferredAt), "result_at": doc.when(l.TimeShort, row.ResultAt),
			"returned_at": doc.when(l.TimeShort, row.ReturnedAt), "note": row.Note,
		})
	}
	doc.table(r.Columns, cells, doc.base-4)
	return doc.output(w)
}
