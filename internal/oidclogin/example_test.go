package oidclogin_test

import (
	"context"
	"errors"
	"log"
	"net/http"

	"egov/internal/oidclogin"
)

// How the web layer uses a RelyingParty: Begin in the login handler, Finish
// in the callback. saveFlow and loadFlow stand for the web layer's sealed,
// HttpOnly, short-lived cookie.
func Example() {
	rp, err := oidclogin.New(oidclogin.Config{
		Issuer:       "http://localhost:8080/demo-idp", // or the national provider
		ClientID:     "egov-portal",
		ClientSecret: "change-me",
		RedirectURL:  "http://localhost:8080/auth/callback",
	})
	if err != nil {
		log.Fatal(err)
	}
	http.HandleFunc("GET /auth/login", func(w http.ResponseWriter, r *http.Request) {
		authURL, flow, err := rp.Begin(r.Context())
		if err != nil { // ErrDiscovery: the provider is unreachable; retried next time
			http.Error(w, "Lỗi hệ thống", http.StatusServiceUnavailable)
			return
		}
		saveFlow(w, flow)
		http.Redirect(w, r, authURL, http.StatusSeeOther)
	})
	http.HandleFunc("GET /auth/callback", func(w http.ResponseWriter, r *http.Request) {
		state, code, err := rp.ParseCallback(r.URL.Query())
		if err == nil {
			var id oidclogin.Identity
			if id, err = rp.Finish(r.Context(), loadFlow(r), state, code); err == nil {
				startSession(r.Context(), w, id)
				return
			}
		}
		switch {
		case errors.Is(err, oidclogin.ErrAccessDenied):
			// The citizen cancelled: back to the portal, no error.
		case errors.Is(err, oidclogin.ErrExpiredFlow), errors.Is(err, oidclogin.ErrMissingFlow),
			errors.Is(err, oidclogin.ErrStateMismatch), errors.Is(err, oidclogin.ErrCodeRejected):
			// "Phiên đăng nhập đã hết hạn, vui lòng đăng nhập lại."
		default:
			// "Lỗi hệ thống"; log err in full.
		}
	})
}

func saveFlow(http.ResponseWriter, oidclogin.Flow)                          {}
func loadFlow(*http.Request) oidclogin.Flow                                 { return oidclogin.Flow{} }
func startSession(context.Context, http.ResponseWriter, oidclogin.Identity) {}
