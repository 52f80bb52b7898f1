package pades

import (
	"bufio"
	"bytes"
	"crypto/x509"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/metrics"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestLargePDFMemory signs and verifies a PDF of about 100 MB (ten pages,
// each with a 10 MB incompressible RGB image) and reports the peak memory
// of each as a multiple of the file size (goal: under 3). It is skipped
// unless EGOV_LARGE=1:
//
//	EGOV_LARGE=1 go test -run TestLargePDFMemory -v -count 1 ./internal/signing/pades
//
// Signing and verifying each run in a child process (this test binary run
// again), so that the maximum resident set size (getrusage) is theirs
// alone. Peak heap is the highest "/memory/classes/heap/objects:bytes"
// (live and not yet swept objects) sampled every millisecond during the
// call, minus its value before. Both use the default garbage collector
// settings.
func TestLargePDFMemory(t *testing.T) {
	if phase := os.Getenv("EGOV_LARGE_PHASE"); phase != "" {
		largeChild(t, phase)
		return
	}
	if os.Getenv("EGOV_LARGE") != "1" {
		t.Skip("set EGOV_LARGE=1 to sign and verify a 100 MB PDF")
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "large.pdf")
	size, err := writeLargePDF(in, 10, 1826)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("input: %d bytes (%.1f MB)", size, float64(size)/1e6)
	for _, phase := range []string{"sign", "verify"} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestLargePDFMemory$", "-test.v", "-test.count=1")
		cmd.Env = append(os.Environ(), "EGOV_LARGE_PHASE="+phase, "EGOV_LARGE_DIR="+dir)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", phase, err, out)
		}
		m := regexp.MustCompile(`LARGE .*`).FindAll(out, -1)
		if len(m) == 0 {
			t.Fatalf("%s: no result\n%s", phase, out)
		}
		for _, l := range m {
			t.Log(string(l))
		}
	}
}

// largeChild runs one phase in the child process and prints its figures.
func largeChild(t *testing.T, phase string) {
	dir := os.Getenv("EGOV_LARGE_DIR")
	in, signed := filepath.Join(dir, "large.pdf"), filepath.Join(dir, "large-signed.pdf")
	const maxSize = 1 << 30
	var size int64
	var run func() error
	switch phase {
	case "sign":
		p := getPKI(t)
		s := p.leaf(t, leafOpts{})
		f, err := os.Open(in)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		st, _ := f.Stat()
		size = st.Size()
		out, err := os.Create(signed)
		if err != nil {
			t.Fatal(err)
		}
		defer out.Close()
		// The verifying process trusts this process's test root.
		if err := os.WriteFile(filepath.Join(dir, "root.der"), p.root.Raw, 0o600); err != nil {
			t.Fatal(err)
		}
		run = func() error {
			return Sign(out, f, size, s, Options{MaxSize: maxSize, TSAURL: p.tsaURL, CRLs: [][]byte{p.crl(t, nil)}})
		}
	case "verify":
		f, err := os.Open(signed)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		st, _ := f.Stat()
		size = st.Size()
		der, err := os.ReadFile(filepath.Join(dir, "root.der"))
		if err != nil {
			t.Fatal(err)
		}
		root, err := x509.ParseCertificate(der)
		if err != nil {
			t.Fatal(err)
		}
		roots := x509.NewCertPool()
		roots.AddCert(root)
		run = func() error {
			rep, err := Verify(f, size, VerifyOptions{Roots: roots, MaxSize: maxSize})
			if err == nil && rep.ExitStatus() != 0 {
				err = fmt.Errorf("exit status %d: %s", rep.ExitStatus(), rep.Summary.EN)
			}
			return err
		}
	default:
		t.Fatalf("unknown phase %q", phase)
	}
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 { metrics.Read(sample); return sample[0].Value.Uint64() }
	before := read()
	var peak uint64
	var mu sync.Mutex
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			v := read()
			mu.Lock()
			peak = max(peak, v)
			mu.Unlock()
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	start := time.Now()
	err := run()
	elapsed := time.Since(start)
	close(done)
	wg.Wait()
	peak = max(peak, read())
	if err != nil {
		t.Fatal(err)
	}
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		t.Fatal(err)
	}
	rss := uint64(ru.Maxrss) * 1024 // kilobytes on Linux
	heap := peak - min(peak, before)
	fmt.Printf("LARGE %s: file %.1f MB, %.2f s, peak heap %.1f MB (%.2f x file), max RSS %.1f MB (%.2f x file)\n",
		phase, float64(size)/1e6, elapsed.Seconds(), float64(heap)/1e6, float64(heap)/float64(size),
		float64(rss)/1e6, float64(rss)/float64(size))
}

// writeLargePDF writes a PDF of pages pages, each showing an incompressible
// side×side RGB image (raw, unfiltered), and returns its size.
func writeLargePDF(path string, pages, side int) (int64, error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	w := &countWriter{w: bufio.NewWriterSize(f, 1<<20)}
	offsets := map[int]int64{}
	obj := func(n int, body string) {
		offsets[n] = w.n
		fmt.Fprintf(w, "%d 0 obj\n%s\nendobj\n", n, body)
	}
	fmt.Fprintf(w, "%%PDF-1.7\n%%\xe2\xe3\xcf\xd3\n")
	// 1 catalog, 2 pages, 3 font, then per page: page, contents, image.
	var kids bytes.Buffer
	for i := range pages {
		fmt.Fprintf(&kids, "%d 0 R ", 4+3*i)
	}
	obj(1, "<< /Type /Catalog /Pages 2 0 R >>")
	obj(2, fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", kids.String(), pages))
	obj(3, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
	rng := rand.New(rand.NewPCG(1, 2))
	chunk := make([]byte, 1<<16)
	for i := range pages {
		page, contents, img := 4+3*i, 5+3*i, 6+3*i
		obj(page, fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> /XObject << /Im0 %d 0 R >> >> /Contents %d 0 R >>", img, contents))
		text := fmt.Sprintf("q 500 0 0 500 47 250 cm /Im0 Do Q BT /F1 14 Tf 72 790 Td (Large test document, page %d of %d) Tj ET", i+1, pages)
		obj(contents, fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(text), text))
		n := side * side * 3
		offsets[img] = w.n
		fmt.Fprintf(w, "%d 0 obj\n<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB /BitsPerComponent 8 /Length %d >>\nstream\n", img, side, side, n)
		for left := n; left > 0; {
			k := min(left, len(chunk))
			for j := 0; j+8 <= k; j += 8 {
				v := rng.Uint64()
				for b := range 8 {
					chunk[j+b] = byte(v >> (8 * b))
				}
			}
			if _, err := w.Write(chunk[:k]); err != nil {
				return 0, err
			}
			left -= k
		}
		fmt.Fprintf(w, "\nendstream\nendobj\n")
	}
	count := 4 + 3*pages
	xref := w.n
	fmt.Fprintf(w, "xref\n0 %d\n0000000000 65535 f\r\n", count)
	for n := 1; n < count; n++ {
		fmt.Fprintf(w, "%010d 00000 n\r\n", offsets[n])
	}
	fmt.Fprintf(w, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%s\n%%%%EOF\n", count, strconv.FormatInt(xref, 10))
	if err := w.w.(*bufio.Writer).Flush(); err != nil {
		return 0, err
	}
	return w.n, nil
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
