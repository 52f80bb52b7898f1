package web

import (
	"strings"
	"testing"
)

func TestSafeNextKeepsRedirectsOnSite(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"/quan-tri":             "/quan-tri",
		"/tai-khoan?x=1":        "/tai-khoan?x=1",
		"":                      "",
		"//evil.example":        "",
		"/\\evil.example":       "",
		"https://evil.example":  "",
		"javascript:alert(1)":   "",
		"/a\r\nSet-Cookie: x=y": "",
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestMessagesHaveBothLanguages: every message has Vietnamese and English,
// and the Vietnamese is not left in English by mistake.
func TestMessagesHaveBothLanguages(t *testing.T) {
	t.Parallel()
	for k, m := range messages {
		if strings.TrimSpace(m[0]) == "" || strings.TrimSpace(m[1]) == "" {
			t.Errorf("%s: missing a language", k)
		}
	}
	if translate("vi", "no.such.key") != "[no.such.key]" {
		t.Error("a missing key must show itself")
	}
}

// TestTemplatesUseOnlyKnownKeys parses every {{.T "key"}} in the templates.
func TestTemplatesUseOnlyKnownKeys(t *testing.T) {
	t.Parallel()
	entries, err := templateFS.ReadDir("templates")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, _ := templateFS.ReadFile("templates/" + e.Name())
		s := string(b)
		for {
			i := strings.Index(s, `.T "`)
			if i < 0 {
				break
			}
			s = s[i+4:]
			key := s[:strings.Index(s, `"`)]
			if _, ok := messages[key]; !ok {
				t.Errorf("%s uses unknown message key %q", e.Name(), key)
			}
		}
	}
}
