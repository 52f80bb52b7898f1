package pades

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"testing"

	"egov/internal/attach/attachtest"
)

// The benchmarks sign and verify a one-page PDF (no TSA: the network round
// trip is not ours) next to baselines: the raw private-key operation over
// a SHA-256 digest, and the raw signature check plus chain verification.
// Ratios = BenchmarkSign1Page / BenchmarkBaselineRawSign, and
// BenchmarkVerify1Page / BenchmarkBaselineRawVerify, per key type.

var benchKeys = []struct {
	name string
	rsa  bool
}{{"ECDSA-P256", false}, {"RSA-2048", true}}

func BenchmarkSign1Page(b *testing.B) {
	p := getPKI(b)
	in := attachtest.PDF(1, "bench")
	for _, k := range benchKeys {
		b.Run(k.name, func(b *testing.B) {
			s := p.leaf(b, leafOpts{rsa: k.rsa})
			b.SetBytes(int64(len(in)))
			var out bytes.Buffer
			for b.Loop() {
				out.Reset()
				if err := Sign(&out, bytes.NewReader(in), int64(len(in)), s, Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkVerify1Page(b *testing.B) {
	p := getPKI(b)
	in := attachtest.PDF(1, "bench")
	for _, k := range benchKeys {
		b.Run(k.name, func(b *testing.B) {
			signed := signPDF(b, in, p.leaf(b, leafOpts{rsa: k.rsa}), Options{})
			b.SetBytes(int64(len(signed)))
			for b.Loop() {
				rep, err := Verify(bytes.NewReader(signed), int64(len(signed)), VerifyOptions{Roots: p.roots})
				if err != nil || rep.ExitStatus() != 0 {
					b.Fatal(err, rep.ExitStatus())
				}
			}
		})
	}
}

func BenchmarkBaselineRawSign(b *testing.B) {
	p := getPKI(b)
	digest := sha256.Sum256([]byte("one page"))
	for _, k := range benchKeys {
		b.Run(k.name, func(b *testing.B) {
			s := p.leaf(b, leafOpts{rsa: k.rsa})
			for b.Loop() {
				if _, err := s.Sign(rand.Reader, digest[:], crypto.SHA256); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkBaselineRawVerify(b *testing.B) {
	p := getPKI(b)
	digest := sha256.Sum256([]byte("one page"))
	for _, k := range benchKeys {
		b.Run(k.name, func(b *testing.B) {
			s := p.leaf(b, leafOpts{rsa: k.rsa})
			sig, err := s.Sign(rand.Reader, digest[:], crypto.SHA256)
			if err != nil {
				b.Fatal(err)
			}
			leaf := s.chain[0]
			inter := x509.NewCertPool()
			inter.AddCert(s.chain[1])
			for b.Loop() {
				switch pub := leaf.PublicKey.(type) {
				case *ecdsa.PublicKey:
					if !ecdsa.VerifyASN1(pub, digest[:], sig) {
						b.Fatal("bad signature")
					}
				case *rsa.PublicKey:
					if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest[:], sig); err != nil {
						b.Fatal(err)
					}
				}
				if _, err := leaf.Verify(x509.VerifyOptions{Roots: p.roots, Intermediates: inter,
					KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
