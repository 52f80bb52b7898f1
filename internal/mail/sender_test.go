package mail_test

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	egovmail "egov/internal/mail"
	"egov/internal/mail/mailtest"
)

func raw(t *testing.T) []byte {
	t.Helper()
	b, err := testMessage().Bytes()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestSenderStartTLSWithAuth(t *testing.T) {
	t.Parallel()
	srv := mailtest.Start(t, mailtest.Options{User: "egov", Password: "mật-khẩu-thư"})
	s := &egovmail.SMTP{Host: srv.Host, Port: srv.Port, Username: "egov", Password: "mật-khẩu-thư", TLS: egovmail.StartTLS,
		TLSConfig: srv.TLSConfig(), Timeout: 5 * time.Second}
	if err := s.Send(context.Background(), "noreply@langson.gov.vn", "hoa@example.vn", raw(t)); err != nil {
		t.Fatal(err)
	}
	msgs := srv.Messages()
	if len(msgs) != 1 || msgs[0].From != "noreply@langson.gov.vn" || msgs[0].To[0] != "hoa@example.vn" {
		t.Fatalf("%+v", msgs)
	}
	p, err := msgs[0].Parse()
	if err != nil || !strings.HasPrefix(p.Subject, "Hồ sơ") {
		t.Fatalf("%v %q", err, p.Subject)
	}

	// A wrong password is the configuration's trouble: retried, not
	// permanent, and never in the error.
	bad := *s
	bad.Password = "sai-mật-khẩu"
	err = bad.Send(context.Background(), "noreply@langson.gov.vn", "hoa@example.vn", raw(t))
	if err == nil || egovmail.Permanent(err) || strings.Contains(err.Error(), "sai-mật-khẩu") {
		t.Fatalf("bad login: %v (permanent %v)", err, egovmail.Permanent(err))
	}
	if egovmail.ReasonOf(err.Error()) != egovmail.ReasonLogin {
		t.Errorf("reason of %q", err)
	}
	// Without our CA the certificate is refused.
	untrusted := *s
	untrusted.TLSConfig = nil
	if err := untrusted.Send(context.Background(), "noreply@langson.gov.vn", "hoa@example.vn", raw(t)); err == nil {
		t.Fatal("an untrusted certificate was accepted")
	}
}

func TestSenderImplicitTLS(t *testing.T) {
	t.Parallel()
	srv := mailtest.Start(t, mailtest.Options{Implicit: true, User: "egov", Password: "p"})
	s := &egovmail.SMTP{Host: srv.Host, Port: srv.Port, Username: "egov", Password: "p", TLS: egovmail.Implicit, TLSConfig: srv.TLSConfig()}
	if err := s.Send(context.Background(), "noreply@langson.gov.vn", "hoa@example.vn", raw(t)); err != nil {
		t.Fatal(err)
	}
	if len(srv.Messages()) != 1 {
		t.Fatal("not delivered")
	}
}

func TestSenderPlainRelay(t *testing.T) {
	t.Parallel()
	srv := mailtest.Start(t, mailtest.Options{NoTLS: true})
	s := &egovmail.SMTP{Host: srv.Host, Port: srv.Port, TLS: egovmail.NoTLS}
	if err := s.Send(context.Background(), "noreply@langson.gov.vn", "hoa@example.vn", raw(t)); err != nil {
		t.Fatal(err)
	}
	// STARTTLS required but not offered: refused before any mail command.
	s.TLS = egovmail.StartTLS
	err := s.Send(context.Background(), "noreply@langson.gov.vn", "hoa@example.vn", raw(t))
	if err == nil || egovmail.Permanent(err) {
		t.Fatalf("STARTTLS missing: %v", err)
	}
	if len(srv.Messages()) != 1 {
		t.Fatal("a message went without the TLS asked for")
	}
}

func TestSenderClassifiesRefusals(t *testing.T) {
	t.Parallel()
	srv := mailtest.Start(t, mailtest.Options{})
	s := &egovmail.SMTP{Host: srv.Host, Port: srv.Port, TLS: egovmail.StartTLS, TLSConfig: srv.TLSConfig()}
	srv.FailNext(1)
	err := s.Send(context.Background(), "noreply@langson.gov.vn", "hoa@example.vn", raw(t))
	var se *egovmail.SendError
	if !errors.As(err, &se) || se.Code != 451 || se.Stage != "rcpt" || egovmail.Permanent(err) {
		t.Fatalf("4xx: %v", err)
	}
	srv.Reject("khongco@example.vn")
	err = s.Send(context.Background(), "noreply@langson.gov.vn", "khongco@example.vn", raw(t))
	if !errors.As(err, &se) || se.Code != 550 || !egovmail.Permanent(err) || egovmail.ReasonOf(err.Error()) != egovmail.ReasonBadAddress {
		t.Fatalf("5xx: %v", err)
	}
	if err.Error() != "550 5.1.1 Mailbox unavailable: no such user" {
		t.Errorf("the server's words as recorded: %q", err)
	}
	if err := s.Send(context.Background(), "noreply@langson.gov.vn", "hoa@example.vn", raw(t)); err != nil {
		t.Fatal(err)
	}
}

// A server that accepts the connection and never answers does not hold
// the job: the conversation has a time limit.
func TestSenderTimesOut(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	port := ln.Addr().(*net.TCPAddr).Port
	s := &egovmail.SMTP{Host: "127.0.0.1", Port: port, TLS: egovmail.StartTLS, Timeout: 300 * time.Millisecond}
	start := time.Now()
	err = s.Send(context.Background(), "noreply@langson.gov.vn", "hoa@example.vn", raw(t))
	if err == nil || egovmail.Permanent(err) || time.Since(start) > 3*time.Second {
		t.Fatalf("%v after %v", err, time.Since(start))
	}
	// And a cancelled context ends it at once.
	ctx, cancel := context.WithCancel(context.Background())
	s.Timeout = time.Minute
	go func() { time.Sleep(100 * time.Millisecond); cancel() }()
	start = time.Now()
	if err := s.Send(ctx, "noreply@langson.gov.vn", "hoa@example.vn", raw(t)); err == nil || time.Since(start) > 3*time.Second {
		t.Fatalf("%v after %v", err, time.Since(start))
	}
}
