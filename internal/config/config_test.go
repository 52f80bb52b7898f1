package config_test

import (
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
