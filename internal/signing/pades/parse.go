package pades

import (
	"bytes"
	"encoding/hex"
	"errors"
	"sort"
	"strconv"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// rawSig is one signature dictionary found in the file: its ByteRange and
// the CMS bytes from its /Contents.
type rawSig struct {
	ByteRange [4]int64
	CMS       []byte // DER, trailing padding removed
	DictAt    int    // offset of the /ByteRange key
	Err       error  // why the byte range is not acceptable (CMS may be nil)
}

// End is the offset just after the last signed byte.
func (s rawSig) End() int64 { return s.ByteRange[2] + s.ByteRange[3] }

// maxCandidates bounds the /ByteRange keys examined in one file.
const maxCandidates = 1000

// maxDictDistance bounds how far /ByteRange may sit from /Contents in the
// same dictionary.
const maxDictDistance = 8192

var (
	errNotPDF = errors.New("not a PDF file")
)

// isPDF reports whether data starts like a PDF and has an end-of-file
// marker.
func isPDF(data []byte) bool {
	head := data[:min(len(data), 1024)]
	return bytes.Contains(head, []byte("%PDF-")) && bytes.Contains(data, []byte("%%EOF"))
}

// findSignatures scans the file for signature dictionaries (uncompressed
// objects with a /ByteRange and a /Contents hex string) and checks each
// ByteRange against the file: it must start at 0, leave out exactly the
// /Contents hex string of the same dictionary, and end inside the file.
// Results are sorted by the end of their signed range.
func findSignatures(data []byte) []rawSig {
	var out []rawSig
	// Each excluded range start is examined once (so many /ByteRange keys
	// pointing at one long /Contents cost one scan), and at most
	// maxCandidates keys are examined.
	tried := map[int64]bool{}
	key := []byte("/ByteRange")
	candidates := 0
	for off := 0; off < len(data) && len(out) < maxSignatures && candidates < maxCandidates; {
		i := bytes.Index(data[off:], key)
		if i < 0 {
			break
		}
		p := off + i
		off = p + len(key)
		br, ok := parseByteRange(data[off:])
		if !ok || tried[br[1]] {
			continue
		}
		candidates++
		tried[br[1]] = true
		s := rawSig{ByteRange: br, DictAt: p}
		s.CMS, s.Err = checkByteRange(data, br, p)
		if s.Err != nil && !looksLikeSigDict(data, p) {
			// A stray "/ByteRange" (text, comment) with nothing that looks
			// like a signature around it: ignore it.
			continue
		}
		out = append(out, s)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].End() < out[j].End() })
	return out
}

// looksLikeSigDict reports whether a /Contents key is near p.
func looksLikeSigDict(data []byte, p int) bool {
	lo, hi := max(0, p-maxDictDistance), min(len(data), p+maxDictDistance)
	return bytes.Contains(data[lo:hi], []byte("/Contents"))
}

// parseByteRange reads "[a b c d]" after optional white space.
func parseByteRange(b []byte) ([4]int64, bool) {
	var br [4]int64
	i := skipWS(b, 0)
	if i >= len(b) || b[i] != '[' {
		return br, false
	}
	i++
	for k := range 4 {
		i = skipWS(b, i)
		j := i
		for j < len(b) && j-i < 19 && b[j] >= '0' && b[j] <= '9' {
			j++
		}
		if j == i {
			return br, false
		}
		n, err := strconv.ParseInt(string(b[i:j]), 10, 64)
		if err != nil {
			return br, false
		}
		br[k] = n
		i = j
	}
	i = skipWS(b, i)
	return br, i < len(b) && b[i] == ']'
}

func skipWS(b []byte, i int) int {
	for i < len(b) && isWS(b[i]) {
		i++
	}
	return i
}

func isWS(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// checkByteRange refuses a ByteRange that does not exclude exactly the
// /Contents hex string of the dictionary at p, and returns the CMS.
func checkByteRange(data []byte, br [4]int64, p int) ([]byte, error) {
	n := int64(len(data))
	a, b, c, d := br[0], br[1], br[2], br[3]
	if a != 0 {
		return nil, errors.New("byte range does not start at the beginning of the file")
	}
	if b <= 0 || c <= b+1 || d < 0 || c > n || d > n-c {
		return nil, errors.New("byte range points outside the file")
	}
	if data[b] != '<' || data[c-1] != '>' {
		return nil, errors.New("byte range does not exclude exactly a hex string")
	}
	// The gap must be the value of /Contents.
	k := int(b) - 1
	for k >= 0 && isWS(data[k]) {
		k--
	}
	if k < len("/Contents")-1 || !bytes.Equal(data[k+1-len("/Contents"):k+1], []byte("/Contents")) {
		return nil, errors.New("the excluded hex string is not a /Contents value")
	}
	// The /ByteRange key must belong to the same dictionary.
	lo, hi := int(b)-maxDictDistance, int(c)+maxDictDistance
	if p < lo || p > hi || (p > int(b) && p < int(c)) {
		return nil, errors.New("byte range belongs to another dictionary")
	}
	var between []byte
	if p < int(b) {
		between = data[p:b]
	} else {
		between = data[c:p]
	}
	if bytes.Contains(between, []byte("endobj")) || bytes.Contains(between, []byte("stream")) {
		return nil, errors.New("byte range belongs to another object")
	}
	hx := data[b+1 : c-1]
	if cms, ok := contentsFast(hx); ok {
		return cms, nil
	}
	clean := make([]byte, 0, len(hx))
	for _, ch := range hx {
		switch {
		case isHex(ch):
			clean = append(clean, ch)
		case isWS(ch):
		default:
			return nil, errors.New("the signature value is not a hex string")
		}
	}
	if len(clean)%2 == 1 {
		clean = append(clean, '0')
	}
	der := make([]byte, len(clean)/2)
	if _, err := hex.Decode(der, clean); err != nil {
		return nil, errors.New("the signature value is not a hex string")
	}
	cms := trimDER(der)
	if len(cms) == 0 {
		return nil, errors.New("the signature value is empty")
	}
	return cms, nil
}

// contentsFast decodes the usual /Contents value: a DER SEQUENCE in hex
// digits without white space, then '0' digits only. It gives what the
// general decoding in checkByteRange would, without looking at each
// padding digit on its own (signers leave room for many kilobytes); ok is
// false for anything else.
func contentsFast(hx []byte) (cms []byte, ok bool) {
	if len(hx) < 4 {
		return nil, false
	}
	var head [6]byte
	n, err := hex.Decode(head[:], hx[:min(len(hx), 12)&^1])
	if err != nil || n < 2 || head[0] != 0x30 {
		return nil, false
	}
	// The length of the element, in minimal DER form as cryptobyte wants.
	total, l0 := 0, int(head[1])
	switch {
	case l0 < 0x80:
		total = 2 + l0
	case l0 >= 0x81 && l0 <= 0x84 && n >= 2+l0-0x80:
		k := l0 - 0x80
		v := 0
		for _, x := range head[2 : 2+k] {
			v = v<<8 | int(x)
		}
		if head[2] == 0 || (k == 1 && v < 0x80) {
			return nil, false
		}
		total = 2 + k + v
	default:
		return nil, false
	}
	need := 2 * total
	if need > len(hx) || bytes.Count(hx[need:], []byte{'0'}) != len(hx)-need {
		return nil, false
	}
	der := make([]byte, total)
	if _, err := hex.Decode(der, hx[:need]); err != nil {
		return nil, false
	}
	if cms := trimDER(der); len(cms) == total {
		return cms, true
	}
	return nil, false
}

// trimDER returns the first DER element of b (dropping the zero padding
// signers leave in /Contents), or b without trailing zeros if the length
// is indefinite (BER).
func trimDER(b []byte) []byte {
	s := cryptobyte.String(b)
	var el cryptobyte.String
	if s.ReadASN1Element(&el, cbasn1.SEQUENCE) {
		return el
	}
	return bytes.TrimRight(b, "\x00")
}

// revisionEnds returns the offsets just after each "%%EOF" marker (and its
// end-of-line) in data.
func revisionEnds(data []byte) []int64 {
	var ends []int64
	m := []byte("%%EOF")
	for off := 0; off < len(data); {
		i := bytes.Index(data[off:], m)
		if i < 0 {
			break
		}
		e := off + i + len(m)
		if e < len(data) && data[e] == '\r' {
			e++
		}
		if e < len(data) && data[e] == '\n' {
			e++
		}
		ends = append(ends, int64(e))
		off = e
		if len(ends) > 10000 {
			break
		}
	}
	return ends
}

// onlyWS reports whether b is white space only.
func onlyWS(b []byte) bool {
	for _, c := range b {
		if !isWS(c) {
			return false
		}
	}
	return true
}
