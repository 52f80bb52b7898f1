package pades

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/digitorus/pkcs7"
	"github.com/go-pdf/fpdf"
)

// The benchmarks sign and verify a 1-page and a 50-page PDF (fpdf, text
// on every page), with an ECDSA P-256 and an RSA-2048 signer, with the
// test PKI's time-stamp authority (over HTTP on the loopback) and without.
// Every signature embeds the issuing CA's CRL, so verifying checks it.
//
// Each sub-benchmark also times, interleaved with the egov call, the raw
// cryptography that profile needs (see loopWithRaw): egov-ns/op,
// raw-ns/op and ratio = raw-ns/op / egov-ns/op (1 would be no overhead at
// all; the goal is >= 0.8). The raw operations are:
//
//   - signing: the signer's private-key operation over a SHA-256 digest,
//     plus with a TSA the TSA's private-key operation (an ECDSA P-256 key
//     like the test TSA's, no HTTP, no token encoding);
//   - verifying: the signature value, the signer's chain to the root, the
//     CRL's signature and, with a TSA, the token's signature and the TSA's
//     chain (all parsing done before the loop).
//
// go test -run '^$' -bench 'BenchmarkSign$|BenchmarkVerify$' -benchmem -count 3 ./internal/signing/pades

var benchKeys = []struct {
	name string
	rsa  bool
}{{"ECDSA-P256", false}, {"RSA-2048", true}}

var benchDocs = []int{1, 50}

var (
	benchPDFOnce sync.Once
	benchPDFs    map[int][]byte
)

const benchText = "Căn cứ Luật Giao dịch điện tử, Ủy ban nhân dân xã ban hành quyết định về việc " +
	"cấp giấy chứng nhận cho công dân. Hồ sơ đã được tiếp nhận, thẩm định và phê duyệt theo đúng quy trình. "

// benchPDF is an A4 document of n pages, each with a heading and a few
// paragraphs of text (Helvetica, ASCII).
func benchPDF(tb testing.TB, n int) []byte {
	benchPDFOnce.Do(func() {
		benchPDFs = map[int][]byte{}
		for _, pages := range benchDocs {
			f := fpdf.New("P", "mm", "A4", "")
			text := ASCII(strings.Repeat(benchText, 6))
			for i := range pages {
				f.AddPage()
				f.SetFont("Helvetica", "B", 14)
				f.CellFormat(0, 10, fmt.Sprintf("Quyet dinh so %d/QD-UBND, trang %d", 100+i, i+1), "", 1, "L", false, 0, "")
				f.SetFont("Helvetica", "", 11)
				for p := range 4 {
					f.MultiCell(0, 5.5, fmt.Sprintf("Dieu %d. %s", p+1, text), "", "J", false)
					f.Ln(3)
				}
			}
			var out bytes.Buffer
			if err := f.Output(&out); err != nil {
				panic(err)
			}
			benchPDFs[pages] = out.Bytes()
		}
	})
	return benchPDFs[n]
}

type benchProfile struct {
	pages int
	key   string
	rsa   bool
	tsa   bool
}

func (p benchProfile) String() string {
	t := "no"
	if p.tsa {
		t = "yes"
	}
	return fmt.Sprintf("pages=%d/%s/TSA=%s", p.pages, p.key, t)
}

func benchProfiles() []benchProfile {
	var out []benchProfile
	for _, n := range benchDocs {
		for _, k := range benchKeys {
			for _, tsa := range []bool{false, true} {
				out = append(out, benchProfile{pages: n, key: k.name, rsa: k.rsa, tsa: tsa})
			}
		}
	}
	return out
}

// benchFixture is a signer and its options for one profile.
type benchFixture struct {
	s   testSigner
	opt Options
}

func newBenchFixture(b *testing.B, p *testPKI, prof benchProfile) benchFixture {
	f := benchFixture{s: p.leaf(b, leafOpts{rsa: prof.rsa})}
	f.opt.CRLs = [][]byte{p.crl(b, nil)}
	if prof.tsa {
		f.opt.TSAURL = p.tsaURL
	}
	return f
}

// loopWithRaw runs op in the benchmark loop and, right after each call,
// the raw cryptography of the same profile, timed on its own: the two are
// interleaved so that the load of a shared machine weighs on both alike.
// ns/op (and B/op, allocs/op) are for both together; egov-ns/op is op
// alone, raw-ns/op the raw operations, ratio = raw-ns/op / egov-ns/op.
func loopWithRaw(b *testing.B, op, raw func()) {
	raw() // warm up
	var rawNs int64
	n := 0
	for b.Loop() {
		op()
		t := time.Now()
		raw()
		rawNs += time.Since(t).Nanoseconds()
		n++
	}
	egov := float64(b.Elapsed().Nanoseconds()-rawNs) / float64(n)
	rawPer := float64(rawNs) / float64(n)
	b.ReportMetric(egov, "egov-ns/op")
	b.ReportMetric(rawPer, "raw-ns/op")
	b.ReportMetric(rawPer/egov, "ratio")
}

func BenchmarkSign(b *testing.B) {
	p := getPKI(b)
	for _, prof := range benchProfiles() {
		b.Run(prof.String(), func(b *testing.B) {
			in := benchPDF(b, prof.pages)
			f := newBenchFixture(b, p, prof)
			b.SetBytes(int64(len(in)))
			var out bytes.Buffer
			out.Grow(len(in) + 64<<10)
			loopWithRaw(b, func() {
				out.Reset()
				if err := Sign(&out, bytes.NewReader(in), int64(len(in)), f.s, f.opt); err != nil {
					b.Fatal(err)
				}
			}, rawSignOp(b, f.s, prof.tsa))
		})
	}
}

// benchTSAKey stands in for the test TSA's key (ECDSA P-256) in the raw
// signing baseline.
var benchTSAKey = must(ecdsa.GenerateKey(elliptic.P256(), rand.Reader))

func rawSignOp(b *testing.B, s testSigner, tsa bool) func() {
	digest := sha256.Sum256([]byte("signed attributes"))
	tsDigest := sha256.Sum256([]byte("TSTInfo"))
	return func() {
		if _, err := s.Sign(rand.Reader, digest[:], crypto.SHA256); err != nil {
			b.Fatal(err)
		}
		if tsa {
			if _, err := benchTSAKey.Sign(rand.Reader, tsDigest[:], crypto.SHA256); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func BenchmarkVerify(b *testing.B) {
	p := getPKI(b)
	for _, prof := range benchProfiles() {
		b.Run(prof.String(), func(b *testing.B) {
			f := newBenchFixture(b, p, prof)
			signed := signPDF(b, benchPDF(b, prof.pages), f.s, f.opt)
			vopt := VerifyOptions{Roots: p.roots}
			b.SetBytes(int64(len(signed)))
			loopWithRaw(b, func() {
				rep, err := Verify(bytes.NewReader(signed), int64(len(signed)), vopt)
				if err != nil || rep.ExitStatus() != 0 || !rep.Signatures[0].RevocationOK || rep.Signatures[0].TimeFromTimestamp != prof.tsa {
					b.Fatal(err, rep.ExitStatus())
				}
			}, rawVerifyOp(b, p, signed))
		})
	}
}

// rawVerifyOp prepares (outside the measured function) what verifying
// the first signature of signed needs and returns the raw checks.
func rawVerifyOp(b *testing.B, p *testPKI, signed []byte) func() {
	raws := findSignatures(signed)
	if len(raws) == 0 || raws[0].Err != nil {
		b.Fatal("no signature")
	}
	p7, err := pkcs7.Parse(raws[0].CMS)
	if err != nil {
		b.Fatal(err)
	}
	leaf := p7.GetOnlySigner()
	si := p7.Signers[0]
	var attrs []benchAttr
	for _, a := range si.AuthenticatedAttributes {
		attrs = append(attrs, benchAttr{Type: a.Type, Value: a.Value})
	}
	signedDER := attrsDER(b, attrs)
	sigAlg := x509.ECDSAWithSHA256
	if _, ok := leaf.PublicKey.(*rsa.PublicKey); ok {
		sigAlg = x509.SHA256WithRSA
	}
	inter := x509.NewCertPool()
	for _, c := range p7.Certificates {
		if !c.Equal(leaf) {
			inter.AddCert(c)
		}
	}
	crl, err := x509.ParseRevocationList(p.crl(b, nil))
	if err != nil {
		b.Fatal(err)
	}
	// The timestamp token, if any.
	var tsa *x509.Certificate
	var tsDER, tsSig []byte
	for _, a := range si.UnauthenticatedAttributes {
		if a.Type.Equal(asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 14}) {
			tok, err := pkcs7.Parse(a.Value.Bytes)
			if err != nil {
				b.Fatal(err)
			}
			tsa = tok.GetOnlySigner()
			var attrs []benchAttr
			for _, a := range tok.Signers[0].AuthenticatedAttributes {
				attrs = append(attrs, benchAttr{Type: a.Type, Value: a.Value})
			}
			tsDER = attrsDER(b, attrs)
			tsSig = tok.Signers[0].EncryptedDigest
		}
	}
	return func() {
		if err := leaf.CheckSignature(sigAlg, signedDER, si.EncryptedDigest); err != nil {
			b.Fatal(err)
		}
		if _, err := leaf.Verify(x509.VerifyOptions{Roots: p.roots, Intermediates: inter,
			KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}); err != nil {
			b.Fatal(err)
		}
		if err := crl.CheckSignatureFrom(p.issuing); err != nil {
			b.Fatal(err)
		}
		if tsa != nil {
			if err := tsa.CheckSignature(x509.ECDSAWithSHA256, tsDER, tsSig); err != nil {
				b.Fatal(err)
			}
			if _, err := tsa.Verify(x509.VerifyOptions{Roots: p.roots,
				KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageTimeStamping}}); err != nil {
				b.Fatal(err)
			}
		}
	}
}

type benchAttr struct {
	Type  asn1.ObjectIdentifier
	Value asn1.RawValue `asn1:"set"`
}

// attrsDER is the DER SET OF signed attributes that a CMS signature
// covers.
func attrsDER(b *testing.B, attrs []benchAttr) []byte {
	enc, err := asn1.Marshal(struct {
		A []benchAttr `asn1:"set"`
	}{A: attrs})
	if err != nil {
		b.Fatal(err)
	}
	var outer asn1.RawValue
	if _, err := asn1.Unmarshal(enc, &outer); err != nil {
		b.Fatal(err)
	}
	var inner asn1.RawValue
	if _, err := asn1.Unmarshal(outer.Bytes, &inner); err != nil {
		b.Fatal(err)
	}
	return inner.FullBytes
}
