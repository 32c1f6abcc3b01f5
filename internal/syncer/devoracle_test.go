package syncer_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"testing"

	"github.com/axctl/axctl/internal/content"
	"github.com/axctl/axctl/internal/store"
	"github.com/axctl/axctl/internal/syncer"
)

// TestDevIncrementalMatchesFreshSync is the oracle for `axctl dev`'s
// incremental path: one render cache and one DirStore kept across saves
// (Validate with KeepLater, Publish, then Built.Keep after the "reload", as dev does;
// the store's ETag memo), through random
// edit sequences (bodies, titles, tags, dates, new and deleted entries,
// some saves never kept, as when dev stops between sync and save). After
// every save the dev bucket must equal, byte for byte (bodies and
// attributes), the bucket a fresh `axctl sync` without a cache writes.
func TestDevIncrementalMatchesFreshSync(t *testing.T) {
	seed := uint64(16)
	if v := os.Getenv("AXCTL_DEV_ORACLE_SEED"); v != "" {
		seed, _ = strconv.ParseUint(v, 10, 64)
	}
	r := rand.New(rand.NewPCG(seed, 2))
	s := newSite(t, 3)
	words := []string{"cache", "worker", "bucket", "search", "deploy", "preview", "lease", "shard"}
	live := map[string]bool{}
	write := func(i int) {
		col := []string{"blog", "docs"}[i%2]
		a := r.IntN(len(words))
		tags := fmt.Sprintf("[%s, %s]", words[a], words[(a+1+r.IntN(len(words)-1))%len(words)])
		body := fmt.Sprintf("About %s and %s, edit %d.\n\n## %s\n\nMore %s.", words[r.IntN(len(words))], words[r.IntN(len(words))], r.IntN(1000), words[r.IntN(len(words))], words[r.IntN(len(words))])
		s.entry(col, fmt.Sprintf("e%02d", i), fmt.Sprintf("Entry %d %s", i, words[r.IntN(len(words))]), fmt.Sprintf("2026-0%d-%02d", 1+r.IntN(9), 1+r.IntN(28)), body, "tags: "+tags)
		live[entryPath(col, fmt.Sprintf("e%02d", i))] = true
	}
	for i := range 30 {
		write(i)
	}
	cfg := s.config()
	ctx := context.Background()
	prepared := &syncer.PreparedDocs{}
	cache, err := content.OpenCache(filepath.Join(s.dir, ".axctl", "cache"), cfg)
	if err != nil {
		t.Fatal(err)
	}
	devBucket, err := store.NewDirStore(filepath.Join(s.dir, ".axctl", "bucket"))
	if err != nil {
		t.Fatal(err)
	}
	for save := range 10 {
		for range 1 + r.IntN(3) {
			switch i := r.IntN(36); {
			case i >= 30 || r.IntN(5) > 0: // edit, or add a new entry
				write(i)
			default:
				p := entryPath([]string{"blog", "docs"}[i%2], fmt.Sprintf("e%02d", i))
				if live[p] {
					s.remove(p)
					delete(live, p)
				}
			}
		}
		built, ps, err := syncer.Validate(ctx, cfg, syncer.ValidateOptions{Cache: cache, KeepLater: true, Prepared: prepared})
		if err != nil || len(ps) > 0 {
			t.Fatalf("save %d: %v %v", save, err, ps)
		}
		if _, err := syncer.Publish(ctx, built, devBucket, syncer.Options{MaxDeletes: -1, Concurrency: 4}); err != nil {
			t.Fatalf("save %d: %v", save, err)
		}
		if r.IntN(4) > 0 {
			if err := built.Keep(); err != nil {
				t.Fatal(err)
			}
		}
		fresh, err := store.NewDirStore(filepath.Join(t.TempDir(), "fresh"))
		if err != nil {
			t.Fatal(err)
		}
		run(t, s, fresh)
		got, want := snapshot(t, devBucket), snapshot(t, fresh)
		for _, k := range keysOf(want) {
			g, ok := got[k]
			switch {
			case !ok:
				t.Fatalf("save %d (AXCTL_DEV_ORACLE_SEED=%d): dev bucket lacks %s", save, seed, k)
			case !bytes.Equal(g.Body, want[k].Body) || !reflect.DeepEqual(g.Attrs, want[k].Attrs):
				t.Fatalf("save %d (AXCTL_DEV_ORACLE_SEED=%d): %s differs:\ndev   %s %+v\nfresh %s %+v", save, seed, k, g.Body, g.Attrs, want[k].Body, want[k].Attrs)
			}
		}
		for _, k := range keysOf(got) {
			if _, ok := want[k]; !ok {
				t.Fatalf("save %d (AXCTL_DEV_ORACLE_SEED=%d): dev bucket keeps %s, which a fresh sync does not write", save, seed, k)
			}
		}
	}
}
