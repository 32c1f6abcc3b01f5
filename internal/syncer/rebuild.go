package syncer

import (
	"context"
	"fmt"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/axctl/axctl/internal/manifest"
	"github.com/axctl/axctl/internal/search"
	"github.com/axctl/axctl/internal/store"
)

// RebuildConcurrency is the number of requests a rebuild keeps in flight
// when given 0.
const RebuildConcurrency = 16

// ReadRecords reads every entry's record from its custom metadata (one LIST
// per collection, one HEAD per entry, never a body): what manifest.Build
// needs to rebuild the manifests sync wrote. Any store error or malformed
// object fails the whole read: a partial manifest would hide entries.
func ReadRecords(ctx context.Context, storage store.Store, cols []manifest.Collection, concurrency int) (map[string][]manifest.Record, error) {
	records := make(map[string][]manifest.Record, len(cols))
	for _, c := range cols {
		recs := []manifest.Record{}
		err := eachEntry(ctx, storage, c, concurrency, func(ctx context.Context, key, slug string) (func(), error) {
			_, attrs, err := storage.Head(ctx, key)
			if err != nil {
				return nil, fmt.Errorf("head %s %q: %w", storage, key, err)
			}
			r, err := manifest.FromMetadata(c.Name, c.Route, slug, attrs.Metadata)
			if err != nil {
				return nil, fmt.Errorf("rebuild: %w", err)
			}
			return func() { recs = append(recs, r) }, nil
		})
		if err != nil {
			return nil, err
		}
		records[c.Name] = recs
	}
	return records, nil
}

// ReadDocs reads every entry's search doc from its body and metadata (one
// LIST per collection, one GET per entry): unlike the manifests, the index
// needs the body's text.
func ReadDocs(ctx context.Context, storage store.Store, cols []manifest.Collection, concurrency int) ([]search.Doc, error) {
	var docs []search.Doc
	for _, c := range cols {
		err := eachEntry(ctx, storage, c, concurrency, func(ctx context.Context, key, slug string) (func(), error) {
			body, _, attrs, err := storage.Get(ctx, key)
			if err != nil {
				return nil, fmt.Errorf("get %s %q: %w", storage, key, err)
			}
			r, err := manifest.FromMetadata(c.Name, c.Route, slug, attrs.Metadata)
			if err != nil {
				return nil, fmt.Errorf("rebuild: %w", err)
			}
			d := search.NewDoc(c.Name, r, body)
			return func() { docs = append(docs, d) }, nil
		})
		if err != nil {
			return nil, err
		}
	}
	return docs, nil
}

// eachEntry lists entries/<c>/ and calls read for each entry object with at
// most concurrency calls in flight; the functions read returns run in key
// order once every read has succeeded.
func eachEntry(ctx context.Context, storage store.Store, c manifest.Collection, concurrency int, read func(ctx context.Context, key, slug string) (func(), error)) error {
	if err := manifest.CheckCollection(c.Name); err != nil {
		return err
	}
	if concurrency <= 0 {
		concurrency = RebuildConcurrency
	}
	prefix := manifest.EntryKey(c.Name, "")
	prefix = strings.TrimSuffix(prefix, ".html")
	var keys []string
	if err := storage.List(ctx, prefix, func(o store.Object) error {
		keys = append(keys, o.Key)
		return nil
	}); err != nil {
		return fmt.Errorf("list %s %q: %w", storage, prefix, err)
	}
	slugs := make([]string, len(keys))
	for i, key := range keys {
		slug, ok := strings.CutSuffix(strings.TrimPrefix(key, prefix), ".html")
		if !ok {
			return fmt.Errorf("rebuild %q: not an entry object (want %s<slug>.html)", key, prefix)
		}
		slugs[i] = slug
	}
	done := make([]func(), len(keys))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(concurrency)
	for i, key := range keys {
		g.Go(func() error {
			f, err := read(gctx, key, slugs[i])
			done[i] = f
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	for _, f := range done {
		f()
	}
	return nil
}
