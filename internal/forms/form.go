package forms

import (
	"fmt"
	"strings"

	"golang.org/x/text/unicode/norm"
)

// form draws one per-dossier form from its layout.
func (d *doc) form(kind Kind, f FormLayout, data Data) {
	vals := d.values(data)
	d.pdf.SetTitle(d.oneLine(f.Title+" "+data.Code), true)
	d.header(f.Number, f.Basis, data.Agency, data.Code)
	sub, _ := d.spans(f.Subtitle, vals, "", "B", false)
	d.title(f.Title, sub)
	gap := 0.8
	for _, b := range f.Blocks {
		switch {
		case b.Text != "" || b.Note != "":
			style, tpl := "", b.Text
			if b.Note != "" {
				style, tpl = "I", b.Note
			}
			valStyle := "B"
			if style == "I" {
				valStyle = "BI"
			}
			sp, ok := d.spans(tpl, vals, style, valStyle, b.Optional)
			if !ok {
				continue
			}
			size := d.base
			if b.Note != "" {
				size = d.base - 1
				d.pdf.SetY(d.pdf.GetY() + 1)
			}
			d.rich(sp, size, "L", 0)
		case b.List != "":
			items := data.Reasons
			if b.List == "deficiencies" {
				items = data.Deficiencies
			}
			items = Unique(items)
			if len(items) == 0 {
				items = []string{d.l.Blank}
			}
			d.list(items)
		case b.Table != "":
			d.pdf.SetY(d.pdf.GetY() + 1)
			d.table(b.Columns, d.rows(b.Table, b.Columns, data), d.base-2)
		}
		d.pdf.SetY(d.pdf.GetY() + gap)
	}
	d.pdf.SetY(d.pdf.GetY() + 2)
	d.signers(f.Signers, vals, data.Signer.Title)
}

// values are the texts of a form's placeholders.
func (d *doc) values(data Data) map[string]string {
	sets := data.Sets
	if sets <= 0 {
		sets = 1
	}
	return map[string]string{
		"code":             data.Code,
		"agency":           data.Agency.Name,
		"applicant":        data.Applicant.Name,
		"address":          data.Applicant.Address,
		"phone":            data.Applicant.Phone,
		"procedure":        data.Procedure,
		"processing_time":  data.ProcessingTime,
		"sets":             fmt.Sprintf("%02d", sets),
		"submitted_at":     d.when(d.l.DateTime, data.SubmittedAt),
		"received_at":      d.when(d.l.DateTime, data.ReceivedAt),
		"received_date":    d.when(d.l.Date, data.ReceivedAt),
		"due_at":           d.when(d.l.DateTime, data.DueAt),
		"old_due_at":       d.when(d.l.DateTime, data.Extension.OldDue),
		"new_due_at":       d.when(d.l.DateTime, data.Extension.NewDue),
		"extension_reason": data.Extension.Reason,
		"stopped_date":     d.when(d.l.Date, data.StoppedAt),
		"processor":        data.Processor,
		"partners":         strings.Join(data.Partners, "; "),
		"signer":           data.Signer.Name,
	}
}

// rows are a table's cells, column by column as the layout orders them.
func (d *doc) rows(table string, cols []Column, data Data) [][]string {
	var out [][]string
	switch table {
	case "documents":
		for i, doc := range data.Documents {
			copies := ""
			if doc.Copies > 0 {
				copies = fill(d.l.Copies, map[string]string{"n": fmt.Sprintf("%02d", doc.Copies)})
			}
			f := map[string]string{"n": fmt.Sprint(i + 1), "name": doc.Name, "kind": doc.Kind, "copies": copies}
			out = append(out, pick(cols, f))
		}
	case "handovers":
		for i, h := range data.HandOvers {
			f := map[string]string{"n": fmt.Sprint(i + 1), "from": h.From, "to": h.To,
				"at": d.when(d.l.TimeShort, h.At), "outcome": d.l.Outcomes[h.Outcome], "note": h.Note}
			out = append(out, pick(cols, f))
		}
	}
	return out
}

func pick(cols []Column, f map[string]string) []string {
	row := make([]string, len(cols))
	for i, c := range cols {
		row[i] = f[c.Field]
	}
	return row
}

// Unique trims items and drops empty ones and repeats (ignoring case and
// Unicode normalisation), keeping the first of each: a deficiency is
// listed once.
func Unique(items []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, it := range items {
		it = strings.Join(strings.Fields(norm.NFC.String(it)), " ")
		key := strings.ToLower(it)
		if it == "" || seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, it)
	}
	return out
}
