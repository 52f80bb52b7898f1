// Package config reads egov's configuration from EGOV_* environment
// variables. Every variable is listed in Vars so that the README and the
// "egov help" output are generated from one place.
package config

import (
	"encoding/base64"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Config is the whole runtime configuration.
type Config struct {
	Addr      string // listen address, e.g. ":8080"
	PublicURL string // external base URL used in links, QR codes and e-mails
	DataDir   string // embedded engines' home: SQLite file, NATS store, blobs

	DatabaseURL string // postgres://... ; empty means SQLite under DataDir
	SQLiteSync  string // FULL (default) or NORMAL
	NATSURL     string // nats://... ; empty means embedded NATS under DataDir

	MasterKey     []byte // 32 bytes; from EGOV_MASTER_KEY (base64)
	MasterKeyFile string // EGOV_MASTER_KEY_FILE

	Demo         bool // create the demo province and accounts
	DemoSet      bool // EGOV_DEMO was given explicitly
	DemoPassword string

	OIDCIssuer       string
	OIDCClientID     string
	OIDCClientSecret string

	LogLevel        string
	LogFormat       string // json (default) or text
	ShutdownTimeout time.Duration
	SessionTTL      time.Duration
	DueSoonDays     int    // working days before a deadline that work is flagged due soon
	UploadMaxMB     int    // largest attachment accepted
	Instance        string // replica name in logs and metrics

	// E-mail (SMTP); an empty host turns e-mail off.
	SMTP SMTP
}

// SMTP is the outgoing mail server. Password is a secret: it is never
// logged, and String leaves it out.
type SMTP struct {
	Host     string
	Port     int
	User     string
	Password string
	From     string // e.g. "Cổng dịch vụ công <noreply@dichvucong.example.gov.vn>"
	TLS      string // starttls (default), tls (implicit, port 465) or none
}

// Enabled reports whether e-mail is sent at all.
func (s SMTP) Enabled() bool { return s.Host != "" }

// String describes the server without the password (for logs).
func (s SMTP) String() string {
	if !s.Enabled() {
		return "off"
	}
	u := ""
	if s.User != "" {
		u = s.User + "@"
	}
	return fmt.Sprintf("%s%s:%d (%s)", u, s.Host, s.Port, s.TLS)
}

// Var documents one environment variable.
type Var struct {
	Name, Default, Help string
}

// Vars lists every EGOV_* variable egov reads.
var Vars = []Var{
	{"EGOV_ADDR", ":8080", "address the HTTP server listens on"},
	{"EGOV_PUBLIC_URL", "http://localhost:8080", "external base URL used in links, QR codes and e-mails"},
	{"EGOV_DATA_DIR", "./data", "data directory of the embedded engines (SQLite, NATS, blobs, demo keys)"},
	{"EGOV_DATABASE_URL", "", "postgres://user:pass@host/db to run on PostgreSQL; empty runs on SQLite in the data directory"},
	{"EGOV_SQLITE_SYNC", "FULL", "SQLite synchronous mode: FULL (acknowledged commits survive power loss) or NORMAL (survives a killed process only)"},
	{"EGOV_NATS_URL", "", "nats://host:4222 of an external NATS with JetStream; empty runs NATS embedded in-process"},
	{"EGOV_MASTER_KEY", "", "base64 of 32 random bytes that encrypt secrets at rest (keys, TOTP secrets)"},
	{"EGOV_MASTER_KEY_FILE", "", "file holding the master key (base64); keep it outside the data directory"},
	{"EGOV_DEMO", "on for the embedded default", "1 creates the demo province and accounts on any engine; 0 never does"},
	{"EGOV_DEMO_PASSWORD", "", "password of the demo accounts; generated and printed once if empty"},
	{"EGOV_OIDC_ISSUER", "built-in demo provider in demo mode", "issuer URL of the national identity provider (OpenID Connect) for citizen login"},
	{"EGOV_OIDC_CLIENT_ID", "", "client ID registered with the identity provider"},
	{"EGOV_OIDC_CLIENT_SECRET", "", "client secret registered with the identity provider"},
	{"EGOV_LOG_LEVEL", "info", "debug, info, warn or error"},
	{"EGOV_LOG_FORMAT", "json", "json or text"},
	{"EGOV_SHUTDOWN_TIMEOUT", "15s", "how long a graceful shutdown may take"},
	{"EGOV_SESSION_TTL", "12h", "lifetime of a login session"},
	{"EGOV_DUE_SOON_DAYS", "1", "working days before a deadline when work is flagged due soon and its assignee warned"},
	{"EGOV_UPLOAD_MAX_MB", "20", "largest attachment accepted, in MB"},
	{"EGOV_INSTANCE", "host name", "name of this replica in logs"},
	{"EGOV_SMTP_HOST", "", "outgoing mail server; empty turns e-mail off (in-portal notifications still work)"},
	{"EGOV_SMTP_PORT", "587 (465 with tls)", "port of the mail server"},
	{"EGOV_SMTP_USER", "", "user name for SMTP AUTH PLAIN; empty sends without authenticating"},
	{"EGOV_SMTP_PASSWORD", "", "password for SMTP AUTH (secret: never logged)"},
	{"EGOV_SMTP_FROM", "", "sender, e.g. \"Cổng dịch vụ công <noreply@dichvucong.example.gov.vn>\"; required with EGOV_SMTP_HOST"},
	{"EGOV_SMTP_TLS", "starttls", "starttls, tls (implicit TLS) or none (plain text: a relay on this machine, or an explicit choice)"},
}

// Load reads the configuration through getenv (os.Getenv in production,
// a map in tests).
func Load(getenv func(string) string) (Config, error) {
	get := func(name, def string) string {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
		return def
	}
	c := Config{
		Addr:             get("EGOV_ADDR", ":8080"),
		DataDir:          get("EGOV_DATA_DIR", "./data"),
		DatabaseURL:      get("EGOV_DATABASE_URL", ""),
		SQLiteSync:       strings.ToUpper(get("EGOV_SQLITE_SYNC", "FULL")),
		NATSURL:          get("EGOV_NATS_URL", ""),
		MasterKeyFile:    get("EGOV_MASTER_KEY_FILE", ""),
		DemoPassword:     getenv("EGOV_DEMO_PASSWORD"),
		OIDCIssuer:       get("EGOV_OIDC_ISSUER", ""),
		OIDCClientID:     get("EGOV_OIDC_CLIENT_ID", ""),
		OIDCClientSecret: getenv("EGOV_OIDC_CLIENT_SECRET"),
		LogLevel:         strings.ToLower(get("EGOV_LOG_LEVEL", "info")),
		LogFormat:        strings.ToLower(get("EGOV_LOG_FORMAT", "json")),
		Instance:         get("EGOV_INSTANCE", ""),
	}
	var errs []string
	if c.SQLiteSync != "FULL" && c.SQLiteSync != "NORMAL" {
		errs = append(errs, "EGOV_SQLITE_SYNC must be FULL or NORMAL")
	}
	if c.DatabaseURL != "" {
		u, err := url.Parse(c.DatabaseURL)
		if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
			errs = append(errs, "EGOV_DATABASE_URL must be a postgres:// URL")
		}
	}
	if c.NATSURL != "" {
		u, err := url.Parse(c.NATSURL)
		if err != nil || u.Host == "" {
			errs = append(errs, "EGOV_NATS_URL must be a nats://host:port URL")
		}
	}
	if v := getenv("EGOV_MASTER_KEY"); v != "" {
		k, err := base64.StdEncoding.DecodeString(strings.TrimSpace(v))
		if err != nil || len(k) != 32 {
			errs = append(errs, "EGOV_MASTER_KEY must be the base64 encoding of 32 bytes")
		}
		c.MasterKey = k
	}
	switch v := strings.ToLower(strings.TrimSpace(getenv("EGOV_DEMO"))); v {
	case "":
		c.Demo = c.Embedded() // the embedded default is a demo unless told otherwise
	case "1", "true", "on", "yes":
		c.Demo, c.DemoSet = true, true
	case "0", "false", "off", "no":
		c.Demo, c.DemoSet = false, true
	default:
		errs = append(errs, "EGOV_DEMO must be 1 or 0")
	}
	var err error
	if c.ShutdownTimeout, err = time.ParseDuration(get("EGOV_SHUTDOWN_TIMEOUT", "15s")); err != nil || c.ShutdownTimeout <= 0 {
		errs = append(errs, "EGOV_SHUTDOWN_TIMEOUT must be a positive duration such as 15s")
	}
	if c.SessionTTL, err = time.ParseDuration(get("EGOV_SESSION_TTL", "12h")); err != nil || c.SessionTTL < time.Minute {
		errs = append(errs, "EGOV_SESSION_TTL must be a duration of at least 1m")
	}
	if c.DueSoonDays, err = strconv.Atoi(get("EGOV_DUE_SOON_DAYS", "1")); err != nil || c.DueSoonDays < 1 || c.DueSoonDays > 30 {
		errs = append(errs, "EGOV_DUE_SOON_DAYS must be a number of working days from 1 to 30")
	}
	if c.UploadMaxMB, err = strconv.Atoi(get("EGOV_UPLOAD_MAX_MB", "20")); err != nil || c.UploadMaxMB < 1 || c.UploadMaxMB > 1024 {
		errs = append(errs, "EGOV_UPLOAD_MAX_MB must be a number of MB from 1 to 1024")
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, "EGOV_LOG_LEVEL must be debug, info, warn or error")
	}
	if c.LogFormat != "json" && c.LogFormat != "text" {
		errs = append(errs, "EGOV_LOG_FORMAT must be json or text")
	}
	c.PublicURL = strings.TrimRight(get("EGOV_PUBLIC_URL", defaultPublicURL(c.Addr)), "/")
	if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, "EGOV_PUBLIC_URL must be an http(s):// URL")
	}
	if (c.OIDCIssuer == "") != (c.OIDCClientID == "") && c.OIDCIssuer != "" {
		errs = append(errs, "EGOV_OIDC_CLIENT_ID is required with EGOV_OIDC_ISSUER")
	}
	if c.Instance == "" {
		c.Instance, _ = os.Hostname()
	}
	var smtpErrs []string
	c.SMTP, smtpErrs = loadSMTP(get, getenv)
	errs = append(errs, smtpErrs...)
	if abs, err := filepath.Abs(c.DataDir); err == nil {
		c.DataDir = abs
	}
	if len(errs) > 0 {
		return c, fmt.Errorf("configuration: %s", strings.Join(errs, "; "))
	}
	return c, nil
}

// loadSMTP reads the EGOV_SMTP_* variables. Nothing is checked when the
// host is empty (e-mail off), except that the other variables are not
// given alone, which is most likely a typo in the host's name.
func loadSMTP(get func(name, def string) string, getenv func(string) string) (SMTP, []string) {
	s := SMTP{
		Host:     get("EGOV_SMTP_HOST", ""),
		User:     get("EGOV_SMTP_USER", ""),
		Password: getenv("EGOV_SMTP_PASSWORD"),
		From:     get("EGOV_SMTP_FROM", ""),
		TLS:      strings.ToLower(get("EGOV_SMTP_TLS", "starttls")),
	}
	var errs []string
	if s.Host == "" {
		if s.User != "" || s.From != "" || get("EGOV_SMTP_PORT", "") != "" {
			errs = append(errs, "EGOV_SMTP_HOST is required when other EGOV_SMTP_* variables are set (an empty host turns e-mail off)")
		}
		return s, errs
	}
	if strings.ContainsAny(s.Host, ":/@ \t\r\n") {
		errs = append(errs, "EGOV_SMTP_HOST must be a host name or address without scheme or port (the port goes in EGOV_SMTP_PORT)")
	}
	switch s.TLS {
	case "starttls", "tls":
	case "none":
		if s.User != "" && !LocalHost(s.Host) {
			errs = append(errs, "EGOV_SMTP_TLS=none would send the SMTP password in clear to "+s.Host+"; use starttls or tls")
		}
	default:
		errs = append(errs, "EGOV_SMTP_TLS must be starttls, tls or none")
	}
	defPort := "587"
	if s.TLS == "tls" {
		defPort = "465"
	}
	var err error
	if s.Port, err = strconv.Atoi(get("EGOV_SMTP_PORT", defPort)); err != nil || s.Port < 1 || s.Port > 65535 {
		errs = append(errs, "EGOV_SMTP_PORT must be a port number from 1 to 65535")
	}
	if s.User == "" && s.Password != "" {
		errs = append(errs, "EGOV_SMTP_USER is required with EGOV_SMTP_PASSWORD")
	}
	if s.From == "" {
		errs = append(errs, "EGOV_SMTP_FROM is required with EGOV_SMTP_HOST, e.g. \"Cổng dịch vụ công <noreply@example.gov.vn>\"")
	} else if _, err := mail.ParseAddress(s.From); err != nil || strings.ContainsAny(s.From, "\r\n") {
		errs = append(errs, "EGOV_SMTP_FROM must be an e-mail address, optionally with a name: \"Cổng dịch vụ công <noreply@example.gov.vn>\"")
	}
	return s, errs
}

// LocalHost reports whether host names this machine, where a mail relay
// may listen without TLS.
func LocalHost(host string) bool {
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}

// Embedded reports whether the database is the embedded SQLite file.
func (c Config) Embedded() bool { return c.DatabaseURL == "" }

// SecureCookies reports whether cookies must carry the Secure attribute:
// always when the public URL is https.
func (c Config) SecureCookies() bool { return strings.HasPrefix(c.PublicURL, "https://") }

// DemoOIDC reports whether the built-in demo OpenID provider serves citizen
// login (demo mode without a national identity provider configured).
func (c Config) DemoOIDC() bool { return c.Demo && c.OIDCIssuer == "" }

func defaultPublicURL(addr string) string {
	host, port := "localhost", "8080"
	if i := strings.LastIndex(addr, ":"); i >= 0 {
		if h := addr[:i]; h != "" && h != "0.0.0.0" && h != "[::]" {
			host = h
		}
		if p := addr[i+1:]; p != "" {
			if _, err := strconv.Atoi(p); err == nil {
				port = p
			}
		}
	}
	return "http://" + host + ":" + port
}
