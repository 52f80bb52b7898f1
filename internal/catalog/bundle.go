package catalog

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"egov/internal/apperr"
	"egov/internal/eform"
)

// Format names the catalogue's JSON exchange format.
const Format = "egov-catalog/1"

// Bundle is a whole catalogue (or part of one) as one JSON document.
type Bundle struct {
	Format     string       `json:"format"`
	Workflows  []Workflow   `json:"workflows,omitempty"`
	Forms      []eform.Form `json:"forms,omitempty"`
	Procedures []Procedure  `json:"procedures,omitempty"`
}

// Counts counts what an import did to one kind of item.
type Counts struct {
	Created   int `json:"created"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
}

// Rejected is one item an import refused, with where and why.
type Rejected struct {
	Item   string `json:"item"`  // e.g. "procedures[12] 1.001193"
	Place  string `json:"place"` // the field, e.g. "time.n"
	Reason string `json:"reason"`
	Code   string `json:"code"`
}

// ImportReport tells what an import did, or would have done.
type ImportReport struct {
	Workflows  Counts     `json:"workflows"`
	Forms      Counts     `json:"forms"`
	Procedures Counts     `json:"procedures"`
	Rejected   []Rejected `json:"rejected,omitempty"`
}

// ErrImportRejected means the file had bad items: nothing was imported.
var ErrImportRejected = apperr.New(apperr.Invalid, "catalog.import_rejected",
	"Tệp danh mục có mục không hợp lệ; chưa có gì được nhập.", "The catalogue file has invalid items; nothing was imported.")

// MaxBundle is the largest catalogue file read (the national set is ~10 MB).
const MaxBundle = 256 << 20

// ReadBundle decodes a catalogue file strictly: unknown fields are errors,
// and a malformed file's error names the line.
func ReadBundle(r io.Reader) (Bundle, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxBundle+1))
	if err != nil {
		return Bundle{}, err
	}
	if len(data) > MaxBundle {
		return Bundle{}, apperr.ErrTooLarge
	}
	var b Bundle
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		line := 0
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			line = 1 + bytes.Count(data[:min(int(se.Offset), len(data))], []byte{'\n'})
		case errors.As(err, &te):
			line = 1 + bytes.Count(data[:min(int(te.Offset), len(data))], []byte{'\n'})
		case errors.Is(err, io.ErrUnexpectedEOF):
			line = 1 + bytes.Count(data, []byte{'\n'}) // cut off: the error is at the end
		}
		where := ""
		if line > 0 {
			where = fmt.Sprintf(" (dòng %d / line %d)", line, line)
		}
		return Bundle{}, apperr.Validation(apperr.Field("file", "catalog.file_malformed",
			"Tệp danh mục không phải JSON hợp lệ"+where+": "+err.Error(), "The catalogue file is not valid JSON"+where+": "+err.Error()))
	}
	if b.Format != Format {
		return Bundle{}, apperr.Validation(apperr.Field("format", "catalog.format",
			fmt.Sprintf("Tệp không đúng định dạng %q (trường format).", Format), fmt.Sprintf("The file is not in the %q format (field format).", Format)))
	}
	return b, nil
}

// Import applies a bundle: every item is checked first, and if any is
// wrong nothing is imported and every wrong item is reported with its
// place. Otherwise all are saved in one transaction; unchanged items keep
// their version, so importing the same file twice changes nothing.
// progress, if set, is called as items are written.
func (s *Service) Import(ctx context.Context, b Bundle, progress func(done, total int)) (ImportReport, error) {
	var rep ImportReport
	reject := func(item string, err error) {
		e := apperr.As(err)
		if len(e.Fields) == 0 {
			rep.Rejected = append(rep.Rejected, Rejected{Item: item, Reason: e.EN, Code: e.Key})
			return
		}
		for _, f := range e.Fields {
			rep.Rejected = append(rep.Rejected, Rejected{Item: item, Place: f.Field, Reason: f.EN, Code: f.Key})
		}
	}
	wfKeys := map[string]bool{}
	for i, w := range b.Workflows {
		item := fmt.Sprintf("workflows[%d] %s", i, w.Key)
		if err := w.Validate(); err != nil {
			reject(item, err)
		}
		if wfKeys[w.Key] {
			reject(item, apperr.Validation(apperr.Field("key", "catalog.duplicate", "Mã trùng trong tệp.", "Duplicate key in the file.")))
		}
		wfKeys[w.Key] = true
	}
	formKeys := map[string]bool{}
	for i, f := range b.Forms {
		item := fmt.Sprintf("forms[%d] %s", i, f.Key)
		if err := f.Validate(); err != nil {
			reject(item, err)
		}
		if !keyRe.MatchString(f.Key) {
			reject(item, apperr.Validation(apperr.Field("key", "form.key", "Mã biểu mẫu không hợp lệ.", "The form key is not valid.")))
		}
		if formKeys[f.Key] {
			reject(item, apperr.Validation(apperr.Field("key", "catalog.duplicate", "Mã trùng trong tệp.", "Duplicate key in the file.")))
		}
		formKeys[f.Key] = true
	}
	existing, err := s.Workflows(ctx)
	if err != nil {
		return rep, err
	}
	known := map[string]bool{}
	for _, w := range existing {
		known[w.Key] = true
	}
	existingForms, err := s.Forms(ctx)
	if err != nil {
		return rep, err
	}
	knownForms := map[string]bool{}
	for _, f := range existingForms {
		knownForms[f.Key] = true
	}
	codes := map[string]bool{}
	for i, p := range b.Procedures {
		item := fmt.Sprintf("procedures[%d] %s", i, p.Code)
		if err := p.Validate(); err != nil {
			reject(item, err)
		}
		if codes[p.Code] {
			reject(item, apperr.Validation(apperr.Field("code", "catalog.duplicate", "Mã thủ tục trùng trong tệp.", "Duplicate procedure code in the file.")))
		}
		codes[p.Code] = true
		if p.Form != "" && !formKeys[p.Form] && !knownForms[p.Form] {
			reject(item, apperr.Validation(apperr.Field("form", "procedure.form_unknown",
				"Biểu mẫu chưa có trong danh mục.", fmt.Sprintf("The form %q is neither in the file nor in the catalogue.", p.Form))))
		}
		if p.Workflow != "" && !wfKeys[p.Workflow] && !known[p.Workflow] {
			reject(item, apperr.Validation(apperr.Field("workflow", "procedure.workflow_unknown",
				"Quy trình chưa có trong danh mục.", fmt.Sprintf("The workflow %q is neither in the file nor in the catalogue.", p.Workflow))))
		}
	}
	if len(rep.Rejected) > 0 {
		return rep, ErrImportRejected
	}
	total, done := len(b.Workflows)+len(b.Forms)+len(b.Procedures), 0
	tick := func() {
		done++
		if progress != nil && (done%50 == 0 || done == total) {
			progress(done, total)
		}
	}
	count := func(c *Counts, v int, changed bool) {
		switch {
		case !changed:
			c.Unchanged++
		case v == 1:
			c.Created++
		default:
			c.Updated++
		}
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		rep.Workflows, rep.Forms, rep.Procedures = Counts{}, Counts{}, Counts{}
		for _, w := range b.Workflows {
			v, changed, err := s.put(ctx, tx, kindWorkflow, w.Key, w)
			if err != nil {
				return err
			}
			count(&rep.Workflows, v, changed)
			tick()
		}
		for _, f := range b.Forms {
			v, changed, err := s.put(ctx, tx, kindForm, f.Key, f)
			if err != nil {
				return err
			}
			count(&rep.Forms, v, changed)
			tick()
		}
		for _, p := range b.Procedures {
			v, changed, err := s.put(ctx, tx, kindProcedure, p.Code, p)
			if err != nil {
				return err
			}
			count(&rep.Procedures, v, changed)
			tick()
		}
		return s.audit.Record(ctx, tx, "catalog.import", "catalog", "bundle", rep)
	})
	s.changed(err == nil && rep.Procedures.Created+rep.Procedures.Updated+rep.Workflows.Created+rep.Workflows.Updated+
		rep.Forms.Created+rep.Forms.Updated > 0)
	return rep, err
}

// Export returns the whole current catalogue as a bundle.
func (s *Service) Export(ctx context.Context) (Bundle, error) {
	b := Bundle{Format: Format}
	var err error
	if b.Workflows, err = s.Workflows(ctx); err != nil {
		return b, err
	}
	if b.Forms, err = s.Forms(ctx); err != nil {
		return b, err
	}
	b.Procedures, err = s.Procedures(ctx)
	return b, err
}

// WriteBundle writes a bundle as indented JSON.
func WriteBundle(w io.Writer, b Bundle) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	enc.SetEscapeHTML(false)
	return enc.Encode(b)
}

// Summary is a one-line account of an import.
func (r ImportReport) Summary() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "workflows: %d created, %d updated, %d unchanged; forms: %d created, %d updated, %d unchanged; procedures: %d created, %d updated, %d unchanged",
		r.Workflows.Created, r.Workflows.Updated, r.Workflows.Unchanged, r.Forms.Created, r.Forms.Updated, r.Forms.Unchanged,
		r.Procedures.Created, r.Procedures.Updated, r.Procedures.Unchanged)
	if len(r.Rejected) > 0 {
		fmt.Fprintf(&sb, "; %d problems", len(r.Rejected))
	}
	return sb.String()
}
