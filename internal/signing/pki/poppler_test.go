package pki_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/x509"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/digitorus/pdfsign/sign"
	"github.com/go-pdf/fpdf"

	"egov/internal/platform/sqldb/sqldbtest"
	"egov/internal/signing/pki"
)

// TestPopplerAcceptsSignatures signs a PDF with certificates of the
// built-in CA (timestamped by its TSA) and has poppler's pdfsig check it
// with the root trusted in an NSS database, OCSP asked live: the key
// usages are ones poppler accepts, and a revocation shows.
func TestPopplerAcceptsSignatures(t *testing.T) {
	t.Parallel()
	for _, tool := range []string{"pdfsig", "certutil"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skip(tool + " not installed")
		}
	}
	e := setup(t, sqldbtest.SQLite(t))
	ctx := actor()
	nss := filepath.Join(t.TempDir(), "nss")
	if err := os.MkdirAll(nss, 0o700); err != nil {
		t.Fatal(err)
	}
	run(t, "certutil", "-N", "-d", "sql:"+nss, "--empty-password")
	// Trusted for e-mail (document) signing: "C,," would trust it for TLS only.
	run(t, "certutil", "-A", "-d", "sql:"+nss, "-t", "C,C,C", "-n", "egov-root", "-i", e.writePEM(t, "root.pem", e.ca.Root.Cert))

	unsigned := filepath.Join(e.dir, "unsigned.pdf")
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.AddPage()
	pdf.SetFont("Helvetica", "", 14)
	pdf.Cell(40, 10, "Quyet dinh so 01/QD-STP")
	if err := pdf.OutputFileAndClose(unsigned); err != nil {
		t.Fatal(err)
	}

	org, err := e.svc.IssueOrganisation(ctx, e.agency)
	if err != nil {
		t.Fatal(err)
	}
	per, err := e.svc.IssuePersonal(ctx, e.official, e.agency)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []*pki.Certificate{per, org} {
		t.Run(string(c.Kind), func(t *testing.T) {
			s, err := e.svc.SignerFor(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			signed := filepath.Join(e.dir, string(c.Kind)+".pdf")
			err = sign.SignFile(unsigned, signed, sign.SignData{
				Signature: sign.SignDataSignature{
					Info:     sign.SignDataSignatureInfo{Name: "egov", Reason: "test", Date: time.Now()},
					CertType: sign.ApprovalSignature,
				},
				Signer: s, DigestAlgorithm: crypto.SHA256, Certificate: s.Chain()[0],
				CertificateChains: [][]*x509.Certificate{s.Chain()},
				TSA:               sign.TSA{URL: e.svc.TSAURL()},
			})
			if err != nil {
				t.Fatal(err)
			}
			out := run(t, "pdfsig", "-nssdir", "sql:"+nss, signed)
			if !strings.Contains(out, "Signature is Valid") || !strings.Contains(out, "Certificate is Trusted") ||
				!strings.Contains(out, "Common Name: "+c.Cert.Subject.CommonName) {
				t.Fatalf("pdfsig:\n%s", out)
			}
			if err := e.svc.Revoke(ctx, c.Serial, pki.ReasonKeyCompromise, time.Time{}); err != nil {
				t.Fatal(err)
			}
			if out := run(t, "pdfsig", "-nssdir", "sql:"+nss, signed); !strings.Contains(out, "Revoked") {
				t.Fatalf("pdfsig after revocation:\n%s", out)
			}
		})
	}
}

// run runs a tool with a deadline (NSS tools prompt forever without a
// terminal when something is off) and returns its output.
func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stdin = bytes.NewReader(nil)
	out, err := cmd.CombinedOutput()
	if err != nil && ctx.Err() != nil {
		t.Fatalf("%s timed out:\n%s", name, out)
	}
	return string(out)
}
