package natconv_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"egov/internal/audit"
	"egov/internal/catalog"
	"egov/internal/catalog/demo"
	"egov/internal/catalog/natconv"
	"egov/internal/platform/sqldb"
	"egov/internal/platform/sqldb/sqldbtest"
)

// nationalBundle converts the whole national set into a bundle with the
// workflows it refers to.
func nationalBundle(t *testing.T) catalog.Bundle {
	t.Helper()
	path := filepath.Join("..", "..", "..", "..", "shared", "data", "national-procedures-2026.tar.gz")
	if d := os.Getenv("EGOV_SHARED_DATA"); d != "" {
		path = filepath.Join(d, "national-procedures-2026.tar.gz")
	}
	f, err := os.Open(path)
	if err != nil {
		t.Skip("national procedures not found: set EGOV_SHARED_DATA to the shared data folder")
	}
	defer f.Close()
	raws, err := natconv.ReadArchive(f)
	if err != nil {
		t.Fatal(err)
	}
	procs, _ := natconv.ConvertAll(raws)
	ws, _, err := demo.Load()
	if err != nil {
		t.Fatal(err)
	}
	return catalog.Bundle{Format: catalog.Format, Workflows: append(ws, natconv.Ministry), Procedures: procs}
}

// TestNationalRoundTrip imports all 2,642 procedures (incomplete ones as
// drafts), exports them, and imports the export again: nothing changes.
func TestNationalRoundTrip(t *testing.T) {
	t.Parallel()
	b := nationalBundle(t)
	if len(b.Procedures) != 2642 {
		t.Fatalf("%d procedures", len(b.Procedures))
	}
	sqldbtest.Engines(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		now := func() time.Time { return time.Date(2026, 11, 24, 3, 0, 0, 0, time.UTC) }
		svc := catalog.NewService(db, audit.New(db, now), now)
		rep, err := svc.Import(ctx, b, nil)
		if err != nil {
			t.Fatalf("%v: %v", err, rep.Rejected[:min(5, len(rep.Rejected))])
		}
		if rep.Procedures.Created != 2642 {
			t.Fatalf("%+v", rep)
		}
		out, err := svc.Export(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := catalog.WriteBundle(&buf, out); err != nil {
			t.Fatal(err)
		}
		back, err := catalog.ReadBundle(&buf)
		if err != nil {
			t.Fatal(err)
		}
		rep, err = svc.Import(ctx, back, nil)
		if err != nil || rep.Procedures.Unchanged != 2642 || rep.Procedures.Created+rep.Procedures.Updated != 0 {
			t.Fatalf("re-import: %+v %v", rep, err)
		}
		res, err := svc.Search(ctx, catalog.ListQuery{Text: "dang ky khai sinh"})
		if err != nil || res.Total == 0 {
			t.Fatalf("search over the national set: %+v %v", res.Total, err)
		}
	})
}
