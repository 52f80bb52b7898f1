package api

import (
	"context"
	"fmt"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"egov/internal/apperr"
	"egov/internal/httpx"
	"egov/internal/identity"
	"egov/internal/mail"
)

// MailCategory is one kind of notification the user may also get by
// e-mail.
type MailCategory struct {
	Category string `json:"category" enum:"dossier_status,assigned,deadlines" doc:"dossier_status: tình trạng hồ sơ của tôi / the status of my dossiers (citizens, businesses); assigned: hồ sơ được giao / dossiers assigned to me, deadlines: sắp đến hạn, quá hạn / due soon or overdue (officials)"`
	Label    string `json:"label" doc:"Tên loại thư theo ngôn ngữ của yêu cầu / the category's name in the request's language"`
	Email    bool   `json:"email" doc:"Có gửi thư điện tử / whether e-mail is sent"`
}

// MailPreferences are the signed-in user's e-mail choices.
type MailPreferences struct {
	Enabled    bool           `json:"enabled" doc:"Hệ thống có gửi thư điện tử / whether the system sends e-mail at all"`
	Address    string         `json:"address" doc:"Địa chỉ thư của tài khoản, rỗng nếu chưa có / the account's address, empty for none"`
	Categories []MailCategory `json:"categories"`
}

// MailChoice sets one category.
type MailChoice struct {
	Category string `json:"category" required:"true" maxLength:"40"`
	Email    bool   `json:"email" required:"true"`
}

var errMailOff = apperr.New(apperr.NotFound, "mail.unavailable", "Chức năng thư điện tử không có trên hệ thống này.",
	"E-mail is not available on this system.")

func (a *API) mailRoutes() {
	huma.Register(a.h, huma.Operation{
		OperationID: "getMailPreferences", Method: http.MethodGet, Path: "/api/v1/me/mail-preferences",
		Summary: "Lựa chọn nhận thư điện tử / The signed-in user's e-mail choices", Tags: []string{"sessions"},
		Security: bearer, Errors: []int{401, 404},
	}, func(ctx context.Context, _ *struct{}) (*struct{ Body MailPreferences }, error) {
		p, err := principal(ctx)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		if a.Mail == nil {
			return nil, a.problem(ctx, errMailOff)
		}
		prefs, err := a.Mail.Preferences(ctx, p.User)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		return &struct{ Body MailPreferences }{a.mailPrefsOf(ctx, p.User, prefs)}, nil
	})

	type putIn struct {
		Body struct {
			Categories []MailChoice `json:"categories" required:"true" maxItems:"10"`
		}
	}
	huma.Register(a.h, huma.Operation{
		OperationID: "setMailPreferences", Method: http.MethodPut, Path: "/api/v1/me/mail-preferences",
		Summary: "Chọn loại thông báo nhận qua thư điện tử / Choose which notifications come by e-mail", Tags: []string{"sessions"},
		Description: "Loại không nêu giữ nguyên lựa chọn cũ; mặc định là có. / Categories not named keep their choice; the default is yes.",
		Security:    bearer, Errors: []int{400, 401, 404}, MaxBodyBytes: 4 << 10,
	}, func(ctx context.Context, in *putIn) (*struct{ Body MailPreferences }, error) {
		p, err := principal(ctx)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		if a.Mail == nil {
			return nil, a.problem(ctx, errMailOff)
		}
		offered := map[mail.Category]bool{}
		for _, c := range mail.CategoriesFor(p.User) {
			offered[c.Category] = true
		}
		set := map[mail.Category]bool{}
		var fields []apperr.FieldError
		for i, c := range in.Body.Categories {
			field := fmt.Sprintf("categories[%d].category", i)
			cat := mail.Category(c.Category)
			if _, dup := set[cat]; dup {
				fields = append(fields, apperr.Field(field, "mail.duplicate_category", "Loại thư \""+c.Category+"\" được nêu hai lần.",
					"The category \""+c.Category+"\" is named twice."))
				continue
			}
			if !offered[cat] {
				fields = append(fields, mail.ErrUnknownCategory(field, c.Category).Fields...)
				continue
			}
			set[cat] = c.Email
		}
		if len(fields) > 0 {
			return nil, a.problem(ctx, apperr.Validation(fields...))
		}
		prefs, err := a.Mail.SetPreferences(ctx, p.User, set)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		return &struct{ Body MailPreferences }{a.mailPrefsOf(ctx, p.User, prefs)}, nil
	})
}

func (a *API) mailPrefsOf(ctx context.Context, u identity.User, prefs []mail.Preference) MailPreferences {
	lang := httpx.Lang(ctx)
	out := MailPreferences{Enabled: a.Mail.Enabled(), Address: u.Email, Categories: []MailCategory{}}
	for _, p := range prefs {
		out.Categories = append(out.Categories, MailCategory{Category: string(p.Category), Label: p.Label(lang), Email: p.Email})
	}
	return out
}
