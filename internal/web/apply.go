package web

import (
	"net/http"

	"egov/internal/apperr"
	"egov/internal/httpx"
)

// The applicant's pages: applying online, "my dossiers", the dossier
// page, notifications. (Being written.)

var errPageNotBuilt = apperr.New(apperr.NotImplemented, "page.not_built",
	"Trang này đang được xây dựng.", "This page is being built.")

func (s *Server) applyForm(w http.ResponseWriter, r *http.Request) {
	httpx.WriteError(w, r, errPageNotBuilt)
}
func (s *Server) applyPost(w http.ResponseWriter, r *http.Request) {
	httpx.WriteError(w, r, errPageNotBuilt)
}
func (s *Server) myDossiers(w http.ResponseWriter, r *http.Request) {
	httpx.WriteError(w, r, errPageNotBuilt)
}
func (s *Server) myDossier(w http.ResponseWriter, r *http.Request) {
	httpx.WriteError(w, r, errPageNotBuilt)
}
func (s *Server) supplement(w http.ResponseWriter, r *http.Request) {
	httpx.WriteError(w, r, errPageNotBuilt)
}
func (s *Server) withdraw(w http.ResponseWriter, r *http.Request) {
	httpx.WriteError(w, r, errPageNotBuilt)
}
func (s *Server) rate(w http.ResponseWriter, r *http.Request) {
	httpx.WriteError(w, r, errPageNotBuilt)
}
func (s *Server) dossierFile(w http.ResponseWriter, r *http.Request) {
	httpx.WriteError(w, r, errPageNotBuilt)
}
func (s *Server) notifications(w http.ResponseWriter, r *http.Request) {
	httpx.WriteError(w, r, errPageNotBuilt)
}
