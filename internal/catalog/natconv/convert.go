package natconv

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"egov/internal/catalog"
)

// Flags: "area: problem", optionally followed by " (detail)". The part
// before " (" is the flag's key in reports.
const (
	FlagTimeNotStated    = "time: not stated"
	FlagTimeUnitMissing  = "time: unit missing"
	FlagTimeUnitFromText = "time: unit from text"
	FlagTimeConverted    = "time: converted to calendar days"
	FlagTimeGlued        = "time: glued to fee, split guessed"
	FlagFeeThousands     = "fee: amount published in thousands, corrected from note"
	FlagFeeImplausible   = "fee: implausible amount"
	FlagFeeUSD           = "fee: in USD"
	FlagFeeKindGuessed   = "fee: kind guessed"
	FlagFeeFreeButNote   = "fee: free but note names amounts"
	FlagFeeUnstatedNote  = "fee: not stated but note names amounts"
	FlagFeeUnparsed      = "fee: unparsed"
	FlagChannelsNone     = "channels: none"
	FlagDocsNone         = "documents: none"
	FlagDocsUnsplit      = "documents: text not split into documents"
	FlagDocsTemplate     = "documents: template name boundary guessed"
	FlagLegalNone        = "legal: none"
	FlagLegalNoNumber    = "legal: title without number"
	FlagLegalCut         = "legal: number cut short"
	FlagLevelSeveral     = "level: several"
	FlagLevelOther       = "level: other agency"
	FlagLevelUnknown     = "level: unknown"
	FlagApplicantUnknown = "applicants: unknown"
	FlagResultMissing    = "result: missing"
	FlagOnlineInferred   = "online: inferred"
	FlagWorkflowDefault  = "workflow: default"
)

// Advisory flags record a default the converter chose where the portal
// is silent; they are expected on most procedures and do not mean the
// data is broken.
var Advisory = []string{FlagOnlineInferred, FlagWorkflowDefault, FlagLevelSeveral}

// FlagKey is the key of a flag: its text before any " (detail)".
func FlagKey(f string) string {
	if i := strings.Index(f, " ("); i >= 0 {
		return f[:i]
	}
	return f
}

// DefaultWorkflows are the workflow keys given by level.
var DefaultWorkflows = map[catalog.Level]string{
	catalog.LevelCommune:  "xa-mot-cap",
	catalog.LevelProvince: "tinh-so-nganh",
	catalog.LevelMinistry: "bo-nganh",
}

type flags []string

func (f *flags) add(key string, detail ...string) {
	s := key
	if len(detail) > 0 && detail[0] != "" {
		d := detail[0]
		if r := []rune(d); len(r) > 80 {
			d = string(r[:80]) + "…"
		}
		s += " (" + d + ")"
	}
	if !slices.Contains(*f, s) {
		*f = append(*f, s)
	}
}

// Convert converts one crawled page. The flags (also in the procedure's
// Flags) list what a person must check.
func Convert(raw Raw) (catalog.Procedure, []string) {
	var fl flags
	p := catalog.Procedure{
		Code:      clean(raw.Code),
		Name:      clean(raw.Name),
		Field:     clean(raw.Field),
		Decision:  cleanCell(raw.Decision),
		SourceURL: clean(raw.DetailURL),
		Receivers: []catalog.AgencyRef{},
		Documents: []catalog.Document{},
	}
	p.Level = convertLevel(raw.Level, &fl)
	p.Applicants = convertApplicants(raw.Applicants, &fl)
	p.Receivers, p.Decider = convertAgencies(p.Level, raw)
	p.Steps = lines(raw.Steps)
	convertLegal(&p, raw.LegalBasis, &fl)
	convertMethods(&p, raw, &fl)
	convertDocuments(&p, raw.Documents, &fl)
	p.Conditions = lines(raw.Conditions)
	p.Result = convertResult(raw.Result)
	if p.Result == "" {
		fl.add(FlagResultMissing)
	}
	p.Workflow = DefaultWorkflows[p.Level]
	if p.Workflow != "" {
		fl.add(FlagWorkflowDefault)
	}
	p.Flags = fl
	// What a person must still settle (a time without a unit, no result)
	// loads as a draft: stored and flagged, not published.
	if p.ValidatePublished() != nil {
		p.Draft = true
	}
	return p, fl
}

// convertLevel picks the lowest level that applies: a provincial
// catalogue implements a procedure at commune level if communes do it.
func convertLevel(s string, fl *flags) catalog.Level {
	s = clean(s)
	var lv catalog.Level
	n := 0
	for _, part := range strings.Split(s, ",") {
		switch strings.ToLower(strings.TrimSpace(part)) {
		case "cấp xã":
			lv = catalog.LevelCommune
			n++
		case "cấp tỉnh":
			if lv != catalog.LevelCommune {
				lv = catalog.LevelProvince
			}
			n++
		case "cấp bộ":
			if lv == "" {
				lv = catalog.LevelMinistry
			}
			n++
		case "cơ quan khác":
			n++
		}
	}
	switch {
	case lv == "" && strings.Contains(strings.ToLower(s), "cơ quan khác"):
		// Chambers of commerce, social insurance...: national bodies.
		fl.add(FlagLevelOther, s)
		return catalog.LevelMinistry
	case lv == "":
		fl.add(FlagLevelUnknown, s)
		return ""
	case n > 1:
		fl.add(FlagLevelSeveral, s)
	}
	return lv
}

// applicantKinds maps the portal's applicant categories, longest first
// (several contain commas, so the list is matched, not split).
var applicantKinds = []struct{ text, kind string }{
	{"Tổ chức (không bao gồm doanh nghiệp, HTX)", "organisation"},
	{"Cán bộ, công chức, viên chức", "citizen"},
	{"Doanh nghiệp có vốn đầu tư nước ngoài", "business"},
	{"Người Việt Nam định cư ở nước ngoài", "citizen"},
	{"Người nước ngoài cư trú tại Việt Nam", "foreigner"},
	{"Doanh nghiệp Việt Nam", "business"},
	{"Công dân Việt Nam", "citizen"},
	{"Người nước ngoài", "foreigner"},
	{"Tổ chức nước ngoài", "organisation"},
	{"Tổ chức Đảng", "organisation"},
	{"Doanh nghiệp", "business"},
	{"Hợp tác xã", "business"},
	{"Đảng viên", "citizen"},
	{"Tổ chức", "organisation"},
}

var applicantOrder = []string{"citizen", "business", "organisation", "foreigner"}

func convertApplicants(s string, fl *flags) []string {
	s = cleanCell(s)
	seen := map[string]bool{}
	for _, a := range applicantKinds {
		if strings.Contains(s, a.text) {
			seen[a.kind] = true
			s = strings.ReplaceAll(s, a.text, "")
		}
	}
	if rest := strings.Trim(s, " ,;."); rest != "" {
		fl.add(FlagApplicantUnknown, rest)
	}
	var out []string
	for _, k := range applicantOrder {
		if seen[k] {
			out = append(out, k)
		}
	}
	return out
}

// convertAgencies names agencies by kind, relative to the dossier: the
// portal names them generically ("Sở Tư pháp", "Ủy ban nhân dân cấp
// xã"), the province's catalogue maps them to its own agencies' codes.
func convertAgencies(lv catalog.Level, raw Raw) ([]catalog.AgencyRef, catalog.AgencyRef) {
	impl := cleanCell(raw.Implementer)
	auth := cleanCell(raw.Authority)
	if auth == "" {
		auth = impl
	}
	kind := "other"
	switch lv {
	case catalog.LevelCommune:
		kind = "commune"
	case catalog.LevelProvince:
		kind = "department"
	}
	decider := catalog.AgencyRef{Kind: kind, Note: auth}
	if lv == catalog.LevelProvince && provincialCommittee(auth) {
		decider.Kind = "committee"
	}
	return []catalog.AgencyRef{{Kind: kind, Note: impl}}, decider
}

func provincialCommittee(s string) bool {
	s = strings.ToLower(s)
	return (strings.Contains(s, "ủy ban nhân dân") || strings.Contains(s, "uỷ ban nhân dân") || strings.Contains(s, "ubnd")) &&
		strings.Contains(s, "tỉnh") && !strings.Contains(s, "do ủy ban") && !strings.HasPrefix(s, "sở")
}

var resultCodeRe = regexp.MustCompile(`Mã: ?KQ(?:\.[A-Z]?\d+)*`)

// convertResult keeps the result names, without their codes ("Mã:
// KQ.G15.000300") and the page furniture after them.
func convertResult(s string) string {
	s = clean(stripDebris(s))
	var parts []string
	for _, p := range resultCodeRe.Split(s, -1) {
		if p = cleanCell(strings.Trim(p, " ;,")); p != "" && !slices.Contains(parts, p) {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, "; ")
}

var channelLabel = map[catalog.Channel]string{
	catalog.ChannelOnline:   "Trực tuyến",
	catalog.ChannelPost:     "Dịch vụ bưu chính",
	catalog.ChannelInPerson: "Trực tiếp",
}

func convertMethods(p *catalog.Procedure, raw Raw, fl *flags) {
	rows := parseMethods(raw.Methods)
	p.Channels = []catalog.Channel{}
	for _, c := range []catalog.Channel{catalog.ChannelOnline, catalog.ChannelPost, catalog.ChannelInPerson} {
		for _, r := range rows {
			if r.Channel == c {
				p.Channels = append(p.Channels, c)
				break
			}
		}
	}
	if len(rows) == 0 {
		fl.add(FlagChannelsNone)
	}
	p.Online = catalog.OnlineNone
	if slices.Contains(p.Channels, catalog.ChannelOnline) {
		p.Online = catalog.OnlinePartial
		fl.add(FlagOnlineInferred)
	}
	p.Time = chooseTerm(rows, p.Steps, fl)
	p.Fees = convertFees(rows, p.Channels, legalTitles(p.LegalBasis), fl)
}

// chooseTerm picks the processing time: the most common among the rows
// that parse, ties going to online, then in person, then post. Other
// channels' times, when different, and the description go to the note.
func chooseTerm(rows []methodRow, steps []string, fl *flags) catalog.Term {
	type cand struct {
		t     catalog.Term
		row   methodRow
		count int
	}
	var cands []*cand
	var loose []methodRow // a number with no unit
	for _, r := range rows {
		t, conv, ok := parseTerm(r.Time)
		if r.Glued {
			fl.add(FlagTimeGlued, r.Time)
		}
		if !ok {
			if t.N > 0 {
				loose = append(loose, r)
			}
			continue
		}
		if conv != "" {
			fl.add(FlagTimeConverted, r.Time)
		}
		found := false
		for _, c := range cands {
			if c.t == t {
				c.count++
				found = true
			}
		}
		if !found {
			cands = append(cands, &cand{t: t, row: r, count: 1})
		}
	}
	rank := map[catalog.Channel]int{catalog.ChannelOnline: 0, catalog.ChannelInPerson: 1, catalog.ChannelPost: 2}
	slices.SortStableFunc(cands, func(a, b *cand) int {
		if a.count != b.count {
			return b.count - a.count
		}
		return rank[a.row.Channel] - rank[b.row.Channel]
	})
	var t catalog.Term
	var chosen methodRow
	switch {
	case len(cands) > 0:
		t, chosen = cands[0].t, cands[0].row
	case len(loose) > 0:
		chosen = loose[0]
		t, _, _ = parseTerm(chosen.Time)
		if u, ok := unitInText(t.N, append([]string{chosen.Desc, chosen.FeeNote}, steps...)...); ok {
			t.Unit = u
			fl.add(FlagTimeUnitFromText, chosen.Time)
		} else {
			fl.add(FlagTimeUnitMissing, chosen.Time)
		}
	default:
		detail := ""
		if len(rows) > 0 {
			chosen = rows[0]
			detail = rows[0].Time
		}
		fl.add(FlagTimeNotStated, detail)
	}
	var note []string
	if t.N == 0 && cleanCell(chosen.Time) != "" {
		note = append(note, cleanCell(chosen.Time))
	}
	if chosen.Desc != "" {
		note = append(note, chosen.Desc)
	}
	for _, r := range rows {
		if r.Time != chosen.Time && r.Time != "" {
			s := channelLabel[r.Channel] + ": " + r.Time
			if !slices.Contains(note, s) {
				note = append(note, s)
			}
		}
	}
	t.Note = strings.Join(note, "; ")
	return t
}

// legalTitles is the legal basis as one text, for telling fees from
// charges when the fee's own note does not say.
func legalTitles(docs []catalog.LegalDoc) string {
	var b strings.Builder
	for _, d := range docs {
		b.WriteString(d.Title)
		b.WriteString(". ")
	}
	return b.String()
}

func convertFees(rows []methodRow, channels []catalog.Channel, legal string, fl *flags) []catalog.Fee {
	type entry struct {
		fee      catalog.Fee
		channels []catalog.Channel
	}
	var entries []*entry
	for _, r := range rows {
		cell, ok := parseFeeCell(r.Fee)
		note := clean(r.FeeNote)
		vnd, usd := noteAmounts(note)
		switch {
		case !ok:
			fl.add(FlagFeeUnparsed, r.Fee)
			continue
		case cell.Free:
			if len(vnd)+len(usd) > 0 {
				fl.add(FlagFeeFreeButNote)
			}
			continue
		case cell.Unstated:
			if len(vnd)+len(usd) > 0 {
				fl.add(FlagFeeUnstatedNote)
			}
			continue
		}
		kind, known := feeKind(note)
		if !known {
			kind, known = feeKind(r.Desc)
		}
		if !known {
			kind, known = feeKind(legal)
		}
		if !known {
			fl.add(FlagFeeKindGuessed)
		}
		f := catalog.Fee{Kind: kind, Name: feeName(note, kind), Amount: cell.Amount, Note: note, SetBy: setBy(note)}
		switch {
		case cell.Currency == "USD" || (cell.Amount < 1000 && slices.Contains(usd, cell.Amount)):
			fl.add(FlagFeeUSD, cell.Raw)
			f.Amount = 0
			f.Note = joinNote(fmt.Sprintf("%d USD", cell.Amount), note)
		case cell.Amount < 1000 && slices.Contains(vnd, cell.Amount*1000):
			fl.add(FlagFeeThousands, cell.Raw)
			f.Amount = cell.Amount * 1000
		case cell.Amount < 1000:
			fl.add(FlagFeeImplausible, cell.Raw)
			f.Amount = 0
			f.Note = joinNote("Cổng DVC quốc gia ghi: "+cell.Raw, note)
		}
		// The same fee on several rows, its note worded a little
		// differently per channel, is one fee; amounts the converter could
		// not read (0) are told apart by their notes.
		var e *entry
		for _, x := range entries {
			if x.fee.Kind == f.Kind && x.fee.Amount == f.Amount && x.fee.Name == f.Name && (f.Amount > 0 || x.fee.Note == f.Note) {
				e = x
			}
		}
		if e == nil {
			e = &entry{fee: f}
			entries = append(entries, e)
		}
		if !slices.Contains(e.channels, r.Channel) {
			e.channels = append(e.channels, r.Channel)
		}
	}
	var out []catalog.Fee
	for _, e := range entries {
		if len(e.channels) < len(channels) {
			var names []string
			for _, c := range channels {
				if slices.Contains(e.channels, c) {
					names = append(names, channelLabel[c])
				}
			}
			e.fee.Note = joinNote("Áp dụng khi nộp: "+strings.Join(names, ", "), e.fee.Note)
		}
		out = append(out, e.fee)
	}
	return out
}

func joinNote(a, b string) string {
	if b == "" {
		return a
	}
	if a == "" {
		return b
	}
	return a + "; " + b
}

func convertDocuments(p *catalog.Procedure, s string, fl *flags) {
	res := parseDocuments(s)
	p.Documents = append(p.Documents, res.Docs...)
	for _, u := range res.Unsplit {
		fl.add(FlagDocsUnsplit, u)
		p.Documents = append(p.Documents, catalog.Document{Name: u, Note: "Chưa tách được (cần kiểm tra)"})
	}
	if res.Guessed > 0 {
		fl.add(FlagDocsTemplate)
	}
	if len(p.Documents) == 0 {
		fl.add(FlagDocsNone)
	}
}

func convertLegal(p *catalog.Procedure, s string, fl *flags) {
	res := parseLegal(s)
	p.LegalBasis = res.Docs
	if len(res.Docs) == 0 {
		fl.add(FlagLegalNone)
	}
	for _, t := range res.NoNumber {
		fl.add(FlagLegalNoNumber, t)
	}
	for _, n := range res.Malformed {
		fl.add(FlagLegalCut, n)
	}
}
