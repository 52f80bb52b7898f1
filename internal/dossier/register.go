package dossier

import (
	"context"
	"strconv"
	"time"

	"egov/internal/apperr"
	"egov/internal/identity"
	"egov/internal/platform/sqldb"
)

// RegisterMax is the most dossiers one register (sổ theo dõi hồ sơ) lists:
// a month of a busy centre. A longer period is printed in parts.
const RegisterMax = 5000

// ErrRegisterForbidden refuses the register to whoever is not the unit's
// desk or leader.
var ErrRegisterForbidden = apperr.New(apperr.Forbidden, "dossier.register_forbidden",
	"Chỉ cán bộ một cửa và lãnh đạo của đơn vị được xem sổ theo dõi hồ sơ của đơn vị.",
	"Only the unit's desk officers and leaders may read its dossier register.")

// Register lists the dossiers a receiving unit received in [from, to), in
// the order received: the one-stop dossier register. Only the unit's desk
// officers and leaders (or those of an agency above it) and system
// administrators may read it. It returns whether the list was cut at
// RegisterMax.
func (s *Service) Register(ctx context.Context, p *identity.Principal, unitID int64, from, to time.Time) ([]View, bool, error) {
	if p == nil || p.Stage != identity.StageFull {
		return nil, false, ErrRegisterForbidden
	}
	if !p.IsSystemAdmin() {
		ok := false
		for _, r := range []identity.Role{identity.RoleDesk, identity.RoleLeader} {
			in, err := s.dir.Within(ctx, p, r, unitID)
			if err != nil {
				return nil, false, err
			}
			ok = ok || in
		}
		if !ok {
			return nil, false, ErrRegisterForbidden
		}
	}
	if !to.After(from) {
		return nil, false, nil
	}
	q := `SELECT ` + viewCols + viewFrom + ` WHERE d.receiving_unit_id = $1 AND d.received_at >= $2 AND d.received_at < $3
		ORDER BY d.received_at, d.id LIMIT ` + strconv.Itoa(RegisterMax+1)
	views, err := s.list(ctx, q, s.db.Fresh([]any{unitID, sqldb.UTC(from), sqldb.UTC(to)})...)
	if err != nil {
		return nil, false, err
	}
	if len(views) > RegisterMax {
		return views[:RegisterMax], true, nil
	}
	return views, false, nil
}
