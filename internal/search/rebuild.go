package search

import (
	"context"
	"fmt"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/axctl/axctl/internal/manifest"
	"github.com/axctl/axctl/internal/store"
)

// Rebuild builds the index from the bucket alone, as sync builds it from
// the content: one LIST per collection and one GET per entry (the index
// needs the body's text, so unlike the manifests it cannot be rebuilt from
// HEADs). At most concurrency GETs are in flight.
func Rebuild(ctx context.Context, st store.Store, cols []manifest.Collection, concurrency int) (map[string][]byte, error) {
	if concurrency <= 0 {
		concurrency = manifest.DefaultConcurrency
	}
	var docs []Doc
	for _, c := range cols {
		prefix := "entries/" + c.Name + "/"
		var keys []string
		if err := st.List(ctx, prefix, func(o store.Object) error {
			keys = append(keys, o.Key)
			return nil
		}); err != nil {
			return nil, fmt.Errorf("list %s %q: %w", st, prefix, err)
		}
		part := make([]Doc, len(keys))
		g, gctx := errgroup.WithContext(ctx)
		g.SetLimit(concurrency)
		for i, key := range keys {
			g.Go(func() error {
				slug, ok := strings.CutSuffix(strings.TrimPrefix(key, prefix), ".html")
				if !ok {
					return fmt.Errorf("rebuild %q: not an entry object (want %s<slug>.html)", key, prefix)
				}
				body, _, attrs, err := st.Get(gctx, key)
				if err != nil {
					return fmt.Errorf("get %s %q: %w", st, key, err)
				}
				r, err := manifest.FromMetadata(c.Name, c.Route, slug, attrs.Metadata)
				if err != nil {
					return fmt.Errorf("rebuild: %w", err)
				}
				part[i] = NewDoc(c.Name, r, body)
				return nil
			})
		}
		if err := g.Wait(); err != nil {
			return nil, err
		}
		docs = append(docs, part...)
	}
	return Build(docs)
}
