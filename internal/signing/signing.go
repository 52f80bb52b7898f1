// Package signing ties egov's signatures together: pki issues and keeps
// the keys and certificates (the built-in CA, OCSP, the timestamp
// authority, the trust store), pades signs and verifies PDFs. This
// package holds what the portal, the API and the command line share on
// top of them: checking an uploaded PDF against the trust store.
package signing

import (
	"bytes"
	"context"
	"crypto/x509"
	"fmt"
	"io"
	"os"

	"egov/internal/apperr"
	"egov/internal/attach"
	"egov/internal/platform/blob"
	"egov/internal/signing/pades"
)

// DefaultMaxBytes is the largest PDF the public verifier reads.
const DefaultMaxBytes = 100 << 20

// Errors of the verifier's input.
var (
	ErrTooLarge = apperr.New(apperr.TooLarge, "verify.too_large",
		"Tệp quá lớn để xác thực.", "The file is too large to verify.")
	ErrEmpty = apperr.New(apperr.Invalid, "verify.empty",
		"Chọn một tệp PDF để xác thực.", "Choose a PDF file to verify.")
	// ErrIncomplete wraps the reader's error: the caller tells a body over
	// its limit (then too large) from a connection cut half-way.
	ErrIncomplete = apperr.New(apperr.Invalid, "verify.incomplete",
		"Tệp gửi lên bị gián đoạn giữa chừng; vui lòng gửi lại.", "The upload was cut off half-way; please send it again.")
)

// Verifier checks uploaded PDFs against the trust store.
type Verifier struct {
	// Roots are the trusted roots now (the trust store an admin manages).
	Roots func(ctx context.Context) (*x509.CertPool, error)
	// CRLs are the revocation lists egov knows (its own CA's); may be nil.
	CRLs func(ctx context.Context) ([][]byte, error)
	// MaxBytes bounds the file (DefaultMaxBytes when 0).
	MaxBytes int64
	// TempDir is where uploads are spooled ("" for the system's).
	TempDir string
}

// Check reads a PDF from r (spooled to a temporary file, never more than
// the limit) and verifies every signature in it.
func (v *Verifier) Check(ctx context.Context, r io.Reader) (pades.Report, error) {
	max := v.MaxBytes
	if max <= 0 {
		max = DefaultMaxBytes
	}
	f, err := os.CreateTemp(v.TempDir, "verify-*")
	if err != nil {
		return pades.Report{}, fmt.Errorf("signing: spool: %w", err)
	}
	defer func() { f.Close(); os.Remove(f.Name()) }()
	n, err := io.Copy(f, io.LimitReader(r, max+1))
	switch {
	case err != nil:
		return pades.Report{}, ErrIncomplete.Wrap(err)
	case n == 0:
		return pades.Report{}, ErrEmpty
	case n > max:
		return pades.Report{}, ErrTooLarge
	}
	opt := pades.VerifyOptions{MaxSize: max}
	if v.Roots != nil {
		if opt.Roots, err = v.Roots(ctx); err != nil {
			return pades.Report{}, err
		}
	}
	if v.CRLs != nil {
		if opt.CRLs, err = v.CRLs(ctx); err != nil {
			return pades.Report{}, err
		}
	}
	return pades.Verify(f, n, opt)
}

// UploadStage checks, as a file is uploaded, the digital signatures a PDF
// carries: a signature that is invalid (the document changed after it
// was signed, a forged signature, a certificate revoked before signing)
// refuses the upload at once with the reason, naming the file, instead of
// the desk finding out days later. A PDF without signatures, or whose
// signatures cannot be decided here (an issuer this server does not
// trust), passes: the desk sees the verdict on the file.
func (v *Verifier) UploadStage() attach.Stage {
	return attach.StageFunc(func(ctx context.Context, in *attach.Upload) error {
		if in.ContentType != attach.TypePDF || !mentionsByteRange(in) {
			return nil
		}
		opt := pades.VerifyOptions{MaxSize: in.Size}
		var err error
		if v.Roots != nil {
			if opt.Roots, err = v.Roots(ctx); err != nil {
				return err
			}
		}
		rep, err := pades.Verify(in.File, in.Size, opt)
		if err != nil {
			return nil // unreadable here: the PDF stage has accepted it
		}
		for _, s := range rep.Signatures {
			if s.Verdict == pades.Invalid {
				return ErrSignatureInvalid(in.Name, s.Summary)
			}
		}
		return nil
	})
}

// ErrSignatureInvalid refuses a file whose signature is invalid.
func ErrSignatureInvalid(name string, why pades.Message) *apperr.Error {
	return apperr.New(apperr.Invalid, "attach.signature_invalid",
		fmt.Sprintf("Tệp «%s» có chữ ký số không hợp lệ. %s", name, why.VI),
		fmt.Sprintf("File %q carries an invalid digital signature. %s", name, why.EN))
}

// mentionsByteRange is a quick look for a signature dictionary, so that
// unsigned PDFs (most uploads) are not parsed twice.
func mentionsByteRange(in *attach.Upload) bool {
	const window = 1 << 20
	buf := make([]byte, window+16)
	for off := int64(0); off < in.Size; off += window {
		n, _ := in.File.ReadAt(buf, off)
		if n <= 0 {
			return false
		}
		if bytes.Contains(buf[:n], []byte("/ByteRange")) {
			return true
		}
	}
	return false
}

// RequireSigned checks a file given for a document that must be an
// e-document carrying its issuer's digital signature (the catalogue marks
// it): at least one signature, every one valid against the trust store,
// nothing changed after the last. The refusal names the file and says
// why, in words the applicant can act on.
func (v *Verifier) RequireSigned(ctx context.Context, name string, r io.Reader) error {
	rep, err := v.Check(ctx, r)
	if err != nil {
		return err
	}
	switch {
	case !rep.Readable || len(rep.Signatures) == 0:
		return apperr.New(apperr.Invalid, "attach.signature_required",
			fmt.Sprintf("Giấy tờ này phải là bản điện tử có chữ ký số của cơ quan cấp; tệp «%s» không có chữ ký số. Hãy tải lên đúng tệp PDF cơ quan đã gửi cho bạn (không in ra rồi chụp hoặc quét lại).", name),
			fmt.Sprintf("This document must be the electronic original carrying the issuer's digital signature; file %q has no digital signature. Upload the PDF the agency sent you (not a printed and scanned copy).", name))
	case rep.ExitStatus() != 0:
		return apperr.New(apperr.Invalid, "attach.signature_not_valid",
			fmt.Sprintf("Chữ ký số trên tệp «%s» chưa được xác nhận hợp lệ: %s", name, rep.Summary.VI),
			fmt.Sprintf("The digital signature on file %q is not confirmed valid: %s", name, rep.Summary.EN))
	}
	return nil
}

// CheckStored verifies a PDF kept in the blob store (an issued result).
func (v *Verifier) CheckStored(ctx context.Context, store blob.Store, hash string) (pades.Report, error) {
	f, err := store.Open(ctx, hash)
	if err != nil {
		return pades.Report{}, err
	}
	defer f.Close()
	return v.Check(ctx, f)
}
