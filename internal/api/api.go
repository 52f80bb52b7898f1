// Package api is egov's JSON API under /api/v1, described by an OpenAPI
// 3.1 document at /api/openapi.json that is generated from the registered
// operations (huma), so the document cannot drift from the routes. Errors
// are RFC 9457 problem+json with egov's stable codes (httpx.Problem).
package api

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"

	"egov/internal/apperr"
	"egov/internal/audit"
	"egov/internal/calendar"
	"egov/internal/catalog"
	"egov/internal/dossier"
	"egov/internal/forms"
	"egov/internal/httpx"
	"egov/internal/identity"
	"egov/internal/mail"
	"egov/internal/platform/blob"
	"egov/internal/signing"
)

// Deps are what the API needs.
type Deps struct {
	Log      *slog.Logger
	Identity *identity.Service
	Calendar *calendar.Service
	Catalog  *catalog.Service
	Dossiers *dossier.Service
	Mail     *mail.Service     // e-mail choices; nil: those operations answer 404
	Uploads  *dossier.Uploads  // the one upload pipeline for attachments
	Blobs    blob.Store        // to download a dossier's files
	Forms    *forms.Printer    // the one-stop forms as PDF
	Verifier *signing.Verifier // the public signature verifier; nil: 501
	// TrackLimit limits public tracking look-ups per client (nil: none).
	TrackLimit *httpx.Limiter
	Audit      *audit.Log
	PublicURL  string
	Version    string
}

// API holds the handlers.
type API struct {
	Deps
	h      huma.API
	routes []string
}

// recorder remembers the patterns huma registers on the mux, so a test can
// hold the OpenAPI document true to the routes actually served.
type recorder struct {
	*http.ServeMux
	patterns *[]string
}

func (r recorder) HandleFunc(pattern string, h func(http.ResponseWriter, *http.Request)) {
	*r.patterns = append(*r.patterns, pattern)
	r.ServeMux.HandleFunc(pattern, h)
}

var bearer = []map[string][]string{{"bearer": {}}}

// Register builds the API on mux and returns it.
func Register(mux *http.ServeMux, d Deps) *API {
	installErrors()
	cfg := huma.DefaultConfig("egov API", d.Version)
	cfg.OpenAPIPath = "/api/openapi"
	cfg.DocsPath = ""
	cfg.SchemasPath = ""
	cfg.CreateHooks = nil
	cfg.Info.Description = "API của nền tảng chính quyền điện tử egov. Lỗi trả về theo RFC 9457 (application/problem+json) " +
		"với mã ổn định ở trường code. / The egov e-government platform API. Errors are RFC 9457 problem+json with a stable code."
	cfg.Servers = []*huma.Server{{URL: d.PublicURL}}
	cfg.Components.SecuritySchemes = map[string]*huma.SecurityScheme{
		"bearer": {Type: "http", Scheme: "bearer", Description: "Token from POST /api/v1/sessions"},
	}
	a := &API{Deps: d}
	a.h = humago.New(recorder{mux, &a.routes}, cfg)
	a.register()
	return a
}

// OpenAPI returns the generated document (tests compare it with the mux).
func (a *API) OpenAPI() *huma.OpenAPI { return a.h.OpenAPI() }

// Routes lists the mux patterns the API registered ("GET /api/v1/me", ...).
func (a *API) Routes() []string { return append([]string(nil), a.routes...) }

// register adds every operation. Reading it tells what the API does.
func (a *API) register() {
	a.sessions()
	a.calendarRoutes()
	a.agencyRoutes()
	a.userRoutes()
	a.procedureRoutes()
	a.trackingRoutes()
	a.uploadRoutes()
	a.dossierRoutes()
	a.formRoutes()
	a.verifyRoutes()
	a.resultRoutes()
	a.mailRoutes()
}

// principal returns the caller, or an error when not signed in.
func principal(ctx context.Context) (*identity.Principal, error) {
	p := httpx.Principal(ctx)
	if p == nil {
		return nil, apperr.ErrUnauthenticated
	}
	if p.Stage != identity.StageFull {
		return nil, identity.ErrSessionInvalid
	}
	return p, nil
}

// problem converts a domain error to the problem the client receives.
func (a *API) problem(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	return httpx.NewProblem(ctx, err, a.Log)
}

var installOnce sync.Once

// installErrors makes huma's own errors (validation, bad JSON, body too
// large) egov problems with stable codes. huma keeps these hooks in
// package variables, so they are set once per process.
func installErrors() { installOnce.Do(setHumaErrors) }

func setHumaErrors() {
	huma.NewError = func(status int, msg string, errs ...error) huma.StatusError {
		return hummaProblem(context.Background(), status, msg, errs...)
	}
	huma.NewErrorWithContext = func(hc huma.Context, status int, msg string, errs ...error) huma.StatusError {
		ctx := context.Background()
		if hc != nil {
			ctx = hc.Context()
		}
		return hummaProblem(ctx, status, msg, errs...)
	}
}

func hummaProblem(ctx context.Context, status int, msg string, errs ...error) huma.StatusError {
	for _, e := range errs {
		if p, ok := e.(*httpx.Problem); ok {
			return p
		}
	}
	var e *apperr.Error
	switch {
	case status == http.StatusRequestEntityTooLarge:
		e = apperr.ErrTooLarge
	case status == http.StatusBadRequest && malformedBody(errs):
		e = apperr.ErrBadJSON
	case status == http.StatusUnprocessableEntity || status == http.StatusBadRequest:
		var fields []apperr.FieldError
		for _, err := range errs {
			if err == nil {
				continue
			}
			loc, m := "", err.Error()
			if d, ok := err.(huma.ErrorDetailer); ok {
				det := d.ErrorDetail()
				loc, m = det.Location, det.Message
			}
			field := loc
			for _, p := range []string{"body.", "query.", "path.", "header."} {
				field = strings.TrimPrefix(field, p)
			}
			fields = append(fields, apperr.Field(field, "invalid_value", "Giá trị không hợp lệ ("+field+"): "+m, m))
		}
		e = apperr.Validation(fields...)
	case status == http.StatusNotFound:
		e = apperr.ErrNotFound
	case status == http.StatusMethodNotAllowed:
		e = apperr.New(apperr.Invalid, "method_not_allowed", "Phương thức không được hỗ trợ.", "Method not allowed.")
	case status == http.StatusUnsupportedMediaType, status == http.StatusNotAcceptable:
		e = apperr.New(apperr.Invalid, "unsupported_media_type", "Định dạng dữ liệu không được hỗ trợ; hãy dùng application/json.", "Unsupported media type; use application/json.")
	default:
		e = apperr.New(apperr.Internal, "internal", "Lỗi hệ thống.", msg)
	}
	p := httpx.NewProblem(ctx, e, nil)
	if status != 0 && e.Code != apperr.Internal {
		p.Status = status
		p.Title = http.StatusText(status)
	}
	return p
}

// malformedBody reports whether huma refused the body as unreadable JSON
// (its error sits at the location "body" itself, not at a field).
func malformedBody(errs []error) bool {
	for _, err := range errs {
		if d, ok := err.(huma.ErrorDetailer); ok && d.ErrorDetail().Location == "body" {
			return true
		}
	}
	return false
}
