package pades

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"math"
	"strings"

	"golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"
	"golang.org/x/text/unicode/norm"
)

// SealText is what a generated round seal says: the agency's name round
// the top of the ring, and the locality (or the agency code) round the
// bottom.
type SealText struct {
	Name   string // e.g. "Ủy ban nhân dân xã Tân Phong"
	Bottom string // e.g. "Tỉnh Lạng Sơn"
}

// SealRed is the ink of generated seals.
var SealRed = color.NRGBA{R: 0xd4, G: 0x10, B: 0x10, A: 0xe6}

// RenderSeal draws a round red seal of size×size pixels on a transparent
// image: an outer and an inner ring, the name in capitals along the top
// between them, the bottom text along the bottom, a five-pointed star in
// the middle. Agencies that hold the image of their registered seal use
// it instead; this stands in for it in the embedded default.
func RenderSeal(t SealText, size int) (*image.NRGBA, error) {
	if size < 40 || size > 4000 {
		return nil, fmt.Errorf("pades: seal size %d outside 40..4000", size)
	}
	if err := loadFonts(); err != nil {
		return nil, fmt.Errorf("pades: seal font: %w", err)
	}
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	ink := image.NewUniform(SealRed)
	s := float32(size)
	c := s / 2
	r := vector.NewRasterizer(size, size)
	ring := func(outer, inner float32) {
		circle(r, c, c, outer, false)
		circle(r, c, c, inner, true)
	}
	ring(c*0.98, c*0.92)  // outer ring
	ring(c*0.62, c*0.595) // inner ring
	star(r, c, c, c*0.34)
	r.Draw(img, img.Bounds(), ink, image.Point{})

	band := c * (0.92 - 0.62) // room for the lettering between the rings
	em := band * 0.62
	mid := c * (0.62 + 0.92) / 2
	top := strings.ToUpper(norm.NFC.String(strings.TrimSpace(t.Name)))
	bottom := strings.ToUpper(norm.NFC.String(strings.TrimSpace(t.Bottom)))
	if err := arcText(img, ink, top, c, mid-em*0.35, em, true, 250); err != nil {
		return nil, err
	}
	if err := arcText(img, ink, bottom, c, mid+em*0.35, em, false, 80); err != nil {
		return nil, err
	}
	return img, nil
}

// circle adds a circle to r as four cubic arcs; reverse draws it the other
// way round, so with the non-zero rule it cuts a hole.
func circle(r *vector.Rasterizer, cx, cy, rad float32, reverse bool) {
	const k = 0.5522848
	pts := [][2]float32{{1, 0}, {0, 1}, {-1, 0}, {0, -1}, {1, 0}}
	if reverse {
		for i, j := 0, len(pts)-1; i < j; i, j = i+1, j-1 {
			pts[i], pts[j] = pts[j], pts[i]
		}
	}
	r.MoveTo(cx+rad*pts[0][0], cy+rad*pts[0][1])
	for i := 1; i < len(pts); i++ {
		a, b := pts[i-1], pts[i]
		// Tangent at a point (x, y) of the unit circle is (-y, x) for
		// the forward direction.
		dir := float32(1)
		if reverse {
			dir = -1
		}
		c1 := [2]float32{a[0] - dir*k*a[1], a[1] + dir*k*a[0]}
		c2 := [2]float32{b[0] + dir*k*b[1], b[1] - dir*k*b[0]}
		r.CubeTo(cx+rad*c1[0], cy+rad*c1[1], cx+rad*c2[0], cy+rad*c2[1], cx+rad*b[0], cy+rad*b[1])
	}
	r.ClosePath()
}

// star adds a five-pointed star of outer radius rad, one point up.
func star(r *vector.Rasterizer, cx, cy, rad float32) {
	inner := rad * 0.382
	for i := 0; i < 10; i++ {
		rr := rad
		if i%2 == 1 {
			rr = inner
		}
		a := -math.Pi/2 + float64(i)*math.Pi/5
		x, y := cx+rr*float32(math.Cos(a)), cy+rr*float32(math.Sin(a))
		if i == 0 {
			r.MoveTo(x, y)
		} else {
			r.LineTo(x, y)
		}
	}
	r.ClosePath()
}

// arcText draws text along a circle of radius rad round the image's
// centre c: on the top, read left to right with letters upright outwards;
// on the bottom, read left to right with letters upright inwards. maxDeg
// is the widest arc the text may take; letters shrink to fit it.
func arcText(dst draw.Image, src image.Image, text string, c, rad, em float32, top bool, maxDeg float64) error {
	if text == "" {
		return nil
	}
	f := fontBold
	var buf sfnt.Buffer
	ppem := fixed.Int26_6(em * 64)
	type glyph struct {
		idx sfnt.GlyphIndex
		adv float32
	}
	var gs []glyph
	var total float32
	for _, ch := range text {
		idx, err := f.GlyphIndex(&buf, ch)
		if err != nil {
			return err
		}
		adv, err := f.GlyphAdvance(&buf, idx, ppem, font.HintingNone)
		if err != nil {
			return err
		}
		a := float32(adv) / 64 * 1.08 // a little letter spacing
		gs = append(gs, glyph{idx, a})
		total += a
	}
	// Fit the text in maxDeg of arc, shrinking it when it is longer.
	scale := float32(1)
	if maxArc := rad * float32(maxDeg*math.Pi/180); total > maxArc {
		scale = maxArc / total
	}
	b := dst.Bounds()
	ras := vector.NewRasterizer(b.Dx(), b.Dy())
	span := float64(total*scale) / float64(rad) // radians
	// Angle of the text's start, measured clockwise from the top.
	theta := -span / 2
	if !top {
		theta = math.Pi + span/2
	}
	for _, g := range gs {
		segs, err := f.LoadGlyph(&buf, g.idx, fixed.Int26_6(em*scale*64), nil)
		if err != nil {
			return err
		}
		half := float64(g.adv*scale) / 2 / float64(rad)
		var mid float64
		if top {
			mid = theta + half
		} else {
			mid = theta - half
		}
		// The glyph's origin sits on the circle at angle mid, its baseline
		// along the tangent; local x runs along the text, local y is
		// down in glyph space.
		sin, cos := math.Sincos(mid)
		px, py := float64(c)+float64(rad)*sin, float64(c)-float64(rad)*cos
		// Local x runs along the reading direction u, local y (down in
		// glyph space) along v: on the top, letters stand outwards; on
		// the bottom, inwards, so both read upright.
		ux, uy, vx, vy := cos, sin, -sin, cos
		if !top {
			ux, uy, vx, vy = -cos, -sin, sin, -cos
		}
		tf := func(p fixed.Point26_6) (float32, float32) {
			x := float64(p.X)/64 - float64(g.adv*scale)/2
			y := float64(p.Y) / 64
			return float32(px + x*ux + y*vx), float32(py + x*uy + y*vy)
		}
		for _, s := range segs {
			switch s.Op {
			case sfnt.SegmentOpMoveTo:
				x, y := tf(s.Args[0])
				ras.MoveTo(x, y)
			case sfnt.SegmentOpLineTo:
				x, y := tf(s.Args[0])
				ras.LineTo(x, y)
			case sfnt.SegmentOpQuadTo:
				x1, y1 := tf(s.Args[0])
				x, y := tf(s.Args[1])
				ras.QuadTo(x1, y1, x, y)
			case sfnt.SegmentOpCubeTo:
				x1, y1 := tf(s.Args[0])
				x2, y2 := tf(s.Args[1])
				x, y := tf(s.Args[2])
				ras.CubeTo(x1, y1, x2, y2, x, y)
			}
		}
		ras.ClosePath()
		if top {
			theta += 2 * half
		} else {
			theta -= 2 * half
		}
	}
	ras.Draw(dst, b, src, image.Point{})
	return nil
}
