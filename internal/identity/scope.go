package identity

import "context"

// AdminScope is what an administrator manages: everything for a system
// admin; for an agency admin, the agencies at and below theirs and the
// officials who hold a role there. The web pages and the API both ask it,
// so the rule lives in one place.
type AdminScope struct {
	All bool
	ids map[int64]bool
}

// AdminScopeOf returns p's scope; an empty scope for non-administrators.
func (s *Service) AdminScopeOf(ctx context.Context, p *Principal) (AdminScope, error) {
	if p.IsSystemAdmin() {
		return AdminScope{All: true}, nil
	}
	sc := AdminScope{ids: map[int64]bool{}}
	roots := p.AgenciesFor(RoleAgencyAdmin)
	if len(roots) == 0 {
		return sc, nil
	}
	ids, err := s.Subtree(ctx, roots)
	if err != nil {
		return sc, err
	}
	for _, id := range ids {
		sc.ids[id] = true
	}
	return sc, nil
}

// Empty reports whether the scope manages nothing.
func (sc AdminScope) Empty() bool { return !sc.All && len(sc.ids) == 0 }

// HasAgency reports whether the agency is managed.
func (sc AdminScope) HasAgency(id int64) bool { return sc.All || sc.ids[id] }

// Agencies lists the managed agencies (nil when All).
func (sc AdminScope) Agencies() []int64 {
	if sc.All {
		return nil
	}
	out := make([]int64, 0, len(sc.ids))
	for id := range sc.ids {
		out = append(out, id)
	}
	return out
}

// CanGrant reports whether the scope may hand out these roles: an agency
// admin grants official roles within their agencies only, never system
// administration, and must grant at least one (a user outside every
// agency would fall out of their scope).
func (sc AdminScope) CanGrant(gs []Grant) bool {
	if sc.All {
		return true
	}
	if len(gs) == 0 {
		return false
	}
	for _, g := range gs {
		if g.Role == RoleSystemAdmin || g.AgencyID == 0 || !sc.ids[g.AgencyID] {
			return false
		}
	}
	return true
}

// CanManageUser reports whether the scope manages u: an agency admin
// manages officials with a role in their agencies, and no system admin.
func (sc AdminScope) CanManageUser(u User) bool {
	if sc.All {
		return true
	}
	in := false
	for _, g := range u.Grants {
		if g.Role == RoleSystemAdmin {
			return false
		}
		in = in || (g.AgencyID != 0 && sc.ids[g.AgencyID])
	}
	return in
}

// KeepOutside returns the grants of u that lie outside the scope: an
// agency admin editing a user's roles leaves those as they are.
func (sc AdminScope) KeepOutside(u User) []Grant {
	if sc.All {
		return nil
	}
	var out []Grant
	for _, g := range u.Grants {
		if g.AgencyID == 0 || !sc.ids[g.AgencyID] {
			out = append(out, g)
		}
	}
	return out
}
