package pki

import (
	"encoding/asn1"
	"math/big"
)

// maxPKCS12Iterations bounds the key-derivation work a file may ask for.
// Tools write 1 to 600 000 (openssl 2048, Windows 2000, NIST's 2023 advice
// 600 000 for PBKDF2); go-pkcs12 has no limit, so a crafted file with an
// iteration count near 2^31 would hold a CPU for hours.
var maxPKCS12Iterations int64 = 1_000_000

// pkcs12WithinLimits walks the DER of a PKCS#12 file and refuses it if a
// visible iteration count (MAC data, PBE and PBKDF2 parameters: an
// INTEGER right after the salt OCTET STRING) exceeds the limit. Parameters
// inside encrypted content are out of its sight; the file size limit and
// the fact that only signed-in administrators import files bound that.
func pkcs12WithinLimits(der []byte) bool {
	return scanIterations(der, 0)
}

func scanIterations(der []byte, depth int) bool {
	if depth > 24 {
		return false
	}
	for len(der) > 0 {
		var v asn1.RawValue
		rest, err := asn1.Unmarshal(der, &v)
		if err != nil {
			return true // not DER here: nothing to check
		}
		der = rest
		switch {
		case v.IsCompound:
			if !checkSequence(v.Bytes) || !scanIterations(v.Bytes, depth+1) {
				return false
			}
		case v.Class == asn1.ClassUniversal && v.Tag == asn1.TagOctetString:
			// ContentInfo data and bag values are DER inside octet strings.
			if !scanIterations(v.Bytes, depth+1) {
				return false
			}
		}
	}
	return true
}

// checkSequence looks at the direct children of a constructed value for
// an OCTET STRING followed by an INTEGER (salt, iterations).
func checkSequence(b []byte) bool {
	prevOctets := false
	for len(b) > 0 {
		var v asn1.RawValue
		rest, err := asn1.Unmarshal(b, &v)
		if err != nil {
			return true
		}
		b = rest
		if prevOctets && v.Class == asn1.ClassUniversal && v.Tag == asn1.TagInteger && !v.IsCompound {
			n := new(big.Int).SetBytes(v.Bytes)
			if len(v.Bytes) > 0 && v.Bytes[0]&0x80 != 0 {
				return false // negative
			}
			if n.Cmp(big.NewInt(maxPKCS12Iterations)) > 0 {
				return false
			}
		}
		prevOctets = v.Class == asn1.ClassUniversal && v.Tag == asn1.TagOctetString && !v.IsCompound
	}
	return true
}
