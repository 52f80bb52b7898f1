package app

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"egov/internal/apperr"
	"egov/internal/audit"
	"egov/internal/catalog"
	"egov/internal/catalog/demo"
	"egov/internal/catalog/natconv"
	"egov/internal/config"
	"egov/internal/identity"
)

const usage = `egov: nền tảng chính quyền điện tử / e-government platform

Usage:
  egov [serve]                      run the platform (default)
  egov migrate                      apply database migrations and exit
  egov seed demo                    create the demo province and accounts
  egov user create USERNAME --name NAME [--kind official|citizen|business]
                   [--role ROLE[@AGENCY_CODE]]...   (password read from standard input)
  egov user reset-password USERNAME (password read from standard input)
  egov agency import FILE.csv       import agency codes and names (see egov agency export)
  egov agency export                write every agency as CSV to standard output
  egov catalog import FILE.json     import procedures, workflows and forms (all or nothing)
  egov catalog import FILE.csv      update the flat part of existing procedures (all or nothing)
  egov catalog export [--csv]       write the whole catalogue as JSON (or its flat part as CSV)
  egov catalog convert ARCHIVE      convert the national portal's procedures (.tar.gz) to a catalogue file
                                    on standard output (incomplete ones become drafts; a report goes to stderr)
  egov audit verify                 check the audit log's hash chains and seals
  egov verify FILE.pdf [--trust ROOTS.pem]... [--crl FILE]... [--json]
                                    check a PDF's digital signatures offline; exit 0 all valid,
                                    1 invalid, 2 indeterminate or changed after signing, 3 unsigned/unreadable
  egov pki ca|list|issue|revoke|import|trust|crl|cert ...
                                    the built-in certificate authority, certificates and trusted roots
                                    (egov pki help for details)
  egov sign IN.pdf -o OUT.pdf --cert ID [--tsa URL | --no-tsa] [--reason TEXT]
                                    sign a PDF with a stored certificate (timestamped by the built-in TSA)
  egov bench generate --dossiers N [--batch 5000]
                                    add N synthetic dossiers (demo province, two years) for benchmarks;
                                    never on real data (see docs/benchmarks.md)
  egov version                      print the version
  egov help                         this text

Configuration is read from EGOV_* environment variables:
`

// Main runs the command line; it returns the process exit status.
func Main(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	cmd := "serve"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "help", "-h", "--help":
		printUsage(stdout)
		return 0
	case "version", "--version":
		fmt.Fprintln(stdout, "egov", versionString())
		return 0
	case "verify":
		return verifyCmd(args, stdout, stderr)
	}
	cfg, err := config.Load(getenv)
	if err != nil {
		fmt.Fprintln(stderr, "egov:", err)
		return 2
	}
	log := newLogger(cfg, stderr)
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()

	switch cmd {
	case "serve":
		a, err := New(ctx, cfg, log, Options{Stdout: stdout})
		if err != nil {
			log.Error("cannot start", "err", err)
			return 1
		}
		if err := a.Run(ctx); err != nil {
			log.Error("server stopped", "err", err)
			return 1
		}
		return 0
	case "migrate":
		c, err := OpenCore(ctx, cfg, log, nil)
		if err != nil {
			log.Error("migrate", "err", err)
			return 1
		}
		defer c.Close()
		cur, known, _ := c.DB.SchemaVersion(ctx)
		fmt.Fprintf(stdout, "schema at version %d (binary knows %d)\n", cur, known)
		return 0
	case "seed":
		if len(args) != 1 || args[0] != "demo" {
			fmt.Fprintln(stderr, "usage: egov seed demo")
			return 2
		}
		return withCore(ctx, cfg, log, stderr, func(c *Core) error {
			made, err := c.SeedDemo(ctx, stdout, true)
			if err == nil && !made {
				fmt.Fprintln(stdout, "the demo province already exists")
			}
			if err == nil {
				err = c.SeedDemoCatalog(ctx)
			}
			return err
		})
	case "user":
		return userCmd(ctx, cfg, log, args, stdin, stdout, stderr)
	case "agency":
		return agencyCmd(ctx, cfg, log, args, stdout, stderr)
	case "catalog":
		return catalogCmd(ctx, cfg, log, args, stdout, stderr)
	case "pki", "sign":
		return pkiCommands(ctx, cfg, log, cmd, args, stdin, stdout, stderr)
	case "bench":
		return benchCmd(ctx, cfg, log, args, stdout, stderr)
	case "audit":
		if len(args) != 1 || args[0] != "verify" {
			fmt.Fprintln(stderr, "usage: egov audit verify")
			return 2
		}
		status := 0
		code := withCore(ctx, cfg, log, stderr, func(c *Core) error {
			rep, err := c.Audit.Verify(ctx)
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "%d entries in %d chains, %d seals\n", rep.Entries, rep.Chains, rep.Seals)
			if rep.OK() {
				fmt.Fprintln(stdout, "audit log intact")
				return nil
			}
			for _, p := range rep.Problems {
				fmt.Fprintln(stdout, "PROBLEM:", p)
			}
			status = 1
			return nil
		})
		if code != 0 {
			return code
		}
		return status
	}
	fmt.Fprintf(stderr, "egov: unknown command %q\n\n", cmd)
	printUsage(stderr)
	return 2
}

func printUsage(w io.Writer) {
	fmt.Fprint(w, usage)
	for _, v := range config.Vars {
		def := v.Default
		if def == "" {
			def = "(empty)"
		}
		fmt.Fprintf(w, "  %-24s %s [default: %s]\n", v.Name, v.Help, def)
	}
}

func withCore(ctx context.Context, cfg config.Config, log *slog.Logger, stderr io.Writer, fn func(*Core) error) int {
	c, err := OpenCore(ctx, cfg, log, nil)
	if err != nil {
		fmt.Fprintln(stderr, "egov:", err)
		return 1
	}
	defer c.Close()
	if err := fn(c); err != nil {
		fmt.Fprintln(stderr, "egov:", err)
		return 1
	}
	return 0
}

func userCmd(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) < 2 {
		fmt.Fprintln(stderr, "usage: egov user create USERNAME --name NAME [--kind K] [--role ROLE[@CODE]]... | egov user reset-password USERNAME")
		return 2
	}
	sub, username := args[0], args[1]
	readPassword := func() (string, error) {
		fmt.Fprintln(stderr, "password (one line on standard input):")
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return "", err
		}
		return strings.TrimRight(line, "\r\n"), nil
	}
	actx := audit.WithActor(ctx, audit.Actor{Username: "cli:" + currentOSUser()})
	switch sub {
	case "create":
		fs := flag.NewFlagSet("user create", flag.ContinueOnError)
		fs.SetOutput(stderr)
		name := fs.String("name", "", "full name")
		kind := fs.String("kind", "official", "official, citizen or business")
		personal := fs.String("personal-id", "", "12-digit personal ID number (citizens)")
		var roles multiFlag
		fs.Var(&roles, "role", "role, optionally @agency code (repeatable), e.g. system_admin or desk_officer@000.00.03.H37")
		if err := fs.Parse(args[2:]); err != nil {
			return 2
		}
		return withCore(ctx, cfg, log, stderr, func(c *Core) error {
			in := identity.UserInput{Username: username, Kind: identity.UserKind(*kind), FullName: *name, PersonalID: *personal}
			for _, r := range roles {
				role, code, _ := strings.Cut(r, "@")
				g := identity.Grant{Role: identity.Role(role)}
				if code != "" {
					a, err := c.Identity.AgencyByCode(ctx, code)
					if err != nil {
						return fmt.Errorf("agency %s: %w", code, err)
					}
					g.AgencyID = a.ID
				}
				in.Grants = append(in.Grants, g)
			}
			pw, err := readPassword()
			if err != nil {
				return err
			}
			in.Password = pw
			u, err := c.Identity.CreateUser(actx, in)
			if err != nil {
				return explain(err)
			}
			fmt.Fprintf(stdout, "created user %s (id %d)\n", u.Username, u.ID)
			return nil
		})
	case "reset-password":
		return withCore(ctx, cfg, log, stderr, func(c *Core) error {
			u, err := c.Identity.UserByUsername(ctx, username)
			if err != nil {
				return explain(err)
			}
			pw, err := readPassword()
			if err != nil {
				return err
			}
			if err := c.Identity.SetPassword(actx, u.ID, pw); err != nil {
				return explain(err)
			}
			fmt.Fprintf(stdout, "password of %s reset; their sessions were ended\n", u.Username)
			return nil
		})
	}
	fmt.Fprintf(stderr, "egov user: unknown subcommand %q\n", sub)
	return 2
}

// explain turns a user error into its English message with the fields.
func explain(err error) error {
	e := apperr.As(err)
	if e.Code == apperr.Internal {
		return err
	}
	msg := e.EN
	for _, f := range e.Fields {
		msg += "; " + f.Field + ": " + f.EN
	}
	return errors.New(msg)
}

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func currentOSUser() string {
	if u := os.Getenv("USER"); u != "" {
		return u
	}
	return "unknown"
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	var h slog.Handler = slog.NewJSONHandler(w, opts)
	if cfg.LogFormat == "text" {
		h = slog.NewTextHandler(w, opts)
	}
	l := slog.New(h)
	if cfg.Instance != "" {
		l = l.With("instance", cfg.Instance)
	}
	return l
}

func versionString() string {
	v := Version
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				v += " (" + s.Value[:12] + ")"
			}
		}
		v += " " + bi.GoVersion
	}
	return v
}

func agencyCmd(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout, stderr io.Writer) int {
	switch {
	case len(args) == 1 && args[0] == "export":
		return withCore(ctx, cfg, log, stderr, func(c *Core) error { return c.Identity.ExportAgencies(ctx, stdout) })
	case len(args) == 2 && args[0] == "import":
		return withFile(ctx, cfg, log, args[1], stderr, func(c *Core, actx context.Context, f io.Reader) error {
			res, err := c.Identity.ImportAgencies(actx, f)
			for _, e := range res.Errors {
				fmt.Fprintf(stderr, "line %d: %s\n", e.Line, e.Reason)
			}
			if err != nil {
				return explain(err)
			}
			fmt.Fprintf(stdout, "%d created, %d updated, %d unchanged\n", res.Created, res.Updated, res.Unchanged)
			return nil
		})
	}
	fmt.Fprintln(stderr, "usage: egov agency import FILE.csv | egov agency export")
	return 2
}

func catalogCmd(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout, stderr io.Writer) int {
	switch {
	case len(args) == 2 && args[0] == "export" && args[1] == "--csv":
		return withCore(ctx, cfg, log, stderr, func(c *Core) error { return c.Catalog.ExportCSV(ctx, stdout) })
	case len(args) == 2 && args[0] == "import" && strings.HasSuffix(strings.ToLower(args[1]), ".csv"):
		return withFile(ctx, cfg, log, args[1], stderr, func(c *Core, actx context.Context, f io.Reader) error {
			rep, err := c.Catalog.ImportCSV(actx, f)
			for _, r := range rep.Rejected {
				fmt.Fprintf(stderr, "%s %s: %s\n", r.Item, r.Place, r.Reason)
			}
			if err != nil {
				return explain(err)
			}
			fmt.Fprintln(stdout, rep.Summary())
			return nil
		})
	case len(args) == 1 && args[0] == "export":
		return withCore(ctx, cfg, log, stderr, func(c *Core) error {
			b, err := c.Catalog.Export(ctx)
			if err != nil {
				return err
			}
			return catalog.WriteBundle(stdout, b)
		})
	case len(args) == 2 && args[0] == "convert":
		f, err := os.Open(args[1])
		if err != nil {
			fmt.Fprintln(stderr, "egov:", err)
			return 1
		}
		defer f.Close()
		raws, err := natconv.ReadArchive(f)
		if err != nil {
			fmt.Fprintln(stderr, "egov:", err)
			return 1
		}
		procs, rep := natconv.ConvertAll(raws)
		ws, _, err := demo.Load()
		if err != nil {
			fmt.Fprintln(stderr, "egov:", err)
			return 1
		}
		drafts := 0
		for _, p := range procs {
			if p.Draft {
				drafts++
			}
		}
		fmt.Fprintf(stderr, "%d procedures converted: %d complete (%d without any flag), %d drafts to finish by hand\n",
			rep.Total, rep.Valid, rep.Clean, drafts)
		for _, fc := range rep.TopFlags(10) {
			fmt.Fprintf(stderr, "  %5d  %s\n", fc.Count, fc.Flag)
		}
		if err := catalog.WriteBundle(stdout, catalog.Bundle{Format: catalog.Format, Workflows: append(ws, natconv.Ministry), Procedures: procs}); err != nil {
			fmt.Fprintln(stderr, "egov:", err)
			return 1
		}
		return 0
	case len(args) == 2 && args[0] == "import":
		return withFile(ctx, cfg, log, args[1], stderr, func(c *Core, actx context.Context, f io.Reader) error {
			b, err := catalog.ReadBundle(f)
			if err != nil {
				return explain(err)
			}
			bar := newProgress(stderr)
			rep, err := c.Catalog.Import(actx, b, bar.update)
			bar.done()
			for _, r := range rep.Rejected {
				place := ""
				if r.Place != "" {
					place = " " + r.Place
				}
				fmt.Fprintf(stderr, "%s%s: %s\n", r.Item, place, r.Reason)
			}
			if err != nil {
				return explain(err)
			}
			fmt.Fprintln(stdout, rep.Summary())
			return nil
		})
	}
	fmt.Fprintln(stderr, "usage: egov catalog import FILE.json|FILE.csv | egov catalog export [--csv] | egov catalog convert ARCHIVE.tar.gz")
	return 2
}

// progress draws a bar with a rate on a terminal line.
type progress struct {
	w     io.Writer
	start time.Time
	drawn bool
}

func newProgress(w io.Writer) *progress { return &progress{w: w, start: time.Now()} }

func (p *progress) update(done, total int) {
	if total == 0 {
		return
	}
	const width = 30
	n := done * width / total
	rate := float64(done) / max(time.Since(p.start).Seconds(), 1e-3)
	fmt.Fprintf(p.w, "\r[%s%s] %d/%d  %.0f/s", strings.Repeat("#", n), strings.Repeat(".", width-n), done, total, rate)
	p.drawn = true
}

func (p *progress) done() {
	if p.drawn {
		fmt.Fprintln(p.w)
	}
}

// withFile opens the file an import command names and runs fn with the
// core and a context that names the command-line user in the audit log.
func withFile(ctx context.Context, cfg config.Config, log *slog.Logger, path string, stderr io.Writer,
	fn func(c *Core, actx context.Context, f io.Reader) error) int {
	f, err := os.Open(path)
	if err != nil {
		fmt.Fprintln(stderr, "egov:", err)
		return 1
	}
	defer f.Close()
	actx := audit.WithActor(ctx, audit.Actor{Username: "cli:" + currentOSUser()})
	return withCore(ctx, cfg, log, stderr, func(c *Core) error { return fn(c, actx, f) })
}
