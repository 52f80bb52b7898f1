package app_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// TestOpenAPIMatchesRoutes holds /api/openapi.json true to the routes the
// server registered, both ways, and checks the document's shape.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	t.Parallel()
	s := start(t, serverOpts{})
	resp := s.do(http.DefaultClient, "GET", "/api/openapi.json", "", nil)
	if resp.status != 200 {
		t.Fatalf("status %d", resp.status)
	}
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
		Comps   struct {
			Schemas map[string]json.RawMessage `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal([]byte(resp.body), &doc); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.1") {
		t.Errorf("openapi version %q, want 3.1.x", doc.OpenAPI)
	}
	var documented []string
	for path, ops := range doc.Paths {
		for method := range ops {
			documented = append(documented, strings.ToUpper(method)+" "+path)
		}
	}
	var served []string
	for _, p := range s.app.APIRoutes() {
		if strings.Contains(p, "/api/v1/") {
			served = append(served, p)
		}
	}
	slices.Sort(documented)
	slices.Sort(served)
	if !slices.Equal(documented, served) {
		t.Fatalf("OpenAPI document and routes differ:\ndocumented %v\nserved     %v", documented, served)
	}
	for _, want := range []string{"GET /api/v1/calendar/due", "GET /api/v1/calendar/holidays", "POST /api/v1/sessions"} {
		if !slices.Contains(served, want) {
			t.Errorf("missing %s", want)
		}
	}
	// Every documented operation answers on the server (not the mux's 404/405).
	for _, op := range documented {
		method, path, _ := strings.Cut(op, " ")
		path = strings.NewReplacer("{id}", "1", "{date}", "2026-12-31", "{code}", "1.001193").Replace(path)
		r := s.do(http.DefaultClient, method, path, "", nil)
		if r.status == http.StatusMethodNotAllowed || (r.status == 404 && !strings.Contains(r.body, "not_found")) {
			t.Errorf("%s answers %d", op, r.status)
		}
	}
	if _, ok := doc.Comps.Schemas["Problem"]; !ok {
		t.Errorf("the error schema is not the problem document; schemas: %v", keys(doc.Comps.Schemas))
	}
}

func keys[M ~map[string]V, V any](m M) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
