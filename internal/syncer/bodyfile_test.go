package syncer_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"unsafe"

	"github.com/axctl/axctl/internal/content"
	"github.com/axctl/axctl/internal/plan"
	"github.com/axctl/axctl/internal/store"
	"github.com/axctl/axctl/internal/syncer"
)

// TestEntryBodyFileDerived checks the body file each entry item names
// from its MD5 (plan.Item.SrcByMD5) against the path the render cache
// gives the loaded entry (content.Entry.BodyFile, which items held whole
// before), for entries rendered in this sync and entries reused from the
// cache, and that every entry item shares one folder string.
func TestEntryBodyFileDerived(t *testing.T) {
	s := newSite(t, 10)
	for i := range 12 {
		col := []string{"blog", "docs"}[i%2]
		s.entry(col, fmt.Sprintf("e%02d", i), fmt.Sprintf("Entry %d", i), fmt.Sprintf("2026-03-%02d", 1+i), fmt.Sprintf("Body %d, *emphasis*.", i))
	}
	cfg := s.config()
	dir := filepath.Join(t.TempDir(), "cache")
	for round := range 2 { // rendered, then reused
		if round == 1 {
			s.entry("blog", "e00", "Entry 0 edited", "2026-03-01", "A new body.")
		}
		cache, err := content.OpenCache(dir, cfg)
		if err != nil {
			t.Fatal(err)
		}
		// What the entries' items held before: the cache's path by key.
		want := map[string]string{}
		if _, err := content.Load(context.Background(), cfg, content.Options{Cache: cache}, func(e *content.Entry) error {
			want[e.Record.Key] = e.BodyFile
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if err := cache.Save(); err != nil {
			t.Fatal(err)
		}
		cache, err = content.OpenCache(dir, cfg)
		if err != nil {
			t.Fatal(err)
		}
		built, problems, err := syncer.Validate(context.Background(), cfg, syncer.ValidateOptions{Cache: cache})
		if err != nil || len(problems) > 0 {
			t.Fatal(err, problems)
		}
		var folder *byte
		n := 0
		for it := range built.Items() {
			if it.Kind != plan.KindEntry {
				continue
			}
			n++
			w, ok := want[it.Key]
			if !ok || w == "" {
				t.Fatalf("round %d: %s: no body file from the cache", round, it.Key)
			}
			if !it.SrcByMD5 || it.SrcFile() != w {
				t.Errorf("round %d: %s: SrcFile %q (SrcByMD5 %v), the cache's %q", round, it.Key, it.SrcFile(), it.SrcByMD5, w)
			}
			if b, err := os.ReadFile(it.SrcFile()); err != nil || store.MD5Hex(b) != it.MD5 {
				t.Errorf("round %d: %s: body %v, MD5 of its bytes not %s", round, it.Key, err, it.MD5)
			}
			if folder == nil {
				folder = unsafe.StringData(it.Src)
			} else if unsafe.StringData(it.Src) != folder {
				t.Errorf("round %d: %s: its folder is a string of its own", round, it.Key)
			}
		}
		if n != len(want) || n != 12 {
			t.Fatalf("round %d: %d entry items, %d entries loaded", round, n, len(want))
		}
	}
}

// TestSrcFile checks plan.Item.SrcFile on items that name a whole file,
// a folder of bodies, or neither.
func TestSrcFile(t *testing.T) {
	sep := string(os.PathSeparator)
	for _, c := range []struct {
		it   plan.Item
		want string
	}{
		{plan.Item{Src: "a" + sep + "b.json", MD5: "0123456789abcdef0123456789abcdef"}, "a" + sep + "b.json"},
		{plan.Item{Src: "c" + sep + "bodies", SrcByMD5: true, MD5: "0123456789abcdef0123456789abcdef"}, "c" + sep + "bodies" + sep + "0123456789abcdef0123456789abcdef.html"},
		{plan.Item{SrcByMD5: true, MD5: "0123456789abcdef0123456789abcdef"}, ""},
		{plan.Item{Body: []byte("x")}, ""},
	} {
		if got := c.it.SrcFile(); got != c.want {
			t.Errorf("SrcFile of %+v = %q, want %q", c.it, got, c.want)
		}
	}
}
