package pades

import (
	"bytes"
	"crypto/x509"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/digitorus/pdf"
)

// ltvSources serves the issuing CA's CRL (the root has none) and adds the
// root to the chains.
func ltvSources(p *testPKI, crl []byte) DSSSources {
	return DSSSources{
		Certs: []*x509.Certificate{p.root},
		CRL: func(issuer *x509.Certificate) ([]byte, error) {
			if issuer.Equal(p.issuing) {
				return crl, nil
			}
			return nil, nil
		},
	}
}

// withDSS collects the validation data of every signature of in and adds
// it as a DSS update.
func withDSS(t testing.TB, in []byte, src DSSSources) []byte {
	t.Helper()
	d, err := CollectDSS(bytes.NewReader(in), int64(len(in)), src)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := AddDSS(&out, bytes.NewReader(in), int64(len(in)), d); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(out.Bytes(), in) {
		t.Fatal("AddDSS changed the existing bytes")
	}
	return out.Bytes()
}

// pdfinfoCheck requires poppler's pdfinfo to read the file without any
// error or warning.
func pdfinfoCheck(t *testing.T, b []byte) {
	t.Helper()
	pdfinfo, err := exec.LookPath("pdfinfo")
	if err != nil {
		t.Skip("pdfinfo missing")
	}
	f := filepath.Join(t.TempDir(), "dss.pdf")
	if err := os.WriteFile(f, b, 0o600); err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd := exec.Command(pdfinfo, f)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil || stderr.Len() > 0 || !bytes.Contains(out, []byte("Pages:")) {
		t.Fatalf("pdfinfo: %v\n%s\n%s", err, stderr.Bytes(), out)
	}
}

// readBack opens the result with the PDF library and returns the
// catalog's /DSS.
func readBack(t *testing.T, b []byte) (pdf.Value, *pdf.Reader) {
	t.Helper()
	r, err := pdf.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	root := r.Trailer().Key("Root")
	if root.Key("Pages").Key("Count").Int64() != 2 {
		t.Fatalf("page tree lost: %v", root)
	}
	return root.Key("DSS"), r
}

func TestDSSLongTerm(t *testing.T) {
	t.Parallel()
	p := getPKI(t)
	signed := signPDF(t, samplePDF(), p.leaf(t, leafOpts{}), Options{TSAURL: p.tsaURL,
		Appearance: &Appearance{Rect: [4]float64{320, 100, 540, 170}}})
	crl := p.crl(t, nil)
	out := withDSS(t, signed, ltvSources(p, crl))

	rep := verifyPDF(t, out, VerifyOptions{Roots: p.roots, RequireRevocation: true})
	wantExit(t, rep, 0)
	sg := rep.Signatures[0]
	if sg.Verdict != Valid || sg.Level != LevelBLT || !sg.RevocationFromDSS || sg.ChangedAfter != ValidationData || rep.ChangedAfterLast {
		t.Fatalf("%+v", rep)
	}
	if hasNote(sg, "Content other than signatures") || !hasNote(sg, "Validation data (a document security store") ||
		!hasNote(sg, "Signature level: B-LT") || !strings.HasSuffix(sg.Summary.EN, "(level B-LT).") ||
		!strings.HasSuffix(sg.Summary.VI, "(mức B-LT).") {
		t.Fatalf("sentences: %+v %+v", sg.Summary, sg.Notes)
	}
	// Without the store the same options cannot find revocation data.
	before := verifyPDF(t, signed, VerifyOptions{Roots: p.roots, RequireRevocation: true})
	wantExit(t, before, 2)
	if s := before.Signatures[0]; s.Verdict != Indeterminate || s.Level != LevelBT || !hasNote(s, "Signature level: B-T") {
		t.Fatalf("%+v", s)
	}

	// The store: chain and TSA certificates, the CRL, one VRI entry keyed
	// by the SHA-1 of /Contents; the catalog keeps its references.
	dss, _ := readBack(t, out)
	if n := dss.Key("Certs").Len(); n != 4 { // leaf, issuing CA, root, TSA
		t.Errorf("%d certificates in the store", n)
	}
	if dss.Key("CRLs").Len() != 1 || dss.Key("OCSPs").Len() != 0 {
		t.Errorf("store: %v", dss)
	}
	raw := findSignatures(out)[0]
	key := VRIKey(contentsValue(out, raw.ByteRange))
	if v := dss.Key("VRI").Key(key); v.Key("Cert").Len() != 4 || v.Key("CRL").Len() != 1 {
		t.Errorf("VRI %s: %v (keys %v)", key, v, dss.Key("VRI").Keys())
	}
	rev := out[len(signed):]
	cat := topDict(lastDefinitions(rev)[mustRoot(t, out)].Dict)
	if len(cat["/Pages"]) != 3 || cat["/Pages"][2] != "R" || !strings.Contains(strings.Join(cat["/AcroForm"], " "), "R ]") {
		t.Errorf("catalog: %v", cat)
	}
	if !bytes.Contains(rev, []byte("\nxref\n")) {
		t.Error("the update of a file with a table has no table")
	}
	pdfsigCheck(t, out, p.root, 1)
	pdfinfoCheck(t, out)
}

func mustRoot(t *testing.T, b []byte) int {
	n, ok := lastRoot(b)
	if !ok {
		t.Fatal("no /Root")
	}
	return n
}

func TestDSSAroundSecondSignature(t *testing.T) {
	t.Parallel()
	p := getPKI(t)
	src := ltvSources(p, p.crl(t, nil))
	one := withDSS(t, signPDF(t, samplePDF(), p.leaf(t, leafOpts{}), Options{TSAURL: p.tsaURL}), src)
	two := signPDF(t, one, p.leaf(t, leafOpts{cn: "UBND Tỉnh Test", org: "UBND Tỉnh Test", rsa: true}), Options{TSAURL: p.tsaURL,
		Appearance: &Appearance{Rect: [4]float64{290, 90, 390, 190}, Image: sealImage(200)}})
	mid := verifyPDF(t, two, VerifyOptions{Roots: p.roots})
	wantExit(t, mid, 0)
	if a, b := mid.Signatures[0], mid.Signatures[1]; a.ChangedAfter != SignaturesOnly || a.AddedAfter != 1 || a.Level != LevelBLT ||
		!hasNote(a, "Validation data") || b.ChangedAfter != NoChange || b.Level != LevelBLT {
		// (The store's CRL of the shared issuing CA covers the second
		// signer too.)
		t.Fatalf("after the second signature: %+v", mid)
	}
	three := withDSS(t, two, src)
	rep := verifyPDF(t, three, VerifyOptions{Roots: p.roots, RequireRevocation: true})
	wantExit(t, rep, 0)
	a, b := rep.Signatures[0], rep.Signatures[1]
	if a.ChangedAfter != SignaturesOnly || b.ChangedAfter != ValidationData || a.Level != LevelBLT || b.Level != LevelBLT {
		t.Fatalf("%+v", rep)
	}
	dss, _ := readBack(t, three)
	if n := dss.Key("Certs").Len(); n != 5 { // two leaves, issuing CA, root, TSA: no duplicates
		t.Errorf("%d certificates in the merged store", n)
	}
	if n := dss.Key("CRLs").Len(); n != 1 {
		t.Errorf("%d CRLs in the merged store", n)
	}
	if n := len(dss.Key("VRI").Keys()); n != 2 {
		t.Errorf("%d VRI entries", n)
	}
	pdfsigCheck(t, three, p.root, 2)
	pdfinfoCheck(t, three)
}

func TestDSSCrossReferenceKinds(t *testing.T) {
	t.Parallel()
	p := getPKI(t)
	for name, in := range map[string][]byte{"table": samplePDF(), "stream": objStmPDF(t)} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			signed := signPDF(t, in, p.leaf(t, leafOpts{}), Options{TSAURL: p.tsaURL})
			out := withDSS(t, signed, ltvSources(p, p.crl(t, nil)))
			rev := out[len(signed):]
			if isStream := bytes.Contains(rev, []byte("/Type /XRef")); isStream != (name == "stream") || bytes.Contains(rev, []byte("\nxref\n")) == isStream {
				t.Fatalf("cross-reference kind: %s", rev[max(0, len(rev)-400):])
			}
			_, r := readBack(t, out)
			if r.XrefInformation.Type != name {
				t.Fatalf("read back as %q", r.XrefInformation.Type)
			}
			rep := verifyPDF(t, out, VerifyOptions{Roots: p.roots, RequireRevocation: true})
			wantExit(t, rep, 0)
			if sg := rep.Signatures[0]; sg.Level != LevelBLT || sg.ChangedAfter != ValidationData {
				t.Fatalf("%+v", sg)
			}
			pdfsigCheck(t, out, p.root, 1)
			pdfinfoCheck(t, out)

			// A second signature on top of the update, then the store again.
			two := signPDF(t, out, p.leaf(t, leafOpts{cn: "UBND Tỉnh Test"}), Options{TSAURL: p.tsaURL})
			three := withDSS(t, two, ltvSources(p, p.crl(t, nil)))
			rep = verifyPDF(t, three, VerifyOptions{Roots: p.roots, RequireRevocation: true})
			wantExit(t, rep, 0)
			if a, b := rep.Signatures[0], rep.Signatures[1]; a.ChangedAfter != SignaturesOnly || b.ChangedAfter != ValidationData ||
				a.Level != LevelBLT || b.Level != LevelBLT {
				t.Fatalf("%+v", rep)
			}
			pdfsigCheck(t, three, p.root, 2)
			pdfinfoCheck(t, three)
		})
	}
}

func TestDSSTampered(t *testing.T) {
	t.Parallel()
	p := getPKI(t)
	s := p.leaf(t, leafOpts{})
	crl := p.crl(t, nil)
	signed := signPDF(t, samplePDF(), s, Options{TSAURL: p.tsaURL})
	out := withDSS(t, signed, ltvSources(p, crl))
	opt := VerifyOptions{Roots: p.roots, RequireRevocation: true}

	t.Run("signed content", func(t *testing.T) {
		bad := bytes.Clone(out)
		i := bytes.Index(bad, []byte("0 0 1 rg"))
		bad[i+4] = '0'
		rep := verifyPDF(t, bad, opt)
		wantExit(t, rep, 1)
		if rep.Signatures[0].Level != LevelNone {
			t.Fatalf("%+v", rep.Signatures[0])
		}
	})
	t.Run("edit after the store", func(t *testing.T) {
		rep := verifyPDF(t, appendUpdate(t, out), opt)
		wantExit(t, rep, 2)
		if sg := rep.Signatures[0]; sg.ChangedAfter != OtherChanges || !rep.ChangedAfterLast || !hasNote(sg, "Content other than signatures") {
			t.Fatalf("%+v", rep)
		}
	})
	t.Run("store update that also rewrites the page", func(t *testing.T) {
		// Written like AddDSS, plus the page's content stream replaced.
		objs := lastDefinitions(signed)
		content := -1
		for n, o := range objs {
			if o.Stream && bytes.Contains(o.Data, []byte("0 0 1 rg")) {
				content = n
			}
		}
		root := mustRoot(t, signed)
		if content < 0 {
			t.Fatal("content stream not found")
		}
		cat := strings.TrimSpace(string(objs[root].Dict[bytes.Index(objs[root].Dict, []byte("<<")):]))
		cat = strings.TrimSuffix(cat, ">>") + " /DSS 901 0 R >>"
		sx := regexp.MustCompile(`startxref\s+(\d+)`).FindAllSubmatch(signed, -1)
		startxref := func(i int) (n int64) {
			fmt.Sscan(string(sx[i][1]), &n)
			return n
		}
		prev := startxref(len(sx) - 1)
		update := func(prev int64, rewrite bool) []byte {
			u := &dssUpdate{base: int64(len(signed)), next: 900}
			u.object("<< /Type /DSS /CRLs [" + u.stream(crl) + "] >>")
			if rewrite {
				u.set(uint32(content), 0, "<< /Length 8 >>\nstream\n0 0 0 rg\nendstream")
			}
			u.set(uint32(root), 0, cat)
			if err := u.finishTable(fmt.Sprintf("%d 0 R", root), prev, ""); err != nil {
				t.Fatal(err)
			}
			return append(bytes.Clone(signed), u.buf.Bytes()...)
		}
		rep := verifyPDF(t, update(prev, true), opt)
		wantExit(t, rep, 2)
		if rep.Signatures[0].ChangedAfter != OtherChanges {
			t.Fatalf("%+v", rep.Signatures[0])
		}
		// /Prev skipping the signature's section (older objects return).
		rep = verifyPDF(t, update(startxref(0), false), opt)
		if rep.Signatures[0].ChangedAfter != OtherChanges {
			t.Fatalf("older /Prev: %+v", rep.Signatures[0])
		}
		// The same update without the content stream is accepted.
		good := update(prev, false)
		rep = verifyPDF(t, good, opt)
		wantExit(t, rep, 0)
		// A cross-reference entry pointing the catalog at an older offset
		// (a shadowed object) is refused.
		sh := bytes.Clone(good)
		i := bytes.LastIndex(sh, []byte(fmt.Sprintf("\n%d 1\n", root)))
		copy(sh[i+len(fmt.Sprintf("\n%d 1\n", root)):], fmt.Sprintf("%010d", bytes.Index(signed, []byte(fmt.Sprintf("\n%d 0 obj", root)))+1))
		rep = verifyPDF(t, sh, opt)
		if rep.Signatures[0].ChangedAfter != OtherChanges {
			t.Fatalf("shadowed catalog: %+v", rep.Signatures[0])
		}
	})
	t.Run("corrupted CRL in the store", func(t *testing.T) {
		bad := bytes.Clone(out)
		i := bytes.LastIndex(bad, crl)
		bad[i+len(crl)-1] ^= 0xff // the CRL's signature
		rep := verifyPDF(t, bad, opt)
		wantExit(t, rep, 2)
		if sg := rep.Signatures[0]; sg.Level != LevelBT || sg.ChangedAfter != ValidationData {
			t.Fatalf("%+v", sg)
		}
	})
	t.Run("revocation found in the store", func(t *testing.T) {
		revoked := p.crl(t, map[*x509.Certificate]time.Time{s.chain[0]: time.Now().Add(-time.Minute)})
		rep := verifyPDF(t, withDSS(t, signed, ltvSources(p, revoked)), VerifyOptions{Roots: p.roots})
		wantExit(t, rep, 1)
		if sg := rep.Signatures[0]; !sg.Revoked || !strings.Contains(sg.Summary.EN, "was revoked on") {
			t.Fatalf("%+v", sg)
		}
	})
}

func TestAddDSSKeepsReferences(t *testing.T) {
	t.Parallel()
	// A catalog with direct and indirect entries, a string needing
	// escapes and a name needing #xx.
	base := "%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R /Lang (vi\\(VN\\)) /Odd#20Name /A#2FB /ViewerPreferences << /Direction /L2R /X [3 0 R 1.5 true null] >> >>\nendobj\n" +
		"2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n" +
		"3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>\nendobj\n"
	var b bytes.Buffer
	b.WriteString(base)
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 4\n0000000000 65535 f\r\n%010d 00000 n\r\n%010d 00000 n\r\n%010d 00000 n\r\n", 9,
		strings.Index(base, "2 0 obj"), strings.Index(base, "3 0 obj"))
	fmt.Fprintf(&b, "trailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", xref)
	in := b.Bytes()
	var out bytes.Buffer
	if err := AddDSS(&out, bytes.NewReader(in), int64(len(in)), DSS{CRLs: [][]byte{[]byte("not really a CRL")}}); err != nil {
		t.Fatal(err)
	}
	cat := topDict(lastDefinitions(out.Bytes())[1].Dict)
	old := topDict([]byte(base))
	if !sameExcept(cat, old, "/DSS") || cat["/DSS"] == nil {
		t.Fatalf("catalog\n%v\nwas\n%v", cat, old)
	}
	if got := strings.Join(cat["/ViewerPreferences"], " "); !strings.Contains(got, "[ 3 0 R 1.5 true null ]") {
		t.Fatalf("nested reference: %s", got)
	}
	if !dssRevisionOK(out.Bytes(), int64(len(in)), int64(out.Len())) {
		t.Fatal("the update is not classified as validation data")
	}
	r, err := pdf.NewReader(bytes.NewReader(out.Bytes()), int64(out.Len()))
	if err != nil {
		t.Fatal(err)
	}
	root := r.Trailer().Key("Root")
	if root.Key("Lang").RawString() != "vi(VN)" || root.Key("Odd Name").Name() != "A/B" ||
		root.Key("DSS").Key("CRLs").Len() != 1 {
		t.Fatalf("read back: %v", root)
	}
	pdfinfoCheck(t, out.Bytes())
}

// FuzzVerifyDSS runs the verifier on files with a document security
// store: no panic, no error, a known exit status.
func FuzzVerifyDSS(f *testing.F) {
	p := getPKI(f)
	signed := signPDF(f, samplePDF(), p.leaf(f, leafOpts{}), Options{TSAURL: p.tsaURL})
	out := withDSS(f, signed, ltvSources(p, p.crl(f, nil)))
	f.Add(out)
	f.Add(out[:len(out)-40])
	f.Add(append(bytes.Clone(out[:len(signed)]), bytes.ReplaceAll(out[len(signed):], []byte("/DSS"), []byte("/DSS /DSS"))...))
	f.Fuzz(func(t *testing.T, data []byte) {
		rep, err := Verify(bytes.NewReader(data), int64(len(data)), VerifyOptions{Roots: p.roots, MaxSize: 1 << 20})
		if err != nil && len(data) <= 1<<20 {
			t.Fatalf("error on in-memory input: %v", err)
		}
		if st := rep.ExitStatus(); st < 0 || st > 3 {
			t.Fatalf("exit status %d", st)
		}
	})
}
