package syncer

import (
	"context"
	"fmt"
	"iter"
	"sort"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/axctl/axctl/internal/plan"
	"github.com/axctl/axctl/internal/store"
)

// Drift is one difference between an object in the bucket and the object
// the content produces, found by a HEAD (sync --verify): what a LIST cannot
// see, because the body, and so the ETag, is the same.
type Drift struct {
	Key   string `json:"key"`
	Field string `json:"field"` // contentType, cacheControl or metadata.<name>
	Want  string `json:"want"`
	Got   string `json:"got"`
}

func (d Drift) String() string {
	return fmt.Sprintf("%s: %s is %q, want %q", d.Key, d.Field, d.Got, d.Want)
}

// verdicts remembers the drift found per key and listed ETag, so the plan
// made again under the lease does not HEAD the same objects twice.
type verdicts map[string]verdict

type verdict struct {
	etag  string
	drift []Drift
}

// verify HEADs every object of the listing that the plan leaves unchanged
// (at most concurrency at once), compares its attributes with the content's,
// and adds a put of each object that differs to the plan. It returns the
// differences, sorted, and the HEADs made.
func verify(ctx context.Context, storage store.Store, items iter.Seq[*plan.Item], remote map[string]store.Object, p *plan.Plan, concurrency int, seen verdicts) ([]Drift, int, error) {
	planned := make(map[string]bool, len(p.Uploads))
	for _, a := range p.Uploads {
		planned[a.Key] = true
	}
	var mu sync.Mutex
	heads := 0
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(max(concurrency, 1))
	for it := range items {
		obj, ok := remote[it.Key]
		if !ok || planned[it.Key] {
			continue
		}
		// The HEADs started below write seen as they end.
		mu.Lock()
		v, known := seen[it.Key]
		mu.Unlock()
		if known && v.etag == obj.ETag {
			continue
		}
		g.Go(func() error {
			_, got, err := storage.Head(gctx, it.Key)
			if err != nil {
				return fmt.Errorf("verify: head %q: %w", it.Key, err)
			}
			mu.Lock()
			defer mu.Unlock()
			heads++
			seen[it.Key] = verdict{etag: obj.ETag, drift: diffAttrs(it.Key, it.Attributes(), got)}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, heads, err
	}
	var out []Drift
	for it := range items {
		obj, ok := remote[it.Key]
		v, known := seen[it.Key]
		if !ok || planned[it.Key] || !known || v.etag != obj.ETag || len(v.drift) == 0 {
			continue
		}
		out = append(out, v.drift...)
		p.Rewrite(it, obj)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Key != out[j].Key {
			return out[i].Key < out[j].Key
		}
		return out[i].Field < out[j].Field
	})
	return out, heads, nil
}

// diffAttrs lists where got departs from want.
func diffAttrs(key string, want, got store.Attrs) []Drift {
	var out []Drift
	if want.ContentType != got.ContentType {
		out = append(out, Drift{key, "contentType", want.ContentType, got.ContentType})
	}
	if want.CacheControl != got.CacheControl {
		out = append(out, Drift{key, "cacheControl", want.CacheControl, got.CacheControl})
	}
	names := map[string]bool{}
	for k := range want.Metadata {
		names[k] = true
	}
	for k := range got.Metadata {
		names[k] = true
	}
	for k := range names {
		w, wok := want.Metadata[k]
		g, gok := got.Metadata[k]
		if w != g || wok != gok {
			out = append(out, Drift{key, "metadata." + k, w, g})
		}
	}
	return out
}
