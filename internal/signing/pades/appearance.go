package pades

import (
	"crypto/x509"
	"encoding/asn1"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"sync"
	"time"

	"github.com/go-fonts/liberation/liberationserifbold"
	"github.com/go-fonts/liberation/liberationserifregular"
	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
	"golang.org/x/text/unicode/norm"
)

// AppearanceText is what the rendered appearance says, in Vietnamese.
type AppearanceText struct {
	Name         string    // signer's full name; defaults to the certificate's CN
	Title        string    // position; defaults to the certificate's title attribute
	Organization string    // defaults to the certificate's O
	Time         time.Time // defaults to the signing time
	// Location is the time zone the time is shown in; nil means UTC+7.
	Location *time.Location
}

var (
	fontsOnce             sync.Once
	fontRegular, fontBold *opentype.Font
	fontsErr              error
	ict                   = time.FixedZone("ICT", 7*3600)
	oidTitle              = asn1.ObjectIdentifier{2, 5, 4, 12}
)

func loadFonts() error {
	fontsOnce.Do(func() {
		fontRegular, fontsErr = opentype.Parse(liberationserifregular.TTF)
		if fontsErr == nil {
			fontBold, fontsErr = opentype.Parse(liberationserifbold.TTF)
		}
	})
	return fontsErr
}

// RenderAppearance draws t in ballpoint blue on a transparent w×h image
// with Liberation Serif (it has every Vietnamese glyph), text in NFC.
func RenderAppearance(t AppearanceText, w, h int) (*image.RGBA, error) {
	if w < 20 || h < 20 || w > 4000 || h > 4000 {
		return nil, fmt.Errorf("pades: appearance size %dx%d outside 20..4000", w, h)
	}
	if err := loadFonts(); err != nil {
		return nil, fmt.Errorf("pades: appearance font: %w", err)
	}
	loc := t.Location
	if loc == nil {
		loc = ict
	}
	lines := []string{"Ký bởi: " + t.Name}
	if t.Title != "" {
		lines = append(lines, "Chức vụ: "+t.Title)
	}
	if t.Organization != "" {
		lines = append(lines, "Cơ quan: "+t.Organization)
	}
	if !t.Time.IsZero() {
		lines = append(lines, "Thời gian ký: "+t.Time.In(loc).Format("2006-01-02T15:04:05-07:00"))
	}
	for i := range lines {
		lines[i] = norm.NFC.String(lines[i])
	}
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Bounds(), image.Transparent, image.Point{}, draw.Src)
	blue := image.NewUniform(color.RGBA{R: 0x10, G: 0x2a, B: 0xa0, A: 0xff})

	size := float64(h) / (float64(len(lines))*1.3 + 0.3)
	var faces [2]font.Face
	for {
		var err error
		faces[0], err = opentype.NewFace(fontBold, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
		if err != nil {
			return nil, err
		}
		faces[1], err = opentype.NewFace(fontRegular, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
		if err != nil {
			return nil, err
		}
		widest := 0
		for i, l := range lines {
			f := faces[1]
			if i == 0 {
				f = faces[0]
			}
			if a := font.MeasureString(f, l).Ceil(); a > widest {
				widest = a
			}
		}
		if widest <= w-4 || size <= 4 {
			break
		}
		size *= float64(w-4) / float64(widest) * 0.98
	}
	lineH := size * 1.3
	for i, l := range lines {
		f := faces[1]
		if i == 0 {
			f = faces[0]
		}
		d := font.Drawer{Dst: img, Src: blue, Face: f,
			Dot: fixed.Point26_6{X: fixed.I(2), Y: fixed.Int26_6((lineH*float64(i) + size) * 64)}}
		d.DrawString(l)
	}
	return img, nil
}

// subjectTitle returns the certificate subject's title (2.5.4.12).
func subjectTitle(c *x509.Certificate) string {
	for _, n := range c.Subject.Names {
		if n.Type.Equal(oidTitle) {
			if s, ok := n.Value.(string); ok {
				return s
			}
		}
	}
	return ""
}
