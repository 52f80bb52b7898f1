package mail

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Message is one plain-text e-mail, optionally with attachments.
type Message struct {
	From, To    mail.Address
	Subject     string
	Text        string // the body, UTF-8 plain text
	Date        time.Time
	MessageID   string // without angle brackets: "local@domain"
	Language    string // Content-Language, e.g. "vi" or "vi, en"
	Attachments []Attachment
}

// Attachment is a file sent with a message (a receipt, a request to
// supplement, a refusal... as PDF).
type Attachment struct {
	Name        string
	ContentType string // default application/pdf
	Data        []byte
}

var (
	errBadAddress   = errors.New("mail: not a single e-mail address")
	errNoMessageID  = errors.New("mail: a message needs a Message-ID")
	errBadMessageID = errors.New("mail: malformed Message-ID")
)

// ParseAddress accepts exactly one plain address ("user@example.vn") with
// nothing that could end a header line; the name, if any, is dropped.
func ParseAddress(s string) (string, error) {
	if strings.ContainsAny(s, "\r\n<>,;\" ") {
		return "", errBadAddress
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || !strings.Contains(s, "@") {
		return "", errBadAddress
	}
	return a.Address, nil
}

// Bytes renders the message as RFC 5322 text with CRLF line ends, 7-bit
// clean: RFC 2047 encoded words for UTF-8 in headers, quoted-printable for
// the text and base64 for attachments. The output depends only on the
// message (the MIME boundary derives from the Message-ID), so the same
// message rendered again is byte for byte the same.
func (m *Message) Bytes() ([]byte, error) {
	if m.MessageID == "" {
		return nil, errNoMessageID
	}
	if strings.ContainsAny(m.MessageID, "<>\r\n\t ") || strings.Count(m.MessageID, "@") != 1 {
		return nil, errBadMessageID
	}
	for _, a := range []string{m.From.Address, m.To.Address} {
		if _, err := ParseAddress(a); err != nil {
			return nil, fmt.Errorf("%w: %q", err, a)
		}
	}
	var b bytes.Buffer
	header(&b, "From", address(m.From))
	header(&b, "To", address(m.To))
	header(&b, "Subject", encodeText(m.Subject))
	date := m.Date
	if date.IsZero() {
		date = time.Now()
	}
	header(&b, "Date", date.Format(time.RFC1123Z))
	header(&b, "Message-ID", "<"+m.MessageID+">")
	header(&b, "MIME-Version", "1.0")
	// RFC 3834: automatic replies (holiday messages) should not answer.
	header(&b, "Auto-Submitted", "auto-generated")
	if m.Language != "" {
		header(&b, "Content-Language", oneLine(m.Language))
	}
	text := norm.NFC.String(strings.ReplaceAll(m.Text, "\r\n", "\n"))
	if len(m.Attachments) == 0 {
		writeText(&b, text)
		return b.Bytes(), nil
	}
	mw := multipart.NewWriter(&b)
	sum := sha256.Sum256([]byte(m.MessageID))
	if err := mw.SetBoundary("egov-" + hex.EncodeToString(sum[:12])); err != nil {
		return nil, err
	}
	header(&b, "Content-Type", `multipart/mixed; boundary="`+mw.Boundary()+`"`)
	b.WriteString("\r\n")
	pw, err := mw.CreatePart(textproto.MIMEHeader{
		"Content-Type":              {"text/plain; charset=UTF-8"},
		"Content-Transfer-Encoding": {"quoted-printable"},
	})
	if err != nil {
		return nil, err
	}
	if err := writeQP(pw, text); err != nil {
		return nil, err
	}
	for _, a := range m.Attachments {
		name := oneLine(a.Name)
		if name == "" {
			name = "tep-dinh-kem.pdf"
		}
		ct := a.ContentType
		if ct == "" {
			ct = "application/pdf"
		}
		ctype := mime.FormatMediaType(ct, map[string]string{"name": name})
		disp := mime.FormatMediaType("attachment", map[string]string{"filename": name})
		if ctype == "" || disp == "" {
			ctype, disp = "application/octet-stream", "attachment"
		}
		aw, err := mw.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {ctype},
			"Content-Disposition":       {disp},
			"Content-Transfer-Encoding": {"base64"},
		})
		if err != nil {
			return nil, err
		}
		enc := base64.StdEncoding.EncodeToString(a.Data)
		for len(enc) > 76 {
			_, _ = aw.Write([]byte(enc[:76] + "\r\n"))
			enc = enc[76:]
		}
		_, _ = aw.Write([]byte(enc + "\r\n"))
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func writeText(b *bytes.Buffer, text string) {
	header(b, "Content-Type", "text/plain; charset=UTF-8")
	header(b, "Content-Transfer-Encoding", "quoted-printable")
	b.WriteString("\r\n")
	_ = writeQP(b, text)
}

func writeQP(w interface{ Write([]byte) (int, error) }, text string) error {
	if !strings.HasSuffix(text, "\n") {
		text += "\n"
	}
	qp := quotedprintable.NewWriter(w)
	if _, err := qp.Write([]byte(text)); err != nil {
		return err
	}
	return qp.Close()
}

// oneLine makes s safe for a header: line breaks and other control
// characters become spaces, runs of spaces one space, and the text NFC.
func oneLine(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == 0x85 || r == 0x2028 || r == 0x2029 {
			return ' '
		}
		return r
	}, s)
	return norm.NFC.String(strings.Join(strings.Fields(s), " "))
}

// encodeText is a header text (a subject, a display name) on one line:
// as it is when it is plain ASCII, else as RFC 2047 encoded words (base64
// of UTF-8, valid in subjects and names alike), each short enough that a
// folded header line stays under 78 characters.
func encodeText(s string) string {
	s = oneLine(s)
	if plainASCII(s) {
		return s
	}
	const maxChunk = 39 // bytes of UTF-8: 52 of base64, 64 with the markers
	var words []string
	var chunk []byte
	flush := func() {
		if len(chunk) > 0 {
			words = append(words, "=?UTF-8?B?"+base64.StdEncoding.EncodeToString(chunk)+"?=")
			chunk = chunk[:0]
		}
	}
	for _, r := range s {
		if len(chunk)+utf8.RuneLen(r) > maxChunk {
			flush()
		}
		chunk = utf8.AppendRune(chunk, r)
	}
	flush()
	return strings.Join(words, " ")
}

func plainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return !strings.Contains(s, "=?")
}

// address is a mailbox header value: an ASCII name quoted as net/mail
// does, any other as encoded words.
func address(a mail.Address) string {
	name := oneLine(a.Name)
	if name == "" || plainASCII(name) {
		return (&mail.Address{Name: name, Address: a.Address}).String()
	}
	return encodeText(name) + " <" + a.Address + ">"
}

// header writes "Name: value" folded at spaces so that lines stay short
// (encoded words are at most 75 characters and contain no spaces).
func header(b *bytes.Buffer, name, value string) {
	line := name + ":"
	n := len(line)
	b.WriteString(line)
	for i, w := range strings.Split(value, " ") {
		if i > 0 && n+1+len(w) > 76 {
			b.WriteString("\r\n")
			n = 0
		}
		b.WriteString(" ")
		b.WriteString(w)
		n += 1 + len(w)
	}
	b.WriteString("\r\n")
}
