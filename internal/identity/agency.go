package identity

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"

	"egov/internal/apperr"
	"egov/internal/platform/sqldb"
)

// AgencyKind is what an agency node is.
type AgencyKind string

const (
	KindCommittee  AgencyKind = "committee"  // Ủy ban nhân dân (province)
	KindDepartment AgencyKind = "department" // Sở, ban, ngành
	KindCentre     AgencyKind = "centre"     // Trung tâm phục vụ hành chính công
	KindCommune    AgencyKind = "commune"    // UBND xã, phường
	KindUnit       AgencyKind = "unit"       // phòng, bộ phận inside an agency
	KindOther      AgencyKind = "other"
)

// AgencyKinds lists every kind, for forms.
var AgencyKinds = []AgencyKind{KindCommittee, KindDepartment, KindCentre, KindCommune, KindUnit, KindOther}

// Agency is a node of the agency tree.
type Agency struct {
	ID               int64
	ParentID         int64 // 0 for a root
	Kind             AgencyKind
	Code             string // official code (mã định danh), may be empty for internal units
	Name             string
	NameEn           string
	AdminUnitCode    string // commune/ward code for communes
	ReceivesDossiers bool   // has a one-stop desk
	Active           bool
	MergedIntoID     int64
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

// AgencyCode is a code an agency held during a period.
type AgencyCode struct {
	Code      string
	ValidFrom time.Time
	ValidTo   *time.Time
}

var agencyCodeRe = regexp.MustCompile(`^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$`)

// ValidAgencyCode reports whether code has the official four-level shape
// ddd.dd.dd.Xdd (Decision 20/2020/QĐ-TTg; QCVN 102:2016).
func ValidAgencyCode(code string) bool { return agencyCodeRe.MatchString(code) }

var (
	errAgencyCode = apperr.Field("code", "agency.code_format",
		"Mã định danh phải có dạng ddd.dd.dd.Xdd, ví dụ 000.00.00.H37.",
		"The agency code must look like ddd.dd.dd.Xdd, e.g. 000.00.00.H37.")
	errAgencyName = apperr.Field("name", "agency.name_required", "Vui lòng nhập tên cơ quan.", "The agency name is required.")
	errAgencyKind = apperr.Field("kind", "agency.kind_unknown", "Loại cơ quan không hợp lệ.", "Unknown agency kind.")
	ErrCodeTaken  = apperr.New(apperr.Conflict, "agency.code_taken",
		"Mã định danh này đang được cơ quan khác sử dụng.", "Another agency already uses this code.")
	ErrAgencyNotFound = apperr.New(apperr.NotFound, "agency.not_found", "Không tìm thấy cơ quan.", "Agency not found.")
	errParentCycle    = apperr.Field("parent_id", "agency.parent_cycle",
		"Cơ quan cấp trên không hợp lệ (tạo vòng lặp hoặc không tồn tại).", "The parent agency is invalid (a cycle, or it does not exist).")
)

// AgencyInput is what an admin writes.
type AgencyInput struct {
	ParentID         int64
	Kind             AgencyKind
	Code             string
	Name             string
	NameEn           string
	AdminUnitCode    string
	ReceivesDossiers bool
}

func (in *AgencyInput) normalise() *apperr.Error {
	in.Code = strings.ToUpper(strings.TrimSpace(in.Code))
	in.Name = norm.NFC.String(strings.TrimSpace(in.Name))
	in.NameEn = strings.TrimSpace(in.NameEn)
	in.AdminUnitCode = strings.TrimSpace(in.AdminUnitCode)
	var fs []apperr.FieldError
	if in.Code != "" && !ValidAgencyCode(in.Code) {
		fs = append(fs, errAgencyCode)
	}
	if in.Name == "" || len(in.Name) > 300 {
		fs = append(fs, errAgencyName)
	}
	known := false
	for _, k := range AgencyKinds {
		known = known || k == in.Kind
	}
	if !known {
		fs = append(fs, errAgencyKind)
	}
	if len(fs) > 0 {
		return apperr.Validation(fs...)
	}
	return nil
}

const agencyCols = `id, COALESCE(parent_id, 0), kind, COALESCE(code, ''), name, name_en, COALESCE(admin_unit_code, ''),
	receives_dossiers, active, COALESCE(merged_into_id, 0), created_at, updated_at`

func scanAgency(sc interface{ Scan(...any) error }) (Agency, error) {
	var a Agency
	err := sc.Scan(&a.ID, &a.ParentID, &a.Kind, &a.Code, &a.Name, &a.NameEn, &a.AdminUnitCode,
		&a.ReceivesDossiers, &a.Active, &a.MergedIntoID, &a.CreatedAt, &a.UpdatedAt)
	return a, err
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// CreateAgency adds an agency or unit.
func (s *Service) CreateAgency(ctx context.Context, in AgencyInput) (Agency, error) {
	var a Agency
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var err error
		a, err = s.CreateAgencyTx(ctx, tx, in)
		return err
	})
	return a, err
}

// CreateAgencyTx is CreateAgency inside the caller's transaction (seeding).
func (s *Service) CreateAgencyTx(ctx context.Context, tx *sql.Tx, in AgencyInput) (Agency, error) {
	if err := in.normalise(); err != nil {
		return Agency{}, err
	}
	now := s.nowUTC()
	if in.ParentID != 0 {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM agencies WHERE id = $1`, in.ParentID).Scan(&n); err != nil {
			return Agency{}, err
		}
		if n == 0 {
			return Agency{}, apperr.Validation(errParentCycle)
		}
	}
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO agencies(parent_id, kind, code, name, name_en, admin_unit_code,
		receives_dossiers, active, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, TRUE, $8, $8) RETURNING id`,
		nullID(in.ParentID), in.Kind, nullStr(in.Code), in.Name, in.NameEn, nullStr(in.AdminUnitCode),
		in.ReceivesDossiers, now).Scan(&id)
	if sqldb.IsUniqueViolation(err) {
		return Agency{}, ErrCodeTaken
	}
	if err != nil {
		return Agency{}, fmt.Errorf("identity: create agency: %w", err)
	}
	if in.Code != "" {
		if _, err := tx.ExecContext(ctx, `INSERT INTO agency_codes(agency_id, code, valid_from) VALUES ($1, $2, $3)`,
			id, in.Code, now); err != nil {
			return Agency{}, err
		}
	}
	if err := s.audit.Record(ctx, tx, "agency.create", "agency", fmt.Sprint(id), map[string]any{
		"code": in.Code, "name": in.Name, "kind": in.Kind, "parent_id": in.ParentID}); err != nil {
		return Agency{}, err
	}
	return getAgency(ctx, tx, id)
}

// UpdateAgency renames, re-codes or moves an agency. A new code closes
// the old one in the code history; documents keep the code they carry.
func (s *Service) UpdateAgency(ctx context.Context, id int64, in AgencyInput) (Agency, error) {
	if err := in.normalise(); err != nil {
		return Agency{}, err
	}
	var a Agency
	err := s.tx(ctx, func(tx *sql.Tx) error {
		old, err := getAgency(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := s.updateAgencyTx(ctx, tx, id, old, in); err != nil {
			return err
		}
		a, err = getAgency(ctx, tx, id)
		return err
	})
	return a, err
}

// updateAgencyTx writes in over old inside tx, with code history and audit.
func (s *Service) updateAgencyTx(ctx context.Context, tx *sql.Tx, id int64, old Agency, in AgencyInput) error {
	if in.ParentID != old.ParentID && in.ParentID != 0 {
		anc, err := ancestors(ctx, tx, in.ParentID)
		if err != nil {
			return err
		}
		if len(anc) == 0 {
			return apperr.Validation(errParentCycle)
		}
		for _, x := range anc {
			if x == id {
				return apperr.Validation(errParentCycle)
			}
		}
	}
	now := s.nowUTC()
	_, err := tx.ExecContext(ctx, `UPDATE agencies SET parent_id = $2, kind = $3, code = $4, name = $5, name_en = $6,
		admin_unit_code = $7, receives_dossiers = $8, updated_at = $9 WHERE id = $1`,
		id, nullID(in.ParentID), in.Kind, nullStr(in.Code), in.Name, in.NameEn, nullStr(in.AdminUnitCode),
		in.ReceivesDossiers, now)
	if sqldb.IsUniqueViolation(err) {
		return ErrCodeTaken
	}
	if err != nil {
		return err
	}
	if in.Code != old.Code {
		if _, err := tx.ExecContext(ctx, `UPDATE agency_codes SET valid_to = $2 WHERE agency_id = $1 AND valid_to IS NULL`, id, now); err != nil {
			return err
		}
		if in.Code != "" {
			if _, err := tx.ExecContext(ctx, `INSERT INTO agency_codes(agency_id, code, valid_from) VALUES ($1, $2, $3)`, id, in.Code, now); err != nil {
				return err
			}
		}
	}
	return s.audit.Record(ctx, tx, "agency.update", "agency", fmt.Sprint(id), map[string]any{
		"before": map[string]any{"code": old.Code, "name": old.Name, "parent_id": old.ParentID, "kind": old.Kind},
		"after":  map[string]any{"code": in.Code, "name": in.Name, "parent_id": in.ParentID, "kind": in.Kind}})
}

// MergeAgency closes agency from into agency into: from becomes inactive,
// its code is released (kept in its history) and its children move to
// into. Users keep their history; their roles at from move to into.
func (s *Service) MergeAgency(ctx context.Context, from, into int64) error {
	if from == into {
		return apperr.Validation(errParentCycle)
	}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		src, err := getAgency(ctx, tx, from)
		if err != nil {
			return err
		}
		if _, err := getAgency(ctx, tx, into); err != nil {
			return err
		}
		now := s.nowUTC()
		for _, st := range []struct {
			q    string
			args []any
		}{
			{`UPDATE agency_codes SET valid_to = $2 WHERE agency_id = $1 AND valid_to IS NULL`, []any{from, now}},
			{`UPDATE agencies SET active = FALSE, code = NULL, merged_into_id = $3, updated_at = $2 WHERE id = $1`, []any{from, now, into}},
			{`UPDATE agencies SET parent_id = $3, updated_at = $2 WHERE parent_id = $1`, []any{from, now, into}},
			{`UPDATE user_roles SET agency_id = $2 WHERE agency_id = $1 AND NOT EXISTS (SELECT 1 FROM user_roles r2
				WHERE r2.user_id = user_roles.user_id AND r2.role = user_roles.role AND r2.agency_id = $2)`, []any{from, into}},
		} {
			if _, err := tx.ExecContext(ctx, st.q, st.args...); err != nil {
				return err
			}
		}
		return s.audit.Record(ctx, tx, "agency.merge", "agency", fmt.Sprint(from), map[string]any{
			"into": into, "code": src.Code, "name": src.Name})
	})
	if err == nil && s.merged != nil {
		s.merged(ctx, from, into)
	}
	return err
}

// Agency returns one agency.
func (s *Service) Agency(ctx context.Context, id int64) (Agency, error) {
	return getAgency(ctx, s.db.R, id)
}

// AgencyByCode finds the agency that holds code now, or held it.
func (s *Service) AgencyByCode(ctx context.Context, code string) (Agency, error) {
	a, err := scanAgency(s.db.R.QueryRowContext(ctx, `SELECT `+agencyCols+` FROM agencies WHERE code = $1`, code))
	if errors.Is(err, sql.ErrNoRows) {
		var id int64
		err = s.db.R.QueryRowContext(ctx, `SELECT agency_id FROM agency_codes WHERE code = $1 ORDER BY valid_from DESC LIMIT 1`, code).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return Agency{}, ErrAgencyNotFound
		}
		if err != nil {
			return Agency{}, err
		}
		return s.Agency(ctx, id)
	}
	return a, err
}

// AgencyCodes returns the code history of an agency, oldest first.
func (s *Service) AgencyCodes(ctx context.Context, id int64) ([]AgencyCode, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT code, valid_from, valid_to FROM agency_codes WHERE agency_id = $1 ORDER BY valid_from`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []AgencyCode
	for rows.Next() {
		var c AgencyCode
		var to sql.NullTime
		if err := rows.Scan(&c.Code, &c.ValidFrom, &to); err != nil {
			return nil, err
		}
		if to.Valid {
			c.ValidTo = &to.Time
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Agencies lists every agency, parents before children, siblings by name.
func (s *Service) Agencies(ctx context.Context) ([]Agency, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT `+agencyCols+` FROM agencies ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var all []Agency
	for rows.Next() {
		a, err := scanAgency(rows)
		if err != nil {
			return nil, err
		}
		all = append(all, a)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return TreeOrder(all), nil
}

// TreeOrder sorts agencies depth-first: each parent followed by its
// children, siblings by name.
func TreeOrder(all []Agency) []Agency {
	kids := map[int64][]Agency{}
	ids := map[int64]bool{}
	for _, a := range all {
		ids[a.ID] = true
	}
	for _, a := range all {
		p := a.ParentID
		if !ids[p] {
			p = 0
		}
		kids[p] = append(kids[p], a)
	}
	out := make([]Agency, 0, len(all))
	var walk func(p int64)
	walk = func(p int64) {
		list := kids[p]
		sortAgencies(list)
		for _, a := range list {
			out = append(out, a)
			walk(a.ID)
		}
	}
	walk(0)
	return out
}

// Depth returns each agency's depth in the tree (roots are 0).
func Depth(all []Agency) map[int64]int {
	parent := map[int64]int64{}
	for _, a := range all {
		parent[a.ID] = a.ParentID
	}
	d := map[int64]int{}
	for _, a := range all {
		n, p := 0, a.ParentID
		for p != 0 && n < 64 {
			n++
			p = parent[p]
		}
		d[a.ID] = n
	}
	return d
}

func getAgency(ctx context.Context, q sqldb.Queryer, id int64) (Agency, error) {
	a, err := scanAgency(q.QueryRowContext(ctx, `SELECT `+agencyCols+` FROM agencies WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Agency{}, ErrAgencyNotFound
	}
	return a, err
}

// ancestors returns id and every agency above it, nearest first.
func ancestors(ctx context.Context, q sqldb.Queryer, id int64) ([]int64, error) {
	rows, err := q.QueryContext(ctx, `WITH RECURSIVE up(id, parent_id, depth) AS (
		SELECT id, parent_id, 0 FROM agencies WHERE id = $1
		UNION ALL
		SELECT a.id, a.parent_id, up.depth + 1 FROM agencies a JOIN up ON a.id = up.parent_id WHERE up.depth < 64
	) SELECT id FROM up ORDER BY depth`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var x int64
		if err := rows.Scan(&x); err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}
