package attach

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"image"
	"io"

	"github.com/disintegration/imaging"
)

// exifScanLimit is how far into a JPEG the Exif segment is looked for.
// It comes before the image data, after at most a few other segments of
// 64 KB (ICC profiles, Adobe and MPF data).
const exifScanLimit = 1 << 20

// jpegOrientation returns the Exif Orientation (1 to 8) of a JPEG, 1 when
// it has none or the tag cannot be read: an unreadable tag leaves the
// photo as the camera stored it rather than refusing it.
//
// It is written here rather than taken from a library: imaging reads the
// tag only to rotate the full-size picture while decoding (a second
// full-size copy, four bytes a pixel, before it is scaled down), and
// go-exif/v3 brings half a dozen modules for one 16-bit value.
func jpegOrientation(r io.Reader) int {
	br := bufio.NewReader(io.LimitReader(r, exifScanLimit))
	var soi [2]byte
	if _, err := io.ReadFull(br, soi[:]); err != nil || soi != [2]byte{0xff, 0xd8} {
		return 1
	}
	for {
		b, err := br.ReadByte()
		if err != nil || b != 0xff {
			return 1
		}
		m, err := br.ReadByte()
		for err == nil && m == 0xff { // fill bytes
			m, err = br.ReadByte()
		}
		switch {
		case err != nil:
			return 1
		case m == 0x01 || m >= 0xd0 && m <= 0xd8: // segments without a length
			continue
		case m == 0xd9 || m == 0xda: // end of image, start of scan: no Exif before the data
			return 1
		}
		var l [2]byte
		if _, err := io.ReadFull(br, l[:]); err != nil {
			return 1
		}
		n := int(binary.BigEndian.Uint16(l[:])) - 2
		if n < 0 {
			return 1
		}
		if m != 0xe1 {
			if _, err := br.Discard(n); err != nil {
				return 1
			}
			continue
		}
		seg := make([]byte, n)
		if _, err := io.ReadFull(br, seg); err != nil {
			return 1
		}
		// APP1 also carries XMP: only the Exif one counts, and if there
		// are several, the first with a valid tag.
		if tiff, ok := bytes.CutPrefix(seg, []byte("Exif\x00\x00")); ok {
			if o := tiffOrientation(tiff); o != 0 {
				return o
			}
		}
	}
}

// tiffOrientation reads tag 0x0112 of the first IFD of an Exif TIFF
// structure; 0 if it is missing or not a valid orientation.
func tiffOrientation(t []byte) int {
	if len(t) < 8 {
		return 0
	}
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 0
	}
	if bo.Uint16(t[2:]) != 42 {
		return 0
	}
	ifd := int64(bo.Uint32(t[4:]))
	if ifd < 8 || ifd+2 > int64(len(t)) {
		return 0
	}
	n := int64(bo.Uint16(t[ifd:]))
	for i := range n {
		e := ifd + 2 + 12*i
		if e+12 > int64(len(t)) {
			return 0
		}
		tag, typ, count := bo.Uint16(t[e:]), bo.Uint16(t[e+2:]), bo.Uint32(t[e+4:])
		if tag != 0x0112 {
			continue
		}
		if typ != 3 || count != 1 { // one SHORT, stored in the entry itself
			return 0
		}
		if o := int(bo.Uint16(t[e+8:])); o >= 1 && o <= 8 {
			return o
		}
		return 0
	}
	return 0
}

// orient turns a picture stored with Exif orientation o upright. Scaling
// and these turns commute, so photos are scaled down first and turned
// when small.
func orient(img *image.NRGBA, o int) *image.NRGBA {
	switch o {
	case 2:
		return imaging.FlipH(img)
	case 3:
		return imaging.Rotate180(img)
	case 4:
		return imaging.FlipV(img)
	case 5:
		return imaging.Transpose(img)
	case 6: // the camera was turned right: turn the picture a quarter clockwise
		return imaging.Rotate270(img)
	case 7:
		return imaging.Transverse(img)
	case 8:
		return imaging.Rotate90(img)
	}
	return img
}
