package soak

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/axctl/axctl/internal/content"
	"github.com/axctl/axctl/internal/store"
	"github.com/axctl/axctl/internal/syncer"
	"github.com/axctl/axctl/internal/testutil/synctest"
)

// Deterministic reproductions of what the campaign found, kept as
// regression tests once fixed.

var errLoser = errors.New("the other sync lost at its first manifest")

// bodiesOnly lets the other sync write its bodies and fails its first
// manifest write, as a sync that loses the race does.
type bodiesOnly struct{ store.Store }

func (b bodiesOnly) Put(ctx context.Context, key string, body []byte, attrs store.Attrs, pre store.Precondition) (string, error) {
	if strings.HasPrefix(key, "metadata/") {
		return "", errLoser
	}
	return b.Store.Put(ctx, key, body, attrs, pre)
}

// interleave runs the other sync (up to its failed manifest write) just
// before this sync's first manifest write: the other sync's bodies land
// after this sync listed the bucket and before its shards.
type interleave struct {
	store.Store
	once  sync.Once
	other func()
}

func (i *interleave) Put(ctx context.Context, key string, body []byte, attrs store.Attrs, pre store.Precondition) (string, error) {
	if strings.HasPrefix(key, "metadata/") {
		i.once.Do(i.other)
	}
	return i.Store.Put(ctx, key, body, attrs, pre)
}

// TestFindingLoserBodiesTrusted (docs/reliability.md, finding 1, fixed by
// hashing entry bodies into the ETag the listing shows): sync W lists, sync L (which retitled an
// entry W did not change) writes its bodies, W writes its manifests and
// exits 0, L loses its first manifest write and exits 3. The bucket now
// holds L's body under W's shard record, and rerunning W does not repair
// it: the shard's ETag matches W's bytes and the entry is older than the
// shard, so previous() trusted the shard: exit 0, wrong bucket, for good.
func TestFindingLoserBodiesTrusted(t *testing.T) {
	parallel(t)
	base := genCorpus(t, 30, 9)
	w, _ := editTree(t, base, 10, 0) // W: base plus one new entry
	l := t.TempDir()
	copyTree(t, base, l)
	var victim string // an entry W leaves alone; L retitles it
	_ = filepath.WalkDir(filepath.Join(l, "content", "blog"), func(p string, d os.DirEntry, err error) error {
		if victim == "" && err == nil && strings.HasSuffix(p, ".md") {
			victim = p
		}
		return nil
	})
	b, _ := os.ReadFile(victim)
	if err := os.WriteFile(victim, titleLine.ReplaceAll(b, []byte(`title: "Retitled by L"`)), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := func(dir string) *content.Config {
		c, err := content.LoadConfig(filepath.Join(dir, "axctl.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	ctx := context.Background()
	open := func() store.Store {
		s, err := store.NewDirStore(filepath.Join(t.TempDir(), "bucket"))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	sync := func(dir string, s store.Store) error {
		_, err := synctest.Run(ctx, cfg(dir), s, syncer.Options{MaxDeletes: -1})
		return err
	}
	storage := open()
	if err := sync(base, storage); err != nil {
		t.Fatal(err)
	}
	il := &interleave{Store: storage, other: func() {
		if err := sync(l, bodiesOnly{storage}); !errors.Is(err, errLoser) {
			t.Errorf("L: %v", err)
		}
	}}
	if err := sync(w, il); err != nil {
		t.Fatalf("W: %v", err)
	}
	if err := sync(w, storage); err != nil {
		t.Fatalf("W rerun: %v", err)
	}
	fresh := open()
	if err := sync(w, fresh); err != nil {
		t.Fatal(err)
	}
	if d := bucketDiff(snapshot(t, storage), snapshot(t, fresh)); d != "" {
		t.Errorf("after W synced (exit 0) and reran (exit 0), the bucket is not W's tree: %s", d)
	}
}
