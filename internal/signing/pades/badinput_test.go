package pades

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"crypto/x509/pkix"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"

	"egov/internal/attach/attachtest"
)

// caCert issues a CA certificate for key's public half, signed by issuer
// (self-signed when issuer is nil).
func caCert(t *testing.T, cn string, key crypto.Signer, issuer *x509.Certificate, issuerKey crypto.Signer) *x509.Certificate {
	t.Helper()
	tmpl := &x509.Certificate{SerialNumber: nextSerial(), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign}
	if issuer == nil {
		issuer, issuerKey = tmpl, key
	}
	return must(x509.ParseCertificate(must(x509.CreateCertificate(nil, tmpl, issuer, key.Public(), issuerKey))))
}

// signedWithChain signs a PDF with openssl cms, carrying chain (leaf
// first) in the CMS.
func signedWithChain(t *testing.T, leafKey crypto.Signer, chain []*x509.Certificate) ([]byte, [4]int64) {
	t.Helper()
	openssl, err := exec.LookPath("openssl")
	if err != nil {
		t.Skip("openssl is not installed")
	}
	pdf, br := indepPDF(t, "adbe.pkcs7.detached", false)
	signed, _ := opensslSign(t, openssl, pdf, br, testSigner{Signer: leafKey, chain: chain})
	return signed, br
}

// A chain far longer than any real one (the Government CA has two
// levels) is refused, without building it, in bounded time.
func TestAbsurdlyLongChain(t *testing.T) {
	t.Parallel()
	p := getPKI(t)
	rootKey := ecKey(t)
	root := caCert(t, "Gốc", rootKey, nil, nil)
	chain := []*x509.Certificate{root}
	issuer, issuerKey := root, crypto.Signer(rootKey)
	for i := 0; i < 14; i++ {
		k := ecKey(t)
		c := caCert(t, "Trung gian", k, issuer, issuerKey)
		chain = append([]*x509.Certificate{c}, chain...)
		issuer, issuerKey = c, k
	}
	leaf := p.leaf(t, leafOpts{issuer: issuer, issuerKey: issuerKey})
	signed, _ := signedWithChain(t, leaf.Signer, append([]*x509.Certificate{leaf.chain[0]}, chain...))
	roots := x509.NewCertPool()
	roots.AddCert(root)
	start := time.Now()
	rep := verifyPDF(t, signed, VerifyOptions{Roots: roots})
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("verifying took %v", d)
	}
	if sg := rep.Signatures[0]; sg.Verdict == Valid || sg.Trusted || rep.ExitStatus() == 0 {
		t.Fatalf("a chain of %d certificates was accepted: %+v", len(chain)+1, sg)
	}
	t.Logf("verdict %s: %s", rep.Signatures[0].Verdict, rep.Signatures[0].Summary.EN)
}

// Two CAs that certify each other form a loop; with no trusted root in
// it, the verdict is indeterminate, quickly.
func TestChainLoop(t *testing.T) {
	t.Parallel()
	p := getPKI(t)
	ka, kb := ecKey(t), ecKey(t)
	a := caCert(t, "CA A", ka, nil, nil)
	b := caCert(t, "CA B", kb, a, ka)  // B certified by A
	a2 := caCert(t, "CA A", ka, b, kb) // A certified by B
	leaf := p.leaf(t, leafOpts{issuer: a2, issuerKey: ka})
	signed, _ := signedWithChain(t, leaf.Signer, []*x509.Certificate{leaf.chain[0], a2, b})
	rep := verifyPDF(t, signed, VerifyOptions{Roots: p.roots})
	sg := rep.Signatures[0]
	if sg.Verdict != Indeterminate || sg.Trusted || !sg.Intact || rep.ExitStatus() != 2 {
		t.Fatalf("loop: %+v", sg)
	}
	if !strings.Contains(sg.Summary.EN, "trusted root") {
		t.Errorf("summary %q does not say why", sg.Summary.EN)
	}
}

// An encrypted PDF: verifying says there is no signature (exit 3), and
// signing refuses it with an error rather than writing a broken file.
func TestEncryptedPDF(t *testing.T) {
	t.Parallel()
	p := getPKI(t)
	conf := &model.Configuration{Reader15: true, ValidationMode: model.ValidationRelaxed, Eol: types.EolLF,
		EncryptUsingAES: true, EncryptKeyLength: 256, Permissions: model.PermissionsPrint, Limits: model.DefaultResourceLimits(),
		UserPW: "nguoidung", OwnerPW: "chusohuu"}
	var enc bytes.Buffer
	if err := api.Encrypt(bytes.NewReader(attachtest.PDF(1, "mat")), &enc, conf); err != nil {
		t.Fatal(err)
	}
	rep, err := Verify(bytes.NewReader(enc.Bytes()), int64(enc.Len()), VerifyOptions{Roots: p.roots})
	if err != nil || rep.ExitStatus() != 3 {
		t.Fatalf("verify an encrypted PDF: %v, exit %d", err, rep.ExitStatus())
	}
	var out bytes.Buffer
	s := p.leaf(t, leafOpts{})
	if err := Sign(&out, bytes.NewReader(enc.Bytes()), int64(enc.Len()), s, Options{}); err == nil {
		rep, _ := Verify(bytes.NewReader(out.Bytes()), int64(out.Len()), VerifyOptions{Roots: p.roots})
		t.Errorf("signed an encrypted PDF (%d bytes, verify exit %d)", out.Len(), rep.ExitStatus())
	}
}

// Revocation information older than the signing time does not prove the
// certificate was good when signed: the report says so; a CRL issued after
// the signing time does not get the note.
func TestRevocationFreshness(t *testing.T) {
	t.Parallel()
	p := getPKI(t)
	s := p.leaf(t, leafOpts{})
	signed := signPDF(t, attachtest.PDF(1, "tuoi"), s, Options{TSAURL: p.tsaURL})
	crlAt := func(at time.Time) []byte {
		return must(x509.CreateRevocationList(nil, &x509.RevocationList{Number: nextSerial(), ThisUpdate: at,
			NextUpdate: at.Add(24 * time.Hour)}, p.issuing, p.issuingKey))
	}
	stale := func(rep Report) bool {
		for _, n := range rep.Signatures[0].Notes {
			if strings.Contains(n.EN, "predates the signing time") {
				return true
			}
		}
		return false
	}
	old := verifyPDF(t, signed, VerifyOptions{Roots: p.roots, CRLs: [][]byte{crlAt(time.Now().Add(-2 * time.Hour))}})
	if !old.Signatures[0].RevocationOK || !stale(old) {
		t.Errorf("a CRL two hours older than the signature: revocation checked %v, note %v", old.Signatures[0].RevocationOK, stale(old))
	}
	fresh := verifyPDF(t, signed, VerifyOptions{Roots: p.roots, CRLs: [][]byte{crlAt(time.Now().Add(time.Minute))}})
	if !fresh.Signatures[0].RevocationOK || stale(fresh) {
		t.Errorf("a CRL issued after the signature: revocation checked %v, note %v", fresh.Signatures[0].RevocationOK, stale(fresh))
	}
}
