package web

// The public verifier's messages (verify.go, verify.html), merged into
// messages.
func init() {
	for k, v := range verifyMessages {
		messages[k] = v
	}
}

var verifyMessages = map[string][2]string{
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
