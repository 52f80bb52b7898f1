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

var objHeader = regexp.MustCompile(`(\d{1,10})\s+(\d{1,5})\s+obj\b`)

// maxObjects bounds the objects scanned per call.
const maxObjects = 200000

// scanObjects lists the indirect objects in b, skipping stream data.
func scanObjects(b []byte) []pdfObj {
	var out []pdfObj
	for off := 0; off < len(b) && len(out) < maxObjects; {
		loc := objHeader.FindSubmatchIndex(b[off:])
		if loc == nil {
			break
		}
		start := off + loc[0]
		num, err := strconv.Atoi(string(b[off+loc[2] : off+loc[3]]))
		body := off + loc[1]
		if err != nil {
			off = body
			continue
		}
		endobj := bytes.Index(b[body:], []byte("endobj"))
		streamAt := bytes.Index(b[body:], []byte("stream"))
		o := pdfObj{Num: num}
		switch {
		case streamAt >= 0 && (endobj < 0 || streamAt < endobj):
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

var lengthRe = regexp.MustCompile(`/Length\s+(\d{1,12})\s*[/>]`)

func directLength(dict []byte) int {
	m := lengthRe.FindSubmatch(dict)
	if m == nil {
		return -1
	}
	n, err := strconv.Atoi(string(m[1]))
	if err != nil {
		return -1
	}
	return n
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
