package syncer_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"
	"testing"

	"github.com/axctl/axctl/bench/corpus"
	"github.com/axctl/axctl/internal/content"
	"github.com/axctl/axctl/internal/store"
	"github.com/axctl/axctl/internal/syncer"
)

// BenchmarkDevEdit is what `axctl dev` does between a save and the reload
// on a 2,000-entry corpus (AXCTL_DEVEDIT_N): a cached validate of the whole
// tree, then plan and apply into the local dir bucket, listed by the one
// DirStore dev keeps, each Validate told the one file that changed (as dev
// learns from file events); the render cache is saved after the timed part,
// as dev saves it after the reload. Each iteration appends a paragraph to one
// entry. AXCTL_DEVEDIT_PROFILE=FILE writes a CPU profile of the saves alone.
func BenchmarkDevEdit(b *testing.B) {
	n := 2000
	if v := os.Getenv("AXCTL_DEVEDIT_N"); v != "" {
		fmt.Sscan(v, &n)
	}
	dir := b.TempDir()
	if _, err := corpus.Generate(corpus.Options{N: n, Seed: 1, Dir: dir}); err != nil {
		b.Fatal(err)
	}
	cfg, err := content.LoadConfig(filepath.Join(dir, "axctl.yaml"))
	if err != nil {
		b.Fatal(err)
	}
	cache, err := content.OpenCache(filepath.Join(dir, ".axctl", "cache"), cfg)
	if err != nil {
		b.Fatal(err)
	}
	cache.Watch()
	bucket, err := store.NewDirStore(filepath.Join(dir, ".axctl", "bucket"))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	prepared := &syncer.PreparedDocs{}
	var unchanged func(string) bool // the first save knows nothing, as dev's first
	save := func() {
		built, ps, err := syncer.Validate(ctx, cfg, syncer.ValidateOptions{Cache: cache, KeepLater: true, Prepared: prepared, Unchanged: unchanged})
		if err != nil || len(ps) > 0 {
			b.Fatal(err, ps)
		}
		if _, err := syncer.Publish(ctx, built, bucket, syncer.Options{MaxDeletes: -1, Concurrency: 16, LeaseFirst: true}); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if err := built.KeepCache(); err != nil { // as dev: the index is kept when dev stops
			b.Fatal(err)
		}
		b.StartTimer()
	}
	save()
	ents, err := os.ReadDir(filepath.Join(dir, "content", "blog"))
	if err != nil {
		b.Fatal(err)
	}
	file := filepath.Join(dir, "content", "blog", ents[0].Name())
	rel := "blog/" + ents[0].Name()
	unchanged = func(p string) bool { return p != rel } // what dev's file events say
	orig, err := os.ReadFile(file)
	if err != nil {
		b.Fatal(err)
	}
	if p := os.Getenv("AXCTL_DEVEDIT_PROFILE"); p != "" { // the saves alone, not the first sync
		f, err := os.Create(p)
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			b.Fatal(err)
		}
		defer pprof.StopCPUProfile()
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if err := os.WriteFile(file, fmt.Appendf(append([]byte{}, orig...), "\nEdit %d of the bench.\n", i), 0o644); err != nil {
			b.Fatal(err)
		}
		save()
	}
}
