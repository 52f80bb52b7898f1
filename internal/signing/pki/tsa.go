package pki

import (
	"context"
	"crypto"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/digitorus/timestamp"

	"egov/internal/apperr"
)

const (
	maxTSABody = 64 << 10
	// tsaAccuracy is what the TSA promises about its clock (the host's
	// clock, kept by NTP).
	tsaAccuracy = time.Second
)

// noFailure marks a request that is not refused.
const noFailure = timestamp.UnknownFailureInfo

// ErrBadTimestampRequest means a timestamp request could not be used.
var ErrBadTimestampRequest = apperr.New(apperr.Invalid, "pki.bad_timestamp_request",
	"Yêu cầu cấp dấu thời gian không hợp lệ (chỉ nhận SHA-256, SHA-384, SHA-512).",
	"The timestamp request is not valid (SHA-256, SHA-384 or SHA-512 only).")

// TSAHandler answers RFC 3161 timestamp requests
// (application/timestamp-query by POST) with the built-in timestamp
// authority: SHA-256, SHA-384 and SHA-512 imprints, the nonce echoed, the
// TSA's chain included when the request asks for it.
func (s *Service) TSAHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", "POST")
			http.Error(w, "Chỉ nhận POST / POST only", http.StatusMethodNotAllowed)
			return
		}
		if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/timestamp-query") {
			http.Error(w, "Cần Content-Type application/timestamp-query / application/timestamp-query expected", http.StatusUnsupportedMediaType)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxTSABody))
		if err != nil {
			tsaFail(w, timestamp.BadDataFormat)
			return
		}
		req, err := timestamp.ParseRequest(body)
		if err != nil {
			tsaFail(w, timestamp.BadDataFormat)
			return
		}
		resp, fail, err := s.stamp(r.Context(), req)
		if err != nil {
			s.log.Error("pki: timestamp", "err", err)
			tsaFail(w, timestamp.SystemFailure)
			return
		}
		if fail != noFailure {
			tsaFail(w, fail)
			return
		}
		w.Header().Set("Content-Type", "application/timestamp-reply")
		_, _ = w.Write(resp)
	})
}

func tsaFail(w http.ResponseWriter, f timestamp.FailureInfo) {
	b, err := timestamp.CreateErrorResponse(timestamp.Rejection, f)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/timestamp-reply")
	_, _ = w.Write(b)
}

// stamp makes the response to a request; fail != noFailure says why it is refused.
func (s *Service) stamp(ctx context.Context, req *timestamp.Request) (resp []byte, fail timestamp.FailureInfo, err error) {
	switch req.HashAlgorithm {
	case crypto.SHA256, crypto.SHA384, crypto.SHA512:
	default:
		return nil, timestamp.BadAlgorithm, nil
	}
	if len(req.HashedMessage) != req.HashAlgorithm.Size() {
		return nil, timestamp.BadDataFormat, nil
	}
	if len(req.TSAPolicyOID) > 0 && !req.TSAPolicyOID.Equal(TSAPolicy) {
		return nil, timestamp.UnacceptedPolicy, nil
	}
	tsa, err := s.builtin(ctx, s.db.R, KindTSA)
	if err != nil {
		return nil, noFailure, err
	}
	now := s.now()
	if tsa.Revoked() || now.After(tsa.Cert.NotAfter) {
		return nil, timestamp.TimeNotAvailable, nil
	}
	key, err := s.key(ctx, s.db.R, tsa)
	if err != nil {
		return nil, noFailure, err
	}
	ts := timestamp.Timestamp{
		HashAlgorithm:     req.HashAlgorithm,
		HashedMessage:     req.HashedMessage,
		Time:              now.UTC().Truncate(time.Millisecond),
		Accuracy:          tsaAccuracy,
		Nonce:             req.Nonce,
		Policy:            TSAPolicy,
		AddTSACertificate: req.Certificates,
	}
	if req.Certificates {
		chain, err := s.chain(ctx, s.db.R, tsa)
		if err != nil {
			return nil, noFailure, err
		}
		// The signer's certificate is added by the library; the rest of
		// the path up to (not including) the root goes with it.
		if len(chain) > 2 {
			ts.Certificates = chain[1 : len(chain)-1]
		}
	}
	resp, err = ts.CreateResponseWithOpts(tsa.Cert, key, crypto.SHA256)
	return resp, noFailure, err
}

// Timestamp returns a timestamp token from the built-in authority for a
// digest made with hash (SHA-256, SHA-384 or SHA-512), with the TSA
// certificate included; RawToken is what goes into a signature.
func (s *Service) Timestamp(ctx context.Context, hash crypto.Hash, digest []byte) (*timestamp.Timestamp, error) {
	resp, fail, err := s.stamp(ctx, &timestamp.Request{HashAlgorithm: hash, HashedMessage: digest, Certificates: true})
	if err != nil {
		return nil, err
	}
	if fail != noFailure {
		return nil, ErrBadTimestampRequest
	}
	return timestamp.ParseResponse(resp)
}
