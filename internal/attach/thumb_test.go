package attach_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"egov/internal/apperr"
	"egov/internal/attach"
)

// TestMain keeps the compiled PDF renderer between runs of the tests, in
// the system's temporary folder (about 21 MB): compiling it takes 3 s, and
// 30 s under the race detector. That also runs SetPreviewCacheDir's path.
//
// wazero names its cache after its own version, which a test binary does
// not record ("dev"): the folder is named after the version in go.mod, so
// that code compiled by another wazero is never loaded.
func TestMain(m *testing.M) {
	if mod, err := os.ReadFile("../../go.mod"); err == nil {
		if v := regexp.MustCompile(`github\.com/tetratelabs/wazero (v\S+)`).FindSubmatch(mod); v != nil {
			attach.SetPreviewCacheDir(filepath.Join(os.TempDir(), "egov-test-pdfium-"+string(v[1])))
		}
	}
	os.Exit(m.Run())
}

func decodeThumb(t testing.TB, b []byte, typ string) image.Image {
	t.Helper()
	if typ != "image/jpeg" {
		t.Fatalf("thumbnail type %q", typ)
	}
	img, err := jpeg.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if s := img.Bounds().Size(); max(s.X, s.Y) != attach.ThumbnailEdge {
		t.Fatalf("thumbnail of %v, want a long edge of %d", s, attach.ThumbnailEdge)
	}
	return img
}

func TestThumbnail(t *testing.T) {
	t.Parallel()
	t.Run("JPEGUpright", func(t *testing.T) {
		t.Parallel()
		e := setup(t, attach.Limits{})
		f := accept(t, e, "cccd.jpg", withOrientation(makePhoto(t, photoSpec{w: 1200, h: 800, quality: 85, seed: 5}), 6, binary.LittleEndian))
		b, typ, err := e.p.Thumbnail(e.ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		img := decodeThumb(t, b, typ)
		if s := img.Bounds().Size(); s != image.Pt(160, 240) || redQuadrant(img) != "TR" {
			t.Fatalf("%v, marker %q", s, redQuadrant(img))
		}
	})
	t.Run("PNG", func(t *testing.T) {
		t.Parallel()
		e := setup(t, attach.Limits{})
		b, typ, err := e.p.Thumbnail(e.ctx, accept(t, e, "a.png", makePNG(t, 300, 500)))
		if err != nil {
			t.Fatal(err)
		}
		if s := decodeThumb(t, b, typ).Bounds().Size(); s != image.Pt(144, 240) {
			t.Fatalf("%v", s)
		}
	})
	t.Run("HEIC", func(t *testing.T) {
		t.Parallel()
		e := setup(t, attach.Limits{})
		b, typ, err := e.p.Thumbnail(e.ctx, accept(t, e, "IMG_1.HEIC", readTestdata(t, "photo.heic")))
		if err != nil {
			t.Fatal(err)
		}
		decodeThumb(t, b, typ)
	})
	t.Run("PDFFirstPage", func(t *testing.T) {
		t.Parallel()
		e := setup(t, attach.Limits{})
		// attachtest draws a blue 200 × 100 pt box at (72, 600) on an A4
		// page (595 × 842 pt, origin bottom left): in the upper left.
		start := time.Now()
		b, typ, err := e.p.Thumbnail(e.ctx, accept(t, e, "don.pdf", makePDF(2)))
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("first PDF thumbnail (the renderer's start included): %v", time.Since(start))
		img := decodeThumb(t, b, typ)
		if s := img.Bounds().Size(); s != image.Pt(170, 240) {
			t.Fatalf("%v", s)
		}
		blueAt := func(xpt, ypt float64) bool {
			x, y := int(xpt*170/595), int((842-ypt)*240/842)
			r, g, bl, _ := img.At(x, y).RGBA()
			return bl>>8 > 200 && r>>8 < 60 && g>>8 < 60
		}
		if !blueAt(172, 650) || blueAt(400, 300) || blueAt(30, 800) {
			t.Fatal("the page does not show its blue box where it is drawn")
		}
	})
	t.Run("PDFOfPhotos", func(t *testing.T) {
		t.Parallel()
		e := setup(t, attach.Limits{})
		photo := accept(t, e, "a.jpg", withOrientation(makePhoto(t, photoSpec{w: 900, h: 600, quality: 85, seed: 6}), 8, binary.BigEndian))
		pdf, err := e.p.PhotosToPDF(e.ctx, "anh", []attach.File{photo})
		if err != nil {
			t.Fatal(err)
		}
		b, typ, err := e.p.Thumbnail(e.ctx, pdf)
		if err != nil {
			t.Fatal(err)
		}
		if img := decodeThumb(t, b, typ); redQuadrant(img) != "BL" {
			t.Fatalf("marker at %q, want BL", redQuadrant(img))
		}
	})
	t.Run("PDFsAtOnce", func(t *testing.T) {
		t.Parallel()
		e := setup(t, attach.Limits{})
		f := accept(t, e, "don.pdf", makePDF(3))
		var wg sync.WaitGroup
		errs := make([]error, 6)
		for i := range errs {
			wg.Go(func() { _, _, errs[i] = e.p.Thumbnail(e.ctx, f) })
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("Timing", func(t *testing.T) {
		t.Parallel()
		e := setup(t, attach.Limits{})
		f := accept(t, e, "don.pdf", makePDF(1))
		if _, _, err := e.p.Thumbnail(e.ctx, f); err != nil { // the renderer is up from here
			t.Fatal(err)
		}
		const n = 5
		start := time.Now()
		for range n {
			if _, _, err := e.p.Thumbnail(e.ctx, f); err != nil {
				t.Fatal(err)
			}
		}
		t.Logf("PDF thumbnail: %v each", time.Since(start)/n)
	})
}

func TestThumbnailNoPreview(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		file func(t *testing.T, e env) attach.File
	}{
		{"BrokenPDF", func(t *testing.T, e env) attach.File {
			return putRaw(t, e, "hong.pdf", attach.TypePDF, []byte("%PDF-1.7\nnot a pdf at all\n%%EOF\n"))
		}},
		{"NotAPDFInside", func(t *testing.T, e env) attach.File {
			return putRaw(t, e, "x.pdf", attach.TypePDF, []byte("hello"))
		}},
		{"BrokenJPEG", func(t *testing.T, e env) attach.File {
			return putRaw(t, e, "x.jpg", attach.TypeJPEG, []byte("\xff\xd8\xff\xdb junk"))
		}},
		{"OtherType", func(t *testing.T, e env) attach.File {
			return putRaw(t, e, "x.txt", "text/plain", []byte("hello"))
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			e := setup(t, attach.Limits{})
			if _, _, err := e.p.Thumbnail(e.ctx, c.file(t, e)); !errors.Is(err, attach.ErrNoPreview) {
				t.Fatalf("want ErrNoPreview, got %v", err)
			}
		})
	}
	t.Run("MissingBlob", func(t *testing.T) {
		t.Parallel()
		e := setup(t, attach.Limits{})
		_, _, err := e.p.Thumbnail(e.ctx, attach.File{Name: "mat.pdf", ContentType: attach.TypePDF, Hash: strings.Repeat("cd", 32)})
		if ae := apperr.As(err); ae.Key != attach.KeyMissing || ae.Code != apperr.NotFound || !strings.Contains(ae.VI, "«mat.pdf»") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("Cancelled", func(t *testing.T) {
		t.Parallel()
		e := setup(t, attach.Limits{})
		f := accept(t, e, "don.pdf", makePDF(1))
		ctx, cancel := context.WithCancel(e.ctx)
		cancel()
		if _, _, err := e.p.Thumbnail(ctx, f); !errors.Is(err, context.Canceled) {
			t.Fatalf("got %v", err)
		}
	})
}
