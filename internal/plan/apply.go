package plan

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"

	"golang.org/x/sync/errgroup"

	"github.com/axctl/axctl/internal/contract"

	"github.com/axctl/axctl/internal/store"
)

// ApplyOptions tune Apply.
type ApplyOptions struct {
	Concurrency int                   // requests in flight; default 16
	Progress    func(done, total int) // called after each action; may be nil
}

// Result counts what Apply did.
type Result struct {
	Uploaded map[Kind]map[Reason]int `json:"uploaded"`
	Deleted  int                     `json:"deleted"`
}

// Apply carries out a plan in the order that keeps readers consistent:
// the pending-purge record (KindPurge: the tags this sync will purge, so no
// write goes unpurged even if the sync dies before purging), assets and
// entries, then manifests (shards before the indexes that name them,
// site.json last), then deletes. A manifest is never written before
// every body it names exists, and nothing is deleted until every manifest
// has stopped naming it. The first error stops the run; the bucket is then
// still consistent and a rerun converges.
func Apply(ctx context.Context, s store.Store, p *Plan, opts ApplyOptions) (*Result, error) {
	if opts.Concurrency <= 0 {
		opts.Concurrency = 16
	}
	res := &Result{Uploaded: map[Kind]map[Reason]int{}}
	total := len(p.Uploads) + len(p.Deletes)
	var done atomic.Int64
	tick := func() {
		n := done.Add(1)
		if opts.Progress != nil {
			opts.Progress(int(n), total)
		}
	}
	var pending, bodies, shards, indexes, site []Action
	for _, a := range p.Uploads {
		switch {
		case a.Kind == KindPurge:
			pending = append(pending, a)
		case a.Kind != KindManifest:
			bodies = append(bodies, a)
		case a.Key == contract.SiteKey:
			site = append(site, a)
		case strings.Count(a.Key, "/") >= 2:
			shards = append(shards, a)
		default:
			indexes = append(indexes, a)
		}
	}
	for _, group := range [][]Action{pending, bodies, shards, indexes, site} {
		// Cancelled (SIGINT, SIGTERM): no later group starts, so bodies cut
		// short are never followed by the manifests that would name them.
		if err := ctx.Err(); err != nil {
			return res, err
		}
		if err := putAll(ctx, s, group, opts.Concurrency, tick); err != nil {
			return res, err
		}
		for _, a := range group {
			if res.Uploaded[a.Kind] == nil {
				res.Uploaded[a.Kind] = map[Reason]int{}
			}
			res.Uploaded[a.Kind][a.Reason]++
		}
	}
	if err := ctx.Err(); err != nil {
		return res, err
	}
	if len(p.Deletes) > 0 {
		keys := make([]string, len(p.Deletes))
		for i, a := range p.Deletes {
			keys[i] = a.Key
		}
		if err := s.Delete(ctx, keys); err != nil {
			return res, fmt.Errorf("delete %d objects: %w", len(keys), err)
		}
		for range keys {
			tick()
		}
		res.Deleted = len(keys)
	}
	return res, nil
}

func putAll(ctx context.Context, s store.Store, actions []Action, limit int, tick func()) error {
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(limit)
	for _, a := range actions {
		g.Go(func() error {
			if err := ctx.Err(); err != nil {
				return err // cancelled, or another put failed: start nothing new
			}
			// Stores name the key in their errors ("put %q: ..."); only
			// what apply knows is added here.
			if err := put(ctx, s, a); err != nil {
				if errors.Is(err, store.ErrPrecondition) {
					return fmt.Errorf("another sync changed %s since it was listed; rerun to converge: %w", a.Kind, err)
				}
				return err
			}
			tick()
			return nil
		})
	}
	return g.Wait()
}
