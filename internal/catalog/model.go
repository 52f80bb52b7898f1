// Package catalog is the catalogue of administrative procedures (thủ tục
// hành chính) as validated, versioned data: each procedure with its
// channels, processing time, fees, legal basis, required documents and
// result, the workflow that routes its dossiers through agencies and roles,
// and its e-form. A dossier keeps the versions it started with; a new
// version never changes dossiers in flight.
//
// The JSON form of these types is the catalogue's exchange format (egov
// catalog import/export, the converter of the national portal's data).
package catalog

import "time"

// Text is a text in Vietnamese, optionally in English.
type Text struct {
	VI string `json:"vi"`
	EN string `json:"en,omitempty"`
}

// In returns the text in lang, falling back to Vietnamese.
func (t Text) In(lang string) string {
	if lang == "en" && t.EN != "" {
		return t.EN
	}
	return t.VI
}

// Level is the tier of government that implements a procedure.
type Level string

const (
	LevelMinistry Level = "ministry" // cấp bộ (national)
	LevelProvince Level = "province" // cấp tỉnh
	LevelCommune  Level = "commune"  // cấp xã
)

// Channel is a way to submit a dossier.
type Channel string

const (
	ChannelOnline   Channel = "online"    // trực tuyến
	ChannelPost     Channel = "post"      // bưu chính
	ChannelInPerson Channel = "in_person" // trực tiếp
)

// Online says how much of a procedure can be done online (Decree 42/2022).
type Online string

const (
	OnlineFull    Online = "full"    // dịch vụ công trực tuyến toàn trình
	OnlinePartial Online = "partial" // một phần
	OnlineNone    Online = "none"
)

// TimeUnit is the unit of a processing time.
type TimeUnit string

const (
	WorkingDays  TimeUnit = "working_days"
	WorkingHours TimeUnit = "working_hours"
	CalendarDays TimeUnit = "calendar_days"
)

// Term is a processing time: N units.
type Term struct {
	N    float64  `json:"n"`
	Unit TimeUnit `json:"unit"`
	Note string   `json:"note,omitempty"` // conditions, e.g. "10 ngày nếu phải xác minh"
}

// FeeKind tells fees from charges (phí, lệ phí).
type FeeKind string

const (
	KindFee    FeeKind = "fee"    // phí
	KindCharge FeeKind = "charge" // lệ phí
)

// Fee is an amount due for a procedure.
type Fee struct {
	Name   string  `json:"name"`
	Kind   FeeKind `json:"kind"`
	Amount int64   `json:"amount"`           // đồng; 0 with a Note when it varies
	Note   string  `json:"note,omitempty"`   // who is exempt, how it varies
	SetBy  string  `json:"set_by,omitempty"` // the act that sets it, e.g. "Thông tư 85/2019/TT-BTC"
}

// LegalDoc is a legal basis of the procedure.
type LegalDoc struct {
	Number string `json:"number,omitempty"` // e.g. "123/2015/NĐ-CP"
	Title  string `json:"title"`
}

// Document is a required document (thành phần hồ sơ).
type Document struct {
	Name      string `json:"name"`
	Originals int    `json:"originals,omitempty"` // bản chính
	Copies    int    `json:"copies,omitempty"`    // bản sao
	Template  string `json:"template,omitempty"`  // template file name (mẫu đơn, tờ khai)
	Optional  bool   `json:"optional,omitempty"`
	Note      string `json:"note,omitempty"`
	// Registry names the base registry that can supply the document so
	// the applicant need not (e.g. "population", "enterprise", "land").
	Registry string `json:"registry,omitempty"`
	// Signed says the document must be an e-document carrying its
	// issuer's digital signature (an e-result of another procedure, a
	// certificate issued electronically): a file without a valid signature
	// is refused at upload and at submission.
	Signed bool `json:"signed,omitempty"`
}

// AgencyRef names agencies: a specific agency by its code, or, for
// procedures every commune or department implements, a kind relative to
// the dossier ("the commune where it is received").
type AgencyRef struct {
	Code string `json:"code,omitempty"` // official agency code
	Kind string `json:"kind,omitempty"` // identity.AgencyKind: commune, department, centre...
	Note string `json:"note,omitempty"` // as the national portal names it
}

// Procedure is one administrative procedure.
type Procedure struct {
	Code       string      `json:"code"` // national code, e.g. "1.001193"
	Name       string      `json:"name"`
	NameEn     string      `json:"name_en,omitempty"`
	Field      string      `json:"field"` // lĩnh vực, e.g. "Hộ tịch"
	Level      Level       `json:"level"`
	Applicants []string    `json:"applicants,omitempty"` // citizen, business, organisation
	Receivers  []AgencyRef `json:"receivers"`
	Decider    AgencyRef   `json:"decider"`
	Channels   []Channel   `json:"channels"`
	Online     Online      `json:"online"`
	Time       Term        `json:"time"`
	Fees       []Fee       `json:"fees,omitempty"`
	LegalBasis []LegalDoc  `json:"legal_basis,omitempty"`
	Conditions []string    `json:"conditions,omitempty"`
	Documents  []Document  `json:"documents"`
	Steps      []string    `json:"steps,omitempty"`    // trình tự thực hiện, as published
	Result     string      `json:"result"`             // e.g. "Giấy khai sinh"
	Workflow   string      `json:"workflow"`           // key of the workflow
	Form       string      `json:"form,omitempty"`     // key of the e-form
	Decision   string      `json:"decision,omitempty"` // the act that published it, e.g. "1085/QĐ-BTP"
	SourceURL  string      `json:"source_url,omitempty"`
	// Flags are what the converter could not parse and a person must
	// check (e.g. "time: garbled").
	Flags []string `json:"flags,omitempty"`
	// Draft procedures are stored but not published: the portal does not
	// show them and dossiers cannot use them. Imported data that is not
	// complete yet (no processing time, no result) loads as a draft for an
	// administrator to finish.
	Draft bool `json:"draft,omitempty"`
}

// Version is a stored version of a catalogue item.
type Version struct {
	Version   int       `json:"version"`
	Hash      string    `json:"hash"`
	CreatedAt time.Time `json:"created_at"`
	CreatedBy string    `json:"created_by"`
}
