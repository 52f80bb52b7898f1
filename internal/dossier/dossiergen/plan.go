package dossiergen

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"time"

	"egov/internal/catalog"
	"egov/internal/eform"
	"egov/internal/identity"
)

// plan is what dossiers are drawn from: the published procedures with an
// e-form that some one-stop unit receives, each with its catalogue
// versions, its main route through the workflow and the units that act
// at each step for each receiving unit.
type plan struct {
	procs    []*proc
	cum      []float64 // cumulative procedure weights
	agencies map[int64]identity.Agency
}

type proc struct {
	p                 catalog.Procedure
	procV, wfV, formV int
	wf                catalog.Workflow
	hops              []hop // the main route from the first step to the end
	resultHop         int   // index of the hop the result is returned at (after issue_result)
	online            float64
	fees              int64
	weight            float64
	units             []*unitRoute
	cum               []float64 // cumulative unit weights
	data              dataTemplate
}

// hop is a step on the main route and the action that leaves it.
type hop struct {
	step   catalog.Step
	action catalog.Action
	to     string
	can    map[catalog.Action]bool
}

// unitRoute is a procedure at one receiving unit: the deciding agency,
// and the unit acting at each hop.
type unitRoute struct {
	unit     identity.Agency
	decider  int64
	units    []int64          // per hop
	branches map[int][]int64  // hop index -> agencies of its inter-agency parts
	names    map[int64]string // agency names for event notes
	weight   float64
}

// procWeights are the demo procedures' relative volumes, after what a
// commune's one-stop unit sees: certifications of copies and signatures
// dominate, then civil status, residence and land; provincial business
// and land procedures at the service centre. Other procedures weigh 1.
var procWeights = map[string]float64{
	"2.000815": 30, "2.000884": 10, "1.001193": 8, "1.004873": 8, "2.000635": 6, "2.000986": 5,
	"1.000894": 4, "2.001035": 4, "2.000913": 3, "2.001019": 3, "1.000656": 3, "2.001023": 3,
	"1.001612": 3, "1.013831": 3, "2.000720": 2, "1.013225": 2, "1.001022": 1, "1.004859": 1,
	"1.004884": 1, "1.001266": 1, "2.001583": 1.5, "2.001610": 1, "1.004837": 0.5, "1.012812": 0.5,
	"2.002043": 0.5, "2.002029": 0.5, "1.013236": 0.5, "2.001263": 0.2, "1.013859": 0.1,
}

// onlineShare is the share of a procedure's dossiers filed online, by its
// level of online service.
var onlineShare = map[catalog.Online]float64{catalog.OnlineFull: 0.55, catalog.OnlinePartial: 0.35}

func buildPlan(ctx context.Context, d Deps, today time.Time, rng *rand.Rand) (*plan, error) {
	all, err := d.Directory.Agencies(ctx)
	if err != nil {
		return nil, err
	}
	pl := &plan{agencies: map[int64]identity.Agency{}}
	byCode := map[string]identity.Agency{}
	for _, a := range all {
		pl.agencies[a.ID] = a
		if a.Code != "" {
			byCode[strings.ToUpper(a.Code)] = a
		}
	}
	// Communes differ in size: wards of the city are busier; each unit
	// gets a stable weight.
	unitWeight := map[int64]float64{}
	for _, a := range all {
		w := 0.5 + rng.Float64()
		if p, ok := pl.agencies[a.ParentID]; ok && strings.Contains(strings.ToLower(p.Name), "phường") {
			w *= 3
		}
		unitWeight[a.ID] = w
	}
	procs, err := d.Catalog.Procedures(ctx)
	if err != nil {
		return nil, err
	}
	for _, p := range procs {
		pr, err := d.buildProc(ctx, pl, byCode, p, today)
		if err != nil {
			return nil, fmt.Errorf("procedure %s: %w", p.Code, err)
		}
		if pr == nil {
			continue
		}
		var sum float64
		for _, u := range pr.units {
			u.weight = unitWeight[u.unit.ID]
			sum += u.weight
			pr.cum = append(pr.cum, sum)
		}
		pl.procs = append(pl.procs, pr)
	}
	if len(pl.procs) == 0 {
		return nil, fmt.Errorf("dossiergen: no published procedure with an e-form is received anywhere; load the demo catalogue first (egov seed demo)")
	}
	var sum float64
	for _, pr := range pl.procs {
		sum += pr.weight
		pl.cum = append(pl.cum, sum)
	}
	return pl, nil
}

// buildProc returns nil for a procedure that cannot be filed (a draft,
// no e-form, no receiving unit, an agency the directory does not have).
func (d Deps) buildProc(ctx context.Context, pl *plan, byCode map[string]identity.Agency, p catalog.Procedure, today time.Time) (*proc, error) {
	if p.Draft || p.Form == "" || p.Workflow == "" {
		return nil, nil
	}
	if _, err := d.Catalog.Published(ctx, p.Code); err != nil {
		return nil, nil
	}
	_, pv, err := d.Catalog.Procedure(ctx, p.Code)
	if err != nil {
		return nil, err
	}
	wf, wv, err := d.Catalog.Workflow(ctx, p.Workflow)
	if err != nil {
		return nil, err
	}
	form, fv, err := d.Catalog.Form(ctx, p.Form)
	if err != nil {
		return nil, err
	}
	hops, resultHop, ok := mainRoute(wf)
	if !ok {
		return nil, nil
	}
	pr := &proc{p: p, procV: pv.Version, wfV: wv.Version, formV: fv.Version, wf: wf, hops: hops, resultHop: resultHop, weight: 1}
	if slices.Contains(p.Channels, catalog.ChannelOnline) {
		pr.online = onlineShare[p.Online] // as Submit accepts: online channel and level
	}
	if w, ok := procWeights[p.Code]; ok {
		pr.weight = w
	}
	for _, f := range p.Fees {
		pr.fees += f.Amount
	}
	sample, _ := SampleValues(form, today)
	if pr.data, err = newDataTemplate(form, cleanValues(form, sample, today)); err != nil {
		return nil, err
	}
	units, err := d.Dossiers.ReceivingUnits(ctx, p.Code)
	if err != nil {
		return nil, err
	}
	for _, u := range units {
		// The one-stop units themselves (of the communes, and the
		// service centre's reception), not the agencies above them.
		if u.Kind != identity.KindUnit {
			continue
		}
		if r := pl.route(byCode, pr, u); r != nil {
			pr.units = append(pr.units, r)
		}
	}
	if len(pr.units) == 0 {
		return nil, nil
	}
	return pr, nil
}

// mainRoute follows the workflow from its first step by the actions that
// move a dossier on (receive, forward, approve, issue result, return),
// as most dossiers go.
func mainRoute(wf catalog.Workflow) ([]hop, int, bool) {
	if len(wf.Steps) == 0 {
		return nil, 0, false
	}
	order := []catalog.Action{catalog.ActReceive, catalog.ActForward, catalog.ActApprove, catalog.ActIssueResult, catalog.ActReturnResult}
	var hops []hop
	resultHop := -1
	id := wf.Steps[0].ID
	for range 20 {
		st, ok := wf.Step(id)
		if !ok {
			return nil, 0, false
		}
		h := hop{step: st, can: map[catalog.Action]bool{}}
		for _, t := range st.Actions {
			h.can[t.Action] = true
		}
		for _, a := range order {
			for _, t := range st.Actions {
				if t.Action == a && t.To != st.ID && h.action == "" {
					h.action, h.to = a, t.To
				}
			}
		}
		if h.action == "" {
			return nil, 0, false
		}
		hops = append(hops, h)
		if h.action == catalog.ActIssueResult {
			resultHop = len(hops)
		}
		if h.to == catalog.End {
			if resultHop < 1 || resultHop >= len(hops) || len(hops) < 3 {
				return nil, 0, false
			}
			return hops, resultHop, true
		}
		id = h.to
	}
	return nil, 0, false
}

// route resolves who acts at each hop for dossiers received at unit u, as
// the lifecycle does (internal/dossier/units.go): the deciding agency by
// code or by kind above the unit, step units relative to the receiving
// unit and the decider, and inter-agency parts from the decider first.
func (pl *plan) route(byCode map[string]identity.Agency, pr *proc, u identity.Agency) *unitRoute {
	ref := func(r catalog.AgencyRef, from identity.Agency) (identity.Agency, bool) {
		if r.Code != "" {
			a, ok := byCode[strings.ToUpper(r.Code)]
			return a, ok
		}
		if r.Kind == "" {
			return identity.Agency{}, false
		}
		a := from
		for range 8 {
			if string(a.Kind) == r.Kind {
				return a, true
			}
			next, ok := pl.agencies[a.ParentID]
			if !ok {
				break
			}
			a = next
		}
		return identity.Agency{}, false
	}
	dec, ok := ref(pr.p.Decider, u)
	if !ok {
		return nil
	}
	r := &unitRoute{unit: u, decider: dec.ID, branches: map[int][]int64{}, names: map[int64]string{u.ID: u.Name, dec.ID: dec.Name}}
	for i, h := range pr.hops {
		s := string(h.step.Unit)
		var id int64
		switch {
		case s == "receiving.onestop":
			id = u.ID
		case s == "decider":
			id = dec.ID
		case strings.HasPrefix(s, "decider.unit:"):
			name := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(s, "decider.unit:")))
			id = dec.ID
			ids := make([]int64, 0, len(pl.agencies))
			for k := range pl.agencies {
				ids = append(ids, k)
			}
			slices.Sort(ids)
			for _, k := range ids {
				a := pl.agencies[k]
				if a.ParentID == dec.ID && a.Active && strings.HasPrefix(strings.ToLower(a.Name), name) {
					id = a.ID
					break
				}
			}
		case strings.HasPrefix(s, "agency:"):
			a, ok := byCode[strings.ToUpper(strings.TrimPrefix(s, "agency:"))]
			if !ok {
				return nil
			}
			id = a.ID
		default:
			return nil
		}
		r.units = append(r.units, id)
		r.names[id] = pl.agencies[id].Name
		for _, b := range h.step.Branches {
			a, ok := ref(b.Agency, dec)
			if !ok {
				a, ok = ref(b.Agency, u)
			}
			if !ok {
				return nil
			}
			r.branches[i] = append(r.branches[i], a.ID)
			r.names[a.ID] = a.Name
		}
	}
	return r
}

// pickProc draws a procedure by weight; online-only days (weekends and
// holidays) draw among procedures that can be filed online.
func (pl *plan) pickProc(rng *rand.Rand, onlineOnly bool) *proc {
	for range 50 {
		x := rng.Float64() * pl.cum[len(pl.cum)-1]
		pr := pl.procs[sort.SearchFloat64s(pl.cum, x)]
		if !onlineOnly || pr.online > 0 {
			return pr
		}
	}
	return nil
}

func (pr *proc) pickUnit(rng *rand.Rand) *unitRoute {
	x := rng.Float64() * pr.cum[len(pr.cum)-1]
	return pr.units[sort.SearchFloat64s(pr.cum, x)]
}

// dataTemplate is a procedure's e-form values as JSON, with the
// applicant's name, personal ID and phone left as holes, so that each
// dossier costs a few string appends instead of a JSON encoding.
type dataTemplate struct {
	parts []string
	holes []hole
}

type hole int

const (
	holeName hole = iota
	holePID
	holePhone
)

var holeMarks = map[hole]string{holeName: "\x01name\x01", holePID: "\x01pid\x01", holePhone: "\x01phone\x01"}

func newDataTemplate(f eform.Form, clean map[string]any) (dataTemplate, error) {
	seen := map[hole]bool{}
	for _, fd := range f.Fields {
		if _, ok := clean[fd.Name].(string); !ok {
			continue
		}
		var h hole = -1
		switch {
		case fd.Type == eform.TypePersonalID && fd.BirthField == "":
			h = holePID
		case fd.Type == eform.TypePhone:
			h = holePhone
		case fd.Type == eform.TypeText && strings.Contains(fd.Name, "ho_ten"):
			h = holeName
		}
		if h >= 0 && !seen[h] {
			seen[h] = true
			clean[fd.Name] = holeMarks[h]
		}
	}
	b, err := json.Marshal(clean)
	if err != nil {
		return dataTemplate{}, err
	}
	s := string(b)
	var t dataTemplate
	for {
		at, which := -1, hole(-1)
		for h, m := range holeMarks {
			q, _ := json.Marshal(m)
			if i := strings.Index(s, string(q)); i >= 0 && (at < 0 || i < at) {
				at, which = i, h
			}
		}
		if at < 0 {
			t.parts = append(t.parts, s)
			return t, nil
		}
		q, _ := json.Marshal(holeMarks[which])
		t.parts = append(t.parts, s[:at])
		t.holes = append(t.holes, which)
		s = s[at+len(q):]
	}
}

func (t dataTemplate) fill(c *citizen) string {
	var b strings.Builder
	for i, p := range t.parts {
		b.WriteString(p)
		if i < len(t.holes) {
			var v string
			switch t.holes[i] {
			case holeName:
				v = c.name
			case holePID:
				v = c.pid
			case holePhone:
				v = "+84" + c.phone[1:]
			}
			q, _ := json.Marshal(v)
			b.Write(q)
		}
	}
	return b.String()
}
