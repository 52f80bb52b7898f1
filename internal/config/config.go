// Package config reads egov's configuration from EGOV_* environment
// variables. Every variable is listed in Vars so that the README and the
// "egov help" output are generated from one place.
package config

import (
	"encoding/base64"
	"fmt"
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
	if abs, err := filepath.Abs(c.DataDir); err == nil {
		c.DataDir = abs
	}
	if len(errs) > 0 {
		return c, fmt.Errorf("configuration: %s", strings.Join(errs, "; "))
	}
	return c, nil
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
