package web

import (
	"errors"
	"net/http"
	"strconv"

	"egov/internal/attach"
	"egov/internal/dossier"
	"egov/internal/httpx"
)

// uploadThumb serves a small picture of the caller's own upload for the
// application's review (GET /tep-tai-len/{id}/anh-nho): a photo turned
// upright, or a PDF's first page. Another user's upload is 404.
func (s *Server) uploadThumb(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		httpx.WriteError(w, r, dossier.ErrDossierNotFound)
		return
	}
	img, typ, err := s.Uploads.Thumbnail(ctx, httpx.Principal(ctx), id)
	if errors.Is(err, attach.ErrNoPreview) {
		http.Error(w, "no preview", http.StatusNotFound)
		return
	}
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", typ)
	h.Set("Content-Length", strconv.Itoa(len(img)))
	h.Set("X-Content-Type-Options", "nosniff")
	// An upload never changes under its ID.
	h.Set("Cache-Control", "private, max-age=86400, immutable")
	_, _ = w.Write(img)
}
