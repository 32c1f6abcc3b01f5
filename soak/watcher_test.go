package soak

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"golang.org/x/sync/errgroup"

	"github.com/axctl/axctl/internal/manifest"
	"github.com/axctl/axctl/internal/store"
)

// watcher is the concurrent reader: it walks the bucket the way the Worker
// does (site.json → collection index → shards → entries) in a loop and
// checks the invariant "a manifest never names a missing or older body":
// every entry a reachable manifest names exists, and its stored hash is
// the record's, or the hash of a tree being synced (the body is ahead of
// its manifest, as apply order allows: bodies first, manifests after).
//
// A suspicious read is confirmed before it counts: the manifests that led
// to the entry are read again and must be unchanged (same ETag), so the
// entry was missing or older while they still named it, not after a sync
// replaced them.
type watcher struct {
	storage store.Store

	mu      sync.Mutex
	targets []map[string]string // entry key → hash, per tree being synced
	stats   watchStats
	samples []string

	cancel context.CancelFunc
	done   chan struct{}
}

// watchStats counts what the watcher saw.
type watchStats struct {
	Sweeps, Checks int
	Missing, Older int // confirmed violations
	Unreadable     int // manifests that did not decode
	Ahead          int // body newer than its record (allowed)
	Crossed        int // record of one target tree, body of another (concurrent syncs)
	Raced          int // suspicious reads the re-check explained
}

// Violations is what must be zero.
func (s watchStats) Violations() int { return s.Missing + s.Older + s.Unreadable }

func (s watchStats) String() string {
	return fmt.Sprintf("%d sweeps, %d checks, %d missing, %d older, %d unreadable (ahead %d, crossed %d, raced %d)",
		s.Sweeps, s.Checks, s.Missing, s.Older, s.Unreadable, s.Ahead, s.Crossed, s.Raced)
}

// watch starts a watcher on store; stop it with stop().
func watch(storage store.Store) *watcher {
	ctx, cancel := context.WithCancel(context.Background())
	w := &watcher{storage: storage, cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(w.done)
		for ctx.Err() == nil {
			w.sweep(ctx)
		}
	}()
	return w
}

// setTargets names the trees being synced (their entry hashes).
func (w *watcher) setTargets(ts ...map[string]string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.targets = ts
}

// stop ends the loop and returns the counts.
func (w *watcher) stop() watchStats {
	w.cancel()
	<-w.done
	return w.snapshot()
}

func (w *watcher) snapshot() watchStats {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.stats
}

// examples returns up to a few violation descriptions.
func (w *watcher) examples() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return strings.Join(w.samples, "\n")
}

func (w *watcher) count(f func(*watchStats), sample string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	f(&w.stats)
	if sample != "" && len(w.samples) < 10 {
		w.samples = append(w.samples, sample)
	}
}

// read gets a manifest; ok is false when it is absent or the read failed
// because the sweep is ending.
func (w *watcher) read(ctx context.Context, key string) ([]byte, string, bool) {
	body, o, _, err := w.storage.Get(ctx, key)
	if err != nil {
		return nil, "", false
	}
	return body, o.ETag, true
}

// etag is a manifest's current ETag ("" when gone).
func (w *watcher) etag(ctx context.Context, key string) string {
	o, _, err := w.storage.Head(ctx, key)
	if err != nil {
		return ""
	}
	return o.ETag
}

// chain is the manifests (key → ETag) that led to a record.
type chain map[string]string

func (w *watcher) unchanged(ctx context.Context, c chain) bool {
	for k, e := range c {
		if w.etag(ctx, k) != e {
			return false
		}
	}
	return true
}

func (w *watcher) sweep(ctx context.Context) {
	body, siteTag, ok := w.read(ctx, manifest.SiteKey)
	if !ok {
		return
	}
	site, err := manifest.DecodeSite(body)
	if err != nil {
		w.count(func(s *watchStats) { s.Unreadable++ }, fmt.Sprintf("site.json: %v", err))
		return
	}
	w.checkAll(ctx, site.Latest, chain{manifest.SiteKey: siteTag})
	for _, c := range site.Collections {
		ixKey := manifest.IndexKey(c.Name)
		body, ixTag, ok := w.read(ctx, ixKey)
		if !ok {
			continue
		}
		ix, err := manifest.DecodeIndex(body)
		if err != nil {
			w.count(func(s *watchStats) { s.Unreadable++ }, fmt.Sprintf("%s: %v", ixKey, err))
			continue
		}
		for _, ref := range ix.Shards {
			body, shTag, ok := w.read(ctx, ref.Key)
			if !ok {
				if ctx.Err() == nil && w.unchanged(ctx, chain{ixKey: ixTag}) {
					w.count(func(s *watchStats) { s.Missing++ }, fmt.Sprintf("%s names missing shard %s", ixKey, ref.Key))
				}
				continue
			}
			sh, err := manifest.DecodeShard(body)
			if err != nil {
				w.count(func(s *watchStats) { s.Unreadable++ }, fmt.Sprintf("%s: %v", ref.Key, err))
				continue
			}
			w.checkAll(ctx, sh.Records, chain{ixKey: ixTag, ref.Key: shTag})
		}
	}
	if ctx.Err() == nil {
		w.count(func(s *watchStats) { s.Sweeps++ }, "")
	}
}

// checkAll checks the entries records name, a few at a time.
func (w *watcher) checkAll(ctx context.Context, recs []manifest.Record, c chain) {
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(6)
	for _, r := range recs {
		g.Go(func() error {
			w.check(ctx, r, c)
			return nil
		})
	}
	_ = g.Wait()
}

func (w *watcher) check(ctx context.Context, r manifest.Record, c chain) {
	_, attrs, err := w.storage.Head(ctx, r.Key)
	if ctx.Err() != nil {
		return
	}
	w.count(func(s *watchStats) { s.Checks++ }, "")
	var kind string
	switch {
	case errors.Is(err, store.ErrNotFound):
		kind = "missing"
	case err != nil:
		return // a transient read error says nothing about the bucket
	case attrs.Metadata["hash"] == r.Hash:
		return
	default:
		got := attrs.Metadata["hash"]
		w.mu.Lock()
		ahead, crossed := false, false
		for _, t := range w.targets {
			if t[r.Key] == got {
				ahead = true
			}
		}
		for _, t := range w.targets {
			crossed = crossed || (ahead && t[r.Key] == r.Hash)
		}
		w.mu.Unlock()
		if crossed {
			w.count(func(s *watchStats) { s.Crossed++ }, "")
			return
		}
		if ahead {
			w.count(func(s *watchStats) { s.Ahead++ }, "")
			return
		}
		kind = "older"
	}
	if !w.unchanged(ctx, c) {
		if ctx.Err() == nil {
			w.count(func(s *watchStats) { s.Raced++ }, "")
		}
		return
	}
	w.count(func(s *watchStats) {
		if kind == "missing" {
			s.Missing++
		} else {
			s.Older++
		}
	}, fmt.Sprintf("%s names %s body %s (record hash %s, stored %q)", keysOf(c), kind, r.Key, r.Hash, attrs.Metadata["hash"]))
}

func keysOf(c chain) string {
	return strings.Join(sortedKeys(c), " → ")
}

// watchOK fails the test on any confirmed violation.
func watchOK(t testing.TB, w *watcher, st watchStats) {
	t.Helper()
	if st.Violations() > 0 {
		t.Errorf("reader saw %d violations of \"a manifest never names a missing or older body\": %s\n%s", st.Violations(), st, w.examples())
	}
}
