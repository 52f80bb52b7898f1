package attach_test

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf8"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/filter"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"

	"egov/internal/apperr"
	"egov/internal/attach"
	"egov/internal/attach/attachtest"
	"egov/internal/platform/blob"
)

type env struct {
	ctx      context.Context
	p        *attach.Pipeline
	store    *blob.Local
	storeDir string
	spoolDir string
}

func setup(t testing.TB, lim attach.Limits, stages ...attach.Stage) env {
	t.Helper()
	storeDir, spoolDir := t.TempDir(), t.TempDir()
	store, err := blob.NewLocal(storeDir)
	if err != nil {
		t.Fatal(err)
	}
	p := attach.New(store, lim, stages...)
	p.TempDir = spoolDir
	return env{ctx: context.Background(), p: p, store: store, storeDir: storeDir, spoolDir: spoolDir}
}

// assertNothingLeft checks that no blob was stored and no spool file is left.
func (e env) assertNothingLeft(t testing.TB) {
	t.Helper()
	if left := files(t, e.spoolDir); len(left) != 0 {
		t.Fatalf("spool files left: %v", left)
	}
	if left := files(t, e.storeDir); len(left) != 0 {
		t.Fatalf("blob store holds files: %v", left)
	}
}

func files(t testing.TB, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			out = append(out, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestAccept(t *testing.T) {
	t.Parallel()
	pdf3 := makePDF(3)
	jpg := makeJPEG(t, 40, 30)
	pngb := makePNG(t, 20, 10)
	cases := []struct {
		name, file string
		body       []byte
		want       attach.File
	}{
		{"PDFWithPages", "Đơn đề nghị.pdf", pdf3, attach.File{Name: "Đơn đề nghị.pdf", ContentType: "application/pdf", Pages: 3}},
		{"PDFWithObjectStreams", "nén.pdf", withObjectStreams(t, makePDF(5)), attach.File{Name: "nén.pdf", ContentType: "application/pdf", Pages: 5}},
		{"PDFWithTrailingJunk", "a.pdf", append(bytes.Clone(pdf3), "\r\n\x00\x00junk from a mail gateway\r\n"...), attach.File{Name: "a.pdf", ContentType: "application/pdf", Pages: 3}},
		{"JPEG", "ảnh CCCD.jpg", jpg, attach.File{Name: "ảnh CCCD.jpg", ContentType: "image/jpeg", Pages: 1, Width: 40, Height: 30}},
		{"PNG", "so-do.png", pngb, attach.File{Name: "so-do.png", ContentType: "image/png", Pages: 1, Width: 20, Height: 10}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			e := setup(t, attach.Limits{})
			got, err := e.p.Accept(e.ctx, c.file, bytes.NewReader(c.body))
			if err != nil {
				t.Fatal(err)
			}
			c.want.Size = int64(len(c.body))
			c.want.Hash = got.Hash
			if got != c.want {
				t.Fatalf("got %+v\nwant %+v", got, c.want)
			}
			f, err := e.store.Open(e.ctx, got.Hash)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			stored, _ := io.ReadAll(f)
			if !bytes.Equal(stored, c.body) {
				t.Fatal("stored content differs from the upload")
			}
			if left := files(t, e.spoolDir); len(left) != 0 {
				t.Fatalf("spool files left: %v", left)
			}
		})
	}
}

func TestRefusals(t *testing.T) {
	t.Parallel()
	pdf := makePDF(2)
	jpg := makeJPEG(t, 64, 48)
	pngb := makePNG(t, 64, 48)
	random := make([]byte, 4096)
	rand.NewChaCha8([32]byte{1}).Read(random)

	cases := []struct {
		name  string
		lim   attach.Limits
		file  string
		body  func() io.Reader
		key   string
		shown string // how the file is named in the messages
	}{
		{"Empty", attach.Limits{}, "abc.pdf", bytesOf(nil), attach.KeyEmpty, "abc.pdf"},
		{"OverTheLimit", attach.Limits{MaxBytes: 3 << 19}, "to.pdf", bytesOf(append(bytes.Clone(pdf), make([]byte, 2<<20)...)), attach.KeyTooLarge, "to.pdf"},
		{"CutOffUpload", attach.Limits{}, "dang-do.pdf", func() io.Reader {
			return io.MultiReader(bytes.NewReader(pdf[:len(pdf)/2]), iotest.ErrReader(io.ErrUnexpectedEOF))
		}, attach.KeyIncomplete, "dang-do.pdf"},
		{"TextFile", attach.Limits{}, "ghi chú.txt", bytesOf([]byte("Kính gửi: UBND phường\nnội dung...\n")), attach.KeyType, "ghi chú.txt"},
		{"GarbageNamedPDF", attach.Limits{}, "hop-dong.pdf", bytesOf(random), attach.KeyType, "hop-dong.pdf"},
		{"HTMLNamedPDF", attach.Limits{}, "x.pdf", bytesOf([]byte("<html><script>alert(1)</script>")), attach.KeyType, "x.pdf"},
		{"ZipNamedJPEG", attach.Limits{}, "x.jpg", bytesOf([]byte("PK\x03\x04\x14\x00\x00\x00\x08\x00")), attach.KeyType, "x.jpg"},
		{"PDFHeaderThenGarbage", attach.Limits{}, "hong.pdf", bytesOf([]byte("%PDF-1.7\nthis is not a pdf\n%%EOF\n")), attach.KeyPDFBroken, "hong.pdf"},
		{"TruncatedPDF", attach.Limits{}, "cat.pdf", bytesOf(pdf[:len(pdf)*2/3]), attach.KeyPDFBroken, "cat.pdf"},
		{"PDFCutInItsXref", attach.Limits{}, "cat.pdf", bytesOf(pdf[:len(pdf)-60]), attach.KeyPDFBroken, "cat.pdf"},
		{"PDFWithoutPages", attach.Limits{}, "trong.pdf", bytesOf(buildPDF("<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [] /Count 0 >>")), attach.KeyPDFBroken, "trong.pdf"},
		{"PDFPageTreeLoop", attach.Limits{}, "vong.pdf", bytesOf(buildPDF("<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [2 0 R] /Count 1 >>")), attach.KeyPDFBroken, "vong.pdf"},
		{"PDFMissingPage", attach.Limits{}, "thieu.pdf", bytesOf(buildPDF("<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [7 0 R] /Count 1 >>")), attach.KeyPDFBroken, "thieu.pdf"},
		{"PDFDecompressionBomb", attach.Limits{}, "bom.pdf", bytesOf(pdfBomb(t, 48, 8<<20)), attach.KeyPDFBroken, "bom.pdf"},
		{"EncryptedPDF", attach.Limits{}, "mat-khau.pdf", bytesOf(encrypt(t, pdf, "nguoidung", "chusohuu")), attach.KeyPDFEncrypted, "mat-khau.pdf"},
		{"EncryptedPDFOwnerPasswordOnly", attach.Limits{}, "han-che.pdf", bytesOf(encrypt(t, pdf, "", "chusohuu")), attach.KeyPDFEncrypted, "han-che.pdf"},
		{"HandWrittenEncryptDict", attach.Limits{}, "enc.pdf", bytesOf(handEncrypted()), attach.KeyPDFEncrypted, "enc.pdf"},
		{"TruncatedJPEG", attach.Limits{}, "anh.jpg", bytesOf(jpg[:len(jpg)/2]), attach.KeyImageBroken, "anh.jpg"},
		{"TruncatedPNG", attach.Limits{}, "anh.png", bytesOf(pngb[:len(pngb)/2]), attach.KeyImageBroken, "anh.png"},
		{"PNGClaiming100000x100000", attach.Limits{}, "bom.png", bytesOf(pngClaiming(t, 100000, 100000)), attach.KeyImageTooBig, "bom.png"},
		{"JPEGClaiming65535x65535", attach.Limits{}, "bom.jpg", bytesOf(jpegClaiming(t, 65535, 65535)), attach.KeyImageTooBig, "bom.jpg"},
		{"ImageOverACustomPixelLimit", attach.Limits{MaxPixels: 64*48 - 1}, "lon.png", bytesOf(pngb), attach.KeyImageTooBig, "lon.png"},
		{"NameOnlyDirectories", attach.Limits{}, "../", bytesOf(pdf), attach.KeyName, "../"},
		{"NameWindowsFolder", attach.Limits{}, `C:\x\`, bytesOf(pdf), attach.KeyName, `C:\x\`},
		{"NameOnlyDots", attach.Limits{}, "...", bytesOf(pdf), attach.KeyName, "..."},
		{"NameOnlyControlChars", attach.Limits{}, "\x00\x1b\u202e", bytesOf(pdf), attach.KeyName, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			e := setup(t, c.lim)
			_, err := e.p.Accept(e.ctx, c.file, c.body())
			var ae *apperr.Error
			if !errors.As(err, &ae) {
				t.Fatalf("want an *apperr.Error, got %v", err)
			}
			if ae.Key != c.key {
				t.Fatalf("key %q, want %q (%v)", ae.Key, c.key, err)
			}
			named := strings.Contains(ae.VI, "«"+c.shown+"»") && strings.Contains(ae.EN, fmt.Sprintf("%q", c.shown))
			if c.shown == "" {
				named = !strings.Contains(ae.VI, "«") // nothing printable to show
			}
			if !named {
				t.Fatalf("messages do not name the file %q:\n%s\n%s", c.shown, ae.VI, ae.EN)
			}
			e.assertNothingLeft(t)
		})
	}
}

func TestRefusalDetails(t *testing.T) {
	t.Parallel()
	t.Run("TooLargeSaysTheLimitAndReadsNoMore", func(t *testing.T) {
		t.Parallel()
		e := setup(t, attach.Limits{MaxBytes: 3 << 19})
		r := &countingReader{r: io.LimitReader(zeros{}, 100<<20)}
		_, err := e.p.Accept(e.ctx, "to.pdf", r)
		ae := apperr.As(err)
		if ae.Key != attach.KeyTooLarge || ae.Code != apperr.TooLarge {
			t.Fatalf("got %v", err)
		}
		if !strings.Contains(ae.VI, "1,5 MB") || !strings.Contains(ae.EN, "1.5 MB") {
			t.Fatalf("limit not stated: %s / %s", ae.VI, ae.EN)
		}
		if r.n > 3<<19+1 {
			t.Fatalf("read %d bytes, more than the limit plus one", r.n)
		}
		e.assertNothingLeft(t)
	})
	t.Run("DefaultLimitIs20MB", func(t *testing.T) {
		t.Parallel()
		e := setup(t, attach.Limits{})
		_, err := e.p.Accept(e.ctx, "x.pdf", io.LimitReader(zeros{}, 20<<20+1))
		if ae := apperr.As(err); ae.Key != attach.KeyTooLarge || !strings.Contains(ae.VI, "20 MB") {
			t.Fatalf("got %v", err)
		}
		e.assertNothingLeft(t)
	})
	t.Run("CutOffKeepsTheCause", func(t *testing.T) {
		t.Parallel()
		e := setup(t, attach.Limits{})
		_, err := e.p.Accept(e.ctx, "a.pdf", io.MultiReader(strings.NewReader("%PDF-1.4\n"), iotest.ErrReader(io.ErrUnexpectedEOF)))
		if !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Fatalf("cause lost: %v", err)
		}
	})
	t.Run("EmptyMessage", func(t *testing.T) {
		t.Parallel()
		e := setup(t, attach.Limits{})
		_, err := e.p.Accept(e.ctx, "abc.pdf", strings.NewReader(""))
		ae := apperr.As(err)
		if ae.VI != "Tệp «abc.pdf» rỗng (0 byte)." || ae.EN != `File "abc.pdf" is empty (0 bytes).` {
			t.Fatalf("got %q / %q", ae.VI, ae.EN)
		}
	})
	t.Run("ImageTooBigSaysTheSize", func(t *testing.T) {
		t.Parallel()
		e := setup(t, attach.Limits{})
		_, err := e.p.Accept(e.ctx, "bom.png", bytes.NewReader(pngClaiming(t, 100000, 100000)))
		ae := apperr.As(err)
		if !strings.Contains(ae.VI, "100000 × 100000") || !strings.Contains(ae.VI, "50 megapixel") {
			t.Fatalf("got %q", ae.VI)
		}
	})
	t.Run("PDFBombStopsAtTheDecodeBudget", func(t *testing.T) {
		t.Parallel()
		e := setup(t, attach.Limits{})
		_, err := e.p.Accept(e.ctx, "bom.pdf", bytes.NewReader(pdfBomb(t, 48, 8<<20)))
		if !errors.Is(err, filter.ErrDecodeLimitExceeded) {
			t.Fatalf("want the decode limit as the cause, got %v", err)
		}
	})
	t.Run("CancelledContext", func(t *testing.T) {
		t.Parallel()
		e := setup(t, attach.Limits{})
		ctx, cancel := context.WithCancel(e.ctx)
		cancel()
		if _, err := e.p.Accept(ctx, "a.pdf", bytes.NewReader(makePDF(1))); !errors.Is(err, context.Canceled) {
			t.Fatalf("got %v", err)
		}
		e.assertNothingLeft(t)
	})
}

func TestNames(t *testing.T) {
	t.Parallel()
	pdf, jpg := makePDF(1), makeJPEG(t, 8, 8)
	long := strings.Repeat("ư", 300)
	cases := []struct {
		name, file string
		body       []byte
		want       string
	}{
		{"StripsUnixDirectories", "../../etc/passwd.pdf", pdf, "passwd.pdf"},
		{"StripsWindowsDirectories", `C:\Users\An\Giấy tờ.pdf`, pdf, "Giấy tờ.pdf"},
		{"StripsMixedDirectories", `a/b\..\c.pdf`, pdf, "c.pdf"},
		{"StripsControlAndBidiChars", "bao\x00cao\x1f\x7f\u202e.pdf", pdf, "baocao.pdf"},
		{"TurnsNewlinesIntoNothing", "a\r\nb.pdf", pdf, "ab.pdf"},
		{"NormalisesToNFC", "Gia\u0302\u0301y to\u031b\u0300.pdf", pdf, "Giấy tờ.pdf"},
		{"StripsLeadingDots", ".hidden.pdf", pdf, "hidden.pdf"},
		{"TrimsTrailingDotsAndSpaces", "  file.pdf. ", pdf, "file.pdf"},
		{"DropsInvalidUTF8", "h\xffo\xfes\xc0.pdf", pdf, "hos.pdf"},
		{"AddsTheExtension", "scan", pdf, "scan.pdf"},
		{"KeepsARightExtensionInAnyCase", "scan.PDF", pdf, "scan.PDF"},
		{"KeepsJPEGSpelling", "anh.jpeg", jpg, "anh.jpeg"},
		{"KeepsDotsThatAreNotExtensions", "Quyết định 12.2024", pdf, "Quyết định 12.2024.pdf"},
		{"ReplacesAWrongTypeExtension", "photo.png", jpg, "photo.jpg"},
		{"ReplacesHEIC", "IMG_0001.HEIC", jpg, "IMG_0001.jpg"},
		{"ReplacesDocx", "to-khai.docx", pdf, "to-khai.pdf"},
		{"ShortensLongNamesKeepingTheExtension", long + ".pdf", pdf, strings.Repeat("ư", 196) + ".pdf"},
		{"ShortensLongNamesWithoutExtension", long, pdf, strings.Repeat("ư", 196) + ".pdf"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			e := setup(t, attach.Limits{})
			got, err := e.p.Accept(e.ctx, c.file, bytes.NewReader(c.body))
			if err != nil {
				t.Fatal(err)
			}
			if got.Name != c.want {
				t.Fatalf("name %q, want %q", got.Name, c.want)
			}
			if n := utf8.RuneCountInString(got.Name); n > attach.MaxNameRunes {
				t.Fatalf("name has %d runes", n)
			}
		})
	}
}

func TestStages(t *testing.T) {
	t.Parallel()
	t.Run("ExtraStagesRunAfterTheDefaults", func(t *testing.T) {
		t.Parallel()
		var seen attach.Upload
		e := setup(t, attach.Limits{}, attach.StageFunc(func(_ context.Context, in *attach.Upload) error {
			seen = *in
			head := make([]byte, 5)
			if _, err := in.Reader().Read(head); err != nil || string(head) != "%PDF-" {
				return fmt.Errorf("cannot re-read the spooled file: %q %v", head, err)
			}
			return nil
		}))
		if _, err := e.p.Accept(e.ctx, "a", bytes.NewReader(makePDF(4))); err != nil {
			t.Fatal(err)
		}
		if seen.ContentType != attach.TypePDF || seen.Pages != 4 || seen.Name != "a" || seen.Limits.MaxBytes != attach.DefaultMaxBytes {
			t.Fatalf("stage saw %+v", seen)
		}
	})
	t.Run("ARefusingStageStoresNothing", func(t *testing.T) {
		t.Parallel()
		refusal := apperr.New(apperr.Invalid, "attach.test", "Không.", "No.")
		e := setup(t, attach.Limits{}, attach.StageFunc(func(context.Context, *attach.Upload) error { return refusal }))
		if _, err := e.p.Accept(e.ctx, "a.png", bytes.NewReader(makePNG(t, 2, 2))); err != refusal {
			t.Fatalf("got %v", err)
		}
		e.assertNothingLeft(t)
	})
	t.Run("LaterStagesDoNotRunAfterARefusal", func(t *testing.T) {
		t.Parallel()
		ran := false
		e := setup(t, attach.Limits{}, attach.StageFunc(func(context.Context, *attach.Upload) error { ran = true; return nil }))
		if _, err := e.p.Accept(e.ctx, "a.txt", strings.NewReader("text")); apperr.As(err).Key != attach.KeyType {
			t.Fatalf("got %v", err)
		}
		if ran {
			t.Fatal("a stage ran after the type was refused")
		}
	})
	t.Run("SameContentStoredOnce", func(t *testing.T) {
		t.Parallel()
		e := setup(t, attach.Limits{})
		pdf := makePDF(1)
		a, err1 := e.p.Accept(e.ctx, "a.pdf", bytes.NewReader(pdf))
		b, err2 := e.p.Accept(e.ctx, "b.pdf", bytes.NewReader(pdf))
		if err1 != nil || err2 != nil || a.Hash != b.Hash || a.Name == b.Name {
			t.Fatalf("%+v %v / %+v %v", a, err1, b, err2)
		}
	})
}

// FuzzAccept feeds arbitrary names and bytes through the default pipeline:
// it must never panic, every refusal must be a user-facing attach error (a
// bad upload is never a system error), an accepted file must be consistent,
// and no spool file may be left.
func FuzzAccept(f *testing.F) {
	pdf := makePDF(2)
	f.Add("a.pdf", pdf)
	f.Add("b.pdf", withObjectStreams(f, makePDF(2)))
	f.Add("c.pdf", pdf[:len(pdf)/2])
	f.Add("d.pdf", encrypt(f, pdf, "u", "o"))
	f.Add("e.pdf", handEncrypted())
	f.Add("f.pdf", buildPDF("<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [2 0 R] /Count 1 >>"))
	f.Add("g.pdf", pdfBomb(f, 2, 64<<10))
	f.Add("anh.jpg", makeJPEG(f, 16, 16))
	f.Add("anh.png", makePNG(f, 16, 16))
	f.Add("bom.png", pngClaiming(f, 100000, 100000))
	f.Add("../", []byte("x"))
	f.Add("C:\\x\\", []byte{})
	f.Add("t.txt", []byte("hello"))
	e := setup(f, attach.Limits{MaxBytes: 1 << 20, MaxPixels: 1 << 20})
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		got, err := e.p.Accept(e.ctx, name, bytes.NewReader(data))
		if left := files(t, e.spoolDir); len(left) != 0 {
			t.Fatalf("spool files left: %v", left)
		}
		if err != nil {
			var ae *apperr.Error
			if !errors.As(err, &ae) || !strings.HasPrefix(ae.Key, "attach.") || ae.Code == apperr.Internal {
				t.Fatalf("not a user-facing refusal: %v", err)
			}
			return
		}
		switch {
		case got.Name == "" || strings.ContainsAny(got.Name, "/\\\x00") || !utf8.ValidString(got.Name) ||
			utf8.RuneCountInString(got.Name) > attach.MaxNameRunes:
			t.Fatalf("bad name %q", got.Name)
		case got.Size != int64(len(data)) || got.Pages < 1:
			t.Fatalf("bad file %+v", got)
		case got.ContentType != attach.TypePDF && got.ContentType != attach.TypeJPEG && got.ContentType != attach.TypePNG:
			t.Fatalf("accepted type %q", got.ContentType)
		}
		if _, err := e.store.Stat(e.ctx, got.Hash); err != nil {
			t.Fatalf("accepted but not stored: %v", err)
		}
	})
}

// ---- test files ----

func bytesOf(b []byte) func() io.Reader { return func() io.Reader { return bytes.NewReader(b) } }

// buildPDF writes a classic PDF whose objects are numbered from 1 in order,
// with a correct cross-reference table; object 1 is the catalog.
func buildPDF(objs ...string) []byte { return attachtest.BuildPDF(objs...) }

// makePDF returns a valid PDF of n A4 pages, each with a small drawing.
func makePDF(n int) []byte { return attachtest.PDF(n, "") }

// handEncrypted is a PDF whose trailer points to an /Encrypt dictionary.
func handEncrypted() []byte {
	b := buildPDF(
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
		"<< /Filter /Standard /V 2 /R 3 /Length 128 /P -44 /O <"+strings.Repeat("11", 32)+"> /U <"+strings.Repeat("22", 32)+"> >>",
	)
	return bytes.Replace(b, []byte("/Root 1 0 R"), []byte("/Root 1 0 R /Encrypt 4 0 R /ID [<0102030405060708090a0b0c0d0e0f10> <0102030405060708090a0b0c0d0e0f10>]"), 1)
}

// pdfConf is a pdfcpu configuration for the test's own writing; built by
// hand so pdfcpu does not install its configuration folder.
func pdfConf() *model.Configuration {
	return &model.Configuration{
		Reader15:          true,
		ValidationMode:    model.ValidationRelaxed,
		Eol:               types.EolLF,
		WriteObjectStream: true,
		WriteXRefStream:   true,
		EncryptUsingAES:   true,
		EncryptKeyLength:  256,
		Permissions:       model.PermissionsPrint,
		Limits:            model.DefaultResourceLimits(),
	}
}

// withObjectStreams rewrites pdf with pdfcpu as PDF 1.5 output: objects in
// compressed object streams, a cross-reference stream.
func withObjectStreams(t testing.TB, pdf []byte) []byte {
	t.Helper()
	var out bytes.Buffer
	if err := api.Optimize(bytes.NewReader(pdf), &out, pdfConf()); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(out.Bytes(), []byte("/ObjStm")) {
		t.Fatal("pdfcpu wrote no object stream")
	}
	return out.Bytes()
}

func encrypt(t testing.TB, pdf []byte, user, owner string) []byte {
	t.Helper()
	conf := pdfConf()
	conf.UserPW, conf.OwnerPW = user, owner
	var out bytes.Buffer
	if err := api.Encrypt(bytes.NewReader(pdf), &out, conf); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// pdfBomb is a valid PDF 1.5 of k pages, each page object alone in an
// object stream of a few kilobytes of deflate that inflate to inflated bytes.
func pdfBomb(t testing.TB, k, inflated int) []byte {
	t.Helper()
	var z bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&z, zlib.BestCompression)
	zw.Write([]byte("1 0 << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"))
	zw.Write(bytes.Repeat([]byte{' '}, inflated))
	zw.Close()

	var b bytes.Buffer
	b.WriteString("%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
	var offs []int
	obj := func(body string) {
		offs = append(offs, b.Len())
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", len(offs), body)
	}
	// Objects: 1 catalog, 2 page tree, 3..2+k object streams, 3+k..2+2k
	// pages (inside the streams), 3+2k the cross-reference stream.
	var kids []string
	for i := range k {
		kids = append(kids, fmt.Sprintf("%d 0 R", 3+k+i))
	}
	obj("<< /Type /Catalog /Pages 2 0 R >>")
	obj(fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), k))
	for range k {
		obj(fmt.Sprintf("<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream", z.Len(), z.Bytes()))
	}
	size := 3 + 2*k + 1
	var xs bytes.Buffer
	row := func(typ byte, a uint32, c uint16) {
		xs.WriteByte(typ)
		binary.Write(&xs, binary.BigEndian, a)
		binary.Write(&xs, binary.BigEndian, c)
	}
	row(0, 0, 65535)
	for _, o := range offs {
		row(1, uint32(o), 0)
	}
	for i := range k {
		row(2, uint32(3+i), 0)
	}
	xrefOff := b.Len()
	row(1, uint32(xrefOff), 0)
	fmt.Fprintf(&b, "%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n%s\nendstream\nendobj\n",
		size-1, size, xs.Len(), xs.Bytes())
	fmt.Fprintf(&b, "startxref\n%d\n%%%%EOF\n", xrefOff)
	return b.Bytes()
}

func picture(w, h int) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x * 7), uint8(y * 5), 128, 255})
		}
	}
	return img
}

func makeJPEG(t testing.TB, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, picture(w, h), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func makePNG(t testing.TB, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, picture(w, h)); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// pngClaiming is a small PNG whose header (with a correct checksum) claims
// w×h pixels.
func pngClaiming(t testing.TB, w, h uint32) []byte {
	t.Helper()
	b := makePNG(t, 4, 4)
	// 8-byte signature, then IHDR: length(4) type(4) width(4) height(4) ... crc.
	binary.BigEndian.PutUint32(b[16:], w)
	binary.BigEndian.PutUint32(b[20:], h)
	binary.BigEndian.PutUint32(b[29:], crc32.ChecksumIEEE(b[12:29]))
	return b
}

// jpegClaiming is a small JPEG whose frame header claims w×h pixels.
func jpegClaiming(t testing.TB, w, h uint16) []byte {
	t.Helper()
	b := makeJPEG(t, 8, 8)
	i := bytes.Index(b, []byte{0xff, 0xc0}) // baseline SOF: length(2) precision(1) height(2) width(2)
	if i < 0 {
		t.Fatal("no SOF0 marker")
	}
	binary.BigEndian.PutUint16(b[i+5:], h)
	binary.BigEndian.PutUint16(b[i+7:], w)
	return b
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
