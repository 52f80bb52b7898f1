package pades

import (
	"bytes"
	"testing"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
)

// objStmPDF rewrites the sample with pdfcpu into a PDF 1.5 file with an
// object stream and a cross-reference stream, as office suites write.
func objStmPDF(t *testing.T) []byte {
	t.Helper()
	conf := model.NewDefaultConfiguration()
	conf.WriteObjectStream, conf.WriteXRefStream = true, true
	conf.ValidationMode = model.ValidationRelaxed
	var out bytes.Buffer
	if err := api.Optimize(bytes.NewReader(samplePDF()), &out, conf); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(out.Bytes(), []byte("/ObjStm")) {
		t.Fatal("pdfcpu wrote no object stream")
	}
	return out.Bytes()
}

func TestObjectStreamsTwoSignatures(t *testing.T) {
	t.Parallel()
	p := getPKI(t)
	in := objStmPDF(t)
	person := p.leaf(t, leafOpts{})
	org := p.leaf(t, leafOpts{cn: "UBND Tỉnh Test", org: "UBND Tỉnh Test"})
	one := signPDF(t, in, person, Options{TSAURL: p.tsaURL, Appearance: &Appearance{Rect: [4]float64{320, 100, 540, 170}}})
	two := signPDF(t, one, org, Options{TSAURL: p.tsaURL, Appearance: &Appearance{Rect: [4]float64{290, 90, 390, 190}, Image: sealImage(200)}})
	rep := verifyPDF(t, two, VerifyOptions{Roots: p.roots})
	if rep.ExitStatus() != 0 {
		for _, s := range rep.Signatures {
			t.Logf("%d %v %v %+v", s.Index, s.Verdict, s.ChangedAfter, s.Notes)
		}
		t.Fatalf("exit %d", rep.ExitStatus())
	}
	pdfsigCheck(t, two, p.root, 2)

	// Invisible first signature, then a visible one on page 2, whose page
	// object is still inside the object stream.
	one = signPDF(t, in, person, Options{TSAURL: p.tsaURL})
	two = signPDF(t, one, org, Options{TSAURL: p.tsaURL, Appearance: &Appearance{Page: 2, Rect: [4]float64{290, 90, 390, 190}, Image: sealImage(200)}})
	rep = verifyPDF(t, two, VerifyOptions{Roots: p.roots})
	if rep.ExitStatus() != 0 || rep.Signatures[0].ChangedAfter != SignaturesOnly {
		t.Fatalf("page in object stream: %+v", rep)
	}
	pdfsigCheck(t, two, p.root, 2)
}
