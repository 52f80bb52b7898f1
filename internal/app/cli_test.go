package app_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"egov/internal/app"
	"egov/internal/platform/sqldb"
)

func runCLI(t *testing.T, env map[string]string, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := app.Main(context.Background(), args, envOf(env), strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func TestCommandLine(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	env := map[string]string{"EGOV_DATA_DIR": dir, "EGOV_DEMO_PASSWORD": demoPassword}

	t.Run("Version", func(t *testing.T) {
		code, out, _ := runCLI(t, env, "", "version")
		if code != 0 || !strings.HasPrefix(out, "egov ") {
			t.Fatalf("%d %q", code, out)
		}
	})
	t.Run("HelpListsEveryVariable", func(t *testing.T) {
		code, out, _ := runCLI(t, env, "", "help")
		if code != 0 || !strings.Contains(out, "EGOV_DATABASE_URL") || !strings.Contains(out, "audit verify") {
			t.Fatalf("%d %q", code, out)
		}
	})
	t.Run("UnknownCommand", func(t *testing.T) {
		if code, _, errs := runCLI(t, env, "", "frobnicate"); code != 2 || !strings.Contains(errs, "unknown command") {
			t.Fatalf("%d %q", code, errs)
		}
	})
	t.Run("BadConfiguration", func(t *testing.T) {
		code, _, errs := runCLI(t, map[string]string{"EGOV_DATA_DIR": dir, "EGOV_SQLITE_SYNC": "OFF"}, "", "migrate")
		if code != 2 || !strings.Contains(errs, "EGOV_SQLITE_SYNC") {
			t.Fatalf("%d %q", code, errs)
		}
	})
	t.Run("Migrate", func(t *testing.T) {
		code, out, errs := runCLI(t, env, "", "migrate")
		var cur, known int
		if _, err := fmt.Sscanf(out, "schema at version %d (binary knows %d)", &cur, &known); code != 0 || err != nil || cur != known || cur < 4 {
			t.Fatalf("%d %q %q", code, out, errs)
		}
	})
	t.Run("SeedDemoOnce", func(t *testing.T) {
		code, out, _ := runCLI(t, env, "", "seed", "demo")
		if code != 0 || !strings.Contains(out, "motcua.xa") {
			t.Fatalf("%d %q", code, out)
		}
		code, out, _ = runCLI(t, env, "", "seed", "demo")
		if code != 0 || !strings.Contains(out, "already exists") {
			t.Fatalf("second seed: %d %q", code, out)
		}
	})
	t.Run("UserCreate", func(t *testing.T) {
		code, out, errs := runCLI(t, env, "mat-khau-quan-tri-so\n", "user", "create", "qt.tuphap", "--name", "Quản trị Sở Tư pháp",
			"--role", "agency_admin@000.00.03.H37")
		if code != 0 || !strings.Contains(out, "created user qt.tuphap") {
			t.Fatalf("%d %q %q", code, out, errs)
		}
		code, _, errs = runCLI(t, env, "mat-khau-quan-tri-so\n", "user", "create", "qt.tuphap", "--name", "X")
		if code != 1 || !strings.Contains(errs, "already taken") {
			t.Fatalf("duplicate: %d %q", code, errs)
		}
		code, _, errs = runCLI(t, env, "ngan\n", "user", "create", "qt.khac", "--name", "X", "--role", "system_admin")
		if code != 1 || !strings.Contains(errs, "at least 10 characters") {
			t.Fatalf("short password: %d %q", code, errs)
		}
		code, _, errs = runCLI(t, env, "mat-khau-quan-tri-so\n", "user", "create", "qt.khac2", "--name", "X", "--role", "leader@999.99.99.Z99")
		if code != 1 || !strings.Contains(errs, "Agency not found") {
			t.Fatalf("unknown agency: %d %q", code, errs)
		}
	})
	t.Run("ResetPassword", func(t *testing.T) {
		code, out, errs := runCLI(t, env, "mat-khau-moi-cua-toi\n", "user", "reset-password", "congdan")
		if code != 0 || !strings.Contains(out, "reset") {
			t.Fatalf("%d %q %q", code, out, errs)
		}
	})
	t.Run("AuditVerifyFindsTampering", func(t *testing.T) {
		if code, out, _ := runCLI(t, env, "", "audit", "verify"); code != 0 || !strings.Contains(out, "intact") {
			t.Fatalf("%d %q", code, out)
		}
		db, err := sqldb.Open(context.Background(), sqldb.Options{Path: filepath.Join(dir, "egov.db")})
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{`DROP TRIGGER audit_log_no_update`, `UPDATE audit_log SET actor = 'someone-else' WHERE id = 3`} {
			if _, err := db.W.Exec(q); err != nil {
				t.Fatal(err)
			}
		}
		db.Close()
		code, out, _ := runCLI(t, env, "", "audit", "verify")
		if code != 1 || !strings.Contains(out, "PROBLEM") || !strings.Contains(out, "changed") {
			t.Fatalf("tampered log: %d %q", code, out)
		}
	})
	t.Run("RefusesNewerSchema", func(t *testing.T) {
		db, err := sqldb.Open(context.Background(), sqldb.Options{Path: filepath.Join(dir, "egov.db")})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.W.Exec(`INSERT INTO schema_migrations(version_id, is_applied) VALUES (9999, TRUE)`); err != nil {
			t.Fatal(err)
		}
		db.Close()
		code, _, errs := runCLI(t, env, "", "migrate")
		if code != 1 || !strings.Contains(errs, "newer") {
			t.Fatalf("%d %q", code, errs)
		}
		code, _, errs = runCLI(t, env, "", "serve")
		if code != 1 || !strings.Contains(errs, "newer") {
			t.Fatalf("serve on a newer schema: %d %q", code, errs)
		}
	})
}

func TestAgencyImportExportCommands(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	env := map[string]string{"EGOV_DATA_DIR": dir, "EGOV_DEMO_PASSWORD": demoPassword}
	if code, _, errs := runCLI(t, env, "", "seed", "demo"); code != 0 {
		t.Fatal(errs)
	}
	code, out, _ := runCLI(t, env, "", "agency", "export")
	if code != 0 || !strings.HasPrefix(out, "match,code,name") || strings.Count(out, "\n") != 377 {
		t.Fatalf("export: %d lines %d", code, strings.Count(out, "\n"))
	}
	file := filepath.Join(dir, "codes.csv")
	if err := os.WriteFile(file, []byte("match,code,name\n000.00.03.H37,000.00.03.H20,Sở Tư pháp tỉnh Lạng Sơn\n000.00.04.H37,sai-ma,\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errs := runCLI(t, env, "", "agency", "import", file)
	if code != 1 || !strings.Contains(errs, "line 3") {
		t.Fatalf("bad file: %d %q", code, errs)
	}
	if err := os.WriteFile(file, []byte("match,code,name\n000.00.03.H37,000.00.03.H20,Sở Tư pháp tỉnh Lạng Sơn\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errs = runCLI(t, env, "", "agency", "import", file)
	if code != 0 || !strings.Contains(out, "1 updated") {
		t.Fatalf("import: %d %q %q", code, out, errs)
	}
	_, out, _ = runCLI(t, env, "", "agency", "export")
	if !strings.Contains(out, "000.00.03.H20,000.00.03.H20,Sở Tư pháp tỉnh Lạng Sơn") {
		t.Fatal("the new code is not exported")
	}
}

func TestCatalogCommands(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	env := map[string]string{"EGOV_DATA_DIR": dir, "EGOV_DEMO": "0"}
	file := filepath.Join(dir, "catalog.json")
	bundle := `{"format":"egov-catalog/1","workflows":[{"key":"xa-don-gian","name":{"vi":"Thủ tục giải quyết ngay"},"steps":[
	 {"id":"tiep_nhan","name":{"vi":"Tiếp nhận và trả kết quả"},"unit":"receiving.onestop","role":"desk_officer","share":100,
	  "actions":[{"action":"receive","to":"tiep_nhan"},{"action":"return_result","to":"end"},{"action":"refuse","to":"end"}]}]}],
	"procedures":[{"code":"2.000815","name":"Chứng thực bản sao từ bản chính","field":"Chứng thực","level":"commune",
	 "receivers":[{"kind":"commune"}],"decider":{"kind":"commune"},"channels":["in_person"],"online":"none",
	 "time":{"n":1,"unit":"working_days"},"fees":[{"name":"Phí chứng thực","kind":"fee","amount":2000,"note":"mỗi trang"}],
	 "documents":[{"name":"Bản chính giấy tờ","originals":1}],"result":"Bản sao được chứng thực","workflow":"xa-don-gian"}]}`
	if err := os.WriteFile(file, []byte(bundle), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCLI(t, env, "", "catalog", "import", file)
	if code != 0 || !strings.Contains(out, "procedures: 1 created") {
		t.Fatalf("import: %d %q %q", code, out, errs)
	}
	code, out, _ = runCLI(t, env, "", "catalog", "import", file)
	if code != 0 || !strings.Contains(out, "procedures: 0 created, 0 updated, 1 unchanged") {
		t.Fatalf("second import must change nothing: %d %q", code, out)
	}
	code, out, _ = runCLI(t, env, "", "catalog", "export")
	if code != 0 || !strings.Contains(out, `"code": "2.000815"`) || !strings.Contains(out, "Chứng thực bản sao") {
		t.Fatalf("export: %d %q", code, out)
	}
	bad := strings.Replace(bundle, `"amount":2000`, `"amount":-2000`, 1)
	bad = strings.Replace(bad, `"share":100`, `"share":90`, 1)
	if err := os.WriteFile(file, []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errs = runCLI(t, env, "", "catalog", "import", file)
	if code != 1 || !strings.Contains(errs, "procedures[0] 2.000815 fees[0].amount") || !strings.Contains(errs, "workflows[0] xa-don-gian steps") {
		t.Fatalf("bad file: %d %q", code, errs)
	}
}

func TestCatalogCSVCommands(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	env := map[string]string{"EGOV_DATA_DIR": dir, "EGOV_DEMO_PASSWORD": demoPassword}
	if code, _, errs := runCLI(t, env, "", "seed", "demo"); code != 0 {
		t.Fatal(errs)
	}
	code, out, _ := runCLI(t, env, "", "catalog", "export", "--csv")
	if code != 0 || !strings.HasPrefix(out, "code,name,name_en,field") || strings.Count(out, "\n") != 34 {
		t.Fatalf("csv export: %d, %d lines", code, strings.Count(out, "\n"))
	}
	file := filepath.Join(dir, "flat.csv")
	if err := os.WriteFile(file, []byte("code,time_n,time_note\n2.000815,1,Trong ngày nếu nộp trước 15 giờ\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCLI(t, env, "", "catalog", "import", file)
	if code != 0 || !strings.Contains(out, "procedures: 0 created, 1 updated") {
		t.Fatalf("csv import: %d %q %q", code, out, errs)
	}
}
