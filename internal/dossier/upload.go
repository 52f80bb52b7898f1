package dossier

import (
	"context"
	"fmt"
	"io"
	"path"
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
	return u.record(ctx, p, f)
}

// record notes an accepted file as p's upload.
func (u *Uploads) record(ctx context.Context, p *identity.Principal, f attach.File) (Upload, error) {
	up := Upload{FileRef: FileRef{Name: f.Name, ContentType: f.ContentType, Size: f.Size, Hash: f.Hash, Pages: f.Pages},
		Width: f.Width, Height: f.Height}
	err := u.svc.db.W.QueryRowContext(ctx, `INSERT INTO uploads(user_id, hash, name, content_type, size, pages, width, height, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`, p.User.ID, f.Hash, f.Name, f.ContentType, f.Size, f.Pages,
		f.Width, f.Height, sqldb.UTC(u.svc.now())).Scan(&up.ID)
	return up, err
}

// MaxBytes is the largest file accepted.
func (u *Uploads) MaxBytes() int64 { return u.pipeline.MaxBytes() }

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

// PhotosToPDF makes one PDF named name of the caller's photo uploads ids
// (JPEG, PNG or HEIC, in that order, one page each, turned upright and
// compressed: internal/attach) and records it as the caller's upload. The
// photos stay uploads of their own until they are purged.
func (u *Uploads) PhotosToPDF(ctx context.Context, p *identity.Principal, name string, ids []int64) (Upload, error) {
	refs, err := u.svc.Resolve(ctx, p, ids, nil)
	if err != nil {
		return Upload{}, err
	}
	files := make([]attach.File, len(refs))
	for i, r := range refs {
		files[i] = attach.File{Name: r.Name, ContentType: r.ContentType, Size: r.Size, Hash: r.Hash, Pages: r.Pages}
	}
	f, err := u.pipeline.PhotosToPDF(ctx, name, files)
	if err != nil {
		return Upload{}, err
	}
	return u.record(ctx, p, f)
}

// Thumbnail is a small JPEG of the caller's upload id for the review
// page: the photo turned upright, or a PDF's first page where the PDF
// renderer works (attach.ErrNoPreview where it does not).
func (u *Uploads) Thumbnail(ctx context.Context, p *identity.Principal, id int64) ([]byte, string, error) {
	refs, err := u.svc.Resolve(ctx, p, []int64{id}, nil)
	if err != nil {
		return nil, "", ErrDossierNotFound
	}
	r := refs[0]
	return u.pipeline.Thumbnail(ctx, attach.File{Name: r.Name, ContentType: r.ContentType, Size: r.Size, Hash: r.Hash, Pages: r.Pages})
}

// BindPhotos makes one PDF of the photos given for each document: a
// citizen photographs the pages of one paper, and the dossier gets that
// paper as one PDF, pages in the order uploaded, at the place of its first
// photo. refs are Resolve's answer for ids; PDFs pass through unchanged. A
// photo the conversion refuses is named in the error.
func (u *Uploads) BindPhotos(ctx context.Context, p *identity.Principal, ids []int64, refs []FileRef) ([]FileRef, error) {
	groups := map[string][]int{} // document -> indexes of its photos
	for i, r := range refs {
		if attach.IsImage(r.ContentType) {
			groups[r.Document] = append(groups[r.Document], i)
		}
	}
	if len(groups) == 0 {
		return refs, nil
	}
	out := make([]FileRef, 0, len(refs))
	for i, r := range refs {
		g, photo := groups[r.Document]
		switch {
		case !photo || !attach.IsImage(r.ContentType):
			out = append(out, r)
		case g[0] == i:
			var pick []int64
			for _, j := range g {
				pick = append(pick, ids[j])
			}
			name := photoPDFName(r.Document, r.Name)
			if len(g) == 1 {
				name = photoPDFName("", r.Name) // one photo keeps the name its owner knows
			}
			up, err := u.PhotosToPDF(ctx, p, name, pick)
			if err != nil {
				return nil, err
			}
			f := up.FileRef
			f.Document = r.Document
			out = append(out, f)
		}
	}
	return out, nil
}

// photoPDFName names the PDF of a document's photos after the document
// ("Giấy chứng sinh.pdf"), or after its first photo when it has no name.
func photoPDFName(document, first string) string {
	name := strings.TrimSpace(document)
	if name == "" {
		name = strings.TrimSuffix(first, path.Ext(first))
	}
	name = strings.NewReplacer("/", "-", `\`, "-", ":", "-").Replace(name)
	if r := []rune(name); len(r) > 120 {
		name = strings.TrimSpace(string(r[:120]))
	}
	return name + ".pdf"
}
