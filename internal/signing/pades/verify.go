package pades

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/subtle"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/digitorus/pdfsign/revocation"
	"github.com/digitorus/pkcs7"
	"github.com/digitorus/timestamp"
	"golang.org/x/crypto/ocsp"
)

// VerifyOptions configure Verify.
type VerifyOptions struct {
	// Roots are the trusted roots (for signers and time-stamp authorities).
	Roots *x509.CertPool
	// CRLs (DER) known to the caller, used with those embedded in signatures.
	CRLs [][]byte
	// Now is the validation time; zero means time.Now().
	Now time.Time
	// MaxSize refuses larger files; 0 means DefaultMaxSize.
	MaxSize int64
	// RequireRevocation makes a signature Indeterminate when no CRL or OCSP
	// response covers its certificate; by default it stays Valid with a note.
	RequireRevocation bool
}

// Verdict is the outcome for one signature.
type Verdict int

const (
	Valid Verdict = iota + 1
	Invalid
	Indeterminate
)

func (v Verdict) String() string {
	switch v {
	case Valid:
		return "valid"
	case Invalid:
		return "invalid"
	case Indeterminate:
		return "indeterminate"
	}
	return "unknown"
}

// MarshalText writes the verdict as "valid", "invalid" or "indeterminate".
func (v Verdict) MarshalText() ([]byte, error) { return []byte(v.String()), nil }

// UnmarshalText reads what MarshalText writes.
func (v *Verdict) UnmarshalText(b []byte) error {
	for _, c := range []Verdict{Valid, Invalid, Indeterminate} {
		if string(b) == c.String() {
			*v = c
			return nil
		}
	}
	return fmt.Errorf("pades: unknown verdict %q", b)
}

// Message is a plain sentence in Vietnamese and English.
type Message struct {
	VI string `json:"vi"`
	EN string `json:"en"`
}

func msg(vi, en string, args ...any) Message {
	return Message{VI: fmt.Sprintf(vi, args...), EN: fmt.Sprintf(en, args...)}
}

// Change is what was added after a signature.
type Change int

const (
	NoChange       Change = iota // the signature covers the whole file
	SignaturesOnly               // only later revisions that each end with a signature (validation data may be added too)
	OtherChanges                 // at least one revision that is neither a signature nor validation data
	ValidationData               // only revisions adding validation data (a /DSS), no signature
)

func (c Change) String() string {
	switch c {
	case NoChange:
		return "none"
	case SignaturesOnly:
		return "signatures"
	case OtherChanges:
		return "other"
	case ValidationData:
		return "validation_data"
	}
	return "unknown"
}

// MarshalText writes the change as "none", "signatures", "other" or
// "validation_data".
func (c Change) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// UnmarshalText reads what MarshalText writes.
func (c *Change) UnmarshalText(b []byte) error {
	for _, k := range []Change{NoChange, SignaturesOnly, OtherChanges, ValidationData} {
		if string(b) == k.String() {
			*c = k
			return nil
		}
	}
	return fmt.Errorf("pades: unknown change %q", b)
}

// Level is the PAdES baseline level a signature's content reaches.
type Level string

const (
	LevelNone Level = ""     // invalid signature
	LevelBB   Level = "B-B"  // signed attributes with the signer's certificate
	LevelBT   Level = "B-T"  // plus a trusted signature timestamp
	LevelBLT  Level = "B-LT" // plus, in the document security store, revocation data for the signer's certificate
)

// SignerInfo is who signed, from the certificate.
type SignerInfo struct {
	Name         string    `json:"name"`         // subject CN
	Organization string    `json:"organization"` // subject O
	AgencyCode   string    `json:"agency_code"`  // subject OU
	Title        string    `json:"title"`        // subject title (2.5.4.12)
	Email        string    `json:"email"`        // first e-mail SAN
	Serial       string    `json:"serial"`       // hex
	Issuer       string    `json:"issuer"`       // issuer CN
	NotBefore    time.Time `json:"not_before"`
	NotAfter     time.Time `json:"not_after"`
}

// SignatureReport is the outcome for one signature, in file order.
type SignatureReport struct {
	Index     int      `json:"index"` // 1-based, in signing order
	ByteRange [4]int64 `json:"byte_range"`

	Signer SignerInfo `json:"signer"`

	// ClaimedTime is the signer's signing-time attribute (zero if absent).
	ClaimedTime time.Time `json:"claimed_time"`
	// TimestampTime is the trusted RFC 3161 genTime (zero if none).
	TimestampTime time.Time `json:"timestamp_time"`
	// SigningTime is the time the certificate was checked at;
	// TimeFromTimestamp says whether a trusted timestamp proves it.
	SigningTime       time.Time `json:"signing_time"`
	TimeFromTimestamp bool      `json:"time_from_timestamp"`

	Intact       bool `json:"intact"`        // digest over ByteRange matches, range lies not
	SignatureOK  bool `json:"signature_ok"`  // CMS signature value verifies
	Trusted      bool `json:"trusted"`       // chains to a root at SigningTime
	Revoked      bool `json:"revoked"`       // some certificate in the chain was revoked
	RevocationOK bool `json:"revocation_ok"` // status known for the signer certificate

	ChangedAfter Change `json:"changed_after"`
	AddedAfter   int    `json:"signatures_after"` // later signatures

	// Level is the baseline level reached (empty when Invalid).
	Level Level `json:"level"`
	// RevocationFromDSS: the signer certificate's status comes from the
	// document security store.
	RevocationFromDSS bool `json:"revocation_from_dss"`

	Verdict Verdict   `json:"verdict"`
	Summary Message   `json:"summary"`
	Notes   []Message `json:"notes"`
}

// Report is the outcome for a file.
type Report struct {
	Readable   bool              `json:"readable"`
	Size       int64             `json:"size"`
	Signatures []SignatureReport `json:"signatures"`
	// ChangedAfterLast is true when the file has content after the end of
	// the last signature's range.
	ChangedAfterLast bool    `json:"changed_after_last"`
	Summary          Message `json:"summary"`
}

// ExitStatus is the command-line status: 0 at least one signature, all
// valid, nothing changed after the last; 1 some signature invalid; 2 some
// indeterminate or content changed after the last signature; 3 no
// signature or not a readable PDF.
func (r Report) ExitStatus() int {
	if !r.Readable || len(r.Signatures) == 0 {
		return 3
	}
	indet := r.ChangedAfterLast
	for _, s := range r.Signatures {
		switch s.Verdict {
		case Invalid:
			return 1
		case Valid:
		default:
			indet = true
		}
	}
	if indet {
		return 2
	}
	return 0
}

var (
	oidSigningTime     = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 5}
	oidMessageDigest   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 4}
	oidTimestampToken  = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 14}
	oidRevocationInfo  = asn1.ObjectIdentifier{1, 2, 840, 113583, 1, 1, 8}
	oidSHA256          = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}
	oidSHA384          = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 2}
	oidSHA512          = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 3}
	oidRSA             = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 1}
	oidSHA256WithRSA   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 11}
	oidSHA384WithRSA   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 12}
	oidSHA512WithRSA   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 13}
	oidECPublicKey     = asn1.ObjectIdentifier{1, 2, 840, 10045, 2, 1}
	oidECDSAWithSHA256 = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 2}
	oidECDSAWithSHA384 = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 3}
	oidECDSAWithSHA512 = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 4}
)

// Verify checks every signature of the PDF in r. The error is for I/O
// failures and refused sizes; a file that is not a PDF gives a Report with
// Readable false (exit status 3), not an error.
func Verify(r io.ReaderAt, size int64, opt VerifyOptions) (rep Report, err error) {
	rep.Size = size
	defer func() {
		if p := recover(); p != nil {
			rep = Report{Size: size, Summary: msg("Không đọc được tệp: lỗi nội bộ khi phân tích.", "The file could not be read: internal error while parsing.")}
			err = fmt.Errorf("pades: verify: internal error: %v", p)
		}
	}()
	maxSize := opt.MaxSize
	if maxSize <= 0 {
		maxSize = DefaultMaxSize
	}
	if size > maxSize {
		rep.Summary = msg("Tệp quá lớn (%d byte, tối đa %d).", "The file is too large (%d bytes, at most %d).", size, maxSize)
		return rep, fmt.Errorf("pades: verify: file of %d bytes exceeds %d", size, maxSize)
	}
	if size <= 0 {
		rep.Summary = msg("Tệp rỗng, không phải PDF.", "The file is empty, not a PDF.")
		return rep, nil
	}
	data := make([]byte, size)
	if n, err := r.ReadAt(data, 0); int64(n) != size {
		if err == nil {
			err = io.ErrUnexpectedEOF
		}
		return rep, fmt.Errorf("pades: verify: read: %w", err)
	}
	if !isPDF(data) {
		rep.Summary = msg("Tệp không phải là PDF đọc được.", "The file is not a readable PDF.")
		return rep, nil
	}
	rep.Readable = true
	if opt.Now.IsZero() {
		opt.Now = time.Now()
	}
	extraCRLs := parseCRLs(opt.CRLs)

	raws := findSignatures(data)
	if len(raws) == 0 {
		rep.Summary = msg("Tệp PDF không có chữ ký số.", "The PDF has no digital signature.")
		return rep, nil
	}
	sigEnds := map[int64]bool{}
	for _, s := range raws {
		if s.Err == nil {
			sigEnds[s.End()] = true
		}
	}
	revEnds := revisionEnds(data)
	dss := readDSS(data)
	var dssOK map[[2]int64]bool // cache of dssRevisionOK per revision
	for i, raw := range raws {
		sr := verifyOne(data, raw, opt, extraCRLs, &dss)
		sr.Index = i + 1
		if raw.Err == nil {
			var mixed, validation bool
			sr.ChangedAfter, sr.AddedAfter, mixed, validation = changeAfter(data, raw.End(), sigEnds, revEnds, &dssOK)
			if mixed {
				sr.Notes = append(sr.Notes, msg("Một lần ký sau chữ ký này còn thay đổi nội dung tài liệu (trang, nội dung hoặc tài nguyên của trang), không chỉ thêm chữ ký.",
					"A later signing revision also changed the document's content (pages, page contents or resources), not only added a signature."))
			}
			switch sr.ChangedAfter {
			case SignaturesOnly:
				sr.Notes = append(sr.Notes, msg("Sau chữ ký này có thêm %d chữ ký khác (cập nhật tăng dần); phần đã ký không bị thay đổi.",
					"%d more signature(s) were added after this one by incremental update; the signed part is unchanged.", sr.AddedAfter))
			case OtherChanges:
				sr.Notes = append(sr.Notes, msg("Sau chữ ký này tệp đã được bổ sung nội dung khác ngoài chữ ký (cập nhật tăng dần): phần đã ký không đổi nhưng tài liệu hiển thị có thể khác với tài liệu đã ký.",
					"Content other than signatures was appended after this signature (incremental update): the signed part is unchanged, but the document shown may differ from the one signed."))
			}
			if validation && sr.ChangedAfter != OtherChanges {
				sr.Notes = append(sr.Notes, msg("Sau chữ ký này tệp được bổ sung dữ liệu kiểm tra hiệu lực (kho DSS: chứng thư, CRL, OCSP); phần đã ký và nội dung tài liệu không thay đổi.",
					"Validation data (a document security store: certificates, CRLs, OCSP responses) was added after this signature; the signed part and the document's content are unchanged."))
			}
		}
		rep.Signatures = append(rep.Signatures, sr)
	}
	last := raws[len(raws)-1]
	rep.ChangedAfterLast = last.Err != nil ||
		!onlyWS(data[last.End():]) && rep.Signatures[len(rep.Signatures)-1].ChangedAfter != ValidationData
	rep.Summary = summarize(rep)
	return rep, nil
}

// changeAfter classifies what follows a signature ending at end. mixed
// reports a later revision that ends with a signature but also changes
// the document's content; validation a later revision that only adds
// validation data (see dssRevisionOK, whose results are cached in cache).
func changeAfter(data []byte, end int64, sigEnds map[int64]bool, revEnds []int64, cache *map[[2]int64]bool) (c Change, n int, mixed, validation bool) {
	if onlyWS(data[end:]) {
		return NoChange, 0, false, false
	}
	if *cache == nil {
		*cache = map[[2]int64]bool{}
	}
	other := false
	prev := end
	for _, e := range revEnds {
		if e <= end {
			continue
		}
		if sigEnds[e] || sigEnds[trimWSEnd(data, e)] {
			n++
			if !signatureRevisionOK(data, prev, e) {
				other, mixed = true, true
			}
		} else {
			k := [2]int64{prev, e}
			ok, seen := (*cache)[k]
			if !seen {
				// Each check scans the file up to the revision: a cheap
				// filter first, and a bound on how many are made.
				ok = len(*cache) < maxDSSRevisions && bytes.Contains(data[prev:e], []byte("/DSS")) && dssRevisionOK(data, prev, e)
				(*cache)[k] = ok
			}
			if ok {
				validation = true
			} else {
				other = true
			}
		}
		prev = e
	}
	if !onlyWS(data[prev:]) {
		other = true
	}
	switch {
	case other:
		return OtherChanges, n, mixed, validation
	case n == 0:
		return ValidationData, 0, false, true
	}
	return SignaturesOnly, n, false, validation
}

func trimWSEnd(data []byte, e int64) int64 {
	for e > 0 && isWS(data[e-1]) {
		e--
	}
	return e
}

func summarize(rep Report) Message {
	switch rep.ExitStatus() {
	case 0:
		return msg("Tất cả %d chữ ký hợp lệ và tài liệu không bị thay đổi sau chữ ký cuối cùng.",
			"All %d signature(s) are valid and the document has not changed after the last signature.", len(rep.Signatures))
	case 1:
		return msg("Có chữ ký không hợp lệ: tài liệu không được tin cậy.", "At least one signature is invalid: do not trust the document.")
	case 2:
		if rep.ChangedAfterLast {
			return msg("Tài liệu đã bị bổ sung nội dung sau chữ ký cuối cùng.", "The document was changed after the last signature.")
		}
		return msg("Chưa xác định được hiệu lực của mọi chữ ký.", "The validity of every signature could not be determined.")
	}
	return msg("Không có chữ ký số.", "No digital signature.")
}

// signedAttr mirrors a CMS attribute for re-encoding the signed attributes.
type signedAttr struct {
	Type  asn1.ObjectIdentifier
	Value asn1.RawValue `asn1:"set"`
}

type sigCtx struct {
	rep   *SignatureReport
	p7    *pkcs7.PKCS7
	leaf  *x509.Certificate
	attrs []signedAttr
	dss   *dssData // the last revision's document security store
}

func (c *sigCtx) fail(v Verdict, m Message) {
	rank := map[Verdict]int{Valid: 0, Indeterminate: 1, Invalid: 2}
	if rank[v] <= rank[c.rep.Verdict] {
		c.rep.Notes = append(c.rep.Notes, m)
		return
	}
	if c.rep.Summary != (Message{}) {
		c.rep.Notes = append(c.rep.Notes, c.rep.Summary)
	}
	c.rep.Verdict, c.rep.Summary = v, m
}

func (c *sigCtx) note(m Message) { c.rep.Notes = append(c.rep.Notes, m) }

func verifyOne(data []byte, raw rawSig, opt VerifyOptions, extraCRLs []*x509.RevocationList, dss *dssData) (sr SignatureReport) {
	sr.ByteRange = raw.ByteRange
	c := &sigCtx{rep: &sr, dss: dss}
	defer c.level()
	if raw.Err != nil {
		sr.Verdict = Invalid
		sr.Summary = msg("Chữ ký không hợp lệ: vùng dữ liệu được ký (ByteRange) không khớp với tệp (%s).",
			"The signature is invalid: its signed byte range does not match the file (%s).", raw.Err.Error())
		return sr
	}
	p7, err := pkcs7.Parse(raw.CMS)
	if err != nil || len(p7.Signers) != 1 {
		sr.Verdict = Invalid
		sr.Summary = msg("Chữ ký không hợp lệ: không đọc được cấu trúc chữ ký CMS.", "The signature is invalid: its CMS structure cannot be read.")
		return sr
	}
	if len(p7.Certificates) > maxCMSCerts {
		sr.Verdict = Invalid
		sr.Summary = msg("Chữ ký không hợp lệ: chứa quá nhiều chứng thư (%d).", "The signature is invalid: it carries too many certificates (%d).", len(p7.Certificates))
		return sr
	}
	c.p7 = p7
	c.leaf = p7.GetOnlySigner()
	if c.leaf == nil {
		sr.Verdict = Invalid
		sr.Summary = msg("Chữ ký không hợp lệ: thiếu chứng thư của người ký.", "The signature is invalid: the signer's certificate is missing.")
		return sr
	}
	sr.Signer = signerInfo(c.leaf)
	for _, a := range p7.Signers[0].AuthenticatedAttributes {
		c.attrs = append(c.attrs, signedAttr{Type: a.Type, Value: a.Value})
	}
	sr.Verdict = Valid

	// 1. Integrity: our own digest over the byte range.
	si := p7.Signers[0]
	h, ok := hashFor(si.DigestAlgorithm.Algorithm)
	if !ok {
		c.fail(Invalid, msg("Chữ ký không hợp lệ: thuật toán băm không được hỗ trợ.", "The signature is invalid: unsupported digest algorithm."))
		return sr
	}
	br := raw.ByteRange
	hh := h.New()
	hh.Write(data[br[0] : br[0]+br[1]])
	hh.Write(data[br[2] : br[2]+br[3]])
	digest := hh.Sum(nil)
	if len(c.attrs) == 0 {
		// No signed attributes (RFC 5652 allows it, adbe.pkcs7.detached
		// does not forbid it): the signature value is over the document's
		// digest itself, so integrity and the signature value are one
		// check, and a changed document cannot be told from a forged value.
		if err := checkDigestSignature(c.leaf, h, digest, si.EncryptedDigest); err != nil {
			c.fail(Invalid, msg("Chữ ký không hợp lệ: tài liệu đã bị sửa đổi sau khi ký hoặc giá trị chữ ký không đúng (chữ ký không có thuộc tính được ký nên không phân biệt được hai trường hợp).",
				"The signature is invalid: the document was modified after signing or the signature value is wrong (without signed attributes the two cannot be told apart)."))
			return sr
		}
		sr.Intact = true
		c.note(msg("Chữ ký không có thuộc tính được ký: không có thời điểm ký do người ký khai.",
			"The signature has no signed attributes: the signer claims no signing time."))
	} else {
		var md []byte
		if err := c.attr(oidMessageDigest, &md); err != nil {
			c.fail(Invalid, msg("Chữ ký không hợp lệ: thiếu giá trị băm của tài liệu trong chữ ký.", "The signature is invalid: the document digest attribute is missing."))
			return sr
		}
		if subtle.ConstantTimeCompare(md, digest) != 1 {
			c.fail(Invalid, msg("Chữ ký không hợp lệ: tài liệu đã bị sửa đổi sau khi ký (giá trị băm không khớp).",
				"The signature is invalid: the document was modified after signing (digest mismatch)."))
			return sr
		}
		sr.Intact = true

		// 2. Signature value over the signed attributes.
		if err := checkSignerInfo(c.leaf, c.attrs, si.DigestAlgorithm.Algorithm, si.DigestEncryptionAlgorithm.Algorithm, si.EncryptedDigest); err != nil {
			c.fail(Invalid, msg("Chữ ký không hợp lệ: giá trị chữ ký không đúng với chứng thư của người ký.",
				"The signature is invalid: the signature value does not match the signer's certificate."))
			return sr
		}
	}
	sr.SignatureOK = true
	if c.leaf.KeyUsage != 0 && c.leaf.KeyUsage&(x509.KeyUsageDigitalSignature|x509.KeyUsageContentCommitment) == 0 {
		c.fail(Invalid, msg("Chữ ký không hợp lệ: chứng thư không được phép dùng để ký số.", "The signature is invalid: the certificate may not be used for digital signatures."))
		return sr
	}

	// 3. Signing time: trusted timestamp, else claimed.
	var st time.Time
	if err := c.attr(oidSigningTime, &st); err == nil {
		sr.ClaimedTime = st
	}
	tsTime, tsNote := c.timestamp(si.EncryptedDigest, opt)
	if !tsTime.IsZero() {
		sr.TimestampTime, sr.SigningTime, sr.TimeFromTimestamp = tsTime, tsTime, true
		c.note(msg("Thời điểm ký %s được chứng thực bởi dấu thời gian tin cậy.", "The signing time %s is proven by a trusted timestamp.", fmtTime(tsTime)))
	} else {
		if tsNote != (Message{}) {
			c.note(tsNote)
		}
		sr.SigningTime = sr.ClaimedTime
		if sr.SigningTime.IsZero() {
			sr.SigningTime = opt.Now
			c.note(msg("Không có dấu thời gian và thời điểm ký; chứng thư được kiểm tra tại thời điểm hiện tại.",
				"No timestamp and no signing time: the certificate is checked at the current time."))
		} else {
			c.note(msg("Không có dấu thời gian tin cậy: thời điểm ký %s là do người ký tự khai.",
				"No trusted timestamp: the signing time %s is the one claimed by the signer.", fmtTime(sr.SigningTime)))
		}
	}

	// 4. Chain to a trusted root at the signing time.
	chain := c.chain(opt, sr.SigningTime)
	if chain == nil {
		return sr
	}
	sr.Trusted = true
	if opt.Now.After(c.leaf.NotAfter) {
		if sr.TimeFromTimestamp {
			c.note(msg("Chứng thư đã hết hạn ngày %s, nhưng dấu thời gian chứng minh chữ ký được tạo khi chứng thư còn hiệu lực.",
				"The certificate expired on %s, but the timestamp proves the signature was made while it was valid.", fmtTime(c.leaf.NotAfter)))
		} else {
			c.fail(Indeterminate, msg("Chưa xác định: chứng thư đã hết hạn ngày %s và không có dấu thời gian chứng minh chữ ký được tạo khi chứng thư còn hiệu lực.",
				"Indeterminate: the certificate expired on %s and no timestamp proves the signature was made while it was valid.", fmtTime(c.leaf.NotAfter)))
		}
	}

	// 5. Revocation.
	c.revocation(chain, opt, extraCRLs)

	if sr.Verdict == Valid {
		who := sr.Signer.Name
		if sr.Signer.Organization != "" {
			who += " (" + sr.Signer.Organization + ")"
		}
		sr.Summary = msg("Chữ ký hợp lệ: %s đã ký; phần được ký không bị thay đổi và chứng thư hợp lệ tại thời điểm ký.",
			"The signature is valid: signed by %s; the signed part is unchanged and the certificate was valid at signing time.", who)
	}
	return sr
}

// fmtTime writes an instant in ISO 8601 at Vietnam's time (UTC+7), as
// Decree 30/2020 shows signing times, so notes agree with the pages.
func fmtTime(t time.Time) string { return t.In(ict).Format(time.RFC3339) }

func (c *sigCtx) attr(oid asn1.ObjectIdentifier, out any) error {
	for _, a := range c.attrs {
		if a.Type.Equal(oid) {
			_, err := asn1.Unmarshal(a.Value.Bytes, out)
			return err
		}
	}
	return errors.New("attribute missing")
}

func hashFor(oid asn1.ObjectIdentifier) (crypto.Hash, bool) {
	switch {
	case oid.Equal(oidSHA256):
		return crypto.SHA256, true
	case oid.Equal(oidSHA384):
		return crypto.SHA384, true
	case oid.Equal(oidSHA512):
		return crypto.SHA512, true
	}
	return 0, false
}

// checkDigestSignature verifies a signature made directly over a digest
// (a SignerInfo without signed attributes).
func checkDigestSignature(leaf *x509.Certificate, h crypto.Hash, digest, sig []byte) error {
	switch pub := leaf.PublicKey.(type) {
	case *rsa.PublicKey:
		return rsa.VerifyPKCS1v15(pub, h, digest, sig)
	case *ecdsa.PublicKey:
		if !ecdsa.VerifyASN1(pub, digest, sig) {
			return errors.New("ecdsa: invalid signature")
		}
		return nil
	}
	return errors.New("unsupported public key")
}

// checkSignerInfo verifies the signature over the DER SET OF signed
// attributes.
func checkSignerInfo(leaf *x509.Certificate, attrs []signedAttr, digestOID, sigOID asn1.ObjectIdentifier, sig []byte) error {
	if len(attrs) == 0 {
		return errors.New("no signed attributes")
	}
	enc, err := asn1.Marshal(struct {
		A []signedAttr `asn1:"set"`
	}{A: attrs})
	if err != nil {
		return err
	}
	var outer asn1.RawValue
	if _, err := asn1.Unmarshal(enc, &outer); err != nil {
		return err
	}
	var inner asn1.RawValue
	if _, err := asn1.Unmarshal(outer.Bytes, &inner); err != nil {
		return err
	}
	h, ok := hashFor(digestOID)
	if !ok {
		return errors.New("unsupported digest")
	}
	var alg x509.SignatureAlgorithm
	switch {
	case sigOID.Equal(oidRSA) || sigOID.Equal(oidSHA256WithRSA) || sigOID.Equal(oidSHA384WithRSA) || sigOID.Equal(oidSHA512WithRSA):
		alg = map[crypto.Hash]x509.SignatureAlgorithm{crypto.SHA256: x509.SHA256WithRSA, crypto.SHA384: x509.SHA384WithRSA, crypto.SHA512: x509.SHA512WithRSA}[h]
	case sigOID.Equal(oidECPublicKey) || sigOID.Equal(oidECDSAWithSHA256) || sigOID.Equal(oidECDSAWithSHA384) || sigOID.Equal(oidECDSAWithSHA512):
		alg = map[crypto.Hash]x509.SignatureAlgorithm{crypto.SHA256: x509.ECDSAWithSHA256, crypto.SHA384: x509.ECDSAWithSHA384, crypto.SHA512: x509.ECDSAWithSHA512}[h]
	default:
		return errors.New("unsupported signature algorithm")
	}
	return leaf.CheckSignature(alg, inner.FullBytes, sig)
}

// timestamp returns the genTime of a valid, trusted signature timestamp
// over sig, or zero and a note on why there is none.
func (c *sigCtx) timestamp(sig []byte, opt VerifyOptions) (time.Time, Message) {
	var token []byte
	for _, a := range c.p7.Signers[0].UnauthenticatedAttributes {
		if a.Type.Equal(oidTimestampToken) {
			token = a.Value.Bytes
			break
		}
	}
	if token == nil {
		return time.Time{}, Message{}
	}
	bad := func(why string) (time.Time, Message) {
		return time.Time{}, msg("Dấu thời gian kèm chữ ký không được chấp nhận (%s).", "The signature's timestamp is not accepted (%s).", why)
	}
	tok, err := pkcs7.Parse(token)
	if err != nil || len(tok.Certificates) == 0 || len(tok.Certificates) > maxCMSCerts {
		return bad("unreadable or without the TSA certificate")
	}
	ts, err := timestamp.Parse(token) // verifies the token's CMS signature
	if err != nil {
		return bad("signature of the timestamp does not verify")
	}
	if !ts.HashAlgorithm.Available() {
		return bad("unsupported digest")
	}
	h := ts.HashAlgorithm.New()
	h.Write(sig)
	if !bytes.Equal(h.Sum(nil), ts.HashedMessage) {
		return bad("it stamps another signature value")
	}
	tsa := tok.GetOnlySigner()
	if tsa == nil {
		return bad("no TSA certificate")
	}
	inter := x509.NewCertPool()
	for _, ct := range tok.Certificates {
		inter.AddCert(ct)
	}
	for _, ct := range c.dss.certs {
		inter.AddCert(ct)
	}
	chains, err := tsa.Verify(x509.VerifyOptions{Roots: opt.Roots, Intermediates: inter, CurrentTime: ts.Time,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageTimeStamping}})
	if err != nil || opt.Roots == nil {
		return bad("the time-stamp authority is not trusted")
	}
	if len(chains[0]) > maxChain {
		return bad("chain too long")
	}
	return ts.Time, Message{}
}

// chain verifies the signer's certificate at t and returns the chain, or
// nil after recording the verdict.
func (c *sigCtx) chain(opt VerifyOptions, t time.Time) []*x509.Certificate {
	inter := x509.NewCertPool()
	for _, ct := range c.p7.Certificates {
		if !ct.Equal(c.leaf) {
			inter.AddCert(ct)
		}
	}
	for _, ct := range c.dss.certs {
		inter.AddCert(ct)
	}
	if opt.Roots == nil {
		c.fail(Indeterminate, msg("Chưa xác định: không có chứng thư gốc tin cậy nào được cấu hình.", "Indeterminate: no trusted root is configured."))
		return nil
	}
	chains, err := c.leaf.Verify(x509.VerifyOptions{Roots: opt.Roots, Intermediates: inter, CurrentTime: t,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}})
	if err == nil {
		for _, ch := range chains {
			if len(ch) <= maxChain {
				return ch
			}
		}
		c.fail(Indeterminate, msg("Chưa xác định: chuỗi chứng thư quá dài.", "Indeterminate: the certificate chain is too long."))
		return nil
	}
	var ci x509.CertificateInvalidError
	var ua x509.UnknownAuthorityError
	switch {
	case errors.As(err, &ua):
		c.fail(Indeterminate, msg("Chưa xác định: chứng thư của người ký không được cấp bởi tổ chức chứng thực tin cậy.",
			"Indeterminate: the signer's certificate does not chain to a trusted root."))
	case errors.As(err, &ci) && ci.Reason == x509.Expired:
		if c.rep.TimeFromTimestamp {
			c.fail(Invalid, msg("Chữ ký không hợp lệ: chứng thư không còn hiệu lực tại thời điểm ký %s (theo dấu thời gian).",
				"The signature is invalid: the certificate was not valid at the timestamped signing time %s.", fmtTime(t)))
		} else {
			c.fail(Indeterminate, msg("Chưa xác định: chứng thư không có hiệu lực tại thời điểm ký do người ký khai %s và không có dấu thời gian.",
				"Indeterminate: the certificate was not valid at the signing time claimed by the signer (%s) and there is no timestamp.", fmtTime(t)))
		}
	default:
		c.fail(Invalid, msg("Chữ ký không hợp lệ: chuỗi chứng thư không hợp lệ (%s).", "The signature is invalid: the certificate chain is not valid (%s).", err.Error()))
	}
	return nil
}

func parseCRLs(raw [][]byte) []*x509.RevocationList {
	var out []*x509.RevocationList
	for _, b := range raw {
		if len(out) >= maxRevocation {
			break
		}
		if l, err := x509.ParseRevocationList(b); err == nil {
			out = append(out, l)
		}
	}
	return out
}

// revocation checks each certificate of the chain but the root against
// the CRLs (given, embedded in the CMS and in the document security
// store) and the OCSP responses (CMS and store).
func (c *sigCtx) revocation(chain []*x509.Certificate, opt VerifyOptions, extra []*x509.RevocationList) {
	crls := append([]*x509.RevocationList(nil), extra...)
	var ocsps [][]byte
	// Store items come first; only CRLs of an issuer in the chain are
	// kept, so a large store does not crowd out the signature's own data.
	fromDSS := map[*x509.RevocationList]bool{}
	for _, l := range c.dss.crls {
		if len(crls) >= maxRevocation {
			break
		}
		for _, ct := range chain[1:] {
			if bytes.Equal(l.RawIssuer, ct.RawSubject) {
				crls = append(crls, l)
				fromDSS[l] = true
				break
			}
		}
	}
	dssOCSPs := len(c.dss.ocsps)
	ocsps = append(ocsps, c.dss.ocsps[:min(dssOCSPs, maxRevocation)]...)
	var ria revocation.InfoArchival
	if err := c.attr(oidRevocationInfo, &ria); err == nil {
		for _, r := range ria.CRL {
			if len(crls) < maxRevocation {
				if l, err := x509.ParseRevocationList(r.FullBytes); err == nil {
					crls = append(crls, l)
				}
			}
		}
		for _, r := range ria.OCSP {
			if len(ocsps) < maxRevocation {
				ocsps = append(ocsps, r.FullBytes)
			}
		}
	}
	for _, l := range c.p7.CRLs {
		if len(crls) >= maxRevocation {
			break
		}
		if b, err := asn1.Marshal(l); err == nil {
			if rl, err := x509.ParseRevocationList(b); err == nil {
				crls = append(crls, rl)
			}
		}
	}
	t := c.rep.SigningTime
	for i := 0; i+1 < len(chain); i++ {
		cert, issuer := chain[i], chain[i+1]
		known, revokedAt, found, dssKnown := false, time.Time{}, false, false
		var freshest time.Time // the newest revocation information's time
		for _, l := range crls {
			if !bytes.Equal(l.RawIssuer, issuer.RawSubject) || l.CheckSignatureFrom(issuer) != nil {
				continue
			}
			known = true
			if l.ThisUpdate.After(freshest) {
				freshest = l.ThisUpdate
			}
			dssKnown = dssKnown || fromDSS[l]
			for _, e := range l.RevokedCertificateEntries {
				if e.SerialNumber != nil && e.SerialNumber.Cmp(cert.SerialNumber) == 0 {
					if !found || e.RevocationTime.Before(revokedAt) {
						revokedAt, found = e.RevocationTime, true
					}
				}
			}
		}
		for k, o := range ocsps {
			r, err := ocsp.ParseResponseForCert(o, cert, issuer)
			if err != nil {
				continue
			}
			known = true
			if r.ProducedAt.After(freshest) {
				freshest = r.ProducedAt
			}
			dssKnown = dssKnown || k < dssOCSPs
			if r.Status == ocsp.Revoked && (!found || r.RevokedAt.Before(revokedAt)) {
				revokedAt, found = r.RevokedAt, true
			}
		}
		what := "chứng thư của người ký"
		whatEN := "the signer's certificate"
		if i > 0 {
			what, whatEN = "chứng thư của CA trung gian "+cert.Subject.CommonName, "the intermediate CA certificate "+cert.Subject.CommonName
		}
		if i == 0 {
			c.rep.RevocationOK = known
			c.rep.RevocationFromDSS = dssKnown
			if known && !found && freshest.Before(t) {
				c.note(msg("Thông tin thu hồi mới nhất (%s) có trước thời điểm ký %s: chưa chứng minh được chứng thư còn hiệu lực đúng lúc ký.",
					"The newest revocation information (%s) predates the signing time %s: it does not prove the certificate was still good when signed.",
					fmtTime(freshest), fmtTime(t)))
			}
		}
		switch {
		case found && !revokedAt.After(t):
			c.rep.Revoked = true
			c.fail(Invalid, Message{
				VI: fmt.Sprintf("Chữ ký không hợp lệ: %s đã bị thu hồi ngày %s, trước thời điểm ký %s.", what, fmtTime(revokedAt), fmtTime(t)),
				EN: fmt.Sprintf("The signature is invalid: %s was revoked on %s, before the signing time %s.", whatEN, fmtTime(revokedAt), fmtTime(t))})
		case found && c.rep.TimeFromTimestamp:
			c.rep.Revoked = true
			c.note(Message{
				VI: fmt.Sprintf("%s bị thu hồi ngày %s, sau thời điểm ký %s được chứng thực bởi dấu thời gian: chữ ký vẫn hợp lệ.", upperFirst(what), fmtTime(revokedAt), fmtTime(t)),
				EN: fmt.Sprintf("%s was revoked on %s, after the timestamped signing time %s: the signature remains valid.", upperFirst(whatEN), fmtTime(revokedAt), fmtTime(t))})
		case found:
			c.rep.Revoked = true
			c.fail(Indeterminate, Message{
				VI: fmt.Sprintf("Chưa xác định: %s đã bị thu hồi ngày %s và không có dấu thời gian chứng minh chữ ký được tạo trước đó.", what, fmtTime(revokedAt)),
				EN: fmt.Sprintf("Indeterminate: %s was revoked on %s and no timestamp proves the signature was made before that.", whatEN, fmtTime(revokedAt))})
		case !known && i == 0:
			if opt.RequireRevocation {
				c.fail(Indeterminate, msg("Chưa xác định: không có thông tin thu hồi (CRL/OCSP) cho chứng thư của người ký.",
					"Indeterminate: no revocation information (CRL/OCSP) for the signer's certificate."))
			} else {
				c.note(msg("Không có thông tin thu hồi (CRL/OCSP) cho chứng thư của người ký: chưa kiểm tra được việc thu hồi.",
					"No revocation information (CRL/OCSP) for the signer's certificate: revocation was not checked."))
			}
		case known && i == 0:
			c.note(msg("Chứng thư của người ký không bị thu hồi theo CRL/OCSP hiện có.", "The signer's certificate is not revoked according to the CRL/OCSP data available."))
		}
		if dssKnown && i == 0 {
			c.note(msg("Thông tin thu hồi của chứng thư người ký có trong kho dữ liệu kiểm tra hiệu lực (DSS) của tệp.",
				"Revocation information for the signer's certificate is in the file's document security store (DSS)."))
		}
	}
}

// level records the baseline level reached, with a note, and adds it to
// the summary of a valid signature.
func (c *sigCtx) level() {
	sr := c.rep
	switch {
	case sr.Verdict == Invalid || !sr.SignatureOK:
		sr.Level = LevelNone
		return
	case sr.TimeFromTimestamp && sr.RevocationFromDSS:
		sr.Level = LevelBLT
		c.note(msg("Mức chữ ký: B-LT (có dấu thời gian tin cậy và dữ liệu kiểm tra hiệu lực lâu dài trong kho DSS của tệp).",
			"Signature level: B-LT (a trusted timestamp and long-term validation data in the file's document security store)."))
	case sr.TimeFromTimestamp:
		sr.Level = LevelBT
		c.note(msg("Mức chữ ký: B-T (có dấu thời gian tin cậy; chưa có dữ liệu kiểm tra hiệu lực lâu dài trong kho DSS).",
			"Signature level: B-T (a trusted timestamp; no long-term validation data in a document security store)."))
	default:
		sr.Level = LevelBB
		c.note(msg("Mức chữ ký: B-B (chưa có dấu thời gian tin cậy).", "Signature level: B-B (no trusted timestamp)."))
	}
	if sr.Verdict == Valid {
		sr.Summary.VI = strings.TrimSuffix(sr.Summary.VI, ".") + fmt.Sprintf(" (mức %s).", sr.Level)
		sr.Summary.EN = strings.TrimSuffix(sr.Summary.EN, ".") + fmt.Sprintf(" (level %s).", sr.Level)
	}
}

func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

func signerInfo(c *x509.Certificate) SignerInfo {
	s := SignerInfo{
		Name:      c.Subject.CommonName,
		Title:     subjectTitle(c),
		Serial:    fmt.Sprintf("%X", c.SerialNumber),
		Issuer:    c.Issuer.CommonName,
		NotBefore: c.NotBefore,
		NotAfter:  c.NotAfter,
	}
	if len(c.Subject.Organization) > 0 {
		s.Organization = c.Subject.Organization[0]
	}
	if len(c.Subject.OrganizationalUnit) > 0 {
		s.AgencyCode = c.Subject.OrganizationalUnit[0]
	}
	if len(c.EmailAddresses) > 0 {
		s.Email = c.EmailAddresses[0]
	}
	return s
}
