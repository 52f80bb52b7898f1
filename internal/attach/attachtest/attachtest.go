// Package attachtest makes small, valid test files (PDFs written object
// by object with a correct cross-reference table) for the tests of the
// upload pipeline and of the pages and API that take uploads.
package attachtest

import (
	"bytes"
	"fmt"
	"strings"
)

// BuildPDF writes a classic PDF whose objects are numbered from 1 in
// order, with a correct cross-reference table; object 1 is the catalog.
func BuildPDF(objs ...string) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	offs := make([]int, len(objs))
	for i, o := range objs {
		offs[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}

// PDF is a valid PDF of n A4 pages, each with a small drawing; note (a
// PDF comment in the first page) makes files of the same size differ.
func PDF(n int, note string) []byte {
	objs := []string{"<< /Type /Catalog /Pages 2 0 R >>", ""}
	var kids []string
	for i := range n {
		page, content := 3+2*i, 4+2*i
		kids = append(kids, fmt.Sprintf("%d 0 R", page))
		draw := fmt.Sprintf("0 0 1 rg 72 %d 200 100 re f", 600-40*i)
		if i == 0 && note != "" {
			draw += " % " + note
		}
		objs = append(objs,
			fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << >> /Contents %d 0 R >>", content),
			fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(draw), draw))
	}
	objs[1] = fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), n)
	return BuildPDF(objs...)
}
