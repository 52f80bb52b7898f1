package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/smtp"
	"net/textproto"
	"strconv"
	"time"
)

// TLSMode is how the connection to the mail server is protected.
type TLSMode string

const (
	StartTLS TLSMode = "starttls" // plain connection upgraded with STARTTLS (port 587); required
	Implicit TLSMode = "tls"      // TLS from the first byte (port 465)
	NoTLS    TLSMode = "none"     // plain text: a relay on this machine
)

// SMTP sends messages to one mail server (the agency's relay), with
// STARTTLS or implicit TLS and AUTH PLAIN. Every conversation has a time
// limit, and ends early when the context does.
type SMTP struct {
	Host     string
	Port     int
	Username string // empty: no AUTH
	Password string
	TLS      TLSMode
	// Timeout bounds one whole conversation (default 30 s).
	Timeout time.Duration
	// TLSConfig overrides the default (the system's roots, ServerName =
	// Host); tests trust their own certificate with it.
	TLSConfig *tls.Config
	// HelloName is sent in EHLO (default "localhost").
	HelloName string
}

// SendError is the mail server's refusal at one stage of the
// conversation.
type SendError struct {
	Stage string // connect, hello, starttls, auth, mail, rcpt, data
	Code  int    // the SMTP reply code, 0 when there was none (network)
	Msg   string // the server's words after the code
	Err   error
}

func (e *SendError) Error() string {
	if e.Code != 0 {
		return strconv.Itoa(e.Code) + " " + oneLine(e.Msg) // "550 5.1.1 ...": the server's own words
	}
	return e.Stage + ": " + oneLine(e.Err.Error())
}

func (e *SendError) Unwrap() error { return e.Err }

// Permanent reports whether err is a refusal of this message that a retry
// cannot change: a 5xx reply to the sender, a recipient or the content.
// Refusals at connection, greeting, TLS or login are the server's or the
// configuration's trouble, not the message's: those are retried, so mail
// waits for the operator to fix them instead of being dropped.
func Permanent(err error) bool {
	var se *SendError
	if !errors.As(err, &se) || se.Code < 500 {
		return false
	}
	switch se.Stage {
	case "mail", "rcpt", "data":
		return true
	}
	return false
}

// Send delivers msg from one address to one recipient.
func (s *SMTP) Send(ctx context.Context, from, to string, msg []byte) (err error) {
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	addr := net.JoinHostPort(s.Host, strconv.Itoa(s.Port))
	cfg := s.TLSConfig
	if cfg == nil {
		cfg = &tls.Config{MinVersion: tls.VersionTLS12}
	} else {
		cfg = cfg.Clone()
	}
	if cfg.ServerName == "" {
		cfg.ServerName = s.Host
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return &SendError{Stage: "connect", Err: err}
	}
	// The deadline covers slow servers; AfterFunc covers cancellation.
	dl, _ := ctx.Deadline()
	_ = conn.SetDeadline(dl)
	stop := context.AfterFunc(ctx, func() { _ = conn.Close() })
	defer stop()
	if s.TLS == Implicit {
		tc := tls.Client(conn, cfg)
		if err := tc.HandshakeContext(ctx); err != nil {
			conn.Close()
			return &SendError{Stage: "connect", Err: err}
		}
		conn = tc
	}
	c, err := smtp.NewClient(conn, s.Host)
	if err != nil {
		conn.Close()
		return stageErr("connect", err)
	}
	defer c.Close()
	hello := s.HelloName
	if hello == "" {
		hello = "localhost"
	}
	if err := c.Hello(hello); err != nil {
		return stageErr("hello", err)
	}
	if s.TLS == StartTLS {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return &SendError{Stage: "starttls", Err: errors.New("the mail server does not offer STARTTLS (set EGOV_SMTP_TLS)")}
		}
		if err := c.StartTLS(cfg); err != nil {
			return stageErr("starttls", err)
		}
	}
	if s.Username != "" {
		if ok, _ := c.Extension("AUTH"); !ok {
			return &SendError{Stage: "auth", Err: errors.New("the mail server does not offer AUTH")}
		}
		// net/smtp refuses to send the password over plain text to
		// anything but localhost.
		if err := c.Auth(smtp.PlainAuth("", s.Username, s.Password, s.Host)); err != nil {
			return stageErr("auth", err)
		}
	}
	if err := c.Mail(from); err != nil {
		return stageErr("mail", err)
	}
	if err := c.Rcpt(to); err != nil {
		return stageErr("rcpt", err)
	}
	w, err := c.Data()
	if err != nil {
		return stageErr("data", err)
	}
	if _, err := w.Write(msg); err != nil {
		return stageErr("data", err)
	}
	if err := w.Close(); err != nil {
		return stageErr("data", err)
	}
	// The message is accepted once DATA is answered 250; a failed QUIT
	// changes nothing.
	_ = c.Quit()
	return nil
}

func stageErr(stage string, err error) error {
	var te *textproto.Error
	if errors.As(err, &te) {
		return &SendError{Stage: stage, Code: te.Code, Msg: te.Msg, Err: err}
	}
	return &SendError{Stage: stage, Err: fmt.Errorf("%w", err)}
}
