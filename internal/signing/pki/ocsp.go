package pki

import (
	"bytes"
	"context"
	"crypto"
	"crypto/x509"
	"crypto/x509/pkix"
	"database/sql"
	"encoding/asn1"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/crypto/ocsp"
)

const (
	ocspValidity = time.Hour // nextUpdate of a response
	maxOCSPBody  = 16 << 10
)

var oidOCSPNonce = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 48, 1, 2}

// OCSPHandler answers OCSP requests (RFC 6960) for certificates of the
// built-in CAs, by POST (application/ocsp-request) and by GET
// (.../ocsp/{base64 request}). Responses are signed by the CA that issued
// the certificate in question and echo the request's nonce. Mount it at
// /pki/ocsp and /pki/ocsp/ without path cleaning (base64 may hold "//").
func (s *Service) OCSPHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var raw []byte
		switch r.Method {
		case http.MethodPost:
			b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxOCSPBody))
			if err != nil {
				writeOCSP(w, ocsp.MalformedRequestErrorResponse, false)
				return
			}
			raw = b
		case http.MethodGet:
			p := r.URL.EscapedPath()
			i := strings.Index(p, "/ocsp/")
			if i < 0 {
				writeOCSP(w, ocsp.MalformedRequestErrorResponse, false)
				return
			}
			enc, err := url.PathUnescape(p[i+len("/ocsp/"):])
			if err == nil {
				raw, err = base64.StdEncoding.DecodeString(enc)
			}
			if err != nil {
				writeOCSP(w, ocsp.MalformedRequestErrorResponse, false)
				return
			}
		default:
			w.Header().Set("Allow", "GET, POST")
			http.Error(w, "Chỉ nhận GET hoặc POST / GET or POST only", http.StatusMethodNotAllowed)
			return
		}
		resp, err := s.ocspRespond(r.Context(), raw)
		if err != nil {
			s.log.Error("pki: ocsp", "err", err)
			writeOCSP(w, ocsp.InternalErrorErrorResponse, false)
			return
		}
		writeOCSP(w, resp, r.Method == http.MethodGet)
	})
}

func writeOCSP(w http.ResponseWriter, body []byte, cacheable bool) {
	w.Header().Set("Content-Type", "application/ocsp-response")
	if cacheable {
		w.Header().Set("Cache-Control", "max-age=300, public, no-transform, must-revalidate")
	} else {
		w.Header().Set("Cache-Control", "no-store")
	}
	_, _ = w.Write(body)
}

// ocspRespond builds the DER response to a DER request. Requests it cannot
// answer get an OCSP error response, not a Go error.
func (s *Service) ocspRespond(ctx context.Context, raw []byte) ([]byte, error) {
	req, err := ocsp.ParseRequest(raw)
	if err != nil {
		return ocsp.MalformedRequestErrorResponse, nil
	}
	ca, err := s.ocspIssuer(ctx, req)
	if err != nil {
		return nil, err
	}
	if ca == nil {
		return ocsp.UnauthorizedErrorResponse, nil
	}
	key, err := s.key(ctx, s.db.R, ca)
	if err != nil {
		return nil, err
	}
	at := s.now().UTC()
	now := at.Truncate(time.Second)
	tmpl := ocsp.Response{
		Status:       ocsp.Unknown,
		SerialNumber: req.SerialNumber,
		ThisUpdate:   now,
		NextUpdate:   now.Add(ocspValidity),
		IssuerHash:   req.HashAlgorithm,
	}
	var (
		revoked sql.NullTime
		reason  int
	)
	err = s.db.R.QueryRowContext(ctx, `SELECT revoked_at, revocation_reason FROM pki_certificates
		WHERE issuer_id = $1 AND serial = $2`, ca.ID, serialHex(req.SerialNumber)).Scan(&revoked, &reason)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return nil, err
	case revoked.Valid && !revoked.Time.After(at):
		tmpl.Status = ocsp.Revoked
		tmpl.RevokedAt = revoked.Time.UTC()
		tmpl.RevocationReason = reason
	default:
		tmpl.Status = ocsp.Good
	}
	return createOCSPResponse(ca.Cert, tmpl, key, at, requestNonce(raw))
}

// ocspIssuer finds the built-in CA the request names by its key hash, or
// nil.
func (s *Service) ocspIssuer(ctx context.Context, req *ocsp.Request) (*Certificate, error) {
	if !req.HashAlgorithm.Available() {
		return nil, nil
	}
	for _, kind := range []Kind{KindIssuing, KindRoot} {
		cas, err := s.listKeyed(ctx, kind)
		if err != nil {
			return nil, err
		}
		for _, ca := range cas {
			if bytes.Equal(keyHash(req.HashAlgorithm, ca.Cert), req.IssuerKeyHash) {
				return ca, nil
			}
		}
	}
	return nil, nil
}

func (s *Service) listKeyed(ctx context.Context, kind Kind) ([]*Certificate, error) {
	return s.queryCerts(ctx, `SELECT `+certColumns+` FROM pki_certificates
		WHERE kind = $1 AND key_enc IS NOT NULL ORDER BY id DESC`, string(kind))
}

// keyHash is the hash of the subjectPublicKey bits (RFC 6960 §4.1.1).
func keyHash(h crypto.Hash, c *x509.Certificate) []byte {
	var spki struct {
		Algorithm pkix.AlgorithmIdentifier
		PublicKey asn1.BitString
	}
	if _, err := asn1.Unmarshal(c.RawSubjectPublicKeyInfo, &spki); err != nil {
		return nil
	}
	hh := h.New()
	hh.Write(spki.PublicKey.RightAlign())
	return hh.Sum(nil)
}

// requestNonce returns the nonce extension of an OCSP request, which
// golang.org/x/crypto/ocsp does not expose.
func requestNonce(raw []byte) *pkix.Extension {
	var req struct {
		TBS struct {
			Version       int           `asn1:"explicit,tag:0,default:0,optional"`
			RequestorName asn1.RawValue `asn1:"explicit,tag:1,optional"`
			RequestList   []asn1.RawValue
			Extensions    []pkix.Extension `asn1:"explicit,tag:2,optional"`
		}
		Signature asn1.RawValue `asn1:"explicit,tag:0,optional"`
	}
	if _, err := asn1.Unmarshal(raw, &req); err != nil {
		return nil
	}
	for _, e := range req.TBS.Extensions {
		if e.Id.Equal(oidOCSPNonce) && len(e.Value) <= 128 {
			return &pkix.Extension{Id: oidOCSPNonce, Value: e.Value}
		}
	}
	return nil
}
