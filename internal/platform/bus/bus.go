// Package bus connects egov to NATS with JetStream: a server embedded in
// the process for the single-machine default, or an external cluster. The
// database stays the record of what was acknowledged; the bus carries
// events between replicas (and, later, agencies) and may lose a tail that
// redelivery and idempotent receivers cover.
package bus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Options say which NATS to use.
type Options struct {
	URL     string // external server; empty embeds one
	DataDir string // JetStream store of the embedded server
	Name    string // client name (the replica)
	Log     *slog.Logger
}

// Bus is a live NATS connection with JetStream.
type Bus struct {
	log      *slog.Logger
	NC       *nats.Conn
	JS       jetstream.JetStream
	server   *server.Server // embedded only
	embedded bool
}

// EventsStream keeps egov's domain events (subjects "egov.events.>").
const EventsStream = "EGOV_EVENTS"

// Open starts the embedded server or connects to the external one, and
// makes sure egov's streams exist. An external server that is down does
// not stop egov: the connection is retried in the background, readiness
// reports the bus as not ready meanwhile, and the streams are created once
// it answers (the database, not the bus, holds what was acknowledged).
func Open(ctx context.Context, o Options) (*Bus, error) {
	b := &Bus{log: o.Log}
	if b.log == nil {
		b.log = slog.New(slog.DiscardHandler)
	}
	// The handlers may fire before Open has built the JetStream handle.
	ready := make(chan struct{})
	defer func() {
		select {
		case <-ready:
		default:
			close(ready)
		}
	}()
	ensure := func(*nats.Conn) {
		go func() {
			<-ready
			if b.JS != nil {
				_ = b.ensureStreams(context.Background())
			}
		}()
	}
	opts := []nats.Option{
		nats.Name("egov " + o.Name),
		nats.MaxReconnects(-1),
		nats.ReconnectWait(500 * time.Millisecond),
		nats.ConnectHandler(ensure),
	}
	if o.Log != nil {
		log := o.Log
		opts = append(opts,
			nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
				if err != nil {
					log.Warn("bus disconnected", "err", err)
				}
			}),
			nats.ReconnectHandler(func(nc *nats.Conn) { log.Info("bus reconnected"); ensure(nc) }))
	}
	url := o.URL
	if url == "" {
		ns, err := server.NewServer(&server.Options{
			ServerName: "egov-embedded",
			DontListen: true,
			JetStream:  true,
			StoreDir:   filepath.Join(o.DataDir, "nats"),
			NoSigs:     true,
		})
		if err != nil {
			return nil, fmt.Errorf("bus: embedded server: %w", err)
		}
		ns.Start()
		if !ns.ReadyForConnections(10 * time.Second) {
			ns.Shutdown()
			return nil, errors.New("bus: embedded server did not start")
		}
		b.server, b.embedded = ns, true
		opts = append(opts, nats.InProcessServer(ns))
	} else {
		opts = append(opts, nats.RetryOnFailedConnect(true))
	}
	nc, err := nats.Connect(url, opts...)
	if err != nil {
		b.shutdownServer()
		return nil, fmt.Errorf("bus: connect to %s: %w", displayURL(url), err)
	}
	b.NC = nc
	js, err := jetstream.New(nc)
	if err != nil {
		b.Close()
		return nil, err
	}
	b.JS = js
	close(ready)
	if !b.embedded && !nc.IsConnected() {
		b.log.Warn("bus not reachable yet; retrying in the background", "url", displayURL(url))
		return b, nil
	}
	if err := b.ensureStreams(ctx); err != nil {
		b.Close()
		return nil, fmt.Errorf("bus: JetStream is not available at %s: %w", displayURL(url), err)
	}
	return b, nil
}

// ensureStreams creates or updates egov's streams.
func (b *Bus) ensureStreams(ctx context.Context) error {
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	_, err := b.JS.CreateOrUpdateStream(cctx, jetstream.StreamConfig{
		Name:      EventsStream,
		Subjects:  []string{"egov.events.>"},
		Storage:   jetstream.FileStorage,
		Retention: jetstream.LimitsPolicy,
		MaxAge:    30 * 24 * time.Hour,
	})
	if err != nil {
		b.log.Warn("bus: cannot create streams", "err", err)
	}
	return err
}

// Embedded reports whether the server runs in this process.
func (b *Bus) Embedded() bool { return b.embedded }

// Ping checks the connection and JetStream (readiness).
func (b *Bus) Ping(ctx context.Context) error {
	if !b.NC.IsConnected() {
		return errors.New("bus: not connected")
	}
	_, err := b.JS.AccountInfo(ctx)
	return err
}

// Close drains the connection and stops an embedded server.
func (b *Bus) Close() {
	if b.NC != nil {
		_ = b.NC.Drain()
		deadline := time.Now().Add(5 * time.Second)
		for !b.NC.IsClosed() && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		b.NC.Close()
	}
	b.shutdownServer()
}

func (b *Bus) shutdownServer() {
	if b.server != nil {
		b.server.Shutdown()
		b.server.WaitForShutdown()
	}
}

// Token maps a value (an agency code such as 000.00.00.H30) to a form that
// is safe as one NATS subject token and in stream and consumer names.
func Token(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-':
			return r
		default:
			return '_'
		}
	}, s)
}

func displayURL(u string) string {
	if u == "" {
		return "embedded NATS"
	}
	if i := strings.Index(u, "@"); i >= 0 {
		if j := strings.Index(u, "://"); j >= 0 && j < i {
			return u[:j+3] + "xxxxx" + u[i:]
		}
	}
	return u
}
