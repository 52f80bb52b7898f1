// Package mail sends e-mail copies of egov's in-portal notifications:
// plain-text UTF-8 messages built with the standard library, one template
// per notification kind in Vietnamese and English, sent over SMTP
// (STARTTLS or implicit TLS, AUTH PLAIN) by a durable River job.
//
// A delivery is recorded in the transaction that creates its notification
// (mail_deliveries, keyed by the notification: the idempotency key), with
// its job; the job sends, then records the mail sent. A job that runs again
// after a recorded success sends nothing, and one that runs again after a
// crash between sending and recording sends the same message (same
// Message-ID, same bytes), which receiving servers and clients de-duplicate.
// Each user chooses per category whether they want mail; the default is
// yes. The package reads the notification it copies (text, dossier code)
// and the user's address; it writes only its own tables.
package mail

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"egov/internal/apperr"
	"egov/internal/audit"
	"egov/internal/identity"
	"egov/internal/platform/sqldb"
)

// Sender hands one message to the mail server (SMTP does).
type Sender interface {
	Send(ctx context.Context, from, to string, msg []byte) error
}

// Scheduler inserts durable jobs in the caller's transaction (the jobs
// runner).
type Scheduler interface {
	InsertTx(ctx context.Context, tx *sql.Tx, args river.JobArgs, opts *river.InsertOpts) error
}

// AttachFunc returns the files to send with a notification's mail (the
// receipt, the request to supplement, the refusal... as PDF), or none.
type AttachFunc func(ctx context.Context, notificationID int64) ([]Attachment, error)

// Config builds the service.
type Config struct {
	DB    *sqldb.DB
	Audit *audit.Log
	// Sender sends mail; nil turns e-mail off (preferences and the
	// delivery lists still work).
	Sender Sender
	// From is the sender: "Cổng dịch vụ công <noreply@example.gov.vn>".
	From      string
	PublicURL string // base of the links in mails
	Now       func() time.Time
	Log       *slog.Logger
	// MaxAttempts bounds the tries of one mail (default 8).
	MaxAttempts int
	// Backoff replaces River's retry delay (attempt^4 seconds) when set
	// (tests).
	Backoff func(attempt int) time.Duration
	// Attach adds files to mails; nil sends none.
	Attach AttachFunc
}

// Service records, sends and lists e-mail.
type Service struct {
	cfg  Config
	from mail.Address
	host string // the Message-ID's right side
	jobs Scheduler
}

// New returns the service.
func New(c Config) (*Service, error) {
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = 8
	}
	c.PublicURL = strings.TrimRight(c.PublicURL, "/")
	s := &Service{cfg: c}
	if c.Sender != nil {
		a, err := mail.ParseAddress(c.From)
		if err != nil {
			return nil, fmt.Errorf("mail: the sender %q is not an address: %w", c.From, err)
		}
		if _, err := ParseAddress(a.Address); err != nil {
			return nil, fmt.Errorf("mail: the sender %q is not an address: %w", c.From, err)
		}
		s.from = *a
		s.host = a.Address[strings.LastIndex(a.Address, "@")+1:]
	}
	return s, nil
}

// SetScheduler sets the job runner once it exists (it is built after the
// services).
func (s *Service) SetScheduler(j Scheduler) { s.jobs = j }

// SetAttach sets the attachment hook (before the jobs start).
func (s *Service) SetAttach(fn AttachFunc) { s.cfg.Attach = fn }

// Enabled reports whether mail is sent at all.
func (s *Service) Enabled() bool { return s != nil && s.cfg.Sender != nil }

// Category groups notification kinds the way users choose what they want
// by e-mail.
type Category string

const (
	// An applicant: the status of my dossiers.
	CategoryDossierStatus Category = "dossier_status"
	// An official: a dossier was assigned to me.
	CategoryAssigned Category = "assigned"
	// An official: work at my step is due soon or late, a dossier overdue.
	CategoryDeadlines Category = "deadlines"
)

// CategoryInfo names a category for people.
type CategoryInfo struct {
	Category Category
	VI, EN   string
	Hint     [2]string
	Official bool // offered to officials (else to citizens and businesses)
}

// Label is the category's name in lang.
func (c CategoryInfo) Label(lang string) string {
	if lang == "en" {
		return c.EN
	}
	return c.VI
}

// Categories lists every category.
var Categories = []CategoryInfo{
	{CategoryDossierStatus, "Tình trạng hồ sơ của tôi", "Status of my dossiers",
		[2]string{"Khi hồ sơ được tiếp nhận, cần bổ sung, bị từ chối, có kết quả, được gia hạn hoặc dừng.",
			"When a dossier is received, needs completing, is refused, has a result, is extended or stopped."}, false},
	{CategoryAssigned, "Hồ sơ được giao cho tôi", "Dossiers assigned to me",
		[2]string{"Khi tôi được phân công xử lý một hồ sơ.", "When I am assigned a dossier."}, true},
	{CategoryDeadlines, "Hồ sơ sắp đến hạn, quá hạn", "Dossiers due soon or overdue",
		[2]string{"Khi hồ sơ ở bước của tôi hoặc đơn vị tôi sắp đến hạn hay đã quá hạn.",
			"When a dossier at my step or my unit's is due soon or late."}, true},
}

// CategoryOf is the category of a notification kind.
func CategoryOf(kind string) Category {
	switch kind {
	case "assigned":
		return CategoryAssigned
	case "step_warn", "step_late", "overdue":
		return CategoryDeadlines
	}
	return CategoryDossierStatus
}

// CategoriesFor lists the categories offered to a user.
func CategoriesFor(u identity.User) []CategoryInfo {
	var out []CategoryInfo
	for _, c := range Categories {
		if c.Official == u.IsOfficial() {
			out = append(out, c)
		}
	}
	return out
}

// Status is where a delivery is.
type Status string

const (
	StatusQueued  Status = "queued"  // to send (or being retried)
	StatusSent    Status = "sent"    // accepted by the mail server
	StatusFailed  Status = "failed"  // refused for good, or out of attempts
	StatusSkipped Status = "skipped" // the user turned the category off
)

// Args are a mail job's arguments.
type Args struct {
	DeliveryID int64 `json:"delivery_id"`
}

// Kind names the job for River.
func (Args) Kind() string { return "mail.send" }

// EnqueueTx records the e-mail copy of a notification just inserted in tx,
// and its job, when mail is on and the user has an address. A user who
// turned the category off gets a delivery recorded as skipped (so the desk
// can tell why no mail went), without a job.
func (s *Service) EnqueueTx(ctx context.Context, tx *sql.Tx, notificationID, userID int64, kind string) error {
	if !s.Enabled() {
		return nil
	}
	var email string
	var disabled bool
	err := tx.QueryRowContext(ctx, `SELECT email, disabled_at IS NOT NULL FROM users WHERE id = $1`, userID).Scan(&email, &disabled)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	email = strings.TrimSpace(email)
	if email == "" || disabled {
		return nil
	}
	status, lastErr := StatusQueued, ""
	if _, err := ParseAddress(email); err != nil {
		status, lastErr = StatusFailed, errInvalidAddress
	} else if on, err := s.wants(ctx, tx, userID, CategoryOf(kind)); err != nil {
		return err
	} else if !on {
		status = StatusSkipped
	}
	var dossierID sql.NullInt64
	if err := tx.QueryRowContext(ctx, `SELECT dossier_id FROM notifications WHERE id = $1`, notificationID).Scan(&dossierID); err != nil {
		return fmt.Errorf("mail: notification %d: %w", notificationID, err)
	}
	var id int64
	err = tx.QueryRowContext(ctx, `INSERT INTO mail_deliveries(notification_id, user_id, dossier_id, to_addr, kind, status, last_error, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		notificationID, userID, dossierID, email, kind, string(status), lastErr, sqldb.UTC(s.cfg.Now())).Scan(&id)
	if err != nil {
		return err
	}
	if status != StatusQueued || s.jobs == nil {
		return nil
	}
	return s.jobs.InsertTx(ctx, tx, Args{DeliveryID: id}, &river.InsertOpts{MaxAttempts: s.cfg.MaxAttempts})
}

// errInvalidAddress is recorded for an address that cannot be mailed.
const errInvalidAddress = "invalid address"

func (s *Service) wants(ctx context.Context, q sqldb.Queryer, userID int64, c Category) (bool, error) {
	var on bool
	err := q.QueryRowContext(ctx, `SELECT email FROM mail_preferences WHERE user_id = $1 AND category = $2`, userID, string(c)).Scan(&on)
	if errors.Is(err, sql.ErrNoRows) {
		return true, nil
	}
	return on, err
}

// Preference is one category and whether the user wants it by e-mail.
type Preference struct {
	CategoryInfo
	Email bool
}

// Preferences lists the categories offered to u with their choice
// (default yes).
func (s *Service) Preferences(ctx context.Context, u identity.User) ([]Preference, error) {
	return s.preferences(ctx, s.cfg.DB.R, u)
}

func (s *Service) preferences(ctx context.Context, q sqldb.Queryer, u identity.User) ([]Preference, error) {
	rows, err := q.QueryContext(ctx, `SELECT category, email FROM mail_preferences WHERE user_id = $1`, u.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	set := map[Category]bool{}
	for rows.Next() {
		var c string
		var on bool
		if err := rows.Scan(&c, &on); err != nil {
			return nil, err
		}
		set[Category(c)] = on
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []Preference
	for _, c := range CategoriesFor(u) {
		on, ok := set[c.Category]
		out = append(out, Preference{CategoryInfo: c, Email: on || !ok})
	}
	return out, nil
}

// ErrUnknownCategory refuses a category that is not offered to the user.
func ErrUnknownCategory(field, c string) *apperr.Error {
	return apperr.Validation(apperr.Field(field, "mail.unknown_category",
		"Không có loại thư \""+c+"\" cho tài khoản này.", "There is no message category \""+c+"\" for this account."))
}

// SetPreferences records u's choices (categories not named keep theirs)
// and audits what changed; it returns the preferences after the change.
func (s *Service) SetPreferences(ctx context.Context, u identity.User, set map[Category]bool) ([]Preference, error) {
	offered := CategoriesFor(u)
	keys := make([]string, 0, len(set))
	for c := range set {
		if !slices.ContainsFunc(offered, func(o CategoryInfo) bool { return o.Category == c }) {
			return nil, ErrUnknownCategory("category", string(c))
		}
		keys = append(keys, string(c))
	}
	slices.Sort(keys)
	var out []Preference
	err := s.cfg.DB.Tx(ctx, func(tx *sql.Tx) error {
		before, err := s.preferences(ctx, tx, u)
		if err != nil {
			return err
		}
		changed := map[string]bool{}
		now := sqldb.UTC(s.cfg.Now())
		for _, k := range keys {
			on := set[Category(k)]
			i := slices.IndexFunc(before, func(p Preference) bool { return p.Category == Category(k) })
			if before[i].Email == on {
				continue
			}
			changed[k] = on
			if _, err := tx.ExecContext(ctx, `INSERT INTO mail_preferences(user_id, category, email, updated_at) VALUES ($1, $2, $3, $4)
				ON CONFLICT (user_id, category) DO UPDATE SET email = excluded.email, updated_at = excluded.updated_at`, u.ID, k, on, now); err != nil {
				return err
			}
		}
		if len(changed) > 0 && s.cfg.Audit != nil {
			if err := s.cfg.Audit.Record(ctx, tx, "mail.preferences", "user", strconv.FormatInt(u.ID, 10), changed); err != nil {
				return err
			}
		}
		out, err = s.preferences(ctx, tx, u)
		return err
	})
	return out, err
}
