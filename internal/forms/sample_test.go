package forms

import (
	"fmt"
	"time"

	"egov/internal/calendar"
	"egov/internal/catalog"
	"egov/internal/dossier"
)

// The tests' dossier: a desk receipt in Lạng Sơn with a long applicant
// name and procedure name, several hand-overs, a supplement request that
// repeats a deficiency, an extension and an inter-agency step.

var at = func(day, hour, minute int) time.Time {
	return time.Date(2026, 11, day, hour, minute, 0, 0, calendar.Location())
}

const (
	sampleCode  = "000.00.12.H30-261124-0007"
	sampleURL   = "https://dichvucong.langson.gov.vn/tra-cuu-ho-so?ma=000.00.12.H30-261124-0007"
	longName    = "Nguyễn Thị Phương Thảo Hoàng Ngọc Bích Trương Đặng Quỳnh Như"
	longProcess = "Cấp Giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài sản khác gắn liền với đất lần đầu đối với hộ gia đình, cá nhân đã được cấp Giấy chứng nhận nay đề nghị cấp đổi, cấp lại"
)

func sampleView() dossier.View {
	rec, due := at(24, 8, 30), at(8, 17, 0).AddDate(0, 1, 0)
	v := dossier.View{
		Dossier: dossier.Dossier{Code: sampleCode, ProcedureCode: "1.001234", ApplicantName: longName,
			Channel: dossier.ChannelDesk, Status: dossier.StatusProcessing, ReceivingUnitID: 12,
			SubmittedAt: at(24, 8, 20)},
		Unit: "Trung tâm Phục vụ hành chính công tỉnh Lạng Sơn", Decider: "Sở Nông nghiệp và Môi trường tỉnh Lạng Sơn",
		ApplicantPhone: "0912 345 678", ReceivedAt: &rec, DueAt: &due, Extensions: 1, Supplements: 1,
		Files: []dossier.File{
			{Purpose: "application", Document: "Đơn đăng ký biến động đất đai, tài sản gắn liền với đất (Mẫu số 11/ĐK)", Name: "don.pdf"},
			{Purpose: "application", Document: "Bản gốc Giấy chứng nhận đã cấp", Name: "gcn-1.pdf"},
			{Purpose: "application", Document: "Bản gốc Giấy chứng nhận đã cấp", Name: "gcn-2.pdf"},
			{Purpose: "supplement", Document: "Sơ đồ thửa đất, trích đo địa chính", Name: "so-do.pdf"},
			{Purpose: "result", Document: "Giấy chứng nhận", Name: "kq.pdf"},
		},
		Branches: []dossier.Branch{{Agency: "Chi cục Thuế khu vực Lạng Sơn"}, {Agency: "Ủy ban nhân dân phường Đông Kinh"}},
	}
	desk, office, dept, tax := "Trung tâm Phục vụ hành chính công tỉnh Lạng Sơn", "Văn phòng Đăng ký đất đai tỉnh Lạng Sơn",
		"Sở Nông nghiệp và Môi trường tỉnh Lạng Sơn", "Chi cục Thuế khu vực Lạng Sơn"
	stepDue := at(26, 17, 0)
	ev := func(a catalog.Action, when time.Time, from string, fromID int64, to string, toID int64, out dossier.Outcome, note string, data map[string]any) dossier.Event {
		return dossier.Event{Action: string(a), At: when, FromUnit: from, FromUnitID: fromID, Unit: to, UnitID: toID,
			Outcome: out, Note: note, Data: data, StepDueAt: &stepDue}
	}
	v.Events = []dossier.Event{
		{Action: "submit", At: at(24, 8, 20), Unit: desk, UnitID: 12},
		ev(catalog.ActReceive, rec, desk, 12, office, 13, "", "hẹn trả kết quả 17:00 08/12/2026", nil),
		ev(catalog.ActAssign, at(24, 9, 0), office, 13, office, 13, "", "", nil),
		ev(catalog.ActRequestSupplement, at(25, 10, 0), office, 13, office, 13, dossier.Early, "",
			map[string]any{"deficiencies": []any{"Thiếu sơ đồ thửa đất, trích đo địa chính", "Đơn chưa ghi rõ diện tích tăng thêm", "thiếu sơ đồ thửa đất, trích đo địa chính"}}),
		{Action: "supplement_done", At: at(26, 14, 0), Unit: office, UnitID: 13},
		ev(catalog.ActSendAgency, at(27, 9, 0), office, 13, office, 13, "", tax+"; Ủy ban nhân dân phường Đông Kinh",
			map[string]any{"agencies": []any{tax, "Ủy ban nhân dân phường Đông Kinh"}}),
		ev("branch_done", at(30, 15, 30), tax, 40, office, 13, dossier.Late, "Đã xác định nghĩa vụ tài chính", nil),
		ev(catalog.ActForward, at(30, 16, 0), office, 13, dept, 14, dossier.OnTime, "", nil),
		ev(catalog.ActExtend, at(31, 9, 0).AddDate(0, 0, 0), dept, 14, dept, 14, "", "Phải xác minh nguồn gốc sử dụng đất với Ủy ban nhân dân phường",
			map[string]any{"old_due_at": at(8, 17, 0).AddDate(0, 1, 0).UTC().Format(time.RFC3339Nano), "due_at": due.AddDate(0, 0, 3).UTC().Format(time.RFC3339Nano), "days": 3.0}),
		ev(catalog.ActApprove, at(31, 10, 0).AddDate(0, 0, 2), dept, 14, office, 13, dossier.Early, "", nil),
	}
	return v
}

func sampleExtra() Extra {
	return Extra{
		Agency:         Agency{Superior: "Ủy ban nhân dân tỉnh Lạng Sơn", Name: "Trung tâm Phục vụ hành chính công"},
		Procedure:      longProcess,
		ProcessingTime: "10 ngày làm việc",
		Address:        "Số 18, đường Lê Lợi, khối 5, phường Đông Kinh, tỉnh Lạng Sơn",
		Signer:         Person{Name: "Lường Văn Đức"},
	}
}

func sampleOptions() Options {
	return Options{TrackingURL: sampleURL, Place: "Lạng Sơn", Now: at(24, 8, 35)}
}

// sampleData is the sample dossier with something to say on every form.
func sampleData() Data {
	d := FromView(sampleView(), sampleExtra())
	d.Reasons = []string{"Hồ sơ không thuộc thẩm quyền giải quyết của cơ quan tiếp nhận", "Người nộp hồ sơ không phải là người sử dụng đất hoặc người được ủy quyền hợp pháp"}
	d.StoppedAt = at(28, 10, 0)
	return d
}

func sampleRows(n int) []RegisterRow {
	rows := make([]RegisterRow, n)
	names := []string{"Hoàng Văn Thụ", "Nông Thị Hường", longName, "Công ty TNHH Thương mại và Dịch vụ Xuất nhập khẩu Đồng Đăng"}
	procs := []string{"Đăng ký khai sinh", "Cấp bản sao trích lục hộ tịch", longProcess, "Đăng ký thành lập hộ kinh doanh"}
	for i := range rows {
		rec := at(1+i%28, 8+i%8, (i*7)%60)
		rows[i] = RegisterRow{
			Code: fmt.Sprintf("000.00.12.H30-2611%02d-%04d", 1+i%28, i+1), Procedure: procs[i%len(procs)], Sets: 1,
			Applicant: names[i%len(names)], Address: "Thôn Bản Ngà, xã Hữu Lũng; 0912 345 678",
			Lead: "Ủy ban nhân dân xã Hữu Lũng", ReceivedAt: rec, DueAt: rec.AddDate(0, 0, 5),
			TransferredAt: rec.Add(2 * time.Hour), ResultAt: rec.AddDate(0, 0, 4), ReturnedAt: rec.AddDate(0, 0, 5),
		}
		if i%9 == 0 {
			rows[i].Note = "Quá hạn"
		}
	}
	return rows
}
