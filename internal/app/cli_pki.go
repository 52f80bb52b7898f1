package app

import (
	"bytes"
	"context"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"egov/internal/audit"
	"egov/internal/config"
	"egov/internal/identity"
	"egov/internal/signing/pades"
	"egov/internal/signing/pki"
)

const pkiUsage = `usage:
  egov pki ca                                   create the built-in CA if needed (demo only) and print it
  egov pki list [--kind KIND]                   list certificates (root, issuing, tsa, organisation, personal, external_ca)
  egov pki issue --agency CODE                  issue an agency's organisation certificate
  egov pki issue --user USERNAME [--position TITLE] [--agency CODE]
                                                issue an official's personal certificate
  egov pki revoke SERIAL [--reason key-compromise|superseded|affiliation-changed|cessation|unspecified]
  egov pki import FILE.p12 (--agency CODE | --user USERNAME [--agency CODE])
                                                import a certificate and key (password on standard input)
  egov pki image FILE.png (--agency CODE | --user USERNAME)
                                                set an agency's seal or an official's signature image (transparent PNG)
  egov pki trust list | add FILE.pem | remove ID
  egov pki crl CA_ID > FILE.crl                 the current CRL of a CA (DER)
  egov pki cert ID > FILE.pem                   a stored certificate as PEM`

const signUsage = `usage: egov sign IN.pdf -o OUT.pdf --cert ID [--tsa URL | --no-tsa] [--reason TEXT] [--location TEXT]

Signs a PDF with the key of a stored certificate (see egov pki list). The
signature is timestamped by the built-in timestamp authority when it
exists (served on a loopback address for the duration of the command),
or by the authority given with --tsa.`

// cliActor names the command-line user in the audit log.
func cliActor(ctx context.Context) context.Context {
	return audit.WithActor(ctx, audit.Actor{Username: "cli:" + currentOSUser()})
}

// parseMixed parses flags that may come before or after the positional
// arguments, which it returns.
func parseMixed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos, args = append(pos, fs.Arg(0)), fs.Args()[1:]
	}
}

func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {}
	return fs
}

func pkiUsageError(stderr io.Writer, msg string) int {
	if msg != "" {
		fmt.Fprintln(stderr, "egov pki:", msg)
	}
	fmt.Fprintln(stderr, pkiUsage)
	return 2
}

// pkiCmd runs egov pki: the built-in CA, certificates, trust store.
func pkiCmd(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		return pkiUsageError(stderr, "")
	}
	sub, args := args[0], args[1:]
	if sub == "help" || sub == "-h" || sub == "--help" {
		fmt.Fprintln(stdout, pkiUsage)
		return 0
	}
	actx := cliActor(ctx)
	switch sub {
	case "ca":
		if len(args) != 0 {
			return pkiUsageError(stderr, "pki ca không nhận tham số / takes no arguments")
		}
		if !cfg.Demo {
			fmt.Fprintln(stderr, "egov pki: CA nội bộ chỉ dùng cho bản demo (EGOV_DEMO=1); hãy nhập chứng thư của CA chuyên dùng Chính phủ (egov pki import, egov pki trust add)")
			fmt.Fprintln(stderr, "egov pki: the built-in CA is for the demo only (EGOV_DEMO=1); import the Government CA's certificates instead")
			return 1
		}
		return withCore(ctx, cfg, log, stderr, func(c *Core) error {
			ca, err := c.PKI.EnsureBuiltinCA(actx)
			if err != nil {
				return explain(err)
			}
			tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ROLE\tID\tSERIAL\tSUBJECT\tNOT AFTER")
			for _, r := range []struct {
				name string
				c    *pki.Certificate
			}{{"root", ca.Root}, {"issuing", ca.Issuing}, {"tsa", ca.TSA}} {
				fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\n", r.name, r.c.ID, r.c.Serial, r.c.Subject, r.c.NotAfter.UTC().Format(time.DateOnly))
			}
			return tw.Flush()
		})
	case "list":
		fs := newFlags("pki list", stderr)
		kind := fs.String("kind", "", "only this kind")
		pos, err := parseMixed(fs, args)
		if err != nil || len(pos) != 0 {
			return pkiUsageError(stderr, "")
		}
		switch k := pki.Kind(*kind); k {
		case "", pki.KindRoot, pki.KindIssuing, pki.KindTSA, pki.KindOrganisation, pki.KindPersonal, pki.KindExternalCA:
		default:
			return pkiUsageError(stderr, fmt.Sprintf("loại không hợp lệ / unknown kind %q", *kind))
		}
		return withCore(ctx, cfg, log, stderr, func(c *Core) error {
			list, err := c.PKI.List(ctx, pki.Kind(*kind))
			if err != nil {
				return explain(err)
			}
			tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tKIND\tSERIAL\tSUBJECT\tNOT AFTER\tREVOKED")
			for _, x := range list {
				rev := "-"
				if x.Revoked() {
					rev = x.RevokedAt.UTC().Format(time.RFC3339)
				}
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", x.ID, x.Kind, x.Serial, x.Subject, x.NotAfter.UTC().Format(time.DateOnly), rev)
			}
			return tw.Flush()
		})
	case "issue":
		fs := newFlags("pki issue", stderr)
		agencyCode := fs.String("agency", "", "agency code")
		username := fs.String("user", "", "official's username")
		position := fs.String("position", "", "official's title")
		pos, err := parseMixed(fs, args)
		if err != nil || len(pos) != 0 || (*agencyCode == "" && *username == "") {
			return pkiUsageError(stderr, "")
		}
		if *username == "" && *position != "" {
			return pkiUsageError(stderr, "--position chỉ dùng với --user / --position goes with --user")
		}
		return withCore(ctx, cfg, log, stderr, func(c *Core) error {
			var cert *pki.Certificate
			if *username == "" {
				a, err := cliAgency(ctx, c, *agencyCode, 0)
				if err != nil {
					return err
				}
				if cert, err = c.PKI.IssueOrganisation(actx, a); err != nil {
					return explain(err)
				}
			} else {
				u, a, err := cliOfficial(ctx, c, *username, *agencyCode)
				if err != nil {
					return err
				}
				if cert, err = c.PKI.IssuePersonal(actx, pki.Official{UserID: u.ID, FullName: u.FullName, Email: u.Email, Position: *position}, a); err != nil {
					return explain(err)
				}
			}
			printIssued(stdout, "issued", cert)
			return nil
		})
	case "revoke":
		fs := newFlags("pki revoke", stderr)
		reasonName := fs.String("reason", "unspecified", "revocation reason")
		pos, err := parseMixed(fs, args)
		if err != nil || len(pos) != 1 {
			return pkiUsageError(stderr, "")
		}
		reason, ok := map[string]int{
			"unspecified": pki.ReasonUnspecified, "key-compromise": pki.ReasonKeyCompromise, "superseded": pki.ReasonSuperseded,
			"affiliation-changed": pki.ReasonAffiliationChanged, "cessation": pki.ReasonCessationOfOperation,
		}[*reasonName]
		if !ok {
			return pkiUsageError(stderr, fmt.Sprintf("lý do không hợp lệ / unknown reason %q", *reasonName))
		}
		return withCore(ctx, cfg, log, stderr, func(c *Core) error {
			if err := c.PKI.Revoke(actx, pos[0], reason, time.Time{}); err != nil {
				return explain(err)
			}
			fmt.Fprintf(stdout, "đã thu hồi / revoked %s (%s)\n", pos[0], *reasonName)
			return nil
		})
	case "import":
		fs := newFlags("pki import", stderr)
		agencyCode := fs.String("agency", "", "agency code")
		username := fs.String("user", "", "official's username")
		pos, err := parseMixed(fs, args)
		if err != nil || len(pos) != 1 || (*agencyCode == "" && *username == "") {
			return pkiUsageError(stderr, "")
		}
		data, err := os.ReadFile(pos[0])
		if err != nil {
			fmt.Fprintln(stderr, "egov:", err)
			return 1
		}
		return withCore(ctx, cfg, log, stderr, func(c *Core) error {
			in := pki.ImportInput{Data: data, Kind: pki.KindOrganisation}
			if *username == "" {
				a, err := cliAgency(ctx, c, *agencyCode, 0)
				if err != nil {
					return err
				}
				in.AgencyID = a.ID
			} else {
				u, a, err := cliOfficial(ctx, c, *username, *agencyCode)
				if err != nil {
					return err
				}
				in.Kind, in.UserID, in.AgencyID = pki.KindPersonal, u.ID, a.ID
			}
			pw, err := readLine(stdin, stderr, "mật khẩu tệp PKCS#12 / PKCS#12 password (one line on standard input):")
			if err != nil {
				return err
			}
			in.Password = pw
			cert, err := c.PKI.ImportPKCS12(actx, in)
			if err != nil {
				return explain(err)
			}
			printIssued(stdout, "imported", cert)
			return nil
		})
	case "image":
		fs := newFlags("pki image", stderr)
		agencyCode := fs.String("agency", "", "agency code: its seal")
		username := fs.String("user", "", "official's username: their signature")
		pos, err := parseMixed(fs, args)
		if err != nil || len(pos) != 1 || (*agencyCode == "") == (*username == "") {
			return pkiUsageError(stderr, "")
		}
		data, err := os.ReadFile(pos[0])
		if err != nil {
			fmt.Fprintln(stderr, "egov:", err)
			return 1
		}
		return withCore(ctx, cfg, log, stderr, func(c *Core) error {
			kind, owner := pki.SealImage, int64(0)
			if *username == "" {
				a, err := cliAgency(ctx, c, *agencyCode, 0)
				if err != nil {
					return err
				}
				owner = a.ID
			} else {
				u, err := c.Identity.UserByUsername(ctx, *username)
				if err != nil {
					return fmt.Errorf("user %s: %w", *username, explain(err))
				}
				kind, owner = pki.SignatureImage, u.ID
			}
			if err := c.PKI.SetImage(actx, kind, owner, data); err != nil {
				return explain(err)
			}
			fmt.Fprintf(stdout, "đã lưu ảnh / image saved: %s %s\n", kind, pos[0])
			return nil
		})
	case "trust":
		return trustCmd(ctx, cfg, log, args, stdout, stderr)
	case "crl", "cert":
		if len(args) != 1 {
			return pkiUsageError(stderr, "")
		}
		id, err := strconv.ParseInt(args[0], 10, 64)
		if err != nil || id <= 0 {
			return pkiUsageError(stderr, fmt.Sprintf("mã chứng thư không hợp lệ / bad certificate id %q", args[0]))
		}
		return withCore(ctx, cfg, log, stderr, func(c *Core) error {
			if sub == "crl" {
				der, err := c.PKI.CRL(ctx, id)
				if err != nil {
					return explain(err)
				}
				_, err = stdout.Write(der)
				return err
			}
			cert, err := c.PKI.Get(ctx, id)
			if err != nil {
				return explain(err)
			}
			return pem.Encode(stdout, &pem.Block{Type: "CERTIFICATE", Bytes: cert.Cert.Raw})
		})
	}
	return pkiUsageError(stderr, fmt.Sprintf("lệnh con không rõ / unknown subcommand %q", sub))
}

func trustCmd(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout, stderr io.Writer) int {
	actx := cliActor(ctx)
	switch {
	case len(args) == 1 && args[0] == "list":
		return withCore(ctx, cfg, log, stderr, func(c *Core) error {
			roots, err := c.PKI.Roots(ctx)
			if err != nil {
				return explain(err)
			}
			tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tBUILTIN\tSHA256\tSUBJECT\tNOT AFTER")
			for _, r := range roots {
				fmt.Fprintf(tw, "%d\t%t\t%s\t%s\t%s\n", r.ID, r.Builtin, r.SHA256, r.Subject, r.Cert.NotAfter.UTC().Format(time.DateOnly))
			}
			return tw.Flush()
		})
	case len(args) == 2 && args[0] == "add":
		data, err := os.ReadFile(args[1])
		if err != nil {
			fmt.Fprintln(stderr, "egov:", err)
			return 1
		}
		return withCore(ctx, cfg, log, stderr, func(c *Core) error {
			r, err := c.PKI.AddRoot(actx, data)
			if err != nil {
				return explain(err)
			}
			fmt.Fprintf(stdout, "đã tin cậy / trusted root %d: %s (sha256 %s)\n", r.ID, r.Subject, r.SHA256)
			return nil
		})
	case len(args) == 2 && args[0] == "remove":
		id, err := strconv.ParseInt(args[1], 10, 64)
		if err != nil || id <= 0 {
			return pkiUsageError(stderr, fmt.Sprintf("mã không hợp lệ / bad id %q", args[1]))
		}
		return withCore(ctx, cfg, log, stderr, func(c *Core) error {
			if err := c.PKI.RemoveRoot(actx, id); err != nil {
				return explain(err)
			}
			fmt.Fprintf(stdout, "đã bỏ tin cậy / removed trusted root %d\n", id)
			return nil
		})
	}
	return pkiUsageError(stderr, "")
}

func printIssued(w io.Writer, verb string, c *pki.Certificate) {
	fmt.Fprintf(w, "%s certificate %d (%s), serial %s\n  %s\n", verb, c.ID, c.Kind, c.Serial, c.Subject)
	if t := pki.Title(c.Cert.Subject); t != "" {
		fmt.Fprintf(w, "  chức vụ / position: %s\n", t)
	}
	fmt.Fprintf(w, "  có hiệu lực đến / valid until %s\n", c.NotAfter.UTC().Format(time.RFC3339))
}

// readLine reads one line of standard input (a password), after a prompt
// on stderr.
func readLine(stdin io.Reader, stderr io.Writer, prompt string) (string, error) {
	fmt.Fprintln(stderr, prompt)
	var b []byte
	one := make([]byte, 1)
	for len(b) < 4096 {
		n, err := stdin.Read(one)
		if n == 1 {
			if one[0] == '\n' {
				break
			}
			b = append(b, one[0])
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return "", err
		}
	}
	return strings.TrimRight(string(b), "\r"), nil
}

// cliAgency finds an agency by code (or id when code is empty) as the
// certificate profiles name it.
func cliAgency(ctx context.Context, c *Core, code string, id int64) (pki.Agency, error) {
	var a identity.Agency
	var err error
	if code != "" {
		a, err = c.Identity.AgencyByCode(ctx, code)
	} else {
		a, err = c.Identity.Agency(ctx, id)
	}
	if err != nil {
		what := code
		if what == "" {
			what = strconv.FormatInt(id, 10)
		}
		return pki.Agency{}, fmt.Errorf("agency %s: %w", what, explain(err))
	}
	province := ""
	if all, err := c.Identity.Agencies(ctx); err == nil && len(all) > 0 {
		province = placeOf(strings.TrimPrefix(all[0].Name, "Ủy ban nhân dân "))
	}
	return pki.Agency{ID: a.ID, Code: a.Code, Name: a.Name, Province: province}, nil
}

// cliOfficial finds an official and the agency of a personal certificate:
// the one given, else that of the official's first agency-scoped role.
func cliOfficial(ctx context.Context, c *Core, username, agencyCode string) (identity.User, pki.Agency, error) {
	u, err := c.Identity.UserByUsername(ctx, username)
	if err != nil {
		return u, pki.Agency{}, fmt.Errorf("user %s: %w", username, explain(err))
	}
	if !u.IsOfficial() {
		return u, pki.Agency{}, fmt.Errorf("%s không phải cán bộ / is not an official", username)
	}
	if agencyCode != "" {
		a, err := cliAgency(ctx, c, agencyCode, 0)
		return u, a, err
	}
	for _, g := range u.Grants {
		if g.AgencyID != 0 {
			a, err := cliAgency(ctx, c, "", g.AgencyID)
			return u, a, err
		}
	}
	return u, pki.Agency{}, fmt.Errorf("%s không thuộc cơ quan nào; hãy dùng --agency / has no agency role; use --agency", username)
}

// signCmd runs egov sign: one PAdES signature with a stored key.
func signCmd(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("sign", stderr)
	out := fs.String("o", "", "output PDF")
	certID := fs.Int64("cert", 0, "certificate id (egov pki list)")
	tsa := fs.String("tsa", "", "RFC 3161 timestamp authority URL")
	noTSA := fs.Bool("no-tsa", false, "no timestamp")
	reason := fs.String("reason", "", "reason of the signature")
	location := fs.String("location", "", "place of signing")
	pos, err := parseMixed(fs, args)
	if err != nil || len(pos) != 1 || *out == "" || *certID <= 0 || (*tsa != "" && *noTSA) {
		fmt.Fprintln(stderr, signUsage)
		return 2
	}
	in, err := os.ReadFile(pos[0])
	if err != nil {
		fmt.Fprintln(stderr, "egov:", err)
		return 1
	}
	if int64(len(in)) > pades.DefaultMaxSize {
		fmt.Fprintf(stderr, "egov: %s quá lớn / is too large\n", pos[0])
		return 1
	}
	return withCore(ctx, cfg, log, stderr, func(c *Core) error {
		signer, err := c.PKI.SignerFor(ctx, *certID)
		if err != nil {
			return explain(err)
		}
		opt := pades.Options{TSAURL: *tsa, Reason: *reason, Location: *location}
		if *tsa == "" && !*noTSA {
			url, stop, err := builtinTSA(ctx, c)
			if err != nil {
				return err
			}
			defer stop()
			opt.TSAURL = url
		}
		var buf bytes.Buffer
		if err := pades.Sign(&buf, bytes.NewReader(in), int64(len(in)), signer, opt); err != nil {
			return err
		}
		if err := os.WriteFile(*out, buf.Bytes(), 0o644); err != nil {
			return err
		}
		stamp := "no timestamp"
		if opt.TSAURL != "" {
			stamp = "timestamped"
		}
		fmt.Fprintf(stdout, "đã ký / signed %s -> %s with certificate %d (%s)\n", pos[0], *out, *certID, stamp)
		return nil
	})
}

// builtinTSA serves the built-in timestamp authority on a loopback
// address until stop is called, so that signing works without the server
// running; it returns "" when there is no usable built-in TSA.
func builtinTSA(ctx context.Context, c *Core) (url string, stop func(), err error) {
	list, err := c.PKI.List(ctx, pki.KindTSA)
	if err != nil {
		return "", nil, err
	}
	now := time.Now()
	usable := false
	for _, t := range list {
		if !t.Revoked() && now.Before(t.NotAfter) && t.HasKey {
			usable = true
			break
		}
	}
	if !usable {
		return "", func() {}, nil
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, fmt.Errorf("timestamp authority: %w", err)
	}
	srv := &http.Server{Handler: c.PKI.TSAHandler(), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return "http://" + ln.Addr().String() + "/pki/tsa", func() { _ = srv.Close() }, nil
}

// pkiCommands runs egov pki and egov sign.
func pkiCommands(ctx context.Context, cfg config.Config, log *slog.Logger, cmd string, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if cmd == "sign" {
		return signCmd(ctx, cfg, log, args, stdout, stderr)
	}
	return pkiCmd(ctx, cfg, log, args, stdin, stdout, stderr)
}
