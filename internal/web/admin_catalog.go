package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"egov/internal/apperr"
	"egov/internal/catalog"
	"egov/internal/eform"
	"egov/internal/httpx"
)

type adminProcRow struct {
	P     catalog.Procedure
	Flags int
}

func (s *Server) adminCatalog(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "cat.title", "catalog")
	procs, err := s.Catalog.Procedures(r.Context())
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	wfs, err := s.Catalog.Workflows(r.Context())
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	q := strings.ToLower(strings.TrimSpace(r.URL.Query().Get("q")))
	onlyDrafts := r.URL.Query().Get("nhap") == "1"
	var rows []adminProcRow
	drafts := 0
	for _, pr := range procs {
		if pr.Draft {
			drafts++
		}
		if onlyDrafts && !pr.Draft {
			continue
		}
		if q != "" && !strings.Contains(strings.ToLower(pr.Code+" "+pr.Name), q) {
			continue
		}
		if len(rows) < 300 {
			rows = append(rows, adminProcRow{P: pr, Flags: len(pr.Flags)})
		}
	}
	p.Data = struct {
		Rows          []adminProcRow
		Workflows     []catalog.Workflow
		Total, Drafts int
		Q             string
		OnlyDrafts    bool
	}{rows, wfs, len(procs), drafts, r.URL.Query().Get("q"), onlyDrafts}
	s.render(w, r, http.StatusOK, "admin_catalog", p)
}

// editorData is a JSON editor of one catalogue item.
type editorData struct {
	Kind, Key, JSON string
	Version         int
	Versions        []catalog.Version
	Steps           []stepView // workflows: the diagram
	Problems        []FieldMsg
	PreviewURL      string
	Saved           bool
}

type stepView struct {
	N                    int
	ID, Name, Role, Unit string
	Share                int
	Moves                []string
	Branches             []string
}

func pretty(v any) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	return buf.String()
}

func (s *Server) workflowDiagram(lang string, wf catalog.Workflow) []stepView {
	names := map[string]string{catalog.End: translate(lang, "cat.end")}
	for _, st := range wf.Steps {
		names[st.ID] = st.Name.In(lang)
	}
	var out []stepView
	for i, st := range wf.Steps {
		v := stepView{N: i + 1, ID: st.ID, Name: st.Name.In(lang), Role: translate(lang, "role."+st.Role), Unit: string(st.Unit), Share: st.Share}
		for _, t := range st.Actions {
			v.Moves = append(v.Moves, translate(lang, "act."+string(t.Action))+" → "+names[t.To])
		}
		for _, b := range st.Branches {
			l := b.Task + " — " + firstNonEmpty(b.Agency.Code, b.Agency.Kind, b.Agency.Note)
			if b.Lead {
				l += " (" + translate(lang, "cat.lead") + ")"
			}
			v.Branches = append(v.Branches, l)
		}
		out = append(out, v)
	}
	return out
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// catalogEditor shows and saves a procedure, workflow or form as JSON:
// the whole model is editable, and a save that breaks a rule lists each
// problem at its place without storing anything.
func (s *Server) catalogEditor(kind string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		key := r.PathValue("key")
		p := s.page(r, "cat."+kind, "catalog")
		d := editorData{Kind: kind, Key: key}
		status := http.StatusOK
		var err error
		if r.Method == http.MethodPost {
			d.JSON = r.PostFormValue("json")
			err = s.saveCatalogItem(r, kind, key, d.JSON)
			if err == nil {
				s.redirect(w, r, r.URL.Path, "cat.saved")
				return
			}
			msgs, ok := formErrors(p.Lang, err)
			if !ok {
				httpx.WriteError(w, r, err)
				return
			}
			for i := range msgs {
				if msgs[i].Field != "" {
					msgs[i].Message = msgs[i].Field + ": " + msgs[i].Message
				}
				msgs[i].Field = "json"
			}
			d.Problems, p.Errors, status = msgs, msgs, httpx.Status(apperr.As(err).Code)
		}
		var cur any
		var ver catalog.Version
		switch kind {
		case "procedure":
			var pr catalog.Procedure
			pr, ver, err = s.Catalog.Procedure(r.Context(), key)
			cur = pr
			d.PreviewURL = "/thu-tuc/" + key
			p.Title = pr.Name
		case "workflow":
			var wf catalog.Workflow
			wf, ver, err = s.Catalog.Workflow(r.Context(), key)
			cur = wf
			d.Steps = s.workflowDiagram(p.Lang, wf)
			p.Title = wf.Name.In(p.Lang)
		case "form":
			var f eform.Form
			f, ver, err = s.Catalog.Form(r.Context(), key)
			cur = f
			p.Title = f.Title.In(p.Lang)
		}
		if err != nil {
			httpx.WriteError(w, r, err)
			return
		}
		if p.Title == "" {
			p.Title = key
		}
		if d.JSON == "" {
			d.JSON = pretty(cur)
		}
		d.Version = ver.Version
		d.Versions, _ = s.Catalog.Versions(r.Context(), kind, key)
		p.Data = d
		s.render(w, r, status, "admin_catalog_item", p)
	}
}

func (s *Server) saveCatalogItem(r *http.Request, kind, key, text string) error {
	dec := json.NewDecoder(strings.NewReader(text))
	dec.DisallowUnknownFields()
	bad := func(err error) error {
		return apperr.Validation(apperr.Field("", "catalog.json", "JSON không hợp lệ: "+err.Error(), "Invalid JSON: "+err.Error()))
	}
	keyChanged := apperr.Validation(apperr.Field("", "catalog.key_changed",
		"Không được đổi mã trong trang này; hãy tạo mục mới bằng cách nhập tệp.", "The key cannot be changed here; add a new item by importing a file."))
	switch kind {
	case "procedure":
		var v catalog.Procedure
		if err := dec.Decode(&v); err != nil {
			return bad(err)
		}
		if v.Code != key {
			return keyChanged
		}
		_, _, err := s.Catalog.SaveProcedure(r.Context(), v)
		return err
	case "workflow":
		var v catalog.Workflow
		if err := dec.Decode(&v); err != nil {
			return bad(err)
		}
		if v.Key != key {
			return keyChanged
		}
		_, _, err := s.Catalog.SaveWorkflow(r.Context(), v)
		return err
	case "form":
		var v eform.Form
		if err := dec.Decode(&v); err != nil {
			return bad(err)
		}
		if v.Key != key {
			return keyChanged
		}
		_, _, err := s.Catalog.SaveForm(r.Context(), v)
		return err
	}
	return fmt.Errorf("unknown kind %q", kind)
}

// catalogImport takes a whole catalogue file: every problem is listed, and
// nothing is imported unless everything is right.
func (s *Server) catalogImport(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "cat.import", "catalog")
	var rep *catalog.ImportReport
	status := http.StatusOK
	if r.Method == http.MethodPost {
		f, hdr, err := r.FormFile("file")
		if err != nil {
			p.Errors = []FieldMsg{{Field: "file", Message: p.T("agency.import_nofile")}}
			status = http.StatusBadRequest
		} else {
			defer f.Close()
			var rp catalog.ImportReport
			if strings.HasSuffix(strings.ToLower(hdr.Filename), ".csv") {
				rp, err = s.Catalog.ImportCSV(r.Context(), f)
				rep = &rp
			} else {
				var b catalog.Bundle
				if b, err = catalog.ReadBundle(f); err == nil {
					rp, err = s.Catalog.Import(r.Context(), b, nil)
					rep = &rp
				}
			}
			if err != nil {
				msgs, ok := formErrors(p.Lang, err)
				if !ok {
					httpx.WriteError(w, r, err)
					return
				}
				for i := range msgs {
					msgs[i].Field = "file"
				}
				p.Errors, status = msgs, httpx.Status(apperr.As(err).Code)
			} else {
				p.Flash = p.T("cat.imported")
			}
		}
	}
	p.Data = struct{ Report *catalog.ImportReport }{rep}
	s.render(w, r, status, "admin_catalog_import", p)
}

func (s *Server) catalogExportCSV(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="danh-muc-thu-tuc.csv"`)
	_, _ = w.Write([]byte("\ufeff"))
	if err := s.Catalog.ExportCSV(r.Context(), w); err != nil {
		s.Log.Error("catalogue csv export", "err", err)
	}
}

func (s *Server) catalogExport(w http.ResponseWriter, r *http.Request) {
	b, err := s.Catalog.Export(r.Context())
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="danh-muc-thu-tuc.json"`)
	_ = catalog.WriteBundle(w, b)
}
