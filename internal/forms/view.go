package forms

import (
	"slices"
	"strings"
	"time"

	"egov/internal/catalog"
	"egov/internal/dossier"
)

// Extra is what the forms print that a dossier view does not hold.
type Extra struct {
	Agency         Agency // the issuing unit and its superior
	Procedure      string // the procedure's name (the view has its code)
	ProcessingTime string // e.g. "15 ngày làm việc"
	Address        string // the applicant's address
	Signer         Person
}

// FromView fills a form's data from a dossier as its history records it.
// Times stay as recorded; the layout's labels (outcomes, hand-overs,
// document kinds) come from the embedded layout.
func FromView(v dossier.View, x Extra) Data {
	l, err := DefaultLayout()
	if err != nil {
		l = &Layout{}
	}
	d := Data{
		Code:           v.Code,
		Procedure:      x.Procedure,
		ProcessingTime: x.ProcessingTime,
		Agency:         x.Agency,
		Applicant:      Applicant{Name: v.ApplicantName, Address: x.Address, Phone: v.ApplicantPhone},
		Sets:           1,
		SubmittedAt:    v.SubmittedAt,
		Processor:      v.Decider,
		Signer:         x.Signer,
	}
	if d.Procedure == "" {
		d.Procedure = v.ProcedureCode
	}
	if v.ReceivedAt != nil {
		d.ReceivedAt = *v.ReceivedAt
	}
	if v.DueAt != nil {
		d.DueAt = *v.DueAt
	}
	d.Documents = documentsOf(v, l)
	for _, b := range v.Branches {
		if !slices.Contains(d.Partners, b.Agency) {
			d.Partners = append(d.Partners, b.Agency)
		}
	}

	// The latest of each event is what its form reports.
	d.Deficiencies = v.Deficiencies
	for _, e := range slices.Backward(v.Events) {
		switch catalog.Action(e.Action) {
		case catalog.ActRequestSupplement:
			if len(d.Deficiencies) == 0 {
				d.Deficiencies = stringsOf(e.Data["deficiencies"])
			}
		case catalog.ActRefuse:
			if len(d.Reasons) == 0 {
				d.Reasons = stringsOf(e.Data["reasons"])
				if len(d.Reasons) == 0 && e.Note != "" {
					d.Reasons = []string{e.Note}
				}
			}
		case catalog.ActStop:
			if d.StoppedAt.IsZero() {
				d.StoppedAt = e.At
				if len(d.Reasons) == 0 && e.Note != "" {
					d.Reasons = []string{e.Note}
				}
			}
		case catalog.ActExtend:
			if d.Extension.Reason == "" {
				d.Extension = Extension{Reason: e.Note, OldDue: timeOf(e.Data["old_due_at"]), NewDue: timeOf(e.Data["due_at"])}
			}
		}
	}
	if d.Extension.NewDue.IsZero() && v.Extensions > 0 {
		d.Extension.NewDue = d.DueAt
	}
	d.Deficiencies = Unique(d.Deficiencies)
	d.Reasons = Unique(d.Reasons)
	d.HandOvers = handOversOf(v, l)
	return d
}

// documentsOf groups the dossier's application and supplement files by
// the required document they stand for.
func documentsOf(v dossier.View, l *Layout) []Document {
	kind := l.DocumentKinds[string(v.Channel)]
	var out []Document
	at := map[string]int{}
	for _, f := range v.Files {
		if f.Purpose == "result" {
			continue
		}
		name := strings.TrimSpace(f.Document)
		if name == "" {
			name = f.Name
		}
		if i, ok := at[name]; ok {
			out[i].Copies++
			continue
		}
		at[name] = len(out)
		out = append(out, Document{Name: name, Kind: kind, Copies: 1})
	}
	return out
}

// handOversOf lists the control sheet's rows: the events the layout names
// as hand-overs, with the parties it says.
func handOversOf(v dossier.View, l *Layout) []HandOver {
	var out []HandOver
	party := func(side string, e dossier.Event) string {
		switch side {
		case "applicant":
			if v.ApplicantName != "" {
				return v.ApplicantName
			}
			return l.ApplicantSide
		case "from_unit":
			if e.FromUnit != "" {
				return e.FromUnit
			}
			return e.Unit
		case "unit":
			return e.Unit
		case "agencies":
			if names := stringsOf(e.Data["agencies"]); len(names) > 0 {
				return strings.Join(names, "; ")
			}
			return e.Note
		}
		return ""
	}
	for _, e := range v.Events {
		def, ok := l.HandOvers[e.Action]
		if !ok {
			continue
		}
		note := def.Label
		if e.Note != "" && def.To != "agencies" {
			note += ": " + e.Note
		}
		out = append(out, HandOver{From: party(def.From, e), To: party(def.To, e), At: e.At, Outcome: string(e.Outcome), Note: note})
	}
	return out
}

// Available lists the forms that mean something for the dossier now, in
// the circular's order: the receipt and the control sheet once it was
// received, the supplement request once one was made, the refusal and the
// stop notice when it ended so, the apology once it was extended.
func Available(v dossier.View) []Kind {
	has := func(a catalog.Action) bool {
		return slices.ContainsFunc(v.Events, func(e dossier.Event) bool { return e.Action == string(a) })
	}
	received := v.ReceivedAt != nil
	var out []Kind
	if received {
		out = append(out, Receipt)
	}
	if v.Status == dossier.StatusSupplement || v.Supplements > 0 || has(catalog.ActRequestSupplement) {
		out = append(out, SupplementRequest)
	}
	if v.Status == dossier.StatusRefused {
		out = append(out, Refusal)
	}
	if v.Extensions > 0 || has(catalog.ActExtend) {
		out = append(out, Apology)
	}
	if v.Status == dossier.StatusStopped {
		out = append(out, StopNotice)
	}
	if received {
		out = append(out, ControlSheet)
	}
	return out
}

// RegisterRowOf is a dossier's line in the register.
func RegisterRowOf(v dossier.View, procedure, address string) RegisterRow {
	l, err := DefaultLayout()
	if err != nil {
		l = &Layout{}
	}
	r := RegisterRow{Code: v.Code, Procedure: procedure, Sets: 1, Applicant: v.ApplicantName, Lead: v.Decider}
	if r.Procedure == "" {
		r.Procedure = v.ProcedureCode
	}
	r.Address = strings.Join(slices.DeleteFunc([]string{address, v.ApplicantPhone}, func(s string) bool { return strings.TrimSpace(s) == "" }), "; ")
	if v.ReceivedAt != nil {
		r.ReceivedAt = *v.ReceivedAt
	}
	if v.DueAt != nil {
		r.DueAt = *v.DueAt
	}
	for _, e := range v.Events {
		switch catalog.Action(e.Action) {
		case catalog.ActReceive, catalog.ActForward:
			// The dossier leaves the one-stop unit for the one that
			// processes it.
			if r.TransferredAt.IsZero() && e.UnitID != 0 && e.UnitID != v.ReceivingUnitID {
				r.TransferredAt = e.At
			}
		case catalog.ActIssueResult:
			r.ResultAt = e.At
		case catalog.ActReturnResult:
			r.ReturnedAt = e.At
		}
	}
	r.Note = l.Statuses[string(v.Status)]
	if r.Note == "" && v.Outcome == dossier.Late {
		r.Note = l.Outcomes[string(v.Outcome)]
	}
	return r
}

func stringsOf(v any) []string {
	switch list := v.(type) {
	case []string:
		return list
	case []any:
		out := make([]string, 0, len(list))
		for _, x := range list {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// timeOf reads an instant from event data: a time.Time before storage, an
// RFC 3339 string after.
func timeOf(v any) time.Time {
	switch t := v.(type) {
	case time.Time:
		return t
	case string:
		if p, err := time.Parse(time.RFC3339Nano, t); err == nil {
			return p
		}
	}
	return time.Time{}
}
