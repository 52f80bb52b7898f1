package web

// The messages of the printed forms' links and the register page
// (forms.go, register.html), merged into messages.
func init() {
	for k, v := range formMessages {
		messages[k] = v
	}
}

var formMessages = map[string][2]string{
	"pdf.title":              {"Phiếu, giấy tờ của hồ sơ", "Forms of this dossier"},
	"pdf.lead":               {"Các phiếu do bộ phận một cửa lập, in được, có mã QR để tra cứu hồ sơ.", "The forms the one-stop desk issued, printable, with a QR code to track the dossier."},
	"pdf.receipt":            {"Giấy tiếp nhận hồ sơ và hẹn trả kết quả", "Receipt and appointment slip"},
	"pdf.supplement_request": {"Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ", "Request to supplement the dossier"},
	"pdf.refusal":            {"Phiếu từ chối tiếp nhận, giải quyết hồ sơ", "Refusal to receive or process the dossier"},
	"pdf.apology":            {"Phiếu xin lỗi và hẹn lại ngày trả kết quả", "Apology and new appointment"},
	"pdf.stop_notice":        {"Thông báo dừng giải quyết hồ sơ", "Notice of stopping processing"},
	"pdf.control_sheet":      {"Phiếu kiểm soát quá trình giải quyết hồ sơ", "Processing control sheet"},
	"register.title":         {"Sổ theo dõi hồ sơ", "Dossier register"},
	"register.link":          {"Sổ theo dõi hồ sơ", "Dossier register"},
	"register.lead":          {"In sổ theo dõi các hồ sơ đơn vị đã tiếp nhận trong một khoảng thời gian (tệp PDF khổ A4 ngang).", "Print the register of the dossiers a unit received over a period (PDF, A4 landscape)."},
	"register.unit":          {"Đơn vị tiếp nhận", "Receiving unit"},
	"register.from":          {"Từ ngày", "From"},
	"register.to":            {"Đến ngày", "To"},
	"register.dates_hint":    {"Tối đa 366 ngày; sổ liệt kê tối đa 5.000 hồ sơ.", "At most 366 days; the register lists at most 5,000 dossiers."},
	"register.print":         {"Tải sổ theo dõi (PDF)", "Download the register (PDF)"},
}
