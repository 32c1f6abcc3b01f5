package content

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/axctl/axctl/internal/testutil"
)

// confineTree builds a content root beside a file outside it, with every
// kind of path the opener must refuse, and returns the root's directory.
func confineTree(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	root := filepath.Join(dir, "content")
	testutil.WriteTree(t, dir, map[string]string{
		"outside.txt":              "outside",
		"content/a.txt":            "a",
		"content/sub/b.txt":        "b",
		"content/.hidden.txt":      "hidden",
		"content/.hd/x.txt":        "x",
		"content/sub/.env":         "SECRET=1",
		"content/sub/deep/c.txt":   "c",
		"content/sub/deep/.d/e.md": "e",
	})
	for name, target := range map[string]string{
		"link-in":       "a.txt",
		"link-out":      "../outside.txt",
		"link-abs":      "/etc/passwd",
		"link-proc":     "/proc/self/environ",
		"link-zero":     "/dev/zero",
		"dangling":      "nope",
		"loop1":         "loop2",
		"loop2":         "loop1",
		"dirlink":       "sub",
		"dirlink-out":   "..",
		"sub/up":        "../a.txt",
		"sub/deep/root": "../..",
	} {
		if err := os.Symlink(target, filepath.Join(root, filepath.FromSlash(name))); err != nil {
			t.Fatal(err)
		}
	}
	if err := syscall.Mkfifo(filepath.Join(root, "fifo"), 0o644); err != nil {
		t.Fatal(err)
	}
	return root
}

func openTree(t testing.TB, root string, allowHidden bool) *Tree {
	t.Helper()
	r, err := os.OpenRoot(root)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return &Tree{root: r, name: root, allowHidden: allowHidden}
}

func TestTreeOpen(t *testing.T) {
	root := confineTree(t)
	tree := openTree(t, root, false)
	for _, tc := range []struct {
		rel  string
		want error // nil: opens, and reads the file's own bytes
	}{
		{"a.txt", nil},
		{"sub/b.txt", nil},
		{"sub/../a.txt", nil},
		{"sub/deep/c.txt", nil},
		{"link-in", errSymlink},
		{"link-out", errSymlink},
		{"link-abs", errSymlink},
		{"link-proc", errSymlink},
		{"link-zero", errSymlink},
		{"dangling", errSymlink},
		{"loop1", errSymlink},
		{"dirlink/b.txt", errSymlink},
		{"dirlink-out/outside.txt", errSymlink},
		{"sub/up", errSymlink},
		{"sub/deep/root/a.txt", errSymlink},
		{"fifo", errNotRegular},
		{"sub", errLocalMissing},
		{"nope.txt", os.ErrNotExist},
		{"a.txt/x", os.ErrNotExist},
		{".hidden.txt", errHidden},
		{".hd/x.txt", errHidden},
		{"sub/.env", errHidden},
		{"sub/deep/.d/e.md", errHidden},
		{"../outside.txt", errLocalOutside},
		{"/etc/passwd", errLocalOutside},
		{".", errLocalOutside},
		{"", errLocalOutside},
	} {
		t.Run(tc.rel, func(t *testing.T) {
			f, st, err := tree.Open(tc.rel)
			if tc.want != nil {
				if !errors.Is(err, tc.want) {
					t.Fatalf("Open(%q) = %v, want %v", tc.rel, err, tc.want)
				}
				return
			}
			if err != nil {
				t.Fatalf("Open(%q): %v", tc.rel, err)
			}
			defer f.Close()
			b, _ := io.ReadAll(f)
			if want := path.Base(tc.rel); string(b)+".txt" != want || st.Size() != int64(len(b)) {
				t.Errorf("Open(%q) read %q (size %d)", tc.rel, b, st.Size())
			}
		})
	}
	hidden := openTree(t, root, true)
	if f, _, err := hidden.Open("sub/.env"); err != nil {
		t.Errorf("allowHidden: %v", err)
	} else {
		f.Close()
	}
}

// FuzzConfinedOpen opens arbitrary paths in a tree full of traps (links
// inside, outside, absolute, dangling and looping, a linked folder, a FIFO,
// hidden files): whatever the path, the opener returns nothing or a regular,
// non-hidden file inside the root reached without any symbolic link — and
// never blocks.
func FuzzConfinedOpen(f *testing.F) {
	for _, s := range []string{
		"a.txt", "sub/b.txt", "sub/../a.txt", "./a.txt", "sub//b.txt", "sub/b.txt/", "link-in", "link-out",
		"link-abs", "link-proc", "link-zero", "dangling", "loop1", "dirlink/b.txt", "dirlink-out/outside.txt",
		"sub/up", "sub/deep/root/sub/b.txt", "fifo", ".hidden.txt", ".hd/x.txt", "sub/.env", "../outside.txt",
		"/etc/passwd", "..", "", ".", "sub/deep/../../a.txt", "a.txt\x00", "sub\\b.txt",
	} {
		f.Add(s, false)
		f.Add(s, true)
	}
	root := confineTree(f)
	trees := map[bool]*Tree{false: openTree(f, root, false), true: openTree(f, root, true)}
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, rel string, allowHidden bool) {
		fd, st, err := trees[allowHidden].Open(rel)
		if err != nil {
			return
		}
		defer fd.Close()
		clean := path.Clean(rel)
		if !st.Mode().IsRegular() {
			t.Fatalf("Open(%q) returned a %v", rel, st.Mode())
		}
		if !allowHidden && isHidden(clean) {
			t.Fatalf("Open(%q) returned a hidden file", rel)
		}
		// Walk the path on the real file system: every component must
		// exist inside root without a link, and the last be the file opened.
		p := root
		for seg := range strings.SplitSeq(clean, "/") {
			if seg == ".." || seg == "." || seg == "" {
				t.Fatalf("Open(%q) accepted segment %q", rel, seg)
			}
			p = filepath.Join(p, seg)
			lst, err := os.Lstat(p)
			if err != nil || lst.Mode()&os.ModeSymlink != 0 {
				t.Fatalf("Open(%q): %s is a link or missing (%v)", rel, p, err)
			}
		}
		lst, _ := os.Lstat(p)
		if !os.SameFile(lst, st) {
			t.Fatalf("Open(%q) opened another file than %s", rel, p)
		}
		if real, err := filepath.EvalSymlinks(p); err != nil || !strings.HasPrefix(real, realRoot+string(filepath.Separator)) {
			t.Fatalf("Open(%q) resolved to %s, outside %s", rel, real, root)
		}
	})
}

// TestAssetOpenAfterSwap: the file uploaded is the file validated. Between
// validation and upload, the asset is replaced by a symbolic link to a
// secret, or by a file of another size: Asset.Open refuses both (other bytes
// of the same size are refused by the store, against Asset.MD5).
func TestAssetOpenAfterSwap(t *testing.T) {
	dir := t.TempDir()
	testutil.WriteTree(t, dir, map[string]string{
		"axctl.yaml":             "collections:\n  - name: blog\n",
		"secret.txt":             "AWS_SECRET_ACCESS_KEY=x",
		"content/blog/a.md":      "---\ntitle: A\ndate: 2026-01-01T00:00:00Z\n---\n[n](notes.txt)\n",
		"content/blog/notes.txt": "notes",
	})
	cfg, err := LoadConfig(filepath.Join(dir, "axctl.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var assets []Asset
	problems, err := Load(t.Context(), cfg, Options{}, func(e *Entry) error { assets = append(assets, e.Assets...); return nil })
	if err != nil || len(problems) > 0 || len(assets) != 1 {
		t.Fatalf("Load: %v %v, %d assets", problems, err, len(assets))
	}
	a := assets[0]
	r, err := a.Open()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(r)
	r.Close()
	if string(b) != "notes" || a.Size != 5 {
		t.Fatalf("read %q, size %d", b, a.Size)
	}
	src := filepath.Join(dir, "content", "blog", "notes.txt")
	if err := os.Remove(src); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../../secret.txt", src); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Open(); !errors.Is(err, errSymlink) {
		t.Fatalf("Open after a swap to a link: %v, want %v", err, errSymlink)
	}
	os.Remove(src)
	testutil.WriteTree(t, dir, map[string]string{"content/blog/notes.txt": "longer notes"})
	if _, err := a.Open(); err == nil || !strings.Contains(err.Error(), "changed since it was validated") {
		t.Fatalf("Open after the file grew: %v", err)
	}
}

// TestTreeLstatDepth: checking a path resolves each of its segments a
// bounded number of times, however deep. Lstat of every prefix from the
// root (which os.Root resolves segment by segment) was the square of the
// depth per file: a tree 400 folders deep with an entry in each took
// validate 8.5 s. The deepest entry's segments must grow as the depth.
func TestTreeLstatDepth(t *testing.T) {
	resolved := func(depth int) int64 {
		root := t.TempDir()
		rel := strings.TrimSuffix(strings.Repeat("d/", depth), "/")
		if err := os.MkdirAll(filepath.Join(root, rel), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, rel, "e.md"), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
		tr := openTree(t, root, false)
		if st, err := tr.Lstat(rel + "/e.md"); err != nil || !st.Mode().IsRegular() {
			t.Fatalf("Lstat at depth %d: %v, %v", depth, st, err)
		}
		if _, err := tr.Lstat(rel + "/missing.md"); !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("Lstat of a missing file at depth %d: %v", depth, err)
		}
		return tr.resolved.Load()
	}
	small, big := resolved(100), resolved(200)
	if small == 0 || float64(big) > 2.2*float64(small) {
		t.Errorf("%d segments resolved at depth 100, %d at 200 (%.1f×): not linear", small, big, float64(big)/float64(small))
	}
}
