package mail_test

import (
	"slices"
	"strings"
	"testing"

	"egov/internal/dossier"
	egovmail "egov/internal/mail"
)

// Every notification kind has its own mail, in both languages.
func TestEveryNoticeKindHasTemplates(t *testing.T) {
	t.Parallel()
	kinds := egovmail.Kinds()
	for _, k := range dossier.NoticeKinds() {
		if !slices.Contains(kinds, k) {
			t.Errorf("no mail template for the notification kind %q", k)
		}
		n := egovmail.Notice{Kind: k, Code: "C-1", Name: "A", VI: "vi", EN: "en", Link: "L", TrackLink: "T", PrefsLink: "P"}
		for _, lang := range egovmail.Languages {
			subject, text, err := egovmail.Render(n, lang)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(subject, "C-1") || !strings.Contains(text, "L") || !strings.Contains(text, "T") {
				t.Errorf("%s/%s: %q %q", lang, k, subject, text)
			}
		}
	}
}

func TestRenderBilingual(t *testing.T) {
	t.Parallel()
	n := egovmail.Notice{Kind: "request_supplement", Code: "000.01.20.H37-260302-0001", Name: "Nguyễn Thị Hoà",
		VI:   "Hồ sơ 000.01.20.H37-260302-0001 cần bổ sung, hoàn thiện các nội dung sau:\n- Bản sao giấy khai sinh\n- Ảnh 4x6",
		EN:   "Dossier 000.01.20.H37-260302-0001 needs the following to be supplemented or completed:\n- Bản sao giấy khai sinh\n- Ảnh 4x6",
		Link: "https://dvc.example/ho-so/000.01.20.H37-260302-0001", TrackLink: "https://dvc.example/tra-cuu-ho-so?ma=000.01.20.H37-260302-0001",
		PrefsLink: "https://dvc.example/tai-khoan/thu-dien-tu"}
	subject, text, err := egovmail.Render(n, "")
	if err != nil {
		t.Fatal(err)
	}
	if subject != "Hồ sơ 000.01.20.H37-260302-0001 cần bổ sung" {
		t.Errorf("subject %q", subject)
	}
	vi, en := strings.Index(text, "Kính gửi Nguyễn Thị Hoà,"), strings.Index(text, "Dear Nguyễn Thị Hoà,")
	if vi != 0 || en < vi {
		t.Fatalf("Vietnamese first, English below:\n%s", text)
	}
	// Each deficiency is listed once per language, as the notification has it.
	if c := strings.Count(text, "- Bản sao giấy khai sinh"); c != 2 {
		t.Errorf("the deficiency appears %d times:\n%s", c, text)
	}
	for _, want := range []string{"Việc bạn cần làm", "What to do", n.Link, n.TrackLink, n.PrefsLink, "không cần đăng nhập"} {
		if !strings.Contains(text, want) {
			t.Errorf("no %q in\n%s", want, text)
		}
	}
	if strings.Contains(text, "\n\n\n") || strings.Contains(text, " \n") {
		t.Errorf("stray blank lines or spaces:\n%q", text)
	}
	// An official is sent to the desk's page.
	n.Kind, n.Official, n.Link = "step_warn", true, "https://dvc.example/mot-cua/ho-so/X"
	_, text, _ = egovmail.Render(n, "vi")
	if !strings.Contains(text, "trang cán bộ: https://dvc.example/mot-cua/ho-so/X") || strings.Contains(text, "Dear") {
		t.Errorf("official's mail:\n%s", text)
	}
}
