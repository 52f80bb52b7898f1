package calendar

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"egov/internal/apperr"
	"egov/internal/audit"
	"egov/internal/platform/sqldb"
)

// Service keeps the administrator's declarations in the database and
// serves a Calendar built from them. The built Calendar is cached; every
// replica notices a change within RefreshEvery (a version number in the
// meta table), or at once when told through Invalidate (the bus).
type Service struct {
	db    *sqldb.DB
	audit *audit.Log
	hours OfficeHours
	now   func() time.Time

	// Changed, if set, is called after a change is committed (the app
	// publishes it on the bus so other replicas refresh at once).
	Changed func()

	mu      sync.Mutex
	cal     *Calendar
	version int64
	checked time.Time
}

// RefreshEvery is how stale a replica's calendar may get.
const RefreshEvery = 5 * time.Second

// NewService returns the service.
func NewService(db *sqldb.DB, log *audit.Log, hours OfficeHours, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{db: db, audit: log, hours: hours, now: now}
}

// Calendar returns the current calendar.
func (s *Service) Calendar(ctx context.Context) (*Calendar, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if s.cal != nil && now.Sub(s.checked) < RefreshEvery {
		return s.cal, nil
	}
	v, err := s.currentVersion(ctx, s.db.R)
	if err != nil {
		if s.cal != nil {
			return s.cal, nil // serve the last good calendar through a database blip
		}
		return nil, err
	}
	if s.cal == nil || v != s.version {
		decls, err := s.load(ctx)
		if err != nil {
			return nil, err
		}
		cal, err := New(s.hours, decls)
		if err != nil {
			return nil, fmt.Errorf("calendar: stored declarations are inconsistent: %w", err)
		}
		s.cal, s.version = cal, v
	}
	s.checked = now
	return s.cal, nil
}

// Invalidate makes the next Calendar call re-check the database.
func (s *Service) Invalidate() {
	s.mu.Lock()
	s.checked = time.Time{}
	s.mu.Unlock()
}

func (s *Service) currentVersion(ctx context.Context, q sqldb.Queryer) (int64, error) {
	var v string
	err := q.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'calendar_version'`).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	return strconv.ParseInt(v, 10, 64)
}

func (s *Service) load(ctx context.Context) ([]Declaration, error) {
	return s.query(ctx, s.db.R, `SELECT day, kind, holiday, name, name_en FROM calendar_declarations ORDER BY day`)
}

func (s *Service) query(ctx context.Context, q sqldb.Queryer, query string, args ...any) ([]Declaration, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Declaration
	for rows.Next() {
		var day, kind, hol string
		var d Declaration
		if err := rows.Scan(&day, &kind, &hol, &d.Name, &d.NameEn); err != nil {
			return nil, err
		}
		if d.Date, err = ParseDate(day); err != nil {
			return nil, err
		}
		if d.Kind, err = ParseKind(kind); err != nil {
			return nil, err
		}
		if hol != "" {
			if d.Holiday, err = ParseHoliday(hol); err != nil {
				return nil, err
			}
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// Declarations returns the declarations of a year.
func (s *Service) Declarations(ctx context.Context, year int) ([]Declaration, error) {
	return s.query(ctx, s.db.R, `SELECT day, kind, holiday, name, name_en FROM calendar_declarations
		WHERE day >= $1 AND day <= $2 ORDER BY day`, fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-12-31", year))
}

// ErrDeclaration is an unacceptable declaration; the detail says why.
var ErrDeclaration = apperr.New(apperr.Invalid, "calendar.declaration_invalid",
	"Khai báo ngày nghỉ không hợp lệ.", "The declared day is not valid.")

// Declare adds or replaces the declarations of their dates, checking that
// the year's whole schedule stays consistent (for example, a Tết
// schedule must have at least five days).
func (s *Service) Declare(ctx context.Context, decls ...Declaration) error {
	return s.change(ctx, "calendar.declare", func(ctx context.Context, tx *sql.Tx) error {
		for _, d := range decls {
			if d.Kind != KindDayOff && d.Kind != KindWorkingDay {
				return ErrDeclaration.With(kindField)
			}
			hol := ""
			if d.Holiday != 0 {
				hol = d.Holiday.String()
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO calendar_declarations(day, kind, holiday, name, name_en, updated_by, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7)
				ON CONFLICT (day) DO UPDATE SET kind = excluded.kind, holiday = excluded.holiday, name = excluded.name,
					name_en = excluded.name_en, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
				d.Date.String(), d.Kind.String(), hol, d.Name, d.NameEn, audit.ActorFrom(ctx).UserID, sqldb.UTC(s.now())); err != nil {
				return err
			}
		}
		return nil
	}, decls)
}

// Remove deletes the declarations of the dates.
func (s *Service) Remove(ctx context.Context, dates ...Date) error {
	return s.change(ctx, "calendar.remove", func(ctx context.Context, tx *sql.Tx) error {
		for _, d := range dates {
			if _, err := tx.ExecContext(ctx, `DELETE FROM calendar_declarations WHERE day = $1`, d.String()); err != nil {
				return err
			}
		}
		return nil
	}, dates)
}

var kindField = apperr.Field("kind", "calendar.kind", "Loại ngày phải là ngày nghỉ hoặc ngày làm việc.", "The kind must be a day off or a working day.")

// change applies fn, validates every stored declaration together, bumps
// the version and audits, all in one transaction.
func (s *Service) change(ctx context.Context, action string, fn func(context.Context, *sql.Tx) error, detail any) error {
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		return s.changeTx(ctx, tx, action, fn, detail)
	})
	if err == nil {
		s.Invalidate()
		if s.Changed != nil {
			s.Changed()
		}
	}
	return err
}

func (s *Service) changeTx(ctx context.Context, tx *sql.Tx, action string, fn func(context.Context, *sql.Tx) error, detail any) error {
	if err := fn(ctx, tx); err != nil {
		return err
	}
	all, err := s.query(ctx, tx, `SELECT day, kind, holiday, name, name_en FROM calendar_declarations ORDER BY day`)
	if err != nil {
		return err
	}
	if _, err := New(s.hours, all); err != nil {
		var de *DeclarationError
		if errors.As(err, &de) {
			return &apperr.Error{Code: apperr.Invalid, Key: ErrDeclaration.Key,
				VI: "Khai báo ngày nghỉ không hợp lệ: " + de.Date.String() + ": " + viDeclarationMsg(de.Msg),
				EN: "The declared day is not valid: " + de.Date.String() + ": " + de.Msg}
		}
		return err
	}
	v, err := s.currentVersion(ctx, tx)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO meta(key, value) VALUES ('calendar_version', $1)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, strconv.FormatInt(v+1, 10)); err != nil {
		return err
	}
	return s.audit.Record(ctx, tx, action, "calendar", "declarations", detail)
}

// viDeclarationMsg gives the Vietnamese reason for the common cases.
func viDeclarationMsg(en string) string {
	switch {
	case strings.Contains(en, "Tết") || strings.Contains(en, "Tet"):
		return "lịch nghỉ Tết khai báo chưa đủ hoặc không hợp lệ (" + en + ")"
	case strings.Contains(en, "National"):
		return "lịch nghỉ Quốc khánh khai báo không hợp lệ (" + en + ")"
	}
	return en
}

// KnownDecisions are the government's published decisions that the demo
// seeds: Tết 2025 (27-31 January), the 2025 swap of Friday 2 May for
// Saturday 26 April, and Tết 2026 (16-20 February).
func KnownDecisions() []Declaration {
	var out []Declaration
	for d := 27; d <= 31; d++ {
		out = append(out, Declaration{Date: NewDate(2025, time.January, d), Kind: KindDayOff, Holiday: Tet})
	}
	out = append(out,
		Declaration{Date: NewDate(2025, time.May, 2), Kind: KindDayOff, Name: "Nghỉ hoán đổi (làm bù thứ Bảy 26/4)", NameEn: "Day off swapped for Saturday 26 April"},
		Declaration{Date: NewDate(2025, time.April, 26), Kind: KindWorkingDay, Name: "Làm bù cho ngày 2/5", NameEn: "Working Saturday in exchange for 2 May"},
	)
	for d := 16; d <= 20; d++ {
		out = append(out, Declaration{Date: NewDate(2026, time.February, d), Kind: KindDayOff, Holiday: Tet})
	}
	return out
}

// SeedDeclarations stores KnownDecisions inside the caller's transaction
// (the demo seed).
func (s *Service) SeedDeclarations(ctx context.Context, tx *sql.Tx) error {
	decls := KnownDecisions()
	return s.changeTx(ctx, tx, "calendar.declare", func(ctx context.Context, tx *sql.Tx) error {
		for _, d := range decls {
			hol := ""
			if d.Holiday != 0 {
				hol = d.Holiday.String()
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO calendar_declarations(day, kind, holiday, name, name_en, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (day) DO NOTHING`,
				d.Date.String(), d.Kind.String(), hol, d.Name, d.NameEn, sqldb.UTC(s.now())); err != nil {
				return err
			}
		}
		return nil
	}, map[string]any{"seeded": len(decls)})
}
