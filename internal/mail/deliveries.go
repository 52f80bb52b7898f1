package mail

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"
)

// Delivery is one e-mail copy of a notification, as the desk sees it.
type Delivery struct {
	ID            int64
	UserID        int64
	UserName      string
	To            string // the full address: show Masked to others
	Kind          string
	Status        Status
	Attempts      int
	LastError     string // the mail server's words, for administrators
	CreatedAt     time.Time
	LastAttemptAt *time.Time
	SentAt        *time.Time
}

// Masked is the address with most of its local part hidden.
func (d Delivery) Masked() string { return Mask(d.To) }

// Reason is why the delivery failed, in a word the pages translate.
func (d Delivery) Reason() Reason { return ReasonOf(d.LastError) }

// Retrying reports whether a failed attempt will be tried again.
func (d Delivery) Retrying() bool { return d.Status == StatusQueued && d.Attempts > 0 }

// Deliveries lists a dossier's e-mails, oldest first. The caller checks
// that the viewer may see the dossier.
func (s *Service) Deliveries(ctx context.Context, dossierID int64) ([]Delivery, error) {
	rows, err := s.cfg.DB.R.QueryContext(ctx, `SELECT m.id, m.user_id, u.full_name, m.to_addr, m.kind, m.status, m.attempts,
		m.last_error, m.created_at, m.last_attempt_at, m.sent_at
		FROM mail_deliveries m JOIN users u ON u.id = m.user_id WHERE m.dossier_id = $1 ORDER BY m.id LIMIT 500`, dossierID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Delivery
	for rows.Next() {
		var d Delivery
		var st string
		var last, sent sql.NullTime
		if err := rows.Scan(&d.ID, &d.UserID, &d.UserName, &d.To, &d.Kind, &st, &d.Attempts, &d.LastError, &d.CreatedAt, &last, &sent); err != nil {
			return nil, err
		}
		d.Status = Status(st)
		if last.Valid {
			d.LastAttemptAt = &last.Time
		}
		if sent.Valid {
			d.SentAt = &sent.Time
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// FailedByUnit counts the failed deliveries of dossiers by the unit that
// received them.
func (s *Service) FailedByUnit(ctx context.Context) (map[int64]int, error) {
	rows, err := s.cfg.DB.R.QueryContext(ctx, `SELECT d.receiving_unit_id, count(*) FROM mail_deliveries m
		JOIN dossiers d ON d.id = m.dossier_id WHERE m.status = 'failed' GROUP BY d.receiving_unit_id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var unit int64
		var n int
		if err := rows.Scan(&unit, &n); err != nil {
			return nil, err
		}
		out[unit] = n
	}
	return out, rows.Err()
}

// Mask hides most of an address's local part: "nguyenvana@gmail.com"
// shows as "n***@gmail.com".
func Mask(addr string) string {
	at := strings.LastIndex(addr, "@")
	if at <= 0 {
		return "***"
	}
	first := []rune(addr[:at])[0]
	return string(first) + "***" + addr[at:]
}

// Reason classifies a failure for people.
type Reason string

const (
	ReasonNone        Reason = ""
	ReasonBadAddress  Reason = "bad_address"  // no such mailbox, or the address is malformed
	ReasonMailboxFull Reason = "mailbox_full" // the mailbox is full or over its limits
	ReasonRejected    Reason = "rejected"     // the receiving server refused the message (spam, policy)
	ReasonTemporary   Reason = "temporary"    // the server asked to try later
	ReasonUnreachable Reason = "unreachable"  // no connection to the mail server
	ReasonLogin       Reason = "login"        // the mail server refused egov's account or TLS
	ReasonOther       Reason = "other"
)

// ReasonOf reads a recorded error ("550 5.1.1 ...", "connect: ...").
func ReasonOf(lastError string) Reason {
	e := strings.TrimSpace(strings.ReplaceAll(lastError, `"`, ""))
	if e == "" {
		return ReasonNone
	}
	if e == errInvalidAddress {
		return ReasonBadAddress
	}
	for _, p := range []string{"connect:", "hello:", "mail:", "rcpt:", "data:"} {
		if strings.HasPrefix(e, p) {
			return ReasonUnreachable
		}
	}
	if strings.HasPrefix(e, "starttls:") || strings.HasPrefix(e, "auth:") {
		return ReasonLogin
	}
	code := 0
	if len(e) >= 3 {
		code, _ = strconv.Atoi(e[:3])
	}
	switch {
	case code == 535 || code == 530 || code == 534 || code == 538:
		return ReasonLogin
	case code == 552 || strings.Contains(e, " 5.2.2"):
		return ReasonMailboxFull
	case code == 550 || code == 551 || code == 553 || strings.Contains(e, " 5.1."):
		return ReasonBadAddress
	case code >= 500:
		return ReasonRejected
	case code >= 400:
		return ReasonTemporary
	}
	return ReasonOther
}
