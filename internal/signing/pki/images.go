package pki

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"image"
	"image/png"
	"strconv"

	"egov/internal/apperr"
	"egov/internal/platform/sqldb"
)

// ImageKind says whose image a signature image is.
type ImageKind string

const (
	SealImage      ImageKind = "seal"      // an agency's registered round seal
	SignatureImage ImageKind = "signature" // an official's handwritten signature
)

// Limits of an uploaded signature image.
const (
	MaxImageBytes = 1_000_000
	minImageSide  = 100
	maxImageSide  = 3000
)

var (
	ErrImageNotPNG = apperr.New(apperr.Invalid, "pki.image_not_png",
		"Ảnh phải là tệp PNG nền trong suốt.", "The image must be a PNG with a transparent background.")
	ErrImageSize = apperr.New(apperr.Invalid, "pki.image_size",
		"Ảnh phải có mỗi cạnh từ 100 đến 3000 điểm ảnh và không quá 1 MB.", "The image must be 100 to 3000 pixels a side and at most 1 MB.")
	ErrImageOpaque = apperr.New(apperr.Invalid, "pki.image_opaque",
		"Ảnh chưa có nền trong suốt (Nghị định 30/2020 yêu cầu ảnh PNG nền trong suốt): hãy xóa nền trắng rồi tải lên lại.",
		"The image has no transparent background (Decree 30/2020 asks for a transparent PNG): remove the white background and upload it again.")
)

// CheckImage checks an uploaded signature image: a PNG of sensible size
// whose corners are transparent (the seal is stamped over the signature,
// so a white background would hide it).
func CheckImage(b []byte) (image.Image, error) {
	if len(b) > MaxImageBytes {
		return nil, ErrImageSize
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return nil, ErrImageNotPNG
	}
	if cfg.Width < minImageSide || cfg.Height < minImageSide || cfg.Width > maxImageSide || cfg.Height > maxImageSide {
		return nil, ErrImageSize
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		return nil, ErrImageNotPNG
	}
	r := img.Bounds()
	for _, p := range []image.Point{r.Min, {r.Max.X - 1, r.Min.Y}, {r.Min.X, r.Max.Y - 1}, {r.Max.X - 1, r.Max.Y - 1}} {
		if _, _, _, a := img.At(p.X, p.Y).RGBA(); a > 0x4000 {
			return nil, ErrImageOpaque
		}
	}
	return img, nil
}

// SetImage records the seal of an agency (kind SealImage, owner the
// agency's id) or the signature of an official (SignatureImage, owner the
// user's id); later signatures show it.
func (s *Service) SetImage(ctx context.Context, kind ImageKind, owner int64, b []byte) error {
	img, err := CheckImage(b)
	if err != nil {
		return err
	}
	if owner <= 0 || (kind != SealImage && kind != SignatureImage) {
		return ErrBadInput
	}
	agency, user := nullID(owner), any(nil)
	if kind == SignatureImage {
		agency, user = nil, nullID(owner)
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO signature_images(agency_id, user_id, png, width, height, created_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, agency, user, b, img.Bounds().Dx(), img.Bounds().Dy(), sqldb.UTC(s.now())).Scan(&id); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, "pki.image_set", string(kind), strconv.FormatInt(owner, 10),
			map[string]any{"image_id": id, "width": img.Bounds().Dx(), "height": img.Bounds().Dy(), "bytes": len(b)})
	})
}

// Image returns the newest seal of an agency or signature of an official,
// with its PNG bytes; ok is false when there is none.
func (s *Service) Image(ctx context.Context, kind ImageKind, owner int64) (img image.Image, raw []byte, ok bool, err error) {
	col := "agency_id"
	if kind == SignatureImage {
		col = "user_id"
	}
	err = s.db.R.QueryRowContext(ctx, `SELECT png FROM signature_images WHERE `+col+` = $1 ORDER BY id DESC LIMIT 1`, owner).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, false, nil
	}
	if err != nil {
		return nil, nil, false, err
	}
	img, err = png.Decode(bytes.NewReader(raw))
	if err != nil {
		return nil, nil, false, err
	}
	return img, raw, true, nil
}
