package dossier_test

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"egov/internal/apperr"
	"egov/internal/catalog"
	"egov/internal/dossier"
	"egov/internal/eform"
	"egov/internal/identity"
	"egov/internal/platform/sqldb"
	"egov/internal/platform/sqldb/sqldbtest"
)

func TestCode(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 2, 13, 17, 30, 0, 0, time.UTC) // 00:30 on the 14th in Vietnam
	if got := dossier.Code("000.01.20.H37", at, 7); got != "000.01.20.H37-260214-0007" {
		t.Fatal(got)
	}
	if got := dossier.Code("000.01.20.H37", at, 12345); got != "000.01.20.H37-260214-12345" {
		t.Fatalf("the sequence grows past four digits rather than fail: %s", got)
	}
}

func TestSubmit(t *testing.T) {
	t.Parallel()
	sqldbtest.Engines(t, func(t *testing.T, db *sqldb.DB) {
		f := setup(t, db)
		sub := dossier.Submission{ProcedureCode: proc5, ReceivingUnitID: f.onestop.ID, Values: values, Files: []dossier.FileRef{pdf("a.pdf")}}

		t.Run("GetsItsCodeVersionsAndFees", func(t *testing.T) {
			d, err := f.svc.Submit(ctx, f.citizen, sub)
			if err != nil {
				t.Fatal(err)
			}
			if d.Code != "000.01.20.H37-260302-0001" || d.ProcedureVersion != 1 || d.WorkflowVersion != 1 || d.FormVersion != 1 ||
				d.Status != dossier.StatusSubmitted || d.Step != "tiep_nhan" || d.FeesDue != 20000 || d.DeciderID != f.commune.ID {
				t.Fatalf("%+v", d)
			}
			v := f.view(t, f.citizen, d.Code)
			if len(v.Files) != 1 || v.Files[0].Name != "a.pdf" || v.Clock != dossier.ClockNotStarted || v.DueAt != nil {
				t.Fatalf("%+v", v)
			}
			ns, unread, err := f.svc.Notifications(ctx, f.citizen, 0, 10)
			if err != nil || unread != 1 || len(ns) != 1 || ns[0].Code != d.Code {
				t.Fatalf("the applicant is told at once: %+v %d %v", ns, unread, err)
			}
			// read up to what was shown: a notice arriving meanwhile stays new
			if _, err := f.svc.Submit(ctx, f.citizen, sub); err != nil {
				t.Fatal(err)
			}
			if err := f.svc.MarkRead(ctx, f.citizen, ns[0].ID); err != nil {
				t.Fatal(err)
			}
			if n, _ := f.svc.Unread(ctx, f.citizen); n != 1 {
				t.Fatalf("unread %d", n)
			}
		})
		t.Run("FormErrorsNameTheField", func(t *testing.T) {
			bad := sub
			bad.Values = eform.Values{"so_ban": {"hai"}}
			_, err := f.svc.Submit(ctx, f.citizen, bad)
			var e *apperr.Error
			if !apperr.IsCode(err, apperr.Invalid) || !errorsAs(err, &e) || len(e.Fields) != 2 {
				t.Fatalf("%v", err)
			}
		})
		t.Run("UnitMustReceiveTheProcedure", func(t *testing.T) {
			bad := sub
			bad.ReceivingUnitID = f.dept.ID
			wantCode(t, func() error { _, err := f.svc.Submit(ctx, f.citizen, bad); return err }(), apperr.Invalid)
		})
		t.Run("FilesMustComeFromTheUploadPipeline", func(t *testing.T) {
			bad := sub
			bad.Files = []dossier.FileRef{{Name: "x.pdf", ContentType: "application/pdf", Size: 0, Hash: "nope"}}
			wantCode(t, func() error { _, err := f.svc.Submit(ctx, f.citizen, bad); return err }(), apperr.Invalid)
		})
		t.Run("FilesFillTheFormsFileFields", func(t *testing.T) {
			in := dossier.Submission{ProcedureCode: procFile, ReceivingUnitID: f.onestop.ID, Values: eform.Values{"ten_giay_to": {"Học bạ"}}}
			_, err := f.svc.Submit(ctx, f.citizen, in)
			var e *apperr.Error
			if !errorsAs(err, &e) || len(e.Fields) != 1 || e.Fields[0].Field != "ban_sao" {
				t.Fatalf("the required file is named: %v", err)
			}
			scan := pdf("hoc-ba.pdf")
			scan.Document = "ban_sao"
			in.Files = []dossier.FileRef{scan}
			if _, err := f.svc.Submit(ctx, f.citizen, in); err != nil {
				t.Fatal(err)
			}
		})
		t.Run("ReceivingUnitsAreTheOneStopUnits", func(t *testing.T) {
			units, err := f.svc.ReceivingUnits(ctx, proc5)
			if err != nil || len(units) != 2 || units[0].ID != f.onestop.ID || units[1].ID != f.onestop2.ID {
				t.Fatalf("%+v %v", units, err)
			}
		})
		t.Run("OfficialsSubmitAtTheDeskOnly", func(t *testing.T) {
			wantCode(t, func() error { _, err := f.svc.Submit(ctx, f.desk, sub); return err }(), apperr.Forbidden)
		})
		t.Run("UnknownProcedure", func(t *testing.T) {
			bad := sub
			bad.ProcedureCode = "9.999999"
			wantCode(t, func() error { _, err := f.svc.Submit(ctx, f.citizen, bad); return err }(), apperr.NotFound)
		})
		t.Run("CodesAreUniqueUnderConcurrentSubmissions", func(t *testing.T) {
			const n = 40
			codes := make([]string, n)
			var wg sync.WaitGroup
			errs := make(chan error, n)
			for i := range n {
				wg.Go(func() {
					d, err := f.svc.Submit(ctx, f.citizen, sub)
					if err != nil {
						errs <- err
						return
					}
					codes[i] = d.Code
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Fatal(err)
			}
			slices.Sort(codes)
			if len(slices.Compact(slices.Clone(codes))) != n {
				t.Fatalf("duplicate codes: %v", codes)
			}
			// numbers 1 to 3 went to the earlier subtests' dossiers
			if codes[0] != "000.01.20.H37-260302-0004" || codes[n-1] != fmt.Sprintf("000.01.20.H37-260302-%04d", n+3) {
				t.Fatalf("codes %s .. %s", codes[0], codes[n-1])
			}
		})
	})
}

func TestDrafts(t *testing.T) {
	t.Parallel()
	sqldbtest.Engines(t, func(t *testing.T, db *sqldb.DB) {
		f := setup(t, db)
		d, err := f.svc.SaveDraft(ctx, f.citizen, dossier.Draft{ProcedureCode: proc5, UnitID: f.onestop.ID, Values: eform.Values{"so_ban": {"2"}}})
		if err != nil {
			t.Fatal(err)
		}
		d.Values["ten_giay_to"] = []string{"Học bạ"}
		if _, err := f.svc.SaveDraft(ctx, f.citizen, d); err != nil {
			t.Fatal(err)
		}
		got, err := f.svc.DraftOf(ctx, f.citizen, d.ID)
		if err != nil || got.Values["ten_giay_to"][0] != "Học bạ" || got.UnitID != f.onestop.ID {
			t.Fatalf("a saved draft resumes as it was left: %+v %v", got, err)
		}
		if _, err := f.svc.DraftOf(ctx, f.citizen2, d.ID); !apperr.IsCode(err, apperr.NotFound) {
			t.Fatalf("another citizen cannot open the draft: %v", err)
		}
		if _, err := f.svc.SaveDraft(ctx, f.citizen2, d); !apperr.IsCode(err, apperr.NotFound) {
			t.Fatalf("nor overwrite it: %v", err)
		}
		if err := f.svc.DeleteDraft(ctx, f.citizen, d.ID); err != nil {
			t.Fatal(err)
		}
		if list, _ := f.svc.Drafts(ctx, f.citizen); len(list) != 0 {
			t.Fatalf("%+v", list)
		}
	})
}

func TestWhoSeesADossier(t *testing.T) {
	t.Parallel()
	sqldbtest.Engines(t, func(t *testing.T, db *sqldb.DB) {
		f := setup(t, db)
		d := f.submit(t, proc5)
		for _, tc := range []struct {
			name string
			p    *identity.Principal
			sees bool
		}{
			{"Applicant", f.citizen, true},
			{"OtherCitizen", f.citizen2, false},
			{"SpecialistOfTheWard", f.spec, true},
			{"DeskOfTheWard", f.desk, true},
			{"OfficialOfAnotherWard", f.other, false},
			{"PoliceNotTakingPart", f.policeSpec, false},
			{"Anonymous", nil, false},
		} {
			t.Run(tc.name, func(t *testing.T) {
				v, err := f.svc.Get(ctx, tc.p, d.Code)
				if tc.sees && (err != nil || v.Code != d.Code || len(v.Events) != 1 || v.Events[0].Action != "submit") {
					t.Fatalf("%+v %v", v, err)
				}
				if !tc.sees && !apperr.IsCode(err, apperr.NotFound) {
					t.Fatalf("must answer not found, not forbidden: %v", err)
				}
			})
		}
		t.Run("MineListsOnlyOwn", func(t *testing.T) {
			mine, err := f.svc.Mine(ctx, f.citizen, 0, 10)
			if err != nil || len(mine) != 1 || mine[0].Code != d.Code {
				t.Fatalf("%+v %v", mine, err)
			}
			theirs, err := f.svc.Mine(ctx, f.citizen2, 0, 10)
			if err != nil || len(theirs) != 0 {
				t.Fatalf("%+v %v", theirs, err)
			}
		})
		t.Run("AllowedActionsFollowTheStep", func(t *testing.T) {
			if v := f.view(t, f.desk, d.Code); !slices.Contains(v.Allowed, "receive") || slices.Contains(v.Allowed, "forward") {
				t.Fatalf("desk: %v", v.Allowed)
			}
			if v := f.view(t, f.spec, d.Code); len(v.Allowed) != 0 {
				t.Fatalf("the specialist has nothing to do at receipt: %v", v.Allowed)
			}
			if v := f.view(t, f.citizen, d.Code); !slices.Equal(v.Allowed, []catalog.Action{"withdraw"}) {
				t.Fatalf("applicant: %v", v.Allowed)
			}
		})
		t.Run("UploadsAreTheirOwners", func(t *testing.T) {
			var id int64
			if err := db.W.QueryRowContext(ctx, `INSERT INTO uploads(user_id, hash, name, content_type, size, at)
				VALUES ($1, $2, 'a.pdf', 'application/pdf', 10, $3) RETURNING id`, f.citizen.User.ID, strings.Repeat("ab", 32), sqldb.UTC(f.clock.Now())).Scan(&id); err != nil {
				t.Fatal(err)
			}
			if refs, err := f.svc.Resolve(ctx, f.citizen, []int64{id}, []string{"Tờ khai"}); err != nil || refs[0].Document != "Tờ khai" {
				t.Fatalf("%+v %v", refs, err)
			}
			if _, err := f.svc.Resolve(ctx, f.citizen2, []int64{id}, nil); !apperr.IsCode(err, apperr.Invalid) {
				t.Fatalf("another's upload is refused: %v", err)
			}
		})
	})
}
