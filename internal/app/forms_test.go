package app_test

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"

	"egov/internal/catalog"
	"egov/internal/dossier"
)

// The one-stop forms as PDF through the API and the pages: the receipt
// exists once the dossier is received, for its applicant and the officials
// who see it, and for nobody else; the register is for the unit's desk and
// leaders.
func TestDossierForms(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, s *server) {
		c := newAPIClient(t, s)
		unit := agencyID(t, s, deskWardUnit)
		d := deskFile(t, s, "1.004873", deskMarital)
		form := func(f string) string { return "/api/v1/dossiers/" + d.Code + "/forms/" + f }
		c.run(t, []scenario{
			{name: "ReceiptBeforeReceipt", as: "api:congdan", method: "GET", path: form("giay-tiep-nhan"), status: 404, want: []string{"forms.not_available"}},
		})
		act(t, s, "motcua.xa", d.Code, catalog.ActReceive, dossier.Input{})
		c.run(t, []scenario{
			{name: "Applicant", as: "api:congdan", method: "GET", path: form("giay-tiep-nhan"), status: 200, want: []string{"%PDF-"}},
			{name: "Desk", as: "api:motcua.xa", method: "GET", path: form("phieu-kiem-soat"), status: 200, want: []string{"%PDF-"}},
			{name: "NoRefusal", as: "api:congdan", method: "GET", path: form("phieu-tu-choi"), status: 404, want: []string{"forms.not_available"}},
			{name: "UnknownForm", as: "api:congdan", method: "GET", path: form("phieu-la"), status: 422},
			{name: "OtherCitizen", as: "api:congdan2", method: "GET", path: form("giay-tiep-nhan"), status: 404, notWant: []string{"%PDF-"}},
			{name: "OtherAgency", as: "api:motcua", method: "GET", path: form("giay-tiep-nhan"), status: 404, notWant: []string{"%PDF-"}},
			{name: "Anonymous", method: "GET", path: form("giay-tiep-nhan"), status: 401},
			{name: "PageApplicant", as: "web:congdan", method: "GET", path: "/ho-so/" + d.Code + "/phieu/giay-tiep-nhan", status: 200, want: []string{"%PDF-"}},
			{name: "PageOtherCitizen", as: "web:congdan2", method: "GET", path: "/ho-so/" + d.Code + "/phieu/giay-tiep-nhan", status: 404},
			{name: "PageDesk", as: "web:motcua.xa", method: "GET", path: "/mot-cua/ho-so/" + d.Code + "/phieu/phieu-kiem-soat", status: 200, want: []string{"%PDF-"}},
			{name: "NotificationLinksTheReceipt", as: "web:congdan", method: "GET", path: "/thong-bao", status: 200,
				want: []string{`href="/ho-so/` + d.Code + `/phieu/giay-tiep-nhan" download>Giấy tiếp nhận hồ sơ và hẹn trả kết quả</a>`}},
			{name: "DossierPageLinks", as: "web:congdan", method: "GET", path: "/ho-so/" + d.Code, status: 200,
				want: []string{"/ho-so/" + d.Code + "/phieu/giay-tiep-nhan", "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"}},
			{name: "Register", as: "api:motcua.xa", method: "GET", path: "/api/v1/dossier-register?unit=" + strconvI(unit) + "&from=2020-01-01&to=2030-01-01", status: 400, want: []string{"register.period"}},
			{name: "RegisterSpecialist", as: "api:chuyenvien.xa", method: "GET", path: "/api/v1/dossier-register?unit=" + strconvI(unit) + "&from=2026-01-01&to=2026-12-31", status: 403},
			{name: "RegisterOtherUnit", as: "api:motcua", method: "GET", path: "/api/v1/dossier-register?unit=" + strconvI(unit) + "&from=2026-01-01&to=2026-12-31", status: 403},
			{name: "RegisterPageBadDates", as: "web:motcua.xa", method: "GET", path: "/mot-cua/so-theo-doi?in=1&don_vi=" + strconvI(unit) + "&tu=2026-12-31&den=2026-01-01", status: 400, want: []string{"Nhập từ ngày và đến ngày"}},
		})

		// The receipt reads back as the one-stop desk wrote it.
		r := c.must(c.call("congdan", "GET", form("giay-tiep-nhan"), ""), 200)
		if pdftotext, err := exec.LookPath("pdftotext"); err == nil {
			cmd := exec.Command(pdftotext, "-layout", "-", "-")
			cmd.Stdin = strings.NewReader(r.body)
			var out bytes.Buffer
			cmd.Stdout = &out
			if err := cmd.Run(); err != nil {
				t.Fatal(err)
			}
			for _, want := range []string{d.Code, "Nguyễn Văn An", "Thủ tục cấp Giấy xác nhận tình trạng hôn nhân", "Bộ phận Một cửa phường Đông Kinh"} {
				if !strings.Contains(strings.Join(strings.Fields(out.String()), " "), want) {
					t.Errorf("the receipt lacks %q; it reads:\n%s", want, out.String())
				}
			}
		}
		reg := c.must(c.call("motcua.xa", "GET", "/api/v1/dossier-register?unit="+strconvI(unit)+"&from=2026-01-01&to=2026-12-31", ""), 200)
		if !strings.HasPrefix(reg.body, "%PDF-") || !strings.Contains(reg.header.Get("Content-Disposition"), "so-theo-doi-ho-so-20260101-20261231.pdf") {
			t.Errorf("register: %q %q", reg.body[:min(20, len(reg.body))], reg.header.Get("Content-Disposition"))
		}
	})
}
