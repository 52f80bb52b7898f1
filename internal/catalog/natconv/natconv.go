// Package natconv converts the National Public Service Portal's procedure
// pages, as crawled into JSON (one file per procedure), into catalogue
// procedures. The crawl runs table cells together and garbles some of
// them: the converter parses what it can and flags the rest for a person
// to check, rather than inventing values.
//
// Unparseable processing times are left invalid (N = 0, or a unit-less N
// with an empty unit) so that catalog.Procedure.Validate rejects them: a
// made-up deadline would drive appointment dates and the on-time
// statistics, so the importer reports those procedures instead of
// publishing them.
package natconv

import (
	"archive/tar"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
)

// Raw is one crawled procedure page, as the crawler saved it.
type Raw struct {
	Code         string `json:"ma_thu_tuc"`
	Name         string `json:"ten_thu_tuc"`
	Decision     string `json:"so_quyet_dinh"`
	Level        string `json:"cap_thuc_hien"`
	Type         string `json:"loai_thu_tuc"`
	Field        string `json:"linh_vuc"`
	Applicants   string `json:"doi_tuong_thuc_hien"`
	Authority    string `json:"co_quan_co_tham_quyen"`
	Address      string `json:"dia_chi_tiep_nhan"`
	Delegated    string `json:"co_quan_duoc_uy_quyen"`
	Coordinating string `json:"co_quan_phoi_hop"`
	Steps        string `json:"trinh_tu_thuc_hien"`
	Methods      string `json:"cach_thuc_thuc_hien"`
	Documents    string `json:"thanh_phan_ho_so"`
	LegalBasis   string `json:"can_cu_phap_ly"`
	Implementer  string `json:"co_quan_thuc_hien"`
	Conditions   string `json:"yeu_cau_dieu_kien"`
	Result       string `json:"ket_qua_xu_ly"`
	Related      string `json:"thu_tuc_lien_quan"`
	DetailURL    string `json:"detail_url"`
	RawText      string `json:"raw_text"`
	FormalityID  string `json:"formality_id"`
	Path         string `json:"-"` // the entry's path in the archive
}

// MaxEntrySize bounds one JSON file in the archive; the largest crawled
// page is about 200 KB.
const MaxEntrySize = 4 << 20

// maxEntries bounds the number of files read, so a hostile archive cannot
// exhaust memory one small entry at a time.
const maxEntries = 50_000

// ReadArchive reads the crawl's .tar.gz: every regular *.json file, in
// archive order. Other entries are skipped.
func ReadArchive(r io.Reader) ([]Raw, error) {
	gz, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("natconv: not a gzip stream: %w", err)
	}
	defer gz.Close()
	tr := tar.NewReader(gz)
	var out []Raw
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("natconv: reading archive: %w", err)
		}
		if h.Typeflag != tar.TypeReg || !strings.HasSuffix(h.Name, ".json") {
			continue
		}
		if len(out) >= maxEntries {
			return nil, fmt.Errorf("natconv: more than %d files in the archive", maxEntries)
		}
		if h.Size > MaxEntrySize {
			return nil, fmt.Errorf("natconv: %s: %d bytes, more than %d", h.Name, h.Size, MaxEntrySize)
		}
		b, err := io.ReadAll(io.LimitReader(tr, MaxEntrySize+1))
		if err != nil {
			return nil, fmt.Errorf("natconv: %s: %w", h.Name, err)
		}
		if len(b) > MaxEntrySize {
			return nil, fmt.Errorf("natconv: %s: more than %d bytes", h.Name, MaxEntrySize)
		}
		var raw Raw
		if err := json.Unmarshal(b, &raw); err != nil {
			return nil, fmt.Errorf("natconv: %s: %w", h.Name, err)
		}
		raw.Path = path.Clean(h.Name)
		out = append(out, raw)
	}
}
