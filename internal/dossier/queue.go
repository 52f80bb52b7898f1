package dossier

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"egov/internal/apperr"
	"egov/internal/identity"
	"egov/internal/platform/sqldb"
)

// Queue is an official's work list.
type Queue string

const (
	QueueReceive     Queue = "receive"      // online dossiers waiting for the desk
	QueueProcess     Queue = "process"      // at a step the official's role and unit act on
	QueueAssign      Queue = "assign"       // for leaders: at a step of their unit, nobody assigned yet
	QueueDueSoon     Queue = "due_soon"     // of those, due within the warning period
	QueueOverdue     Queue = "overdue"      // of those, past the step's or the dossier's due instant
	QueueReturned    Queue = "returned"     // sent back from a later step
	QueueInterAgency Queue = "inter_agency" // inter-agency parts waiting for the official's agency
)

// Queues lists the work lists in the order the desk shows them.
var Queues = []Queue{QueueReceive, QueueProcess, QueueAssign, QueueDueSoon, QueueOverdue, QueueReturned, QueueInterAgency}

var ErrQueue = apperr.Validation(apperr.Field("queue", "dossier.queue", "Danh sách công việc không hợp lệ.", "Unknown work list."))

// scope is where an official works: for each role, the agencies at or
// under their grants. Nil for a system administrator (everywhere).
func (s *Service) scope(ctx context.Context, p *identity.Principal) (map[identity.Role][]int64, error) {
	if p.IsSystemAdmin() {
		return nil, nil
	}
	out := map[identity.Role][]int64{}
	for _, role := range officialRoles {
		if held := p.AgenciesFor(role); len(held) > 0 {
			ids, err := s.dir.Subtree(ctx, held)
			if err != nil {
				return nil, err
			}
			out[role] = ids
		}
	}
	return out, nil
}

// inList appends ids to args and returns their placeholders.
func inList(args *[]any, ids []int64) string {
	var b strings.Builder
	for i, id := range ids {
		if i > 0 {
			b.WriteString(", ")
		}
		*args = append(*args, id)
		fmt.Fprintf(&b, "$%d", len(*args))
	}
	return b.String()
}

// Queue lists a work list of the official, oldest first, a page at a time
// (keyset by ID: pass the last ID seen).
func (s *Service) Queue(ctx context.Context, p *identity.Principal, q Queue, afterID int64, limit int) ([]View, error) {
	if limit <= 0 || limit > 100 {
		limit = 25
	}
	where, args, err := s.queueWhere(ctx, p, q)
	if err != nil || where == nil {
		return nil, err
	}
	if afterID > 0 {
		args = append(args, afterID)
		where = append(where, fmt.Sprintf("d.id > $%d", len(args)))
	}
	sqlq := `SELECT ` + viewCols + viewFrom + ` WHERE ` + strings.Join(where, " AND ") + ` ORDER BY d.id LIMIT ` + strconv.Itoa(limit)
	return s.list(ctx, sqlq, s.db.Fresh(args)...)
}

// CountCap is where queue counts stop ("100+").
const CountCap = 100

// Counts are the sizes of an official's work lists (for the desk's tabs),
// capped at CountCap.
func (s *Service) Counts(ctx context.Context, p *identity.Principal) (map[Queue]int, error) {
	out := map[Queue]int{}
	for _, q := range Queues {
		where, args, err := s.queueWhere(ctx, p, q)
		if err != nil {
			return nil, err
		}
		if where == nil {
			continue
		}
		var n int
		if err := s.db.R.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM dossiers d WHERE `+strings.Join(where, " AND ")+
			` LIMIT `+strconv.Itoa(CountCap)+`) q`, s.db.Fresh(args)...).Scan(&n); err != nil {
			return nil, err
		}
		out[q] = n
	}
	return out, nil
}

// queueWhere is a work list's condition; nil when the official has no
// place in it.
func (s *Service) queueWhere(ctx context.Context, p *identity.Principal, q Queue) ([]string, []any, error) {
	if p == nil || p.Stage != identity.StageFull || !p.User.IsOfficial() {
		return nil, nil, ErrNotYourStep
	}
	if !slices.Contains(Queues, q) {
		return nil, nil, ErrQueue
	}
	scope, err := s.scope(ctx, p)
	if err != nil {
		return nil, nil, err
	}
	now := sqldb.UTC(s.now())
	args := []any{}
	var where []string
	if q == QueueInterAgency {
		var all []int64
		for _, ids := range scope {
			all = append(all, ids...)
		}
		slices.Sort(all)
		all = slices.Compact(all)
		cond := `d.id IN (SELECT b.dossier_id FROM dossier_branches b WHERE b.status = 'pending'`
		if scope != nil {
			if len(all) == 0 {
				return nil, nil, nil
			}
			cond += ` AND b.agency_id IN (` + inList(&args, all) + `)`
		}
		return append(where, cond+`)`, `d.status = 'processing'`), args, nil
	}
	if q == QueueAssign {
		// A leader sees the work of their units that nobody has taken yet.
		// (The desk's own steps are taken by whoever is at the desk.)
		cond := `d.assignee_id IS NULL AND d.step_role IN ('specialist', 'clerical_officer')`
		if scope != nil {
			if len(scope[identity.RoleLeader]) == 0 {
				return nil, nil, nil
			}
			cond += ` AND d.step_unit_id IN (` + inList(&args, scope[identity.RoleLeader]) + `)`
		}
		return append(where, cond, `d.status IN ('processing', 'result')`), args, nil
	}
	roles := []identity.Role{identity.RoleDesk}
	if q != QueueReceive {
		roles = officialRoles
	}
	var ors []string
	for _, role := range roles {
		if scope != nil && len(scope[role]) == 0 {
			continue
		}
		args = append(args, string(role))
		c := fmt.Sprintf("d.step_role = $%d", len(args))
		if scope != nil {
			c += ` AND d.step_unit_id IN (` + inList(&args, scope[role]) + `)`
		}
		ors = append(ors, "("+c+")")
	}
	if len(ors) == 0 {
		return nil, nil, nil
	}
	where = append(where, "("+strings.Join(ors, " OR ")+")")
	if q == QueueReceive {
		return append(where, `d.status = 'submitted'`), args, nil
	}
	where = append(where, `d.status IN ('processing', 'result')`)
	switch q {
	case QueueDueSoon:
		args = append(args, now)
		where = append(where, fmt.Sprintf(`d.step_warn_at <= $%d AND d.step_due_at > $%d`, len(args), len(args)))
	case QueueOverdue:
		args = append(args, now)
		where = append(where, fmt.Sprintf(`(d.step_due_at <= $%d OR d.due_at <= $%d)`, len(args), len(args)))
	case QueueReturned:
		where = append(where, `d.returned = TRUE`)
	}
	return where, args, nil
}

// LateItem is a dossier past its due instant, for leaders.
type LateItem struct {
	View
	DaysLate int // working days past the due day
}

// Late lists the unfinished dossiers past their due instant in the
// leader's agencies (received, decided or being processed there), most
// overdue first: which dossier, how late, at which step, with whom.
func (s *Service) Late(ctx context.Context, p *identity.Principal, limit int) ([]LateItem, error) {
	if p == nil || p.Stage != identity.StageFull || (!p.Has(identity.RoleLeader) && !p.IsSystemAdmin()) {
		return nil, ErrNotYourStep
	}
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	now := sqldb.UTC(s.now())
	args := []any{now}
	where := `d.status IN ('processing', 'result') AND d.due_at <= $1`
	if !p.IsSystemAdmin() {
		ids, err := s.dir.Subtree(ctx, p.AgenciesFor(identity.RoleLeader))
		if err != nil {
			return nil, err
		}
		if len(ids) == 0 {
			return nil, nil
		}
		in := inList(&args, ids)
		where += ` AND (d.receiving_unit_id IN (` + in + `) OR d.decider_id IN (` + in + `) OR d.step_unit_id IN (` + in + `))`
	}
	views, err := s.list(ctx, `SELECT `+viewCols+viewFrom+` WHERE `+where+` ORDER BY d.due_at, d.id LIMIT `+strconv.Itoa(limit), s.db.Fresh(args)...)
	if err != nil {
		return nil, err
	}
	cal, err := s.cals.Calendar(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]LateItem, len(views))
	for i, v := range views {
		out[i] = LateItem{View: v, DaysLate: workingDaysLate(cal, *v.DueAt, now)}
	}
	return out, nil
}
