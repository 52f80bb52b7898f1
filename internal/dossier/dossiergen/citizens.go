package dossiergen

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"egov/internal/platform/sqldb"
)

// citizen is an applicant of the pool.
type citizen struct {
	id               int64
	name, pid, phone string
}

// Family, middle and given names common in Lạng Sơn (Kinh, Tày, Nùng).
var (
	familyNames = []string{"Nguyễn", "Hoàng", "Nông", "Lương", "Vi", "Hà", "Lăng", "Triệu", "Đinh", "Lý", "Trần", "Lê",
		"Phạm", "Vũ", "Đỗ", "Bế", "Chu", "Lộc", "Hứa", "Mông", "Dương", "Tô", "Hà", "Nguyễn", "Hoàng", "Nông"}
	middleMale   = []string{"Văn", "Đức", "Minh", "Quang", "Hữu", "Thành", "Công", "Xuân", "Tiến", "Ngọc"}
	middleFemale = []string{"Thị", "Thu", "Ngọc", "Thanh", "Minh", "Phương", "Hồng", "Thị", "Thị", "Kim"}
	givenMale    = []string{"An", "Bình", "Cường", "Dũng", "Đức", "Hải", "Hùng", "Khánh", "Long", "Mạnh", "Nam", "Phong",
		"Quân", "Sơn", "Thắng", "Tuấn", "Việt", "Vinh", "Hiếu", "Toàn", "Tâm", "Trung", "Khôi", "Kiên"}
	givenFemale = []string{"Anh", "Chi", "Dung", "Giang", "Hà", "Hạnh", "Hoa", "Hương", "Lan", "Linh", "Mai", "Nga",
		"Ngọc", "Nhung", "Phương", "Quỳnh", "Thảo", "Trang", "Tuyết", "Yến", "Vân", "Huyền", "Oanh", "Thu"}
	// Provinces of birth registration (pre-2025 codes): mostly Lạng Sơn
	// (020), then neighbours and the big cities.
	birthProvinces = []string{"020", "020", "020", "020", "020", "020", "020", "020", "024", "019", "001", "004", "006", "079", "022", "031"}
	mobilePrefixes = []string{"091", "094", "088", "083", "084", "097", "098", "096", "086", "032", "033", "035", "036", "037", "038", "039", "070", "076", "077", "078", "079", "081", "082", "085", "089", "090", "093"}
)

func newCitizen(rng *rand.Rand) citizen {
	sex := 1 + rng.IntN(2)
	year := 1950 + rng.IntN(56)
	var name string
	if sex == 1 {
		name = familyNames[rng.IntN(len(familyNames))] + " " + middleMale[rng.IntN(len(middleMale))] + " " + givenMale[rng.IntN(len(givenMale))]
	} else {
		name = familyNames[rng.IntN(len(familyNames))] + " " + middleFemale[rng.IntN(len(middleFemale))] + " " + givenFemale[rng.IntN(len(givenFemale))]
	}
	return citizen{
		name:  name,
		pid:   personalID(birthProvinces[rng.IntN(len(birthProvinces))], year, sex, rng.IntN(1_000_000)),
		phone: mobilePrefixes[rng.IntN(len(mobilePrefixes))] + pad(rng.IntN(10_000_000), 7),
	}
}

// citizens returns a pool of n citizen accounts, creating the missing
// ones: accounts as the national identity login creates them (the personal
// ID number as username, no password, the citizen role). Existing
// citizens with a personal ID are reused, so running the generator again
// draws from the same people.
func citizens(ctx context.Context, db *sqldb.DB, n int, rng *rand.Rand, now time.Time) ([]citizen, int, error) {
	pool, err := loadCitizens(ctx, db, n)
	if err != nil || len(pool) >= n {
		return pool, 0, err
	}
	created := 0
	at := sqldb.UTC(now)
	err = db.Tx(ctx, func(tx *sql.Tx) error {
		const chunk = 500 // 11 values a row, under SQLite's 32,766
		for len(pool)+created < n {
			k := min(chunk, n-len(pool)-created)
			var b strings.Builder
			b.WriteString(`INSERT INTO users(username, kind, full_name, email, phone, personal_id, birth_date, demo, created_at, updated_at) VALUES `)
			args := make([]any, 0, k*9)
			for i := range k {
				c := newCitizen(rng)
				if i > 0 {
					b.WriteString(", ")
				}
				p := len(args)
				fmt.Fprintf(&b, "($%d, 'citizen', $%d, '', $%d, $%d, $%d, FALSE, $%d, $%d)", p+1, p+2, p+3, p+4, p+5, p+6, p+7)
				args = append(args, c.pid, c.name, c.phone, c.pid, birthDate(c.pid, rng), at, at)
			}
			b.WriteString(` ON CONFLICT DO NOTHING RETURNING id`)
			rows, err := tx.QueryContext(ctx, b.String(), args...)
			if err != nil {
				return fmt.Errorf("citizens: %w", err)
			}
			var ids []int64
			for rows.Next() {
				var id int64
				if err := rows.Scan(&id); err != nil {
					rows.Close()
					return err
				}
				ids = append(ids, id)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			if len(ids) > 0 {
				var rb strings.Builder
				rb.WriteString(`INSERT INTO user_roles(user_id, role) VALUES `)
				rargs := make([]any, len(ids))
				for i, id := range ids {
					if i > 0 {
						rb.WriteString(", ")
					}
					fmt.Fprintf(&rb, "($%d, 'citizen')", i+1)
					rargs[i] = id
				}
				if _, err := tx.ExecContext(ctx, rb.String(), rargs...); err != nil {
					return fmt.Errorf("citizen roles: %w", err)
				}
			}
			created += len(ids)
		}
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	pool, err = loadCitizens(ctx, db, n)
	return pool, created, err
}

func loadCitizens(ctx context.Context, db *sqldb.DB, n int) ([]citizen, error) {
	rows, err := db.W.QueryContext(ctx, `SELECT id, full_name, personal_id, phone FROM users
		WHERE kind = 'citizen' AND personal_id IS NOT NULL AND disabled_at IS NULL ORDER BY id LIMIT $1`, n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []citizen
	for rows.Next() {
		var c citizen
		if err := rows.Scan(&c.id, &c.name, &c.pid, &c.phone); err != nil {
			return nil, err
		}
		if c.phone == "" {
			c.phone = "0912" + c.pid[len(c.pid)-6:]
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// birthDate is a birth date that agrees with the year the ID encodes.
func birthDate(pid string, rng *rand.Rand) string {
	century := 1900 + int(pid[3]-'0')/2*100
	year := century + int(pid[4]-'0')*10 + int(pid[5]-'0')
	return time.Date(year, time.Month(1+rng.IntN(12)), 1+rng.IntN(28), 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
}
