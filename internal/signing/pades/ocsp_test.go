package pades

import (
	"testing"
	"time"

	"golang.org/x/crypto/ocsp"
)

func TestEmbeddedOCSP(t *testing.T) {
	t.Parallel()
	p := getPKI(t)
	resp := func(s testSigner, status int, revokedAt time.Time) []byte {
		now := time.Now()
		b, err := ocsp.CreateResponse(p.issuing, p.issuing, ocsp.Response{
			Status: status, SerialNumber: s.chain[0].SerialNumber, RevokedAt: revokedAt,
			ThisUpdate: now.Add(-time.Minute), NextUpdate: now.Add(time.Hour), ProducedAt: now,
		}, p.issuingKey)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	good := p.leaf(t, leafOpts{})
	rep := verifyPDF(t, signPDF(t, samplePDF(), good, Options{TSAURL: p.tsaURL, OCSPResponses: [][]byte{resp(good, ocsp.Good, time.Time{})}}),
		VerifyOptions{Roots: p.roots, RequireRevocation: true})
	wantExit(t, rep, 0)
	if !rep.Signatures[0].RevocationOK {
		t.Fatalf("%+v", rep.Signatures[0])
	}
	bad := p.leaf(t, leafOpts{})
	rep = verifyPDF(t, signPDF(t, samplePDF(), bad, Options{TSAURL: p.tsaURL, OCSPResponses: [][]byte{resp(bad, ocsp.Revoked, time.Now().Add(-time.Minute))}}),
		VerifyOptions{Roots: p.roots})
	wantExit(t, rep, 1)
}
