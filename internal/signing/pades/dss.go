package pades

import (
	"bytes"
	"compress/zlib"
	"crypto/sha1"
	"crypto/x509"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/digitorus/pdf"
	"github.com/digitorus/pkcs7"
)

// DSS is the validation data written to a PDF's Document Security Store
// (ISO 32000-2 §12.8.4.3, ETSI EN 319 142-1): certificates, CRLs and OCSP
// responses (DER), and optionally which of them validate each signature.
type DSS struct {
	Certs []*x509.Certificate
	CRLs  [][]byte
	OCSPs [][]byte
	// VRI lists, per signature, the items validating it. Items listed here
	// are added to the top-level arrays when missing.
	VRI []VRI
}

// VRI is the validation data of one signature (a /VRI entry).
type VRI struct {
	// Key is the uppercase hex SHA-1 of the signature's /Contents value
	// (the whole string, padding included); see VRIKey.
	Key   string
	Certs []*x509.Certificate
	CRLs  [][]byte
	OCSPs [][]byte
}

// VRIKey returns the /VRI key of a signature whose /Contents string holds
// contents (the decoded bytes, padding included).
func VRIKey(contents []byte) string {
	sum := sha1.Sum(contents)
	return strings.ToUpper(hex.EncodeToString(sum[:]))
}

// DSSSources supply what CollectDSS embeds.
type DSSSources struct {
	// Certs are certificates that the signatures may not carry (usually
	// the root, sometimes an intermediate CA); they are used to build the
	// chains and embedded with them.
	Certs []*x509.Certificate
	// CRL returns the current CRL (DER) issued by issuer, or nil if there
	// is none. It is called once per issuer.
	CRL func(issuer *x509.Certificate) ([]byte, error)
	// OCSP returns an OCSP response (DER) for cert, or nil.
	OCSP func(cert, issuer *x509.Certificate) ([]byte, error)
}

// CollectDSS gathers, for every signature of the PDF, the chain of the
// signer and of its timestamp authority (from the CMS and src.Certs), the
// CRLs of every issuer in these chains and OCSP responses for every
// certificate but the roots, with one VRI entry per signature.
func CollectDSS(r io.ReaderAt, size int64, src DSSSources) (DSS, error) {
	var d DSS
	data, err := dssReadAll(r, size)
	if err != nil {
		return d, fmt.Errorf("pades: collect DSS: %w", err)
	}
	crlOf := map[string][]byte{} // issuer's raw subject+key -> CRL (nil: none)
	for _, raw := range findSignatures(data) {
		if raw.Err != nil {
			continue
		}
		p7, err := pkcs7.Parse(raw.CMS)
		if err != nil || len(p7.Signers) != 1 || p7.GetOnlySigner() == nil {
			continue
		}
		pool := append(append([]*x509.Certificate(nil), p7.Certificates...), src.Certs...)
		chains := [][]*x509.Certificate{buildChain(p7.GetOnlySigner(), pool)}
		for _, a := range p7.Signers[0].UnauthenticatedAttributes {
			if !a.Type.Equal(oidTimestampToken) {
				continue
			}
			if tok, err := pkcs7.Parse(a.Value.Bytes); err == nil && tok.GetOnlySigner() != nil {
				tp := append(append([]*x509.Certificate(nil), tok.Certificates...), src.Certs...)
				chains = append(chains, buildChain(tok.GetOnlySigner(), tp))
			}
		}
		v := VRI{Key: VRIKey(contentsValue(data, raw.ByteRange))}
		for _, chain := range chains {
			for i, c := range chain {
				v.Certs = append(v.Certs, c)
				if i+1 >= len(chain) {
					break
				}
				issuer := chain[i+1]
				k := string(issuer.RawSubject) + string(issuer.RawSubjectPublicKeyInfo)
				crl, seen := crlOf[k]
				if !seen && src.CRL != nil {
					if crl, err = src.CRL(issuer); err != nil {
						return d, fmt.Errorf("pades: collect DSS: CRL of %s: %w", issuer.Subject.CommonName, err)
					}
					crlOf[k] = crl
				}
				if crl != nil {
					v.CRLs = append(v.CRLs, crl)
				}
				if src.OCSP != nil {
					o, err := src.OCSP(c, issuer)
					if err != nil {
						return d, fmt.Errorf("pades: collect DSS: OCSP for %s: %w", c.Subject.CommonName, err)
					}
					if o != nil {
						v.OCSPs = append(v.OCSPs, o)
					}
				}
			}
		}
		d.VRI = append(d.VRI, v)
		d.Certs = append(d.Certs, v.Certs...)
		d.CRLs = append(d.CRLs, v.CRLs...)
		d.OCSPs = append(d.OCSPs, v.OCSPs...)
	}
	if len(d.VRI) == 0 {
		return d, errors.New("pades: collect DSS: no readable signature")
	}
	return d, nil
}

// buildChain follows issuers from leaf through pool (matching names and
// signatures) until a self-signed certificate or a missing issuer.
func buildChain(leaf *x509.Certificate, pool []*x509.Certificate) []*x509.Certificate {
	chain := []*x509.Certificate{leaf}
	for c := leaf; len(chain) < maxChain && !bytes.Equal(c.RawIssuer, c.RawSubject); {
		var next *x509.Certificate
		for _, p := range pool {
			if bytes.Equal(p.RawSubject, c.RawIssuer) && !p.Equal(c) && c.CheckSignatureFrom(p) == nil {
				next = p
				break
			}
		}
		if next == nil {
			break
		}
		chain = append(chain, next)
		c = next
	}
	return chain
}

// contentsValue returns the decoded /Contents string excluded by a byte
// range that checkByteRange accepted (padding included).
func contentsValue(data []byte, br [4]int64) []byte {
	var clean []byte
	for _, c := range data[br[1]+1 : br[2]-1] {
		if isHex(c) {
			clean = append(clean, c)
		}
	}
	if len(clean)%2 == 1 {
		clean = append(clean, '0')
	}
	out, _ := hex.DecodeString(string(clean))
	return out
}

func dssReadAll(r io.ReaderAt, size int64) ([]byte, error) {
	if size <= 0 || size > DefaultMaxSize {
		return nil, fmt.Errorf("size %d outside 1..%d", size, DefaultMaxSize)
	}
	data := make([]byte, size)
	if n, err := r.ReadAt(data, 0); int64(n) != size {
		if err == nil {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	return data, nil
}

// AddDSS writes to w the PDF read from in (size bytes) followed by an
// incremental update that adds d to its Document Security Store: one
// stream per new certificate, CRL and OCSP response, a /DSS dictionary
// (merged with the existing one: its items are kept, a /VRI entry with
// the same key is replaced), the catalog rewritten under its own object
// number with every other key copied as is, and a cross-reference section
// of the same kind as the file's last one (table or stream).
func AddDSS(w io.Writer, in io.ReaderAt, size int64, d DSS) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("pades: add DSS: unreadable PDF: %v", p)
		}
	}()
	data, err := dssReadAll(in, size)
	if err != nil {
		return fmt.Errorf("pades: add DSS: %w", err)
	}
	rdr, err := pdf.NewReader(bytes.NewReader(data), size)
	if err != nil {
		return fmt.Errorf("pades: add DSS: not a readable PDF: %w", err)
	}
	trailer := rdr.Trailer()
	if !trailer.Key("Encrypt").IsNull() {
		return errors.New("pades: add DSS: encrypted PDFs are not supported")
	}
	root := trailer.Key("Root")
	rootPtr := root.GetPtr()
	if root.Kind() != pdf.Dict || rootPtr.GetID() == 0 {
		return errors.New("pades: add DSS: no catalog")
	}
	xrefKind := rdr.XrefInformation.Type
	if xrefKind != "table" && xrefKind != "stream" {
		return fmt.Errorf("pades: add DSS: unknown cross-reference kind %q", xrefKind)
	}

	// New objects are numbered above /Size and above every object found
	// in the file: some writers (pdfsign's cross-reference streams) leave
	// an object at or above /Size.
	u := &dssUpdate{base: int64(len(data)), next: uint32(trailer.Key("Size").Int64())}
	if u.next == 0 {
		return errors.New("pades: add DSS: trailer without /Size")
	}
	for _, o := range scanObjects(data) {
		if o.Num >= int(u.next) && o.Num < 1<<31 {
			u.next = uint32(o.Num) + 1
		}
	}
	if data[len(data)-1] != '\n' && data[len(data)-1] != '\r' {
		u.buf.WriteByte('\n')
	}

	// Existing store: items kept by reference, their bytes used to skip
	// duplicates.
	old := root.Key("DSS")
	arrays := map[string][]string{} // key -> serialized references
	have := map[string]map[string]string{"Certs": {}, "CRLs": {}, "OCSPs": {}}
	for _, k := range []string{"Certs", "CRLs", "OCSPs"} {
		a := old.Key(k) // the array resolved, its elements raw
		for i := range a.Len() {
			ref := serializeRaw(rawIndex(a.RawData(), i))
			arrays[k] = append(arrays[k], ref)
			if b, err := io.ReadAll(io.LimitReader(a.Index(i).Reader(), maxInflate)); err == nil {
				have[k][string(b)] = ref
			}
		}
	}
	add := func(k string, b []byte) string {
		if ref, ok := have[k][string(b)]; ok {
			return ref
		}
		ref := u.stream(b)
		have[k][string(b)] = ref
		arrays[k] = append(arrays[k], ref)
		return ref
	}
	addAll := func(certs []*x509.Certificate, crls, ocsps [][]byte) (c, l, o []string) {
		for _, x := range certs {
			c = dssAppendUnique(c, add("Certs", x.Raw))
		}
		for _, x := range crls {
			l = dssAppendUnique(l, add("CRLs", x))
		}
		for _, x := range ocsps {
			o = dssAppendUnique(o, add("OCSPs", x))
		}
		return
	}
	addAll(d.Certs, d.CRLs, d.OCSPs)

	vri := map[string]string{}
	if v := old.Key("VRI"); v.Kind() == pdf.Dict {
		for _, k := range v.Keys() {
			r, _ := rawOf(v, k)
			vri[k] = serializeRaw(r)
		}
	}
	for _, v := range d.VRI {
		key := strings.ToUpper(v.Key)
		if len(key) != 40 || strings.Trim(key, "0123456789ABCDEF") != "" {
			return fmt.Errorf("pades: add DSS: VRI key %q is not a hex SHA-1", v.Key)
		}
		c, l, o := addAll(v.Certs, v.CRLs, v.OCSPs)
		var e strings.Builder
		e.WriteString("<<")
		for _, kv := range []struct {
			k    string
			refs []string
		}{{"Cert", c}, {"CRL", l}, {"OCSP", o}} {
			if len(kv.refs) > 0 {
				fmt.Fprintf(&e, " /%s [%s]", kv.k, strings.Join(kv.refs, " "))
			}
		}
		e.WriteString(" >>")
		vri[key] = e.String()
	}

	// The /DSS dictionary: other keys of an existing one kept.
	var dss strings.Builder
	dss.WriteString("<< /Type /DSS")
	for _, k := range old.Keys() {
		if k == "Type" || k == "Certs" || k == "CRLs" || k == "OCSPs" || k == "VRI" {
			continue
		}
		r, _ := rawOf(old, k)
		fmt.Fprintf(&dss, " %s %s", nameText(k), serializeRaw(r))
	}
	for _, k := range []string{"Certs", "CRLs", "OCSPs"} {
		if len(arrays[k]) > 0 {
			fmt.Fprintf(&dss, " /%s [%s]", k, strings.Join(arrays[k], " "))
		}
	}
	if len(vri) > 0 {
		dss.WriteString(" /VRI <<")
		for _, k := range dssSortedKeys(vri) {
			fmt.Fprintf(&dss, " %s %s", nameText(k), vri[k])
		}
		dss.WriteString(" >>")
	}
	dss.WriteString(" >>")
	dssRef := u.object(dss.String())

	// The catalog, same object number, every other key copied.
	var cat strings.Builder
	cat.WriteString("<<")
	for _, k := range root.Keys() {
		if k == "DSS" {
			continue
		}
		r, _ := rawOf(root, k)
		fmt.Fprintf(&cat, " %s %s", nameText(k), serializeRaw(r))
	}
	fmt.Fprintf(&cat, " /DSS %s >>", dssRef)
	u.set(rootPtr.GetID(), rootPtr.GetGen(), cat.String())

	// Trailer entries kept.
	rootRef := fmt.Sprintf("%d %d R", rootPtr.GetID(), rootPtr.GetGen())
	var keep strings.Builder
	for _, k := range []string{"Info", "ID"} {
		if r, ok := rawOf(trailer, k); ok {
			fmt.Fprintf(&keep, " /%s %s", k, serializeRaw(r))
		}
	}
	prev := rdr.XrefInformation.StartPos
	if xrefKind == "table" {
		err = u.finishTable(rootRef, prev, keep.String())
	} else {
		err = u.finishStream(rootRef, prev, keep.String())
	}
	if err != nil {
		return fmt.Errorf("pades: add DSS: %w", err)
	}
	if _, err := w.Write(data); err != nil {
		return err
	}
	_, err = w.Write(u.buf.Bytes())
	return err
}

func dssAppendUnique(s []string, v string) []string {
	if slices.Contains(s, v) {
		return s
	}
	return append(s, v)
}

func dssSortedKeys(m map[string]string) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// dssUpdate collects the objects of one incremental update.
type dssUpdate struct {
	buf     bytes.Buffer
	base    int64  // length of the file before the update
	next    uint32 // next free object number
	entries []dssXrefEntry
}

type dssXrefEntry struct {
	num    uint32
	gen    uint16
	offset int64
}

func (u *dssUpdate) begin(num uint32, gen uint16) {
	u.entries = append(u.entries, dssXrefEntry{num, gen, u.base + int64(u.buf.Len())})
	fmt.Fprintf(&u.buf, "%d %d obj\n", num, gen)
}

// object writes a new object and returns a reference to it.
func (u *dssUpdate) object(body string) string {
	n := u.next
	u.next++
	u.set(n, 0, body)
	return fmt.Sprintf("%d 0 R", n)
}

// set writes object num (new or replaced).
func (u *dssUpdate) set(num uint32, gen uint16, body string) {
	u.begin(num, gen)
	u.buf.WriteString(body)
	u.buf.WriteString("\nendobj\n")
}

// stream writes a new stream object holding b.
func (u *dssUpdate) stream(b []byte) string {
	n := u.next
	u.next++
	u.begin(n, 0)
	fmt.Fprintf(&u.buf, "<< /Length %d >>\nstream\n", len(b))
	u.buf.Write(b)
	u.buf.WriteString("\nendstream\nendobj\n")
	return fmt.Sprintf("%d 0 R", n)
}

// subsections groups the entries (sorted by number) into runs of
// consecutive numbers.
func (u *dssUpdate) subsections() [][]dssXrefEntry {
	sort.Slice(u.entries, func(i, j int) bool { return u.entries[i].num < u.entries[j].num })
	var out [][]dssXrefEntry
	for i, e := range u.entries {
		if i == 0 || e.num != u.entries[i-1].num+1 {
			out = append(out, nil)
		}
		out[len(out)-1] = append(out[len(out)-1], e)
	}
	return out
}

func (u *dssUpdate) finishTable(root string, prev int64, keep string) error {
	start := u.base + int64(u.buf.Len())
	u.buf.WriteString("xref\n")
	for _, sub := range u.subsections() {
		fmt.Fprintf(&u.buf, "%d %d\n", sub[0].num, len(sub))
		for _, e := range sub {
			fmt.Fprintf(&u.buf, "%010d %05d n\r\n", e.offset, e.gen)
		}
	}
	fmt.Fprintf(&u.buf, "trailer\n<< /Size %d /Root %s /Prev %d%s >>\nstartxref\n%d\n%%%%EOF\n", u.next, root, prev, keep, start)
	return nil
}

func (u *dssUpdate) finishStream(root string, prev int64, keep string) error {
	self := u.next
	u.next++
	start := u.base + int64(u.buf.Len())
	u.entries = append(u.entries, dssXrefEntry{self, 0, start})
	var rows bytes.Buffer
	var index []string
	for _, sub := range u.subsections() {
		index = append(index, fmt.Sprintf("%d %d", sub[0].num, len(sub)))
		for _, e := range sub {
			if e.offset > 1<<32-1 {
				return errors.New("offset too large for the cross-reference stream")
			}
			rows.WriteByte(1)
			_ = binary.Write(&rows, binary.BigEndian, uint32(e.offset))
			_ = binary.Write(&rows, binary.BigEndian, e.gen)
		}
	}
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	_, _ = zw.Write(rows.Bytes())
	if err := zw.Close(); err != nil {
		return err
	}
	fmt.Fprintf(&u.buf, "%d 0 obj\n<< /Type /XRef /Size %d /Root %s /Prev %d%s /Index [%s] /W [1 4 2] /Filter /FlateDecode /Length %d >>\nstream\n",
		self, u.next, root, prev, keep, strings.Join(index, " "), z.Len())
	u.buf.Write(z.Bytes())
	fmt.Fprintf(&u.buf, "\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n", start)
	return nil
}

// rawOf returns the unresolved value of key in the dictionary v (an
// indirect reference stays a reference).
func rawOf(v pdf.Value, key string) (any, bool) {
	m := reflect.ValueOf(v.RawData())
	if m.Kind() != reflect.Map {
		return nil, false
	}
	e := m.MapIndex(reflect.ValueOf(key).Convert(m.Type().Key()))
	if !e.IsValid() {
		return nil, false
	}
	return e.Interface(), true
}

// rawIndex returns the unresolved element i of a raw array.
func rawIndex(arr any, i int) any {
	a := reflect.ValueOf(arr)
	if a.Kind() != reflect.Slice || i >= a.Len() {
		return nil
	}
	return a.Index(i).Interface()
}

// serialize writes a raw value of github.com/digitorus/pdf as PDF
// syntax, references as references.
func serializeRaw(x any) string {
	var b strings.Builder
	writeRaw(&b, x, 0)
	return b.String()
}

func writeRaw(b *strings.Builder, x any, depth int) {
	if depth > 64 {
		panic("nesting too deep")
	}
	switch x := x.(type) {
	case nil:
		b.WriteString("null")
		return
	case bool:
		b.WriteString(strconv.FormatBool(x))
		return
	case int64:
		b.WriteString(strconv.FormatInt(x, 10))
		return
	case float64:
		b.WriteString(strconv.FormatFloat(x, 'f', -1, 64))
		return
	case string:
		b.WriteString("<" + hex.EncodeToString([]byte(x)) + ">")
		return
	}
	v := reflect.ValueOf(x)
	switch v.Kind() {
	case reflect.String: // a name
		b.WriteString(nameText(v.String()))
	case reflect.Map: // a dictionary
		keys := make([]string, 0, v.Len())
		for _, k := range v.MapKeys() {
			keys = append(keys, k.String())
		}
		sort.Strings(keys)
		b.WriteString("<<")
		for _, k := range keys {
			b.WriteString(" " + nameText(k) + " ")
			writeRaw(b, v.MapIndex(reflect.ValueOf(k).Convert(v.Type().Key())).Interface(), depth+1)
		}
		b.WriteString(" >>")
	case reflect.Slice: // an array
		b.WriteString("[")
		for i := range v.Len() {
			if i > 0 {
				b.WriteByte(' ')
			}
			writeRaw(b, v.Index(i).Interface(), depth+1)
		}
		b.WriteString("]")
	case reflect.Struct: // an indirect reference (objptr: id, gen)
		if v.Type().Name() != "objptr" || v.NumField() != 2 {
			panic(fmt.Sprintf("unexpected %T in a dictionary", x))
		}
		fmt.Fprintf(b, "%d %d R", v.Field(0).Uint(), v.Field(1).Uint())
	default:
		panic(fmt.Sprintf("unexpected %T in a dictionary", x))
	}
}

// nameText writes a name with #xx escapes where needed.
func nameText(n string) string {
	var b strings.Builder
	b.WriteByte('/')
	for i := range len(n) {
		c := n[i]
		if c < 0x21 || c > 0x7e || strings.IndexByte("()<>[]{}/%#", c) >= 0 {
			fmt.Fprintf(&b, "#%02X", c)
		} else {
			b.WriteByte(c)
		}
	}
	return b.String()
}

// ---- Reading the store and classifying DSS updates (verifier side). ----
//
// The verifier does not use the PDF library on untrusted input: it reads
// the few objects it needs with the scanner of parse.go and the small
// tokenizer below.

// dssData is the validation data of the last revision's /DSS.
type dssData struct {
	found bool
	certs []*x509.Certificate
	crls  []*x509.RevocationList
	ocsps [][]byte
}

// maxDSSRevisions bounds the revisions examined as possible validation
// data updates in one file (beyond, they count as other changes).
const maxDSSRevisions = 50

// maxDSSItems bounds the certificates, CRLs and OCSP responses read from
// a store (each).
const maxDSSItems = 200

var (
	rootRe      = regexp.MustCompile(`/Root\s+(\d{1,10})\s+(\d{1,5})\s+R`)
	startxrefRe = regexp.MustCompile(`startxref\s+(\d{1,12})`)
)

func dssAtoi(b []byte) int {
	n, _ := strconv.Atoi(string(b))
	return n
}

// lastRoot returns the object number of the last /Root reference in b.
func lastRoot(b []byte) (int, bool) {
	all := rootRe.FindAllSubmatch(b, -1)
	if len(all) == 0 {
		return 0, false
	}
	n, err := strconv.Atoi(string(all[len(all)-1][1]))
	return n, err == nil
}

// lastDefinitions maps each object number to its last definition in b,
// objects of object streams included.
func lastDefinitions(b []byte) map[int]pdfObj {
	objs := map[int]pdfObj{}
	budget := maxInflate
	for _, o := range scanObjects(b) {
		objs[o.Num] = o
		if typeOf(o.Dict) == "/ObjStm" {
			for _, c := range objStmObjects(o, &budget) {
				objs[c.Num] = c
			}
		}
	}
	return objs
}

// readDSS reads the /DSS of the catalog named by the file's last /Root.
func readDSS(data []byte) (d dssData) {
	defer func() {
		if recover() != nil {
			d = dssData{}
		}
	}()
	// Most files have no DSS: do not scan their objects for one.
	if !bytes.Contains(data, []byte("/DSS")) {
		return d
	}
	rootNum, ok := lastRoot(data)
	if !ok {
		return d
	}
	objs := lastDefinitions(data)
	cat := topDict(objs[rootNum].Dict)
	dssToks, ok := cat["/DSS"]
	if !ok {
		return d
	}
	var dss map[string][]string
	if n, ok := refNum(dssToks); ok {
		dss = topDict(objs[n].Dict)
	} else {
		dss = dictFromTokens(dssToks)
	}
	if dss == nil {
		return d
	}
	d.found = true
	budget := maxInflate
	items := func(key string) [][]byte {
		toks := dss[key]
		if n, ok := refNum(toks); ok { // the array itself may be indirect
			toks = tokenize(objs[n].Dict)
			if i := slices.Index(toks, "["); i >= 0 {
				toks = toks[i:]
			}
		}
		var out [][]byte
		for i := 0; i+2 < len(toks) && len(out) < maxDSSItems; i++ {
			if toks[i+2] != "R" {
				continue
			}
			n, err := strconv.Atoi(toks[i])
			if err != nil {
				continue
			}
			if b := streamData(objs[n], &budget); b != nil {
				out = append(out, b)
			}
			i += 2
		}
		return out
	}
	for _, b := range items("/Certs") {
		if c, err := x509.ParseCertificate(b); err == nil {
			d.certs = append(d.certs, c)
		}
	}
	for _, b := range items("/CRLs") {
		if l, err := x509.ParseRevocationList(b); err == nil {
			d.crls = append(d.crls, l)
		}
	}
	d.ocsps = items("/OCSPs")
	return d
}

// streamData returns the decoded data of a stream object with a direct
// length, unfiltered or FlateDecode without parameters.
func streamData(o pdfObj, budget *int) []byte {
	if !o.Stream || o.Data == nil {
		return nil
	}
	h := topDict(o.Dict)
	switch f := strings.Join(h["/Filter"], ""); {
	case f == "" || f == "[]":
		return o.Data
	case (f == "/FlateDecode" || f == "[/FlateDecode]") && h["/DecodeParms"] == nil:
		zr, err := zlib.NewReader(bytes.NewReader(o.Data))
		if err != nil {
			return nil
		}
		defer zr.Close()
		b, err := io.ReadAll(io.LimitReader(zr, int64(max(*budget, 0))))
		*budget -= len(b)
		if err != nil {
			return nil
		}
		return b
	}
	return nil
}

// dssRevisionOK reports whether the revision data[start:end] only adds
// validation data: new objects (streams and dictionaries, numbered above
// every earlier object), the catalog rewritten with nothing changed but
// its /DSS, and a cross-reference section (table or uncompressed-rows
// stream) whose entries all point at objects of this revision, with the
// trailer's /Root naming that catalog. Anything else is a change.
func dssRevisionOK(data []byte, start, end int64) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	if start <= 0 || end > int64(len(data)) || start >= end {
		return false
	}
	before := lastDefinitions(data[:start])
	maxBefore := 0
	for n := range before {
		maxBefore = max(maxBefore, n)
	}
	prevRoot, ok := lastRoot(data[:start])
	if !ok {
		return false
	}
	prevCat := topDict(before[prevRoot].Dict)
	if prevCat == nil {
		return false
	}
	sx := startxrefRe.FindAllSubmatch(data[:start], -1)
	if len(sx) == 0 {
		return false
	}
	prevXref := strconv.Itoa(dssAtoi(sx[len(sx)-1][1]))
	rev := data[start:end]
	catNum, trailerRoot := -1, -1
	var trailer map[string][]string
	defined := map[int]bool{}
	var xrefStream *pdfObj
	for _, o := range scanObjects(rev) {
		h := topDict(o.Dict)
		if defined[o.Num] {
			return false
		}
		defined[o.Num] = true
		switch t := strings.Join(h["/Type"], ""); {
		case t == "/XRef" && o.Stream:
			if xrefStream != nil {
				return false
			}
			xrefStream, trailer = &o, h
			if o.Num <= maxBefore {
				return false
			}
		case t == "/Catalog" && !o.Stream:
			if catNum >= 0 || h["/DSS"] == nil || !sameExcept(h, prevCat, "/DSS") {
				return false
			}
			if _, existed := before[o.Num]; existed && o.Num != prevRoot {
				return false
			}
			catNum = o.Num
		case t == "/ObjStm" || t == "/Page" || t == "/Pages":
			return false
		default:
			if o.Num <= maxBefore {
				return false
			}
		}
	}
	if catNum < 0 {
		return false
	}
	// The cross-reference section must only point at this revision's
	// objects.
	// The trailer must name this catalog, chain to the previous section
	// (not to an older one, which would bring older objects back) and
	// bring no hybrid-file stream.
	var entries []dssXrefRow
	if xrefStream != nil {
		entries, ok = xrefStreamRows(*xrefStream)
	} else {
		entries, trailer, ok = xrefTableRows(rev)
	}
	if ok {
		trailerRoot, ok = refNum(trailer["/Root"])
	}
	if !ok || trailerRoot != catNum || !slices.Equal(trailer["/Prev"], []string{prevXref}) || trailer["/XRefStm"] != nil {
		return false
	}
	for _, e := range entries {
		switch {
		case e.kind == 0 && (e.num == 0 || e.num > maxBefore):
		case e.kind == 1:
			off := e.offset - start
			if off < 0 || off >= int64(len(rev)) {
				return false
			}
			m := objHeader.FindSubmatch(rev[off:min(int64(len(rev)), off+32)])
			if m == nil || !bytes.HasPrefix(rev[off:], m[0]) || string(m[1]) != strconv.Itoa(e.num) || !defined[e.num] {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// sameExcept reports whether two dictionaries have the same entries, key
// skip aside.
func sameExcept(a, b map[string][]string, skip string) bool {
	for k, v := range a {
		if k != skip && !slices.Equal(v, b[k]) {
			return false
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok && k != skip {
			return false
		}
	}
	return true
}

type dssXrefRow struct {
	num    int
	kind   int // 0 free, 1 in use, 2 compressed
	offset int64
}

// xrefTableRows reads the last classic cross-reference table of rev and
// its trailer dictionary.
func xrefTableRows(rev []byte) ([]dssXrefRow, map[string][]string, bool) {
	i := bytes.LastIndex(rev, []byte("\nxref"))
	j := bytes.LastIndex(rev, []byte("trailer"))
	if i < 0 || j < i {
		return nil, nil, false
	}
	f := strings.Fields(string(rev[i+len("\nxref") : j]))
	var rows []dssXrefRow
	for k := 0; k < len(f); {
		if k+2 > len(f) {
			return nil, nil, false
		}
		first, e1 := strconv.Atoi(f[k])
		n, e2 := strconv.Atoi(f[k+1])
		k += 2
		if e1 != nil || e2 != nil || n < 0 || k+3*n > len(f) {
			return nil, nil, false
		}
		for x := range n {
			off, err := strconv.ParseInt(f[k], 10, 64)
			if err != nil {
				return nil, nil, false
			}
			r := dssXrefRow{num: first + x, offset: off}
			switch f[k+2] {
			case "n":
				r.kind = 1
			case "f":
			default:
				return nil, nil, false
			}
			rows = append(rows, r)
			k += 3
		}
	}
	return rows, topDict(rev[j+len("trailer"):]), true
}

// xrefStreamRows decodes a cross-reference stream without predictor.
func xrefStreamRows(o pdfObj) ([]dssXrefRow, bool) {
	h := topDict(o.Dict)
	if h["/DecodeParms"] != nil {
		return nil, false
	}
	budget := maxInflate
	raw := streamData(o, &budget)
	w := intsOf(h["/W"])
	if raw == nil || len(w) != 3 || w[0] < 0 || w[1] < 0 || w[2] < 0 || w[0]+w[1]+w[2] == 0 || w[0] > 4 || w[1] > 8 || w[2] > 4 {
		return nil, false
	}
	index := intsOf(h["/Index"])
	if index == nil {
		sz := intsOf(h["/Size"])
		if len(sz) != 1 {
			return nil, false
		}
		index = []int64{0, sz[0]}
	}
	width := int(w[0] + w[1] + w[2])
	var rows []dssXrefRow
	for p := 0; p+1 < len(index); p += 2 {
		for x := range index[p+1] {
			if len(raw) < width {
				return nil, false
			}
			field := func(from, n int64) int64 {
				var v int64
				for _, c := range raw[from : from+n] {
					v = v<<8 | int64(c)
				}
				return v
			}
			kind := int64(1)
			if w[0] > 0 {
				kind = field(0, w[0])
			}
			rows = append(rows, dssXrefRow{num: int(index[p] + x), kind: int(kind), offset: field(w[0], w[1])})
			raw = raw[width:]
		}
	}
	return rows, true
}

func intsOf(toks []string) []int64 {
	if len(toks) < 2 || toks[0] != "[" || toks[len(toks)-1] != "]" {
		if len(toks) == 1 {
			if n, err := strconv.ParseInt(toks[0], 10, 64); err == nil {
				return []int64{n}
			}
		}
		return nil
	}
	var out []int64
	for _, t := range toks[1 : len(toks)-1] {
		n, err := strconv.ParseInt(t, 10, 64)
		if err != nil || n < 0 || n > 1<<31 {
			return nil
		}
		out = append(out, n)
	}
	return out
}

// refNum returns n for the tokens "n g R".
func refNum(toks []string) (int, bool) {
	if len(toks) != 3 || toks[2] != "R" {
		return 0, false
	}
	n, err := strconv.Atoi(toks[0])
	return n, err == nil && n >= 0
}

// topDict parses the first dictionary in b into its top-level entries,
// each value as normalised tokens (nil if there is none).
func topDict(b []byte) map[string][]string {
	return dictFromTokens(tokenize(b))
}

func dictFromTokens(toks []string) map[string][]string {
	i := slices.Index(toks, "<<")
	if i < 0 {
		return nil
	}
	out := map[string][]string{}
	for i++; i < len(toks) && toks[i] != ">>"; {
		k := toks[i]
		if !strings.HasPrefix(k, "/") {
			return out
		}
		e := valueEnd(toks, i+1)
		out[k] = toks[i+1 : e]
		i = e
	}
	return out
}

// valueEnd returns the index just after the value starting at toks[i].
func valueEnd(toks []string, i int) int {
	if i >= len(toks) {
		return i
	}
	switch toks[i] {
	case "<<", "[":
		depth := 0
		for j := i; j < len(toks); j++ {
			switch toks[j] {
			case "<<", "[":
				depth++
			case ">>", "]":
				depth--
				if depth == 0 {
					return j + 1
				}
			}
		}
		return len(toks)
	}
	if i+2 < len(toks) && toks[i+2] == "R" && isIntToken(toks[i]) && isIntToken(toks[i+1]) {
		return i + 3
	}
	return i + 1
}

func isIntToken(s string) bool {
	_, err := strconv.Atoi(s)
	return err == nil
}

// maxTokens bounds the tokens read from one object.
const maxTokens = 100000

// tokenize splits PDF syntax into normalised tokens: delimiters, names
// ("/" and the decoded name), numbers in canonical form, strings as "("
// and the hex of their bytes, keywords. It stops at "stream" (a stream's
// data is not syntax).
func tokenize(b []byte) []string {
	var out []string
	for i := 0; i < len(b) && len(out) < maxTokens; {
		c := b[i]
		switch {
		case isWS(c):
			i++
		case c == '%':
			for i < len(b) && b[i] != '\n' && b[i] != '\r' {
				i++
			}
		case c == '<' && i+1 < len(b) && b[i+1] == '<', c == '>' && i+1 < len(b) && b[i+1] == '>':
			out = append(out, string(b[i:i+2]))
			i += 2
		case c == '[' || c == ']' || c == '{' || c == '}':
			out = append(out, string(c))
			i++
		case c == '/':
			i++
			var n []byte
			for i < len(b) && !isWS(b[i]) && !isDelim(b[i]) {
				if b[i] == '#' && i+2 < len(b) && isHex(b[i+1]) && isHex(b[i+2]) {
					v, _ := hex.DecodeString(string(b[i+1 : i+3]))
					n = append(n, v...)
					i += 3
					continue
				}
				n = append(n, b[i])
				i++
			}
			out = append(out, "/"+string(n))
		case c == '<':
			j := bytes.IndexByte(b[i:], '>')
			if j < 0 {
				return out
			}
			var h []byte
			for _, x := range b[i+1 : i+j] {
				if isHex(x) {
					h = append(h, x)
				}
			}
			if len(h)%2 == 1 {
				h = append(h, '0')
			}
			v, _ := hex.DecodeString(string(h))
			out = append(out, "("+hex.EncodeToString(v))
			i += j + 1
		case c == '(':
			s, n := literalString(b[i:])
			out = append(out, "("+hex.EncodeToString(s))
			i += n
		case c == ')' || c == '>':
			i++ // stray delimiter
		default:
			j := i
			for j < len(b) && !isWS(b[j]) && !isDelim(b[j]) {
				j++
			}
			w := string(b[i:j])
			i = j
			if w == "stream" {
				return out
			}
			if f, err := strconv.ParseFloat(w, 64); err == nil && (c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.') {
				w = strconv.FormatFloat(f, 'f', -1, 64)
			}
			out = append(out, w)
		}
	}
	return out
}

func isDelim(c byte) bool { return strings.IndexByte("()<>[]{}/%", c) >= 0 }

// literalString decodes the literal string at the start of b and returns
// it with the bytes consumed.
func literalString(b []byte) ([]byte, int) {
	var s []byte
	depth := 0
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case c == '(':
			depth++
			if depth > 1 {
				s = append(s, c)
			}
		case c == ')':
			depth--
			if depth == 0 {
				return s, i + 1
			}
			s = append(s, c)
		case c == '\\' && i+1 < len(b):
			i++
			switch e := b[i]; e {
			case 'n':
				s = append(s, '\n')
			case 'r':
				s = append(s, '\r')
			case 't':
				s = append(s, '\t')
			case 'b':
				s = append(s, '\b')
			case 'f':
				s = append(s, '\f')
			case '\r':
				if i+1 < len(b) && b[i+1] == '\n' {
					i++
				}
			case '\n':
			default:
				if e >= '0' && e <= '7' {
					v := 0
					for k := 0; k < 3 && i < len(b) && b[i] >= '0' && b[i] <= '7'; k++ {
						v = v*8 + int(b[i]-'0')
						i++
					}
					i--
					s = append(s, byte(v))
				} else {
					s = append(s, e)
				}
			}
		default:
			s = append(s, c)
		}
	}
	return s, len(b)
}
