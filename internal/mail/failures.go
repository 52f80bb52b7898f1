package mail

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
)

// The desk's list of e-mails that did not reach applicants: scoped, as
// FailedByUnit counts, by the unit that received the dossier.

// Units says whose dossiers to look at: those received by the units IDs,
// or by every unit (system administrators). The zero value is no unit.
type Units struct {
	IDs []int64
	All bool
}

func (u Units) none() bool { return !u.All && len(u.IDs) == 0 }

// where is the condition on the dossier d for u, its placeholders
// numbered after args.
func (u Units) where(args *[]any) string {
	if u.All {
		return "1 = 1"
	}
	var b strings.Builder
	b.WriteString("d.receiving_unit_id IN (")
	for i, id := range u.IDs {
		if i > 0 {
			b.WriteString(", ")
		}
		*args = append(*args, id)
		b.WriteString("$" + strconv.Itoa(len(*args)))
	}
	b.WriteString(")")
	return b.String()
}

// Failure is an e-mail about a dossier that did not reach its applicant.
type Failure struct {
	Delivery
	DossierCode string
	UnitID      int64 // the unit that received the dossier
}

// failedToApplicants joins a failed delivery to its dossier when it was
// addressed to the dossier's applicant (officials' own mails are theirs
// and their administrators' to mend, not the desk's).
const failedToApplicants = ` FROM mail_deliveries m JOIN dossiers d ON d.id = m.dossier_id JOIN users u ON u.id = m.user_id
	WHERE m.status = 'failed' AND m.user_id = d.applicant_id AND `

// ApplicantFailures lists the failed e-mails to the applicants of the
// dossiers received by in, the latest first, at most limit (1 to 500,
// default 200).
func (s *Service) ApplicantFailures(ctx context.Context, in Units, limit int) ([]Failure, error) {
	if in.none() {
		return nil, nil
	}
	if limit <= 0 || limit > 500 {
		limit = 200
	}
	var args []any
	q := `SELECT m.id, m.user_id, u.full_name, m.to_addr, m.kind, m.status, m.attempts, m.last_error, m.created_at,
		m.last_attempt_at, m.sent_at, d.code, d.receiving_unit_id` + failedToApplicants + in.where(&args) +
		` ORDER BY m.id DESC LIMIT ` + strconv.Itoa(limit)
	rows, err := s.cfg.DB.R.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Failure
	for rows.Next() {
		var f Failure
		var st string
		var last, sent sql.NullTime
		if err := rows.Scan(&f.ID, &f.UserID, &f.UserName, &f.To, &f.Kind, &st, &f.Attempts, &f.LastError, &f.CreatedAt,
			&last, &sent, &f.DossierCode, &f.UnitID); err != nil {
			return nil, err
		}
		f.Status = Status(st)
		if last.Valid {
			f.LastAttemptAt = &last.Time
		}
		if sent.Valid {
			f.SentAt = &sent.Time
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// CountApplicantFailures counts what ApplicantFailures lists, without
// its limit.
func (s *Service) CountApplicantFailures(ctx context.Context, in Units) (int, error) {
	if in.none() {
		return 0, nil
	}
	var args []any
	var n int
	err := s.cfg.DB.R.QueryRowContext(ctx, `SELECT count(*)`+failedToApplicants+in.where(&args), args...).Scan(&n)
	return n, err
}
