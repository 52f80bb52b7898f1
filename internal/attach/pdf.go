package attach

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

// pdfStage proves a PDF opens: it is parsed with pdfcpu (pure Go, actively
// maintained, and it reads through an io.ReadSeeker, so the file stays on
// disk), its page tree is walked to count the pages, and an encrypted file
// is refused: officials could not read it without the password, and it
// cannot be signed.
//
// pdfcpu is used only to read. Its full ISO 32000 validation is not run:
// it refuses many files that every viewer opens (scanner and phone-app
// output is rarely conformant), and what egov needs is that the file is
// complete, its pages are reachable and it is not encrypted.
//
// Memory: pdfcpu loads every object of the file, stream bytes included, so
// reading costs about the file size (bounded by MaxBytes). Content streams
// and images are never decoded here; an object stream is inflated when an
// object in it is first used, which the page walk does. That is where a
// deflate bomb would sit: 400 KB of PDF whose pages live in 48 object
// streams of 8 MB each made pdfcpu allocate 1.9 GB. Their total decoded
// size is therefore bounded by pdfDecodeBudget (see decodeLimit).
type pdfStage struct{}

// pdfDecodeBudget bounds the bytes pdfcpu may inflate from one file.
const pdfDecodeBudget = 256 << 20

// pdfTail is how far from the end "%%EOF" may be. The standard puts it on
// the last line; Acrobat looks within the last 1024 bytes, which tolerates
// the junk some mail gateways and servers append.
const pdfTail = 1024

func (pdfStage) Check(ctx context.Context, in *Upload) error {
	if in.ContentType != TypePDF {
		return nil
	}
	// A PDF ends with its cross-reference section and "%%EOF". pdfcpu
	// rebuilds a missing one by scanning the objects, which would let a file
	// cut off after its last page through: the end marker proves the upload
	// is whole (and a signature is appended after it later).
	tail := make([]byte, min(in.Size, pdfTail))
	if _, err := in.File.ReadAt(tail, in.Size-int64(len(tail))); err != nil && err != io.EOF {
		return fmt.Errorf("attach: read tail: %w", err)
	}
	if !bytes.Contains(tail, []byte("%%EOF")) {
		return errPDFBroken(in.Name, errors.New("attach: no %%EOF marker at the end"))
	}
	limit, err := decodeLimit(in)
	if err != nil {
		return err
	}
	pages, err := readPDF(ctx, in.Reader(), readConfig(in.Limits, limit))
	switch {
	case errors.Is(err, pdfcpu.ErrEncrypted):
		return errPDFEncrypted(in.Name, err)
	case ctx.Err() != nil:
		return ctx.Err()
	case err != nil:
		return errPDFBroken(in.Name, err)
	}
	in.Pages = pages
	return nil
}

// readConfig is pdfcpu's configuration for reading an upload. It is built
// here rather than by model.NewDefaultConfiguration, which installs a
// configuration folder (fonts, certificates) under the user's home.
func readConfig(lim Limits, decodeLimit int64) *model.Configuration {
	rl := model.DefaultResourceLimits()
	rl.MaxStreamBytes = lim.MaxBytes // no stream is longer than its file
	rl.MaxDecodeBytes = decodeLimit
	// Cross-reference streams can claim any number of objects in a few
	// bytes; a real 20 MB file has far fewer than a million.
	rl.MaxObjectCount = 1_000_000
	rl.MaxXRefEntries = 1_000_000
	return &model.Configuration{
		Reader15:       true, // object and cross-reference streams (PDF 1.5+)
		ValidationMode: model.ValidationRelaxed,
		Eol:            types.EolLF,
		Limits:         rl,
		// With the command that adds a signature, pdfcpu refuses an
		// encrypted file before deriving any key, with ErrEncrypted: even
		// one that opens without a password (owner password only), which a
		// signer would still have to decrypt and re-encrypt.
		Cmd: model.ADDSIGNATURE,
	}
}

// decodeLimit shares pdfDecodeBudget among the streams of the file: pdfcpu
// only takes a limit per stream, and a thousand small streams each
// inflating to the limit would add up to gigabytes. Every stream, object
// and cross-reference streams included, starts with the keyword "stream",
// which has no escaped form, so counting the keyword (a cheap pass over the
// file on disk) bounds the number of streams pdfcpu can decode. Real object
// streams hold a few hundred small objects (tens of kilobytes); the share
// is over 100 KB unless a file has more than 2,500 streams.
func decodeLimit(in *Upload) (int64, error) {
	n, err := countStreams(in.Reader())
	if err != nil {
		return 0, fmt.Errorf("attach: scan pdf: %w", err)
	}
	return pdfDecodeBudget / max(n, 1), nil
}

// countStreams counts "stream" keywords that are not the end of "endstream".
func countStreams(r io.Reader) (int64, error) {
	kw := []byte("stream")
	const keep = len("endstream") - 1 // carried over, for keywords across reads
	buf := make([]byte, keep+64<<10)
	var n int64
	have := 0
	for {
		m, err := io.ReadFull(r, buf[have:])
		chunk := buf[:have+m]
		for i := 0; ; {
			j := bytes.Index(chunk[i:], kw)
			if j < 0 {
				break
			}
			at := i + j
			// One that ends in the carried bytes was counted last round.
			if at+len(kw) > have && (at < 3 || string(chunk[at-3:at]) != "end") {
				n++
			}
			i = at + len(kw)
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return n, nil
		}
		if err != nil {
			return 0, err
		}
		have = copy(buf, chunk[len(chunk)-keep:])
	}
}

// readPDF parses the file and returns its number of pages. pdfcpu turns
// its own failures into errors, but a malformed file can still reach a
// plain panic in a corner of the parser; an upload must never bring the
// server down, so any panic here is a broken file.
func readPDF(ctx context.Context, rs io.ReadSeeker, conf *model.Configuration) (pages int, err error) {
	defer func() {
		if r := recover(); r != nil {
			pages, err = 0, fmt.Errorf("attach: pdfcpu panicked: %v", r)
		}
	}()
	pc, err := pdfcpu.ReadWithContext(ctx, rs, conf)
	if err != nil {
		return 0, err
	}
	if pc.Encrypt != nil { // belt and braces: see readConfig
		return 0, fmt.Errorf("attach: %w", pdfcpu.ErrEncrypted)
	}
	root, err := pc.Catalog()
	if err != nil {
		return 0, err
	}
	if root == nil {
		return 0, errors.New("attach: no document catalog")
	}
	w := pageWalk{xt: pc.XRefTable, seen: map[int]bool{}}
	if err := w.walk(root["Pages"], 0); err != nil {
		return 0, err
	}
	if w.pages == 0 {
		return 0, errors.New("attach: the document has no pages")
	}
	return w.pages, nil
}

// pageWalk counts the leaves of the page tree. The tree's own /Count is
// not trusted (producers get it wrong); walking it also proves every page
// object is there.
type pageWalk struct {
	xt    *model.XRefTable
	seen  map[int]bool
	pages int
}

const maxPageTreeDepth = 64

func (w *pageWalk) walk(o types.Object, depth int) error {
	if depth > maxPageTreeDepth {
		return errors.New("attach: page tree too deep")
	}
	if ref, ok := o.(types.IndirectRef); ok {
		nr := ref.ObjectNumber.Value()
		if w.seen[nr] {
			return fmt.Errorf("attach: page tree loops through object %d", nr)
		}
		w.seen[nr] = true
	}
	d, err := w.xt.DereferenceDict(o)
	if err != nil {
		return err
	}
	if d == nil {
		return errors.New("attach: missing page tree node")
	}
	kids, hasKids := d.Find("Kids")
	if t := d.Type(); t != nil && *t == "Page" || !hasKids {
		w.pages++
		return nil
	}
	arr, err := w.xt.DereferenceArray(kids)
	if err != nil {
		return err
	}
	for _, k := range arr {
		if err := w.walk(k, depth+1); err != nil {
			return err
		}
	}
	return nil
}
