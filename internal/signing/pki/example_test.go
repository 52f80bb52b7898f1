package pki_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"egov/internal/audit"
	"egov/internal/platform/secretbox"
	"egov/internal/platform/sqldb"
	"egov/internal/signing/pki"
)

// The embedded default sets up the built-in CA once, issues an agency its
// organisation certificate (its digital seal) and signs with it.
func Example() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "pki-example")
	defer os.RemoveAll(dir)
	db, err := sqldb.Open(ctx, sqldb.Options{Path: filepath.Join(dir, "egov.db")})
	if err != nil {
		panic(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx, nil); err != nil {
		panic(err)
	}
	var agencyID int64
	_ = db.W.QueryRowContext(ctx, `INSERT INTO agencies(kind, code, name, created_at, updated_at)
		VALUES ('department', '000.00.03.H37', 'Sở Tư pháp', $1, $1) RETURNING id`, sqldb.UTC(time.Now())).Scan(&agencyID)

	box, _ := secretbox.New(bytes.Repeat([]byte{1}, 32)) // the master key
	svc, err := pki.New(pki.Config{DB: db, Box: box, Audit: audit.New(db, nil), PublicURL: "https://egov.example.vn"})
	if err != nil {
		panic(err)
	}
	if _, err := svc.EnsureBuiltinCA(ctx); err != nil {
		panic(err)
	}
	cert, err := svc.IssueOrganisation(ctx, pki.Agency{ID: agencyID, Code: "000.00.03.H37", Name: "Sở Tư pháp", Province: "Hà Nam"})
	if err != nil {
		panic(err)
	}
	signer, err := svc.SignerFor(ctx, cert.ID)
	if err != nil {
		panic(err)
	}
	digest := sha256.Sum256([]byte("%PDF-1.7 ..."))
	_, err = signer.Sign(rand.Reader, digest[:], crypto.SHA256)
	fmt.Println(cert.Cert.Subject.OrganizationalUnit[0], len(signer.Chain()), err)
	fmt.Println(cert.Cert.OCSPServer[0])
	// Output:
	// 000.00.03.H37 3 <nil>
	// https://egov.example.vn/pki/ocsp
}
