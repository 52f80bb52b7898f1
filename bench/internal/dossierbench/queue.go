package dossierbench

import (
	"context"
	"fmt"
	"strings"
	"time"

	"egov/internal/app"
	"egov/internal/dossier"
	"egov/internal/identity"
)

// Officials are the demo accounts whose work lists are timed: a
// commune's (the busiest ward's) desk officer, specialist and leader; the
// provincial service centre's and the Department of Justice's desk
// officer, specialist, leader and clerical officer; and the system
// administrator, who sees every unit's lists.
var Officials = []string{"motcua.xa", "chuyenvien.xa", "lanhdao.xa", "motcua", "chuyenvien", "lanhdao", "vanthu", "admin"}

// QueueTiming is one official's work list, first page or next page.
type QueueTiming struct {
	Who   string
	Queue dossier.Queue
	Page  int
	Rows  int
	Lat   Latencies // dossier.Service.Queue
	Base  Latencies // the same rows read by ID
}

// baselineSQL reads given dossiers with the columns and joins of a work
// list's rows (internal/dossier/read.go's viewCols and viewFrom).
const baselineSQL = `SELECT d.id, d.code, d.procedure_code, d.procedure_version, d.workflow_key, d.workflow_version, d.form_key, d.form_version,
	d.receiving_unit_id, COALESCE(d.decider_id, 0), COALESCE(d.applicant_id, 0), d.applicant_name, d.channel, d.status, d.step,
	COALESCE(d.step_unit_id, 0), d.step_role, COALESCE(d.assignee_id, 0), d.clock, d.data, d.submitted_at, d.fees_due, d.fees_paid, d.version,
	d.received_at, d.due_at, d.step_started_at, d.step_due_at, d.step_warn_at, d.finished_at, d.step_late, d.overdue, d.returned,
	d.outcome, d.supplements, d.extensions, d.applicant_seconds, d.due_why, COALESCE(d.rating, 0), d.rating_changes, d.rating_comment,
	COALESCE(ru.name, ''), COALESCE(dc.name, ''), COALESCE(su.name, ''), COALESCE(au.full_name, ''), d.applicant_pid, d.applicant_phone
	FROM dossiers d
	LEFT JOIN agencies ru ON ru.id = d.receiving_unit_id
	LEFT JOIN agencies dc ON dc.id = d.decider_id
	LEFT JOIN agencies su ON su.id = d.step_unit_id
	LEFT JOIN users au ON au.id = d.assignee_id
	WHERE d.id IN (%s) ORDER BY d.id`

// Principal signs in an official for service calls (as a session would).
func Principal(ctx context.Context, c *app.Core, username string) (*identity.Principal, error) {
	u, err := c.Identity.UserByUsername(ctx, username)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", username, err)
	}
	return &identity.Principal{User: u, Stage: identity.StageFull, Kind: identity.SessionWeb}, nil
}

// Queues times every work list of every official, first page (25 rows)
// and, when full, the next page, reps times each after a warm-up, each
// call followed by the baseline: the same rows read by ID with the same
// columns and joins.
func Queues(ctx context.Context, c *app.Core, who []string, reps int) ([]QueueTiming, error) {
	var out []QueueTiming
	for _, name := range who {
		p, err := Principal(ctx, c, name)
		if err != nil {
			return nil, err
		}
		for _, q := range dossier.Queues {
			var after int64
			for page := 1; page <= 2; page++ {
				t := QueueTiming{Who: name, Queue: q, Page: page}
				var lat, base []time.Duration
				for i := -2; i < reps; i++ {
					t0 := time.Now()
					vs, err := c.Dossiers.Queue(ctx, p, q, after, 25)
					d := time.Since(t0)
					if err != nil {
						return nil, fmt.Errorf("%s %s: %w", name, q, err)
					}
					t.Rows = len(vs)
					b, err := byID(ctx, c, vs)
					if err != nil {
						return nil, err
					}
					if i >= 0 {
						lat, base = append(lat, d), append(base, b)
					}
					if i == reps-1 && len(vs) == 25 {
						after = vs[len(vs)-1].ID
					}
				}
				t.Lat, t.Base = Summarise(lat), Summarise(base)
				out = append(out, t)
				if after == 0 {
					break
				}
			}
		}
	}
	return out, nil
}

// byID times the baseline read of vs's rows.
func byID(ctx context.Context, c *app.Core, vs []dossier.View) (time.Duration, error) {
	if len(vs) == 0 {
		return 0, nil
	}
	ph := make([]string, len(vs))
	args := make([]any, len(vs))
	for i, v := range vs {
		ph[i], args[i] = fmt.Sprintf("$%d", i+1), v.ID
	}
	t0 := time.Now()
	rows, err := c.DB.R.QueryContext(ctx, fmt.Sprintf(baselineSQL, strings.Join(ph, ", ")), args...)
	if err != nil {
		return 0, err
	}
	n := 0
	for rows.Next() {
		cols, _ := rows.Columns()
		dst := make([]any, len(cols))
		for i := range dst {
			dst[i] = new(any)
		}
		if err := rows.Scan(dst...); err != nil {
			rows.Close()
			return 0, err
		}
		n++
	}
	rows.Close()
	d := time.Since(t0)
	if n != len(vs) {
		return 0, fmt.Errorf("baseline read %d rows of %d", n, len(vs))
	}
	return d, rows.Err()
}

// Counts times the desk's tabs (dossier.Service.Counts: every work list,
// capped at 100) for an official.
func Counts(ctx context.Context, c *app.Core, who string, reps int) (Latencies, map[dossier.Queue]int, error) {
	p, err := Principal(ctx, c, who)
	if err != nil {
		return Latencies{}, nil, err
	}
	var lat []time.Duration
	var last map[dossier.Queue]int
	for i := -2; i < reps; i++ {
		t0 := time.Now()
		n, err := c.Dossiers.Counts(ctx, p)
		if err != nil {
			return Latencies{}, nil, err
		}
		if i >= 0 {
			lat = append(lat, time.Since(t0))
		}
		last = n
	}
	return Summarise(lat), last, nil
}

// Late times the late list (dossier.Service.Late: unfinished dossiers
// past their due instant, most overdue first, 100 rows) for a leader.
func Late(ctx context.Context, c *app.Core, who string, reps int) (Latencies, int, error) {
	p, err := Principal(ctx, c, who)
	if err != nil {
		return Latencies{}, 0, err
	}
	var lat []time.Duration
	n := 0
	for i := -2; i < reps; i++ {
		t0 := time.Now()
		items, err := c.Dossiers.Late(ctx, p, 100)
		if err != nil {
			return Latencies{}, 0, err
		}
		if i >= 0 {
			lat = append(lat, time.Since(t0))
		}
		n = len(items)
	}
	return Summarise(lat), n, nil
}
