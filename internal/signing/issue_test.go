package signing_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/png"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-pdf/fpdf"

	"egov/internal/audit"
	"egov/internal/platform/secretbox"
	"egov/internal/platform/sqldb"
	"egov/internal/signing"
	"egov/internal/signing/pades"
	"egov/internal/signing/pki"
)

type issueEnv struct {
	pki      *pki.Service
	agency   pki.Agency
	official pki.Official
	tsa      string
}

func newIssueEnv(t testing.TB) *issueEnv {
	t.Helper()
	ctx := context.Background()
	db, err := sqldb.Open(ctx, sqldb.Options{Path: filepath.Join(t.TempDir(), "egov.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx, nil); err != nil {
		t.Fatal(err)
	}
	var h http.Handler = http.NotFoundHandler()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	t.Cleanup(srv.Close)
	box, _ := secretbox.New(bytes.Repeat([]byte{7}, 32))
	svc, err := pki.New(pki.Config{DB: db, Box: box, Audit: audit.New(db, nil), PublicURL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	h = svc.Handler()
	if _, err := svc.EnsureBuiltinCA(ctx); err != nil {
		t.Fatal(err)
	}
	now := sqldb.UTC(time.Now())
	e := &issueEnv{pki: svc, tsa: srv.URL + "/pki/tsa"}
	var aid, uid int64
	if err := db.W.QueryRowContext(ctx, `INSERT INTO agencies(kind, code, name, created_at, updated_at)
		VALUES ('commune', '000.01.20.H37', 'Ủy ban nhân dân xã Tân Phong', $1, $1) RETURNING id`, now).Scan(&aid); err != nil {
		t.Fatal(err)
	}
	if err := db.W.QueryRowContext(ctx, `INSERT INTO users(username, kind, full_name, created_at, updated_at)
		VALUES ('lanh.dao', 'official', 'Trần Thị Hường', $1, $1) RETURNING id`, now).Scan(&uid); err != nil {
		t.Fatal(err)
	}
	e.agency = pki.Agency{ID: aid, Code: "000.01.20.H37", Name: "Ủy ban nhân dân xã Tân Phong", Province: "Lạng Sơn"}
	e.official = pki.Official{UserID: uid, FullName: "Trần Thị Hường", Position: "Chủ tịch"}
	return e
}

func (e *issueEnv) issuer(auto bool) *signing.Issuer {
	return &signing.Issuer{
		PKI:       e.pki,
		TSAURL:    func(context.Context) (string, error) { return e.tsa, nil },
		Agency:    func(context.Context, int64) (pki.Agency, error) { return e.agency, nil },
		Official:  func(context.Context, int64) (pki.Official, error) { return e.official, nil },
		AutoIssue: auto,
	}
}

func samplePDF(t testing.TB, pages int) []byte {
	t.Helper()
	f := fpdf.New("P", "mm", "A4", "")
	f.SetFont("Helvetica", "", 12)
	for i := 0; i < pages; i++ {
		f.AddPage()
		f.MultiCell(0, 6, strings.Repeat("Quyet dinh cap giay phep. ", 40), "", "", false)
	}
	var b bytes.Buffer
	if err := f.Output(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func (e *issueEnv) verify(t *testing.T, doc []byte) pades.Report {
	t.Helper()
	roots, err := e.pki.RootPool(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	rep, err := pades.Verify(bytes.NewReader(doc), int64(len(doc)), pades.VerifyOptions{Roots: roots})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// A result is signed by the official and then by the agency, both valid
// with the time proven, the seal over the person's signature on the last
// page, with the e-result code and its QR code.
func TestSignResultPersonThenAgency(t *testing.T) {
	t.Parallel()
	e := newIssueEnv(t)
	ctx := context.Background()
	in := samplePDF(t, 2)
	out, who, err := e.issuer(true).SignResult(ctx, in, e.official.UserID, e.agency.ID,
		signing.Mark{Code: "000.01.20.H37-261124-0001-KQ1", URL: "https://egov.example.vn/xac-thuc-van-ban/000.01.20.H37-261124-0001-KQ1"})
	if err != nil {
		t.Fatal(err)
	}
	if who.Person != "Trần Thị Hường" || who.Organisation != e.agency.Name || who.Level != "B-LT" {
		t.Fatalf("signed = %+v", who)
	}
	if !bytes.HasPrefix(out, in) {
		t.Fatal("the signatures must be incremental updates of the document")
	}
	if !bytes.Contains(out, []byte("/DSS")) || !bytes.Contains(out, []byte("/OCSPs")) || !bytes.Contains(out, []byte("/CRLs")) {
		t.Error("no DSS with OCSP responses and CRLs after the signatures")
	}
	rep := e.verify(t, out)
	if rep.ExitStatus() != 0 || len(rep.Signatures) != 2 {
		t.Fatalf("exit %d, %d signatures: %+v", rep.ExitStatus(), len(rep.Signatures), rep.Summary)
	}
	if got := rep.Signatures[0].Signer.Name; got != "Trần Thị Hường" {
		t.Errorf("first signer %q, want the official", got)
	}
	if got := rep.Signatures[1].Signer.AgencyCode; got != e.agency.Code {
		t.Errorf("second signer's unit %q, want the agency code", got)
	}
	for _, s := range rep.Signatures {
		if !s.TimeFromTimestamp || s.Level != pades.LevelBLT || !s.RevocationOK {
			t.Errorf("signature %d: time proven %v, level %q, revocation checked %v; want a B-LT signature",
				s.Index, s.TimeFromTimestamp, s.Level, s.RevocationOK)
		}
	}
	// poppler sees the two signatures too, and the page renders.
	if _, err := exec.LookPath("pdfsig"); err == nil {
		p := filepath.Join(t.TempDir(), "kq.pdf")
		_ = os.WriteFile(p, out, 0o600)
		b, _ := exec.Command("pdfsig", p).CombinedOutput()
		if c := strings.Count(string(b), "Signature Validation: Signature is Valid"); c != 2 {
			t.Errorf("pdfsig: %d valid signatures, want 2:\n%s", c, b)
		}
		if dir := os.Getenv("EGOV_SCREENSHOTS"); dir != "" {
			// The signature block of the last page, for the README.
			_ = exec.Command("pdftoppm", "-png", "-singlefile", "-r", "100", "-f", "2", "-l", "2",
				"-x", "280", "-y", "880", "-W", "560", "-H", "290", p, filepath.Join(dir, "signed-result")).Run()
		}
	}
	// Signing again (a second result) issues no new certificates.
	certs, _ := e.pki.ForAgency(ctx, e.agency.ID)
	if _, _, err := e.issuer(true).SignResult(ctx, in, e.official.UserID, e.agency.ID, signing.Mark{Code: "X-KQ2"}); err != nil {
		t.Fatal(err)
	}
	again, _ := e.pki.ForAgency(ctx, e.agency.ID)
	if len(certs) != 2 || len(again) != 2 {
		t.Errorf("certificates: %d then %d, want 2 (organisation, personal) both times", len(certs), len(again))
	}
}

// A PDF the official signed outside egov (with a token) gets only the
// agency's signature; an agency without certificate issues unsigned; an
// official without a personal certificate at a signing agency is refused.
func TestSignResultCases(t *testing.T) {
	t.Parallel()
	e := newIssueEnv(t)
	ctx := context.Background()
	in := samplePDF(t, 1)

	out, who, err := e.issuer(false).SignResult(ctx, in, e.official.UserID, e.agency.ID, signing.Mark{Code: "X-KQ1"})
	if err != nil || !who.Unsigned() || !bytes.Equal(out, in) {
		t.Fatalf("no organisation certificate: err %v, signed %+v, changed %v", err, who, !bytes.Equal(out, in))
	}
	if _, err := e.pki.IssueOrganisation(ctx, e.agency); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.issuer(false).SignResult(ctx, in, e.official.UserID, e.agency.ID, signing.Mark{Code: "X-KQ1"}); !errors.Is(err, pki.ErrNoPersonalCert) {
		t.Fatalf("no personal certificate: err %v, want ErrNoPersonalCert", err)
	}
	if _, _, err := e.issuer(false).SignResult(ctx, []byte("not a pdf"), e.official.UserID, e.agency.ID, signing.Mark{}); !errors.Is(err, signing.ErrNotPDF) {
		t.Fatalf("not a PDF: err %v", err)
	}
	// Signed outside egov by the official.
	per, err := e.pki.IssuePersonal(ctx, e.official, e.agency)
	if err != nil {
		t.Fatal(err)
	}
	s, err := e.pki.SignerFor(ctx, per.ID)
	if err != nil {
		t.Fatal(err)
	}
	var pre bytes.Buffer
	if err := pades.Sign(&pre, bytes.NewReader(in), int64(len(in)), s, pades.Options{TSAURL: e.tsa}); err != nil {
		t.Fatal(err)
	}
	if err := e.pki.Revoke(ctx, per.Serial, 0, time.Now()); err != nil { // no personal certificate left
		t.Fatal(err)
	}
	out, who, err = e.issuer(false).SignResult(ctx, pre.Bytes(), e.official.UserID, e.agency.ID, signing.Mark{Code: "X-KQ1"})
	if err != nil {
		t.Fatal(err)
	}
	if who.Person != "" || who.Organisation == "" {
		t.Errorf("signed = %+v, want the organisation only", who)
	}
	if rep := e.verify(t, out); len(rep.Signatures) != 2 || rep.Signatures[1].Verdict != pades.Valid {
		t.Errorf("%d signatures, last %v", len(rep.Signatures), rep.Signatures[len(rep.Signatures)-1].Verdict)
	}
}

// A form gets the agency's signature alone, at the top right.
func TestSignForm(t *testing.T) {
	t.Parallel()
	e := newIssueEnv(t)
	out, who, err := e.issuer(true).SignForm(context.Background(), samplePDF(t, 1), e.agency.ID)
	if err != nil {
		t.Fatal(err)
	}
	rep := e.verify(t, out)
	if who.Organisation == "" || rep.ExitStatus() != 0 || len(rep.Signatures) != 1 || rep.Signatures[0].Signer.AgencyCode != e.agency.Code {
		t.Fatalf("signed %+v, exit %d, %d signatures", who, rep.ExitStatus(), len(rep.Signatures))
	}
}

// An agency's registered seal and an official's handwritten signature,
// once uploaded, are what the visible signatures show.
func TestSignResultWithImages(t *testing.T) {
	t.Parallel()
	e := newIssueEnv(t)
	ctx := context.Background()
	seal, err := pades.RenderSeal(pades.SealText{Name: "Con dấu đã đăng ký", Bottom: "Mẫu"}, 400)
	if err != nil {
		t.Fatal(err)
	}
	hand := image.NewNRGBA(image.Rect(0, 0, 400, 160))
	for x := 20; x < 380; x++ { // a blue stroke
		y := 80 + int(40*math.Sin(float64(x)/30))
		for d := -3; d <= 3; d++ {
			hand.Set(x, y+d, color.NRGBA{R: 0x10, G: 0x2a, B: 0xa0, A: 0xff})
		}
	}
	for owner, img := range map[int64]image.Image{e.agency.ID: seal, -e.official.UserID: hand} {
		var b bytes.Buffer
		_ = png.Encode(&b, img)
		kind, id := pki.SealImage, owner
		if owner < 0 {
			kind, id = pki.SignatureImage, -owner
		}
		if err := e.pki.SetImage(ctx, kind, id, b.Bytes()); err != nil {
			t.Fatal(err)
		}
	}
	out, who, err := e.issuer(true).SignResult(ctx, samplePDF(t, 1), e.official.UserID, e.agency.ID, signing.Mark{Code: "X-KQ1", URL: "https://egov.example.vn/xac-thuc-van-ban/X-KQ1"})
	if err != nil || who.Person == "" || who.Organisation == "" {
		t.Fatalf("signed %+v: %v", who, err)
	}
	if rep := e.verify(t, out); rep.ExitStatus() != 0 {
		t.Fatalf("exit %d", rep.ExitStatus())
	}
	if _, err := exec.LookPath("pdftoppm"); err == nil && os.Getenv("EGOV_SCREENSHOTS") != "" {
		p := filepath.Join(t.TempDir(), "kq.pdf")
		_ = os.WriteFile(p, out, 0o600)
		_ = exec.Command("pdftoppm", "-png", "-singlefile", "-r", "100", "-x", "280", "-y", "880", "-W", "560", "-H", "290", p,
			filepath.Join(os.Getenv("EGOV_SCREENSHOTS"), "signed-result-images")).Run()
	}
}

// BenchmarkIssue times what issuing adds to a one-page result: the
// leader's and the agency's signatures with appearances, timestamps, CRLs
// and the DSS (SignResult), and the agency's signature of a form
// (SignForm); the baseline, in the same run, is one bare pades.Sign with
// the same organisation key and TSA.
func BenchmarkIssue(b *testing.B) {
	e := newIssueEnv(b)
	ctx := context.Background()
	doc := samplePDF(b, 1)
	is := e.issuer(true)
	if _, _, err := is.SignResult(ctx, doc, e.official.UserID, e.agency.ID, signing.Mark{Code: "X-KQ1", URL: "https://e.vn/x"}); err != nil {
		b.Fatal(err)
	}
	org, err := e.pki.SigningCert(ctx, pki.KindOrganisation, e.agency.ID, 0)
	if err != nil {
		b.Fatal(err)
	}
	s, err := e.pki.SignerFor(ctx, org.ID)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("result", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := is.SignResult(ctx, doc, e.official.UserID, e.agency.ID, signing.Mark{Code: "X-KQ1", URL: "https://e.vn/x"}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("form", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := is.SignForm(ctx, doc, e.agency.ID); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("baseline-one-signature", func(b *testing.B) {
		for b.Loop() {
			var out bytes.Buffer
			if err := pades.Sign(&out, bytes.NewReader(doc), int64(len(doc)), s, pades.Options{TSAURL: e.tsa}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// After a reorganisation, a result of a merged agency is signed by the
// agency it was merged into (the Agency callback says which).
func TestSignResultAfterMerger(t *testing.T) {
	t.Parallel()
	e := newIssueEnv(t)
	ctx := context.Background()
	merged := e.agency
	successor := pki.Agency{ID: e.agency.ID, Code: "000.00.99.H37", Name: "Ủy ban nhân dân xã Tân Phong Mới", Province: "Lạng Sơn"}
	merged.ID = e.agency.ID + 1000 // the old agency's id, now pointing at its successor
	is := e.issuer(true)
	is.Agency = func(_ context.Context, id int64) (pki.Agency, error) {
		if id == merged.ID || id == successor.ID {
			return successor, nil
		}
		return pki.Agency{}, errors.New("unknown agency")
	}
	out, who, err := is.SignResult(ctx, samplePDF(t, 1), e.official.UserID, merged.ID, signing.Mark{Code: "X-KQ1"})
	if err != nil {
		t.Fatal(err)
	}
	if who.Organisation != successor.Name {
		t.Errorf("signed by %q, want the successor", who.Organisation)
	}
	rep := e.verify(t, out)
	if len(rep.Signatures) != 2 || rep.Signatures[1].Signer.AgencyCode != successor.Code {
		t.Errorf("organisation signature by %+v", rep.Signatures[len(rep.Signatures)-1].Signer)
	}
}
