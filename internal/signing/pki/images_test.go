package pki_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"

	"egov/internal/platform/sqldb/sqldbtest"
	"egov/internal/signing/pki"
)

func pngOf(t *testing.T, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// A transparent PNG is kept and the newest is used; an opaque one, a JPEG,
// a tiny or huge one is refused with the reason.
func TestSignatureImages(t *testing.T) {
	t.Parallel()
	e := setup(t, sqldbtest.SQLite(t))
	ctx := actor()
	clear := image.NewNRGBA(image.Rect(0, 0, 300, 300))
	clear.Set(150, 150, color.NRGBA{R: 200, A: 255})
	opaque := image.NewNRGBA(image.Rect(0, 0, 300, 300))
	for i := range opaque.Pix {
		opaque.Pix[i] = 255
	}
	var jp bytes.Buffer
	_ = jpeg.Encode(&jp, opaque, nil)
	for _, c := range []struct {
		name string
		data []byte
		want error
	}{
		{"Opaque", pngOf(t, opaque), pki.ErrImageOpaque},
		{"JPEG", jp.Bytes(), pki.ErrImageNotPNG},
		{"Tiny", pngOf(t, image.NewNRGBA(image.Rect(0, 0, 20, 20))), pki.ErrImageSize},
		{"Huge", pngOf(t, image.NewNRGBA(image.Rect(0, 0, 4000, 200))), pki.ErrImageSize},
		{"Garbage", []byte("not an image"), pki.ErrImageNotPNG},
	} {
		if err := e.svc.SetImage(ctx, pki.SealImage, e.agency.ID, c.data); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
	if _, _, ok, err := e.svc.Image(context.Background(), pki.SealImage, e.agency.ID); ok || err != nil {
		t.Fatalf("a refused image was kept: %v %v", ok, err)
	}
	first, second := pngOf(t, clear), pngOf(t, image.NewNRGBA(image.Rect(0, 0, 200, 100)))
	for _, b := range [][]byte{first, second} {
		if err := e.svc.SetImage(ctx, pki.SealImage, e.agency.ID, b); err != nil {
			t.Fatal(err)
		}
	}
	img, raw, ok, err := e.svc.Image(context.Background(), pki.SealImage, e.agency.ID)
	if err != nil || !ok || !bytes.Equal(raw, second) || img.Bounds().Dx() != 200 {
		t.Fatalf("newest seal: ok %v, err %v", ok, err)
	}
	if _, _, ok, _ := e.svc.Image(context.Background(), pki.SignatureImage, e.agency.ID); ok {
		t.Error("an agency's seal answered for a user's signature")
	}
	if err := e.svc.SetImage(ctx, pki.SignatureImage, e.official.UserID, first); err != nil {
		t.Fatal(err)
	}
	if _, _, ok, _ := e.svc.Image(context.Background(), pki.SignatureImage, e.official.UserID); !ok {
		t.Error("the official's signature image is missing")
	}
}
