package dev

import "testing"

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
