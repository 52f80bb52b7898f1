package dossier

import (
	"context"
	"fmt"
	"io"
	"strings"

	"egov/internal/attach"
	"egov/internal/identity"
	"egov/internal/platform/sqldb"
)

// Upload is a file accepted by the upload pipeline and owned by who
// uploaded it, waiting to be attached to a dossier.
type Upload struct {
	ID int64
	FileRef
	Width, Height int
}

// Uploads accepts files through the one upload pipeline (internal/attach)
// and records who uploaded them.
type Uploads struct {
	svc      *Service
	pipeline *attach.Pipeline
}

// NewUploads binds the pipeline to the dossier service.
func NewUploads(s *Service, p *attach.Pipeline) *Uploads { return &Uploads{svc: s, pipeline: p} }

// Accept runs r through the pipeline and records the upload for p. The
// refusals of the pipeline name the file.
func (u *Uploads) Accept(ctx context.Context, p *identity.Principal, name string, r io.Reader) (Upload, error) {
	if p == nil || p.Stage != identity.StageFull {
		return Upload{}, ErrDossierNotFound
	}
	f, err := u.pipeline.Accept(ctx, name, r)
	if err != nil {
		return Upload{}, err
	}
	up := Upload{FileRef: FileRef{Name: f.Name, ContentType: f.ContentType, Size: f.Size, Hash: f.Hash, Pages: f.Pages},
		Width: f.Width, Height: f.Height}
	err = u.svc.db.W.QueryRowContext(ctx, `INSERT INTO uploads(user_id, hash, name, content_type, size, pages, width, height, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`, p.User.ID, f.Hash, f.Name, f.ContentType, f.Size, f.Pages,
		f.Width, f.Height, sqldb.UTC(u.svc.now())).Scan(&up.ID)
	return up, err
}

// Resolve turns the caller's upload IDs into file references, each for
// the named required document ("" when not said); an ID that is not the
// caller's own upload is refused.
func (s *Service) Resolve(ctx context.Context, p *identity.Principal, ids []int64, documents []string) ([]FileRef, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	if p == nil || p.Stage != identity.StageFull || len(ids) > 50 {
		return nil, ErrBadFile
	}
	args := []any{p.User.ID}
	q := `SELECT id, hash, name, content_type, size, pages FROM uploads WHERE user_id = $1 AND id IN (` + inList(&args, ids) + `)`
	rows, err := s.db.R.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	found := map[int64]FileRef{}
	for rows.Next() {
		var id int64
		var f FileRef
		if err := rows.Scan(&id, &f.Hash, &f.Name, &f.ContentType, &f.Size, &f.Pages); err != nil {
			return nil, err
		}
		found[id] = f
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]FileRef, 0, len(ids))
	for i, id := range ids {
		f, ok := found[id]
		if !ok {
			return nil, ErrBadFile.Wrap(fmt.Errorf("upload %d is not the caller's", id))
		}
		if i < len(documents) {
			f.Document = strings.TrimSpace(documents[i])
		}
		out = append(out, f)
	}
	return out, nil
}
