package forms

import (
	"bytes"
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"egov/internal/apperr"
	"egov/internal/catalog"
	"egov/internal/dossier"
	"egov/internal/identity"
)

// ErrNotAvailable answers a form the dossier does not have (yet): a
// receipt before receipt, a refusal of a dossier that was not refused.
var ErrNotAvailable = apperr.New(apperr.NotFound, "forms.not_available",
	"Hồ sơ chưa có phiếu này.", "This dossier has no such form (yet).")

// Dossiers is what the printer needs of the dossier service: it reads
// dossiers as the person asking may see them.
type Dossiers interface {
	Get(ctx context.Context, p *identity.Principal, code string) (dossier.View, error)
	Register(ctx context.Context, p *identity.Principal, unitID int64, from, to time.Time) ([]dossier.View, bool, error)
}

// Catalog gives the procedure a dossier started with.
type Catalog interface {
	ProcedureAt(ctx context.Context, code string, version int) (catalog.Procedure, error)
}

// Directory names agencies.
type Directory interface {
	Agency(ctx context.Context, id int64) (identity.Agency, error)
}

// Printer prints a dossier's forms and a unit's register for whoever may
// see them: the dossier service decides who sees what.
type Printer struct {
	Dossiers  Dossiers
	Catalog   Catalog
	Directory Directory
	// PublicURL is the portal's base address, for the tracking QR code.
	PublicURL string
	// Place is the date line's place name ("Lạng Sơn").
	Place string
	Now   func() time.Time
	// Sign adds the issuing agency's signature to the forms it issues
	// (receipt, supplement request, refusal, apology, stop notice), and
	// Archive keeps each signed form as first issued; nil prints unsigned
	// forms on request.
	Sign    SignFunc
	Archive *Archive
}

// Printed is a printed form.
type Printed struct {
	Name string // file name, e.g. "giay-tiep-nhan-000.01.20.H37-260302-0001.pdf"
	PDF  []byte
}

// fileNames are the printed forms' file names, by kind.
var fileNames = map[Kind]string{
	Receipt: "giay-tiep-nhan", SupplementRequest: "phieu-yeu-cau-bo-sung", Refusal: "phieu-tu-choi",
	Apology: "phieu-xin-loi-hen-lai", StopNotice: "thong-bao-dung-giai-quyet", ControlSheet: "phieu-kiem-soat",
	Register: "so-theo-doi-ho-so",
}

// Slug names a form in addresses and file names ("giay-tiep-nhan").
func Slug(k Kind) string { return fileNames[k] }

// KindOf is the form a slug names.
func KindOf(slug string) (Kind, bool) {
	for k, s := range fileNames {
		if s == slug {
			return k, true
		}
	}
	return "", false
}

// noticeForms are the forms that notifications of each kind stand for:
// the applicant is told of the receipt, the supplement request, the
// refusal, the apology or the stop, and gets the form the desk issued.
var noticeForms = map[string]Kind{
	"receive": Receipt, "request_supplement": SupplementRequest, "refuse": Refusal, "extend": Apology, "stop": StopNotice,
}

// OfNotice is the form a notification of kind stands for, if any.
func OfNotice(kind string) (Kind, bool) {
	k, ok := noticeForms[kind]
	return k, ok
}

// signedBy are the actions whose official signs each form.
var signedBy = map[Kind]catalog.Action{
	Receipt: catalog.ActReceive, SupplementRequest: catalog.ActRequestSupplement, Refusal: catalog.ActRefuse,
	Apology: catalog.ActExtend, StopNotice: catalog.ActStop,
}

func (p *Printer) now() time.Time {
	if p.Now != nil {
		return p.Now()
	}
	return time.Now()
}

// Dossier prints one of a dossier's forms, if the dossier has it.
func (p *Printer) Dossier(ctx context.Context, who *identity.Principal, code string, kind Kind) (Printed, error) {
	v, err := p.Dossiers.Get(ctx, who, code)
	if err != nil {
		return Printed{}, err
	}
	if !slices.Contains(Available(v), kind) {
		return Printed{}, ErrNotAvailable
	}
	return p.print(ctx, v, kind)
}

// View prints a form of a dossier already read (by its applicant, for an
// e-mail); it does not check who may see it.
func (p *Printer) View(ctx context.Context, v dossier.View, kind Kind) (Printed, error) {
	if !slices.Contains(Available(v), kind) {
		return Printed{}, ErrNotAvailable
	}
	return p.print(ctx, v, kind)
}

func (p *Printer) print(ctx context.Context, v dossier.View, kind Kind) (Printed, error) {
	x := Extra{Address: addressOf(v.Data)}
	if pr, err := p.Catalog.ProcedureAt(ctx, v.ProcedureCode, v.ProcedureVersion); err == nil {
		x.Procedure, x.ProcessingTime = pr.Name, termText(pr.Time)
	}
	// The one-stop unit issues the forms of reception; the deciding
	// agency apologises and stops.
	issuer := v.ReceivingUnitID
	if (kind == Apology || kind == StopNotice) && v.DeciderID != 0 {
		issuer = v.DeciderID
	}
	var err error
	if x.Agency, err = p.agency(ctx, issuer); err != nil {
		return Printed{}, err
	}
	opt := p.options()
	var event dossier.Event
	if a, ok := signedBy[kind]; ok {
		for _, e := range slices.Backward(v.Events) {
			if e.Action == string(a) {
				x.Signer.Name = e.Actor
				event = e
				// The form is dated the day it was issued.
				opt.Now = e.At
				break
			}
		}
	}
	out := Printed{Name: fileNames[kind] + "-" + v.Code + ".pdf"}
	keep := p.Sign != nil && p.Archive != nil && event.ID != 0
	if keep {
		kept, ok, err := p.Archive.get(ctx, v.ID, kind, event.ID)
		if err != nil {
			return Printed{}, err
		}
		if ok {
			out.PDF = kept
			return out, nil
		}
	}
	opt.TrackingURL = TrackingURL(p.PublicURL, v.Code)
	var buf bytes.Buffer
	if err := Render(&buf, kind, FromView(v, x), opt); err != nil {
		return Printed{}, err
	}
	out.PDF = buf.Bytes()
	if !keep {
		return out, nil
	}
	signed, by, err := p.Sign(ctx, out.PDF, issuer)
	if err != nil {
		return Printed{}, err
	}
	if by == "" {
		return out, nil // the agency cannot sign yet: a view, printed again next time
	}
	if out.PDF, err = p.Archive.put(ctx, v.ID, kind, event.ID, signed, by); err != nil {
		return Printed{}, err
	}
	return out, nil
}

// RegisterOf prints a unit's register of the dossiers received in
// [from, to).
func (p *Printer) RegisterOf(ctx context.Context, who *identity.Principal, unitID int64, from, to time.Time) (Printed, error) {
	views, _, err := p.Dossiers.Register(ctx, who, unitID, from, to)
	if err != nil {
		return Printed{}, err
	}
	ag, err := p.agency(ctx, unitID)
	if err != nil {
		return Printed{}, err
	}
	names := map[string]string{}
	rows := make([]RegisterRow, len(views))
	for i, v := range views {
		key := v.ProcedureCode + "@" + strconv.Itoa(v.ProcedureVersion)
		name, ok := names[key]
		if !ok {
			if pr, err := p.Catalog.ProcedureAt(ctx, v.ProcedureCode, v.ProcedureVersion); err == nil {
				name = pr.Name
			}
			names[key] = name
		}
		rows[i] = RegisterRowOf(v, name, addressOf(v.Data))
	}
	var buf bytes.Buffer
	// The period's last day is the day before its end.
	period := Period{From: from, To: to.Add(-time.Nanosecond)}
	if err := RenderRegister(&buf, rows, ag, period, p.options()); err != nil {
		return Printed{}, err
	}
	loc := p.options().loc()
	name := fileNames[Register] + "-" + from.In(loc).Format("20060102") + "-" + period.To.In(loc).Format("20060102") + ".pdf"
	return Printed{Name: name, PDF: buf.Bytes()}, nil
}

func (p *Printer) options() Options {
	return Options{Place: p.Place, Now: p.now()}
}

func (p *Printer) agency(ctx context.Context, id int64) (Agency, error) {
	a, err := p.Directory.Agency(ctx, id)
	if err != nil {
		return Agency{}, err
	}
	out := Agency{Name: a.Name}
	if a.ParentID != 0 {
		if up, err := p.Directory.Agency(ctx, a.ParentID); err == nil {
			out.Superior = up.Name
		}
	}
	return out, nil
}

// addressOf finds the applicant's address among the e-form's values: the
// requester's residence (nyc_noi_cu_tru) in the national forms, else the
// first value named like an address.
func addressOf(data map[string]any) string {
	for _, k := range []string{"nyc_noi_cu_tru", "nyc_dia_chi", "dia_chi"} {
		if s, ok := data[k].(string); ok && strings.TrimSpace(s) != "" {
			return s
		}
	}
	keys := make([]string, 0, len(data))
	for k := range data {
		if strings.Contains(k, "dia_chi") || strings.Contains(k, "noi_cu_tru") {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		if s, ok := data[k].(string); ok && strings.TrimSpace(s) != "" {
			return s
		}
	}
	return ""
}

// termText says a processing time as the forms print it: "5 ngày làm việc".
func termText(t catalog.Term) string {
	if t.N <= 0 {
		return ""
	}
	n := strings.ReplaceAll(strconv.FormatFloat(t.N, 'f', -1, 64), ".", ",")
	switch t.Unit {
	case catalog.WorkingHours:
		return n + " giờ làm việc"
	case catalog.CalendarDays:
		return n + " ngày"
	}
	return n + " ngày làm việc"
}
