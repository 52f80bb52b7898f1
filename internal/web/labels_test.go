package web

import (
	"testing"

	"egov/internal/dossier"
)

// Every status, history action and outcome a dossier can have is shown in
// plain words in both languages.
func TestDossierLabels(t *testing.T) {
	t.Parallel()
	var keys []string
	for _, s := range dossier.Statuses {
		keys = append(keys, "dstatus."+string(s))
	}
	for _, a := range dossier.EventActions {
		keys = append(keys, "dact."+a)
	}
	for _, o := range []dossier.Outcome{dossier.Early, dossier.OnTime, dossier.Late} {
		keys = append(keys, "outcome."+string(o))
	}
	for _, k := range keys {
		if m, ok := messages[k]; !ok || m[0] == "" || m[1] == "" {
			t.Errorf("no label for %s", k)
		}
	}
}
