// Package web is egov's HTML face: the public portal and the back office,
// rendered on the server with html/template, Vietnamese first with
// English, accessible, and working without JavaScript. Handlers are thin:
// they parse the form, call a domain service, and render a page.
package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"egov/internal/apperr"
	"egov/internal/audit"
	"egov/internal/calendar"
	"egov/internal/catalog"
	"egov/internal/dossier"
	"egov/internal/forms"
	"egov/internal/httpx"
	"egov/internal/identity"
	"egov/internal/mail"
	"egov/internal/oidclogin"
	"egov/internal/platform/blob"
	"egov/internal/platform/secretbox"
	"egov/internal/signing"
	"egov/internal/signing/pki"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Deps are what the pages need.
type Deps struct {
	Log           *slog.Logger
	Identity      *identity.Service
	Audit         *audit.Log
	Calendar      *calendar.Service
	Catalog       *catalog.Service
	Dossiers      *dossier.Service
	Mail          *mail.Service     // e-mail choices and deliveries; nil: those pages are off
	Uploads       *dossier.Uploads  // the one upload pipeline for attachments
	Blobs         blob.Store        // to download a dossier's files
	Forms         *forms.Printer    // the one-stop forms as PDF
	Verifier      *signing.Verifier // the public signature verifier; nil: off
	PKI           *pki.Service      // keys and certificates; nil: those pages are off
	TrackLimit    *httpx.Limiter
	Box           *secretbox.Box
	OIDC          *oidclogin.RelyingParty // nil: citizen login through OpenID Connect is off
	SecureCookies bool
	PublicURL     string // canonical base URL; the identity flow starts there
	Province      string // shown in the header, e.g. "tỉnh Lạng Sơn"
	ProvinceEn    string // e.g. "Lang Son Province"
	Now           func() time.Time
}

// Server renders the pages.
type Server struct {
	Deps
	pages map[string]*template.Template
}

// New parses the templates.
func New(d Deps) (*Server, error) {
	if d.Now == nil {
		d.Now = time.Now
	}
	s := &Server{Deps: d, pages: map[string]*template.Template{}}
	funcs := template.FuncMap{"inc": func(i int) int { return i + 1 }}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if base == "layout" {
			continue
		}
		t, err := template.New(base).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", n)
		if err != nil {
			return nil, fmt.Errorf("web: template %s: %w", base, err)
		}
		s.pages[base] = t
	}
	return s, nil
}

// Page is what every template receives.
type Page struct {
	Lang      string
	Title     string
	Section   string
	Flash     string
	Errors    []FieldMsg
	Data      any
	Principal *identity.Principal
	Province  string
	Unread    int // unread notifications of the signed-in user
	reqURL    *url.URL
}

// FieldMsg is one error shown on a form.
type FieldMsg struct {
	Field   string
	Message string
}

// T translates a key.
func (p *Page) T(key string) string { return translate(p.Lang, key) }

// User is the signed-in user, or nil.
func (p *Page) User() *identity.User {
	if p.Principal == nil || p.Principal.Stage != identity.StageFull {
		return nil
	}
	return &p.Principal.User
}

// Official reports whether the user is an official.
func (p *Page) Official() bool { u := p.User(); return u != nil && u.IsOfficial() }

// Admin reports whether to show the back-office menu.
func (p *Page) Admin() bool { return p.Section != "" && p.Official() }

// CanAdmin reports whether the user administers users or agencies.
func (p *Page) CanAdmin() bool {
	return p.Principal.HasAny(identity.RoleSystemAdmin, identity.RoleAgencyAdmin)
}

// SystemAdmin reports whether the user administers the whole system.
func (p *Page) SystemAdmin() bool { return p.Principal.IsSystemAdmin() }

// FieldError returns the message of a field, or "".
func (p *Page) FieldError(field string) string {
	for _, e := range p.Errors {
		if e.Field == field {
			return e.Message
		}
	}
	return ""
}

// OtherLang is the language the switch link leads to.
func (p *Page) OtherLang() string {
	if p.Lang == "en" {
		return "vi"
	}
	return "en"
}

// OtherLangURL is the current page in the other language.
func (p *Page) OtherLangURL() string {
	u := *p.reqURL
	q := u.Query()
	q.Set("lang", p.OtherLang())
	u.RawQuery = q.Encode()
	return u.RequestURI()
}

func (s *Server) page(r *http.Request, title, section string) *Page {
	lang := httpx.Lang(r.Context())
	p := &Page{Lang: lang, Title: translate(lang, title), Section: section, Principal: httpx.Principal(r.Context()),
		Province: s.Province, reqURL: r.URL}
	if lang == "en" && s.ProvinceEn != "" {
		p.Province = s.ProvinceEn
	}
	return p
}

// render writes a page with status.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p *Page) {
	t, ok := s.pages[name]
	if !ok {
		s.Log.Error("missing template", "name", name)
		http.Error(w, "template missing", http.StatusInternalServerError)
		return
	}
	if f := flash(w, r); f != "" && p.Flash == "" {
		p.Flash = translate(p.Lang, f)
	}
	if s.Dossiers != nil && p.User() != nil {
		if n, err := s.Dossiers.Unread(r.Context(), p.Principal); err == nil {
			p.Unread = n
		}
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		s.Log.Error("render", "name", name, "err", err)
		http.Error(w, "render error", http.StatusInternalServerError)
		return
	}
	if r.URL.Query().Get("lang") != "" {
		http.SetCookie(w, &http.Cookie{Name: httpx.LangCookie, Value: p.Lang, Path: "/", MaxAge: 365 * 24 * 3600,
			SameSite: http.SameSiteLaxMode, Secure: s.SecureCookies})
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Language", p.Lang)
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// ErrorPage renders a problem for a browser (httpx.Options.ErrorPage).
func (s *Server) ErrorPage(w http.ResponseWriter, r *http.Request, pr *httpx.Problem) {
	p := s.page(r, "", "")
	p.Title = pr.Title
	if p.Lang == "vi" {
		p.Title = viStatus(pr.Status)
	}
	p.Data = pr
	s.render(w, r, pr.Status, "error", p)
}

func viStatus(code int) string {
	switch code {
	case 400:
		return "Yêu cầu không hợp lệ"
	case 401:
		return "Cần đăng nhập"
	case 403:
		return "Không có quyền truy cập"
	case 404:
		return "Không tìm thấy trang"
	case 409:
		return "Xung đột dữ liệu"
	case 413:
		return "Dữ liệu quá lớn"
	case 429:
		return "Quá nhiều yêu cầu"
	case 501:
		return "Chức năng chưa được xây dựng"
	case 503:
		return "Dịch vụ tạm thời gián đoạn"
	}
	return "Lỗi hệ thống"
}

// formErrors turns an error into messages for the form, or reports that
// it is not a user error (then the caller answers with the error page).
func formErrors(lang string, err error) ([]FieldMsg, bool) {
	e := apperr.As(err)
	if e.Code == apperr.Internal {
		return nil, false
	}
	var out []FieldMsg
	for _, f := range e.Fields {
		m := f.VI
		if lang == "en" {
			m = f.EN
		}
		out = append(out, FieldMsg{Field: f.Field, Message: m})
	}
	if len(out) == 0 {
		out = append(out, FieldMsg{Message: e.Message(lang)})
	}
	return out, true
}

// redirect answers a POST with 303 See Other and a one-shot flash key.
func (s *Server) redirect(w http.ResponseWriter, r *http.Request, to, flashKey string) {
	if flashKey != "" {
		http.SetCookie(w, &http.Cookie{Name: "egov_flash", Value: flashKey, Path: "/", MaxAge: 60, HttpOnly: true,
			SameSite: http.SameSiteLaxMode, Secure: s.SecureCookies})
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// flash reads and clears the flash cookie; only known keys are shown.
func flash(w http.ResponseWriter, r *http.Request) string {
	c, err := r.Cookie("egov_flash")
	if err != nil {
		return ""
	}
	http.SetCookie(w, &http.Cookie{Name: "egov_flash", Value: "", Path: "/", MaxAge: -1})
	if _, ok := messages[c.Value]; ok {
		return c.Value
	}
	return ""
}

// safeNext keeps post-login redirects on this site.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") ||
		strings.ContainsAny(next, "\r\n") {
		return ""
	}
	return next
}

func formInt(r *http.Request, name string) int64 {
	n, _ := strconv.ParseInt(strings.TrimSpace(r.FormValue(name)), 10, 64)
	return n
}

// Static serves the embedded stylesheet and images.
func Static() http.Handler {
	sub, _ := fs.Sub(staticFS, "static")
	fsrv := http.FileServerFS(sub)
	return http.StripPrefix("/static/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		fsrv.ServeHTTP(w, r)
	}))
}
