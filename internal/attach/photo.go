package attach

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"io"
	"runtime"

	"github.com/disintegration/imaging"
	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"

	"egov/internal/apperr"
	"egov/internal/platform/blob"
)

// Photo conversion.
const (
	// MaxPhotosPerPDF is the most photos PhotosToPDF puts into one PDF.
	MaxPhotosPerPDF = 20
	// PhotoMaxEdge is the long edge, in pixels, photos are scaled down to:
	// about 170 dpi across the 297 mm of an A4 page, plenty to read and
	// print a paper, and a fifth of the pixels of a 12 MP phone photo.
	PhotoMaxEdge = 2000
	// PhotoQuality is the JPEG quality photos are re-encoded with.
	PhotoQuality = 75
	// photoPageFill is the part of the page's width or height a photo
	// fills; the rest is a margin (about 5 mm on A4) that printers need.
	photoPageFill = 0.95
)

// imageSlots bounds the images decoded at once in the process (photos
// converted, thumbnails made): each costs up to MaxPixels × 4 bytes or so,
// and the scaler already uses every core for one image.
var imageSlots = make(chan struct{}, max(1, runtime.GOMAXPROCS(0)))

func acquireImageSlot(ctx context.Context) (release func(), err error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	select {
	case imageSlots <- struct{}{}:
		return func() { <-imageSlots }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// PhotosToPDF makes one PDF of photos stored by Accept (JPEG, PNG or
// HEIC), one page per photo in the given order, and stores it through the
// same stages as an upload. name is the document's name (".pdf" is made
// its extension).
//
// Each photo is turned upright (Exif orientation for JPEG; HEIC comes
// upright), scaled down to PhotoMaxEdge on its long edge, re-encoded as
// JPEG at PhotoQuality and centred on an A4 page, portrait or landscape
// as the photo is, with a small margin: a phone photo of a paper prints
// as that paper. Photos are decoded one at a time and only their small
// JPEG is kept, so memory stays at one decoded photo plus the PDF's
// compressed pages.
//
// Every photo is checked (stored, an image by its content, under the
// pixel limit) before any is converted. Refusals are *apperr.Error naming
// the photo at fault, or the PDF for too many photos or a PDF over the
// size limit; on any failure nothing is stored.
func (p *Pipeline) PhotosToPDF(ctx context.Context, name string, photos []File) (File, error) {
	clean, ok := cleanName(name)
	if !ok {
		return File{}, errName(name)
	}
	pdfName := withExt(clean, TypePDF)
	switch {
	case len(photos) == 0:
		return File{}, errNoPhotos(pdfName)
	case len(photos) > MaxPhotosPerPDF:
		return File{}, errTooManyPhotos(pdfName, photos[MaxPhotosPerPDF].Name, MaxPhotosPerPDF)
	}
	for _, f := range photos {
		ph, err := p.openPhoto(ctx, f)
		if err != nil {
			return File{}, err
		}
		ph.Close()
	}

	// The PDF is streamed into Accept, which spools it to disk and checks
	// it like any upload; nothing is stored unless both ends succeed.
	pr, pw := io.Pipe()
	written := make(chan error, 1)
	go func() {
		err := p.writePhotosPDF(ctx, pw, photos)
		pw.CloseWithError(err) // nil: Accept reads to the end
		written <- err
	}()
	got, err := p.Accept(ctx, pdfName, pr)
	pr.CloseWithError(errAbandoned) // unblocks the writer if Accept stopped reading
	werr := <-written

	var ae *apperr.Error
	switch {
	case werr != nil && (err == nil || errors.Is(err, werr)):
		// The writer failed first (a photo that does not decode, a
		// cancelled request): its error is the cause, not a cut upload.
		return File{}, werr
	case errors.As(err, &ae) && ae.Key == KeyTooLarge:
		return File{}, errPhotosTooLarge(pdfName, p.lim.MaxBytes)
	case err != nil:
		return File{}, err
	case got.Pages != len(photos):
		return File{}, fmt.Errorf("attach: the PDF made of %d photos has %d pages", len(photos), got.Pages)
	}
	return got, nil
}

var errAbandoned = errors.New("attach: the PDF was not read to the end")

// writePhotosPDF writes the PDF of photos to w.
func (p *Pipeline) writePhotosPDF(ctx context.Context, w io.Writer, photos []File) (err error) {
	defer func() {
		if r := recover(); r != nil { // pdfcpu's writer on a bug of its own
			err = fmt.Errorf("attach: pdfcpu panicked: %v", r)
		}
	}()
	conf := writeConfig()
	pc, err := pdfcpu.CreateContextWithXRefTable(conf, types.PaperSize["A4"])
	if err != nil {
		return fmt.Errorf("attach: new pdf: %w", err)
	}
	pagesRef, err := pc.Pages()
	if err != nil {
		return fmt.Errorf("attach: new pdf: %w", err)
	}
	pages, err := pc.DereferenceDict(*pagesRef)
	if err != nil {
		return fmt.Errorf("attach: new pdf: %w", err)
	}
	for _, f := range photos {
		if err := ctx.Err(); err != nil {
			return err
		}
		jpg, size, err := p.photoJPEG(ctx, f, PhotoMaxEdge, PhotoQuality)
		if err != nil {
			return err
		}
		// pdfcpu embeds a JPEG as it is (DCTDecode): no second encoding.
		refs, err := pdfcpu.NewPagesForImage(pc.XRefTable, bytes.NewReader(jpg), pagesRef, photoPage(size))
		if err != nil {
			return fmt.Errorf("attach: page for %q: %w", f.Name, err)
		}
		for _, ref := range refs {
			if err := pc.SetValid(*ref); err != nil {
				return fmt.Errorf("attach: page for %q: %w", f.Name, err)
			}
			if err := model.AppendPageTree(ref, 1, pages); err != nil {
				return fmt.Errorf("attach: page for %q: %w", f.Name, err)
			}
			pc.PageCount++
		}
	}
	if err := api.WriteContext(pc, w); err != nil {
		return fmt.Errorf("attach: write pdf: %w", err)
	}
	return nil
}

// writeConfig is pdfcpu's configuration for writing, built by hand for
// the reason readConfig gives.
func writeConfig() *model.Configuration {
	return &model.Configuration{
		Reader15:          true,
		ValidationMode:    model.ValidationRelaxed,
		Eol:               types.EolLF,
		WriteObjectStream: true,
		WriteXRefStream:   true,
		Limits:            model.DefaultResourceLimits(),
		Cmd:               model.IMPORTIMAGES,
	}
}

// photoPage places a photo of size (pixels) centred on an A4 page turned
// the way the photo is, as large as fits within the margin.
func photoPage(size image.Point) *pdfcpu.Import {
	a4 := *types.PaperSize["A4"] // a copy: the map is pdfcpu's, shared
	if size.X > size.Y {
		a4.Width, a4.Height = a4.Height, a4.Width
	}
	return &pdfcpu.Import{
		PageDim:  &a4,
		PageSize: "A4",
		UserDim:  true,
		Pos:      types.Center,
		Scale:    photoPageFill,
		InpUnit:  types.POINTS,
	}
}

// photoJPEG decodes a stored photo, scales it to fit maxEdge, turns it
// upright and encodes it as a JPEG of the given quality. It returns the
// JPEG and its size.
func (p *Pipeline) photoJPEG(ctx context.Context, f File, maxEdge, quality int) ([]byte, image.Point, error) {
	release, err := acquireImageSlot(ctx)
	if err != nil {
		return nil, image.Point{}, err
	}
	defer release()
	ph, err := p.openPhoto(ctx, f)
	if err != nil {
		return nil, image.Point{}, err
	}
	defer ph.Close()
	img, err := ph.upright(maxEdge)
	if err != nil {
		return nil, image.Point{}, err
	}
	var out bytes.Buffer
	if err := jpeg.Encode(&out, img, &jpeg.Options{Quality: quality}); err != nil {
		return nil, image.Point{}, fmt.Errorf("attach: encode %q: %w", f.Name, err)
	}
	return out.Bytes(), img.Bounds().Size(), nil
}

// photo is a stored image, opened and its header checked.
type photo struct {
	name string
	typ  string // by content
	r    io.ReaderAt
	size int64
	cfg  image.Config
	io.Closer
}

// openPhoto opens a stored image and checks it as the image stage would:
// an image type by its content (not only by what f says), a header that
// reads, and within the pixel limit. Close the result.
func (p *Pipeline) openPhoto(ctx context.Context, f File) (_ *photo, err error) {
	if !IsImage(f.ContentType) {
		return nil, errNotPhoto(f.Name)
	}
	rc, err := p.openBlob(ctx, f)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			rc.Close()
		}
	}()
	ra, size, err := readerAt(rc, p.lim.MaxBytes)
	switch {
	case err != nil:
		return nil, fmt.Errorf("attach: read %q: %w", f.Name, err)
	case size == 0:
		return nil, errEmpty(f.Name)
	case size > p.lim.MaxBytes:
		return nil, errTooLarge(f.Name, p.lim.MaxBytes)
	}
	head := make([]byte, 512)
	n, err := ra.ReadAt(head, 0)
	if err != nil && err != io.EOF {
		return nil, fmt.Errorf("attach: read %q: %w", f.Name, err)
	}
	typ := sniff(head[:n])
	if !IsImage(typ) {
		return nil, errImageBroken(f.Name, fmt.Errorf("attach: stored content is %s, not %s", typ, f.ContentType))
	}
	cfg, err := probeImage(f.Name, typ, ra, size, p.lim.MaxPixels)
	if err != nil {
		return nil, err
	}
	return &photo{name: f.Name, typ: typ, r: ra, size: size, cfg: cfg, Closer: rc}, nil
}

// openBlob opens the stored content of f.
func (p *Pipeline) openBlob(ctx context.Context, f File) (io.ReadSeekCloser, error) {
	rc, err := p.store.Open(ctx, f.Hash)
	switch {
	case errors.Is(err, blob.ErrNotFound), errors.Is(err, blob.ErrBadHash):
		return nil, errMissing(f.Name, err)
	case err != nil:
		return nil, fmt.Errorf("attach: open %q: %w", f.Name, err)
	}
	return rc, nil
}

// readerAt gives random access to a stored blob: the blob itself when the
// store gives files (Local does), else a copy in memory of at most limit
// bytes (a size over limit says only that it is too large).
func readerAt(rs io.ReadSeeker, limit int64) (io.ReaderAt, int64, error) {
	if ra, ok := rs.(io.ReaderAt); ok {
		size, err := rs.Seek(0, io.SeekEnd)
		return ra, size, err
	}
	b, err := io.ReadAll(io.LimitReader(rs, limit+1))
	return bytes.NewReader(b), int64(len(b)), err
}

// upright decodes the photo, scales it to fit maxEdge (never up), turns
// it upright and lays it over white (JPEG has no transparency).
func (ph *photo) upright(maxEdge int) (*image.RGBA, error) {
	img, err := decodeImage(ph.typ, io.NewSectionReader(ph.r, 0, ph.size))
	if err != nil {
		return nil, errImageBroken(ph.name, err)
	}
	// Scaled first, turned after: the turn then copies the small image,
	// not the full one. Lanczos keeps small print sharp.
	// The full-size picture is garbage once scaled.
	small := imaging.Fit(img, maxEdge, maxEdge, imaging.Lanczos)
	if ph.typ == TypeJPEG {
		small = orient(small, jpegOrientation(io.NewSectionReader(ph.r, 0, ph.size)))
	}
	return onWhite(small), nil
}

// onWhite lays img over white, in place, and returns it as an opaque RGBA
// image, which the JPEG encoder takes without converting pixel by pixel.
func onWhite(img *image.NRGBA) *image.RGBA {
	px := img.Pix
	for i := 0; i+3 < len(px); i += 4 {
		a := uint32(px[i+3])
		if a == 0xff {
			continue
		}
		for c := range 3 {
			px[i+c] = uint8((uint32(px[i+c])*a + 0xff*(0xff-a) + 0x7f) / 0xff)
		}
		px[i+3] = 0xff
	}
	return &image.RGBA{Pix: px, Stride: img.Stride, Rect: img.Rect}
}
