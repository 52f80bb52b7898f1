package dossiergen

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"egov/internal/dossier"
	"egov/internal/platform/sqldb"
)

// writer stores a batch of dossiers in one transaction: it reserves their
// IDs and code numbers, then writes the dossiers and what hangs off them.
type writer interface {
	write(ctx context.Context, rows []*row) error
	close()
}

var (
	dossierCols = []string{"id", "code", "procedure_code", "procedure_version", "workflow_key", "workflow_version", "form_key", "form_version",
		"receiving_unit_id", "applicant_id", "applicant_name", "channel", "status", "step", "data", "submitted_at", "received_at", "due_at",
		"updated_at", "applicant_pid", "applicant_phone", "decider_id", "step_unit_id", "step_role", "step_started_at", "step_due_at",
		"step_warn_at", "step_late", "returned", "clock", "clock_started_at", "paused_at", "paused_step", "applicant_seconds", "due_why",
		"overdue", "supplements", "extensions", "results", "finished_at", "outcome", "fees_due", "fees_paid", "rating", "rating_comment",
		"rating_changes", "version"}
	eventCols   = []string{"dossier_id", "at", "action", "step", "to_step", "actor_id", "actor", "unit_id", "from_unit_id", "step_due_at", "outcome", "note", "data"}
	branchCols  = []string{"dossier_id", "step", "agency_id", "lead", "task", "status", "sent_at", "due_at", "done_at", "outcome", "note"}
	paymentCols = []string{"dossier_id", "amount", "method", "reference", "at"}
)

func (r *row) values() []any {
	rating := any(nil)
	if r.rating > 0 {
		rating = r.rating
	}
	return []any{r.id, r.code, r.p.p.Code, r.p.procV, r.p.wf.Key, r.p.wfV, r.p.p.Form, r.p.formV,
		r.u.unit.ID, r.c.id, r.c.name, string(r.channel), string(r.status), r.step, r.data, sqldb.UTC(r.submitted), utc(r.received), utc(r.due),
		sqldb.UTC(r.updated), r.c.pid, r.c.phone, r.u.decider, r.stepUnit, r.stepRole, utc(r.stepStarted), utc(r.stepDue),
		utc(r.stepWarn), r.stepLate, false, string(r.clock), utc(r.clockStarted), utc(r.pausedAt), r.pausedStep, r.applicantSeconds, r.dueWhy,
		r.overdue, r.supplements, 0, r.results, utc(r.finished), string(r.outcome), r.p.fees, r.feesPaid, rating, r.ratingComment,
		0, r.version}
}

func (e event) values(r *row) []any {
	data := e.data
	if e.withCode {
		data = strings.ReplaceAll(data, codeMark, r.code)
	}
	return []any{r.id, sqldb.UTC(e.at), e.action, e.step, e.toStep, nullID(e.actorID), e.actor, nullID(e.unit), nullID(e.fromUnit),
		utc(e.stepDue), string(e.outcome), e.note, data}
}

func (b branch) values(r *row) []any {
	return []any{r.id, b.step, b.agency, b.lead, b.task, b.status, sqldb.UTC(b.sent), sqldb.UTC(b.due), utc(b.done), string(b.outcome), ""}
}

func (p payment) values(r *row) []any {
	return []any{r.id, p.amount, "cash", "", sqldb.UTC(p.at)}
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// children flattens what hangs off the batch's dossiers, in order.
func children(rows []*row) (events, branches, payments [][]any) {
	for _, r := range rows {
		for _, e := range r.events {
			events = append(events, e.values(r))
		}
		for _, b := range r.branches {
			branches = append(branches, b.values(r))
		}
		for _, p := range r.payments {
			payments = append(payments, p.values(r))
		}
	}
	return
}

// querier runs a query in the batch's transaction (database/sql on
// SQLite, pgx on PostgreSQL).
type querier func(ctx context.Context, q string, args ...any) (scanner, error)

type scanner interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
	Close()
}

// reserve takes the batch's code numbers: per unit and day, one atomic
// upsert adds the batch's count to dossier_sequences, as Submit's nextCode
// adds one, so live submissions and other runs never get the same
// number; the batch's dossiers of that unit and day then take the block
// just reserved, in the order they were submitted.
func reserve(ctx context.Context, q querier, numbered bool, rows []*row) error {
	type key struct {
		unit int64
		day  string
	}
	counts := map[key]int{}
	var keys []key
	for _, r := range rows {
		k := key{r.u.unit.ID, r.day}
		if counts[k] == 0 {
			keys = append(keys, k)
		}
		counts[k]++
	}
	next := map[key]int{}
	const chunk = 5000
	for len(keys) > 0 {
		part := keys[:min(chunk, len(keys))]
		keys = keys[len(part):]
		var b strings.Builder
		b.WriteString(`INSERT INTO dossier_sequences(unit_id, day, last) VALUES `)
		args := make([]any, 0, 3*len(part))
		for i, k := range part {
			if i > 0 {
				b.WriteString(", ")
			}
			if numbered {
				fmt.Fprintf(&b, "($%d, $%d, $%d)", 3*i+1, 3*i+2, 3*i+3)
			} else {
				b.WriteString("(?, ?, ?)")
			}
			args = append(args, k.unit, k.day, counts[k])
		}
		b.WriteString(` ON CONFLICT (unit_id, day) DO UPDATE SET last = dossier_sequences.last + excluded.last RETURNING unit_id, day, last`)
		res, err := q(ctx, b.String(), args...)
		if err != nil {
			return fmt.Errorf("dossier sequences: %w", err)
		}
		for res.Next() {
			var k key
			var last int
			if err := res.Scan(&k.unit, &k.day, &last); err != nil {
				res.Close()
				return err
			}
			next[k] = last - counts[k] + 1
		}
		res.Close()
		if err := res.Err(); err != nil {
			return err
		}
	}
	for _, r := range rows {
		k := key{r.u.unit.ID, r.day}
		n, ok := next[k]
		if !ok {
			return fmt.Errorf("dossier sequences: no number reserved for unit %d on %s", k.unit, k.day)
		}
		r.code = dossier.Code(r.u.unit.Code, r.submitted, n)
		next[k] = n + 1
	}
	return nil
}

// pgWriter copies each batch with COPY, in a pgx transaction on the
// database's pool.
type pgWriter struct{ db *sqldb.DB }

type pgRows struct{ pgx.Rows }

func (r pgRows) Close() { r.Rows.Close() }

func (w *pgWriter) close() {}

func (w *pgWriter) write(ctx context.Context, rows []*row) error {
	tx, err := w.db.Pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback(ctx) }()
	q := func(ctx context.Context, s string, args ...any) (scanner, error) {
		r, err := tx.Query(ctx, s, args...)
		return pgRows{r}, err
	}
	// IDs from the identity's own sequence, so that later submissions
	// continue after them.
	res, err := q(ctx, `SELECT nextval(pg_get_serial_sequence('dossiers', 'id')) FROM generate_series(1, $1)`, len(rows))
	if err != nil {
		return err
	}
	ids := make([]int64, 0, len(rows))
	for res.Next() {
		var id int64
		if err := res.Scan(&id); err != nil {
			res.Close()
			return err
		}
		ids = append(ids, id)
	}
	res.Close()
	if err := res.Err(); err != nil {
		return err
	}
	slices.Sort(ids)
	for i, r := range rows {
		r.id = ids[i]
	}
	if err := reserve(ctx, q, true, rows); err != nil {
		return err
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"dossiers"}, dossierCols, pgx.CopyFromSlice(len(rows), func(i int) ([]any, error) {
		return rows[i].values(), nil
	})); err != nil {
		return fmt.Errorf("copy dossiers: %w", err)
	}
	events, branches, payments := children(rows)
	for _, t := range []struct {
		table string
		cols  []string
		rows  [][]any
	}{{"dossier_events", eventCols, events}, {"dossier_branches", branchCols, branches}, {"dossier_payments", paymentCols, payments}} {
		if len(t.rows) == 0 {
			continue
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{t.table}, t.cols, pgx.CopyFromRows(t.rows)); err != nil {
			return fmt.Errorf("copy %s: %w", t.table, err)
		}
	}
	return tx.Commit(ctx)
}

// sqliteWriter inserts each batch with multi-row INSERTs on the single
// writer connection.
type sqliteWriter struct {
	db    *sqldb.DB
	stmts map[string]*sql.Stmt
}

type sqlRows struct{ *sql.Rows }

func (r sqlRows) Close() { _ = r.Rows.Close() }

var sqliteTables = []struct {
	table string
	cols  []string
}{{"dossiers", dossierCols}, {"dossier_events", eventCols}, {"dossier_branches", branchCols}, {"dossier_payments", paymentCols}}

func (w *sqliteWriter) write(ctx context.Context, rows []*row) error {
	// Prepared before the transaction, which holds the only writer
	// connection, and reused in it (on the same connection).
	if w.stmts == nil {
		w.stmts = map[string]*sql.Stmt{}
		for _, t := range sqliteTables {
			for _, n := range chunkSizes(t.cols) {
				if _, err := w.stmt(ctx, t.table, t.cols, n); err != nil {
					return err
				}
			}
		}
	}
	return w.db.Tx(ctx, func(tx *sql.Tx) error {
		q := func(ctx context.Context, s string, args ...any) (scanner, error) {
			r, err := tx.QueryContext(ctx, s, args...)
			if err != nil {
				return nil, err
			}
			return sqlRows{r}, nil
		}
		// The transaction holds the only writer, so the next IDs are free.
		var maxID int64
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM dossiers`).Scan(&maxID); err != nil {
			return err
		}
		for i, r := range rows {
			r.id = maxID + int64(i) + 1
		}
		if err := reserve(ctx, q, false, rows); err != nil {
			return err
		}
		all := make([][]any, len(rows))
		for i, r := range rows {
			all[i] = r.values()
		}
		events, branches, payments := children(rows)
		for _, t := range []struct {
			table string
			cols  []string
			rows  [][]any
		}{{"dossiers", dossierCols, all}, {"dossier_events", eventCols, events}, {"dossier_branches", branchCols, branches},
			{"dossier_payments", paymentCols, payments}} {
			if err := w.insertMany(ctx, tx, t.table, t.cols, t.rows); err != nil {
				return fmt.Errorf("insert %s: %w", t.table, err)
			}
		}
		return nil
	})
}

// insertMany inserts rows with as many rows per statement as SQLite's
// limit of 32,766 parameters allows. Statements are prepared once per
// table and size: parsing one of these is as costly as running it. The
// rows left over after the full chunks go in by smaller statements.
func (w *sqliteWriter) insertMany(ctx context.Context, tx *sql.Tx, table string, cols []string, rows [][]any) error {
	sizes := chunkSizes(cols)
	args := make([]any, 0, sizes[0]*len(cols))
	for len(rows) > 0 {
		n := 1
		for _, s := range sizes {
			if s <= len(rows) {
				n = s
				break
			}
		}
		st, err := w.stmt(ctx, table, cols, n)
		if err != nil {
			return err
		}
		args = args[:0]
		for _, r := range rows[:n] {
			args = append(args, r...)
		}
		if _, err := tx.StmtContext(ctx, st).ExecContext(ctx, args...); err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}

func chunkSizes(cols []string) []int { return []int{32000 / len(cols), 256, 32, 4, 1} }

func (w *sqliteWriter) stmt(ctx context.Context, table string, cols []string, n int) (*sql.Stmt, error) {
	key := fmt.Sprintf("%s/%d", table, n)
	if st, ok := w.stmts[key]; ok {
		return st, nil
	}
	// Anonymous "?" parameters: SQLite looks numbered ones ($1) up by
	// name, which is quadratic in their number.
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
	q := fmt.Sprintf("INSERT INTO %s(%s) VALUES %s", table, strings.Join(cols, ", "),
		strings.TrimSuffix(strings.Repeat(one+", ", n), ", "))
	st, err := w.db.W.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	w.stmts[key] = st
	return st, nil
}

func (w *sqliteWriter) close() {
	for _, st := range w.stmts {
		_ = st.Close()
	}
}
