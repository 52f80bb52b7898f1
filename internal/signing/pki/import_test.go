package pki_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"

	gopkcs12 "software.sslmate.com/src/go-pkcs12"

	"egov/internal/apperr"
	"egov/internal/platform/sqldb"
	"egov/internal/platform/sqldb/sqldbtest"
	"egov/internal/signing/pki"
)

// externalCA is a CA that is not egov's: root, intermediate and a
// signing leaf, like a certificate from the Government CA on a token.
type externalCA struct {
	root, inter, leaf *x509.Certificate
	rootKey, leafKey  *ecdsa.PrivateKey
}

func newExternalCA(t testing.TB, leafUsage x509.KeyUsage) externalCA {
	t.Helper()
	mk := func(tmpl, parent *x509.Certificate, pub crypto.PublicKey, priv crypto.Signer) *x509.Certificate {
		n, _ := rand.Int(rand.Reader, big.NewInt(1<<62))
		tmpl.SerialNumber = n
		der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, priv)
		if err != nil {
			t.Fatal(err)
		}
		c, _ := x509.ParseCertificate(der)
		return c
	}
	now := time.Now()
	var x externalCA
	x.rootKey, _ = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	interKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	x.leafKey, _ = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	rt := &x509.Certificate{Subject: pkix.Name{CommonName: "Test Government Root CA", Country: []string{"VN"}},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign}
	x.root = mk(rt, rt, x.rootKey.Public(), x.rootKey)
	x.inter = mk(&x509.Certificate{Subject: pkix.Name{CommonName: "Test Government Issuing CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}, x.root, interKey.Public(), x.rootKey)
	x.leaf = mk(&x509.Certificate{Subject: pkix.Name{CommonName: "Trần Thị Bình", OrganizationalUnit: []string{"000.00.03.H37"}},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour), KeyUsage: leafUsage,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection}}, x.inter, x.leafKey.Public(), interKey)
	return x
}

// p12 exports the leaf, its key and the chain (root listed first) with
// openssl in the given format.
func (x externalCA) p12(t *testing.T, dir, password string, legacy bool) []byte {
	t.Helper()
	needOpenSSL(t)
	write := func(name string, blocks ...*pem.Block) string {
		var b bytes.Buffer
		for _, bl := range blocks {
			_ = pem.Encode(&b, bl)
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	p8, _ := x509.MarshalPKCS8PrivateKey(x.leafKey)
	key := write("ext-key.pem", &pem.Block{Type: "PRIVATE KEY", Bytes: p8})
	leaf := write("ext-leaf.pem", &pem.Block{Type: "CERTIFICATE", Bytes: x.leaf.Raw})
	chain := write("ext-chain.pem", &pem.Block{Type: "CERTIFICATE", Bytes: x.root.Raw}, &pem.Block{Type: "CERTIFICATE", Bytes: x.inter.Raw})
	out := filepath.Join(dir, "ext.p12")
	args := []string{"pkcs12", "-export", "-inkey", key, "-in", leaf, "-certfile", chain, "-passout", "pass:" + password, "-out", out}
	if legacy {
		args = append(args, "-certpbe", "PBE-SHA1-3DES", "-keypbe", "PBE-SHA1-3DES", "-macalg", "sha1")
	}
	openssl(t, dir, args...)
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestImportPKCS12(t *testing.T) {
	t.Parallel()
	sqldbtest.Engines(t, func(t *testing.T, db *sqldb.DB) {
		e := setup(t, db, opts{noBuiltin: true})
		ctx := actor()
		x := newExternalCA(t, x509.KeyUsageDigitalSignature|x509.KeyUsageContentCommitment)

		for _, legacy := range []bool{false, true} {
			name := "AES256PBKDF2"
			if legacy {
				name = "Legacy3DES"
			}
			t.Run("RoundTrip"+name, func(t *testing.T) {
				data := x.p12(t, t.TempDir(), "mật khẩu 123", legacy)
				c, err := e.svc.ImportPKCS12(ctx, pki.ImportInput{Data: data, Password: "mật khẩu 123",
					Kind: pki.KindPersonal, AgencyID: e.agency.ID, UserID: e.official.UserID})
				if err != nil {
					t.Fatal(err)
				}
				if !c.Cert.Equal(x.leaf) || !c.HasKey || c.IssuerID == 0 || c.UserID != e.official.UserID {
					t.Fatalf("imported %+v", c)
				}
				s, err := e.svc.SignerFor(ctx, c.ID)
				if err != nil {
					t.Fatal(err)
				}
				chain := s.Chain()
				if len(chain) != 3 || !chain[1].Equal(x.inter) || !chain[2].Equal(x.root) {
					t.Fatalf("chain of %d", len(chain))
				}
				d := sha256.Sum256([]byte("x"))
				sig, err := s.Sign(rand.Reader, d[:], crypto.SHA256)
				if err != nil || !ecdsa.VerifyASN1(&x.leafKey.PublicKey, d[:], sig) {
					t.Fatalf("signature: %v", err)
				}
				// the imported key is sealed too
				var enc string
				if err := db.R.QueryRowContext(context.Background(), `SELECT key_enc FROM pki_certificates WHERE id = $1`, c.ID).Scan(&enc); err != nil {
					t.Fatal(err)
				}
				p8, _ := x509.MarshalPKCS8PrivateKey(x.leafKey)
				if bytes.Contains([]byte(enc), p8) || !bytes.HasPrefix([]byte(enc), []byte("v1:")) {
					t.Fatal("imported key stored in the clear")
				}
			})
		}
		t.Run("SecondImportReturnsTheSameRow", func(t *testing.T) {
			all, _ := e.svc.List(context.Background(), "")
			c, err := e.svc.ImportPKCS12(ctx, pki.ImportInput{Data: x.p12(t, t.TempDir(), "p", false), Password: "p",
				Kind: pki.KindPersonal, AgencyID: e.agency.ID, UserID: e.official.UserID})
			if err != nil {
				t.Fatal(err)
			}
			again, _ := e.svc.List(context.Background(), "")
			if len(again) != len(all) || len(again) != 3 {
				t.Fatalf("%d rows, then %d (want 3: root, intermediate, leaf)", len(all), len(again))
			}
			if c.ID != again[0].ID {
				t.Fatal("another row returned")
			}
		})
		t.Run("WrongPassword", func(t *testing.T) {
			_, err := e.svc.ImportPKCS12(ctx, pki.ImportInput{Data: x.p12(t, t.TempDir(), "right", false), Password: "wrong",
				Kind: pki.KindOrganisation, AgencyID: e.agency.ID})
			if !is(err, pki.ErrWrongPassword) {
				t.Fatalf("got %v", err)
			}
			if ae := apperr.As(err); ae.VI == "" || ae.EN == "" || ae.Code != apperr.Invalid {
				t.Fatalf("not a user-facing error: %+v", ae)
			}
		})
		t.Run("NotPKCS12", func(t *testing.T) {
			for _, data := range [][]byte{nil, []byte("hello"), x.leaf.Raw} {
				if _, err := e.svc.ImportPKCS12(ctx, pki.ImportInput{Data: data, Password: "", Kind: pki.KindOrganisation, AgencyID: e.agency.ID}); !is(err, pki.ErrBadPKCS12) {
					t.Fatalf("got %v", err)
				}
			}
		})
		t.Run("KeyOfAnotherCertificate", func(t *testing.T) {
			other, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
			data, err := gopkcs12.Modern.Encode(other, x.leaf, nil, "p")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := pki.ParsePKCS12(data, "p"); !is(err, pki.ErrKeyMismatch) {
				t.Fatalf("got %v", err)
			}
		})
		t.Run("CertificateThatCannotSign", func(t *testing.T) {
			y := newExternalCA(t, x509.KeyUsageKeyEncipherment)
			data, err := gopkcs12.Modern.Encode(y.leafKey, y.leaf, nil, "p")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := pki.ParsePKCS12(data, "p"); !is(err, pki.ErrNotSigningCert) {
				t.Fatalf("got %v", err)
			}
		})
		t.Run("Audited", func(t *testing.T) {
			// two rows for the chain, one per leaf import (three imports)
			if n := count(auditActions(t, db), "pki.import"); n != 5 {
				t.Fatalf("pki.import audited %d times", n)
			}
		})
	})
}

func TestTrust(t *testing.T) {
	t.Parallel()
	sqldbtest.Engines(t, func(t *testing.T, db *sqldb.DB) {
		ctx := actor()
		t.Run("NothingTrustedOutsideTheEmbeddedDefault", func(t *testing.T) {
			e := setup(t, sqldbtest.SQLite(t), opts{noBuiltin: true})
			roots, err := e.svc.Roots(ctx)
			if err != nil || len(roots) != 0 {
				t.Fatalf("%d roots, %v", len(roots), err)
			}
		})
		e := setup(t, db)
		x := newExternalCA(t, x509.KeyUsageDigitalSignature)
		t.Run("BuiltinRootTrustedInTheEmbeddedDefault", func(t *testing.T) {
			roots, err := e.svc.Roots(ctx)
			if err != nil || len(roots) != 1 || !roots[0].Builtin || !roots[0].Cert.Equal(e.ca.Root.Cert) {
				t.Fatalf("roots %+v, %v", roots, err)
			}
		})
		var added *pki.TrustedRoot
		t.Run("AddRootPEM", func(t *testing.T) {
			var err error
			added, err = e.svc.AddRoot(ctx, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: x.root.Raw}))
			if err != nil {
				t.Fatal(err)
			}
			if added.Builtin || !added.Cert.Equal(x.root) {
				t.Fatalf("%+v", added)
			}
			if _, err := e.svc.AddRoot(ctx, x.root.Raw); !is(err, pki.ErrAlreadyTrusted) {
				t.Fatalf("twice: %v", err)
			}
			pool, err := e.svc.RootPool(ctx)
			if err != nil {
				t.Fatal(err)
			}
			inter := x509.NewCertPool()
			inter.AddCert(x.inter)
			if _, err := x.leaf.Verify(x509.VerifyOptions{Roots: pool, Intermediates: inter, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}); err != nil {
				t.Fatal(err)
			}
		})
		t.Run("RefusesWhatIsNotARoot", func(t *testing.T) {
			for name, der := range map[string][]byte{"leaf": x.leaf.Raw, "intermediate": x.inter.Raw} {
				if _, err := e.svc.AddRoot(ctx, der); !is(err, pki.ErrNotCA) {
					t.Errorf("%s: %v", name, err)
				}
			}
			if _, err := e.svc.AddRoot(ctx, []byte("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")); !is(err, pki.ErrBadCertificate) {
				t.Errorf("garbage: %v", err)
			}
		})
		t.Run("RemoveRoot", func(t *testing.T) {
			if err := e.svc.RemoveRoot(ctx, added.ID); err != nil {
				t.Fatal(err)
			}
			if err := e.svc.RemoveRoot(ctx, added.ID); !is(err, pki.ErrUnknownCertificate) {
				t.Fatalf("twice: %v", err)
			}
			roots, _ := e.svc.Roots(ctx)
			if len(roots) != 1 {
				t.Fatalf("%d roots", len(roots))
			}
		})
		t.Run("Audited", func(t *testing.T) {
			acts := auditActions(t, db)
			if count(acts, "pki.trust_add") != 2 || count(acts, "pki.trust_remove") != 1 {
				t.Fatalf("audit %v", acts)
			}
		})
	})
}
