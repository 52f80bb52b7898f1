package dossier

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"egov/internal/identity"
	"egov/internal/platform/sqldb"
)

// notices are the in-portal notifications, by kind, in Vietnamese and
// English; the arguments are the dossier code then the kind's details.
// E-mail copies reuse these texts under the same kinds (internal/mail).
var notices = map[string][2]string{
	"submit": {"Hồ sơ %s đã được gửi tới bộ phận một cửa. Bạn sẽ nhận thông báo khi hồ sơ được tiếp nhận.",
		"Dossier %s was sent to the one-stop desk. You will be told when it is received."},
	"receive": {"Hồ sơ %s đã được tiếp nhận; hẹn trả kết quả lúc %s.", "Dossier %s was received; the result is due at %s."},
	"request_supplement": {"Hồ sơ %s cần bổ sung, hoàn thiện các nội dung sau:%s",
		"Dossier %s needs the following to be supplemented or completed:%s"},
	"refuse":                  {"Hồ sơ %s bị từ chối tiếp nhận vì:%s", "Dossier %s was refused because:%s"},
	"extend":                  {"Cơ quan giải quyết xin lỗi vì hồ sơ %s chưa có kết quả đúng hẹn; ngày hẹn mới: %s. Lý do: %s", "The agency apologises that dossier %s is not ready on time; the new due date is %s. Reason: %s"},
	"stop":                    {"Hồ sơ %s đã dừng giải quyết. Lý do: %s", "Processing of dossier %s was stopped. Reason: %s"},
	"issue_result":            {"Hồ sơ %s đã có kết quả (mã kết quả %s).", "Dossier %s has a result (result code %s)."},
	"return_result":           {"Kết quả hồ sơ %s đã được trả. Mời bạn đánh giá mức độ hài lòng.", "The result of dossier %s was returned. Please rate the service."},
	"supplement_done":         {"Hồ sơ %s đã được bổ sung; hẹn trả kết quả mới: %s.", "Dossier %s was completed; the new due date is %s."},
	"supplement_done_receipt": {"Hồ sơ %s đã được bổ sung và chờ tiếp nhận.", "Dossier %s was completed and awaits receipt."},
	"withdraw":                {"Hồ sơ %s đã được rút theo yêu cầu của bạn.", "Dossier %s was withdrawn at your request."},
	"assigned":                {"Bạn được phân công xử lý hồ sơ %s.", "You were assigned dossier %s."},
	"step_warn":               {"Hồ sơ %s sắp đến hạn xử lý ở bước của bạn (hạn %s).", "Dossier %s is due soon at your step (due %s)."},
	"step_late":               {"Hồ sơ %s đã quá hạn xử lý ở bước của bạn (hạn %s).", "Dossier %s is overdue at your step (was due %s)."},
	"overdue":                 {"Hồ sơ %s đã quá hạn giải quyết (hạn trả kết quả %s).", "Dossier %s is overdue (the result was due %s)."},
}

// NoticeKinds lists the kinds of notifications.
func NoticeKinds() []string {
	out := make([]string, 0, len(notices))
	for k := range notices {
		out = append(out, k)
	}
	return out
}

func (s *Service) notifyUser(ctx context.Context, tx *sql.Tx, userID, dossierID int64, kind string, args ...any) error {
	t, ok := notices[kind]
	if !ok {
		return nil
	}
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO notifications(user_id, dossier_id, at, kind, vi, en) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		userID, nullID(dossierID), sqldb.UTC(s.now()), kind, fmt.Sprintf(t[0], args...), fmt.Sprintf(t[1], args...)).Scan(&id)
	if err != nil || s.mail == nil {
		return err
	}
	return s.mail.EnqueueTx(ctx, tx, id, userID, kind)
}

// notify tells a dossier's applicant (if they have an account).
func (s *Service) notify(ctx context.Context, tx *sql.Tx, d Dossier, kind string, args ...any) error {
	if d.ApplicantID == 0 {
		return nil
	}
	return s.notifyUser(ctx, tx, d.ApplicantID, d.ID, kind, args...)
}

// Notification is an in-portal message to a user.
type Notification struct {
	ID     int64
	At     time.Time
	Kind   string
	Code   string // the dossier's code, "" for none
	VI, EN string
	Read   bool
}

// Text is the notification in lang ("en" or Vietnamese).
func (n Notification) Text(lang string) string {
	if lang == "en" {
		return n.EN
	}
	return n.VI
}

// Notifications lists the user's notifications, newest first (keyset by
// ID), and how many are unread.
func (s *Service) Notifications(ctx context.Context, p *identity.Principal, beforeID int64, limit int) ([]Notification, int, error) {
	if p == nil || p.Stage != identity.StageFull {
		return nil, 0, nil
	}
	if limit <= 0 || limit > 100 {
		limit = 20
	}
	q := `SELECT n.id, n.at, n.kind, COALESCE(d.code, ''), n.vi, n.en, n.read_at IS NOT NULL FROM notifications n
		LEFT JOIN dossiers d ON d.id = n.dossier_id WHERE n.user_id = $1`
	args := []any{p.User.ID}
	if beforeID > 0 {
		q += ` AND n.id < $2`
		args = append(args, beforeID)
	}
	rows, err := s.db.R.QueryContext(ctx, q+` ORDER BY n.id DESC LIMIT `+strconv.Itoa(limit), args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []Notification
	for rows.Next() {
		var n Notification
		if err := rows.Scan(&n.ID, &n.At, &n.Kind, &n.Code, &n.VI, &n.EN, &n.Read); err != nil {
			return nil, 0, err
		}
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	var unread int
	err = s.db.R.QueryRowContext(ctx, `SELECT count(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL`, p.User.ID).Scan(&unread)
	return out, unread, err
}

// Unread counts the user's unread notifications (for the navigation).
func (s *Service) Unread(ctx context.Context, p *identity.Principal) (int, error) {
	if p == nil || p.Stage != identity.StageFull {
		return 0, nil
	}
	var n int
	err := s.db.R.QueryRowContext(ctx, `SELECT count(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL`, p.User.ID).Scan(&n)
	return n, err
}

// MarkRead marks the user's notifications read up to the newest one they
// were shown (upTo; 0 for all), so one that arrives meanwhile stays new.
func (s *Service) MarkRead(ctx context.Context, p *identity.Principal, upTo int64) error {
	if p == nil || p.Stage != identity.StageFull {
		return nil
	}
	q := `UPDATE notifications SET read_at = $2 WHERE user_id = $1 AND read_at IS NULL`
	args := []any{p.User.ID, sqldb.UTC(s.now())}
	if upTo > 0 {
		q += ` AND id <= $3`
		args = append(args, upTo)
	}
	_, err := s.db.W.ExecContext(ctx, q, args...)
	return err
}

// NoticeOf tells whom a notification went to, its kind and the code of its
// dossier ("" for none): what an e-mail needs to attach the dossier's form.
func (s *Service) NoticeOf(ctx context.Context, id int64) (userID int64, kind, code string, err error) {
	err = s.db.R.QueryRowContext(ctx, `SELECT n.user_id, n.kind, COALESCE(d.code, '') FROM notifications n
		LEFT JOIN dossiers d ON d.id = n.dossier_id WHERE n.id = $1`, id).Scan(&userID, &kind, &code)
	return userID, kind, code, err
}
