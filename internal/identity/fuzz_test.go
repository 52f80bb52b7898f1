package identity_test

import (
	"strings"
	"testing"

	"egov/internal/apperr"
	"egov/internal/identity"
	"egov/internal/platform/sqldb/sqldbtest"
)

// FuzzCheckPassword: a stored hash read from the database is outside
// input; a malformed one must give an error, never a panic or a match.
func FuzzCheckPassword(f *testing.F) {
	f.Add(identity.HashPassword("mat-khau-dung"), "mat-khau-dung")
	f.Add("$argon2id$v=19$m=0,t=0,p=0$$", "x")
	f.Add("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$", "")
	f.Add("", "")
	f.Fuzz(func(t *testing.T, hash, pw string) {
		if len(hash) > 200 || strings.Contains(hash, "m=") && !strings.Contains(hash, "m=19456") {
			return // keep the cost of one run bounded: no huge memory parameters
		}
		ok, _, err := identity.CheckPassword(hash, pw)
		if err != nil && ok {
			t.Fatal("an error and a match")
		}
	})
}

// FuzzImportAgencies: any file either imports or is rejected with row
// errors; nothing panics and a rejected file changes nothing.
func FuzzImportAgencies(f *testing.F) {
	f.Add("match,code,name,kind,parent\n,000.00.01.H37,Sở A,department,\n")
	f.Add("match,code\n000.00.01.H37,000.00.02.H37\n")
	f.Add("\ufeffmatch,code,name\n#1,,\n\"unterminated")
	f.Add("code,name\nx,y\n")
	db := sqldbtest.SQLite(f)
	fx := setup(f, db, false)
	f.Fuzz(func(t *testing.T, file string) {
		before, _ := fx.svc.Agencies(ctx)
		res, err := fx.svc.ImportAgencies(ctx, strings.NewReader(file))
		if err != nil {
			if !apperr.IsCode(err, apperr.Invalid) && !apperr.IsCode(err, apperr.Conflict) {
				t.Fatalf("unexpected error %v", err)
			}
			after, _ := fx.svc.Agencies(ctx)
			if len(after) != len(before) {
				t.Fatalf("a rejected file changed the agencies (%d -> %d)", len(before), len(after))
			}
			return
		}
		if res.Created+res.Updated+res.Unchanged == 0 && len(res.Errors) > 0 {
			t.Fatal("success with errors")
		}
	})
}
