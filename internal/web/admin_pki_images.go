package web

import (
	"net/http"
	"strconv"
	"strings"

	"egov/internal/apperr"
	"egov/internal/httpx"
	"egov/internal/signing/pki"
)

// The images visible signatures show (Decree 30/2020 Appendix I): an
// agency's registered seal and an official's handwritten signature, as
// transparent PNGs, uploaded by the administrators of that agency.

var errPKIImageNotFound = apperr.New(apperr.NotFound, "pki.image_not_found", "Không tìm thấy ảnh.", "No such image.")

var errPKINoImage = apperr.Validation(apperr.Field("file", "pki.no_image",
	"Chọn tệp ảnh PNG nền trong suốt.", "Choose a PNG file with a transparent background."))

type pkiImageData struct {
	pkiOwnerForm
	Current string // the owner's current image, as a data-free link
}

func (s *Server) pkiImageForm(w http.ResponseWriter, r *http.Request) {
	s.renderImageForm(w, r, http.StatusOK, nil, pkiOwnerForm{Owner: r.URL.Query().Get("cho")})
}

func (s *Server) renderImageForm(w http.ResponseWriter, r *http.Request, status int, errs []FieldMsg, f pkiOwnerForm) {
	p, sc, ok := s.pkiOwnerPage(w, r, "pki.images_title", errs, &f)
	if !ok {
		return
	}
	d := pkiImageData{pkiOwnerForm: f}
	if o, err := s.pkiParseOwner(r, sc, f.Owner); err == nil {
		kind, id := imageOwner(o)
		if _, _, ok, err := s.PKI.Image(r.Context(), kind, id); err == nil && ok {
			d.Current = "/quan-tri/chung-thu-so/hinh-anh/" + string(kind) + "/" + strconv.FormatInt(id, 10) + ".png"
		}
	}
	p.Data = d
	s.render(w, r, status, "admin_pki_images", p)
}

// imageOwner is whose image an owner choice names: the agency's seal, or
// the official's signature.
func imageOwner(o pkiOwner) (pki.ImageKind, int64) {
	if o.user != nil {
		return pki.SignatureImage, o.user.ID
	}
	return pki.SealImage, o.agency.ID
}

func (s *Server) pkiImageUpload(w http.ResponseWriter, r *http.Request) {
	if s.PKI == nil {
		httpx.WriteError(w, r, errPKIOff)
		return
	}
	up, ok := s.pkiOwnerUpload(w, r, "cho", pki.MaxImageBytes, errPKINoImage, pki.ErrImageSize)
	if !ok {
		return
	}
	defer up.cleanup()
	f, err := up.form, up.err
	if err == nil {
		kind, id := imageOwner(up.owner)
		if err = s.PKI.SetImage(r.Context(), kind, id, up.data); err != nil {
			msgs, ok := pkiFieldErrors(httpx.Lang(r.Context()), err, "file")
			if !ok {
				httpx.WriteError(w, r, err)
				return
			}
			up.errs = append(up.errs, msgs...)
		}
	}
	if err != nil {
		s.renderImageForm(w, r, httpx.Status(apperr.As(err).Code), up.errs, f)
		return
	}
	s.redirect(w, r, "/quan-tri/chung-thu-so/hinh-anh?cho="+f.Owner, "pki.image_saved")
}

// pkiImagePNG serves a stored seal or signature image to the
// administrators whose scope covers its owner.
func (s *Server) pkiImagePNG(w http.ResponseWriter, r *http.Request) {
	if s.PKI == nil {
		httpx.WriteError(w, r, errPKIOff)
		return
	}
	idText, isPNG := strings.CutSuffix(r.PathValue("file"), ".png")
	id, err := strconv.ParseInt(idText, 10, 64)
	kind := pki.ImageKind(r.PathValue("kind"))
	if !isPNG || err != nil || id <= 0 || (kind != pki.SealImage && kind != pki.SignatureImage) {
		httpx.WriteError(w, r, errPKIImageNotFound)
		return
	}
	sc, err := s.adminScope(r)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	owner := "a:" + strconv.FormatInt(id, 10)
	if kind == pki.SignatureImage {
		u, err := s.Identity.User(r.Context(), id)
		if err != nil || len(u.Grants) == 0 {
			httpx.WriteError(w, r, errPKIImageNotFound)
			return
		}
		owner = "u:" + strconv.FormatInt(id, 10) + ":" + strconv.FormatInt(u.Grants[0].AgencyID, 10)
	}
	if _, err := s.pkiParseOwner(r, sc, owner); err != nil {
		httpx.WriteError(w, r, errPKIImageNotFound)
		return
	}
	_, raw, ok, err := s.PKI.Image(r.Context(), kind, id)
	if err != nil || !ok {
		httpx.WriteError(w, r, errPKIImageNotFound)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "private, no-store")
	_, _ = w.Write(raw)
}
