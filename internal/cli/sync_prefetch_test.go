package cli

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/axctl/axctl/internal/store"
	"github.com/axctl/axctl/internal/testutil"
	"github.com/axctl/axctl/internal/testutil/countstore"
)

// stuckList is a store whose List never finishes on its own: it returns
// only when its context is cancelled, and records that it was.
type stuckList struct {
	store.Store
	entered, cancelled atomic.Int32
}

func (s *stuckList) List(ctx context.Context, _ string, _ func(store.Object) error) error {
	s.entered.Add(1)
	<-ctx.Done()
	s.cancelled.Add(1)
	return ctx.Err()
}

// TestSyncListsWhileValidating: sync starts listing the bucket before it
// knows whether the content is valid (the listing is in flight while the
// content validates), and invalid content still writes nothing. The
// listing here never completes: a sync that waited for it would hang, and
// one that listed only after validating would not list invalid content at
// all.
func TestSyncListsWhileValidating(t *testing.T) {
	eachKind(t, true, func(t *testing.T, b *bucket) {
		tr := newTree(t)
		tr.posts(40)
		tr.write("content/blog/bad.md", "---\ndate: 2026-03-01\n---\n\nNo title.\n")
		stuck := &stuckList{Store: b.storage}
		r := syncWith(stuck, "--config", tr.config(), "sync")
		r.want(t, ExitInvalid, "sync of invalid content")
		if e, c := stuck.entered.Load(), stuck.cancelled.Load(); e != 1 || c != 1 {
			t.Errorf("List entered %d times, cancelled %d times; want the one listing started and cancelled", e, c)
		}
		if b.reqs.Writes() != 0 || b.reqs.Total() != 0 {
			t.Errorf("requests besides the listing: %v", b.reqs.Counts())
		}
		if got := listing(t, b.raw); len(got) != 0 {
			t.Errorf("bucket holds %d objects after an invalid sync: %v", len(got), got)
		}
	})
}

// TestSyncPrefetchedListing: a valid sync lists once with the listing it
// started while validating (no second LIST for a no-op), and once more
// under the lease when it writes.
func TestSyncPrefetchedListing(t *testing.T) {
	tr := newTree(t)
	tr.posts(3)
	raw, err := store.NewDirStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	cs := countstore.New(raw)
	syncWith(cs, "--config", tr.config(), "sync").want(t, 0, "first sync")
	if got := cs.Counts()[testutil.OpList]; got != 2 {
		t.Errorf("first sync: %d LISTs, want 2 (prefetched, then under the lease)", got)
	}
	cs.Reset()
	syncWith(cs, "--config", tr.config(), "sync").want(t, 0, "no-op sync")
	if got := cs.Counts(); got[testutil.OpList] != 1 || len(got) != 1 {
		t.Errorf("no-op sync: %v, want 1 LIST and nothing else", got)
	}
}
