package pades

import (
	"bytes"
	"compress/zlib"
	"io"
	"regexp"
	"strconv"
	"strings"
)

// pdfObj is one uncompressed indirect object found by scanning.
type pdfObj struct {
	Num    int
	Dict   []byte // text from the object header to "stream" or "endobj"
	Stream bool
	Data   []byte // raw stream bytes when /Length is a direct number
}

// objHeader matches an object header ("12 0 obj"); scanObjects finds
// the same headers without it.
var objHeader = regexp.MustCompile(`(\d{1,10})\s+(\d{1,5})\s+obj\b`)

// maxObjects bounds the objects scanned per call.
const maxObjects = 200000

// scanObjects lists the indirect objects in b, skipping stream data.
//
// An object header is what the regular expression
// `(\d{1,10})\s+(\d{1,5})\s+obj\b` would match; it is found by looking
// for "obj" and reading the numbers backwards (the regular expression was
// most of the time of verifying a small document).
func scanObjects(b []byte) []pdfObj {
	var out []pdfObj
	for off := 0; off < len(b) && len(out) < maxObjects; {
		start, num, body, ok := nextObjHeader(b, off)
		if !ok {
			break
		}
		o := pdfObj{Num: num}
		streamAt, endobj := streamOrEndobj(b[body:])
		switch {
		case streamAt >= 0:
			o.Stream = true
			o.Dict = b[start : body+streamAt]
			rest := body + streamAt + len("stream")
			if n := directLength(o.Dict); n >= 0 {
				ds := rest
				if ds < len(b) && b[ds] == '\r' {
					ds++
				}
				if ds < len(b) && b[ds] == '\n' {
					ds++
				}
				if ds+n <= len(b) {
					o.Data = b[ds : ds+n]
					rest = ds + n
				}
			}
			e := bytes.Index(b[rest:], []byte("endstream"))
			if e < 0 {
				off = len(b)
			} else {
				off = rest + e + len("endstream")
			}
		case endobj >= 0:
			o.Dict = b[start : body+endobj]
			off = body + endobj + len("endobj")
		default:
			o.Dict = b[start:]
			off = len(b)
		}
		out = append(out, o)
	}
	return out
}

// nextObjHeader finds the first "num gen obj" at or after off and returns
// where it starts, the object number and the offset just after "obj".
func nextObjHeader(b []byte, off int) (start, num, body int, ok bool) {
	for from := off; from < len(b); {
		i := bytes.Index(b[from:], []byte("obj"))
		if i < 0 {
			return 0, 0, 0, false
		}
		k := from + i
		from = k + 1
		end := k + len("obj")
		if end < len(b) && isWordByte(b[end]) {
			continue
		}
		// Backwards: white space, 1 to 5 digits preceded by white space,
		// then 1 to 10 digits.
		j := k
		for j > off && isRegexpSpace(b[j-1]) {
			j--
		}
		if j == k {
			continue
		}
		g := j
		for g > off && j-g < 5 && isDigit(b[g-1]) {
			g--
		}
		if g == j || g == off || !isRegexpSpace(b[g-1]) {
			continue
		}
		s := g
		for s > off && isRegexpSpace(b[s-1]) {
			s--
		}
		n := s
		for n > off && s-n < 10 && isDigit(b[n-1]) {
			n--
		}
		if n == s {
			continue
		}
		v, err := strconv.Atoi(string(b[n:s]))
		if err != nil {
			continue
		}
		return n, v, end, true
	}
	return 0, 0, 0, false
}

// streamOrEndobj returns the offset of the "stream" keyword in b if it
// comes before the first "endobj" (else -1), and otherwise the offset of
// that "endobj" (-1 if none). It searches growing windows so that neither
// search runs far past the object (through a long stream, or through the
// rest of the file for an object without a stream).
func streamOrEndobj(b []byte) (streamAt, endobj int) {
	for w := 4096; ; w *= 2 {
		win := b[:min(w, len(b))]
		s := bytes.Index(win, []byte("stream"))
		e := bytes.Index(win, []byte("endobj"))
		if s >= 0 && (e < 0 || s < e) {
			return s, -1
		}
		if e >= 0 {
			return -1, e
		}
		if len(win) == len(b) {
			return -1, -1
		}
	}
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// isRegexpSpace is \s of Go regular expressions.
func isRegexpSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'
}

// isWordByte is \w of Go regular expressions (\b lies between \w and
// anything else).
func isWordByte(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'
}

// directLength returns the /Length of a stream dictionary when it is a
// direct number (what `/Length\s+(\d{1,12})\s*[/>]` matches first), or
// -1.
func directLength(dict []byte) int {
	key := []byte("/Length")
	for i := 0; ; {
		k := bytes.Index(dict[i:], key)
		if k < 0 {
			return -1
		}
		i += k + len(key)
		j := i
		for j < len(dict) && isRegexpSpace(dict[j]) {
			j++
		}
		if j == i {
			continue
		}
		d := j
		for d < len(dict) && isDigit(dict[d]) {
			d++
		}
		if d == j || d-j > 12 {
			continue
		}
		e := d
		for e < len(dict) && isRegexpSpace(dict[e]) {
			e++
		}
		if e == len(dict) || (dict[e] != '/' && dict[e] != '>') {
			continue
		}
		n, err := strconv.Atoi(string(dict[j:d]))
		if err != nil {
			return -1
		}
		return n
	}
}

// dictValue returns the value of key in a dictionary's text with white
// space removed ("" if absent); nested << >> and [ ] are matched.
func dictValue(dict []byte, key string) string {
	k := []byte(key)
	i := 0
	for {
		j := bytes.Index(dict[i:], k)
		if j < 0 {
			return ""
		}
		i += j + len(k)
		// The key must end here (not /ContentsX).
		if i < len(dict) && !isWS(dict[i]) && !bytes.ContainsRune([]byte("/<[("), rune(dict[i])) {
			continue
		}
		break
	}
	i = skipWS(dict, i)
	end := i
	switch {
	case bytes.HasPrefix(dict[i:], []byte("<<")):
		depth := 0
		for end < len(dict) {
			if bytes.HasPrefix(dict[end:], []byte("<<")) {
				depth++
				end += 2
				continue
			}
			if bytes.HasPrefix(dict[end:], []byte(">>")) {
				depth--
				end += 2
				if depth == 0 {
					break
				}
				continue
			}
			end++
		}
	case i < len(dict) && dict[i] == '[':
		depth := 0
		for end < len(dict) {
			if dict[end] == '[' {
				depth++
			} else if dict[end] == ']' {
				depth--
				if depth == 0 {
					end++
					break
				}
			}
			end++
		}
	case i < len(dict) && dict[i] == '/':
		end++
		for end < len(dict) && !isWS(dict[end]) && !bytes.ContainsRune([]byte("/<>[]()"), rune(dict[end])) {
			end++
		}
	default:
		for end < len(dict) && dict[end] != '/' && dict[end] != '>' {
			end++
		}
	}
	var b []byte
	for _, c := range dict[i:end] {
		if !isWS(c) {
			b = append(b, c)
		}
	}
	return string(b)
}

// typeOf returns the /Type name of a dictionary ("" if none).
func typeOf(dict []byte) string { return dictValue(dict, "/Type") }

// signatureRevisionOK reports whether the revision data[start:end], which
// ends with a signature, only adds what signing needs: new objects (the
// signature, its field and appearance), a new or updated catalog with the
// same page tree, pages updated only in their /Annots, and signature
// fields. Anything else (new page contents or resources, a new page tree,
// compressed object streams it cannot inspect) is a change of content.
func signatureRevisionOK(data []byte, start, end int64) bool {
	if start < 0 || end > int64(len(data)) || start >= end {
		return false
	}
	before := map[int][]byte{}
	var lastCatalog []byte
	budget := maxInflate
	for _, o := range scanObjects(data[:start]) {
		objs := []pdfObj{o}
		if typeOf(o.Dict) == "/ObjStm" {
			objs = append(objs, objStmObjects(o, &budget)...)
		}
		for _, o := range objs {
			before[o.Num] = o.Dict
			if typeOf(o.Dict) == "/Catalog" {
				lastCatalog = o.Dict
			}
		}
	}
	for _, o := range scanObjects(data[start:end]) {
		t := typeOf(o.Dict)
		prev, existed := before[o.Num]
		switch {
		case t == "/ObjStm":
			return false
		case t == "/XRef", t == "/Sig":
		case t == "/Catalog":
			if lastCatalog != nil && dictValue(o.Dict, "/Pages") != dictValue(lastCatalog, "/Pages") {
				return false
			}
		case !existed:
			if t == "/Pages" || t == "/Page" {
				return false
			}
		case t == "/Page":
			if typeOf(prev) != "/Page" {
				return false
			}
			for _, k := range []string{"/Contents", "/Resources", "/MediaBox", "/Parent"} {
				if dictValue(o.Dict, k) != dictValue(prev, k) {
					return false
				}
			}
		case t == "/Annot" && dictValue(o.Dict, "/FT") == "/Sig":
		case t == "" && !o.Stream && dictValue(o.Dict, "/Fields") != "":
			// An AcroForm dictionary.
		default:
			return false
		}
	}
	return true
}

// maxInflate bounds the bytes decompressed from object streams per call.
const maxInflate = 16 << 20

// objStmObjects lists the objects compressed in an object stream
// (FlateDecode without predictor), within the remaining budget.
func objStmObjects(o pdfObj, budget *int) []pdfObj {
	if o.Data == nil || dictValue(o.Dict, "/Filter") != "/FlateDecode" || dictValue(o.Dict, "/DecodeParms") != "" {
		return nil
	}
	n, err1 := strconv.Atoi(dictValue(o.Dict, "/N"))
	first, err2 := strconv.Atoi(dictValue(o.Dict, "/First"))
	if err1 != nil || err2 != nil || n <= 0 || n > maxObjects || first <= 0 {
		return nil
	}
	zr, err := zlib.NewReader(bytes.NewReader(o.Data))
	if err != nil {
		return nil
	}
	defer zr.Close()
	raw, _ := io.ReadAll(io.LimitReader(zr, int64(*budget)))
	*budget -= len(raw)
	if first > len(raw) {
		return nil
	}
	head := strings.Fields(string(raw[:first]))
	if len(head) < 2*n {
		return nil
	}
	out := make([]pdfObj, 0, n)
	for i := range n {
		num, e1 := strconv.Atoi(head[2*i])
		off, e2 := strconv.Atoi(head[2*i+1])
		if e1 != nil || e2 != nil || off < 0 || first+off > len(raw) {
			return out
		}
		end := len(raw)
		if i+1 < n {
			if next, err := strconv.Atoi(head[2*i+3]); err == nil && first+next <= len(raw) && next >= off {
				end = first + next
			}
		}
		out = append(out, pdfObj{Num: num, Dict: raw[first+off : end]})
	}
	return out
}
