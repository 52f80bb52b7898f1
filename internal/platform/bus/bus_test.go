package bus_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"

	"egov/internal/platform/bus"
)

func TestEmbeddedKeepsStreamsAcrossRestart(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	b, err := bus.Open(ctx, bus.Options{DataDir: dir, Name: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := b.JS.Publish(ctx, "egov.events.test", []byte("một")); err != nil {
		t.Fatal(err)
	}
	b.Close()

	b, err = bus.Open(ctx, bus.Options{DataDir: dir, Name: "test"})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	s, err := b.JS.Stream(ctx, bus.EventsStream)
	if err != nil {
		t.Fatal(err)
	}
	msg, err := s.GetLastMsgForSubject(ctx, "egov.events.test")
	if err != nil || string(msg.Data) != "một" {
		t.Fatalf("after restart: %v %v", err, msg)
	}
}

func TestExternal(t *testing.T) {
	t.Parallel()
	url := os.Getenv("EGOV_TEST_NATS_URL")
	if url == "" {
		t.Skip("external NATS suite skipped: set EGOV_TEST_NATS_URL (e.g. nats://127.0.0.1:4222)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	b, err := bus.Open(ctx, bus.Options{URL: url, Name: "test"})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := b.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	subject := "egov.events.test." + bus.Token(t.Name())
	ack, err := b.JS.Publish(ctx, subject, []byte("x"))
	if err != nil || ack.Stream != bus.EventsStream {
		t.Fatalf("publish: %v %+v", err, ack)
	}
}

func TestToken(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"000.00.00.H30": "000_00_00_H30",
		"a b>*":         "a_b__",
	} {
		if got := bus.Token(in); got != want {
			t.Errorf("Token(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestExternalDownThenUp: egov starts while its NATS is down, reports the
// bus as not ready, and recovers (streams included) once NATS answers.
func TestExternalDownThenUp(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	ctx := context.Background()
	b, err := bus.Open(ctx, bus.Options{URL: fmt.Sprintf("nats://127.0.0.1:%d", port), Name: "test"})
	if err != nil {
		t.Fatalf("a broker outage must not stop egov from starting: %v", err)
	}
	defer b.Close()
	if err := b.Ping(ctx); err == nil {
		t.Fatal("the bus reports ready while NATS is down")
	}
	ns, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: port, JetStream: true, StoreDir: t.TempDir(), NoSigs: true})
	if err != nil {
		t.Fatal(err)
	}
	ns.Start()
	defer ns.Shutdown()
	deadline := time.Now().Add(10 * time.Second)
	for {
		pctx, cancel := context.WithTimeout(ctx, time.Second)
		err := b.Ping(pctx)
		var serr error
		if err == nil {
			_, serr = b.JS.Stream(pctx, bus.EventsStream)
		}
		cancel()
		if err == nil && serr == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no recovery after NATS came up: %v %v", err, serr)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
