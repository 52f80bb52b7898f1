package catalog

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"egov/internal/apperr"
)

// CSVHeader is the flat part of a procedure, one row each. The rest
// (documents, fees, legal basis, agencies) travels in the JSON bundle.
var CSVHeader = []string{"code", "name", "name_en", "field", "level", "online", "channels", "time_n", "time_unit", "time_note",
	"result", "workflow", "form", "decision", "draft"}

// ExportCSV writes the flat part of every procedure.
func (s *Service) ExportCSV(ctx context.Context, w io.Writer) error {
	procs, err := s.Procedures(ctx)
	if err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return err
	}
	for _, p := range procs {
		chans := make([]string, len(p.Channels))
		for i, c := range p.Channels {
			chans[i] = string(c)
		}
		draft := "no"
		if p.Draft {
			draft = "yes"
		}
		if err := cw.Write([]string{p.Code, p.Name, p.NameEn, p.Field, string(p.Level), string(p.Online), strings.Join(chans, " "),
			strconv.FormatFloat(p.Time.N, 'f', -1, 64), string(p.Time.Unit), p.Time.Note, p.Result, p.Workflow, p.Form, p.Decision, draft}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// ImportCSV updates the flat part of existing procedures from a CSV file
// with CSVHeader's columns (any subset, in any order, code required). New
// procedures need their documents and agencies: they come through the JSON
// import. Every row is checked first; one bad row and nothing changes.
func (s *Service) ImportCSV(ctx context.Context, r io.Reader) (ImportReport, error) {
	var rep ImportReport
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	head, err := cr.Read()
	if err != nil {
		return rep, apperr.Validation(apperr.Field("file", "catalog.csv_empty", "Tệp CSV trống hoặc không đọc được.", "The CSV file is empty or unreadable."))
	}
	if len(head) > 0 {
		head[0] = strings.TrimPrefix(head[0], "\ufeff")
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.ToLower(strings.TrimSpace(h))] = i
	}
	if _, ok := col["code"]; !ok {
		return rep, apperr.Validation(apperr.Field("file", "catalog.csv_header",
			"Dòng đầu phải có cột code (và các cột: "+strings.Join(CSVHeader, ",")+").", "The first line needs a code column (and any of: "+strings.Join(CSVHeader, ",")+")."))
	}
	for h := range col {
		known := false
		for _, k := range CSVHeader {
			known = known || k == h
		}
		if !known {
			return rep, apperr.Validation(apperr.Field("file", "catalog.csv_header", "Cột không hợp lệ: "+h, "Unknown column: "+h))
		}
	}
	current, err := s.Procedures(ctx)
	if err != nil {
		return rep, err
	}
	byCode := map[string]Procedure{}
	for _, p := range current {
		byCode[p.Code] = p
	}
	var b Bundle
	b.Format = Format
	seen := map[string]bool{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			line := 0
			if errors.As(err, &pe) {
				line = pe.StartLine
			}
			rep.Rejected = append(rep.Rejected, Rejected{Item: fmt.Sprintf("line %d", line), Reason: err.Error(), Code: "catalog.csv_malformed"})
			return rep, ErrImportRejected
		}
		line, _ := cr.FieldPos(0)
		item := fmt.Sprintf("line %d", line)
		get := func(name string) (string, bool) {
			i, ok := col[name]
			if !ok || i >= len(rec) {
				return "", false
			}
			return strings.TrimSpace(rec[i]), true
		}
		code, _ := get("code")
		p, ok := byCode[code]
		if !ok {
			rep.Rejected = append(rep.Rejected, Rejected{Item: item + " " + code, Place: "code", Code: "catalog.csv_unknown",
				Reason: "no procedure has this code; add new procedures with the JSON import"})
			continue
		}
		if seen[code] {
			rep.Rejected = append(rep.Rejected, Rejected{Item: item + " " + code, Place: "code", Code: "catalog.duplicate", Reason: "the code appears twice"})
			continue
		}
		seen[code] = true
		set := func(name string, dst *string) {
			if v, ok := get(name); ok {
				*dst = v
			}
		}
		set("name", &p.Name)
		set("name_en", &p.NameEn)
		set("field", &p.Field)
		set("result", &p.Result)
		set("workflow", &p.Workflow)
		set("form", &p.Form)
		set("decision", &p.Decision)
		set("time_note", &p.Time.Note)
		if v, ok := get("level"); ok {
			p.Level = Level(v)
		}
		if v, ok := get("online"); ok {
			p.Online = Online(v)
		}
		if v, ok := get("time_unit"); ok {
			p.Time.Unit = TimeUnit(v)
		}
		if v, ok := get("channels"); ok {
			p.Channels = nil
			for _, c := range strings.Fields(strings.ReplaceAll(v, ",", " ")) {
				p.Channels = append(p.Channels, Channel(c))
			}
		}
		if v, ok := get("time_n"); ok {
			n, err := strconv.ParseFloat(strings.ReplaceAll(v, ",", "."), 64)
			if err != nil {
				rep.Rejected = append(rep.Rejected, Rejected{Item: item + " " + code, Place: "time_n", Code: "procedure.time",
					Reason: fmt.Sprintf("%q is not a number", v)})
				continue
			}
			p.Time.N = n
		}
		if v, ok := get("draft"); ok {
			switch strings.ToLower(v) {
			case "yes", "true", "1", "có":
				p.Draft = true
			case "no", "false", "0", "không", "":
				p.Draft = false
			default:
				rep.Rejected = append(rep.Rejected, Rejected{Item: item + " " + code, Place: "draft", Code: "catalog.csv_draft", Reason: fmt.Sprintf("%q is not yes or no", v)})
				continue
			}
		}
		b.Procedures = append(b.Procedures, p)
	}
	if len(rep.Rejected) > 0 {
		return rep, ErrImportRejected
	}
	return s.Import(ctx, b, nil)
}
