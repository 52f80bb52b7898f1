package mail_test

import (
	"bytes"
	"net/mail"
	"strings"
	"testing"
	"time"

	egovmail "egov/internal/mail"
	"egov/internal/mail/mailtest"
)

func testMessage() *egovmail.Message {
	return &egovmail.Message{
		From:      mail.Address{Name: "Cổng dịch vụ công tỉnh Lạng Sơn", Address: "noreply@langson.gov.vn"},
		To:        mail.Address{Name: "Nguyễn Thị Hoà", Address: "hoa@example.vn"},
		Subject:   "Hồ sơ 000.01.20.H37-260302-0001 cần bổ sung, hoàn thiện các nội dung về giấy tờ tùy thân và ảnh chân dung",
		Text:      "Kính gửi bà Nguyễn Thị Hoà,\n\nHồ sơ cần bổ sung:\n- Bản sao giấy khai sinh\n- Ảnh 4x6\n",
		Date:      time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC),
		MessageID: "egov.1.2@langson.gov.vn",
		Language:  "vi, en",
	}
}

func parse(t *testing.T, raw []byte) *mailtest.Parsed {
	t.Helper()
	p, err := mailtest.Message{Data: raw}.Parse()
	if err != nil {
		t.Fatalf("%v\n%s", err, raw)
	}
	return p
}

func TestMessageReadsBackInVietnamese(t *testing.T) {
	t.Parallel()
	m := testMessage()
	raw, err := m.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	for i, line := range strings.Split(string(raw), "\r\n") {
		if len(line) > 78 {
			t.Errorf("line %d has %d characters: %q", i, len(line), line)
		}
		for _, c := range []byte(line) {
			if c >= 0x80 || c == '\n' || c == '\r' {
				t.Fatalf("line %d is not 7-bit clean: %q", i, line)
			}
		}
	}
	p := parse(t, raw)
	if p.Subject != m.Subject {
		t.Errorf("subject %q", p.Subject)
	}
	if p.From.Name != m.From.Name || p.From.Address != m.From.Address || p.To.Name != m.To.Name || p.To.Address != m.To.Address {
		t.Errorf("from %v to %v", p.From, p.To)
	}
	if p.Text != strings.ReplaceAll(m.Text, "\n", "\r\n") {
		t.Errorf("text %q", p.Text)
	}
	if p.Header.Get("Message-ID") != "<egov.1.2@langson.gov.vn>" || p.Header.Get("Auto-Submitted") != "auto-generated" ||
		p.Header.Get("Content-Language") != "vi, en" {
		t.Errorf("headers %v", p.Header)
	}
	if d, err := p.Header.Date(); err != nil || !d.Equal(m.Date) {
		t.Errorf("date %v %v", d, err)
	}
	again, _ := m.Bytes()
	if !bytes.Equal(raw, again) {
		t.Error("the same message must render to the same bytes")
	}
}

func TestMessageWithAttachments(t *testing.T) {
	t.Parallel()
	m := testMessage()
	pdf := append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte{0, 1, 2, 0xff, '\r', '\n'}, 100)...)
	m.Attachments = []egovmail.Attachment{{Name: "Phiếu yêu cầu bổ sung.pdf", Data: pdf}, {Name: "giay\r\nBcc: x@evil.example.pdf", Data: []byte("%PDF")}}
	raw, err := m.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	p := parse(t, raw)
	if !bytes.Equal(p.Attachments["Phiếu yêu cầu bổ sung.pdf"], pdf) {
		t.Fatalf("attachment did not read back: %v", p.Attachments)
	}
	if _, ok := p.Attachments["giay Bcc: x@evil.example.pdf"]; !ok {
		t.Fatalf("attachment names lose their line breaks: %v", p.Attachments)
	}
	if !strings.Contains(p.Text, "Ảnh 4x6") {
		t.Fatalf("text %q", p.Text)
	}
	if p.Header.Get("Bcc") != "" {
		t.Fatal("injected header")
	}
	again, _ := m.Bytes()
	if !bytes.Equal(raw, again) {
		t.Error("the same message with attachments must render to the same bytes")
	}
}

// CR and LF in a name or a subject cannot start a header of their own.
func TestHeaderInjection(t *testing.T) {
	t.Parallel()
	for _, evil := range []string{"x\r\nBcc: victim@evil.example", "x\nBcc: victim@evil.example", "x\rBcc: victim@evil.example",
		"Nguyễn\r\n\r\nbody", "x\u2028Bcc: victim@evil.example"} {
		m := testMessage()
		m.Subject, m.To.Name, m.From.Name = evil, evil, evil
		raw, err := m.Bytes()
		if err != nil {
			t.Fatal(err)
		}
		msg, err := mail.ReadMessage(bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		if len(msg.Header["Bcc"]) > 0 || len(msg.Header["To"]) != 1 || len(msg.Header["Subject"]) != 1 {
			t.Fatalf("%q injected a header: %v", evil, msg.Header)
		}
		p := parse(t, raw)
		if strings.ContainsAny(p.Subject, "\r\n") || strings.ContainsAny(p.To.Name, "\r\n") {
			t.Fatalf("%q: a line break survives: %q %q", evil, p.Subject, p.To.Name)
		}
		if !strings.Contains(p.Subject, "Bcc: victim") && !strings.Contains(p.Subject, "body") {
			t.Fatalf("%q: the text is kept, on one line: %q", evil, p.Subject)
		}
	}
	// Addresses are never repaired, only refused.
	for _, bad := range []string{"a@b.vn\r\nBcc: c@d.vn", "a@b.vn, c@d.vn", "A <a@b.vn>", "", "nobody", "a@b.vn>"} {
		m := testMessage()
		m.To.Address = bad
		if _, err := m.Bytes(); err == nil {
			t.Errorf("address %q accepted", bad)
		}
		if _, err := egovmail.ParseAddress(bad); err == nil {
			t.Errorf("ParseAddress(%q) accepted", bad)
		}
	}
	m := testMessage()
	m.MessageID = "x@y>\r\nBcc: c@d.vn"
	if _, err := m.Bytes(); err == nil {
		t.Error("a Message-ID with a line break accepted")
	}
}

func TestMask(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"nguyenvana@gmail.com": "n***@gmail.com", "đ@x.vn": "đ***@x.vn", "bad": "***", "@x.vn": "***"} {
		if got := egovmail.Mask(in); got != want {
			t.Errorf("Mask(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestReasonOf(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]egovmail.Reason{
		"":                                      egovmail.ReasonNone,
		"550 5.1.1 Mailbox unavailable":         egovmail.ReasonBadAddress,
		`550 "5.1.1 Mailbox unavailable"`:       egovmail.ReasonBadAddress,
		`552 "5.2.2 Over quota"`:                egovmail.ReasonMailboxFull,
		"552 5.2.2 Mailbox full":                egovmail.ReasonMailboxFull,
		"554 5.7.1 Message rejected as spam":    egovmail.ReasonRejected,
		"451 4.3.0 Try again later":             egovmail.ReasonTemporary,
		"connect: dial tcp: connection refused": egovmail.ReasonUnreachable,
		"535 5.7.8 Authentication failed":       egovmail.ReasonLogin,
		"invalid address":                       egovmail.ReasonBadAddress,
	} {
		if got := egovmail.ReasonOf(in); got != want {
			t.Errorf("ReasonOf(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzMessageHeaders(f *testing.F) {
	for _, s := range []string{"Hồ sơ", "a\r\nBcc: b@c.vn", "=?utf-8?q?x?=", strings.Repeat("Đ ", 60)} {
		f.Add(s, s)
	}
	f.Fuzz(func(t *testing.T, subject, name string) {
		m := testMessage()
		m.Subject, m.To.Name = subject, name
		raw, err := m.Bytes()
		if err != nil {
			t.Fatal(err)
		}
		msg, err := mail.ReadMessage(bytes.NewReader(raw))
		if err != nil {
			t.Fatalf("%q %q: %v", subject, name, err)
		}
		for k := range msg.Header {
			switch k {
			case "From", "To", "Subject", "Date", "Message-Id", "Mime-Version", "Auto-Submitted", "Content-Language",
				"Content-Type", "Content-Transfer-Encoding":
			default:
				t.Fatalf("%q %q: header %s", subject, name, k)
			}
		}
	})
}
