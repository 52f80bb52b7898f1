package app_test

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"math/big"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"egov/internal/attach/attachtest"
	"egov/internal/signing/pades"
)

// testSigner is a software key with its chain, leaf first.
type testSigner struct {
	crypto.Signer
	chain []*x509.Certificate
}

func (s testSigner) Chain() []*x509.Certificate { return s.chain }

// testCA makes a root and a document-signing leaf as the Government's CA
// profiles them (nonRepudiation, EKU emailProtection and documentSigning),
// and writes the root as PEM.
func testCA(t *testing.T, dir string) (testSigner, string) {
	t.Helper()
	now := time.Now()
	rk, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	root := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Thử nghiệm Root CA", Country: []string{"VN"}},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign}
	rootDER, err := x509.CreateCertificate(rand.Reader, root, root, rk.Public(), rk)
	if err != nil {
		t.Fatal(err)
	}
	rootCert, _ := x509.ParseCertificate(rootDER)
	lk, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	leaf := &x509.Certificate{SerialNumber: big.NewInt(2),
		Subject:   pkix.Name{CommonName: "Lê Thu Trang", Organization: []string{"Ủy ban nhân dân phường Đông Kinh"}, OrganizationalUnit: []string{"000.00.20.H37"}},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		KeyUsage:           x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
		ExtKeyUsage:        []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection},
		UnknownExtKeyUsage: []asn1.ObjectIdentifier{{1, 3, 6, 1, 5, 5, 7, 3, 36}}}
	leafDER, err := x509.CreateCertificate(rand.Reader, leaf, rootCert, lk.Public(), rk)
	if err != nil {
		t.Fatal(err)
	}
	leafCert, _ := x509.ParseCertificate(leafDER)
	pemPath := filepath.Join(dir, "root.pem")
	if err := os.WriteFile(pemPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: rootDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	return testSigner{Signer: lk, chain: []*x509.Certificate{leafCert, rootCert}}, pemPath
}

// signedPDF signs a one-page PDF.
func signedPDF(t *testing.T, s testSigner) []byte {
	t.Helper()
	in := attachtest.PDF(1, "ket qua")
	var out bytes.Buffer
	if err := pades.Sign(&out, bytes.NewReader(in), int64(len(in)), s, pades.Options{Reason: "Phê duyệt kết quả"}); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// egov verify's exit status tells valid (0), invalid (1), indeterminate
// or changed (2) and unsigned or unreadable (3).
func TestVerifyCommand(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s, rootPEM := testCA(t, dir)
	signed := signedPDF(t, s)
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tampered := bytes.Clone(signed)
	i := bytes.Index(tampered, []byte("ket qua"))
	tampered[i] = 'K'
	appended := append(bytes.Clone(signed), []byte("\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")...)
	for _, c := range []struct {
		name string
		args []string
		want int
		out  []string
	}{
		{"Valid", []string{"verify", write("ok.pdf", signed), "--trust", rootPEM}, 0, []string{"VALID", "Lê Thu Trang", "000.00.20.H37", "Chữ ký hợp lệ"}},
		{"FlagsFirst", []string{"verify", "--trust", rootPEM, write("ok2.pdf", signed)}, 0, nil},
		{"UntrustedRoot", []string{"verify", write("ok3.pdf", signed)}, 2, []string{"INDETERMINATE"}},
		{"Tampered", []string{"verify", write("sua.pdf", tampered), "--trust", rootPEM}, 1, []string{"INVALID"}},
		{"AppendedAfter", []string{"verify", write("them.pdf", appended), "--trust", rootPEM}, 2, nil},
		{"Unsigned", []string{"verify", write("chua-ky.pdf", attachtest.PDF(1, "")), "--trust", rootPEM}, 3, nil},
		{"NotAPDF", []string{"verify", write("ghi-chu.txt", []byte("không phải PDF")), "--trust", rootPEM}, 3, nil},
		{"Missing", []string{"verify", filepath.Join(dir, "khong-co.pdf")}, 3, nil},
		{"JSON", []string{"verify", write("ok4.pdf", signed), "--trust", rootPEM, "--json"}, 0, []string{`"exit_status": 0`, `"verdict": "valid"`}},
		{"NoFile", []string{"verify"}, 64, nil},
		{"BadTrust", []string{"verify", write("ok5.pdf", signed), "--trust", write("rong.pem", []byte("x"))}, 64, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, out, errb := runCLI(t, nil, "", c.args...)
			if code != c.want {
				t.Fatalf("egov %s: exit %d, want %d\n%s%s", strings.Join(c.args, " "), code, c.want, out, errb)
			}
			for _, w := range c.out {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
		})
	}
}

// The public verifier: the page and POST /api/v1/verify check a PDF
// without a login and keep nothing.
func TestVerifyAPIAndPage(t *testing.T) {
	t.Parallel()
	s := start(t, serverOpts{})
	signer, _ := testCA(t, t.TempDir())
	signed := signedPDF(t, signer)
	body, ct := multipartFile("file", "ket-qua.pdf", signed)
	pageBody, pageCT := multipartFile("tep", "ket-qua.pdf", signed)
	notPDF, notCT := multipartFile("file", "ghi-chu.txt", []byte("văn bản"))
	runScenarios(t, s, []scenario{
		// Our test root is not in the server's trust store: indeterminate.
		{name: "API", method: "POST", path: "/api/v1/verify", body: body, headers: map[string]string{"Content-Type": ct},
			status: http.StatusOK, want: []string{`"exit_status":2`, `"verdict":"indeterminate"`, "Lê Thu Trang"}},
		{name: "APINotPDF", method: "POST", path: "/api/v1/verify", body: notPDF, headers: map[string]string{"Content-Type": notCT},
			status: http.StatusOK, want: []string{`"exit_status":3`}},
		{name: "Page", method: "GET", path: "/xac-thuc-van-ban", status: 200, want: []string{"Xác thực văn bản điện tử", `name="tep"`}},
		{name: "PagePost", method: "POST", path: "/xac-thuc-van-ban", body: pageBody, headers: map[string]string{"Content-Type": pageCT},
			status: 200, want: []string{"Chưa xác định được", "Lê Thu Trang", "000.00.20.H37"}},
	})
}

// The built-in CA end to end: the demo server issues the ward's
// organisation certificate, a PDF is signed with it and timestamped by
// the server's own timestamp authority (/pki/tsa); the public verifier
// finds it valid, the time proven by the timestamp; the CLI agrees with
// the root it downloads from /pki/ca/.
func TestSignedByTheBuiltinCA(t *testing.T) {
	t.Parallel()
	s := start(t, serverOpts{})
	ctx := t.Context()
	out := bytes.NewBuffer(signedByWard(t, s, attachtest.PDF(1, "giay xac nhan")))
	body, ct := multipartFile("file", "ket-qua.pdf", out.Bytes())
	runScenarios(t, s, []scenario{
		{name: "Verify", method: "POST", path: "/api/v1/verify", body: body, headers: map[string]string{"Content-Type": ct},
			status: 200, want: []string{`"exit_status":0`, `"verdict":"valid"`, `"time_from_timestamp":true`, `"agency_code":"000.00.20.H37"`}},
	})

	ca, err := s.app.PKI.EnsureBuiltinCA(ctx)
	if err != nil {
		t.Fatal(err)
	}
	r := s.do(http.DefaultClient, "GET", "/pki/ca/"+strconvI(ca.Root.ID)+".crt", "", nil)
	if r.status != 200 {
		t.Fatalf("the root certificate: %d %s", r.status, r.body)
	}
	dir := t.TempDir()
	rootPEM, pdf := filepath.Join(dir, "root.pem"), filepath.Join(dir, "ket-qua.pdf")
	if err := os.WriteFile(rootPEM, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte(r.body)}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(pdf, out.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, stdout, stderr := runCLI(t, nil, "", "verify", pdf, "--trust", rootPEM); code != 0 {
		t.Fatalf("egov verify with the built-in root: exit %d\n%s%s", code, stdout, stderr)
	}
}

// A PDF whose signature is invalid is refused at upload, with the reason
// and the file's name; a signed PDF whose issuer this server does not
// trust is accepted (the desk sees the verdict).
func TestUploadChecksSignatures(t *testing.T) {
	t.Parallel()
	s := start(t, serverOpts{})
	c := newAPIClient(t, s)
	signer, _ := testCA(t, t.TempDir())
	signed := signedPDF(t, signer)
	tampered := bytes.Clone(signed)
	i := bytes.Index(tampered, []byte("ket qua"))
	tampered[i] = 'K'
	c.run(t, []scenario{
		uploadRow("TamperedSigned", "api:congdan", "ket-qua-da-sua.pdf", tampered, 400, "attach.signature_invalid", "ket-qua-da-sua.pdf", "đã bị sửa đổi sau khi ký"),
		uploadRow("SignedUntrusted", "api:congdan", "ket-qua.pdf", signed, 201, `"name":"ket-qua.pdf"`),
	})
}
