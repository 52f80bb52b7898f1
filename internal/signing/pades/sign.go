package pades

import (
	"bytes"
	"compress/zlib"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding"
	"encoding/asn1"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/png"
	"io"
	"math"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/digitorus/pdf"
	"github.com/digitorus/pdfsign/revocation"
	"github.com/digitorus/pdfsign/sign"
	"github.com/digitorus/timestamp"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
	"golang.org/x/text/unicode/norm"
)

// Signer is a private key together with its certificate chain, leaf first
// (then the issuing CAs; the root may be left out).
//
// internal/signing/pki will provide implementations (software keys, HSM,
// remote signing); this local definition must stay identical to theirs.
type Signer interface {
	crypto.Signer
	Chain() []*x509.Certificate
}

// Appearance places a visible signature on a page.
//
// The library draws text only in an unembedded Times font (Vietnamese comes
// out wrong), so the appearance is always an image: Image, else PNG, else an
// image rendered from Text by RenderAppearance.
type Appearance struct {
	Page uint32     // 1-based page number; 0 means 1
	Rect [4]float64 // lower-left x, lower-left y, upper-right x, upper-right y in PDF points
	// Image is drawn scaled to Rect (an *image.NRGBA or *image.RGBA keeps
	// transparency).
	Image image.Image
	// PNG is used when Image is nil.
	PNG []byte
	// Text is rendered when Image and PNG are empty.
	Text AppearanceText
}

// Options control one signature.
type Options struct {
	// TSAURL is an RFC 3161 time-stamp authority; empty means no timestamp.
	TSAURL      string
	TSAUsername string
	TSAPassword string

	// Reason, Location and ContactInfo go to the signature dictionary. They
	// are transliterated to ASCII there ("Phê duyệt" -> "Phe duyet"): the
	// library corrupts the dictionary with non-ASCII text at this version.
	Reason      string
	Location    string
	ContactInfo string
	// Name defaults to the leaf certificate's common name (transliterated).
	Name string

	// SigningTime is written as /M when there is no TSA. The CMS
	// signing-time attribute is always the current clock (library limit).
	SigningTime time.Time

	// Appearance nil means an invisible signature.
	Appearance *Appearance

	// CRLs and OCSPResponses (DER) are embedded in the signature (see the
	// package documentation for the level this gives).
	CRLs          [][]byte
	OCSPResponses [][]byte

	// MaxSize bounds the input's size; 0 means DefaultMaxSize. (Sign holds
	// the input in memory only when it is not an io.ReaderAt.)
	MaxSize int64
}

// DefaultMaxSize bounds the files Sign and Verify accept.
const DefaultMaxSize = 64 << 20

// Sign writes to w the PDF read from pdf (size bytes) with one more
// signature appended as an incremental update, so earlier signatures stay
// valid.
//
// When pdfIn is also an io.ReaderAt (*os.File, *bytes.Reader,
// *io.SectionReader) the file is never held in memory: it is read twice
// (once to digest it, once to copy it to w) and only the incremental update
// is built in memory. Other readers are read into memory first. Nothing is
// written to w unless signing succeeds up to the final copy.
func Sign(w io.Writer, pdfIn io.ReadSeeker, size int64, s Signer, opt Options) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("pades: sign: internal error: %v", r)
		}
	}()
	if s == nil {
		return errors.New("pades: sign: no signer")
	}
	chain := s.Chain()
	if len(chain) == 0 || chain[0] == nil {
		return errors.New("pades: sign: signer has no certificate")
	}
	if len(chain) > maxChain {
		return fmt.Errorf("pades: sign: chain of %d certificates is too long", len(chain))
	}
	maxSize := opt.MaxSize
	if maxSize <= 0 {
		maxSize = DefaultMaxSize
	}
	if size <= 0 || size > maxSize {
		return fmt.Errorf("pades: sign: size %d outside 1..%d", size, maxSize)
	}
	if err := checkChainLinks(chain); err != nil {
		return fmt.Errorf("pades: sign: %w", err)
	}
	ra, err := inputAt(pdfIn, size)
	if err != nil {
		return err
	}
	rdr, err := pdf.NewReader(io.NewSectionReader(ra, 0, size), size)
	if err != nil {
		return fmt.Errorf("pades: sign: not a readable PDF: %w", err)
	}

	leaf := chain[0]
	name := opt.Name
	if name == "" {
		name = leaf.Subject.CommonName
	}
	when := opt.SigningTime
	if when.IsZero() {
		when = time.Now()
	}
	var ria revocation.InfoArchival
	for _, c := range opt.CRLs {
		if _, err := x509.ParseRevocationList(c); err != nil {
			return fmt.Errorf("pades: sign: CRL to embed: %w", err)
		}
		_ = ria.AddCRL(c)
	}
	for _, o := range opt.OCSPResponses {
		_ = ria.AddOCSP(o)
	}

	// The library lays out the incremental update (signature dictionary,
	// widget, page and catalog updates, cross-reference section, trailer)
	// as if the input were empty: it never sees the file's bytes, so it
	// neither copies nor digests them. It signs with a stand-in key that
	// makes no cryptographic operation; the offsets and the /Contents
	// placeholder are then fixed here and the real CMS is built over the
	// real bytes.
	sd := sign.SignData{
		Signature: sign.SignDataSignature{
			CertType: sign.ApprovalSignature,
			Info: sign.SignDataSignatureInfo{
				Name:        ASCII(name),
				Location:    ASCII(opt.Location),
				Reason:      ASCII(opt.Reason),
				ContactInfo: ASCII(opt.ContactInfo),
				Date:        when,
			},
		},
		Signer:            layoutSigner{pub: s.Public()},
		DigestAlgorithm:   crypto.SHA256,
		Certificate:       leaf,
		CertificateChains: [][]*x509.Certificate{{leaf}},
	}
	if opt.TSAURL != "" {
		// No /M when a timestamp authority gives the time.
		sd.Signature.Info.Date = time.Time{}
	}

	if a := opt.Appearance; a != nil {
		img := a.PNG
		if a.Image != nil || len(img) == 0 {
			src := a.Image
			if src == nil {
				t := a.Text
				if t.Name == "" {
					t.Name = leaf.Subject.CommonName
				}
				if t.Title == "" {
					t.Title = subjectTitle(leaf)
				}
				if len(t.Organization) == 0 {
					t.Organization = strings.Join(leaf.Subject.Organization, ", ")
				}
				if t.Time.IsZero() {
					t.Time = when
				}
				w := int((a.Rect[2] - a.Rect[0]) * 3) // about 216 dpi
				h := int((a.Rect[3] - a.Rect[1]) * 3)
				src, err = RenderAppearance(t, w, h)
				if err != nil {
					return err
				}
			}
			var buf bytes.Buffer
			// The library decodes the PNG and compresses the pixels again:
			// compressing here would be wasted work.
			enc := png.Encoder{CompressionLevel: png.NoCompression}
			if err := enc.Encode(&buf, src); err != nil {
				return fmt.Errorf("pades: sign: appearance image: %w", err)
			}
			img = buf.Bytes()
		}
		page := a.Page
		if page == 0 {
			page = 1
		}
		sd.Appearance = sign.Appearance{
			Visible: true, Page: page,
			LowerLeftX: a.Rect[0], LowerLeftY: a.Rect[1], UpperRightX: a.Rect[2], UpperRightY: a.Rect[3],
			Image: img,
		}
	}

	var layout bytes.Buffer
	if err := sign.Sign(&trailerOnly{ra: ra, size: size}, &layout, rdr, size, sd); err != nil {
		return fmt.Errorf("pades: sign: %w", err)
	}

	cms := cmsSigner{
		signer: s, chain: chain, ria: ria,
		tsaURL: opt.TSAURL, tsaUser: opt.TSAUsername, tsaPassword: opt.TSAPassword,
	}
	// The file itself is digested once; each attempt (a second one only
	// if the CMS outgrows its estimate) goes on from that state.
	orig := sha256.New()
	buf := make([]byte, min(size, 64<<10))
	if err := copyAt(orig, ra, size, buf); err != nil {
		return fmt.Errorf("pades: sign: read: %w", err)
	}
	state, err := orig.(encoding.BinaryMarshaler).MarshalBinary()
	if err != nil {
		return fmt.Errorf("pades: sign: %w", err)
	}
	room := cms.maxLen()
	for attempt := 0; ; attempt++ {
		u, err := newUpdate(layout.Bytes(), size, 2*room)
		if err != nil {
			return fmt.Errorf("pades: sign: %w", err)
		}
		h := sha256.New()
		if err := h.(encoding.BinaryUnmarshaler).UnmarshalBinary(state); err != nil {
			return fmt.Errorf("pades: sign: %w", err)
		}
		h.Write(u.head)
		h.Write(u.tail)
		der, err := cms.sign(h.Sum(nil))
		if err != nil {
			return fmt.Errorf("pades: sign: %w", err)
		}
		if len(der) > room {
			if attempt > 0 {
				return errors.New("pades: sign: the signature does not fit its placeholder")
			}
			room = len(der) + 1024
			continue
		}
		u.fill(der)
		if err := copyAt(w, ra, size, buf); err != nil {
			return fmt.Errorf("pades: sign: %w", err)
		}
		_, err = w.Write(u.buf)
		return err
	}
}

// checkedLinks remembers the certificate links already checked by
// checkChainLinks (a signer signs many documents with one chain).
var checkedLinks = struct {
	sync.Mutex
	m map[[32]byte]error
}{m: map[[32]byte]error{}}

// checkChainLinks checks that each certificate of the signer's chain is
// signed by the next one, as the library did on every signature; the
// outcome is remembered per pair of certificates.
func checkChainLinks(chain []*x509.Certificate) error {
	for i := 0; i+1 < len(chain); i++ {
		c, p := chain[i], chain[i+1]
		if c == nil || p == nil {
			return errors.New("nil certificate in the chain")
		}
		h := sha256.New()
		h.Write(c.Raw)
		h.Write(p.Raw)
		var k [32]byte
		h.Sum(k[:0])
		checkedLinks.Lock()
		err, ok := checkedLinks.m[k]
		checkedLinks.Unlock()
		if !ok {
			err = c.CheckSignatureFrom(p)
			if err != nil {
				err = fmt.Errorf("certificate %q is not signed by %q: %w", c.Subject.CommonName, p.Subject.CommonName, err)
			}
			checkedLinks.Lock()
			if len(checkedLinks.m) >= 1024 {
				clear(checkedLinks.m)
			}
			checkedLinks.m[k] = err
			checkedLinks.Unlock()
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// inputAt returns the input as an io.ReaderAt of exactly size bytes.
func inputAt(in io.ReadSeeker, size int64) (io.ReaderAt, error) {
	if ra, ok := in.(io.ReaderAt); ok {
		var b [1]byte
		if n, _ := ra.ReadAt(b[:], size-1); n != 1 {
			return nil, fmt.Errorf("pades: sign: input shorter than %d bytes", size)
		}
		if n, _ := ra.ReadAt(b[:], size); n != 0 {
			return nil, fmt.Errorf("pades: sign: input longer than %d bytes", size)
		}
		return ra, nil
	}
	if _, err := in.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("pades: sign: %w", err)
	}
	data, err := io.ReadAll(io.LimitReader(in, size+1))
	if err != nil {
		return nil, fmt.Errorf("pades: sign: read: %w", err)
	}
	if int64(len(data)) != size {
		return nil, fmt.Errorf("pades: sign: read %d bytes, expected %d", len(data), size)
	}
	return bytes.NewReader(data), nil
}

// copyAt copies the first size bytes of ra to w through buf.
func copyAt(w io.Writer, ra io.ReaderAt, size int64, buf []byte) error {
	for off := int64(0); off < size; {
		n, err := ra.ReadAt(buf[:min(int64(len(buf)), size-off)], off)
		if n > 0 {
			if _, werr := w.Write(buf[:n]); werr != nil {
				return werr
			}
			off += int64(n)
		}
		if err != nil && off < size {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return err
		}
	}
	return nil
}

// trailerOnly is the input the library sees: empty when it copies it from
// the start, the real bytes when it reads the old trailer (it copies the
// trailer dictionary of files with a cross-reference table).
type trailerOnly struct {
	ra   io.ReaderAt
	size int64
	pos  int64
}

func (t *trailerOnly) Read(p []byte) (int, error) {
	if t.pos == 0 || t.pos >= t.size {
		return 0, io.EOF
	}
	n, err := t.ra.ReadAt(p[:min(int64(len(p)), t.size-t.pos)], t.pos)
	t.pos += int64(n)
	if err == io.EOF && n > 0 {
		err = nil
	}
	return n, err
}

// WriteTo makes io.Copy from the start copy nothing (and allocate no
// buffer).
func (t *trailerOnly) WriteTo(io.Writer) (int64, error) { return 0, nil }

func (t *trailerOnly) Seek(off int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		off += t.pos
	case io.SeekEnd:
		off += t.size
	}
	if off < 0 {
		return 0, errors.New("negative position")
	}
	t.pos = off
	return off, nil
}

// layoutSigner stands in for the key while the library lays out the
// update: no cryptographic operation, a short dummy value.
type layoutSigner struct{ pub crypto.PublicKey }

func (l layoutSigner) Public() crypto.PublicKey { return l.pub }

func (l layoutSigner) Sign(io.Reader, []byte, crypto.SignerOpts) ([]byte, error) {
	return make([]byte, 8), nil
}

// update is the incremental update laid out by the library for an empty
// input, moved to follow the real file (size bytes), with a /Contents
// placeholder of room hex digits (the library's own placeholder, sized
// for its stand-in signature, is replaced).
type update struct {
	buf        []byte // head, "<", hex digits, ">", tail
	head, tail []byte // the signed parts of buf
}

var byteRangeRe = regexp.MustCompile(`/ByteRange \[0 (\d+) (\d+) (\d+)\] *`)

func newUpdate(lay []byte, size int64, room int) (*update, error) {
	m := byteRangeRe.FindSubmatchIndex(lay)
	if m == nil {
		return nil, errors.New("layout: no byte range")
	}
	a, _ := strconv.Atoi(string(lay[m[2]:m[3]]))
	b, _ := strconv.Atoi(string(lay[m[4]:m[5]]))
	if a <= m[1] || b <= a+1 || b > len(lay) || lay[a] != '<' || lay[b-1] != '>' {
		return nil, errors.New("layout: unexpected byte range")
	}
	delta := int64(room+2) - int64(b-a)
	// Offsets in the layout are relative to an empty input; those after
	// the placeholder also move by delta.
	shift := func(v int64) int64 {
		if v >= int64(b) {
			v += delta
		}
		return v + size
	}
	tail, err := shiftOffsets(lay[b:], int64(b), shift)
	if err != nil {
		return nil, err
	}
	u := &update{}
	u.buf = make([]byte, 0, a+room+2+len(tail))
	u.buf = append(u.buf, lay[:a]...)
	u.buf = append(u.buf, '<')
	for range room {
		u.buf = append(u.buf, '0')
	}
	u.buf = append(u.buf, '>')
	u.buf = append(u.buf, tail...)
	// The real byte range, padded to the placeholder's width.
	br := fmt.Sprintf("/ByteRange [0 %d %d %d]", size+int64(a), size+int64(a+room+2), len(tail))
	if len(br) > m[1]-m[0] {
		return nil, errors.New("file too large for the byte range placeholder")
	}
	copy(u.buf[m[0]:m[1]], br+strings.Repeat(" ", m[1]-m[0]-len(br)))
	u.head = u.buf[:a]
	u.tail = u.buf[a+room+2:]
	return u, nil
}

// fill writes the DER signature into the placeholder.
func (u *update) fill(der []byte) {
	hex.Encode(u.buf[len(u.head)+1:], der)
}

var xrefLenRe = regexp.MustCompile(`/Length (\d+)\n`)

// shiftOffsets moves the byte offsets in the tail of a layout (which
// starts at offset base in it): the cross-reference entries (table or
// stream, both written by the library) and startxref.
func shiftOffsets(tail []byte, base int64, shift func(int64) int64) ([]byte, error) {
	// The tail ends with "\n" startxref-value "\n%%EOF\n".
	const eof = "\n%%EOF\n"
	if !bytes.HasSuffix(tail, []byte(eof)) {
		return nil, errors.New("layout: no end-of-file marker")
	}
	d := len(tail) - len(eof)
	secEnd := d
	for secEnd > 0 && isDigit(tail[secEnd-1]) {
		secEnd--
	}
	if secEnd == d || secEnd == 0 || tail[secEnd-1] != '\n' {
		return nil, errors.New("layout: no startxref")
	}
	secEnd--
	xref, err := strconv.ParseInt(string(tail[secEnd+1:d]), 10, 64)
	if err != nil {
		return nil, errors.New("layout: bad startxref")
	}
	x := int(xref - base)
	if x < 0 || x >= secEnd {
		return nil, errors.New("layout: startxref outside the update")
	}
	// The library points startxref at the end-of-line before a
	// cross-reference stream object: point it at the object.
	for x < secEnd && isWS(tail[x]) {
		x++
		xref++
	}
	var out bytes.Buffer
	out.Grow(len(tail) + 64)
	out.Write(tail[:x])
	sec := tail[x:secEnd]
	switch {
	case bytes.HasPrefix(sec, []byte("xref")):
		// Entries are lines "oooooooooo ggggg n\r\n"; the offsets are
		// rewritten in place (same width).
		shifted := bytes.Clone(sec)
		for ln := shifted; len(ln) > 0; {
			line := ln
			if i := bytes.IndexByte(ln, '\n'); i >= 0 {
				line, ln = ln[:i], ln[i+1:]
			} else {
				ln = nil
			}
			if len(line) != 19 || line[10] != ' ' || string(line[16:]) != " n\r" || !allDigits(line[:10]) || !allDigits(line[11:16]) {
				continue
			}
			v, _ := strconv.ParseInt(string(line[:10]), 10, 64)
			nv := shift(v)
			if nv > 9999999999 {
				return nil, errors.New("offset too large for a cross-reference table")
			}
			for k := 9; k >= 0; k-- {
				line[k] = byte('0' + nv%10)
				nv /= 10
			}
		}
		out.Write(shifted)
	default:
		// A cross-reference stream object: /W [1 4 1], FlateDecode.
		lm := xrefLenRe.FindSubmatchIndex(sec)
		si := bytes.Index(sec, []byte(">>\nstream\n"))
		if lm == nil || si < 0 || lm[0] > si {
			return nil, errors.New("layout: unexpected cross-reference stream")
		}
		n, _ := strconv.Atoi(string(sec[lm[2]:lm[3]]))
		ds := si + len(">>\nstream\n")
		if ds+n > len(sec) {
			return nil, errors.New("layout: cross-reference stream too short")
		}
		zr, err := zlib.NewReader(bytes.NewReader(sec[ds : ds+n]))
		if err != nil {
			return nil, err
		}
		rows, err := io.ReadAll(zr)
		if err != nil || len(rows)%6 != 0 {
			return nil, errors.New("layout: unreadable cross-reference stream")
		}
		for i := 0; i < len(rows); i += 6 {
			if rows[i] != 1 {
				continue
			}
			nv := shift(int64(binary.BigEndian.Uint32(rows[i+1:])))
			if nv > math.MaxUint32 {
				return nil, errors.New("offset too large for the cross-reference stream")
			}
			binary.BigEndian.PutUint32(rows[i+1:], uint32(nv))
		}
		var z bytes.Buffer
		zw := zlib.NewWriter(&z)
		zw.Write(rows)
		zw.Close()
		out.Write(sec[:lm[2]])
		out.WriteString(strconv.Itoa(z.Len()))
		out.Write(sec[lm[3]:ds])
		out.Write(z.Bytes())
		out.Write(sec[ds+n:])
	}
	fmt.Fprintf(&out, "\n%d\n%%%%EOF\n", shift(xref))
	return out.Bytes(), nil
}

// ASCII transliterates Vietnamese (and other Latin text with marks) to
// printable ASCII: marks are dropped, đ/Đ become d/D, anything else
// outside printable ASCII becomes '?'.
func ASCII(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		switch {
		case r == 'đ':
			b.WriteByte('d')
		case r == 'Đ':
			b.WriteByte('D')
		case unicode.Is(unicode.Mn, r):
		case r >= 0x20 && r < 0x7f:
			b.WriteRune(r)
		case unicode.IsSpace(r):
			b.WriteByte(' ')
		default:
			b.WriteByte('?')
		}
	}
	return b.String()
}

var (
	cmsOIDData            = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 1}
	cmsOIDSignedData      = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 2}
	cmsOIDContentType     = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 3}
	cmsOIDDigest          = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 4}
	cmsOIDSigningTime     = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 5}
	cmsOIDSigningCertV2   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 47}
	cmsOIDTimestamp       = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 14}
	cmsOIDAdobeRevInfo    = asn1.ObjectIdentifier{1, 2, 840, 113583, 1, 1, 8}
	cmsOIDSHA256          = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}
	cmsOIDEd25519         = asn1.ObjectIdentifier{1, 3, 101, 112}
	cmsOIDRSAWithSHA256   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 11}
	cmsOIDECDSAWithSHA256 = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 2}
)

// tsaClient asks time-stamp authorities (connections are reused).
var tsaClient = &http.Client{Timeout: time.Minute}

// maxTSAResponse bounds a time-stamp authority's answer.
const maxTSAResponse = 1 << 20

// tsaAllowance is the room left for the timestamp token (as the library
// does).
var tsaAllowance = 9000

// cmsSigner builds the detached CMS SignedData of a PDF signature, with
// the attributes the library writes (content type, message digest,
// signing time, Adobe revocation archival, ESS signing-certificate-v2)
// and, with a TSA, the signature timestamp token.
type cmsSigner struct {
	signer               crypto.Signer
	chain                []*x509.Certificate
	ria                  revocation.InfoArchival
	tsaURL               string
	tsaUser, tsaPassword string
}

// maxLen is an upper bound of the DER length of the CMS.
func (c *cmsSigner) maxLen() int {
	n := 1024 // structure, attributes, algorithm identifiers
	for _, ct := range c.chain {
		n += len(ct.Raw)
	}
	n += len(c.chain[0].RawIssuer)
	for _, r := range c.ria.CRL {
		n += len(r.FullBytes)
	}
	for _, r := range c.ria.OCSP {
		n += len(r.FullBytes)
	}
	switch k := c.signer.Public().(type) {
	case *rsa.PublicKey:
		n += k.Size()
	case *ecdsa.PublicKey:
		n += 2*((k.Curve.Params().BitSize+7)/8) + 16
	default:
		n += 1024
	}
	if c.tsaURL != "" {
		n += tsaAllowance
	}
	return n
}

// sign returns the CMS over a document digest (SHA-256).
func (c *cmsSigner) sign(digest []byte) ([]byte, error) {
	leaf := c.chain[0]
	var sigAlg asn1.ObjectIdentifier
	switch c.signer.Public().(type) {
	case *rsa.PublicKey:
		sigAlg = cmsOIDRSAWithSHA256
	case *ecdsa.PublicKey:
		sigAlg = cmsOIDECDSAWithSHA256
	case ed25519.PublicKey:
		sigAlg = cmsOIDEd25519
	default:
		return nil, fmt.Errorf("unsupported key type %T", c.signer.Public())
	}
	now := time.Now().UTC()
	certHash := sha256.Sum256(leaf.Raw)
	ria := marshalRevocation(c.ria)
	var err error
	var attrs [][]byte
	addAttr := func(oid asn1.ObjectIdentifier, value func(*cryptobyte.Builder)) {
		var b cryptobyte.Builder
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1ObjectIdentifier(oid)
			b.AddASN1(cbasn1.SET, value)
		})
		attrs = append(attrs, b.BytesOrPanic())
	}
	addAttr(cmsOIDContentType, func(b *cryptobyte.Builder) { b.AddASN1ObjectIdentifier(cmsOIDData) })
	addAttr(cmsOIDDigest, func(b *cryptobyte.Builder) { b.AddASN1OctetString(digest) })
	addAttr(cmsOIDSigningTime, func(b *cryptobyte.Builder) { b.AddASN1UTCTime(now) })
	addAttr(cmsOIDAdobeRevInfo, func(b *cryptobyte.Builder) { b.AddBytes(ria) })
	addAttr(cmsOIDSigningCertV2, func(b *cryptobyte.Builder) {
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // SigningCertificateV2
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // certs
				b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // ESSCertIDv2, SHA-256 by default
					b.AddASN1OctetString(certHash[:])
				})
			})
		})
	})
	// DER SET OF: sorted encodings.
	slices.SortFunc(attrs, bytes.Compare)
	var signed cryptobyte.Builder
	signed.AddASN1(cbasn1.SET, func(b *cryptobyte.Builder) {
		for _, a := range attrs {
			b.AddBytes(a)
		}
	})
	signedDER := signed.BytesOrPanic()
	var sig []byte
	if sigAlg.Equal(cmsOIDEd25519) {
		sig, err = c.signer.Sign(rand.Reader, signedDER, crypto.Hash(0))
	} else {
		h := sha256.Sum256(signedDER)
		sig, err = c.signer.Sign(rand.Reader, h[:], crypto.SHA256)
	}
	if err != nil {
		return nil, fmt.Errorf("private-key operation: %w", err)
	}
	var token []byte
	if c.tsaURL != "" {
		if token, err = c.timestamp(sig); err != nil {
			return nil, err
		}
	}
	issuer := leaf.RawIssuer
	if len(c.chain) > 1 {
		issuer = c.chain[1].RawSubject
	}
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // ContentInfo
		b.AddASN1ObjectIdentifier(cmsOIDSignedData)
		b.AddASN1(cbasn1.Tag(0).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // SignedData
				b.AddASN1Int64(1)
				b.AddASN1(cbasn1.SET, func(b *cryptobyte.Builder) {
					b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { b.AddASN1ObjectIdentifier(cmsOIDSHA256) })
				})
				b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { b.AddASN1ObjectIdentifier(cmsOIDData) })
				b.AddASN1(cbasn1.Tag(0).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
					for _, ct := range c.chain {
						b.AddBytes(ct.Raw)
					}
				})
				b.AddASN1(cbasn1.SET, func(b *cryptobyte.Builder) {
					b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // SignerInfo
						b.AddASN1Int64(1)
						b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
							b.AddBytes(issuer)
							b.AddASN1BigInt(leaf.SerialNumber)
						})
						b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { b.AddASN1ObjectIdentifier(cmsOIDSHA256) })
						b.AddASN1(cbasn1.Tag(0).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
							for _, a := range attrs {
								b.AddBytes(a)
							}
						})
						b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { b.AddASN1ObjectIdentifier(sigAlg) })
						b.AddASN1OctetString(sig)
						if token != nil {
							b.AddASN1(cbasn1.Tag(1).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
								b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
									b.AddASN1ObjectIdentifier(cmsOIDTimestamp)
									b.AddASN1(cbasn1.SET, func(b *cryptobyte.Builder) { b.AddBytes(token) })
								})
							})
						}
					})
				})
			})
		})
	})
	return b.Bytes()
}

// marshalRevocation encodes Adobe's RevocationInfoArchival as
// encoding/asn1 does for revocation.InfoArchival (empty lists left out),
// without reflection.
func marshalRevocation(r revocation.InfoArchival) []byte {
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		for i, list := range [][]asn1.RawValue{r.CRL, r.OCSP} {
			if len(list) == 0 {
				continue
			}
			b.AddASN1(cbasn1.Tag(i).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
				b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
					for _, v := range list {
						b.AddBytes(v.FullBytes)
					}
				})
			})
		}
	})
	return b.BytesOrPanic()
}

// timestamp asks the TSA for a token over the signature value.
func (c *cmsSigner) timestamp(sig []byte) ([]byte, error) {
	req, err := timestamp.CreateRequest(bytes.NewReader(sig), &timestamp.RequestOptions{Hash: crypto.SHA256, Certificates: true})
	if err != nil {
		return nil, fmt.Errorf("timestamp request: %w", err)
	}
	hr, err := http.NewRequest(http.MethodPost, c.tsaURL, bytes.NewReader(req))
	if err != nil {
		return nil, fmt.Errorf("timestamp request: %w", err)
	}
	hr.Header.Set("Content-Type", "application/timestamp-query")
	if c.tsaUser != "" && c.tsaPassword != "" {
		hr.SetBasicAuth(c.tsaUser, c.tsaPassword)
	}
	resp, err := tsaClient.Do(hr)
	if err != nil {
		return nil, fmt.Errorf("get timestamp: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxTSAResponse))
	if err != nil {
		return nil, fmt.Errorf("get timestamp: %w", err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, fmt.Errorf("get timestamp: non success response (%d): %.200s", resp.StatusCode, body)
	}
	want := sha256.Sum256(sig)
	if token, ok := tokenFromResponse(body, want[:]); ok {
		return token, nil
	}
	// Not plain DER (or refused): let the library parse it and say why.
	ts, err := timestamp.ParseResponse(body)
	if err != nil {
		return nil, fmt.Errorf("parse timestamp: %w", err)
	}
	if ts.HashAlgorithm != crypto.SHA256 || !bytes.Equal(ts.HashedMessage, want[:]) {
		return nil, errors.New("the timestamp does not cover the signature")
	}
	return ts.RawToken, nil
}

// tokenFromResponse returns the token of a granted DER TimeStampResp
// whose message imprint is imprint (SHA-256), without verifying the
// token's signature (verifiers do that): the signer only needs to know
// that it stamps this signature value.
func tokenFromResponse(body, imprint []byte) ([]byte, bool) {
	in := cryptobyte.String(body)
	var resp, status, token cryptobyte.String
	var st int64
	if !in.ReadASN1(&resp, cbasn1.SEQUENCE) || !resp.ReadASN1(&status, cbasn1.SEQUENCE) ||
		!status.ReadASN1Integer(&st) || (st != 0 && st != 1) ||
		!resp.ReadASN1Element(&token, cbasn1.SEQUENCE) {
		return nil, false
	}
	var ci, sdw, sd, eci, ecw, octets, tst, mi, hashed cryptobyte.String
	t := token
	ok := t.ReadASN1(&ci, cbasn1.SEQUENCE) && ci.SkipASN1(cbasn1.OBJECT_IDENTIFIER) &&
		ci.ReadASN1(&sdw, cbasn1.Tag(0).Constructed().ContextSpecific()) && sdw.ReadASN1(&sd, cbasn1.SEQUENCE) &&
		sd.SkipASN1(cbasn1.INTEGER) && sd.SkipASN1(cbasn1.SET) && sd.ReadASN1(&eci, cbasn1.SEQUENCE) &&
		eci.SkipASN1(cbasn1.OBJECT_IDENTIFIER) && eci.ReadASN1(&ecw, cbasn1.Tag(0).Constructed().ContextSpecific()) &&
		ecw.ReadASN1(&octets, cbasn1.OCTET_STRING) && octets.ReadASN1(&tst, cbasn1.SEQUENCE) &&
		tst.SkipASN1(cbasn1.INTEGER) && tst.SkipASN1(cbasn1.OBJECT_IDENTIFIER) && tst.ReadASN1(&mi, cbasn1.SEQUENCE) &&
		mi.SkipASN1(cbasn1.SEQUENCE) && mi.ReadASN1(&hashed, cbasn1.OCTET_STRING)
	if !ok || !bytes.Equal(hashed, imprint) {
		return nil, false
	}
	return token, true
}

func allDigits(b []byte) bool {
	for _, c := range b {
		if !isDigit(c) {
			return false
		}
	}
	return true
}
