package dossiergen

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"egov/internal/calendar"
	"egov/internal/catalog"
	"egov/internal/dossier"
	"egov/internal/platform/sqldb"
)

// row is one generated dossier with its history, inter-agency parts and
// payments, as the lifecycle would have left them.
type row struct {
	id        int64
	code      string
	p         *proc
	u         *unitRoute
	c         *citizen
	channel   dossier.Channel
	submitted time.Time
	day       string // the submission day in Vietnam, the code's sequence key

	status                                    dossier.Status
	step, stepRole, pausedStep                string
	stepUnit                                  int64
	received, due, updated, stepStarted       time.Time
	stepDue, stepWarn, clockStarted, pausedAt time.Time
	finished                                  time.Time
	stepLate, overdue                         bool
	clock                                     dossier.Clock
	applicantSeconds                          int64
	dueWhy                                    string
	supplements, results, rating, version     int
	outcome                                   dossier.Outcome
	feesPaid                                  int64
	ratingComment, data                       string
	events                                    []event
	branches                                  []branch
	payments                                  []payment
}

type event struct {
	at                   time.Time
	action, step, toStep string
	actorID              int64
	actor                string
	unit, fromUnit       int64
	stepDue              time.Time
	outcome              dossier.Outcome
	note, data           string
	withCode             bool // data holds codeMark, replaced by the dossier's code
}

type branch struct {
	step            string
	agency          int64
	lead            bool
	task, status    string
	sent, due, done time.Time
	outcome         dossier.Outcome
}

type payment struct {
	amount int64
	at     time.Time
}

// codeMark stands for the dossier's code in event data until codes are
// given out (result codes are <code>-KQ1).
const codeMark = "\x01code\x01"

// fate is how a dossier's story ends (or where it stands now).
type fate int

const (
	fReturned fate = iota
	fRefused
	fWithdrawn
	fStopped
	fProcessing
	fResult
	fSupplement
	fSubmitted
)

// The shape of a province's dossiers. Open (unfinished) dossiers are
// mostly recent: the chance that a dossier is still open falls with its
// age over a few weeks, down to a tail of dossiers stuck for months.
const (
	openTail  = 0.05
	openScale = 1.0
	openDays  = 60.0
)

func pickFate(rng *rand.Rand, age time.Duration, online bool) fate {
	days := age.Hours() / 24
	pOpen := min(0.97, openTail+openScale*math.Exp(-days/openDays))
	if rng.Float64() < pOpen {
		x := rng.Float64()
		switch {
		case x < 0.70:
			return fProcessing
		case x < 0.76:
			return fResult
		case x < 0.90:
			return fSupplement
		case online:
			return fSubmitted
		}
		return fProcessing
	}
	x := rng.Float64()
	switch {
	case x < 0.03 && online:
		return fRefused
	case x < 0.06:
		return fWithdrawn
	case x < 0.075:
		return fStopped
	}
	return fReturned
}

// officials are names used as the actors of officials' actions (they act
// through accounts the generator does not create: the history keeps the
// name).
var officials = []string{"Lương Văn Tuấn", "Nông Thị Hương", "Hà Văn Minh", "Lê Thu Trang", "Nguyễn Thị Hoa",
	"Hoàng Văn Đức", "Vi Thị Lan", "Triệu Văn Hùng", "Lăng Thị Mai", "Đinh Quang Huy", "Bế Thị Thu", "Chu Văn Long"}

func official(unit int64, role string) string {
	h := int(unit)*7 + len(role)
	return officials[h%len(officials)]
}

var (
	deficiencies = []string{"Bổ sung bản sao Giấy khai sinh có chứng thực", "Tờ khai chưa ghi đủ thông tin nơi cư trú",
		"Thiếu văn bản ủy quyền có chứng thực", "Bản chụp giấy tờ không rõ nét, đề nghị chụp lại", "Bổ sung giấy tờ chứng minh chỗ ở hợp pháp",
		"Chữ ký trên tờ khai không khớp với giấy tờ tùy thân"}
	refusals = []string{"Hồ sơ không thuộc thẩm quyền giải quyết của đơn vị", "Người yêu cầu không đủ điều kiện theo quy định",
		"Hồ sơ trùng với hồ sơ đã nộp trước đó"}
	withdrawals = []string{"Đã nộp trực tiếp tại bộ phận một cửa", "Không còn nhu cầu", "Nộp nhầm thủ tục"}
	stops       = []string{"Người yêu cầu không bổ sung hồ sơ trong thời hạn", "Có tranh chấp, chờ cơ quan có thẩm quyền giải quyết",
		"Theo đề nghị của cơ quan phối hợp"}
	comments = []string{"", "", "", "Cán bộ hướng dẫn nhiệt tình", "Giải quyết nhanh", "Thủ tục còn rườm rà", "Hài lòng"}
)

// sim tells a dossier's story through the procedure's main route: the
// schedule it would follow to its return (receipt, each step's start and
// end, the result), then cut where its fate puts it; everything after the
// cut is not in the history, and what is still open stays at its step
// with its deadlines running (the deadline jobs' effects included).
type sim struct {
	r    *row
	cal  *calendar.Calendar
	rng  *rand.Rand
	now  time.Time
	soon int

	due      time.Time
	why      calendar.Explanation
	received time.Time
	start    time.Time   // when the first processing step starts (hand-over)
	ends     []time.Time // per hop: when it is left (hop 0: receipt)
	starts   []time.Time
	stepDues []time.Time
}

func (s *sim) working(from time.Time, d time.Duration) time.Time {
	t, err := s.cal.DueWorkingHours(from, d)
	if err != nil {
		return from.Add(d)
	}
	return t
}

// schedule plans the whole route to the return of the result.
func (s *sim) schedule(online bool) error {
	r, p := s.r, s.r.p
	s.received = r.submitted
	if online {
		// The desk receives an online dossier within working hours,
		// mostly the same or the next working day.
		s.received = s.working(r.submitted, time.Duration(10+s.rng.ExpFloat64()*150)*time.Minute)
	}
	var err error
	if s.due, s.why, err = dossier.DueOf(s.cal, s.received, p.p.Time); err != nil {
		return err
	}
	if s.start, err = dossier.HandOverAt(s.cal, s.received, r.channel); err != nil {
		return err
	}
	// The return: mostly before the due day, some on it, a few late.
	var end time.Time
	span := s.due.Sub(s.start)
	switch x := s.rng.Float64(); {
	case x < 0.72 && span > 24*time.Hour:
		end = s.start.Add(time.Duration((0.1 + 0.6*s.rng.Float64()) * float64(span)))
		if end, err = s.cal.NextOpening(end); err != nil {
			return err
		}
	case x < 0.92:
		end = s.due.Add(-time.Duration(5+s.rng.IntN(180)) * time.Minute)
	default:
		end = s.working(s.due, time.Duration((1+s.rng.ExpFloat64()*16)*float64(time.Hour)))
	}
	if !end.After(s.start) {
		end = s.start.Add(time.Duration(20+s.rng.IntN(60)) * time.Minute)
	}
	hops := p.hops
	s.ends = make([]time.Time, len(hops))
	s.starts = make([]time.Time, len(hops))
	s.stepDues = make([]time.Time, len(hops))
	s.starts[0], s.ends[0] = r.submitted, s.received
	total := 0
	for _, h := range hops[1:] {
		total += shareOf(h)
	}
	acc := 0
	prev := s.start
	for i := 1; i < len(hops); i++ {
		acc += shareOf(hops[i])
		s.starts[i] = prev
		s.ends[i] = s.start.Add(time.Duration(float64(end.Sub(s.start)) * float64(acc) / float64(total)))
		if i == len(hops)-1 {
			s.ends[i] = end
		}
		if s.stepDues[i], err = dossier.StepDue(s.cal, s.starts[i], p.p.Time, hops[i].step.Share, s.due); err != nil {
			return err
		}
		prev = s.ends[i]
	}
	return nil
}

func shareOf(h hop) int {
	if h.step.Share > 0 {
		return h.step.Share
	}
	return 10
}

// hopAt is the hop a dossier is at at instant t (after receipt).
func (s *sim) hopAt(t time.Time) int {
	for i := 1; i < len(s.ends); i++ {
		if t.Before(s.ends[i]) {
			return i
		}
	}
	return len(s.ends) - 1
}

func (s *sim) between(a, b time.Time) time.Time {
	if !b.After(a) {
		return a
	}
	return a.Add(time.Duration(s.rng.Float64() * float64(b.Sub(a))))
}

// run fills in the row for the fate f.
func (s *sim) run(f fate) error {
	r := s.r
	online := r.channel == dossier.ChannelOnline
	if err := s.schedule(online); err != nil {
		return err
	}
	hops := r.p.hops
	last := len(hops) - 1
	now := s.now
	applicant := func(e event) event { e.actorID, e.actor = r.c.id, r.c.name; return e }

	// Fates that need what the route does not offer become the nearest
	// one that it does.
	switch f {
	case fSubmitted, fRefused:
		if !online || !s.received.Before(now) && f == fRefused {
			f = fProcessing
		}
	case fStopped:
		if !s.anyCan(catalog.ActStop) {
			f = fReturned
		}
	}
	if f == fReturned && s.ends[last].After(now) {
		f = fProcessing // not finished yet: still on its way
	}

	// The first entries: submission, and receipt when it has happened.
	sub := event{at: r.submitted, action: "submit", step: hops[0].step.ID, unit: r.u.unit.ID,
		data: mustJSON(map[string]any{"channel": r.channel, "files": 1 + s.rng.IntN(3), "fees_due": r.p.fees})}
	if online {
		sub = applicant(sub)
	} else {
		sub.actor = official(r.u.unit.ID, "desk_officer")
	}
	r.events = append(r.events, sub)
	r.status, r.step, r.stepUnit, r.stepRole, r.stepStarted = dossier.StatusSubmitted, hops[0].step.ID, r.u.unit.ID, hops[0].step.Role, r.submitted
	r.clock, r.updated = dossier.ClockNotStarted, r.submitted

	// Before receipt: submitted, supplement at receipt, refused, withdrawn early.
	if online {
		switch f {
		case fSubmitted:
			return nil
		case fRefused:
			reasons := []string{refusals[s.rng.IntN(len(refusals))]}
			s.finishAt(s.received, dossier.StatusRefused, event{at: s.received, action: "refuse", step: hops[0].step.ID,
				note: strings.Join(reasons, "; "), data: mustJSON(map[string]any{"reasons": reasons})}, false)
			return nil
		case fSupplement:
			if s.rng.IntN(2) == 0 || !s.received.Before(now) {
				at := s.between(r.submitted, earliest(s.received, now))
				s.supplement(at, 0)
				return nil
			}
		case fWithdrawn:
			if s.rng.IntN(3) == 0 || !s.received.Before(now) {
				at := s.between(r.submitted, earliest(s.received, now))
				s.finishAt(at, dossier.StatusWithdrawn, applicant(event{at: at, action: "withdraw", step: hops[0].step.ID,
					note: withdrawals[s.rng.IntN(len(withdrawals))]}), false)
				return nil
			}
		}
		if !s.received.Before(now) {
			return nil // not received yet
		}
	}
	s.receive()

	// After receipt: where the dossier stands at its cut.
	resultAt := s.ends[r.p.resultHop-1] // when the result is issued
	var cut time.Time
	switch f {
	case fReturned:
		cut = s.ends[last]
	case fResult:
		if resultAt.After(now) {
			f, cut = fProcessing, now
		} else {
			cut = s.between(resultAt, earliest(s.ends[last], now))
		}
	default:
		// Still open (or ended) before the result: somewhere between the
		// hand-over and the result, or now if the route is not that far.
		// A route that should have reached its result by now is stuck
		// where the cut falls.
		cut = s.between(latest(s.start, s.received), earliest(resultAt, now))
		if f == fProcessing && !resultAt.Before(now) {
			cut = now
		}
		if f == fSupplement {
			// Supplements are asked for at the step that reviews the file.
			for k := 1; k < r.p.resultHop; k++ {
				if hops[k].can[catalog.ActRequestSupplement] {
					cut = s.between(s.starts[k], earliest(s.ends[k], now))
					break
				}
			}
		}
	}
	cut = earliest(cut, now)
	// The hops passed before the cut.
	h := 1
	for ; h < last && !s.ends[h].After(cut); h++ {
		s.pass(h)
	}
	if f == fReturned {
		s.pass(last)
		s.returned()
		return nil
	}
	s.enter(h)
	if st := hops[h].step; len(st.Branches) > 0 {
		s.sendAgencies(h, cut)
	}
	if f == fStopped && !hops[h].can[catalog.ActStop] {
		f = fWithdrawn
	}
	active := now // until when the deadline jobs act on it
	switch f {
	case fStopped:
		active = cut
		s.deadlines(h, active)
		s.finishAt(cut, dossier.StatusStopped, event{at: cut, action: "stop", step: r.step, unit: r.stepUnit, fromUnit: r.stepUnit,
			actor: official(r.stepUnit, "leader"), note: stops[s.rng.IntN(len(stops))], stepDue: r.stepDue,
			outcome: dossier.OutcomeOf(cut, r.stepDue)}, true)
	case fWithdrawn:
		active = cut
		s.deadlines(h, active)
		s.finishAt(cut, dossier.StatusWithdrawn, applicant(event{at: cut, action: "withdraw", step: r.step, unit: r.stepUnit,
			note: withdrawals[s.rng.IntN(len(withdrawals))]}), true)
	case fSupplement:
		if hops[h].can[catalog.ActRequestSupplement] {
			active = cut
			s.deadlines(h, active)
			s.supplement(cut, h)
		} else {
			s.deadlines(h, active)
		}
	default: // processing or result
		s.deadlines(h, active)
	}
	return nil
}

func (s *sim) anyCan(a catalog.Action) bool {
	for _, h := range s.r.p.hops[1:s.r.p.resultHop] {
		if h.can[a] {
			return true
		}
	}
	return false
}

// receive is the desk's receipt: the clock starts, the appointment is
// set, the dossier goes to the first processing step.
func (s *sim) receive() {
	r, hops := s.r, s.r.p.hops
	data := map[string]any{"due_at": s.due, "step_due_at": s.stepDues[1]}
	if s.why.N > 0 {
		data["why"] = s.why
	}
	r.dueWhy = mustJSON(s.why)
	r.events = append(r.events, event{at: s.received, action: "receive", step: hops[0].step.ID, toStep: hops[1].step.ID,
		unit: r.u.units[1], fromUnit: r.u.unit.ID, actor: official(r.u.unit.ID, "desk_officer"),
		note: "hẹn trả kết quả " + s.due.In(calendar.Location()).Format("15:04 02/01/2006"), data: mustJSON(data)})
	r.received, r.due, r.clock, r.clockStarted, r.status = s.received, s.due, dossier.ClockRunning, s.received, dossier.StatusProcessing
	r.updated = s.received
	s.enter(1)
	r.stepStarted = s.start
}

// enter puts the dossier at hop h (its step, unit, role and deadlines).
func (s *sim) enter(h int) {
	r, hp := s.r, s.r.p.hops[h]
	r.step, r.stepUnit, r.stepRole = hp.step.ID, r.u.units[h], hp.step.Role
	r.stepStarted, r.stepDue = s.starts[h], s.stepDues[h]
	r.stepWarn = dossier.WarnAt(s.cal, r.stepDue, r.stepStarted, s.soon)
	if h >= r.p.resultHop {
		r.status, r.results = dossier.StatusResult, 1
	}
}

// pass leaves hop h by its main action at its planned end.
func (s *sim) pass(h int) {
	r, hp := s.r, s.r.p.hops[h]
	end := s.ends[h]
	s.deadlines(h, end)
	if len(hp.step.Branches) > 0 {
		s.sendAgencies(h, end)
	}
	e := event{at: end, action: string(hp.action), step: hp.step.ID, toStep: hp.to, unit: r.u.units[h], fromUnit: r.u.units[h],
		actor: official(r.u.units[h], hp.step.Role), stepDue: s.stepDues[h], outcome: dossier.OutcomeOf(end, s.stepDues[h])}
	data := map[string]any{}
	if hp.to != catalog.End {
		e.unit = r.u.units[h+1]
		data["step_due_at"] = s.stepDues[h+1]
	}
	if hp.action == catalog.ActIssueResult {
		data["result_code"] = codeMark + "-KQ1"
		e.withCode = true
	}
	e.data = mustJSON(data)
	r.events = append(r.events, e)
	r.updated = end
	if hp.to != catalog.End {
		s.enter(h + 1)
	}
}

// deadlines adds what the deadline jobs did while the dossier was at hop
// h until until: the step marked late, the dossier marked overdue.
func (s *sim) deadlines(h int, until time.Time) {
	r := s.r
	if sd := s.stepDues[h]; !sd.IsZero() && sd.Before(until) && !sd.Before(s.starts[h]) {
		r.events = append(r.events, event{at: sd, action: "step_late", step: r.p.hops[h].step.ID, actor: "system", stepDue: sd, outcome: dossier.Late, data: "{}"})
		r.stepLate = true
	}
	if !r.overdue && s.due.Before(until) {
		r.events = append(r.events, event{at: s.due, action: "overdue", step: r.p.hops[h].step.ID, actor: "system", stepDue: s.due, outcome: dossier.Late, data: "{}"})
		r.overdue = true
	}
}

// sendAgencies sends the inter-agency parts of hop h when it starts; the
// agencies answer over the step, those that have not by until are pending.
func (s *sim) sendAgencies(h int, until time.Time) {
	r, st := s.r, s.r.p.hops[h].step
	sent := s.starts[h].Add(time.Duration(10+s.rng.IntN(120)) * time.Minute)
	if sent.After(until) {
		return
	}
	due := s.stepDues[h]
	if due.IsZero() {
		due = s.due
	}
	var names []string
	for i, a := range r.u.branches[h] {
		b := branch{step: st.ID, agency: a, lead: st.Branches[i].Lead, task: st.Branches[i].Task, status: "pending", sent: sent, due: due}
		if done := s.between(sent, s.ends[h]); done.Before(until) {
			b.status, b.done, b.outcome = "done", done, dossier.OutcomeOf(done, due)
		}
		r.branches = append(r.branches, b)
		names = append(names, r.u.names[a])
	}
	r.events = append(r.events, event{at: sent, action: "send_agency", step: st.ID, unit: r.u.units[h], fromUnit: r.u.units[h],
		actor: official(r.u.units[h], st.Role), note: strings.Join(names, "; "), data: mustJSON(map[string]any{"agencies": names})})
}

// supplement asks the applicant to complete the dossier at hop h (0: at
// receipt, before the clock starts; later: the clock stops).
func (s *sim) supplement(at time.Time, h int) {
	r := s.r
	items := []string{deficiencies[s.rng.IntN(len(deficiencies))]}
	if s.rng.IntN(3) == 0 {
		if d := deficiencies[s.rng.IntN(len(deficiencies))]; d != items[0] {
			items = append(items, d)
		}
	}
	e := event{at: at, action: "request_supplement", step: r.step, unit: r.stepUnit, fromUnit: r.stepUnit,
		actor: official(r.stepUnit, r.stepRole), data: mustJSON(map[string]any{"deficiencies": items})}
	r.pausedStep = r.step
	if h > 0 {
		r.clock, r.pausedAt, r.supplements = dossier.ClockPaused, at, 1
		e.outcome, e.stepDue = dossier.OutcomeOf(at, r.stepDue), r.stepDue
	}
	r.status, r.updated = dossier.StatusSupplement, at
	r.events = append(r.events, e)
}

// finishAt ends the dossier (refused, withdrawn, stopped) with event e.
func (s *sim) finishAt(at time.Time, st dossier.Status, e event, received bool) {
	r := s.r
	e.toStep = catalog.End
	if e.actor == "" {
		e.actor = official(r.stepUnit, r.stepRole)
	}
	if received {
		e.stepDue, e.outcome = r.stepDue, dossier.OutcomeOf(at, r.stepDue)
	}
	if e.data == "" {
		e.data = "{}"
	}
	r.events = append(r.events, e)
	r.status, r.clock, r.finished, r.step, r.stepRole = st, dossier.ClockFinished, at, catalog.End, ""
	r.outcome = dossier.OutcomeOf(at, r.due)
	r.updated = at
}

// returned is the return of the result at the end of the route, with the
// fees paid at the desk and, often, the applicant's rating.
func (s *sim) returned() {
	r := s.r
	end := s.ends[len(s.ends)-1]
	r.status, r.clock, r.finished, r.step, r.stepRole = dossier.StatusReturned, dossier.ClockFinished, end, catalog.End, ""
	r.outcome = dossier.OutcomeOf(end, s.due)
	r.updated = end
	if r.p.fees > 0 {
		at := end.Add(-time.Duration(1+s.rng.IntN(10)) * time.Minute)
		r.payments = append(r.payments, payment{amount: r.p.fees, at: at})
		r.feesPaid = r.p.fees
		r.events = append(r.events, event{at: at, action: "payment", step: r.p.hops[len(r.p.hops)-1].step.ID, unit: r.stepUnit,
			fromUnit: r.u.unit.ID, actor: official(r.u.unit.ID, "desk_officer"), data: mustJSON(map[string]any{"amount": r.p.fees, "method": "cash"})})
	}
	if at := end.Add(time.Duration(1+s.rng.IntN(72)) * time.Hour); s.rng.Float64() < 0.35 && at.Before(s.now) {
		score := []int{5, 5, 5, 5, 5, 5, 5, 4, 4, 3}[s.rng.IntN(10)]
		if s.rng.Float64() < 0.03 {
			score = 1 + s.rng.IntN(2)
		}
		r.rating, r.ratingComment = score, comments[s.rng.IntN(len(comments))]
		r.events = append(r.events, event{at: at, action: "rate", step: catalog.End, unit: r.stepUnit, actorID: r.c.id, actor: r.c.name,
			note: r.ratingComment, data: mustJSON(map[string]any{"score": score})})
		r.updated = at
	}
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return "{}"
	}
	return string(b)
}

// utc is how instants are stored (sqldb.UTC), NULL for none.
func utc(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return sqldb.UTC(t)
}

func earliest(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func latest(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
