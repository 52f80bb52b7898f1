// Package seed creates the demo province: Lạng Sơn in today's two-tier
// local government (province and 65 communes and wards, no districts), its
// people's committee, departments, public administration service centre and
// one-stop units, and the demo accounts. Agency codes here are well-formed
// demo codes, not the real ones: an administrator edits or imports those.
//
// The communes and wards come from the MIT-licensed
// vietnamese-provinces-database by Thang Le Quoc (see data/).
package seed

import (
	"context"
	"database/sql"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"unicode"
	"unicode/utf8"

	"egov/internal/audit"
	"egov/internal/identity"
	"egov/internal/platform/sqldb"
)

//go:embed data/lang-son-2026.json
var langSonJSON []byte

// AdminUnit is a commune or ward of the province.
type AdminUnit struct {
	Code       string `json:"code"`
	Name       string `json:"name"`
	FullName   string `json:"full_name"`
	FullNameEn string `json:"full_name_en"`
	Kind       string `json:"kind"` // commune or ward
}

// Province is the demo province's data.
type Province struct {
	Code  string      `json:"code"`
	Name  string      `json:"name"`
	Units []AdminUnit `json:"units"`
}

// LangSon returns Lạng Sơn's communes and wards (2026).
func LangSon() Province {
	var raw struct {
		Province struct {
			Code string `json:"code"`
			Name string `json:"name"`
		} `json:"province"`
		Units []AdminUnit `json:"units"`
	}
	if err := json.Unmarshal(langSonJSON, &raw); err != nil {
		panic(err)
	}
	return Province{Code: raw.Province.Code, Name: raw.Province.Name, Units: raw.Units}
}

// ProvinceLetterCode is the level-1 part of the demo agency codes.
const ProvinceLetterCode = "H37"

// Department is a provincial agency of the demo.
type department struct {
	name, nameEn string
	units        []string
	receives     bool
	kind         identity.AgencyKind
}

// departments: the departments after the 2025 reorganisation (business
// registration moved to Finance; transport into Construction; natural
// resources into Agriculture and Environment).
var departments = []department{
	{"Văn phòng Ủy ban nhân dân tỉnh", "Office of the Provincial People's Committee", []string{"Phòng Hành chính - Tổ chức", "Phòng Kiểm soát thủ tục hành chính"}, false, identity.KindDepartment},
	{"Trung tâm Phục vụ hành chính công tỉnh", "Provincial Public Administration Service Centre", []string{"Bộ phận tiếp nhận và trả kết quả", "Phòng Hành chính - Tổng hợp"}, true, identity.KindCentre},
	{"Sở Tư pháp", "Department of Justice", []string{"Văn phòng Sở", "Phòng Hành chính tư pháp", "Phòng Bổ trợ tư pháp"}, true, identity.KindDepartment},
	{"Sở Tài chính", "Department of Finance", []string{"Văn phòng Sở", "Phòng Đăng ký kinh doanh", "Phòng Quản lý ngân sách"}, true, identity.KindDepartment},
	{"Sở Xây dựng", "Department of Construction", []string{"Văn phòng Sở", "Phòng Quản lý hoạt động xây dựng", "Phòng Quản lý vận tải, phương tiện và người lái"}, true, identity.KindDepartment},
	{"Sở Nông nghiệp và Môi trường", "Department of Agriculture and Environment", []string{"Văn phòng Sở", "Phòng Quản lý đất đai", "Phòng Môi trường"}, true, identity.KindDepartment},
	{"Sở Nội vụ", "Department of Home Affairs", []string{"Văn phòng Sở", "Phòng Tổ chức, biên chế", "Phòng Lao động - Việc làm"}, true, identity.KindDepartment},
	{"Sở Y tế", "Department of Health", []string{"Văn phòng Sở", "Phòng Nghiệp vụ Y", "Phòng Nghiệp vụ Dược"}, true, identity.KindDepartment},
	{"Sở Giáo dục và Đào tạo", "Department of Education and Training", []string{"Văn phòng Sở", "Phòng Giáo dục phổ thông"}, true, identity.KindDepartment},
	{"Sở Công Thương", "Department of Industry and Trade", []string{"Văn phòng Sở", "Phòng Quản lý thương mại"}, true, identity.KindDepartment},
	{"Sở Khoa học và Công nghệ", "Department of Science and Technology", []string{"Văn phòng Sở", "Phòng Chuyển đổi số"}, true, identity.KindDepartment},
	{"Sở Văn hóa, Thể thao và Du lịch", "Department of Culture, Sports and Tourism", []string{"Văn phòng Sở", "Phòng Quản lý văn hóa"}, true, identity.KindDepartment},
	{"Sở Dân tộc và Tôn giáo", "Department of Ethnic Minorities and Religions", []string{"Văn phòng Sở"}, true, identity.KindDepartment},
	{"Thanh tra tỉnh", "Provincial Inspectorate", []string{"Văn phòng"}, false, identity.KindDepartment},
	// Agencies outside the provincial government that take part in
	// inter-agency (liên thông) procedures; their demo codes sit under the
	// province so the demo workflows can name them (real ones are listed
	// with their own codes in the national directory).
	{"Công an tỉnh Lạng Sơn", "Lang Son Provincial Police", []string{"Phòng Cảnh sát quản lý hành chính về trật tự xã hội"}, false, identity.KindOther},
	{"Bảo hiểm xã hội tỉnh Lạng Sơn", "Lang Son Social Security", []string{"Phòng Quản lý thu - Sổ, thẻ"}, false, identity.KindOther},
}

// communeUnits are the units of each commune's people's committee since
// July 2025; the first is the one-stop unit.
var communeUnits = []string{"Bộ phận Một cửa", "Văn phòng Hội đồng nhân dân và Ủy ban nhân dân", "Phòng Kinh tế", "Phòng Văn hóa - Xã hội"}

// Key names a seeded agency for the demo accounts and tests.
const (
	KeyCommittee      = "committee"
	KeyCentre         = "centre"
	KeyJustice        = "justice"
	KeyCommune        = "commune" // Phường Đông Kinh
	KeyPolice         = "police"
	KeySocialSecurity = "social_security"
)

// Result tells what the seed made.
type Result struct {
	Created   bool // false when the demo already existed
	Agencies  map[string]int64
	Accounts  []Account
	Communes  int
	AgencyNum int
}

// Account is a demo account.
type Account struct {
	Username, FullName, Role, Where string
}

// Already reports whether the demo has been seeded.
func Already(ctx context.Context, db *sqldb.DB) (bool, error) {
	var v string
	err := db.R.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'demo_seeded'`).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// Empty reports whether the database holds no users yet.
func Empty(ctx context.Context, db *sqldb.DB) (bool, error) {
	var n int
	err := db.R.QueryRowContext(ctx, `SELECT count(*) FROM users`).Scan(&n)
	return n == 0, err
}

// Calendar receives the demo's declared days (the calendar package's
// service implements it).
type Calendar interface {
	SeedDeclarations(ctx context.Context, tx *sql.Tx) error
}

// Demo creates the demo province and accounts in one transaction, unless
// it exists already. password is the demo accounts' password.
func Demo(ctx context.Context, db *sqldb.DB, ids *identity.Service, log *audit.Log, cal Calendar, password string) (Result, error) {
	res := Result{Agencies: map[string]int64{}}
	if done, err := Already(ctx, db); err != nil || done {
		return res, err
	}
	ctx = audit.WithActor(ctx, audit.Actor{Username: "seed"})
	prov := LangSon()
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		// Replicas starting together take turns; the second finds it done.
		if err := db.LockTx(ctx, tx, seedLockKey); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM meta WHERE key = 'demo_seeded'`).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return errAlreadySeeded
		}
		mk := func(in identity.AgencyInput) (int64, error) {
			a, err := ids.CreateAgencyTx(ctx, tx, in)
			if err != nil {
				return 0, fmt.Errorf("seed %s: %w", in.Name, err)
			}
			res.AgencyNum++
			return a.ID, nil
		}
		root, err := mk(identity.AgencyInput{Kind: identity.KindCommittee, Code: "000.00.00." + ProvinceLetterCode,
			Name: "Ủy ban nhân dân tỉnh " + prov.Name, NameEn: "People's Committee of Lang Son Province"})
		if err != nil {
			return err
		}
		res.Agencies[KeyCommittee] = root
		for i, d := range departments {
			id, err := mk(identity.AgencyInput{ParentID: root, Kind: d.kind, Code: fmt.Sprintf("000.00.%02d.%s", i+1, ProvinceLetterCode),
				Name: d.name, NameEn: d.nameEn, ReceivesDossiers: d.receives})
			if err != nil {
				return err
			}
			switch d.name {
			case "Sở Tư pháp":
				res.Agencies[KeyJustice] = id
			case "Trung tâm Phục vụ hành chính công tỉnh":
				res.Agencies[KeyCentre] = id
			case "Công an tỉnh Lạng Sơn":
				res.Agencies[KeyPolice] = id
			case "Bảo hiểm xã hội tỉnh Lạng Sơn":
				res.Agencies[KeySocialSecurity] = id
			}
			for j, u := range d.units {
				uid, err := mk(identity.AgencyInput{ParentID: id, Kind: identity.KindUnit, Code: fmt.Sprintf("000.%02d.%02d.%s", j+1, i+1, ProvinceLetterCode),
					Name: u, ReceivesDossiers: d.kind == identity.KindCentre && j == 0})
				if err != nil {
					return err
				}
				res.Agencies[fmt.Sprintf("%s/%s", d.name, u)] = uid
			}
		}
		for i, c := range prov.Units {
			level2 := 20 + i // communes follow the departments at level 2
			id, err := mk(identity.AgencyInput{ParentID: root, Kind: identity.KindCommune, AdminUnitCode: c.Code,
				Code: fmt.Sprintf("000.00.%02d.%s", level2, ProvinceLetterCode),
				Name: "Ủy ban nhân dân " + lowerFirst(c.FullName), NameEn: "People's Committee of " + c.FullNameEn, ReceivesDossiers: true})
			if err != nil {
				return err
			}
			if i == 0 {
				res.Agencies[KeyCommune] = id
			}
			for j, u := range communeUnits {
				uid, err := mk(identity.AgencyInput{ParentID: id, Kind: identity.KindUnit, Code: fmt.Sprintf("000.%02d.%02d.%s", j+1, level2, ProvinceLetterCode),
					Name: u + " " + lowerFirst(c.FullName), ReceivesDossiers: j == 0})
				if err != nil {
					return err
				}
				if i == 0 && j == 0 {
					res.Agencies[KeyCommune+"/onestop"] = uid
				}
			}
			res.Communes++
		}
		accounts, err := demoAccounts(ctx, tx, ids, res.Agencies, password)
		if err != nil {
			return err
		}
		res.Accounts = accounts
		if cal != nil {
			if err := cal.SeedDeclarations(ctx, tx); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO meta(key, value) VALUES ('demo_seeded', 'lang-son-2026')`); err != nil {
			return err
		}
		return log.Record(ctx, tx, "seed.demo", "province", prov.Code, map[string]any{"agencies": res.AgencyNum, "communes": res.Communes})
	})
	if errors.Is(err, errAlreadySeeded) {
		return Result{Agencies: map[string]int64{}}, nil
	}
	res.Created = err == nil
	return res, err
}

const seedLockKey = 0x65676f7673656564 // "egovseed"

var errAlreadySeeded = errors.New("seed: already seeded")

func demoAccounts(ctx context.Context, tx *sql.Tx, ids *identity.Service, ag map[string]int64, pw string) ([]Account, error) {
	justice, centre, commune := ag[KeyJustice], ag[KeyCentre], ag[KeyCommune]
	police, social := ag[KeyPolice], ag[KeySocialSecurity]
	type acct struct {
		in    identity.UserInput
		role  string
		where string
	}
	g := func(r identity.Role, a int64) identity.Grant { return identity.Grant{Role: r, AgencyID: a} }
	list := []acct{
		{identity.UserInput{Username: "admin", Kind: identity.UserOfficial, FullName: "Quản trị hệ thống",
			Grants: []identity.Grant{{Role: identity.RoleSystemAdmin}}}, "quản trị hệ thống", "toàn tỉnh"},
		{identity.UserInput{Username: "motcua", Kind: identity.UserOfficial, FullName: "Lê Thu Trang",
			Grants: []identity.Grant{g(identity.RoleDesk, centre), g(identity.RoleDesk, justice)}}, "cán bộ một cửa", "Trung tâm PVHCC, Sở Tư pháp"},
		{identity.UserInput{Username: "chuyenvien", Kind: identity.UserOfficial, FullName: "Nguyễn Thị Hoa",
			Grants: []identity.Grant{g(identity.RoleSpecialist, justice), g(identity.RoleSpecialist, centre)}}, "chuyên viên", "Sở Tư pháp, Trung tâm PVHCC"},
		{identity.UserInput{Username: "lanhdao", Kind: identity.UserOfficial, FullName: "Hoàng Văn Đức",
			Grants: []identity.Grant{g(identity.RoleLeader, justice), g(identity.RoleLeader, centre)}}, "lãnh đạo", "Sở Tư pháp, Trung tâm PVHCC"},
		{identity.UserInput{Username: "vanthu", Kind: identity.UserOfficial, FullName: "Vi Thị Lan",
			Grants: []identity.Grant{g(identity.RoleClerical, justice), g(identity.RoleClerical, centre)}}, "văn thư", "Sở Tư pháp, Trung tâm PVHCC"},
		{identity.UserInput{Username: "motcua.xa", Kind: identity.UserOfficial, FullName: "Lương Văn Tuấn",
			Grants: []identity.Grant{g(identity.RoleDesk, commune)}}, "cán bộ một cửa", "UBND phường Đông Kinh"},
		{identity.UserInput{Username: "chuyenvien.xa", Kind: identity.UserOfficial, FullName: "Nông Thị Hương",
			Grants: []identity.Grant{g(identity.RoleSpecialist, commune)}}, "chuyên viên", "UBND phường Đông Kinh"},
		{identity.UserInput{Username: "lanhdao.xa", Kind: identity.UserOfficial, FullName: "Hà Văn Minh",
			Grants: []identity.Grant{g(identity.RoleLeader, commune)}}, "lãnh đạo", "UBND phường Đông Kinh"},
		{identity.UserInput{Username: "congan", Kind: identity.UserOfficial, FullName: "Hoàng Văn Hải",
			Grants: []identity.Grant{g(identity.RoleSpecialist, police)}}, "chuyên viên (liên thông)", "Công an tỉnh"},
		{identity.UserInput{Username: "bhxh", Kind: identity.UserOfficial, FullName: "Lăng Thị Thu",
			Grants: []identity.Grant{g(identity.RoleSpecialist, social)}}, "chuyên viên (liên thông)", "Bảo hiểm xã hội tỉnh"},
		{identity.UserInput{Username: "congdan", Kind: identity.UserCitizen, FullName: "Nguyễn Văn An", PersonalID: "020085001234",
			BirthDate: "1985-03-12", Phone: "0912345678", Email: "congdan@example.vn"}, "công dân", ""},
		{identity.UserInput{Username: "congdan2", Kind: identity.UserCitizen, FullName: "Hoàng Thị Mai", PersonalID: "020195004321",
			BirthDate: "1995-07-20", Phone: "0987654321", Email: "congdan2@example.vn"}, "công dân", ""},
		{identity.UserInput{Username: "doanhnghiep", Kind: identity.UserBusiness, FullName: "Công ty TNHH Thương mại Kỳ Lừa",
			EnterpriseCode: "4901234561", Phone: "02053870000", Email: "doanhnghiep@example.vn"}, "doanh nghiệp", ""},
	}
	var out []Account
	for _, a := range list {
		a.in.Password, a.in.Demo = pw, true
		if _, err := ids.CreateUserTx(ctx, tx, a.in); err != nil {
			return nil, fmt.Errorf("seed user %s: %w", a.in.Username, err)
		}
		out = append(out, Account{Username: a.in.Username, FullName: a.in.FullName, Role: a.role, Where: a.where})
	}
	return out, nil
}

// lowerFirst turns "Xã Đoàn Kết" into "xã Đoàn Kết" after "Ủy ban nhân dân".
func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToLower(r)) + s[n:]
}
