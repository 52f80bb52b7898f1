package attach_test

import (
	"bytes"
	"image/jpeg"
	"runtime"
	"runtime/metrics"
	"sync/atomic"
	"testing"
	"time"

	"egov/internal/attach"
)

// Run with:
//
//	go test -run '^$' -bench 'PhotosToPDF|DecodeOnly|Thumbnail' -benchmem ./internal/attach
//
// BenchmarkDecodeOnly is the baseline: PhotosToPDF costs N× a plain decode
// of the same photos with image/jpeg. peak-MB is the most heap in use
// (live and not yet collected) seen while the benchmark ran.

// benchPhotos stores the 5 phone photos of the benchmarks (4000 × 3000,
// about 4 MB each).
func benchPhotos(b *testing.B, e env) ([]attach.File, int64) {
	b.Helper()
	var fs []attach.File
	var size int64
	for i, p := range phonePhotos(5) {
		f := accept(b, e, "IMG_"+string(rune('1'+i))+".jpg", p)
		fs = append(fs, f)
		size += f.Size
	}
	return fs, size
}

func BenchmarkPhotosToPDF(b *testing.B) {
	e := setup(b, attach.Limits{})
	photos, size := benchPhotos(b, e)
	var out int64
	peak := watchHeap()
	b.ReportAllocs()
	b.SetBytes(size)
	for b.Loop() {
		f, err := e.p.PhotosToPDF(e.ctx, "giay-to", photos)
		if err != nil {
			b.Fatal(err)
		}
		out = f.Size
	}
	peak.report(b)
	b.ReportMetric(float64(size)/(1<<20), "in-MB")
	b.ReportMetric(float64(out)/(1<<20), "pdf-MB")
}

func BenchmarkDecodeOnly(b *testing.B) {
	photos := phonePhotos(5)
	var size int64
	for _, p := range photos {
		size += int64(len(p))
	}
	peak := watchHeap()
	b.ReportAllocs()
	b.SetBytes(size)
	for b.Loop() {
		for _, p := range photos {
			if _, err := jpeg.Decode(bytes.NewReader(p)); err != nil {
				b.Fatal(err)
			}
		}
	}
	peak.report(b)
}

func BenchmarkThumbnail(b *testing.B) {
	e := setup(b, attach.Limits{})
	photos, _ := benchPhotos(b, e)
	pdf, err := e.p.PhotosToPDF(e.ctx, "giay-to", photos[:1])
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		f    attach.File
	}{{"PhonePhotoJPEG", photos[0]}, {"PDFOfAPhoto", pdf}, {"PDFSimplePage", accept(b, e, "don.pdf", makePDF(1))}} {
		b.Run(c.name, func(b *testing.B) {
			if _, _, err := e.p.Thumbnail(e.ctx, c.f); err != nil { // the PDF renderer's start is not measured
				b.Fatal(err)
			}
			peak := watchHeap()
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := e.p.Thumbnail(e.ctx, c.f); err != nil {
					b.Fatal(err)
				}
			}
			peak.report(b)
		})
	}
}

// heapWatch samples the heap in use every few milliseconds (runtime/metrics
// does not stop the world, as ReadMemStats does) and keeps the peak.
type heapWatch struct {
	stop, done chan struct{}
	peak       atomic.Uint64
}

func watchHeap() *heapWatch {
	runtime.GC()
	w := &heapWatch{stop: make(chan struct{}), done: make(chan struct{})}
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	go func() {
		defer close(w.done)
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(s)
			if v := s[0].Value.Uint64(); v > w.peak.Load() {
				w.peak.Store(v)
			}
			select {
			case <-w.stop:
				return
			case <-t.C:
			}
		}
	}()
	return w
}

func (w *heapWatch) report(b *testing.B) {
	close(w.stop)
	<-w.done
	b.ReportMetric(float64(w.peak.Load())/(1<<20), "peak-MB")
}
