package oidcdemo

import (
	"bytes"
	_ "embed"
	"errors"
	"html/template"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

//go:embed page.html
var pageHTML string

var pageTmpl = template.Must(template.New("page").Parse(pageHTML))

type pageData struct {
	T            *texts
	Form         bool // the login form; otherwise an error page
	Message      string
	Action       string
	Hidden       []hiddenField
	ClientHost   string
	Username     string
	OtherLangURL string
}

type hiddenField struct{ Name, Value string }

// authRequest is a checked authorization request.
type authRequest struct {
	client      client
	redirectURI string
	scope       string   // as requested, carried through the form
	scopes      []string // granted: the supported subset
	state       string
	nonce       string
	challenge   string
}

// authError is a refused authorization request. Until client_id and
// redirect_uri are known good the error is shown on a page (redirect false):
// sending it anywhere would make the provider an open redirector.
type authError struct {
	redirect   bool
	code, desc string // OAuth error, when redirected
	msg        msgKey // page message, when not
}

// authorize serves the login form (GET, or POST without credentials as
// OpenID allows) and handles its submission (POST with action).
func (p *Provider) authorize(w http.ResponseWriter, r *http.Request) {
	params := r.URL.Query()
	if r.Method == http.MethodPost {
		r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
		if err := r.ParseForm(); err != nil {
			p.errorPage(w, r, pickTexts(r, "", ""), msgBadRequest)
			return
		}
		params = r.PostForm
	}
	t := pickTexts(r, params.Get("lang"), params.Get("ui_locales"))
	req, aerr := p.parseAuthRequest(params)
	switch {
	case aerr != nil && !aerr.redirect:
		p.errorPage(w, r, t, aerr.msg)
		return
	case aerr != nil:
		p.redirect(w, r, req, url.Values{"error": {aerr.code}, "error_description": {aerr.desc}})
		return
	}
	if r.Method == http.MethodPost {
		switch params.Get("action") {
		case "cancel":
			p.redirect(w, r, req, url.Values{"error": {"access_denied"}, "error_description": {"the user cancelled sign-in"}})
			return
		case "login":
			p.login(w, r, t, req, params)
			return
		}
	}
	p.form(w, t, req, http.StatusOK, msgNone, "")
}

func (p *Provider) parseAuthRequest(q url.Values) (authRequest, *authError) {
	for _, vs := range q {
		if len(vs) > 1 { // RFC 6749 3.1: parameters must not repeat
			return authRequest{}, &authError{msg: msgBadRequest}
		}
	}
	c, ok := p.clients[q.Get("client_id")]
	if !ok {
		return authRequest{}, &authError{msg: msgUnknownClient}
	}
	ru := q.Get("redirect_uri")
	if !slices.Contains(c.RedirectURIs, ru) {
		return authRequest{}, &authError{msg: msgRedirectMismatch}
	}
	req := authRequest{client: c, redirectURI: ru, state: q.Get("state"), nonce: q.Get("nonce"),
		scope: q.Get("scope"), challenge: q.Get("code_challenge")}
	fail := func(code, desc string) (authRequest, *authError) {
		return req, &authError{redirect: true, code: code, desc: desc}
	}
	if len(req.state) > maxParamLen {
		req.state = ""
		return fail("invalid_request", "state is too long")
	}
	switch {
	case q.Has("request"):
		return fail("request_not_supported", "request objects are not supported")
	case q.Has("request_uri"):
		return fail("request_uri_not_supported", "request_uri is not supported")
	case q.Get("response_type") != "code":
		return fail("unsupported_response_type", "only response_type=code is supported")
	case q.Get("response_mode") != "" && q.Get("response_mode") != "query":
		return fail("invalid_request", "only response_mode=query is supported")
	case len(req.nonce) > maxParamLen:
		return fail("invalid_request", "nonce is too long")
	case q.Get("code_challenge_method") != pkceMethodS256:
		return fail("invalid_request", "PKCE with code_challenge_method=S256 is required")
	case !isS256Challenge(req.challenge):
		return fail("invalid_request", "code_challenge must be a base64url SHA-256 value")
	}
	requested := strings.Fields(req.scope)
	if !slices.Contains(requested, scopeOpenID) {
		return fail("invalid_scope", "the openid scope is required")
	}
	for _, s := range []string{scopeOpenID, scopeProfile, scopePhone} {
		if slices.Contains(requested, s) {
			req.scopes = append(req.scopes, s)
		}
	}
	if slices.Contains(strings.Fields(q.Get("prompt")), "none") {
		return fail("login_required", "this provider keeps no sessions")
	}
	return req, nil
}

func (p *Provider) login(w http.ResponseWriter, r *http.Request, t *texts, req authRequest, params url.Values) {
	username := strings.TrimSpace(params.Get("username"))
	password := params.Get("password")
	if username == "" || password == "" {
		p.form(w, t, req, http.StatusBadRequest, msgMissingCredentials, username)
		return
	}
	if len(username) > maxCredLen || len(password) > maxCredLen {
		p.form(w, t, req, http.StatusUnauthorized, msgBadCredentials, "")
		return
	}
	ctx := r.Context()
	citizen, err := p.users.Authenticate(ctx, username, password)
	switch {
	case errors.Is(err, ErrBadCredentials):
		p.log.InfoContext(ctx, "oidcdemo: sign-in refused", "client_id", req.client.ID)
		p.form(w, t, req, http.StatusUnauthorized, msgBadCredentials, username)
		return
	case err != nil:
		p.log.ErrorContext(ctx, "oidcdemo: authenticator failed", "client_id", req.client.ID, "err", err)
		p.form(w, t, req, http.StatusInternalServerError, msgSystem, username)
		return
	case citizen.Subject == "":
		p.log.ErrorContext(ctx, "oidcdemo: authenticator returned a citizen without subject", "client_id", req.client.ID)
		p.form(w, t, req, http.StatusInternalServerError, msgSystem, username)
		return
	}
	now := p.now()
	code := newSecret()
	err = p.store.putCode(code, &codeGrant{
		clientID:    req.client.ID,
		redirectURI: req.redirectURI,
		nonce:       req.nonce,
		challenge:   req.challenge,
		scopes:      req.scopes,
		citizen:     citizen,
		authTime:    now,
		expires:     now.Add(codeTTL),
	}, now)
	if err != nil {
		p.log.ErrorContext(ctx, "oidcdemo: cannot store authorization code", "err", err)
		p.form(w, t, req, http.StatusServiceUnavailable, msgSystem, username)
		return
	}
	p.redirect(w, r, req, url.Values{"code": {code}})
}

// redirect sends the authorization response to the client's checked
// redirect URI, with state and, per RFC 9207, iss.
func (p *Provider) redirect(w http.ResponseWriter, r *http.Request, req authRequest, v url.Values) {
	u, _ := url.Parse(req.redirectURI) // parsed in New
	q := u.Query()
	for k, vs := range v {
		q[k] = vs
	}
	if req.state != "" {
		q.Set("state", req.state)
	}
	q.Set("iss", p.issuer)
	u.RawQuery = q.Encode()
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	http.Redirect(w, r, u.String(), http.StatusSeeOther)
}

// authParams are the request's parameters as the form carries them.
func (p *Provider) authParams(req authRequest, lang string) url.Values {
	v := url.Values{
		"client_id":             {req.client.ID},
		"redirect_uri":          {req.redirectURI},
		"response_type":         {"code"},
		"scope":                 {req.scope},
		"code_challenge":        {req.challenge},
		"code_challenge_method": {pkceMethodS256},
		"lang":                  {lang},
	}
	if req.state != "" {
		v.Set("state", req.state)
	}
	if req.nonce != "" {
		v.Set("nonce", req.nonce)
	}
	return v
}

func (p *Provider) form(w http.ResponseWriter, t *texts, req authRequest, status int, msg msgKey, username string) {
	params := p.authParams(req, t.Lang)
	hidden := make([]hiddenField, 0, len(params))
	for _, k := range slices.Sorted(maps.Keys(params)) {
		hidden = append(hidden, hiddenField{k, params.Get(k)})
	}
	u, _ := url.Parse(req.redirectURI)
	p.render(w, status, pageData{
		T:            t,
		Form:         true,
		Message:      t.Messages[msg],
		Action:       p.base + authorizePath,
		Hidden:       hidden,
		ClientHost:   u.Host,
		Username:     username,
		OtherLangURL: p.base + authorizePath + "?" + p.authParams(req, t.OtherLang).Encode(),
	}, u.Scheme+"://"+u.Host)
}

func (p *Provider) errorPage(w http.ResponseWriter, r *http.Request, t *texts, msg msgKey) {
	q := r.URL.Query()
	q.Set("lang", t.OtherLang)
	p.render(w, http.StatusBadRequest, pageData{
		T:            t,
		Message:      t.Messages[msg],
		OtherLangURL: p.base + authorizePath + "?" + q.Encode(),
	}, "")
}

// render writes a page. formTarget is the origin the form's redirect goes
// to: browsers apply CSP form-action to redirects after a submission too.
func (p *Provider) render(w http.ResponseWriter, status int, data pageData, formTarget string) {
	var buf bytes.Buffer
	if err := pageTmpl.Execute(&buf, data); err != nil {
		p.log.Error("oidcdemo: render page", "err", err)
		http.Error(w, "Lỗi hệ thống / System error", http.StatusInternalServerError)
		return
	}
	csp := "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
	if formTarget != "" && !strings.ContainsAny(formTarget, " ;,'\"") {
		csp += " " + formTarget
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", csp)
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// isS256Challenge reports whether s looks like base64url(SHA-256(...)):
// 43 characters of the base64url alphabet.
func isS256Challenge(s string) bool {
	if len(s) != 43 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
