package attach

import (
	"bytes"
	"compress/zlib"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"egov/internal/attach/attachtest"
)

// slowPDF is a small file whose one page draws n rectangles: it inflates
// to n × 28 bytes of content that PDFium must parse to render the page.
func slowPDF(n int) []byte {
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write([]byte(strings.Repeat("0 0 1 rg 10 10 500 700 re f\n", n)))
	zw.Close()
	return attachtest.BuildPDF(
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << >> /Contents 4 0 R >>",
		fmt.Sprintf("<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream", z.Len(), z.Bytes()),
	)
}

// TestPreviewBudget: a page that takes longer than the render's budget is
// stopped there, not finished in the background, and the renderer goes
// on serving the next.
func TestPreviewBudget(t *testing.T) {
	t.Parallel()
	slow := slowPDF(1_000_000)
	ctx := context.Background()
	if _, err := pdfPreviews.firstPage(ctx, attachtest.PDF(1, ""), time.Minute); err != nil { // the renderer is up from here
		t.Fatal(err)
	}
	const budget = 300 * time.Millisecond
	start := time.Now()
	_, err := pdfPreviews.firstPage(ctx, slow, budget)
	took := time.Since(start)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("after %v: %v", took, err)
	}
	if took > budget+2*time.Second {
		t.Fatalf("stopped %v after its budget", took-budget)
	}
	t.Logf("%d KB PDF stopped after %v", len(slow)>>10, took)
	if _, err := pdfPreviews.firstPage(ctx, attachtest.PDF(1, ""), time.Minute); err != nil {
		t.Fatalf("the renderer does not render after a stopped page: %v", err)
	}
}
