package pki_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ocsp"

	"egov/internal/platform/sqldb"
	"egov/internal/platform/sqldb/sqldbtest"
	"egov/internal/signing/pki"
)

func TestOCSP(t *testing.T) {
	t.Parallel()
	sqldbtest.Engines(t, func(t *testing.T, db *sqldb.DB) {
		e := setup(t, db)
		ctx := actor()
		leaf, err := e.svc.IssuePersonal(ctx, e.official, e.agency)
		if err != nil {
			t.Fatal(err)
		}
		other, err := e.svc.IssueOrganisation(ctx, e.agency)
		if err != nil {
			t.Fatal(err)
		}
		url := e.srv.URL + "/pki/ocsp"

		t.Run("OpenSSLGoodThenRevoked", func(t *testing.T) {
			needOpenSSL(t)
			root := e.writePEM(t, "root.pem", e.ca.Root.Cert)
			iss := e.writePEM(t, "issuing.pem", e.ca.Issuing.Cert)
			lf := e.writePEM(t, "leaf.pem", leaf.Cert)
			args := []string{"ocsp", "-issuer", iss, "-cert", lf, "-url", url, "-CAfile", root}
			out := openssl(t, e.dir, args...)
			if !strings.Contains(out, "Response verify OK") || !strings.Contains(out, lf+": good") {
				t.Fatalf("before revocation:\n%s", out)
			}
			if strings.Contains(out, "WARNING: no nonce") {
				t.Errorf("nonce not echoed:\n%s", out)
			}
			if err := e.svc.Revoke(ctx, leaf.Serial, pki.ReasonKeyCompromise, time.Time{}); err != nil {
				t.Fatal(err)
			}
			out = openssl(t, e.dir, args...)
			if !strings.Contains(out, "Response verify OK") || !strings.Contains(out, lf+": revoked") ||
				!strings.Contains(out, "keyCompromise") {
				t.Fatalf("after revocation:\n%s", out)
			}
		})
		t.Run("GetForGoodAndUnknown", func(t *testing.T) {
			req, err := ocsp.CreateRequest(other.Cert, e.ca.Issuing.Cert, &ocsp.RequestOptions{Hash: crypto.SHA256})
			if err != nil {
				t.Fatal(err)
			}
			r := ocspGet(t, url, req)
			resp, err := ocsp.ParseResponseForCert(r, other.Cert, e.ca.Issuing.Cert)
			if err != nil {
				t.Fatal(err)
			}
			if resp.Status != ocsp.Good || resp.NextUpdate.IsZero() {
				t.Fatalf("status %d", resp.Status)
			}
			// a serial the CA never issued
			parsed, _ := ocsp.ParseRequest(req)
			unknown := *other.Cert
			unknown.SerialNumber = new(big.Int).Add(parsed.SerialNumber, big.NewInt(1))
			req2, _ := ocsp.CreateRequest(&unknown, e.ca.Issuing.Cert, nil)
			resp, err = ocsp.ParseResponse(ocspGet(t, url, req2), e.ca.Issuing.Cert)
			if err != nil {
				t.Fatal(err)
			}
			if resp.Status != ocsp.Unknown {
				t.Fatalf("status %d, want unknown", resp.Status)
			}
		})
		t.Run("IssuingCAAnsweredByRoot", func(t *testing.T) {
			req, _ := ocsp.CreateRequest(e.ca.Issuing.Cert, e.ca.Root.Cert, nil)
			resp, err := ocsp.ParseResponseForCert(ocspPost(t, url, req), e.ca.Issuing.Cert, e.ca.Root.Cert)
			if err != nil || resp.Status != ocsp.Good {
				t.Fatalf("%v, status %v", err, resp)
			}
		})
		t.Run("RefusesForeignIssuerAndGarbage", func(t *testing.T) {
			foreign := *e.ca.Issuing.Cert
			foreign.RawSubjectPublicKeyInfo = e.ca.TSA.Cert.RawSubjectPublicKeyInfo
			req, _ := ocsp.CreateRequest(other.Cert, &foreign, nil)
			if b := ocspPost(t, url, req); !bytes.Equal(b, ocsp.UnauthorizedErrorResponse) {
				t.Fatalf("foreign issuer: %x", b)
			}
			if b := ocspPost(t, url, []byte("not DER")); !bytes.Equal(b, ocsp.MalformedRequestErrorResponse) {
				t.Fatalf("garbage: %x", b)
			}
		})
	})
}

func ocspPost(t *testing.T, url string, req []byte) []byte {
	t.Helper()
	resp, err := http.Post(url, "application/ocsp-request", bytes.NewReader(req))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/ocsp-response" {
		t.Fatalf("status %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	return b
}

func ocspGet(t *testing.T, base string, req []byte) []byte {
	t.Helper()
	resp, err := http.Get(base + "/" + url.PathEscape(base64.StdEncoding.EncodeToString(req)))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, b)
	}
	return b
}

func TestCRL(t *testing.T) {
	t.Parallel()
	sqldbtest.Engines(t, func(t *testing.T, db *sqldb.DB) {
		e := setup(t, db)
		ctx := actor()
		a, err := e.svc.IssuePersonal(ctx, e.official, e.agency)
		if err != nil {
			t.Fatal(err)
		}
		b, err := e.svc.IssueOrganisation(ctx, e.agency)
		if err != nil {
			t.Fatal(err)
		}
		crlURL := a.Cert.CRLDistributionPoints[0]
		fetch := func(t *testing.T) *x509.RevocationList {
			t.Helper()
			resp, err := http.Get(crlURL)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			der, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != 200 {
				t.Fatalf("GET %s: %d %s", crlURL, resp.StatusCode, der)
			}
			crl, err := x509.ParseRevocationList(der)
			if err != nil {
				t.Fatal(err)
			}
			if err := crl.CheckSignatureFrom(e.ca.Issuing.Cert); err != nil {
				t.Fatal(err)
			}
			return crl
		}

		first := fetch(t)
		if len(first.RevokedCertificateEntries) != 0 || first.Number.Int64() != 1 || !first.NextUpdate.After(e.clock.Now()) {
			t.Fatalf("first CRL: %d entries, number %v, next %v", len(first.RevokedCertificateEntries), first.Number, first.NextUpdate)
		}
		t.Run("CachedWhileNothingChanges", func(t *testing.T) {
			if again := fetch(t); !bytes.Equal(again.Raw, first.Raw) {
				t.Fatal("a new CRL was issued without a change")
			}
		})
		at := e.clock.Now().Add(-time.Hour).Truncate(time.Second)
		if err := e.svc.Revoke(ctx, a.Serial, pki.ReasonAffiliationChanged, at); err != nil {
			t.Fatal(err)
		}
		t.Run("ListsTheRevokedSerial", func(t *testing.T) {
			crl := fetch(t)
			if crl.Number.Int64() != 2 || len(crl.RevokedCertificateEntries) != 1 {
				t.Fatalf("number %v, %d entries", crl.Number, len(crl.RevokedCertificateEntries))
			}
			en := crl.RevokedCertificateEntries[0]
			if en.SerialNumber.Cmp(a.Cert.SerialNumber) != 0 || !en.RevocationTime.Equal(at) || en.ReasonCode != pki.ReasonAffiliationChanged {
				t.Fatalf("entry %+v", en)
			}
		})
		t.Run("OpenSSLReadsIt", func(t *testing.T) {
			needOpenSSL(t)
			der, err := e.svc.CRL(context.Background(), e.ca.Issuing.ID)
			if err != nil {
				t.Fatal(err)
			}
			p := filepath.Join(e.dir, "issuing.crl")
			if err := os.WriteFile(p, der, 0o600); err != nil {
				t.Fatal(err)
			}
			out := openssl(t, e.dir, "crl", "-inform", "DER", "-noout", "-text", "-in", p)
			want := strings.ToUpper(fmt.Sprintf("%X", a.Cert.SerialNumber))
			if len(want)%2 == 1 {
				want = "0" + want
			}
			if !strings.Contains(out, "Serial Number: "+want) || !strings.Contains(out, "Affiliation Changed") ||
				!strings.Contains(out, "X509v3 CRL Number") {
				t.Fatalf("openssl crl:\n%s", out)
			}
			if strings.Contains(strings.ToUpper(out), strings.ToUpper(b.Serial)) {
				t.Fatalf("the good certificate is listed:\n%s", out)
			}
			// and openssl checks a leaf against it
			root := e.writePEM(t, "root.pem", e.ca.Root.Cert)
			iss := e.writePEM(t, "issuing.pem", e.ca.Issuing.Cert)
			lf := e.writePEM(t, "a.pem", a.Cert)
			openssl(t, e.dir, "crl", "-inform", "DER", "-in", p, "-out", "issuing-crl.pem")
			out, err = runOpenSSL(e.dir, "verify", "-crl_check", "-CRLfile", "issuing-crl.pem", "-CAfile", root, "-untrusted", iss, lf)
			if err == nil || !strings.Contains(out, "certificate revoked") {
				t.Fatalf("openssl verify -crl_check accepted a revoked certificate:\n%s", out)
			}
		})
		t.Run("RootCRL", func(t *testing.T) {
			der, err := e.svc.CRL(context.Background(), e.ca.Root.ID)
			if err != nil {
				t.Fatal(err)
			}
			crl, err := x509.ParseRevocationList(der)
			if err != nil || crl.CheckSignatureFrom(e.ca.Root.Cert) != nil {
				t.Fatal(err)
			}
		})
		t.Run("NotForLeaves", func(t *testing.T) {
			resp, err := http.Get(strings.Replace(crlURL, fmt.Sprintf("/%d.crl", e.ca.Issuing.ID), fmt.Sprintf("/%d.crl", b.ID), 1))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 404 {
				t.Fatalf("status %d", resp.StatusCode)
			}
		})
		t.Run("CACertServed", func(t *testing.T) {
			resp, err := http.Get(a.Cert.IssuingCertificateURL[0])
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			der, _ := io.ReadAll(resp.Body)
			if !bytes.Equal(der, e.ca.Issuing.Cert.Raw) {
				t.Fatalf("status %d: not the issuing CA", resp.StatusCode)
			}
		})
		t.Run("RevocationAudited", func(t *testing.T) {
			if n := count(auditActions(t, db), "pki.revoke"); n != 1 {
				t.Fatalf("pki.revoke audited %d times", n)
			}
			rep, err := e.log.Verify(context.Background())
			if err != nil || !rep.OK() {
				t.Fatalf("audit log: %v %+v", err, rep.Problems)
			}
		})
	})
}
