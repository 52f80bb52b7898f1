package web

import (
	"net/http"
	"net/url"

	"egov/internal/apperr"
	"egov/internal/httpx"
	"egov/internal/identity"
)

// requireUser sends visitors who are not signed in to the login page, and
// half-signed-in officials to their second factor.
func (s *Server) requireUser(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p := httpx.Principal(r.Context())
		switch {
		case p == nil:
			http.Redirect(w, r, "/dang-nhap?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		case p.Stage == identity.StageMFA:
			http.Redirect(w, r, "/dang-nhap/xac-thuc?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		case p.Stage == identity.StageEnrol:
			http.Redirect(w, r, "/tai-khoan/xac-thuc-hai-lop?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		default:
			h(w, r)
		}
	}
}

// requireEnrolling lets in full sessions and sessions that must enrol.
func (s *Server) requireEnrolling(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if p := httpx.Principal(r.Context()); p != nil && p.Stage == identity.StageEnrol {
			h(w, r)
			return
		}
		s.requireUser(h)(w, r)
	}
}

func (s *Server) requireRoles(check func(p *identity.Principal) bool, h http.HandlerFunc) http.HandlerFunc {
	return s.requireUser(func(w http.ResponseWriter, r *http.Request) {
		if !check(httpx.Principal(r.Context())) {
			httpx.WriteError(w, r, apperr.ErrForbidden)
			return
		}
		h(w, r)
	})
}

func (s *Server) requireOfficial(h http.HandlerFunc) http.HandlerFunc {
	return s.requireRoles(func(p *identity.Principal) bool { return p.User.IsOfficial() }, h)
}

func (s *Server) requireAdmin(h http.HandlerFunc) http.HandlerFunc {
	return s.requireRoles(func(p *identity.Principal) bool {
		return p.HasAny(identity.RoleSystemAdmin, identity.RoleAgencyAdmin)
	}, h)
}

func (s *Server) requireSystemAdmin(h http.HandlerFunc) http.HandlerFunc {
	return s.requireRoles(func(p *identity.Principal) bool { return p.IsSystemAdmin() }, h)
}

func (s *Server) adminScope(r *http.Request) (identity.AdminScope, error) {
	return s.Identity.AdminScopeOf(r.Context(), httpx.Principal(r.Context()))
}
