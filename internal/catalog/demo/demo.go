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
	"egov/internal/eform"
)

//go:embed workflows.json
var workflowsJSON []byte

//go:embed procedures.json
var proceduresJSON []byte

//go:embed forms.json
var formsJSON []byte

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

// Forms decodes the demo e-forms: one per demo procedure, keyed by the
// procedure's code ("1.001193"). Like Load, it does not validate them;
// the tests do (every form passes eform.Form.Validate).
func Forms() ([]eform.Form, error) {
	var fs []eform.Form
	if err := decode(formsJSON, &fs); err != nil {
		return nil, fmt.Errorf("demo forms: %w", err)
	}
	return fs, nil
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
