// Package pki holds egov's keys and certificates: a built-in certificate
// authority that plays the Government's specialised CA in the embedded
// default (root, issuing CA, agency and official certificates, CRLs, an
// OCSP responder and an RFC 3161 timestamp authority), import of real
// certificates and keys from PKCS#12 files, and the trust store of roots
// that an administrator manages. PDF signing sees only the Signer
// interface, which a hardware token or a remote signing service can
// implement later.
package pki

import (
	"crypto/x509"
	"errors"
	"log/slog"
	"strings"
	"time"

	"egov/internal/apperr"
	"egov/internal/audit"
	"egov/internal/platform/secretbox"
	"egov/internal/platform/sqldb"
)

// Kind says what a stored certificate is for.
type Kind string

const (
	KindRoot         Kind = "root"         // built-in root CA
	KindIssuing      Kind = "issuing"      // built-in issuing CA
	KindTSA          Kind = "tsa"          // built-in timestamp authority
	KindOrganisation Kind = "organisation" // an agency's signature (the seal)
	KindPersonal     Kind = "personal"     // an official's signature
	KindExternalCA   Kind = "external_ca"  // a CA certificate of an imported chain
)

// KeyAlgorithm names the key type of newly issued certificates.
type KeyAlgorithm string

const (
	ECDSAP256 KeyAlgorithm = "ecdsa-p256" // default: small, fast, accepted by Adobe and poppler
	RSA3072   KeyAlgorithm = "rsa-3072"   // for relying parties that only know RSA
)

// Config wires the service.
type Config struct {
	DB    *sqldb.DB
	Box   *secretbox.Box // seals private keys under the master key
	Audit *audit.Log
	// PublicURL is egov's public base URL (EGOV_PUBLIC_URL); certificates
	// point at its /pki/crl/{id}.crl, /pki/ca/{id}.crt and /pki/ocsp.
	PublicURL string
	// KeyAlgorithm of new keys; ECDSAP256 when empty.
	KeyAlgorithm KeyAlgorithm
	// Now is the clock (time.Now when nil).
	Now func() time.Time
	Log *slog.Logger
}

// Service issues, stores and serves certificates.
type Service struct {
	db    *sqldb.DB
	box   *secretbox.Box
	audit *audit.Log
	base  string
	alg   KeyAlgorithm
	now   func() time.Time
	log   *slog.Logger
}

// New returns the service.
func New(c Config) (*Service, error) {
	if c.DB == nil || c.Box == nil || c.Audit == nil {
		return nil, errors.New("pki: DB, Box and Audit are required")
	}
	if c.PublicURL == "" {
		return nil, errors.New("pki: PublicURL is required (certificates name their CRL and OCSP addresses)")
	}
	if c.KeyAlgorithm == "" {
		c.KeyAlgorithm = ECDSAP256
	}
	if c.KeyAlgorithm != ECDSAP256 && c.KeyAlgorithm != RSA3072 {
		return nil, errors.New("pki: key algorithm must be ecdsa-p256 or rsa-3072")
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	return &Service{
		db: c.DB, box: c.Box, audit: c.Audit,
		base: strings.TrimRight(c.PublicURL, "/"),
		alg:  c.KeyAlgorithm, now: c.Now, log: c.Log,
	}, nil
}

// Certificate is a stored certificate.
type Certificate struct {
	ID               int64
	Kind             Kind
	Serial           string // lower-case hex
	Subject          string
	Issuer           string
	IssuerID         int64 // 0 when the issuer is not stored or for a root
	AgencyID         int64
	UserID           int64
	NotBefore        time.Time
	NotAfter         time.Time
	HasKey           bool
	RevokedAt        time.Time // zero when not revoked
	RevocationReason int
	CreatedAt        time.Time
	Cert             *x509.Certificate
}

// Revoked reports whether the certificate has been revoked.
func (c *Certificate) Revoked() bool { return !c.RevokedAt.IsZero() }

// Agency is what an organisation certificate says about an agency.
type Agency struct {
	ID       int64  // agencies.id
	Code     string // official code (mã định danh), e.g. 000.00.03.H37
	Name     string // e.g. "Sở Tư pháp tỉnh Hà Nam"
	Province string // locality (L), e.g. "Hà Nam"
}

// Official is what a personal certificate says about an official.
type Official struct {
	UserID   int64 // users.id
	FullName string
	Email    string // optional; put in the subject alternative name
	Position string // title, e.g. "Giám đốc"
}

// User-facing errors.
var (
	ErrNoCA = apperr.New(apperr.Conflict, "pki.no_ca",
		"Chưa có tổ chức cấp chứng thư số nội bộ. Hãy khởi tạo trước.",
		"The built-in certificate authority has not been set up yet.")
	ErrUnknownSerial = apperr.New(apperr.NotFound, "pki.unknown_serial",
		"Không tìm thấy chứng thư số có số hiệu này.",
		"No certificate has this serial number.")
	ErrUnknownCertificate = apperr.New(apperr.NotFound, "pki.unknown_certificate",
		"Không tìm thấy chứng thư số.",
		"Certificate not found.")
	ErrNoKey = apperr.New(apperr.Invalid, "pki.no_key",
		"Chứng thư số này không có khóa bí mật đi kèm nên không dùng để ký được.",
		"This certificate has no private key, so it cannot sign.")
	ErrAlreadyRevoked = apperr.New(apperr.Conflict, "pki.already_revoked",
		"Chứng thư số đã bị thu hồi trước đó.",
		"The certificate has already been revoked.")
	ErrRevoked = apperr.New(apperr.Invalid, "pki.revoked",
		"Chứng thư số đã bị thu hồi, không dùng để ký được.",
		"The certificate has been revoked and cannot sign.")
	ErrExpired = apperr.New(apperr.Invalid, "pki.expired",
		"Chứng thư số đã hết hạn hoặc chưa có hiệu lực.",
		"The certificate has expired or is not yet valid.")
	ErrBadPKCS12 = apperr.New(apperr.Invalid, "pki.bad_pkcs12",
		"Tệp không phải là tệp PKCS#12 (.p12, .pfx) hợp lệ.",
		"The file is not a valid PKCS#12 (.p12, .pfx) file.")
	ErrWrongPassword = apperr.New(apperr.Invalid, "pki.wrong_password",
		"Mật khẩu của tệp PKCS#12 không đúng.",
		"The PKCS#12 password is incorrect.")
	ErrKeyMismatch = apperr.New(apperr.Invalid, "pki.key_mismatch",
		"Khóa bí mật không khớp với chứng thư số trong tệp.",
		"The private key does not match the certificate in the file.")
	ErrUnsupportedKey = apperr.New(apperr.Invalid, "pki.unsupported_key",
		"Loại khóa không được hỗ trợ (chỉ hỗ trợ RSA từ 2048 bit và ECDSA P-256, P-384).",
		"Unsupported key type (RSA of 2048 bits or more, ECDSA P-256 or P-384 only).")
	ErrNotSigningCert = apperr.New(apperr.Invalid, "pki.not_signing_cert",
		"Chứng thư số này không cho phép ký số (thiếu mục đích chữ ký số).",
		"This certificate does not allow digital signatures (key usage).")
	ErrBadCertificate = apperr.New(apperr.Invalid, "pki.bad_certificate",
		"Không đọc được chứng thư số (cần định dạng PEM hoặc DER).",
		"The certificate cannot be read (PEM or DER expected).")
	ErrNotCA = apperr.New(apperr.Invalid, "pki.not_ca",
		"Chứng thư số này không phải của tổ chức cấp chứng thư (CA) gốc nên không thể đưa vào danh sách tin cậy.",
		"This is not a root CA certificate, so it cannot be trusted as a root.")
	ErrAlreadyTrusted = apperr.New(apperr.Conflict, "pki.already_trusted",
		"Chứng thư gốc này đã có trong danh sách tin cậy.",
		"This root is already trusted.")
	ErrBadReason = apperr.New(apperr.Invalid, "pki.bad_reason",
		"Lý do thu hồi không hợp lệ.",
		"The revocation reason is not valid.")
	ErrBadInput = apperr.New(apperr.Invalid, "pki.bad_input",
		"Thiếu thông tin để cấp chứng thư số (tên, mã cơ quan).",
		"Information needed for the certificate is missing (name, agency code).")
)
