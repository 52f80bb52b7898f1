package attach

import (
	"context"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"net/http"
)

func accepted(typ string) bool {
	_, ok := extensions[typ]
	return ok
}

// sniff tells a file's type from its first bytes (up to 512).
func sniff(head []byte) string {
	if isHEIC(head) {
		return TypeHEIC
	}
	return http.DetectContentType(head)
}

// IsImage reports whether a content type is one of the photos the
// pipeline accepts (JPEG, PNG, HEIC): what PhotosToPDF takes.
func IsImage(typ string) bool {
	return typ == TypeJPEG || typ == TypePNG || typ == TypeHEIC
}

// detectType sets ContentType from the first bytes of the content (the
// WHATWG sniffing rules, as http.DetectContentType applies them, plus HEIC,
// which they do not know). The name's extension and the client's
// Content-Type header are never consulted: both are whatever the client
// says.
func detectType(_ context.Context, in *Upload) error {
	head := make([]byte, 512)
	n, err := in.File.ReadAt(head, 0)
	if err != nil && err != io.EOF {
		return fmt.Errorf("attach: read head: %w", err)
	}
	typ := sniff(head[:n])
	if !accepted(typ) {
		return errType(in.Name)
	}
	in.ContentType = typ
	return nil
}

// imageStage proves a JPEG, PNG or HEIC image decodes. The header is read
// first and the pixel count checked, because the decoder allocates width ×
// height pixels up front whatever the file size. The full decode then
// costs at most MaxPixels × 8 bytes (16-bit RGBA), about 400 MB at the
// default limit; HEIC more, one image at a time (see heicSlot).
type imageStage struct{}

func (imageStage) Check(_ context.Context, in *Upload) error {
	if !IsImage(in.ContentType) {
		return nil
	}
	cfg, err := probeImage(in.Name, in.ContentType, in.File, in.Size, in.Limits.MaxPixels)
	if err != nil {
		return err
	}
	if _, err := decodeImage(in.ContentType, in.Reader()); err != nil {
		return errImageBroken(in.Name, err)
	}
	in.Pages, in.Width, in.Height = 1, cfg.Width, cfg.Height
	return nil
}

// probeImage reads the header of an image of type typ and checks its size
// against the pixel limit, without decoding it. Refusals name the file.
func probeImage(name, typ string, r io.ReaderAt, size int64, maxPixels int) (image.Config, error) {
	var (
		cfg image.Config
		err error
	)
	// The format's own decoder, not image.DecodeConfig: that one would pick
	// any format some imported package registered (pdfcpu registers TIFF,
	// WebP).
	switch typ {
	case TypeJPEG:
		cfg, err = jpeg.DecodeConfig(io.NewSectionReader(r, 0, size))
	case TypePNG:
		cfg, err = png.DecodeConfig(io.NewSectionReader(r, 0, size))
	case TypeHEIC:
		cfg, err = heicConfig(r, size)
	default:
		return image.Config{}, fmt.Errorf("attach: %s is not an image type", typ)
	}
	if err != nil {
		return image.Config{}, errImageBroken(name, err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return image.Config{}, errImageBroken(name, fmt.Errorf("attach: image is %d×%d", cfg.Width, cfg.Height))
	}
	if int64(cfg.Width)*int64(cfg.Height) > int64(maxPixels) {
		return image.Config{}, errImageTooBig(name, cfg.Width, cfg.Height, maxPixels)
	}
	return cfg, nil
}

// decodeImage decodes a whole image of type typ whose header probeImage
// accepted. A HEIC image comes out upright; a JPEG as stored (see
// jpegOrientation).
func decodeImage(typ string, r io.Reader) (image.Image, error) {
	switch typ {
	case TypeJPEG:
		return jpeg.Decode(r)
	case TypePNG:
		return png.Decode(r)
	case TypeHEIC:
		return heicDecode(r)
	}
	return nil, fmt.Errorf("attach: %s is not an image type", typ)
}
