package app_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"image/png"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"egov/internal/attach/attachtest"
	"egov/internal/platform/sqldb"
	"egov/internal/signing/pades"
)

var issuedRe = regexp.MustCompile(`(?:issued|imported) certificate (\d+) \((\w+)\), serial ([0-9a-f]+)`)

// issued reads the id and serial from egov pki issue/import output.
func issued(t *testing.T, out string) (id, serial string) {
	t.Helper()
	m := issuedRe.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no certificate in %q", out)
	}
	return m[1], m[3]
}

// caIDs reads ROLE -> ID from egov pki ca output.
func caIDs(t *testing.T, out string) map[string]string {
	t.Helper()
	ids := map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) > 2 && (f[0] == "root" || f[0] == "issuing" || f[0] == "tsa") {
			ids[f[0]] = f[1]
		}
	}
	if len(ids) != 3 {
		t.Fatalf("egov pki ca: %q", out)
	}
	return ids
}

// listLine returns the line of egov pki list that shows serial.
func listLine(out, serial string) string {
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) > 2 && f[2] == serial {
			return line
		}
	}
	return ""
}

// selfSignedRoot writes a new root CA certificate (and its key) as PEM.
func selfSignedRoot(t *testing.T, dir, name string) (*x509.Certificate, *ecdsa.PrivateKey, string) {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	now := time.Now()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(now.UnixNano()), Subject: pkix.Name{CommonName: name, Country: []string{"VN"}},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(48 * time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	p := filepath.Join(dir, strings.ReplaceAll(name, " ", "-")+".pem")
	if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return cert, key, p
}

func TestPKICommand(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	env := map[string]string{"EGOV_DATA_DIR": dir, "EGOV_DEMO": "1", "EGOV_DEMO_PASSWORD": demoPassword}
	if code, _, errs := runCLI(t, env, "", "seed", "demo"); code != 0 {
		t.Fatal(errs)
	}
	run := func(t *testing.T, want int, stdin string, args ...string) string {
		t.Helper()
		code, out, errs := runCLI(t, env, stdin, args...)
		if code != want {
			t.Fatalf("egov %s: exit %d, want %d\n%s%s", strings.Join(args, " "), code, want, out, errs)
		}
		return out
	}
	file := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}

	first := run(t, 0, "", "pki", "ca")
	if second := run(t, 0, "", "pki", "ca"); second != first {
		t.Fatalf("egov pki ca is not idempotent:\n%s\n%s", first, second)
	}
	ca := caIDs(t, first)

	orgOut := run(t, 0, "", "pki", "issue", "--agency", "000.00.20.H37")
	orgID, orgSerial := issued(t, orgOut)
	if !strings.Contains(orgOut, "(organisation)") || !strings.Contains(orgOut, "000.00.20.H37") {
		t.Fatalf("organisation certificate: %q", orgOut)
	}
	perOut := run(t, 0, "", "pki", "issue", "--user", "lanhdao.xa", "--position", "Chủ tịch")
	perID, perSerial := issued(t, perOut)
	if !strings.Contains(perOut, "(personal)") || !strings.Contains(perOut, "Chủ tịch") {
		t.Fatalf("personal certificate: %q", perOut)
	}

	t.Run("Images", func(t *testing.T) {
		seal, err := pades.RenderSeal(pades.SealText{Name: "Ủy ban nhân dân phường Đông Kinh", Bottom: "Tỉnh Lạng Sơn"}, 300)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		_ = png.Encode(&b, seal)
		if out := run(t, 0, "", "pki", "image", file("con-dau.png", b.Bytes()), "--agency", "000.00.20.H37"); !strings.Contains(out, "image saved: seal") {
			t.Fatalf("seal image: %q", out)
		}
		if out := run(t, 0, "", "pki", "image", file("chu-ky.png", b.Bytes()), "--user", "lanhdao.xa"); !strings.Contains(out, "image saved: signature") {
			t.Fatalf("signature image: %q", out)
		}
		_, _, errs := runCLI(t, env, "", "pki", "image", file("khong-phai.png", []byte("not a png")), "--agency", "000.00.20.H37")
		if !strings.Contains(errs, "PNG") {
			t.Fatalf("not a PNG: %q", errs)
		}
		run(t, 2, "", "pki", "image", file("x.png", b.Bytes()), "--agency", "000.00.20.H37", "--user", "lanhdao.xa") // usage
	})

	t.Run("List", func(t *testing.T) {
		out := run(t, 0, "", "pki", "list")
		for _, s := range []string{orgSerial, perSerial} {
			if l := listLine(out, s); l == "" || !strings.HasSuffix(strings.TrimSpace(l), "-") {
				t.Fatalf("list lacks %s or shows it revoked:\n%s", s, out)
			}
		}
		out = run(t, 0, "", "pki", "list", "--kind", "personal")
		if listLine(out, perSerial) == "" || listLine(out, orgSerial) != "" {
			t.Fatalf("list --kind personal:\n%s", out)
		}
	})

	t.Run("SignTwiceAndVerify", func(t *testing.T) {
		in := file("don.pdf", attachtest.PDF(1, "giay xac nhan"))
		once, twice := filepath.Join(dir, "mot-chu-ky.pdf"), filepath.Join(dir, "hai-chu-ky.pdf")
		out := run(t, 0, "", "sign", in, "-o", once, "--cert", perID, "--reason", "Phê duyệt")
		if !strings.Contains(out, "timestamped") {
			t.Fatalf("sign: %q", out)
		}
		run(t, 0, "", "sign", once, "-o", twice, "--cert", orgID, "--reason", "Ban hành kết quả")
		rootPEM := file("root.pem", []byte(run(t, 0, "", "pki", "cert", ca["root"])))
		code, vout, verrs := runCLI(t, nil, "", "verify", twice, "--trust", rootPEM)
		if code != 0 || strings.Count(vout, "VALID") != 2 || !strings.Contains(vout, "Hà Văn Minh") || !strings.Contains(vout, "000.00.20.H37") {
			t.Fatalf("egov verify: exit %d\n%s%s", code, vout, verrs)
		}
		// The loopback built-in TSA proved the time of both signatures.
		if _, jout, _ := runCLI(t, nil, "", "verify", twice, "--trust", rootPEM, "--json"); strings.Count(jout, `"time_from_timestamp": true`) != 2 {
			t.Fatalf("time not proven by a timestamp:\n%s", jout)
		}
		// Without the root it cannot be trusted.
		if code, _, _ := runCLI(t, nil, "", "verify", twice); code != 2 {
			t.Fatalf("untrusted root: exit %d", code)
		}
	})

	t.Run("RevokeAndCRL", func(t *testing.T) {
		run(t, 0, "", "pki", "revoke", orgSerial, "--reason", "superseded")
		run(t, 1, "", "pki", "revoke", orgSerial)
		run(t, 1, "", "pki", "revoke", "abcdef0123456789")
		out := run(t, 0, "", "pki", "list", "--kind", "organisation")
		if l := listLine(out, orgSerial); l == "" || strings.HasSuffix(strings.TrimSpace(l), "-") {
			t.Fatalf("revoked certificate not shown revoked:\n%s", out)
		}
		der := run(t, 0, "", "pki", "crl", ca["issuing"])
		crl, err := x509.ParseRevocationList([]byte(der))
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, e := range crl.RevokedCertificateEntries {
			if e.SerialNumber.Text(16) == orgSerial {
				found = e.ReasonCode == 4 // superseded
			}
		}
		if !found {
			t.Fatalf("serial %s not in the CRL with reason superseded", orgSerial)
		}
		// A revoked certificate signs nothing.
		run(t, 1, "", "sign", file("khac.pdf", attachtest.PDF(1, "")), "-o", filepath.Join(dir, "khong.pdf"), "--cert", orgID)
	})

	t.Run("TrustRoundTrip", func(t *testing.T) {
		_, _, rootPEM := selfSignedRoot(t, dir, "Thu nghiem Trust Root")
		out := run(t, 0, "", "pki", "trust", "add", rootPEM)
		var id int
		if _, err := fmt.Sscanf(out[strings.Index(out, "trusted root "):], "trusted root %d:", &id); err != nil {
			t.Fatalf("trust add: %q", out)
		}
		run(t, 1, "", "pki", "trust", "add", rootPEM) // already trusted
		if out := run(t, 0, "", "pki", "trust", "list"); !strings.Contains(out, "Thu nghiem Trust Root") {
			t.Fatalf("trust list:\n%s", out)
		}
		run(t, 0, "", "pki", "trust", "remove", fmt.Sprint(id))
		if out := run(t, 0, "", "pki", "trust", "list"); strings.Contains(out, "Thu nghiem Trust Root") {
			t.Fatalf("still trusted:\n%s", out)
		}
		run(t, 1, "", "pki", "trust", "remove", fmt.Sprint(id))
		// A leaf certificate is no root.
		leaf := file("leaf.pem", []byte(run(t, 0, "", "pki", "cert", perID)))
		run(t, 1, "", "pki", "trust", "add", leaf)
	})

	t.Run("ImportPKCS12", func(t *testing.T) {
		if _, err := exec.LookPath("openssl"); err != nil {
			t.Skip("openssl not installed")
		}
		root, rootKey, rootPEM := selfSignedRoot(t, dir, "Thu nghiem Import Root")
		key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		now := time.Now()
		leaf := &x509.Certificate{SerialNumber: big.NewInt(77), Subject: pkix.Name{CommonName: "Hà Văn Minh", Organization: []string{"Ủy ban nhân dân phường Đông Kinh"}},
			NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
			KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment}
		der, err := x509.CreateCertificate(rand.Reader, leaf, root, key.Public(), rootKey)
		if err != nil {
			t.Fatal(err)
		}
		keyDER, _ := x509.MarshalPKCS8PrivateKey(key)
		certPath := file("import-leaf.pem", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
		keyPath := file("import-leaf.key", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}))
		p12 := filepath.Join(dir, "import.p12")
		cmd := exec.Command("openssl", "pkcs12", "-export", "-in", certPath, "-inkey", keyPath, "-certfile", rootPEM,
			"-out", p12, "-passout", "pass:mat-khau-p12")
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("openssl: %v\n%s", err, b)
		}
		run(t, 1, "sai-mat-khau\n", "pki", "import", p12, "--user", "lanhdao.xa")
		out := run(t, 0, "mat-khau-p12\n", "pki", "import", p12, "--user", "lanhdao.xa")
		id, serial := issued(t, out)
		if serial != "4d" || !strings.Contains(out, "(personal)") {
			t.Fatalf("import: %q", out)
		}
		// The imported key signs.
		run(t, 0, "", "sign", file("nhap.pdf", attachtest.PDF(1, "")), "-o", filepath.Join(dir, "nhap-ky.pdf"), "--cert", id, "--no-tsa")
	})

	t.Run("AuditedAsTheCommandLine", func(t *testing.T) {
		db, err := sqldb.Open(context.Background(), sqldb.Options{Path: filepath.Join(dir, "egov.db")})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var n int
		if err := db.R.QueryRow(`SELECT COUNT(*) FROM audit_log WHERE actor LIKE 'cli:%' AND action IN ('pki.issue', 'pki.revoke')`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n < 3 {
			t.Fatalf("%d pki.issue/pki.revoke entries by cli:, want at least 3", n)
		}
		if out := run(t, 0, "", "audit", "verify"); !strings.Contains(out, "intact") {
			t.Fatal(out)
		}
	})

	t.Run("BadUsage", func(t *testing.T) {
		for _, args := range [][]string{
			{"pki"}, {"pki", "frobnicate"}, {"pki", "ca", "extra"}, {"pki", "list", "--kind", "khac"},
			{"pki", "issue"}, {"pki", "issue", "--agency", "000.00.20.H37", "--position", "X"},
			{"pki", "revoke"}, {"pki", "revoke", orgSerial, "--reason", "boredom"},
			{"pki", "import", "x.p12"}, {"pki", "trust"}, {"pki", "trust", "remove", "abc"},
			{"pki", "crl"}, {"pki", "crl", "abc"}, {"pki", "cert", "-1"},
		} {
			if code, _, errs := runCLI(t, env, "", args...); code != 2 || errs == "" {
				t.Errorf("egov %s: exit %d, want 2 (%q)", strings.Join(args, " "), code, errs)
			}
		}
		run(t, 1, "", "pki", "issue", "--agency", "999.99.99.Z99")
		run(t, 1, "", "pki", "issue", "--user", "congdan")
		run(t, 1, "", "pki", "cert", "99999")
		if code, _, errs := runCLI(t, map[string]string{"EGOV_DATA_DIR": t.TempDir(), "EGOV_DEMO": "0"}, "", "pki", "ca"); code != 1 || !strings.Contains(errs, "demo") {
			t.Errorf("built-in CA outside the demo: exit %d %q", code, errs)
		}
		if out := run(t, 0, "", "pki", "help"); !strings.Contains(out, "egov pki trust") {
			t.Fatalf("pki help: %q", out)
		}
	})
}

func TestSignCommandUsage(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	env := map[string]string{"EGOV_DATA_DIR": dir, "EGOV_DEMO": "1", "EGOV_DEMO_PASSWORD": demoPassword}
	in := filepath.Join(dir, "a.pdf")
	if err := os.WriteFile(in, attachtest.PDF(1, ""), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"sign"}, {"sign", in}, {"sign", in, "-o", filepath.Join(dir, "b.pdf")},
		{"sign", in, "-o", filepath.Join(dir, "b.pdf"), "--cert", "abc"},
		{"sign", in, "-o", filepath.Join(dir, "b.pdf"), "--cert", "1", "--tsa", "http://127.0.0.1:1/tsa", "--no-tsa"},
		{"sign", in, in, "-o", filepath.Join(dir, "b.pdf"), "--cert", "1"},
	} {
		if code, _, errs := runCLI(t, env, "", args...); code != 2 || !strings.Contains(errs, "usage: egov sign") {
			t.Errorf("egov %s: exit %d, want 2 (%q)", strings.Join(args, " "), code, errs)
		}
	}
	// A certificate that does not exist, a file that does not exist.
	if code, _, _ := runCLI(t, env, "", "sign", in, "-o", filepath.Join(dir, "b.pdf"), "--cert", "424242"); code != 1 {
		t.Errorf("unknown certificate: exit %d", code)
	}
	if code, _, _ := runCLI(t, env, "", "sign", filepath.Join(dir, "khong-co.pdf"), "-o", filepath.Join(dir, "b.pdf"), "--cert", "1"); code != 1 {
		t.Errorf("missing file: exit %d", code)
	}
}
