// Package demo holds the demo catalogue of Lạng Sơn: workflows and
// commune- and province-level procedures in the catalogue's exchange
// format, checked by hand against the national portal's published data
// (see README.md for what was checked and what remains uncertain).
package demo

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"

	"egov/internal/catalog"
)

//go:embed workflows.json
var workflowsJSON []byte

//go:embed procedures.json
var proceduresJSON []byte

// Load decodes the demo workflows and procedures. It does not validate
// them; the catalogue store does on import (and the tests do here).
func Load() ([]catalog.Workflow, []catalog.Procedure, error) {
	var ws []catalog.Workflow
	if err := decode(workflowsJSON, &ws); err != nil {
		return nil, nil, fmt.Errorf("demo workflows: %w", err)
	}
	var ps []catalog.Procedure
	if err := decode(proceduresJSON, &ps); err != nil {
		return nil, nil, fmt.Errorf("demo procedures: %w", err)
	}
	return ws, ps, nil
}

// Raw returns the embedded files as they are, for checks on the text.
func Raw() (workflows, procedures []byte) {
	return bytes.Clone(workflowsJSON), bytes.Clone(proceduresJSON)
}

func decode(b []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	return d.Decode(v)
}
