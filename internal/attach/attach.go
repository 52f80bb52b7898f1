// Package attach is the one way a dossier attachment gets into egov. Accept
// spools the upload to a temporary file (never more than the size limit),
// runs an ordered list of stages over it, and stores it in the blob store
// only if every stage passed: nothing is stored half-way, and every refusal
// is an *apperr.Error that names the file in Vietnamese and English.
//
// The default stages detect the type from the content (PDF, JPEG, PNG,
// HEIC), prove that a PDF opens (and is not encrypted) and that an image
// decodes.
// Later checks plug in as further stages passed to New: a Stage sees the
// cleaned name, the detected type and a re-readable view of the spooled
// file, may fill in metadata (pages, dimensions), and refuses the upload by
// returning an error. Stages run in order and the first error stops the
// pipeline, so a stage may rely on the ones before it (a signature check can
// count on ContentType being "application/pdf" and the file opening).
//
// Phone photos of a paper become one printable PDF with PhotosToPDF, and
// Thumbnail makes the small previews of the review pages.
package attach

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"egov/internal/platform/blob"
)

// Accepted content types.
const (
	TypePDF  = "application/pdf"
	TypeJPEG = "image/jpeg"
	TypePNG  = "image/png"
	// TypeHEIC is a phone photo in HEIF (HEVC coded). Browsers other than
	// Safari cannot show it: show its Thumbnail, or turn it into a PDF
	// with PhotosToPDF.
	TypeHEIC = "image/heic"
)

// File is an accepted, stored upload.
type File struct {
	Name        string // cleaned display name (no path parts, no control chars, NFC, max 200 runes)
	ContentType string // detected from content: application/pdf, image/jpeg, image/png, image/heic
	Size        int64
	Hash        string // blob hash (sha256 hex)
	Pages       int    // PDF page count; 1 for images
	Width       int    // images only
	Height      int    // images only
}

// Limits bound what one upload may cost. Zero fields take the defaults.
type Limits struct {
	// MaxBytes is the largest accepted file (default 20 MiB).
	MaxBytes int64
	// MaxPixels is the largest accepted image, width × height (default 50
	// megapixels). A few hundred bytes of PNG can claim a picture that needs
	// gigabytes to decode; this is checked before decoding.
	MaxPixels int
}

// Default limits.
const (
	DefaultMaxBytes  = 20 << 20
	DefaultMaxPixels = 50_000_000
)

func (l Limits) withDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultMaxBytes
	}
	if l.MaxPixels <= 0 {
		l.MaxPixels = DefaultMaxPixels
	}
	return l
}

// Upload is what stages see: one spooled upload on its way through the
// pipeline.
type Upload struct {
	// Name is the cleaned name the user gave (its extension is made to match
	// ContentType only after the last stage). Use it in error messages.
	Name string
	// ContentType is set by the first default stage.
	ContentType string
	// File reads the spooled content; it may be read any number of times,
	// concurrently, and must not be closed.
	File io.ReaderAt
	Size int64
	// Limits are the pipeline's limits, defaults filled in.
	Limits Limits

	// Filled by the stages that can tell.
	Pages, Width, Height int
}

// Reader returns a fresh reader over the whole content.
func (u *Upload) Reader() *io.SectionReader { return io.NewSectionReader(u.File, 0, u.Size) }

// Stage is one check (or, later, one transformation) of the pipeline. It
// returns nil to let the upload through, an *apperr.Error to refuse it, or
// another error for a failure of the system (reported as internal).
type Stage interface {
	Check(ctx context.Context, in *Upload) error
}

// StageFunc adapts a function to a Stage.
type StageFunc func(ctx context.Context, in *Upload) error

// Check implements Stage.
func (f StageFunc) Check(ctx context.Context, in *Upload) error { return f(ctx, in) }

// Pipeline accepts uploads. It is safe for concurrent use once configured.
type Pipeline struct {
	store  blob.Store
	lim    Limits
	stages []Stage

	// TempDir is where uploads are spooled while they are checked; empty
	// means os.TempDir(). Set it before the first Accept.
	TempDir string
}

// New returns a pipeline that runs the default stages (type by content, PDF
// opens, image decodes) and then the given ones, in order.
func New(store blob.Store, lim Limits, stages ...Stage) *Pipeline {
	lim = lim.withDefaults()
	all := []Stage{StageFunc(detectType), pdfStage{}, imageStage{}}
	return &Pipeline{store: store, lim: lim, stages: append(all, stages...)}
}

// Accept reads an upload named name from r, checks it and stores it. It
// never reads more than the size limit plus one byte from r. On any
// failure nothing is stored, and the temporary file is always removed.
func (p *Pipeline) Accept(ctx context.Context, name string, r io.Reader) (File, error) {
	clean, ok := cleanName(name)
	if !ok {
		return File{}, errName(name)
	}
	tmp, err := os.CreateTemp(p.TempDir, "attach-*")
	if err != nil {
		return File{}, fmt.Errorf("attach: spool: %w", err)
	}
	// Unlinking the open file at once means even a crash leaves nothing
	// behind; where that is not allowed (Windows) it is removed at the end.
	unlinked := os.Remove(tmp.Name()) == nil
	defer func() {
		tmp.Close()
		if !unlinked {
			os.Remove(tmp.Name())
		}
	}()

	size, err := spool(ctx, tmp, r, p.lim.MaxBytes)
	switch {
	case errors.Is(err, errReadFailed):
		return File{}, errIncomplete(clean, err)
	case err != nil:
		return File{}, err
	case size == 0:
		return File{}, errEmpty(clean)
	case size > p.lim.MaxBytes:
		return File{}, errTooLarge(clean, p.lim.MaxBytes)
	}

	in := &Upload{Name: clean, File: tmp, Size: size, Limits: p.lim}
	for _, s := range p.stages {
		if err := ctx.Err(); err != nil {
			return File{}, err
		}
		if err := s.Check(ctx, in); err != nil {
			return File{}, err
		}
	}
	if !accepted(in.ContentType) {
		// Only reachable if a custom stage changed the type: refuse rather
		// than store something the default stages did not check.
		return File{}, errType(clean)
	}

	ref, err := p.store.Put(ctx, in.Reader(), in.Size)
	if err != nil {
		return File{}, fmt.Errorf("attach: store %q: %w", clean, err)
	}
	return File{
		Name:        withExt(clean, in.ContentType),
		ContentType: in.ContentType,
		Size:        ref.Size,
		Hash:        ref.Hash,
		Pages:       in.Pages,
		Width:       in.Width,
		Height:      in.Height,
	}, nil
}

// errReadFailed marks a failure of the upload's reader (the client), as
// opposed to one of our disk.
var errReadFailed = errors.New("attach: reading the upload failed")

// spool copies at most limit+1 bytes of r to f and returns how many it
// copied, so a result over limit means "too large" without reading the rest.
func spool(ctx context.Context, f *os.File, r io.Reader, limit int64) (int64, error) {
	src := io.LimitReader(r, limit+1)
	buf := make([]byte, 64<<10)
	var n int64
	for {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		m, rerr := src.Read(buf)
		if m > 0 {
			if _, err := f.Write(buf[:m]); err != nil {
				return n, fmt.Errorf("attach: spool: %w", err)
			}
			n += int64(m)
		}
		if rerr == io.EOF {
			return n, nil
		}
		if rerr != nil {
			return n, fmt.Errorf("%w: %w", errReadFailed, rerr)
		}
	}
}

// MaxBytes is the largest file the pipeline accepts.
func (p *Pipeline) MaxBytes() int64 { return p.lim.MaxBytes }
