// Package bench holds egov's benchmarks: the in-process handler benchmark
// here (go test -bench), and the commands under bench/cmd that measure a
// running egov binary (cold start, memory, throughput). See
// docs/benchmarks.md. Nothing here is a pass/fail test.
package bench

import (
	"context"
	"encoding/base64"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"testing"

	"egov/bench/internal/benchkit"
	"egov/internal/app"
	"egov/internal/config"
)

var egov struct {
	once    sync.Once
	handler http.Handler
	err     error
	stop    func()
}

// egovHandler builds egov in-process once, on a fresh demo data dir, with
// the production logger (JSON at info) writing to nowhere. TestMain stops
// it.
func egovHandler(b *testing.B) http.Handler {
	b.Helper()
	egov.once.Do(func() {
		dir, err := os.MkdirTemp("", "egov-bench-")
		if err != nil {
			egov.err = err
			return
		}
		env := map[string]string{
			"EGOV_ADDR": "127.0.0.1:0", "EGOV_PUBLIC_URL": "http://127.0.0.1", "EGOV_DATA_DIR": dir,
			"EGOV_DEMO": "1", "EGOV_DEMO_PASSWORD": benchkit.DemoPassword,
			"EGOV_MASTER_KEY": base64.StdEncoding.EncodeToString(make([]byte, 32)),
		}
		cfg, err := config.Load(func(k string) string { return env[k] })
		if err != nil {
			egov.err = err
			return
		}
		log := slog.New(slog.NewJSONHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelInfo}))
		ctx, cancel := context.WithCancel(context.Background())
		a, err := app.New(ctx, cfg, log, app.Options{Stdout: io.Discard})
		if err != nil {
			cancel()
			os.RemoveAll(dir)
			egov.err = err
			return
		}
		done := make(chan error, 1)
		go func() { done <- a.Run(ctx) }() // as in production: jobs and bus running beside the handler
		egov.handler = a.Handler()
		egov.stop = func() {
			cancel()
			<-done
			os.RemoveAll(dir)
		}
	})
	if egov.err != nil {
		b.Fatal(egov.err)
	}
	return egov.handler
}

func TestMain(m *testing.M) {
	code := m.Run()
	if egov.stop != nil {
		egov.stop()
	}
	os.Exit(code)
}

// BenchmarkDueHandler is the cost of one /api/v1/calendar/due request in
// egov's handler (middleware, router, huma, calendar) against the bare
// baseline handler, without the network: compare the ns/op of the two
// sub-benchmarks, and profile with
//
//	go test -run '^$' -bench DueHandler/egov -cpuprofile /tmp/due.cpu ./bench
func BenchmarkDueHandler(b *testing.B) {
	paths := benchkit.DuePaths(4096)
	run := func(b *testing.B, h http.Handler) {
		reqs := make([]*http.Request, len(paths))
		for i, p := range paths {
			reqs[i] = httptest.NewRequest(http.MethodGet, p, nil)
			reqs[i].RemoteAddr = "127.0.0.1:40000"
		}
		b.ReportAllocs()
		b.ResetTimer()
		i := 0
		for b.Loop() {
			w := httptest.NewRecorder()
			r := *reqs[i%len(reqs)] // the middleware replaces r.Body: never reuse one request
			h.ServeHTTP(w, &r)
			if w.Code != http.StatusOK {
				b.Fatalf("%s: %d %s", paths[i%len(paths)], w.Code, w.Body)
			}
			i++
		}
	}
	b.Run("bare", func(b *testing.B) { run(b, benchkit.BareHandler()) })
	b.Run("egov", func(b *testing.B) { run(b, egovHandler(b)) })
}
