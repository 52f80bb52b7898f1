package attach

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"io"
	"slices"

	"github.com/gen2brain/heic"
)

// HEIC is what iPhones (and many Android phones) save photos as. It is
// decoded by github.com/gen2brain/heic: libheif and libde265 compiled to
// WebAssembly and run by wazero, so no cgo, and the C decoder runs in a
// sandbox: a malformed file cannot reach memory outside it. The first use
// in a process compiles the module (about 0.4 s; 4 s under the race
// detector); a 12 MP photo then decodes in about 1.5 s on one core, eight
// times a JPEG's time. The decoder cannot be interrupted and allocates as
// it likes (see heicSlot), so the pixel limit is checked first, as for
// JPEG and PNG.
//
// That package also looks for a system libheif.so through purego when the
// binary is dynamically linked, and linking purego makes a CGO_ENABLED=0
// binary dynamically linked. Build with -tags nodynamic to keep egov a
// static binary that always uses the sandboxed decoder.
//
// libheif applies the HEIF transformations (irot, imir) itself, so the
// image comes out upright. The Exif Orientation that phones also write
// into HEIC describes the same turn and must not be applied again.

// heicBrands are ftyp brands of HEIF files whose images are HEVC coded
// (heic, heix and their variants; hevc and its variants for sequences),
// and the generic HEIF brands phones put beside them (mif1, msf1).
var heicBrands = []string{"heic", "heix", "heim", "heis", "hevc", "hevx", "hevm", "hevs", "mif1", "msf1"}

// otherHEIFBrands mark HEIF files coded with something libde265 cannot
// decode (AV1 for AVIF): those are refused by type, not as broken.
var otherHEIFBrands = []string{"avif", "avis", "avio"}

// isHEIC tells by content whether head (the first bytes of a file) starts
// a HEIC image: an ISO base media file whose first box is an ftyp box with
// a HEIC brand, major or compatible. http.DetectContentType does not
// know the format.
func isHEIC(head []byte) bool {
	if len(head) < 16 || string(head[4:8]) != "ftyp" {
		return false
	}
	size := int(binary.BigEndian.Uint32(head))
	if size < 16 || size%4 != 0 {
		return false
	}
	// Major brand (8:12), minor version (12:16), compatible brands; only
	// the part of the box that head holds is looked at.
	brands := [][]byte{head[8:12]}
	for i := 16; i+4 <= min(size, len(head)); i += 4 {
		brands = append(brands, head[i:i+4])
	}
	heic := false
	for _, b := range brands {
		if slices.Contains(otherHEIFBrands, string(b)) {
			return false
		}
		heic = heic || slices.Contains(heicBrands, string(b))
	}
	return heic
}

// heicHeaderMax bounds the header passed to the decoder for the size:
// gen2brain/heic reads at most 32 KB for it.
const heicHeaderMax = 32 << 10

// heicMaxBoxes bounds the top-level boxes looked through for the meta box
// (phones write three or four), so a file of a million empty boxes costs
// no more than a real one.
const heicMaxBoxes = 64

// heicHeader returns the ftyp and meta boxes of a HEIC file, which is all
// the decoder needs to tell the image's size. The decoder's own header
// read takes the first 32 KB of the file, which misses the meta box of a
// file that stores the image data (mdat) first; this finds it wherever it
// is, reading only box headers.
func heicHeader(r io.ReaderAt, size int64) ([]byte, error) {
	var ftyp, meta []byte
	var hdr [16]byte
	for off, boxes := int64(0), 0; off+8 <= size && meta == nil; boxes++ {
		if boxes == heicMaxBoxes {
			return nil, errors.New("attach: no heic meta box among the first boxes")
		}
		if _, err := r.ReadAt(hdr[:8], off); err != nil {
			return nil, fmt.Errorf("attach: heic box at %d: %w", off, err)
		}
		n, typ := int64(binary.BigEndian.Uint32(hdr[:4])), string(hdr[4:8])
		switch n {
		case 0: // to the end of the file
			n = size - off
		case 1: // 64-bit size follows the type
			if _, err := r.ReadAt(hdr[8:16], off+8); err != nil {
				return nil, fmt.Errorf("attach: heic box at %d: %w", off, err)
			}
			n = int64(binary.BigEndian.Uint64(hdr[8:16]))
			if n < 16 {
				return nil, fmt.Errorf("attach: heic box %q at %d has size %d", typ, off, n)
			}
		}
		if n < 8 || n > size-off {
			return nil, fmt.Errorf("attach: heic box %q at %d has size %d", typ, off, n)
		}
		if off == 0 && typ != "ftyp" {
			return nil, errors.New("attach: heic file does not start with ftyp")
		}
		if typ == "ftyp" || typ == "meta" {
			if int64(len(ftyp))+n > heicHeaderMax {
				return nil, fmt.Errorf("attach: heic %s box of %d bytes", typ, n)
			}
			box := make([]byte, n)
			if _, err := r.ReadAt(box, off); err != nil {
				return nil, fmt.Errorf("attach: heic %s box: %w", typ, err)
			}
			if typ == "ftyp" {
				ftyp = box
			} else {
				meta = box
			}
		}
		off += n
	}
	if meta == nil {
		return nil, errors.New("attach: heic file has no meta box")
	}
	return append(ftyp, meta...), nil
}

// heicConfig reads a HEIC image's size (after its rotation) without
// decoding it.
func heicConfig(r io.ReaderAt, size int64) (cfg image.Config, err error) {
	h, err := heicHeader(r, size)
	if err != nil {
		return image.Config{}, err
	}
	defer recoverDecoder(&err)
	return heic.DecodeConfig(bytes.NewReader(h))
}

// heicSlot lets one HEIC image decode at a time in the process. The
// decoder works in its own WebAssembly memory, which the decoded image
// keeps alive: about 20 bytes a pixel, 240 MB for a 12 MP photo, near 1 GB
// for a 48 MP one, where a JPEG takes 1.5 bytes a pixel.
var heicSlot = make(chan struct{}, 1)

// heicDecode decodes a whole HEIC image, upright.
func heicDecode(r io.Reader) (img image.Image, err error) {
	heicSlot <- struct{}{}
	defer func() { <-heicSlot }()
	defer recoverDecoder(&err)
	return heic.Decode(r)
}

// recoverDecoder turns a panic of a decoder into an error: a broken file
// must never bring the server down.
func recoverDecoder(err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("attach: decoder panicked: %v", r)
	}
}
