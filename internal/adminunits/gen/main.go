// Command gen writes the compact copy of Vietnam's administrative units
// that package adminunits embeds, from the full JSON of
// github.com/thanglequoc/vietnamese-provinces-database (MIT, Copyright (c)
// 2021 Thang Le Quoc). Run it with go generate in the package directory.
//
// The output keeps, per unit, the code, the type, the name and the English
// name; full names are stored only where they are not the type's prefix
// plus the name (e.g. "Ward Ha Giang 2"). Text is NFC. One correction is
// made: a full name that differs from the derived one only in letter case
// (the source has "xã Bắc Sơn") takes the derived form.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"slices"
	"strings"

	"golang.org/x/text/unicode/norm"
)

type srcUnit struct {
	Type, Code, Name, NameEn, FullName, FullNameEn string
	ProvinceCode                                   string
	AdministrativeUnitShortName                    string
	Wards                                          []srcUnit
}

// typeOf maps the source's unit names to egov's type names, with the
// Vietnamese prefix and English suffix that make a full name.
var types = map[string]struct{ typ, vi, en string }{
	"Tỉnh":      {"province", "Tỉnh", "Province"},
	"Thành phố": {"city", "Thành phố", "City"},
	"Xã":        {"commune", "Xã", "Commune"},
	"Phường":    {"ward", "Phường", "Ward"},
	"Đặc khu":   {"special_zone", "Đặc khu", "Special administrative region"},
}

func main() {
	in := flag.String("in", "../../../shared/data/vn-admin-units-2026.json", "source JSON")
	out := flag.String("out", "units.json", "output file")
	flag.Parse()
	if err := run(*in, *out); err != nil {
		log.Fatal(err)
	}
}

func run(in, out string) error {
	raw, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	var src []srcUnit
	if err := json.Unmarshal(raw, &src); err != nil {
		return err
	}
	slices.SortFunc(src, func(a, b srcUnit) int { return strings.Compare(a.Code, b.Code) })
	var b bytes.Buffer
	b.WriteString(`{"source":"github.com/thanglequoc/vietnamese-provinces-database (MIT, Copyright (c) 2021 Thang Le Quoc), file json/full_json_generated_data_vn_units_2026-07-25__20_49_07.json",` + "\n")
	b.WriteString(`"fields":["code","type","name","name_en","full_name (when not derived)","full_name_en (when not derived)"],` + "\n")
	b.WriteString(`"provinces":[`)
	communes := 0
	for i, p := range src {
		pt, ok := types[p.AdministrativeUnitShortName]
		if !ok || (pt.typ != "province" && pt.typ != "city") {
			return fmt.Errorf("province %s: unknown type %q", p.Code, p.AdministrativeUnitShortName)
		}
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("\n")
		b.WriteString("[" + row(p, pt.typ, pt.vi, pt.en) + ",[")
		slices.SortFunc(p.Wards, func(a, b srcUnit) int { return strings.Compare(a.Code, b.Code) })
		for j, w := range p.Wards {
			wt, ok := types[w.AdministrativeUnitShortName]
			if !ok || w.ProvinceCode != p.Code {
				return fmt.Errorf("unit %s: type %q, province %q", w.Code, w.AdministrativeUnitShortName, w.ProvinceCode)
			}
			if j > 0 {
				b.WriteString(",")
			}
			b.WriteString("\n [" + row(w, wt.typ, wt.vi, wt.en) + "]")
			communes++
		}
		b.WriteString("]]")
	}
	b.WriteString("\n]}\n")
	var check any
	if err := json.Unmarshal(b.Bytes(), &check); err != nil {
		return fmt.Errorf("generated JSON: %w", err)
	}
	log.Printf("%d provinces, %d communes, %d bytes", len(src), communes, b.Len())
	return os.WriteFile(out, b.Bytes(), 0o644)
}

// row returns the JSON array elements of one unit.
func row(u srcUnit, typ, vi, en string) string {
	nfc := norm.NFC.String
	name, nameEn, full, fullEn := nfc(u.Name), nfc(u.NameEn), nfc(u.FullName), nfc(u.FullNameEn)
	derived, derivedEn := vi+" "+name, nameEn+" "+en
	if strings.EqualFold(full, derived) {
		full = ""
	}
	if strings.EqualFold(fullEn, derivedEn) {
		fullEn = ""
	}
	cells := []string{u.Code, typ, name, nameEn}
	switch {
	case fullEn != "":
		cells = append(cells, full, fullEn)
	case full != "":
		cells = append(cells, full)
	}
	j, _ := json.Marshal(cells)
	return strings.TrimSuffix(strings.TrimPrefix(string(j), "["), "]")
}
