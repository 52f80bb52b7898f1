package app_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	gopkcs12 "software.sslmate.com/src/go-pkcs12"

	"egov/internal/audit"
	"egov/internal/browsertest"
	"egov/internal/identity"
	"egov/internal/signing/pki"
)

// The certificate pages (internal/web/admin_pki.go): the system admin
// issues an agency's and an official's certificate, lists, downloads and
// revokes them (the CRL under /pki/ then lists the serial), imports
// PKCS#12 files and manages the trust store; agency admins act within
// their agency only; citizens and officials who administer nothing are
// refused; without a built-in CA the pages say certificates come from the
// Government's CA.

// pkiTestCA is a CA that is not egov's, as the Government CA's would be.
type pkiTestCA struct {
	root    *x509.Certificate
	rootKey *ecdsa.PrivateKey
}

func newPKITestCA(t *testing.T) pkiTestCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:   pkix.Name{Country: []string{"VN"}, CommonName: "Test Government Root CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(48 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	root, _ := x509.ParseCertificate(der)
	return pkiTestCA{root: root, rootKey: key}
}

// leaf issues a signing certificate for key under the test CA.
func (ca pkiTestCA) leaf(t *testing.T, cn string, pub any) *x509.Certificate {
	t.Helper()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:   pkix.Name{Country: []string{"VN"}, CommonName: cn, OrganizationalUnit: []string{"000.00.05.H37"}},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.root, pub, ca.rootKey)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := x509.ParseCertificate(der)
	return c
}

// p12 is a PKCS#12 file of a new ECDSA key and its certificate.
func (ca pkiTestCA) p12(t *testing.T, cn, password string) []byte {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	data, err := gopkcs12.Modern.Encode(key, ca.leaf(t, cn, key.Public()), []*x509.Certificate{ca.root}, password)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func (ca pkiTestCA) rootPEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.root.Raw})
}

// pkiAgencyAdmin creates an agency administrator of the agency with code.
func pkiAgencyAdmin(t *testing.T, s *server, username, code string) int64 {
	t.Helper()
	ctx := audit.WithActor(t.Context(), audit.Actor{Username: "test"})
	a, err := s.app.Identity.AgencyByCode(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.app.Identity.CreateUser(ctx, identity.UserInput{Username: username, Kind: identity.UserOfficial,
		FullName: "Quản trị " + a.Name, Password: demoPassword,
		Grants: []identity.Grant{{Role: identity.RoleAgencyAdmin, AgencyID: a.ID}}}); err != nil {
		t.Fatal(err)
	}
	return a.ID
}

func pkiUserID(t *testing.T, s *server, username string) string {
	t.Helper()
	u, err := s.app.Identity.UserByUsername(t.Context(), username)
	if err != nil {
		t.Fatal(err)
	}
	return strconvI(u.ID)
}

var certIDInLocation = regexp.MustCompile(`#cert-(\d+)$`)

// pkiPost posts as username and returns the certificate id the redirect
// names.
func pkiPost(t *testing.T, s *server, c *http.Client, path, body string, hdr map[string]string) string {
	t.Helper()
	resp := s.do(c, "POST", path, body, hdr)
	m := certIDInLocation.FindStringSubmatch(resp.header.Get("Location"))
	if resp.status != http.StatusSeeOther || m == nil {
		t.Fatalf("POST %s: %d to %q\n%s", path, resp.status, resp.header.Get("Location"), trim(resp.body))
	}
	return m[1]
}

func pkiDownload(t *testing.T, s *server, c *http.Client, id string) *x509.Certificate {
	t.Helper()
	resp := s.do(c, "GET", "/quan-tri/chung-thu-so/"+id+"/tai-ve", "", nil)
	if resp.status != 200 || !strings.HasPrefix(resp.header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("PEM of %s: %d %v", id, resp.status, resp.header)
	}
	b, rest := pem.Decode([]byte(resp.body))
	if b == nil || b.Type != "CERTIFICATE" || len(strings.TrimSpace(string(rest))) != 0 {
		t.Fatalf("PEM of %s is not one certificate:\n%s", id, resp.body)
	}
	cert, err := x509.ParseCertificate(b.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return cert
}

func TestPKIPages(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, s *server) {
		ctx := t.Context()
		const wardCode, wardName = "000.00.20.H37", "Ủy ban nhân dân phường Đông Kinh"
		ward := pkiAgencyAdmin(t, s, "quantri.xa", wardCode)
		var justice int64
		all, err := s.app.Identity.Agencies(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range all {
			if a.Name == "Sở Tư pháp" {
				justice = a.ID
				pkiAgencyAdmin(t, s, "quantri.stp", a.Code)
			}
		}
		wardS, justiceS := strconvI(ward), strconvI(justice)
		leaderXa, specialistXa, leaderTP := pkiUserID(t, s, "lanhdao.xa"), pkiUserID(t, s, "chuyenvien.xa"), pkiUserID(t, s, "lanhdao")
		ca, err := s.app.PKI.CurrentBuiltinCA(ctx)
		if err != nil {
			t.Fatal(err)
		}
		issuing := strconvI(ca.Issuing.ID)

		admin := s.browser()
		s.webLogin(admin, "admin")
		orgBody := "owner=a%3A" + wardS
		personalBody := "owner=" + url.QueryEscape("u:"+leaderXa+":"+wardS) + "&position=" + url.QueryEscape("Chủ tịch")
		var org, personal, specialist string

		t.Run("Issue", func(t *testing.T) {
			runScenarios(t, s, []scenario{
				{name: "NeedsLogin", path: "/quan-tri/chung-thu-so", status: 303, want: []string{"/dang-nhap?next="}},
				{name: "CitizenIsRefusedTheList", as: "web:congdan", path: "/quan-tri/chung-thu-so", status: 403, want: []string{"Không có quyền"}},
				{name: "CitizenIsRefusedIssuing", as: "web:congdan", method: "POST", path: "/quan-tri/chung-thu-so/cap", body: orgBody, status: 403},
				{name: "OfficialWhoAdministersNothing", as: "web:lanhdao.xa", path: "/quan-tri/chung-thu-so", status: 403},
				{name: "OfficialWhoAdministersNothingIssues", as: "web:lanhdao.xa", method: "POST", path: "/quan-tri/chung-thu-so/cap", body: orgBody, status: 403},
				{name: "OtherAgencysAdminIssues", as: "web:quantri.stp", method: "POST", path: "/quan-tri/chung-thu-so/cap", body: orgBody, status: 403},
				{name: "OtherAgencysAdminIssuesForAnOfficial", as: "web:quantri.stp", method: "POST", path: "/quan-tri/chung-thu-so/cap", body: personalBody, status: 403},
				{name: "CrossSiteIssue", as: "web:admin", method: "POST", path: "/quan-tri/chung-thu-so/cap", body: orgBody, headers: map[string]string{"Sec-Fetch-Site": "cross-site"}, status: 403, want: []string{"CSRF"}},
				{name: "HomeLinksThePages", as: "web:admin", path: "/quan-tri", status: 200, want: []string{`href="/quan-tri/chung-thu-so"`, `href="/quan-tri/tin-cay"`}},
				{name: "AgencyAdminsHomeLinksTheList", as: "web:quantri.xa", path: "/quan-tri", status: 200,
					want: []string{`href="/quan-tri/chung-thu-so"`}, notWant: []string{`href="/quan-tri/tin-cay"`}},
				{name: "TheForm", as: "web:admin", path: "/quan-tri/chung-thu-so/cap", status: 200,
					want: []string{`<label for="owner">Cấp cho</label>`, `<optgroup label="Cán bộ (chứng thư cá nhân)">`,
						`value="u:` + leaderXa + `:` + wardS + `"`, "Hà Văn Minh (lanhdao.xa) · Lãnh đạo · " + wardName, `value="a:` + wardS + `"`}},
				{name: "TheAgencyAdminsForm", as: "web:quantri.xa", path: "/quan-tri/chung-thu-so/cap", status: 200,
					want: []string{`value="a:` + wardS + `"`, "Nông Thị Hương (chuyenvien.xa)"}, notWant: []string{`value="a:` + justiceS + `"`, "(lanhdao)"}},
				{name: "NoOwner", as: "web:admin", method: "POST", path: "/quan-tri/chung-thu-so/cap", body: "owner=", status: 400,
					want: []string{"Chọn cơ quan hoặc cán bộ được cấp chứng thư số", `href="#owner"`, `aria-invalid="true"`}},
				{name: "AnOfficialOfAnotherAgency", as: "web:admin", method: "POST", path: "/quan-tri/chung-thu-so/cap",
					body: "owner=" + url.QueryEscape("u:"+leaderTP+":"+wardS), status: 400, want: []string{"không phải cán bộ của cơ quan đã chọn"}},
				{name: "PositionTooLong", as: "web:admin", method: "POST", path: "/quan-tri/chung-thu-so/cap",
					body: "owner=" + url.QueryEscape("u:"+leaderXa+":"+wardS) + "&position=" + strings.Repeat("x", 101), status: 400,
					want: []string{"Chức vụ dài quá 100 ký tự", `href="#position"`}},
			})
			org = pkiPost(t, s, admin, "/quan-tri/chung-thu-so/cap", orgBody, nil)
			personal = pkiPost(t, s, admin, "/quan-tri/chung-thu-so/cap", personalBody, nil)
			// The ward's own administrator issues to a specialist, whose
			// position is their role.
			qx := s.browser()
			s.webLogin(qx, "quantri.xa")
			specialist = pkiPost(t, s, qx, "/quan-tri/chung-thu-so/cap", "owner="+url.QueryEscape("u:"+specialistXa+":"+wardS), nil)
		})

		t.Run("ListAndDownload", func(t *testing.T) {
			runScenarios(t, s, []scenario{
				{name: "Listed", as: "web:admin", path: "/quan-tri/chung-thu-so?co-quan=" + wardS, status: 200,
					want: []string{`<caption id="certs-caption">Chứng thư số của cơ quan và cán bộ (3)</caption>`, `id="cert-` + org + `"`, `id="cert-` + personal + `"`,
						"Hà Văn Minh", "Chủ tịch", "Nông Thị Hương (chuyenvien.xa)", "Cơ quan, tổ chức", "Cá nhân", "Còn hiệu lực", "ECDSA P-256",
						"Hệ thống giữ khóa bí mật", "/quan-tri/chung-thu-so/" + org + "/tai-ve", "/quan-tri/chung-thu-so/" + personal + "/thu-hoi",
						"/pki/ca/" + issuing + ".crt", "/pki/crl/" + issuing + ".crl", `href="/quan-tri/chung-thu-so/cap"`},
					notWant: []string{"[pki.", "Dịch vụ dấu thời gian"}},
				{name: "TheSystemAdminSeesTheAuthorities", as: "web:admin", path: "/quan-tri/chung-thu-so", status: 200,
					want: []string{"Chứng thư của tổ chức cấp chứng thư số (CA) và dấu thời gian", "CA gốc", "CA cấp phát", "Dịch vụ dấu thời gian",
						"egov Root CA", "Hà Văn Minh"}},
				{name: "TheWardsAdmin", as: "web:quantri.xa", path: "/quan-tri/chung-thu-so", status: 200,
					want:    []string{"Hà Văn Minh", "Nông Thị Hương", "/pki/crl/" + issuing + ".crl"},
					notWant: []string{"Dịch vụ dấu thời gian", `id="ca-caption"`, `href="/quan-tri/tin-cay"`}},
				{name: "AnotherAgencysAdminSeesNone", as: "web:quantri.stp", path: "/quan-tri/chung-thu-so", status: 200,
					want: []string{"Chưa có chứng thư số nào"}, notWant: []string{"Hà Văn Minh", "cert-" + org}},
				{name: "AnotherAgencysAdminFilters", as: "web:quantri.stp", path: "/quan-tri/chung-thu-so?co-quan=" + wardS, status: 403},
				{name: "AnotherAgencysAdminDownloads", as: "web:quantri.stp", path: "/quan-tri/chung-thu-so/" + org + "/tai-ve", status: 403},
				{name: "AnotherAgencysAdminDownloadsTheCA", as: "web:quantri.stp", path: "/quan-tri/chung-thu-so/" + issuing + "/tai-ve", status: 403},
				{name: "CitizenDownloads", as: "web:congdan", path: "/quan-tri/chung-thu-so/" + org + "/tai-ve", status: 403},
				{name: "UnknownCertificate", as: "web:admin", path: "/quan-tri/chung-thu-so/999999/tai-ve", status: 404},
				{name: "InEnglish", as: "web:admin", path: "/quan-tri/chung-thu-so?lang=en&co-quan=" + wardS, status: 200,
					want: []string{"Agency and official certificates", "Valid", "Private key held", "Revoke"}, notWant: []string{"[pki.", "[trust."}},
			})
			o := pkiDownload(t, s, admin, org)
			if o.Subject.CommonName != wardName || o.Subject.OrganizationalUnit[0] != wardCode || o.Subject.Locality[0] != "Lạng Sơn" {
				t.Errorf("organisation subject %s", o.Subject)
			}
			p := pkiDownload(t, s, admin, personal)
			if p.Subject.CommonName != "Hà Văn Minh" || pki.Title(p.Subject) != "Chủ tịch" || p.Subject.Organization[0] != wardName {
				t.Errorf("personal subject %s", pki.SubjectText(p.Subject))
			}
			qx := s.browser()
			s.webLogin(qx, "quantri.xa")
			if sp := pkiDownload(t, s, qx, specialist); pki.Title(sp.Subject) != "Chuyên viên" {
				t.Errorf("the specialist's position %q, want their role", pki.Title(sp.Subject))
			}
			if err := p.CheckSignatureFrom(ca.Issuing.Cert); err != nil {
				t.Errorf("the personal certificate does not chain to the issuing CA: %v", err)
			}
		})

		t.Run("Revoke", func(t *testing.T) {
			page := "/quan-tri/chung-thu-so/" + personal + "/thu-hoi"
			runScenarios(t, s, []scenario{
				{name: "Confirmation", as: "web:quantri.xa", path: page, status: 200,
					want: []string{"Thu hồi chứng thư số", "Hà Văn Minh", "Thu hồi không thể hoàn tác", `<label for="reason">Lý do thu hồi</label>`,
						"Lộ khóa bí mật", "Bị rút quyền sử dụng", "Xác nhận thu hồi", `action="` + page + `"`}},
				{name: "AnotherAgencysAdminSees", as: "web:quantri.stp", path: page, status: 403},
				{name: "AnotherAgencysAdminRevokes", as: "web:quantri.stp", method: "POST", path: page, body: "reason=1", status: 403},
				{name: "CitizenRevokes", as: "web:congdan", method: "POST", path: page, body: "reason=1", status: 403},
				{name: "CrossSiteRevoke", as: "web:quantri.xa", method: "POST", path: page, body: "reason=1", headers: map[string]string{"Sec-Fetch-Site": "cross-site"}, status: 403, want: []string{"CSRF"}},
				{name: "WithoutAReason", as: "web:quantri.xa", method: "POST", path: page, body: "reason=", status: 400,
					want: []string{"Chọn lý do thu hồi", `href="#reason"`}},
				{name: "CertificateHoldIsNotOffered", as: "web:quantri.xa", method: "POST", path: page, body: "reason=6", status: 400,
					want: []string{"Lý do thu hồi không hợp lệ"}},
				{name: "Revoke", as: "web:quantri.xa", method: "POST", path: page, body: "reason=1", status: 303, want: []string{"#cert-" + personal}},
				{name: "Twice", as: "web:quantri.xa", method: "POST", path: page, body: "reason=4", status: 409, want: []string{"đã bị thu hồi trước đó"}},
				{name: "ShownRevoked", as: "web:quantri.xa", path: "/quan-tri/chung-thu-so", status: 200,
					want: []string{"Đã thu hồi", "Lý do thu hồi: Lộ khóa bí mật"}},
				{name: "NoFormOnceRevoked", as: "web:quantri.xa", path: page, status: 200, notWant: []string{"Xác nhận thu hồi"}},
				{name: "TheIssuingCAIsNotRevokedHere", as: "web:admin", method: "POST", path: "/quan-tri/chung-thu-so/" + issuing + "/thu-hoi",
					body: "reason=1", status: 409, want: []string{"Chỉ thu hồi được chứng thư số của cơ quan hoặc của cán bộ"}},
			})
			resp := s.do(http.DefaultClient, "GET", "/pki/crl/"+issuing+".crl", "", nil)
			crl, err := x509.ParseRevocationList([]byte(resp.body))
			if err != nil {
				t.Fatalf("CRL: %d %v", resp.status, err)
			}
			c, err := s.app.PKI.Get(ctx, mustID(t, personal))
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, e := range crl.RevokedCertificateEntries {
				if e.SerialNumber.Cmp(c.Cert.SerialNumber) == 0 && e.ReasonCode == pki.ReasonKeyCompromise {
					found = true
				}
			}
			if !found || len(crl.RevokedCertificateEntries) != 1 {
				t.Errorf("the CRL lists %+v, want the revoked serial %s", crl.RevokedCertificateEntries, c.Serial)
			}
		})

		t.Run("Import", func(t *testing.T) {
			ext := newPKITestCA(t)
			const pw = "mật-khẩu-bí-mật-123"
			imp := func(owner string, file []byte, password string) (string, map[string]string) {
				parts := []deskPart{{name: "owner", value: owner}, {name: "password", value: password}}
				if file != nil {
					parts = append(parts, deskPart{name: "file", file: "chung-thu.p12", data: file})
				}
				return deskMultipart(t, parts...)
			}
			good, goodHdr := imp("a:"+justiceS, ext.p12(t, "Sở Tư pháp tỉnh Lạng Sơn", pw), pw)
			wrong, wrongHdr := imp("a:"+justiceS, ext.p12(t, "Sở Tư pháp tỉnh Lạng Sơn", pw), "sai-mat-khau-987")
			notP12, notP12Hdr := imp("a:"+justiceS, []byte("-----BEGIN CERTIFICATE-----\nnot really\n"), pw)
			trustStore, err := gopkcs12.Modern.EncodeTrustStore([]*x509.Certificate{ext.root}, pw)
			if err != nil {
				t.Fatal(err)
			}
			noKey, noKeyHdr := imp("a:"+justiceS, trustStore, pw)
			weak, _ := rsa.GenerateKey(rand.Reader, 1024)
			weakP12, err := gopkcs12.Modern.Encode(weak, ext.leaf(t, "RSA 1024", weak.Public()), nil, pw)
			if err != nil {
				t.Fatal(err)
			}
			weakBody, weakHdr := imp("a:"+justiceS, weakP12, pw)
			noFile, noFileHdr := imp("a:"+justiceS, nil, pw)
			personalP12, personalHdr := imp("u:"+leaderTP+":"+justiceS, ext.p12(t, "Hoàng Văn Đức", pw), pw)
			runScenarios(t, s, []scenario{
				{name: "TheForm", as: "web:admin", path: "/quan-tri/chung-thu-so/nhap", status: 200,
					want: []string{`enctype="multipart/form-data"`, `<label for="file">Tệp PKCS#12 (.p12, .pfx)</label>`, `type="password"`, `value="a:` + justiceS + `"`}},
				{name: "Citizen", as: "web:congdan", method: "POST", path: "/quan-tri/chung-thu-so/nhap", body: good, headers: goodHdr, status: 403},
				{name: "AnotherAgencysAdmin", as: "web:quantri.xa", method: "POST", path: "/quan-tri/chung-thu-so/nhap", body: good, headers: goodHdr, status: 403},
				{name: "WrongPassword", as: "web:admin", method: "POST", path: "/quan-tri/chung-thu-so/nhap", body: wrong, headers: wrongHdr, status: 400,
					want: []string{"Mật khẩu của tệp PKCS#12 không đúng", `href="#password"`, `value="a:` + justiceS + `" selected`}, notWant: []string{"sai-mat-khau-987"}},
				{name: "NotPKCS12", as: "web:admin", method: "POST", path: "/quan-tri/chung-thu-so/nhap", body: notP12, headers: notP12Hdr, status: 400,
					want: []string{"Tệp không phải là tệp PKCS#12 (.p12, .pfx) hợp lệ", `href="#file"`}, notWant: []string{pw}},
				{name: "NoKey", as: "web:admin", method: "POST", path: "/quan-tri/chung-thu-so/nhap", body: noKey, headers: noKeyHdr, status: 400,
					want: []string{"Tệp PKCS#12 không chứa khóa bí mật"}},
				{name: "UnsupportedKey", as: "web:admin", method: "POST", path: "/quan-tri/chung-thu-so/nhap", body: weakBody, headers: weakHdr, status: 400,
					want: []string{"Loại khóa không được hỗ trợ"}},
				{name: "NoFile", as: "web:admin", method: "POST", path: "/quan-tri/chung-thu-so/nhap", body: noFile, headers: noFileHdr, status: 400,
					want: []string{"Chọn tệp PKCS#12 (.p12, .pfx) cần nhập"}},
				{name: "WrongPasswordInEnglish", as: "web:admin", method: "POST", path: "/quan-tri/chung-thu-so/nhap?lang=en", body: wrong, headers: wrongHdr, status: 400,
					want: []string{"The PKCS#12 password is incorrect"}},
			})
			id := pkiPost(t, s, admin, "/quan-tri/chung-thu-so/nhap", good, goodHdr)
			qt := s.browser()
			s.webLogin(qt, "quantri.stp")
			pid := pkiPost(t, s, qt, "/quan-tri/chung-thu-so/nhap", personalP12, personalHdr)
			runScenarios(t, s, []scenario{
				{name: "Imported", as: "web:quantri.stp", path: "/quan-tri/chung-thu-so", status: 200,
					want: []string{`id="cert-` + id + `"`, `id="cert-` + pid + `"`, "Sở Tư pháp tỉnh Lạng Sơn", "Hoàng Văn Đức (lanhdao)", "Hệ thống giữ khóa bí mật"}},
				{name: "TheWardDoesNotSeeIt", as: "web:quantri.xa", path: "/quan-tri/chung-thu-so", status: 200, notWant: []string{"cert-" + id}},
			})
			if c := pkiDownload(t, s, qt, pid); c.Subject.CommonName != "Hoàng Văn Đức" {
				t.Errorf("imported %s", c.Subject)
			}
		})

		t.Run("Trust", func(t *testing.T) {
			ext := newPKITestCA(t)
			add := func(data []byte) (string, map[string]string) {
				return deskMultipart(t, deskPart{name: "file", file: "goc.crt", data: data})
			}
			root, rootHdr := add(ext.rootPEM())
			leaf, leafHdr := add(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ext.leaf(t, "leaf", ext.rootKey.Public()).Raw}))
			junk, junkHdr := add([]byte("junk"))
			runScenarios(t, s, []scenario{
				{name: "Citizen", as: "web:congdan", path: "/quan-tri/tin-cay", status: 403},
				{name: "AgencyAdmin", as: "web:quantri.xa", path: "/quan-tri/tin-cay", status: 403},
				{name: "AgencyAdminAdds", as: "web:quantri.xa", method: "POST", path: "/quan-tri/tin-cay", body: root, headers: rootHdr, status: 403},
				{name: "List", as: "web:admin", path: "/quan-tri/tin-cay", status: 200,
					want: []string{"Chứng thư gốc tin cậy", "egov Root CA", "Có sẵn (CA nội bộ)", "Dấu vân tay SHA-256", `<caption id="roots-caption">`}},
				{name: "CrossSiteAdd", as: "web:admin", method: "POST", path: "/quan-tri/tin-cay", body: root, headers: map[string]string{"Content-Type": rootHdr["Content-Type"], "Sec-Fetch-Site": "cross-site"}, status: 403, want: []string{"CSRF"}},
				{name: "Add", as: "web:admin", method: "POST", path: "/quan-tri/tin-cay", body: root, headers: rootHdr, status: 303, want: []string{"/quan-tri/tin-cay#root-"}},
				{name: "Listed", as: "web:admin", path: "/quan-tri/tin-cay", status: 200, want: []string{"Test Government Root CA", "Thêm bởi Quản trị hệ thống (admin)"}},
				{name: "AddTwice", as: "web:admin", method: "POST", path: "/quan-tri/tin-cay", body: root, headers: rootHdr, status: 409,
					want: []string{"Chứng thư gốc này đã có trong danh sách tin cậy"}},
				{name: "AddALeaf", as: "web:admin", method: "POST", path: "/quan-tri/tin-cay", body: leaf, headers: leafHdr, status: 400,
					want: []string{"không phải của tổ chức cấp chứng thư (CA) gốc", `href="#file"`}},
				{name: "AddJunk", as: "web:admin", method: "POST", path: "/quan-tri/tin-cay", body: junk, headers: junkHdr, status: 400,
					want: []string{"Không đọc được chứng thư số"}},
			})
			roots, err := s.app.PKI.Roots(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var id string
			for _, r := range roots {
				if r.Cert.Equal(ext.root) {
					id = strconvI(r.ID)
				}
			}
			page := "/quan-tri/tin-cay/" + id + "/xoa"
			runScenarios(t, s, []scenario{
				{name: "RemoveByAgencyAdmin", as: "web:quantri.xa", method: "POST", path: page, status: 403},
				{name: "CrossSiteRemove", as: "web:admin", method: "POST", path: page, headers: map[string]string{"Sec-Fetch-Site": "cross-site"}, status: 403, want: []string{"CSRF"}},
				{name: "Confirmation", as: "web:admin", path: page, status: 200,
					want: []string{"Bỏ tin cậy chứng thư gốc", "Test Government Root CA", "Xác nhận bỏ tin cậy", `action="` + page + `"`}},
				{name: "Remove", as: "web:admin", method: "POST", path: page, status: 303},
				{name: "Gone", as: "web:admin", path: "/quan-tri/tin-cay", status: 200, notWant: []string{"Test Government Root CA"}},
				{name: "RemoveTwice", as: "web:admin", method: "POST", path: page, status: 404},
				{name: "InEnglish", as: "web:admin", path: "/quan-tri/tin-cay?lang=en", status: 200,
					want: []string{"Trusted roots", "Built in (internal CA)"}, notWant: []string{"[trust.", "[pki."}},
			})
		})

		t.Run("Audited", func(t *testing.T) {
			got := map[string]int{}
			rows, err := s.app.DB.R.QueryContext(ctx, `SELECT action FROM audit_log WHERE action LIKE 'pki.%'`)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			for rows.Next() {
				var a string
				if err := rows.Scan(&a); err != nil {
					t.Fatal(err)
				}
				got[a]++
			}
			// Three issued, one revoked, two imported (with the test CA
			// stored once), one root trusted and removed: once each.
			for action, n := range map[string]int{"pki.issue": 3, "pki.revoke": 1, "pki.import": 3, "pki.trust_add": 2, "pki.trust_remove": 1} {
				if got[action] != n {
					t.Errorf("%d %s entries, want %d (all: %v)", got[action], action, n, got)
				}
			}
		})

		// Last: without a usable built-in CA (here its issuing CA is
		// revoked) nothing is issued, and the pages say why.
		t.Run("WithoutTheBuiltinCA", func(t *testing.T) {
			if err := s.app.PKI.Revoke(audit.WithActor(ctx, audit.Actor{Username: "test"}), ca.Issuing.Serial, pki.ReasonCessationOfOperation, time.Time{}); err != nil {
				t.Fatal(err)
			}
			runScenarios(t, s, []scenario{
				{name: "TheForm", as: "web:admin", path: "/quan-tri/chung-thu-so/cap", status: 501,
					want: []string{"chuyên dùng Chính phủ", `href="/quan-tri/chung-thu-so/nhap"`}, notWant: []string{`name="owner"`}},
				{name: "Issue", as: "web:admin", method: "POST", path: "/quan-tri/chung-thu-so/cap", body: orgBody, status: 501,
					want: []string{"không có tổ chức cấp chứng thư số nội bộ"}},
				{name: "TheList", as: "web:admin", path: "/quan-tri/chung-thu-so", status: 200,
					want: []string{"chuyên dùng Chính phủ"}, notWant: []string{`href="/quan-tri/chung-thu-so/cap"`}},
				{name: "InEnglish", as: "web:admin", path: "/quan-tri/chung-thu-so/cap?lang=en", status: 501,
					want: []string{"specialised certification authority"}},
			})
		})
	})
}

func mustID(t *testing.T, s string) int64 {
	t.Helper()
	var n int64
	for _, c := range s {
		if c < '0' || c > '9' {
			t.Fatalf("not an id: %q", s)
		}
		n = n*10 + int64(c-'0')
	}
	return n
}

// TestPKIPagesBrowser walks the certificate pages in a browser, in
// Vietnamese and English: issue an agency certificate through the form,
// revoke it after the confirmation step (first without a reason), the
// import form, the trust store and its removal step; every page passes
// axe-core (WCAG 2.2 AA) and fits a phone's width. With EGOV_SCREENSHOTS it
// saves the list and the trust store.
func TestPKIPagesBrowser(t *testing.T) {
	t.Parallel()
	s := newBrowserSuite(t)
	ward, err := s.srv.app.Identity.AgencyByCode(t.Context(), "000.00.20.H37")
	if err != nil {
		t.Fatal(err)
	}
	roots, err := s.srv.app.PKI.Roots(t.Context())
	if err != nil || len(roots) == 0 {
		t.Fatalf("roots: %v %v", roots, err)
	}
	rootPage := "/quan-tri/tin-cay/" + strconvI(roots[0].ID) + "/xoa"
	for _, lang := range []string{"vi", "en"} {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			// The Vietnamese walk runs without JavaScript.
			var opts []browsertest.TabOption
			if lang == "vi" {
				opts = append(opts, browsertest.NoJS())
			}
			tab := s.tab(t, opts...)
			s.passwordLogin(t, tab, "admin", "/quan-tri")
			s.open(t, tab, langPath("/quan-tri/chung-thu-so/cap", lang), 200)
			s.accessible(t, tab)
			s.fill(t, tab, map[string]string{"#owner": "a:" + strconvI(ward.ID)})
			s.submit(t, tab, `main form button[type=submit]`, 200)
			s.contains(t, tab, "main", map[string]string{"vi": "Đã cấp chứng thư số", "en": "The certificate was issued"}[lang],
				"Ủy ban nhân dân phường Đông Kinh")
			s.accessible(t, tab)
			if lang == "vi" {
				s.screenshotOf(t, tab, "admin-certificates", false)
			}
			list := s.currentPath(t, tab)
			raw, err := browsertest.URL(tab)
			if err != nil {
				t.Fatal(err)
			}
			m := certIDInLocation.FindStringSubmatch(raw)
			if m == nil {
				t.Fatalf("the issue form led to %s, want a #cert-ID fragment", raw)
			}
			s.submit(t, tab, `main table a[href="/quan-tri/chung-thu-so/`+m[1]+`/thu-hoi"]`, 200)
			s.accessible(t, tab)
			s.submit(t, tab, `main form button[type=submit]`, 400)
			s.contains(t, tab, ".error-summary", map[string]string{"vi": "Chọn lý do thu hồi", "en": "Choose the reason"}[lang])
			s.accessible(t, tab)
			s.fill(t, tab, map[string]string{"#reason": "4"})
			s.submit(t, tab, `main form button[type=submit]`, 200)
			s.contains(t, tab, "main", map[string]string{"vi": "Đã thu hồi", "en": "Revoked"}[lang])
			for _, p := range []string{list, "/quan-tri/chung-thu-so", "/quan-tri/chung-thu-so/nhap", "/quan-tri/tin-cay", rootPage,
				"/quan-tri/chung-thu-so/hinh-anh?cho=a:" + strconvI(ward.ID)} {
				s.open(t, tab, langPath(p, lang), 200)
				if h, err := browsertest.Text(tab, "main h1"); err != nil || h == "" {
					t.Errorf("%s has no h1 in main (%v)", p, err)
				}
				s.accessible(t, tab)
			}
			if lang == "vi" {
				s.open(t, tab, "/quan-tri/tin-cay", 200)
				s.screenshotOf(t, tab, "admin-trust", false)
			}
			phone := s.tab(t, browsertest.Viewport(phoneWidth, phoneHeight))
			s.passwordLogin(t, phone, "admin", "/quan-tri")
			for _, p := range []string{"/quan-tri/chung-thu-so", "/quan-tri/chung-thu-so/cap", "/quan-tri/chung-thu-so/nhap", "/quan-tri/tin-cay", rootPage,
				"/quan-tri/chung-thu-so/hinh-anh?cho=a:" + strconvI(ward.ID)} {
				s.open(t, phone, langPath(p, lang), 200)
				s.fitsWidth(t, phone)
			}
		})
	}
}
