package web

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"html/template"
	"image/png"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"egov/internal/apperr"
	"egov/internal/httpx"
	"egov/internal/identity"
	"egov/internal/oidclogin"
)

type loginData struct {
	Next     string
	Username string
	OIDC     bool
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) {
	next := safeNext(r.URL.Query().Get("next"))
	if p := httpx.Principal(r.Context()); p != nil && p.Stage == identity.StageFull {
		http.Redirect(w, r, s.landing(p, next), http.StatusSeeOther)
		return
	}
	p := s.page(r, "login.title", "")
	p.Data = loginData{Next: next, OIDC: s.OIDC != nil}
	s.render(w, r, http.StatusOK, "login", p)
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	next := safeNext(r.PostFormValue("next"))
	username := r.PostFormValue("username")
	res, err := s.Identity.Login(r.Context(), identity.LoginRequest{
		Username: username, Password: r.PostFormValue("password"), Kind: identity.SessionWeb, Client: httpx.Client(r),
	})
	if err != nil {
		p := s.page(r, "login.title", "")
		msgs, ok := formErrors(p.Lang, err)
		if !ok {
			httpx.WriteError(w, r, err)
			return
		}
		// Point the message at the username field, which is first.
		for i := range msgs {
			if msgs[i].Field == "" {
				msgs[i].Field = "username"
			}
		}
		p.Errors = msgs
		p.Data = loginData{Next: next, Username: username, OIDC: s.OIDC != nil}
		status := httpx.Status(apperr.As(err).Code)
		s.render(w, r, status, "login", p)
		return
	}
	httpx.SetSessionCookie(w, res.Token, res.ExpiresAt, s.SecureCookies)
	switch res.Stage {
	case identity.StageMFA:
		http.Redirect(w, r, "/dang-nhap/xac-thuc?next="+url.QueryEscape(next), http.StatusSeeOther)
	case identity.StageEnrol:
		http.Redirect(w, r, "/tai-khoan/xac-thuc-hai-lop?next="+url.QueryEscape(next), http.StatusSeeOther)
	default:
		s.redirect(w, r, s.landingFor(res.User, next), "")
	}
}

// landing is where a signed-in user goes by default.
func (s *Server) landing(p *identity.Principal, next string) string {
	return s.landingFor(p.User, next)
}

func (s *Server) landingFor(u identity.User, next string) string {
	if next != "" {
		return next
	}
	if u.IsOfficial() {
		return "/quan-tri"
	}
	return "/tai-khoan"
}

func (s *Server) mfaForm(w http.ResponseWriter, r *http.Request) {
	pr := httpx.Principal(r.Context())
	if pr == nil || pr.Stage != identity.StageMFA {
		http.Redirect(w, r, "/dang-nhap", http.StatusSeeOther)
		return
	}
	p := s.page(r, "mfa.title", "")
	p.Data = loginData{Next: safeNext(r.URL.Query().Get("next"))}
	s.render(w, r, http.StatusOK, "mfa", p)
}

func (s *Server) mfa(w http.ResponseWriter, r *http.Request) {
	pr := httpx.Principal(r.Context())
	next := safeNext(r.PostFormValue("next"))
	if pr == nil || pr.Stage != identity.StageMFA {
		http.Redirect(w, r, "/dang-nhap", http.StatusSeeOther)
		return
	}
	res, err := s.Identity.CompleteMFA(r.Context(), pr, r.PostFormValue("code"), httpx.Client(r))
	if err != nil {
		p := s.page(r, "mfa.title", "")
		msgs, ok := formErrors(p.Lang, err)
		if !ok {
			httpx.WriteError(w, r, err)
			return
		}
		msgs[0].Field = "code"
		p.Errors, p.Data = msgs, loginData{Next: next}
		s.render(w, r, httpx.Status(apperr.As(err).Code), "mfa", p)
		return
	}
	httpx.SetSessionCookie(w, res.Token, res.ExpiresAt, s.SecureCookies)
	s.redirect(w, r, s.landingFor(res.User, next), "")
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if err := s.Identity.Logout(r.Context(), httpx.Principal(r.Context())); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	httpx.ClearSessionCookie(w, s.SecureCookies)
	s.redirect(w, r, "/", "login.logged_out")
}

type enrolData struct {
	Next     string
	QR       template.URL
	Secret   string
	Recovery []string
}

func (s *Server) enrolForm(w http.ResponseWriter, r *http.Request) {
	pr := httpx.Principal(r.Context())
	if pr.User.TOTPEnabled {
		http.Redirect(w, r, "/tai-khoan", http.StatusSeeOther)
		return
	}
	enr, ok, err := s.Identity.PendingTOTP(r.Context(), pr.User.ID)
	if err == nil && !ok {
		enr, err = s.Identity.BeginTOTP(r.Context(), pr.User.ID)
	}
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	s.renderEnrol(w, r, http.StatusOK, enr, nil)
}

func (s *Server) renderEnrol(w http.ResponseWriter, r *http.Request, status int, enr identity.TOTPEnrolment, errs []FieldMsg) {
	img, err := enr.Key.Image(200, 200)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	p := s.page(r, "enrol.title", "")
	p.Errors = errs
	p.Data = enrolData{
		Next:   safeNext(r.FormValue("next")),
		QR:     template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes())),
		Secret: enr.Secret,
	}
	s.render(w, r, status, "enrol", p)
}

func (s *Server) enrol(w http.ResponseWriter, r *http.Request) {
	pr := httpx.Principal(r.Context())
	codes, full, err := s.Identity.ConfirmTOTP(r.Context(), pr, r.PostFormValue("code"), httpx.Client(r))
	if err != nil {
		enr, ok, perr := s.Identity.PendingTOTP(r.Context(), pr.User.ID)
		if perr != nil || !ok {
			httpx.WriteError(w, r, err)
			return
		}
		msgs, isUser := formErrors(httpx.Lang(r.Context()), err)
		if !isUser {
			httpx.WriteError(w, r, err)
			return
		}
		msgs[0].Field = "code"
		s.renderEnrol(w, r, httpx.Status(apperr.As(err).Code), enr, msgs)
		return
	}
	next := safeNext(r.PostFormValue("next"))
	if full != nil {
		httpx.SetSessionCookie(w, full.Token, full.ExpiresAt, s.SecureCookies)
	}
	p := s.page(r, "enrol.title", "")
	p.Data = enrolData{Next: s.landingFor(pr.User, next), Recovery: codes}
	s.render(w, r, http.StatusOK, "enrol", p)
}

func (s *Server) account(w http.ResponseWriter, r *http.Request) {
	s.renderAccount(w, r, http.StatusOK, nil)
}

func (s *Server) renderAccount(w http.ResponseWriter, r *http.Request, status int, errs []FieldMsg) {
	p := s.page(r, "account.title", "")
	if p.Official() {
		p.Section = "home"
	}
	p.Errors = errs
	p.Data = struct{ Grants []string }{s.grantLabels(r, p.Lang, p.User().Grants)}
	s.render(w, r, status, "account", p)
}

func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) {
	err := s.Identity.ChangePassword(r.Context(), httpx.Principal(r.Context()), r.PostFormValue("current_password"),
		r.PostFormValue("new_password"), r.PostFormValue("confirm_password"), httpx.Client(r))
	if err != nil {
		msgs, ok := formErrors(httpx.Lang(r.Context()), err)
		if !ok {
			httpx.WriteError(w, r, err)
			return
		}
		s.renderAccount(w, r, httpx.Status(apperr.As(err).Code), msgs)
		return
	}
	httpx.ClearSessionCookie(w, s.SecureCookies)
	s.redirect(w, r, "/dang-nhap", "account.password_changed")
}

// grantLabels names roles with their agencies.
func (s *Server) grantLabels(r *http.Request, lang string, gs []identity.Grant) []string {
	out := make([]string, 0, len(gs))
	for _, g := range gs {
		l := translate(lang, "role."+string(g.Role))
		if g.AgencyID != 0 {
			if a, err := s.Identity.Agency(r.Context(), g.AgencyID); err == nil {
				l += " · " + a.Name
			}
		}
		out = append(out, l)
	}
	slices.Sort(out)
	return out
}

// The OpenID Connect flow: the flow's secrets travel in a sealed,
// short-lived cookie scoped to the callback path.
const flowCookie = "egov_oidc"

type sealedFlow struct {
	Flow oidclogin.Flow
	Next string
}

func (s *Server) oidcStart(w http.ResponseWriter, r *http.Request) {
	if s.OIDC == nil {
		httpx.WriteError(w, r, apperr.New(apperr.NotImplemented, "login.oidc_off", translate("vi", "login.oidc_off"), translate("en", "login.oidc_off")))
		return
	}
	// The provider sends the citizen back to the public URL: start there,
	// so the flow cookie and the session land on the same host.
	if pu, err := url.Parse(s.PublicURL); err == nil && pu.Host != "" && !strings.EqualFold(pu.Host, r.Host) {
		http.Redirect(w, r, strings.TrimRight(s.PublicURL, "/")+r.URL.RequestURI(), http.StatusFound)
		return
	}
	authURL, flow, err := s.OIDC.Begin(r.Context())
	if err != nil {
		s.Log.Warn("oidc begin", "err", err)
		httpx.WriteError(w, r, apperr.New(apperr.Unavailable, "login.oidc_unavailable",
			"Cổng định danh điện tử tạm thời không phản hồi. Vui lòng thử lại sau.", "The identity provider is not answering. Please try again later.").Wrap(err))
		return
	}
	b, _ := json.Marshal(sealedFlow{Flow: flow, Next: safeNext(r.URL.Query().Get("next"))})
	http.SetCookie(w, &http.Cookie{Name: flowCookie, Value: s.Box.Seal(b, flowCookie), Path: "/dang-nhap/dinh-danh",
		MaxAge: int(oidclogin.FlowTTL / time.Second), HttpOnly: true, Secure: s.SecureCookies, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, authURL, http.StatusFound)
}

func (s *Server) oidcCallback(w http.ResponseWriter, r *http.Request) {
	if s.OIDC == nil {
		httpx.WriteError(w, r, apperr.ErrNotFound)
		return
	}
	fail := func(err error) {
		s.Log.Warn("oidc callback", "err", err, "request_id", httpx.RequestID(r.Context()))
		code := apperr.Unauthenticated
		if errors.Is(err, oidclogin.ErrAccessDenied) {
			code = apperr.Forbidden
		}
		httpx.WriteError(w, r, apperr.New(code, "login.oidc_failed", translate("vi", "login.oidc_failed"), translate("en", "login.oidc_failed")).Wrap(err))
	}
	c, err := r.Cookie(flowCookie)
	if err != nil {
		fail(oidclogin.ErrMissingFlow)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: flowCookie, Value: "", Path: "/dang-nhap/dinh-danh", MaxAge: -1, HttpOnly: true, Secure: s.SecureCookies})
	raw, err := s.Box.Open(c.Value, flowCookie)
	if err != nil {
		fail(oidclogin.ErrMissingFlow)
		return
	}
	var sf sealedFlow
	if err := json.Unmarshal(raw, &sf); err != nil {
		fail(oidclogin.ErrMissingFlow)
		return
	}
	state, code, err := s.OIDC.ParseCallback(r.URL.Query())
	if err != nil {
		fail(err)
		return
	}
	id, err := s.OIDC.Finish(r.Context(), sf.Flow, state, code)
	if err != nil {
		fail(err)
		return
	}
	res, err := s.Identity.LoginExternal(r.Context(), identity.ExternalIdentity{
		Subject: id.Subject, Name: id.Name, BirthDate: id.BirthDate, Phone: id.Phone, Email: id.Email,
	}, httpx.Client(r))
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	httpx.SetSessionCookie(w, res.Token, res.ExpiresAt, s.SecureCookies)
	s.redirect(w, r, s.landingFor(res.User, sf.Next), "")
}
