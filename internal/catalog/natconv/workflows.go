package natconv

import "egov/internal/catalog"

// Ministry is the default workflow of ministry-level procedures: received
// and returned by the ministry's one-stop unit, processed by a specialist,
// approved by a leader. Commune and provincial procedures use the demo
// catalogue's xa-mot-cap and tinh-so-nganh (or a province's own).
var Ministry = catalog.Workflow{Key: "bo-nganh", Name: catalog.Text{VI: "Thủ tục cấp bộ (mặc định)", EN: "Ministry-level procedure (default)"},
	Steps: []catalog.Step{
		{ID: "tiep_nhan", Name: catalog.Text{VI: "Tiếp nhận hồ sơ", EN: "Receive"}, Unit: "receiving.onestop", Role: "desk_officer", Share: 10,
			Actions: []catalog.Transition{{Action: catalog.ActReceive, To: "xu_ly"}, {Action: catalog.ActRequestSupplement, To: "tiep_nhan"}, {Action: catalog.ActRefuse, To: catalog.End}}},
		{ID: "xu_ly", Name: catalog.Text{VI: "Thẩm định, xử lý", EN: "Process"}, Unit: "decider", Role: "specialist", Share: 60,
			Actions: []catalog.Transition{{Action: catalog.ActForward, To: "phe_duyet"}, {Action: catalog.ActRequestSupplement, To: "xu_ly"},
				{Action: catalog.ActExtend, To: "xu_ly"}, {Action: catalog.ActStop, To: catalog.End}}},
		{ID: "phe_duyet", Name: catalog.Text{VI: "Phê duyệt, ký kết quả", EN: "Approve and sign"}, Unit: "decider", Role: "leader", Share: 20,
			Actions: []catalog.Transition{{Action: catalog.ActIssueResult, To: "tra_ket_qua"}, {Action: catalog.ActReturnPrevious, To: "xu_ly"}}},
		{ID: "tra_ket_qua", Name: catalog.Text{VI: "Trả kết quả", EN: "Return the result"}, Unit: "receiving.onestop", Role: "desk_officer", Share: 10,
			Actions: []catalog.Transition{{Action: catalog.ActReturnResult, To: catalog.End}}},
	}}
