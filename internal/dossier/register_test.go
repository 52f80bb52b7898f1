package dossier_test

import (
	"testing"

	"egov/internal/apperr"
	"egov/internal/catalog"
	"egov/internal/dossier"
	"egov/internal/identity"
	"egov/internal/platform/sqldb"
	"egov/internal/platform/sqldb/sqldbtest"
)

// The register lists what the unit received in the period, in the order
// received; dossiers not received yet are not in it; only the unit's desk
// and leaders (and agencies above) may read it.
func TestRegister(t *testing.T) {
	t.Parallel()
	sqldbtest.Engines(t, func(t *testing.T, db *sqldb.DB) {
		f := setup(t, db)
		a, b, pending := f.submit(t, proc5), f.submit(t, proc5), f.submit(t, proc5)
		f.act(t, vn(2026, 3, 3, 10, 0), f.desk, b.Code, catalog.ActReceive, dossier.Input{})
		f.act(t, vn(2026, 3, 3, 11, 0), f.desk, a.Code, catalog.ActReceive, dossier.Input{})
		late := f.submit(t, proc5)
		f.act(t, vn(2026, 3, 9, 8, 0), f.desk, late.Code, catalog.ActReceive, dossier.Input{})
		_ = pending

		got, cut, err := f.svc.Register(ctx, f.desk, f.onestop.ID, vn(2026, 3, 1, 0, 0), vn(2026, 3, 8, 0, 0))
		if err != nil || cut {
			t.Fatal(err, cut)
		}
		if len(got) != 2 || got[0].Code != b.Code || got[1].Code != a.Code {
			t.Fatalf("register = %v, want %s then %s", codes(got), b.Code, a.Code)
		}
		if got[0].ReceivedAt == nil || got[0].DueAt == nil || got[0].ApplicantName == "" {
			t.Errorf("a register row lacks its receipt, due date or applicant: %+v", got[0].Dossier)
		}
		if got, _, err := f.svc.Register(ctx, f.lead, f.onestop.ID, vn(2026, 3, 1, 0, 0), vn(2026, 4, 1, 0, 0)); err != nil || len(got) != 3 {
			t.Errorf("the leader's register of March = %v, %v; want 3 dossiers", codes(got), err)
		}
		for name, p := range map[string]*identity.Principal{"desk of another ward": f.desk2, "specialist": f.spec, "citizen": f.citizen} {
			_, _, err := f.svc.Register(ctx, p, f.onestop.ID, vn(2026, 3, 1, 0, 0), vn(2026, 4, 1, 0, 0))
			if !apperr.IsCode(err, apperr.Forbidden) {
				t.Errorf("%s reading the register: %v, want forbidden", name, err)
			}
		}
	})
}

func codes(vs []dossier.View) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.Code
	}
	return out
}
