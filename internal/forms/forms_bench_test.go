package forms

import (
	"io"
	"testing"

	"github.com/go-pdf/fpdf"
)

// Run: go test -run '^$' -bench . -benchmem ./internal/forms
//
// BenchmarkBaselineFPDF is the floor to compare against: an A5 page with a
// few lines in fpdf's core Helvetica (nothing to embed) and no QR code.
// Each form reports forms/s; divide the baseline's ns/op by a form's for
// the ratio.

func BenchmarkBaselineFPDF(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		pdf := fpdf.New("P", "mm", "A5", "")
		pdf.AddPage()
		pdf.SetFont("Helvetica", "B", 13)
		pdf.CellFormat(0, 8, "GIAY TIEP NHAN HO SO VA HEN TRA KET QUA", "", 1, "C", false, 0, "")
		pdf.SetFont("Helvetica", "", 11)
		for _, s := range []string{"Ma ho so: 000.00.12.H30-261124-0007", "Nguoi nop: Hoang Van Thu",
			"Thu tuc: Dang ky khai sinh", "Hen tra: 17 gio 00 phut, ngay 08/12/2026"} {
			pdf.CellFormat(0, 6, s, "", 1, "L", false, 0, "")
		}
		if err := pdf.Output(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "forms/s")
}

func BenchmarkRender(b *testing.B) {
	d, opt := sampleData(), sampleOptions()
	for _, k := range DossierKinds {
		b.Run(string(k), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := Render(io.Discard, k, d, opt); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "forms/s")
		})
	}
	b.Run("register_100", func(b *testing.B) {
		rows := sampleRows(100)
		b.ReportAllocs()
		for b.Loop() {
			if err := RenderRegister(io.Discard, rows, sampleExtra().Agency, Period{at(1, 0, 0), at(30, 0, 0)}, opt); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "forms/s")
	})
}
