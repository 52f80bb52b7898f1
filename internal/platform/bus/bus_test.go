package bus_test

import (
	"context"
	"os"
	"testing"
	"time"

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

func TestExternalUnreachableFailsClearly(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := bus.Open(ctx, bus.Options{URL: "nats://127.0.0.1:1", Name: "test"})
	if err == nil {
		t.Fatal("want error")
	}
}
