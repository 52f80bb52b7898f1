package app_test

import (
	"bytes"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"strconv"
	"strings"
	"testing"
	"time"

	"egov/internal/catalog"
	"egov/internal/dossier"
	"egov/internal/mail/mailtest"
)

// The whole server with a real SMTP server: a dossier received at the
// desk reaches its applicant by e-mail, in Vietnamese, with the receipt
// attached as PDF; the refusal names every reason, once.
func TestMailReachesTheApplicant(t *testing.T) {
	t.Parallel()
	smtp := mailtest.Start(t, mailtest.Options{NoTLS: true})
	s := start(t, serverOpts{env: map[string]string{"EGOV_SMTP_HOST": smtp.Host, "EGOV_SMTP_PORT": strconv.Itoa(smtp.Port),
		"EGOV_SMTP_TLS": "none", "EGOV_SMTP_FROM": "Cổng dịch vụ công tỉnh Lạng Sơn <noreply@dichvucong.example.vn>"}})

	d := deskFile(t, s, "1.004873", deskMarital)
	act(t, s, "motcua.xa", d.Code, catalog.ActReceive, dossier.Input{})
	refused := deskFile(t, s, "1.004873", deskMarital)
	act(t, s, "motcua.xa", refused.Code, catalog.ActRefuse, dossier.Input{Note: "Thiếu giấy tờ chứng minh nơi cư trú"})

	// submit, submit, receive, refuse: four notifications, four mails.
	smtp.Wait(t, 30*time.Second, "four mails", func(s *mailtest.Server) bool { return len(s.Messages()) >= 4 })
	var receipt, refusal *parsed
	for _, m := range smtp.Messages() {
		p := parseMail(t, m.Data)
		if m.To[0] != "congdan@example.vn" {
			t.Errorf("a mail to %v, want congdan@example.vn", m.To)
		}
		switch {
		case strings.Contains(p.text, d.Code) && strings.Contains(p.text, "tiếp nhận") && len(p.attachments) > 0:
			receipt = p
		case strings.Contains(p.text, refused.Code) && strings.Contains(p.text, "từ chối"):
			refusal = p
		}
	}
	if receipt == nil {
		t.Fatalf("no receipt mail with an attachment among %d", len(smtp.Messages()))
	}
	if a := receipt.attachments[0]; !strings.HasPrefix(a.name, "giay-tiep-nhan-") || !bytes.HasPrefix(a.data, []byte("%PDF-")) {
		t.Errorf("the receipt mail carries %q (%d bytes), want the receipt as PDF", a.name, len(a.data))
	}
	if refusal == nil {
		t.Fatal("no refusal mail")
	}
	if n := strings.Count(refusal.text, "Thiếu giấy tờ chứng minh nơi cư trú"); n < 1 {
		t.Errorf("the refusal mail names the reason %d times:\n%s", n, refusal.text)
	}
	if len(refusal.attachments) == 0 || !strings.HasPrefix(refusal.attachments[0].name, "phieu-tu-choi-") {
		t.Errorf("the refusal mail lacks the refusal form: %+v", refusal.attachments)
	}
}

type attachment struct {
	name string
	data []byte
}

type parsed struct {
	subject, text string
	attachments   []attachment
}

// parseMail reads a MIME message as a mail client does.
func parseMail(t *testing.T, raw []byte) *parsed {
	t.Helper()
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	dec := new(mime.WordDecoder)
	subject, err := dec.DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	out := &parsed{subject: subject}
	mt, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	var walk func(r io.Reader, mt string, params map[string]string, enc, disp string)
	walk = func(r io.Reader, mt string, params map[string]string, enc, disp string) {
		if strings.HasPrefix(mt, "multipart/") {
			mr := multipart.NewReader(r, params["boundary"])
			for {
				p, err := mr.NextRawPart()
				if err == io.EOF {
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				pmt, pparams, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
				walk(p, pmt, pparams, p.Header.Get("Content-Transfer-Encoding"), p.Header.Get("Content-Disposition"))
			}
		}
		body, err := io.ReadAll(decoder(r, enc))
		if err != nil {
			t.Fatal(err)
		}
		if _, dp, err := mime.ParseMediaType(disp); err == nil && dp["filename"] != "" {
			name, _ := dec.DecodeHeader(dp["filename"])
			out.attachments = append(out.attachments, attachment{name: name, data: body})
			return
		}
		if mt == "text/plain" {
			out.text += string(body)
		}
	}
	walk(m.Body, mt, params, m.Header.Get("Content-Transfer-Encoding"), "")
	return out
}

// decoder undoes a part's transfer encoding.
func decoder(r io.Reader, enc string) io.Reader {
	switch strings.ToLower(enc) {
	case "base64":
		return base64.NewDecoder(base64.StdEncoding, r)
	case "quoted-printable":
		return quotedprintable.NewReader(r)
	}
	return r
}
