package mail

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"egov/internal/platform/jobs"
	"egov/internal/platform/sqldb"
)

// Worker works mail jobs.
type Worker struct {
	river.WorkerDefaults[Args]
	Service *Service
}

// NextRetry uses the service's backoff when one is set (tests); otherwise
// River's (attempt^4 seconds: 1 s, 16 s, 81 s ... about 2.5 hours over 8
// attempts).
func (w *Worker) NextRetry(job *river.Job[Args]) time.Time {
	if b := w.Service.cfg.Backoff; b != nil {
		return time.Now().Add(b(job.Attempt))
	}
	return time.Time{}
}

// Timeout bounds one run: the SMTP conversation has its own, shorter one.
func (w *Worker) Timeout(*river.Job[Args]) time.Duration { return 2 * time.Minute }

// Work sends one delivery unless it is already settled. The database is
// not held while talking to the mail server.
func (w *Worker) Work(ctx context.Context, job *river.Job[Args]) error {
	s := w.Service
	d, err := s.loadDelivery(ctx, job.Args.DeliveryID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	if d.status != StatusQueued {
		return nil // sent, failed or skipped: a retry never sends twice
	}
	if !s.Enabled() {
		// E-mail was turned off since the delivery was recorded.
		return s.settle(ctx, d.id, StatusSkipped, "e-mail is turned off", false)
	}
	msg, err := s.compose(ctx, d)
	if err != nil {
		// The files may be readable on the next try; a template error
		// will not mend.
		return s.fail(ctx, job, d, err, !errors.Is(err, errAttach))
	}
	raw, err := msg.Bytes()
	if err != nil {
		return s.fail(ctx, job, d, err, true)
	}
	if err := s.cfg.Sender.Send(ctx, s.from.Address, d.to, raw); err != nil {
		return s.fail(ctx, job, d, err, Permanent(err))
	}
	return s.cfg.DB.Tx(ctx, func(tx *sql.Tx) error {
		now := sqldb.UTC(s.cfg.Now())
		if _, err := tx.ExecContext(ctx, `UPDATE mail_deliveries SET status = 'sent', attempts = attempts + 1, sent_at = $2,
			last_attempt_at = $2, last_error = '', message_id = $3 WHERE id = $1`, d.id, now, msg.MessageID); err != nil {
			return err
		}
		return jobs.CompleteTx(ctx, tx, job)
	})
}

// fail records an attempt that did not go through: for good when the
// refusal is permanent or the attempts are spent (the job ends), else for
// River to retry.
func (s *Service) fail(ctx context.Context, job *river.Job[Args], d delivery, cause error, permanent bool) error {
	last := job.Attempt >= job.MaxAttempts
	status := StatusQueued
	if permanent || last {
		status = StatusFailed
	}
	s.cfg.Log.Warn("mail not sent", "delivery", d.id, "to", Mask(d.to), "kind", d.kind, "attempt", job.Attempt,
		"permanent", permanent, "err", cause)
	if err := s.settle(ctx, d.id, status, cause.Error(), true); err != nil {
		return err
	}
	if status == StatusFailed {
		return river.JobCancel(cause)
	}
	return cause
}

// settle records an outcome other than sent, counting an attempt when
// the mail server was tried.
func (s *Service) settle(ctx context.Context, id int64, st Status, lastErr string, attempted bool) error {
	if len(lastErr) > 500 {
		lastErr = strings.ToValidUTF8(lastErr[:500], "")
	}
	n := 0
	if attempted {
		n = 1
	}
	_, err := s.cfg.DB.W.ExecContext(ctx, `UPDATE mail_deliveries SET status = $2, last_error = $3, attempts = attempts + $4,
		last_attempt_at = $5 WHERE id = $1 AND status = 'queued'`, id, string(st), lastErr, n, sqldb.UTC(s.cfg.Now()))
	return err
}

type delivery struct {
	id, notification int64
	to, kind         string
	status           Status
	vi, en, code     string
	name             string
	official         bool
	at               time.Time
}

func (s *Service) loadDelivery(ctx context.Context, id int64) (delivery, error) {
	var d delivery
	var st, userKind string
	err := s.cfg.DB.R.QueryRowContext(ctx, `SELECT m.id, m.notification_id, m.to_addr, m.kind, m.status, n.vi, n.en, n.at,
		COALESCE(d.code, ''), u.full_name, u.kind
		FROM mail_deliveries m JOIN notifications n ON n.id = m.notification_id JOIN users u ON u.id = m.user_id
		LEFT JOIN dossiers d ON d.id = m.dossier_id WHERE m.id = $1`, id).
		Scan(&d.id, &d.notification, &d.to, &d.kind, &st, &d.vi, &d.en, &d.at, &d.code, &d.name, &userKind)
	d.status, d.official = Status(st), userKind == "official"
	return d, err
}

var errAttach = errors.New("mail: attachments")

// compose builds the delivery's message. Everything in it derives from
// the delivery (the Message-ID from its IDs, the date from the
// notification), so composing it again gives the same message.
func (s *Service) compose(ctx context.Context, d delivery) (*Message, error) {
	n := Notice{Kind: d.kind, Code: d.code, Name: d.name, VI: d.vi, EN: d.en, Official: d.official,
		PrefsLink: s.cfg.PublicURL + "/tai-khoan/thu-dien-tu"}
	if d.code != "" {
		n.Link = s.cfg.PublicURL + "/ho-so/" + url.PathEscape(d.code)
		if d.official {
			n.Link = s.cfg.PublicURL + "/mot-cua/ho-so/" + url.PathEscape(d.code)
		}
		n.TrackLink = s.cfg.PublicURL + "/tra-cuu-ho-so?ma=" + url.QueryEscape(d.code)
	}
	// Users' languages are not stored: Vietnamese, with the English below.
	subject, text, err := Render(n, "")
	if err != nil {
		return nil, err
	}
	m := &Message{From: s.from, To: mail.Address{Name: d.name, Address: d.to}, Subject: subject, Text: text,
		Date: d.at, Language: "vi, en",
		MessageID: "egov." + strconv.FormatInt(d.id, 10) + "." + strconv.FormatInt(d.notification, 10) + "@" + s.host}
	if s.cfg.Attach != nil {
		files, err := s.cfg.Attach(ctx, d.notification)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", errAttach, err)
		}
		m.Attachments = files
	}
	return m, nil
}
