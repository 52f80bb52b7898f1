package web

import "net/http"

// Register adds every page to mux. Reading this function tells what the
// HTML face does.
func (s *Server) Register(mux *http.ServeMux) {
	mux.Handle("GET /static/", Static())

	// Public portal
	mux.HandleFunc("GET /{$}", s.home)
	mux.HandleFunc("GET /lich-lam-viec", s.calendarPage)
	mux.HandleFunc("GET /tra-cuu-ho-so", s.tracking)
	mux.HandleFunc("GET /xac-thuc-van-ban", s.verifyPage)
	mux.HandleFunc("POST /xac-thuc-van-ban", s.verifyPage)
	mux.HandleFunc("GET /xac-thuc-van-ban/{code}", s.issuedPage)
	mux.HandleFunc("POST /xac-thuc-van-ban/{code}", s.issuedPage)
	mux.HandleFunc("GET /thu-tuc", s.procedures)
	mux.HandleFunc("GET /thu-tuc/{code}", s.procedure)
	mux.HandleFunc("GET /thu-tuc/{code}/to-khai", s.formPreview)
	mux.HandleFunc("POST /thu-tuc/{code}/to-khai", s.formPreview)

	// Applicants: applying online, their dossiers, notifications
	mux.HandleFunc("GET /nop-ho-so/{code}", s.requireUser(s.applyForm))
	mux.HandleFunc("POST /nop-ho-so/{code}", s.requireUser(s.applyPost))
	mux.HandleFunc("GET /tep-tai-len/{id}/anh-nho", s.requireUser(s.uploadThumb))
	mux.HandleFunc("GET /ho-so", s.requireUser(s.myDossiers))
	mux.HandleFunc("GET /ho-so/{code}", s.requireUser(s.myDossier))
	mux.HandleFunc("POST /ho-so/{code}/bo-sung", s.requireUser(s.supplement))
	mux.HandleFunc("POST /ho-so/{code}/rut", s.requireUser(s.withdraw))
	mux.HandleFunc("POST /ho-so/{code}/danh-gia", s.requireUser(s.rate))
	mux.HandleFunc("GET /ho-so/{code}/tep/{id}", s.requireUser(s.dossierFile))
	mux.HandleFunc("GET /ho-so/{code}/phieu/{form}", s.requireUser(s.dossierForm))
	mux.HandleFunc("GET /thong-bao", s.requireUser(s.notifications))

	// Officials: the one-stop desk and processing
	mux.HandleFunc("GET /mot-cua", s.requireOfficial(s.deskQueues))
	mux.HandleFunc("GET /mot-cua/ho-so/{code}", s.requireOfficial(s.deskDossier))
	mux.HandleFunc("POST /mot-cua/ho-so/{code}/{action}", s.requireOfficial(s.deskAct))
	mux.HandleFunc("GET /mot-cua/nop-thay", s.requireOfficial(s.deskSubmitForm))
	mux.HandleFunc("POST /mot-cua/nop-thay", s.requireOfficial(s.deskSubmit))
	mux.HandleFunc("GET /mot-cua/tre-han", s.requireOfficial(s.lateList))
	mux.HandleFunc("GET /mot-cua/thu-loi", s.requireOfficial(s.deskMailFailures))
	mux.HandleFunc("GET /mot-cua/ho-so/{code}/phieu/{form}", s.requireOfficial(s.dossierForm))
	mux.HandleFunc("GET /mot-cua/so-theo-doi", s.requireOfficial(s.register))

	// Sign-in and account
	mux.HandleFunc("GET /dang-nhap", s.loginForm)
	mux.HandleFunc("POST /dang-nhap", s.login)
	mux.HandleFunc("GET /dang-nhap/xac-thuc", s.mfaForm)
	mux.HandleFunc("POST /dang-nhap/xac-thuc", s.mfa)
	mux.HandleFunc("GET /dang-nhap/dinh-danh", s.oidcStart)
	mux.HandleFunc("GET /dang-nhap/dinh-danh/callback", s.oidcCallback)
	mux.HandleFunc("POST /dang-xuat", s.logout)
	mux.HandleFunc("GET /tai-khoan", s.requireUser(s.account))
	mux.HandleFunc("POST /tai-khoan/mat-khau", s.requireUser(s.changePassword))
	mux.HandleFunc("GET /tai-khoan/thu-dien-tu", s.requireUser(s.accountMail))
	mux.HandleFunc("POST /tai-khoan/thu-dien-tu", s.requireUser(s.accountMailSave))
	mux.HandleFunc("GET /tai-khoan/xac-thuc-hai-lop", s.requireEnrolling(s.enrolForm))
	mux.HandleFunc("POST /tai-khoan/xac-thuc-hai-lop", s.requireEnrolling(s.enrol))

	// Back office
	mux.HandleFunc("GET /quan-tri", s.requireOfficial(s.adminHome))
	mux.HandleFunc("GET /quan-tri/co-quan", s.requireAdmin(s.agencies))
	mux.HandleFunc("GET /quan-tri/co-quan/moi", s.requireSystemAdmin(s.agencyNewForm))
	mux.HandleFunc("POST /quan-tri/co-quan/moi", s.requireSystemAdmin(s.agencyCreate))
	mux.HandleFunc("GET /quan-tri/co-quan/xuat.csv", s.requireSystemAdmin(s.agencyExport))
	mux.HandleFunc("GET /quan-tri/co-quan/nhap", s.requireSystemAdmin(s.agencyImportForm))
	mux.HandleFunc("POST /quan-tri/co-quan/nhap", s.requireSystemAdmin(s.agencyImport))
	mux.HandleFunc("GET /quan-tri/co-quan/{id}", s.requireAdmin(s.agencyEditForm))
	mux.HandleFunc("POST /quan-tri/co-quan/{id}", s.requireAdmin(s.agencyUpdate))
	mux.HandleFunc("POST /quan-tri/co-quan/{id}/sap-nhap", s.requireSystemAdmin(s.agencyMerge))
	mux.HandleFunc("GET /quan-tri/nguoi-dung", s.requireAdmin(s.users))
	mux.HandleFunc("GET /quan-tri/nguoi-dung/moi", s.requireAdmin(s.userNewForm))
	mux.HandleFunc("POST /quan-tri/nguoi-dung/moi", s.requireAdmin(s.userCreate))
	mux.HandleFunc("GET /quan-tri/nguoi-dung/{id}", s.requireAdmin(s.userEditForm))
	mux.HandleFunc("POST /quan-tri/nguoi-dung/{id}", s.requireAdmin(s.userUpdate))
	mux.HandleFunc("POST /quan-tri/nguoi-dung/{id}/mat-khau", s.requireAdmin(s.userResetPassword))
	mux.HandleFunc("POST /quan-tri/nguoi-dung/{id}/xac-thuc", s.requireAdmin(s.userResetTOTP))
	mux.HandleFunc("POST /quan-tri/nguoi-dung/{id}/trang-thai", s.requireAdmin(s.userSetDisabled))
	mux.HandleFunc("GET /quan-tri/lich", s.requireSystemAdmin(s.calendarAdmin))
	mux.HandleFunc("POST /quan-tri/lich", s.requireSystemAdmin(s.calendarDeclare))
	mux.HandleFunc("POST /quan-tri/lich/xoa", s.requireSystemAdmin(s.calendarRemove))
	mux.HandleFunc("GET /quan-tri/danh-muc", s.requireSystemAdmin(s.adminCatalog))
	mux.HandleFunc("GET /quan-tri/danh-muc/nhap", s.requireSystemAdmin(s.catalogImport))
	mux.HandleFunc("POST /quan-tri/danh-muc/nhap", s.requireSystemAdmin(s.catalogImport))
	mux.HandleFunc("GET /quan-tri/danh-muc/xuat.json", s.requireSystemAdmin(s.catalogExport))
	mux.HandleFunc("GET /quan-tri/danh-muc/xuat.csv", s.requireSystemAdmin(s.catalogExportCSV))
	for path, kind := range map[string]string{"thu-tuc": "procedure", "quy-trinh": "workflow", "bieu-mau": "form"} {
		mux.HandleFunc("GET /quan-tri/danh-muc/"+path+"/{key}", s.requireSystemAdmin(s.catalogEditor(kind)))
		mux.HandleFunc("POST /quan-tri/danh-muc/"+path+"/{key}", s.requireSystemAdmin(s.catalogEditor(kind)))
	}
	mux.HandleFunc("GET /quan-tri/nhat-ky", s.requireSystemAdmin(s.auditPage))
	mux.HandleFunc("POST /quan-tri/nhat-ky/kiem-tra", s.requireSystemAdmin(s.auditVerify))
	// Keys and certificates (admin_pki.go): what egov pki does, for admins
	mux.HandleFunc("GET /quan-tri/chung-thu-so", s.requireAdmin(s.pkiList))
	mux.HandleFunc("GET /quan-tri/chung-thu-so/cap", s.requireAdmin(s.pkiIssueForm))
	mux.HandleFunc("POST /quan-tri/chung-thu-so/cap", s.requireAdmin(s.pkiIssue))
	mux.HandleFunc("GET /quan-tri/chung-thu-so/nhap", s.requireAdmin(s.pkiImportForm))
	mux.HandleFunc("POST /quan-tri/chung-thu-so/nhap", s.requireAdmin(s.pkiImport))
	mux.HandleFunc("GET /quan-tri/chung-thu-so/{id}/tai-ve", s.requireAdmin(s.pkiPEM))
	mux.HandleFunc("GET /quan-tri/chung-thu-so/{id}/thu-hoi", s.requireAdmin(s.pkiRevokeForm))
	mux.HandleFunc("POST /quan-tri/chung-thu-so/{id}/thu-hoi", s.requireAdmin(s.pkiRevoke))
	mux.HandleFunc("GET /quan-tri/tin-cay", s.requireSystemAdmin(s.trustList))
	mux.HandleFunc("POST /quan-tri/tin-cay", s.requireSystemAdmin(s.trustAdd))
	mux.HandleFunc("GET /quan-tri/tin-cay/{id}/xoa", s.requireSystemAdmin(s.trustRemoveForm))
	mux.HandleFunc("POST /quan-tri/tin-cay/{id}/xoa", s.requireSystemAdmin(s.trustRemove))
}
