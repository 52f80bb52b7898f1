package dossier

import (
	"context"
	"strconv"
	"sync"

	"egov/internal/catalog"
)

// versions caches the catalogue versions dossiers started with: a version
// never changes once written, so a replica can keep it for its lifetime.
// (Tracking, every action and every dossier page read them.)
type versions struct {
	procs sync.Map // "code@version" -> catalog.Procedure
	wfs   sync.Map // "key@version" -> catalog.Workflow
}

func (s *Service) procAt(ctx context.Context, code string, v int) (catalog.Procedure, error) {
	k := code + "@" + strconv.Itoa(v)
	if p, ok := s.vers.procs.Load(k); ok {
		return p.(catalog.Procedure), nil
	}
	p, err := s.catalog.ProcedureAt(ctx, code, v)
	if err == nil {
		s.vers.procs.Store(k, p)
	}
	return p, err
}

func (s *Service) workflowAt(ctx context.Context, key string, v int) (catalog.Workflow, error) {
	k := key + "@" + strconv.Itoa(v)
	if w, ok := s.vers.wfs.Load(k); ok {
		return w.(catalog.Workflow), nil
	}
	w, err := s.catalog.WorkflowAt(ctx, key, v)
	if err == nil {
		s.vers.wfs.Store(k, w)
	}
	return w, err
}
