package pki

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	_ "crypto/sha1" // SHA-1 names responders by key (RFC 6960) and old requests use it
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"math/big"
	"time"

	"golang.org/x/crypto/ocsp"
)

// createOCSPResponse is ocsp.CreateResponse with what it lacks: the nonce
// goes in responseExtensions (where RFC 6960 §4.4.1 and openssl look;
// x/crypto can only write singleExtensions), producedAt comes from the
// service's clock, and the responder is named by key hash. The responder
// is the issuer itself.
func createOCSPResponse(issuer *x509.Certificate, t ocsp.Response, priv crypto.Signer, producedAt time.Time, nonce *pkix.Extension) ([]byte, error) {
	hashOID, ok := hashOIDs[t.IssuerHash]
	if !ok {
		return nil, errors.New("pki: unsupported OCSP issuer hash")
	}
	ik := keyHash(t.IssuerHash, issuer)
	nh := t.IssuerHash.New()
	nh.Write(issuer.RawSubject)
	single := ocspSingleResponse{
		CertID: ocspCertID{
			HashAlgorithm: pkix.AlgorithmIdentifier{Algorithm: hashOID, Parameters: asn1.NullRawValue},
			NameHash:      nh.Sum(nil),
			IssuerKeyHash: ik,
			SerialNumber:  t.SerialNumber,
		},
		ThisUpdate: t.ThisUpdate.UTC(),
		NextUpdate: t.NextUpdate.UTC(),
	}
	switch t.Status {
	case ocsp.Good:
		single.Good = true
	case ocsp.Revoked:
		single.Revoked = ocspRevokedInfo{RevocationTime: t.RevokedAt.UTC(), Reason: asn1.Enumerated(t.RevocationReason)}
	default:
		single.Unknown = true
	}
	responderKey := keyHash(crypto.SHA1, issuer) // byKey is SHA-1 by definition
	rid, err := asn1.Marshal(responderKey)
	if err != nil {
		return nil, err
	}
	tbs := ocspResponseData{
		ResponderID: asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 2, IsCompound: true, Bytes: rid},
		ProducedAt:  producedAt.UTC().Truncate(time.Second),
		Responses:   []ocspSingleResponse{single},
	}
	if nonce != nil {
		tbs.Extensions = []pkix.Extension{*nonce}
	}
	tbsDER, err := asn1.Marshal(tbs)
	if err != nil {
		return nil, err
	}
	hash, algID, err := signatureAlgorithm(priv.Public())
	if err != nil {
		return nil, err
	}
	h := hash.New()
	h.Write(tbsDER)
	sig, err := priv.Sign(rand.Reader, h.Sum(nil), hash)
	if err != nil {
		return nil, err
	}
	basic, err := asn1.Marshal(ocspBasicResponse{
		TBSResponseData:    asn1.RawValue{FullBytes: tbsDER},
		SignatureAlgorithm: algID,
		Signature:          asn1.BitString{Bytes: sig, BitLength: 8 * len(sig)},
	})
	if err != nil {
		return nil, err
	}
	return asn1.Marshal(ocspResponseASN1{
		Status:   asn1.Enumerated(ocsp.Success),
		Response: ocspResponseBytes{ResponseType: oidOCSPBasic, Response: basic},
	})
}

var (
	oidOCSPBasic = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 48, 1, 1}
	hashOIDs     = map[crypto.Hash]asn1.ObjectIdentifier{
		crypto.SHA1:   {1, 3, 14, 3, 2, 26},
		crypto.SHA256: {2, 16, 840, 1, 101, 3, 4, 2, 1},
		crypto.SHA384: {2, 16, 840, 1, 101, 3, 4, 2, 2},
		crypto.SHA512: {2, 16, 840, 1, 101, 3, 4, 2, 3},
	}
)

// signatureAlgorithm picks the hash and algorithm identifier for a key.
func signatureAlgorithm(pub crypto.PublicKey) (crypto.Hash, pkix.AlgorithmIdentifier, error) {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		return crypto.SHA256, pkix.AlgorithmIdentifier{
			Algorithm: asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 11}, Parameters: asn1.NullRawValue,
		}, nil
	case *ecdsa.PublicKey:
		if k.Curve == elliptic.P384() {
			return crypto.SHA384, pkix.AlgorithmIdentifier{Algorithm: asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 3}}, nil
		}
		return crypto.SHA256, pkix.AlgorithmIdentifier{Algorithm: asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 2}}, nil
	}
	return 0, pkix.AlgorithmIdentifier{}, ErrUnsupportedKey
}

type ocspResponseASN1 struct {
	Status   asn1.Enumerated
	Response ocspResponseBytes `asn1:"explicit,tag:0,optional"`
}

type ocspResponseBytes struct {
	ResponseType asn1.ObjectIdentifier
	Response     []byte
}

type ocspBasicResponse struct {
	TBSResponseData    asn1.RawValue
	SignatureAlgorithm pkix.AlgorithmIdentifier
	Signature          asn1.BitString
	Certificates       []asn1.RawValue `asn1:"explicit,tag:0,optional"`
}

type ocspResponseData struct {
	Version     int `asn1:"optional,default:0,explicit,tag:0"`
	ResponderID asn1.RawValue
	ProducedAt  time.Time `asn1:"generalized"`
	Responses   []ocspSingleResponse
	Extensions  []pkix.Extension `asn1:"explicit,tag:1,optional"`
}

type ocspSingleResponse struct {
	CertID     ocspCertID
	Good       asn1.Flag       `asn1:"tag:0,optional"`
	Revoked    ocspRevokedInfo `asn1:"tag:1,optional"`
	Unknown    asn1.Flag       `asn1:"tag:2,optional"`
	ThisUpdate time.Time       `asn1:"generalized"`
	NextUpdate time.Time       `asn1:"generalized,explicit,tag:0,optional"`
}

type ocspCertID struct {
	HashAlgorithm pkix.AlgorithmIdentifier
	NameHash      []byte
	IssuerKeyHash []byte
	SerialNumber  *big.Int
}

type ocspRevokedInfo struct {
	RevocationTime time.Time       `asn1:"generalized"`
	Reason         asn1.Enumerated `asn1:"explicit,tag:0,optional"`
}
