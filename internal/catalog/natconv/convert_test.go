package natconv

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"egov/internal/catalog"
)

// fixtures reads testdata: real pages chosen for their variety (garbled
// times, fees in USD or in thousands, several document groups, glued
// legal numbers, every level).
func fixtures(t *testing.T) map[string]Raw {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil || len(files) < 20 {
		t.Fatalf("testdata: %d files, %v", len(files), err)
	}
	out := map[string]Raw{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var r Raw
		if err := json.Unmarshal(b, &r); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out[r.Code] = r
	}
	return out
}

// problems returns the flags that are not advisory.
func problemFlags(fl []string) []string {
	var out []string
	for _, f := range fl {
		if !slices.Contains(Advisory, FlagKey(f)) {
			out = append(out, f)
		}
	}
	return out
}

func hasFlag(fl []string, key string) bool {
	return slices.ContainsFunc(fl, func(f string) bool { return FlagKey(f) == key })
}

func TestFixturesValidateUnlessFlagged(t *testing.T) {
	t.Parallel()
	for code, raw := range fixtures(t) {
		p, fl := Convert(raw)
		if p.Code != code || !slices.Equal(p.Flags, fl) {
			t.Errorf("%s: code %q, flags %q vs %q", code, p.Code, p.Flags, fl)
		}
		if err := p.ValidatePublished(); err != nil && len(problemFlags(fl)) == 0 {
			t.Errorf("%s: invalid without a flag: %v", code, validationFields(err))
		}
		if _, err := json.Marshal(p); err != nil {
			t.Errorf("%s: %v", code, err)
		}
	}
}

func TestFixtures(t *testing.T) {
	t.Parallel()
	fx := fixtures(t)
	conv := func(t *testing.T, code string) (catalog.Procedure, []string) {
		t.Helper()
		raw, ok := fx[code]
		if !ok {
			t.Fatalf("no fixture %s", code)
		}
		return Convert(raw)
	}
	t.Run("NotaryTraineeExamIsClean", func(t *testing.T) {
		p, fl := conv(t, "1.013818")
		if err := p.ValidatePublished(); err != nil || len(problemFlags(fl)) > 0 {
			t.Fatalf("err %v, flags %q", err, fl)
		}
		if p.Level != catalog.LevelProvince || p.Time.N != 15 || p.Time.Unit != catalog.WorkingDays {
			t.Errorf("level %s, time %+v", p.Level, p.Time)
		}
		if len(p.Fees) != 1 || p.Fees[0].Amount != 3_500_000 || p.Fees[0].Kind != catalog.KindFee || p.Fees[0].SetBy != "Thông tư 64/2025/TT-BTC" {
			t.Errorf("fees %+v", p.Fees)
		}
		var nums []string
		for _, d := range p.LegalBasis {
			nums = append(nums, d.Number)
		}
		if want := []string{"64/2025/TT-BTC", "257/2016/TT-BTC", "06/2025/TT-BTP"}; !slices.Equal(nums, want) {
			t.Errorf("legal %q", nums)
		}
		if len(p.Documents) != 3 || p.Documents[2].Template != "Mẫu TP-TSCC-10.doc" || p.Documents[2].Originals != 1 {
			t.Errorf("documents %+v", p.Documents)
		}
		if p.Decider.Kind != "department" || p.Decider.Note != "Sở Tư pháp" || p.Workflow != "tinh-so-nganh" {
			t.Errorf("decider %+v, workflow %q", p.Decider, p.Workflow)
		}
		if !strings.HasPrefix(p.Result, "Sở Tư pháp thông báo") || strings.Contains(p.Result, "KQ") || strings.Contains(p.Result, "Nộp hồ sơ") {
			t.Errorf("result %q", p.Result)
		}
	})
	t.Run("BirthRegistrationLostItsUnit", func(t *testing.T) {
		p, fl := conv(t, "1.001193")
		if p.Level != catalog.LevelCommune || p.Workflow != "xa-mot-cap" || p.Receivers[0].Kind != "commune" {
			t.Errorf("level %s, workflow %s, receivers %+v", p.Level, p.Workflow, p.Receivers)
		}
		if p.Time.N != 1 || p.Time.Unit != "" || !hasFlag(fl, FlagTimeUnitMissing) || p.ValidatePublished() == nil {
			t.Errorf("time %+v, flags %q", p.Time, fl)
		}
	})
	t.Run("TemporaryResidenceCardFeesInUSD", func(t *testing.T) {
		p, fl := conv(t, "1.003358")
		if len(p.Fees) != 3 || !hasFlag(fl, FlagFeeUSD) {
			t.Fatalf("fees %+v, flags %q", p.Fees, fl)
		}
		for _, f := range p.Fees {
			if f.Amount != 0 || !strings.Contains(f.Note, "USD") {
				t.Errorf("fee %+v", f)
			}
		}
		if !slices.Contains(p.Applicants, "foreigner") {
			t.Errorf("applicants %q", p.Applicants)
		}
	})
	t.Run("MonthsConverted", func(t *testing.T) {
		p, fl := conv(t, "1.001010")
		if p.Time.N != 180 || p.Time.Unit != catalog.CalendarDays || !hasFlag(fl, FlagTimeConverted) {
			t.Errorf("time %+v, flags %q", p.Time, fl)
		}
	})
	t.Run("Hours", func(t *testing.T) {
		p, _ := conv(t, "3.000141")
		if p.Time.N != 8 || p.Time.Unit != catalog.WorkingHours {
			t.Errorf("time %+v", p.Time)
		}
	})
	t.Run("DocumentGroupsKeepTheirTitles", func(t *testing.T) {
		p, _ := conv(t, "1.003777")
		notes := map[string]bool{}
		for _, d := range p.Documents {
			notes[d.Note] = true
			if d.Name == "" || strings.HasSuffix(d.Name, ".doc") {
				t.Errorf("document %+v", d)
			}
		}
		if len(notes) < 2 {
			t.Errorf("document notes %v", notes)
		}
	})
	t.Run("TimeGluedToFee", func(t *testing.T) {
		p, fl := conv(t, "2.002032")
		if !hasFlag(fl, FlagTimeGlued) || !hasFlag(fl, FlagFeeImplausible) || p.Time.N != 1 {
			t.Errorf("time %+v, flags %q", p.Time, fl)
		}
	})
	t.Run("TextTimeStaysInvalid", func(t *testing.T) {
		p, fl := conv(t, "1.009825")
		if p.Time.N != 0 || !hasFlag(fl, FlagTimeNotStated) || p.ValidatePublished() == nil {
			t.Errorf("time %+v, flags %q", p.Time, fl)
		}
	})
	t.Run("ChannelsAndOnline", func(t *testing.T) {
		p, fl := conv(t, "1.008585")
		if !slices.Contains(p.Channels, catalog.ChannelOnline) || p.Online != catalog.OnlinePartial || !hasFlag(fl, FlagOnlineInferred) {
			t.Errorf("channels %q, online %s, flags %q", p.Channels, p.Online, fl)
		}
		// Online 40 days, post 30: the most common (40) wins; the other
		// goes to the note.
		if p.Time.N != 40 || !strings.Contains(p.Time.Note, "Dịch vụ bưu chính: 30 Ngày") {
			t.Errorf("time %+v", p.Time)
		}
	})
}

// tarGz builds an archive of name → content.
func tarGz(t *testing.T, files map[string]string, extra ...*tar.Header) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		if err := tw.WriteHeader(&tar.Header{Name: n, Mode: 0o644, Size: int64(len(files[n])), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		tw.Write([]byte(files[n]))
	}
	for _, h := range extra {
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
	}
	tw.Close()
	gz.Close()
	return buf.Bytes()
}

func TestReadArchive(t *testing.T) {
	t.Parallel()
	t.Run("ReadsJSONSkipsTheRest", func(t *testing.T) {
		b := tarGz(t, map[string]string{
			"raw/bo-tu-phap/1.000001.json": `{"ma_thu_tuc":"1.000001","ten_thu_tuc":"A"}`,
			"raw/README.md":                "not a procedure",
		}, &tar.Header{Name: "raw/dir/", Typeflag: tar.TypeDir, Mode: 0o755})
		raws, err := ReadArchive(bytes.NewReader(b))
		if err != nil || len(raws) != 1 || raws[0].Code != "1.000001" || raws[0].Path != "raw/bo-tu-phap/1.000001.json" {
			t.Fatalf("%+v, %v", raws, err)
		}
	})
	t.Run("RejectsBadJSON", func(t *testing.T) {
		b := tarGz(t, map[string]string{"x.json": `{"ma_thu_tuc":`})
		if _, err := ReadArchive(bytes.NewReader(b)); err == nil || !strings.Contains(err.Error(), "x.json") {
			t.Fatalf("err %v", err)
		}
	})
	t.Run("RejectsHugeEntry", func(t *testing.T) {
		b := tarGz(t, map[string]string{"big.json": `"` + strings.Repeat("a", MaxEntrySize) + `"`})
		if _, err := ReadArchive(bytes.NewReader(b)); err == nil || !strings.Contains(err.Error(), "big.json") {
			t.Fatalf("err %v", err)
		}
	})
	t.Run("RejectsNonGzip", func(t *testing.T) {
		if _, err := ReadArchive(strings.NewReader("plain text")); err == nil {
			t.Fatal("no error")
		}
	})
}

func ExampleConvert() {
	p, flags := Convert(Raw{
		Code:        "1.000000",
		Name:        "Cấp bản sao trích lục",
		Level:       "Cấp xã",
		Field:       "Hộ tịch",
		Applicants:  "Công dân Việt Nam",
		Methods:     methodsHeader + "Trực tuyến1 Ngày làm việc8,000 Việt Nam Đồng(Phí cấp bản sao: 8.000 đồng/bản)Trực tiếp1 Ngày làm việc8,000 Việt Nam Đồng(Phí cấp bản sao: 8.000 đồng/bản)",
		Documents:   "--" + docsHeader + "Tờ khai theo mẫuTK01.docx1 bản chính",
		LegalBasis:  "Tên văn bản pháp lýMã văn bảnLuật Hộ tịch60/2014/QH13",
		Result:      "Bản sao trích lụcMã: KQ.G15.000001Từ khóaKhông có thông tin",
		Implementer: "Ủy ban nhân dân cấp xã",
	})
	out, _ := json.Marshal(struct {
		Level    catalog.Level
		Time     catalog.Term
		Fees     []catalog.Fee
		Docs     []catalog.Document
		Legal    []catalog.LegalDoc
		Result   string
		Workflow string
	}{p.Level, p.Time, p.Fees, p.Documents, p.LegalBasis, p.Result, p.Workflow})
	os.Stdout.Write(append(out, '\n'))
	os.Stdout.WriteString(strings.Join(flags, "; ") + "\n")
	// Output:
	// {"Level":"commune","Time":{"n":1,"unit":"working_days"},"Fees":[{"name":"Phí cấp bản sao","kind":"fee","amount":8000,"note":"Phí cấp bản sao: 8.000 đồng/bản"}],"Docs":[{"name":"Tờ khai theo mẫu","originals":1,"template":"TK01.docx"}],"Legal":[{"number":"60/2014/QH13","title":"Luật Hộ tịch"}],"Result":"Bản sao trích lục","Workflow":"xa-mot-cap"}
	// online: inferred; workflow: default
}

func TestIncompleteProceduresAreDrafts(t *testing.T) {
	t.Parallel()
	p, _ := Convert(fixtures(t)["1.009825"])
	if !p.Draft || p.Validate() != nil || p.ValidatePublished() == nil {
		t.Fatalf("an incomplete procedure must load as a valid draft that cannot be published: draft=%v", p.Draft)
	}
}
