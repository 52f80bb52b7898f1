package app

import (
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"egov/internal/signing/pades"
)

const verifyUsage = `usage: egov verify FILE.pdf [--trust ROOTS.pem]... [--crl FILE.crl]... [--json]

Checks every digital signature of a PDF, offline: the bytes each signature
covers, the signer, the chain to the trusted roots given with --trust, the
time proven by a trusted timestamp, revocation (CRLs given with --crl and
those embedded in the file), and content added after the last signature.

Exit status: 0 at least one signature and all valid, nothing changed after
the last; 1 some signature invalid; 2 some signature indeterminate (an
untrusted root, no proof of time...) or content changed after signing;
3 no signature, or not a readable PDF; 64 wrong usage.`

// exitUsage is the status of a command line that cannot be run (sysexits'
// EX_USAGE), apart from verify's verdicts 0-3.
const exitUsage = 64

// stringList is a repeatable flag.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }

// verifyCmd runs egov verify. It needs no database: it reads the file and
// the roots and CRLs it is given.
func verifyCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprintln(stderr, verifyUsage) }
	var trust, crls stringList
	fs.Var(&trust, "trust", "PEM file of trusted root certificates (repeatable)")
	fs.Var(&crls, "crl", "CRL file, DER or PEM (repeatable)")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	// Flags may come before or after the file.
	var files []string
	for {
		if err := fs.Parse(args); err != nil {
			return exitUsage
		}
		if fs.NArg() == 0 {
			break
		}
		files, args = append(files, fs.Arg(0)), fs.Args()[1:]
	}
	if len(files) != 1 {
		fmt.Fprintln(stderr, verifyUsage)
		return exitUsage
	}
	opt := pades.VerifyOptions{Roots: x509.NewCertPool()}
	for _, name := range trust {
		if err := addRoots(opt.Roots, name); err != nil {
			fmt.Fprintln(stderr, "egov verify:", err)
			return exitUsage
		}
	}
	for _, name := range crls {
		list, err := readCRLs(name)
		if err != nil {
			fmt.Fprintln(stderr, "egov verify:", err)
			return exitUsage
		}
		opt.CRLs = append(opt.CRLs, list...)
	}

	f, err := os.Open(files[0])
	if err != nil {
		fmt.Fprintf(stderr, "egov verify: không mở được tệp / cannot open the file: %v\n", err)
		return 3
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || st.IsDir() {
		fmt.Fprintf(stderr, "egov verify: %s không phải một tệp / is not a file\n", files[0])
		return 3
	}
	rep, err := pades.Verify(f, st.Size(), opt)
	if err != nil {
		fmt.Fprintln(stderr, "egov verify:", err)
		return 3
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(struct {
			pades.Report
			ExitStatus int `json:"exit_status"`
		}{rep, rep.ExitStatus()})
		return rep.ExitStatus()
	}
	printReport(stdout, files[0], rep)
	return rep.ExitStatus()
}

// printReport writes the report as plain sentences, Vietnamese then
// English.
func printReport(w io.Writer, name string, rep pades.Report) {
	fmt.Fprintf(w, "%s\n  %s\n  %s\n", name, rep.Summary.VI, rep.Summary.EN)
	for _, s := range rep.Signatures {
		who := s.Signer.Name
		if s.Signer.Organization != "" {
			who += " — " + s.Signer.Organization
		}
		if s.Signer.AgencyCode != "" {
			who += " (" + s.Signer.AgencyCode + ")"
		}
		fmt.Fprintf(w, "\nChữ ký %d / Signature %d: %s\n  %s\n", s.Index, s.Index, strings.ToUpper(s.Verdict.String()), who)
		fmt.Fprintf(w, "  %s\n  %s\n", s.Summary.VI, s.Summary.EN)
		for _, n := range s.Notes {
			fmt.Fprintf(w, "  - %s\n    %s\n", n.VI, n.EN)
		}
	}
}

// addRoots adds every certificate of a PEM file to pool.
func addRoots(pool *x509.CertPool, name string) error {
	b, err := os.ReadFile(name)
	if err != nil {
		return err
	}
	n := 0
	for rest := b; ; {
		var blk *pem.Block
		blk, rest = pem.Decode(rest)
		if blk == nil {
			break
		}
		if blk.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(blk.Bytes)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		pool.AddCert(c)
		n++
	}
	if n == 0 {
		return fmt.Errorf("%s: không có chứng thư số PEM nào / no PEM certificate", name)
	}
	return nil
}

// readCRLs reads a CRL file, DER or PEM (one or more X509 CRL blocks).
func readCRLs(name string) ([][]byte, error) {
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	var out [][]byte
	for rest := b; ; {
		var blk *pem.Block
		blk, rest = pem.Decode(rest)
		if blk == nil {
			break
		}
		if blk.Type == "X509 CRL" {
			out = append(out, blk.Bytes)
		}
	}
	if len(out) == 0 {
		out = [][]byte{b} // DER
	}
	for _, der := range out {
		if _, err := x509.ParseRevocationList(der); err != nil {
			return nil, fmt.Errorf("%s: không phải danh sách thu hồi (CRL) / not a CRL: %w", name, err)
		}
	}
	return out, nil
}
