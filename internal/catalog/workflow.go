package catalog

// Action is something an official can do to a dossier at a step.
type Action string

// The actions of the one-stop shop (ONE-STOP.md).
const (
	ActReceive           Action = "receive"            // tiếp nhận
	ActRequestSupplement Action = "request_supplement" // yêu cầu bổ sung
	ActRefuse            Action = "refuse"             // từ chối
	ActForward           Action = "forward"            // chuyển xử lý
	ActAssign            Action = "assign"             // phân công
	ActApprove           Action = "approve"            // phê duyệt
	ActReturnPrevious    Action = "return_previous"    // trả lại bước trước
	ActSendAgency        Action = "send_agency"        // gửi cơ quan khác (liên thông)
	ActExtend            Action = "extend"             // xin lỗi, gia hạn
	ActStop              Action = "stop"               // dừng giải quyết
	ActIssueResult       Action = "issue_result"       // ban hành kết quả
	ActReturnResult      Action = "return_result"      // trả kết quả
)

// Actions lists every known action.
var Actions = []Action{ActReceive, ActRequestSupplement, ActRefuse, ActForward, ActAssign, ActApprove,
	ActReturnPrevious, ActSendAgency, ActExtend, ActStop, ActIssueResult, ActReturnResult}

// End is the target of a transition that finishes the dossier.
const End = "end"

// Transition is an allowed action at a step and the step it leads to
// (End to finish). Actions that keep the dossier at its step (assign,
// extend) lead to the step itself.
type Transition struct {
	Action Action `json:"action"`
	To     string `json:"to"`
}

// UnitRef names the unit that acts at a step, relative to the dossier:
//
//	receiving.onestop    the one-stop unit that received the dossier
//	decider              the deciding agency itself (its leaders)
//	decider.unit:NAME    a unit of the deciding agency, by name ("Phòng Hộ tịch")
//	agency:CODE          a fixed agency, by code
type UnitRef string

// Branch is one agency's part of an inter-agency (liên thông) step.
type Branch struct {
	Agency AgencyRef `json:"agency"`
	Lead   bool      `json:"lead,omitempty"`
	Task   string    `json:"task"`
}

// Step is a step of a workflow.
type Step struct {
	ID      string       `json:"id"`
	Name    Text         `json:"name"`
	Unit    UnitRef      `json:"unit"`
	Role    string       `json:"role"`  // identity.Role that acts
	Share   int          `json:"share"` // percent of the processing time
	Actions []Transition `json:"actions"`
	// Branches make the step inter-agency: sent in parallel to every
	// agency, one of them leading; the step ends when all have answered.
	Branches []Branch `json:"branches,omitempty"`
}

// Workflow is the route of a procedure's dossiers. Steps[0] is where a
// dossier starts.
type Workflow struct {
	Key   string `json:"key"`
	Name  Text   `json:"name"`
	Steps []Step `json:"steps"`
}
