package pki_test

import (
	"context"
	"crypto/x509"
	"math/big"
	"slices"
	"strings"
	"testing"
	"time"

	gopkcs12 "software.sslmate.com/src/go-pkcs12"

	"egov/internal/apperr"
	"egov/internal/platform/sqldb"
	"egov/internal/platform/sqldb/sqldbtest"
	"egov/internal/signing/pki"
)

// What the back-office pages use (admin.go): the built-in CA's state, the
// list by agency, revocation by id with its CRL and audit entry, statuses
// and key names.

func TestPKIPagesCurrentBuiltinCA(t *testing.T) {
	t.Parallel()
	sqldbtest.Engines(t, func(t *testing.T, db *sqldb.DB) {
		t.Run("NoneWithoutTheDemo", func(t *testing.T) {
			e := setup(t, sqldbtest.SQLite(t), opts{noBuiltin: true})
			if _, err := e.svc.CurrentBuiltinCA(t.Context()); !is(err, pki.ErrNoBuiltinCA) {
				t.Fatalf("got %v, want ErrNoBuiltinCA", err)
			}
			if !strings.Contains(pki.ErrNoBuiltinCA.VI, "chuyên dùng Chính phủ") || pki.ErrNoBuiltinCA.Code != "not_implemented" {
				t.Errorf("the message must send the admin to the Government CA (501): %+v", pki.ErrNoBuiltinCA)
			}
		})
		e := setup(t, db)
		ca, err := e.svc.CurrentBuiltinCA(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if ca.Root.ID != e.ca.Root.ID || ca.Issuing.ID != e.ca.Issuing.ID || ca.TSA == nil || ca.TSA.ID != e.ca.TSA.ID {
			t.Fatalf("current %+v, want what EnsureBuiltinCA made %+v", ca, e.ca)
		}
		// Once the issuing CA has expired nothing can be issued until the
		// demo start replaces it.
		e.clock.Add(6 * 365 * 24 * time.Hour)
		if _, err := e.svc.CurrentBuiltinCA(t.Context()); !is(err, pki.ErrNoBuiltinCA) {
			t.Fatalf("with an expired issuing CA: %v, want ErrNoBuiltinCA", err)
		}
	})
}

func TestPKIPagesCertificates(t *testing.T) {
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
		ids := func(cs []*pki.Certificate) []int64 {
			var out []int64
			for _, c := range cs {
				out = append(out, c.ID)
			}
			return out
		}
		t.Run("OneAgency", func(t *testing.T) {
			got, err := e.svc.Certificates(t.Context(), pki.CertFilter{Agencies: []int64{e.agency.ID}})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(ids(got), []int64{per.ID, org.ID}) {
				t.Fatalf("got %v, want the personal then the organisation certificate", ids(got))
			}
		})
		t.Run("AnotherAgencySeesNothing", func(t *testing.T) {
			got, err := e.svc.Certificates(t.Context(), pki.CertFilter{Agencies: []int64{e.agency.ID + 1000}})
			if err != nil || len(got) != 0 {
				t.Fatalf("got %v, %v", ids(got), err)
			}
			got, err = e.svc.Certificates(t.Context(), pki.CertFilter{Agencies: []int64{}})
			if err != nil || len(got) != 0 {
				t.Fatalf("an empty scope got %v, %v", ids(got), err)
			}
		})
		t.Run("Everything", func(t *testing.T) {
			got, err := e.svc.Certificates(t.Context(), pki.CertFilter{Authorities: true})
			if err != nil {
				t.Fatal(err)
			}
			want := []int64{per.ID, org.ID, e.ca.TSA.ID, e.ca.Issuing.ID, e.ca.Root.ID}
			if !slices.Equal(ids(got), want) {
				t.Fatalf("got %v, want %v", ids(got), want)
			}
		})

		t.Run("Revoke", func(t *testing.T) {
			if err := e.svc.RevokeCertificate(ctx, per.ID, 7); !is(err, pki.ErrBadReason) {
				t.Fatalf("reason 7: %v", err)
			}
			if err := e.svc.RevokeCertificate(ctx, e.ca.Issuing.ID, pki.ReasonSuperseded); !is(err, pki.ErrNotRevocable) {
				t.Fatalf("the issuing CA: %v, want ErrNotRevocable", err)
			}
			if err := e.svc.RevokeCertificate(ctx, 99999, pki.ReasonSuperseded); !is(err, pki.ErrUnknownCertificate) {
				t.Fatalf("unknown: %v", err)
			}
			if err := e.svc.RevokeCertificate(ctx, per.ID, pki.ReasonPrivilegeWithdrawn); err != nil {
				t.Fatal(err)
			}
			if err := e.svc.RevokeCertificate(ctx, per.ID, pki.ReasonSuperseded); !is(err, pki.ErrAlreadyRevoked) {
				t.Fatalf("twice: %v", err)
			}
			c, err := e.svc.Get(t.Context(), per.ID)
			if err != nil {
				t.Fatal(err)
			}
			if c.StatusAt(e.clock.Now()) != pki.StatusRevoked || c.RevocationReason != pki.ReasonPrivilegeWithdrawn {
				t.Fatalf("after revocation: %s reason %d", c.StatusAt(e.clock.Now()), c.RevocationReason)
			}
			if _, err := e.svc.SignerFor(t.Context(), per.ID); !is(err, pki.ErrRevoked) {
				t.Fatalf("signing with a revoked certificate: %v", err)
			}
			der, err := e.svc.CRL(t.Context(), e.ca.Issuing.ID)
			if err != nil {
				t.Fatal(err)
			}
			crl, err := x509.ParseRevocationList(der)
			if err != nil {
				t.Fatal(err)
			}
			serial, _ := new(big.Int).SetString(per.Serial, 16)
			if len(crl.RevokedCertificateEntries) != 1 || crl.RevokedCertificateEntries[0].SerialNumber.Cmp(serial) != 0 ||
				crl.RevokedCertificateEntries[0].ReasonCode != pki.ReasonPrivilegeWithdrawn {
				t.Fatalf("CRL entries %+v", crl.RevokedCertificateEntries)
			}
			if n := count(auditActions(t, db), "pki.revoke"); n != 1 {
				t.Errorf("%d pki.revoke entries, want 1", n)
			}
		})

		t.Run("RevokeAnImportedCertificateWithoutItsChain", func(t *testing.T) {
			x := newExternalCA(t, x509.KeyUsageDigitalSignature)
			data, err := gopkcs12.Modern.Encode(x.leafKey, x.leaf, nil, "pw")
			if err != nil {
				t.Fatal(err)
			}
			c, err := e.svc.ImportPKCS12(ctx, pki.ImportInput{Data: data, Password: "pw", Kind: pki.KindOrganisation, AgencyID: e.agency.ID})
			if err != nil {
				t.Fatal(err)
			}
			if c.IssuerID != 0 {
				t.Fatalf("issuer %d, want none stored", c.IssuerID)
			}
			if err := e.svc.RevokeCertificate(ctx, c.ID, pki.ReasonCessationOfOperation); err != nil {
				t.Fatal(err)
			}
			if c, _ = e.svc.Get(t.Context(), c.ID); !c.Revoked() {
				t.Fatal("not revoked")
			}
		})
	})
}

// Import names what is wrong with a file in words an administrator can
// act on.
func TestPKIPagesImportErrors(t *testing.T) {
	t.Parallel()
	e := setup(t, sqldbtest.SQLite(t), opts{noBuiltin: true})
	x := newExternalCA(t, x509.KeyUsageDigitalSignature)
	in := func(data []byte, password string) pki.ImportInput {
		return pki.ImportInput{Data: data, Password: password, Kind: pki.KindOrganisation, AgencyID: e.agency.ID}
	}
	certsOnly, err := gopkcs12.Modern.EncodeTrustStore([]*x509.Certificate{x.root}, "pw")
	if err != nil {
		t.Fatal(err)
	}
	good, err := gopkcs12.Modern.Encode(x.leafKey, x.leaf, []*x509.Certificate{x.inter, x.root}, "pw")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		in   pki.ImportInput
		want *apperr.Error
	}{
		{"NoKey", in(certsOnly, "pw"), pki.ErrNoKeyInFile},
		{"WrongPassword", in(good, "sai"), pki.ErrWrongPassword},
		{"NotPKCS12", in([]byte("not a pkcs12 file"), "pw"), pki.ErrBadPKCS12},
		{"Empty", in(nil, "pw"), pki.ErrBadPKCS12},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := e.svc.ImportPKCS12(actor(), tc.in); !is(err, tc.want) {
				t.Fatalf("got %v, want %s", err, tc.want.Key)
			}
		})
	}
	c, err := e.svc.ImportPKCS12(actor(), in(good, "pw"))
	if err != nil || !c.HasKey || c.StatusAt(time.Now()) != pki.StatusValid {
		t.Fatalf("a good file: %+v, %v", c, err)
	}
}

func TestPKIPagesStatusAndKeys(t *testing.T) {
	t.Parallel()
	e := setup(t, sqldbtest.SQLite(t), opts{alg: pki.RSA3072})
	c, err := e.svc.IssueOrganisation(actor(), e.agency)
	if err != nil {
		t.Fatal(err)
	}
	if got := pki.KeyDescription(c.Cert); got != "RSA 3072" {
		t.Errorf("key %q, want RSA 3072", got)
	}
	x := newExternalCA(t, x509.KeyUsageDigitalSignature)
	if got := pki.KeyDescription(x.leaf); got != "ECDSA P-256" {
		t.Errorf("key %q, want ECDSA P-256", got)
	}
	for _, tc := range []struct {
		at   time.Time
		want pki.Status
	}{
		{c.NotBefore.Add(-time.Second), pki.StatusNotYet},
		{c.NotBefore, pki.StatusValid},
		{c.NotAfter, pki.StatusValid},
		{c.NotAfter.Add(time.Second), pki.StatusExpired},
	} {
		if got := c.StatusAt(tc.at); got != tc.want {
			t.Errorf("at %s: %s, want %s", tc.at, got, tc.want)
		}
	}
	root, err := e.svc.Root(context.Background(), 1)
	if err != nil || !root.Builtin {
		t.Fatalf("root 1: %+v, %v", root, err)
	}
	if _, err := e.svc.Root(context.Background(), 999); !is(err, pki.ErrUnknownCertificate) {
		t.Fatalf("root 999: %v", err)
	}
}
