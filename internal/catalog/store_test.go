package catalog_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"egov/internal/apperr"
	"egov/internal/audit"
	"egov/internal/catalog"
	"egov/internal/eform"
	"egov/internal/platform/sqldb"
	"egov/internal/platform/sqldb/sqldbtest"
)

func service(db *sqldb.DB) (*catalog.Service, *audit.Log) {
	now := func() time.Time { return time.Date(2026, 11, 24, 3, 0, 0, 0, time.UTC) }
	log := audit.New(db, now)
	return catalog.NewService(db, log, now), log
}

var ctx = context.Background()

func TestStore(t *testing.T) {
	t.Parallel()
	sqldbtest.Engines(t, func(t *testing.T, db *sqldb.DB) {
		svc, log := service(db)
		w := commune()
		p := procedure()

		t.Run("ProcedureNeedsItsWorkflow", func(t *testing.T) {
			_, _, err := svc.SaveProcedure(ctx, p)
			wantKey(t, err, "procedure.workflow_unknown", "workflow")
		})
		t.Run("SaveTwiceChangesNothing", func(t *testing.T) {
			v, changed, err := svc.SaveWorkflow(ctx, w)
			if err != nil || v != 1 || !changed {
				t.Fatalf("%d %v %v", v, changed, err)
			}
			v, changed, err = svc.SaveWorkflow(ctx, w)
			if err != nil || v != 1 || changed {
				t.Fatalf("second save: %d %v %v", v, changed, err)
			}
			if v, _, err := svc.SaveProcedure(ctx, p); err != nil || v != 1 {
				t.Fatalf("procedure: %d %v", v, err)
			}
		})
		t.Run("DossierInFlightKeepsItsVersion", func(t *testing.T) {
			// a dossier started now records (key, version 1)
			_, started, err := svc.Workflow(ctx, w.Key)
			if err != nil || started.Version != 1 {
				t.Fatal(err)
			}
			changed := commune()
			changed.Steps[1].Share, changed.Steps[2].Share = 50, 30
			if v, _, err := svc.SaveWorkflow(ctx, changed); err != nil || v != 2 {
				t.Fatalf("new version: %d %v", v, err)
			}
			old, err := svc.WorkflowAt(ctx, w.Key, started.Version)
			if err != nil || old.Steps[1].Share != 60 {
				t.Fatalf("the dossier's version changed: %+v %v", old.Steps[1], err)
			}
			cur, ver, _ := svc.Workflow(ctx, w.Key)
			if ver.Version != 2 || cur.Steps[1].Share != 50 {
				t.Fatalf("current: %d %d", ver.Version, cur.Steps[1].Share)
			}
			vs, _ := svc.Versions(ctx, "workflow", w.Key)
			if len(vs) != 2 || vs[0].CreatedBy == "" {
				t.Fatalf("versions %+v", vs)
			}
		})
		t.Run("InvalidIsNotSaved", func(t *testing.T) {
			bad := commune()
			bad.Steps[3].Actions = nil
			if _, _, err := svc.SaveWorkflow(ctx, bad); !apperr.IsCode(err, apperr.Invalid) {
				t.Fatal(err)
			}
			if _, ver, _ := svc.Workflow(ctx, w.Key); ver.Version != 2 {
				t.Fatal("an invalid workflow made a version")
			}
		})
		t.Run("ImportIsAllOrNothing", func(t *testing.T) {
			good := procedure()
			good.Code = "1.000001"
			bad := procedure()
			bad.Code = "1.000002"
			bad.Fees[0].Amount = -1
			dup := procedure()
			dup.Code = "1.000001"
			rep, err := svc.Import(ctx, catalog.Bundle{Format: catalog.Format, Procedures: []catalog.Procedure{good, bad, dup}}, nil)
			if !apperr.IsCode(err, apperr.Invalid) || len(rep.Rejected) != 2 {
				t.Fatalf("%+v %v", rep, err)
			}
			if rep.Rejected[0].Item != "procedures[1] 1.000002" || rep.Rejected[0].Place != "fees[0].amount" {
				t.Fatalf("rejections must name the place: %+v", rep.Rejected)
			}
			if _, _, err := svc.Procedure(ctx, "1.000001"); !apperr.IsCode(err, apperr.NotFound) {
				t.Fatal("a rejected file imported something")
			}
		})
		t.Run("ExportImportRoundTrip", func(t *testing.T) {
			b, err := svc.Export(ctx)
			if err != nil || len(b.Workflows) != 1 || len(b.Procedures) != 1 {
				t.Fatalf("%+v %v", b, err)
			}
			var buf bytes.Buffer
			if err := catalog.WriteBundle(&buf, b); err != nil {
				t.Fatal(err)
			}
			back, err := catalog.ReadBundle(&buf)
			if err != nil {
				t.Fatal(err)
			}
			var calls int
			rep, err := svc.Import(ctx, back, func(done, total int) { calls++ })
			if err != nil || rep.Procedures.Unchanged != 1 || rep.Workflows.Unchanged != 1 || calls == 0 {
				t.Fatalf("re-import of an export must change nothing: %+v %v", rep, err)
			}
		})
		t.Run("EveryChangeAudited", func(t *testing.T) {
			rep, err := log.Verify(ctx)
			if err != nil || !rep.OK() || rep.Entries < 4 {
				t.Fatalf("%+v %v", rep, err)
			}
		})
	})
}

func TestReadBundleRejectsBadFiles(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct{ file, key string }{
		"NotJSON":      {"{\"format\": \"egov-catalog/1\",\n \"procedures\": [\n  {\"code\": ", "catalog.file_malformed"},
		"UnknownField": {`{"format":"egov-catalog/1","procedures":[{"code":"1.000001","colour":"red"}]}`, "catalog.file_malformed"},
		"FeeNotNumber": {`{"format":"egov-catalog/1","procedures":[{"code":"1.000001","fees":[{"name":"Lệ phí","kind":"charge","amount":"năm mươi nghìn"}]}]}`, "catalog.file_malformed"},
		"WrongFormat":  {`{"format":"something-else"}`, "catalog.format"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := catalog.ReadBundle(strings.NewReader(tc.file))
			wantKey(t, err, tc.key, "")
		})
	}
	_, err := catalog.ReadBundle(strings.NewReader("{\"format\": \"egov-catalog/1\",\n \"procedures\": [\n  {\"code\": "))
	if !strings.Contains(apperr.As(err).Fields[0].EN, "line 3") {
		t.Errorf("a malformed file must name the line: %v", err)
	}
}

func TestSearch(t *testing.T) {
	t.Parallel()
	sqldbtest.Engines(t, func(t *testing.T, db *sqldb.DB) {
		svc, _ := service(db)
		w := commune()
		if _, _, err := svc.SaveWorkflow(ctx, w); err != nil {
			t.Fatal(err)
		}
		add := func(code, name, field string, level catalog.Level, online catalog.Online) {
			p := procedure()
			p.Code, p.Name, p.Field, p.Level, p.Online = code, name, field, level, online
			if online != catalog.OnlineFull {
				p.Channels = []catalog.Channel{catalog.ChannelInPerson}
			}
			if level == catalog.LevelProvince {
				p.Receivers = []catalog.AgencyRef{{Code: "000.00.02.H37"}}
				p.Decider = catalog.AgencyRef{Code: "000.00.03.H37"}
			}
			if _, _, err := svc.SaveProcedure(ctx, p); err != nil {
				t.Fatal(err)
			}
		}
		add("1.001193", "Thủ tục đăng ký khai sinh", "Hộ tịch", catalog.LevelCommune, catalog.OnlineFull)
		add("1.000656", "Thủ tục đăng ký khai tử", "Hộ tịch", catalog.LevelCommune, catalog.OnlineFull)
		add("2.000815", "Chứng thực bản sao từ bản chính", "Chứng thực", catalog.LevelCommune, catalog.OnlineNone)
		add("2.000488", "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam", "Lý lịch tư pháp", catalog.LevelProvince, catalog.OnlinePartial)

		for _, tc := range []struct {
			name  string
			q     catalog.ListQuery
			first string
			total int
		}{
			{"WithoutDiacritics", catalog.ListQuery{Text: "dang ky khai sinh"}, "1.001193", -1},
			{"WordOrder", catalog.ListQuery{Text: "khai sinh dang ky"}, "1.001193", -1},
			{"Typo", catalog.ListQuery{Text: "khia sinh"}, "1.001193", -1},
			{"Code", catalog.ListQuery{Text: "2.000815"}, "2.000815", -1},
			{"FieldFilter", catalog.ListQuery{Field: "Hộ tịch"}, "", 2},
			{"LevelFilter", catalog.ListQuery{Level: catalog.LevelProvince}, "2.000488", 1},
			{"AgencyFilter", catalog.ListQuery{Agency: "000.00.03.H37"}, "2.000488", 1},
			{"FullOnline", catalog.ListQuery{FullOnline: true}, "", 2},
		} {
			t.Run(tc.name, func(t *testing.T) {
				res, err := svc.Search(ctx, tc.q)
				if err != nil {
					t.Fatal(err)
				}
				if tc.first != "" && (len(res.Items) == 0 || res.Items[0].Code != tc.first) {
					t.Fatalf("first %v, want %s", res.Items, tc.first)
				}
				if tc.total >= 0 && res.Total != tc.total {
					t.Fatalf("total %d, want %d", res.Total, tc.total)
				}
			})
		}
		t.Run("NewProcedureIsFoundAtOnce", func(t *testing.T) {
			add("1.004837", "Thủ tục đăng ký kết hôn", "Hộ tịch", catalog.LevelCommune, catalog.OnlinePartial)
			res, _ := svc.Search(ctx, catalog.ListQuery{Text: "ket hon"})
			if len(res.Items) == 0 || res.Items[0].Code != "1.004837" {
				t.Fatalf("%+v", res.Items)
			}
		})
		t.Run("BadCursor", func(t *testing.T) {
			if _, err := svc.Search(ctx, catalog.ListQuery{Cursor: "!!"}); !apperr.IsCode(err, apperr.Invalid) {
				t.Fatal(err)
			}
		})
	})
}

func TestForms(t *testing.T) {
	t.Parallel()
	sqldbtest.Engines(t, func(t *testing.T, db *sqldb.DB) {
		svc, _ := service(db)
		if _, _, err := svc.SaveWorkflow(ctx, commune()); err != nil {
			t.Fatal(err)
		}
		p := procedure()
		p.Form = "1.001193"
		_, _, err := svc.SaveProcedure(ctx, p)
		wantKey(t, err, "procedure.form_unknown", "form")

		f := eform.Form{Key: "1.001193", Title: eform.Text{VI: "Tờ khai đăng ký khai sinh"}, Fields: []eform.Field{
			{Name: "ho_ten_tre", Type: eform.TypeText, Label: eform.Text{VI: "Họ, chữ đệm, tên của trẻ"}, Required: true},
			{Name: "ngay_sinh", Type: eform.TypeDate, Label: eform.Text{VI: "Ngày sinh"}, Required: true},
		}}
		bad := f
		bad.Fields = append([]eform.Field(nil), f.Fields...)
		bad.Fields[1].Type = "datetime"
		_, err = svc.Import(ctx, catalog.Bundle{Format: catalog.Format, Forms: []eform.Form{bad}}, nil)
		if !apperr.IsCode(err, apperr.Invalid) {
			t.Fatalf("a form field of unknown type must be refused: %v", err)
		}
		rep, err := svc.Import(ctx, catalog.Bundle{Format: catalog.Format, Forms: []eform.Form{f}, Procedures: []catalog.Procedure{p}}, nil)
		if err != nil || rep.Forms.Created != 1 || rep.Procedures.Created != 1 {
			t.Fatalf("%+v %v", rep, err)
		}
		got, ver, err := svc.Form(ctx, "1.001193")
		if err != nil || ver.Version != 1 || len(got.Fields) != 2 {
			t.Fatalf("%+v %v", got, err)
		}
		if _, cleanErrs := got.Check(eform.Values{"ho_ten_tre": {"Nguyễn Văn Bình"}, "ngay_sinh": {"31/02/2026"}}); len(cleanErrs) != 1 {
			t.Fatalf("the stored form must validate like the definition: %v", cleanErrs)
		}
	})
}

func TestConcurrentSaves(t *testing.T) {
	t.Parallel()
	sqldbtest.Engines(t, func(t *testing.T, db *sqldb.DB) {
		svc, _ := service(db)
		errs := make(chan error, 8)
		for i := 0; i < 8; i++ {
			go func() {
				_, _, err := svc.SaveWorkflow(ctx, commune())
				errs <- err
			}()
		}
		for i := 0; i < 8; i++ {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		vs, err := svc.Versions(ctx, "workflow", "xa-mot-cap")
		if err != nil || len(vs) != 1 {
			t.Fatalf("the same content saved 8 times at once must make one version: %d %v", len(vs), err)
		}
	})
}

func TestCSV(t *testing.T) {
	t.Parallel()
	sqldbtest.Engines(t, func(t *testing.T, db *sqldb.DB) {
		svc, _ := service(db)
		if _, _, err := svc.SaveWorkflow(ctx, commune()); err != nil {
			t.Fatal(err)
		}
		if _, _, err := svc.SaveProcedure(ctx, procedure()); err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := svc.ExportCSV(ctx, &buf); err != nil {
			t.Fatal(err)
		}
		exported := buf.String()
		rep, err := svc.ImportCSV(ctx, strings.NewReader(exported))
		if err != nil || rep.Procedures.Unchanged != 1 {
			t.Fatalf("re-import of the export must change nothing: %+v %v", rep, err)
		}
		rep, err = svc.ImportCSV(ctx, strings.NewReader("code,time_n,time_unit\n1.001193,năm,working_days\n9.999999,3,working_days\n1.001193,0,weeks\n"))
		if !apperr.IsCode(err, apperr.Invalid) || len(rep.Rejected) != 3 {
			t.Fatalf("%+v %v", rep, err)
		}
		rep, err = svc.ImportCSV(ctx, strings.NewReader("code,time_n,time_unit\n1.001193,0,weeks\n"))
		if !apperr.IsCode(err, apperr.Invalid) || len(rep.Rejected) == 0 || rep.Rejected[0].Place != "time.unit" {
			t.Fatalf("a bad unit must be named: %+v %v", rep, err)
		}
		rep, err = svc.ImportCSV(ctx, strings.NewReader("\ufeffcode,time_n\n1.001193,3\n"))
		if err != nil || rep.Procedures.Updated != 1 {
			t.Fatalf("%+v %v", rep, err)
		}
		p, v, _ := svc.Procedure(ctx, "1.001193")
		if p.Time.N != 3 || v.Version != 2 || len(p.Documents) != 1 {
			t.Fatalf("the flat update must keep the rest: %+v v%d", p.Time, v.Version)
		}
	})
}
