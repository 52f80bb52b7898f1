package dossier_test

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"egov/internal/apperr"
	"egov/internal/audit"
	"egov/internal/calendar"
	"egov/internal/catalog"
	"egov/internal/dossier"
	"egov/internal/eform"
	"egov/internal/identity"
	"egov/internal/platform/sqldb"
	"egov/internal/platform/sqldb/sqldbtest"
)

var ctx = context.Background()

type fixture struct {
	svc            *dossier.Service
	onestop, other identity.Agency
	citizen        identity.User
}

func setup(t *testing.T, db *sqldb.DB) fixture {
	t.Helper()
	now := func() time.Time { return time.Date(2026, 2, 13, 9, 30, 0, 0, time.UTC) } // 16:30 in Vietnam, Friday before Tết
	log := audit.New(db, now)
	ids := identity.New(db, log, nil, now, identity.Settings{})
	cat := catalog.NewService(db, log, now)
	commune, err := ids.CreateAgency(ctx, identity.AgencyInput{Kind: identity.KindCommune, Code: "000.00.20.H37", Name: "UBND phường Đông Kinh"})
	if err != nil {
		t.Fatal(err)
	}
	onestop, err := ids.CreateAgency(ctx, identity.AgencyInput{ParentID: commune.ID, Kind: identity.KindUnit, Code: "000.01.20.H37", Name: "Bộ phận Một cửa", ReceivesDossiers: true})
	if err != nil {
		t.Fatal(err)
	}
	dept, err := ids.CreateAgency(ctx, identity.AgencyInput{Kind: identity.KindDepartment, Code: "000.00.03.H37", Name: "Sở Tư pháp", ReceivesDossiers: true})
	if err != nil {
		t.Fatal(err)
	}
	citizen, err := ids.CreateUser(ctx, identity.UserInput{Username: "congdan", Kind: identity.UserCitizen, FullName: "Nguyễn Văn An", PersonalID: "020085001234"})
	if err != nil {
		t.Fatal(err)
	}
	wf := catalog.Workflow{Key: "xa-don-gian", Name: catalog.Text{VI: "Giải quyết trong ngày"}, Steps: []catalog.Step{
		{ID: "tiep_nhan", Name: catalog.Text{VI: "Tiếp nhận và trả kết quả"}, Unit: "receiving.onestop", Role: "desk_officer", Share: 100,
			Actions: []catalog.Transition{{Action: catalog.ActReceive, To: "tiep_nhan"}, {Action: catalog.ActReturnResult, To: catalog.End}}}}}
	form := eform.Form{Key: "2.000815", Fields: []eform.Field{
		{Name: "ten_giay_to", Type: eform.TypeText, Label: eform.Text{VI: "Tên giấy tờ cần chứng thực"}, Required: true},
		{Name: "so_ban", Type: eform.TypeNumber, Label: eform.Text{VI: "Số bản sao"}, Required: true},
	}}
	proc := catalog.Procedure{Code: "2.000815", Name: "Chứng thực bản sao từ bản chính", Field: "Chứng thực", Level: catalog.LevelCommune,
		Receivers: []catalog.AgencyRef{{Kind: "commune"}}, Decider: catalog.AgencyRef{Kind: "commune"}, Channels: []catalog.Channel{catalog.ChannelOnline},
		Online: catalog.OnlinePartial, Time: catalog.Term{N: 1, Unit: catalog.WorkingDays}, Result: "Bản sao được chứng thực", Workflow: wf.Key, Form: form.Key}
	if _, err := cat.Import(ctx, catalog.Bundle{Format: catalog.Format, Workflows: []catalog.Workflow{wf}, Forms: []eform.Form{form},
		Procedures: []catalog.Procedure{proc}}, nil); err != nil {
		t.Fatal(err)
	}
	return fixture{svc: dossier.NewService(db, log, cat, ids, now), onestop: onestop, other: dept, citizen: citizen}
}

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
		actx := audit.WithActor(ctx, audit.Actor{UserID: f.citizen.ID, Username: f.citizen.Username})
		sub := dossier.Submission{ProcedureCode: "2.000815", ReceivingUnitID: f.onestop.ID, Applicant: f.citizen,
			Values: eform.Values{"ten_giay_to": {"Bằng tốt nghiệp"}, "so_ban": {"2"}}}

		t.Run("GetsItsCodeAndVersions", func(t *testing.T) {
			d, err := f.svc.Submit(actx, sub)
			if err != nil {
				t.Fatal(err)
			}
			if d.Code != "000.01.20.H37-260213-0001" || d.ProcedureVersion != 1 || d.WorkflowVersion != 1 || d.FormVersion != 1 ||
				d.Status != dossier.StatusSubmitted || d.Step != "tiep_nhan" {
				t.Fatalf("%+v", d)
			}
		})
		t.Run("FormErrorsNameTheField", func(t *testing.T) {
			bad := sub
			bad.Values = eform.Values{"so_ban": {"hai"}}
			_, err := f.svc.Submit(actx, bad)
			var e *apperr.Error
			if !apperr.IsCode(err, apperr.Invalid) || !errorsAs(err, &e) || len(e.Fields) != 2 {
				t.Fatalf("%v", err)
			}
		})
		t.Run("UnitMustReceiveTheProcedure", func(t *testing.T) {
			bad := sub
			bad.ReceivingUnitID = f.other.ID
			if _, err := f.svc.Submit(actx, bad); !apperr.IsCode(err, apperr.Invalid) {
				t.Fatalf("a department must not receive a commune procedure: %v", err)
			}
		})
		t.Run("UnknownProcedure", func(t *testing.T) {
			bad := sub
			bad.ProcedureCode = "9.999999"
			if _, err := f.svc.Submit(actx, bad); !apperr.IsCode(err, apperr.NotFound) {
				t.Fatal(err)
			}
		})
		t.Run("CodesAreUniqueUnderConcurrentSubmissions", func(t *testing.T) {
			const n = 40
			codes := make([]string, n)
			var wg sync.WaitGroup
			errs := make(chan error, n)
			for i := 0; i < n; i++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					d, err := f.svc.Submit(actx, sub)
					if err != nil {
						errs <- err
						return
					}
					codes[i] = d.Code
				}()
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
			// with the first subtest's dossier, numbers 2..41 were taken
			if codes[0] != "000.01.20.H37-260213-0002" || codes[n-1] != fmt.Sprintf("000.01.20.H37-260213-%04d", n+1) {
				t.Fatalf("codes %s .. %s", codes[0], codes[n-1])
			}
		})
	})
}

func TestReceive(t *testing.T) {
	t.Parallel()
	sqldbtest.Engines(t, func(t *testing.T, db *sqldb.DB) {
		f := setup(t, db)
		now := func() time.Time { return time.Date(2026, 2, 13, 9, 30, 0, 0, time.UTC) }
		log := audit.New(db, now)
		ids := identity.New(db, log, nil, now, identity.Settings{})
		cal := calendar.NewService(db, log, calendar.DefaultOfficeHours(), now)
		if err := db.Tx(ctx, func(tx *sql.Tx) error { return cal.SeedDeclarations(ctx, tx) }); err != nil {
			t.Fatal(err)
		}
		desk := &identity.Principal{Stage: identity.StageFull, User: identity.User{ID: 99, Username: "motcua.xa",
			Grants: []identity.Grant{{Role: identity.RoleDesk, AgencyID: f.onestop.ParentID}}}}
		elsewhere := &identity.Principal{Stage: identity.StageFull, User: identity.User{ID: 98, Username: "motcua",
			Grants: []identity.Grant{{Role: identity.RoleDesk, AgencyID: f.other.ID}}}}
		specialist := &identity.Principal{Stage: identity.StageFull, User: identity.User{ID: 97, Username: "chuyenvien.xa",
			Grants: []identity.Grant{{Role: identity.RoleSpecialist, AgencyID: f.onestop.ParentID}}}}
		actx := audit.WithActor(ctx, audit.Actor{UserID: f.citizen.ID, Username: f.citizen.Username})
		d, err := f.svc.Submit(actx, dossier.Submission{ProcedureCode: "2.000815", ReceivingUnitID: f.onestop.ID, Applicant: f.citizen,
			Values: eform.Values{"ten_giay_to": {"Bằng tốt nghiệp"}, "so_ban": {"2"}}})
		if err != nil {
			t.Fatal(err)
		}
		t.Run("OtherAgencyCannotSeeIt", func(t *testing.T) {
			if _, err := f.svc.Receive(ctx, elsewhere, d.Code, cal, ids); !apperr.IsCode(err, apperr.NotFound) {
				t.Fatalf("another agency's desk must get 404: %v", err)
			}
			if _, err := f.svc.Receive(ctx, specialist, d.Code, cal, ids); !apperr.IsCode(err, apperr.NotFound) {
				t.Fatalf("a specialist is not a desk officer: %v", err)
			}
		})
		t.Run("FridayBeforeTet", func(t *testing.T) {
			// received Friday 13 February 2026 at 16:30; Tết closes the
			// offices from the 14th to the 22nd: one working day ends on
			// Monday the 23rd at 17:00.
			rc, err := f.svc.Receive(audit.WithActor(ctx, audit.Actor{UserID: 99, Username: "motcua.xa"}), desk, d.Code, cal, ids)
			if err != nil {
				t.Fatal(err)
			}
			if got := rc.DueAt.Format(time.RFC3339); got != "2026-02-23T17:00:00+07:00" {
				t.Fatalf("due %s", got)
			}
			if len(rc.Why.Skipped) < 9 {
				t.Fatalf("the explanation must list the days not counted: %+v", rc.Why.Skipped)
			}
		})
		t.Run("NotTwice", func(t *testing.T) {
			if _, err := f.svc.Receive(ctx, desk, d.Code, cal, ids); !apperr.IsCode(err, apperr.Conflict) {
				t.Fatalf("%v", err)
			}
		})
		t.Run("UnknownCode", func(t *testing.T) {
			if _, err := f.svc.Receive(ctx, desk, "000.01.20.H37-260213-9999", cal, ids); !apperr.IsCode(err, apperr.NotFound) {
				t.Fatal(err)
			}
		})
	})
}

func TestWhoSeesADossier(t *testing.T) {
	t.Parallel()
	sqldbtest.Engines(t, func(t *testing.T, db *sqldb.DB) {
		f := setup(t, db)
		now := func() time.Time { return time.Date(2026, 2, 13, 3, 0, 0, 0, time.UTC) }
		ids := identity.New(db, audit.New(db, now), nil, now, identity.Settings{})
		other, err := ids.CreateUser(ctx, identity.UserInput{Username: "congdan2", Kind: identity.UserCitizen, FullName: "Hoàng Thị Mai", PersonalID: "020195004321"})
		if err != nil {
			t.Fatal(err)
		}
		actx := audit.WithActor(ctx, audit.Actor{UserID: f.citizen.ID, Username: f.citizen.Username})
		d, err := f.svc.Submit(actx, dossier.Submission{ProcedureCode: "2.000815", ReceivingUnitID: f.onestop.ID, Applicant: f.citizen,
			Values: eform.Values{"ten_giay_to": {"Học bạ"}, "so_ban": {"1"}}})
		if err != nil {
			t.Fatal(err)
		}
		full := func(u identity.User) *identity.Principal {
			return &identity.Principal{Stage: identity.StageFull, User: u}
		}
		official := func(role identity.Role, agency int64) *identity.Principal {
			return full(identity.User{ID: 500, Kind: identity.UserOfficial, Grants: []identity.Grant{{Role: role, AgencyID: agency}}})
		}
		for _, tc := range []struct {
			name string
			p    *identity.Principal
			sees bool
		}{
			{"Applicant", full(f.citizen), true},
			{"OtherCitizen", full(other), false},
			{"SpecialistOfTheCommune", official(identity.RoleSpecialist, f.onestop.ParentID), true},
			{"DeskOfAnotherAgency", official(identity.RoleDesk, f.other.ID), false},
			{"Anonymous", nil, false},
		} {
			t.Run(tc.name, func(t *testing.T) {
				v, err := f.svc.Get(ctx, tc.p, d.Code, ids)
				if tc.sees && (err != nil || v.Code != d.Code || len(v.Events) != 1 || v.Events[0].Action != "submit") {
					t.Fatalf("%+v %v", v, err)
				}
				if !tc.sees && !apperr.IsCode(err, apperr.NotFound) {
					t.Fatalf("must answer not found, not forbidden: %v", err)
				}
			})
		}
		t.Run("MineListsOnlyOwn", func(t *testing.T) {
			mine, err := f.svc.Mine(ctx, full(f.citizen), 0, 10)
			if err != nil || len(mine) != 1 || mine[0].Code != d.Code {
				t.Fatalf("%+v %v", mine, err)
			}
			theirs, err := f.svc.Mine(ctx, full(other), 0, 10)
			if err != nil || len(theirs) != 0 {
				t.Fatalf("%+v %v", theirs, err)
			}
		})
	})
}
