package api

import (
	"mime"
	"testing"
)

func TestAttachmentKeepsTheNameWhole(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"Giấy chứng sinh.pdf", `bao "cao"; v2,final.pdf`, "Đơn đề nghị 100%.pdf", "a\\b.png"} {
		cd := attachment(name)
		disp, params, err := mime.ParseMediaType(cd)
		if err != nil || disp != "attachment" {
			t.Fatalf("%q: %q does not parse: %v", name, cd, err)
		}
		// mime decodes filename* and prefers it over the ASCII fallback.
		if params["filename"] != name {
			t.Errorf("%q: %q reads back as %q", name, cd, params["filename"])
		}
	}
	if got := asciiName("Giấy chứng sinh Đông Kinh.pdf"); got != "Giay chung sinh Dong Kinh.pdf" {
		t.Errorf("fallback %q", got)
	}
}
