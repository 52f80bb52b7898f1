package app

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"sync"

	"egov/internal/dossier"
	"egov/internal/identity"
	"egov/internal/platform/blob"
	"egov/internal/signing"
	"egov/internal/signing/pki"
)

// positions name an official's position in a certificate issued on demand
// (embedded default), from the role they hold at the agency.
var positions = map[identity.Role]string{
	identity.RoleLeader: "Lãnh đạo", identity.RoleSpecialist: "Chuyên viên", identity.RoleDesk: "Công chức tiếp nhận và trả kết quả",
	identity.RoleClerical: "Văn thư", identity.RoleAgencyAdmin: "Quản trị hệ thống",
}

// issuer builds the signer of the documents egov issues. The timestamp
// authority is the built-in one, served on a loopback address from its
// first use to the app's end (signing must not depend on the public
// address reaching back to this process); without it documents are
// signed without a timestamp.
func (a *App) issuer() *signing.Issuer {
	return &signing.Issuer{
		PKI:       a.PKI,
		TSAURL:    a.tsaURL,
		AutoIssue: a.Cfg.Demo,
		Agency: func(ctx context.Context, id int64) (pki.Agency, error) {
			// After a reorganisation the agency a dossier names may have
			// been merged into another: that one signs now.
			for range 8 {
				ag, err := a.Identity.Agency(ctx, id)
				if err != nil || ag.MergedIntoID == 0 {
					break
				}
				id = ag.MergedIntoID
			}
			return cliAgency(ctx, a.Core, "", id)
		},
		Official: func(ctx context.Context, userID int64) (pki.Official, error) {
			u, err := a.Identity.User(ctx, userID)
			if err != nil {
				return pki.Official{}, err
			}
			o := pki.Official{UserID: u.ID, FullName: u.FullName, Email: u.Email}
			for _, r := range []identity.Role{identity.RoleLeader, identity.RoleSpecialist, identity.RoleClerical, identity.RoleDesk, identity.RoleAgencyAdmin} {
				for _, g := range u.Grants {
					if g.Role == r && o.Position == "" {
						o.Position = positions[r]
					}
				}
			}
			return o, nil
		},
	}
}

// tsa is the loopback timestamp authority, started on first use.
type tsa struct {
	mu   sync.Mutex
	url  string
	stop func()
	done bool
}

func (a *App) tsaURL(ctx context.Context) (string, error) {
	a.tsa.mu.Lock()
	defer a.tsa.mu.Unlock()
	if a.tsa.done {
		return a.tsa.url, nil
	}
	url, stop, err := builtinTSA(ctx, a.Core)
	if err != nil {
		return "", err
	}
	a.tsa.url, a.tsa.stop, a.tsa.done = url, stop, true
	return url, nil
}

func (a *App) stopTSA() {
	a.tsa.mu.Lock()
	defer a.tsa.mu.Unlock()
	if a.tsa.stop != nil {
		a.tsa.stop()
	}
	a.tsa.stop, a.tsa.done = nil, false
}

// resultSigner signs dossiers' results: the uploaded file is read from the
// blob store, signed by the official and the agency, and the signed bytes
// stored beside it.
type resultSigner struct {
	issuer    *signing.Issuer
	blobs     blob.Store
	publicURL string
	maxBytes  int64
}

func (r *resultSigner) SignResult(ctx context.Context, in dossier.ResultSigning) (dossier.SignedResult, error) {
	out := dossier.SignedResult{File: in.File}
	f, err := r.blobs.Open(ctx, in.File.Hash)
	if err != nil {
		return out, err
	}
	data, err := io.ReadAll(io.LimitReader(f, r.maxBytes+1))
	f.Close()
	if err != nil {
		return out, err
	}
	if int64(len(data)) > r.maxBytes {
		return out, fmt.Errorf("signing: result of %d bytes over the %d limit", len(data), r.maxBytes)
	}
	signed, who, err := r.issuer.SignResult(ctx, data, in.UserID, in.AgencyID,
		signing.Mark{Code: in.ResultCode, URL: signing.VerifyURL(r.publicURL, in.ResultCode)})
	if err != nil || who.Unsigned() {
		return out, err
	}
	ref, err := r.blobs.Put(ctx, bytes.NewReader(signed), int64(len(signed)))
	if err != nil {
		return out, err
	}
	out.File.Size, out.File.Hash = ref.Size, ref.Hash
	out.Person, out.Organisation, out.Level = who.Person, who.Organisation, who.Level
	return out, nil
}

// signForm signs a form with its issuing agency's organisation
// certificate (forms.SignFunc).
func (a *App) signForm(ctx context.Context, pdf []byte, agencyID int64) ([]byte, string, error) {
	out, who, err := a.signer.SignForm(ctx, pdf, agencyID)
	return out, who.Organisation, err
}

// signedCheck checks a stored file for the documents that must carry
// their issuer's digital signature (dossier.SignatureChecker).
func (a *App) signedCheck(v *signing.Verifier) dossier.SignatureChecker {
	return func(ctx context.Context, f dossier.FileRef) error {
		r, err := a.blobs.Open(ctx, f.Hash)
		if err != nil {
			return err
		}
		defer r.Close()
		return v.RequireSigned(ctx, f.Name, r)
	}
}
