package pades

import (
	"bytes"
	"crypto/x509"
	"encoding/asn1"
	"io"
	"testing"

	"github.com/digitorus/pdfsign/revocation"
)

// TestMarshalRevocationSame checks the hand-written encoding against
// encoding/asn1.
func TestMarshalRevocationSame(t *testing.T) {
	p := getPKI(t)
	for _, r := range []revocation.InfoArchival{{}, {CRL: revocation.CRL{{FullBytes: p.crl(t, nil)}}},
		{CRL: revocation.CRL{{FullBytes: p.crl(t, nil)}, {FullBytes: p.crl(t, nil)}}, OCSP: revocation.OCSP{{FullBytes: []byte{0x30, 0}}}}} {
		want, err := asn1.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		if got := marshalRevocation(r); !bytes.Equal(got, want) {
			t.Fatalf("got %x\nwant %x", got, want)
		}
	}
}

// readSeekerOnly hides the io.ReaderAt of a *bytes.Reader.
type readSeekerOnly struct{ r *bytes.Reader }

func (r readSeekerOnly) Read(p []byte) (int, error)            { return r.r.Read(p) }
func (r readSeekerOnly) Seek(off int64, wh int) (int64, error) { return r.r.Seek(off, wh) }

func TestSignInputs(t *testing.T) {
	t.Parallel()
	p := getPKI(t)
	s := p.leaf(t, leafOpts{})
	in := samplePDF()
	// A reader that is not an io.ReaderAt is read into memory first.
	var out bytes.Buffer
	if err := Sign(&out, readSeekerOnly{bytes.NewReader(in)}, int64(len(in)), s, Options{}); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(out.Bytes(), in) {
		t.Fatal("the signed file does not start with the input")
	}
	wantExit(t, verifyPDF(t, out.Bytes(), VerifyOptions{Roots: p.roots}), 0)
	// The size must be the input's, for both kinds of reader.
	for _, n := range []int64{int64(len(in)) - 1, int64(len(in)) + 1} {
		for _, r := range []io.ReadSeeker{bytes.NewReader(in), readSeekerOnly{bytes.NewReader(in)}} {
			out.Reset()
			if err := Sign(&out, r, n, s, Options{}); err == nil {
				t.Errorf("size %d of %d accepted (%T)", n, len(in), r)
			}
		}
	}
	// Nothing is written when signing fails.
	out.Reset()
	if err := Sign(&out, bytes.NewReader(in), int64(len(in)), s, Options{TSAURL: "http://127.0.0.1:1/tsa"}); err == nil {
		t.Error("unreachable TSA accepted")
	}
	if out.Len() != 0 {
		t.Errorf("%d bytes written by a failed signing", out.Len())
	}
	// A chain whose links do not verify is refused.
	other := p.leaf(t, leafOpts{})
	bad := testSigner{Signer: s.Signer, chain: []*x509.Certificate{s.chain[0], other.chain[0]}}
	if err := Sign(&out, bytes.NewReader(in), int64(len(in)), bad, Options{}); err == nil {
		t.Error("broken chain accepted")
	}
}

// TestSignPlaceholderRetry makes the room left for the timestamp token
// too small: Sign signs again with a larger placeholder. Not parallel: it
// changes a package variable.
func TestSignPlaceholderRetry(t *testing.T) {
	p := getPKI(t)
	saved := tsaAllowance
	tsaAllowance = 0
	defer func() { tsaAllowance = saved }()
	before := p.tsaCalls.Load()
	out := signPDF(t, samplePDF(), p.leaf(t, leafOpts{}), Options{TSAURL: p.tsaURL})
	if calls := p.tsaCalls.Load() - before; calls != 2 {
		t.Errorf("%d TSA calls, want 2 (one retry)", calls)
	}
	rep := verifyPDF(t, out, VerifyOptions{Roots: p.roots})
	wantExit(t, rep, 0)
	if !rep.Signatures[0].TimeFromTimestamp {
		t.Error("no timestamp")
	}
}
