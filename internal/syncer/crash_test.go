package syncer_test

import (
	"bytes"
	"context"
	"errors"
	"maps"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/axctl/axctl/internal/contract"
	"github.com/axctl/axctl/internal/manifest"
	"github.com/axctl/axctl/internal/search"
	"github.com/axctl/axctl/internal/store"
	"github.com/axctl/axctl/internal/syncer"
	"github.com/axctl/axctl/internal/testutil"
	"github.com/axctl/axctl/internal/testutil/faultproxy"
	"github.com/axctl/axctl/internal/testutil/minio"
	"github.com/axctl/axctl/internal/testutil/synctest"
)

// errCrash stands for the process dying: nothing after it is written.
var errCrash = errors.New("simulated crash")

// crashBeforeManifests fails every manifest write, as if the process died
// after the bodies landed and before any manifest was written.
type crashBeforeManifests struct{ store.Store }

func (c crashBeforeManifests) Put(ctx context.Context, key string, body []byte, attrs store.Attrs, pre store.Precondition) (string, error) {
	if strings.HasPrefix(key, "metadata/") && key != contract.LeaseKey {
		return "", errCrash
	}
	return c.Store.Put(ctx, key, body, attrs, pre)
}

// Delete fails too, except the release of the lease: these tests are about
// the manifests, and a real crash leaves a lease that only expires.
func (c crashBeforeManifests) Delete(ctx context.Context, keys []string) error {
	if len(keys) == 1 && keys[0] == contract.LeaseKey {
		return c.Store.Delete(ctx, keys)
	}
	return errCrash
}

// changeSite edits a synced site in every way a plan can act on: an edited
// body, a title-only edit, a rename, a new entry, a new draft, an entry
// turned draft and a new attachment.
func changeSite(t *testing.T, s *site) {
	t.Helper()
	s.entry("blog", "p01", "Post 1", "2026-01-02", "An edited body.")
	s.entry("blog", "p02", "Retitled", "2026-01-03", "Body of post 2.")
	s.remove(entryPath("blog", "p03"))
	s.entry("blog", "moved", "Post 3", "2026-01-04", "Body of post 3.")
	s.entry("blog", "p04", "Post 4", "2026-01-05", "Body of post 4.", "draft: true")
	s.entry("blog", "new", "New", "2026-02-01", "![dot](img/dot.png)", "tags: [fresh]")
	s.entry("docs", "wip", "WIP", "2026-02-02", "Not yet.", "draft: true")
	s.write("content/blog/img/dot.png", string(pngBytes(t)))
}

// TestCrashBetweenEntriesAndManifests: a sync that dies after writing the
// bodies leaves the old manifests, which only name objects that exist; the
// next sync converges to the bucket of an uninterrupted sync.
func TestCrashBetweenEntriesAndManifests(t *testing.T) {
	eachStore(t, func(t *testing.T, open func(*testing.T) *bucket) {
		s := newSite(t, 3)
		s.blogOf(6)
		s.entry("docs", "guide", "Guide", "2025-06-01", "Docs.")
		b := open(t)
		run(t, s, b.storage)
		before := snapshot(t, b.raw)

		changeSite(t, s)
		_, err := synctest.Run(context.Background(), s.config(), crashBeforeManifests{b.storage}, syncer.Options{MaxDeletes: -1})
		if !errors.Is(err, errCrash) {
			t.Fatalf("interrupted sync: err = %v, want the crash", err)
		}
		mid := snapshot(t, b.raw)
		for k, o := range before {
			if strings.HasPrefix(k, "metadata/") && !bytes.Equal(mid[k].Body, o.Body) {
				t.Errorf("%s changed before the crash", k)
			}
		}
		for _, k := range []string{"entries/blog/p01.html", "entries/blog/moved.html", "entries/blog/new.html"} {
			if o, ok := mid[k]; !ok || bytes.Equal(o.Body, before[k].Body) {
				t.Errorf("%s: new body not written before the crash", k)
			}
		}
		consistent(t, mid, "blog", "docs") // readers still see a whole site

		run(t, s, b.storage)
		fresh := open(t)
		run(t, s, fresh.storage)
		sameBucket(t, snapshot(t, b.raw), snapshot(t, fresh.raw))
		if rep := run(t, s, b.storage); !rep.Plan.Empty() {
			t.Errorf("sync after convergence planned:\n%s", rep.Plan)
		}
	})
}

// raceStore simulates another writer: just before the first manifest Put,
// it writes different bytes to the same key behind the sync's back, so the
// listing the plan came from is stale.
type raceStore struct {
	store.Store
	raw  store.Store
	once sync.Once
	key  string
}

func (r *raceStore) Put(ctx context.Context, key string, body []byte, attrs store.Attrs, pre store.Precondition) (string, error) {
	if strings.HasPrefix(key, "metadata/") && key != contract.LeaseKey {
		var err error
		r.once.Do(func() {
			r.key = key
			_, err = r.raw.Put(ctx, key, []byte(`{"written":"by another sync"}`+"\n"), store.Attrs{ContentType: "application/json"}, store.Precondition{})
		})
		if err != nil {
			return "", err
		}
	}
	return r.Store.Put(ctx, key, body, attrs, pre)
}

// TestStaleListingLosesTheRace: a manifest that changed between List and
// Put is not overwritten; the sync fails with ErrPrecondition and a rerun
// converges.
func TestStaleListingLosesTheRace(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(t *testing.T, s *site)
	}{
		{"changed manifest (If-Match)", func(t *testing.T, s *site) {
			s.entry("blog", "p01", "Post 1", "2026-01-02", "An edited body.")
		}},
		{"new manifest (If-None-Match)", func(t *testing.T, s *site) {
			s.entry("blog", "p06", "Post 6", "2026-01-07", "Opens shard 0002.")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			eachStore(t, func(t *testing.T, open func(*testing.T) *bucket) {
				s := newSite(t, 3)
				s.blogOf(6)
				b := open(t)
				run(t, s, b.storage)

				tc.edit(t, s)
				rs := &raceStore{Store: b.storage, raw: b.raw}
				rep, err := synctest.Run(context.Background(), s.config(), rs, syncer.Options{MaxDeletes: -1})
				if !errors.Is(err, store.ErrPrecondition) {
					t.Fatalf("err = %v, want ErrPrecondition", err)
				}
				var pre store.Precondition
				for _, a := range rep.Plan.Uploads {
					if a.Key == rs.key {
						pre = a.Pre
					}
				}
				t.Logf("lost the race on %s with %+v: %v", rs.key, pre, err)
				if got := snapshot(t, b.raw)[rs.key].Body; !bytes.Contains(got, []byte("another sync")) {
					t.Errorf("%s overwritten despite the stale listing: %s", rs.key, got)
				}

				run(t, s, b.storage)
				fresh := open(t)
				run(t, s, fresh.storage)
				sameBucket(t, snapshot(t, b.raw), snapshot(t, fresh.raw))
			})
		})
	}
}

// TestManifestsMatchRebuild: what sync writes is what a rebuild from entry
// metadata alone (and, for the search index, entry bodies) produces, byte
// for byte.
func TestManifestsMatchRebuild(t *testing.T) {
	eachStore(t, func(t *testing.T, open func(*testing.T) *bucket) {
		s := newSite(t, 3)
		s.blogOf(7)
		changeSite(t, s)
		b := open(t)
		run(t, s, b.storage)
		cfg := s.config()
		records, err := syncer.ReadRecords(context.Background(), b.raw, syncer.Collections(cfg), 4)
		if err != nil {
			t.Fatal(err)
		}
		want, err := manifest.Build(manifest.Site{Title: cfg.Site.Title, BaseURL: cfg.Site.BaseURL}, syncer.Collections(cfg), records, cfg.PageSize)
		if err != nil {
			t.Fatal(err)
		}
		docs, err := syncer.ReadDocs(context.Background(), b.raw, syncer.Collections(cfg), 4)
		if err != nil {
			t.Fatal(err)
		}
		index, err := search.Build(docs)
		if err != nil {
			t.Fatal(err)
		}
		maps.Copy(want, index)
		objs := snapshot(t, b.raw)
		for k, body := range want {
			if !bytes.Equal(objs[k].Body, body) {
				t.Errorf("%s: sync wrote\n%s\nrebuild gives\n%s", k, objs[k].Body, body)
			}
		}
		for k := range objs {
			if _, ok := want[k]; strings.HasPrefix(k, "metadata/") && !ok {
				t.Errorf("%s: stored but not rebuilt", k)
			}
		}
	})
}

// TestSyncThroughFaults: with some requests answered 503 SlowDown, reset
// before or after reaching MinIO, or stalled, sync still converges to
// exactly the bucket of a clean sync.
func TestSyncThroughFaults(t *testing.T) {
	t.Parallel()
	srv := minio.Start(t)
	proxy := faultproxy.Start(t, srv.Endpoint, faultproxy.Config{
		Seed: 11, Rate: 0.1, StallFor: 20 * time.Millisecond,
		Faults: []faultproxy.Fault{faultproxy.SlowDown, faultproxy.ResetBefore, faultproxy.ResetAfter, faultproxy.Stall},
	})
	faulty := s3Store(t, srv, store.S3Options{Endpoint: proxy.URL, MaxAttempts: 10})
	raw := s3Store(t, srv, store.S3Options{})

	s := newSite(t, 3)
	s.blogOf(12)
	s.entry("docs", "guide", "Guide", "2025-06-01", "Docs.")
	run(t, s, faulty)
	changeSite(t, s)
	run(t, s, faulty)
	t.Logf("proxy: %v", proxy.Counts())

	fresh := openMinIO(t)
	run(t, s, fresh.storage)
	sameBucket(t, snapshot(t, raw), snapshot(t, fresh.raw))
	if rep := run(t, s, raw); !rep.Plan.Empty() {
		t.Errorf("sync after the faulty syncs planned:\n%s", rep.Plan)
	}
}

// TestRevertAfterCrash: a sync dies after rewriting an entry's metadata
// (title edit) and before its shard; the edit is then reverted. The shard
// matches the content again, yet the object still carries the edited
// metadata: the next sync must notice and restore it.
func TestRevertAfterCrash(t *testing.T) {
	eachStore(t, func(t *testing.T, open func(*testing.T) *bucket) {
		s := newSite(t, 3)
		s.blogOf(4)
		b := open(t)
		run(t, s, b.storage)
		before := snapshot(t, b.raw)

		s.entry("blog", "p01", "Retitled", "2026-01-02", "Body of post 1.")
		if _, err := synctest.Run(context.Background(), s.config(), crashBeforeManifests{b.storage}, syncer.Options{MaxDeletes: -1}); !errors.Is(err, errCrash) {
			t.Fatalf("interrupted sync: %v", err)
		}
		s.entry("blog", "p01", "Post 1", "2026-01-02", "Body of post 1.")
		b.reqs.Reset()
		rep := run(t, s, b.storage)
		t.Logf("%s: sync after the revert: %v; plan:\n%s", b.kind, b.reqs.Counts(), rep.Plan)
		if n := b.reqs.Counts()[testutil.OpPut]; n != 2 {
			t.Errorf("%d PUTs, want 2 (the lease, and the entry whose body still carries the edited hash)", n)
		}
		sameBucket(t, snapshot(t, b.raw), before)
	})
}
