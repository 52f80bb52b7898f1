package forms_test

import (
	"bytes"
	"fmt"
	"time"

	"egov/internal/calendar"
	"egov/internal/dossier"
	"egov/internal/forms"
)

func Example() {
	received := time.Date(2026, 11, 24, 8, 30, 0, 0, calendar.Location())
	due := time.Date(2026, 12, 8, 17, 0, 0, 0, calendar.Location())
	v := dossier.View{
		Dossier: dossier.Dossier{Code: "000.00.12.H30-261124-0007", ApplicantName: "Hoàng Văn Thụ",
			Channel: dossier.ChannelDesk, Status: dossier.StatusProcessing},
		ReceivedAt: &received, DueAt: &due, ApplicantPhone: "0912 345 678",
		Files: []dossier.File{{Purpose: "application", Document: "Tờ khai đăng ký khai sinh"}},
	}
	// The dossier page offers only the forms that mean something now.
	fmt.Println(forms.Available(v))

	data := forms.FromView(v, forms.Extra{
		Agency:    forms.Agency{Superior: "Ủy ban nhân dân tỉnh Lạng Sơn", Name: "Trung tâm Phục vụ hành chính công"},
		Procedure: "Đăng ký khai sinh",
		Signer:    forms.Person{Name: "Lường Văn Đức"},
	})
	var pdf bytes.Buffer
	err := forms.Render(&pdf, forms.Receipt, data, forms.Options{
		TrackingURL: forms.TrackingURL("https://dichvucong.langson.gov.vn", v.Code),
		Place:       "Lạng Sơn",
		Now:         received,
	})
	fmt.Println(err, bytes.HasPrefix(pdf.Bytes(), []byte("%PDF-")))
	// Output:
	// [receipt control_sheet]
	// <nil> true
}
