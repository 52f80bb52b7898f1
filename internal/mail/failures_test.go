package mail_test

import (
	"context"
	"testing"
	"time"

	egovmail "egov/internal/mail"
	"egov/internal/platform/sqldb"
	"egov/internal/platform/sqldb/sqldbtest"
)

// failuresFixture records two wards' dossiers and their e-mails straight
// in the tables: what the desk's list reads.
type failuresFixture struct {
	db *sqldb.DB
	t  *testing.T
	at time.Time
}

func (f *failuresFixture) id(q string, args ...any) int64 {
	f.t.Helper()
	var id int64
	if err := f.db.W.QueryRowContext(context.Background(), q+" RETURNING id", args...).Scan(&id); err != nil {
		f.t.Fatalf("%s: %v", q, err)
	}
	return id
}

func (f *failuresFixture) agency(code, name string) int64 {
	return f.id(`INSERT INTO agencies(kind, code, name, receives_dossiers, created_at, updated_at) VALUES ('unit', $1, $2, TRUE, $3, $3)`,
		code, name, f.at)
}

func (f *failuresFixture) user(username, kind, name, email string) int64 {
	return f.id(`INSERT INTO users(username, kind, full_name, email, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)`,
		username, kind, name, email, f.at)
}

func (f *failuresFixture) dossier(code string, unit, applicant int64) int64 {
	return f.id(`INSERT INTO dossiers(code, procedure_code, procedure_version, workflow_key, workflow_version, form_key, form_version,
		receiving_unit_id, applicant_id, applicant_name, channel, status, step, data, submitted_at, updated_at)
		VALUES ($1, '1.004873', 1, 'wf', 1, 'f', 1, $2, $3, 'Người nộp', 'online', 'processing', 'xu_ly', '{}', $4, $4)`,
		code, unit, applicant, f.at)
}

// delivery records a notification to user about dossier and its e-mail.
func (f *failuresFixture) delivery(dossier, user int64, to, kind string, status egovmail.Status, attempts int, lastErr string) int64 {
	f.t.Helper()
	f.at = f.at.Add(time.Minute)
	n := f.id(`INSERT INTO notifications(user_id, dossier_id, at, kind, vi, en) VALUES ($1, $2, $3, $4, 'Thông báo', 'Notice')`,
		user, dossier, f.at, kind)
	var last any
	if attempts > 0 {
		last = f.at.Add(time.Second)
	}
	return f.id(`INSERT INTO mail_deliveries(notification_id, user_id, dossier_id, to_addr, kind, status, attempts, last_error,
		last_attempt_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		n, user, dossier, to, kind, string(status), attempts, lastErr, last, f.at)
}

// The desk's list holds the failed e-mails to the applicants of the
// dossiers its units received, the latest first: not those sent, skipped
// or being retried, not an official's, not another unit's.
func TestApplicantFailures(t *testing.T) {
	t.Parallel()
	sqldbtest.Engines(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		f := &failuresFixture{db: db, t: t, at: sqldb.UTC(time.Date(2027, 3, 1, 2, 0, 0, 0, time.UTC))}
		ward := f.agency("000.01.20.H37", "Bộ phận một cửa Phường Đông Kinh")
		other := f.agency("000.02.20.H37", "Bộ phận một cửa Xã Hoàng Đồng")
		an := f.user("congdan", "citizen", "Nguyễn Văn An", "nguyenvanan@example.vn")
		binh := f.user("doanhnghiep", "business", "Công ty TNHH Bình Minh", "lienhe@binhminh.example.vn")
		officer := f.user("chuyenvien.xa", "official", "Lê Văn Bình", "binh@langson.gov.vn")
		d1 := f.dossier("000.01.20.H37-270301-0001", ward, an)
		d2 := f.dossier("000.01.20.H37-270301-0002", ward, binh)
		d3 := f.dossier("000.02.20.H37-270301-0001", other, an)

		bad := f.delivery(d1, an, "nguyenvanan@example.vn", "receive", egovmail.StatusFailed, 1, "550 5.1.1 Mailbox unavailable")
		f.delivery(d1, an, "nguyenvanan@example.vn", "submit", egovmail.StatusSent, 1, "")
		f.delivery(d1, an, "nguyenvanan@example.vn", "extend", egovmail.StatusSkipped, 0, "")
		f.delivery(d1, an, "nguyenvanan@example.vn", "stop", egovmail.StatusQueued, 2, "451 4.3.0 Try again later")
		f.delivery(d1, officer, "binh@langson.gov.vn", "assigned", egovmail.StatusFailed, 8, "connect: connection refused")
		full := f.delivery(d2, binh, "lienhe@binhminh.example.vn", "refuse", egovmail.StatusFailed, 1, `552 "5.2.2 Over quota"`)
		elsewhere := f.delivery(d3, an, "nguyenvanan@example.vn", "receive", egovmail.StatusFailed, 3, "invalid address")

		ms, err := egovmail.New(egovmail.Config{DB: db})
		if err != nil {
			t.Fatal(err)
		}
		got, err := ms.ApplicantFailures(ctx, egovmail.Units{IDs: []int64{ward}}, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].ID != full || got[1].ID != bad {
			t.Fatalf("the ward's failures: %+v, want deliveries %d then %d", got, full, bad)
		}
		g := got[1]
		if g.DossierCode != "000.01.20.H37-270301-0001" || g.UnitID != ward || g.UserName != "Nguyễn Văn An" ||
			g.Masked() != "n***@example.vn" || g.Kind != "receive" || g.Attempts != 1 || g.Reason() != egovmail.ReasonBadAddress ||
			g.LastAttemptAt == nil || g.Status != egovmail.StatusFailed {
			t.Errorf("the first failure reads %+v", g)
		}
		if got[0].Reason() != egovmail.ReasonMailboxFull {
			t.Errorf("reason %q, want mailbox_full", got[0].Reason())
		}
		if n, err := ms.CountApplicantFailures(ctx, egovmail.Units{IDs: []int64{ward}}); err != nil || n != 2 {
			t.Errorf("count for the ward: %d %v, want 2", n, err)
		}

		// Both wards, every unit, a limit, and no unit at all.
		all, err := ms.ApplicantFailures(ctx, egovmail.Units{All: true}, 0)
		if err != nil || len(all) != 3 || all[0].ID != elsewhere {
			t.Errorf("every unit: %+v %v", all, err)
		}
		if n, err := ms.CountApplicantFailures(ctx, egovmail.Units{IDs: []int64{ward, other}}); err != nil || n != 3 {
			t.Errorf("count for both wards: %d %v, want 3", n, err)
		}
		if one, err := ms.ApplicantFailures(ctx, egovmail.Units{All: true}, 1); err != nil || len(one) != 1 || one[0].ID != elsewhere {
			t.Errorf("limit 1: %+v %v", one, err)
		}
		if none, err := ms.ApplicantFailures(ctx, egovmail.Units{}, 0); err != nil || len(none) != 0 {
			t.Errorf("no unit: %+v %v", none, err)
		}
		if n, err := ms.CountApplicantFailures(ctx, egovmail.Units{}); err != nil || n != 0 {
			t.Errorf("count for no unit: %d %v", n, err)
		}

		// FailedByUnit, the dossier page's count, counts every failure of
		// the unit's dossiers (the official's too): the list is a subset.
		byUnit, err := ms.FailedByUnit(ctx)
		if err != nil || byUnit[ward] != 3 || byUnit[other] != 1 {
			t.Errorf("FailedByUnit: %v %v", byUnit, err)
		}
	})
}
