package pades

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"
	"image"
	"image/png"
	"io"
	"strings"
	"time"
	"unicode"

	"github.com/digitorus/pdf"
	"github.com/digitorus/pdfsign/revocation"
	"github.com/digitorus/pdfsign/sign"
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

	// MaxSize bounds the input read into memory; 0 means DefaultMaxSize.
	MaxSize int64
}

// DefaultMaxSize bounds the files Sign and Verify read into memory.
const DefaultMaxSize = 64 << 20

// Sign writes to w the PDF read from pdf (size bytes) with one more
// signature appended as an incremental update, so earlier signatures stay
// valid.
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
	if _, err := pdfIn.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("pades: sign: %w", err)
	}
	data, err := io.ReadAll(io.LimitReader(pdfIn, size+1))
	if err != nil {
		return fmt.Errorf("pades: sign: read: %w", err)
	}
	if int64(len(data)) != size {
		return fmt.Errorf("pades: sign: read %d bytes, expected %d", len(data), size)
	}
	in := bytes.NewReader(data)
	rdr, err := pdf.NewReader(in, size)
	if err != nil {
		return fmt.Errorf("pades: sign: not a readable PDF: %w", err)
	}

	leaf := chain[0]
	name := opt.Name
	if name == "" {
		name = leaf.Subject.CommonName
	}
	sd := sign.SignData{
		Signature: sign.SignDataSignature{
			CertType: sign.ApprovalSignature,
			Info: sign.SignDataSignatureInfo{
				Name:        ASCII(name),
				Location:    ASCII(opt.Location),
				Reason:      ASCII(opt.Reason),
				ContactInfo: ASCII(opt.ContactInfo),
				Date:        opt.SigningTime,
			},
		},
		Signer:            s,
		DigestAlgorithm:   crypto.SHA256,
		Certificate:       leaf,
		CertificateChains: [][]*x509.Certificate{chain},
		TSA:               sign.TSA{URL: opt.TSAURL, Username: opt.TSAUsername, Password: opt.TSAPassword},
	}
	if sd.Signature.Info.Date.IsZero() {
		sd.Signature.Info.Date = time.Now()
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
	sd.RevocationData = ria

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
					t.Time = sd.Signature.Info.Date
				}
				w := int((a.Rect[2] - a.Rect[0]) * 3) // about 216 dpi
				h := int((a.Rect[3] - a.Rect[1]) * 3)
				src, err = RenderAppearance(t, w, h)
				if err != nil {
					return err
				}
			}
			var buf bytes.Buffer
			if err := png.Encode(&buf, src); err != nil {
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

	var out bytes.Buffer
	if err := sign.Sign(in, &out, rdr, size, sd); err != nil {
		return fmt.Errorf("pades: sign: %w", err)
	}
	_, err = w.Write(out.Bytes())
	return err
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
