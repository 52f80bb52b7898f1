package dossiergen

import (
	"strconv"
	"strings"
	"time"

	"egov/internal/eform"
)

// SampleValues fills in a form the way an applicant would: a plausible
// value of the right type in every field, and, for the choices, dates and
// ID numbers that conditions depend on, the combination that leaves the
// fewest errors (found by trying each candidate of one field at a time,
// a few passes over the form). Files are not attached, so a file the form
// requires is the only error it may leave; ok reports that none is left,
// i.e. the values pass the form's check without attachments.
func SampleValues(f eform.Form, today time.Time) (v eform.Values, ok bool) {
	day := eform.Date{Year: today.Year(), Month: today.Month(), Day: today.Day()}
	cands := make([][]eform.Values, len(f.Fields))
	pick := make([]int, len(f.Fields))
	for i, fd := range f.Fields {
		cands[i] = candidates(fd, today)
	}
	build := func() eform.Values {
		out := eform.Values{}
		for i := range f.Fields {
			if len(cands[i]) == 0 {
				continue
			}
			for k, vs := range cands[i][pick[i]] {
				out[k] = vs
			}
		}
		return out
	}
	// score counts the errors: any error other than a missing file weighs
	// more than every missing file together.
	score := func() int {
		_, errs := f.Check(build(), eform.WithToday(day))
		n := 0
		for _, e := range errs {
			if isFile(f, e.Field) {
				n++
			} else {
				n += 1000
			}
		}
		return n
	}
	best := score()
	for pass := 0; pass < 4 && best > 0; pass++ {
		improved := false
		for i := range f.Fields {
			for c := range cands[i] {
				if c == pick[i] {
					continue
				}
				old := pick[i]
				pick[i] = c
				if s := score(); s < best {
					best, improved = s, true
				} else {
					pick[i] = old
				}
			}
		}
		if !improved {
			break
		}
	}
	return build(), best == 0
}

func isFile(f eform.Form, field string) bool {
	for _, fd := range f.Fields {
		if fd.Name == field {
			return fd.Type == eform.TypeFile
		}
	}
	return false
}

// candidates are the values tried for a field, the likeliest first; a
// field that is not required may also be left empty.
func candidates(fd eform.Field, today time.Time) []eform.Values {
	one := func(s string) eform.Values { return eform.Values{fd.Name: {s}} }
	var out []eform.Values
	switch fd.Type {
	case eform.TypeText:
		out = append(out, one(clip(textFor(fd.Name), fd.MaxLength)))
	case eform.TypeLongText:
		out = append(out, one(clip("Đề nghị cơ quan có thẩm quyền xem xét, giải quyết theo quy định.", fd.MaxLength)))
	case eform.TypeNumber:
		for _, s := range []string{"1", string(fd.Min), string(fd.Max), "2", "10", "100"} {
			if s != "" {
				out = append(out, one(s))
			}
		}
	case eform.TypeMoney:
		for _, s := range []string{"1000000", string(fd.Min), string(fd.Max), "50000000"} {
			if s != "" {
				out = append(out, one(s))
			}
		}
	case eform.TypeDate:
		for _, d := range sampleDates(today) {
			out = append(out, one(d.Format(time.DateOnly)))
		}
	case eform.TypeChoice:
		for _, o := range fd.Options {
			out = append(out, one(o.Value))
		}
	case eform.TypeMultiChoice:
		for _, o := range fd.Options {
			out = append(out, one(o.Value))
		}
	case eform.TypePersonalID:
		// One number per year a sample date can have, so that an ID
		// checked against a birth date field can agree with it.
		seen := map[int]bool{}
		for _, d := range append([]time.Time{time.Date(1990, 5, 15, 0, 0, 0, 0, time.UTC)}, sampleDates(today)...) {
			if !seen[d.Year()] && d.Year() >= 1900 && d.Year() < 2100 {
				seen[d.Year()] = true
				out = append(out, one(personalID("020", d.Year(), 1, 123456)))
			}
		}
	case eform.TypeEnterpriseCode:
		out = append(out, one("0100109106"))
	case eform.TypePhone:
		out = append(out, one("0912345678"))
	case eform.TypeEmail:
		out = append(out, one("congdan@example.vn"))
	case eform.TypeAddress:
		out = append(out, eform.Values{fd.Name + ".province": {"20"}, fd.Name + ".commune": {"05977"},
			fd.Name + ".street": {"Số 12 đường Bà Triệu"}})
	case eform.TypeFile:
		return nil
	}
	if !fd.Required || fd.RequireIf != nil {
		out = append(out, eform.Values{})
	}
	return out
}

// sampleDates covers the usual limits of date fields: a birth date long
// ago, recent days, today and days ahead.
func sampleDates(today time.Time) []time.Time {
	d := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	return []time.Time{time.Date(1990, 5, 15, 0, 0, 0, 0, time.UTC), d.AddDate(0, 0, -20), d, d.AddDate(0, 0, 10),
		d.AddDate(0, 2, 0), d.AddDate(-3, 0, 0), d.AddDate(1, 0, 0), time.Date(2015, 3, 1, 0, 0, 0, 0, time.UTC)}
}

// textFor guesses a plausible value from a field's machine name.
func textFor(name string) string {
	switch {
	case strings.Contains(name, "ho_ten") || strings.HasSuffix(name, "nguoi_ky") || strings.Contains(name, "ten_nguoi"):
		return "Nông Văn Bình"
	case strings.Contains(name, "dan_toc"):
		return "Tày"
	case strings.Contains(name, "quoc_tich"):
		return "Việt Nam"
	case strings.Contains(name, "que_quan") || strings.Contains(name, "noi_sinh"):
		return "Xã Hoàng Đồng, tỉnh Lạng Sơn"
	case strings.Contains(name, "quan_he"):
		return "Con"
	case strings.Contains(name, "ten_dn") || strings.Contains(name, "ten_doanh_nghiep") || strings.Contains(name, "ten_ho"):
		return "Công ty TNHH Thương mại Kỳ Lừa"
	case strings.Contains(name, "so_") || strings.HasPrefix(name, "ma_"):
		return "12/2024"
	case strings.Contains(name, "co_so") || strings.Contains(name, "benh_vien"):
		return "Bệnh viện Đa khoa tỉnh Lạng Sơn"
	}
	return "Theo hồ sơ kèm theo"
}

func clip(s string, n int) string {
	if n <= 0 {
		return s
	}
	r := []rune(s)
	if len(r) > n {
		return string(r[:n])
	}
	return s
}

// personalID makes a well-formed personal ID number: "0", the 2-digit
// code of the province of birth registration (prov is "0NN"), the century
// and sex digit, the last two digits of the birth year and a 6-digit
// serial.
func personalID(prov string, birthYear, sex, serial int) string {
	century := (birthYear/100 - 19) * 2 // 1900s: 0/1, 2000s: 2/3
	if sex == 2 {
		century++
	}
	return prov + strconv.Itoa(century) + pad(birthYear%100, 2) + pad(serial%1_000_000, 6)
}

func pad(n, width int) string {
	s := strconv.Itoa(n)
	if len(s) < width {
		s = strings.Repeat("0", width-len(s)) + s
	}
	return s
}

// cleanValues are the typed values of v as a submission stores them (the
// fields in error, such as missing files, are left out).
func cleanValues(f eform.Form, v eform.Values, today time.Time) map[string]any {
	day := eform.Date{Year: today.Year(), Month: today.Month(), Day: today.Day()}
	clean, _ := f.Check(v, eform.WithToday(day))
	return clean.Values
}
