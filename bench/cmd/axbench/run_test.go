package main

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestMoveAside: the last run's work tree is renamed, not removed, and
// the names returned for removal at the end are it and any tree a run
// that did not end left, never the new work directory.
func TestMoveAside(t *testing.T) {
	base := t.TempDir()
	work := filepath.Join(base, "axbench")
	left := work + ".old-1"
	for _, d := range []string{filepath.Join(work, "render"), left} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(work, "render", "x"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	old, err := moveAside(work)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(work); !os.IsNotExist(err) {
		t.Errorf("work directory still there after moveAside (%v)", err)
	}
	if len(old) != 2 || !slices.Contains(old, left) || slices.Contains(old, work) {
		t.Fatalf("moveAside = %q, want %s and the moved tree", old, left)
	}
	for _, d := range old {
		if d != left {
			if b, err := os.ReadFile(filepath.Join(d, "render", "x")); err != nil || string(b) != "x" {
				t.Errorf("moved tree %s lost its files: %q, %v", d, b, err)
			}
		}
	}
	removeAll(old)
	if rest, _ := filepath.Glob(filepath.Join(base, "*")); len(rest) != 0 {
		t.Errorf("left after removeAll: %q", rest)
	}
	// No tree to move: nothing to remove, no error.
	if old, err := moveAside(work); err != nil || len(old) != 0 {
		t.Errorf("moveAside of a missing directory = %q, %v", old, err)
	}
}
