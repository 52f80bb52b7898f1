package app_test

// The journey: one dossier from a citizen's search to the rating, through
// the real pages of every person who handles it, in one headless browser.
// It is the test a province's acceptance team would run by hand; it also
// saves the README's screenshots of the main pages (EGOV_SCREENSHOTS) and
// logs how long the whole journey took.

import (
	"bytes"
	"context"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// phonePhoto is a JPEG as a phone writes it: the sensor's landscape pixels
// and an EXIF Orientation tag telling viewers to turn them (6: 90° clockwise).
func phonePhoto(t testing.TB, w, h int, orientation uint16) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), uint8((x ^ y) & 0xff), 255})
		}
	}
	var body bytes.Buffer
	if err := jpeg.Encode(&body, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	// APP1 "Exif": a big-endian TIFF header and one IFD entry, Orientation
	// (0x0112, SHORT, count 1).
	var tiff bytes.Buffer
	tiff.WriteString("MM\x00\x2a")
	binary.Write(&tiff, binary.BigEndian, uint32(8))
	binary.Write(&tiff, binary.BigEndian, uint16(1))
	binary.Write(&tiff, binary.BigEndian, []uint16{0x0112, 3})
	binary.Write(&tiff, binary.BigEndian, uint32(1))
	binary.Write(&tiff, binary.BigEndian, []uint16{orientation, 0})
	binary.Write(&tiff, binary.BigEndian, uint32(0))
	seg := append([]byte("Exif\x00\x00"), tiff.Bytes()...)
	var out bytes.Buffer
	out.Write(body.Bytes()[:2]) // SOI
	out.Write([]byte{0xff, 0xe1})
	binary.Write(&out, binary.BigEndian, uint16(len(seg)+2))
	out.Write(seg)
	out.Write(body.Bytes()[2:])
	return out.Bytes()
}

// fetched is what the browser got for a download link.
type fetched struct {
	Status int    `json:"status"`
	Type   string `json:"type"`
	Size   int    `json:"size"`
	Head   string `json:"head"`
}

// fetchIn downloads path with the tab's cookies, as a click on a download
// link would, without leaving the page.
func (s bsuite) fetchIn(t *testing.T, tab context.Context, path string) fetched {
	t.Helper()
	js := `fetch(` + jsString(path) + `, {credentials: 'same-origin'}).then(async r => {
		const b = new Uint8Array(await r.arrayBuffer());
		return {status: r.status, type: r.headers.get('content-type') || '', size: b.length,
			head: String.fromCharCode(...b.slice(0, 5))};
	})`
	f, err := chromedp.Run(tab, chromedp.Evaluate[fetched](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func jsString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `'`, `\'`, "\n", `\n`)
	return "'" + r.Replace(s) + "'"
}

// browserJourney: congdan finds "cấp Giấy xác nhận tình trạng hôn nhân",
// signs in through the demo identity provider, fills the e-form (an error
// first, then corrected), attaches two phone photos and a PDF, submits;
// the ward's desk receives it, the specialist forwards it, the leader issues
// the result, the desk returns it; congdan tracks it, downloads the result
// and rates the service; congdan2 cannot open it.
func browserJourney(t *testing.T, s bsuite) {
	started := time.Now()
	checked := 0
	a11y := func(tab context.Context) { t.Helper(); s.accessible(t, tab); checked++ }
	dir := t.TempDir()
	photo1, photo2, scan := filepath.Join(dir, "IMG_0001.jpg"), filepath.Join(dir, "IMG_0002.jpg"), filepath.Join(dir, "giay-xac-nhan-cu.pdf")
	for name, b := range map[string][]byte{photo1: phonePhoto(t, 1200, 900, 6), photo2: phonePhoto(t, 1200, 900, 1), scan: testPDF(2)} {
		if err := os.WriteFile(name, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}

	// The citizen, as a visitor first.
	citizen := s.tab(t)
	s.open(t, citizen, "/", 200)
	a11y(citizen)
	s.screenshot(t, citizen, "journey-home")
	s.fill(t, citizen, map[string]string{`main form[role=search] input[type=search], main form[role=search] input[name=q]`: "tình trạng hôn nhân"})
	s.submit(t, citizen, `main form[role=search] button[type=submit]`, 200)
	s.submit(t, citizen, `main a[href="/thu-tuc/1.004873"]`, 200)
	s.contains(t, citizen, "main h1", "Giấy xác nhận tình trạng hôn nhân")
	a11y(citizen)
	s.screenshot(t, citizen, "journey-procedure")

	// Applying asks for a login: the demo identity provider.
	s.submit(t, citizen, `main a[href="/nop-ho-so/1.004873"]`, 200)
	if got := s.currentPath(t, citizen); !strings.HasPrefix(got, "/dang-nhap") {
		t.Fatalf("applying signed out led to %s, want the login page", got)
	}
	s.submit(t, citizen, `main a[href^="/dang-nhap/dinh-danh"]`, 200)
	s.fill(t, citizen, map[string]string{"#username": "congdan", "#password": demoPassword})
	s.submit(t, citizen, `button[value=login]`, 200)
	if got := s.currentPath(t, citizen); got != "/nop-ho-so/1.004873" {
		t.Fatalf("after signing in the citizen is on %s, want back on the application form", got)
	}
	a11y(citizen)

	// The form is prefilled from the identity; an error first: no purpose,
	// no declaration.
	s.fill(t, citizen, map[string]string{"#f-nyc_gioi_tinh-0": "true", "#f-cap_cho-0": "true", "#f-tinh_trang-0": "true",
		"#f-nyc_noi_cu_tru-t": "Số 5 đường Lê Lợi, Phường Đông Kinh, Tỉnh Lạng Sơn"})
	s.submit(t, citizen, `main button[name=xem_lai]`, 400)
	s.contains(t, citizen, ".error-summary", "Vui lòng sửa các lỗi sau")
	a11y(citizen)
	s.screenshot(t, citizen, "journey-form-error")
	s.fill(t, citizen, map[string]string{"#f-muc_dich-1": "true", "#f-muc_dich_khac": "Bổ sung hồ sơ vay vốn ngân hàng",
		"#f-cam_doan-0": "true"})
	if err := chromedp.Do(citizen, chromedp.SetUploadFiles(chromedp.CSS("#tep-d0"), []string{photo1, photo2})); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(citizen, chromedp.SetUploadFiles(chromedp.CSS("#tep-d1"), []string{scan})); err != nil {
		t.Fatal(err)
	}
	s.screenshot(t, citizen, "journey-form")
	s.submit(t, citizen, `main button[name=xem_lai]`, 200)
	s.contains(t, citizen, "main", "Xem lại hồ sơ trước khi nộp", "IMG_0001.jpg", "IMG_0002.jpg", "giay-xac-nhan-cu.pdf", "2 trang",
		"sẽ được ghép thành một tệp PDF")
	// Every file shows a small picture: the photos upright, the PDF's first page.
	thumbs, err := chromedp.Run(citizen, chromedp.Evaluate[[]int](`Promise.all([...document.querySelectorAll('main img')].map(i =>
		i.decode().then(() => i.naturalWidth > i.naturalHeight ? 1 : 2, () => 0)))`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	if len(thumbs) != 3 || thumbs[0] != 2 || thumbs[1] != 1 || thumbs[2] == 0 {
		t.Errorf("review thumbnails (1 landscape, 2 portrait, 0 broken) = %v, want [2 1 x]: the first photo turned upright", thumbs)
	}
	a11y(citizen)
	s.screenshot(t, citizen, "journey-review")
	s.submit(t, citizen, `main button[name=nop]`, 200)
	path := s.currentPath(t, citizen)
	code, ok := strings.CutPrefix(strings.TrimSuffix(path, "?moi=1"), "/ho-so/")
	if !ok || !strings.HasPrefix(code, "000.01.20.H37-") {
		t.Fatalf("submitting led to %s, want the confirmation /ho-so/CODE?moi=1", path)
	}
	// The two photos are now one PDF of the declaration, two pages.
	s.contains(t, citizen, "main", "Đã nộp hồ sơ", code, "Tờ khai cấp Giấy xác nhận tình trạng hôn nhân.pdf", "PDF", "2 trang", "giay-xac-nhan-cu.pdf")
	a11y(citizen)
	s.screenshot(t, citizen, "journey-confirmation")

	// The ward's desk receives it from its queue.
	desk := s.tab(t)
	s.passwordLogin(t, desk, "motcua.xa", "/quan-tri")
	s.open(t, desk, "/mot-cua", 200)
	s.contains(t, desk, "main", code)
	a11y(desk)
	s.screenshot(t, desk, "journey-desk-queue")
	s.submit(t, desk, `main a[href="/mot-cua/ho-so/`+code+`"]`, 200)
	s.contains(t, desk, "main", code, "Nguyễn Văn An")
	a11y(desk)
	s.screenshot(t, desk, "journey-desk-dossier")
	s.submit(t, desk, `form[action$="/receive"] button[type=submit]`, 200)
	s.contains(t, desk, "main", "Đang giải quyết")

	// The specialist forwards it to the leader, who issues the result.
	specialist := s.tab(t)
	s.passwordLogin(t, specialist, "chuyenvien.xa", "/quan-tri")
	s.open(t, specialist, "/mot-cua/ho-so/"+code, 200)
	s.submit(t, specialist, `form[action$="/forward"] button[type=submit]`, 200)
	a11y(specialist)

	leader := s.tab(t)
	s.passwordLogin(t, leader, "lanhdao.xa", "/quan-tri")
	s.open(t, leader, "/mot-cua/ho-so/"+code, 200)
	result := filepath.Join(dir, "giay-xac-nhan-tinh-trang-hon-nhan.pdf")
	if err := os.WriteFile(result, testPDF(1), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(leader, chromedp.SetUploadFiles(chromedp.CSS(`form[action$="/issue_result"] input[type=file]`), []string{result})); err != nil {
		t.Fatal(err)
	}
	s.submit(t, leader, `form[action$="/issue_result"] button[type=submit]`, 200)
	s.contains(t, leader, "main", code+"-KQ1")
	a11y(leader)

	s.open(t, desk, "/mot-cua/ho-so/"+code, 200)
	s.submit(t, desk, `form[action$="/return_result"] button[type=submit]`, 200)
	a11y(desk)
	// The desk prints its register of the day.
	s.open(t, desk, "/mot-cua/so-theo-doi", 200)
	a11y(desk)
	query, err := chromedp.Run(desk, chromedp.Evaluate[string](`new URLSearchParams(new FormData(document.querySelector('main form'))).toString()`))
	if err != nil {
		t.Fatal(err)
	}
	if f := s.fetchIn(t, desk, "/mot-cua/so-theo-doi?"+query); f.Status != 200 || f.Head != "%PDF-" {
		t.Errorf("the register as the form asks for it (%s): %+v, want a PDF", query, f)
	}

	// The citizen tracks it publicly, then on their own page downloads the
	// result and rates the service.
	s.open(t, citizen, "/tra-cuu-ho-so?ma="+code, 200)
	s.contains(t, citizen, "main", code)
	a11y(citizen)
	s.screenshot(t, citizen, "journey-tracking")
	s.open(t, citizen, "/ho-so/"+code, 200)
	s.contains(t, citizen, "main", code+"-KQ1", "giay-xac-nhan-tinh-trang-hon-nhan.pdf")
	a11y(citizen)
	s.screenshot(t, citizen, "journey-dossier")
	links, err := chromedp.Run(citizen, chromedp.Evaluate[[]string](`[...document.querySelectorAll('main a[download]')].map(a => a.getAttribute('href'))`))
	if err != nil {
		t.Fatal(err)
	}
	var gotResult, gotReceipt bool
	for _, l := range links {
		gotReceipt = gotReceipt || strings.HasSuffix(l, "/phieu/giay-tiep-nhan")
		f := s.fetchIn(t, citizen, l)
		if f.Status != 200 || f.Size == 0 {
			t.Errorf("download %s: %+v", l, f)
		}
		if f.Type == "application/pdf" && f.Head != "%PDF-" {
			t.Errorf("download %s says PDF but starts %q", l, f.Head)
		}
		gotResult = true
	}
	if !gotResult || !gotReceipt {
		t.Errorf("the dossier page offers these downloads, want the result and the receipt: %v", links)
	}
	s.fill(t, citizen, map[string]string{"#diem-5": "true", "#nhan_xet": "Nhanh, không phải đi lại."})
	s.submit(t, citizen, `form[action$="/danh-gia"] button[type=submit]`, 200)
	s.contains(t, citizen, "main", "Nhanh, không phải đi lại.")
	a11y(citizen)

	// The result's QR code leads anyone to who issued it and the verdict
	// on its two signatures (the leader's, then the ward's).
	verify := s.tab(t)
	s.open(t, verify, "/xac-thuc-van-ban/"+code+"-KQ1", 200)
	s.contains(t, verify, "main", "Xác thực kết quả điện tử", code+"-KQ1", "Chữ ký số trên bản gốc", "Hợp lệ")
	a11y(verify)
	s.screenshot(t, verify, "journey-verify-result")

	// Another citizen cannot open it, nor its files.
	other := s.tab(t)
	s.passwordLogin(t, other, "congdan2", "/tai-khoan")
	s.open(t, other, "/ho-so/"+code, 404)
	for _, l := range links {
		if f := s.fetchIn(t, other, l); f.Status != 404 {
			t.Errorf("congdan2 downloading %s: status %d, want 404", l, f.Status)
		}
	}
	t.Logf("journey: %s from the search to the rating, %d pages checked with axe-core", time.Since(started).Round(time.Millisecond), checked)
}
