package pades

import (
	"bytes"
	"image/png"
	"strings"
	"testing"
	"time"

	"golang.org/x/image/font/sfnt"
)

func TestSignErrors(t *testing.T) {
	t.Parallel()
	p := getPKI(t)
	s := p.leaf(t, leafOpts{})
	in := samplePDF()
	var out bytes.Buffer
	if err := Sign(&out, bytes.NewReader(in), int64(len(in)), nil, Options{}); err == nil {
		t.Error("nil signer accepted")
	}
	if err := Sign(&out, bytes.NewReader(in), int64(len(in)), testSigner{Signer: s.Signer}, Options{}); err == nil {
		t.Error("signer without certificate accepted")
	}
	txt := []byte("not a pdf at all")
	if err := Sign(&out, bytes.NewReader(txt), int64(len(txt)), s, Options{}); err == nil {
		t.Error("text signed")
	}
	if err := Sign(&out, bytes.NewReader(in), int64(len(in)), s, Options{MaxSize: 10}); err == nil {
		t.Error("oversized input signed")
	}
	if err := Sign(&out, bytes.NewReader(in), int64(len(in)), s, Options{Appearance: &Appearance{PNG: []byte("junk"), Rect: [4]float64{0, 0, 50, 50}}}); err == nil {
		t.Error("junk PNG accepted")
	}
}

func TestAppearancePNG(t *testing.T) {
	t.Parallel()
	p := getPKI(t)
	img, err := RenderAppearance(AppearanceText{Name: "Trần Đức Việt", Title: "Phó Giám đốc", Organization: "Sở Nội vụ", Time: time.Now()}, 600, 200)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	out := signPDF(t, samplePDF(), p.leaf(t, leafOpts{}), Options{Appearance: &Appearance{PNG: buf.Bytes(), Rect: [4]float64{300, 100, 500, 166}}})
	if !bytes.Contains(out, []byte("/Subtype /Image")) || !bytes.Contains(out, []byte("/SMask")) {
		t.Fatal("appearance image (with transparency) not embedded")
	}
	if bytes.Contains(out, []byte("/Times-Roman")) {
		t.Fatal("appearance uses the unembedded Times font")
	}
	wantExit(t, verifyPDF(t, out, VerifyOptions{Roots: p.roots}), 0)
	if _, err := RenderAppearance(AppearanceText{Name: "x"}, 5, 5); err == nil {
		t.Error("tiny appearance accepted")
	}
}

// TestFontCoversVietnamese checks every Vietnamese letter has a glyph in
// the appearance fonts (rendered text that is missing glyphs would still
// "look" fine to pdftotext).
func TestFontCoversVietnamese(t *testing.T) {
	t.Parallel()
	if err := loadFonts(); err != nil {
		t.Fatal(err)
	}
	letters := "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵđ"
	letters += strings.ToUpper(letters)
	for _, f := range []string{"regular", "bold"} {
		var buf sfnt.Buffer
		fnt := fontRegular
		if f == "bold" {
			fnt = fontBold
		}
		for _, r := range letters {
			if gi, err := fnt.GlyphIndex(&buf, r); err != nil || gi == 0 {
				t.Errorf("%s: no glyph for %q", f, r)
			}
		}
	}
}
