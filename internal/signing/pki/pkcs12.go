package pki

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"software.sslmate.com/src/go-pkcs12"
)

// maxPKCS12 bounds what is parsed: real files are a few KB.
const maxPKCS12 = 1 << 20

// Bundle is the content of a PKCS#12 file: a signing key, its certificate
// and the chain above it (issuer first, as far as the file goes).
type Bundle struct {
	Key   crypto.Signer
	Leaf  *x509.Certificate
	Chain []*x509.Certificate
}

// ParsePKCS12 reads a PKCS#12 (.p12, .pfx) file holding one key and its
// certificate. It is the single entry for key files uploaded by users, and
// returns only *apperr.Error for bad input.
func ParsePKCS12(data []byte, password string) (*Bundle, error) {
	if len(data) == 0 || len(data) > maxPKCS12 {
		return nil, ErrBadPKCS12
	}
	if !pkcs12WithinLimits(data) {
		return nil, ErrBadPKCS12
	}
	key, leaf, cas, err := pkcs12.DecodeChain(data, password)
	if err != nil {
		// The library says what is wrong only in its error text.
		switch msg := err.Error(); {
		case errors.Is(err, pkcs12.ErrIncorrectPassword):
			return nil, ErrWrongPassword
		case strings.Contains(msg, "private key missing"):
			return nil, ErrNoKeyInFile.Wrap(err)
		case strings.Contains(msg, "unknown private key type"), strings.Contains(msg, "unknown algorithm"):
			return nil, ErrUnsupportedKey.Wrap(err)
		}
		return nil, ErrBadPKCS12.Wrap(err)
	}
	signer, ok := key.(crypto.Signer)
	if !ok || !supportedKey(signer) {
		return nil, ErrUnsupportedKey
	}
	pub, ok := signer.Public().(interface{ Equal(crypto.PublicKey) bool })
	if !ok || !pub.Equal(leaf.PublicKey) {
		return nil, ErrKeyMismatch
	}
	if leaf.KeyUsage != 0 && leaf.KeyUsage&(x509.KeyUsageDigitalSignature|x509.KeyUsageContentCommitment) == 0 {
		return nil, ErrNotSigningCert
	}
	return &Bundle{Key: signer, Leaf: leaf, Chain: orderChain(leaf, cas)}, nil
}

func supportedKey(k crypto.Signer) bool {
	switch p := k.Public().(type) {
	case *rsa.PublicKey:
		return p.N.BitLen() >= 2048
	case *ecdsa.PublicKey:
		return p.Curve == elliptic.P256() || p.Curve == elliptic.P384()
	}
	return false
}

// orderChain walks from leaf to its issuers among cas (files list them in
// any order), dropping certificates that are not on the path.
func orderChain(leaf *x509.Certificate, cas []*x509.Certificate) []*x509.Certificate {
	var out []*x509.Certificate
	used := make([]bool, len(cas))
	cur := leaf
	for len(out) < len(cas) {
		if bytes.Equal(cur.RawIssuer, cur.RawSubject) {
			break
		}
		next := -1
		for i, c := range cas {
			if !used[i] && bytes.Equal(c.RawSubject, cur.RawIssuer) && cur.CheckSignatureFrom(c) == nil {
				next = i
				break
			}
		}
		if next < 0 {
			break
		}
		used[next] = true
		out = append(out, cas[next])
		cur = cas[next]
	}
	return out
}

// storedIssuer finds a stored CA certificate that signed c (0 if none).
func (s *Service) storedIssuer(ctx context.Context, tx *sql.Tx, c *x509.Certificate) (int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+certColumns+` FROM pki_certificates
		WHERE subject = $1 AND kind IN ($2, $3, $4) ORDER BY id DESC`,
		c.Issuer.String(), string(KindIssuing), string(KindRoot), string(KindExternalCA))
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	for rows.Next() {
		ca, err := scanCert(rows)
		if err != nil {
			return 0, err
		}
		if c.CheckSignatureFrom(ca.Cert) == nil {
			return ca.ID, nil
		}
	}
	return 0, rows.Err()
}

// ImportInput is a PKCS#12 file to import and whom it belongs to.
type ImportInput struct {
	Data     []byte
	Password string
	Kind     Kind  // KindOrganisation or KindPersonal
	AgencyID int64 // the agency (both kinds)
	UserID   int64 // the official (personal)
}

// ImportPKCS12 stores a real certificate and its key from a PKCS#12 file
// (for instance one issued by the Government's specialised CA); the key is
// sealed under the master key, the CA certificates of the file are stored
// without keys. Importing the same file twice returns the stored one.
func (s *Service) ImportPKCS12(ctx context.Context, in ImportInput) (*Certificate, error) {
	if (in.Kind != KindOrganisation && in.Kind != KindPersonal) || in.AgencyID == 0 {
		return nil, ErrBadInput
	}
	if in.Kind == KindPersonal && in.UserID == 0 {
		return nil, ErrBadInput
	}
	b, err := ParsePKCS12(in.Data, in.Password)
	if err != nil {
		return nil, err
	}
	var out *Certificate
	err = s.db.Tx(ctx, func(tx *sql.Tx) (err error) {
		// Store the chain from the top, so each row can name its issuer;
		// the top's issuer may be stored already (our own CA, an earlier
		// import).
		top := b.Leaf
		if len(b.Chain) > 0 {
			top = b.Chain[len(b.Chain)-1]
		}
		var issuerID int64
		if !bytes.Equal(top.RawIssuer, top.RawSubject) {
			if issuerID, err = s.storedIssuer(ctx, tx, top); err != nil {
				return err
			}
		}
		for i := len(b.Chain) - 1; i >= 0; i-- {
			c := b.Chain[i]
			id, existed, err := s.insertCert(ctx, tx, KindExternalCA, c, nil, issuerID, 0, 0)
			if err != nil {
				return err
			}
			if !existed {
				if err := s.audit.Record(ctx, tx, "pki.import", "certificate", strconv.FormatInt(id, 10),
					certDetail(KindExternalCA, c)); err != nil {
					return err
				}
			}
			issuerID = id
		}
		id, _, err := s.insertCert(ctx, tx, in.Kind, b.Leaf, b.Key, issuerID, in.AgencyID, in.UserID)
		if err != nil {
			return err
		}
		d := certDetail(in.Kind, b.Leaf)
		d["chain"] = len(b.Chain)
		if err := s.audit.Record(ctx, tx, "pki.import", "certificate", strconv.FormatInt(id, 10), d); err != nil {
			return err
		}
		out, err = s.get(ctx, tx, id)
		return err
	})
	return out, err
}
