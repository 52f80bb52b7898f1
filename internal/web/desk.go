package web

import (
	"net/http"

	"egov/internal/httpx"
)

// The officials' pages: work queues, the dossier page with its allowed
// actions, desk submission on behalf, the late list. (Being written.)

func (s *Server) deskQueues(w http.ResponseWriter, r *http.Request) {
	httpx.WriteError(w, r, errPageNotBuilt)
}
func (s *Server) deskDossier(w http.ResponseWriter, r *http.Request) {
	httpx.WriteError(w, r, errPageNotBuilt)
}
func (s *Server) deskAct(w http.ResponseWriter, r *http.Request) {
	httpx.WriteError(w, r, errPageNotBuilt)
}
func (s *Server) deskSubmitForm(w http.ResponseWriter, r *http.Request) {
	httpx.WriteError(w, r, errPageNotBuilt)
}
func (s *Server) deskSubmit(w http.ResponseWriter, r *http.Request) {
	httpx.WriteError(w, r, errPageNotBuilt)
}
func (s *Server) lateList(w http.ResponseWriter, r *http.Request) {
	httpx.WriteError(w, r, errPageNotBuilt)
}
