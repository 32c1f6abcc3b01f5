package testutil

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/axctl/axctl/internal/store"
)

// Object is one stored object as tests compare buckets: bytes, listing
// fields and attributes (custom metadata decoded; empty metadata is nil).
type Object struct {
	Body         []byte
	ETag         string
	LastModified time.Time
	Attrs        store.Attrs
}

// Snapshot reads every object of s, 8 GETs at a time, and fails t on any
// error.
func Snapshot(t testing.TB, s store.Store) map[string]Object {
	t.Helper()
	ctx := context.Background()
	var keys []string
	if err := s.List(ctx, "", func(o store.Object) error {
		keys = append(keys, o.Key)
		return nil
	}); err != nil {
		t.Fatalf("list %s: %v", s, err)
	}
	out := make(map[string]Object, len(keys))
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(8)
	for _, k := range keys {
		g.Go(func() error {
			body, o, attrs, err := s.Get(gctx, k)
			if err != nil {
				return fmt.Errorf("get %s: %w", k, err)
			}
			if len(attrs.Metadata) == 0 {
				attrs.Metadata = nil
			}
			mu.Lock()
			out[k] = Object{Body: body, ETag: o.ETag, LastModified: o.LastModified, Attrs: attrs}
			mu.Unlock()
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
	return out
}

// BucketDiff describes how got differs from want (keys, bytes, content
// type, cache control, metadata; not ETags or times), at most a dozen
// lines; "" when they hold the same objects.
func BucketDiff(got, want map[string]Object) string {
	var out []string
	add := func(format string, a ...any) {
		if len(out) < 12 {
			out = append(out, fmt.Sprintf(format, a...))
		}
	}
	n := 0
	for _, k := range slices.Sorted(maps.Keys(want)) {
		g, ok := got[k]
		w := want[k]
		switch {
		case !ok:
			add("missing %s", k)
		case !bytes.Equal(g.Body, w.Body):
			add("%s: body differs (%d vs %d bytes)", k, len(g.Body), len(w.Body))
		case g.Attrs.ContentType != w.Attrs.ContentType || g.Attrs.CacheControl != w.Attrs.CacheControl || !maps.Equal(g.Attrs.Metadata, w.Attrs.Metadata):
			add("%s: attributes differ: got %v, want %v", k, g.Attrs, w.Attrs)
		default:
			continue
		}
		n++
	}
	for _, k := range slices.Sorted(maps.Keys(got)) {
		if _, ok := want[k]; !ok {
			add("extra %s", k)
			n++
		}
	}
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("%d object(s) differ:\n  %s", n, strings.Join(out, "\n  "))
}
