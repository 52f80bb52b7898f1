package identity

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"egov/internal/apperr"
	"egov/internal/audit"
	"egov/internal/platform/sqldb"
)

// UserKind separates the public from officials.
type UserKind string

const (
	UserCitizen  UserKind = "citizen"
	UserBusiness UserKind = "business"
	UserOfficial UserKind = "official"
)

// Role is what a user may do, within an agency for official roles.
type Role string

const (
	RoleCitizen     Role = "citizen"
	RoleBusiness    Role = "business"
	RoleDesk        Role = "desk_officer"     // cán bộ một cửa
	RoleSpecialist  Role = "specialist"       // chuyên viên
	RoleLeader      Role = "leader"           // lãnh đạo
	RoleClerical    Role = "clerical_officer" // văn thư
	RoleAgencyAdmin Role = "agency_admin"
	RoleSystemAdmin Role = "system_admin"
)

// OfficialRoles are roles held within an agency.
var OfficialRoles = []Role{RoleDesk, RoleSpecialist, RoleLeader, RoleClerical, RoleAgencyAdmin}

// AllRoles lists every role.
var AllRoles = []Role{RoleCitizen, RoleBusiness, RoleDesk, RoleSpecialist, RoleLeader, RoleClerical, RoleAgencyAdmin, RoleSystemAdmin}

// Scoped reports whether the role is held within an agency.
func (r Role) Scoped() bool {
	switch r {
	case RoleDesk, RoleSpecialist, RoleLeader, RoleClerical, RoleAgencyAdmin:
		return true
	}
	return false
}

// Grant is a role held, within an agency when scoped.
type Grant struct {
	Role     Role
	AgencyID int64
}

// User is an account.
type User struct {
	ID             int64
	Username       string
	Kind           UserKind
	FullName       string
	Email          string
	Phone          string
	PersonalID     string // 12-digit personal ID number (citizens)
	EnterpriseCode string // businesses
	BirthDate      string // YYYY-MM-DD
	HasPassword    bool
	TOTPEnabled    bool
	Demo           bool
	Disabled       bool
	CreatedAt      time.Time
	Grants         []Grant
}

// IsOfficial reports whether the user works for an agency.
func (u User) IsOfficial() bool { return u.Kind == UserOfficial }

// UserInput creates or updates a user.
type UserInput struct {
	Username       string
	Kind           UserKind
	FullName       string
	Email          string
	Phone          string
	PersonalID     string
	EnterpriseCode string
	BirthDate      string
	Password       string // create only; empty for OpenID-only citizens
	Grants         []Grant
	Demo           bool
}

var (
	usernameRe   = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,62}[a-z0-9]$`)
	personalIDRe = regexp.MustCompile(`^\d{12}$`)
	emailRe      = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
	phoneRe      = regexp.MustCompile(`^\+?\d{9,15}$`)

	ErrUsernameTaken = apperr.New(apperr.Conflict, "user.username_taken",
		"Tên đăng nhập này đã có người dùng.", "This username is already taken.")
	ErrPersonalIDTaken = apperr.New(apperr.Conflict, "user.personal_id_taken",
		"Số định danh cá nhân này đã gắn với một tài khoản khác.", "This personal ID number belongs to another account.")
	ErrUserNotFound = apperr.New(apperr.NotFound, "user.not_found", "Không tìm thấy người dùng.", "User not found.")
)

// PasswordProblem returns why a new password is not acceptable, or nil.
func PasswordProblem(username, pw string) *apperr.FieldError {
	switch {
	case utf8.RuneCountInString(pw) < 10:
		f := apperr.Field("password", "password.too_short", "Mật khẩu phải có ít nhất 10 ký tự.", "The password must have at least 10 characters.")
		return &f
	case len(pw) > 256:
		f := apperr.Field("password", "password.too_long", "Mật khẩu quá dài (tối đa 256 ký tự).", "The password is too long (256 characters at most).")
		return &f
	case strings.EqualFold(pw, username):
		f := apperr.Field("password", "password.is_username", "Mật khẩu không được trùng tên đăng nhập.", "The password must differ from the username.")
		return &f
	}
	return nil
}

func (in *UserInput) normalise() *apperr.Error {
	in.Username = strings.ToLower(strings.TrimSpace(in.Username))
	in.FullName = norm.NFC.String(strings.TrimSpace(in.FullName))
	in.Email = strings.TrimSpace(in.Email)
	in.Phone = strings.ReplaceAll(strings.TrimSpace(in.Phone), " ", "")
	in.PersonalID = strings.TrimSpace(in.PersonalID)
	in.EnterpriseCode = strings.TrimSpace(in.EnterpriseCode)
	var fs []apperr.FieldError
	if !usernameRe.MatchString(in.Username) {
		fs = append(fs, apperr.Field("username", "user.username_format",
			"Tên đăng nhập gồm 3-64 ký tự: chữ thường không dấu, số, dấu chấm, gạch ngang hoặc gạch dưới.",
			"A username has 3-64 characters: lowercase letters, digits, dot, hyphen or underscore."))
	}
	if in.FullName == "" || utf8.RuneCountInString(in.FullName) > 200 {
		fs = append(fs, apperr.Field("full_name", "user.full_name_required", "Vui lòng nhập họ và tên.", "The full name is required."))
	}
	switch in.Kind {
	case UserCitizen, UserBusiness, UserOfficial:
	default:
		fs = append(fs, apperr.Field("kind", "user.kind_unknown", "Loại tài khoản không hợp lệ.", "Unknown account kind."))
	}
	if in.Email != "" && !emailRe.MatchString(in.Email) {
		fs = append(fs, apperr.Field("email", "user.email_format", "Địa chỉ thư điện tử không hợp lệ.", "The e-mail address is not valid."))
	}
	if in.Phone != "" && !phoneRe.MatchString(in.Phone) {
		fs = append(fs, apperr.Field("phone", "user.phone_format", "Số điện thoại không hợp lệ.", "The phone number is not valid."))
	}
	if in.PersonalID != "" && !personalIDRe.MatchString(in.PersonalID) {
		fs = append(fs, apperr.Field("personal_id", "user.personal_id_format",
			"Số định danh cá nhân gồm đúng 12 chữ số.", "The personal ID number has exactly 12 digits."))
	}
	if in.BirthDate != "" {
		if _, err := time.Parse(time.DateOnly, in.BirthDate); err != nil {
			fs = append(fs, apperr.Field("birth_date", "user.birth_date_format", "Ngày sinh không hợp lệ (YYYY-MM-DD).", "The birth date is not valid (YYYY-MM-DD)."))
		}
	}
	if in.Password != "" {
		if p := PasswordProblem(in.Username, in.Password); p != nil {
			fs = append(fs, *p)
		}
	} else if in.Kind != UserCitizen {
		fs = append(fs, apperr.Field("password", "password.required", "Vui lòng đặt mật khẩu.", "A password is required."))
	}
	if f := grantsProblem(in.Kind, in.Grants); f != nil {
		fs = append(fs, *f)
	}
	if len(fs) > 0 {
		return apperr.Validation(fs...)
	}
	return nil
}

func grantsProblem(kind UserKind, gs []Grant) *apperr.FieldError {
	for _, g := range gs {
		known := false
		for _, r := range AllRoles {
			known = known || r == g.Role
		}
		if !known || g.Role.Scoped() != (g.AgencyID != 0) {
			f := apperr.Field("grants", "user.grant_scope",
				"Vai trò cán bộ phải gắn với một cơ quan; vai trò khác thì không.", "Official roles need an agency; other roles must not have one.")
			return &f
		}
		if (g.Role.Scoped() || g.Role == RoleSystemAdmin) && kind != UserOfficial {
			f := apperr.Field("grants", "user.grant_kind",
				"Chỉ tài khoản cán bộ mới được giao vai trò này.", "Only official accounts can hold this role.")
			return &f
		}
	}
	return nil
}

// CreateUser creates an account with its roles.
func (s *Service) CreateUser(ctx context.Context, in UserInput) (User, error) {
	var u User
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var err error
		u, err = s.CreateUserTx(ctx, tx, in)
		return err
	})
	return u, err
}

// CreateUserTx is CreateUser inside the caller's transaction.
func (s *Service) CreateUserTx(ctx context.Context, tx *sql.Tx, in UserInput) (User, error) {
	if err := in.normalise(); err != nil {
		return User{}, err
	}
	if len(in.Grants) == 0 {
		switch in.Kind {
		case UserCitizen:
			in.Grants = []Grant{{Role: RoleCitizen}}
		case UserBusiness:
			in.Grants = []Grant{{Role: RoleBusiness}}
		}
	}
	hash := ""
	if in.Password != "" {
		hash = HashPassword(in.Password)
	}
	now := s.nowUTC()
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO users(username, kind, full_name, email, phone, personal_id, enterprise_code,
		birth_date, password_hash, demo, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id`,
		in.Username, in.Kind, in.FullName, in.Email, in.Phone, nullStr(in.PersonalID), nullStr(in.EnterpriseCode),
		in.BirthDate, hash, in.Demo, now).Scan(&id)
	if sqldb.IsUniqueViolation(err) {
		if err2 := tx.QueryRowContext(ctx, `SELECT id FROM users WHERE username = $1`, in.Username).Scan(new(int64)); err2 == nil || in.PersonalID == "" {
			return User{}, ErrUsernameTaken
		}
		return User{}, ErrPersonalIDTaken
	}
	if err != nil {
		return User{}, fmt.Errorf("identity: create user: %w", err)
	}
	if err := setGrants(ctx, tx, id, in.Grants); err != nil {
		return User{}, err
	}
	if err := s.audit.Record(ctx, tx, "user.create", "user", fmt.Sprint(id), map[string]any{
		"username": in.Username, "kind": in.Kind, "grants": in.Grants}); err != nil {
		return User{}, err
	}
	return getUser(ctx, tx, `id = $1`, id)
}

func setGrants(ctx context.Context, tx *sql.Tx, userID int64, grants []Grant) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM user_roles WHERE user_id = $1`, userID); err != nil {
		return err
	}
	for _, g := range grants {
		_, err := tx.ExecContext(ctx, `INSERT INTO user_roles(user_id, role, agency_id) VALUES ($1, $2, $3)`, userID, g.Role, nullID(g.AgencyID))
		if sqldb.IsUniqueViolation(err) {
			continue
		}
		if err != nil {
			if strings.Contains(err.Error(), "FOREIGN KEY") || strings.Contains(err.Error(), "foreign key") {
				return ErrAgencyNotFound
			}
			return err
		}
	}
	return nil
}

// SetGrants replaces a user's roles.
func (s *Service) SetGrants(ctx context.Context, userID int64, grants []Grant) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		u, err := getUser(ctx, tx, `id = $1`, userID)
		if err != nil {
			return err
		}
		if f := grantsProblem(u.Kind, grants); f != nil {
			return apperr.Validation(*f)
		}
		if err := setGrants(ctx, tx, userID, grants); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, "user.grants", "user", fmt.Sprint(userID), map[string]any{"before": u.Grants, "after": grants})
	})
}

// SetPassword replaces a user's password and ends their sessions.
func (s *Service) SetPassword(ctx context.Context, userID int64, pw string) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		u, err := getUser(ctx, tx, `id = $1`, userID)
		if err != nil {
			return err
		}
		if p := PasswordProblem(u.Username, pw); p != nil {
			return apperr.Validation(*p)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1`, userID, HashPassword(pw), s.nowUTC()); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM login_throttle WHERE key = $1`, "u:"+u.Username); err != nil {
			return err
		}
		action := "user.password_reset"
		if audit.ActorFrom(ctx).UserID == userID {
			action = "user.password_changed"
		}
		return s.audit.Record(ctx, tx, action, "user", fmt.Sprint(userID), nil)
	})
}

// SetDisabled disables or re-enables an account; disabling ends its sessions.
func (s *Service) SetDisabled(ctx context.Context, userID int64, disabled bool) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		var at any
		if disabled {
			at = s.nowUTC()
		}
		res, err := tx.ExecContext(ctx, `UPDATE users SET disabled_at = $2, updated_at = $3 WHERE id = $1`, userID, at, s.nowUTC())
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrUserNotFound
		}
		if disabled {
			if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID); err != nil {
				return err
			}
		}
		return s.audit.Record(ctx, tx, "user.disabled", "user", fmt.Sprint(userID), map[string]any{"disabled": disabled})
	})
}

// User returns one user with roles.
func (s *Service) User(ctx context.Context, id int64) (User, error) {
	return getUser(ctx, s.db.R, `id = $1`, id)
}

// UserByUsername returns one user with roles.
func (s *Service) UserByUsername(ctx context.Context, username string) (User, error) {
	return getUser(ctx, s.db.R, `username = $1`, strings.ToLower(strings.TrimSpace(username)))
}

// CitizenByPersonalID returns the citizen account with that personal ID
// number (ErrUserNotFound when none).
func (s *Service) CitizenByPersonalID(ctx context.Context, pid string) (User, error) {
	return getUser(ctx, s.db.R, `personal_id = $1 AND kind = 'citizen'`, strings.TrimSpace(pid))
}

// UserFilter narrows Users.
type UserFilter struct {
	AgencyIDs []int64 // only users with a role in one of these (nil: all)
	Query     string
	Limit     int
}

// Users lists users, newest first.
func (s *Service) Users(ctx context.Context, f UserFilter) ([]User, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 200
	}
	q := `SELECT ` + userCols + ` FROM users u WHERE 1=1`
	args := []any{}
	if f.Query != "" {
		args = append(args, "%"+strings.ToLower(f.Query)+"%")
		q += fmt.Sprintf(` AND (lower(u.username) LIKE $%d OR lower(u.full_name) LIKE $%d)`, len(args), len(args))
	}
	if f.AgencyIDs != nil {
		if len(f.AgencyIDs) == 0 {
			return nil, nil
		}
		ph := make([]string, len(f.AgencyIDs))
		for i, id := range f.AgencyIDs {
			args = append(args, id)
			ph[i] = fmt.Sprintf("$%d", len(args))
		}
		q += ` AND EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.agency_id IN (` + strings.Join(ph, ",") + `))`
	}
	args = append(args, f.Limit)
	q += fmt.Sprintf(` ORDER BY u.id LIMIT $%d`, len(args))
	rows, err := s.db.R.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	var out []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, u)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].Grants, err = grants(ctx, s.db.R, out[i].ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

const userCols = `u.id, u.username, u.kind, u.full_name, u.email, u.phone, COALESCE(u.personal_id, ''),
	COALESCE(u.enterprise_code, ''), u.birth_date, u.password_hash <> '', u.totp_enabled_at IS NOT NULL, u.demo,
	u.disabled_at IS NOT NULL, u.created_at`

func scanUser(sc interface{ Scan(...any) error }) (User, error) {
	var u User
	err := sc.Scan(&u.ID, &u.Username, &u.Kind, &u.FullName, &u.Email, &u.Phone, &u.PersonalID, &u.EnterpriseCode,
		&u.BirthDate, &u.HasPassword, &u.TOTPEnabled, &u.Demo, &u.Disabled, &u.CreatedAt)
	return u, err
}

func getUser(ctx context.Context, q sqldb.Queryer, where string, arg any) (User, error) {
	u, err := scanUser(q.QueryRowContext(ctx, `SELECT `+userCols+` FROM users u WHERE `+where, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, ErrUserNotFound
	}
	if err != nil {
		return User{}, err
	}
	u.Grants, err = grants(ctx, q, u.ID)
	return u, err
}

func grants(ctx context.Context, q sqldb.Queryer, userID int64) ([]Grant, error) {
	rows, err := q.QueryContext(ctx, `SELECT role, COALESCE(agency_id, 0) FROM user_roles WHERE user_id = $1 ORDER BY id`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Grant
	for rows.Next() {
		var g Grant
		if err := rows.Scan(&g.Role, &g.AgencyID); err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// ErrPasswordMismatch means the new password and its confirmation differ.
var ErrPasswordMismatch = apperr.New(apperr.Invalid, "password.mismatch",
	"Mật khẩu nhập lại không khớp.", "The two new passwords differ.")

// ChangePassword lets a user replace their own password, proving the
// current one (counted by the lockout like a sign-in). Every session of
// the user ends: they sign in again with the new password.
func (s *Service) ChangePassword(ctx context.Context, p *Principal, current, next, confirm string, c Client) error {
	if p == nil || !p.User.HasPassword {
		return ErrPasswordLoginNotAllowed
	}
	if _, err := s.checkPassword(ctx, p.User.Username, current, c); err != nil {
		if apperr.IsCode(err, apperr.Unauthenticated) {
			return apperr.Validation(apperr.Field("current_password", "password.current_wrong",
				"Mật khẩu hiện tại không đúng.", "The current password is wrong."))
		}
		return err
	}
	if next != confirm {
		return apperr.Validation(apperr.Field("confirm_password", ErrPasswordMismatch.Key, ErrPasswordMismatch.VI, ErrPasswordMismatch.EN))
	}
	if f := PasswordProblem(p.User.Username, next); f != nil {
		f.Field = "new_password"
		return apperr.Validation(*f)
	}
	return s.SetPassword(ctx, p.User.ID, next)
}
