package pki_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ocsp"

	"egov/internal/apperr"
	"egov/internal/platform/sqldb"
	"egov/internal/platform/sqldb/sqldbtest"
	"egov/internal/signing/pki"
)

func TestBuiltinCA(t *testing.T) {
	t.Parallel()
	sqldbtest.Engines(t, func(t *testing.T, db *sqldb.DB) {
		e := setup(t, db, opts{noBuiltin: true})
		ctx := actor()

		t.Run("CreatedOnceEvenConcurrently", func(t *testing.T) {
			var wg sync.WaitGroup
			got := make([]pki.BuiltinCA, 4)
			errs := make([]error, 4)
			for i := range got {
				wg.Go(func() { got[i], errs[i] = e.svc.EnsureBuiltinCA(ctx) })
			}
			wg.Wait()
			for i := range got {
				if errs[i] != nil {
					t.Fatal(errs[i])
				}
				if got[i].Root.ID != got[0].Root.ID || got[i].Issuing.ID != got[0].Issuing.ID || got[i].TSA.ID != got[0].TSA.ID {
					t.Fatalf("call %d returned another CA: %+v vs %+v", i, got[i], got[0])
				}
			}
			roots, err := e.svc.List(context.Background(), pki.KindRoot)
			if err != nil || len(roots) != 1 {
				t.Fatalf("roots: %d, %v", len(roots), err)
			}
			acts := auditActions(t, db)
			if count(acts, "pki.ca_create") != 3 || count(acts, "pki.trust_add") != 1 {
				t.Fatalf("audit: %v", acts)
			}
		})

		t.Run("RevokedIssuingCAReplaced", func(t *testing.T) {
			before, err := e.svc.EnsureBuiltinCA(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if err := e.svc.Revoke(ctx, before.Issuing.Serial, pki.ReasonCACompromise, time.Time{}); err != nil {
				t.Fatal(err)
			}
			after, err := e.svc.EnsureBuiltinCA(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if after.Root.ID != before.Root.ID || after.Issuing.ID == before.Issuing.ID || after.TSA.ID == before.TSA.ID ||
				after.TSA.IssuerID != after.Issuing.ID {
				t.Fatalf("before %d/%d/%d, after %d/%d/%d", before.Root.ID, before.Issuing.ID, before.TSA.ID,
					after.Root.ID, after.Issuing.ID, after.TSA.ID)
			}
			c, err := e.svc.IssueOrganisation(ctx, e.agency)
			if err != nil || c.IssuerID != after.Issuing.ID {
				t.Fatalf("issued under %v: %v", c, err)
			}
			crl, err := e.svc.CRL(context.Background(), after.Root.ID)
			if err != nil {
				t.Fatal(err)
			}
			list, _ := x509.ParseRevocationList(crl)
			if len(list.RevokedCertificateEntries) != 1 || list.RevokedCertificateEntries[0].SerialNumber.Cmp(before.Issuing.Cert.SerialNumber) != 0 {
				t.Fatal("the root's CRL does not list the revoked issuing CA")
			}
		})
		t.Run("Profiles", func(t *testing.T) {
			ca, err := e.svc.EnsureBuiltinCA(ctx)
			if err != nil {
				t.Fatal(err)
			}
			root, iss, tsa := ca.Root.Cert, ca.Issuing.Cert, ca.TSA.Cert
			if !root.IsCA || root.KeyUsage&x509.KeyUsageCertSign == 0 || root.NotAfter.Sub(root.NotBefore) < 9*365*24*time.Hour {
				t.Errorf("root profile: ca=%v ku=%v validity=%v", root.IsCA, root.KeyUsage, root.NotAfter.Sub(root.NotBefore))
			}
			if !iss.IsCA || iss.MaxPathLen != 0 || !iss.MaxPathLenZero || iss.KeyUsage&x509.KeyUsageCRLSign == 0 {
				t.Errorf("issuing profile: ca=%v pathlen=%d zero=%v", iss.IsCA, iss.MaxPathLen, iss.MaxPathLenZero)
			}
			if len(iss.CRLDistributionPoints) != 1 || !strings.HasPrefix(iss.CRLDistributionPoints[0], e.srv.URL+"/pki/crl/") {
				t.Errorf("issuing CRL DP: %v", iss.CRLDistributionPoints)
			}
			if tsa.IsCA || len(tsa.ExtKeyUsage) != 1 || tsa.ExtKeyUsage[0] != x509.ExtKeyUsageTimeStamping {
				t.Errorf("tsa EKU: %v", tsa.ExtKeyUsage)
			}
			critical := false
			for _, x := range tsa.Extensions {
				if x.Id.String() == "2.5.29.37" {
					critical = x.Critical
				}
			}
			if !critical {
				t.Error("tsa extended key usage is not critical (RFC 3161 §2.3)")
			}
			if _, ok := root.PublicKey.(*ecdsa.PublicKey); !ok {
				t.Errorf("default key is %T, want ECDSA", root.PublicKey)
			}
		})
	})
}

func TestIssue(t *testing.T) {
	t.Parallel()
	sqldbtest.Engines(t, func(t *testing.T, db *sqldb.DB) {
		e := setup(t, db)
		ctx := actor()
		org, err := e.svc.IssueOrganisation(ctx, e.agency)
		if err != nil {
			t.Fatal(err)
		}
		per, err := e.svc.IssuePersonal(ctx, e.official, e.agency)
		if err != nil {
			t.Fatal(err)
		}

		t.Run("OrganisationSubjectNamesTheAgency", func(t *testing.T) {
			s := org.Cert.Subject
			if len(s.OrganizationalUnit) != 1 || s.OrganizationalUnit[0] != "000.00.03.H37" ||
				len(s.Organization) != 1 || s.Organization[0] != "Sở Tư pháp tỉnh Hà Nam" ||
				len(s.Country) != 1 || s.Country[0] != "VN" || len(s.Locality) != 1 || s.Locality[0] != "Hà Nam" {
				t.Fatalf("subject: %v", s)
			}
			if org.AgencyID != e.agency.ID || org.UserID != 0 || org.Kind != pki.KindOrganisation || !org.HasKey {
				t.Fatalf("row: %+v", org)
			}
		})
		t.Run("PersonalSubjectNamesTheOfficial", func(t *testing.T) {
			s := per.Cert.Subject
			if s.CommonName != "Nguyễn Trọng Nghĩa" || pki.Title(s) != "Giám đốc" || s.OrganizationalUnit[0] != "000.00.03.H37" {
				t.Fatalf("subject: %v (title %q)", s, pki.Title(s))
			}
			if len(per.Cert.EmailAddresses) != 1 || per.Cert.EmailAddresses[0] != "nghia@example.gov.vn" {
				t.Fatalf("emails: %v", per.Cert.EmailAddresses)
			}
			if per.UserID != e.official.UserID || per.AgencyID != e.agency.ID {
				t.Fatalf("row: %+v", per)
			}
		})
		t.Run("KeyUsagesPopplerAndAdobeAccept", func(t *testing.T) {
			for _, c := range []*pki.Certificate{org, per} {
				ku := c.Cert.KeyUsage
				if ku&x509.KeyUsageDigitalSignature == 0 || ku&x509.KeyUsageContentCommitment == 0 || ku&x509.KeyUsageCertSign != 0 {
					t.Errorf("%s key usage %b", c.Kind, ku)
				}
				if len(c.Cert.ExtKeyUsage) != 1 || c.Cert.ExtKeyUsage[0] != x509.ExtKeyUsageEmailProtection {
					t.Errorf("%s EKU %v: emailProtection must be there beside documentSigning", c.Kind, c.Cert.ExtKeyUsage)
				}
				if len(c.Cert.UnknownExtKeyUsage) != 1 || !c.Cert.UnknownExtKeyUsage[0].Equal(pki.OIDDocumentSigning) {
					t.Errorf("%s documentSigning missing: %v", c.Kind, c.Cert.UnknownExtKeyUsage)
				}
				if c.Cert.IsCA || !c.Cert.BasicConstraintsValid {
					t.Errorf("%s basic constraints", c.Kind)
				}
				if len(c.Cert.OCSPServer) != 1 || c.Cert.OCSPServer[0] != e.srv.URL+"/pki/ocsp" ||
					len(c.Cert.IssuingCertificateURL) != 1 || len(c.Cert.CRLDistributionPoints) != 1 {
					t.Errorf("%s URLs: %v %v %v", c.Kind, c.Cert.OCSPServer, c.Cert.IssuingCertificateURL, c.Cert.CRLDistributionPoints)
				}
				if c.Cert.NotAfter.After(e.ca.Issuing.Cert.NotAfter) {
					t.Errorf("%s outlives its issuer", c.Kind)
				}
			}
		})
		t.Run("ChainVerifiesWithGo", func(t *testing.T) {
			roots, err := e.svc.RootPool(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			inter := x509.NewCertPool()
			inter.AddCert(e.ca.Issuing.Cert)
			for _, c := range []*pki.Certificate{org, per} {
				if _, err := c.Cert.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter,
					KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection}}); err != nil {
					t.Errorf("%s: %v", c.Kind, err)
				}
			}
		})
		t.Run("ChainVerifiesWithOpenSSL", func(t *testing.T) {
			needOpenSSL(t)
			root := e.writePEM(t, "root.pem", e.ca.Root.Cert)
			iss := e.writePEM(t, "issuing.pem", e.ca.Issuing.Cert)
			for _, c := range []*pki.Certificate{org, per} {
				leaf := e.writePEM(t, string(c.Kind)+".pem", c.Cert)
				out := openssl(t, e.dir, "verify", "-purpose", "smimesign", "-CAfile", root, "-untrusted", iss, leaf)
				if !strings.Contains(out, ": OK") {
					t.Errorf("%s: %s", c.Kind, out)
				}
			}
			// and the TSA chain for timestamping
			tsa := e.writePEM(t, "tsa.pem", e.ca.TSA.Cert)
			if out := openssl(t, e.dir, "verify", "-purpose", "timestampsign", "-CAfile", root, "-untrusted", iss, tsa); !strings.Contains(out, ": OK") {
				t.Errorf("tsa: %s", out)
			}
		})
		t.Run("SignerSignsWithChain", func(t *testing.T) {
			s, err := e.svc.SignerFor(context.Background(), per.ID)
			if err != nil {
				t.Fatal(err)
			}
			chain := s.Chain()
			if len(chain) != 3 || !chain[0].Equal(per.Cert) || !chain[1].Equal(e.ca.Issuing.Cert) || !chain[2].Equal(e.ca.Root.Cert) {
				t.Fatalf("chain of %d", len(chain))
			}
			d := sha256.Sum256([]byte("văn bản"))
			sig, err := s.Sign(rand.Reader, d[:], crypto.SHA256)
			if err != nil {
				t.Fatal(err)
			}
			if !ecdsa.VerifyASN1(per.Cert.PublicKey.(*ecdsa.PublicKey), d[:], sig) {
				t.Fatal("signature does not verify with the certificate's key")
			}
		})
		t.Run("KeysAtRestAreSealed", func(t *testing.T) {
			s, err := e.svc.SignerFor(context.Background(), org.ID)
			if err != nil {
				t.Fatal(err)
			}
			p8, err := x509.MarshalPKCS8PrivateKey(pki.SignerKey(s))
			if err != nil {
				t.Fatal(err)
			}
			priv := pki.SignerKey(s).(*ecdsa.PrivateKey)
			scalar, _ := priv.Bytes()
			var enc string
			var der []byte
			if err := db.R.QueryRowContext(context.Background(), `SELECT key_enc, der FROM pki_certificates WHERE id = $1`, org.ID).Scan(&enc, &der); err != nil {
				t.Fatal(err)
			}
			for name, secret := range map[string][]byte{"pkcs8": p8, "scalar": scalar} {
				for _, form := range [][]byte{secret, []byte(base64.StdEncoding.EncodeToString(secret)), []byte(base64.RawStdEncoding.EncodeToString(secret))} {
					if bytes.Contains([]byte(enc), form) || bytes.Contains(der, form) {
						t.Fatalf("the %s key is stored in the clear", name)
					}
				}
			}
			if !strings.HasPrefix(enc, "v1:") {
				t.Fatalf("key_enc is not a sealed value: %.10q", enc)
			}
			// The sealed key is bound to its row's certificate: moved to
			// another row it does not open.
			if _, err := db.W.ExecContext(context.Background(), `UPDATE pki_certificates SET key_enc = $1 WHERE id = $2`, enc, per.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := e.svc.SignerFor(context.Background(), per.ID); err == nil {
				t.Fatal("a key moved to another certificate opened")
			}
		})
		t.Run("AuditsIssuance", func(t *testing.T) {
			if n := count(auditActions(t, db), "pki.issue"); n != 2 {
				t.Fatalf("pki.issue audited %d times", n)
			}
		})
	})
}

func TestIssueRefusals(t *testing.T) {
	t.Parallel()
	sqldbtest.Engines(t, func(t *testing.T, db *sqldb.DB) {
		ctx := actor()
		t.Run("WithoutCA", func(t *testing.T) {
			e := setup(t, sqldbtest.SQLite(t), opts{noBuiltin: true})
			if _, err := e.svc.IssueOrganisation(ctx, e.agency); !is(err, pki.ErrNoCA) {
				t.Fatalf("got %v", err)
			}
		})
		e := setup(t, db)
		t.Run("MissingCode", func(t *testing.T) {
			a := e.agency
			a.Code = ""
			if _, err := e.svc.IssueOrganisation(ctx, a); !apperr.IsCode(err, apperr.Invalid) {
				t.Fatalf("got %v", err)
			}
		})
		t.Run("BadReason", func(t *testing.T) {
			for _, r := range []int{-1, 7, 8, 11} {
				if err := e.svc.Revoke(ctx, "abcdef", r, time.Time{}); !is(err, pki.ErrBadReason) {
					t.Fatalf("reason %d: got %v", r, err)
				}
			}
		})
		t.Run("UnknownSerial", func(t *testing.T) {
			if err := e.svc.Revoke(ctx, "abcdef", pki.ReasonKeyCompromise, time.Time{}); !is(err, pki.ErrUnknownSerial) {
				t.Fatalf("got %v", err)
			}
		})
		t.Run("SignerOfRevokedOrExpired", func(t *testing.T) {
			c, err := e.svc.IssuePersonal(ctx, e.official, e.agency)
			if err != nil {
				t.Fatal(err)
			}
			e.clock.Add(3 * 365 * 24 * time.Hour)
			if _, err := e.svc.SignerFor(ctx, c.ID); !is(err, pki.ErrExpired) {
				t.Fatalf("expired: got %v", err)
			}
			e.clock.Add(-3 * 365 * 24 * time.Hour)
			// serials are accepted as tools print them
			if err := e.svc.Revoke(ctx, strings.ToUpper("0x00"+c.Serial), pki.ReasonSuperseded, time.Time{}); err != nil {
				t.Fatal(err)
			}
			if _, err := e.svc.SignerFor(ctx, c.ID); !is(err, pki.ErrRevoked) {
				t.Fatalf("revoked: got %v", err)
			}
			if err := e.svc.Revoke(ctx, c.Serial, pki.ReasonSuperseded, time.Time{}); !is(err, pki.ErrAlreadyRevoked) {
				t.Fatalf("twice: got %v", err)
			}
		})
		t.Run("UnknownCertificate", func(t *testing.T) {
			if _, err := e.svc.SignerFor(ctx, 99999); !is(err, pki.ErrUnknownCertificate) {
				t.Fatalf("got %v", err)
			}
		})
	})
}

func TestRSA3072(t *testing.T) {
	t.Parallel()
	e := setup(t, sqldbtest.SQLite(t), opts{alg: pki.RSA3072})
	c, err := e.svc.IssueOrganisation(actor(), e.agency)
	if err != nil {
		t.Fatal(err)
	}
	pub, ok := c.Cert.PublicKey.(*rsa.PublicKey)
	if !ok || pub.N.BitLen() != 3072 {
		t.Fatalf("key %T", c.Cert.PublicKey)
	}
	if c.Cert.SignatureAlgorithm != x509.SHA256WithRSA {
		t.Fatalf("signature algorithm %v", c.Cert.SignatureAlgorithm)
	}
	s, err := e.svc.SignerFor(context.Background(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	d := sha256.Sum256([]byte("x"))
	sig, err := s.Sign(rand.Reader, d[:], crypto.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, d[:], sig); err != nil {
		t.Fatal(err)
	}
	t.Run("OCSPSignedWithRSA", func(t *testing.T) {
		req, _ := ocsp.CreateRequest(c.Cert, e.ca.Issuing.Cert, nil)
		resp, err := ocsp.ParseResponseForCert(ocspPost(t, e.srv.URL+"/pki/ocsp", req), c.Cert, e.ca.Issuing.Cert)
		if err != nil || resp.Status != ocsp.Good || resp.SignatureAlgorithm != x509.SHA256WithRSA {
			t.Fatalf("%v %+v", err, resp)
		}
	})
	t.Run("TimestampSignedWithRSA", func(t *testing.T) {
		ts, err := e.svc.Timestamp(context.Background(), crypto.SHA256, d[:])
		if err != nil || !bytes.Equal(ts.HashedMessage, d[:]) {
			t.Fatalf("%v", err)
		}
	})
	t.Run("CRLSignedWithRSA", func(t *testing.T) {
		der, err := e.svc.CRL(context.Background(), e.ca.Issuing.ID)
		if err != nil {
			t.Fatal(err)
		}
		crl, err := x509.ParseRevocationList(der)
		if err != nil || crl.CheckSignatureFrom(e.ca.Issuing.Cert) != nil {
			t.Fatal(err)
		}
	})
}
