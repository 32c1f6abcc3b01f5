package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// TestDirSidecarLayout pins the bytes the Worker's fixture loader reads.
func TestDirSidecarLayout(t *testing.T) {
	dir := t.TempDir()
	s, err := NewDirStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	attrs := Attrs{ContentType: "text/html; charset=utf-8", Metadata: map[string]string{"title": "Café <b>", "date": "2026-11-02T00:00:00Z"}}
	if _, err := s.Put(context.Background(), "entries/blog/hello.html", []byte("<p>hi</p>\n"), attrs, Precondition{}); err != nil {
		t.Fatal(err)
	}
	body, err := os.ReadFile(filepath.Join(dir, "entries/blog/hello.html"))
	if err != nil || string(body) != "<p>hi</p>\n" {
		t.Fatalf("body = %q, %v", body, err)
	}
	got, err := os.ReadFile(filepath.Join(dir, ".meta/entries/blog/hello.html.json"))
	if err != nil {
		t.Fatal(err)
	}
	want := `{
 "cacheControl": "",
 "contentType": "text/html; charset=utf-8",
 "etag": "` + MD5Hex([]byte("<p>hi</p>\n")) + `",
 "metadata": {
  "date": "2026-11-02T00:00:00Z",
  "title": "Café <b>"
 }
}
`
	if string(got) != want {
		t.Errorf("sidecar:\n%s\nwant:\n%s", got, want)
	}
	// No metadata: an empty object, not null.
	if _, err := s.Put(context.Background(), "a", nil, Attrs{}, Precondition{}); err != nil {
		t.Fatal(err)
	}
	got, _ = os.ReadFile(filepath.Join(dir, ".meta/a.json"))
	if want := "{\n \"cacheControl\": \"\",\n \"contentType\": \"\",\n \"etag\": \"d41d8cd98f00b204e9800998ecf8427e\",\n \"metadata\": {}\n}\n"; string(got) != want {
		t.Errorf("empty sidecar = %q", got)
	}
}

// TestDirTornWrite simulates a crash between the body and sidecar renames,
// and temp files left behind.
func TestDirTornWrite(t *testing.T) {
	dir := t.TempDir()
	s, _ := NewDirStore(dir)
	ctx := context.Background()
	old := Attrs{ContentType: "text/plain", Metadata: map[string]string{"hash": "old"}}
	if _, err := s.Put(ctx, "k", []byte("old"), old, Precondition{}); err != nil {
		t.Fatal(err)
	}
	// The crash: the new body is in place, the sidecar still describes the old one.
	if err := os.WriteFile(filepath.Join(dir, "k"), []byte("new"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".meta", ".tmp-123"), []byte("partial"), 0o644); err != nil {
		t.Fatal(err)
	}
	obj, attrs, err := s.Head(ctx, "k")
	if err != nil {
		t.Fatal(err)
	}
	if obj.ETag != MD5Hex([]byte("new")) || attrs.Metadata != nil || attrs.ContentType != "" {
		t.Errorf("after a torn write Head = %+v, %+v; want the body's ETag and no attributes", obj, attrs)
	}
	var keys []string
	if err := s.List(ctx, "", func(o Object) error { keys = append(keys, o.Key+"="+o.ETag); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(keys) != 1 || keys[0] != "k="+MD5Hex([]byte("new")) {
		t.Errorf("List = %q", keys)
	}
	// Rerun converges.
	if _, err := s.Put(ctx, "k", []byte("old"), old, Precondition{}); err != nil {
		t.Fatal(err)
	}
	if _, attrs, _ := s.Head(ctx, "k"); attrs.Metadata["hash"] != "old" {
		t.Errorf("after rewrite, attrs = %+v", attrs)
	}
}

// TestDirTornNewSidecar simulates a crash while a new object's sidecar is
// written in place (no temp file): every shorter prefix of the sidecar
// reads as no attributes with the body's true ETag, like a missing one, and
// the next Put writes the whole sidecar over it (through a temp file, as
// there is one to replace).
func TestDirTornNewSidecar(t *testing.T) {
	dir := t.TempDir()
	s, _ := NewDirStore(dir)
	ctx := context.Background()
	attrs := Attrs{ContentType: "text/html", CacheControl: "no-cache", Metadata: map[string]string{"title": "Café"}}
	body := []byte("<p>new</p>")
	if _, err := s.Put(ctx, "a/b/k.html", body, attrs, Precondition{}); err != nil {
		t.Fatal(err)
	}
	side := filepath.Join(dir, ".meta", "a", "b", "k.html.json")
	whole, err := os.ReadFile(side)
	if err != nil {
		t.Fatal(err)
	}
	for n := 0; n < len(whole)-1; n++ { // the last byte is the newline after the JSON
		if err := os.WriteFile(side, whole[:n], 0o644); err != nil {
			t.Fatal(err)
		}
		obj, got, err := s.Head(ctx, "a/b/k.html")
		if err != nil {
			t.Fatal(err)
		}
		if obj.ETag != MD5Hex(body) || got.ContentType != "" || got.CacheControl != "" || got.Metadata != nil {
			t.Fatalf("sidecar torn at %d of %d bytes: Head = %+v, %+v; want the body's ETag and no attributes", n, len(whole), obj, got)
		}
	}
	if _, err := s.Put(ctx, "a/b/k.html", body, attrs, Precondition{}); err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(side); err != nil || string(got) != string(whole) {
		t.Fatalf("after the rewrite the sidecar is %q, %v; want %q", got, err, whole)
	}
	if _, got, _ := s.Head(ctx, "a/b/k.html"); !sameAttrs(attrs, got) {
		t.Errorf("after the rewrite Head attrs = %+v, want %+v", got, attrs)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".meta", ".tmp-*")); len(left) > 0 {
		t.Errorf("temp files left: %q", left)
	}
}

func TestDirDeletePrunes(t *testing.T) {
	dir := t.TempDir()
	s, _ := NewDirStore(dir)
	ctx := context.Background()
	for _, k := range []string{"a/b/c/d", "a/x"} {
		if _, err := s.Put(ctx, k, []byte("x"), Attrs{}, Precondition{}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Delete(ctx, []string{"a/b/c/d"}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"a/b", ".meta/a/b"} {
		if _, err := os.Stat(filepath.Join(dir, p)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s still exists (%v)", p, err)
		}
	}
	for _, p := range []string{"a/x", ".meta/a/x.json", ".meta"} {
		if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
}

func TestDirKeys(t *testing.T) {
	s, _ := NewDirStore(t.TempDir())
	for _, k := range []string{"", "/abs", "a/../b", "../up", "a//b", "a/", ".", ".meta/x", ".meta", `a\b`, "a\x00b"} {
		if _, err := s.Put(context.Background(), k, []byte("x"), Attrs{}, Precondition{}); err == nil {
			t.Errorf("Put(%q): no error", k)
		}
	}
	for _, k := range []string{".metadata/x", "a/.meta/b", ".well-known/x"} {
		if _, err := s.Put(context.Background(), k, []byte("x"), Attrs{}, Precondition{}); err != nil {
			t.Errorf("Put(%q): %v", k, err)
		}
	}
}

// TestMkdirs: mkdirs leaves the tree os.MkdirAll would, and fails where
// it fails (a file in the way, at the name or above it).
func TestMkdirs(t *testing.T) {
	for _, rel := range []string{"a", "a/b/c", "x/y", "f", "f/g", "d/f/g", "d/e"} {
		var got, want error
		var trees [2][]string
		for i, mk := range []func(string) error{mkdirs, func(d string) error { return os.MkdirAll(d, 0o755) }} {
			root := t.TempDir()
			for _, d := range []string{"x", "d"} {
				if err := os.Mkdir(filepath.Join(root, d), 0o755); err != nil {
					t.Fatal(err)
				}
			}
			for _, f := range []string{"f", "d/f"} {
				if err := os.WriteFile(filepath.Join(root, f), nil, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			err := mk(filepath.Join(root, rel))
			if i == 0 {
				got = err
			} else {
				want = err
			}
			_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
				if err == nil {
					r, _ := filepath.Rel(root, p)
					trees[i] = append(trees[i], fmt.Sprintf("%s %v", r, d.IsDir()))
				}
				return nil
			})
		}
		if (got == nil) != (want == nil) {
			t.Errorf("mkdirs(%q) = %v; MkdirAll: %v", rel, got, want)
		}
		if fmt.Sprint(trees[0]) != fmt.Sprint(trees[1]) {
			t.Errorf("mkdirs(%q) left %q; MkdirAll %q", rel, trees[0], trees[1])
		}
	}
}
