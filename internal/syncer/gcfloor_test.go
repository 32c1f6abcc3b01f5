package syncer_test

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime/debug"
	"testing"

	"github.com/axctl/axctl/internal/content"
	"github.com/axctl/axctl/internal/syncer"
)

// TestGCFloorOnlyWhenRenderingAll: the heap floor (a higher GOGC on a small
// heap) is for a sync that renders every entry: without a render cache or
// with an empty one; a sync whose cache holds the site (a no-op, an edit)
// keeps GOGC=50 and its peak RSS.
func TestGCFloorOnlyWhenRenderingAll(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	s := newSite(t, 10)
	for i := range 6 {
		s.entry("blog", fmt.Sprintf("e%d", i), fmt.Sprintf("Entry %d", i), fmt.Sprintf("2026-03-%02d", 1+i), "Body.")
	}
	cfg := s.config()
	dir := filepath.Join(t.TempDir(), "cache")
	validate := func(cache *content.Cache) bool {
		t.Helper()
		started := syncer.ArmGCFloor()
		if _, problems, err := syncer.Validate(context.Background(), cfg, syncer.ValidateOptions{Cache: cache}); err != nil || len(problems) > 0 {
			started()
			t.Fatal(err, problems)
		}
		return started()
	}
	if !validate(nil) {
		t.Error("no render cache: the floor did not start")
	}
	cache, err := content.OpenCache(dir, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !validate(cache) {
		t.Error("an empty render cache: the floor did not start")
	}
	if err := cache.Save(); err != nil {
		t.Fatal(err)
	}
	if cache, err = content.OpenCache(dir, cfg); err != nil {
		t.Fatal(err)
	}
	if n := cache.Entries(); n != 6 {
		t.Fatalf("the saved cache holds %d entries, want 6", n)
	}
	if validate(cache) {
		t.Error("a render cache holding every entry: the floor started")
	}
}
