package content

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"unsafe"
)

// TestSharedSuffix checks that a file's relative name is the end of its
// path when the path ends with it after a slash (and only then), with the
// same bytes either way.
func TestSharedSuffix(t *testing.T) {
	for _, c := range []struct {
		p, rel string
		shared bool
	}{
		{"/site/content/blog/a.md", "blog/a.md", true},
		{"content/blog/a.md", "blog/a.md", true},
		{"/site/content/blogx/a.md", "blog/a.md", false},
		{"/site/content/xblog/a.md", "blog/a.md", false},
		{"blog/a.md", "blog/a.md", false},
		{"a.md", "blog/a.md", false},
	} {
		rel := string([]byte(c.rel)) // a string of its own, as the walk's
		got := sharedSuffix(c.p, rel)
		if got != c.rel {
			t.Errorf("sharedSuffix(%q, %q) = %q", c.p, c.rel, got)
		}
		in := uintptr(unsafe.Pointer(unsafe.StringData(got))) >= uintptr(unsafe.Pointer(unsafe.StringData(c.p))) &&
			uintptr(unsafe.Pointer(unsafe.StringData(got))) < uintptr(unsafe.Pointer(unsafe.StringData(c.p)))+uintptr(len(c.p))
		if in != c.shared {
			t.Errorf("sharedSuffix(%q, %q): in the path's bytes = %v, want %v", c.p, c.rel, in, c.shared)
		}
	}
}

// TestDiscoverSharesNames checks every file discover lists: rel is its
// path relative to the content root, and on a system whose separator is
// the slash it is the end of the path's own string.
func TestDiscoverSharesNames(t *testing.T) {
	cfg, tree := siteWithEntries(t, 30)
	files, _, err := discover(cfg, tree)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 30 {
		t.Fatalf("%d files, want 30", len(files))
	}
	for _, f := range files {
		want, err := filepath.Rel(cfg.Root(), f.path)
		if err != nil || filepath.ToSlash(want) != f.rel {
			t.Errorf("%s: rel %q, want %q (%v)", f.path, f.rel, want, err)
		}
		if filepath.Separator == '/' && unsafe.StringData(f.rel) != unsafe.StringData(f.path[len(f.path)-len(f.rel):]) {
			t.Errorf("%s: rel %q is a string of its own", f.path, f.rel)
		}
	}
}

// siteWithEntries writes n blog entries (some in a sub-folder) and returns
// the config and tree a Load would use.
func siteWithEntries(t *testing.T, n int) (*Config, *Tree) {
	t.Helper()
	dir := t.TempDir()
	for i := range n {
		sub := ""
		if i%3 == 0 {
			sub = "2026"
		}
		p := filepath.Join(dir, "content", "blog", sub, fmt.Sprintf("e%02d.md", i))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(fmt.Sprintf("---\ntitle: E%d\ndate: 2026-01-02\n---\n", i)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfg := &Config{Dir: dir, Collections: []Collection{{Name: "blog"}}}
	cfg.fill()
	tree, err := OpenTree(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return cfg, tree
}
