package attach_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"

	"egov/internal/apperr"
	"egov/internal/attach"
)

// ---- phone photos made in the test ----

// photoSpec describes a generated photo: a gradient with noise of the
// given amplitude, and a red marker in the stored top-left corner that
// tells after conversion where that corner went.
type photoSpec struct {
	w, h    int
	noise   int // 0: smooth; 24: about 4 MB at 4000 × 3000
	quality int
	seed    uint64
}

// makePhoto encodes the photo as a JPEG without Exif, as image/jpeg
// writes it.
func makePhoto(t testing.TB, s photoSpec) []byte {
	t.Helper()
	b, err := encodePhoto(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func encodePhoto(s photoSpec) ([]byte, error) {
	img := image.NewYCbCr(image.Rect(0, 0, s.w, s.h), image.YCbCrSubsampleRatio420)
	r := rand.New(rand.NewPCG(s.seed, 7))
	mw, mh := s.w/5, s.h/5 // the marker: a fifth of each side
	for y := range s.h {
		row := img.Y[y*img.YStride:]
		for x := range s.w {
			v := 60 + (x+y)*140/(s.w+s.h)
			if s.noise > 0 {
				v += r.IntN(2*s.noise+1) - s.noise
			}
			if x < mw && y < mh {
				v = 76 // red's luma
			}
			row[x] = uint8(min(255, max(0, v)))
		}
	}
	cw, ch := (s.w+1)/2, (s.h+1)/2
	for y := range ch {
		for x := range cw {
			i := y*img.CStride + x
			img.Cb[i], img.Cr[i] = uint8(100+x*50/cw), uint8(110-y*40/ch) // bluish grey: no red
			if 2*x < mw && 2*y < mh {
				img.Cb[i], img.Cr[i] = 85, 255
			}
		}
	}
	var b bytes.Buffer
	err := jpeg.Encode(&b, img, &jpeg.Options{Quality: s.quality})
	return b.Bytes(), err
}

// withOrientation puts an Exif APP1 segment carrying Orientation o right
// after the JPEG's SOI marker, as a phone camera does: a TIFF header in
// the given byte order and one IFD holding the one tag.
func withOrientation(jpg []byte, o uint16, order binary.ByteOrder) []byte {
	var tiff bytes.Buffer
	if order == binary.LittleEndian {
		tiff.WriteString("II")
	} else {
		tiff.WriteString("MM")
	}
	w := func(v any) { binary.Write(&tiff, order, v) }
	w(uint16(42))
	w(uint32(8)) // IFD0 right after the header
	w(uint16(1)) // one entry
	w(uint16(0x0112))
	w(uint16(3)) // SHORT
	w(uint32(1))
	w(o)
	w(uint16(0))
	w(uint32(0)) // no next IFD
	seg := append([]byte("Exif\x00\x00"), tiff.Bytes()...)
	out := slices.Clone(jpg[:2])
	out = append(out, 0xff, 0xe1, byte((len(seg)+2)>>8), byte(len(seg)+2))
	out = append(out, seg...)
	return append(out, jpg[2:]...)
}

// phoneSize is the size of the phone photos of the tests: a 12 MP
// camera's 4000 × 3000, about 4 MB each; under the race detector, which
// makes decoding and scaling twenty times slower, a smaller photo that is
// still scaled down.
var phoneSize = func() image.Point {
	if raceDetector {
		return image.Pt(2400, 1800)
	}
	return image.Pt(4000, 3000)
}()

// phonePhotos returns n (at most 5) different phone photos, each made
// once per test binary.
func phonePhotos(n int) [][]byte {
	out := make([][]byte, n)
	for i := range out {
		out[i] = phonePhoto[i]()
	}
	return out
}

var phonePhoto = func() (f [5]func() []byte) {
	for i := range f {
		f[i] = sync.OnceValue(func() []byte {
			b, err := encodePhoto(photoSpec{w: phoneSize.X, h: phoneSize.Y, noise: 24, quality: 85, seed: uint64(i + 1)})
			if err != nil {
				panic(err)
			}
			return b
		})
	}
	return f
}()

// ---- reading the PDF back ----

// redQuadrant tells in which quarter of img the red marker lies ("TL",
// "TR", "BL", "BR"), from the centre of its red pixels; "" if none.
func redQuadrant(img image.Image) string {
	b := img.Bounds()
	var sx, sy, n int
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r>>8 > 180 && g>>8 < 90 && bl>>8 < 90 {
				sx, sy, n = sx+x-b.Min.X, sy+y-b.Min.Y, n+1
			}
		}
	}
	if n < b.Dx()*b.Dy()/400 { // the marker is 1/25 of the photo
		return ""
	}
	q := "T"
	if sy/n > b.Dy()/2 {
		q = "B"
	}
	if sx/n > b.Dx()/2 {
		return q + "R"
	}
	return q + "L"
}

// pdfImages returns the image of each page of pdf, decoded from the JPEG
// stream pdfcpu finds there; it fails the test if a page has no JPEG.
func pdfImages(t testing.TB, pdf []byte) []image.Image {
	t.Helper()
	pages, err := api.ExtractImagesRaw(bytes.NewReader(pdf), nil, pdfConf())
	if err != nil {
		t.Fatal(err)
	}
	var out []image.Image
	for i, m := range pages {
		if len(m) != 1 {
			t.Fatalf("page %d has %d images", i+1, len(m))
		}
		for _, im := range m {
			if im.FileType != "jpg" {
				t.Fatalf("page %d: image of type %s, want an embedded JPEG", i+1, im.FileType)
			}
			img, err := jpeg.Decode(im)
			if err != nil {
				t.Fatalf("page %d: %v", i+1, err)
			}
			out = append(out, img)
		}
	}
	return out
}

func stored(t testing.TB, e env, f attach.File) []byte {
	t.Helper()
	r, err := e.store.Open(e.ctx, f.Hash)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func accept(t testing.TB, e env, name string, body []byte) attach.File {
	t.Helper()
	f, err := e.p.Accept(e.ctx, name, bytes.NewReader(body))
	if err != nil {
		t.Fatalf("accept %s: %v", name, err)
	}
	return f
}

// poppler checks pdf with poppler's pdfinfo (page count, page sizes) and
// returns page 1 rendered by pdftoppm; it skips when poppler-utils is not
// installed.
func poppler(t *testing.T, pdf []byte, pages int) image.Image {
	t.Helper()
	for _, tool := range []string{"pdfinfo", "pdftoppm"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed (poppler-utils): %v", tool, err)
		}
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "in.pdf")
	if err := os.WriteFile(file, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdfinfo", file).CombinedOutput()
	if err != nil {
		t.Fatalf("pdfinfo: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)$`).FindSubmatch(out)
	if m == nil || string(m[1]) != strconv.Itoa(pages) {
		t.Fatalf("pdfinfo does not count %d pages:\n%s", pages, out)
	}
	if strings.Contains(strings.ToLower(string(out)), "error") {
		t.Fatalf("pdfinfo reports errors:\n%s", out)
	}
	cmd := exec.Command("pdftoppm", "-r", "30", "-f", "1", "-l", "1", "-png", file, filepath.Join(dir, "p"))
	if out, err := cmd.CombinedOutput(); err != nil || len(out) != 0 {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	matches, _ := filepath.Glob(filepath.Join(dir, "p-*.png"))
	if len(matches) != 1 {
		t.Fatalf("pdftoppm wrote %v", matches)
	}
	f, err := os.Open(matches[0])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// ---- tests ----

func TestPhotosToPDF(t *testing.T) {
	t.Parallel()
	t.Run("EveryOrientationUpright", func(t *testing.T) {
		t.Parallel()
		// Where the stored top-left corner must be seen, and whether the
		// picture turns a quarter (Exif 2.3, tag 0x0112).
		want := map[uint16]struct {
			corner string
			turned bool
		}{
			1: {"TL", false}, 2: {"TR", false}, 3: {"BR", false}, 4: {"BL", false},
			5: {"TL", true}, 6: {"TR", true}, 7: {"BR", true}, 8: {"BL", true},
		}
		e := setup(t, attach.Limits{})
		base := makePhoto(t, photoSpec{w: 600, h: 400, quality: 90, seed: 1})
		var photos []attach.File
		for o := uint16(1); o <= 8; o++ {
			order := binary.ByteOrder(binary.BigEndian)
			if o%2 == 0 {
				order = binary.LittleEndian // both byte orders phones use
			}
			photos = append(photos, accept(t, e, fmt.Sprintf("IMG_%d.jpg", o), withOrientation(base, o, order)))
		}
		got, err := e.p.PhotosToPDF(e.ctx, "Sổ hộ khẩu", photos)
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != "Sổ hộ khẩu.pdf" || got.ContentType != attach.TypePDF || got.Pages != 8 {
			t.Fatalf("got %+v", got)
		}
		pdf := stored(t, e, got)
		dims, err := api.PageDims(bytes.NewReader(pdf), pdfConf())
		if err != nil {
			t.Fatal(err)
		}
		for i, img := range pdfImages(t, pdf) {
			o := uint16(i + 1)
			w, h := 600, 400
			if want[o].turned {
				w, h = h, w
			}
			if b := img.Bounds(); b.Dx() != w || b.Dy() != h {
				t.Errorf("orientation %d: page image %v, want %d×%d", o, b.Size(), w, h)
			}
			if c := redQuadrant(img); c != want[o].corner {
				t.Errorf("orientation %d: marker at %q, want %q", o, c, want[o].corner)
			}
			// A4, turned the way the photo is.
			landscape := dims[i].Width > dims[i].Height
			if landscape == want[o].turned || min(dims[i].Width, dims[i].Height) != 595 || max(dims[i].Width, dims[i].Height) != 842 {
				t.Errorf("orientation %d: page %v", o, dims[i])
			}
		}
	})

	t.Run("PhonePhotosShrinkAndPrint", func(t *testing.T) {
		t.Parallel()
		e := setup(t, attach.Limits{})
		big := phonePhotos(2)
		// A photo taken with the phone turned right (Exif 6) and one held
		// upside down (Exif 3), both landscape as stored.
		in := [][]byte{withOrientation(big[0], 6, binary.BigEndian), withOrientation(big[1], 3, binary.LittleEndian)}
		var photos []attach.File
		var inSize int64
		for i, b := range in {
			f := accept(t, e, fmt.Sprintf("trang %d.jpg", i+1), b)
			photos = append(photos, f)
			inSize += f.Size
		}
		got, err := e.p.PhotosToPDF(e.ctx, "Giấy khai sinh", photos)
		if err != nil {
			t.Fatal(err)
		}
		if got.Pages != 2 || got.Size >= inSize/2 {
			t.Fatalf("%d pages, %d bytes from %d bytes of photos", got.Pages, got.Size, inSize)
		}
		t.Logf("2 photos of %.1f MB in all: PDF of %.1f MB", float64(inSize)/1e6, float64(got.Size)/1e6)
		pdf := stored(t, e, got)
		strict := pdfConf()
		strict.ValidationMode = model.ValidationStrict
		if err := api.Validate(bytes.NewReader(pdf), strict); err != nil {
			t.Fatalf("pdfcpu: %v", err)
		}
		imgs := pdfImages(t, pdf)
		short := attach.PhotoMaxEdge * 3 / 4
		if s := imgs[0].Bounds().Size(); s != image.Pt(short, attach.PhotoMaxEdge) || redQuadrant(imgs[0]) != "TR" {
			t.Fatalf("page 1: %v, marker %q", s, redQuadrant(imgs[0]))
		}
		if s := imgs[1].Bounds().Size(); s != image.Pt(attach.PhotoMaxEdge, short) || redQuadrant(imgs[1]) != "BR" {
			t.Fatalf("page 2: %v, marker %q", s, redQuadrant(imgs[1]))
		}
		// As poppler prints it: page 1 portrait A4 with the marker top right.
		page := poppler(t, pdf, 2)
		if b := page.Bounds(); b.Dx() >= b.Dy() || redQuadrant(page) != "TR" {
			t.Fatalf("poppler renders page 1 as %v with the marker at %q", b.Size(), redQuadrant(page))
		}
	})

	t.Run("PNGAndHEIC", func(t *testing.T) {
		t.Parallel()
		e := setup(t, attach.Limits{})
		photo := readTestdata(t, "photo.heic")
		heic := accept(t, e, "IMG_0001.HEIC", photo)
		turned := accept(t, e, "IMG_0002.HEIC", withIrot(t, photo, 1))
		png := accept(t, e, "so-do.png", makePNG(t, 300, 500))
		got, err := e.p.PhotosToPDF(e.ctx, "hồ sơ", []attach.File{heic, turned, png})
		if err != nil {
			t.Fatal(err)
		}
		imgs := pdfImages(t, stored(t, e, got))
		if got.Pages != 3 {
			t.Fatalf("%+v", got)
		}
		// The HEIC photo's Exif orientation (6) is not applied; its irot
		// (a quarter turn anticlockwise) is.
		for i, want := range []struct {
			size   image.Point
			corner string
		}{{image.Pt(640, 480), "TL"}, {image.Pt(480, 640), "BL"}, {image.Pt(300, 500), ""}} {
			if s, c := imgs[i].Bounds().Size(), redQuadrant(imgs[i]); s != want.size || c != want.corner {
				t.Errorf("page %d: %v with the marker at %q, want %v and %q", i+1, s, c, want.size, want.corner)
			}
		}
	})
}

// withIrot returns a copy of the HEIC test photo turned by angle × 90°
// anticlockwise: its 16-byte pixi property (pixel depths, which decoders
// do not need) becomes an irot property of the same size, so no offset in
// the file moves.
func withIrot(t testing.TB, heicFile []byte, angle byte) []byte {
	t.Helper()
	i := bytes.Index(heicFile, []byte("\x00\x00\x00\x10pixi"))
	if i < 0 {
		t.Fatal("the test photo has no 16-byte pixi box")
	}
	out := slices.Clone(heicFile)
	copy(out[i+4:i+16], append([]byte("irot"), angle, 0, 0, 0, 0, 0, 0, 0))
	return out
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestPhotosToPDFRefusals(t *testing.T) {
	t.Parallel()
	small := makePhoto(t, photoSpec{w: 320, h: 240, quality: 80, seed: 3})
	cases := []struct {
		name  string
		lim   attach.Limits
		files func(t *testing.T, e env) []attach.File
		key   string
		shown string // the file the messages must name
	}{
		{"NoPhotos", attach.Limits{}, func(*testing.T, env) []attach.File { return nil }, attach.KeyNoPhotos, "giay-to.pdf"},
		{"TooManyPhotos", attach.Limits{}, func(t *testing.T, e env) []attach.File {
			f := accept(t, e, "a.jpg", small)
			var fs []attach.File
			for i := range attach.MaxPhotosPerPDF + 3 {
				f.Name = fmt.Sprintf("anh-%02d.jpg", i+1)
				fs = append(fs, f)
			}
			return fs
		}, attach.KeyTooManyPhotos, "anh-21.jpg"},
		{"APDFInTheList", attach.Limits{}, func(t *testing.T, e env) []attach.File {
			return []attach.File{accept(t, e, "a.jpg", small), accept(t, e, "don.pdf", makePDF(1))}
		}, attach.KeyNotPhoto, "don.pdf"},
		{"ZeroBytePhoto", attach.Limits{}, func(t *testing.T, e env) []attach.File {
			return []attach.File{accept(t, e, "a.jpg", small), putRaw(t, e, "rong.jpg", attach.TypeJPEG, nil)}
		}, attach.KeyEmpty, "rong.jpg"},
		{"CorruptBlob", attach.Limits{}, func(t *testing.T, e env) []attach.File {
			junk := make([]byte, 5000)
			rand.NewChaCha8([32]byte{9}).Read(junk)
			return []attach.File{accept(t, e, "a.jpg", small), putRaw(t, e, "hong.jpg", attach.TypeJPEG, junk)}
		}, attach.KeyImageBroken, "hong.jpg"},
		{"JPEGThatStopsHalfWay", attach.Limits{}, func(t *testing.T, e env) []attach.File {
			// Its header reads, so it passes the first round of checks,
			// and fails while the PDF is being written.
			return []attach.File{accept(t, e, "a.jpg", small), putRaw(t, e, "cut.jpg", attach.TypeJPEG, small[:len(small)/2])}
		}, attach.KeyImageBroken, "cut.jpg"},
		{"BrokenHEIC", attach.Limits{}, func(t *testing.T, e env) []attach.File {
			h := readTestdata(t, "photo.heic")
			return []attach.File{putRaw(t, e, "IMG_2.HEIC", attach.TypeHEIC, h[:len(h)/3])}
		}, attach.KeyImageBroken, "IMG_2.HEIC"},
		{"MissingBlob", attach.Limits{}, func(t *testing.T, e env) []attach.File {
			return []attach.File{{Name: "mat.jpg", ContentType: attach.TypeJPEG, Hash: strings.Repeat("ab", 32)}}
		}, attach.KeyMissing, "mat.jpg"},
		{"OverThePixelLimit", attach.Limits{MaxPixels: 320*240 - 1}, func(t *testing.T, e env) []attach.File {
			return []attach.File{putRaw(t, e, "lon.jpg", attach.TypeJPEG, small)}
		}, attach.KeyImageTooBig, "lon.jpg"},
		{"PDFOverTheSizeLimit", attach.Limits{MaxBytes: 1 << 20}, func(t *testing.T, e env) []attach.File {
			var fs []attach.File
			for i := range 4 {
				fs = append(fs, accept(t, e, fmt.Sprintf("%d.jpg", i), makePhoto(t, photoSpec{w: 1200, h: 900, noise: 40, quality: 80, seed: uint64(10 + i)})))
			}
			return fs
		}, attach.KeyPhotosTooLarge, "giay-to.pdf"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			e := setup(t, c.lim)
			photos := c.files(t, e)
			before := files(t, e.storeDir)
			_, err := e.p.PhotosToPDF(e.ctx, "giay-to", photos)
			var ae *apperr.Error
			if !errors.As(err, &ae) || ae.Key != c.key {
				t.Fatalf("want key %s, got %v", c.key, err)
			}
			if !strings.Contains(ae.VI, "«"+c.shown+"»") || !strings.Contains(ae.EN, strconv.Quote(c.shown)) {
				t.Fatalf("messages do not name %q:\n%s\n%s", c.shown, ae.VI, ae.EN)
			}
			if after := files(t, e.storeDir); !slices.Equal(before, after) {
				t.Fatalf("the store changed: %v -> %v", before, after)
			}
			if left := files(t, e.spoolDir); len(left) != 0 {
				t.Fatalf("spool files left: %v", left)
			}
		})
	}
	t.Run("Cancelled", func(t *testing.T) {
		t.Parallel()
		e := setup(t, attach.Limits{})
		f := accept(t, e, "a.jpg", small)
		before := files(t, e.storeDir)
		ctx, cancel := context.WithCancel(e.ctx)
		cancel()
		if _, err := e.p.PhotosToPDF(ctx, "x", []attach.File{f}); !errors.Is(err, context.Canceled) {
			t.Fatalf("got %v", err)
		}
		if after := files(t, e.storeDir); !slices.Equal(before, after) {
			t.Fatalf("the store changed: %v -> %v", before, after)
		}
	})
}

// putRaw stores content as it is, bypassing the checks, as a damaged or
// foreign blob would be, and returns a File that claims typ.
func putRaw(t testing.TB, e env, name, typ string, content []byte) attach.File {
	t.Helper()
	ref, err := e.store.Put(e.ctx, bytes.NewReader(content), 0)
	if err != nil {
		t.Fatal(err)
	}
	return attach.File{Name: name, ContentType: typ, Size: ref.Size, Hash: ref.Hash, Pages: 1}
}

func TestPhotoUploads(t *testing.T) {
	t.Parallel()
	heic := readTestdata(t, "photo.heic")
	t.Run("HEICAccepted", func(t *testing.T) {
		t.Parallel()
		e := setup(t, attach.Limits{})
		got := accept(t, e, "IMG_0001", heic)
		want := attach.File{Name: "IMG_0001.heic", ContentType: "image/heic", Size: int64(len(heic)), Hash: got.Hash, Pages: 1, Width: 640, Height: 480}
		if got != want {
			t.Fatalf("got %+v\nwant %+v", got, want)
		}
	})
	t.Run("HEICKeepsItsExtension", func(t *testing.T) {
		t.Parallel()
		e := setup(t, attach.Limits{})
		if got := accept(t, e, "IMG_0001.HEIC", heic); got.Name != "IMG_0001.HEIC" {
			t.Fatalf("name %q", got.Name)
		}
	})
	refusals := []struct {
		name string
		lim  attach.Limits
		body []byte
		key  string
	}{
		{"HEICOverThePixelLimit", attach.Limits{MaxPixels: 640*480 - 1}, heic, attach.KeyImageTooBig},
		{"HEICCutShort", attach.Limits{}, heic[:len(heic)/2], attach.KeyImageBroken},
		{"HEICHeaderOnly", attach.Limits{}, heic[:1024], attach.KeyImageBroken},
		{"FtypHEICThenGarbage", attach.Limits{}, append(slices.Clone(heic[:28]), bytes.Repeat([]byte{0x5a}, 4000)...), attach.KeyImageBroken},
		{"AVIFIsNotHEIC", attach.Limits{}, append([]byte("\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf"), make([]byte, 100)...), attach.KeyType},
		{"EmptyPhoto", attach.Limits{}, nil, attach.KeyEmpty},
	}
	for _, c := range refusals {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			e := setup(t, c.lim)
			_, err := e.p.Accept(e.ctx, "IMG_9.HEIC", bytes.NewReader(c.body))
			var ae *apperr.Error
			if !errors.As(err, &ae) || ae.Key != c.key || !strings.Contains(ae.VI, "«IMG_9.HEIC»") || !strings.Contains(ae.EN, `"IMG_9.HEIC"`) {
				t.Fatalf("want %s naming the file, got %v", c.key, err)
			}
			e.assertNothingLeft(t)
		})
	}
	t.Run("FortyMegapixelJPEGPasses", func(t *testing.T) {
		t.Parallel()
		// 7296 × 5472, a 40 MP phone or camera photo, under the default
		// 50 MP limit and the default 20 MB.
		e := setup(t, attach.Limits{})
		jpg := makePhoto(t, photoSpec{w: 7296, h: 5472, quality: 75, seed: 4})
		got := accept(t, e, "40mp.jpg", jpg)
		if got.Width != 7296 || got.Height != 5472 || got.Size > attach.DefaultMaxBytes {
			t.Fatalf("got %+v", got)
		}
	})
}
