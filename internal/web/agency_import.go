package web

import (
	"net/http"
	"strings"

	"egov/internal/apperr"
	"egov/internal/httpx"
	"egov/internal/identity"
)

type importData struct {
	Header string
	Result *identity.ImportResult
}

func (s *Server) agencyImportForm(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "agency.import", "agencies")
	p.Data = importData{Header: strings.Join(identity.AgencyCSVHeader, ",")}
	s.render(w, r, http.StatusOK, "agency_import", p)
}

func (s *Server) agencyImport(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "agency.import", "agencies")
	d := importData{Header: strings.Join(identity.AgencyCSVHeader, ",")}
	f, _, err := r.FormFile("file")
	if err != nil {
		p.Errors = []FieldMsg{{Field: "file", Message: p.T("agency.import_nofile")}}
		p.Data = d
		s.render(w, r, http.StatusBadRequest, "agency_import", p)
		return
	}
	defer f.Close()
	res, err := s.Identity.ImportAgencies(r.Context(), f)
	d.Result = &res
	p.Data = d
	if err != nil {
		msgs, ok := formErrors(p.Lang, err)
		if !ok {
			httpx.WriteError(w, r, err)
			return
		}
		if msgs[0].Field == "" {
			msgs[0].Field = "file"
		}
		p.Errors = msgs
		s.render(w, r, httpx.Status(apperr.As(err).Code), "agency_import", p)
		return
	}
	p.Flash = p.T("agency.imported")
	s.render(w, r, http.StatusOK, "agency_import", p)
}

func (s *Server) agencyExport(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="co-quan.csv"`)
	_, _ = w.Write([]byte("\ufeff")) // spreadsheets read UTF-8 with a BOM
	if err := s.Identity.ExportAgencies(r.Context(), w); err != nil {
		s.Log.Error("agency export", "err", err)
	}
}
