// Package forms prints the one-stop shop's forms of Circular
// 03/2025/TT-VPCP as PDF: the receipt and appointment slip, the
// supplement request, the refusal, the apology and new appointment, the
// notice of stopping processing, the processing control sheet (A5) and
// the dossier register (A4 landscape), in Vietnamese with an embedded
// font. The forms' numbers, titles, paper and layout are data
// (layout.json), since each new circular renumbers them.
package forms

import (
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"egov/internal/calendar"
)

// Kind is a form, named by purpose; its number lives in the layout.
type Kind string

const (
	Receipt           Kind = "receipt"            // giấy tiếp nhận hồ sơ và hẹn trả kết quả
	SupplementRequest Kind = "supplement_request" // phiếu yêu cầu bổ sung, hoàn thiện hồ sơ
	Refusal           Kind = "refusal"            // phiếu từ chối tiếp nhận, giải quyết hồ sơ
	Apology           Kind = "apology"            // phiếu xin lỗi và hẹn lại ngày trả kết quả
	StopNotice        Kind = "stop_notice"        // thông báo dừng giải quyết hồ sơ
	ControlSheet      Kind = "control_sheet"      // phiếu kiểm soát quá trình giải quyết hồ sơ
	Register          Kind = "register"           // sổ theo dõi hồ sơ (many dossiers: RenderRegister)
)

// DossierKinds are the forms about one dossier, in the circular's order.
var DossierKinds = []Kind{Receipt, SupplementRequest, Refusal, Apology, StopNotice, ControlSheet}

// ErrKind is returned for a kind that Render does not draw.
var ErrKind = errors.New("forms: unknown form kind (the register is drawn by RenderRegister)")

// Agency is the issuing unit as the header names it: its superior (the
// upper line, may be empty) and itself.
type Agency struct {
	Superior string
	Name     string
}

// Applicant is the person or organisation the dossier belongs to.
type Applicant struct {
	Name    string
	Address string
	Phone   string
}

// Document is one item received with the dossier.
type Document struct {
	Name   string
	Kind   string // bản chính, bản sao, bản điện tử...
	Copies int
}

// HandOver is one row of the processing control sheet.
type HandOver struct {
	From, To string
	At       time.Time
	Outcome  string // early | on_time | late | ""
	Note     string
}

// Extension is the apology's content: why the dossier is late and the
// new appointment.
type Extension struct {
	Reason         string
	OldDue, NewDue time.Time
}

// Person is who signs a form: Title replaces the layout's signer title
// when set (e.g. "KT. GIÁM ĐỐC").
type Person struct {
	Title string
	Name  string
}

// Data is what the per-dossier forms print. Zero values print as dots to
// fill in by hand, or leave out an optional line.
type Data struct {
	Code           string
	Procedure      string
	ProcessingTime string // e.g. "15 ngày làm việc"
	Agency         Agency
	Applicant      Applicant
	Documents      []Document
	Sets           int // number of sets of the dossier (1 by default)
	SubmittedAt    time.Time
	ReceivedAt     time.Time
	DueAt          time.Time
	StoppedAt      time.Time
	Deficiencies   []string // supplement request: each printed once
	Reasons        []string // refusal, stop notice
	Extension      Extension
	Processor      string   // the unit that decides (control sheet)
	Partners       []string // inter-agency partners (control sheet)
	HandOvers      []HandOver
	Signer         Person
}

// Options are the circumstances of printing.
type Options struct {
	// TrackingURL is the public look-up of the dossier, printed as a QR
	// code with the dossier code under it (see TrackingURL). Empty: no QR.
	TrackingURL string
	// Place is the place name of the date line ("Lạng Sơn").
	Place string
	// Now is the date of the form; zero means time.Now().
	Now time.Time
	// Location is the time zone of printed times; nil means Vietnam's.
	Location *time.Location
	// Layout replaces the embedded layout (tests, a new circular).
	Layout *Layout
}

// TrackingURL is the public look-up address of a dossier under base
// (e.g. "https://dichvucong.langson.gov.vn").
func TrackingURL(base, code string) string {
	return strings.TrimRight(base, "/") + "/tra-cuu-ho-so?ma=" + url.QueryEscape(code)
}

// Render writes one dossier's form as PDF. Every document is a separate
// fpdf instance, so Render may run concurrently. A form costs about 20 ms
// of CPU: fpdf parses each embedded face for every document and offers no
// way to share a parsed font between documents.
func Render(w io.Writer, kind Kind, d Data, opt Options) error {
	return render(w, kind, d, opt, nil)
}

func render(w io.Writer, kind Kind, d Data, opt Options, seen func(string)) error {
	l, err := opt.layout()
	if err != nil {
		return err
	}
	f, ok := l.Forms[kind]
	if !ok {
		return fmt.Errorf("%w: %q", ErrKind, kind)
	}
	doc, err := newDoc(l, f.Paper, f.Orientation, opt, seen)
	if err != nil {
		return err
	}
	doc.form(kind, f, d)
	return doc.output(w)
}

func (o Options) layout() (*Layout, error) {
	if o.Layout != nil {
		return o.Layout, o.Layout.check()
	}
	return DefaultLayout()
}

func (o Options) loc() *time.Location {
	if o.Location != nil {
		return o.Location
	}
	return calendar.Location()
}

func (o Options) now() time.Time {
	if o.Now.IsZero() {
		return time.Now()
	}
	return o.Now
}
