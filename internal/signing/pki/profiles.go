package pki

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"
)

// Object identifiers the profiles use.
var (
	// OIDDocumentSigning is the extended key usage id-kp-documentSigning
	// (RFC 9336). poppler and pdfsign reject it alone, so signing
	// certificates carry emailProtection too.
	OIDDocumentSigning = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 36}
	oidTitle           = asn1.ObjectIdentifier{2, 5, 4, 12}
	oidExtKeyUsage     = asn1.ObjectIdentifier{2, 5, 29, 37}
	oidKPTimeStamping  = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 8}
	// TSAPolicy is the policy the built-in timestamp authority stamps
	// under: an arc under a private placeholder, not a registered policy.
	TSAPolicy = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 99999, 1, 1}
)

// Validity of the profiles. A certificate never outlives its issuer.
const (
	rootValidity     = 10 * 365 * 24 * time.Hour
	issuingValidity  = 5 * 365 * 24 * time.Hour
	tsaValidity      = 5 * 365 * 24 * time.Hour
	orgValidity      = 3 * 365 * 24 * time.Hour
	personalValidity = 2 * 365 * 24 * time.Hour
	// backdate absorbs clock skew between egov and relying parties.
	backdate = 5 * time.Minute
)

// builtin names of the embedded CA.
const (
	builtinOrg      = "egov (mặc định nhúng / embedded default)"
	builtinRootCN   = "egov Root CA (thử nghiệm / demo)"
	builtinIssuerCN = "egov Issuing CA (thử nghiệm / demo)"
	builtinTSACN    = "egov Timestamp Authority (thử nghiệm / demo)"
)

func generateKey(alg KeyAlgorithm) (crypto.Signer, error) {
	switch alg {
	case RSA3072:
		return rsa.GenerateKey(rand.Reader, 3072)
	default:
		return ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	}
}

// newSerial returns a positive random serial of at most 127 bits, as RFC
// 5280 asks (at most 20 octets, unpredictable).
func newSerial() (*big.Int, error) {
	for {
		n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
		if err != nil {
			return nil, err
		}
		if n.Sign() > 0 {
			return n, nil
		}
	}
}

// serialHex is the stored form of a serial number.
func serialHex(n *big.Int) string { return n.Text(16) }

// urls are the addresses a certificate issued by the CA with id caID
// points at.
func (s *Service) crlURL(caID int64) string {
	return s.base + "/pki/crl/" + strconv.FormatInt(caID, 10) + ".crl"
}
func (s *Service) caURL(caID int64) string {
	return s.base + "/pki/ca/" + strconv.FormatInt(caID, 10) + ".crt"
}
func (s *Service) ocspURL() string { return s.base + "/pki/ocsp" }
func (s *Service) tsaURL() string  { return s.base + "/pki/tsa" }

// TSAURL is the address of the built-in timestamp authority.
func (s *Service) TSAURL() string { return s.tsaURL() }

// withIssuerURLs adds the CRL distribution point and the authority
// information access of the issuer with id caID.
func (s *Service) withIssuerURLs(t *x509.Certificate, caID int64) {
	t.CRLDistributionPoints = []string{s.crlURL(caID)}
	t.OCSPServer = []string{s.ocspURL()}
	t.IssuingCertificateURL = []string{s.caURL(caID)}
}

func rootTemplate(now time.Time) *x509.Certificate {
	return &x509.Certificate{
		Subject: pkix.Name{
			Country: []string{"VN"}, Organization: []string{builtinOrg}, CommonName: builtinRootCN,
		},
		NotBefore:             now.Add(-backdate),
		NotAfter:              now.Add(rootValidity),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
}

func issuingTemplate(now time.Time) *x509.Certificate {
	return &x509.Certificate{
		Subject: pkix.Name{
			Country: []string{"VN"}, Organization: []string{builtinOrg}, CommonName: builtinIssuerCN,
		},
		NotBefore:             now.Add(-backdate),
		NotAfter:              now.Add(issuingValidity),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLen:            0,
		MaxPathLenZero:        true,
	}
}

// tsaTemplate is RFC 3161 §2.3: exactly one extended key usage,
// timeStamping, marked critical. crypto/x509 never marks EKU critical, so
// the extension is written by hand.
func tsaTemplate(now time.Time) (*x509.Certificate, error) {
	eku, err := asn1.Marshal([]asn1.ObjectIdentifier{oidKPTimeStamping})
	if err != nil {
		return nil, err
	}
	return &x509.Certificate{
		Subject: pkix.Name{
			Country: []string{"VN"}, Organization: []string{builtinOrg}, CommonName: builtinTSACN,
		},
		NotBefore:             now.Add(-backdate),
		NotAfter:              now.Add(tsaValidity),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
		BasicConstraintsValid: true,
		ExtraExtensions:       []pkix.Extension{{Id: oidExtKeyUsage, Critical: true, Value: eku}},
	}, nil
}

// signingUsages are what poppler (pdfsig) and Adobe accept for a document
// signature: digitalSignature and nonRepudiation, with emailProtection
// beside documentSigning.
func signingUsages(t *x509.Certificate) {
	t.KeyUsage = x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment
	t.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection}
	t.UnknownExtKeyUsage = []asn1.ObjectIdentifier{OIDDocumentSigning}
	t.BasicConstraintsValid = true
}

func agencyName(a Agency) pkix.Name {
	n := pkix.Name{
		Country:            []string{"VN"},
		Organization:       []string{a.Name},
		OrganizationalUnit: []string{a.Code},
	}
	if a.Province != "" {
		n.Locality = []string{a.Province}
	}
	return n
}

// organisationTemplate: the agency's own signature, which stands for its
// seal (Decree 130/2018, Art. 8). O is the agency's name, OU its code.
func organisationTemplate(a Agency, now time.Time) (*x509.Certificate, error) {
	if a.Name == "" || a.Code == "" {
		return nil, ErrBadInput
	}
	n := agencyName(a)
	n.CommonName = a.Name
	t := &x509.Certificate{Subject: n, NotBefore: now.Add(-backdate), NotAfter: now.Add(orgValidity)}
	signingUsages(t)
	return t, nil
}

// personalTemplate: an official's signature; CN is the full name, title
// the position, O and OU those of the agency.
func personalTemplate(p Official, a Agency, now time.Time) (*x509.Certificate, error) {
	if p.FullName == "" || a.Name == "" || a.Code == "" {
		return nil, ErrBadInput
	}
	n := agencyName(a)
	n.CommonName = p.FullName
	if p.Position != "" {
		n.ExtraNames = append(n.ExtraNames, pkix.AttributeTypeAndValue{Type: oidTitle, Value: p.Position})
	}
	t := &x509.Certificate{Subject: n, NotBefore: now.Add(-backdate), NotAfter: now.Add(personalValidity)}
	if p.Email != "" {
		t.EmailAddresses = []string{p.Email}
	}
	signingUsages(t)
	return t, nil
}

// issue signs template with the issuer's key, filling serial and key ids
// and capping validity at the issuer's. issuer nil means self-signed.
func issue(template *x509.Certificate, pub crypto.PublicKey, issuer *x509.Certificate, issuerKey crypto.Signer) (*x509.Certificate, error) {
	serial, err := newSerial()
	if err != nil {
		return nil, err
	}
	template.SerialNumber = serial
	// Signing libraries stamp CMS signatures and timestamp tokens with the
	// host's wall clock: a certificate must not start after it, even when
	// egov runs on an injected clock (tests of deadlines in the future).
	if wall := time.Now().Add(-backdate); template.NotBefore.After(wall) {
		template.NotBefore = wall
	}
	parent := template
	if issuer != nil {
		parent = issuer
		if template.NotAfter.After(issuer.NotAfter) {
			template.NotAfter = issuer.NotAfter
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, template, parent, pub, issuerKey)
	if err != nil {
		return nil, fmt.Errorf("pki: create certificate: %w", err)
	}
	return x509.ParseCertificate(der)
}

// Title returns the title (position) attribute of a subject, if any.
// SubjectText writes a subject as people read it, the position included
// ("CN=Nguyễn Văn A,title=Chủ tịch,OU=000.00.20.H37,O=...").
// pkix.Name.String prints the title attribute as hex, since Go does not
// name its OID.
func SubjectText(n pkix.Name) string {
	t := Title(n)
	if t == "" {
		return n.String()
	}
	var kept []pkix.AttributeTypeAndValue
	for _, a := range n.Names {
		if !a.Type.Equal(oidTitle) {
			kept = append(kept, a)
		}
	}
	m := n
	m.Names, m.ExtraNames = kept, nil
	// Rebuild the RDN sequence without the title, then put it after CN.
	out := m.String()
	if i := strings.Index(out, ","); strings.HasPrefix(out, "CN=") && i > 0 {
		return out[:i] + ",title=" + t + out[i:]
	}
	return "title=" + t + "," + out
}

func Title(n pkix.Name) string {
	for _, a := range n.Names {
		if a.Type.Equal(oidTitle) {
			if s, ok := a.Value.(string); ok {
				return s
			}
		}
	}
	return ""
}
