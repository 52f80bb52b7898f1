// Package adminunits is Vietnam's list of administrative units since the
// reorganisation of 1 July 2025: 34 provinces and centrally-run cities and
// their 3,321 communes, wards and special zones (there are no districts any
// more). It also matches the names people type against the list, whatever
// their case, accents or tone-mark placement, and recognises addresses
// written the old way, with a district.
//
// The list is embedded (units.json, generated from the MIT-licensed
// vietnamese-provinces-database by go generate; see README.md). Codes are
// data an administrator may have to correct, so callers that store units
// should keep their own copy and use this list to seed and validate it.
package adminunits

//go:generate go run ./gen -in ../../../shared/data/vn-admin-units-2026.json -out units.json

import (
	_ "embed"
	"encoding/json"
	"slices"
	"strings"
	"sync"
)

// Type is the kind of an administrative unit.
type Type string

const (
	TypeProvince    Type = "province"     // tỉnh
	TypeCity        Type = "city"         // thành phố trực thuộc trung ương
	TypeCommune     Type = "commune"      // xã
	TypeWard        Type = "ward"         // phường
	TypeSpecialZone Type = "special_zone" // đặc khu
)

// Province is a province or centrally-run city.
type Province struct {
	Code       string `json:"code"` // 2 digits, e.g. "20"
	Type       Type   `json:"type"`
	Name       string `json:"name"`      // "Lạng Sơn"
	FullName   string `json:"full_name"` // "Tỉnh Lạng Sơn"
	NameEn     string `json:"name_en"`
	FullNameEn string `json:"full_name_en"`
}

// Commune is a commune, ward or special zone (đơn vị hành chính cấp xã).
type Commune struct {
	Code         string `json:"code"` // 5 digits, e.g. "05977"
	ProvinceCode string `json:"province_code"`
	Type         Type   `json:"type"`
	Name         string `json:"name"`      // "Đông Kinh"
	FullName     string `json:"full_name"` // "Phường Đông Kinh"
	NameEn       string `json:"name_en"`
	FullNameEn   string `json:"full_name_en"`
}

//go:embed units.json
var unitsJSON []byte

var prefixes = map[Type][2]string{
	TypeProvince:    {"Tỉnh", "Province"},
	TypeCity:        {"Thành phố", "City"},
	TypeCommune:     {"Xã", "Commune"},
	TypeWard:        {"Phường", "Ward"},
	TypeSpecialZone: {"Đặc khu", "Special administrative region"},
}

type index struct {
	provinces  []Province
	byProvince map[string]int       // code -> index in provinces
	communes   map[string][]Commune // province code -> communes, by code
	byCommune  map[string]Commune
	keys       map[string][]communeKeys // province code -> match keys, parallel to communes
}

// communeKeys are the forms a commune's name is matched on.
type communeKeys struct {
	name, full           string // loose: folded, no accents
	exactName, exactFull string // accents kept, tone placement folded
}

var data = sync.OnceValue(func() *index {
	var raw struct {
		Provinces [][]json.RawMessage `json:"provinces"`
	}
	if err := json.Unmarshal(unitsJSON, &raw); err != nil {
		panic("adminunits: embedded units.json: " + err.Error())
	}
	ix := &index{byProvince: map[string]int{}, communes: map[string][]Commune{}, byCommune: map[string]Commune{}, keys: map[string][]communeKeys{}}
	for _, pr := range raw.Provinces {
		var head []string
		var units [][]string
		for i, cell := range pr {
			if i == len(pr)-1 {
				if err := json.Unmarshal(cell, &units); err != nil {
					panic("adminunits: embedded units.json: " + err.Error())
				}
				break
			}
			var s string
			if err := json.Unmarshal(cell, &s); err != nil {
				panic("adminunits: embedded units.json: " + err.Error())
			}
			head = append(head, s)
		}
		p := Province{}
		p.Code, p.Type, p.Name, p.NameEn, p.FullName, p.FullNameEn = expand(head)
		ix.byProvince[p.Code] = len(ix.provinces)
		ix.provinces = append(ix.provinces, p)
		for _, u := range units {
			c := Commune{ProvinceCode: p.Code}
			c.Code, c.Type, c.Name, c.NameEn, c.FullName, c.FullNameEn = expand(u)
			ix.communes[p.Code] = append(ix.communes[p.Code], c)
			ix.byCommune[c.Code] = c
			ix.keys[p.Code] = append(ix.keys[p.Code], communeKeys{
				name: fold(c.Name), full: fold(c.FullName),
				exactName: exact(c.Name), exactFull: exact(c.FullName),
			})
		}
	}
	return ix
})

// expand turns a row of units.json into a unit's fields, deriving the full
// names that the generator left out.
func expand(r []string) (code string, typ Type, name, nameEn, full, fullEn string) {
	if len(r) < 4 {
		panic("adminunits: embedded units.json: short row")
	}
	code, typ, name, nameEn = r[0], Type(r[1]), r[2], r[3]
	pre := prefixes[typ]
	full, fullEn = pre[0]+" "+name, nameEn+" "+pre[1]
	if len(r) > 4 && r[4] != "" {
		full = r[4]
	}
	if len(r) > 5 && r[5] != "" {
		fullEn = r[5]
	}
	return
}

// Provinces returns the 34 provinces and centrally-run cities, by code.
func Provinces() []Province { return slices.Clone(data().provinces) }

// ProvinceByCode returns the province with the 2-digit code.
func ProvinceByCode(code string) (Province, bool) {
	ix := data()
	i, ok := ix.byProvince[code]
	if !ok {
		return Province{}, false
	}
	return ix.provinces[i], true
}

// Communes returns the communes, wards and special zones of a province, by
// code; nil for an unknown province.
func Communes(provinceCode string) []Commune { return slices.Clone(data().communes[provinceCode]) }

// CommuneByCode returns the commune, ward or special zone with the 5-digit code.
func CommuneByCode(code string) (Commune, bool) {
	c, ok := data().byCommune[code]
	return c, ok
}

// FindProvince finds a province by a name as people write it ("Lạng Sơn",
// "tinh lang son", "TP. Hồ Chí Minh", "HCM").
func FindProvince(name string) (Province, bool) {
	q := Normalize(name)
	if alias, ok := provinceAliases[q]; ok {
		q = alias
	}
	for _, p := range data().provinces {
		if Normalize(p.Name) == q || Normalize(p.NameEn) == q {
			return p, true
		}
	}
	return Province{}, false
}

// provinceAliases are short names in common use, by their normalised form.
var provinceAliases = map[string]string{
	"hcm": "ho chi minh", "tphcm": "ho chi minh", "sai gon": "ho chi minh", "saigon": "ho chi minh",
	"hn": "ha noi", "hanoi": "ha noi", "hp": "hai phong", "haiphong": "hai phong",
}

// FindCommune finds a commune, ward or special zone of a province by a
// name as people write it: with or without its prefix ("Xã", "Phường",
// "P."), accents, or the same tone-mark placement as the list. When the
// name without accents fits several units ("Văn Lang" and "Văn Lăng"), the
// accents and the prefix decide; if they cannot, nothing is returned
// rather than a guess.
func FindCommune(provinceCode, name string) (Commune, bool) {
	ix := data()
	communes, keys := ix.communes[provinceCode], ix.keys[provinceCode]
	if len(communes) == 0 {
		return Commune{}, false
	}
	loose := []string{fold(name), Normalize(name)}
	precise := []string{exact(name), exact(strings.Join(stripPrefix(tokens(name), false), " "))}
	// Levels, best first: accents and prefix, accents, prefix, neither.
	levels := [4][]int{}
	for i, k := range keys {
		switch {
		case slices.Contains(precise, k.exactFull):
			levels[0] = append(levels[0], i)
		case slices.Contains(precise, k.exactName):
			levels[1] = append(levels[1], i)
		case slices.Contains(loose, k.full):
			levels[2] = append(levels[2], i)
		case slices.Contains(loose, k.name):
			levels[3] = append(levels[3], i)
		}
	}
	for _, l := range levels {
		switch len(l) {
		case 0:
			continue
		case 1:
			return communes[l[0]], true
		}
		return Commune{}, false
	}
	return Commune{}, false
}
