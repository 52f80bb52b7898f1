package oidcdemo

import (
	"net/http"
	"strings"

	"golang.org/x/text/language"
)

// texts holds every string a person reads on the provider's pages.
type texts struct {
	Lang          string
	Title         string
	DemoBadge     string
	DemoNotice    string
	Heading       string
	ContinueTo    string
	Username      string
	Password      string
	SignIn        string
	Cancel        string
	OtherLang     string // code of the other language
	OtherLangName string // its name, written in that language
	ErrorHeading  string
	ErrorAdvice   string
	Messages      map[msgKey]string
}

type msgKey int

const (
	msgNone msgKey = iota
	msgBadCredentials
	msgMissingCredentials
	msgSystem
	msgUnknownClient
	msgRedirectMismatch
	msgBadRequest
)

var textsVI = &texts{
	Lang:          "vi",
	Title:         "Cổng định danh điện tử (mô phỏng)",
	DemoBadge:     "Bản mô phỏng.",
	DemoNotice:    "Đây là cổng đăng nhập dùng để trình diễn và thử nghiệm, không phải cổng định danh điện tử quốc gia. Không nhập mật khẩu thật của bạn.",
	Heading:       "Đăng nhập",
	ContinueTo:    "Đăng nhập để tiếp tục đến",
	Username:      "Tên đăng nhập (số định danh cá nhân)",
	Password:      "Mật khẩu",
	SignIn:        "Đăng nhập",
	Cancel:        "Hủy",
	OtherLang:     "en",
	OtherLangName: "English",
	ErrorHeading:  "Không thể tiếp tục đăng nhập",
	ErrorAdvice:   "Vui lòng quay lại trang dịch vụ bạn đang dùng và thử lại. Nếu lỗi còn tiếp diễn, hãy báo cho đơn vị quản lý dịch vụ.",
	Messages: map[msgKey]string{
		msgBadCredentials:     "Tên đăng nhập hoặc mật khẩu không đúng. Vui lòng thử lại.",
		msgMissingCredentials: "Vui lòng nhập tên đăng nhập và mật khẩu.",
		msgSystem:             "Không thể đăng nhập lúc này do lỗi hệ thống. Vui lòng thử lại sau.",
		msgUnknownClient:      "Ứng dụng yêu cầu đăng nhập chưa được đăng ký với cổng này.",
		msgRedirectMismatch:   "Địa chỉ quay lại (redirect_uri) không khớp với địa chỉ đã đăng ký của ứng dụng.",
		msgBadRequest:         "Yêu cầu đăng nhập không hợp lệ.",
	},
}

var textsEN = &texts{
	Lang:          "en",
	Title:         "Electronic identity portal (demo)",
	DemoBadge:     "Demo.",
	DemoNotice:    "This sign-in service is for demonstration and testing; it is not the national electronic identity service. Do not enter your real password.",
	Heading:       "Sign in",
	ContinueTo:    "Sign in to continue to",
	Username:      "Username (personal ID number)",
	Password:      "Password",
	SignIn:        "Sign in",
	Cancel:        "Cancel",
	OtherLang:     "vi",
	OtherLangName: "Tiếng Việt",
	ErrorHeading:  "Sign-in cannot continue",
	ErrorAdvice:   "Please go back to the service you were using and try again. If the problem persists, tell the service's operator.",
	Messages: map[msgKey]string{
		msgBadCredentials:     "Incorrect username or password. Please try again.",
		msgMissingCredentials: "Please enter your username and password.",
		msgSystem:             "Sign-in is unavailable because of a system error. Please try again later.",
		msgUnknownClient:      "The application asking you to sign in is not registered with this service.",
		msgRedirectMismatch:   "The return address (redirect_uri) does not match the one registered for the application.",
		msgBadRequest:         "The sign-in request is not valid.",
	},
}

var langMatcher = language.NewMatcher([]language.Tag{language.Vietnamese, language.English})

// pickTexts chooses the language: an explicit lang parameter (the page's own
// switch), then OpenID's ui_locales, then Accept-Language; Vietnamese unless
// English is asked for.
func pickTexts(r *http.Request, lang, uiLocales string) *texts {
	switch lang {
	case "vi":
		return textsVI
	case "en":
		return textsEN
	}
	for _, l := range strings.Fields(uiLocales) {
		if t, err := language.Parse(l); err == nil {
			if b, _ := t.Base(); b.String() == "en" {
				return textsEN
			} else if b.String() == "vi" {
				return textsVI
			}
		}
	}
	tags, _, err := language.ParseAcceptLanguage(r.Header.Get("Accept-Language"))
	if err != nil || len(tags) == 0 {
		return textsVI
	}
	if _, i, conf := langMatcher.Match(tags...); conf != language.No && i == 1 {
		return textsEN
	}
	return textsVI
}
