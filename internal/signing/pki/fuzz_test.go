package pki_test

import (
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"testing"

	gopkcs12 "software.sslmate.com/src/go-pkcs12"

	"egov/internal/apperr"
	"egov/internal/signing/pki"
)

// FuzzParsePKCS12 feeds the PKCS#12 import path arbitrary files and
// passwords: it must never panic, must refuse with a user-facing error,
// and whatever it accepts must hold a key that matches its certificate.
func FuzzParsePKCS12(f *testing.F) {
	f.Cleanup(pki.LimitPKCS12Iterations(20_000))
	x := newExternalCA(f, x509.KeyUsageDigitalSignature)
	for _, enc := range []gopkcs12.Encoder{*gopkcs12.Modern, *gopkcs12.LegacyDES, *gopkcs12.Modern2023} {
		b, err := enc.Encode(x.leafKey, x.leaf, []*x509.Certificate{x.inter, x.root}, "mật khẩu")
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, "mật khẩu")
		f.Add(b, "")
		if len(b) > 40 {
			f.Add(b[:len(b)/2], "mật khẩu")
		}
	}
	f.Add([]byte{}, "")
	f.Add([]byte("not a pkcs12 file"), "x")
	f.Add(x.leaf.Raw, "")
	f.Fuzz(func(t *testing.T, data []byte, password string) {
		b, err := pki.ParsePKCS12(data, password)
		if err != nil {
			var ae *apperr.Error
			if !errors.As(err, &ae) || ae.Code != apperr.Invalid || ae.VI == "" {
				t.Fatalf("not a user-facing refusal: %v", err)
			}
			return
		}
		pub, ok := b.Key.Public().(interface{ Equal(crypto.PublicKey) bool })
		if !ok || !pub.Equal(b.Leaf.PublicKey) {
			t.Fatal("accepted a key that does not match its certificate")
		}
		for i, c := range b.Chain {
			child := b.Leaf
			if i > 0 {
				child = b.Chain[i-1]
			}
			if child.CheckSignatureFrom(c) != nil {
				t.Fatal("chain out of order")
			}
		}
	})
}

// FuzzParseCertificate feeds the certificate upload path (trust store)
// arbitrary bytes.
func FuzzParseCertificate(f *testing.F) {
	x := newExternalCA(f, x509.KeyUsageDigitalSignature)
	f.Add(x.root.Raw)
	f.Add(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: x.root.Raw}))
	f.Add(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte{1, 2, 3}}))
	f.Add([]byte("-----BEGIN CERTIFICATE-----\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := pki.ParseCertificate(data)
		if err != nil {
			if !is(err, pki.ErrBadCertificate) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		if c == nil || len(c.Raw) == 0 {
			t.Fatal("nil certificate without error")
		}
	})
}
