package forms

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/draw"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"egov/internal/catalog"
	"egov/internal/dossier"

	"github.com/boombuler/barcode/qr"
	"github.com/makiuchi-d/gozxing"
	gozxingqr "github.com/makiuchi-d/gozxing/qrcode"
	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/text/unicode/norm"
)

// vietnameseLetters is every letter of the Vietnamese alphabet that
// carries a mark: the twelve vowels with no tone and each of the five
// tones, đ, in both cases, composed (NFC).
func vietnameseLetters(t testing.TB) []rune {
	t.Helper()
	vowels := []string{"a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y"}
	tones := []string{"", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"} // none, huyền, sắc, hỏi, ngã, nặng
	var out []rune
	for _, v := range vowels {
		for _, tone := range tones {
			for _, s := range []string{v, strings.ToUpper(v)} {
				c := []rune(norm.NFC.String(s + tone))
				if len(c) != 1 {
					t.Fatalf("%q%q does not compose to one letter", s, tone)
				}
				out = append(out, c[0])
			}
		}
	}
	out = append(out, 'đ', 'Đ')
	if len(out) != 146 {
		t.Fatalf("%d letters, want 146", len(out))
	}
	return out
}

// alphabetData is the sample dossier with every Vietnamese letter in
// every kind of value a form prints.
func alphabetData(t testing.TB) Data {
	letters := string(vietnameseLetters(t))
	d := sampleData()
	d.Applicant.Name += " " + letters
	d.Applicant.Address += " " + letters
	d.Procedure += " " + letters
	d.Deficiencies = append(d.Deficiencies, letters)
	d.Reasons = append(d.Reasons, letters)
	d.Extension.Reason += " " + letters
	d.Documents = append(d.Documents, Document{Name: letters, Kind: letters, Copies: 1})
	d.HandOvers = append(d.HandOvers, HandOver{From: letters, To: letters, At: at(30, 9, 0), Outcome: "late", Note: letters})
	d.Agency.Name += " " + letters
	d.Signer.Name += " " + letters
	return d
}

// faceFonts parses the embedded faces on the test's own, with sfnt.
func faceFonts(t testing.TB) map[string]*sfnt.Font {
	t.Helper()
	out := map[string]*sfnt.Font{}
	for style, ttf := range faces {
		f, err := sfnt.Parse(ttf)
		if err != nil {
			t.Fatal(err)
		}
		out[style] = f
	}
	return out
}

// layoutStrings are every string of layout.json.
func layoutStrings(t testing.TB) []string {
	t.Helper()
	var v any
	if err := json.Unmarshal(layoutJSON, &v); err != nil {
		t.Fatal(err)
	}
	var out []string
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case string:
			out = append(out, x)
		case []any:
			for _, e := range x {
				walk(e)
			}
		case map[string]any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
	return out
}

// TestGlyphCoverage checks with the font's own tables (pdftotext would
// return the text even for boxes) that every face has a glyph for every
// character the forms print: their labels and values holding every
// Vietnamese letter.
func TestGlyphCoverage(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	printed := map[string]bool{}
	seen := func(s string) { mu.Lock(); printed[s] = true; mu.Unlock() }
	d, opt := alphabetData(t), sampleOptions()
	for _, k := range DossierKinds {
		var b bytes.Buffer
		if err := render(&b, k, d, opt, seen); err != nil {
			t.Fatal(k, err)
		}
	}
	rows := sampleRows(3)
	rows[0].Applicant = string(vietnameseLetters(t))
	var b bytes.Buffer
	if err := renderRegister(&b, rows, d.Agency, Period{at(1, 0, 0), at(30, 0, 0)}, opt, seen); err != nil {
		t.Fatal(err)
	}
	for _, s := range layoutStrings(t) {
		printed[norm.NFC.String(s)] = true
	}

	runes := map[rune]bool{}
	for s := range printed {
		for _, r := range s {
			if r != '\n' {
				runes[r] = true
			}
		}
	}
	for _, r := range vietnameseLetters(t) {
		if !runes[r] {
			t.Errorf("%q was never printed: the sample does not exercise it", r)
		}
	}
	var buf sfnt.Buffer
	for style, f := range faceFonts(t) {
		var missing []string
		for r := range runes {
			gi, err := f.GlyphIndex(&buf, r)
			if err != nil || gi == 0 {
				missing = append(missing, fmt.Sprintf("%q U+%04X", r, r))
			}
		}
		slices.Sort(missing)
		if len(missing) > 0 {
			t.Errorf("face %q has no glyph for %d printed characters: %s", style, len(missing), strings.Join(missing, ", "))
		}
	}
	if len(runes) < 200 {
		t.Errorf("only %d distinct characters checked", len(runes))
	}
}

func TestLayout(t *testing.T) {
	t.Parallel()
	l, err := DefaultLayout()
	if err != nil {
		t.Fatal(err)
	}
	for i, k := range DossierKinds {
		f := l.Forms[k]
		if want := fmt.Sprintf("Mẫu số %02d", i+1); f.Number != want {
			t.Errorf("%s: number %q, want %q", k, f.Number, want)
		}
		if p, _ := paperOf(f.Paper, f.Orientation); p.name != "A5" || p.orientation != "P" {
			t.Errorf("%s: paper %+v, want A5 portrait", k, p)
		}
		if !strings.Contains(f.Basis, l.Circular) {
			t.Errorf("%s: basis %q does not name circular %s", k, f.Basis, l.Circular)
		}
	}
	if l.Register.Number != "Mẫu số 07" || l.Register.Paper != "A4" || l.Register.Orientation != "landscape" {
		t.Errorf("register: %s %s %s", l.Register.Number, l.Register.Paper, l.Register.Orientation)
	}
	t.Run("RejectsUnknownPlaceholder", func(t *testing.T) {
		t.Parallel()
		var bad Layout
		if err := json.Unmarshal(layoutJSON, &bad); err != nil {
			t.Fatal(err)
		}
		f := bad.Forms[Receipt]
		f.Blocks = append(slices.Clone(f.Blocks), Block{Text: "{nonsense}"})
		bad.Forms[Receipt] = f
		if err := Render(&bytes.Buffer{}, Receipt, sampleData(), Options{Layout: &bad}); err == nil || !strings.Contains(err.Error(), "nonsense") {
			t.Fatalf("err = %v", err)
		}
	})
}

// pdfConfig validates strictly without touching the user's pdfcpu folder.
func pdfConfig() *model.Configuration {
	return &model.Configuration{Reader15: true, ValidationMode: model.ValidationStrict, Eol: types.EolLF,
		Limits: model.DefaultResourceLimits()}
}

// checkPDF validates a PDF and returns its page sizes in points.
func checkPDF(t *testing.T, pdf []byte) []types.Dim {
	t.Helper()
	if err := api.Validate(bytes.NewReader(pdf), pdfConfig()); err != nil {
		t.Fatalf("invalid PDF: %v", err)
	}
	dims, err := api.PageDims(bytes.NewReader(pdf), pdfConfig())
	if err != nil {
		t.Fatal(err)
	}
	return dims
}

func near(a, b float64) bool { return math.Abs(a-b) < 0.5 }

// tool runs a poppler tool on pdf, or skips when it is not installed.
func tool(t *testing.T, pdf []byte, name string, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		t.Skipf("%s not installed (poppler-utils)", name)
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "in.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(name, append(args, in, "-")...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", name, err, out)
	}
	return string(out)
}

// text is the PDF's text with runs of white space as one space.
func text(t *testing.T, pdf []byte, args ...string) string {
	return strings.Join(strings.Fields(norm.NFC.String(tool(t, pdf, "pdftotext", args...))), " ")
}

func checkEmbedded(t *testing.T, pdf []byte) {
	t.Helper()
	if _, err := exec.LookPath("pdffonts"); err != nil {
		return
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "in.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdffonts", in).CombinedOutput()
	if err != nil {
		t.Fatalf("pdffonts: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) < 3 {
		t.Fatalf("no fonts:\n%s", out)
	}
	for _, line := range lines[2:] {
		f := strings.Fields(line)
		// name type... encoding emb sub uni object ID
		if len(f) < 7 || f[len(f)-5] != "yes" || !strings.Contains(f[0], "liberationserif") {
			t.Errorf("font not embedded: %s", line)
		}
	}
}

// keyStrings are texts each form must show besides its title and code.
var keyStrings = map[Kind][]string{
	Receipt:           {"Hoàng Văn Thụ", "Đăng ký khai sinh", "Thành phần hồ sơ", "Bản gốc Giấy chứng nhận đã cấp", "08 giờ 30 phút, ngày 24/11/2026", "NGƯỜI TIẾP NHẬN HỒ SƠ", "Lường Văn Đức"},
	SupplementRequest: {"Thiếu sơ đồ thửa đất, trích đo địa chính", "Đơn chưa ghi rõ diện tích tăng thêm", "NGƯỜI HƯỚNG DẪN"},
	Refusal:           {"Hồ sơ không thuộc thẩm quyền giải quyết của cơ quan tiếp nhận", "NGƯỜI TIẾP NHẬN"},
	Apology:           {"Phải xác minh nguồn gốc sử dụng đất", "17 giờ 00 phút, ngày 08/12/2026", "17 giờ 00 phút, ngày 11/12/2026", "THỦ TRƯỞNG CƠ QUAN"},
	StopNotice:        {"dừng giải quyết hồ sơ nêu trên kể từ ngày 28/11/2026", "Người nộp hồ sơ không phải là người sử dụng đất"},
	ControlSheet:      {"Bên giao", "Bên nhận", "Chi cục Thuế khu vực Lạng Sơn", "Quá hạn", "Trước hạn", "Đúng hạn"},
}

func shortData() Data {
	d := sampleData()
	d.Procedure = "Đăng ký khai sinh"
	d.Applicant.Name = "Hoàng Văn Thụ"
	return d
}

func TestRender(t *testing.T) {
	t.Parallel()
	l, _ := DefaultLayout()
	for _, k := range DossierKinds {
		t.Run(string(k), func(t *testing.T) {
			t.Parallel()
			var b bytes.Buffer
			if err := Render(&b, k, shortData(), sampleOptions()); err != nil {
				t.Fatal(err)
			}
			for i, d := range checkPDF(t, b.Bytes()) {
				if !near(d.Width, 420.94) || !near(d.Height, 595.28) {
					t.Errorf("page %d is %.2f x %.2f pt, want A5 portrait", i+1, d.Width, d.Height)
				}
			}
			checkEmbedded(t, b.Bytes())
			got := text(t, b.Bytes())
			want := append([]string{sampleCode, l.Forms[k].Title, l.Forms[k].Number, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
				"Độc lập - Tự do - Hạnh phúc", "Lạng Sơn, ngày 24 tháng 11 năm 2026", "TRUNG TÂM PHỤC VỤ HÀNH"}, keyStrings[k]...)
			for _, s := range want {
				if !strings.Contains(got, s) {
					t.Errorf("text lacks %q:\n%s", s, got)
				}
			}
		})
	}
	t.Run("RegisterKindIsRefused", func(t *testing.T) {
		t.Parallel()
		if err := Render(&bytes.Buffer{}, Register, sampleData(), sampleOptions()); !errors.Is(err, ErrKind) {
			t.Fatalf("err = %v, want ErrKind", err)
		}
	})
}

// TestRenderedPageIsNotBlank rasterises a receipt and looks for ink
// where the header, the body and the QR code are.
func TestRenderedPageIsNotBlank(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	if err := Render(&b, Receipt, shortData(), sampleOptions()); err != nil {
		t.Fatal(err)
	}
	img := raster(t, b.Bytes(), 80)
	bounds := img.Bounds()
	dark := 0
	for y := bounds.Min.Y; y < bounds.Max.Y; y++ {
		for x := bounds.Min.X; x < bounds.Max.X; x++ {
			if r, _, _, _ := img.At(x, y).RGBA(); r < 0x8000 {
				dark++
			}
		}
	}
	share := float64(dark) / float64(bounds.Dx()*bounds.Dy())
	if share < 0.02 || share > 0.4 {
		t.Fatalf("%.1f%% of the page is ink: blank or garbled", share*100)
	}
}

// raster renders page 1 at dpi with pdftoppm (skips without it).
func raster(t *testing.T, pdf []byte, dpi int) image.Image {
	t.Helper()
	if _, err := exec.LookPath("pdftoppm"); err != nil {
		t.Skip("pdftoppm not installed (poppler-utils)")
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "in.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftoppm", "-png", "-r", fmt.Sprint(dpi), "-f", "1", "-l", "1", "-singlefile", in, filepath.Join(dir, "page")).CombinedOutput()
	if err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	f, err := os.Open(filepath.Join(dir, "page.png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func decodeQR(t *testing.T, img image.Image) string {
	t.Helper()
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := gozxingqr.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("no QR code decoded: %v", err)
	}
	return res.GetText()
}

func TestQRCode(t *testing.T) {
	t.Parallel()
	t.Run("MatrixDecodesToURL", func(t *testing.T) {
		t.Parallel()
		// The matrix as the renderer gets it, drawn at 8 px a module with
		// the quiet zone the form leaves.
		code, err := qr.Encode(sampleURL, qr.M, qr.Auto)
		if err != nil {
			t.Fatal(err)
		}
		n := code.Bounds().Dx()
		img := image.NewGray(image.Rect(0, 0, (n+8)*8, (n+8)*8))
		draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
		for y := range n {
			for x := range n {
				if dark(code.At(x, y)) {
					draw.Draw(img, image.Rect((x+4)*8, (y+4)*8, (x+5)*8, (y+5)*8), image.Black, image.Point{}, draw.Src)
				}
			}
		}
		if got := decodeQR(t, img); got != sampleURL {
			t.Fatalf("decoded %q, want %q", got, sampleURL)
		}
	})
	t.Run("PrintedCodeDecodesToURL", func(t *testing.T) {
		t.Parallel()
		for _, k := range []Kind{Receipt, ControlSheet} {
			var b bytes.Buffer
			if err := Render(&b, k, sampleData(), sampleOptions()); err != nil {
				t.Fatal(err)
			}
			img := raster(t, b.Bytes(), 300)
			// The QR code is the 20 mm box at the top-left margins (15, 10).
			px := func(mm float64) int { return int(mm / 25.4 * 300) }
			sub := img.(interface {
				SubImage(image.Rectangle) image.Image
			}).SubImage(image.Rect(px(12), px(7), px(38), px(30)))
			if got := decodeQR(t, sub); got != sampleURL {
				t.Fatalf("%s: decoded %q, want %q", k, got, sampleURL)
			}
			if !strings.Contains(text(t, b.Bytes()), sampleCode) {
				t.Errorf("%s: the code is not printed", k)
			}
		}
	})
	t.Run("NoURLNoCode", func(t *testing.T) {
		t.Parallel()
		opt := sampleOptions()
		opt.TrackingURL = ""
		var b bytes.Buffer
		if err := Render(&b, Refusal, shortData(), opt); err != nil {
			t.Fatal(err)
		}
		checkPDF(t, b.Bytes())
	})
}

func TestTrackingURL(t *testing.T) {
	t.Parallel()
	if got := TrackingURL("https://dichvucong.langson.gov.vn/", "000.00.12.H30-261124-0007"); got != sampleURL {
		t.Fatalf("got %q", got)
	}
}

func TestFromView(t *testing.T) {
	t.Parallel()
	d := FromView(sampleView(), sampleExtra())
	if d.Code != sampleCode || d.Applicant.Phone != "0912 345 678" || d.Procedure != longProcess || d.Processor == "" {
		t.Errorf("basic fields: %+v", d)
	}
	wantDocs := []Document{
		{Name: "Đơn đăng ký biến động đất đai, tài sản gắn liền với đất (Mẫu số 11/ĐK)", Kind: "Bản giấy đã số hóa", Copies: 1},
		{Name: "Bản gốc Giấy chứng nhận đã cấp", Kind: "Bản giấy đã số hóa", Copies: 2},
		{Name: "Sơ đồ thửa đất, trích đo địa chính", Kind: "Bản giấy đã số hóa", Copies: 1},
	}
	if !slices.Equal(d.Documents, wantDocs) {
		t.Errorf("documents = %+v", d.Documents)
	}
	if want := []string{"Thiếu sơ đồ thửa đất, trích đo địa chính", "Đơn chưa ghi rõ diện tích tăng thêm"}; !slices.Equal(d.Deficiencies, want) {
		t.Errorf("deficiencies = %q, want each once: %q", d.Deficiencies, want)
	}
	if d.Extension.Reason == "" || !d.Extension.OldDue.Equal(at(8, 17, 0).AddDate(0, 1, 0)) || !d.Extension.NewDue.Equal(at(11, 17, 0).AddDate(0, 1, 0)) {
		t.Errorf("extension = %+v", d.Extension)
	}
	if !slices.Equal(d.Partners, []string{"Chi cục Thuế khu vực Lạng Sơn", "Ủy ban nhân dân phường Đông Kinh"}) {
		t.Errorf("partners = %q", d.Partners)
	}
}

// TestControlSheet builds the sheet from a history of several hand-overs:
// assignments and the extension are not hand-overs, the applicant is a
// party when the dossier goes to or comes from them.
func TestControlSheet(t *testing.T) {
	t.Parallel()
	d := FromView(sampleView(), sampleExtra())
	type row struct{ from, to, outcome, note string }
	var got []row
	for _, h := range d.HandOvers {
		got = append(got, row{h.From, h.To, h.Outcome, strings.SplitN(h.Note, ":", 2)[0]})
	}
	desk, office, dept, tax := "Trung tâm Phục vụ hành chính công tỉnh Lạng Sơn", "Văn phòng Đăng ký đất đai tỉnh Lạng Sơn",
		"Sở Nông nghiệp và Môi trường tỉnh Lạng Sơn", "Chi cục Thuế khu vực Lạng Sơn"
	want := []row{
		{longName, desk, "", "Nộp hồ sơ"},
		{desk, office, "", "Tiếp nhận, chuyển xử lý"},
		{office, longName, "early", "Yêu cầu bổ sung, hoàn thiện"},
		{longName, office, "", "Đã bổ sung hồ sơ"},
		{office, tax + "; Ủy ban nhân dân phường Đông Kinh", "", "Gửi cơ quan phối hợp"},
		{tax, office, "late", "Cơ quan phối hợp trả kết quả"},
		{office, dept, "on_time", "Chuyển bước xử lý"},
		{dept, office, "early", "Phê duyệt"},
	}
	if !slices.Equal(got, want) {
		t.Fatalf("hand-overs:\n got %q\nwant %q", got, want)
	}
	var b bytes.Buffer
	if err := Render(&b, ControlSheet, d, sampleOptions()); err != nil {
		t.Fatal(err)
	}
	checkPDF(t, b.Bytes())
	txt := text(t, b.Bytes())
	for _, s := range []string{"15:30 30/11/2026", "Quá hạn", "Cơ quan phối hợp trả kết quả: Đã xác định nghĩa vụ tài chính", "Phê duyệt"} {
		if !strings.Contains(txt, s) {
			t.Errorf("control sheet lacks %q", s)
		}
	}
}

// TestRegister spreads 100 dossiers over several A4 landscape pages, each
// with the table's header.
func TestRegister(t *testing.T) {
	t.Parallel()
	rows := sampleRows(100)
	var b bytes.Buffer
	if err := RenderRegister(&b, rows, sampleExtra().Agency, Period{at(1, 0, 0), at(30, 0, 0)}, sampleOptions()); err != nil {
		t.Fatal(err)
	}
	dims := checkPDF(t, b.Bytes())
	if len(dims) < 2 {
		t.Fatalf("%d pages, want the table across 2 or more", len(dims))
	}
	for i, d := range dims {
		if !near(d.Width, 841.89) || !near(d.Height, 595.28) {
			t.Errorf("page %d is %.2f x %.2f pt, want A4 landscape", i+1, d.Width, d.Height)
		}
	}
	checkEmbedded(t, b.Bytes())
	all := text(t, b.Bytes())
	for _, s := range []string{"Mẫu số 07", "SỔ THEO DÕI HỒ SƠ", "(Từ ngày 01/11/2026 đến ngày 30/11/2026)"} {
		if !strings.Contains(all, s) {
			t.Errorf("register lacks %q", s)
		}
	}
	for _, r := range rows {
		if strings.Count(all, r.Code) != 1 {
			t.Errorf("code %s printed %d times, want once", r.Code, strings.Count(all, r.Code))
		}
	}
	for p := 1; p <= len(dims); p++ {
		page := text(t, b.Bytes(), "-f", fmt.Sprint(p), "-l", fmt.Sprint(p))
		for _, h := range []string{"STT", "Mã hồ sơ", "Tên thủ tục hành chính", "Ngày, tháng, năm", "Ghi chú"} {
			if !strings.Contains(page, h) {
				t.Errorf("page %d lacks the header %q", p, h)
			}
		}
	}
	t.Run("RowOfView", func(t *testing.T) {
		t.Parallel()
		v := sampleView()
		v.Status = dossier.StatusStopped
		r := RegisterRowOf(v, "", "Số 18, đường Lê Lợi")
		if r.Procedure != "1.001234" || r.Address != "Số 18, đường Lê Lợi; 0912 345 678" || r.Note != "Dừng giải quyết" ||
			!r.TransferredAt.Equal(at(24, 8, 30)) || !r.ReceivedAt.Equal(at(24, 8, 30)) || r.Lead == "" {
			t.Errorf("row = %+v", r)
		}
	})
}

// TestSupplementRequestListsEachDeficiencyOnce: a deficiency given twice
// (differently cased, decomposed) is printed once, numbered.
func TestSupplementRequestListsEachDeficiencyOnce(t *testing.T) {
	t.Parallel()
	d := shortData()
	d.Deficiencies = []string{"Thiếu bản sao Giấy khai sinh", norm.NFD.String("thiếu bản sao giấy khai sinh"), "  ", "Tờ khai chưa có chữ ký"}
	var b bytes.Buffer
	if err := Render(&b, SupplementRequest, d, sampleOptions()); err != nil {
		t.Fatal(err)
	}
	checkPDF(t, b.Bytes())
	txt := strings.ToLower(text(t, b.Bytes()))
	if n := strings.Count(txt, "thiếu bản sao giấy khai sinh"); n != 1 {
		t.Errorf("printed %d times, want once", n)
	}
	if !strings.Contains(txt, "1. thiếu bản sao giấy khai sinh") || !strings.Contains(txt, "2. tờ khai chưa có chữ ký") || strings.Contains(txt, "3. ") {
		t.Errorf("not numbered 1, 2:\n%s", txt)
	}
}

func TestAvailable(t *testing.T) {
	t.Parallel()
	rec := at(24, 8, 30)
	ev := func(a catalog.Action) []dossier.Event { return []dossier.Event{{Action: string(a)}} }
	cases := []struct {
		name string
		v    dossier.View
		want []Kind
	}{
		{"SubmittedOnline", dossier.View{Dossier: dossier.Dossier{Status: dossier.StatusSubmitted}}, nil},
		{"SupplementAtReceipt", dossier.View{Dossier: dossier.Dossier{Status: dossier.StatusSupplement}, Events: ev(catalog.ActRequestSupplement)}, []Kind{SupplementRequest}},
		{"RefusedAtReceipt", dossier.View{Dossier: dossier.Dossier{Status: dossier.StatusRefused}}, []Kind{Refusal}},
		{"Processing", dossier.View{Dossier: dossier.Dossier{Status: dossier.StatusProcessing}, ReceivedAt: &rec}, []Kind{Receipt, ControlSheet}},
		{"SupplementedOnce", dossier.View{Dossier: dossier.Dossier{Status: dossier.StatusProcessing}, ReceivedAt: &rec, Supplements: 1}, []Kind{Receipt, SupplementRequest, ControlSheet}},
		{"Extended", dossier.View{Dossier: dossier.Dossier{Status: dossier.StatusProcessing}, ReceivedAt: &rec, Extensions: 1}, []Kind{Receipt, Apology, ControlSheet}},
		{"Stopped", dossier.View{Dossier: dossier.Dossier{Status: dossier.StatusStopped}, ReceivedAt: &rec, Events: ev(catalog.ActStop)}, []Kind{Receipt, StopNotice, ControlSheet}},
		{"Returned", dossier.View{Dossier: dossier.Dossier{Status: dossier.StatusReturned}, ReceivedAt: &rec}, []Kind{Receipt, ControlSheet}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			if got := Available(c.v); !slices.Equal(got, c.want) {
				t.Fatalf("got %v, want %v", got, c.want)
			}
		})
	}
}

// TestConcurrentRenderIsDeterministic renders the same form from many
// goroutines (run with -race): each gets its own document, and with the
// date fixed the bytes are the same.
func TestConcurrentRenderIsDeterministic(t *testing.T) {
	t.Parallel()
	const n = 8
	out := make([][]byte, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			var b bytes.Buffer
			kind := DossierKinds[i%len(DossierKinds)]
			if i%2 == 0 {
				kind = Receipt
			}
			if err := Render(&b, kind, sampleData(), sampleOptions()); err != nil {
				t.Error(err)
			}
			out[i] = b.Bytes()
		})
	}
	wg.Wait()
	for i := 2; i < n; i += 2 {
		if !bytes.Equal(out[0], out[i]) {
			t.Fatalf("render %d differs from render 0", i)
		}
	}
}

// TestUnprintableInput: characters outside the font (an emoji, a control
// character, a long word without spaces) neither fail nor break the page.
func TestUnprintableInput(t *testing.T) {
	t.Parallel()
	d := shortData()
	d.Applicant.Name = "Hoàng Văn Thụ 😀\x07" + strings.Repeat("Nguyễn", 40)
	d.Deficiencies = []string{strings.Repeat("ĐườngSố", 50), "dòng một\ndòng hai"}
	d.HandOvers = []HandOver{{From: strings.Repeat("Ủy", 80), To: "", At: time.Time{}}}
	for _, k := range DossierKinds {
		var b bytes.Buffer
		if err := Render(&b, k, d, sampleOptions()); err != nil {
			t.Fatal(k, err)
		}
		checkPDF(t, b.Bytes())
	}
	var b bytes.Buffer
	if err := RenderRegister(&b, []RegisterRow{{Code: strings.Repeat("X", 300), Note: strings.Repeat("dài ", 400)}}, Agency{}, Period{}, Options{}); err != nil {
		t.Fatal(err)
	}
	checkPDF(t, b.Bytes())
}

// FuzzRender feeds outside text (names, reasons) to every form.
func FuzzRender(f *testing.F) {
	for _, s := range []string{"Nguyễn Văn A", norm.NFD.String("Trường hợp đặc biệt"), "😀\u0301\u0000\t", strings.Repeat("ư", 500), "{code}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d := shortData()
		d.Applicant.Name, d.Procedure = s, s
		d.Deficiencies, d.Reasons = []string{s, s + "x"}, []string{s}
		d.HandOvers = append(d.HandOvers, HandOver{From: s, Note: s})
		for _, k := range []Kind{Receipt, SupplementRequest, ControlSheet} {
			if err := Render(&bytes.Buffer{}, k, d, sampleOptions()); err != nil {
				t.Fatal(err)
			}
		}
	})
}
