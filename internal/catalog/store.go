package catalog

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"egov/internal/apperr"
	"egov/internal/audit"
	"egov/internal/eform"
	"egov/internal/platform/sqldb"
)

// Item kinds in the store.
const (
	kindProcedure = "procedure"
	kindWorkflow  = "workflow"
	kindForm      = "form"
)

// Service stores the catalogue. Every change makes a new version when the
// content differs (by hash), so saving the same thing twice changes
// nothing; every change is audited.
type Service struct {
	db    *sqldb.DB
	audit *audit.Log
	now   func() time.Time
	idx   index
	// Changed, if set, is called after a change is committed (the app
	// publishes it so other replicas rebuild their search index at once).
	Changed func()
}

// NewService returns the catalogue service.
func NewService(db *sqldb.DB, log *audit.Log, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{db: db, audit: log, now: now}
}

var (
	ErrFormNotFound      = apperr.New(apperr.NotFound, "form.not_found", "Không tìm thấy biểu mẫu.", "Form not found.")
	ErrProcedureNotFound = apperr.New(apperr.NotFound, "procedure.not_found", "Không tìm thấy thủ tục.", "Procedure not found.")
	ErrWorkflowNotFound  = apperr.New(apperr.NotFound, "workflow.not_found", "Không tìm thấy quy trình.", "Workflow not found.")
)

func hashOf(body []byte) string {
	h := sha256.Sum256(body)
	return hex.EncodeToString(h[:])
}

// put stores body as the next version of (kind, key) unless unchanged.
func (s *Service) put(ctx context.Context, tx *sql.Tx, kind, key string, v any) (int, bool, error) {
	body, err := json.Marshal(v)
	if err != nil {
		return 0, false, err
	}
	hash := hashOf(body)
	now := sqldb.UTC(s.now())
	// Create, or find the existing item (a concurrent creator may have
	// just committed it: the insert then waits and does nothing).
	res, err := tx.ExecContext(ctx, `INSERT INTO catalog_items(kind, key, version, body, hash, updated_at) VALUES ($1, $2, 1, $3, $4, $5)
		ON CONFLICT (kind, key) DO NOTHING`, kind, key, string(body), hash, now)
	if err != nil {
		return 0, false, err
	}
	next := 1
	if n, _ := res.RowsAffected(); n == 0 {
		var cur int
		var curHash string
		if err := tx.QueryRowContext(ctx, `SELECT version, hash FROM catalog_items WHERE kind = $1 AND key = $2`+s.db.ForUpdate(), kind, key).
			Scan(&cur, &curHash); err != nil {
			return 0, false, err
		}
		if curHash == hash {
			return cur, false, nil
		}
		next = cur + 1
		if _, err := tx.ExecContext(ctx, `UPDATE catalog_items SET version = $3, body = $4, hash = $5, updated_at = $6 WHERE kind = $1 AND key = $2`,
			kind, key, next, string(body), hash, now); err != nil {
			return 0, false, err
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO catalog_versions(kind, key, version, body, hash, created_at, created_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, kind, key, next, string(body), hash, now, audit.ActorFrom(ctx).Username); err != nil {
		return 0, false, err
	}
	if err := s.audit.Record(ctx, tx, "catalog."+kind+".save", kind, key, map[string]any{"version": next, "hash": hash}); err != nil {
		return 0, false, err
	}
	return next, true, nil
}

func (s *Service) get(ctx context.Context, q sqldb.Queryer, kind, key string, v any) (Version, error) {
	var ver Version
	var body string
	err := q.QueryRowContext(ctx, `SELECT version, hash, body, updated_at FROM catalog_items WHERE kind = $1 AND key = $2`, kind, key).
		Scan(&ver.Version, &ver.Hash, &body, &ver.CreatedAt)
	if err != nil {
		return ver, err
	}
	return ver, json.Unmarshal([]byte(body), v)
}

func (s *Service) getVersion(ctx context.Context, kind, key string, version int, v any) (Version, error) {
	ver := Version{Version: version}
	var body string
	err := s.db.R.QueryRowContext(ctx, `SELECT hash, body, created_at, created_by FROM catalog_versions WHERE kind = $1 AND key = $2 AND version = $3`,
		kind, key, version).Scan(&ver.Hash, &body, &ver.CreatedAt, &ver.CreatedBy)
	if err != nil {
		return ver, err
	}
	return ver, json.Unmarshal([]byte(body), v)
}

// SaveWorkflow validates and stores a workflow; it returns the version
// and whether anything changed.
func (s *Service) SaveWorkflow(ctx context.Context, w Workflow) (int, bool, error) {
	if err := w.Validate(); err != nil {
		return 0, false, err
	}
	var v int
	var changed bool
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		v, changed, err = s.put(ctx, tx, kindWorkflow, w.Key, w)
		return err
	})
	s.changed(err == nil && changed)
	return v, changed, err
}

// changed tells this replica's index, and the others, about a change.
func (s *Service) changed(yes bool) {
	if !yes {
		return
	}
	s.Invalidate()
	if s.Changed != nil {
		s.Changed()
	}
}

// SaveForm validates and stores an e-form.
func (s *Service) SaveForm(ctx context.Context, f eform.Form) (int, bool, error) {
	if err := f.Validate(); err != nil {
		return 0, false, err
	}
	if !keyRe.MatchString(f.Key) {
		return 0, false, apperr.Validation(apperr.Field("key", "form.key", "Mã biểu mẫu không hợp lệ.", "The form key is not valid."))
	}
	var v int
	var changed bool
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		v, changed, err = s.put(ctx, tx, kindForm, f.Key, f)
		return err
	})
	return v, changed, err
}

// Form returns the current version of an e-form.
func (s *Service) Form(ctx context.Context, key string) (eform.Form, Version, error) {
	var f eform.Form
	v, err := s.get(ctx, s.db.R, kindForm, key, &f)
	if errors.Is(err, sql.ErrNoRows) {
		return f, v, ErrFormNotFound
	}
	return f, v, err
}

// FormAt returns a given version of an e-form (a dossier's).
func (s *Service) FormAt(ctx context.Context, key string, version int) (eform.Form, error) {
	var f eform.Form
	_, err := s.getVersion(ctx, kindForm, key, version, &f)
	if errors.Is(err, sql.ErrNoRows) {
		return f, ErrFormNotFound
	}
	return f, err
}

// Forms returns every current e-form, by key.
func (s *Service) Forms(ctx context.Context) ([]eform.Form, error) {
	return all[eform.Form](ctx, s.db.R, kindForm)
}

// SaveProcedure validates and stores a procedure, whose workflow (and
// form, if it names one) must exist.
func (s *Service) SaveProcedure(ctx context.Context, p Procedure) (int, bool, error) {
	if err := p.Validate(); err != nil {
		return 0, false, err
	}
	var v int
	var changed bool
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := s.workflowExists(ctx, tx, p.Workflow); err != nil {
			return err
		}
		if p.Form != "" {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM catalog_items WHERE kind = $1 AND key = $2`, kindForm, p.Form).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return apperr.Validation(apperr.Field("form", "procedure.form_unknown",
					fmt.Sprintf("Biểu mẫu %q chưa có trong danh mục.", p.Form), fmt.Sprintf("The form %q is not in the catalogue.", p.Form)))
			}
		}
		var err error
		v, changed, err = s.put(ctx, tx, kindProcedure, p.Code, p)
		return err
	})
	s.changed(err == nil && changed)
	return v, changed, err
}

func (s *Service) workflowExists(ctx context.Context, q sqldb.Queryer, key string) error {
	var n int
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM catalog_items WHERE kind = $1 AND key = $2`, kindWorkflow, key).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return apperr.Validation(apperr.Field("workflow", "procedure.workflow_unknown",
			fmt.Sprintf("Quy trình %q chưa có trong danh mục.", key), fmt.Sprintf("The workflow %q is not in the catalogue.", key)))
	}
	return nil
}

// Workflow returns the current version of a workflow.
func (s *Service) Workflow(ctx context.Context, key string) (Workflow, Version, error) {
	var w Workflow
	v, err := s.get(ctx, s.db.R, kindWorkflow, key, &w)
	if errors.Is(err, sql.ErrNoRows) {
		return w, v, ErrWorkflowNotFound
	}
	return w, v, err
}

// WorkflowAt returns a given version of a workflow: a dossier in flight
// reads the version it started with.
func (s *Service) WorkflowAt(ctx context.Context, key string, version int) (Workflow, error) {
	var w Workflow
	_, err := s.getVersion(ctx, kindWorkflow, key, version, &w)
	if errors.Is(err, sql.ErrNoRows) {
		return w, ErrWorkflowNotFound
	}
	return w, err
}

// Procedure returns the current version of a procedure.
func (s *Service) Procedure(ctx context.Context, code string) (Procedure, Version, error) {
	var p Procedure
	v, err := s.get(ctx, s.db.R, kindProcedure, code, &p)
	if errors.Is(err, sql.ErrNoRows) {
		return p, v, ErrProcedureNotFound
	}
	return p, v, err
}

// ProcedureAt returns a given version of a procedure.
func (s *Service) ProcedureAt(ctx context.Context, code string, version int) (Procedure, error) {
	var p Procedure
	_, err := s.getVersion(ctx, kindProcedure, code, version, &p)
	if errors.Is(err, sql.ErrNoRows) {
		return p, ErrProcedureNotFound
	}
	return p, err
}

// Versions lists the versions of a catalogue item, oldest first.
func (s *Service) Versions(ctx context.Context, kind, key string) ([]Version, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT version, hash, created_at, created_by FROM catalog_versions
		WHERE kind = $1 AND key = $2 ORDER BY version`, kind, key)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Version
	for rows.Next() {
		var v Version
		if err := rows.Scan(&v.Version, &v.Hash, &v.CreatedAt, &v.CreatedBy); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// Procedures returns every current procedure, by code.
func (s *Service) Procedures(ctx context.Context) ([]Procedure, error) {
	return all[Procedure](ctx, s.db.R, kindProcedure)
}

// Workflows returns every current workflow, by key.
func (s *Service) Workflows(ctx context.Context) ([]Workflow, error) {
	return all[Workflow](ctx, s.db.R, kindWorkflow)
}

func all[T any](ctx context.Context, q sqldb.Queryer, kind string) ([]T, error) {
	rows, err := q.QueryContext(ctx, `SELECT body FROM catalog_items WHERE kind = $1 ORDER BY key`, kind)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		var body string
		if err := rows.Scan(&body); err != nil {
			return nil, err
		}
		var v T
		if err := json.Unmarshal([]byte(body), &v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
