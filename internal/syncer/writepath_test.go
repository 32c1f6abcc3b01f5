package syncer_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/axctl/axctl/internal/contract"
	"github.com/axctl/axctl/internal/manifest"
	"github.com/axctl/axctl/internal/store"
	"github.com/axctl/axctl/internal/syncer"
	"github.com/axctl/axctl/internal/testutil/synctest"
)

// op is one write a store was asked for, in call order.
type op struct {
	del bool
	key string
	pre store.Precondition
}

// opStore records every put (with its precondition) and delete in the
// order they reach the store.
type opStore struct {
	store.Store
	mu  sync.Mutex
	ops []op
}

func (r *opStore) Put(ctx context.Context, key string, body []byte, attrs store.Attrs, pre store.Precondition) (string, error) {
	r.mu.Lock()
	r.ops = append(r.ops, op{key: key, pre: pre})
	r.mu.Unlock()
	return r.Store.Put(ctx, key, body, attrs, pre)
}

func (r *opStore) Delete(ctx context.Context, keys []string) error {
	r.mu.Lock()
	for _, k := range keys {
		r.ops = append(r.ops, op{del: true, key: k})
	}
	r.mu.Unlock()
	return r.Store.Delete(ctx, keys)
}

// writeGroup is the apply order every write path keeps: bodies, then
// shards (and every other manifest below a collection, tag or sitemap
// folder), then the indexes that name them, then site.json.
func writeGroup(key string) int {
	switch {
	case key == manifest.SiteKey:
		return 3
	case !strings.HasPrefix(key, "metadata/"):
		return 0
	case strings.Count(key, "/") >= 2:
		return 1
	}
	return 2
}

// checkWrites fails unless ops keep the apply order (no group after a
// later one, no put after a delete) and every manifest put is conditional
// on what before (the listing) showed: If-Match its ETag, or
// If-None-Match when it was absent. need says which kinds of write the
// case must show, so the test cannot pass by writing nothing.
func checkWrites(t *testing.T, ops []op, before map[string]store.Object, need []string) {
	t.Helper()
	group, deleted := 0, false
	seen := map[string]int{}
	for _, o := range ops {
		if o.key == contract.LeaseKey || o.key == contract.PurgePendingKey {
			continue
		}
		if o.del {
			deleted = true
			seen["delete"]++
			continue
		}
		if deleted {
			t.Errorf("put %s after a delete", o.key)
		}
		g := writeGroup(o.key)
		if g < group {
			t.Errorf("put %s (group %d) after a group %d write", o.key, g, group)
		}
		group = max(group, g)
		seen[fmt.Sprint("group", g)]++
		if g == 0 {
			continue
		}
		want := store.Precondition{IfNoneMatch: true}
		if obj, ok := before[o.key]; ok {
			want = store.Precondition{IfMatch: obj.ETag}
			seen["if-match"]++
		} else {
			seen["if-none-match"]++
		}
		if o.pre != want {
			t.Errorf("put %s with precondition %+v, want %+v", o.key, o.pre, want)
		}
	}
	for _, k := range need {
		if seen[k] == 0 {
			t.Errorf("no %s write: the case does not exercise it (writes %v)", k, seen)
		}
	}
}

func listing(t *testing.T, s store.Store) map[string]store.Object {
	t.Helper()
	objs := map[string]store.Object{}
	if err := s.List(context.Background(), "", func(o store.Object) error {
		objs[o.Key] = o
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return objs
}

func dirStore(t *testing.T) *store.DirStore {
	t.Helper()
	s, err := store.NewDirStore(filepath.Join(t.TempDir(), "bucket"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// copyMetadata makes dst's metadata/ exactly src's, plus a stray shard.
func copyMetadata(t *testing.T, src, dst store.Store) {
	t.Helper()
	ctx := context.Background()
	var gone []string
	for k := range listing(t, dst) {
		if strings.HasPrefix(k, "metadata/") {
			gone = append(gone, k)
		}
	}
	if err := dst.Delete(ctx, gone); err != nil {
		t.Fatal(err)
	}
	for k := range listing(t, src) {
		if !strings.HasPrefix(k, "metadata/") {
			continue
		}
		body, _, attrs, err := src.Get(ctx, k)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := dst.Put(ctx, k, body, attrs, store.Precondition{}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := dst.Put(ctx, "metadata/blog/0099.json", []byte("{}\n"), store.Attrs{ContentType: "application/json"}, store.Precondition{}); err != nil {
		t.Fatal(err)
	}
}

// TestWritePathsKeepOrderAndConditions: sync, manifest rebuild and pull
// write through one apply — bodies, then shards, then indexes, site.json
// last, deletes after every put, each manifest written only over the
// ETag the listing showed (or only where there was none) — and a dry run
// writes nothing.
func TestWritePathsKeepOrderAndConditions(t *testing.T) {
	// Each case returns the store the path writes and a function running
	// the path against a store wrapping it.
	cases := map[string]func(t *testing.T) (store.Store, func(store.Store, bool) (*syncer.Report, error)){
		"sync": func(t *testing.T) (store.Store, func(store.Store, bool) (*syncer.Report, error)) {
			s := newSite(t, 3)
			s.blogOf(7)
			b := dirStore(t)
			run(t, s, b)
			changeSite(t, s)
			return b, func(w store.Store, dry bool) (*syncer.Report, error) {
				return synctest.Run(context.Background(), s.config(), w, syncer.Options{MaxDeletes: -1, DryRun: dry})
			}
		},
		"rebuild": func(t *testing.T) (store.Store, func(store.Store, bool) (*syncer.Report, error)) {
			s := newSite(t, 3)
			s.blogOf(7)
			old := dirStore(t)
			run(t, s, old)
			changeSite(t, s)
			b := dirStore(t)
			run(t, s, b)
			copyMetadata(t, old, b) // the entries of today under yesterday's manifests
			return b, func(w store.Store, dry bool) (*syncer.Report, error) {
				return syncer.Rebuild(context.Background(), s.config(), w, syncer.Options{MaxDeletes: -1, DryRun: dry})
			}
		},
		"pull": func(t *testing.T) (store.Store, func(store.Store, bool) (*syncer.Report, error)) {
			s := newSite(t, 3)
			s.blogOf(7)
			dst := dirStore(t)
			run(t, s, dst)
			changeSite(t, s)
			src := dirStore(t)
			run(t, s, src)
			return dst, func(w store.Store, dry bool) (*syncer.Report, error) {
				return syncer.Pull(context.Background(), src, w, syncer.Options{MaxDeletes: -1, DryRun: dry})
			}
		},
	}
	for name, setup := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b, write := setup(t)
			before := listing(t, b)

			dry := &opStore{Store: b}
			rep, err := write(dry, true)
			if err != nil {
				t.Fatalf("dry run: %v", err)
			}
			if len(dry.ops) != 0 || rep.Plan.Empty() {
				t.Fatalf("dry run: %d writes for a plan of %d puts, %d deletes; want none of a plan with some", len(dry.ops), len(rep.Plan.Uploads), len(rep.Plan.Deletes))
			}

			rec := &opStore{Store: b}
			rep, err = write(rec, false)
			if err != nil {
				t.Fatal(err)
			}
			if n := len(rep.Plan.Uploads) + len(rep.Plan.Deletes); n == 0 {
				t.Fatal("the plan is empty")
			}
			need := []string{"group0", "group1", "group2", "group3", "if-match", "if-none-match", "delete"}
			if name == "rebuild" {
				need = need[1:] // manifests only
			}
			checkWrites(t, rec.ops, before, need)

			// A second run converges: nothing left to write.
			again := &opStore{Store: b}
			if _, err := write(again, false); err != nil {
				t.Fatal(err)
			}
			for _, o := range again.ops {
				if o.key != contract.LeaseKey {
					t.Errorf("second run wrote %+v", o)
				}
			}
		})
	}
}

// TestWritePathsGuardDeletes: --max-deletes refuses a rebuild or a pull
// that would delete more, before anything is written.
func TestWritePathsGuardDeletes(t *testing.T) {
	s := newSite(t, 3)
	s.blogOf(4)
	src, dst := dirStore(t), dirStore(t)
	run(t, s, src)
	run(t, s, dst)
	ctx := context.Background()
	for _, k := range []string{"metadata/blog/0098.json", "metadata/blog/0099.json"} {
		if _, err := dst.Put(ctx, k, []byte("{}\n"), store.Attrs{}, store.Precondition{}); err != nil {
			t.Fatal(err)
		}
	}
	for name, write := range map[string]func(store.Store) error{
		"rebuild": func(w store.Store) error {
			_, err := syncer.Rebuild(ctx, s.config(), w, syncer.Options{MaxDeletes: 1})
			return err
		},
		"pull": func(w store.Store) error {
			_, err := syncer.Pull(ctx, src, w, syncer.Options{MaxDeletes: 1})
			return err
		},
	} {
		rec := &opStore{Store: dst}
		if err := write(rec); err == nil || !strings.Contains(err.Error(), "more than --max-deletes 1") {
			t.Errorf("%s: err = %v, want the guard's refusal", name, err)
		}
		if len(rec.ops) != 0 {
			t.Errorf("%s: %d writes before the refusal", name, len(rec.ops))
		}
	}
}
