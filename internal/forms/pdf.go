package forms

import (
	"fmt"
	"io"
	"math"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/boombuler/barcode/qr"
	"github.com/go-fonts/liberation/liberationserifbold"
	"github.com/go-fonts/liberation/liberationserifbolditalic"
	"github.com/go-fonts/liberation/liberationserifitalic"
	"github.com/go-fonts/liberation/liberationserifregular"
	"github.com/go-pdf/fpdf"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/text/unicode/norm"
)

// The face: Liberation Serif is metrically compatible with Times New
// Roman, the face of Vietnamese administrative documents, and has every
// Vietnamese letter (Go's own fonts lack some). fpdf embeds only the
// glyphs a document uses.
const family = "LiberationSerif"

var faces = map[string][]byte{
	"":   liberationserifregular.TTF,
	"B":  liberationserifbold.TTF,
	"I":  liberationserifitalic.TTF,
	"BI": liberationserifbolditalic.TTF,
}

var (
	coverOnce sync.Once
	cover     []bool // rune (BMP) -> every face has a glyph for it
	coverErr  error
)

// covered reports which runes all faces can draw, computed once. fpdf
// measures text through a table of the Basic Multilingual Plane only, so
// anything beyond it is left out as well.
func covered() ([]bool, error) {
	coverOnce.Do(func() {
		c := make([]bool, 0x10000)
		for i := range c {
			c[i] = true
		}
		var buf sfnt.Buffer
		for _, ttf := range faces {
			f, err := sfnt.Parse(ttf)
			if err != nil {
				coverErr = fmt.Errorf("forms: font: %w", err)
				return
			}
			for r := range c {
				if !c[r] {
					continue
				}
				if gi, err := f.GlyphIndex(&buf, rune(r)); err != nil || gi == 0 {
					c[r] = false
				}
			}
		}
		cover = c
	})
	return cover, coverErr
}

// doc is one PDF being drawn; it is never shared between goroutines.
type doc struct {
	pdf   *fpdf.Fpdf
	l     *Layout
	p     paper
	opt   Options
	loc   *time.Location
	cover []bool
	seen  func(string) // tests: every string before it is cleaned
	added map[string]bool

	left, right, top, bottom float64 // margins, mm
	base                     float64 // body font size, pt
}

func newDoc(l *Layout, paperName, orientation string, opt Options, seen func(string)) (*doc, error) {
	p, err := paperOf(paperName, orientation)
	if err != nil {
		return nil, err
	}
	c, err := covered()
	if err != nil {
		return nil, err
	}
	d := &doc{l: l, p: p, opt: opt, loc: opt.loc(), cover: c, seen: seen, added: map[string]bool{}}
	// Decree 30/2020's margins scaled to the paper: A5 forms are a
	// half-sheet, so their margins are smaller than an A4 letter's.
	if p.name == "A5" {
		d.left, d.right, d.top, d.bottom, d.base = 15, 10, 10, 10, 10.5
	} else {
		d.left, d.right, d.top, d.bottom, d.base = 20, 15, 12, 12, 12
	}
	pdf := fpdf.NewCustom(&fpdf.InitType{OrientationStr: p.orientation, UnitStr: "mm", SizeStr: p.name})
	pdf.SetMargins(d.left, d.top, d.right)
	pdf.SetAutoPageBreak(true, d.bottom)
	pdf.SetCellMargin(0)
	now := opt.now()
	pdf.SetCreationDate(now)
	pdf.SetModificationDate(now)
	pdf.SetCatalogSort(true)
	pdf.SetCreator("egov", false)
	pdf.SetLang("vi-VN")
	// Pages after the first are numbered at the top centre (Decree 30).
	pdf.SetHeaderFunc(func() {
		if n := pdf.PageNo(); n > 1 {
			d.font("", d.base-1)
			pdf.SetXY(d.left, d.top/2-2)
			pdf.CellFormat(d.width(), 4, fmt.Sprint(n), "", 0, "C", false, 0, "")
			pdf.SetXY(d.left, d.top)
		}
	})
	d.pdf = pdf
	pdf.AddPage()
	return d, nil
}

func (d *doc) output(w io.Writer) error {
	if err := d.pdf.Error(); err != nil {
		return fmt.Errorf("forms: pdf: %w", err)
	}
	if err := d.pdf.Output(w); err != nil {
		return fmt.Errorf("forms: pdf: %w", err)
	}
	return nil
}

// width is the usable width of the page.
func (d *doc) width() float64 { return d.p.w - d.left - d.right }

// limit is where content must end on a page.
func (d *doc) limit() float64 { return d.p.h - d.bottom }

// lh is the line height of a font size (pt) in mm: Vietnamese stacks
// two marks over a capital, so lines are looser than Latin's default.
func lh(size float64) float64 { return size * 0.3528 * 1.42 }

// font selects a face, adding it to the document on first use: fpdf
// parses and writes every face it is given, so a face a form does not use
// costs a quarter of the rendering time for nothing.
func (d *doc) font(style string, size float64) {
	if !d.added[style] {
		d.pdf.AddUTF8FontFromBytes(family, style, faces[style])
		d.added[style] = true
	}
	d.pdf.SetFont(family, style, size)
}

// clean makes s printable: NFC (decomposed marks would collide), no
// control characters, and '?' for what the font cannot draw.
func (d *doc) clean(s string) string {
	s = norm.NFC.String(s)
	if d.seen != nil {
		d.seen(s)
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n':
			return r
		case r == '\t' || r == '\r':
			return ' '
		case unicode.IsControl(r) || r == '\u00ad':
			return -1
		case r >= 0x10000 || !d.cover[r]:
			return '?'
		}
		return r
	}, s)
}

// oneLine is clean text for a single line.
func (d *doc) oneLine(s string) string {
	return strings.Join(strings.Fields(d.clean(s)), " ")
}

// need starts a new page unless h mm fit on this one.
func (d *doc) need(h float64) {
	if d.pdf.GetY()+h > d.limit() {
		d.pdf.AddPage()
	}
}

// fit is the largest size up to size at which s fits w on one line.
func (d *doc) fit(s, style string, size, w float64) float64 {
	d.font(style, size)
	sw := d.pdf.GetStringWidth(s)
	if sw <= w {
		return size
	}
	return math.Max(6, math.Floor(size*w/sw*10)/10)
}

// centered draws wrapped text centred in [x, x+w] from y; it returns the
// y below it.
func (d *doc) centered(x, y, w float64, s, style string, size float64) float64 {
	d.font(style, size)
	h := lh(size)
	for _, line := range d.split(s, w) {
		d.pdf.SetXY(x, y)
		d.pdf.CellFormat(w, h, line, "", 0, "C", false, 0, "")
		y += h
	}
	return y
}

// centeredFit is centered on one line when a slightly smaller size fits
// the text there (the header's agency names read best unbroken), and
// wrapped at size otherwise.
func (d *doc) centeredFit(x, y, w float64, s, style string, size float64) float64 {
	line := d.oneLine(s)
	if fs := d.fit(line, style, size, w); fs >= size-1.5 {
		d.font(style, fs)
		d.pdf.SetXY(x, y)
		d.pdf.CellFormat(w, lh(size), line, "", 0, "C", false, 0, "")
		return y + lh(size)
	}
	return d.centered(x, y, w, s, style, size)
}

// split wraps cleaned text to w in the current font, honouring newlines.
func (d *doc) split(s string, w float64) []string {
	var out []string
	for para := range strings.SplitSeq(d.clean(s), "\n") {
		para = strings.Join(strings.Fields(para), " ")
		if para == "" {
			continue
		}
		out = append(out, d.pdf.SplitText(para, w)...)
	}
	return out
}

// header draws the top band (QR code and form number), the two blocks of
// the administrative header and the date line. code is printed under the
// QR code.
func (d *doc) header(number, basis string, agency Agency, code string) {
	pdf := d.pdf
	x0, y0, w := d.left, d.top, d.width()
	// Top band: the QR code of the tracking page with the code under it
	// on the left; the form number and its legal basis on the right.
	bandBottom := y0
	if d.opt.TrackingURL != "" {
		size := 20.0
		d.qr(x0, y0, size, d.opt.TrackingURL)
		bandBottom = y0 + size
		if code = d.oneLine(code); code != "" {
			cs := d.fit(code, "B", 7, 48)
			d.font("B", cs)
			pdf.SetXY(x0+size/2-24, bandBottom-1.2)
			pdf.CellFormat(48, lh(cs), code, "", 0, "C", false, 0, "")
			bandBottom += lh(cs) - 1.2
		}
	}
	ry := y0
	if number != "" {
		d.font("B", d.base-1)
		pdf.SetXY(x0+w-70, ry)
		pdf.CellFormat(70, lh(d.base-1), d.oneLine(number), "", 0, "R", false, 0, "")
		ry += lh(d.base - 1)
	}
	if basis != "" {
		bs := d.base - 3
		d.font("I", bs)
		bw := 60.0
		for _, line := range d.split(basis, bw) {
			pdf.SetXY(x0+w-bw, ry)
			pdf.CellFormat(bw, lh(bs), line, "", 0, "R", false, 0, "")
			ry += lh(bs)
		}
	}
	y := math.Max(bandBottom, ry) + 3

	// Left: the superior agency and the agency (bold), a short rule under
	// it; right: the nation and the motto (bold), the motto ruled under.
	// The right block is as wide as its lines need (up to 60%), the
	// agency names get the rest.
	size := d.base - 1
	d.font("B", size+1)
	need := d.pdf.GetStringWidth(d.oneLine(d.l.Motto))
	d.font("B", size)
	need = math.Max(need, d.pdf.GetStringWidth(d.oneLine(d.l.Nation)))
	rw := math.Min(w*0.6, math.Max(w*0.5, need+4))
	lw := w - rw
	ly := y
	if s := strings.TrimSpace(agency.Superior); s != "" {
		ly = d.centeredFit(x0, ly, lw, strings.ToUpper(s), "", size)
	}
	name := strings.ToUpper(strings.TrimSpace(agency.Name))
	if name == "" {
		name = d.l.Blank
	}
	ly = d.centeredFit(x0, ly, lw, name, "B", size)
	rule := lw / 3
	pdf.SetLineWidth(0.25)
	pdf.Line(x0+(lw-rule)/2, ly+0.4, x0+(lw+rule)/2, ly+0.4)

	rx := x0 + lw
	nation := d.oneLine(d.l.Nation)
	d.font("B", d.fit(nation, "B", size, rw))
	pdf.SetXY(rx, y)
	pdf.CellFormat(rw, lh(size), nation, "", 0, "C", false, 0, "")
	ry = y + lh(size)
	motto := d.oneLine(d.l.Motto)
	d.font("B", d.fit(motto, "B", size+1, rw))
	pdf.SetXY(rx, ry)
	pdf.CellFormat(rw, lh(size+1), motto, "", 0, "C", false, 0, "")
	mw := pdf.GetStringWidth(motto)
	ry += lh(size + 1)
	pdf.Line(rx+(rw-mw)/2, ry+0.4, rx+(rw+mw)/2, ry+0.4)

	// The date line sits under the right block (Decree 30/2020).
	ry += 2.5
	date := d.dateLine()
	ds := d.fit(date, "I", size+0.5, rw)
	d.font("I", ds)
	pdf.SetXY(rx, ry)
	pdf.CellFormat(rw, lh(ds), date, "", 0, "C", false, 0, "")
	ry += lh(ds)
	pdf.SetXY(x0, math.Max(ly+2, ry)+4)
}

// dateLine is "Lạng Sơn, ngày 24 tháng 11 năm 2026": a day below 10 and
// the months January and February are written with a leading zero.
func (d *doc) dateLine() string {
	t := d.opt.now().In(d.loc)
	place := strings.TrimSpace(d.opt.Place)
	if place == "" {
		place = d.l.Blank
	}
	month := fmt.Sprint(int(t.Month()))
	if t.Month() < 3 {
		month = fmt.Sprintf("%02d", int(t.Month()))
	}
	return d.oneLine(fill(d.l.DateLine, map[string]string{
		"place": place, "day": fmt.Sprintf("%02d", t.Day()), "month": month, "year": fmt.Sprint(t.Year()),
	}))
}

// when formats an instant with one of the layout's patterns; zero is "".
func (d *doc) when(pattern string, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(d.loc)
	return fill(pattern, map[string]string{
		"hour": fmt.Sprintf("%02d", t.Hour()), "minute": fmt.Sprintf("%02d", t.Minute()),
		"day": fmt.Sprintf("%02d", t.Day()), "month": fmt.Sprintf("%02d", int(t.Month())), "year": fmt.Sprint(t.Year()),
	})
}

// fill replaces {name} by vals[name].
func fill(tpl string, vals map[string]string) string {
	return placeholderRE.ReplaceAllStringFunc(tpl, func(m string) string { return vals[m[1:len(m)-1]] })
}

// title draws the form's title and the line under it (the code).
func (d *doc) title(title string, sub []span) {
	pdf := d.pdf
	y := d.centered(d.left, pdf.GetY(), d.width(), title, "B", d.base+2)
	pdf.SetXY(d.left, y)
	if len(sub) > 0 {
		d.rich(sub, d.base, "C", 0)
	}
	pdf.SetY(pdf.GetY() + 3)
}

// span is a run of text in one style.
type span struct{ s, style string }

// spans cuts a template into literal text (style) and values (valStyle);
// empty values print as the layout's blank. ok is false when an optional
// template has an empty value.
func (d *doc) spans(tpl string, vals map[string]string, style, valStyle string, optional bool) ([]span, bool) {
	var out []span
	last := 0
	for _, m := range placeholderRE.FindAllStringSubmatchIndex(tpl, -1) {
		if m[0] > last {
			out = append(out, span{tpl[last:m[0]], style})
		}
		v := strings.TrimSpace(vals[tpl[m[2]:m[3]]])
		if v == "" {
			if optional {
				return nil, false
			}
			out = append(out, span{d.l.Blank, style})
		} else {
			out = append(out, span{v, valStyle})
		}
		last = m[1]
	}
	if last < len(tpl) {
		out = append(out, span{tpl[last:], style})
	}
	return out, true
}

// piece is text in one style; word is pieces that do not break (a bold
// name and the comma after it).
type piece struct {
	s, style string
	w        float64
}

type word struct {
	pieces []piece
	space  bool // preceded by a space
	w      float64
}

// rich draws spans wrapped to the page width minus indent, aligned L or C,
// at size; the values keep their style across lines.
func (d *doc) rich(spans []span, size float64, align string, indent float64) {
	pdf := d.pdf
	w := d.width() - indent
	d.font("", size)
	sw := pdf.GetStringWidth(" ")

	var words []word
	var cur word
	var b strings.Builder
	style, pending := "", false
	flushPiece := func() {
		if b.Len() == 0 {
			return
		}
		d.font(style, size)
		p := piece{s: b.String(), style: style, w: pdf.GetStringWidth(b.String())}
		cur.pieces = append(cur.pieces, p)
		cur.w += p.w
		b.Reset()
	}
	flushWord := func() {
		flushPiece()
		if len(cur.pieces) > 0 {
			words = append(words, d.breakWord(cur, w, size)...)
		}
		cur = word{}
	}
	for _, sp := range spans {
		if sp.style != style {
			flushPiece()
			style = sp.style
		}
		for _, r := range d.clean(sp.s) {
			if r == ' ' || r == '\n' {
				flushWord()
				pending = true
				continue
			}
			if len(cur.pieces) == 0 && b.Len() == 0 {
				cur.space = pending && len(words) > 0
				pending = false
			}
			b.WriteRune(r)
		}
	}
	flushWord()

	var lines [][]word
	var line []word
	lw := 0.0
	for _, wd := range words {
		add := wd.w
		if len(line) > 0 && wd.space {
			add += sw
		}
		if len(line) > 0 && lw+add > w {
			lines = append(lines, line)
			line, lw, add = nil, 0, wd.w
		}
		line = append(line, wd)
		lw += add
	}
	if len(line) > 0 {
		lines = append(lines, line)
	}
	h := lh(size)
	for _, line := range lines {
		d.need(h)
		total := 0.0
		for i, wd := range line {
			if i > 0 && wd.space {
				total += sw
			}
			total += wd.w
		}
		x := d.left + indent
		if align == "C" {
			x += (w - total) / 2
		}
		y := pdf.GetY()
		for i, wd := range line {
			if i > 0 && wd.space {
				x += sw
			}
			for _, p := range wd.pieces {
				d.font(p.style, size)
				pdf.SetXY(x, y)
				pdf.CellFormat(p.w, h, p.s, "", 0, "L", false, 0, "")
				x += p.w
			}
		}
		pdf.SetXY(d.left, y+h)
	}
}

// breakWord cuts a word wider than w (a long code or address without
// spaces) into words that fit.
func (d *doc) breakWord(wd word, w, size float64) []word {
	if wd.w <= w {
		return []word{wd}
	}
	var out []word
	cur := word{space: wd.space}
	for _, p := range wd.pieces {
		d.font(p.style, size)
		var b strings.Builder
		flush := func() {
			if b.Len() > 0 {
				pw := d.pdf.GetStringWidth(b.String())
				cur.pieces = append(cur.pieces, piece{s: b.String(), style: p.style, w: pw})
				cur.w += pw
				b.Reset()
			}
		}
		for _, r := range p.s {
			rw := d.pdf.GetStringWidth(string(r))
			if cur.w+d.pdf.GetStringWidth(b.String())+rw > w && (b.Len() > 0 || len(cur.pieces) > 0) {
				flush()
				out = append(out, cur)
				cur = word{}
			}
			b.WriteRune(r)
		}
		flush()
	}
	if len(cur.pieces) > 0 {
		out = append(out, cur)
	}
	return out
}

// list draws numbered items with a hanging indent, each once.
func (d *doc) list(items []string) {
	pdf := d.pdf
	size := d.base
	h := lh(size)
	indent := 7.0
	d.font("", size)
	for i, it := range items {
		lines := d.split(it, d.width()-indent)
		if len(lines) == 0 {
			continue
		}
		for j, line := range lines {
			d.need(h)
			y := pdf.GetY()
			d.font("", size)
			if j == 0 {
				pdf.SetXY(d.left+1.5, y)
				pdf.CellFormat(indent-1.5, h, fmt.Sprintf("%d.", i+1), "", 0, "L", false, 0, "")
			}
			pdf.SetXY(d.left+indent, y)
			pdf.CellFormat(d.width()-indent, h, line, "", 0, "L", false, 0, "")
			pdf.SetXY(d.left, y+h)
		}
	}
}

// table draws a ruled table whose header is repeated on every page it
// runs onto; rows are split across pages only when one is taller than a
// page.
func (d *doc) table(cols []Column, rows [][]string, size float64) {
	pdf := d.pdf
	total := 0.0
	for _, c := range cols {
		total += c.Width
	}
	ws := make([]float64, len(cols))
	for i, c := range cols {
		ws[i] = d.width() * c.Width / total
	}
	const pad = 1.0
	h := lh(size)
	pdf.SetLineWidth(0.2)
	pdf.SetCellMargin(pad)
	defer pdf.SetCellMargin(0)

	header := func() {
		d.font("B", size)
		y0 := pdf.GetY()
		// Group cells span their columns on a first row.
		hasGroup := false
		for _, c := range cols {
			hasGroup = hasGroup || c.Group != ""
		}
		labels := make([][]string, len(cols))
		maxLines := 1
		for i, c := range cols {
			labels[i] = d.split(c.Label, ws[i])
			maxLines = max(maxLines, len(labels[i]))
		}
		groupH := 0.0
		if hasGroup {
			groupH = h + 2*pad
		}
		rowH := float64(maxLines)*h + 2*pad
		x := d.left
		for i := 0; i < len(cols); {
			c := cols[i]
			if c.Group == "" {
				d.cellBox(x, y0, ws[i], groupH+rowH, labels[i], "C", h, true)
				x += ws[i]
				i++
				continue
			}
			j, gw := i, 0.0
			for ; j < len(cols) && cols[j].Group == c.Group; j++ {
				gw += ws[j]
			}
			d.cellBox(x, y0, gw, groupH, d.split(c.Group, gw), "C", h, true)
			for k := i; k < j; k++ {
				d.cellBox(x, y0+groupH, ws[k], rowH, labels[k], "C", h, true)
				x += ws[k]
			}
			i = j
		}
		pdf.SetXY(d.left, y0+groupH+rowH)
	}
	headerHeight := func() float64 {
		d.font("B", size)
		maxLines, hasGroup := 1, false
		for i, c := range cols {
			maxLines = max(maxLines, len(d.split(c.Label, ws[i])))
			hasGroup = hasGroup || c.Group != ""
		}
		hh := float64(maxLines)*h + 2*pad
		if hasGroup {
			hh += h + 2*pad
		}
		return hh
	}()
	// The header never stands alone at the foot of a page.
	d.need(headerHeight + h + 2*pad)
	header()
	d.font("", size)
	for _, row := range rows {
		cells := make([][]string, len(cols))
		n := 1
		for i := range cols {
			if i < len(row) {
				cells[i] = d.split(row[i], ws[i])
			}
			n = max(n, len(cells[i]))
		}
		for n > 0 {
			fits := int((d.limit() - pdf.GetY() - 2*pad) / h)
			fresh := int((d.limit() - d.top - headerHeight - 2*pad) / h)
			if fits < n && fits < fresh {
				pdf.AddPage()
				header()
				d.font("", size)
				continue
			}
			// A page too small for even one line still makes progress.
			take := min(n, max(fits, 1))
			y := pdf.GetY()
			x := d.left
			for i, c := range cols {
				part := cells[i][:min(take, len(cells[i]))]
				d.cellBox(x, y, ws[i], float64(take)*h+2*pad, part, alignOf(c), h, false)
				cells[i] = cells[i][len(part):]
				x += ws[i]
			}
			pdf.SetXY(d.left, y+float64(take)*h+2*pad)
			n -= take
			if n > 0 {
				pdf.AddPage()
				header()
				d.font("", size)
			}
		}
	}
	pdf.SetY(pdf.GetY() + 2)
}

func alignOf(c Column) string {
	if c.Align == "" {
		return "L"
	}
	return c.Align
}

// cellBox draws a ruled box with lines of text (centred vertically for a
// header).
func (d *doc) cellBox(x, y, w, h float64, lines []string, align string, lineH float64, middle bool) {
	pdf := d.pdf
	pdf.Rect(x, y, w, h, "D")
	ty := y + 1
	if middle {
		ty = y + (h-float64(len(lines))*lineH)/2
	}
	for _, line := range lines {
		pdf.SetXY(x, ty)
		pdf.CellFormat(w, lineH, line, "", 0, align, false, 0, "")
		ty += lineH
	}
}

// signGap is the space left for a signature (and a seal).
const signGap = 16.0

// signers draws the signature blocks side by side, kept on one page.
func (d *doc) signers(ss []Signer, vals map[string]string, title string) {
	if len(ss) == 0 {
		return
	}
	pdf := d.pdf
	size := d.base
	cw := d.width() / float64(max(len(ss), 2))
	type block struct{ title, hint, name []string }
	blocks := make([]block, len(ss))
	height := 0.0
	for i, s := range ss {
		t := s.Title
		// The issuing official's own title replaces the generic one.
		if title != "" && strings.Contains(s.Name, "{signer}") {
			t = title
		}
		var b block
		d.font("B", size)
		b.title = d.split(t, cw)
		b.name = d.split(fill(s.Name, vals), cw)
		d.font("I", size-1)
		b.hint = d.split(s.Hint, cw)
		blocks[i] = b
		height = math.Max(height, float64(len(b.title)+len(b.name))*lh(size)+float64(len(b.hint))*lh(size-1)+signGap)
	}
	d.need(height + 2)
	y0 := pdf.GetY() + 2
	bottom := y0
	x0 := d.left
	if len(blocks) == 1 {
		// One signer signs on the right half, as on letters.
		x0 += cw
	}
	for i, b := range blocks {
		x := x0 + cw*float64(i)
		y := d.lines(x, y0, cw, b.title, "B", size)
		y = d.lines(x, y, cw, b.hint, "I", size-1)
		y = d.lines(x, y+signGap, cw, b.name, "B", size)
		bottom = math.Max(bottom, y)
	}
	pdf.SetXY(d.left, bottom+2)
}

// lines draws lines already split, centred in [x, x+w].
func (d *doc) lines(x, y, w float64, lines []string, style string, size float64) float64 {
	d.font(style, size)
	for _, line := range lines {
		d.pdf.SetXY(x, y)
		d.pdf.CellFormat(w, lh(size), line, "", 0, "C", false, 0, "")
		y += lh(size)
	}
	return y
}

// qr draws a QR code of s as filled squares in a size mm box (its quiet
// zone of 4 modules inside), with the dossier code under it left to the
// caller. Vector modules stay sharp at any zoom and cost less than an
// image.
func (d *doc) qr(x, y, size float64, s string) {
	code, err := qr.Encode(s, qr.M, qr.Auto)
	if err != nil {
		d.pdf.SetError(fmt.Errorf("forms: qr: %w", err))
		return
	}
	b := code.Bounds()
	n := b.Dx()
	m := size / float64(n+8)
	ox, oy := x+4*m, y+4*m
	pdf := d.pdf
	pdf.SetFillColor(0, 0, 0)
	for r := 0; r < n; r++ {
		for c := 0; c < n; {
			if !dark(code.At(b.Min.X+c, b.Min.Y+r)) {
				c++
				continue
			}
			start := c
			for c < n && dark(code.At(b.Min.X+c, b.Min.Y+r)) {
				c++
			}
			// A hair of overlap so that rows do not show seams.
			pdf.Rect(ox+float64(start)*m, oy+float64(r)*m, float64(c-start)*m, m+0.02, "F")
		}
	}
}

func dark(c interface{ RGBA() (r, g, b, a uint32) }) bool {
	r, _, _, _ := c.RGBA()
	return r < 0x8000
}
