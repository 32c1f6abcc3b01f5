package syncer

import (
	"context"
	"fmt"
	"maps"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/axctl/axctl/internal/content"
	"github.com/axctl/axctl/internal/manifest"
	"github.com/axctl/axctl/internal/plan"
	"github.com/axctl/axctl/internal/search"
	"github.com/axctl/axctl/internal/store"
)

// RebuildConcurrency is the number of requests a rebuild keeps in flight
// when given 0.
const RebuildConcurrency = 16

// Rebuild makes the manifests and the search index again from what the
// bucket's entries hold (ReadRecords, ReadDocs) and writes them as sync
// does: a plan against the listing of metadata/ (every manifest the rebuild
// no longer produces is deleted; the lease and the pending-purge record are
// not manifests), conditional writes, shards before the indexes that name
// them and site.json last, the --max-deletes guard, and nothing written on
// a dry run. A rebuild that has something to write is made again and
// applied under the bucket's lease (contract.LeaseKey), as a sync's plan
// is: a sync running meanwhile can neither change the entries it reads nor
// write manifests between its writes. One with nothing to write, or refused
// by the guard, takes no lease.
func Rebuild(ctx context.Context, cfg *content.Config, storage store.Store, opts Options) (*Report, error) {
	return withLease(ctx, storage, opts, func(ctx context.Context, first *Report) (*Report, error) {
		if first == nil {
			dry := opts
			dry.DryRun = true
			return rebuild(ctx, cfg, storage, dry)
		}
		return rebuild(ctx, cfg, storage, opts) // read and planned again under the lease
	})
}

func rebuild(ctx context.Context, cfg *content.Config, storage store.Store, opts Options) (*Report, error) {
	cols := Collections(cfg)
	records, err := ReadRecords(ctx, storage, cols, opts.Concurrency)
	if err != nil {
		return nil, err
	}
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	site := manifest.Site{Title: cfg.Site.Title, BaseURL: cfg.Site.BaseURL, Lang: cfg.Site.Lang, Now: now}
	objs, err := manifest.Build(site, cols, records, cfg.PageSize)
	if err != nil {
		return nil, fmt.Errorf("rebuild: %w", err)
	}
	docs, err := ReadDocs(ctx, storage, cols, opts.Concurrency)
	if err != nil {
		return nil, fmt.Errorf("rebuild search index: %w", err)
	}
	index, err := search.Build(docs)
	if err != nil {
		return nil, fmt.Errorf("rebuild search index: %w", err)
	}
	maps.Copy(objs, index)
	items := make([]plan.Item, 0, len(objs))
	for k, body := range objs {
		items = append(items, manifestItem(k, body))
	}
	rep := &Report{Lists: 1}
	for _, recs := range records {
		rep.Entries += len(recs)
	}
	remote, err := listAll(ctx, storage, "metadata/")
	if err != nil {
		return rep, err
	}
	rep.Plan = plan.Make(items, remote, nil)
	return rep, applyPlan(ctx, storage, rep, opts)
}

// applyPlan is the end every write path but sync's shares: the delete
// guard, then, unless this is a dry run, plan.Apply.
func applyPlan(ctx context.Context, storage store.Store, rep *Report, opts Options) error {
	if err := rep.Plan.Guard(opts.MaxDeletes); err != nil {
		return err
	}
	if opts.DryRun || rep.Plan.Empty() {
		return nil
	}
	res, err := plan.Apply(ctx, fenceWrites(ctx, storage), rep.Plan, plan.ApplyOptions{Concurrency: opts.Concurrency, Progress: opts.Progress})
	rep.Result, rep.Applied = res, time.Now()
	return err
}

// listAll lists every object under prefix, by key.
func listAll(ctx context.Context, storage store.Store, prefix string) (map[string]store.Object, error) {
	objs := map[string]store.Object{}
	if err := storage.List(ctx, prefix, func(o store.Object) error {
		objs[o.Key] = o
		return nil
	}); err != nil {
		return nil, fmt.Errorf("list %s %q: %w", storage, prefix, err)
	}
	return objs, nil
}

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
