package signing

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/boombuler/barcode"
	"github.com/boombuler/barcode/qr"
	xdraw "golang.org/x/image/draw"
	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
	"golang.org/x/text/unicode/norm"

	"github.com/go-fonts/liberation/liberationserifregular"

	"egov/internal/apperr"
	"egov/internal/signing/pades"
	"egov/internal/signing/pki"
)

// ErrNotPDF refuses to sign a result that is not a PDF.
var ErrNotPDF = apperr.Validation(apperr.Field("result", "signing.result_not_pdf",
	"Văn bản kết quả phải là tệp PDF để ký số.", "The result document must be a PDF to be signed."))

// Issuer signs the documents egov issues: a dossier's result by the
// official who decides it and then by the deciding agency (its seal,
// Decree 30/2020 Appendix I), and the one-stop forms by the agency alone.
type Issuer struct {
	PKI *pki.Service
	// TSAURL gives the timestamp authority's address ("" signs without a
	// timestamp: level B-B).
	TSAURL func(ctx context.Context) (string, error)
	// Agency and Official describe who signs, for certificates issued on
	// demand and for the seal's text. Agency answers for a merged agency
	// with the agency it was merged into (pki.Agency.ID tells which).
	Agency   func(ctx context.Context, id int64) (pki.Agency, error)
	Official func(ctx context.Context, userID int64) (pki.Official, error)
	// AutoIssue lets the built-in CA issue a missing certificate on first
	// use: the embedded default only, where the built-in CA plays the
	// Government's specialised CA.
	AutoIssue bool
	// MaxBytes bounds the documents signed (pades.DefaultMaxSize when 0).
	MaxBytes int64
}

// Mark is the e-result code and the address of its verification page,
// printed beside the seal with a QR code of the address.
type Mark struct {
	Code string // e.g. 000.01.20.H37-260302-0001-KQ1
	URL  string
}

// VerifyURL is the public verification page of an e-result code.
func VerifyURL(base, code string) string {
	return strings.TrimRight(base, "/") + "/xac-thuc-van-ban/" + url.PathEscape(code)
}

// Signed tells who signed a document.
type Signed struct {
	Person       string // the official's name; "" when they did not sign here
	Organisation string // the agency's name; "" when unsigned
	Level        string // PAdES baseline level: "B-LT" (timestamp, then the DSS), "B-B" without a timestamp authority
}

// Unsigned reports whether nobody signed.
func (s Signed) Unsigned() bool { return s.Organisation == "" && s.Person == "" }

// SignResult signs a result: the official's personal signature (unless the
// PDF already carries a signature, made with a token outside egov), then
// the agency's organisation signature with its seal and the e-result code.
// An agency that holds no organisation certificate issues the result
// unsigned (the caller records that); once it holds one, an official
// without a personal certificate cannot issue results until given one.
func (is *Issuer) SignResult(ctx context.Context, doc []byte, userID, agencyID int64, m Mark) ([]byte, Signed, error) {
	var out Signed
	agencyID, org, err := is.organisation(ctx, agencyID)
	if err != nil {
		return nil, out, err
	}
	if org == nil {
		return doc, out, nil // the agency cannot sign yet
	}
	if !bytes.HasPrefix(bytes.TrimLeft(doc, "\x00\t\n\f\r "), []byte("%PDF-")) {
		return nil, out, ErrNotPDF
	}
	geo, tsa, agency, err := is.prepare(ctx, doc, agencyID, 0)
	if err != nil {
		return nil, out, err
	}
	lay := resultLayout(geo.Box)
	signedBefore, err := hasSignature(doc)
	if err != nil {
		return nil, out, err
	}
	now := time.Now()
	if !signedBefore {
		per, err := is.cert(ctx, pki.KindPersonal, agencyID, userID)
		if err != nil {
			return nil, out, err
		}
		s, err := is.PKI.SignerFor(ctx, per.ID)
		if err != nil {
			return nil, out, err
		}
		hand, _, _, err := is.PKI.Image(ctx, pki.SignatureImage, userID)
		if err != nil {
			return nil, out, err
		}
		img, err := personImage(per, hand, lay, now)
		if err != nil {
			return nil, out, err
		}
		opt := pades.Options{TSAURL: tsa, Reason: "Phe duyet ket qua " + m.Code, Location: agency.Province,
			MaxSize: is.maxBytes(), Appearance: &pades.Appearance{Page: uint32(geo.Pages), Rect: lay.person, Image: img},
			CRLs: is.crls(ctx, per)}
		if doc, err = sign(doc, s, opt); err != nil {
			return nil, out, err
		}
		out.Person = per.Cert.Subject.CommonName
	}
	seal, _, _, err := is.PKI.Image(ctx, pki.SealImage, agencyID)
	if err != nil {
		return nil, out, err
	}
	img, err := orgImage(agency, seal, lay, m)
	if err != nil {
		return nil, out, err
	}
	s, err := is.PKI.SignerFor(ctx, org.ID)
	if err != nil {
		return nil, out, err
	}
	opt := pades.Options{TSAURL: tsa, Reason: "Ban hanh ket qua " + m.Code, Location: agency.Province,
		MaxSize: is.maxBytes(), Appearance: &pades.Appearance{Page: uint32(geo.Pages), Rect: lay.org, Image: img},
		CRLs: is.crls(ctx, org)}
	if doc, err = sign(doc, s, opt); err != nil {
		return nil, out, err
	}
	out.Organisation = agency.Name
	out.Level = level(tsa)
	return is.longTerm(ctx, doc, &out)
}

// longTerm adds the Document Security Store to a timestamped document:
// the chains of its signers and of the timestamp authority with their
// CRLs, so that it still verifies offline after the certificates expire
// (PAdES B-LT).
func (is *Issuer) longTerm(ctx context.Context, doc []byte, out *Signed) ([]byte, Signed, error) {
	if out.Level != "B-T" {
		return doc, *out, nil
	}
	cas, err := is.cas(ctx)
	if err != nil {
		return nil, *out, err
	}
	src := pades.DSSSources{CRL: func(issuer *x509.Certificate) ([]byte, error) {
		for _, c := range cas {
			if bytes.Equal(c.Cert.Raw, issuer.Raw) {
				return is.PKI.CRL(ctx, c.ID)
			}
		}
		return nil, nil // a CA egov does not run: the verifier looks it up
	}, OCSP: func(cert, issuer *x509.Certificate) ([]byte, error) {
		// Produced now, after the signatures: it proves the status at
		// the signing time (a CRL may be up to a day older).
		return is.PKI.OCSPFor(ctx, cert, issuer)
	}}
	for _, c := range cas {
		if c.Kind == pki.KindRoot {
			src.Certs = append(src.Certs, c.Cert)
		}
	}
	d, err := pades.CollectDSS(bytes.NewReader(doc), int64(len(doc)), src)
	if err != nil {
		return nil, *out, err
	}
	var buf bytes.Buffer
	buf.Grow(len(doc) + 16<<10)
	if err := pades.AddDSS(&buf, bytes.NewReader(doc), int64(len(doc)), d); err != nil {
		return nil, *out, err
	}
	out.Level = "B-LT"
	return buf.Bytes(), *out, nil
}

// cas are the certification authorities egov runs (built-in root and
// issuing CAs).
func (is *Issuer) cas(ctx context.Context) ([]*pki.Certificate, error) {
	roots, err := is.PKI.List(ctx, pki.KindRoot)
	if err != nil {
		return nil, err
	}
	issuing, err := is.PKI.List(ctx, pki.KindIssuing)
	return append(roots, issuing...), err
}

// SignForm adds the agency's organisation signature to a form it issues,
// without image, at the top right of the first page with the signing
// time (Decree 30/2020 Appendix I for documents issued with the
// organisation's signature alone). An agency without an organisation
// certificate gets the form back unsigned.
func (is *Issuer) SignForm(ctx context.Context, doc []byte, agencyID int64) ([]byte, Signed, error) {
	var out Signed
	agencyID, org, err := is.organisation(ctx, agencyID)
	if err != nil {
		return nil, out, err
	}
	if org == nil {
		return doc, out, nil // the agency cannot sign yet
	}
	geo, tsa, agency, err := is.prepare(ctx, doc, agencyID, 1)
	if err != nil {
		return nil, out, err
	}
	s, err := is.PKI.SignerFor(ctx, org.ID)
	if err != nil {
		return nil, out, err
	}
	b := geo.Box
	rect := [4]float64{b[2] - 14 - 170, b[3] - 4 - 26, b[2] - 14, b[3] - 4} // above the form number line
	opt := pades.Options{TSAURL: tsa, Reason: "Ban hanh", Location: agency.Province, MaxSize: is.maxBytes(),
		Appearance: &pades.Appearance{Page: 1, Rect: rect, Text: pades.AppearanceText{Name: agency.Name, Time: time.Now()}},
		CRLs:       is.crls(ctx, org)}
	if doc, err = sign(doc, s, opt); err != nil {
		return nil, out, err
	}
	out.Organisation = agency.Name
	out.Level = level(tsa)
	return is.longTerm(ctx, doc, &out)
}

// crls is the current revocation list of the CA that issued c, embedded
// in the signature so that a verifier finds the certificate's status as it
// was when signed without going online. A CA egov does not run (an
// imported certificate) gives none: the verifier then looks it up.
func (is *Issuer) crls(ctx context.Context, c *pki.Certificate) [][]byte {
	if c.IssuerID == 0 {
		return nil
	}
	crl, err := is.PKI.CRL(ctx, c.IssuerID)
	if err != nil {
		return nil
	}
	return [][]byte{crl}
}

// organisation is the agency that signs for agencyID today and its
// organisation certificate; the certificate is nil when the agency cannot
// sign (the document goes out unsigned).
func (is *Issuer) organisation(ctx context.Context, agencyID int64) (int64, *pki.Certificate, error) {
	agencyID, err := is.current(ctx, agencyID)
	if err != nil {
		return 0, nil, err
	}
	org, err := is.cert(ctx, pki.KindOrganisation, agencyID, 0)
	if errors.Is(err, pki.ErrNoOrganisationCert) {
		return agencyID, nil, nil
	}
	return agencyID, org, err
}

// current is the agency that signs for agencyID today: Agency answers
// for an agency merged into another (a reorganisation) with the one it
// was merged into, whose certificates sign from then on; the old
// agency's documents keep their signatures.
func (is *Issuer) current(ctx context.Context, agencyID int64) (int64, error) {
	a, err := is.Agency(ctx, agencyID)
	if err != nil {
		return 0, err
	}
	return a.ID, nil
}

// prepare reads where the signatures go (page 0: the last), the
// timestamp authority and the signing agency.
func (is *Issuer) prepare(ctx context.Context, doc []byte, agencyID int64, page int) (pades.PageGeometry, string, pki.Agency, error) {
	geo, err := pades.PageBox(bytes.NewReader(doc), int64(len(doc)), page)
	if err != nil {
		return geo, "", pki.Agency{}, ErrNotPDF.Wrap(err)
	}
	tsa, err := is.tsa(ctx)
	if err != nil {
		return geo, "", pki.Agency{}, err
	}
	agency, err := is.Agency(ctx, agencyID)
	return geo, tsa, agency, err
}

func level(tsa string) string {
	if tsa == "" {
		return "B-B"
	}
	return "B-T"
}

func (is *Issuer) maxBytes() int64 {
	if is.MaxBytes > 0 {
		return is.MaxBytes
	}
	return pades.DefaultMaxSize
}

func (is *Issuer) tsa(ctx context.Context) (string, error) {
	if is.TSAURL == nil {
		return "", nil
	}
	return is.TSAURL(ctx)
}

// cert finds the signing certificate, issuing it from the built-in CA on
// first use where AutoIssue allows.
func (is *Issuer) cert(ctx context.Context, kind pki.Kind, agencyID, userID int64) (*pki.Certificate, error) {
	c, err := is.PKI.SigningCert(ctx, kind, agencyID, userID)
	if err == nil || !is.AutoIssue || !(errors.Is(err, pki.ErrNoOrganisationCert) || errors.Is(err, pki.ErrNoPersonalCert)) {
		return c, err
	}
	a, err := is.Agency(ctx, agencyID)
	if err != nil {
		return nil, err
	}
	if kind == pki.KindOrganisation {
		return is.PKI.IssueOrganisation(ctx, a)
	}
	o, err := is.Official(ctx, userID)
	if err != nil {
		return nil, err
	}
	return is.PKI.IssuePersonal(ctx, o, a)
}

func sign(doc []byte, s pades.Signer, opt pades.Options) ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(len(doc) + 64<<10)
	if err := pades.Sign(&buf, bytes.NewReader(doc), int64(len(doc)), s, opt); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func hasSignature(doc []byte) (bool, error) {
	rep, err := pades.Verify(bytes.NewReader(doc), int64(len(doc)), pades.VerifyOptions{MaxSize: int64(len(doc)) + 1})
	if err != nil {
		return false, err
	}
	return len(rep.Signatures) > 0, nil
}

// layout is where a result's two signatures go on its last page, in
// points: the person's signature at the lower right, the organisation's
// rectangle holding the seal over the left third of the person's and,
// below, the e-result code with its QR code.
type layout struct {
	person, org [4]float64
	seal        [4]float64 // inside org, in points from org's lower left
	band        [4]float64 // the code and QR band, likewise
}

const (
	sealPt   = 102.0 // 36 mm: the usual round seal, at actual size
	personW  = 240.0
	personH  = 70.0
	bandH    = 52.0
	marginPt = 36.0
	dpiScale = 2.0 // pixels per point of the appearance images (144 dpi)
)

func resultLayout(box [4]float64) layout {
	w := box[2] - box[0]
	scale := 1.0
	if need := personW + sealPt*2/3 + 2*marginPt; w < need {
		scale = w / need
	}
	pw, ph, sp, bh, mg := personW*scale, personH*scale, sealPt*scale, bandH*scale, marginPt*scale
	var l layout
	x1 := box[2] - mg
	y0 := box[1] + mg + bh + max(0, (sp-ph)/2) + 4*scale // the seal clears the band
	l.person = [4]float64{x1 - pw, y0, x1, y0 + ph}
	// The seal covers the left third of the person's signature.
	sx1 := l.person[0] + pw/3
	cy := (l.person[1] + l.person[3]) / 2
	seal := [4]float64{sx1 - sp, cy - sp/2, sx1, cy + sp/2}
	l.org = [4]float64{seal[0], box[1] + mg, x1, seal[3]}
	l.seal = [4]float64{seal[0] - l.org[0], seal[1] - l.org[1], seal[2] - l.org[0], seal[3] - l.org[1]}
	l.band = [4]float64{0, 0, l.org[2] - l.org[0], bh}
	return l
}

// personImage draws the official's signature: who signed, their position,
// agency and the time, in the right two thirds of the rectangle, the left
// third being where the seal is stamped over it.
func personImage(c *pki.Certificate, hand image.Image, l layout, at time.Time) (image.Image, error) {
	W := int((l.person[2] - l.person[0]) * dpiScale)
	H := int((l.person[3] - l.person[1]) * dpiScale)
	img := image.NewNRGBA(image.Rect(0, 0, W, H))
	if hand != nil {
		// The handwritten signature above the name and the signing time.
		area := image.Rect(W/3, 0, W, H*62/100)
		xdraw.CatmullRom.Scale(img, fit(hand.Bounds(), area), hand, hand.Bounds(), xdraw.Over, nil)
		when := at.In(ict).Format("2006-01-02T15:04:05-07:00")
		return img, drawLines(img, image.Rect(W/3, H*64/100, W, H), []string{c.Cert.Subject.CommonName, "Thời gian ký: " + when}, ballpoint)
	}
	t := pades.AppearanceText{Name: c.Cert.Subject.CommonName, Title: pki.Title(c.Cert.Subject),
		Organization: strings.Join(c.Cert.Subject.Organization, ", "), Time: at}
	text, err := pades.RenderAppearance(t, W-W/3, H)
	if err != nil {
		return nil, err
	}
	draw.Draw(img, image.Rect(W/3, 0, W, H), text, image.Point{}, draw.Over)
	return img, nil
}

// orgImage draws the organisation's appearance: the seal and, under the
// signatures, the e-result code beside a QR code of its verification
// address, on a transparent background.
func orgImage(a pki.Agency, sealImg image.Image, l layout, m Mark) (image.Image, error) {
	W := int((l.org[2] - l.org[0]) * dpiScale)
	H := int((l.org[3] - l.org[1]) * dpiScale)
	img := image.NewNRGBA(image.Rect(0, 0, W, H))
	px := func(r [4]float64) image.Rectangle { // points from lower left -> pixels from top left
		return image.Rect(int(r[0]*dpiScale), H-int(r[3]*dpiScale), int(r[2]*dpiScale), H-int(r[1]*dpiScale))
	}
	bottom := a.Province
	if bottom != "" && !strings.HasPrefix(strings.ToLower(bottom), "tỉnh") && !strings.HasPrefix(strings.ToLower(bottom), "thành phố") {
		bottom = "Tỉnh " + bottom
	}
	if bottom == "" {
		bottom = a.Code
	}
	sr := px(l.seal)
	if sealImg != nil {
		// The agency's registered seal, at the seal's actual size.
		xdraw.CatmullRom.Scale(img, fit(sealImg.Bounds(), sr), sealImg, sealImg.Bounds(), xdraw.Over, nil)
	} else {
		seal, err := drawnSeal(pades.SealText{Name: a.Name, Bottom: bottom}, sr.Dx())
		if err != nil {
			return nil, err
		}
		draw.Draw(img, sr, seal, image.Point{}, draw.Over)
	}
	if m.Code == "" {
		return img, nil
	}
	br := px(l.band)
	q := br.Dy()
	if m.URL != "" {
		code, err := qr.Encode(m.URL, qr.M, qr.Auto)
		if err != nil {
			return nil, fmt.Errorf("signing: QR code: %w", err)
		}
		if code, err = barcode.Scale(code, q, q); err != nil {
			return nil, fmt.Errorf("signing: QR code: %w", err)
		}
		draw.Draw(img, image.Rect(br.Min.X, br.Min.Y, br.Min.X+q, br.Min.Y+q), code, image.Point{}, draw.Src)
	}
	lines := []string{"Mã kết quả điện tử:", m.Code}
	if m.URL != "" {
		// The QR code carries the whole address; the text gives the page
		// where the code can be typed.
		lines = append(lines, "Quét mã QR hoặc tra mã tại:", strings.TrimSuffix(m.URL, "/"+m.Code))
	}
	return img, drawLines(img, image.Rect(br.Min.X+q+q/8, br.Min.Y, br.Max.X, br.Max.Y), lines, color.NRGBA{A: 0xff})
}

// seals keeps the seals drawn for agencies without a seal image: drawing
// one takes milliseconds and an agency's seal does not change.
var seals sync.Map // sealKey -> *image.NRGBA

type sealKey struct {
	text pades.SealText
	size int
}

func drawnSeal(t pades.SealText, size int) (*image.NRGBA, error) {
	k := sealKey{t, size}
	if v, ok := seals.Load(k); ok {
		return v.(*image.NRGBA), nil
	}
	img, err := pades.RenderSeal(t, size)
	if err != nil {
		return nil, err
	}
	seals.Store(k, img)
	return img, nil
}

// ballpoint is the blue of a person's signature.
var ballpoint = color.NRGBA{R: 0x10, G: 0x2a, B: 0xa0, A: 0xff}

var ict = time.FixedZone("ICT", 7*3600)

// fit is the largest rectangle of src's proportions centred in area.
func fit(src, area image.Rectangle) image.Rectangle {
	w, h := area.Dx(), area.Dy()
	if src.Dx()*h > src.Dy()*w {
		h = src.Dy() * w / src.Dx()
	} else {
		w = src.Dx() * h / src.Dy()
	}
	x := area.Min.X + (area.Dx()-w)/2
	y := area.Min.Y + (area.Dy()-h)/2
	return image.Rect(x, y, x+w, y+h)
}

var (
	textOnce sync.Once
	textFont *opentype.Font
	textErr  error
)

// drawLines writes lines in ink, as large as fits r.
func drawLines(dst draw.Image, r image.Rectangle, lines []string, ink color.Color) error {
	textOnce.Do(func() { textFont, textErr = opentype.Parse(liberationserifregular.TTF) })
	if textErr != nil {
		return textErr
	}
	size := float64(r.Dy()) / (float64(len(lines))*1.25 + 0.2)
	var face font.Face
	for {
		var err error
		if face, err = opentype.NewFace(textFont, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull}); err != nil {
			return err
		}
		widest := 0
		for _, l := range lines {
			if w := font.MeasureString(face, norm.NFC.String(l)).Ceil(); w > widest {
				widest = w
			}
		}
		if widest <= r.Dx() || size <= 4 {
			break
		}
		size *= float64(r.Dx()) / float64(widest) * 0.98
	}
	src := image.NewUniform(ink)
	for i, l := range lines {
		d := font.Drawer{Dst: dst, Src: src, Face: face,
			Dot: fixed.Point26_6{X: fixed.I(r.Min.X), Y: fixed.Int26_6((float64(r.Min.Y) + size*1.25*float64(i) + size) * 64)}}
		d.DrawString(norm.NFC.String(l))
	}
	return nil
}
