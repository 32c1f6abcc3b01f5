package manifest

import (
	"context"
	"fmt"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/axctl/axctl/internal/store"
)

// DefaultConcurrency is the number of HEAD requests Rebuild keeps in flight
// when given 0.
const DefaultConcurrency = 16

// Rebuild reads every entry's custom metadata from store (one LIST per
// collection, one HEAD per entry, never a body) and builds the manifests
// from it, as Build would from the records sync rendered. Any store error or
// malformed object fails the whole rebuild: a partial manifest would hide
// entries.
func Rebuild(ctx context.Context, bucket store.Store, site Site, cols []Collection, pageSize, concurrency int) (map[string][]byte, error) {
	if concurrency <= 0 {
		concurrency = DefaultConcurrency
	}
	records := make(map[string][]Record, len(cols))
	for _, c := range cols {
		if err := checkCollection(c.Name); err != nil {
			return nil, err
		}
		recs, err := readCollection(ctx, bucket, c, concurrency)
		if err != nil {
			return nil, err
		}
		records[c.Name] = recs
	}
	return Build(site, cols, records, pageSize)
}

// readCollection lists entries/<c>/ and HEADs each object with at most
// limit requests in flight.
func readCollection(ctx context.Context, bucket store.Store, c Collection, limit int) ([]Record, error) {
	prefix := "entries/" + c.Name + "/"
	var keys []string
	err := bucket.List(ctx, prefix, func(o store.Object) error {
		keys = append(keys, o.Key)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list %s %q: %w", bucket, prefix, err)
	}
	slugs := make([]string, len(keys))
	for i, key := range keys {
		slug, ok := strings.CutSuffix(strings.TrimPrefix(key, prefix), ".html")
		if !ok {
			return nil, fmt.Errorf("rebuild %q: not an entry object (want %s<slug>.html)", key, prefix)
		}
		slugs[i] = slug
	}
	recs := make([]Record, len(keys))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(limit)
	for i, key := range keys {
		slug := slugs[i]
		g.Go(func() error {
			_, attrs, err := bucket.Head(gctx, key)
			if err != nil {
				return fmt.Errorf("head %s %q: %w", bucket, key, err)
			}
			r, err := FromMetadata(c.Name, c.Route, slug, attrs.Metadata)
			if err != nil {
				return fmt.Errorf("rebuild: %w", err)
			}
			recs[i] = r
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return recs, nil
}
