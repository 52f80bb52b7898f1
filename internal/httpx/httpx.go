// Package httpx holds what the HTML and JSON faces share: middleware
// (request IDs, logging, security headers, CSRF, body limits, sessions,
// metrics), the request's language and principal, and the one renderer of
// errors as RFC 9457 problem+json.
package httpx

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"egov/internal/apperr"
	"egov/internal/audit"
	"egov/internal/identity"
)

type ctxKey int

const (
	keyPrincipal ctxKey = iota
	keyLang
	keyRequestID
	keyDeclaredTooLarge
)

// DeclaredTooLarge reports an upload whose declared length is over the
// body limit: only its first headers (up to UploadHeadLimit) may be read,
// to name the file in the refusal.
func DeclaredTooLarge(ctx context.Context) bool {
	b, _ := ctx.Value(keyDeclaredTooLarge).(bool)
	return b
}

// UploadHeadLimit is how much of an upload declared too large is read to
// find the file's name.
const UploadHeadLimit = 64 << 10

// Principal returns the signed-in user of the request, or nil.
func Principal(ctx context.Context) *identity.Principal {
	p, _ := ctx.Value(keyPrincipal).(*identity.Principal)
	return p
}

// Lang returns "vi" or "en".
func Lang(ctx context.Context) string {
	if l, ok := ctx.Value(keyLang).(string); ok {
		return l
	}
	return "vi"
}

// RequestID returns the request's ID.
func RequestID(ctx context.Context) string {
	s, _ := ctx.Value(keyRequestID).(string)
	return s
}

// SessionCookie is the name of the session cookie.
const SessionCookie = "egov_session"

// LangCookie keeps the chosen language.
const LangCookie = "egov_lang"

// ClientIP is the peer address of the request (proxies are not trusted).
func ClientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// Client describes the request's origin for the identity service.
func Client(r *http.Request) identity.Client {
	return identity.Client{IP: ClientIP(r), UserAgent: r.UserAgent()}
}

// pickLang chooses the language: ?lang=, then the cookie, then
// Accept-Language; Vietnamese by default.
func pickLang(r *http.Request) string {
	if strings.Contains(r.URL.RawQuery, "lang=") {
		if l := r.URL.Query().Get("lang"); l == "en" || l == "vi" {
			return l
		}
	}
	if c, err := r.Cookie(LangCookie); err == nil && (c.Value == "en" || c.Value == "vi") {
		return c.Value
	}
	if strings.HasPrefix(r.Header.Get("Accept-Language"), "en") {
		return "en"
	}
	return "vi"
}

// Options configure the middleware chain.
type Options struct {
	Log           *slog.Logger
	Identity      *identity.Service
	SecureCookies bool
	MaxBody       int64 // bytes; default 1 MiB
	// UploadBody is the body limit of the requests IsUpload names (file
	// uploads); each file's own limit is the upload pipeline's.
	UploadBody int64
	IsUpload   func(*http.Request) bool
	FormAction []string // extra origins forms may post or redirect to
	Metrics    *Metrics
	// ErrorPage renders errors for browsers (the web package's page).
	ErrorPage func(w http.ResponseWriter, r *http.Request, p *Problem)
}

// Chain wraps h with egov's middleware, outermost first: recover, request
// ID, logging and metrics, security headers, CSRF, body limit, language,
// session.
func Chain(h http.Handler, o Options) http.Handler {
	if o.MaxBody <= 0 {
		o.MaxBody = 1 << 20
	}
	csrf := http.NewCrossOriginProtection()
	csrf.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		WriteError(w, r, apperr.New(apperr.Forbidden, "csrf",
			"Yêu cầu bị từ chối vì không xuất phát từ trang của hệ thống (bảo vệ CSRF).",
			"The request was refused because it did not come from this site (CSRF protection)."))
	}))
	csp := "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
	for _, o := range o.FormAction {
		csp += " " + o
	}
	inner := session(o, csrf.Handler(recordRoute(h)))
	sink := &errorSink{log: o.Log, page: o.ErrorPage}
	return withSink(sink, recoverer(o.Log, requestID(logRequests(o, headers(csp, o.SecureCookies, limitBody(o, inner))))))
}

func withSink(sink *errorSink, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), sinkKey{}, sink)))
	})
}

func recoverer(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				log.Error("panic", "err", v, "path", r.URL.Path, "request_id", RequestID(r.Context()), "stack", string(debug.Stack()))
				WriteError(w, r, apperr.ErrInternal)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

func requestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-Id")
		if id == "" || len(id) > 64 || strings.ContainsFunc(id, func(c rune) bool { return c < 0x21 || c > 0x7e }) {
			b := make([]byte, 8)
			_, _ = rand.Read(b)
			id = hex.EncodeToString(b)
		}
		w.Header().Set("X-Request-Id", id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), keyRequestID, id)))
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (s *statusWriter) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	n, err := s.ResponseWriter.Write(b)
	s.bytes += int64(n)
	return n, err
}

func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// routeKey holds the matched route pattern: the mux sets Pattern on the
// innermost request, which the outer middleware does not see.
type routeKey struct{}

func recordRoute(mux http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mux.ServeHTTP(w, r)
		if p, ok := r.Context().Value(routeKey{}).(*string); ok {
			*p = r.Pattern
		}
	})
}

func logRequests(o Options, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		route := new(string)
		next.ServeHTTP(sw, r.WithContext(context.WithValue(r.Context(), routeKey{}, route)))
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		d := time.Since(start)
		if *route == "" {
			*route = "unmatched"
		}
		if o.Metrics != nil {
			o.Metrics.observe(r.Method, *route, sw.status, d)
		}
		if r.URL.Path == "/healthz" || r.URL.Path == "/readyz" || r.URL.Path == "/metrics" {
			return
		}
		uid := int64(0)
		if p := Principal(r.Context()); p != nil {
			uid = p.User.ID
		}
		// The query string is not logged: it may carry codes and tokens.
		o.Log.LogAttrs(r.Context(), slog.LevelInfo, "request", slog.String("request_id", RequestID(r.Context())),
			slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.String("route", *route),
			slog.Int("status", sw.status), slog.Int64("bytes", sw.bytes), slog.Float64("duration_ms", float64(d.Microseconds())/1000),
			slog.Int64("user_id", uid), slog.String("ip", ClientIP(r)))
	})
}

func headers(csp string, secure bool, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
		if secure {
			h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
		}
		next.ServeHTTP(w, r)
	})
}

func limitBody(o Options, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		max := o.MaxBody
		if o.IsUpload != nil && o.UploadBody > max && o.IsUpload(r) {
			max = o.UploadBody
		}
		if r.ContentLength > max {
			if max != o.MaxBody {
				// An upload: its first part's headers name the file,
				// which the refusal repeats; nothing more is read.
				r.Body = http.MaxBytesReader(w, r.Body, UploadHeadLimit)
				next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), keyDeclaredTooLarge, true)))
				return
			}
			WriteError(w, r, apperr.ErrTooLarge)
			return
		}
		if r.Body != nil {
			r.Body = http.MaxBytesReader(w, r.Body, max)
		}
		next.ServeHTTP(w, r)
	})
}

// session resolves the session cookie or bearer token, and sets the
// language and the audit actor.
func session(o Options, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		lang := pickLang(r)
		ctx = context.WithValue(ctx, keyLang, lang)
		actor := audit.Actor{Username: "anonymous", IP: ClientIP(r), RequestID: RequestID(ctx)}
		token, bearer := "", false
		if h := r.Header.Get("Authorization"); h != "" {
			t, ok := strings.CutPrefix(h, "Bearer ")
			if !ok {
				WriteError(w, r, identity.ErrSessionInvalid)
				return
			}
			token, bearer = strings.TrimSpace(t), true
		} else if c, err := r.Cookie(SessionCookie); err == nil {
			token = c.Value
		}
		if token != "" {
			p, err := o.Identity.Session(ctx, token)
			switch {
			case err == nil:
				ctx = context.WithValue(ctx, keyPrincipal, p)
				actor.UserID, actor.Username, actor.AgencyID = p.User.ID, p.User.Username, p.ActingAgency()
			case bearer || apperr.As(err).Code != apperr.Unauthenticated:
				// A bad bearer token is an error; a stale cookie just means signed out.
				WriteError(w, r, err)
				return
			default:
				ClearSessionCookie(w, o.SecureCookies)
			}
		}
		ctx = audit.WithActor(ctx, actor)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// SetSessionCookie stores a session token in the browser.
func SetSessionCookie(w http.ResponseWriter, token string, expires time.Time, secure bool) {
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: token, Path: "/", Expires: expires,
		HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode})
}

// ClearSessionCookie removes the session cookie.
func ClearSessionCookie(w http.ResponseWriter, secure bool) {
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode})
}

// Status maps an error category to its HTTP status.
func Status(c apperr.Code) int {
	switch c {
	case apperr.Invalid:
		return http.StatusBadRequest
	case apperr.NotFound:
		return http.StatusNotFound
	case apperr.Conflict:
		return http.StatusConflict
	case apperr.Forbidden:
		return http.StatusForbidden
	case apperr.Unauthenticated:
		return http.StatusUnauthorized
	case apperr.TooMany:
		return http.StatusTooManyRequests
	case apperr.TooLarge:
		return http.StatusRequestEntityTooLarge
	case apperr.NotImplemented:
		return http.StatusNotImplemented
	case apperr.Unavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// Problem is an RFC 9457 problem detail with egov's stable code.
type Problem struct {
	Type      string         `json:"type"`
	Title     string         `json:"title"`
	Status    int            `json:"status"`
	Detail    string         `json:"detail,omitempty"`
	Instance  string         `json:"instance,omitempty"`
	Code      string         `json:"code"`
	RequestID string         `json:"request_id,omitempty"`
	Errors    []ProblemField `json:"errors,omitempty"`
}

// ProblemField is one invalid field.
type ProblemField struct {
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (p *Problem) Error() string  { return p.Code + ": " + p.Detail }
func (p *Problem) GetStatus() int { return p.Status }

// ContentType makes huma send problems as application/problem+json.
func (p *Problem) ContentType(string) string { return "application/problem+json" }

// NewProblem turns an error into a problem in the request's language.
func NewProblem(ctx context.Context, err error, log *slog.Logger) *Problem {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		err = apperr.ErrTooLarge
	}
	e := apperr.As(err)
	lang := Lang(ctx)
	status := Status(e.Code)
	if status == http.StatusInternalServerError && log != nil {
		log.Error("internal error", "err", err, "request_id", RequestID(ctx))
	}
	p := &Problem{
		Type:      "https://egov.vn/problems/" + strings.ReplaceAll(e.Key, ".", "/"),
		Title:     http.StatusText(status),
		Status:    status,
		Detail:    e.Message(lang),
		Code:      e.Key,
		RequestID: RequestID(ctx),
	}
	for _, f := range e.Fields {
		msg := f.VI
		if lang == "en" {
			msg = f.EN
		}
		p.Errors = append(p.Errors, ProblemField{Field: f.Field, Code: f.Key, Message: msg})
	}
	return p
}

// errorSink is how WriteError reports: where internal errors are logged,
// and the HTML page for browsers. Chain puts it in each request's context,
// so several servers in one process (tests, replicas) never share it.
type errorSink struct {
	log  *slog.Logger
	page func(w http.ResponseWriter, r *http.Request, p *Problem)
}

type sinkKey struct{}

// WriteError answers a request with err as problem+json (API and
// non-HTML clients) or as an HTML error page (browsers).
func WriteError(w http.ResponseWriter, r *http.Request, err error) {
	sink, _ := r.Context().Value(sinkKey{}).(*errorSink)
	if sink == nil {
		sink = &errorSink{log: slog.Default()}
	}
	p := NewProblem(r.Context(), err, sink.log)
	if p.Status == http.StatusUnauthorized && strings.HasPrefix(r.URL.Path, "/api/") {
		w.Header().Set("WWW-Authenticate", `Bearer realm="egov"`)
	}
	if WantsHTML(r) && sink.page != nil {
		sink.page(w, r, p)
		return
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

// WantsHTML reports whether the client is a browser asking for a page.
func WantsHTML(r *http.Request) bool {
	if strings.HasPrefix(r.URL.Path, "/api/") {
		return false
	}
	return strings.Contains(r.Header.Get("Accept"), "text/html")
}

// Metrics are the HTTP metrics.
type Metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

// NewMetrics registers the HTTP metrics.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "egov_http_requests_total", Help: "HTTP requests by route and status."},
			[]string{"method", "route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "egov_http_request_duration_seconds", Help: "HTTP request duration by route.",
			Buckets: []float64{.001, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5}}, []string{"method", "route"}),
	}
	reg.MustRegister(m.requests, m.duration)
	return m
}

func (m *Metrics) observe(method, route string, status int, d time.Duration) {
	m.requests.WithLabelValues(method, route, strconv.Itoa(status)).Inc()
	m.duration.WithLabelValues(method, route).Observe(d.Seconds())
}
