package dossier

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"egov/internal/apperr"
	"egov/internal/catalog"
	"egov/internal/identity"
)

// deciderOf resolves the procedure's deciding agency for a dossier
// received at unit: a fixed agency by code, or the agency of the named
// kind that holds the receiving unit (the commune whose one-stop unit
// received it).
func (s *Service) deciderOf(ctx context.Context, p catalog.Procedure, unit identity.Agency) (identity.Agency, error) {
	a, err := s.agencyRef(ctx, p.Decider, unit)
	if errors.Is(err, errUnresolved) {
		return identity.Agency{}, ErrNoDecider
	}
	return a, err
}

var errUnresolved = errors.New("dossier: agency reference not resolved")

// agencyRef resolves a catalogue reference relative to the receiving unit.
func (s *Service) agencyRef(ctx context.Context, r catalog.AgencyRef, unit identity.Agency) (identity.Agency, error) {
	if r.Code != "" {
		a, err := s.dir.AgencyByCode(ctx, r.Code)
		if errors.Is(err, identity.ErrAgencyNotFound) {
			return identity.Agency{}, errUnresolved
		}
		return a, err
	}
	if r.Kind == "" {
		return identity.Agency{}, errUnresolved
	}
	// Walk up from the receiving unit to the first agency of that kind.
	a := unit
	for range 8 {
		if string(a.Kind) == r.Kind {
			return a, nil
		}
		if a.ParentID == 0 {
			break
		}
		next, err := s.dir.Agency(ctx, a.ParentID)
		if err != nil {
			return identity.Agency{}, err
		}
		a = next
	}
	return identity.Agency{}, errUnresolved
}

// stepUnit resolves the unit that acts at a step (catalog.UnitRef).
func (s *Service) stepUnit(ctx context.Context, ref catalog.UnitRef, receiving, decider int64) (int64, error) {
	r := string(ref)
	switch {
	case r == "receiving.onestop":
		return receiving, nil
	case r == "decider":
		return decider, nil
	case strings.HasPrefix(r, "decider.unit:"):
		// A named unit of the deciding agency ("Phòng Hộ tịch"); an agency
		// without that unit acts itself.
		name := strings.TrimSpace(strings.TrimPrefix(r, "decider.unit:"))
		all, err := s.dir.Agencies(ctx)
		if err != nil {
			return 0, err
		}
		for _, a := range all {
			if a.ParentID == decider && a.Active && strings.HasPrefix(strings.ToLower(a.Name), strings.ToLower(name)) {
				return a.ID, nil
			}
		}
		return decider, nil
	case strings.HasPrefix(r, "agency:"):
		a, err := s.dir.AgencyByCode(ctx, strings.TrimPrefix(r, "agency:"))
		if err != nil {
			return 0, err
		}
		return a.ID, nil
	}
	return 0, fmt.Errorf("dossier: unknown step unit %q", r)
}

// branchAgencies resolves an inter-agency step's agencies; a branch
// naming an agency kind is resolved from the deciding agency first (the
// commune that leads), then from the receiving unit.
func (s *Service) branchAgencies(ctx context.Context, st catalog.Step, receiving, decider int64) ([]identity.Agency, error) {
	recv, err := s.dir.Agency(ctx, receiving)
	if err != nil {
		return nil, err
	}
	dec, err := s.dir.Agency(ctx, decider)
	if err != nil {
		return nil, err
	}
	out := make([]identity.Agency, 0, len(st.Branches))
	for _, b := range st.Branches {
		a, err := s.agencyRef(ctx, b.Agency, dec)
		if errors.Is(err, errUnresolved) {
			a, err = s.agencyRef(ctx, b.Agency, recv)
		}
		if errors.Is(err, errUnresolved) {
			return nil, apperr.New(apperr.Invalid, "dossier.branch_unresolved",
				"Chưa xác định được cơ quan phối hợp: "+b.Agency.Note+". Quản trị cần khai báo cơ quan này theo mã trong quy trình.",
				"An agency of the inter-agency step is not known: "+b.Agency.Note+". An administrator must name it by code in the workflow.")
		}
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// ReceivingUnits lists the units where a procedure's dossiers can be
// filed (one-stop units of the agencies it names as receivers), for the
// applicant to choose; the web page puts the applicant's own commune
// first.
func (s *Service) ReceivingUnits(ctx context.Context, procedureCode string) ([]identity.Agency, error) {
	proc, err := s.catalog.Published(ctx, procedureCode)
	if err != nil {
		return nil, err
	}
	all, err := s.dir.Agencies(ctx)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]identity.Agency, len(all))
	hasDesk := map[int64]bool{} // agencies whose one-stop unit receives for them
	for _, a := range all {
		byID[a.ID] = a
		if a.Active && a.ReceivesDossiers && a.Kind == identity.KindUnit {
			hasDesk[a.ParentID] = true
		}
	}
	var out []identity.Agency
	for _, a := range all {
		if !hasDesk[a.ID] && receives(proc, a, byID[a.ParentID]) {
			out = append(out, a)
		}
	}
	return out, nil
}

// Assignees lists who may be assigned the dossier's current step: the
// users holding the step's role in the step's unit (or above it).
func (s *Service) Assignees(ctx context.Context, p *identity.Principal, code string, users UserLister) ([]identity.User, error) {
	r, err := s.load(ctx, s.db.R, code)
	if err != nil {
		return nil, err
	}
	if !s.visible(ctx, p, r) {
		return nil, ErrDossierNotFound
	}
	if r.stepRole == "" || r.stepUnit == 0 {
		return nil, nil
	}
	cands, err := users.Users(ctx, identity.UserFilter{Limit: 500})
	if err != nil {
		return nil, err
	}
	var out []identity.User
	for _, u := range cands {
		up := &identity.Principal{Stage: identity.StageFull, User: u}
		if u.Disabled || !u.IsOfficial() || up.IsSystemAdmin() {
			continue
		}
		if ok, err := s.dir.Within(ctx, up, identity.Role(r.stepRole), r.stepUnit); err == nil && ok {
			out = append(out, u)
		}
	}
	return out, nil
}

// UserLister lists users (identity).
type UserLister interface {
	Users(ctx context.Context, f identity.UserFilter) ([]identity.User, error)
}
