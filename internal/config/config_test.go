package config_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"egov/internal/config"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestDefaults(t *testing.T) {
	t.Parallel()
	c, err := config.Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != ":8080" || c.PublicURL != "http://localhost:8080" || !c.Embedded() || !c.Demo || c.DemoSet || c.SQLiteSync != "FULL" {
		t.Fatalf("defaults: %+v", c)
	}
}

func TestPostgresIsNotDemoByDefault(t *testing.T) {
	t.Parallel()
	c, err := config.Load(env(map[string]string{"EGOV_DATABASE_URL": "postgres://x@localhost/egov"}))
	if err != nil || c.Demo {
		t.Fatalf("a production database must never be seeded silently: %+v %v", c, err)
	}
}

func TestRejectsBadValues(t *testing.T) {
	t.Parallel()
	for name, m := range map[string]map[string]string{
		"sync":      {"EGOV_SQLITE_SYNC": "OFF"},
		"db":        {"EGOV_DATABASE_URL": "mysql://x"},
		"nats":      {"EGOV_NATS_URL": "::"},
		"key":       {"EGOV_MASTER_KEY": "c2hvcnQ="},
		"demo":      {"EGOV_DEMO": "maybe"},
		"timeout":   {"EGOV_SHUTDOWN_TIMEOUT": "soon"},
		"ttl":       {"EGOV_SESSION_TTL": "1s"},
		"level":     {"EGOV_LOG_LEVEL": "loud"},
		"publicurl": {"EGOV_PUBLIC_URL": "ftp://x"},
	} {
		if _, err := config.Load(env(m)); err == nil {
			t.Errorf("%s: %v accepted", name, m)
		}
	}
}

// TestREADMEListsEveryVariable keeps the README's configuration table true.
func TestREADMEListsEveryVariable(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range config.Vars {
		if !strings.Contains(string(b), "`"+v.Name+"`") {
			t.Errorf("README.md does not document %s", v.Name)
		}
	}
}

func TestSMTP(t *testing.T) {
	t.Parallel()
	c, err := config.Load(env(nil))
	if err != nil || c.SMTP.Enabled() {
		t.Fatalf("e-mail is off without a host: %+v %v", c.SMTP, err)
	}
	c, err = config.Load(env(map[string]string{"EGOV_SMTP_HOST": "smtp.example.gov.vn", "EGOV_SMTP_USER": "noreply",
		"EGOV_SMTP_PASSWORD": "bí-mật-rất-dài", "EGOV_SMTP_FROM": "Cổng dịch vụ công <noreply@example.gov.vn>"}))
	if err != nil {
		t.Fatal(err)
	}
	if s := c.SMTP; !s.Enabled() || s.Port != 587 || s.TLS != "starttls" || s.From != "Cổng dịch vụ công <noreply@example.gov.vn>" {
		t.Fatalf("%+v", s)
	}
	if strings.Contains(c.SMTP.String(), "bí-mật") || strings.Contains(fmtAny(c.SMTP), "bí-mật") {
		t.Fatal("the SMTP password must never be printed")
	}
	c, err = config.Load(env(map[string]string{"EGOV_SMTP_HOST": "smtp.example.gov.vn", "EGOV_SMTP_TLS": "TLS", "EGOV_SMTP_FROM": "noreply@example.gov.vn"}))
	if err != nil || c.SMTP.Port != 465 || c.SMTP.TLS != "tls" {
		t.Fatalf("implicit TLS defaults to port 465: %+v %v", c.SMTP, err)
	}
	// A relay on this machine may take plain text, with a password too.
	if _, err := config.Load(env(map[string]string{"EGOV_SMTP_HOST": "127.0.0.1", "EGOV_SMTP_PORT": "25", "EGOV_SMTP_TLS": "none",
		"EGOV_SMTP_USER": "u", "EGOV_SMTP_PASSWORD": "p", "EGOV_SMTP_FROM": "noreply@example.gov.vn"})); err != nil {
		t.Fatal(err)
	}
	for name, m := range map[string]map[string]string{
		"no from":          {"EGOV_SMTP_HOST": "smtp.example.gov.vn"},
		"bad from":         {"EGOV_SMTP_HOST": "smtp.example.gov.vn", "EGOV_SMTP_FROM": "not an address"},
		"from injection":   {"EGOV_SMTP_HOST": "smtp.example.gov.vn", "EGOV_SMTP_FROM": "a@b.vn\r\nBcc: x@y.vn"},
		"port":             {"EGOV_SMTP_HOST": "smtp.example.gov.vn", "EGOV_SMTP_FROM": "a@b.vn", "EGOV_SMTP_PORT": "70000"},
		"tls":              {"EGOV_SMTP_HOST": "smtp.example.gov.vn", "EGOV_SMTP_FROM": "a@b.vn", "EGOV_SMTP_TLS": "ssl3"},
		"host with port":   {"EGOV_SMTP_HOST": "smtp.example.gov.vn:25", "EGOV_SMTP_FROM": "a@b.vn"},
		"clear password":   {"EGOV_SMTP_HOST": "smtp.example.gov.vn", "EGOV_SMTP_FROM": "a@b.vn", "EGOV_SMTP_TLS": "none", "EGOV_SMTP_USER": "u", "EGOV_SMTP_PASSWORD": "p"},
		"password alone":   {"EGOV_SMTP_HOST": "smtp.example.gov.vn", "EGOV_SMTP_FROM": "a@b.vn", "EGOV_SMTP_PASSWORD": "p"},
		"settings no host": {"EGOV_SMTP_FROM": "a@b.vn"},
	} {
		_, err := config.Load(env(m))
		if err == nil {
			t.Errorf("%s: %v accepted", name, m)
			continue
		}
		if !strings.Contains(err.Error(), "EGOV_SMTP_") || strings.Contains(err.Error(), "\"p\"") {
			t.Errorf("%s: unclear error %v", name, err)
		}
	}
}

func fmtAny(v any) string { return fmt.Sprintf("%v %+v", v, v) }
