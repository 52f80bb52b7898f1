package pki_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/sha256"
	"crypto/sha512"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/digitorus/timestamp"

	"egov/internal/platform/sqldb"
	"egov/internal/platform/sqldb/sqldbtest"
	"egov/internal/signing/pki"
)

func TestTSA(t *testing.T) {
	t.Parallel()
	sqldbtest.Engines(t, func(t *testing.T, db *sqldb.DB) {
		e := setup(t, db)
		tsaURL := e.svc.TSAURL()
		if !strings.HasPrefix(tsaURL, e.srv.URL+"/pki/tsa") {
			t.Fatalf("TSA URL %s", tsaURL)
		}

		t.Run("OpenSSLQueryAndVerify", func(t *testing.T) {
			needOpenSSL(t)
			data := filepath.Join(e.dir, "document.pdf")
			if err := os.WriteFile(data, []byte("%PDF-1.7 văn bản cần đóng dấu thời gian"), 0o600); err != nil {
				t.Fatal(err)
			}
			openssl(t, e.dir, "ts", "-query", "-data", data, "-sha256", "-cert", "-out", "req.tsq")
			query, err := os.ReadFile(filepath.Join(e.dir, "req.tsq"))
			if err != nil {
				t.Fatal(err)
			}
			reply := postTSA(t, tsaURL, query)
			if err := os.WriteFile(filepath.Join(e.dir, "reply.tsr"), reply, 0o600); err != nil {
				t.Fatal(err)
			}
			root := e.writePEM(t, "root.pem", e.ca.Root.Cert)
			chain := e.writePEM(t, "tsa-chain.pem", e.ca.TSA.Cert, e.ca.Issuing.Cert)
			out := openssl(t, e.dir, "ts", "-verify", "-data", data, "-in", "reply.tsr", "-CAfile", root, "-untrusted", chain)
			if !strings.Contains(out, "Verification: OK") {
				t.Fatalf("openssl ts -verify:\n%s", out)
			}
			// the request's nonce is echoed (openssl checks it with -queryfile)
			out = openssl(t, e.dir, "ts", "-verify", "-queryfile", "req.tsq", "-in", "reply.tsr", "-CAfile", root, "-untrusted", chain)
			if !strings.Contains(out, "Verification: OK") {
				t.Fatalf("openssl ts -verify -queryfile:\n%s", out)
			}
			text := openssl(t, e.dir, "ts", "-reply", "-in", "reply.tsr", "-text")
			for _, want := range []string{"Status: Granted", "Policy OID: " + pki.TSAPolicy.String(), "Accuracy: 0x01 seconds", "Nonce: 0x"} {
				if !strings.Contains(text, want) {
					t.Errorf("reply lacks %q:\n%s", want, text)
				}
			}
		})
		t.Run("GoClient", func(t *testing.T) {
			msg := []byte("hồ sơ")
			req, err := timestamp.CreateRequest(bytes.NewReader(msg), &timestamp.RequestOptions{Hash: crypto.SHA512, Certificates: true})
			if err != nil {
				t.Fatal(err)
			}
			ts, err := timestamp.ParseResponse(postTSA(t, tsaURL, req))
			if err != nil {
				t.Fatal(err)
			}
			d := sha512.Sum512(msg)
			if !bytes.Equal(ts.HashedMessage, d[:]) || ts.HashAlgorithm != crypto.SHA512 {
				t.Fatal("imprint differs")
			}
			if d := time.Since(ts.Time); d < -time.Minute || d > time.Minute {
				t.Fatalf("time %v", ts.Time)
			}
			if len(ts.Certificates) == 0 || !ts.Certificates[0].Equal(e.ca.TSA.Cert) {
				t.Fatalf("%d certificates", len(ts.Certificates))
			}
		})
		t.Run("Refusals", func(t *testing.T) {
			for name, opt := range map[string]*timestamp.RequestOptions{
				"SHA1":          {Hash: crypto.SHA1},
				"ForeignPolicy": {Hash: crypto.SHA256, TSAPolicyOID: []int{1, 2, 3, 4}},
			} {
				req, err := timestamp.CreateRequest(strings.NewReader("x"), opt)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := timestamp.ParseResponse(postTSA(t, tsaURL, req)); err == nil {
					t.Errorf("%s: granted", name)
				}
			}
			if _, err := timestamp.ParseResponse(postTSA(t, tsaURL, []byte("garbage"))); err == nil {
				t.Error("garbage: granted")
			}
			resp, err := http.Get(tsaURL)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusMethodNotAllowed {
				t.Errorf("GET: %d", resp.StatusCode)
			}
		})
		t.Run("GoLevel", func(t *testing.T) {
			d := sha256.Sum256([]byte("chữ ký"))
			ts, err := e.svc.Timestamp(context.Background(), crypto.SHA256, d[:])
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(ts.HashedMessage, d[:]) || len(ts.RawToken) == 0 || !ts.Policy.Equal(pki.TSAPolicy) {
				t.Fatalf("token %+v", ts)
			}
			if _, err := e.svc.Timestamp(context.Background(), crypto.SHA256, d[:10]); err == nil {
				t.Fatal("a short digest was stamped")
			}
		})
	})
}

func postTSA(t *testing.T, url string, body []byte) []byte {
	t.Helper()
	resp, err := http.Post(url, "application/timestamp-query", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/timestamp-reply" {
		t.Fatalf("status %d %s: %s", resp.StatusCode, resp.Header.Get("Content-Type"), b)
	}
	return b
}
