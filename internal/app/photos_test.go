package app_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// Phone photos through the API: each upload is checked by its content;
// at submission the photos given for one document become one PDF of it,
// a page each; bad files are refused with a message naming them, and
// nothing half-way is kept.
func TestPhotosBecomeOnePDF(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, s *server) {
		c := newAPIClient(t, s)
		unit := agencyID(t, s, deskWardUnit)
		photo := func(name string, orientation uint16) int64 {
			body, ct := multipartFile("file", name, phonePhoto(t, 800, 600, orientation))
			r := c.must(c.call("congdan", "POST", "/api/v1/uploads", body, "Content-Type", ct), http.StatusCreated)
			var up struct {
				ID          int64  `json:"id"`
				ContentType string `json:"content_type"`
			}
			decodeJSON(t, r, &up)
			if up.ContentType != "image/jpeg" {
				t.Fatalf("photo upload: %s", r.body)
			}
			return up.ID
		}
		p1, p2 := photo("IMG_0001.jpg", 6), photo("IMG_0002.jpg", 1)
		const doc = "Giấy chứng sinh"
		code := c.submit("congdan", submission("1.001193", unit, birthForm(),
			fileRef{UploadID: p1, Document: doc}, fileRef{UploadID: p2, Document: doc}))
		var d struct {
			Files []struct {
				Name, ContentType, Document string
				Pages                       int
			} `json:"files"`
		}
		r := c.must(c.call("congdan", "GET", "/api/v1/dossiers/"+code, ""), 200)
		if err := json.Unmarshal([]byte(r.body), &d); err != nil {
			t.Fatal(err)
		}
		if len(d.Files) != 1 || d.Files[0].Name != doc+".pdf" || d.Files[0].Pages != 2 {
			t.Fatalf("the dossier's files = %+v, want one PDF %q of 2 pages", d.Files, doc+".pdf")
		}

		c.run(t, []scenario{
			uploadRow("NotAnImage", "api:congdan", "IMG_0003.jpg", []byte("GIF89a không phải ảnh JPEG"), 400, "attach.type", "IMG_0003.jpg"),
			uploadRow("TruncatedJPEG", "api:congdan", "IMG_0004.jpg", phonePhoto(t, 400, 300, 1)[:2000], 400, "IMG_0004.jpg"),
			uploadRow("BrokenHEIC", "api:congdan", "IMG_0005.heic", []byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"), 400, "IMG_0005.heic"),
			uploadRow("Empty", "api:congdan", "IMG_0006.jpg", nil, 400, "attach.empty", "IMG_0006.jpg"),
			rawNameRow("ControlCharsInName", `filename*=UTF-8''%E1%BA%A3nh%01%0A%1B.jpg`, phonePhoto(t, 40, 30, 1), 201, `"name":"ảnh.jpg"`),
			rawNameRow("OnlyControlChars", `filename*=UTF-8''%01%02%03`, phonePhoto(t, 40, 30, 1), 400, "attach.name"),
			uploadRow("PathInName", "api:congdan", `..\..\etc/ảnh.jpg`, phonePhoto(t, 40, 30, 1), 201, `"name":"ảnh.jpg"`),
		})
		if n := strings.Count(r.body, `"pages"`); n != 1 {
			t.Errorf("files listed %d times", n)
		}
	})
}

// rawNameRow uploads content under a Content-Disposition file name
// parameter written as given (a browser percent-encodes what a quoted
// string cannot hold).
func rawNameRow(name, param string, content []byte, status int, want ...string) scenario {
	const boundary = "egov-test-boundary"
	body := "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; " + param +
		"\r\nContent-Type: application/octet-stream\r\n\r\n" + string(content) + "\r\n--" + boundary + "--\r\n"
	return scenario{name: name, as: "api:congdan", method: "POST", path: "/api/v1/uploads", body: body,
		headers: map[string]string{"Content-Type": "multipart/form-data; boundary=" + boundary}, status: status, want: want}
}
