package dossier_test

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"egov/internal/apperr"
	"egov/internal/audit"
	"egov/internal/calendar"
	"egov/internal/catalog"
	"egov/internal/catalog/demo"
	"egov/internal/dossier"
	"egov/internal/eform"
	"egov/internal/identity"
	"egov/internal/platform/sqldb"
)

var ctx = context.Background()

func errorsAs(err error, target any) bool { return errors.As(err, target) }

// clock is the injected time, moved by the tests.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// vn is an instant in Vietnam.
func vn(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, calendar.Location())
}

// fixture is a small province: a ward with its one-stop unit, a second
// ward, the provincial police and social security (inter-agency), and the
// people who work there.
type fixture struct {
	db                                    *sqldb.DB
	clock                                 *clock
	svc                                   *dossier.Service
	ids                                   *identity.Service
	cal                                   *calendar.Service
	commune, onestop, commune2, onestop2  identity.Agency
	police, social, dept                  identity.Agency
	citizen, citizen2                     *identity.Principal
	desk, desk2, spec, spec2, lead, other *identity.Principal
	policeSpec, socialSpec                *identity.Principal
}

const (
	proc5    = "9.000005" // 5 working days, commune workflow (xa-mot-cap)
	procLT   = "9.000015" // inter-agency: birth + health insurance (lien-thong-khai-sinh-bhyt), 15 working days
	procFile = "9.000003" // a form with a required file field
)

func setup(t *testing.T, db *sqldb.DB) *fixture {
	t.Helper()
	f := &fixture{db: db, clock: &clock{t: vn(2026, 3, 2, 9, 0)}}
	now := f.clock.Now
	log := audit.New(db, now)
	f.ids = identity.New(db, log, nil, now, identity.Settings{})
	f.cal = calendar.NewService(db, log, calendar.DefaultOfficeHours(), now)
	if err := db.Tx(ctx, func(tx *sql.Tx) error { return f.cal.SeedDeclarations(ctx, tx) }); err != nil {
		t.Fatal(err)
	}
	cat := catalog.NewService(db, log, now)
	mk := func(in identity.AgencyInput) identity.Agency {
		a, err := f.ids.CreateAgency(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	f.commune = mk(identity.AgencyInput{Kind: identity.KindCommune, Code: "000.00.20.H37", Name: "Ủy ban nhân dân phường Đông Kinh", ReceivesDossiers: true})
	f.onestop = mk(identity.AgencyInput{ParentID: f.commune.ID, Kind: identity.KindUnit, Code: "000.01.20.H37", Name: "Bộ phận Một cửa phường Đông Kinh", ReceivesDossiers: true})
	f.commune2 = mk(identity.AgencyInput{Kind: identity.KindCommune, Code: "000.00.21.H37", Name: "Ủy ban nhân dân phường Lương Văn Tri", ReceivesDossiers: true})
	f.onestop2 = mk(identity.AgencyInput{ParentID: f.commune2.ID, Kind: identity.KindUnit, Code: "000.01.21.H37", Name: "Bộ phận Một cửa phường Lương Văn Tri", ReceivesDossiers: true})
	f.police = mk(identity.AgencyInput{Kind: identity.KindOther, Code: "000.00.15.H37", Name: "Công an tỉnh Lạng Sơn"})
	f.social = mk(identity.AgencyInput{Kind: identity.KindOther, Code: "000.00.16.H37", Name: "Bảo hiểm xã hội tỉnh Lạng Sơn"})
	f.dept = mk(identity.AgencyInput{Kind: identity.KindDepartment, Code: "000.00.03.H37", Name: "Sở Tư pháp", ReceivesDossiers: true})

	user := func(name string, kind identity.UserKind, pid string, grants ...identity.Grant) *identity.Principal {
		in := identity.UserInput{Username: name, Kind: kind, FullName: strings.ToUpper(name[:1]) + name[1:],
			Phone: "09123" + pid[len(pid)-5:], Grants: grants}
		if kind == identity.UserCitizen {
			in.PersonalID = pid
		} else {
			in.Password = "Hồ sơ một cửa 2026!"
		}
		u, err := f.ids.CreateUser(ctx, in)
		if err != nil {
			t.Fatalf("%s: %v %+v", name, err, apperr.As(err))
		}
		return &identity.Principal{Stage: identity.StageFull, User: u}
	}
	g := func(r identity.Role, a identity.Agency) identity.Grant {
		return identity.Grant{Role: r, AgencyID: a.ID}
	}
	f.citizen = user("congdan", identity.UserCitizen, "020085001234")
	f.citizen2 = user("congdan2", identity.UserCitizen, "020195004321")
	f.desk = user("motcua", identity.UserOfficial, "000000000001", g(identity.RoleDesk, f.commune))
	f.desk2 = user("motcua2", identity.UserOfficial, "000000000002", g(identity.RoleDesk, f.commune2))
	f.spec = user("chuyenvien", identity.UserOfficial, "000000000003", g(identity.RoleSpecialist, f.commune))
	f.spec2 = user("chuyenvien2", identity.UserOfficial, "000000000004", g(identity.RoleSpecialist, f.commune))
	f.lead = user("lanhdao", identity.UserOfficial, "000000000005", g(identity.RoleLeader, f.commune))
	f.other = user("chuyenvienkhac", identity.UserOfficial, "000000000006", g(identity.RoleSpecialist, f.commune2), g(identity.RoleLeader, f.commune2))
	f.policeSpec = user("congan", identity.UserOfficial, "000000000007", g(identity.RoleSpecialist, f.police))
	f.socialSpec = user("bhxh", identity.UserOfficial, "000000000008", g(identity.RoleSpecialist, f.social))

	wfs, _, err := demo.Load()
	if err != nil {
		t.Fatal(err)
	}
	form := eform.Form{Key: "to-khai-thu", Fields: []eform.Field{
		{Name: "ten_giay_to", Type: eform.TypeText, Label: eform.Text{VI: "Tên giấy tờ"}, Required: true},
		{Name: "so_ban", Type: eform.TypeNumber, Label: eform.Text{VI: "Số bản"}, Required: true},
	}}
	withFile := eform.Form{Key: "to-khai-co-tep", Fields: []eform.Field{
		{Name: "ten_giay_to", Type: eform.TypeText, Label: eform.Text{VI: "Tên giấy tờ"}, Required: true},
		{Name: "ban_sao", Type: eform.TypeFile, Label: eform.Text{VI: "Bản chụp giấy tờ"}, Required: true},
	}}
	p := func(code, wf string, n float64) catalog.Procedure {
		return catalog.Procedure{Code: code, Name: "Thủ tục thử " + code, Field: "Thử", Level: catalog.LevelCommune,
			Receivers: []catalog.AgencyRef{{Kind: "commune"}}, Decider: catalog.AgencyRef{Kind: "commune"}, Channels: []catalog.Channel{catalog.ChannelOnline},
			Online: catalog.OnlineFull, Time: catalog.Term{N: n, Unit: catalog.WorkingDays}, Result: "Giấy chứng nhận", Workflow: wf, Form: form.Key,
			Fees: []catalog.Fee{{Name: "Lệ phí", Kind: "charge", Amount: 20000}}}
	}
	pf := p(procFile, "xa-mot-cap", 3)
	pf.Form = withFile.Key
	if rep, err := cat.Import(ctx, catalog.Bundle{Format: catalog.Format, Workflows: wfs, Forms: []eform.Form{form, withFile},
		Procedures: []catalog.Procedure{p(proc5, "xa-mot-cap", 5), p(procLT, "lien-thong-khai-sinh-bhyt", 15), pf}}, nil); err != nil {
		t.Fatalf("%v %+v", err, rep)
	}
	f.svc = dossier.NewService(dossier.Deps{DB: db, Audit: log, Catalog: cat, Directory: f.ids, Calendars: f.cal, Now: now})
	return f
}

var values = eform.Values{"ten_giay_to": {"Bằng tốt nghiệp"}, "so_ban": {"2"}}

// pdf is a file reference as the upload pipeline gives it.
func pdf(name string) dossier.FileRef {
	return dossier.FileRef{Name: name, ContentType: "application/pdf", Size: 1234, Pages: 1,
		Hash: strings.Repeat("ab", 32), Document: "Tờ khai"}
}

// submit files an online dossier of proc at the clock's time.
func (f *fixture) submit(t *testing.T, proc string) dossier.Dossier {
	t.Helper()
	d, err := f.svc.Submit(ctx, f.citizen, dossier.Submission{ProcedureCode: proc, ReceivingUnitID: f.onestop.ID,
		Values: values, Files: []dossier.FileRef{pdf("to-khai.pdf")}})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// at moves the clock and acts.
func (f *fixture) act(t *testing.T, at time.Time, p *identity.Principal, code string, a catalog.Action, in dossier.Input) dossier.Change {
	t.Helper()
	f.clock.Set(at)
	c, err := f.svc.Act(ctx, p, code, a, in)
	if err != nil {
		t.Fatalf("%s at %s: %v", a, at.Format(time.RFC3339), err)
	}
	return c
}

func (f *fixture) view(t *testing.T, p *identity.Principal, code string) dossier.View {
	t.Helper()
	v, err := f.svc.Get(ctx, p, code)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func wantCode(t *testing.T, err error, code apperr.Code) {
	t.Helper()
	if !apperr.IsCode(err, code) {
		t.Fatalf("want %s, got %v", code, err)
	}
}

func rfc(t time.Time) string { return t.In(calendar.Location()).Format(time.RFC3339) }
