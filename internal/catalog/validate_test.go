package catalog_test

import (
	"errors"
	"testing"

	"egov/internal/apperr"
	"egov/internal/catalog"
)

// commune is a valid single-agency workflow: receive, process, approve, return.
func commune() catalog.Workflow {
	return catalog.Workflow{Key: "xa-mot-cap", Name: catalog.Text{VI: "Thủ tục cấp xã"}, Steps: []catalog.Step{
		{ID: "tiep_nhan", Name: catalog.Text{VI: "Tiếp nhận"}, Unit: "receiving.onestop", Role: "desk_officer", Share: 10, Actions: []catalog.Transition{
			{Action: catalog.ActReceive, To: "xu_ly"}, {Action: catalog.ActRequestSupplement, To: "tiep_nhan"}, {Action: catalog.ActRefuse, To: catalog.End}}},
		{ID: "xu_ly", Name: catalog.Text{VI: "Xử lý"}, Unit: "decider", Role: "specialist", Share: 60, Actions: []catalog.Transition{
			{Action: catalog.ActForward, To: "phe_duyet"}, {Action: catalog.ActRequestSupplement, To: "xu_ly"}, {Action: catalog.ActStop, To: catalog.End}}},
		{ID: "phe_duyet", Name: catalog.Text{VI: "Phê duyệt"}, Unit: "decider", Role: "leader", Share: 20, Actions: []catalog.Transition{
			{Action: catalog.ActIssueResult, To: "tra_ket_qua"}, {Action: catalog.ActReturnPrevious, To: "xu_ly"}}},
		{ID: "tra_ket_qua", Name: catalog.Text{VI: "Trả kết quả"}, Unit: "receiving.onestop", Role: "desk_officer", Share: 10, Actions: []catalog.Transition{
			{Action: catalog.ActReturnResult, To: catalog.End}}},
	}}
}

func wantKey(t *testing.T, err error, key, place string) {
	t.Helper()
	var e *apperr.Error
	if !errors.As(err, &e) {
		t.Fatalf("want %s at %s, got %v", key, place, err)
	}
	for _, f := range e.Fields {
		if f.Key == key && (place == "" || f.Field == place) {
			if f.VI == "" || f.EN == "" {
				t.Errorf("%s: a message is missing", key)
			}
			return
		}
	}
	t.Fatalf("want %s at %s, got %+v", key, place, e.Fields)
}

func TestWorkflowValidation(t *testing.T) {
	t.Parallel()
	ok := commune()
	if err := ok.Validate(); err != nil {
		t.Fatalf("a valid workflow is refused: %v", err)
	}
	for _, tc := range []struct {
		name, key, place string
		mutate           func(w *catalog.Workflow)
	}{
		{"BadKey", "workflow.key", "key", func(w *catalog.Workflow) { w.Key = "Xã Một Cấp" }},
		{"NoSteps", "workflow.no_steps", "steps", func(w *catalog.Workflow) { w.Steps = nil }},
		{"DuplicateStep", "workflow.step_duplicate", "steps[1].id", func(w *catalog.Workflow) { w.Steps[1].ID = "tiep_nhan" }},
		{"StepWithoutRole", "workflow.step_role", "steps[1].role", func(w *catalog.Workflow) { w.Steps[1].Role = "" }},
		{"UnknownRole", "workflow.step_role", "steps[2].role", func(w *catalog.Workflow) { w.Steps[2].Role = "chairman" }},
		{"BadUnit", "workflow.step_unit", "steps[0].unit", func(w *catalog.Workflow) { w.Steps[0].Unit = "agency:H37" }},
		{"UnknownAction", "workflow.unknown_action", "steps[1].actions[0].action", func(w *catalog.Workflow) { w.Steps[1].Actions[0].Action = "teleport" }},
		{"DuplicateAction", "workflow.duplicate_action", "steps[1].actions[1].action", func(w *catalog.Workflow) { w.Steps[1].Actions[1].Action = catalog.ActForward }},
		{"UnknownTarget", "workflow.unknown_target", "steps[2].actions[0].to", func(w *catalog.Workflow) { w.Steps[2].Actions[0].To = "ky_so" }},
		{"SharesNot100", "workflow.shares", "steps", func(w *catalog.Workflow) { w.Steps[1].Share = 50 }},
		{"NoActions", "workflow.step_no_actions", "steps[3].actions", func(w *catalog.Workflow) { w.Steps[3].Actions = nil }},
		{"UnreachableEnd", "workflow.no_end", "steps[2]", func(w *catalog.Workflow) {
			// approval only loops back: from "phe_duyet" and "xu_ly" no end... except stop; remove it too
			w.Steps[2].Actions = []catalog.Transition{{Action: catalog.ActReturnPrevious, To: "xu_ly"}}
			w.Steps[1].Actions = []catalog.Transition{{Action: catalog.ActForward, To: "phe_duyet"}}
		}},
		{"UnreachableStep", "workflow.unreachable_step", "steps[3]", func(w *catalog.Workflow) { w.Steps[2].Actions[0].To = catalog.End }},
		{"BranchesWithoutLead", "workflow.branches_lead", "steps[1].branches", func(w *catalog.Workflow) {
			w.Steps[1].Branches = []catalog.Branch{{Agency: catalog.AgencyRef{Kind: "commune"}, Task: "Đăng ký khai sinh"},
				{Agency: catalog.AgencyRef{Code: "000.00.30.H37"}, Task: "Đăng ký thường trú"}}
		}},
		{"SingleBranch", "workflow.branches_few", "steps[1].branches", func(w *catalog.Workflow) {
			w.Steps[1].Branches = []catalog.Branch{{Agency: catalog.AgencyRef{Kind: "commune"}, Lead: true, Task: "x"}}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := commune()
			tc.mutate(&w)
			wantKey(t, w.Validate(), tc.key, tc.place)
		})
	}
}

func procedure() catalog.Procedure {
	return catalog.Procedure{
		Code: "1.001193", Name: "Thủ tục đăng ký khai sinh", Field: "Hộ tịch", Level: catalog.LevelCommune,
		Receivers: []catalog.AgencyRef{{Kind: "commune"}}, Decider: catalog.AgencyRef{Kind: "commune"},
		Channels: []catalog.Channel{catalog.ChannelOnline, catalog.ChannelInPerson}, Online: catalog.OnlineFull,
		Time: catalog.Term{N: 1, Unit: catalog.WorkingDays}, Result: "Giấy khai sinh", Workflow: "xa-mot-cap",
		Fees:      []catalog.Fee{{Name: "Lệ phí đăng ký khai sinh", Kind: catalog.KindCharge, Amount: 0, Note: "Miễn lệ phí khi đăng ký đúng hạn"}},
		Documents: []catalog.Document{{Name: "Tờ khai đăng ký khai sinh", Originals: 1, Template: "to-khai-khai-sinh.docx"}},
	}
}

func TestProcedureValidation(t *testing.T) {
	t.Parallel()
	ok := procedure()
	if err := ok.Validate(); err != nil {
		t.Fatalf("a valid procedure is refused: %v", err)
	}
	for _, tc := range []struct {
		name, key, place string
		mutate           func(p *catalog.Procedure)
	}{
		{"BadCode", "procedure.code", "code", func(p *catalog.Procedure) { p.Code = "mã sai" }},
		{"NoName", "procedure.name", "name", func(p *catalog.Procedure) { p.Name = " " }},
		{"BadLevel", "procedure.level", "level", func(p *catalog.Procedure) { p.Level = "district" }},
		{"UnknownChannel", "procedure.channel", "channels[1]", func(p *catalog.Procedure) { p.Channels[1] = "fax" }},
		{"FullyOnlineWithoutOnline", "procedure.online_channel", "online", func(p *catalog.Procedure) { p.Channels = []catalog.Channel{catalog.ChannelInPerson} }},
		{"BadTimeUnit", "procedure.time_unit", "time.unit", func(p *catalog.Procedure) { p.Time.Unit = "weeks" }},
		{"ZeroTime", "procedure.time", "time.n", func(p *catalog.Procedure) { p.Time.N = 0 }},
		{"NegativeFee", "procedure.fee_amount", "fees[0].amount", func(p *catalog.Procedure) { p.Fees[0].Amount = -5000 }},
		{"UnknownFeeKind", "procedure.fee_kind", "fees[0].kind", func(p *catalog.Procedure) { p.Fees[0].Kind = "tip" }},
		{"MalformedAgencyCode", "procedure.agency_code", "receivers[0].code", func(p *catalog.Procedure) { p.Receivers[0] = catalog.AgencyRef{Code: "H37.01"} }},
		{"NoReceivers", "procedure.receivers", "receivers", func(p *catalog.Procedure) { p.Receivers = nil }},
		{"DocumentWithoutName", "procedure.document_name", "documents[0].name", func(p *catalog.Procedure) { p.Documents[0].Name = "" }},
		{"NoWorkflow", "procedure.workflow", "workflow", func(p *catalog.Procedure) { p.Workflow = "" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := procedure()
			tc.mutate(&p)
			wantKey(t, p.Validate(), tc.key, tc.place)
		})
	}
}
