package pades

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"egov/internal/attach/attachtest"

	"github.com/digitorus/timestamp"
)

// testPKI is a root CA, an issuing CA and a time-stamp authority served
// over HTTP, shared by all tests.
type testPKI struct {
	root, issuing       *x509.Certificate
	rootKey, issuingKey crypto.Signer
	roots               *x509.CertPool
	tsaURL              string
	tsaCalls            atomic.Int64
}

var (
	pkiOnce   sync.Once
	sharedPKI *testPKI
	tsaServer *httptest.Server
	serial    atomic.Int64
)

func TestMain(m *testing.M) {
	code := m.Run()
	if tsaServer != nil {
		tsaServer.Close()
	}
	os.Exit(code)
}

// must panics on setup errors (only in test fixtures).
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func nextSerial() *big.Int { return big.NewInt(1000 + serial.Add(1)) }

func ecKey(t testing.TB) *ecdsa.PrivateKey {
	return must(ecdsa.GenerateKey(elliptic.P256(), rand.Reader))
}

func getPKI(t testing.TB) *testPKI {
	pkiOnce.Do(func() { sharedPKI = newPKI(t) })
	if sharedPKI == nil {
		t.Fatal("test PKI setup failed")
	}
	return sharedPKI
}

func newPKI(t testing.TB) *testPKI {
	now := time.Now()
	p := &testPKI{}
	rk := ecKey(t)
	rootTmpl := &x509.Certificate{
		SerialNumber: nextSerial(),
		Subject:      pkix.Name{CommonName: "Test Root CA egov", Organization: []string{"Ban Cơ yếu Chính phủ (test)"}},
		NotBefore:    now.Add(-48 * time.Hour), NotAfter: now.Add(10 * 365 * 24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	p.root = must(x509.ParseCertificate(must(x509.CreateCertificate(rand.Reader, rootTmpl, rootTmpl, rk.Public(), rk))))
	p.rootKey = rk
	ik := ecKey(t)
	issTmpl := &x509.Certificate{
		SerialNumber: nextSerial(),
		Subject:      pkix.Name{CommonName: "Test Issuing CA egov", Organization: []string{"Ban Cơ yếu Chính phủ (test)"}},
		NotBefore:    now.Add(-47 * time.Hour), NotAfter: now.Add(5 * 365 * 24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, MaxPathLen: 0, MaxPathLenZero: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	p.issuing = must(x509.ParseCertificate(must(x509.CreateCertificate(rand.Reader, issTmpl, p.root, ik.Public(), rk))))
	p.issuingKey = ik
	p.roots = x509.NewCertPool()
	p.roots.AddCert(p.root)

	// Time-stamp authority, issued by the root.
	tk := ecKey(t)
	tsaTmpl := &x509.Certificate{
		SerialNumber: nextSerial(),
		Subject:      pkix.Name{CommonName: "Test TSA egov"},
		NotBefore:    now.Add(-47 * time.Hour), NotAfter: now.Add(5 * 365 * 24 * time.Hour),
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageTimeStamping},
	}
	tsaCert := must(x509.ParseCertificate(must(x509.CreateCertificate(rand.Reader, tsaTmpl, p.root, tk.Public(), rk))))
	tsaServer = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.tsaCalls.Add(1)
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<16))
		if err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		req, err := timestamp.ParseRequest(body)
		if err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		ts := timestamp.Timestamp{
			HashAlgorithm: req.HashAlgorithm, HashedMessage: req.HashedMessage,
			Time: time.Now().UTC(), Policy: asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 99999, 1},
			SerialNumber: nextSerial(), Nonce: req.Nonce, AddTSACertificate: true, Accuracy: time.Second,
		}
		resp, err := ts.CreateResponse(tsaCert, tk)
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		w.Header().Set("Content-Type", "application/timestamp-reply")
		_, _ = w.Write(resp)
	}))
	p.tsaURL = tsaServer.URL
	return p
}

// testSigner implements Signer.
type testSigner struct {
	crypto.Signer
	chain []*x509.Certificate
}

func (s testSigner) Chain() []*x509.Certificate { return s.chain }

type leafOpts struct {
	rsa                 bool
	cn, org, ou, title  string
	notBefore, notAfter time.Time
	issuer              *x509.Certificate
	issuerKey           crypto.Signer
}

var (
	rsaOnce sync.Once
	rsaKey  *rsa.PrivateKey
)

// leaf issues a signing certificate: digitalSignature+nonRepudiation,
// EKU emailProtection+documentSigning.
func (p *testPKI) leaf(t testing.TB, o leafOpts) testSigner {
	var key crypto.Signer
	if o.rsa {
		rsaOnce.Do(func() { rsaKey = must(rsa.GenerateKey(rand.Reader, 2048)) })
		key = rsaKey
	} else {
		key = ecKey(t)
	}
	now := time.Now()
	if o.notBefore.IsZero() {
		o.notBefore = now.Add(-time.Hour)
	}
	if o.notAfter.IsZero() {
		o.notAfter = now.Add(365 * 24 * time.Hour)
	}
	if o.cn == "" {
		o.cn = "Nguyễn Thị Nghĩa"
	}
	if o.issuer == nil {
		o.issuer, o.issuerKey = p.issuing, p.issuingKey
	}
	subj := pkix.Name{CommonName: o.cn}
	if o.org != "" {
		subj.Organization = []string{o.org}
	}
	if o.ou != "" {
		subj.OrganizationalUnit = []string{o.ou}
	}
	if o.title != "" {
		subj.ExtraNames = []pkix.AttributeTypeAndValue{{Type: oidTitle, Value: o.title}}
	}
	tmpl := &x509.Certificate{
		SerialNumber: nextSerial(), Subject: subj,
		NotBefore: o.notBefore, NotAfter: o.notAfter,
		KeyUsage:           x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
		UnknownExtKeyUsage: []asn1.ObjectIdentifier{{1, 3, 6, 1, 5, 5, 7, 3, 36}},
		ExtKeyUsage:        []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection},
		EmailAddresses:     []string{"nghia@example.gov.vn"},
	}
	cert := must(x509.ParseCertificate(must(x509.CreateCertificate(rand.Reader, tmpl, o.issuer, key.Public(), o.issuerKey))))
	return testSigner{Signer: key, chain: []*x509.Certificate{cert, o.issuer}}
}

// crl is a CRL of the issuing CA revoking the given serials at the given
// times.
func (p *testPKI) crl(t testing.TB, revoked map[*x509.Certificate]time.Time) []byte {
	var entries []x509.RevocationListEntry
	for c, at := range revoked {
		entries = append(entries, x509.RevocationListEntry{SerialNumber: c.SerialNumber, RevocationTime: at})
	}
	now := time.Now()
	return must(x509.CreateRevocationList(rand.Reader, &x509.RevocationList{
		Number: nextSerial(), ThisUpdate: now.Add(-time.Minute), NextUpdate: now.Add(7 * 24 * time.Hour),
		RevokedCertificateEntries: entries,
	}, p.issuing, p.issuingKey))
}

// signPDF signs in with s and returns the result.
func signPDF(t testing.TB, in []byte, s Signer, opt Options) []byte {
	t.Helper()
	var out bytes.Buffer
	if err := Sign(&out, bytes.NewReader(in), int64(len(in)), s, opt); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func verifyPDF(t testing.TB, b []byte, opt VerifyOptions) Report {
	t.Helper()
	rep, err := Verify(bytes.NewReader(b), int64(len(b)), opt)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func samplePDF() []byte { return attachtest.PDF(2, "egov pades test") }
