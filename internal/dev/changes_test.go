package dev

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestUnchangedFollowsEvents checks what a sync is told is unchanged: not
// a file an event named, nor one below a folder an event named (a folder
// renamed or replaced); nothing on the first sync or after a lost event;
// and each sync starts collecting afresh.
func TestUnchangedFollowsEvents(t *testing.T) {
	s := &session{allChanged: true}
	if s.unchanged() != nil {
		t.Fatal("first sync: something known unchanged")
	}
	s.note(change{paths: []string{"blog/a.md", "docs/sub"}})
	u := s.unchanged()
	for rel, want := range map[string]bool{
		"blog/a.md": false, "blog/b.md": true, "docs/sub/x.md": false, "docs/sub/deep/y.md": false,
		"docs/subx.md": true, "docs/x.md": true, "a.md": true,
	} {
		if u(rel) != want {
			t.Errorf("unchanged(%q) = %v, want %v", rel, !want, want)
		}
	}
	if u := s.unchanged(); u == nil || !u("blog/a.md") {
		t.Error("the next sync still sees the last sync's events")
	}
	s.note(change{paths: []string{"blog/a.md"}})
	s.note(change{lost: true})
	if s.unchanged() != nil {
		t.Error("after a lost event: something known unchanged")
	}
}

// TestWatchesStaticFolder: a file changed in the static folder (which
// site-absolute paths resolve in, outside the content root) starts a sync.
func TestWatchesStaticFolder(t *testing.T) {
	dir := t.TempDir()
	root, static := filepath.Join(dir, "content"), filepath.Join(dir, "static")
	for _, d := range []string{root, filepath.Join(static, "img")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	w, err := newWatcher(root, static, "", false)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := make(chan change, 1)
	go w.run(ctx, time.Millisecond, out, func(err error) { t.Error(err) })
	if err := os.WriteFile(filepath.Join(static, "img", "x.png"), []byte("png"), 0o644); err != nil {
		t.Fatal(err)
	}
	select {
	case c := <-out:
		if c.n == 0 || len(c.paths) != 0 {
			t.Fatalf("change %+v: want events and no content path", c)
		}
	case <-time.After(time.Minute): // a failure bound, not a wait for success
		t.Fatal("no change for a write in the static folder")
	}
}
