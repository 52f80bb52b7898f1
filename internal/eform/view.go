package eform

import (
	"strings"

	"egov/internal/adminunits"
	"egov/internal/apperr"
)

// FieldView is what a template needs to render one field: texts in the
// page's language, the control to use, the submitted values, the state
// that conditions give it, and its error. The web package renders it; no
// HTML is produced here.
type FieldView struct {
	ID           string // element id: "f-" + Name
	Name         string // the input's name
	Type         Type
	Control      string // "input", "textarea", "select", "radio", "checkbox", "file", "address"
	InputType    string // for Control "input": "text", "number", "date", "tel", "email"
	InputMode    string // "numeric", "decimal", "tel", "email" or ""
	Autocomplete string // "tel", "email" or ""
	Label        string
	Help         string
	HelpID       string // "f-<name>-help" when there is help
	Required     bool   // required now (Required, or RequireIf holds)
	Visible      bool   // false when ShowIf does not hold on the current values
	Conditional  bool   // visibility or requirement depends on other fields: a script may update it live
	Value        string // the submitted value of a single-valued field
	Options      []OptionView
	MaxLength    int    // text, long_text
	Min, Max     string // number, money, date: HTML attribute values ("today" resolved)
	Accept       string // file: comma-separated MIME types, for the accept attribute
	MaxSize      int64  // file
	Multiple     bool   // file: more than one file allowed
	Address      *AddressView
	Error        string // the field's first error in the page's language
	ErrorKey     string
	ErrorID      string // "f-<name>-error" when there is an error
	Invalid      bool   // aria-invalid
	DescribedBy  string // aria-describedby: help and error ids, space-separated
}

// OptionView is one option of a choice, with its state.
type OptionView struct {
	Value    string
	Label    string
	Selected bool
}

// AddressView holds the parts of an address field: the province list,
// the communes of the chosen province (none until one is chosen), the
// street, the free text, and each part's error.
type AddressView struct {
	ProvinceName, CommuneName, StreetName, FreeTextName string // input names
	Provinces                                           []OptionView
	Communes                                            []OptionView
	Street, FreeText                                    string
	ProvinceError, CommuneError, StreetError            string
}

// View returns the fields of the form ready to render in lang ("vi" or
// "en"), with the submitted values (nil for an empty form) and the errors
// of a previous Check. Visibility and requiredness are evaluated on the
// values, as Check does.
func (f Form) View(lang string, values Values, errs []apperr.FieldError, opts ...CheckOption) []FieldView {
	st := f.evaluate(values, opts)
	cfg := checkConfig{}
	for _, o := range opts {
		o(&cfg)
	}
	today := cfg.today
	if today == (Date{}) {
		today = dateOf(timeNow())
	}
	msg := func(e apperr.FieldError) string {
		if lang == "en" {
			return e.EN
		}
		return e.VI
	}
	out := make([]FieldView, 0, len(f.Fields))
	for _, fd := range f.Fields {
		v := FieldView{
			ID: "f-" + fd.Name, Name: fd.Name, Type: fd.Type,
			Label: fd.Label.In(lang), Help: fd.Help.In(lang),
			Required: st.required[fd.Name], Visible: st.visible[fd.Name],
			Conditional: fd.ShowIf != nil || fd.RequireIf != nil,
			MaxLength:   fd.MaxLength,
		}
		if len(values[fd.Name]) > 0 {
			v.Value = values[fd.Name][0]
		}
		if fd.Required {
			v.Required = true // a hidden required field is required once shown
		}
		switch fd.Type {
		case TypeText, TypePersonalID, TypeEnterpriseCode:
			v.Control, v.InputType = "input", "text"
			if fd.Type != TypeText {
				v.InputMode = "numeric"
			}
			if fd.Type == TypeText && v.MaxLength == 0 {
				v.MaxLength = DefaultTextLength
			}
		case TypeLongText:
			v.Control = "textarea"
			if v.MaxLength == 0 {
				v.MaxLength = DefaultLongTextLength
			}
		case TypeNumber:
			// type=text with inputmode: a number input would refuse "12,5".
			v.Control, v.InputType, v.InputMode = "input", "text", "decimal"
		case TypeMoney:
			v.Control, v.InputType, v.InputMode = "input", "text", "numeric"
		case TypeDate:
			v.Control, v.InputType = "input", "date"
		case TypePhone:
			v.Control, v.InputType, v.InputMode, v.Autocomplete = "input", "tel", "tel", "tel"
		case TypeEmail:
			v.Control, v.InputType, v.InputMode, v.Autocomplete = "input", "email", "email", "email"
		case TypeChoice:
			v.Control = "select"
			if len(fd.Options) <= 5 {
				v.Control = "radio"
			}
		case TypeMultiChoice:
			v.Control = "checkbox"
		case TypeFile:
			v.Control = "file"
			accept := fd.Accept
			if len(accept) == 0 {
				accept = DefaultAccept
			}
			v.Accept = strings.Join(accept, ",")
			v.MaxSize = fd.MaxSize
			if v.MaxSize == 0 {
				v.MaxSize = DefaultMaxSize
			}
			v.Multiple = fd.MaxFiles > 1
			v.Value = ""
		case TypeAddress:
			v.Control = "address"
			v.Address = addressView(fd.Name, lang, values)
		}
		for _, o := range fd.Options {
			sel := false
			for _, s := range values[fd.Name] {
				if strings.TrimSpace(s) == o.Value {
					sel = true
				}
			}
			v.Options = append(v.Options, OptionView{Value: o.Value, Label: o.Label.In(lang), Selected: sel})
		}
		for _, b := range []struct {
			l   Limit
			out *string
		}{{fd.Min, &v.Min}, {fd.Max, &v.Max}} {
			if b.l == "" {
				continue
			}
			if bv, ok := parseLimit(fd.Type, b.l, today); ok {
				switch x := bv.(type) {
				case Date:
					*b.out = x.String()
				default:
					*b.out = string(b.l)
				}
			}
		}
		for _, e := range errs {
			switch {
			case e.Field == fd.Name:
			case v.Address != nil && e.Field == fd.Name+".province":
				v.Address.ProvinceError = msg(e)
			case v.Address != nil && e.Field == fd.Name+".commune":
				v.Address.CommuneError = msg(e)
			case v.Address != nil && e.Field == fd.Name+".street":
				v.Address.StreetError = msg(e)
			default:
				continue
			}
			if v.Error == "" {
				v.Error, v.ErrorKey = msg(e), e.Key
			}
		}
		var ids []string
		if v.Help != "" {
			v.HelpID = v.ID + "-help"
			ids = append(ids, v.HelpID)
		}
		if v.Error != "" {
			v.ErrorID, v.Invalid = v.ID+"-error", true
			ids = append(ids, v.ErrorID)
		}
		v.DescribedBy = strings.Join(ids, " ")
		out = append(out, v)
	}
	return out
}

func addressView(name, lang string, values Values) *AddressView {
	first := func(k string) string {
		if vs := values[k]; len(vs) > 0 {
			return strings.TrimSpace(vs[0])
		}
		return ""
	}
	a := &AddressView{
		ProvinceName: name + ".province", CommuneName: name + ".commune", StreetName: name + ".street", FreeTextName: name,
		Street: first(name + ".street"), FreeText: first(name),
	}
	prov, comm := first(a.ProvinceName), first(a.CommuneName)
	if prov == "" && comm != "" {
		if c, ok := adminunits.CommuneByCode(comm); ok {
			prov = c.ProvinceCode
		}
	}
	for _, p := range adminunits.Provinces() {
		label := p.FullName
		if lang == "en" {
			label = p.FullNameEn
		}
		a.Provinces = append(a.Provinces, OptionView{Value: p.Code, Label: label, Selected: p.Code == prov})
	}
	for _, c := range adminunits.Communes(prov) {
		label := c.FullName
		if lang == "en" {
			label = c.FullNameEn
		}
		a.Communes = append(a.Communes, OptionView{Value: c.Code, Label: label, Selected: c.Code == comm})
	}
	return a
}
