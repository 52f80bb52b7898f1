package app_test

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"mime/multipart"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"egov/internal/attach/attachtest"
)

// The dossier API driven alone, from the citizen's upload to the rating,
// with the forbidden callers of every route next to the allowed one:
// another citizen and another agency's official (404: the dossier does
// not exist for them), the wrong role in the right agency (403), the
// wrong step (409) and nobody signed in (401).

// apiClient calls the API as demo users, signing each in once.
type apiClient struct {
	t      *testing.T
	s      *server
	tokens map[string]string
}

func newAPIClient(t *testing.T, s *server) *apiClient {
	return &apiClient{t: t, s: s, tokens: map[string]string{}}
}

func (c *apiClient) token(user string) string {
	if c.tokens[user] == "" {
		c.tokens[user] = c.s.token(user)
	}
	return c.tokens[user]
}

// call sends a request as user ("" for nobody).
func (c *apiClient) call(user, method, path, body string, hdr ...string) response {
	c.t.Helper()
	h := map[string]string{}
	for i := 0; i+1 < len(hdr); i += 2 {
		h[hdr[i]] = hdr[i+1]
	}
	if user != "" {
		h["Authorization"] = "Bearer " + c.token(user)
	}
	return c.s.do(http.DefaultClient, method, path, body, h)
}

// must fails the test unless r has the status.
func (c *apiClient) must(r response, status int) response {
	c.t.Helper()
	if r.status != status {
		c.t.Fatalf("status %d, want %d\n%s", r.status, status, trim(r.body))
	}
	return r
}

// run runs scenarios, signing "api:USER" rows in with the client's cached
// tokens (one sign-in per user for the whole test).
func (c *apiClient) run(t *testing.T, rows []scenario) {
	t.Helper()
	for i := range rows {
		if u, ok := strings.CutPrefix(rows[i].as, "api:"); ok {
			h := map[string]string{"Authorization": "Bearer " + c.token(u)}
			for k, v := range rows[i].headers {
				h[k] = v
			}
			rows[i].headers, rows[i].as = h, ""
			rows[i].name += " (as " + u + ")"
		}
	}
	runScenarios(t, c.s, rows)
}

// uploadRow is a scenario uploading one file.
func uploadRow(name, as, file string, content []byte, status int, want ...string) scenario {
	body, ct := multipartFile("file", file, content)
	return scenario{name: name, as: as, method: "POST", path: "/api/v1/uploads", body: body,
		headers: map[string]string{"Content-Type": ct}, status: status, want: want}
}

// upload uploads a file as user and returns its upload ID.
func (c *apiClient) upload(user, file string, content []byte) int64 {
	c.t.Helper()
	body, ct := multipartFile("file", file, content)
	r := c.must(c.call(user, "POST", "/api/v1/uploads", body, "Content-Type", ct), http.StatusCreated)
	var up struct {
		ID          int64  `json:"id"`
		ContentType string `json:"content_type"`
		Pages       int    `json:"pages"`
	}
	decodeJSON(c.t, r, &up)
	if up.ID == 0 || up.ContentType != "application/pdf" || up.Pages != 1 {
		c.t.Fatalf("upload: %s", r.body)
	}
	return up.ID
}

func (c *apiClient) me(user string) int64 {
	c.t.Helper()
	var m struct{ ID int64 }
	decodeJSON(c.t, c.must(c.call(user, "GET", "/api/v1/me", ""), 200), &m)
	return m.ID
}

// submit submits a dossier online as user and returns its code.
func (c *apiClient) submit(user, body string) string {
	c.t.Helper()
	var d struct{ Code string }
	decodeJSON(c.t, c.must(c.call(user, "POST", "/api/v1/dossiers", body), http.StatusCreated), &d)
	return d.Code
}

func decodeJSON(t *testing.T, r response, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(r.body), v); err != nil {
		t.Fatalf("%v: %s", err, trim(r.body))
	}
}

func multipartFile(field, name string, content []byte) (body, contentType string) {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	fw, err := w.CreateFormFile(field, name)
	if err != nil {
		panic(err)
	}
	_, _ = fw.Write(content)
	_ = w.Close()
	return b.String(), w.FormDataContentType()
}

// tinyPDF is a valid one-page PDF written by hand (catalogue, page tree,
// page, content stream and the cross-reference table), the text varying
// the content.
func tinyPDF(text string) []byte { return attachtest.PDF(1, text) }

// agencyID finds a demo agency by code.
func agencyID(t *testing.T, s *server, code string) int64 {
	t.Helper()
	var list []struct {
		ID   int64  `json:"id"`
		Code string `json:"code"`
	}
	decodeJSON(t, s.do(http.DefaultClient, "GET", "/api/v1/agencies", "", nil), &list)
	for _, a := range list {
		if a.Code == code {
			return a.ID
		}
	}
	t.Fatalf("agency %s not found", code)
	return 0
}

func jsonOf(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

type fileRef struct {
	UploadID int64  `json:"upload_id"`
	Document string `json:"document,omitempty"`
}

// birthForm is a birth registration (1.001193) by the child's father,
// with an electronic birth certificate (so no file field is required).
func birthForm() map[string][]string {
	return map[string][]string{
		"nyc_ho_ten": {"Nguyễn Văn An"}, "nyc_so_dinh_danh": {"020085001234"},
		"nyc_noi_cu_tru": {"Số 5 đường Lê Lợi, Phường Đông Kinh, Tỉnh Lạng Sơn"}, "quan_he": {"cha"},
		"tre_ho_ten": {"Nguyễn Minh Khôi"}, "tre_gioi_tinh": {"nam"}, "tre_ngay_sinh": {"20/10/2025"},
		"noi_sinh_loai": {"co_so_y_te"}, "noi_sinh_co_so_y_te": {"Bệnh viện Đa khoa tỉnh Lạng Sơn"},
		"noi_sinh_dia_chi": {"Đường Bà Triệu, Phường Đông Kinh, Tỉnh Lạng Sơn"}, "tre_que_quan": {"Lạng Sơn"},
		"tre_dan_toc": {"Kinh"}, "giay_to_sinh": {"chung_sinh_dien_tu"}, "co_thong_tin_me": {"khong"},
		"co_thong_tin_cha": {"khong"}, "cam_doan": {"dong_y"},
	}
}

// birthInsuranceForm is the inter-agency birth registration with health
// insurance (2.001023: the ward and provincial social security).
func birthInsuranceForm() map[string][]string {
	v := birthForm()
	delete(v, "quan_he")
	v["quan_he"] = []string{"cha"}
	v["noi_kcb_ban_dau"] = []string{"Trạm Y tế phường Đông Kinh"}
	return v
}

func submission(proc string, unit int64, values map[string][]string, files ...fileRef) string {
	return jsonOf(map[string]any{"procedure_code": proc, "receiving_unit_id": unit, "values": values, "files": files})
}

func TestDossierAPI(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, s *server) {
		c := newAPIClient(t, s)
		unit := agencyID(t, s, "000.01.20.H37")    // Bộ phận Một cửa phường Đông Kinh
		commune := agencyID(t, s, "000.00.20.H37") // Ủy ban nhân dân phường Đông Kinh
		social := agencyID(t, s, "000.00.16.H37")  // Bảo hiểm xã hội tỉnh
		centre := agencyID(t, s, "000.00.02.H37")  // Trung tâm PVHCC tỉnh: does not receive ward procedures
		specialist, desk := c.me("chuyenvien.xa"), c.me("motcua.xa")
		pdf := tinyPDF("giay chung sinh")
		var code string
		dossier := func(more ...string) string { return "/api/v1/dossiers/" + code + strings.Join(more, "") }

		t.Run("Upload", func(t *testing.T) {
			notMultipartBody, _ := multipartFile("other", "x.pdf", pdf)
			_, ct := multipartFile("file", "x.pdf", pdf)
			c.run(t, []scenario{
				uploadRow("Anonymous", "", "a.pdf", pdf, 401, "unauthenticated"),
				uploadRow("TextFileNamed", "api:congdan", "ghi-chu.txt", []byte("Đây là một tệp văn bản, không phải PDF.\n"), 400, "attach.type", "ghi-chu.txt"),
				uploadRow("Empty", "api:congdan", "rong.pdf", nil, 400, "attach.empty", "rong.pdf"),
				{name: "NotMultipart", as: "api:congdan", method: "POST", path: "/api/v1/uploads", body: `{"file":"x"}`, status: 400, want: []string{"upload.not_multipart"}},
				{name: "NoFileField", as: "api:congdan", method: "POST", path: "/api/v1/uploads", body: notMultipartBody,
					headers: map[string]string{"Content-Type": ct}, status: 400, want: []string{"upload.file_required"}},
				uploadRow("PDF", "api:congdan", "Giấy chứng sinh.pdf", pdf, 201, `"content_type":"application/pdf"`, `"pages":1`, `"name":"Giấy chứng sinh.pdf"`),
			})
		})

		up := c.upload("congdan", "Giấy chứng sinh.pdf", pdf)
		strangers := c.upload("congdan2", "cua-nguoi-khac.pdf", tinyPDF("nguoi khac"))
		t.Run("Submit", func(t *testing.T) {
			c.run(t, []scenario{
				{name: "Anonymous", method: "POST", path: "/api/v1/dossiers", body: submission("1.001193", unit, birthForm()), status: 401},
				{name: "OfficialsSubmitAtTheDesk", as: "api:motcua.xa", method: "POST", path: "/api/v1/dossiers",
					body: submission("1.001193", unit, birthForm()), status: 403, want: []string{"dossier.applicants_only"}},
				{name: "AnotherUsersUpload", as: "api:congdan", method: "POST", path: "/api/v1/dossiers",
					body: submission("1.001193", unit, birthForm(), fileRef{UploadID: strangers}), status: 400, want: []string{"dossier.bad_file"}},
				{name: "UnknownProcedure", as: "api:congdan", method: "POST", path: "/api/v1/dossiers",
					body: submission("9.999999", unit, birthForm()), status: 404, want: []string{"procedure.not_found"}},
				{name: "InPersonOnly", as: "api:congdan", method: "POST", path: "/api/v1/dossiers",
					body: submission("2.000815", unit, deskCopies), status: 400, want: []string{"dossier.not_online"}},
				{name: "UnitDoesNotReceiveIt", as: "api:congdan", method: "POST", path: "/api/v1/dossiers",
					body: submission("1.001193", centre, birthForm()), status: 400, want: []string{"dossier.unit_not_receiving"}},
				{name: "EveryMissingFieldListed", as: "api:congdan", method: "POST", path: "/api/v1/dossiers",
					body: submission("1.001193", unit, map[string][]string{"nyc_ho_ten": {"Nguyễn Văn An"}}), status: 400,
					want: []string{`"field":"tre_ho_ten"`, `"field":"cam_doan"`}},
				{name: "MissingBodyField", as: "api:congdan", method: "POST", path: "/api/v1/dossiers", body: `{"procedure_code":"1.001193"}`, status: 422},
			})
			r := c.must(c.call("congdan", "POST", "/api/v1/dossiers",
				submission("1.001193", unit, birthForm(), fileRef{UploadID: up, Document: "Giấy chứng sinh"})), http.StatusCreated)
			var d struct {
				Code, Status, Step string
				Links              map[string]string
			}
			decodeJSON(t, r, &d)
			code = d.Code
			if !strings.HasPrefix(code, "000.01.20.H37-") || d.Status != "submitted" || d.Step != "tiep_nhan" || d.Links["self"] != dossier() {
				t.Fatalf("%s", r.body)
			}
			if !strings.Contains(r.body, `"fees_due":8000`) || !strings.Contains(r.body, `"submitted_at":"20`) {
				t.Fatalf("fees and submission time: %s", r.body)
			}
			t.Run("UploadUsedOnceStaysTheUploaders", func(t *testing.T) {
				c.must(c.call("congdan2", "POST", "/api/v1/dossiers", submission("1.001193", unit, birthForm(), fileRef{UploadID: up})), 400)
			})
		})
		if code == "" {
			t.Fatal("no dossier")
		}

		var fileID int64
		t.Run("Read", func(t *testing.T) {
			c.run(t, []scenario{
				{name: "Anonymous", path: dossier(), status: 401},
				{name: "OtherCitizen", as: "api:congdan2", path: dossier(), status: 404, want: []string{"dossier.not_found"}},
				{name: "OtherAgency", as: "api:motcua", path: dossier(), status: 404, want: []string{"dossier.not_found"}},
				{name: "Unknown", as: "api:congdan", path: "/api/v1/dossiers/000.01.20.H37-260101-9999", status: 404},
				{name: "Applicant", as: "api:congdan", path: dossier(), status: 200,
					want: []string{`"status":"submitted"`, `"allowed":["withdraw"]`, `"receiving_unit":"Bộ phận Một cửa phường Đông Kinh"`,
						`"procedure":"Thủ tục đăng ký khai sinh"`, `"document":"Giấy chứng sinh"`, `"clock":"not_started"`, `"tre_ho_ten":"Nguyễn Minh Khôi"`}},
				{name: "WardDesk", as: "api:motcua.xa", path: dossier(), status: 200,
					want: []string{`"receive"`, `"request_supplement"`, `"refuse"`, `"receive":"` + dossier("/receive") + `"`}},
				{name: "WardSpecialistSeesButMayNotAct", as: "api:chuyenvien.xa", path: dossier(), status: 200, want: []string{`"allowed":[]`}},
			})
			var v struct {
				Files []struct {
					ID  int64
					URL string
				}
			}
			decodeJSON(t, c.call("congdan", "GET", dossier(), ""), &v)
			if len(v.Files) != 1 || v.Files[0].URL != dossier("/files/", strconvI(v.Files[0].ID)) {
				t.Fatalf("%+v", v.Files)
			}
			fileID = v.Files[0].ID
			file := dossier("/files/", strconvI(fileID))
			c.run(t, []scenario{
				{name: "FileAnonymous", path: file, status: 401},
				{name: "FileOtherCitizen", as: "api:congdan2", path: file, status: 404},
				{name: "FileOtherAgency", as: "api:motcua", path: file, status: 404},
				{name: "FileOfAnotherDossier", as: "api:congdan", path: dossier("/files/999999"), status: 404},
				{name: "FileWardDesk", as: "api:motcua.xa", path: file, status: 200, want: []string{"%PDF-1.4"}},
			})
			r := c.must(c.call("congdan", "GET", file, ""), 200)
			if r.body != string(pdf) {
				t.Fatal("the download differs from the upload")
			}
			h := r.header
			if h.Get("Content-Type") != "application/pdf" || h.Get("X-Content-Type-Options") != "nosniff" ||
				h.Get("Content-Disposition") != `attachment; filename="Giay chung sinh.pdf"; filename*=UTF-8''Gi%E1%BA%A5y%20ch%E1%BB%A9ng%20sinh.pdf` {
				t.Fatalf("headers %v", h)
			}
		})

		t.Run("Lists", func(t *testing.T) {
			c.run(t, []scenario{
				{name: "Anonymous", path: "/api/v1/dossiers", status: 401},
				{name: "Mine", as: "api:congdan", path: "/api/v1/dossiers", status: 200, want: []string{`"code":"` + code + `"`, `"procedure":"Thủ tục đăng ký khai sinh"`}},
				{name: "NotAnothersDossiers", as: "api:congdan2", path: "/api/v1/dossiers", status: 200, notWant: []string{code}},
				{name: "ReceiveQueue", as: "api:motcua.xa", path: "/api/v1/dossiers?queue=receive", status: 200, want: []string{`"code":"` + code + `"`}},
				{name: "OtherAgencysQueue", as: "api:motcua", path: "/api/v1/dossiers?queue=receive", status: 200, notWant: []string{code}},
				{name: "SpecialistsProcessQueueEmptyBeforeReceipt", as: "api:chuyenvien.xa", path: "/api/v1/dossiers?queue=process", status: 200, notWant: []string{code}},
				{name: "CitizensHaveNoQueue", as: "api:congdan", path: "/api/v1/dossiers?queue=receive", status: 403, want: []string{"dossier.not_your_step"}},
				{name: "UnknownQueue", as: "api:motcua.xa", path: "/api/v1/dossiers?queue=tat-ca", status: 422},
				{name: "LateAnonymous", path: "/api/v1/dossiers/late", status: 401},
				{name: "LateCitizen", as: "api:congdan", path: "/api/v1/dossiers/late", status: 403},
				{name: "LateSpecialist", as: "api:chuyenvien.xa", path: "/api/v1/dossiers/late", status: 403},
				{name: "LateLeader", as: "api:lanhdao.xa", path: "/api/v1/dossiers/late", status: 200, want: []string{`"items":[`}},
			})
			t.Run("KeysetPages", func(t *testing.T) {
				second := c.submit("congdan", submission("1.001193", unit, birthForm()))
				var page struct {
					Items      []struct{ Code string }
					NextCursor string `json:"next_cursor"`
				}
				decodeJSON(t, c.must(c.call("congdan", "GET", "/api/v1/dossiers?limit=1", ""), 200), &page)
				if len(page.Items) != 1 || page.Items[0].Code != second || page.NextCursor == "" {
					t.Fatalf("%+v", page)
				}
				decodeJSON(t, c.must(c.call("congdan", "GET", "/api/v1/dossiers?limit=1&after="+page.NextCursor, ""), 200), &page)
				if len(page.Items) != 1 || page.Items[0].Code != code {
					t.Fatalf("%+v", page)
				}
				c.must(c.call("congdan", "POST", "/api/v1/dossiers/"+second+"/withdraw", ""), 200)
			})
		})

		t.Run("Receive", func(t *testing.T) {
			c.run(t, []scenario{
				{name: "Anonymous", method: "POST", path: dossier("/receive"), status: 401},
				{name: "OtherCitizen", as: "api:congdan2", method: "POST", path: dossier("/receive"), status: 404},
				{name: "OtherAgency", as: "api:motcua", method: "POST", path: dossier("/receive"), status: 404},
				{name: "WrongRole", as: "api:chuyenvien.xa", method: "POST", path: dossier("/receive"), status: 403, want: []string{"dossier.not_your_step"}},
				{name: "ApplicantCannotReceive", as: "api:congdan", method: "POST", path: dossier("/receive"), status: 403},
				{name: "WrongStep", as: "api:motcua.xa", method: "POST", path: dossier("/return-result"), status: 409, want: []string{"dossier.wrong_state"}},
				{name: "Desk", as: "api:motcua.xa", method: "POST", path: dossier("/receive"), status: 200,
					want: []string{`"status":"processing"`, `"step":"xu_ly"`, `"due_at":"`, `"received_at":"`, `"step_due_at":"`, `"due_why":{"text":"Tiếp nhận lúc`, `"working_days":1`}},
				{name: "Twice", as: "api:motcua.xa", method: "POST", path: dossier("/receive"), status: 409},
				{name: "DueWhyInEnglish", as: "api:congdan", path: dossier(), headers: map[string]string{"Accept-Language": "en"}, status: 200,
					want: []string{`"due_why":{"text":"Received at`, `"clock":"running"`}},
			})
		})

		t.Run("Assign", func(t *testing.T) {
			body := jsonOf(map[string]any{"assignee_id": specialist})
			c.run(t, []scenario{
				{name: "Anonymous", method: "POST", path: dossier("/assign"), body: body, status: 401},
				{name: "OtherCitizen", as: "api:congdan2", method: "POST", path: dossier("/assign"), body: body, status: 404},
				{name: "OtherAgency", as: "api:lanhdao", method: "POST", path: dossier("/assign"), body: body, status: 404},
				{name: "WrongRole", as: "api:motcua.xa", method: "POST", path: dossier("/assign"), body: body, status: 403},
				{name: "AssigneeWithoutTheRole", as: "api:lanhdao.xa", method: "POST", path: dossier("/assign"),
					body: jsonOf(map[string]any{"assignee_id": desk}), status: 400, want: []string{"dossier.assignee"}},
				{name: "NoAssignee", as: "api:lanhdao.xa", method: "POST", path: dossier("/assign"), body: `{}`, status: 422},
				{name: "Leader", as: "api:lanhdao.xa", method: "POST", path: dossier("/assign"), body: body, status: 200, want: []string{`"action":"assign"`, `"step":"xu_ly"`}},
				{name: "SpecialistsQueue", as: "api:chuyenvien.xa", path: "/api/v1/dossiers?queue=process", status: 200,
					want: []string{`"code":"` + code + `"`, `"assignee":"Nông Thị Hương"`}},
			})
		})

		t.Run("RequestSupplement", func(t *testing.T) {
			body := `{"deficiencies":["Bản sao giấy chứng sinh bị mờ, không đọc được","Thiếu xác nhận nơi cư trú"]}`
			c.run(t, []scenario{
				{name: "Anonymous", method: "POST", path: dossier("/request-supplement"), body: body, status: 401},
				{name: "OtherCitizen", as: "api:congdan2", method: "POST", path: dossier("/request-supplement"), body: body, status: 404},
				{name: "OtherAgency", as: "api:chuyenvien", method: "POST", path: dossier("/request-supplement"), body: body, status: 404},
				{name: "WrongRole", as: "api:lanhdao.xa", method: "POST", path: dossier("/request-supplement"), body: body, status: 403},
				{name: "WrongStep", as: "api:chuyenvien.xa", method: "POST", path: dossier("/receive"), status: 409},
				{name: "NothingListed", as: "api:chuyenvien.xa", method: "POST", path: dossier("/request-supplement"),
					body: `{"deficiencies":[" ",""]}`, status: 400, want: []string{"dossier.deficiencies_required"}},
				{name: "Specialist", as: "api:chuyenvien.xa", method: "POST", path: dossier("/request-supplement"), body: body, status: 200,
					want: []string{`"status":"supplement"`}},
				{name: "ApplicantSeesWhatToSupply", as: "api:congdan", path: dossier(), status: 200,
					want: []string{`"deficiencies":["Bản sao giấy chứng sinh bị mờ, không đọc được","Thiếu xác nhận nơi cư trú"]`,
						`"allowed":["supplement","withdraw"]`, `"clock":"paused"`}},
			})
		})

		t.Run("Supplement", func(t *testing.T) {
			fresh := c.upload("congdan", "chung-sinh-ro.pdf", tinyPDF("ban ro"))
			own2 := c.upload("congdan2", "cua-toi.pdf", tinyPDF("cua toi"))
			body := jsonOf(map[string]any{"files": []fileRef{{UploadID: fresh, Document: "Giấy chứng sinh"}}, "note": "Gửi bản quét rõ hơn"})
			c.run(t, []scenario{
				{name: "Anonymous", method: "POST", path: dossier("/supplement"), body: body, status: 401},
				{name: "OtherCitizen", as: "api:congdan2", method: "POST", path: dossier("/supplement"),
					body: jsonOf(map[string]any{"files": []fileRef{{UploadID: own2}}}), status: 404},
				{name: "OfficialsAreNotTheApplicant", as: "api:chuyenvien.xa", method: "POST", path: dossier("/supplement"), body: `{"note":"x"}`, status: 404},
				{name: "AnotherUsersUpload", as: "api:congdan", method: "POST", path: dossier("/supplement"),
					body: jsonOf(map[string]any{"files": []fileRef{{UploadID: own2}}}), status: 400, want: []string{"dossier.bad_file"}},
				{name: "Nothing", as: "api:congdan", method: "POST", path: dossier("/supplement"), body: `{}`, status: 400, want: []string{"dossier.nothing_supplied"}},
				{name: "Applicant", as: "api:congdan", method: "POST", path: dossier("/supplement"), body: body, status: 200,
					want: []string{`"status":"processing"`, `"step":"xu_ly"`, `"due_why":{"text":`}},
				{name: "WrongStep", as: "api:congdan", method: "POST", path: dossier("/supplement"), body: body, status: 409},
			})
		})

		t.Run("Forward", func(t *testing.T) {
			body := `{"note":"Đủ điều kiện đăng ký khai sinh"}`
			c.run(t, []scenario{
				{name: "Anonymous", method: "POST", path: dossier("/forward"), body: body, status: 401},
				{name: "OtherCitizen", as: "api:congdan2", method: "POST", path: dossier("/forward"), body: body, status: 404},
				{name: "OtherAgency", as: "api:chuyenvien", method: "POST", path: dossier("/forward"), body: body, status: 404},
				{name: "WrongRole", as: "api:motcua.xa", method: "POST", path: dossier("/forward"), body: body, status: 403},
				{name: "WrongStep", as: "api:chuyenvien.xa", method: "POST", path: dossier("/return-result"), status: 409},
				{name: "Specialist", as: "api:chuyenvien.xa", method: "POST", path: dossier("/forward"), body: body, status: 200,
					want: []string{`"step":"phe_duyet"`, `"status":"processing"`}},
			})
		})

		t.Run("IssueResult", func(t *testing.T) {
			result := c.upload("lanhdao.xa", "Giấy khai sinh.pdf", tinyPDF("giay khai sinh"))
			specs := c.upload("chuyenvien.xa", "du-thao.pdf", tinyPDF("du thao"))
			body := jsonOf(map[string]any{"upload_id": result, "note": "Đã ký số"})
			c.run(t, []scenario{
				{name: "Anonymous", method: "POST", path: dossier("/issue-result"), body: body, status: 401},
				{name: "OtherCitizen", as: "api:congdan2", method: "POST", path: dossier("/issue-result"),
					body: jsonOf(map[string]any{"upload_id": strangers}), status: 404},
				{name: "OtherAgency", as: "api:lanhdao", method: "POST", path: dossier("/issue-result"),
					body: jsonOf(map[string]any{"upload_id": c.upload("lanhdao", "kq.pdf", tinyPDF("kq"))}), status: 404},
				{name: "WrongRole", as: "api:chuyenvien.xa", method: "POST", path: dossier("/issue-result"),
					body: jsonOf(map[string]any{"upload_id": specs}), status: 403},
				{name: "AnotherUsersUpload", as: "api:lanhdao.xa", method: "POST", path: dossier("/issue-result"),
					body: jsonOf(map[string]any{"upload_id": up}), status: 400, want: []string{"dossier.bad_file"}},
				{name: "WrongStep", as: "api:lanhdao.xa", method: "POST", path: dossier("/forward"), status: 409},
				{name: "Leader", as: "api:lanhdao.xa", method: "POST", path: dossier("/issue-result"), body: body, status: 200,
					want: []string{`"result_code":"` + code + `-KQ1"`, `"status":"result"`, `"step":"tra_ket_qua"`}},
				{name: "Twice", as: "api:lanhdao.xa", method: "POST", path: dossier("/issue-result"), body: body, status: 409},
			})
		})

		t.Run("ReturnResult", func(t *testing.T) {
			c.run(t, []scenario{
				{name: "Anonymous", method: "POST", path: dossier("/return-result"), status: 401},
				{name: "OtherCitizen", as: "api:congdan2", method: "POST", path: dossier("/return-result"), status: 404},
				{name: "OtherAgency", as: "api:motcua", method: "POST", path: dossier("/return-result"), status: 404},
				{name: "WrongRole", as: "api:chuyenvien.xa", method: "POST", path: dossier("/return-result"), status: 403},
				{name: "WrongStep", as: "api:motcua.xa", method: "POST", path: dossier("/receive"), status: 409},
				{name: "Desk", as: "api:motcua.xa", method: "POST", path: dossier("/return-result"), body: `{"note":"Trả tại quầy"}`, status: 200,
					want: []string{`"status":"returned"`, `"step":"end"`}},
			})
		})

		t.Run("Rating", func(t *testing.T) {
			c.run(t, []scenario{
				{name: "Anonymous", method: "POST", path: dossier("/rating"), body: `{"score":5}`, status: 401},
				{name: "OtherCitizen", as: "api:congdan2", method: "POST", path: dossier("/rating"), body: `{"score":1}`, status: 404},
				{name: "OfficialsAreNotTheApplicant", as: "api:motcua.xa", method: "POST", path: dossier("/rating"), body: `{"score":5}`, status: 404},
				{name: "OutOfRange", as: "api:congdan", method: "POST", path: dossier("/rating"), body: `{"score":9}`, status: 422},
				{name: "Applicant", as: "api:congdan", method: "POST", path: dossier("/rating"), body: `{"score":5,"comment":"Nhanh, chu đáo"}`, status: 200,
					want: []string{`"action":"rate"`, `"status":"returned"`}},
				{name: "ChangedOnce", as: "api:congdan", method: "POST", path: dossier("/rating"), body: `{"score":4}`, status: 200},
				{name: "ThenFinal", as: "api:congdan", method: "POST", path: dossier("/rating"), body: `{"score":3}`, status: 409, want: []string{"dossier.rating_final"}},
			})
		})

		t.Run("Payment", func(t *testing.T) {
			body := `{"amount":8000,"method":"cash","reference":"BL-0001"}`
			c.run(t, []scenario{
				{name: "Anonymous", method: "POST", path: dossier("/payments"), body: body, status: 401},
				{name: "OtherCitizen", as: "api:congdan2", method: "POST", path: dossier("/payments"), body: body, status: 404},
				{name: "OtherAgency", as: "api:motcua", method: "POST", path: dossier("/payments"), body: body, status: 404},
				{name: "WrongRole", as: "api:chuyenvien.xa", method: "POST", path: dossier("/payments"), body: body, status: 403},
				{name: "UnknownMethod", as: "api:motcua.xa", method: "POST", path: dossier("/payments"), body: `{"amount":8000,"method":"bitcoin"}`, status: 422},
				{name: "Nothing", as: "api:motcua.xa", method: "POST", path: dossier("/payments"), body: `{"amount":0,"method":"cash"}`, status: 400, want: []string{"dossier.payment"}},
				{name: "Desk", as: "api:motcua.xa", method: "POST", path: dossier("/payments"), body: body, status: 201, want: []string{`"action":"payment"`}},
			})
		})

		t.Run("TheWholeStory", func(t *testing.T) {
			var v struct {
				Status   string
				Outcome  string
				FeesPaid int64 `json:"fees_paid"`
				Allowed  []string
				Rating   struct{ Score, Changes int }
				Files    []struct {
					Purpose    string
					ResultCode string `json:"result_code"`
					URL        string
				}
				Events []struct {
					Action   string
					FromUnit string `json:"from_unit"`
					Unit     string
				}
				Payments []struct {
					Amount int64
					Method string
				}
			}
			r := c.must(c.call("congdan", "GET", dossier(), ""), 200)
			decodeJSON(t, r, &v)
			var sheet []string
			for _, e := range v.Events {
				sheet = append(sheet, e.Action+":"+e.FromUnit+">"+e.Unit)
			}
			want := []string{
				"submit:>Bộ phận Một cửa phường Đông Kinh",
				"receive:Bộ phận Một cửa phường Đông Kinh>Ủy ban nhân dân phường Đông Kinh",
				"assign:Ủy ban nhân dân phường Đông Kinh>Ủy ban nhân dân phường Đông Kinh",
				"request_supplement:Ủy ban nhân dân phường Đông Kinh>Ủy ban nhân dân phường Đông Kinh",
				"supplement_done:>Ủy ban nhân dân phường Đông Kinh",
				"forward:Ủy ban nhân dân phường Đông Kinh>Ủy ban nhân dân phường Đông Kinh",
				"issue_result:Ủy ban nhân dân phường Đông Kinh>Bộ phận Một cửa phường Đông Kinh",
				"return_result:Bộ phận Một cửa phường Đông Kinh>Bộ phận Một cửa phường Đông Kinh",
				"rate:>Bộ phận Một cửa phường Đông Kinh",
				"rate_change:>Bộ phận Một cửa phường Đông Kinh",
				"payment:Bộ phận Một cửa phường Đông Kinh>Bộ phận Một cửa phường Đông Kinh",
			}
			if !slices.Equal(sheet, want) {
				t.Errorf("control sheet:\n%s", strings.Join(sheet, "\n"))
			}
			purposes := []string{}
			for _, f := range v.Files {
				purposes = append(purposes, f.Purpose+":"+f.ResultCode)
			}
			if !slices.Equal(purposes, []string{"application:", "supplement:", "result:" + code + "-KQ1"}) {
				t.Errorf("files %v", purposes)
			}
			if v.Status != "returned" || v.Rating.Score != 4 || v.Rating.Changes != 1 || v.FeesPaid != 8000 || len(v.Payments) != 1 ||
				len(v.Allowed) != 0 || v.Outcome == "" {
				t.Errorf("%s", r.body)
			}
			// The result document is there for the applicant to download.
			if len(v.Files) == 3 {
				c.must(c.call("congdan", "GET", v.Files[2].URL, ""), 200)
			}
		})

		t.Run("Notifications", func(t *testing.T) {
			c.run(t, []scenario{
				{name: "Anonymous", path: "/api/v1/notifications", status: 401},
				{name: "MarkAnonymous", method: "POST", path: "/api/v1/notifications/read", status: 401},
				{name: "AssigneeWasTold", as: "api:chuyenvien.xa", path: "/api/v1/notifications", status: 200, want: []string{`"kind":"assigned"`, code}},
				{name: "InEnglish", as: "api:congdan", path: "/api/v1/notifications", headers: map[string]string{"Accept-Language": "en"}, status: 200,
					want: []string{"has a result (result code " + code + "-KQ1)"}},
			})
			var n struct {
				Items []struct {
					ID   int64
					Kind string
					Code string
					Read bool
				}
				Unread     int
				NextCursor string `json:"next_cursor"`
			}
			decodeJSON(t, c.must(c.call("congdan", "GET", "/api/v1/notifications?limit=100", ""), 200), &n)
			var kinds []string
			for _, it := range n.Items {
				if it.Code == code {
					kinds = append(kinds, it.Kind)
				}
			}
			if !slices.Equal(kinds, []string{"return_result", "issue_result", "supplement_done", "request_supplement", "receive", "submit"}) {
				t.Errorf("the applicant is told at every change: %v", kinds)
			}
			if n.Unread < len(kinds) {
				t.Errorf("unread %d", n.Unread)
			}
			decodeJSON(t, c.must(c.call("congdan", "GET", "/api/v1/notifications?limit=2", ""), 200), &n)
			if len(n.Items) != 2 || n.NextCursor == "" {
				t.Fatalf("%+v", n)
			}
			first := n.Items[1].ID
			decodeJSON(t, c.must(c.call("congdan", "GET", "/api/v1/notifications?limit=2&before="+n.NextCursor, ""), 200), &n)
			if len(n.Items) == 0 || n.Items[0].ID >= first {
				t.Fatalf("the next page is older: %+v", n)
			}
			c.must(c.call("congdan", "POST", "/api/v1/notifications/read", ""), http.StatusNoContent)
			decodeJSON(t, c.must(c.call("congdan", "GET", "/api/v1/notifications", ""), 200), &n)
			if n.Unread != 0 || !n.Items[0].Read {
				t.Fatalf("%+v", n)
			}
		})

		t.Run("Withdraw", func(t *testing.T) {
			code := c.submit("congdan", submission("1.001193", unit, birthForm()))
			path := "/api/v1/dossiers/" + code
			c.run(t, []scenario{
				{name: "Anonymous", method: "POST", path: path + "/withdraw", status: 401},
				{name: "OtherCitizen", as: "api:congdan2", method: "POST", path: path + "/withdraw", status: 404},
				{name: "OfficialsAreNotTheApplicant", as: "api:motcua.xa", method: "POST", path: path + "/withdraw", status: 404},
				{name: "Applicant", as: "api:congdan", method: "POST", path: path + "/withdraw", body: `{"reason":"Nộp nhầm thủ tục"}`, status: 200,
					want: []string{`"status":"withdrawn"`, `"step":"end"`}},
				{name: "Twice", as: "api:congdan", method: "POST", path: path + "/withdraw", status: 409},
				{name: "NoRatingAfterWithdrawal", as: "api:congdan", method: "POST", path: path + "/rating", body: `{"score":5}`, status: 409},
				{name: "NothingToAssignWhenFinished", as: "api:lanhdao.xa", method: "POST", path: path + "/assign",
					body: jsonOf(map[string]any{"assignee_id": specialist}), status: 409},
				{name: "NoPaymentOnWithdrawn", as: "api:motcua.xa", method: "POST", path: path + "/payments", body: `{"amount":8000,"method":"cash"}`, status: 409},
			})
		})

		t.Run("Approve", func(t *testing.T) {
			// No ward workflow has an approval step: the route answers by
			// the rules all the same.
			c.run(t, []scenario{
				{name: "Anonymous", method: "POST", path: dossier("/approve"), status: 401},
				{name: "OtherCitizen", as: "api:congdan2", method: "POST", path: dossier("/approve"), status: 404},
				{name: "OtherAgency", as: "api:lanhdao", method: "POST", path: dossier("/approve"), status: 404},
				{name: "WrongStep", as: "api:lanhdao.xa", method: "POST", path: dossier("/approve"), body: `{"note":"Đồng ý"}`, status: 409},
			})
		})

		t.Run("Refuse", func(t *testing.T) {
			code := c.submit("congdan", submission("1.001193", unit, birthForm()))
			path := "/api/v1/dossiers/" + code + "/refuse"
			body := `{"reasons":["Trẻ đã được đăng ký khai sinh tại nơi khác"]}`
			c.run(t, []scenario{
				{name: "Anonymous", method: "POST", path: path, body: body, status: 401},
				{name: "OtherCitizen", as: "api:congdan2", method: "POST", path: path, body: body, status: 404},
				{name: "OtherAgency", as: "api:motcua", method: "POST", path: path, body: body, status: 404},
				{name: "WrongRole", as: "api:chuyenvien.xa", method: "POST", path: path, body: body, status: 403},
				{name: "NoReason", as: "api:motcua.xa", method: "POST", path: path, body: `{"reasons":[]}`, status: 400, want: []string{"dossier.reason_required"}},
				{name: "Desk", as: "api:motcua.xa", method: "POST", path: path, body: body, status: 200, want: []string{`"status":"refused"`}},
				{name: "WrongStep", as: "api:motcua.xa", method: "POST", path: path, body: body, status: 409},
			})
		})

		t.Run("ReturnPrevious", func(t *testing.T) {
			code := c.submit("congdan", submission("1.001193", unit, birthForm()))
			path := "/api/v1/dossiers/" + code
			c.must(c.call("motcua.xa", "POST", path+"/receive", ""), 200)
			body := `{"note":"Phiếu tiếp nhận ghi sai tên người yêu cầu"}`
			c.run(t, []scenario{
				{name: "Anonymous", method: "POST", path: path + "/return-previous", body: body, status: 401},
				{name: "OtherCitizen", as: "api:congdan2", method: "POST", path: path + "/return-previous", body: body, status: 404},
				{name: "OtherAgency", as: "api:chuyenvien", method: "POST", path: path + "/return-previous", body: body, status: 404},
				{name: "WrongRole", as: "api:motcua.xa", method: "POST", path: path + "/return-previous", body: body, status: 403},
				{name: "WrongStep", as: "api:chuyenvien.xa", method: "POST", path: path + "/issue-result",
					body: jsonOf(map[string]any{"upload_id": c.upload("chuyenvien.xa", "x.pdf", tinyPDF("x"))}), status: 409},
				{name: "NoReason", as: "api:chuyenvien.xa", method: "POST", path: path + "/return-previous", body: `{"note":""}`, status: 400, want: []string{"dossier.reason_required"}},
				{name: "Specialist", as: "api:chuyenvien.xa", method: "POST", path: path + "/return-previous", body: body, status: 200,
					want: []string{`"step":"tiep_nhan"`}},
				{name: "ShowsAsReturnedToTheDesk", as: "api:motcua.xa", path: "/api/v1/dossiers?queue=returned", status: 200, want: []string{code}},
				{name: "LeadersAssignQueue", as: "api:lanhdao.xa", path: "/api/v1/dossiers?queue=assign", status: 200, want: []string{`"items":`}},
				{name: "AssignQueueNotForCitizens", as: "api:congdan", path: "/api/v1/dossiers?queue=assign", status: 403},
			})
		})

		t.Run("InterAgency", func(t *testing.T) {
			// In person only: the father files it at the ward's desk, which
			// receives it at once; his account (same personal ID) sees it.
			var received struct{ Code, Status string }
			decodeJSON(t, c.must(c.call("motcua.xa", "POST", "/api/v1/desk/dossiers", jsonOf(map[string]any{
				"applicant":      map[string]string{"full_name": "Nguyễn Văn An", "personal_id": "020085001234", "phone": "0912345678"},
				"procedure_code": "2.001023", "receiving_unit_id": unit, "values": birthInsuranceForm()})), http.StatusCreated), &received)
			if received.Code == "" || received.Status != "processing" {
				t.Fatalf("desk submission: %+v", received)
			}
			path := "/api/v1/dossiers/" + received.Code
			code := received.Code
			reply := func(agency int64) string { return path + "/branches/" + strconvI(agency) + "/reply" }
			c.run(t, []scenario{
				{name: "SendAnonymous", method: "POST", path: path + "/send-agency", status: 401},
				{name: "SendOtherCitizen", as: "api:congdan2", method: "POST", path: path + "/send-agency", status: 404},
				{name: "SendUninvolvedAgency", as: "api:congan", method: "POST", path: path + "/send-agency", status: 404},
				{name: "SendWrongRole", as: "api:motcua.xa", method: "POST", path: path + "/send-agency", status: 403},
				{name: "SendWrongStep", as: "api:chuyenvien.xa", method: "POST", path: path + "/return-result", status: 409},
				{name: "Send", as: "api:chuyenvien.xa", method: "POST", path: path + "/send-agency", status: 200, want: []string{`"action":"send_agency"`}},
				{name: "SendTwice", as: "api:chuyenvien.xa", method: "POST", path: path + "/send-agency", status: 409},
				{name: "ForwardWaitsForTheAgencies", as: "api:chuyenvien.xa", method: "POST", path: path + "/forward", status: 409, want: []string{"dossier.branches_pending"}},
				{name: "AgencySeesItsPart", as: "api:bhxh", path: path, status: 200,
					want: []string{`"reply_url":"` + reply(social) + `"`, `"reply_branch"`, `"agency":"Bảo hiểm xã hội tỉnh Lạng Sơn"`}},
				{name: "InterAgencyQueue", as: "api:bhxh", path: "/api/v1/dossiers?queue=inter_agency", status: 200, want: []string{code}},
				{name: "ReplyAnonymous", method: "POST", path: reply(social), status: 401},
				{name: "ReplyOtherCitizen", as: "api:congdan2", method: "POST", path: reply(social), status: 404},
				{name: "ReplyUninvolvedAgency", as: "api:congan", method: "POST", path: reply(social), status: 404},
				{name: "ReplyForAnotherAgency", as: "api:bhxh", method: "POST", path: reply(commune), status: 403},
				{name: "Reply", as: "api:bhxh", method: "POST", path: reply(social), body: `{"note":"Đã cấp thẻ BHYT"}`, status: 200,
					want: []string{`"branch":{`, `"status":"done"`, `"outcome":"early"`}},
				{name: "ReplyTwice", as: "api:bhxh", method: "POST", path: reply(social), status: 409},
				{name: "WardReplies", as: "api:chuyenvien.xa", method: "POST", path: reply(commune), body: `{"note":"Đã đăng ký khai sinh"}`, status: 200},
			})
			extend := `{"days":2,"reason":"Chờ xác minh thông tin cư trú của người mẹ"}`
			c.run(t, []scenario{
				{name: "ExtendAnonymous", method: "POST", path: path + "/extend", body: extend, status: 401},
				{name: "ExtendOtherCitizen", as: "api:congdan2", method: "POST", path: path + "/extend", body: extend, status: 404},
				{name: "ExtendOtherAgency", as: "api:chuyenvien", method: "POST", path: path + "/extend", body: extend, status: 404},
				{name: "ExtendWrongRole", as: "api:motcua.xa", method: "POST", path: path + "/extend", body: extend, status: 403},
				{name: "ExtendNoDays", as: "api:chuyenvien.xa", method: "POST", path: path + "/extend", body: `{"days":0,"reason":"x"}`, status: 400, want: []string{"dossier.extend_days"}},
				{name: "ExtendNoReason", as: "api:chuyenvien.xa", method: "POST", path: path + "/extend", body: `{"days":2,"reason":" "}`, status: 400, want: []string{"dossier.reason_required"}},
				{name: "Extend", as: "api:chuyenvien.xa", method: "POST", path: path + "/extend", body: extend, status: 200, want: []string{`"action":"extend"`}},
				{name: "ExtendOnlyOnce", as: "api:chuyenvien.xa", method: "POST", path: path + "/extend", body: extend, status: 409, want: []string{"dossier.extend_once"}},
				{name: "ExtensionExplained", as: "api:congdan", path: path, status: 200,
					want: []string{`"due_why":{"text":"Đã gia hạn một lần thêm 2 ngày làm việc`, `"extended_days":2`, `"extensions":1`}},
			})
			stop := `{"reason":"Người yêu cầu đề nghị dừng để bổ sung giấy tờ của người mẹ"}`
			c.run(t, []scenario{
				{name: "StopAnonymous", method: "POST", path: path + "/stop", body: stop, status: 401},
				{name: "StopOtherCitizen", as: "api:congdan2", method: "POST", path: path + "/stop", body: stop, status: 404},
				{name: "StopOtherAgency", as: "api:chuyenvien", method: "POST", path: path + "/stop", body: stop, status: 404},
				{name: "StopWrongRole", as: "api:motcua.xa", method: "POST", path: path + "/stop", body: stop, status: 403},
				{name: "StopNoReason", as: "api:chuyenvien.xa", method: "POST", path: path + "/stop", body: `{"reason":""}`, status: 400},
				{name: "Stop", as: "api:chuyenvien.xa", method: "POST", path: path + "/stop", body: stop, status: 200, want: []string{`"status":"stopped"`}},
				{name: "StopTwice", as: "api:chuyenvien.xa", method: "POST", path: path + "/stop", body: stop, status: 409},
			})
		})

		t.Run("DeskSubmission", func(t *testing.T) {
			scan := c.upload("motcua.xa", "ban-quet.pdf", tinyPDF("ban quet"))
			body := func(name string, upload int64) string {
				return jsonOf(map[string]any{"applicant": map[string]string{"full_name": name, "personal_id": "020070009876", "phone": "0912345678"},
					"procedure_code": "1.001193", "receiving_unit_id": unit, "values": birthForm(),
					"files": []fileRef{{UploadID: upload, Document: "Giấy chứng sinh"}}})
			}
			c.run(t, []scenario{
				{name: "Anonymous", method: "POST", path: "/api/v1/desk/dossiers", body: body("Lò Văn Páo", scan), status: 401},
				{name: "Citizen", as: "api:congdan", method: "POST", path: "/api/v1/desk/dossiers", body: body("Lò Văn Páo", up), status: 403},
				{name: "OtherAgencysDesk", as: "api:motcua", method: "POST", path: "/api/v1/desk/dossiers",
					body: body("Lò Văn Páo", c.upload("motcua", "q.pdf", tinyPDF("q"))), status: 403},
				{name: "WrongRole", as: "api:chuyenvien.xa", method: "POST", path: "/api/v1/desk/dossiers",
					body: body("Lò Văn Páo", c.upload("chuyenvien.xa", "q.pdf", tinyPDF("q"))), status: 403},
				{name: "AnotherUsersUpload", as: "api:motcua.xa", method: "POST", path: "/api/v1/desk/dossiers", body: body("Lò Văn Páo", up), status: 400, want: []string{"dossier.bad_file"}},
				{name: "NoName", as: "api:motcua.xa", method: "POST", path: "/api/v1/desk/dossiers", body: body(" ", scan), status: 400, want: []string{"dossier.applicant_name"}},
				{name: "Desk", as: "api:motcua.xa", method: "POST", path: "/api/v1/desk/dossiers", body: body("Lò Văn Páo", scan), status: 201,
					want: []string{`"status":"processing"`, `"received_at":"`, `"due_at":"`, `"code":"000.01.20.H37-`}},
			})
			var list struct {
				Items []struct {
					Channel       string
					ApplicantName string `json:"applicant_name"`
				}
			}
			decodeJSON(t, c.must(c.call("chuyenvien.xa", "GET", "/api/v1/dossiers?queue=process&limit=100", ""), 200), &list)
			found := false
			for _, it := range list.Items {
				found = found || (it.Channel == "desk" && it.ApplicantName == "Lò Văn Páo")
			}
			if !found {
				t.Fatalf("the desk's dossier reaches the ward's specialists: %+v", list)
			}
		})
	})
}

// TestUploadLimit runs a server that accepts files up to 1 MB.
func TestUploadLimit(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s := start(t, serverOpts{dataDir: dir, env: map[string]string{"EGOV_UPLOAD_MAX_MB": "1"}})
	c := newAPIClient(t, s)
	count := func() (rows, blobs int) {
		t.Helper()
		if err := s.app.DB.R.QueryRow(`SELECT count(*) FROM uploads`).Scan(&rows); err != nil {
			t.Fatal(err)
		}
		_ = filepath.WalkDir(filepath.Join(dir, "blobs"), func(_ string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				blobs++
			}
			return nil
		})
		return rows, blobs
	}
	rows, blobs := count()
	big := append(tinyPDF("lon"), bytes.Repeat([]byte("%0123456789abcdef\n"), (3<<20)/2/18)...) // ~1.5 MB
	c.run(t, []scenario{
		uploadRow("OverTheLimit", "api:congdan", "ho-so-lon.pdf", big, http.StatusRequestEntityTooLarge, "attach.too_large", "ho-so-lon.pdf", "1 MB"),
		// Far over: more than the whole body may hold (8 times the limit).
		uploadRow("FarOverTheLimit", "api:congdan", "ban-quet-rat-lon.pdf", bytes.Repeat(big, 7), http.StatusRequestEntityTooLarge, "ban-quet-rat-lon.pdf", "1 MB"),
		cutOffRow("CutOffHalfWay", "ho-so-dang-do.pdf", tinyPDF("dang do")),
	})
	if r2, b2 := count(); r2 != rows || b2 != blobs {
		t.Fatalf("a refused upload left %d rows and %d blobs behind", r2-rows, b2-blobs)
	}
	c.run(t, []scenario{
		uploadRow("UnderTheLimit", "api:congdan", "nho.pdf", tinyPDF("nho"), http.StatusCreated, `"name":"nho.pdf"`),
	})
	if r2, b2 := count(); r2 != rows+1 || b2 != blobs+1 {
		t.Fatalf("an accepted upload is stored once: %d rows, %d blobs", r2-rows, b2-blobs)
	}
}

// cutOffRow uploads a multipart body that stops half-way through the
// file, as when the connection of a phone drops.
func cutOffRow(name, file string, content []byte) scenario {
	const boundary = "egov-test-boundary"
	body := "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + file +
		"\"\r\nContent-Type: application/pdf\r\n\r\n" + string(content[:len(content)/2])
	return scenario{name: name, as: "api:congdan", method: "POST", path: "/api/v1/uploads", body: body,
		headers: map[string]string{"Content-Type": "multipart/form-data; boundary=" + boundary}, status: http.StatusBadRequest, want: []string{file}}
}
