package app_test

import (
	"bytes"
	"image"
	"image/png"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"egov/internal/attach/attachtest"
	"egov/internal/audit"
	"egov/internal/catalog"
	"egov/internal/dossier"
	"egov/internal/signing/pades"
	"egov/internal/signing/pki"
)

// signedByWard signs in with the organisation certificate the demo CA
// issues the ward 000.00.20.H37, timestamped by the server's own TSA.
func signedByWard(t *testing.T, s *server, in []byte) []byte {
	t.Helper()
	ctx := t.Context()
	ward, err := s.app.Identity.AgencyByCode(ctx, "000.00.20.H37")
	if err != nil {
		t.Fatal(err)
	}
	cert, err := s.app.PKI.IssueOrganisation(ctx, pki.Agency{ID: ward.ID, Code: ward.Code, Name: ward.Name, Province: "Lạng Sơn"})
	if err != nil {
		t.Fatal(err)
	}
	signer, err := s.app.PKI.SignerFor(ctx, cert.ID)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := pades.Sign(&out, bytes.NewReader(in), int64(len(in)), signer, pades.Options{TSAURL: s.URL + "/pki/tsa", Reason: "Ban hành kết quả"}); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// resultFile uploads a real one-page PDF as username and returns it as a
// result document to issue.
func resultFile(t *testing.T, s *server, username string) *dossier.FileRef {
	t.Helper()
	id := newAPIClient(t, s).upload(username, "ket-qua.pdf", attachtest.PDF(1, "ket qua giai quyet"))
	p, ctx := principal(t, s, username)
	refs, err := s.app.Dossiers.Resolve(ctx, p, []int64{id}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return &refs[0]
}

// The result is signed by the leader who issues it and then by the ward
// (certificates issued on demand by the demo's built-in CA); the history
// says so; the QR code's page shows who issued it and verifies the
// original; the applicant's copy is recognised as the original, another
// file is not; an unknown code is a clear 404.
func TestResultSignedAndVerifiable(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, s *server) {
		ctx := t.Context()
		unit, err := s.app.Identity.AgencyByCode(ctx, "000.01.20.H37")
		if err != nil {
			t.Fatal(err)
		}
		p, pctx := principal(t, s, "congdan")
		d, err := s.app.Dossiers.Submit(pctx, p, dossier.Submission{ProcedureCode: procExtract, ReceivingUnitID: unit.ID, Values: extractForm("UBND phường Chi Lăng")})
		if err != nil {
			t.Fatal(err)
		}
		act(t, s, "motcua.xa", d.Code, catalog.ActReceive, dossier.Input{})
		upload := resultFile(t, s, "lanhdao.xa")
		leader, lctx := principal(t, s, "lanhdao.xa")
		ch, err := s.app.Dossiers.Act(lctx, leader, d.Code, catalog.ActIssueResult, dossier.Input{Result: upload})
		if err != nil {
			t.Fatal(err)
		}
		rc := d.Code + "-KQ1"
		if ch.ResultCode != rc {
			t.Fatalf("result code %q, want %q", ch.ResultCode, rc)
		}
		v, err := s.app.Dossiers.Get(pctx, p, d.Code)
		if err != nil {
			t.Fatal(err)
		}
		var res dossier.File
		for _, f := range v.Files {
			if f.Purpose == "result" {
				res = f
			}
		}
		if res.Hash == "" || res.Hash == upload.Hash || res.Size <= upload.Size || res.ResultCode != rc {
			t.Fatalf("result file %+v: want the signed document, not the upload %s", res, upload.Hash)
		}

		an := s.browser()
		s.webLogin(an, "congdan")
		file := s.do(an, "GET", "/ho-so/"+d.Code+"/tep/"+strconvI(res.ID), "", nil)
		if file.status != 200 {
			t.Fatalf("download: %d", file.status)
		}
		rep, err := pades.Verify(strings.NewReader(file.body), int64(len(file.body)), pades.VerifyOptions{})
		if err != nil || len(rep.Signatures) != 2 {
			t.Fatalf("downloaded result: %v, %d signatures", err, len(rep.Signatures))
		}
		if rep.Signatures[0].Signer.Name == "" || rep.Signatures[1].Signer.AgencyCode == "" {
			t.Errorf("signers: %+v then %+v", rep.Signatures[0].Signer, rep.Signatures[1].Signer)
		}
		expect(t, "History", s.do(an, "GET", "/ho-so/"+d.Code, "", nil), 200, "Ký số bởi", "PAdES B-LT", rc)

		// The receipt carries the one-stop unit's signature and is kept as
		// first issued: the applicant and the desk get the same bytes.
		receipt := s.do(an, "GET", "/ho-so/"+d.Code+"/phieu/giay-tiep-nhan", "", nil)
		desk := s.browser()
		s.webLogin(desk, "motcua.xa")
		again := s.do(desk, "GET", "/mot-cua/ho-so/"+d.Code+"/phieu/giay-tiep-nhan", "", nil)
		if receipt.status != 200 || again.status != 200 || receipt.body != again.body {
			t.Fatalf("receipt: %d then %d, same bytes %v", receipt.status, again.status, receipt.body == again.body)
		}
		if dir := os.Getenv("EGOV_SCREENSHOTS"); dir != "" && strings.HasSuffix(t.Name(), "sqlite") {
			_ = os.WriteFile(filepath.Join(dir, "signed-receipt.pdf"), []byte(receipt.body), 0o600)
			_ = os.WriteFile(filepath.Join(dir, "signed-result.pdf"), []byte(file.body), 0o600)
		}
		frep, err := pades.Verify(strings.NewReader(receipt.body), int64(len(receipt.body)), pades.VerifyOptions{})
		if err != nil || len(frep.Signatures) != 1 || frep.Signatures[0].Signer.AgencyCode != "000.01.20.H37" || !frep.Signatures[0].Intact {
			t.Fatalf("receipt signatures: %v %+v", err, frep.Signatures)
		}

		page := "/xac-thuc-van-ban/" + url.PathEscape(rc)
		r := s.do(s.browser(), "GET", page, "", nil)
		expect(t, "QRPage", r, 200, "Xác thực kết quả điện tử", rc, "Trích lục", res.Hash, "Chữ ký số trên bản gốc",
			"chờ trả cho người nộp", "có dấu thời gian tin cậy")
		if n := strings.Count(r.body, "verdict-valid"); n != 2 {
			t.Errorf("QR page: %d valid signatures, want 2", n)
		}
		if strings.Contains(r.body, "Nguyễn Văn An") {
			t.Error("the public page discloses the applicant")
		}
		body, ct := multipartFile("tep", "ban-cua-toi.pdf", []byte(file.body))
		expect(t, "CopyMatches", s.do(s.browser(), "POST", page, body, map[string]string{"Content-Type": ct}), 200, "trùng khớp từng byte")
		other, ct := multipartFile("tep", "ban-khac.pdf", attachtest.PDF(1, "ket qua giai quyet"))
		expect(t, "CopyDiffers", s.do(s.browser(), "POST", page, other, map[string]string{"Content-Type": ct}), 200, "KHÔNG phải bản gốc")
		api := s.do(s.browser(), "GET", "/api/v1/results/"+url.PathEscape(rc), "", nil)
		expect(t, "ResultAPI", api, 200, `"code":"`+rc+`"`, `"sha256":"`+res.Hash+`"`, `"agency_code":"000.00.20.H37"`,
			`"exit_status":0`, `"level":"B-LT"`, `"procedure_code":"2.000635"`)
		if strings.Contains(api.body, "Nguyễn Văn An") {
			t.Error("the results API discloses the applicant")
		}
		expect(t, "ResultAPIUnknown", s.do(s.browser(), "GET", "/api/v1/results/"+d.Code+"-KQ9", "", nil), 404, "dossier.result_not_found")
		expect(t, "UnknownCode", s.do(s.browser(), "GET", "/xac-thuc-van-ban/"+d.Code+"-KQ9", "", nil), 404, "Không tìm thấy kết quả điện tử")
		expect(t, "NotACode", s.do(s.browser(), "GET", "/xac-thuc-van-ban/abc", "", nil), 404)

		expect(t, "DeskHistory", s.do(desk, "GET", "/mot-cua/ho-so/"+d.Code, "", nil), 200, "Ký số bởi")
		if !bytes.Contains([]byte(file.body), []byte("/ByteRange")) {
			t.Error("no signature dictionary in the result")
		}
	})
}

// A document the catalogue wants as a signed e-document (the marriage
// registration's certificate of marital status, an e-result of another
// commune) is refused without a signature, or with one this server cannot
// confirm, at upload on the portal and at submission through the API; a
// copy signed by a trusted agency passes that check.
func TestSignedDocumentRequired(t *testing.T) {
	t.Parallel()
	s := start(t, serverOpts{})
	c := newAPIClient(t, s)
	unit := agencyID(t, s, "000.01.20.H37")
	const doc = "Giấy xác nhận tình trạng hôn nhân"
	submit := func(upload int64) string {
		return submission("1.000894", unit, map[string][]string{}, fileRef{UploadID: upload, Document: doc})
	}

	// Signed by another ward with the demo CA (trusted here), timestamped.
	good := signedByWard(t, s, attachtest.PDF(1, "giay xac nhan tinh trang hon nhan"))
	untrusted, _ := testCA(t, t.TempDir())

	c.run(t, []scenario{
		{name: "Unsigned", as: "api:congdan", method: "POST", path: "/api/v1/dossiers", body: submit(c.upload("congdan", "xac-nhan.pdf", tinyPDF("scan"))),
			status: 400, want: []string{"attach.signature_required", "không có chữ ký số"}},
		{name: "UntrustedIssuer", as: "api:congdan", method: "POST", path: "/api/v1/dossiers", body: submit(c.upload("congdan", "xac-nhan.pdf", signedPDF(t, untrusted))),
			status: 400, want: []string{"attach.signature_not_valid"}},
		// Signed and trusted: past the signature check, the (empty) e-form is what is refused.
		{name: "Signed", as: "api:congdan", method: "POST", path: "/api/v1/dossiers", body: submit(c.upload("congdan", "xac-nhan.pdf", good)),
			status: 400, want: []string{"eform.required"}, notWant: []string{"signature_"}},
		{name: "ProcedurePage", method: "GET", path: "/thu-tuc/1.000894", status: 200, want: []string{"Bản điện tử có chữ ký số của cơ quan cấp"}},
	})

	// On the portal the refusal comes with the upload, beside the file
	// input, before anything else is filled in.
	an := s.browser()
	s.webLogin(an, "congdan")
	page := s.do(an, "GET", "/nop-ho-so/1.000894", "", nil)
	expect(t, "ApplyPage", page, 200, "Bản điện tử có chữ ký số của cơ quan cấp", `accept="application/pdf,.pdf"`)
	body, ct := multipartFile("tep_d1", "xac-nhan.pdf", tinyPDF("scan"))
	r := s.do(an, "POST", "/nop-ho-so/1.000894", body, map[string]string{"Content-Type": ct})
	if !strings.Contains(r.body, "không có chữ ký số") || !strings.Contains(r.body, `href="#tep-d1"`) {
		t.Errorf("apply with an unsigned certificate: %d\n%s", r.status, mainOf(r.body))
	}
}

// Administrators upload the ward's seal and an official's signature as
// transparent PNGs; an opaque image is refused with the reason; another
// agency's administrator cannot see them; the next result shows them.
func TestSignatureImagePages(t *testing.T) {
	t.Parallel()
	s := start(t, serverOpts{})
	ward := agencyID(t, s, "000.00.20.H37")
	pkiAgencyAdmin(t, s, "quantri.khac", "000.00.03.H37")
	admin := s.browser()
	s.webLogin(admin, "admin")
	seal, err := pades.RenderSeal(pades.SealText{Name: "Ủy ban nhân dân phường Đông Kinh", Bottom: "Tỉnh Lạng Sơn"}, 400)
	if err != nil {
		t.Fatal(err)
	}
	var sealPNG, opaquePNG bytes.Buffer
	_ = png.Encode(&sealPNG, seal)
	opaque := image.NewNRGBA(image.Rect(0, 0, 300, 300))
	for i := range opaque.Pix {
		opaque.Pix[i] = 0xff
	}
	_ = png.Encode(&opaquePNG, opaque)
	owner := "a:" + strconvI(ward)
	up := func(data []byte) (string, map[string]string) {
		return deskMultipart(t, deskPart{name: "owner", value: owner}, deskPart{name: "file", file: "con-dau.png", data: data})
	}
	bad, badHdr := up(opaquePNG.Bytes())
	good, goodHdr := up(sealPNG.Bytes())
	runScenarios(t, s, []scenario{
		{name: "Form", as: "web:admin", path: "/quan-tri/chung-thu-so/hinh-anh?cho=" + owner, status: 200,
			want: []string{"Ảnh con dấu và chữ ký", `enctype="multipart/form-data"`, `accept="image/png,.png"`}, notWant: []string{"Ảnh đang dùng"}},
		{name: "Opaque", as: "web:admin", method: "POST", path: "/quan-tri/chung-thu-so/hinh-anh", body: bad, headers: badHdr, status: 400,
			want: []string{"Ảnh chưa có nền trong suốt", `href="#file"`}},
		{name: "Seal", as: "web:admin", method: "POST", path: "/quan-tri/chung-thu-so/hinh-anh", body: good, headers: goodHdr, status: 303},
		{name: "Shown", as: "web:admin", path: "/quan-tri/chung-thu-so/hinh-anh?cho=" + owner, status: 200,
			want: []string{"Ảnh đang dùng", "/quan-tri/chung-thu-so/hinh-anh/seal/" + strconvI(ward) + ".png"}},
		{name: "PNG", as: "web:admin", path: "/quan-tri/chung-thu-so/hinh-anh/seal/" + strconvI(ward) + ".png", status: 200},
		{name: "OtherAgencysAdmin", as: "web:quantri.khac", path: "/quan-tri/chung-thu-so/hinh-anh/seal/" + strconvI(ward) + ".png", status: 404},
		{name: "Citizen", as: "web:congdan", path: "/quan-tri/chung-thu-so/hinh-anh", status: 403},
	})
	if _, raw, ok, err := s.app.PKI.Image(t.Context(), pki.SealImage, ward); err != nil || !ok || !bytes.Equal(raw, sealPNG.Bytes()) {
		t.Fatalf("stored seal: ok %v, err %v", ok, err)
	}
}

// Merging an agency into another (a reorganisation) revokes the
// certificates that name it: its organisation certificate for cessation
// of operation, its officials' for a changed affiliation; what it signed
// before stays valid, the revocation coming after the timestamped time.
func TestMergerRetiresCertificates(t *testing.T) {
	t.Parallel()
	s := start(t, serverOpts{})
	ctx := audit.WithActor(t.Context(), audit.Actor{Username: "test"})
	from, err := s.app.Identity.AgencyByCode(ctx, "000.00.20.H37")
	if err != nil {
		t.Fatal(err)
	}
	into := agencyID(t, s, "000.00.03.H37")
	leader, err := s.app.Identity.UserByUsername(ctx, "lanhdao.xa")
	if err != nil {
		t.Fatal(err)
	}
	a := pki.Agency{ID: from.ID, Code: from.Code, Name: from.Name, Province: "Lạng Sơn"}
	org, err := s.app.PKI.IssueOrganisation(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	per, err := s.app.PKI.IssuePersonal(ctx, pki.Official{UserID: leader.ID, FullName: leader.FullName}, a)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := s.app.PKI.SignerFor(ctx, org.ID)
	if err != nil {
		t.Fatal(err)
	}
	in := attachtest.PDF(1, "truoc sap nhap")
	var before bytes.Buffer
	if err := pades.Sign(&before, bytes.NewReader(in), int64(len(in)), signer, pades.Options{TSAURL: s.URL + "/pki/tsa"}); err != nil {
		t.Fatal(err)
	}
	// Revocation times have a second's precision: a revocation in the
	// signing second itself would rightly make the signature invalid.
	time.Sleep(1100 * time.Millisecond)
	if err := s.app.Identity.MergeAgency(ctx, from.ID, into); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		id     int64
		reason int
	}{{org.ID, pki.ReasonCessationOfOperation}, {per.ID, pki.ReasonAffiliationChanged}} {
		got, err := s.app.PKI.Get(ctx, c.id)
		if err != nil || !got.Revoked() || got.RevocationReason != c.reason {
			t.Errorf("certificate %d after the merger: %v, revoked %v, reason %d (want %d)", c.id, err, got != nil && got.Revoked(), got.RevocationReason, c.reason)
		}
	}
	body, ct := multipartFile("file", "truoc-sap-nhap.pdf", before.Bytes())
	runScenarios(t, s, []scenario{{name: "SignedBeforeStaysValid", method: "POST", path: "/api/v1/verify", body: body,
		headers: map[string]string{"Content-Type": ct}, status: 200, want: []string{`"exit_status":0`, `"revoked":true`}}})
}
