package oidcdemo

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/asn1"
	"encoding/base64"
	"errors"
	"fmt"
	"math/big"

	"github.com/go-jose/go-jose/v4"
)

// newSigner wraps key (generating one when nil) as a JOSE signer. Every key
// goes through the same crypto.Signer path, so a key held in hardware works
// like one in memory.
func newSigner(key crypto.Signer) (jose.Signer, jose.JSONWebKey, jose.SignatureAlgorithm, error) {
	var none jose.JSONWebKey
	if key == nil {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return nil, none, "", fmt.Errorf("oidcdemo: generate signing key: %w", err)
		}
		key = k
	}
	var alg jose.SignatureAlgorithm
	switch pub := key.Public().(type) {
	case *rsa.PublicKey:
		if pub.N.BitLen() < 2048 {
			return nil, none, "", errors.New("oidcdemo: RSA signing key must have at least 2048 bits")
		}
		alg = jose.RS256
	case *ecdsa.PublicKey:
		if pub.Curve != elliptic.P256() {
			return nil, none, "", errors.New("oidcdemo: ECDSA signing key must use P-256")
		}
		alg = jose.ES256
	default:
		return nil, none, "", fmt.Errorf("oidcdemo: unsupported signing key type %T (want RSA or ECDSA P-256)", pub)
	}
	jwk := jose.JSONWebKey{Key: key.Public(), Algorithm: string(alg), Use: "sig"}
	thumb, err := jwk.Thumbprint(crypto.SHA256)
	if err != nil {
		return nil, none, "", fmt.Errorf("oidcdemo: key thumbprint: %w", err)
	}
	jwk.KeyID = base64.RawURLEncoding.EncodeToString(thumb)
	s, err := jose.NewSigner(
		jose.SigningKey{Algorithm: alg, Key: cryptoSigner{key: key, jwk: jwk, alg: alg}},
		(&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		return nil, none, "", fmt.Errorf("oidcdemo: signer: %w", err)
	}
	return s, jwk, alg, nil
}

// cryptoSigner adapts a crypto.Signer to jose.OpaqueSigner.
type cryptoSigner struct {
	key crypto.Signer
	jwk jose.JSONWebKey
	alg jose.SignatureAlgorithm
}

func (s cryptoSigner) Public() *jose.JSONWebKey        { return &s.jwk }
func (s cryptoSigner) Algs() []jose.SignatureAlgorithm { return []jose.SignatureAlgorithm{s.alg} }

func (s cryptoSigner) SignPayload(payload []byte, alg jose.SignatureAlgorithm) ([]byte, error) {
	if alg != s.alg {
		return nil, jose.ErrUnsupportedAlgorithm
	}
	digest := sha256.Sum256(payload)
	sig, err := s.key.Sign(rand.Reader, digest[:], crypto.SHA256)
	if err != nil || alg != jose.ES256 {
		return sig, err
	}
	// crypto.Signer gives ASN.1 DER; JWS wants r and s as two 32-byte values.
	var rs struct{ R, S *big.Int }
	if rest, err := asn1.Unmarshal(sig, &rs); err != nil || len(rest) != 0 {
		return nil, errors.New("oidcdemo: malformed ECDSA signature")
	}
	if rs.R.Sign() <= 0 || rs.S.Sign() <= 0 || rs.R.BitLen() > 256 || rs.S.BitLen() > 256 {
		return nil, errors.New("oidcdemo: ECDSA signature out of range")
	}
	out := make([]byte, 64)
	rs.R.FillBytes(out[:32])
	rs.S.FillBytes(out[32:])
	return out, nil
}
