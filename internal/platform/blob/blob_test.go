package blob_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"egov/internal/platform/blob"
)

func TestLocal(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	s, err := blob.NewLocal(dir)
	if err != nil {
		t.Fatal(err)
	}
	content := []byte("Giấy khai sinh bản sao")
	sum := sha256.Sum256(content)

	t.Run("PutIsContentAddressed", func(t *testing.T) {
		ref, err := s.Put(ctx, bytes.NewReader(content), 0)
		if err != nil {
			t.Fatal(err)
		}
		if ref.Hash != hex.EncodeToString(sum[:]) || ref.Size != int64(len(content)) {
			t.Fatalf("ref %+v", ref)
		}
		again, err := s.Put(ctx, bytes.NewReader(content), 0)
		if err != nil || again != ref {
			t.Fatalf("second put: %+v %v", again, err)
		}
		f, err := s.Open(ctx, ref.Hash)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(f)
		f.Close()
		if !bytes.Equal(got, content) {
			t.Fatal("content differs")
		}
		if err := s.Check(ctx, ref.Hash); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("TooLargeLeavesNothing", func(t *testing.T) {
		_, err := s.Put(ctx, strings.NewReader(strings.Repeat("x", 101)), 100)
		if !errors.Is(err, blob.ErrTooLarge) {
			t.Fatalf("want ErrTooLarge, got %v", err)
		}
		assertNoTemp(t, dir)
	})
	t.Run("BrokenReaderLeavesNothing", func(t *testing.T) {
		_, err := s.Put(ctx, io.MultiReader(strings.NewReader("half"), errReader{}), 0)
		if err == nil {
			t.Fatal("want error")
		}
		assertNoTemp(t, dir)
	})
	t.Run("CancelledContextLeavesNothing", func(t *testing.T) {
		c, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := s.Put(c, strings.NewReader("abc"), 0); err == nil {
			t.Fatal("want error")
		}
		assertNoTemp(t, dir)
	})
	t.Run("UnknownAndMalformed", func(t *testing.T) {
		if _, err := s.Open(ctx, strings.Repeat("0", 64)); !errors.Is(err, blob.ErrNotFound) {
			t.Fatalf("want ErrNotFound, got %v", err)
		}
		if _, err := s.Open(ctx, "../../etc/passwd"); !errors.Is(err, blob.ErrBadHash) {
			t.Fatalf("want ErrBadHash, got %v", err)
		}
	})
	t.Run("CheckFindsCorruption", func(t *testing.T) {
		ref, err := s.Put(ctx, strings.NewReader("to be corrupted"), 0)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, ref.Hash[:2], ref.Hash[2:4], ref.Hash)
		if err := os.WriteFile(p, []byte("changed"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := s.Check(ctx, ref.Hash); err == nil {
			t.Fatal("corruption not found")
		}
	})
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("connection reset") }

func assertNoTemp(t *testing.T, dir string) {
	t.Helper()
	left, _ := os.ReadDir(filepath.Join(dir, "tmp"))
	if len(left) != 0 {
		t.Fatalf("temporary files left: %v", left)
	}
}
