// Package dossierbench measures egov's dossier paths on a database
// loaded by `egov bench generate`, each against a baseline measured in
// the same run: public tracking through egov's HTTP server against a bare
// net/http handler, online submission (dossier.Service.Submit) against
// plain INSERTs of the same rows, and officials' work queues
// (dossier.Service.Queue, and the API route) against reading the same page
// of dossiers by ID. bench/cmd/dossierload runs them; bench/dossier_test.go
// keeps them working on a small database.
package dossierbench

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"path/filepath"
	"time"

	"egov/bench/internal/benchkit"
	"egov/internal/app"
	"egov/internal/config"
	"egov/internal/httpx"
	"egov/internal/platform/sqldb"
)

// OpenCore opens the configured database (EGOV_DATABASE_URL, or SQLite in
// EGOV_DATA_DIR) with egov's services, as the command-line tools do.
func OpenCore(ctx context.Context, getenv func(string) string) (*app.Core, error) {
	cfg, err := config.Load(getenv)
	if err != nil {
		return nil, err
	}
	return app.OpenCore(ctx, cfg, quietLog(), nil)
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// LooseTrackLimit is the tracking limiter of the benchmark server: the
// same limiter on every request (a lock and a map look-up per client), at
// a rate no load generator reaches, since the load comes from one client
// address. Production allows 60 look-ups a minute per client.
func LooseTrackLimit() *httpx.Limiter { return httpx.NewLimiter(1<<40, 1<<30) }

// ServeEgov runs egov as `egov serve` does (the configuration from
// getenv, production logging as JSON at the configured level to logw,
// jobs and bus running), on ln, with the loose tracking limiter, until ctx
// ends.
func ServeEgov(ctx context.Context, getenv func(string) string, ln net.Listener, logw io.Writer) error {
	cfg, err := config.Load(getenv)
	if err != nil {
		return err
	}
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	log := slog.New(slog.NewJSONHandler(logw, &slog.HandlerOptions{Level: level}))
	a, err := app.New(ctx, cfg, log, app.Options{Listener: ln, TrackLimit: LooseTrackLimit(), Stdout: io.Discard})
	if err != nil {
		return err
	}
	return a.Run(ctx)
}

// ServeBare is the baseline server: a plain net/http handler that answers
// every GET with body, as JSON, until ctx ends.
func ServeBare(ctx context.Context, ln net.Listener, body []byte) error {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "ok\n") })
	mux.HandleFunc("GET /", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	})
	return benchkit.Serve(ctx, ln, mux)
}

// Sample is a dossier to look up: its code and the four digits that
// unlock its personal data.
type Sample struct {
	ID     int64
	Code   string
	Unlock string
}

// Samples draws n dossiers at random over the whole table (by ID, so the
// draw costs n index look-ups, not a scan).
func Samples(ctx context.Context, db *sql.DB, n int, rng *rand.Rand) ([]Sample, error) {
	var lo, hi int64
	if err := db.QueryRowContext(ctx, `SELECT COALESCE(MIN(id), 0), COALESCE(MAX(id), 0) FROM dossiers`).Scan(&lo, &hi); err != nil {
		return nil, err
	}
	if hi == 0 {
		return nil, errors.New("no dossiers: load some with egov bench generate --dossiers N")
	}
	var out []Sample
	for tries := 0; len(out) < n && tries < 20*n; tries++ {
		var s Sample
		var pid, phone string
		err := db.QueryRowContext(ctx, `SELECT id, code, applicant_pid, applicant_phone FROM dossiers WHERE id >= $1 ORDER BY id LIMIT 1`,
			lo+rng.Int64N(hi-lo+1)).Scan(&s.ID, &s.Code, &pid, &phone)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return nil, err
		}
		switch {
		case rng.IntN(2) == 0: // half the look-ups unlock with the ID or the phone
		case len(pid) >= 4 && rng.IntN(2) == 0:
			s.Unlock = pid[len(pid)-4:]
		case len(phone) >= 4:
			s.Unlock = phone[len(phone)-4:]
		}
		out = append(out, s)
	}
	return out, nil
}

// ServeBareDB is the second baseline: a plain net/http handler that does
// the look-up itself with database/sql — the dossier by its code with its
// unit's name, then its history with the units' names, procedure names
// from a map loaded at start — and writes the same JSON shape as egov's
// tracking answer. It is the least a tracking service has to do; egov's
// ratio to it is egov's own overhead (middleware, router, validation,
// services).
func ServeBareDB(ctx context.Context, getenv func(string) string, ln net.Listener) error {
	cfg, err := config.Load(getenv)
	if err != nil {
		return err
	}
	db, err := sqldb.Open(ctx, sqldb.Options{URL: cfg.DatabaseURL, Path: filepath.Join(cfg.DataDir, "egov.db"), Sync: cfg.SQLiteSync})
	if err != nil {
		return err
	}
	defer db.Close()
	names := map[string]string{}
	rows, err := db.R.QueryContext(ctx, `SELECT key, body FROM catalog_items WHERE kind = 'procedure'`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var key, body string
		var p struct {
			Name string `json:"name"`
		}
		if err := rows.Scan(&key, &body); err != nil {
			rows.Close()
			return err
		}
		_ = json.Unmarshal([]byte(body), &p)
		names[key] = p.Name
	}
	rows.Close()
	type event struct {
		At     string `json:"at"`
		Action string `json:"action"`
		Unit   string `json:"unit,omitempty"`
	}
	type answer struct {
		Code          string   `json:"code"`
		ProcedureCode string   `json:"procedure_code"`
		Procedure     string   `json:"procedure,omitempty"`
		Status        string   `json:"status"`
		SubmittedAt   string   `json:"submitted_at"`
		ReceivedAt    string   `json:"received_at,omitempty"`
		DueAt         string   `json:"due_at,omitempty"`
		Unit          string   `json:"unit,omitempty"`
		Events        []event  `json:"events"`
		Unlocked      bool     `json:"unlocked"`
		Applicant     string   `json:"applicant,omitempty"`
		Notes         []string `json:"notes,omitempty"`
	}
	ict := time.FixedZone("ICT", 7*3600)
	stamp := func(t sql.NullTime) string {
		if !t.Valid {
			return ""
		}
		return t.Time.In(ict).Format(time.RFC3339)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "ok\n") })
	mux.HandleFunc("GET /api/v1/tracking/{code}", func(w http.ResponseWriter, r *http.Request) {
		var a answer
		var id int64
		var sub, rec, due sql.NullTime
		var pid, phone, name string
		err := db.R.QueryRowContext(r.Context(), `SELECT d.id, d.code, d.procedure_code, d.status, d.submitted_at, d.received_at, d.due_at,
			a.name, d.applicant_pid, d.applicant_phone, d.applicant_name FROM dossiers d JOIN agencies a ON a.id = d.receiving_unit_id
			WHERE d.code = $1`, r.PathValue("code")).Scan(&id, &a.Code, &a.ProcedureCode, &a.Status, &sub, &rec, &due, &a.Unit, &pid, &phone, &name)
		if errors.Is(err, sql.ErrNoRows) {
			http.NotFound(w, r)
			return
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		a.Procedure, a.SubmittedAt, a.ReceivedAt, a.DueAt = names[a.ProcedureCode], stamp(sub), stamp(rec), stamp(due)
		if u := r.URL.Query().Get("unlock"); len(u) == 4 {
			a.Unlocked = (len(pid) >= 4 && pid[len(pid)-4:] == u) || (len(phone) >= 4 && phone[len(phone)-4:] == u)
		}
		rows, err := db.R.QueryContext(r.Context(), `SELECT e.at, e.action, COALESCE(a.name, ''), e.note FROM dossier_events e
			LEFT JOIN agencies a ON a.id = e.unit_id WHERE e.dossier_id = $1 ORDER BY e.id`, id)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		a.Events = []event{}
		for rows.Next() {
			var at sql.NullTime
			var e event
			var note string
			if err := rows.Scan(&at, &e.Action, &e.Unit, &note); err != nil {
				rows.Close()
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			e.At = stamp(at)
			a.Events = append(a.Events, e)
			if a.Unlocked && note != "" {
				a.Notes = append(a.Notes, note)
			}
		}
		rows.Close()
		if a.Unlocked {
			a.Applicant = name
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(a)
	})
	return benchkit.Serve(ctx, ln, mux)
}
