package pades

import (
	"errors"
	"fmt"
	"io"

	"github.com/digitorus/pdf"
)

// PageGeometry is where a page lies: its number of pages in all and the
// page's media box (lower-left x, y, upper-right x, y in points).
type PageGeometry struct {
	Pages int
	Box   [4]float64
}

// PageBox reads the number of pages of a PDF and the media box of page n
// (1-based; 0 or more than the count means the last page), so a visible
// signature can be placed on it.
func PageBox(r io.ReaderAt, size int64, n int) (g PageGeometry, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("pades: page box: unreadable PDF: %v", p)
		}
	}()
	rdr, err := pdf.NewReader(r, size)
	if err != nil {
		return g, fmt.Errorf("pades: page box: %w", err)
	}
	g.Pages = rdr.NumPage()
	if g.Pages == 0 {
		return g, errors.New("pades: page box: the PDF has no pages")
	}
	if n <= 0 || n > g.Pages {
		n = g.Pages
	}
	page := rdr.Page(n).V
	// MediaBox may be inherited from the page tree.
	box := page.Key("MediaBox")
	for p, i := page, 0; box.IsNull() && i < 32; i++ {
		p = p.Key("Parent")
		if p.IsNull() {
			break
		}
		box = p.Key("MediaBox")
	}
	if box.Len() != 4 {
		g.Box = [4]float64{0, 0, 595.28, 841.89} // A4, as readers assume
		return g, nil
	}
	for i := 0; i < 4; i++ {
		g.Box[i] = box.Index(i).Float64()
	}
	if g.Box[0] > g.Box[2] {
		g.Box[0], g.Box[2] = g.Box[2], g.Box[0]
	}
	if g.Box[1] > g.Box[3] {
		g.Box[1], g.Box[3] = g.Box[3], g.Box[1]
	}
	return g, nil
}
