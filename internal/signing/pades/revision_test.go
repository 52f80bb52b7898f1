package pades

import (
	"testing"
)

func TestDictValue(t *testing.T) {
	t.Parallel()
	d := []byte("<< /Type /Page /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> /MediaBox [0 0 595 842] /ContentsX 9 >>")
	for k, want := range map[string]string{
		"/Type": "/Page", "/Contents": "40R", "/Resources": "<</Font<</F150R>>>>", "/MediaBox": "[00595842]", "/Missing": "",
	} {
		if got := dictValue(d, k); got != want {
			t.Errorf("%s: %q, want %q", k, got, want)
		}
	}
}

func TestSignatureRevisionOK(t *testing.T) {
	t.Parallel()
	base := "%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n" +
		"3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << >> /Contents 4 0 R >>\nendobj\n" +
		"4 0 obj\n<< /Length 9 >>\nstream\n0 0 1 rg\n\nendstream\nendobj\nxref\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
	sig := "9 0 obj\n<< /Type /Sig /ByteRange [0 1 2 3] /Contents <00> >>\nendobj\n" +
		"10 0 obj\n<< /Type /Annot /Subtype /Widget /FT /Sig /V 9 0 R /P 3 0 R >>\nendobj\n" +
		"11 0 obj\n<< /Type /XObject /Subtype /Form /Length 3 >>\nstream\nq Q\nendstream\nendobj\n"
	page := "3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources <<>> /Contents 4 0 R /Annots [10 0 R] >>\nendobj\n"
	cat := "12 0 obj\n<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [10 0 R] /SigFlags 3 >> >>\nendobj\n"
	tail := "xref\ntrailer\n<< /Root 12 0 R >>\n%%EOF\n"
	for name, c := range map[string]struct {
		rev  string
		want bool
	}{
		"signing only":        {sig + page + cat + tail, true},
		"page contents moved": {sig + "3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources <<>> /Contents 11 0 R >>\nendobj\n" + cat + tail, false},
		"content stream":      {sig + "4 0 obj\n<< /Length 9 >>\nstream\n1 0 0 rg\n\nendstream\nendobj\n" + cat + tail, false},
		"new page tree":       {sig + "12 0 obj\n<< /Type /Catalog /Pages 13 0 R >>\nendobj\n" + tail, false},
		"object stream":       {sig + "13 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Length 4 >>\nstream\nxxxx\nendstream\nendobj\n" + tail, false},
		"redefined pages":     {sig + "2 0 obj\n<< /Type /Pages /Kids [3 0 R 3 0 R] /Count 2 >>\nendobj\n" + tail, false},
	} {
		data := []byte(base + c.rev)
		if got := signatureRevisionOK(data, int64(len(base)), int64(len(data))); got != c.want {
			t.Errorf("%s: %v, want %v", name, got, c.want)
		}
	}
}
