package syncer_test

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"

	"github.com/axctl/axctl/internal/content"
	"github.com/axctl/axctl/internal/plan"
	"github.com/axctl/axctl/internal/search"
	"github.com/axctl/axctl/internal/syncer"
)

// searchObjects validates s with a render cache in dir and returns the
// search index's items by key.
func searchObjects(t *testing.T, s *site, dir string) map[string]plan.Item {
	t.Helper()
	var cache *content.Cache
	if dir != "" {
		var err error
		if cache, err = content.OpenCache(dir, s.config()); err != nil {
			t.Fatal(err)
		}
	}
	built, problems, err := syncer.Validate(context.Background(), s.config(), syncer.ValidateOptions{Cache: cache})
	if err != nil || len(problems) > 0 {
		t.Fatal(problems, err)
	}
	out := map[string]plan.Item{}
	for it := range built.Items() {
		if search.IsKey(it.Key) {
			out[it.Key] = *it
		}
	}
	return out
}

// TestSearchIndexKept: with a render cache, a sync whose entries are
// unchanged reuses the index the last one built (its objects come from
// the cache's files, not memory) and gets the same objects a fresh build
// makes; an edited entry, or a damaged cache, builds it again.
func TestSearchIndexKept(t *testing.T) {
	s := newSite(t, 25)
	s.blogOf(30)
	dir := filepath.Join(t.TempDir(), "cache")
	same := func(what string, got, want map[string]plan.Item, kept bool) {
		t.Helper()
		if len(got) != len(want) || len(want) < 2 {
			t.Fatalf("%s: %d index objects, want %d", what, len(got), len(want))
		}
		for k, w := range want {
			g := got[k]
			if g.MD5 != w.MD5 {
				t.Errorf("%s: %s has MD5 %s, want %s", what, k, g.MD5, w.MD5)
			}
			if kept != (g.Src != "" && g.Body == nil) {
				t.Errorf("%s: %s from the cache's file = %v, want %v", what, k, g.Src != "", kept)
			}
			if g.Src != "" {
				if b, err := os.ReadFile(g.Src); err != nil || md5hexOf(b) != w.MD5 {
					t.Errorf("%s: %s: the kept file does not hold the object (%v)", what, k, err)
				}
			}
		}
	}
	fresh := searchObjects(t, s, "")
	same("first sync", searchObjects(t, s, dir), fresh, false)
	same("no-op", searchObjects(t, s, dir), fresh, true)

	s.entry("blog", "p03", "A new title", "2026-01-04", "Other words entirely.")
	fresh = searchObjects(t, s, "")
	same("edit", searchObjects(t, s, dir), fresh, false)
	same("no-op after the edit", searchObjects(t, s, dir), fresh, true)

	kept, _ := filepath.Glob(filepath.Join(dir, "search", "*", "0"))
	if len(kept) != 1 {
		t.Fatalf("kept indexes: %v, want only the latest", kept)
	}
	if err := os.Remove(kept[0]); err != nil {
		t.Fatal(err)
	}
	same("damaged cache", searchObjects(t, s, dir), fresh, false)
}

func md5hexOf(b []byte) string {
	s := md5.Sum(b)
	return hex.EncodeToString(s[:])
}
