package catalog

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"sync"
	"time"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"egov/internal/apperr"
	"egov/internal/catalog/search"
)

// ListQuery asks for procedures.
type ListQuery struct {
	Text       string
	Field      string
	Agency     string // agency code or kind (e.g. "commune")
	Level      Level
	FullOnline bool
	Limit      int
	Cursor     string
}

// Listing is a page of procedures.
type Listing struct {
	Items      []Procedure
	Next       string
	Total      int
	Suggestion string // the query as understood, when typos were corrected
}

// ErrBadCursor is a cursor this server did not make.
var ErrBadCursor = apperr.New(apperr.Invalid, "catalog.bad_cursor", "Tham số trang không hợp lệ.", "The page cursor is not valid.")

// index is the in-memory search index of the current procedures, rebuilt
// when the catalogue changes (on this replica at once; on others when
// their check finds a newer catalogue, within indexRefresh).
type index struct {
	mu       sync.Mutex
	ix       *search.Index
	byCode   map[string]Procedure
	fields   []string
	agencies []string
	stamp    string
	checked  time.Time
}

const indexRefresh = 5 * time.Second

// stamp identifies the catalogue's content: every change bumps a version,
// so the count and the sum of versions change with it.
func (s *Service) stamp(ctx context.Context) (string, error) {
	var n, sum int
	err := s.db.R.QueryRowContext(ctx, `SELECT count(*), COALESCE(sum(version), 0) FROM catalog_items WHERE kind = $1`, kindProcedure).Scan(&n, &sum)
	return strconv.Itoa(n) + "/" + strconv.Itoa(sum), err
}

// current returns the index, rebuilding it if the catalogue changed.
func (s *Service) current(ctx context.Context) (*index, error) {
	s.idx.mu.Lock()
	defer s.idx.mu.Unlock()
	cur := &s.idx
	if cur.ix != nil && s.now().Sub(cur.checked) < indexRefresh {
		return cur, nil
	}
	stamp, err := s.stamp(ctx)
	if err != nil {
		if cur.ix != nil {
			return cur, nil
		}
		return nil, err
	}
	if cur.ix == nil || stamp != cur.stamp {
		procs, err := s.Procedures(ctx)
		if err != nil {
			return nil, err
		}
		docs := make([]search.Doc, 0, len(procs))
		byCode := make(map[string]Procedure, len(procs))
		fieldSet := map[string]bool{}
		for _, p := range procs {
			if p.Draft {
				continue // not published
			}
			byCode[p.Code] = p
			fieldSet[p.Field] = true
			docs = append(docs, docOf(p))
		}
		ix, err := search.Build(docs)
		if err != nil {
			return nil, err
		}
		agencySet := map[string]bool{}
		for _, d := range docs {
			for _, a := range d.Facets[search.FacetAgency] {
				agencySet[a] = true
			}
		}
		agencies := make([]string, 0, len(agencySet))
		for a := range agencySet {
			agencies = append(agencies, a)
		}
		slices.Sort(agencies)
		fields := make([]string, 0, len(fieldSet))
		for f := range fieldSet {
			fields = append(fields, f)
		}
		col := collate.New(language.Vietnamese)
		slices.SortFunc(fields, col.CompareString)
		cur.ix, cur.byCode, cur.fields, cur.agencies, cur.stamp = ix, byCode, fields, agencies, stamp
	}
	cur.checked = s.now()
	return cur, nil
}

// Invalidate makes the next search re-check the catalogue.
func (s *Service) Invalidate() {
	s.idx.mu.Lock()
	s.idx.checked = time.Time{}
	s.idx.mu.Unlock()
}

func docOf(p Procedure) search.Doc {
	d := search.Doc{ID: p.Code, Name: p.Name, Field: p.Field, Facets: map[string][]string{
		search.FacetField:  {p.Field},
		search.FacetLevel:  {string(p.Level)},
		search.FacetOnline: {string(p.Online)},
	}}
	seen := map[string]bool{}
	for _, r := range append(append([]AgencyRef(nil), p.Receivers...), p.Decider) {
		for _, v := range []string{r.Code, r.Kind} {
			if v != "" && !seen[v] {
				seen[v] = true
				d.Facets[search.FacetAgency] = append(d.Facets[search.FacetAgency], v)
			}
		}
		if r.Note != "" {
			d.Keywords = append(d.Keywords, r.Note)
		}
	}
	if p.Result != "" {
		d.Keywords = append(d.Keywords, p.Result)
	}
	return d
}

// Search finds procedures: relevance-ranked for a text, alphabetical
// without one, filtered by field, agency, level and full online service.
func (s *Service) Search(ctx context.Context, q ListQuery) (Listing, error) {
	cur, err := s.current(ctx)
	if err != nil {
		return Listing{}, err
	}
	f := map[string]string{}
	if q.Field != "" {
		f[search.FacetField] = q.Field
	}
	if q.Agency != "" {
		f[search.FacetAgency] = q.Agency
	}
	if q.Level != "" {
		f[search.FacetLevel] = string(q.Level)
	}
	if q.FullOnline {
		f[search.FacetOnline] = string(OnlineFull)
	}
	page, err := cur.ix.Search(search.Query{Text: q.Text, Filters: f, Limit: q.Limit, After: q.Cursor})
	if errors.Is(err, search.ErrBadCursor) {
		return Listing{}, ErrBadCursor
	}
	if err != nil {
		return Listing{}, err
	}
	out := Listing{Next: page.Next, Total: page.Total, Suggestion: page.Suggestion}
	for _, h := range page.Hits {
		if p, ok := cur.byCode[h.ID]; ok {
			out.Items = append(out.Items, p)
		}
	}
	return out, nil
}

// Published returns a procedure only if it is published (not a draft):
// what the public portal and API show.
func (s *Service) Published(ctx context.Context, code string) (Procedure, error) {
	p, _, err := s.Procedure(ctx, code)
	if err == nil && p.Draft {
		return Procedure{}, ErrProcedureNotFound
	}
	return p, err
}

// Fields lists the fields (lĩnh vực) of the catalogue, in Vietnamese order.
func (s *Service) Fields(ctx context.Context) ([]string, error) {
	cur, err := s.current(ctx)
	if err != nil {
		return nil, err
	}
	return cur.fields, nil
}

// Agencies lists the agency filter values of the published catalogue:
// agency codes and kinds (e.g. "commune") that receive or decide.
func (s *Service) Agencies(ctx context.Context) ([]string, error) {
	cur, err := s.current(ctx)
	if err != nil {
		return nil, err
	}
	return cur.agencies, nil
}
