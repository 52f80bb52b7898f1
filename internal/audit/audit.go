// Package audit keeps egov's append-only, hash-chained audit log: every
// state change (who, acting for which agency, what, when, from which IP) is
// appended in the same transaction as the change. Entries form one chain
// per acting agency, so agencies never wait on one global head; periodic
// seals commit to every chain head at once, so that a truncated chain is
// found too. Verify recomputes everything and names each broken entry.
package audit

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"egov/internal/platform/sqldb"
)

// Actor is who acts: carried in the request context.
type Actor struct {
	UserID    int64  // 0 for the system
	Username  string // "system" when no user
	AgencyID  int64  // agency the user acts for; 0 for none
	IP        string
	RequestID string
}

type ctxKey struct{}

// WithActor returns ctx carrying the actor.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, ctxKey{}, a)
}

// ActorFrom returns the actor in ctx, or the system actor.
func ActorFrom(ctx context.Context) Actor {
	if a, ok := ctx.Value(ctxKey{}).(Actor); ok {
		return a
	}
	return Actor{Username: "system"}
}

// Entry is one audited change.
type Entry struct {
	ID         int64
	Chain      string
	Seq        int64
	At         time.Time
	ActorID    int64
	Actor      string
	AgencyID   int64
	Action     string // e.g. "user.create"
	ObjectType string // e.g. "user"
	ObjectID   string
	IP         string
	RequestID  string
	Detail     string // JSON object
	PrevHash   string
	Hash       string
}

// Genesis is the previous hash of a chain's first entry.
const Genesis = "0000000000000000000000000000000000000000000000000000000000000000"

// Log appends and verifies audit entries.
type Log struct {
	db  *sqldb.DB
	now func() time.Time
}

// New returns the log; now is the clock (time.Now in production).
func New(db *sqldb.DB, now func() time.Time) *Log {
	if now == nil {
		now = time.Now
	}
	return &Log{db: db, now: now}
}

// Record appends an entry for the actor in ctx, inside tx. detail is any
// JSON-marshalable value (nil for none); it must hold no secrets.
func (l *Log) Record(ctx context.Context, tx *sql.Tx, action, objectType, objectID string, detail any) error {
	a := ActorFrom(ctx)
	d := []byte("{}")
	if detail != nil {
		var err error
		if d, err = json.Marshal(detail); err != nil {
			return fmt.Errorf("audit: detail: %w", err)
		}
	}
	e := Entry{
		At: sqldb.UTC(l.now()), ActorID: a.UserID, Actor: a.Username, AgencyID: a.AgencyID,
		Action: action, ObjectType: objectType, ObjectID: objectID,
		IP: a.IP, RequestID: a.RequestID, Detail: string(d),
	}
	if e.Actor == "" {
		e.Actor = "system"
	}
	e.Chain = "system"
	if a.AgencyID != 0 {
		e.Chain = "agency:" + strconv.FormatInt(a.AgencyID, 10)
	}
	if _, err := tx.ExecContext(ctx,
		`INSERT INTO audit_chains(chain, seq, head_hash) VALUES ($1, 0, $2) ON CONFLICT (chain) DO NOTHING`,
		e.Chain, Genesis); err != nil {
		return fmt.Errorf("audit: chain: %w", err)
	}
	if err := tx.QueryRowContext(ctx,
		`SELECT seq, head_hash FROM audit_chains WHERE chain = $1`+l.db.ForUpdate(), e.Chain).
		Scan(&e.Seq, &e.PrevHash); err != nil {
		return fmt.Errorf("audit: chain head: %w", err)
	}
	e.Seq++
	e.Hash = e.computeHash()
	if _, err := tx.ExecContext(ctx, `INSERT INTO audit_log
		(chain, seq, at, actor_id, actor, agency_id, action, object_type, object_id, ip, request_id, detail, prev_hash, hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
		e.Chain, e.Seq, e.At, e.ActorID, e.Actor, e.AgencyID, e.Action, e.ObjectType, e.ObjectID,
		e.IP, e.RequestID, e.Detail, e.PrevHash, e.Hash); err != nil {
		return fmt.Errorf("audit: append: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE audit_chains SET seq = $2, head_hash = $3 WHERE chain = $1`,
		e.Chain, e.Seq, e.Hash); err != nil {
		return fmt.Errorf("audit: head: %w", err)
	}
	return nil
}

// computeHash chains the entry to its predecessor. The encoding is a JSON
// array in a fixed order: change it only with a new chain version.
func (e *Entry) computeHash() string {
	rec, _ := json.Marshal([]any{
		e.Chain, e.Seq, e.At.UTC().Format(time.RFC3339Nano), e.ActorID, e.Actor, e.AgencyID,
		e.Action, e.ObjectType, e.ObjectID, e.IP, e.RequestID, e.Detail,
	})
	h := sha256.New()
	h.Write([]byte(e.PrevHash))
	h.Write([]byte{'\n'})
	h.Write(rec)
	return hex.EncodeToString(h.Sum(nil))
}

// Problem is one finding of Verify.
type Problem struct {
	Chain string
	Seq   int64
	Kind  string // changed, removed, reordered, truncated, seal
	What  string
}

func (p Problem) String() string {
	return fmt.Sprintf("chain %s entry %d: %s: %s", p.Chain, p.Seq, p.Kind, p.What)
}

// Report is the result of Verify.
type Report struct {
	Chains, Entries, Seals int
	Problems               []Problem
}

// OK reports whether the log is intact.
func (r Report) OK() bool { return len(r.Problems) == 0 }

// Verify recomputes every chain and seal.
func (l *Log) Verify(ctx context.Context) (Report, error) {
	var rep Report
	rows, err := l.db.R.QueryContext(ctx, `SELECT id, chain, seq, at, actor_id, actor, agency_id, action, object_type,
		object_id, ip, request_id, detail, prev_hash, hash FROM audit_log ORDER BY chain, seq, id`)
	if err != nil {
		return rep, err
	}
	defer rows.Close()
	type head struct {
		seq  int64
		hash string
	}
	last := map[string]head{}
	hashes := map[string]map[int64]string{}
	cur := ""
	var prev head
	for rows.Next() {
		var e Entry
		if err := rows.Scan(&e.ID, &e.Chain, &e.Seq, &e.At, &e.ActorID, &e.Actor, &e.AgencyID, &e.Action,
			&e.ObjectType, &e.ObjectID, &e.IP, &e.RequestID, &e.Detail, &e.PrevHash, &e.Hash); err != nil {
			return rep, err
		}
		rep.Entries++
		if e.Chain != cur {
			cur, prev = e.Chain, head{0, Genesis}
			rep.Chains++
			hashes[cur] = map[int64]string{}
		}
		switch {
		case e.Seq == prev.seq:
			rep.Problems = append(rep.Problems, Problem{e.Chain, e.Seq, "reordered", "two entries have the same number"})
		case e.Seq != prev.seq+1:
			rep.Problems = append(rep.Problems, Problem{e.Chain, prev.seq + 1, "removed",
				fmt.Sprintf("entries %d to %d are missing", prev.seq+1, e.Seq-1)})
		}
		if e.computeHash() != e.Hash {
			rep.Problems = append(rep.Problems, Problem{e.Chain, e.Seq, "changed", "the entry's content does not match its hash"})
		} else if e.PrevHash != prev.hash && e.Seq == prev.seq+1 {
			rep.Problems = append(rep.Problems, Problem{e.Chain, e.Seq, "reordered", "the entry does not follow its predecessor"})
		}
		prev = head{e.Seq, e.Hash}
		last[cur] = prev
		hashes[cur][e.Seq] = e.Hash
	}
	if err := rows.Err(); err != nil {
		return rep, err
	}
	rows.Close()

	// The head table must agree with the last entry of each chain.
	hrows, err := l.db.R.QueryContext(ctx, `SELECT chain, seq, head_hash FROM audit_chains ORDER BY chain`)
	if err != nil {
		return rep, err
	}
	defer hrows.Close()
	for hrows.Next() {
		var c string
		var h head
		if err := hrows.Scan(&c, &h.seq, &h.hash); err != nil {
			return rep, err
		}
		got := last[c]
		if h.seq > got.seq {
			rep.Problems = append(rep.Problems, Problem{c, got.seq + 1, "truncated",
				fmt.Sprintf("the chain ends at entry %d but its head says %d", got.seq, h.seq)})
		} else if h.seq == got.seq && h.hash != got.hash && h.seq > 0 {
			rep.Problems = append(rep.Problems, Problem{c, h.seq, "changed", "the chain head does not match the last entry"})
		}
	}
	if err := hrows.Err(); err != nil {
		return rep, err
	}
	hrows.Close()

	// Seals: each must chain to the previous one, and every head it
	// committed to must still be there unchanged.
	srows, err := l.db.R.QueryContext(ctx, `SELECT slot, heads, prev_digest, digest FROM audit_seals ORDER BY slot`)
	if err != nil {
		return rep, err
	}
	defer srows.Close()
	prevDigest := Genesis
	for srows.Next() {
		var s seal
		if err := srows.Scan(&s.Slot, &s.Heads, &s.PrevDigest, &s.Digest); err != nil {
			return rep, err
		}
		rep.Seals++
		slot := s.Slot.UTC().Format(time.RFC3339)
		if s.PrevDigest != prevDigest || s.computeDigest() != s.Digest {
			rep.Problems = append(rep.Problems, Problem{"seals", 0, "seal", "the seal of " + slot + " is altered or out of order"})
		}
		prevDigest = s.Digest
		var heads map[string]sealHead
		if err := json.Unmarshal([]byte(s.Heads), &heads); err != nil {
			rep.Problems = append(rep.Problems, Problem{"seals", 0, "seal", "the seal of " + slot + " is unreadable"})
			continue
		}
		for c, h := range heads {
			if h.Seq == 0 {
				continue
			}
			if got, ok := hashes[c][h.Seq]; !ok {
				rep.Problems = append(rep.Problems, Problem{c, h.Seq, "truncated", "entry sealed at " + slot + " is missing"})
			} else if got != h.Hash {
				rep.Problems = append(rep.Problems, Problem{c, h.Seq, "changed", "entry differs from what was sealed at " + slot})
			}
		}
	}
	return rep, srows.Err()
}

type sealHead struct {
	Seq  int64  `json:"seq"`
	Hash string `json:"hash"`
}

type seal struct {
	Slot       time.Time
	Heads      string
	PrevDigest string
	Digest     string
}

func (s seal) computeDigest() string {
	h := sha256.New()
	h.Write([]byte(s.PrevDigest))
	h.Write([]byte{'\n'})
	h.Write([]byte(s.Slot.UTC().Format(time.RFC3339Nano)))
	h.Write([]byte{'\n'})
	h.Write([]byte(s.Heads))
	return hex.EncodeToString(h.Sum(nil))
}

// ErrAlreadySealed means the slot has its seal (another replica made it).
var ErrAlreadySealed = errors.New("audit: slot already sealed")

// Seal commits to every chain head for the schedule slot, inside tx.
func (l *Log) Seal(ctx context.Context, tx *sql.Tx, slot time.Time) error {
	slot = sqldb.UTC(slot)
	var exists int
	err := tx.QueryRowContext(ctx, `SELECT count(*) FROM audit_seals WHERE slot = $1`, slot).Scan(&exists)
	if err != nil {
		return err
	}
	if exists > 0 {
		return ErrAlreadySealed
	}
	rows, err := tx.QueryContext(ctx, `SELECT chain, seq, head_hash FROM audit_chains ORDER BY chain`)
	if err != nil {
		return err
	}
	heads := map[string]sealHead{}
	for rows.Next() {
		var c string
		var h sealHead
		if err := rows.Scan(&c, &h.Seq, &h.Hash); err != nil {
			rows.Close()
			return err
		}
		heads[c] = h
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	hj, _ := json.Marshal(heads) // map keys are sorted: deterministic
	s := seal{Slot: slot, Heads: string(hj), PrevDigest: Genesis}
	err = tx.QueryRowContext(ctx, `SELECT digest FROM audit_seals ORDER BY slot DESC LIMIT 1`).Scan(&s.PrevDigest)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	s.Digest = s.computeDigest()
	_, err = tx.ExecContext(ctx, `INSERT INTO audit_seals(slot, sealed_at, heads, prev_digest, digest) VALUES ($1, $2, $3, $4, $5)`,
		s.Slot, sqldb.UTC(l.now()), s.Heads, s.PrevDigest, s.Digest)
	if sqldb.IsUniqueViolation(err) {
		return ErrAlreadySealed
	}
	return err
}

// Recent lists the newest entries (for the admin page), newest first.
func (l *Log) Recent(ctx context.Context, limit int) ([]Entry, error) {
	rows, err := l.db.R.QueryContext(ctx, `SELECT id, chain, seq, at, actor_id, actor, agency_id, action, object_type,
		object_id, ip, request_id, detail, prev_hash, hash FROM audit_log ORDER BY id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		var e Entry
		if err := rows.Scan(&e.ID, &e.Chain, &e.Seq, &e.At, &e.ActorID, &e.Actor, &e.AgencyID, &e.Action,
			&e.ObjectType, &e.ObjectID, &e.IP, &e.RequestID, &e.Detail, &e.PrevHash, &e.Hash); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
