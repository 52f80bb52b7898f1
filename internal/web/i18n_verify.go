package web

// The public verifier's messages (verify.go, verify.html), merged into
// messages.
func init() {
	for k, v := range verifyMessages {
		messages[k] = v
	}
}

var verifyMessages = map[string][2]string{
	"proc.signed_required":         {"Bản điện tử có chữ ký số của cơ quan cấp", "Electronic original with the issuer's digital signature"},
	"verify.issued_title":          {"Xác thực kết quả điện tử", "Verify an electronic result"},
	"verify.issued_procedure":      {"Thủ tục hành chính", "Administrative procedure"},
	"verify.issued_agency":         {"Cơ quan ban hành", "Issued by"},
	"verify.issued_at":             {"Thời điểm ban hành", "Issued at"},
	"verify.issued_state":          {"Tình trạng", "Status"},
	"verify.issued_waiting":        {"Đã ban hành, chờ trả cho người nộp hồ sơ", "Issued, to be returned to the applicant"},
	"verify.issued_returned":       {"Đã trả cho người nộp hồ sơ", "Returned to the applicant"},
	"verify.issued_hash":           {"Mã băm SHA-256 của bản gốc", "SHA-256 digest of the original"},
	"verify.issued_signatures":     {"Chữ ký số trên bản gốc", "Digital signatures on the original"},
	"verify.compare":               {"Đối chiếu bản bạn đang có", "Compare the copy you hold"},
	"verify.compare_lead":          {"Tải lên tệp PDF bạn nhận được để biết đó có đúng là bản gốc do cơ quan ban hành không. Nội dung kết quả không hiển thị ở đây.", "Upload the PDF you received to learn whether it is the original the agency issued. The result's content is not shown here."},
	"verify.copy_matches":          {"Tệp này trùng khớp từng byte với bản gốc do cơ quan ban hành.", "This file is identical, byte for byte, to the original the agency issued."},
	"verify.copy_differs":          {"Tệp này KHÔNG phải bản gốc do cơ quan ban hành với mã này (nội dung khác). Xem kết quả kiểm tra chữ ký của tệp dưới đây.", "This file is NOT the original the agency issued under this code (its content differs). See its signature check below."},
	"verify.signed_by":             {"Ký số bởi", "Digitally signed by"},
	"verify.unsigned":              {"Văn bản kết quả chưa được ký số (cơ quan chưa có chứng thư số tổ chức)", "The result document is not digitally signed (the agency has no organisation certificate yet)"},
	"home.verify_text":             {"Kiểm tra chữ ký số trên kết quả giải quyết thủ tục và văn bản điện tử của cơ quan nhà nước.", "Check the digital signatures on the results and electronic documents of state agencies."},
	"home.verify_link":             {"Xác thực một tệp PDF", "Verify a PDF file"},
	"verify.title":                 {"Xác thực văn bản điện tử", "Verify an electronic document"},
	"verify.lead":                  {"Tải lên một tệp PDF đã ký số để biết từng chữ ký có hợp lệ không, ai đã ký, ký lúc nào, và văn bản có bị sửa sau khi ký không.", "Upload a digitally signed PDF to learn whether each signature is valid, who signed it and when, and whether the document changed after signing."},
	"verify.file":                  {"Tệp PDF cần xác thực", "PDF file to verify"},
	"verify.file_hint":             {"Tối đa 100 MB.", "At most 100 MB."},
	"verify.submit":                {"Xác thực", "Verify"},
	"verify.result":                {"Kết quả xác thực tệp", "Verification of"},
	"verify.signature":             {"Chữ ký", "Signature"},
	"verify.verdict.valid":         {"Hợp lệ", "Valid"},
	"verify.verdict.invalid":       {"Không hợp lệ", "Invalid"},
	"verify.verdict.indeterminate": {"Chưa xác định được", "Indeterminate"},
	"verify.verdict.unknown":       {"Không rõ", "Unknown"},
	"verify.signer":                {"Người ký", "Signer"},
	"verify.org":                   {"Cơ quan, tổ chức", "Organisation"},
	"verify.time":                  {"Thời điểm ký", "Signed at"},
	"verify.time_proven":           {"có dấu thời gian tin cậy", "proven by a trusted timestamp"},
	"verify.time_claimed":          {"theo người ký khai, chưa có dấu thời gian", "as the signer claims; no timestamp"},
	"verify.privacy":               {"Tệp chỉ được đọc để xác thực và không được lưu lại.", "The file is read only to verify it and is not kept."},
}
