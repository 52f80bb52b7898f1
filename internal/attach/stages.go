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

// detectType sets ContentType from the first bytes of the content (the
// WHATWG sniffing rules, as http.DetectContentType applies them). The name's
// extension and the client's Content-Type header are never consulted: both
// are whatever the client says.
func detectType(_ context.Context, in *Upload) error {
	head := make([]byte, 512)
	n, err := in.File.ReadAt(head, 0)
	if err != nil && err != io.EOF {
		return fmt.Errorf("attach: read head: %w", err)
	}
	typ := http.DetectContentType(head[:n])
	if !accepted(typ) {
		return errType(in.Name)
	}
	in.ContentType = typ
	return nil
}

// imageStage proves a JPEG or PNG decodes. The header is read first and the
// pixel count checked, because the decoder allocates width × height pixels
// up front whatever the file size. The full decode then costs at most
// MaxPixels × 8 bytes (16-bit RGBA), about 400 MB at the default limit.
type imageStage struct{}

func (imageStage) Check(_ context.Context, in *Upload) error {
	var (
		decodeConfig func(io.Reader) (image.Config, error)
		decode       func(io.Reader) (image.Image, error)
	)
	// The format's own decoder, not image.Decode: that one would pick any
	// format some imported package registered (pdfcpu registers TIFF, WebP).
	switch in.ContentType {
	case TypeJPEG:
		decodeConfig, decode = jpeg.DecodeConfig, jpeg.Decode
	case TypePNG:
		decodeConfig, decode = png.DecodeConfig, png.Decode
	default:
		return nil
	}
	cfg, err := decodeConfig(in.Reader())
	if err != nil {
		return errImageBroken(in.Name, err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return errImageBroken(in.Name, fmt.Errorf("attach: image is %d×%d", cfg.Width, cfg.Height))
	}
	if int64(cfg.Width)*int64(cfg.Height) > int64(in.Limits.MaxPixels) {
		return errImageTooBig(in.Name, cfg.Width, cfg.Height, in.Limits.MaxPixels)
	}
	if _, err := decode(in.Reader()); err != nil {
		return errImageBroken(in.Name, err)
	}
	in.Pages, in.Width, in.Height = 1, cfg.Width, cfg.Height
	return nil
}
