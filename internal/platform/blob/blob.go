// Package blob stores files by content: a file's name is the SHA-256 of its
// bytes, so the same attachment uploaded twice is stored once and a stored
// file can be checked against its name. Store is the interface the domain
// uses; Local keeps files in a folder (S3-compatible storage comes later).
package blob

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
)

// Ref identifies a stored blob.
type Ref struct {
	Hash string // lowercase hex SHA-256
	Size int64
}

// Store is a content-addressed blob store.
type Store interface {
	// Put stores r's content and returns its reference. Nothing is left
	// behind if it fails or ctx ends; limit (>0) caps the size.
	Put(ctx context.Context, r io.Reader, limit int64) (Ref, error)
	// Open opens a stored blob.
	Open(ctx context.Context, hash string) (io.ReadSeekCloser, error)
	// Stat reports whether a blob exists and its size.
	Stat(ctx context.Context, hash string) (Ref, error)
}

var (
	ErrNotFound = errors.New("blob: not found")
	ErrTooLarge = errors.New("blob: content over the size limit")
	ErrBadHash  = errors.New("blob: malformed hash")
)

var hashRe = regexp.MustCompile(`^[0-9a-f]{64}$`)

// Local is a Store in a local folder: <dir>/ab/cd/<hash>. Writes go to a
// temporary file that is synced and renamed into place, so a crash never
// leaves a partial blob under a real name. Several replicas may share the
// folder (same content, same name: a rename over an equal file is harmless).
type Local struct{ dir string }

// NewLocal opens (creating) a local store.
func NewLocal(dir string) (*Local, error) {
	if err := os.MkdirAll(filepath.Join(dir, "tmp"), 0o750); err != nil {
		return nil, fmt.Errorf("blob: %w", err)
	}
	return &Local{dir: dir}, nil
}

func (l *Local) path(hash string) string {
	return filepath.Join(l.dir, hash[:2], hash[2:4], hash)
}

// Put implements Store.
func (l *Local) Put(ctx context.Context, r io.Reader, limit int64) (ref Ref, err error) {
	tmp, err := os.CreateTemp(filepath.Join(l.dir, "tmp"), "put-*")
	if err != nil {
		return Ref{}, fmt.Errorf("blob: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	h := sha256.New()
	src := io.Reader(&ctxReader{ctx: ctx, r: r})
	if limit > 0 {
		src = io.LimitReader(src, limit+1)
	}
	n, err := io.Copy(io.MultiWriter(tmp, h), src)
	if err != nil {
		return Ref{}, fmt.Errorf("blob: write: %w", err)
	}
	if limit > 0 && n > limit {
		return Ref{}, ErrTooLarge
	}
	if err := tmp.Sync(); err != nil {
		return Ref{}, fmt.Errorf("blob: sync: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return Ref{}, fmt.Errorf("blob: close: %w", err)
	}
	ref = Ref{Hash: hex.EncodeToString(h.Sum(nil)), Size: n}
	final := l.path(ref.Hash)
	if err := os.MkdirAll(filepath.Dir(final), 0o750); err != nil {
		return Ref{}, fmt.Errorf("blob: %w", err)
	}
	if err := os.Rename(tmp.Name(), final); err != nil {
		return Ref{}, fmt.Errorf("blob: rename: %w", err)
	}
	if err := syncDir(filepath.Dir(final)); err != nil {
		return Ref{}, err
	}
	return ref, nil
}

// Open implements Store.
func (l *Local) Open(_ context.Context, hash string) (io.ReadSeekCloser, error) {
	if !hashRe.MatchString(hash) {
		return nil, ErrBadHash
	}
	f, err := os.Open(l.path(hash))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNotFound
	}
	return f, err
}

// Stat implements Store.
func (l *Local) Stat(_ context.Context, hash string) (Ref, error) {
	if !hashRe.MatchString(hash) {
		return Ref{}, ErrBadHash
	}
	fi, err := os.Stat(l.path(hash))
	if errors.Is(err, fs.ErrNotExist) {
		return Ref{}, ErrNotFound
	}
	if err != nil {
		return Ref{}, err
	}
	return Ref{Hash: hash, Size: fi.Size()}, nil
}

// Check verifies that the stored content still hashes to its name.
func (l *Local) Check(ctx context.Context, hash string) error {
	f, err := l.Open(ctx, hash)
	if err != nil {
		return err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return err
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != hash {
		return fmt.Errorf("blob: %s is corrupt (content hashes to %s)", hash, got)
	}
	return nil
}

// Ping checks the folder is writable (readiness).
func (l *Local) Ping() error {
	f, err := os.CreateTemp(filepath.Join(l.dir, "tmp"), "ping-*")
	if err != nil {
		return err
	}
	f.Close()
	return os.Remove(f.Name())
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("blob: sync dir: %w", err)
	}
	return nil
}

type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
