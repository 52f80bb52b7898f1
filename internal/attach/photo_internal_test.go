package attach

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"slices"
	"testing"

	"github.com/disintegration/imaging"
	"github.com/gen2brain/heic"
)

func testHEIC(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/photo.heic")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// box is an ISO BMFF box of the given type around body.
func box(typ string, body []byte) []byte {
	b := binary.BigEndian.AppendUint32(nil, uint32(8+len(body)))
	return append(append(b, typ...), body...)
}

func TestIsHEIC(t *testing.T) {
	t.Parallel()
	ftyp := func(major string, compatible ...string) []byte {
		body := append([]byte(major), 0, 0, 0, 0)
		for _, c := range compatible {
			body = append(body, c...)
		}
		return append(box("ftyp", body), make([]byte, 64)...)
	}
	cases := []struct {
		name string
		head []byte
		want bool
	}{
		{"IPhone", ftyp("heic", "mif1", "heic"), true},
		{"HEIX", ftyp("heix", "mif1"), true},
		{"GenericMajorHEICCompatible", ftyp("mif1", "heic"), true},
		{"Sequence", ftyp("msf1", "hevc"), true},
		{"GenericOnly", ftyp("mif1"), true},
		{"AVIF", ftyp("avif", "mif1", "miaf"), false},
		{"AVIFUnderGenericBrand", ftyp("mif1", "avif"), false},
		{"MP4", ftyp("isom", "mp41"), false},
		{"QuickTime", ftyp("qt  "), false},
		{"NotFirstBox", append(box("free", nil), ftyp("heic")...), false},
		{"ShortHead", ftyp("heic")[:12], false},
		{"OddBoxSize", append([]byte{0, 0, 0, 17}, ftyp("heic")[4:]...), false},
		{"JPEG", []byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00"), false},
		{"TheTestPhoto", testHEIC(t)[:512], true},
	}
	for _, c := range cases {
		if got := isHEIC(c.head); got != c.want {
			t.Errorf("%s: isHEIC = %v", c.name, got)
		}
	}
	if got := sniff(testHEIC(t)[:512]); got != TypeHEIC {
		t.Errorf("sniff = %q", got)
	}
}

// withIrot returns a copy of the test photo turned by angle × 90°
// anticlockwise: its pixi property (pixel depths, which decoders do not
// need) becomes an irot property of the same 16 bytes, so no offset in
// the file moves, and the primary image, which is associated with that
// property, gets turned.
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

// TestHEICIrotIsApplied proves libheif turns the image by its irot
// property, and that the Exif Orientation 6 of the test photo is not
// applied on top: HEIF makes irot and imir the transformation, Exif's
// only informative (iPhones write both, agreeing), so applying the Exif
// tag as for a JPEG would turn iPhone photos twice.
func TestHEICIrotIsApplied(t *testing.T) {
	t.Parallel()
	orig := testHEIC(t)
	a, err := heicDecode(bytes.NewReader(orig))
	if err != nil {
		t.Fatal(err)
	}
	if a.Bounds().Size() != image.Pt(640, 480) {
		t.Fatalf("the photo decodes as %v: its Exif orientation was applied", a.Bounds().Size())
	}
	b, err := heicDecode(bytes.NewReader(withIrot(t, orig, 1)))
	if err != nil {
		t.Fatal(err)
	}
	if d := meanDiff(imaging.Rotate90(a), b); d > 2 {
		t.Fatalf("the irot-turned photo differs from the original turned by %.1f a channel", d)
	}
	cfg, err := heicConfig(bytes.NewReader(withIrot(t, orig, 1)), int64(len(orig)))
	if err != nil || cfg.Width != 480 || cfg.Height != 640 {
		t.Fatalf("the size of the turned photo reads as %+v, %v", cfg, err)
	}
}

func meanDiff(a *image.NRGBA, b image.Image) float64 {
	if a.Bounds().Size() != b.Bounds().Size() {
		return 255
	}
	var sum, n float64
	for y := 0; y < a.Bounds().Dy(); y += 3 {
		for x := 0; x < a.Bounds().Dx(); x += 3 {
			c1 := a.NRGBAAt(x, y)
			c2 := color.NRGBAModel.Convert(b.At(b.Bounds().Min.X+x, b.Bounds().Min.Y+y)).(color.NRGBA)
			for _, d := range []int{int(c1.R) - int(c2.R), int(c1.G) - int(c2.G), int(c1.B) - int(c2.B)} {
				sum += float64(max(d, -d))
				n++
			}
		}
	}
	return sum / n
}

// TestHEICHeaderWhereverMetaIs: a file whose meta box is past the first 32
// KB (behind a large box) still has its size read without decoding.
func TestHEICHeaderWhereverMetaIs(t *testing.T) {
	t.Parallel()
	orig := testHEIC(t)
	ftypLen := int(binary.BigEndian.Uint32(orig))
	free := box("free", make([]byte, 40<<10))
	// The same padding as a box with a 64-bit size.
	large := append(binary.BigEndian.AppendUint32(nil, 1), "skip"...)
	large = binary.BigEndian.AppendUint64(large, 16+40<<10)
	large = append(large, make([]byte, 40<<10)...)
	for name, pad := range map[string][]byte{"Free": free, "LargeSize": large} {
		file := slices.Concat(orig[:ftypLen], pad, orig[ftypLen:])
		cfg, err := heicConfig(bytes.NewReader(file), int64(len(file)))
		if err != nil || cfg.Width != 640 || cfg.Height != 480 {
			t.Fatalf("%s: %+v %v", name, cfg, err)
		}
		if _, err := heic.DecodeConfig(bytes.NewReader(file)); err == nil {
			t.Logf("%s: the decoder's own header read found it too", name)
		}
	}
}

// FuzzHEIC feeds arbitrary bytes to the HEIC detection and header
// parsing: never a panic, and a header found is ftyp then meta within the
// bound the decoder reads.
func FuzzHEIC(f *testing.F) {
	orig := testHEIC(f)
	ft := int(binary.BigEndian.Uint32(orig)) // the ftyp box
	f.Add(orig[:2048])
	f.Add(orig[:ft])
	f.Add(slices.Concat(orig[:ft], box("free", make([]byte, 100)), orig[ft:1200]))
	f.Add(slices.Concat(orig[:ft], []byte{0, 0, 0, 1, 'm', 'd', 'a', 't', 0, 0, 0, 0, 0, 0, 0, 20}, make([]byte, 4), orig[ft:1200]))
	f.Add(slices.Concat(orig[:ft], []byte{0, 0, 0, 0, 'm', 'e', 't', 'a'}))
	f.Add([]byte("\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf"))
	f.Add([]byte("\x00\x00\x00\x10ftypheic\x00\x00\x00\x00\xff\xff\xff\xffmeta"))
	f.Fuzz(func(t *testing.T, data []byte) {
		head := data[:min(len(data), 512)]
		is := isHEIC(head)
		if is && sniff(head) != TypeHEIC {
			t.Fatal("isHEIC but sniffed otherwise")
		}
		h, err := heicHeader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return
		}
		if len(h) > heicHeaderMax || string(h[4:8]) != "ftyp" || !bytes.Contains(h, []byte("meta")) {
			t.Fatalf("bad header of %d bytes", len(h))
		}
		// The decoder itself (libheif in WebAssembly) is left out: each
		// call instantiates its module, which would slow the fuzzing of
		// this parser a thousandfold; FuzzAccept sends it whole files.
	})
}

// exifJPEG is a small JPEG with an Exif APP1 carrying orientation o
// (after an XMP APP1 if xmpFirst, which must be skipped).
func exifJPEG(t testing.TB, o uint16, order binary.AppendByteOrder, xmpFirst bool) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, image.NewGray(image.Rect(0, 0, 8, 8)), nil); err != nil {
		t.Fatal(err)
	}
	tiff := []byte("MM")
	if order == binary.LittleEndian {
		tiff = []byte("II")
	}
	tiff = order.AppendUint16(tiff, 42)
	tiff = order.AppendUint32(tiff, 8)
	tiff = order.AppendUint16(tiff, 2)
	for _, e := range [][3]uint32{{0x010f, 2, 4}, {0x0112, 3, 1}} { // Make, then Orientation
		tiff = order.AppendUint16(tiff, uint16(e[0]))
		tiff = order.AppendUint16(tiff, uint16(e[1]))
		tiff = order.AppendUint32(tiff, e[2])
		if e[0] == 0x0112 {
			tiff = order.AppendUint16(tiff, o)
			tiff = order.AppendUint16(tiff, 0)
		} else {
			tiff = append(tiff, "Cam\x00"...)
		}
	}
	tiff = order.AppendUint32(tiff, 0)
	seg := func(marker byte, body []byte) []byte {
		return append([]byte{0xff, marker, byte((len(body) + 2) >> 8), byte(len(body) + 2)}, body...)
	}
	var app []byte
	if xmpFirst {
		app = seg(0xe1, []byte("http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta/>"))
	}
	app = append(app, seg(0xe1, append([]byte("Exif\x00\x00"), tiff...))...)
	return slices.Concat(b.Bytes()[:2], seg(0xe0, []byte("JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")), app, b.Bytes()[2:])
}

func TestJPEGOrientation(t *testing.T) {
	t.Parallel()
	for o := uint16(1); o <= 8; o++ {
		for _, order := range []binary.AppendByteOrder{binary.BigEndian, binary.LittleEndian} {
			for _, xmp := range []bool{false, true} {
				if got := jpegOrientation(bytes.NewReader(exifJPEG(t, o, order, xmp))); got != int(o) {
					t.Errorf("orientation %d (%v, XMP first %v): read %d", o, order, xmp, got)
				}
			}
		}
	}
	plain := exifJPEG(t, 6, binary.BigEndian, false)
	for name, b := range map[string][]byte{
		"OutOfRange":  exifJPEG(t, 9, binary.BigEndian, false),
		"Zero":        exifJPEG(t, 0, binary.LittleEndian, false),
		"NoExif":      slices.Concat(plain[:2], plain[bytes.Index(plain, []byte{0xff, 0xdb}):]),
		"NotAJPEG":    []byte("\x89PNG\r\n\x1a\n"),
		"CutInTheIFD": plain[:60],
		"Empty":       nil,
	} {
		if got := jpegOrientation(bytes.NewReader(b)); got != 1 {
			t.Errorf("%s: read %d, want 1", name, got)
		}
	}
}

// FuzzJPEGOrientation: any bytes give an orientation from 1 to 8 and no
// panic; the seeds are real Exif layouts and broken ones.
func FuzzJPEGOrientation(f *testing.F) {
	for o := uint16(1); o <= 8; o++ {
		f.Add(exifJPEG(f, o, binary.BigEndian, o%2 == 0))
		f.Add(exifJPEG(f, o, binary.LittleEndian, o%3 == 0))
	}
	plain := exifJPEG(f, 6, binary.LittleEndian, false)
	f.Add(plain[:64])
	f.Add([]byte("\xff\xd8\xff\xe1\x00\x01"))
	f.Add([]byte("\xff\xd8\xff\xff\xff\xe1\x00\x10Exif\x00\x00II*\x00\xff\xff\xff\xff"))
	f.Add([]byte("\xff\xd8\xff\xda\x00\x02"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if o := jpegOrientation(bytes.NewReader(data)); o < 1 || o > 8 {
			t.Fatalf("orientation %d", o)
		}
		if len(data) > 6 {
			if o := tiffOrientation(data[6:]); o < 0 || o > 8 {
				t.Fatalf("tiff orientation %d", o)
			}
		}
	})
}

func TestOnWhite(t *testing.T) {
	t.Parallel()
	img := image.NewNRGBA(image.Rect(0, 0, 3, 1))
	img.SetNRGBA(0, 0, color.NRGBA{0, 0, 0, 0})       // transparent: white
	img.SetNRGBA(1, 0, color.NRGBA{0, 0, 0, 128})     // half black: grey
	img.SetNRGBA(2, 0, color.NRGBA{200, 10, 20, 255}) // opaque: as it is
	got := onWhite(img)
	want := []uint8{255, 255, 255, 255, 127, 127, 127, 255, 200, 10, 20, 255}
	if !bytes.Equal(got.Pix, want) {
		t.Fatalf("got %v", got.Pix)
	}
}
