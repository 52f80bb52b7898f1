package secretbox_test

import (
	"bytes"
	"errors"
	"path/filepath"
	"testing"

	"egov/internal/platform/secretbox"
)

func TestSealOpen(t *testing.T) {
	t.Parallel()
	key := bytes.Repeat([]byte{7}, 32)
	box, err := secretbox.New(key)
	if err != nil {
		t.Fatal(err)
	}
	sealed := box.Seal([]byte("JBSWY3DPEHPK3PXP"), "totp:1")
	t.Run("RoundTrip", func(t *testing.T) {
		got, err := box.Open(sealed, "totp:1")
		if err != nil || string(got) != "JBSWY3DPEHPK3PXP" {
			t.Fatalf("got %q, %v", got, err)
		}
	})
	t.Run("RejectsOtherContext", func(t *testing.T) {
		if _, err := box.Open(sealed, "totp:2"); !errors.Is(err, secretbox.ErrOpen) {
			t.Fatalf("want ErrOpen, got %v", err)
		}
	})
	t.Run("RejectsOtherKey", func(t *testing.T) {
		other, _ := secretbox.New(bytes.Repeat([]byte{8}, 32))
		if _, err := other.Open(sealed, "totp:1"); !errors.Is(err, secretbox.ErrOpen) {
			t.Fatalf("want ErrOpen, got %v", err)
		}
	})
	t.Run("RejectsTampering", func(t *testing.T) {
		b := []byte(sealed)
		b[len(b)-2] ^= 1
		if _, err := box.Open(string(b), "totp:1"); !errors.Is(err, secretbox.ErrOpen) {
			t.Fatalf("want ErrOpen, got %v", err)
		}
	})
	t.Run("RejectsShortKey", func(t *testing.T) {
		if _, err := secretbox.New([]byte("short")); err == nil {
			t.Fatal("want error")
		}
	})
}

func TestKeyFile(t *testing.T) {
	t.Parallel()
	p := filepath.Join(t.TempDir(), "keys", "master.key")
	k1, created, err := secretbox.LoadOrCreateKeyFile(p)
	if err != nil || !created || len(k1) != 32 {
		t.Fatalf("create: %v %v %d", err, created, len(k1))
	}
	k2, created, err := secretbox.LoadOrCreateKeyFile(p)
	if err != nil || created || !bytes.Equal(k1, k2) {
		t.Fatalf("reload: %v %v", err, created)
	}
}
