package catalog

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"egov/internal/apperr"
	"egov/internal/identity"
)

var (
	keyRe      = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,63}$`)
	stepIDRe   = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)
	procCodeRe = regexp.MustCompile(`^[0-9A-Za-z][0-9A-Za-z._-]{2,31}$`)
)

// stepRoles are the roles that act at workflow steps.
var stepRoles = []string{string(identity.RoleDesk), string(identity.RoleSpecialist), string(identity.RoleLeader), string(identity.RoleClerical)}

// problems collects field errors that name their place.
type problems []apperr.FieldError

func (p *problems) add(place, key, vi, en string, args ...any) {
	*p = append(*p, apperr.Field(place, key, fmt.Sprintf(vi, args...), fmt.Sprintf(en, args...)))
}

func (p problems) err() error {
	if len(p) == 0 {
		return nil
	}
	return apperr.Validation(p...)
}

// Validate checks a workflow: a key and name, steps with unique IDs, a
// role and a unit at every step, known actions leading to known steps, no
// step unreachable from the start, an end reachable from every step,
// shares of the processing time adding up to 100, and inter-agency steps
// with at least two agencies of which exactly one leads.
func (w *Workflow) Validate() error {
	var p problems
	if !keyRe.MatchString(w.Key) {
		p.add("key", "workflow.key", "Mã quy trình chỉ gồm chữ thường không dấu, số, dấu chấm, gạch ngang (tối đa 64 ký tự).",
			"The workflow key may have lowercase letters, digits, dots and hyphens (64 at most).")
	}
	if strings.TrimSpace(w.Name.VI) == "" {
		p.add("name.vi", "workflow.name", "Vui lòng đặt tên quy trình.", "The workflow needs a name.")
	}
	if len(w.Steps) == 0 {
		p.add("steps", "workflow.no_steps", "Quy trình phải có ít nhất một bước.", "A workflow needs at least one step.")
		return p.err()
	}
	ids := map[string]int{}
	for i, s := range w.Steps {
		at := fmt.Sprintf("steps[%d]", i)
		if !stepIDRe.MatchString(s.ID) {
			p.add(at+".id", "workflow.step_id", "Bước %d: mã bước %q không hợp lệ (chữ thường, số, gạch dưới).",
				"Step %d: the step id %q is not valid (lowercase letters, digits, underscores).", i+1, s.ID)
		} else if j, dup := ids[s.ID]; dup {
			p.add(at+".id", "workflow.step_duplicate", "Bước %d trùng mã %q với bước %d.", "Step %d has the same id %q as step %d.", i+1, s.ID, j+1)
		} else {
			ids[s.ID] = i
		}
		if strings.TrimSpace(s.Name.VI) == "" {
			p.add(at+".name.vi", "workflow.step_name", "Bước %d chưa có tên.", "Step %d has no name.", i+1)
		}
		if !slices.Contains(stepRoles, s.Role) {
			p.add(at+".role", "workflow.step_role", "Bước %q: vai trò %q không hợp lệ (cán bộ một cửa, chuyên viên, lãnh đạo, văn thư).",
				"Step %q: the role %q is not one of desk_officer, specialist, leader, clerical_officer.", s.ID, s.Role)
		}
		if !validUnit(s.Unit) {
			p.add(at+".unit", "workflow.step_unit", "Bước %q: đơn vị %q không hợp lệ.", "Step %q: the unit %q is not valid.", s.ID, s.Unit)
		}
		if s.Share < 0 || s.Share > 100 {
			p.add(at+".share", "workflow.step_share", "Bước %q: tỷ lệ thời gian phải từ 0 đến 100.", "Step %q: the share must be between 0 and 100.", s.ID)
		}
		if len(s.Actions) == 0 {
			p.add(at+".actions", "workflow.step_no_actions", "Bước %q chưa có thao tác nào.", "Step %q allows no action.", s.ID)
		}
		seen := map[Action]bool{}
		for k, t := range s.Actions {
			aat := fmt.Sprintf("%s.actions[%d]", at, k)
			if !slices.Contains(Actions, t.Action) {
				p.add(aat+".action", "workflow.unknown_action", "Bước %q: thao tác %q không tồn tại.", "Step %q: unknown action %q.", s.ID, t.Action)
			}
			if seen[t.Action] {
				p.add(aat+".action", "workflow.duplicate_action", "Bước %q: thao tác %q xuất hiện hai lần.", "Step %q: the action %q appears twice.", s.ID, t.Action)
			}
			seen[t.Action] = true
		}
		if len(s.Branches) > 0 {
			leads := 0
			for k, b := range s.Branches {
				if b.Lead {
					leads++
				}
				if b.Agency.Code == "" && b.Agency.Kind == "" {
					p.add(fmt.Sprintf("%s.branches[%d].agency", at, k), "workflow.branch_agency",
						"Bước %q: nhánh liên thông %d chưa chỉ rõ cơ quan.", "Step %q: inter-agency branch %d names no agency.", s.ID, k+1)
				}
				if strings.TrimSpace(b.Task) == "" {
					p.add(fmt.Sprintf("%s.branches[%d].task", at, k), "workflow.branch_task",
						"Bước %q: nhánh liên thông %d chưa có nhiệm vụ.", "Step %q: inter-agency branch %d has no task.", s.ID, k+1)
				}
			}
			if len(s.Branches) < 2 {
				p.add(at+".branches", "workflow.branches_few", "Bước liên thông %q cần ít nhất hai cơ quan.", "The inter-agency step %q needs at least two agencies.", s.ID)
			}
			if leads != 1 {
				p.add(at+".branches", "workflow.branches_lead", "Bước liên thông %q phải có đúng một cơ quan chủ trì (đang có %d).",
					"The inter-agency step %q must have exactly one lead agency (it has %d).", s.ID, leads)
			}
		}
	}
	total := 0
	for _, s := range w.Steps {
		total += s.Share
	}
	if total != 100 {
		p.add("steps", "workflow.shares", "Tổng tỷ lệ thời gian các bước phải bằng 100 (đang là %d).",
			"The steps' shares of the processing time must add up to 100 (they add up to %d).", total)
	}
	// Transitions must lead somewhere known.
	for i, s := range w.Steps {
		for k, t := range s.Actions {
			if t.To != End {
				if _, ok := ids[t.To]; !ok {
					p.add(fmt.Sprintf("steps[%d].actions[%d].to", i, k), "workflow.unknown_target",
						"Bước %q: thao tác %q dẫn tới bước %q không tồn tại.", "Step %q: the action %q leads to an unknown step %q.", s.ID, t.Action, t.To)
				}
			}
		}
	}
	if len(p) > 0 {
		return p.err()
	}
	// Every step reachable from the start; an end reachable from every step.
	reach := reachable(w, 0)
	for i, s := range w.Steps {
		if !reach[i] {
			p.add(fmt.Sprintf("steps[%d]", i), "workflow.unreachable_step", "Bước %q không thể tới được từ bước đầu.",
				"Step %q cannot be reached from the first step.", s.ID)
		}
	}
	for i, s := range w.Steps {
		if !endReachable(w, i) {
			p.add(fmt.Sprintf("steps[%d]", i), "workflow.no_end", "Từ bước %q không có đường kết thúc hồ sơ.",
				"From step %q there is no way to finish the dossier.", s.ID)
		}
	}
	return p.err()
}

func validUnit(u UnitRef) bool {
	s := string(u)
	switch {
	case s == "receiving.onestop", s == "decider":
		return true
	case strings.HasPrefix(s, "decider.unit:"):
		return strings.TrimSpace(strings.TrimPrefix(s, "decider.unit:")) != ""
	case strings.HasPrefix(s, "agency:"):
		return identity.ValidAgencyCode(strings.TrimPrefix(s, "agency:"))
	}
	return false
}

func (w *Workflow) index() map[string]int {
	m := make(map[string]int, len(w.Steps))
	for i, s := range w.Steps {
		m[s.ID] = i
	}
	return m
}

func reachable(w *Workflow, from int) []bool {
	idx := w.index()
	seen := make([]bool, len(w.Steps))
	stack := []int{from}
	seen[from] = true
	for len(stack) > 0 {
		i := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, t := range w.Steps[i].Actions {
			if j, ok := idx[t.To]; ok && !seen[j] {
				seen[j] = true
				stack = append(stack, j)
			}
		}
	}
	return seen
}

func endReachable(w *Workflow, from int) bool {
	for i, ok := range reachable(w, from) {
		if !ok {
			continue
		}
		for _, t := range w.Steps[i].Actions {
			if t.To == End {
				return true
			}
		}
	}
	return false
}

// Step returns the step with the id.
func (w *Workflow) Step(id string) (Step, bool) {
	for _, s := range w.Steps {
		if s.ID == id {
			return s, true
		}
	}
	return Step{}, false
}

// Validate checks a procedure's data; it does not check that its workflow
// and form exist (the store does).
func (pr *Procedure) Validate() error {
	var p problems
	if !procCodeRe.MatchString(pr.Code) {
		p.add("code", "procedure.code", "Mã thủ tục %q không hợp lệ.", "The procedure code %q is not valid.", pr.Code)
	}
	if strings.TrimSpace(pr.Name) == "" {
		p.add("name", "procedure.name", "Vui lòng nhập tên thủ tục.", "The procedure needs a name.")
	}
	if strings.TrimSpace(pr.Field) == "" {
		p.add("field", "procedure.field", "Vui lòng nhập lĩnh vực.", "The procedure needs a field.")
	}
	switch pr.Level {
	case LevelMinistry, LevelProvince, LevelCommune:
	default:
		p.add("level", "procedure.level", "Cấp thực hiện %q không hợp lệ (province, commune, ministry).", "The level %q is not province, commune or ministry.", pr.Level)
	}
	if len(pr.Channels) == 0 {
		p.add("channels", "procedure.channels", "Vui lòng chọn ít nhất một cách thức nộp hồ sơ.", "At least one channel is needed.")
	}
	for i, c := range pr.Channels {
		if c != ChannelOnline && c != ChannelPost && c != ChannelInPerson {
			p.add(fmt.Sprintf("channels[%d]", i), "procedure.channel", "Cách thức nộp %q không hợp lệ.", "Unknown channel %q.", c)
		}
	}
	switch pr.Online {
	case OnlineFull, OnlinePartial, OnlineNone:
	default:
		p.add("online", "procedure.online", "Mức độ trực tuyến %q không hợp lệ (full, partial, none).", "The online level %q is not full, partial or none.", pr.Online)
	}
	if pr.Online == OnlineFull && !slices.Contains(pr.Channels, ChannelOnline) {
		p.add("online", "procedure.online_channel", "Thủ tục trực tuyến toàn trình phải nhận hồ sơ trực tuyến.", "A fully online procedure must accept online submission.")
	}
	switch pr.Time.Unit {
	case WorkingDays, WorkingHours, CalendarDays:
	default:
		p.add("time.unit", "procedure.time_unit", "Đơn vị thời gian %q không hợp lệ.", "Unknown time unit %q.", pr.Time.Unit)
	}
	if pr.Time.N <= 0 || pr.Time.N > 3660 {
		p.add("time.n", "procedure.time", "Thời hạn giải quyết phải lớn hơn 0.", "The processing time must be more than 0.")
	}
	for i, f := range pr.Fees {
		at := fmt.Sprintf("fees[%d]", i)
		if strings.TrimSpace(f.Name) == "" {
			p.add(at+".name", "procedure.fee_name", "Khoản phí %d chưa có tên.", "Fee %d has no name.", i+1)
		}
		if f.Kind != KindFee && f.Kind != KindCharge {
			p.add(at+".kind", "procedure.fee_kind", "Khoản %q: loại phải là phí (fee) hoặc lệ phí (charge).", "Fee %q: the kind must be fee or charge.", f.Name)
		}
		if f.Amount < 0 {
			p.add(at+".amount", "procedure.fee_amount", "Khoản %q: số tiền không được âm.", "Fee %q: the amount cannot be negative.", f.Name)
		}
	}
	if len(pr.Receivers) == 0 {
		p.add("receivers", "procedure.receivers", "Vui lòng chỉ rõ cơ quan tiếp nhận.", "The receiving agencies are missing.")
	}
	for i, r := range pr.Receivers {
		checkRef(&p, fmt.Sprintf("receivers[%d]", i), r)
	}
	checkRef(&p, "decider", pr.Decider)
	for i, d := range pr.Documents {
		at := fmt.Sprintf("documents[%d]", i)
		if strings.TrimSpace(d.Name) == "" {
			p.add(at+".name", "procedure.document_name", "Thành phần hồ sơ %d chưa có tên.", "Document %d has no name.", i+1)
		}
		if d.Originals < 0 || d.Copies < 0 || d.Originals > 100 || d.Copies > 100 {
			p.add(at, "procedure.document_count", "Thành phần %q: số bản không hợp lệ.", "Document %q: the number of copies is not valid.", d.Name)
		}
	}
	if strings.TrimSpace(pr.Result) == "" {
		p.add("result", "procedure.result", "Vui lòng nhập kết quả giải quyết.", "The result is missing.")
	}
	if !keyRe.MatchString(pr.Workflow) {
		p.add("workflow", "procedure.workflow", "Vui lòng chọn quy trình xử lý.", "The workflow is missing.")
	}
	if pr.Form != "" && !keyRe.MatchString(pr.Form) {
		p.add("form", "procedure.form", "Mã biểu mẫu %q không hợp lệ.", "The form key %q is not valid.", pr.Form)
	}
	if pr.Draft {
		// A draft may lack what only a person can settle; the rest must hold.
		kept := p[:0]
		for _, f := range p {
			if !draftTolerates[f.Key] {
				kept = append(kept, f)
			}
		}
		p = kept
	}
	return p.err()
}

// draftTolerates are the problems a draft may keep until it is published.
var draftTolerates = map[string]bool{"procedure.time_unit": true, "procedure.time": true, "procedure.result": true}

func checkRef(p *problems, at string, r AgencyRef) {
	switch {
	case r.Code != "" && !identity.ValidAgencyCode(r.Code):
		p.add(at+".code", "procedure.agency_code", "Mã cơ quan %q không đúng dạng ddd.dd.dd.Xdd.", "The agency code %q is not ddd.dd.dd.Xdd.", r.Code)
	case r.Code == "" && r.Kind == "":
		p.add(at, "procedure.agency", "Vui lòng chỉ rõ cơ quan (mã hoặc loại).", "Name the agency (by code or kind).")
	case r.Kind != "" && !slices.Contains(identity.AgencyKinds, identity.AgencyKind(r.Kind)):
		p.add(at+".kind", "procedure.agency_kind", "Loại cơ quan %q không hợp lệ.", "Unknown agency kind %q.", r.Kind)
	}
}

// ValidatePublished checks a procedure as if it were to be published:
// what a draft still lacks is reported too.
func (pr Procedure) ValidatePublished() error {
	pr.Draft = false
	return pr.Validate()
}
