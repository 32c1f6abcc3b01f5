package e2e

import (
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// testScheduleBoundary: an entry whose publishDate and another whose
// expires fall a few seconds after the sync, with readers requesting every
// URL of the site through Varnish in a loop until that moment, so every
// page is in the cache when it comes. Nothing is purged at the boundary:
// the edge TTL cap alone must end each copy whose bytes change. Half the
// URLs are read up to the boundary, half until 2 s before it (a copy that
// expired unread must not be served stale after it). As soon as
// the clock has passed it, every URL through Varnish must answer what a
// fresh render answers (docs/caching.md, "Visibility windows cap the TTL").
func (s *site) testScheduleBoundary(t *testing.T) {
	ref := s.reference(t)
	// Whole seconds (the frontmatter's precision), far enough ahead that
	// sync --purge (6 s of settling) ends before it.
	at := time.Now().Add(16 * time.Second).Truncate(time.Second)
	stamp := at.UTC().Format(time.RFC3339)
	s.writeEntry(t, "notes/boundary-appears.md", "title: Appears at the boundary\ndate: 2026-04-30\npublishDate: "+stamp+"\ntags: [boundary-new, intro]", "Hidden until the test's boundary.")
	s.writeEntry(t, "notes/boundary-expires.md", "title: Expires at the boundary\ndate: 2026-04-29\nexpires: "+stamp+"\ntags: [boundary-old, intro]", "Shown until the test's boundary.")
	s.syncPurge(t)
	if left := time.Until(at); left < 2*time.Second {
		t.Fatalf("the sync ended %s before the boundary; the test needs the cache warm before it", left)
	}
	// Every URL of the site before and after the boundary (the new entry's
	// own page, its tag page, the pages the expiring one leaves).
	before := append(s.urls(t, ref), "/notes/boundary-appears", "/tags/boundary-new")
	var readers sync.WaitGroup
	var reads atomic.Int64
	for w := range 4 {
		readers.Go(func() {
			client := newClient()
			for i := w; time.Now().Before(at); i++ {
				p := i % len(before)
				if p%2 == 1 && time.Until(at) < 2*time.Second {
					continue // odd URLs: idle from 2 s before the boundary
				}
				if _, err := fetch(client, s.cache.URL+before[p]); err == nil {
					reads.Add(1)
				}
			}
		})
	}
	readers.Wait()
	if time.Now().Before(at) {
		t.Fatal("readers ended before the boundary")
	}
	all := slices.Compact(slices.Sorted(slices.Values(before)))
	stale, hits := 0, 0
	for _, p := range all {
		r := s.through(t, p)
		want := get(t, s.client, ref, p)
		if r.Header.Get("X-Cache") == "HIT" {
			hits++
		}
		if r.Status != want.Status || r.Body != want.Body {
			stale++
			t.Errorf("%s after the boundary: %s through Varnish (%d, X-Cache %s, Age %s, Cache-Control %q) differs from a fresh render (%d)%s",
				time.Since(at).Round(time.Millisecond), p, r.Status, r.Header.Get("X-Cache"), r.Header.Get("Age"), r.Header.Get("Cache-Control"), want.Status, firstDifference(r.Body, want.Body))
		}
	}
	t.Logf("%d reader GETs before the boundary; %d URLs checked after it (%d HIT), %d stale", reads.Load(), len(all), hits, stale)
	// Later tests see the site without the two.
	for _, rel := range []string{"boundary-appears.md", "boundary-expires.md"} {
		if err := os.Remove(filepath.Join(s.content, "content", "notes", rel)); err != nil {
			t.Fatal(err)
		}
	}
	s.syncPurge(t)
}
