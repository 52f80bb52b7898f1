package identity

import (
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"egov/internal/apperr"
)

// AgencyCSVHeader is the header of the agency import and export files:
// match is the agency to change (its current code, or #id; empty adds a new
// agency); the other columns are the values to set (empty keeps the
// current value); parent is a code or #id. References (match, parent)
// name agencies by their codes as they are before the file is applied.
var AgencyCSVHeader = []string{"match", "code", "name", "name_en", "kind", "parent", "admin_unit_code", "receives_dossiers"}

// ImportRowError is one rejected row of an import.
type ImportRowError struct {
	Line   int
	Reason string
}

// ImportResult reports an import.
type ImportResult struct {
	Created, Updated, Unchanged int
	Errors                      []ImportRowError
}

// ErrImportRejected means at least one row was wrong: nothing was changed.
var ErrImportRejected = apperr.New(apperr.Invalid, "agency.import_rejected",
	"Tệp nhập có dòng không hợp lệ; chưa có thay đổi nào được lưu.", "The file has invalid rows; nothing was changed.")

// ImportAgencies applies a CSV file of agencies in one transaction: every
// row is checked, and if any is wrong nothing changes and every wrong row
// is reported. Importing the same file twice changes nothing the second
// time. Codes may be swapped between agencies within one file.
func (s *Service) ImportAgencies(ctx context.Context, r io.Reader) (ImportResult, error) {
	var res ImportResult
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	head, err := cr.Read()
	if err != nil {
		return res, apperr.Validation(apperr.Field("file", "agency.import_header", "Tệp CSV trống hoặc không đọc được.", "The CSV file is empty or unreadable."))
	}
	if len(head) > 0 {
		head[0] = strings.TrimPrefix(head[0], "\ufeff") // spreadsheet BOM
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.ToLower(strings.TrimSpace(h))] = i
	}
	if _, ok := col["match"]; !ok {
		return res, apperr.Validation(apperr.Field("file", "agency.import_header",
			"Dòng đầu của tệp phải là: "+strings.Join(AgencyCSVHeader, ","), "The first line must be: "+strings.Join(AgencyCSVHeader, ",")))
	}
	type row struct {
		line int
		rec  []string
	}
	var rows []row
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				res.Errors = append(res.Errors, ImportRowError{Line: pe.StartLine, Reason: pe.Err.Error()})
				if errors.Is(pe.Err, csv.ErrQuote) || errors.Is(pe.Err, csv.ErrBareQuote) {
					continue
				}
			}
			return res, ErrImportRejected
		}
		line, _ := cr.FieldPos(0)
		rows = append(rows, row{line, rec})
		if len(rows) > 20000 {
			return res, apperr.Validation(apperr.Field("file", "agency.import_too_many", "Tệp có quá 20.000 dòng.", "The file has more than 20,000 rows."))
		}
	}
	get := func(rec []string, name string) string {
		if i, ok := col[name]; ok && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		resolve := func(ref string) (int64, error) {
			if id, ok := strings.CutPrefix(ref, "#"); ok {
				n, err := strconv.ParseInt(id, 10, 64)
				if err != nil {
					return 0, fmt.Errorf("%q is not an agency id", ref)
				}
				if _, err := getAgency(ctx, tx, n); err != nil {
					return 0, fmt.Errorf("no agency #%d", n)
				}
				return n, nil
			}
			var id int64
			err := tx.QueryRowContext(ctx, `SELECT id FROM agencies WHERE code = $1`, ref).Scan(&id)
			if errors.Is(err, sql.ErrNoRows) {
				return 0, fmt.Errorf("no agency has the code %s", ref)
			}
			return id, err
		}
		type plan struct {
			line int
			id   int64
			in   AgencyInput
			old  Agency
		}
		var plans []plan
		for _, r := range rows {
			p := plan{line: r.line}
			fail := func(format string, a ...any) {
				res.Errors = append(res.Errors, ImportRowError{r.line, fmt.Sprintf(format, a...)})
			}
			if m := get(r.rec, "match"); m != "" {
				id, err := resolve(m)
				if err != nil {
					fail("match: %v", err)
					continue
				}
				old, err := getAgency(ctx, tx, id)
				if err != nil {
					return err
				}
				p.id, p.old = id, old
				p.in = AgencyInput{ParentID: old.ParentID, Kind: old.Kind, Code: old.Code, Name: old.Name, NameEn: old.NameEn,
					AdminUnitCode: old.AdminUnitCode, ReceivesDossiers: old.ReceivesDossiers}
			} else {
				p.in.Kind = KindUnit
			}
			if v := get(r.rec, "code"); v != "" {
				p.in.Code = v
			}
			if v := get(r.rec, "name"); v != "" {
				p.in.Name = v
			}
			if v := get(r.rec, "name_en"); v != "" {
				p.in.NameEn = v
			}
			if v := get(r.rec, "kind"); v != "" {
				p.in.Kind = AgencyKind(v)
			}
			if v := get(r.rec, "admin_unit_code"); v != "" {
				p.in.AdminUnitCode = v
			}
			switch v := strings.ToLower(get(r.rec, "receives_dossiers")); v {
			case "":
			case "1", "true", "yes", "có", "x":
				p.in.ReceivesDossiers = true
			case "0", "false", "no", "không":
				p.in.ReceivesDossiers = false
			default:
				fail("receives_dossiers: %q is not yes or no", v)
				continue
			}
			if v := get(r.rec, "parent"); v != "" {
				pid, err := resolve(v)
				if err != nil {
					fail("parent: %v", err)
					continue
				}
				p.in.ParentID = pid
			}
			if e := p.in.normalise(); e != nil {
				var parts []string
				for _, f := range e.Fields {
					parts = append(parts, f.EN)
				}
				fail("%s", strings.Join(parts, " "))
				continue
			}
			plans = append(plans, p)
		}
		if len(res.Errors) > 0 {
			return ErrImportRejected
		}
		// Release the codes that change first, so codes can be swapped.
		for _, p := range plans {
			if p.id != 0 && p.in.Code != p.old.Code {
				if _, err := tx.ExecContext(ctx, `UPDATE agencies SET code = NULL WHERE id = $1`, p.id); err != nil {
					return err
				}
			}
		}
		for _, p := range plans {
			switch {
			case p.id == 0:
				if _, err := s.CreateAgencyTx(ctx, tx, p.in); err != nil {
					res.Errors = append(res.Errors, ImportRowError{p.line, apperr.As(err).EN})
					continue
				}
				res.Created++
			case p.in == (AgencyInput{ParentID: p.old.ParentID, Kind: p.old.Kind, Code: p.old.Code, Name: p.old.Name, NameEn: p.old.NameEn,
				AdminUnitCode: p.old.AdminUnitCode, ReceivesDossiers: p.old.ReceivesDossiers}):
				res.Unchanged++
			default:
				if err := s.updateAgencyTx(ctx, tx, p.id, p.old, p.in); err != nil {
					res.Errors = append(res.Errors, ImportRowError{p.line, apperr.As(err).EN})
					continue
				}
				res.Updated++
			}
		}
		if len(res.Errors) > 0 {
			return ErrImportRejected
		}
		return s.audit.Record(ctx, tx, "agency.import", "agency", "import", map[string]int{
			"created": res.Created, "updated": res.Updated, "unchanged": res.Unchanged})
	})
	if err != nil {
		res.Created, res.Updated, res.Unchanged = 0, 0, 0
	}
	return res, err
}

// ExportAgencies writes every agency as CSV in the import format.
func (s *Service) ExportAgencies(ctx context.Context, w io.Writer) error {
	all, err := s.Agencies(ctx)
	if err != nil {
		return err
	}
	byID := map[int64]Agency{}
	for _, a := range all {
		byID[a.ID] = a
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(AgencyCSVHeader); err != nil {
		return err
	}
	ref := func(a Agency) string {
		if a.Code != "" {
			return a.Code
		}
		return "#" + strconv.FormatInt(a.ID, 10)
	}
	for _, a := range all {
		if !a.Active {
			continue
		}
		parent := ""
		if p, ok := byID[a.ParentID]; ok {
			parent = ref(p)
		}
		recv := "no"
		if a.ReceivesDossiers {
			recv = "yes"
		}
		if err := cw.Write([]string{ref(a), a.Code, a.Name, a.NameEn, string(a.Kind), parent, a.AdminUnitCode, recv}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
