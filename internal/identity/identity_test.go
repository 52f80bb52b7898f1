package identity_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"egov/internal/apperr"
	"egov/internal/audit"
	"egov/internal/identity"
	"egov/internal/platform/secretbox"
	"egov/internal/platform/sqldb"
	"egov/internal/platform/sqldb/sqldbtest"
)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type fixture struct {
	db    *sqldb.DB
	svc   *identity.Service
	clock *clock
	log   *audit.Log
}

func setup(t testing.TB, db *sqldb.DB, requireTOTP bool) fixture {
	t.Helper()
	clk := &clock{t: time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)}
	box, _ := secretbox.New(bytes.Repeat([]byte{1}, 32))
	log := audit.New(db, clk.Now)
	svc := identity.New(db, log, box, clk.Now, identity.Settings{SessionTTL: time.Hour, RequireTOTP: requireTOTP})
	return fixture{db: db, svc: svc, clock: clk, log: log}
}

var ctx = context.Background()

func mustAgency(t *testing.T, f fixture, in identity.AgencyInput) identity.Agency {
	t.Helper()
	a, err := f.svc.CreateAgency(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func wantKey(t *testing.T, err error, key string) {
	t.Helper()
	var e *apperr.Error
	if !errors.As(err, &e) {
		t.Fatalf("want %s, got %v", key, err)
	}
	if e.Key == key {
		return
	}
	for _, fe := range e.Fields {
		if fe.Key == key {
			return
		}
	}
	t.Fatalf("want %s, got %s (%v)", key, e.Key, e.Fields)
}

func TestAgencies(t *testing.T) {
	t.Parallel()
	sqldbtest.Engines(t, func(t *testing.T, db *sqldb.DB) {
		f := setup(t, db, false)
		root := mustAgency(t, f, identity.AgencyInput{Kind: identity.KindCommittee, Code: "000.00.00.H37", Name: "Ủy ban nhân dân tỉnh Lạng Sơn"})
		dept := mustAgency(t, f, identity.AgencyInput{ParentID: root.ID, Kind: identity.KindDepartment, Code: "000.00.01.H37", Name: "Sở Tư pháp"})
		unit := mustAgency(t, f, identity.AgencyInput{ParentID: dept.ID, Kind: identity.KindUnit, Name: "Phòng Hành chính tư pháp"})

		t.Run("RejectsMalformedCode", func(t *testing.T) {
			_, err := f.svc.CreateAgency(ctx, identity.AgencyInput{Kind: identity.KindDepartment, Code: "H37.01", Name: "X"})
			wantKey(t, err, "agency.code_format")
		})
		t.Run("RejectsDuplicateCode", func(t *testing.T) {
			_, err := f.svc.CreateAgency(ctx, identity.AgencyInput{Kind: identity.KindDepartment, Code: "000.00.01.H37", Name: "Sở khác"})
			wantKey(t, err, "agency.code_taken")
		})
		t.Run("RejectsUnknownKindAndEmptyName", func(t *testing.T) {
			_, err := f.svc.CreateAgency(ctx, identity.AgencyInput{Kind: "ministry", Name: " "})
			wantKey(t, err, "agency.kind_unknown")
			wantKey(t, err, "agency.name_required")
		})
		t.Run("RecodeKeepsHistory", func(t *testing.T) {
			f.clock.Add(time.Hour)
			_, err := f.svc.UpdateAgency(ctx, dept.ID, identity.AgencyInput{ParentID: root.ID, Kind: identity.KindDepartment,
				Code: "000.00.21.H37", Name: "Sở Tư pháp tỉnh Lạng Sơn"})
			if err != nil {
				t.Fatal(err)
			}
			codes, err := f.svc.AgencyCodes(ctx, dept.ID)
			if err != nil || len(codes) != 2 || codes[0].ValidTo == nil || codes[1].ValidTo != nil {
				t.Fatalf("history %+v %v", codes, err)
			}
			old, err := f.svc.AgencyByCode(ctx, "000.00.01.H37")
			if err != nil || old.ID != dept.ID {
				t.Fatalf("old code lookup: %+v %v", old, err)
			}
		})
		t.Run("RejectsCycle", func(t *testing.T) {
			_, err := f.svc.UpdateAgency(ctx, dept.ID, identity.AgencyInput{ParentID: unit.ID, Kind: identity.KindDepartment, Name: "Sở Tư pháp"})
			wantKey(t, err, "agency.parent_cycle")
		})
		t.Run("TreeOrderPutsParentsFirst", func(t *testing.T) {
			all, err := f.svc.Agencies(ctx)
			if err != nil || len(all) != 3 || all[0].ID != root.ID || all[2].ID != unit.ID {
				t.Fatalf("%+v %v", all, err)
			}
		})
		t.Run("MergeMovesChildrenAndRoles", func(t *testing.T) {
			a := mustAgency(t, f, identity.AgencyInput{ParentID: root.ID, Kind: identity.KindCommune, Code: "000.00.40.H37", Name: "UBND xã A"})
			b := mustAgency(t, f, identity.AgencyInput{ParentID: root.ID, Kind: identity.KindCommune, Code: "000.00.41.H37", Name: "UBND xã B"})
			ua := mustAgency(t, f, identity.AgencyInput{ParentID: a.ID, Kind: identity.KindUnit, Name: "Bộ phận một cửa xã A"})
			u, err := f.svc.CreateUser(ctx, identity.UserInput{Username: "motcua.a", Kind: identity.UserOfficial, FullName: "Cán bộ A",
				Password: "mat-khau-dai-du", Grants: []identity.Grant{{Role: identity.RoleDesk, AgencyID: a.ID}}})
			if err != nil {
				t.Fatal(err)
			}
			if err := f.svc.MergeAgency(ctx, a.ID, b.ID); err != nil {
				t.Fatal(err)
			}
			gotA, _ := f.svc.Agency(ctx, a.ID)
			gotUA, _ := f.svc.Agency(ctx, ua.ID)
			gotU, _ := f.svc.User(ctx, u.ID)
			if gotA.Active || gotA.MergedIntoID != b.ID || gotA.Code != "" || gotUA.ParentID != b.ID || gotU.Grants[0].AgencyID != b.ID {
				t.Fatalf("after merge: %+v %+v %+v", gotA, gotUA, gotU.Grants)
			}
			if old, err := f.svc.AgencyByCode(ctx, "000.00.40.H37"); err != nil || old.ID != a.ID {
				t.Fatalf("old code of merged agency: %v", err)
			}
		})
		t.Run("EveryChangeIsAudited", func(t *testing.T) {
			rep, err := f.log.Verify(ctx)
			if err != nil || !rep.OK() || rep.Entries < 6 {
				t.Fatalf("%+v %v", rep, err)
			}
		})
	})
}

func TestUsersAndLogin(t *testing.T) {
	t.Parallel()
	sqldbtest.Engines(t, func(t *testing.T, db *sqldb.DB) {
		f := setup(t, db, false)
		dept := mustAgency(t, f, identity.AgencyInput{Kind: identity.KindDepartment, Code: "000.00.01.H37", Name: "Sở Tư pháp"})
		unit := mustAgency(t, f, identity.AgencyInput{ParentID: dept.ID, Kind: identity.KindUnit, Name: "Phòng Hộ tịch"})
		other := mustAgency(t, f, identity.AgencyInput{Kind: identity.KindCommune, Code: "000.00.50.H37", Name: "UBND phường Đông Kinh"})
		official, err := f.svc.CreateUser(ctx, identity.UserInput{Username: "chuyenvien", Kind: identity.UserOfficial, FullName: "Nguyễn Thị Hoa",
			Password: "mat-khau-an-toan", Grants: []identity.Grant{{Role: identity.RoleSpecialist, AgencyID: dept.ID}, {Role: identity.RoleAgencyAdmin, AgencyID: dept.ID}}})
		if err != nil {
			t.Fatal(err)
		}
		client := identity.Client{IP: "192.0.2.10", UserAgent: "test"}

		t.Run("RejectsDuplicateUsername", func(t *testing.T) {
			_, err := f.svc.CreateUser(ctx, identity.UserInput{Username: "ChuyenVien", Kind: identity.UserOfficial, FullName: "X", Password: "mat-khau-an-toan"})
			wantKey(t, err, "user.username_taken")
		})
		t.Run("RejectsBadInput", func(t *testing.T) {
			_, err := f.svc.CreateUser(ctx, identity.UserInput{Username: "a b", Kind: identity.UserCitizen, FullName: "X", PersonalID: "12345", Password: "short"})
			wantKey(t, err, "user.username_format")
			wantKey(t, err, "user.personal_id_format")
			wantKey(t, err, "password.too_short")
		})
		t.Run("RejectsOfficialRoleWithoutAgency", func(t *testing.T) {
			_, err := f.svc.CreateUser(ctx, identity.UserInput{Username: "x.y", Kind: identity.UserOfficial, FullName: "X", Password: "mat-khau-an-toan",
				Grants: []identity.Grant{{Role: identity.RoleLeader}}})
			wantKey(t, err, "user.grant_scope")
		})
		t.Run("LoginAndSession", func(t *testing.T) {
			res, err := f.svc.Login(ctx, identity.LoginRequest{Username: "chuyenvien", Password: "mat-khau-an-toan", Kind: identity.SessionWeb, Client: client})
			if err != nil || res.Stage != identity.StageFull || res.Token == "" {
				t.Fatalf("%+v %v", res, err)
			}
			p, err := f.svc.Session(ctx, res.Token)
			if err != nil || p.User.ID != official.ID || !p.Has(identity.RoleSpecialist) {
				t.Fatalf("%+v %v", p, err)
			}
			if ok, _ := f.svc.Within(ctx, p, identity.RoleAgencyAdmin, unit.ID); !ok {
				t.Error("agency admin should manage the units below")
			}
			if ok, _ := f.svc.Within(ctx, p, identity.RoleAgencyAdmin, other.ID); ok {
				t.Error("agency admin must not manage another agency")
			}
			if err := f.svc.Logout(ctx, p); err != nil {
				t.Fatal(err)
			}
			if _, err := f.svc.Session(ctx, res.Token); !errors.Is(err, identity.ErrSessionInvalid) {
				t.Fatalf("after logout: %v", err)
			}
		})
		t.Run("SessionExpires", func(t *testing.T) {
			res, err := f.svc.Login(ctx, identity.LoginRequest{Username: "chuyenvien", Password: "mat-khau-an-toan", Kind: identity.SessionAPI, Client: client})
			if err != nil {
				t.Fatal(err)
			}
			f.clock.Add(61 * time.Minute)
			if _, err := f.svc.Session(ctx, res.Token); !errors.Is(err, identity.ErrSessionInvalid) {
				t.Fatalf("expired session accepted: %v", err)
			}
			if _, err := f.svc.Session(ctx, "garbage"); !errors.Is(err, identity.ErrSessionInvalid) {
				t.Fatal(err)
			}
		})
		t.Run("WrongPasswordAndUnknownUserLookAlike", func(t *testing.T) {
			_, err := f.svc.Login(ctx, identity.LoginRequest{Username: "chuyenvien", Password: "sai-mat-khau", Kind: identity.SessionWeb, Client: client})
			wantKey(t, err, "login.bad_credentials")
			_, err = f.svc.Login(ctx, identity.LoginRequest{Username: "khong-ton-tai", Password: "sai-mat-khau", Kind: identity.SessionWeb, Client: client})
			wantKey(t, err, "login.bad_credentials")
		})
		t.Run("LockoutIsSharedAcrossReplicas", func(t *testing.T) {
			_, err := f.svc.CreateUser(ctx, identity.UserInput{Username: "lanhdao", Kind: identity.UserOfficial, FullName: "Trần Văn Bình",
				Password: "mat-khau-lanh-dao", Grants: []identity.Grant{{Role: identity.RoleLeader, AgencyID: dept.ID}}})
			if err != nil {
				t.Fatal(err)
			}
			replica2 := setup(t, db, false)
			replica2.clock = f.clock
			replica2.svc = identity.New(db, replica2.log, nil, f.clock.Now, identity.Settings{SessionTTL: time.Hour})
			for i := 0; i < 5; i++ {
				svc := f.svc
				if i%2 == 1 {
					svc = replica2.svc
				}
				_, err = svc.Login(ctx, identity.LoginRequest{Username: "lanhdao", Password: "sai", Kind: identity.SessionWeb, Client: client})
			}
			wantKey(t, err, "login.locked")
			_, err = f.svc.Login(ctx, identity.LoginRequest{Username: "lanhdao", Password: "mat-khau-lanh-dao", Kind: identity.SessionWeb, Client: client})
			wantKey(t, err, "login.locked")
			f.clock.Add(16 * time.Minute)
			if _, err := replica2.svc.Login(ctx, identity.LoginRequest{Username: "lanhdao", Password: "mat-khau-lanh-dao", Kind: identity.SessionWeb, Client: client}); err != nil {
				t.Fatalf("after the lock: %v", err)
			}
		})
		t.Run("PasswordResetEndsSessions", func(t *testing.T) {
			res, _ := f.svc.Login(ctx, identity.LoginRequest{Username: "chuyenvien", Password: "mat-khau-an-toan", Kind: identity.SessionWeb, Client: client})
			if err := f.svc.SetPassword(ctx, official.ID, "mat-khau-moi-hon"); err != nil {
				t.Fatal(err)
			}
			if _, err := f.svc.Session(ctx, res.Token); err == nil {
				t.Fatal("session survived a password reset")
			}
			if _, err := f.svc.Login(ctx, identity.LoginRequest{Username: "chuyenvien", Password: "mat-khau-moi-hon", Kind: identity.SessionWeb, Client: client}); err != nil {
				t.Fatal(err)
			}
		})
		t.Run("ExternalLoginCreatesThenUpdatesCitizen", func(t *testing.T) {
			id := identity.ExternalIdentity{Subject: "020190000123", Name: "Hoàng Văn Nam", BirthDate: "1990-05-01", Phone: "0912345678"}
			r1, err := f.svc.LoginExternal(ctx, id, client)
			if err != nil || r1.User.Kind != identity.UserCitizen || !r1.User.HasPassword == false {
				t.Fatalf("%+v %v", r1.User, err)
			}
			id.Name = "Hoàng Văn Nam Anh"
			r2, err := f.svc.LoginExternal(ctx, id, client)
			if err != nil || r2.User.ID != r1.User.ID || r2.User.FullName != id.Name {
				t.Fatalf("%+v %v", r2.User, err)
			}
			_, err = f.svc.Login(ctx, identity.LoginRequest{Username: "020190000123", Password: "anything-long", Kind: identity.SessionWeb, Client: client})
			wantKey(t, err, "login.use_oidc")
		})
		t.Run("CleanupRemovesExpiredSessions", func(t *testing.T) {
			f.clock.Add(2 * time.Hour)
			var n int64
			err := db.Tx(ctx, func(tx *sqlTx) error {
				var err error
				n, err = f.svc.CleanupSessions(ctx, tx)
				return err
			})
			if err != nil || n == 0 {
				t.Fatalf("removed %d, %v", n, err)
			}
		})
	})
}

func TestTOTP(t *testing.T) {
	t.Parallel()
	sqldbtest.Engines(t, func(t *testing.T, db *sqldb.DB) {
		f := setup(t, db, true)
		dept := mustAgency(t, f, identity.AgencyInput{Kind: identity.KindDepartment, Code: "000.00.01.H37", Name: "Sở Tư pháp"})
		u, err := f.svc.CreateUser(ctx, identity.UserInput{Username: "motcua", Kind: identity.UserOfficial, FullName: "Lê Thu Trang",
			Password: "mat-khau-mot-cua", Grants: []identity.Grant{{Role: identity.RoleDesk, AgencyID: dept.ID}}})
		if err != nil {
			t.Fatal(err)
		}
		client := identity.Client{IP: "192.0.2.20"}
		login := func(kind identity.SessionKind, code string) (identity.LoginResult, error) {
			return f.svc.Login(ctx, identity.LoginRequest{Username: "motcua", Password: "mat-khau-mot-cua", TOTP: code, Kind: kind, Client: client})
		}

		res, err := login(identity.SessionWeb, "")
		if err != nil || res.Stage != identity.StageEnrol {
			t.Fatalf("first login must require enrolment: %+v %v", res, err)
		}
		p, _ := f.svc.Session(ctx, res.Token)
		if p.Has(identity.RoleDesk) {
			t.Fatal("a session pending enrolment must grant nothing")
		}
		_, err = login(identity.SessionAPI, "")
		wantKey(t, err, "login.totp_enrolment_required")

		enr, err := f.svc.BeginTOTP(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		again, ok, err := f.svc.PendingTOTP(ctx, u.ID)
		if err != nil || !ok || again.Secret != enr.Secret {
			t.Fatalf("pending: %v %v", ok, err)
		}
		if _, _, err := f.svc.ConfirmTOTP(ctx, p, "000000", client); err == nil {
			t.Fatal("wrong code accepted")
		}
		code, _ := totp.GenerateCode(enr.Secret, f.clock.Now())
		recovery, full, err := f.svc.ConfirmTOTP(ctx, p, code, client)
		if err != nil || len(recovery) != 10 || full == nil || full.Stage != identity.StageFull {
			t.Fatalf("confirm: %v %v %v", recovery, full, err)
		}

		t.Run("WebLoginAsksForCode", func(t *testing.T) {
			f.clock.Add(time.Minute)
			res, err := login(identity.SessionWeb, "")
			if err != nil || res.Stage != identity.StageMFA {
				t.Fatalf("%+v %v", res, err)
			}
			p, _ := f.svc.Session(ctx, res.Token)
			code, _ := totp.GenerateCode(enr.Secret, f.clock.Now())
			done, err := f.svc.CompleteMFA(ctx, p, code, client)
			if err != nil || done.Stage != identity.StageFull || done.Token == res.Token {
				t.Fatalf("%+v %v", done, err)
			}
			if _, err := f.svc.Session(ctx, res.Token); err == nil {
				t.Fatal("the partial session must be replaced")
			}
			// the same code cannot be replayed
			res2, _ := login(identity.SessionWeb, "")
			p2, _ := f.svc.Session(ctx, res2.Token)
			_, err = f.svc.CompleteMFA(ctx, p2, code, client)
			wantKey(t, err, "login.totp_invalid")
		})
		t.Run("APILoginTakesCodeInline", func(t *testing.T) {
			f.clock.Add(time.Minute)
			_, err := login(identity.SessionAPI, "")
			wantKey(t, err, "login.totp_required")
			code, _ := totp.GenerateCode(enr.Secret, f.clock.Now())
			res, err := login(identity.SessionAPI, code)
			if err != nil || res.Stage != identity.StageFull {
				t.Fatalf("%+v %v", res, err)
			}
		})
		t.Run("RecoveryCodeWorksOnce", func(t *testing.T) {
			f.clock.Add(time.Minute)
			res, err := login(identity.SessionAPI, recovery[0])
			if err != nil || res.Stage != identity.StageFull {
				t.Fatalf("%+v %v", res, err)
			}
			_, err = login(identity.SessionAPI, recovery[0])
			wantKey(t, err, "login.totp_invalid")
		})
		t.Run("AdminResetRequiresEnrolmentAgain", func(t *testing.T) {
			if err := f.svc.ResetTOTP(ctx, u.ID); err != nil {
				t.Fatal(err)
			}
			res, err := login(identity.SessionWeb, "")
			if err != nil || res.Stage != identity.StageEnrol {
				t.Fatalf("%+v %v", res, err)
			}
		})
	})
}

func TestAgencyImport(t *testing.T) {
	t.Parallel()
	sqldbtest.Engines(t, func(t *testing.T, db *sqldb.DB) {
		f := setup(t, db, false)
		root := mustAgency(t, f, identity.AgencyInput{Kind: identity.KindCommittee, Code: "000.00.00.H37", Name: "UBND tỉnh"})
		a := mustAgency(t, f, identity.AgencyInput{ParentID: root.ID, Kind: identity.KindDepartment, Code: "000.00.01.H37", Name: "Sở A"})
		b := mustAgency(t, f, identity.AgencyInput{ParentID: root.ID, Kind: identity.KindDepartment, Code: "000.00.02.H37", Name: "Sở B"})

		t.Run("RejectsWholeFileAndListsEveryBadRow", func(t *testing.T) {
			res, err := f.svc.ImportAgencies(ctx, strings.NewReader("match,code,name,kind,parent\n"+
				"000.00.01.H37,37-01,,,\n"+ // bad code
				"999.99.99.Z99,,,,\n"+ // unknown match
				",000.00.09.H37,Sở mới,department,000.00.00.H37\n"+ // fine
				",,Không tên loại,ministry,\n")) // bad kind
			wantKey(t, err, "agency.import_rejected")
			if len(res.Errors) != 3 || res.Errors[0].Line != 2 || res.Errors[1].Line != 3 || res.Errors[2].Line != 5 {
				t.Fatalf("errors %+v", res.Errors)
			}
			if _, err := f.svc.AgencyByCode(ctx, "000.00.09.H37"); err == nil {
				t.Fatal("a rejected file changed something")
			}
		})
		file := "\ufeffmatch,code,name,name_en,kind,parent,admin_unit_code,receives_dossiers\n" +
			"000.00.01.H37,000.00.02.H37,,,,,,\n" + // swap codes of A and B
			"000.00.02.H37,000.00.01.H37,Sở B (đổi tên),,,,,yes\n" +
			",000.01.01.H37,Phòng mới,,unit,000.00.01.H37,,\n"
		t.Run("AppliesSwapsAndCreates", func(t *testing.T) {
			res, err := f.svc.ImportAgencies(ctx, strings.NewReader(file))
			if err != nil || res.Updated != 2 || res.Created != 1 {
				t.Fatalf("%+v %v", res, err)
			}
			gotA, _ := f.svc.Agency(ctx, a.ID)
			gotB, _ := f.svc.Agency(ctx, b.ID)
			if gotA.Code != "000.00.02.H37" || gotB.Code != "000.00.01.H37" || gotB.Name != "Sở B (đổi tên)" || !gotB.ReceivesDossiers {
				t.Fatalf("after import: %+v %+v", gotA, gotB)
			}
			unit, err := f.svc.AgencyByCode(ctx, "000.01.01.H37")
			if err != nil || unit.ParentID != a.ID { // references use the codes as they were before the file
				t.Fatalf("new unit: %+v %v", unit, err)
			}
		})
		t.Run("ExportThenImportChangesNothing", func(t *testing.T) {
			var buf bytes.Buffer
			if err := f.svc.ExportAgencies(ctx, &buf); err != nil {
				t.Fatal(err)
			}
			res, err := f.svc.ImportAgencies(ctx, &buf)
			if err != nil || res.Updated != 0 || res.Created != 0 || res.Unchanged != 4 {
				t.Fatalf("%+v %v", res, err)
			}
		})
	})
}

func TestAdminScope(t *testing.T) {
	t.Parallel()
	db := sqldbtest.SQLite(t)
	f := setup(t, db, false)
	root := mustAgency(t, f, identity.AgencyInput{Kind: identity.KindCommittee, Name: "UBND tỉnh"})
	dept := mustAgency(t, f, identity.AgencyInput{ParentID: root.ID, Kind: identity.KindDepartment, Name: "Sở Tư pháp"})
	unit := mustAgency(t, f, identity.AgencyInput{ParentID: dept.ID, Kind: identity.KindUnit, Name: "Phòng Hộ tịch"})
	other := mustAgency(t, f, identity.AgencyInput{ParentID: root.ID, Kind: identity.KindCommune, Name: "UBND xã"})
	admin := &identity.Principal{Stage: identity.StageFull, User: identity.User{Grants: []identity.Grant{{Role: identity.RoleAgencyAdmin, AgencyID: dept.ID}}}}
	sc, err := f.svc.AdminScopeOf(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	if !sc.HasAgency(dept.ID) || !sc.HasAgency(unit.ID) || sc.HasAgency(other.ID) || sc.HasAgency(root.ID) {
		t.Fatal("agency scope")
	}
	inDept := identity.User{Grants: []identity.Grant{{Role: identity.RoleSpecialist, AgencyID: unit.ID}, {Role: identity.RoleLeader, AgencyID: other.ID}}}
	if !sc.CanManageUser(inDept) || len(sc.KeepOutside(inDept)) != 1 {
		t.Fatal("a user with a role in the subtree is managed; the other role is kept")
	}
	if sc.CanManageUser(identity.User{Grants: []identity.Grant{{Role: identity.RoleSystemAdmin}, {Role: identity.RoleLeader, AgencyID: dept.ID}}}) {
		t.Fatal("an agency admin must not manage a system admin")
	}
	for name, gs := range map[string][]identity.Grant{
		"none":        nil,
		"elsewhere":   {{Role: identity.RoleLeader, AgencyID: other.ID}},
		"systemAdmin": {{Role: identity.RoleSystemAdmin}},
	} {
		if sc.CanGrant(gs) {
			t.Errorf("%s must not be grantable", name)
		}
	}
	if !sc.CanGrant([]identity.Grant{{Role: identity.RoleDesk, AgencyID: unit.ID}}) {
		t.Error("a role in the subtree must be grantable")
	}
	citizen := &identity.Principal{Stage: identity.StageFull, User: identity.User{Grants: []identity.Grant{{Role: identity.RoleCitizen}}}}
	if sc, _ := f.svc.AdminScopeOf(ctx, citizen); !sc.Empty() {
		t.Error("a citizen administers nothing")
	}
}
