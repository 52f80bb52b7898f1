// Package app wires egov together: configuration -> engines (database,
// bus, blobs, jobs) -> domain services -> HTTP faces, and runs them with
// one lifecycle and a graceful shutdown.
package app

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/riverqueue/river"

	"egov/internal/api"
	"egov/internal/apperr"
	"egov/internal/attach"
	"egov/internal/audit"
	"egov/internal/calendar"
	"egov/internal/catalog"
	"egov/internal/catalog/demo"
	"egov/internal/config"
	"egov/internal/dossier"
	"egov/internal/forms"
	"egov/internal/httpx"
	"egov/internal/identity"
	"egov/internal/mail"
	"egov/internal/oidcdemo"
	"egov/internal/oidclogin"
	"egov/internal/platform/blob"
	"egov/internal/platform/bus"
	"egov/internal/platform/jobs"
	"egov/internal/platform/secretbox"
	"egov/internal/platform/sqldb"
	"egov/internal/seed"
	"egov/internal/signing"
	"egov/internal/signing/pki"
	"egov/internal/web"
)

// Version is set at build time (-ldflags "-X egov/internal/app.Version=...").
var Version = "dev"

// Options tune the app beyond the configuration (tests).
type Options struct {
	Now          func() time.Time
	SealEvery    time.Duration // audit seal period (default audit.SealEvery)
	CleanupEvery time.Duration // session clean-up period (default 10 min)
	Stdout       io.Writer     // where the demo banner goes
	Listener     net.Listener  // optional pre-opened listener
	// TrackLimit replaces the public tracking limiter (60 look-ups a
	// minute per client, bursts of 20). Benchmarks only: their one load
	// generator is one client; the limiter still runs on every request.
	TrackLimit *httpx.Limiter
}

// Core is egov without its HTTP server and background work: what the
// command-line tools need.
type Core struct {
	Cfg      config.Config
	Log      *slog.Logger
	DB       *sqldb.DB
	Box      *secretbox.Box
	Audit    *audit.Log
	Identity *identity.Service
	Calendar *calendar.Service
	Catalog  *catalog.Service
	Dossiers *dossier.Service
	PKI      *pki.Service
	now      func() time.Time
}

// OpenCore opens the database (migrating it) and builds the services.
func OpenCore(ctx context.Context, cfg config.Config, log *slog.Logger, now func() time.Time) (*Core, error) {
	if now == nil {
		now = time.Now
	}
	if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
		return nil, fmt.Errorf("data directory %s: %w", cfg.DataDir, err)
	}
	key, err := masterKey(cfg, log)
	if err != nil {
		return nil, err
	}
	box, err := secretbox.New(key)
	if err != nil {
		return nil, err
	}
	db, err := sqldb.Open(ctx, sqldb.Options{URL: cfg.DatabaseURL, Path: filepath.Join(cfg.DataDir, "egov.db"),
		Sync: cfg.SQLiteSync, AppName: "egov " + cfg.Instance})
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx, log); err != nil {
		db.Close()
		return nil, err
	}
	c := &Core{Cfg: cfg, Log: log, DB: db, Box: box, now: now}
	c.Audit = audit.New(db, now)
	c.Identity = identity.New(db, c.Audit, box, now, identity.Settings{
		SessionTTL: cfg.SessionTTL, RequireTOTP: !cfg.Demo, Issuer: "egov",
	})
	c.Calendar = calendar.NewService(db, c.Audit, calendar.DefaultOfficeHours(), now)
	c.Catalog = catalog.NewService(db, c.Audit, now)
	c.Dossiers = dossier.NewService(dossier.Deps{DB: db, Audit: c.Audit, Catalog: c.Catalog, Directory: c.Identity,
		Calendars: c.Calendar, Now: now, DueSoon: cfg.DueSoonDays})
	if c.PKI, err = pki.New(pki.Config{DB: db, Box: box, Audit: c.Audit, PublicURL: cfg.PublicURL, Now: now,
		Log: log.With("component", "pki")}); err != nil {
		db.Close()
		return nil, err
	}
	// A merged agency no longer signs: the certificates naming it are
	// revoked once the merger is recorded (its successor signs its
	// dossiers' documents from then on).
	c.Identity.SetMergeHook(func(ctx context.Context, from, into int64) {
		if n, err := c.PKI.RetireAgency(ctx, from); err != nil {
			log.Error("revoking a merged agency's certificates", "agency", from, "into", into, "err", err)
		} else if n > 0 {
			log.Info("revoked a merged agency's certificates", "agency", from, "into", into, "certificates", n)
		}
	})
	return c, nil
}

// Close releases the database.
func (c *Core) Close() error { return c.DB.Close() }

// masterKey finds the key that encrypts secrets at rest.
func masterKey(cfg config.Config, log *slog.Logger) ([]byte, error) {
	switch {
	case len(cfg.MasterKey) > 0:
		return cfg.MasterKey, nil
	case cfg.MasterKeyFile != "":
		return secretbox.LoadKeyFile(cfg.MasterKeyFile)
	case cfg.Embedded() || cfg.Demo:
		p := filepath.Join(cfg.DataDir, "master.key")
		k, created, err := secretbox.LoadOrCreateKeyFile(p)
		if err != nil {
			return nil, err
		}
		msg := "using the master key beside the data; for real use keep it elsewhere (EGOV_MASTER_KEY or EGOV_MASTER_KEY_FILE)"
		if created {
			msg = "generated a master key beside the data; for real use keep it elsewhere (EGOV_MASTER_KEY or EGOV_MASTER_KEY_FILE)"
		}
		log.Warn(msg, "file", p)
		return k, nil
	}
	return nil, errors.New("EGOV_MASTER_KEY or EGOV_MASTER_KEY_FILE is required outside the embedded default")
}

// SeedDemoCatalog loads the demo catalogue (Lạng Sơn's procedures and
// workflows) into an empty catalogue; a catalogue that has procedures is
// left alone, so an administrator's edits are never reverted.
func (c *Core) SeedDemoCatalog(ctx context.Context) error {
	have, err := c.Catalog.Procedures(ctx)
	if err != nil || len(have) > 0 {
		return err
	}
	ws, ps, err := demo.Load()
	if err != nil {
		return err
	}
	fs, err := demo.Forms()
	if err != nil {
		return err
	}
	rep, err := c.Catalog.Import(audit.WithActor(ctx, audit.Actor{Username: "seed"}),
		catalog.Bundle{Format: catalog.Format, Workflows: ws, Forms: fs, Procedures: ps}, nil)
	if err != nil {
		return fmt.Errorf("demo catalogue: %w (%v)", err, rep.Rejected)
	}
	c.Log.Info("demo catalogue loaded", "procedures", rep.Procedures.Created, "workflows", rep.Workflows.Created, "forms", rep.Forms.Created)
	return nil
}

// SeedDemo creates the demo province if it should exist and does not,
// printing the demo accounts once. force seeds even into a database that
// already has users (egov seed demo, EGOV_DEMO=1).
func (c *Core) SeedDemo(ctx context.Context, out io.Writer, force bool) (bool, error) {
	done, err := seed.Already(ctx, c.DB)
	if err != nil || done {
		return false, err
	}
	if !force {
		empty, err := seed.Empty(ctx, c.DB)
		if err != nil || !empty {
			if err == nil {
				c.Log.Info("not seeding the demo: the database already has users")
			}
			return false, err
		}
	}
	pw, generated := c.Cfg.DemoPassword, false
	if pw == "" {
		pw, generated = identity.RandomPassword(16), true
	}
	res, err := seed.Demo(ctx, c.DB, c.Identity, c.Audit, c.Calendar, pw)
	if err != nil || !res.Created {
		return false, err
	}
	c.Log.Info("demo province created", "agencies", res.AgencyNum, "communes", res.Communes, "accounts", len(res.Accounts))
	if out != nil {
		fmt.Fprintf(out, "\n=== egov demo: tỉnh Lạng Sơn (%d cơ quan, đơn vị; %d xã, phường) ===\n", res.AgencyNum, res.Communes)
		fmt.Fprintln(out, "Demo accounts / Tài khoản demo:")
		for _, a := range res.Accounts {
			where := ""
			if a.Where != "" {
				where = " (" + a.Where + ")"
			}
			fmt.Fprintf(out, "  %-14s %s%s\n", a.Username, a.Role, where)
		}
		if generated {
			fmt.Fprintf(out, "Password / Mật khẩu: %s\n(shown once; set EGOV_DEMO_PASSWORD to choose it)\n\n", pw)
		} else {
			fmt.Fprintln(out, "Password / Mật khẩu: the value of EGOV_DEMO_PASSWORD")
			fmt.Fprintln(out)
		}
	}
	return true, nil
}

// App is the running server.
type App struct {
	*Core
	opts    Options
	bus     *bus.Bus
	blobs   *blob.Local
	jobs    *jobs.Runner
	mail    *mail.Service
	forms   *forms.Printer
	handler http.Handler
	api     *api.API
	server  *http.Server
	ln      net.Listener
	sub     *nats.Subscription
	catSub  *nats.Subscription
	tsa     tsa
	signer  *signing.Issuer
}

// New builds the whole app; Run serves it.
func New(ctx context.Context, cfg config.Config, log *slog.Logger, o Options) (*App, error) {
	core, err := OpenCore(ctx, cfg, log, o.Now)
	if err != nil {
		return nil, err
	}
	a := &App{Core: core, opts: o}
	ok := false
	defer func() {
		if !ok {
			a.close()
		}
	}()
	if cfg.Demo {
		if _, err := core.SeedDemo(ctx, o.Stdout, cfg.DemoSet); err != nil {
			return nil, fmt.Errorf("demo seed: %w", err)
		}
		// The built-in CA plays the Government's specialised CA in the
		// embedded default only; its root is trusted only here.
		if _, err := core.PKI.EnsureBuiltinCA(audit.WithActor(ctx, audit.Actor{Username: "system"})); err != nil {
			return nil, fmt.Errorf("built-in CA: %w", err)
		}
		if done, err := seed.Already(ctx, core.DB); err != nil {
			return nil, err
		} else if done {
			if err := core.SeedDemoCatalog(ctx); err != nil {
				return nil, err
			}
		}
	}
	if a.blobs, err = blob.NewLocal(filepath.Join(cfg.DataDir, "blobs")); err != nil {
		return nil, err
	}
	if a.bus, err = bus.Open(ctx, bus.Options{URL: cfg.NATSURL, DataDir: cfg.DataDir, Name: cfg.Instance, Log: log}); err != nil {
		return nil, err
	}
	// Calendar changes reach every replica at once through the bus (and
	// within calendar.RefreshEvery without it).
	a.Calendar.Changed = func() { _ = a.bus.NC.Publish("egov.calendar.changed", nil) }
	if a.sub, err = a.bus.NC.Subscribe("egov.calendar.changed", func(*nats.Msg) { a.Calendar.Invalidate() }); err != nil {
		return nil, err
	}
	a.Catalog.Changed = func() { _ = a.bus.NC.Publish("egov.catalog.changed", nil) }
	if a.catSub, err = a.bus.NC.Subscribe("egov.catalog.changed", func(*nats.Msg) { a.Catalog.Invalidate() }); err != nil {
		return nil, err
	}

	if a.mail, err = newMail(cfg, a.Core); err != nil {
		return nil, err
	}
	workers := river.NewWorkers()
	river.AddWorker(workers, &audit.SealWorker{DB: a.DB, Log: a.Audit})
	river.AddWorker(workers, &identity.CleanupWorker{Service: a.Identity})
	river.AddWorker(workers, &dossier.DeadlineWorker{Service: a.Dossiers})
	river.AddWorker(workers, &mail.Worker{Service: a.mail})
	sealEvery, cleanupEvery := o.SealEvery, o.CleanupEvery
	if sealEvery <= 0 {
		sealEvery = audit.SealEvery
	}
	if cleanupEvery <= 0 {
		cleanupEvery = 10 * time.Minute
	}
	if a.jobs, err = jobs.New(jobs.Config{DB: a.DB, Workers: workers, ID: cfg.Instance, Log: log.With("component", "jobs"),
		Periodic: []*river.PeriodicJob{audit.PeriodicSeal(sealEvery), identity.PeriodicCleanup(cleanupEvery)}}); err != nil {
		return nil, err
	}
	a.Dossiers.SetScheduler(a.jobs)
	a.mail.SetScheduler(a.jobs)
	a.Dossiers.SetMailer(a.mail)
	a.signer = a.issuer()
	a.Dossiers.SetResultSigner(&resultSigner{issuer: a.signer, blobs: a.blobs, publicURL: cfg.PublicURL,
		maxBytes: int64(cfg.UploadMaxMB) << 20})
	if err := a.buildHTTP(ctx); err != nil {
		return nil, err
	}
	ok = true
	return a, nil
}

// newMail builds the e-mail service: sending when EGOV_SMTP_HOST is set,
// else only users' choices and the desk's lists (in-portal notifications
// work either way). The password is never logged.
func newMail(cfg config.Config, c *Core) (*mail.Service, error) {
	mc := mail.Config{DB: c.DB, Audit: c.Audit, From: cfg.SMTP.From, PublicURL: cfg.PublicURL, Now: c.now,
		Log: c.Log.With("component", "mail")}
	if cfg.SMTP.Enabled() {
		mc.Sender = &mail.SMTP{Host: cfg.SMTP.Host, Port: cfg.SMTP.Port, Username: cfg.SMTP.User, Password: cfg.SMTP.Password,
			TLS: mail.TLSMode(cfg.SMTP.TLS), HelloName: helloName(cfg.PublicURL)}
		c.Log.Info("e-mail on", "smtp", cfg.SMTP.String(), "from", cfg.SMTP.From)
	} else {
		c.Log.Info("e-mail off: EGOV_SMTP_HOST is empty (notifications stay in the portal)")
	}
	return mail.New(mc)
}

// helloName is the host of the public URL, which names this server in
// EHLO.
func helloName(publicURL string) string {
	h := strings.TrimPrefix(strings.TrimPrefix(publicURL, "https://"), "http://")
	if i := strings.IndexAny(h, ":/"); i >= 0 {
		h = h[:i]
	}
	if h == "" {
		return "localhost"
	}
	return h
}

func (a *App) buildHTTP(ctx context.Context) error {
	cfg := a.Cfg
	mux := http.NewServeMux()
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	metrics := httpx.NewMetrics(reg)

	rp, formAction, err := a.oidc(mux)
	if err != nil {
		return err
	}
	province, provinceEn := a.provinceNames(ctx)
	trackLimit := a.opts.TrackLimit
	if trackLimit == nil {
		trackLimit = httpx.NewLimiter(60, 20) // public tracking, per client, shared by the page and the API
	}
	// The compiled PDF renderer of the review page's previews is kept with
	// the data (its first compilation takes seconds).
	attach.SetPreviewCacheDir(filepath.Join(cfg.DataDir, "cache", "pdfium"))
	// The public verifier reads PDFs of up to 100 MB, spooled to a temporary
	// file; the trust store comes with the built-in CA.
	verifier := &signing.Verifier{MaxBytes: signing.DefaultMaxBytes, TempDir: os.TempDir(), Roots: a.PKI.RootPool, CRLs: a.PKI.CRLs}
	a.Dossiers.SetSignatureChecker(a.signedCheck(verifier))
	// Uploads are checked by content, and a PDF's signatures at once: an
	// invalid one is refused with the reason.
	uploads := dossier.NewUploads(a.Dossiers, attach.New(a.blobs, attach.Limits{MaxBytes: int64(cfg.UploadMaxMB) << 20},
		verifier.UploadStage()))
	a.forms = &forms.Printer{Dossiers: a.Dossiers, Catalog: a.Catalog, Directory: a.Identity, PublicURL: cfg.PublicURL,
		Place: placeOf(province), Now: a.now,
		Sign: a.signForm, Archive: &forms.Archive{DB: a.DB, Blobs: a.blobs, Now: a.now}}
	a.mail.SetAttach(a.mailForms)
	w, err := web.New(web.Deps{Log: a.Log, Identity: a.Identity, Audit: a.Audit, Calendar: a.Calendar, Catalog: a.Catalog,
		Dossiers: a.Dossiers, Mail: a.mail, Uploads: uploads, Forms: a.forms, Verifier: verifier, PKI: a.PKI, Blobs: a.blobs, TrackLimit: trackLimit, Box: a.Box, OIDC: rp,
		SecureCookies: cfg.SecureCookies(), PublicURL: cfg.PublicURL, Province: province, ProvinceEn: provinceEn, Now: a.now})
	if err != nil {
		return err
	}
	w.Register(mux)
	a.api = api.Register(mux, api.Deps{Log: a.Log, Identity: a.Identity, Calendar: a.Calendar, Catalog: a.Catalog,
		Dossiers: a.Dossiers, Mail: a.mail, Uploads: uploads, Forms: a.forms, Verifier: verifier, Blobs: a.blobs, TrackLimit: trackLimit, Audit: a.Audit, PublicURL: cfg.PublicURL, Version: Version})
	// The CA's public face: certificates, CRLs, OCSP and the timestamp
	// authority, for relying parties (pdfsig, Adobe, openssl).
	mux.Handle("/pki/", a.PKI.Handler())
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, "ok\n")
	})
	mux.HandleFunc("GET /readyz", a.ready)
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { httpx.WriteError(w, r, errNotFound) })
	a.handler = httpx.Chain(mux, httpx.Options{Log: a.Log, Identity: a.Identity, SecureCookies: cfg.SecureCookies(),
		MaxBody: 1 << 20, UploadBody: 8 * (int64(cfg.UploadMaxMB) << 20), IsUpload: isUpload, FormAction: formAction, Metrics: metrics, ErrorPage: w.ErrorPage})
	return nil
}

// oidc sets up citizen login: the national identity provider when
// configured, else the built-in demo provider in demo mode.
func (a *App) oidc(mux *http.ServeMux) (*oidclogin.RelyingParty, []string, error) {
	cfg := a.Cfg
	redirect := cfg.PublicURL + "/dang-nhap/dinh-danh/callback"
	switch {
	case cfg.OIDCIssuer != "":
		rp, err := oidclogin.New(oidclogin.Config{Issuer: cfg.OIDCIssuer, ClientID: cfg.OIDCClientID,
			ClientSecret: cfg.OIDCClientSecret, RedirectURL: redirect, Now: a.now})
		if err != nil {
			return nil, nil, err
		}
		return rp, []string{originOf(cfg.OIDCIssuer)}, nil
	case cfg.DemoOIDC():
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return nil, nil, err
		}
		secret := identity.RandomPassword(32)
		op, err := oidcdemo.New(oidcdemo.Config{
			Issuer:     cfg.PublicURL + "/demo-idp",
			Clients:    []oidcdemo.Client{{ID: "egov", Secret: secret, RedirectURIs: []string{redirect}}},
			Users:      demoCitizens{a.Identity},
			SigningKey: key, Logger: a.Log, Now: a.now,
		})
		if err != nil {
			return nil, nil, err
		}
		mux.Handle(op.Prefix(), op)
		// The relying party reaches the demo provider in-process, so the
		// flow works whatever address the public URL names.
		rp, err := oidclogin.New(oidclogin.Config{Issuer: op.Issuer(), ClientID: "egov", ClientSecret: secret,
			RedirectURL: redirect, HTTPClient: &http.Client{Transport: inProcess{op}, Timeout: 10 * time.Second}, Now: a.now})
		return rp, nil, err
	}
	return nil, nil, nil
}

// demoCitizens lets the demo identity provider sign in demo citizens.
type demoCitizens struct{ ids *identity.Service }

func (d demoCitizens) Authenticate(ctx context.Context, username, password string) (oidcdemo.Citizen, error) {
	u, err := d.ids.VerifyCitizen(ctx, username, password, identity.Client{IP: audit.ActorFrom(ctx).IP})
	if err != nil {
		return oidcdemo.Citizen{}, oidcdemo.ErrBadCredentials
	}
	return oidcdemo.Citizen{Subject: u.PersonalID, Name: u.FullName, BirthDate: u.BirthDate, Phone: u.Phone}, nil
}

// inProcess is an http.RoundTripper that serves requests with a handler.
type inProcess struct{ h http.Handler }

func (t inProcess) RoundTrip(r *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	t.h.ServeHTTP(rec, r)
	return rec.Result(), nil
}

func originOf(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		if j := strings.Index(u[i+3:], "/"); j >= 0 {
			return u[:i+3+j]
		}
	}
	return u
}

// provinceNames names the province after the root of the agency tree
// (its people's committee), in Vietnamese and English.
func (a *App) provinceNames(ctx context.Context) (vi, en string) {
	all, err := a.Identity.Agencies(ctx)
	if err != nil || len(all) == 0 {
		return "", ""
	}
	return strings.TrimPrefix(all[0].Name, "Ủy ban nhân dân "), strings.TrimPrefix(all[0].NameEn, "People's Committee of ")
}

// placeOf is the place name of a form's date line: "Lạng Sơn" for "tỉnh
// Lạng Sơn".
func placeOf(province string) string {
	for _, p := range []string{"tỉnh ", "Tỉnh ", "thành phố ", "Thành phố "} {
		if rest, ok := strings.CutPrefix(province, p); ok {
			return rest
		}
	}
	return province
}

var errNotFound = apperr.New(apperr.NotFound, "not_found", "Không tìm thấy trang bạn yêu cầu.", "The page you asked for does not exist.")

// APIRoutes lists the API's registered route patterns.
func (a *App) APIRoutes() []string { return a.api.Routes() }

// Handler returns the root HTTP handler (tests serve it directly).
func (a *App) Handler() http.Handler { return a.handler }

func (a *App) ready(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	checks := map[string]error{"database": a.DB.Ping(ctx), "bus": a.bus.Ping(ctx), "blobs": a.blobs.Ping()}
	status := http.StatusOK
	var b strings.Builder
	for _, name := range []string{"database", "bus", "blobs"} {
		if err := checks[name]; err != nil {
			status = http.StatusServiceUnavailable
			fmt.Fprintf(&b, "%s: not ready\n", name)
			a.Log.Warn("not ready", "check", name, "err", err)
		} else {
			fmt.Fprintf(&b, "%s: ok\n", name)
		}
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, b.String())
}

// Run serves until ctx ends, then shuts down within the configured
// deadline: stop accepting, finish requests, stop jobs, close the bus and
// the database.
func (a *App) Run(ctx context.Context) error {
	ln := a.opts.Listener
	if ln == nil {
		var err error
		if ln, err = net.Listen("tcp", a.Cfg.Addr); err != nil {
			a.close()
			return fmt.Errorf("listen on %s: %w", a.Cfg.Addr, err)
		}
	}
	a.ln = ln
	if err := a.jobs.Start(ctx); err != nil {
		a.close()
		return err
	}
	a.server = &http.Server{
		Handler:           a.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(a.Log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- a.server.Serve(ln) }()
	a.Log.Info("egov ready", "addr", ln.Addr().String(), "public_url", a.Cfg.PublicURL, "engine", a.DB.Engine,
		"bus", map[bool]string{true: "embedded", false: "external"}[a.bus.Embedded()], "demo", a.Cfg.Demo, "version", Version)

	var serveErr error
	select {
	case <-ctx.Done():
	case serveErr = <-errc:
	}
	a.Log.Info("shutting down", "deadline", a.Cfg.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), a.Cfg.ShutdownTimeout)
	defer cancel()
	if err := a.server.Shutdown(sctx); err != nil {
		a.Log.Warn("http shutdown", "err", err)
	}
	if err := a.jobs.Stop(sctx); err != nil {
		a.Log.Warn("jobs shutdown", "err", err)
	}
	a.close()
	if errors.Is(serveErr, http.ErrServerClosed) {
		serveErr = nil
	}
	a.Log.Info("stopped")
	return serveErr
}

// Addr is the address the server listens on (after Run started).
func (a *App) Addr() net.Addr {
	if a.ln == nil {
		return nil
	}
	return a.ln.Addr()
}

func (a *App) close() {
	a.stopTSA()
	for _, sub := range []*nats.Subscription{a.sub, a.catSub} {
		if sub != nil {
			_ = sub.Unsubscribe()
		}
	}
	if a.bus != nil {
		a.bus.Close()
	}
	if a.Core != nil {
		_ = a.Core.Close()
	}
}

// isUpload names the requests that carry files: multipart posts to the
// routes that take attachments. Their body limit is the upload limit.
func isUpload(r *http.Request) bool {
	if r.Method != http.MethodPost || !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		return false
	}
	p := r.URL.Path
	return p == "/api/v1/uploads" || p == "/api/v1/verify" || p == "/xac-thuc-van-ban" || strings.HasPrefix(p, "/xac-thuc-van-ban/") || strings.HasPrefix(p, "/nop-ho-so/") || strings.HasPrefix(p, "/ho-so/") ||
		strings.HasPrefix(p, "/mot-cua/")
}
