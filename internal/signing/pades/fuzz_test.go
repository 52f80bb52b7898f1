package pades

import (
	"bytes"
	"testing"
	"time"
)

// FuzzVerify feeds arbitrary bytes through the byte-range and CMS
// extraction and the whole verifier: it must never panic, never return an
// error for in-memory input within MaxSize, and only accept byte ranges
// that start at 0 and exclude a hex string inside the file.
func FuzzVerify(f *testing.F) {
	p := getPKI(f)
	s := p.leaf(f, leafOpts{})
	signed := signPDF(f, samplePDF(), s, Options{TSAURL: p.tsaURL})
	f.Add(signed)
	f.Add(signed[:len(signed)/2])
	f.Add(samplePDF())
	f.Add([]byte("%PDF-1.7\n/ByteRange [0 10 20 5] /Contents <3082>\n%%EOF"))
	f.Add([]byte("%PDF-1.4\n1 0 obj<</Contents<00>/ByteRange[0 18 22 0]>>\n%%EOF"))
	f.Add([]byte("not a pdf"))
	f.Fuzz(func(t *testing.T, data []byte) {
		st := time.Now()
		sigs := findSignatures(data)
		if d := time.Since(st); d > 20*time.Second {
			t.Fatalf("findSignatures took %v on %d bytes", d, len(data))
		}
		for _, s := range sigs {
			if s.Err != nil {
				continue
			}
			br := s.ByteRange
			if br[0] != 0 || br[1] <= 0 || br[2] > int64(len(data)) || br[2]+br[3] > int64(len(data)) ||
				data[br[1]] != '<' || data[br[2]-1] != '>' || len(s.CMS) == 0 {
				t.Fatalf("accepted a bad byte range %v", br)
			}
		}
		var rep Report
		var err error
		done := make(chan struct{})
		go func() {
			defer close(done)
			rep, err = Verify(bytes.NewReader(data), int64(len(data)), VerifyOptions{Roots: p.roots, MaxSize: 1 << 20})
		}()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Fatalf("Verify took over 30s on %d bytes", len(data))
		}
		if err != nil && len(data) <= 1<<20 {
			t.Fatalf("error on in-memory input: %v", err)
		}
		if st := rep.ExitStatus(); st < 0 || st > 3 {
			t.Fatalf("exit status %d", st)
		}
	})
}
