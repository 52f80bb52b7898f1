package pades

import (
	"bytes"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"image"
	"image/color"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

func wantExit(t *testing.T, rep Report, want int) {
	t.Helper()
	if got := rep.ExitStatus(); got != want {
		t.Fatalf("exit status %d, want %d; report: %+v", got, want, rep)
	}
}

func hasNote(s SignatureReport, sub string) bool {
	if strings.Contains(s.Summary.EN, sub) {
		return true
	}
	for _, n := range s.Notes {
		if strings.Contains(n.EN, sub) {
			return true
		}
	}
	return false
}

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	p := getPKI(t)
	for _, rsa := range []bool{false, true} {
		name := map[bool]string{false: "ECDSA-P256", true: "RSA-2048"}[rsa]
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := p.leaf(t, leafOpts{rsa: rsa, org: "Sở Tư pháp Tỉnh Test", ou: "000.00.12.H01", title: "Giám đốc"})
			out := signPDF(t, samplePDF(), s, Options{
				TSAURL: p.tsaURL, Reason: "Phê duyệt hồ sơ", Location: "Hà Nội",
				Appearance: &Appearance{Rect: [4]float64{300, 100, 520, 170}},
			})
			for _, want := range []string{"/Reason (Phe duyet ho so)", "/Location (Ha Noi)", "/Name (Nguyen Thi Nghia)"} {
				if !bytes.Contains(out, []byte(want)) {
					t.Errorf("signature dictionary lacks %q", want)
				}
			}
			rep := verifyPDF(t, out, VerifyOptions{Roots: p.roots})
			wantExit(t, rep, 0)
			if len(rep.Signatures) != 1 {
				t.Fatalf("%d signatures", len(rep.Signatures))
			}
			sg := rep.Signatures[0]
			if sg.Verdict != Valid || !sg.Intact || !sg.SignatureOK || !sg.Trusted || !sg.TimeFromTimestamp {
				t.Fatalf("signature: %+v", sg)
			}
			if sg.Signer.Name != "Nguyễn Thị Nghĩa" || sg.Signer.Organization != "Sở Tư pháp Tỉnh Test" ||
				sg.Signer.AgencyCode != "000.00.12.H01" || sg.Signer.Title != "Giám đốc" {
				t.Errorf("signer: %+v", sg.Signer)
			}
			if !strings.HasPrefix(sg.Summary.VI, "Chữ ký hợp lệ") || !strings.HasPrefix(sg.Summary.EN, "The signature is valid") {
				t.Errorf("summary: %+v", sg.Summary)
			}
			if d := sg.TimestampTime.Sub(time.Now()); d > time.Minute || d < -time.Minute {
				t.Errorf("timestamp time %v", sg.TimestampTime)
			}
			pdfsigCheck(t, out, p.root, 1)
		})
	}
}

// sealImage is a red ring with transparency, like an organisation's seal.
func sealImage(n int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, n, n))
	c := float64(n) / 2
	for y := range n {
		for x := range n {
			dx, dy := float64(x)-c, float64(y)-c
			d2 := dx*dx + dy*dy
			if d2 < c*c && d2 > (c*0.8)*(c*0.8) || d2 < (c*0.2)*(c*0.2) {
				img.Set(x, y, color.NRGBA{R: 0xd0, A: 0xe0})
			}
		}
	}
	return img
}

// signTwice signs as a person, then as the organisation with its seal over
// the left third of the person's appearance (Decree 30/2020, Appendix I).
func signTwice(t *testing.T, p *testPKI) []byte {
	person := p.leaf(t, leafOpts{org: "UBND Tỉnh Test", ou: "000.00.00.H01", title: "Chủ tịch"})
	org := p.leaf(t, leafOpts{cn: "UBND Tỉnh Test", org: "UBND Tỉnh Test", ou: "000.00.00.H01", rsa: true})
	rect := [4]float64{320, 100, 540, 170}
	w := (rect[2] - rect[0]) / 3
	one := signPDF(t, samplePDF(), person, Options{TSAURL: p.tsaURL, Reason: "Ký ban hành", Appearance: &Appearance{Rect: rect}})
	return signPDF(t, one, org, Options{TSAURL: p.tsaURL, Reason: "Đóng dấu cơ quan",
		Appearance: &Appearance{Page: 1, Rect: [4]float64{rect[0] - w/2, 85, rect[0] + w, 85 + 1.5*w}, Image: sealImage(300)}})
}

func TestPersonThenOrganisation(t *testing.T) {
	t.Parallel()
	p := getPKI(t)
	two := signTwice(t, p)
	rep := verifyPDF(t, two, VerifyOptions{Roots: p.roots})
	wantExit(t, rep, 0)
	if len(rep.Signatures) != 2 {
		t.Fatalf("%d signatures", len(rep.Signatures))
	}
	first, second := rep.Signatures[0], rep.Signatures[1]
	if first.Verdict != Valid || second.Verdict != Valid {
		t.Fatalf("verdicts %v %v: %+v", first.Verdict, second.Verdict, rep)
	}
	if first.ChangedAfter != SignaturesOnly || first.AddedAfter != 1 || !hasNote(first, "1 more signature(s) were added") {
		t.Errorf("first signature change: %v %d %+v", first.ChangedAfter, first.AddedAfter, first.Notes)
	}
	if second.ChangedAfter != NoChange || second.Signer.Name != "UBND Tỉnh Test" {
		t.Errorf("second: %+v", second)
	}
	pdfsigCheck(t, two, p.root, 2)
}

func TestTamperOneByte(t *testing.T) {
	t.Parallel()
	p := getPKI(t)
	out := signPDF(t, samplePDF(), p.leaf(t, leafOpts{}), Options{TSAURL: p.tsaURL})
	i := bytes.Index(out, []byte("0 0 1 rg"))
	if i < 0 {
		t.Fatal("drawing not found")
	}
	bad := bytes.Clone(out)
	bad[i+4] = '0' // blue becomes black
	rep := verifyPDF(t, bad, VerifyOptions{Roots: p.roots})
	wantExit(t, rep, 1)
	sg := rep.Signatures[0]
	if sg.Verdict != Invalid || sg.Intact || !strings.Contains(sg.Summary.EN, "modified after signing") ||
		!strings.Contains(sg.Summary.VI, "tài liệu đã bị sửa đổi sau khi ký") {
		t.Fatalf("%+v", sg)
	}
	// A byte of the signature value itself.
	bad = bytes.Clone(out)
	j := int(sg.ByteRange[1]) + 40
	bad[j] = map[bool]byte{true: '1', false: '0'}[bad[j] == '0']
	rep = verifyPDF(t, bad, VerifyOptions{Roots: p.roots})
	wantExit(t, rep, 1)
}

// appendUpdate adds an incremental update with a new annotation object,
// as an editor would after signing.
func appendUpdate(t *testing.T, in []byte) []byte {
	t.Helper()
	sx := regexp.MustCompile(`startxref\s+(\d+)`).FindAllSubmatch(in, -1)
	sz := regexp.MustCompile(`/Size\s+(\d+)`).FindAllSubmatch(in, -1)
	rt := regexp.MustCompile(`/Root\s+(\d+ \d+ R)`).FindAllSubmatch(in, -1)
	if len(sx) == 0 || len(sz) == 0 || len(rt) == 0 {
		t.Fatal("trailer not found")
	}
	size, _ := strconv.Atoi(string(sz[len(sz)-1][1]))
	var b bytes.Buffer
	b.Write(in)
	off := b.Len()
	fmt.Fprintf(&b, "%d 0 obj\n<< /Type /Annot /Subtype /Text /Rect [50 50 80 80] /Contents (added later) >>\nendobj\n", size)
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n%d 1\n%010d 00000 n \ntrailer\n<< /Size %d /Root %s /Prev %s >>\nstartxref\n%d\n%%%%EOF\n",
		size, off, size+1, rt[len(rt)-1][1], sx[len(sx)-1][1], xref)
	return b.Bytes()
}

func TestAppendAfterSigning(t *testing.T) {
	t.Parallel()
	p := getPKI(t)
	out := signPDF(t, samplePDF(), p.leaf(t, leafOpts{}), Options{TSAURL: p.tsaURL})
	changed := appendUpdate(t, out)
	rep := verifyPDF(t, changed, VerifyOptions{Roots: p.roots})
	wantExit(t, rep, 2)
	sg := rep.Signatures[0]
	if sg.Verdict != Valid || sg.ChangedAfter != OtherChanges || !rep.ChangedAfterLast {
		t.Fatalf("%+v", rep)
	}
	if !hasNote(sg, "Content other than signatures was appended after this signature") ||
		!strings.Contains(rep.Summary.VI, "bổ sung nội dung sau chữ ký cuối cùng") {
		t.Fatalf("sentences: %+v %+v", sg.Notes, rep.Summary)
	}
	// Two signatures then an edit.
	rep = verifyPDF(t, appendUpdate(t, signTwice(t, p)), VerifyOptions{Roots: p.roots})
	wantExit(t, rep, 2)
	if rep.Signatures[0].ChangedAfter != OtherChanges || rep.Signatures[1].ChangedAfter != OtherChanges {
		t.Fatalf("%+v", rep)
	}
}

func TestExpiredCertificate(t *testing.T) {
	t.Parallel()
	p := getPKI(t)
	s := p.leaf(t, leafOpts{notAfter: time.Now().Add(time.Hour)})
	later := VerifyOptions{Roots: p.roots, Now: time.Now().Add(3 * time.Hour)}

	withTS := verifyPDF(t, signPDF(t, samplePDF(), s, Options{TSAURL: p.tsaURL}), later)
	wantExit(t, withTS, 0)
	if sg := withTS.Signatures[0]; !hasNote(sg, "the timestamp proves the signature was made while it was valid") {
		t.Fatalf("%+v", sg)
	}

	noTS := verifyPDF(t, signPDF(t, samplePDF(), s, Options{}), later)
	wantExit(t, noTS, 2)
	if sg := noTS.Signatures[0]; sg.Verdict != Indeterminate || !strings.Contains(sg.Summary.EN, "no timestamp proves") ||
		!strings.Contains(sg.Summary.VI, "không có dấu thời gian") {
		t.Fatalf("%+v", sg)
	}
}

func TestRevokedCertificate(t *testing.T) {
	t.Parallel()
	p := getPKI(t)
	t.Run("before signing", func(t *testing.T) {
		t.Parallel()
		s := p.leaf(t, leafOpts{})
		crl := p.crl(t, map[*x509.Certificate]time.Time{s.chain[0]: time.Now().Add(-time.Minute)})
		rep := verifyPDF(t, signPDF(t, samplePDF(), s, Options{TSAURL: p.tsaURL}), VerifyOptions{Roots: p.roots, CRLs: [][]byte{crl}})
		wantExit(t, rep, 1)
		if sg := rep.Signatures[0]; !sg.Revoked || !strings.Contains(sg.Summary.EN, "was revoked on") || !strings.Contains(sg.Summary.VI, "đã bị thu hồi") {
			t.Fatalf("%+v", sg)
		}
	})
	t.Run("after signing, timestamped", func(t *testing.T) {
		t.Parallel()
		s := p.leaf(t, leafOpts{})
		out := signPDF(t, samplePDF(), s, Options{TSAURL: p.tsaURL})
		crl := p.crl(t, map[*x509.Certificate]time.Time{s.chain[0]: time.Now().Add(30 * time.Minute)})
		opt := VerifyOptions{Roots: p.roots, CRLs: [][]byte{crl}, Now: time.Now().Add(time.Hour)}
		rep := verifyPDF(t, out, opt)
		wantExit(t, rep, 0)
		if sg := rep.Signatures[0]; !sg.Revoked || !hasNote(sg, "after the timestamped signing time") {
			t.Fatalf("%+v", sg)
		}
	})
	t.Run("after claimed time, no timestamp", func(t *testing.T) {
		t.Parallel()
		s := p.leaf(t, leafOpts{})
		out := signPDF(t, samplePDF(), s, Options{})
		crl := p.crl(t, map[*x509.Certificate]time.Time{s.chain[0]: time.Now().Add(30 * time.Minute)})
		rep := verifyPDF(t, out, VerifyOptions{Roots: p.roots, CRLs: [][]byte{crl}, Now: time.Now().Add(time.Hour)})
		wantExit(t, rep, 2)
	})
	t.Run("embedded CRL, not revoked", func(t *testing.T) {
		t.Parallel()
		s := p.leaf(t, leafOpts{})
		crl := p.crl(t, nil)
		rep := verifyPDF(t, signPDF(t, samplePDF(), s, Options{TSAURL: p.tsaURL, CRLs: [][]byte{crl}}),
			VerifyOptions{Roots: p.roots, RequireRevocation: true})
		wantExit(t, rep, 0)
		if sg := rep.Signatures[0]; !sg.RevocationOK || !hasNote(sg, "is not revoked") {
			t.Fatalf("%+v", sg)
		}
		// Without any revocation data and RequireRevocation: indeterminate.
		rep = verifyPDF(t, signPDF(t, samplePDF(), s, Options{TSAURL: p.tsaURL}), VerifyOptions{Roots: p.roots, RequireRevocation: true})
		wantExit(t, rep, 2)
	})
}

func TestUntrustedRoot(t *testing.T) {
	t.Parallel()
	p := getPKI(t)
	out := signPDF(t, samplePDF(), p.leaf(t, leafOpts{}), Options{TSAURL: p.tsaURL})
	other := x509.NewCertPool()
	other.AddCert(p.issuing) // not the root: still not a trust anchor for the TSA
	other = x509.NewCertPool()
	rep := verifyPDF(t, out, VerifyOptions{Roots: other})
	wantExit(t, rep, 2)
	sg := rep.Signatures[0]
	if sg.Verdict != Indeterminate || sg.Trusted || !strings.Contains(sg.Summary.EN, "does not chain to a trusted root") ||
		!hasNote(sg, "timestamp is not accepted") {
		t.Fatalf("%+v", sg)
	}
	if !sg.Intact || !sg.SignatureOK {
		t.Fatalf("integrity should still be checked: %+v", sg)
	}
}

func TestMissingTimestampNoted(t *testing.T) {
	t.Parallel()
	p := getPKI(t)
	rep := verifyPDF(t, signPDF(t, samplePDF(), p.leaf(t, leafOpts{}), Options{}), VerifyOptions{Roots: p.roots})
	wantExit(t, rep, 0)
	sg := rep.Signatures[0]
	if sg.TimeFromTimestamp || !hasNote(sg, "is the one claimed by the signer") || sg.ClaimedTime.IsZero() {
		t.Fatalf("%+v", sg)
	}
}

func TestNotSignedOrNotPDF(t *testing.T) {
	t.Parallel()
	for name, b := range map[string][]byte{
		"text":     []byte("hello, this is not a PDF"),
		"empty":    nil,
		"unsigned": samplePDF(),
	} {
		rep, err := Verify(bytes.NewReader(b), int64(len(b)), VerifyOptions{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if rep.ExitStatus() != 3 || rep.Summary.VI == "" {
			t.Fatalf("%s: %+v", name, rep)
		}
	}
	big := samplePDF()
	if _, err := Verify(bytes.NewReader(big), int64(len(big)), VerifyOptions{MaxSize: 100}); err == nil {
		t.Fatal("oversized file accepted")
	}
}

func TestLyingByteRange(t *testing.T) {
	t.Parallel()
	p := getPKI(t)
	out := signPDF(t, samplePDF(), p.leaf(t, leafOpts{}), Options{})
	sigs := findSignatures(out)
	if len(sigs) != 1 || sigs[0].Err != nil {
		t.Fatalf("%+v", sigs)
	}
	br := sigs[0].ByteRange
	for name, lie := range map[string][4]int64{
		"not from 0":       {1, br[1] - 1, br[2], br[3]},
		"gap too wide":     {0, br[1] - 10, br[2], br[3]},
		"gap too narrow":   {0, br[1] + 2, br[2], br[3]},
		"beyond the file":  {0, br[1], br[2], br[3] + 100},
		"overlapping":      {0, br[2], br[1], br[3]},
		"negative-ish end": {0, br[1], int64(len(out)) + 1, 0},
	} {
		if _, err := checkByteRange(out, lie, sigs[0].DictAt); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	// A byte range rewritten in the file: refused, and the file is invalid.
	old := fmt.Sprintf("%d %d %d %d", br[0], br[1], br[2], br[3])
	lie := fmt.Sprintf("%d %d %d %d", br[0], br[1], br[2], br[3]-1)
	bad := bytes.Replace(out, []byte(old), []byte(lie+" "), 1)
	rep := verifyPDF(t, bad, VerifyOptions{Roots: p.roots})
	wantExit(t, rep, 1)
}

func TestASCII(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"Phê duyệt hồ sơ":  "Phe duyet ho so",
		"Đỗ Thị Nghĩa":     "Do Thi Nghia",
		"Hà Nội (UBND)":    "Ha Noi (UBND)",
		"tab\there\u00a0x": "tab here x",
		"日本":               "??",
	} {
		if got := ASCII(in); got != want {
			t.Errorf("ASCII(%q) = %q, want %q", in, got, want)
		}
	}
}

// pdfsigCheck runs poppler's pdfsig with the test root in an NSS database
// and requires every signature to be valid and trusted.
func pdfsigCheck(t *testing.T, pdf []byte, root *x509.Certificate, n int) {
	t.Helper()
	pdfsig, err1 := exec.LookPath("pdfsig")
	certutil, err2 := exec.LookPath("certutil")
	if err1 != nil || err2 != nil {
		t.Skip("pdfsig or certutil missing")
	}
	dir := t.TempDir()
	nss := filepath.Join(dir, "nss")
	if err := os.Mkdir(nss, 0o700); err != nil {
		t.Fatal(err)
	}
	ca := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: root.Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"-N", "-d", "sql:" + nss, "--empty-password"}, {"-d", "sql:" + nss, "-A", "-t", "C,C,C", "-n", "ca", "-i", ca}} {
		if out, err := exec.Command(certutil, args...).CombinedOutput(); err != nil {
			t.Fatalf("certutil %v: %v %s", args, err, out)
		}
	}
	file := filepath.Join(dir, "signed.pdf")
	if err := os.WriteFile(file, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, _ := exec.Command(pdfsig, "-nssdir", "sql:"+nss, file).CombinedOutput()
	s := string(out)
	if c := strings.Count(s, "Signature Validation: Signature is Valid."); c != n {
		t.Fatalf("pdfsig: %d valid signatures, want %d:\n%s", c, n, s)
	}
	if c := strings.Count(s, "Certificate Validation: Certificate is Trusted."); c != n {
		t.Fatalf("pdfsig: %d trusted certificates, want %d:\n%s", c, n, s)
	}
	if os.Getenv("PADES_SHOW_PDFSIG") != "" {
		t.Log(s)
	}
}

func TestReportJSON(t *testing.T) {
	t.Parallel()
	p := getPKI(t)
	rep := verifyPDF(t, signPDF(t, samplePDF(), p.leaf(t, leafOpts{}), Options{}), VerifyOptions{Roots: p.roots})
	b, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte(`"verdict":"valid"`)) || !bytes.Contains(b, []byte(`"changed_after":"none"`)) {
		t.Fatalf("%s", b)
	}
	var back Report
	if err := json.Unmarshal(b, &back); err != nil || back.Signatures[0].Verdict != Valid || back.ExitStatus() != 0 {
		t.Fatalf("round trip: %v %+v", err, back)
	}
}

// TestManyByteRangesBounded: thousands of /ByteRange keys pointing at one
// long /Contents are examined once, so the work stays linear.
func TestManyByteRangesBounded(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n1 0 obj\n<< /Type /Sig /Contents")
	start := b.Len()
	b.WriteString("<" + strings.Repeat("0", 4<<20) + ">")
	end := b.Len()
	for range 5000 {
		fmt.Fprintf(&b, " /ByteRange [0 %d %d 0]", start, end)
	}
	b.WriteString(" >>\nendobj\n%%EOF\n")
	st := time.Now()
	rep := verifyPDF(t, b.Bytes(), VerifyOptions{})
	if d := time.Since(st); d > 5*time.Second {
		t.Fatalf("took %v", d)
	}
	if st := rep.ExitStatus(); st != 1 && st != 3 {
		t.Fatalf("exit %d: %+v", st, rep.Summary)
	}
}
