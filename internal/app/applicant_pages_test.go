package app_test

import (
	"bytes"
	"context"
	"html"
	"image"
	"image/color"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"egov/internal/attach/attachtest"
	"egov/internal/audit"
	"egov/internal/browsertest"
	"egov/internal/catalog"
	"egov/internal/dossier"
	"egov/internal/eform"
	"egov/internal/identity"
)

// The applicant's pages, end to end through HTTP: applying online with
// real uploads (an error, then corrected), a refused file named in the
// message, a draft saved and resumed, the review, the submission and its
// confirmation, my dossiers, the dossier page, a supplement after the
// desk asks for one, withdrawal, rating (changed once, then final),
// notifications and file downloads; and beside each, what another
// citizen, an official and an anonymous visitor get.

// procExtract is "Cấp bản sao Trích lục hộ tịch" (commune level, fully
// online, simple workflow, 1 working day; its e-form asks for an
// authorisation file only when the applicant is authorised).
const procExtract = "2.000635"

// testPDF is a valid PDF of n pages, written by hand.
func testPDF(n int) []byte { return attachtest.PDF(n, "") }

// testPNG is a small photo.
func testPNG(t testing.TB) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 40, 30))
	for x := range 40 {
		for y := range 30 {
			img.Set(x, y, color.RGBA{uint8(6 * x), uint8(8 * y), 120, 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// part is a multipart field: a value, or a file when filename is set
// (filename "-" sends an empty file input, as a browser does).
type part struct {
	name, value, filename string
	content               []byte
}

// multipartBody encodes parts as a browser posts a form with files.
func multipartBody(t testing.TB, parts []part) (string, map[string]string) {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for _, p := range parts {
		var err error
		switch p.filename {
		case "":
			err = w.WriteField(p.name, p.value)
		case "-":
			_, err = w.CreateFormFile(p.name, "")
		default:
			var fw io.Writer
			fw, err = w.CreateFormFile(p.name, p.filename)
			if err == nil {
				_, err = fw.Write(p.content)
			}
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.String(), map[string]string{"Content-Type": w.FormDataContentType()}
}

var hiddenInputRe = regexp.MustCompile(`<input type="hidden" name="([^"]*)" value="([^"]*)">`)

// hiddenFields are the hidden inputs of a page, as a browser posts them.
func hiddenFields(body string) url.Values {
	out := url.Values{}
	for _, m := range hiddenInputRe.FindAllStringSubmatch(body, -1) {
		out.Add(html.UnescapeString(m[1]), html.UnescapeString(m[2]))
	}
	return out
}

// principal is a demo user as the services see them.
func principal(t testing.TB, s *server, username string) (*identity.Principal, context.Context) {
	t.Helper()
	u, err := s.app.Identity.UserByUsername(context.Background(), username)
	if err != nil {
		t.Fatal(err)
	}
	return &identity.Principal{Stage: identity.StageFull, User: u},
		audit.WithActor(context.Background(), audit.Actor{UserID: u.ID, Username: u.Username})
}

// extractValues fill procExtract's e-form.
func extractValues(office string) [][2]string {
	return [][2]string{{"nyc_ho_ten", "Nguyễn Văn An"}, {"nyc_so_dinh_danh", "020085001234"},
		{"nyc_noi_cu_tru", "Số 5 đường Lê Lợi, Phường Đông Kinh, Tỉnh Lạng Sơn"}, {"nguoi_yeu_cau_la", "ban_than"},
		{"loai_trich_luc", "khai_sinh"}, {"nguoi_trong_giay_ho_ten", "Nguyễn Văn An"}, {"nguoi_trong_giay_ngay_sinh", "1985-03-12"},
		{"noi_dang_ky", office}, {"so_ban_sao", "2"}}
}

// extractForm is extractValues as the services take them.
func extractForm(office string) eform.Values {
	v := eform.Values{}
	for _, kv := range extractValues(office) {
		v[kv[0]] = []string{kv[1]}
	}
	return v
}

// act performs an official's step on a dossier.
func act(t testing.TB, s *server, username, code string, a catalog.Action, in dossier.Input) {
	t.Helper()
	p, ctx := principal(t, s, username)
	if _, err := s.app.Dossiers.Act(ctx, p, code, a, in); err != nil {
		t.Fatalf("%s %s by %s: %v", a, code, username, err)
	}
}

// expect fails t unless r has the status and every one of want.
func expect(t testing.TB, what string, r response, status int, want ...string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("%s: status %d, want %d\n%s", what, r.status, status, mainOf(r.body))
	}
	for _, w := range want {
		if !strings.Contains(r.body, w) && !strings.Contains(r.header.Get("Location"), w) {
			t.Errorf("%s: lacks %q\n%s", what, w, mainOf(r.body))
		}
	}
}

// mainOf is the start of a page's main content, for failure messages.
func mainOf(body string) string {
	if i := strings.Index(body, "<main"); i >= 0 {
		body = body[i:]
	}
	if len(body) > 3000 {
		body = body[:3000] + "..."
	}
	return body
}

func TestApplicantPages(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		unit, err := s.app.Identity.AgencyByCode(ctx, "000.01.20.H37") // Bộ phận Một cửa phường Đông Kinh
		if err != nil {
			t.Fatal(err)
		}
		unitID := strconvI(unit.ID)
		an := s.browser()
		s.webLogin(an, "congdan")
		pdf, photo := testPDF(2), testPNG(t)
		form := func(extra ...part) []part {
			ps := []part{{name: "don_vi", value: unitID}}
			for _, kv := range extractValues("UBND xã Hoàng Đồng") {
				ps = append(ps, part{name: kv[0], value: kv[1]})
			}
			return append(ps, extra...)
		}

		// The form, prefilled from the profile.
		page := s.do(an, "GET", "/nop-ho-so/"+procExtract, "", nil)
		expect(t, "ApplyForm", page, 200, "Nộp hồ sơ trực tuyến", `value="Nguyễn Văn An"`, `value="020085001234"`, `value="0912345678"`,
			"Bộ phận Một cửa phường Đông Kinh", "Tờ khai cấp bản sao Trích lục hộ tịch", "Không cần nộp: cơ quan tự khai thác",
			"Phí cấp bản sao Trích lục hộ tịch", "8.000 đồng/bản sao", `name="tep_d0"`, `name="xem_lai"`, `name="luu_nhap"`)
		if strings.Contains(page.body, "tep_f_van_ban_uy_quyen") {
			t.Error("the authorisation file is asked for before anyone says they are authorised")
		}

		// An error and a refused file: the page comes back with both, and
		// keeps what was typed and the files accepted.
		var code string
		t.Run("ErrorThenCorrected", func(t *testing.T) {
			parts := form(part{name: "xem_lai", value: "1"},
				part{name: "tep_d0", filename: "Bản chính.pdf", content: pdf},
				part{name: "tep_d0", filename: "sai-dinh-dang.pdf", content: []byte("đây không phải là tệp PDF\n")},
				part{name: "tep_d4", filename: "anh-chup.png", content: photo},
				part{name: "tep_d1", filename: "-"})
			for i := range parts {
				if parts[i].name == "noi_dang_ky" {
					parts[i].value = ""
				}
			}
			body, hdr := multipartBody(t, parts)
			r := s.do(an, "POST", "/nop-ho-so/"+procExtract, body, hdr)
			expect(t, "FirstTry", r, 400, "Vui lòng sửa các lỗi sau", `href="#f-noi_dang_ky"`, `href="#tep-d0"`,
				"«sai-dinh-dang.pdf»", "không thuộc định dạng được chấp nhận", "Bản chính.pdf", "anh-chup.png", "PDF, ", "2 trang", "PNG",
				`value="Số 5 đường Lê Lợi, Phường Đông Kinh, Tỉnh Lạng Sơn"`)
			kept := hiddenFields(r.body)["tep"]
			if len(kept) != 2 {
				t.Fatalf("kept uploads %v, want the PDF and the photo", kept)
			}

			// Corrected and saved as a draft: the files stay by upload ID.
			var extra []part
			for _, k := range kept {
				extra = append(extra, part{name: "tep", value: k})
			}
			body, hdr = multipartBody(t, form(append(extra, part{name: "luu_nhap", value: "1"}, part{name: "tep_d0", filename: "-"})...))
			r = s.do(an, "POST", "/nop-ho-so/"+procExtract, body, hdr)
			expect(t, "SaveDraft", r, 303, "/nop-ho-so/"+procExtract+"?nhap=")
			resume := r.header.Get("Location")

			r = s.do(an, "GET", resume, "", nil)
			expect(t, "ResumeDraft", r, 200, "Đã lưu nháp", "Bạn đang tiếp tục một bản nháp đã lưu", `value="UBND xã Hoàng Đồng"`,
				"Bản chính.pdf", "anh-chup.png", `name="xoa_nhap"`)
			draft := hiddenFields(r.body)

			// Another citizen neither opens nor deletes the draft, nor uses its uploads.
			other := s.browser()
			s.webLogin(other, "congdan2")
			expect(t, "OtherCitizenOpensDraft", s.do(other, "GET", resume, "", nil), 404, "Không tìm thấy hồ sơ")
			expect(t, "OtherCitizenDeletesDraft", s.do(other, "POST", "/nop-ho-so/"+procExtract,
				url.Values{"nhap": draft["nhap"], "xoa_nhap": {"1"}}.Encode(), nil), 404)
			expect(t, "DraftSurvivesOthers", s.do(an, "GET", resume, "", nil), 200, "Bản chính.pdf")
			stolen := url.Values{"don_vi": {unitID}, "tep": draft["tep"], "nop": {"1"}}
			for _, kv := range extractValues("Giấy tờ của người khác") {
				stolen.Set(kv[0], kv[1])
			}
			r = s.do(other, "POST", "/nop-ho-so/"+procExtract, stolen.Encode(), nil)
			expect(t, "OtherCitizenCannotUseUploads", r, 400, "Tệp đính kèm không hợp lệ", `href="#tai-lieu"`)
			if strings.Contains(r.body, "Bản chính.pdf") {
				t.Error("another citizen's page shows the applicant's file")
			}

			// The review from the resumed draft: what was entered, the files with size and pages.
			body, hdr = multipartBody(t, append(form(part{name: "xem_lai", value: "1"}, part{name: "nhap", value: draft.Get("nhap")}),
				part{name: "tep", value: draft["tep"][0]}, part{name: "tep", value: draft["tep"][1]}))
			r = s.do(an, "POST", "/nop-ho-so/"+procExtract, body, hdr)
			expect(t, "Review", r, 200, "Xem lại hồ sơ trước khi nộp", "UBND xã Hoàng Đồng", "Người có tên trong giấy tờ hộ tịch", "Giấy khai sinh", "12/03/1985",
				"Bộ phận Một cửa phường Đông Kinh", "Bản chính.pdf", "PDF, ", "2 trang", "anh-chup.png", "Nộp hồ sơ", `name="sua"`)
			review := hiddenFields(r.body)
			if review.Get("nhap") != draft.Get("nhap") || len(review["tep"]) != 2 {
				t.Fatalf("the review carries %v", review)
			}

			// "Sửa" goes back to the form with everything.
			back := url.Values{"sua": {"1"}}
			for k, v := range review {
				back[k] = v
			}
			expect(t, "EditFromReview", s.do(an, "POST", "/nop-ho-so/"+procExtract, back.Encode(), nil), 200,
				`value="UBND xã Hoàng Đồng"`, "Bản chính.pdf", `name="tep_d0"`)

			// "Nộp hồ sơ": the code at once, the confirmation page.
			review.Set("nop", "1")
			r = s.do(an, "POST", "/nop-ho-so/"+procExtract, review.Encode(), nil)
			expect(t, "Submit", r, 303, "/ho-so/000.01.20.H37-", "?moi=1")
			loc := r.header.Get("Location")
			code = strings.TrimPrefix(strings.TrimSuffix(loc, "?moi=1"), "/ho-so/")
			expect(t, "Confirmation", s.do(an, "GET", loc, "", nil), 200, "Đã nộp hồ sơ", code, "Hồ sơ đã được gửi tới",
				"Bộ phận Một cửa phường Đông Kinh", `href="/tra-cuu-ho-so?ma=`+code+`"`, "Bộ phận một cửa kiểm tra tính đầy đủ",
				"bạn nhận được ngày hẹn trả kết quả", `href="/thong-bao"`)
			expect(t, "DraftGoneAfterSubmit", s.do(an, "GET", resume, "", nil), 404)
			expect(t, "PublicTrackingAtOnce", s.do(http.DefaultClient, "GET", "/tra-cuu-ho-so?ma="+code, "", nil), 200,
				"Đã nộp trực tuyến, chờ bộ phận một cửa tiếp nhận")
		})
		if code == "" {
			t.Fatal("no dossier submitted")
		}

		// The dossier page and its files.
		var fileURL string
		t.Run("DossierPageAndDownload", func(t *testing.T) {
			r := s.do(an, "GET", "/ho-so/"+code, "", nil)
			expect(t, "DossierPage", r, 200, "Hồ sơ <span class=\"mono\">"+code, "Đã nộp trực tuyến, chờ bộ phận một cửa tiếp nhận",
				"Cấp bản sao Trích lục hộ tịch", "Có khi hồ sơ được tiếp nhận", "Quá trình giải quyết", "Nộp hồ sơ", "Bản chính.pdf", "anh-chup.pdf", "PDF, ",
				"Thông tin đã khai", "UBND xã Hoàng Đồng", "Giấy khai sinh", "12/03/1985", "Rút hồ sơ", "8.000 đồng")
			if !strings.Contains(r.body, `<span class="badge">1 chưa đọc</span>`) {
				t.Fatal("the navigation shows the unread notification")
			}
			m := regexp.MustCompile(`href="(/ho-so/[^"]+/tep/\d+)" download>Bản chính.pdf`).FindStringSubmatch(r.body)
			if m == nil {
				t.Fatal("no download link for the PDF")
			}
			fileURL = m[1]
			d := s.do(an, "GET", fileURL, "", nil)
			if d.status != 200 || d.body != string(pdf) {
				t.Fatalf("download: %d, %d bytes, want the %d bytes uploaded", d.status, len(d.body), len(pdf))
			}
			for h, want := range map[string]string{"Content-Type": "application/pdf", "X-Content-Type-Options": "nosniff",
				"Content-Disposition": `attachment; filename="B_n ch_nh.pdf"; filename*=UTF-8''B%E1%BA%A3n%20ch%C3%ADnh.pdf`} {
				if got := d.header.Get(h); got != want {
					t.Errorf("download %s: %q, want %q", h, got, want)
				}
			}
		})

		// The desk asks for a supplement; the applicant sends it.
		t.Run("Supplement", func(t *testing.T) {
			act(t, s, "motcua.xa", code, catalog.ActRequestSupplement, dossier.Input{Deficiencies: []string{
				"Ảnh chụp bản chính bị mờ, chụp lại rõ nét", "Ghi rõ số bản sao cần chứng thực"}})
			expect(t, "AskedToSupplement", s.do(an, "GET", "/ho-so/"+code, "", nil), 200, "Cần bổ sung hồ sơ",
				"Ảnh chụp bản chính bị mờ, chụp lại rõ nét", "Ghi rõ số bản sao cần chứng thực", `action="/ho-so/`+code+`/bo-sung"`,
				"Yêu cầu bổ sung, hoàn thiện hồ sơ")
			expect(t, "MyDossiersSaysWhatToDo", s.do(an, "GET", "/ho-so", "", nil), 200, code, "Cần bổ sung hồ sơ")

			body, hdr := multipartBody(t, []part{{name: "ghi_chu", value: "Đã chụp lại"},
				{name: "tep_bs", filename: "ghi-chu.pdf", content: []byte("văn bản thường, không phải PDF")}})
			expect(t, "SupplementRefusedFile", s.do(an, "POST", "/ho-so/"+code+"/bo-sung", body, hdr), 400,
				"«ghi-chu.pdf»", `href="#bs-tep"`, "Đã chụp lại")
			body, hdr = multipartBody(t, []part{{name: "tep_bs", filename: "-"}})
			expect(t, "SupplementNothing", s.do(an, "POST", "/ho-so/"+code+"/bo-sung", body, hdr), 400, "Bổ sung ít nhất một tệp")
			body, hdr = multipartBody(t, []part{{name: "ghi_chu", value: "Đã chụp lại rõ nét"},
				{name: "tep_bs", filename: "chup-lai.png", content: photo}})
			expect(t, "SupplementSent", s.do(an, "POST", "/ho-so/"+code+"/bo-sung", body, hdr), 303, "/ho-so/"+code)
			expect(t, "AfterSupplement", s.do(an, "GET", "/ho-so/"+code, "", nil), 200, "Đã gửi bổ sung",
				"Người nộp đã bổ sung hồ sơ", "Đã chụp lại rõ nét", "chup-lai.pdf", "Bổ sung", "Đã nộp trực tuyến, chờ bộ phận một cửa tiếp nhận")
		})

		t.Run("Notifications", func(t *testing.T) {
			expect(t, "Unread", s.do(an, "GET", "/thong-bao", "", nil), 200, "thông báo mới", `class="ap-unread"`,
				"cần bổ sung, hoàn thiện các nội dung sau", "Ảnh chụp bản chính bị mờ", `href="/ho-so/`+code+`"`, "đã được gửi tới bộ phận một cửa")
			r := s.do(an, "GET", "/thong-bao?lang=en", "", nil)
			expect(t, "ReadOnSecondVisit", r, 200, "Notifications", "needs the following to be supplemented")
			if strings.Contains(r.body, `class="ap-unread"`) {
				t.Error("notifications seen once are still new")
			}
			s.do(an, "GET", "/thong-bao?lang=vi", "", nil) // back to Vietnamese for the next steps
		})

		t.Run("Withdraw", func(t *testing.T) {
			expect(t, "WithdrawNeedsConfirmation", s.do(an, "POST", "/ho-so/"+code+"/rut", "ly_do=Nộp+nhầm+nơi", nil), 400,
				"Đánh dấu ô xác nhận", `href="#xac_nhan"`, "Nộp nhầm nơi", "<details class=\"ap-withdraw noprint\" open")
			expect(t, "WithdrawNeedsReason", s.do(an, "POST", "/ho-so/"+code+"/rut", "xac_nhan=1", nil), 400, "Nhập lý do rút hồ sơ")
			expect(t, "Withdrawn", s.do(an, "POST", "/ho-so/"+code+"/rut", "ly_do=Nộp+nhầm+nơi&xac_nhan=1", nil), 303, "/ho-so/"+code)
			r := s.do(an, "GET", "/ho-so/"+code, "", nil)
			expect(t, "AfterWithdrawal", r, 200, "Đã rút hồ sơ", "Người nộp rút hồ sơ", "Nộp nhầm nơi")
			if strings.Contains(r.body, `action="/ho-so/`+code+`/rut"`) || strings.Contains(r.body, `action="/ho-so/`+code+`/bo-sung"`) {
				t.Error("a withdrawn dossier still offers withdrawal or supplement")
			}
			expect(t, "WithdrawTwice", s.do(an, "POST", "/ho-so/"+code+"/rut", "ly_do=x&xac_nhan=1", nil), 409, "Hồ sơ không ở bước cho phép")
		})

		// A dossier through to its result, then rated, changed once, final.
		p, pctx := principal(t, s, "congdan")
		vals := eform.Values{}
		for _, kv := range extractValues("UBND phường Chi Lăng") {
			vals[kv[0]] = []string{kv[1]}
		}
		done, err := s.app.Dossiers.Submit(pctx, p, dossier.Submission{ProcedureCode: procExtract, ReceivingUnitID: unit.ID, Values: vals})
		if err != nil {
			t.Fatal(err)
		}
		act(t, s, "motcua.xa", done.Code, catalog.ActReceive, dossier.Input{})
		act(t, s, "lanhdao.xa", done.Code, catalog.ActIssueResult, dossier.Input{Result: resultFile(t, s, "lanhdao.xa")})
		act(t, s, "motcua.xa", done.Code, catalog.ActReturnResult, dossier.Input{})
		t.Run("Rating", func(t *testing.T) {
			r := s.do(an, "GET", "/ho-so/"+done.Code, "", nil)
			expect(t, "AskedToRate", r, 200, "Mời đánh giá", "Đã trả kết quả", "Rất không hài lòng", "Rất hài lòng", "Vì sao hẹn trả vào ngày này",
				"Tính 1 ngày làm việc", done.Code+"-KQ1", "Ban hành kết quả", "Hẹn trả kết quả:")
			expect(t, "RatingOutOfRange", s.do(an, "POST", "/ho-so/"+done.Code+"/danh-gia", "diem=9", nil), 400, "Chọn mức đánh giá từ 1 đến 5")
			expect(t, "Rated", s.do(an, "POST", "/ho-so/"+done.Code+"/danh-gia", "diem=4&nhan_xet=Nhanh+g%E1%BB%8Dn", nil), 303, "/ho-so/"+done.Code)
			expect(t, "RatedPage", s.do(an, "GET", "/ho-so/"+done.Code, "", nil), 200, "Cảm ơn bạn đã đánh giá", "4/5: Hài lòng",
				"Bạn được đổi đánh giá một lần", "Nhanh gọn")
			expect(t, "RatingChanged", s.do(an, "POST", "/ho-so/"+done.Code+"/danh-gia", "diem=5", nil), 303)
			r = s.do(an, "GET", "/ho-so/"+done.Code, "", nil)
			expect(t, "ChangedPage", r, 200, "5/5: Rất hài lòng", "đánh giá này là cuối cùng", "Người nộp đổi đánh giá")
			if strings.Contains(r.body, `action="/ho-so/`+done.Code+`/danh-gia"`) {
				t.Error("a final rating is still offered")
			}
			expect(t, "ThirdRatingRefused", s.do(an, "POST", "/ho-so/"+done.Code+"/danh-gia", "diem=1", nil), 409,
				"Bạn đã đổi đánh giá một lần")
		})

		// Saying one is authorised brings the authorisation file in; the
		// review takes the file for it.
		t.Run("ConditionalFormFile", func(t *testing.T) {
			parts := form(part{name: "xem_lai", value: "1"})
			for i := range parts {
				if parts[i].name == "nguoi_yeu_cau_la" {
					parts[i].value = "uy_quyen"
				}
			}
			body, hdr := multipartBody(t, parts)
			r := s.do(an, "POST", "/nop-ho-so/"+procExtract, body, hdr)
			expect(t, "AskedForTheFile", r, 400, `href="#f-van_ban_uy_quyen"`, `name="tep_f_van_ban_uy_quyen"`, "Văn bản ủy quyền")
			body, hdr = multipartBody(t, append(parts, part{name: "tep_f_van_ban_uy_quyen", filename: "uy-quyen.png", content: photo}))
			expect(t, "ReviewWithTheFile", s.do(an, "POST", "/nop-ho-so/"+procExtract, body, hdr), 200,
				"Xem lại hồ sơ trước khi nộp", "Người được ủy quyền", "uy-quyen.png")
		})

		// Many dossiers: "Xem thêm" pages through them, newest first.
		for i := range 21 {
			if _, err := s.app.Dossiers.Submit(pctx, p, dossier.Submission{ProcedureCode: procExtract, ReceivingUnitID: unit.ID, Values: vals}); err != nil {
				t.Fatalf("dossier %d: %v", i, err)
			}
		}
		t.Run("Paging", func(t *testing.T) {
			r := s.do(an, "GET", "/ho-so", "", nil)
			expect(t, "FirstPage", r, 200, "Hồ sơ đã nộp", "/ho-so?sau=")
			if strings.Contains(r.body, code) {
				t.Error("the oldest dossier is on the first page")
			}
			next := html.UnescapeString(regexp.MustCompile(`href="(/ho-so\?sau=\d+)"`).FindStringSubmatch(r.body)[1])
			expect(t, "SecondPage", s.do(an, "GET", next, "", nil), 200, code, done.Code)
			r = s.do(an, "GET", "/thong-bao", "", nil)
			expect(t, "NotificationsPage", r, 200, "/thong-bao?sau=")
		})

		// Who else gets what.
		runScenarios(t, s, []scenario{
			{name: "AnonymousApplyGoesToLogin", path: "/nop-ho-so/" + procExtract, status: 303, want: []string{"/dang-nhap?next=%2Fnop-ho-so%2F2.000635"}},
			{name: "AnonymousMyDossiers", path: "/ho-so", status: 303, want: []string{"/dang-nhap?next=%2Fho-so"}},
			{name: "AnonymousDossier", path: "/ho-so/" + code, status: 303, want: []string{"/dang-nhap?next="}},
			{name: "AnonymousFile", path: fileURL, status: 303, want: []string{"/dang-nhap?next="}},
			{name: "AnonymousNotifications", path: "/thong-bao", status: 303, want: []string{"/dang-nhap?next=%2Fthong-bao"}},
			{name: "AnonymousWithdraw", method: "POST", path: "/ho-so/" + done.Code + "/rut", body: "ly_do=x&xac_nhan=1", status: 303, want: []string{"/dang-nhap"}},
			{name: "OfficialIsSentToTheDesk", as: "web:motcua.xa", path: "/nop-ho-so/" + procExtract, status: 403, want: []string{`href="/mot-cua/nop-thay"`}},
			{name: "OfficialCannotPostOnline", as: "web:motcua.xa", method: "POST", path: "/nop-ho-so/" + procExtract, body: "nop=1", status: 403, want: []string{"/mot-cua/nop-thay"}},
			{name: "OfficialOfTheUnitIsLinkedToTheDesk", as: "web:motcua.xa", path: "/ho-so/" + code, status: 200, want: []string{`href="/mot-cua/ho-so/` + code + `"`}, notWant: []string{"Rút hồ sơ"}},
			{name: "OfficialCannotWithdraw", as: "web:motcua.xa", method: "POST", path: "/ho-so/" + done.Code + "/rut", body: "ly_do=x&xac_nhan=1", status: 404},
			{name: "OfficialElsewhereSeesNothing", as: "web:chuyenvien", path: "/ho-so/" + code, status: 404},
			{name: "OtherCitizenDossier", as: "web:congdan2", path: "/ho-so/" + code, status: 404, want: []string{"Không tìm thấy hồ sơ"}, notWant: []string{"Nguyễn Văn An"}},
			{name: "OtherCitizenFile", as: "web:congdan2", path: fileURL, status: 404, notWant: []string{"%PDF"}},
			{name: "OtherCitizenSupplement", as: "web:congdan2", method: "POST", path: "/ho-so/" + code + "/bo-sung", body: "ghi_chu=x", status: 404},
			{name: "OtherCitizenWithdraw", as: "web:congdan2", method: "POST", path: "/ho-so/" + done.Code + "/rut", body: "ly_do=x&xac_nhan=1", status: 404},
			{name: "OtherCitizenRate", as: "web:congdan2", method: "POST", path: "/ho-so/" + done.Code + "/danh-gia", body: "diem=1", status: 404},
			{name: "OtherCitizenListsOnlyTheirs", as: "web:congdan2", path: "/ho-so", status: 200, want: []string{"Bạn chưa nộp hồ sơ nào"}, notWant: []string{code}},
			{name: "OtherCitizenNotifications", as: "web:congdan2", path: "/thong-bao", status: 200, want: []string{"Chưa có thông báo nào"}, notWant: []string{code}},
			{name: "UnknownFile", as: "web:congdan", path: "/ho-so/" + code + "/tep/999999", status: 404},
			{name: "UnknownDossier", as: "web:congdan", path: "/ho-so/000.01.20.H37-260101-9999", status: 404},
			{name: "MyDossiersInEnglish", as: "web:congdan", path: "/ho-so?lang=en", status: 200, want: []string{"My dossiers", "Submitted dossiers", "Submitted online, waiting for the one-stop desk"}},
			{name: "DossierInEnglish", as: "web:congdan", path: "/ho-so/" + done.Code + "?lang=en", status: 200, want: []string{"Why the result is due on this date", "Very satisfied", "1 working day counted"}},
			{name: "UnknownProcedure", as: "web:congdan", path: "/nop-ho-so/9.999999", status: 404},
			{name: "DeleteUnknownDraft", as: "web:congdan", method: "POST", path: "/nop-ho-so/" + procExtract, body: "nhap=999999&xoa_nhap=1", status: 404},
		})
	})
}

// A draft is listed under "my dossiers" with a link to resume it and a
// button that deletes it.
func TestApplicantDraftList(t *testing.T) {
	t.Parallel()
	s := start(t, serverOpts{})
	c := s.browser()
	s.webLogin(c, "congdan")
	body, hdr := multipartBody(t, []part{{name: "noi_dang_ky", value: "UBND xã Hoàng Đồng"}, {name: "luu_nhap", value: "1"},
		{name: "tep_d0", filename: "hoc-ba.pdf", content: testPDF(1)}})
	r := s.do(c, "POST", "/nop-ho-so/"+procExtract, body, hdr)
	expect(t, "Save", r, 303, "?nhap=")
	id := strings.TrimPrefix(r.header.Get("Location"), "/nop-ho-so/"+procExtract+"?nhap=")
	expect(t, "Listed", s.do(c, "GET", "/ho-so", "", nil), 200, "Bản nháp chưa nộp", "Cấp bản sao Trích lục hộ tịch",
		`href="/nop-ho-so/`+procExtract+`?nhap=`+id+`"`, "1 tệp", `name="xoa_nhap"`)
	expect(t, "Delete", s.do(c, "POST", "/nop-ho-so/"+procExtract, "nhap="+id+"&xoa_nhap=1", nil), 303, "/ho-so")
	r = s.do(c, "GET", "/ho-so", "", nil)
	expect(t, "Gone", r, 200, "Đã xóa bản nháp")
	if strings.Contains(r.body, "Bản nháp chưa nộp") {
		t.Error("the deleted draft is still listed")
	}
}

// browserApplicant is the browser suite's part for applicants (see
// browser_test.go): a citizen applies through the real form with a file,
// without any script of the page, and every applicant page passes axe-core
// in both languages, weighs under the budget and fits a phone.
func browserApplicant(t *testing.T, s bsuite) {
	srv := s.srv
	unit, err := srv.app.Identity.AgencyByCode(context.Background(), "000.01.20.H37")
	if err != nil {
		t.Fatal(err)
	}
	p, pctx := principal(t, srv, "congdan")
	vals := eform.Values{}
	for _, kv := range extractValues("UBND xã Hoàng Đồng") {
		vals[kv[0]] = []string{kv[1]}
	}
	submit := func() string {
		d, err := srv.app.Dossiers.Submit(pctx, p, dossier.Submission{ProcedureCode: procExtract, ReceivingUnitID: unit.ID, Values: vals})
		if err != nil {
			t.Fatal(err)
		}
		return d.Code
	}
	toSupplement, returned := submit(), submit()
	act(t, srv, "motcua.xa", toSupplement, catalog.ActRequestSupplement, dossier.Input{Deficiencies: []string{"Ghi rõ số đăng ký khai sinh"}})
	act(t, srv, "motcua.xa", returned, catalog.ActReceive, dossier.Input{})
	act(t, srv, "lanhdao.xa", returned, catalog.ActIssueResult, dossier.Input{Result: resultFile(t, srv, "lanhdao.xa")})
	act(t, srv, "motcua.xa", returned, catalog.ActReturnResult, dossier.Input{})
	pages := []struct{ path, shot string }{
		{"/nop-ho-so/" + procExtract, "apply"},
		{"/nop-ho-so/1.001193", ""}, // a long form: three addresses, conditional parts
		{"/ho-so", "my-dossiers"},
		{"/ho-so/" + toSupplement, "dossier-supplement"},
		{"/ho-so/" + returned, "dossier-rate"},
		{"/thong-bao", ""},
	}
	for _, lang := range []string{"vi", "en"} {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			tab := s.tab(t)
			s.passwordLogin(t, tab, "congdan", "/tai-khoan")
			for _, pg := range pages {
				path := langPath(pg.path, lang)
				s.light(t, tab, srv.URL+path)
				if h, err := browsertest.Text(tab, "main h1"); err != nil || h == "" {
					t.Errorf("%s has no h1 in main (%v)", path, err)
				}
				s.accessible(t, tab)
				if lang == "vi" {
					s.screenshot(t, tab, pg.shot)
				}
			}
		})
	}

	t.Run("ApplyWithoutScripts", func(t *testing.T) {
		t.Parallel()
		tab := s.tab(t, browsertest.NoJS())
		s.passwordLogin(t, tab, "congdan", "/tai-khoan")
		s.open(t, tab, "/nop-ho-so/"+procExtract, 200)
		s.submit(t, tab, `main button[name=xem_lai]`, 400)
		s.contains(t, tab, ".error-summary", "Vui lòng sửa các lỗi sau")
		s.accessible(t, tab)
		s.screenshot(t, tab, "apply-errors")

		file := t.TempDir() + "/to-khai.pdf"
		if err := os.WriteFile(file, testPDF(3), 0o600); err != nil {
			t.Fatal(err)
		}
		s.fill(t, tab, map[string]string{"#f-nguoi_yeu_cau_la-0": "true", "#f-loai_trich_luc": "khai_sinh",
			"#f-nguoi_trong_giay_ho_ten": "Nguyễn Văn An", "#f-nguoi_trong_giay_ngay_sinh": "1985-03-12",
			"#f-noi_dang_ky": "UBND xã Hoàng Đồng", "#f-so_ban_sao": "1", "#f-nyc_noi_cu_tru-t": "Số 5 đường Lê Lợi, Phường Đông Kinh, Tỉnh Lạng Sơn"})
		if err := chromedp.Do(tab, chromedp.SetUploadFiles(chromedp.CSS("#tep-d0"), []string{file})); err != nil {
			t.Fatal(err)
		}
		s.submit(t, tab, `main button[name=xem_lai]`, 200)
		s.contains(t, tab, "main", "Xem lại hồ sơ trước khi nộp", "to-khai.pdf", "3 trang", "UBND xã Hoàng Đồng")
		s.accessible(t, tab)
		s.screenshot(t, tab, "apply-review")
		s.submit(t, tab, `main button[name=nop]`, 200)
		if got := s.currentPath(t, tab); !strings.HasPrefix(got, "/ho-so/000.01.20.H37-") || !strings.HasSuffix(got, "?moi=1") {
			t.Fatalf("submitting led to %s, want the confirmation /ho-so/CODE?moi=1", got)
		}
		s.contains(t, tab, "main", "Đã nộp hồ sơ", "Bộ phận Một cửa phường Đông Kinh", "to-khai.pdf")
		s.accessible(t, tab)
		s.screenshot(t, tab, "dossier-sent")
	})

	t.Run("Phone", func(t *testing.T) {
		t.Parallel()
		tab := s.tab(t, browsertest.Viewport(phoneWidth, phoneHeight))
		s.passwordLogin(t, tab, "congdan", "/tai-khoan")
		for _, pg := range pages {
			s.open(t, tab, pg.path, 200)
			s.fitsWidth(t, tab)
		}
	})
}
