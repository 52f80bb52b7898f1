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
	"sync"
	"time"

	"github.com/klippa-app/go-pdfium"
	"github.com/klippa-app/go-pdfium/requests"
	"github.com/klippa-app/go-pdfium/webassembly"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"

	"egov/internal/apperr"
)

// Thumbnails.
const (
	// ThumbnailEdge is the long edge of a thumbnail, in pixels.
	ThumbnailEdge = 240
	// ThumbnailType is the content type of every thumbnail.
	ThumbnailType    = TypeJPEG
	thumbnailQuality = 80

	// previewBudget bounds one PDF preview, from waiting for a free
	// renderer to the encoded JPEG (the renderer's start on first use is
	// not counted). A first page renders in 0.01 to 0.2 s here; a page
	// that takes longer than this is stopped where it is.
	previewBudget = 10 * time.Second
	// previewMemoryPages caps the memory of one renderer at 256 MiB (64 KiB
	// WebAssembly pages): a hostile PDF cannot make it take more.
	previewMemoryPages = 4096
)

// ErrNoPreview says a file has no thumbnail: a type that has none, a file
// that does not render, or the PDF renderer unavailable or over its time
// budget. The file itself may be fine (a PDF always has its page count):
// show a placeholder. Match it with errors.Is; the cause is wrapped.
var ErrNoPreview = errors.New("attach: no preview")

func noPreview(cause error) error { return fmt.Errorf("%w: %w", ErrNoPreview, cause) }

// SetPreviewCacheDir names a folder where the compiled PDF renderer is
// kept (about 21 MB). The first use in a process then takes about 0.1 s
// and 50 MB instead of compiling for 2.7 s with a peak of 330 MB; a
// folder that cannot be used only loses that gain. The first call with a
// folder wins (a process has one renderer); call it before the first PDF
// thumbnail.
func SetPreviewCacheDir(dir string) {
	previewCache.Lock()
	defer previewCache.Unlock()
	if previewCache.dir == "" {
		previewCache.dir = dir
	}
}

var previewCache struct {
	sync.Mutex
	dir string
}

func previewCacheDir() string {
	previewCache.Lock()
	defer previewCache.Unlock()
	return previewCache.dir
}

// Thumbnail returns a small JPEG (ThumbnailEdge on its long edge) showing
// a stored file: an image upright, or the first page of a PDF. Its second
// result is ThumbnailType. A file that has no preview gives an error
// matching ErrNoPreview; a file missing from the store, an *apperr.Error
// of key KeyMissing; anything else is a failure of the system (or ctx).
func (p *Pipeline) Thumbnail(ctx context.Context, f File) ([]byte, string, error) {
	if err := ctx.Err(); err != nil {
		return nil, "", err
	}
	var (
		jpg []byte
		err error
	)
	switch {
	case IsImage(f.ContentType):
		jpg, _, err = p.photoJPEG(ctx, f, ThumbnailEdge, thumbnailQuality)
	case f.ContentType == TypePDF:
		jpg, err = p.pdfThumbnail(ctx, f)
	default:
		return nil, "", noPreview(fmt.Errorf("attach: no preview for %s", f.ContentType))
	}
	var ae *apperr.Error
	switch {
	case errors.As(err, &ae) && ae.Key != KeyMissing: // refused content: broken, too big
		return nil, "", noPreview(err)
	case err != nil:
		return nil, "", err
	}
	return jpg, ThumbnailType, nil
}

// pdfThumbnail renders the first page of a stored PDF.
func (p *Pipeline) pdfThumbnail(ctx context.Context, f File) ([]byte, error) {
	rc, err := p.openBlob(ctx, f)
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(rc, p.lim.MaxBytes+1))
	rc.Close()
	switch {
	case err != nil:
		return nil, fmt.Errorf("attach: read %q: %w", f.Name, err)
	case int64(len(data)) > p.lim.MaxBytes:
		return nil, noPreview(errTooLarge(f.Name, p.lim.MaxBytes))
	case sniff(data[:min(len(data), 512)]) != TypePDF:
		return nil, noPreview(fmt.Errorf("attach: stored content of %q is not a PDF", f.Name))
	}
	img, err := pdfPreviews.firstPage(ctx, data, previewBudget)
	if err != nil {
		return nil, noPreview(fmt.Errorf("attach: preview of %q: %w", f.Name, err))
	}
	return img, nil
}

// pdfPreviews is the process's one PDF renderer: PDFium compiled to
// WebAssembly (github.com/klippa-app/go-pdfium), run by wazero, so no cgo,
// and a hostile PDF is confined to the module's memory, its time budget
// and no file system at all. Compiling the module is the costly part (2.7
// s and 330 MB at peak here, once per process, or see SetPreviewCacheDir);
// it is done on the first PDF thumbnail, not at start-up. Each render
// then gets a fresh instance (milliseconds), so nothing of one PDF
// outlives its render.
var pdfPreviews pdfRenderer

type pdfRenderer struct {
	start sync.Once
	done  chan struct{} // closed when pool and err are set
	pool  pdfium.Pool
	err   error
}

// previewWorkers is how many PDFs render at once: half the cores, so
// previews never take all of a small server.
func previewWorkers() int { return max(1, runtime.GOMAXPROCS(0)/2) }

// ready returns the renderer, starting it on first use; a caller whose ctx
// ends first leaves it starting for the next.
func (r *pdfRenderer) ready(ctx context.Context) (pdfium.Pool, error) {
	r.start.Do(func() {
		r.done = make(chan struct{})
		go func() {
			defer close(r.done)
			r.pool, r.err = newPDFPool()
		}()
	})
	select {
	case <-r.done:
		return r.pool, r.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func newPDFPool() (pdfium.Pool, error) {
	rc := wazero.NewRuntimeConfig().
		// PDFium's setjmp/longjmp are WebAssembly exceptions.
		WithCoreFeatures(api.CoreFeaturesV2 | experimental.CoreFeaturesExceptionHandling).
		// Lets a cancelled context stop a render mid-page (see firstPage).
		// It costs: renders take about five times as long as without
		// (0.2 s instead of 0.035 s for a book cover), still well within
		// what a thumbnail may take, and a page that never finishes
		// cannot hold a worker forever.
		WithCloseOnContextDone(true).
		WithMemoryLimitPages(previewMemoryPages)
	if dir := previewCacheDir(); dir != "" {
		if c, err := wazero.NewCompilationCacheWithDir(dir); err == nil {
			rc = rc.WithCompilationCache(c)
		}
	}
	n := previewWorkers()
	return webassembly.Init(webassembly.Config{
		MaxIdle:       n,
		MaxTotal:      n,
		FSConfig:      wazero.NewFSConfig(), // no host folder: documents are passed as bytes
		Stdout:        io.Discard,
		Stderr:        io.Discard,
		RuntimeConfig: rc,
	})
}

// firstPage renders page 1 of pdf to fit ThumbnailEdge and encodes it,
// within budget once the renderer is up (waiting for a free worker
// included).
func (r *pdfRenderer) firstPage(ctx context.Context, pdf []byte, budget time.Duration) (_ []byte, err error) {
	pool, err := r.ready(ctx)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, budget)
	defer cancel()
	inst, err := pool.GetInstanceWithContext(ctx) // waits for a free worker
	if err != nil {
		return nil, err
	}
	// When ctx ends the instance is killed, which stops the WebAssembly
	// call in progress; otherwise it is closed, which frees all its memory.
	stop := context.AfterFunc(ctx, func() { inst.Kill() })
	defer func() {
		if stop() {
			inst.Close()
		}
		if rec := recover(); rec != nil {
			err = fmt.Errorf("attach: pdfium panicked: %v", rec)
		}
		if err != nil && ctx.Err() != nil { // killed: say why
			err = ctx.Err()
		}
	}()
	doc, err := inst.OpenDocument(&requests.OpenDocument{File: &pdf})
	if err != nil {
		return nil, err
	}
	res, err := inst.RenderPageInPixels(&requests.RenderPageInPixels{
		Page:   requests.Page{ByIndex: &requests.PageByIndex{Document: doc.Document, Index: 0}},
		Width:  ThumbnailEdge,
		Height: ThumbnailEdge,
	})
	if err != nil {
		return nil, err
	}
	defer res.Cleanup() // the pixels live in the instance's memory until then
	img := res.Result.Image
	if img == nil {
		return nil, errors.New("attach: pdfium rendered no image")
	}
	// A page with transparency comes on a transparent background, its
	// colours not premultiplied: lay it over white as paper is.
	var out bytes.Buffer
	page := onWhite(&image.NRGBA{Pix: img.Pix, Stride: img.Stride, Rect: img.Rect})
	if err := jpeg.Encode(&out, page, &jpeg.Options{Quality: thumbnailQuality}); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}
