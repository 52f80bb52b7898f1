package web

// The e-mail pages' messages (account_mail.go, account_mail.html, the
// desk's e-mail section and its list of failures, desk_mail.go), merged
// into messages.
func init() {
	for k, v := range mailMessages {
		messages[k] = v
	}
}

var mailMessages = map[string][2]string{
	"mail.title":   {"Thư điện tử", "E-mail"},
	"mail.lead":    {"Chọn những thông báo bạn muốn nhận thêm qua thư điện tử.", "Choose which notifications you also want by e-mail."},
	"mail.legend":  {"Gửi thư cho tôi khi có", "E-mail me about"},
	"mail.save":    {"Lưu lựa chọn", "Save my choices"},
	"mail.saved":   {"Đã lưu lựa chọn nhận thư điện tử.", "Your e-mail choices were saved."},
	"mail.address": {"Thư được gửi tới địa chỉ:", "Messages go to:"},
	"mail.no_address": {"Tài khoản của bạn chưa có địa chỉ thư điện tử nên chưa nhận được thư. Bạn vẫn nhận mọi thông báo trên cổng.",
		"Your account has no e-mail address, so no messages are sent. You still get every notification in the portal."},
	"mail.off": {"Hệ thống hiện chưa gửi thư điện tử. Lựa chọn của bạn được lưu và áp dụng khi gửi thư được bật.",
		"The system does not send e-mail at the moment. Your choices are kept for when it does."},
	"mail.portal_always": {"Mọi thông báo vẫn hiện trên cổng (mục Thông báo), dù bạn chọn thế nào.",
		"Every notification still appears in the portal (Notifications), whatever you choose."},
	"mail.prefs_link":   {"Chọn thông báo nhận qua thư điện tử", "Choose which notifications you get by e-mail"},
	"mail.back":         {"← Thông báo", "← Notifications"},
	"mail.bad_choice":   {"Lựa chọn không hợp lệ; vui lòng chọn lại.", "That choice is not valid; please choose again."},
	"mail.none_offered": {"Tài khoản này không có loại thư nào để chọn.", "There are no messages to choose for this account."},
	"mail.desk_title":   {"Thư điện tử", "E-mail"},
	"mail.desk_summary": {"Đã gửi %d thư; %d thư người nhận đã tắt; %d thư không gửi được.", "%d sent; %d turned off by the recipient; %d not delivered."},
	"mail.desk_none":    {"Chưa có thư điện tử nào về hồ sơ này.", "No e-mail about this dossier yet."},
	"mail.desk_unit":    {"Đơn vị tiếp nhận có %d thư không gửi được (mọi hồ sơ).", "The receiving unit has %d undelivered messages (all dossiers)."},
	"mail.col.to":       {"Người nhận", "To"},
	"mail.col.kind":     {"Thông báo", "Notification"},
	"mail.col.status":   {"Tình trạng", "Status"},
	"mail.col.reason":   {"Lý do", "Why"},
	"mail.col.attempts": {"Số lần gửi", "Attempts"},
	"mail.col.at":       {"Lần gửi cuối", "Last attempt"},

	"mail.status.queued":  {"Đang gửi lại", "Retrying"},
	"mail.status.failed":  {"Không gửi được", "Not delivered"},
	"mail.status.sent":    {"Đã gửi", "Sent"},
	"mail.status.skipped": {"Người nhận đã tắt", "Turned off"},
	"mail.reason.bad_address": {"Địa chỉ thư không tồn tại hoặc sai; cần hỏi lại người nhận địa chỉ đúng.",
		"The address does not exist or is wrong; ask the recipient for the right one."},
	"mail.reason.mailbox_full": {"Hộp thư của người nhận đã đầy.", "The recipient's mailbox is full."},
	"mail.reason.rejected":     {"Máy chủ thư của người nhận từ chối nhận thư.", "The recipient's mail server refused the message."},
	"mail.reason.temporary":    {"Máy chủ thư tạm thời chưa nhận; hệ thống sẽ tự gửi lại.", "The mail server asked to try later; the system retries by itself."},
	"mail.reason.unreachable":  {"Không kết nối được máy chủ thư; cần báo quản trị hệ thống.", "The mail server could not be reached; tell the system administrator."},
	"mail.reason.login":        {"Máy chủ thư từ chối tài khoản gửi thư của hệ thống; cần báo quản trị hệ thống.", "The mail server refused the system's sending account; tell the system administrator."},
	"mail.reason.other":        {"Lỗi khác khi gửi thư.", "Another error while sending."},

	"mail.failed_title": {"Thư điện tử gửi người nộp không thành công", "E-mails not delivered to applicants"},
	"mail.failed_lead": {"Các thư thông báo dưới đây không đến được người nộp hồ sơ do đơn vị tiếp nhận. Hãy liên hệ người nộp (điện thoại hoặc khi họ đến bộ phận một cửa) để báo tình trạng hồ sơ và hỏi lại địa chỉ thư điện tử.",
		"The notices below did not reach the applicants of dossiers your units received. Contact the applicant (by phone or when they come to the desk) to tell them where their dossier is and check their e-mail address."},
	"mail.failed_off": {"Hệ thống hiện chưa gửi thư điện tử: người nộp nhận thông báo trên cổng.",
		"The system does not send e-mail at the moment: applicants get their notifications in the portal."},
	"mail.failed_none":       {"Không có thư điện tử nào gửi người nộp không thành công.", "No e-mail to an applicant failed."},
	"mail.failed_caption":    {"Thư không gửi được, mới nhất trước", "Undelivered e-mails, latest first"},
	"mail.failed_more":       {"Đang hiện %d thư gần nhất trong tổng số %d.", "Showing the latest %d of %d."},
	"mail.failed_notice":     {"%d thư điện tử gửi người nộp không thành công.", "%d e-mails to applicants were not delivered."},
	"mail.failed_notice_one": {"1 thư điện tử gửi người nộp không thành công.", "1 e-mail to an applicant was not delivered."},
	"mail.failed_see":        {"Xem danh sách thư lỗi", "See the undelivered e-mails"},

	"mail.kind.submit":                  {"Đã gửi hồ sơ", "Dossier sent"},
	"mail.kind.receive":                 {"Tiếp nhận", "Received"},
	"mail.kind.request_supplement":      {"Yêu cầu bổ sung", "Request to complete"},
	"mail.kind.refuse":                  {"Từ chối tiếp nhận", "Refused"},
	"mail.kind.extend":                  {"Gia hạn, xin lỗi", "Extension and apology"},
	"mail.kind.stop":                    {"Dừng giải quyết", "Stopped"},
	"mail.kind.issue_result":            {"Có kết quả", "Result ready"},
	"mail.kind.return_result":           {"Trả kết quả", "Result returned"},
	"mail.kind.supplement_done":         {"Đã bổ sung", "Completed"},
	"mail.kind.supplement_done_receipt": {"Đã bổ sung, chờ tiếp nhận", "Completed, awaiting receipt"},
	"mail.kind.withdraw":                {"Rút hồ sơ", "Withdrawn"},
	"mail.kind.assigned":                {"Phân công xử lý", "Assigned"},
	"mail.kind.step_warn":               {"Sắp đến hạn", "Due soon"},
	"mail.kind.step_late":               {"Quá hạn bước xử lý", "Late at a step"},
	"mail.kind.overdue":                 {"Quá hạn giải quyết", "Overdue"},
}
