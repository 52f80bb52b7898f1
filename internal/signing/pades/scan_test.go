package pades

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// scanObjectsRegexp is the former scanObjects, kept as the reference for
// the faster one.
func scanObjectsRegexp(b []byte) []pdfObj {
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
			if n := directLengthRegexp(o.Dict); n >= 0 {
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

// directLengthRegexp is the former directLength.
func directLengthRegexp(dict []byte) int {
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

func TestScanObjectsSameAsRegexp(t *testing.T) {
	t.Parallel()
	p := getPKI(t)
	signed := signPDF(t, samplePDF(), p.leaf(t, leafOpts{}), Options{})
	inputs := [][]byte{
		samplePDF(), signed, objStmPDF(t), benchPDF(t, 1), benchPDF(t, 50),
		[]byte("1 0 obj"), []byte("obj"), []byte(" 0 obj"), []byte("x12 0 obj<<>>endobj"),
		[]byte("123456789012 0 obj\n<< >>\nendobj"), []byte("1 123456 obj 2 12345 obj endobj"),
		[]byte("1 0 objx 2 0 obj_ 3 0 obj\n<</Length 3>>stream\nabc\nendstream\nendobj 4\t0\r\nobj"),
		[]byte("5 0 obj << /Length 100 >> stream\nshort\nendstream endobj 6 0 obj endobj"),
		[]byte("7 0 obj << /Length1 5 /Length 3/Filter /X >> stream\nabc\nendstream endobj"),
		[]byte("8 0 obj << /Length 1234567890123 >> stream\nabc\nendstream endobj"),
		[]byte("9 0 obj << /Length 4 0 R /Length 3>> stream\nabc\nendstream endobj"),
	}
	rng := rand.New(rand.NewPCG(7, 7))
	alphabet := []byte("0123456789 \n\r\tobjendstreamx<>/Length /Length ")
	for range 2000 {
		b := make([]byte, rng.IntN(200))
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		inputs = append(inputs, b)
	}
	for i := range 300 {
		b := bytes.Clone(signed)
		for range 1 + i%5 {
			b[rng.IntN(len(b))] = alphabet[rng.IntN(len(alphabet))]
		}
		inputs = append(inputs, b)
	}
	for i, in := range inputs {
		if got, want := directLength(in), directLengthRegexp(in); got != want {
			t.Fatalf("input %d (%q...): length %d, want %d", i, in[:min(len(in), 80)], got, want)
		}
		want, got := scanObjectsRegexp(in), scanObjects(in)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("input %d (%q...): %d objects, want %d", i, in[:min(len(in), 80)], len(got), len(want))
		}
	}
}

// contentsSlow is the general /Contents decoding of checkByteRange.
func contentsSlow(hx []byte) []byte {
	clean := make([]byte, 0, len(hx))
	for _, ch := range hx {
		switch {
		case isHex(ch):
			clean = append(clean, ch)
		case isWS(ch):
		default:
			return nil
		}
	}
	if len(clean)%2 == 1 {
		clean = append(clean, '0')
	}
	der := make([]byte, len(clean)/2)
	if _, err := hex.Decode(der, clean); err != nil {
		return nil
	}
	return trimDER(der)
}

func TestContentsFastSameAsSlow(t *testing.T) {
	t.Parallel()
	p := getPKI(t)
	signed := signPDF(t, samplePDF(), p.leaf(t, leafOpts{}), Options{TSAURL: p.tsaURL})
	raws := findSignatures(signed)
	if len(raws) != 1 || raws[0].Err != nil {
		t.Fatal("no signature")
	}
	br := raws[0].ByteRange
	real := signed[br[1]+1 : br[2]-1]
	inputs := [][]byte{real, []byte("3000"), []byte("300"), []byte("30810000"), []byte("308180" + strings.Repeat("ab", 128) + "00"),
		[]byte("3082000300000000"), []byte("3003010203"), []byte("30030102"), []byte("3003010203 0"), []byte("3003010203x0")}
	rng := rand.New(rand.NewPCG(3, 4))
	alphabet := []byte("0123456789abcdefABCDEF \n0000000x")
	for i := range 3000 {
		var b []byte
		if i%2 == 0 {
			b = bytes.Clone(real[:rng.IntN(len(real))])
		} else {
			b = []byte(fmt.Sprintf("30%02x", rng.IntN(256)))
			for range rng.IntN(40) {
				b = append(b, alphabet[rng.IntN(len(alphabet))])
			}
		}
		for range rng.IntN(3) {
			if len(b) > 0 {
				b[rng.IntN(len(b))] = alphabet[rng.IntN(len(alphabet))]
			}
		}
		inputs = append(inputs, b)
	}
	for i, in := range inputs {
		want := contentsSlow(in)
		got, ok := contentsFast(in)
		if ok && !bytes.Equal(got, want) {
			t.Fatalf("input %d %q: fast %x, slow %x", i, in[:min(len(in), 60)], got, want)
		}
		if i == 0 && !ok {
			t.Fatal("the fast path does not take a real signature")
		}
	}
}
