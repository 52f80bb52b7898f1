package pki

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"egov/internal/apperr"
)

// Handler serves the public face of the built-in CA under /pki/:
//
//	GET  /pki/ca/{id}.crt   a CA certificate (DER)
//	GET  /pki/crl/{id}.crl  the CA's current CRL (DER)
//	GET  /pki/ocsp/{req}, POST /pki/ocsp   OCSP (RFC 6960)
//	POST /pki/tsa           timestamps (RFC 3161)
//
// It routes by prefix itself: http.ServeMux would redirect the "//" that
// base64 OCSP requests in GET URLs may contain.
func (s *Service) Handler() http.Handler {
	ocspH, tsaH := s.OCSPHandler(), s.TSAHandler()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.EscapedPath()
		switch {
		case p == "/pki/ocsp" || strings.HasPrefix(p, "/pki/ocsp/"):
			ocspH.ServeHTTP(w, r)
		case p == "/pki/tsa":
			tsaH.ServeHTTP(w, r)
		case strings.HasPrefix(p, "/pki/ca/") && strings.HasSuffix(p, ".crt"):
			s.serveDER(w, r, strings.TrimSuffix(strings.TrimPrefix(p, "/pki/ca/"), ".crt"), "application/pkix-cert", false)
		case strings.HasPrefix(p, "/pki/crl/") && strings.HasSuffix(p, ".crl"):
			s.serveDER(w, r, strings.TrimSuffix(strings.TrimPrefix(p, "/pki/crl/"), ".crl"), "application/pkix-crl", true)
		default:
			http.NotFound(w, r)
		}
	})
}

func (s *Service) serveDER(w http.ResponseWriter, r *http.Request, idText, contentType string, crl bool) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "Chỉ nhận GET / GET only", http.StatusMethodNotAllowed)
		return
	}
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil || id <= 0 {
		http.NotFound(w, r)
		return
	}
	var der []byte
	if crl {
		der, err = s.CRL(r.Context(), id)
	} else {
		der, err = s.CACert(r.Context(), id)
	}
	if err != nil {
		if e := (*apperr.Error)(nil); errors.As(err, &e) && (e.Key == ErrUnknownCertificate.Key || e.Key == ErrNoKey.Key) {
			http.Error(w, ErrUnknownCertificate.VI+" / "+ErrUnknownCertificate.EN, http.StatusNotFound)
			return
		}
		s.log.Error("pki: serve", "path", r.URL.Path, "err", err)
		http.Error(w, apperr.ErrInternal.VI+" / "+apperr.ErrInternal.EN, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Cache-Control", "max-age=300, public")
	_, _ = w.Write(der)
}
