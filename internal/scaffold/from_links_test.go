//go:build unix

package scaffold_test

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/axctl/axctl/internal/scaffold"
)

// TestInspectReadsNothingThroughLinks: init --from reads a tree someone
// else may have written. A hugo.toml or _config.yml that is a symbolic link
// to a file outside the tree was read (its title and baseURL went into the
// written axctl.yaml), a FIFO in its place hung init, and a content root
// that is a link was walked. Each is now left alone or refused.
func TestInspectReadsNothingThroughLinks(t *testing.T) {
	post := "---\ntitle: A\ndate: 2026-01-01\n---\nx\n"
	write := func(t *testing.T, p, data string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"hugo.toml", "_config.yml"} {
		t.Run("linked "+name, func(t *testing.T) {
			base := t.TempDir()
			outside := filepath.Join(base, "outside", name)
			write(t, outside, map[string]string{
				"hugo.toml":   "title = \"OUTSIDE\"\nbaseURL = \"https://outside.example/\"\n",
				"_config.yml": "title: OUTSIDE\nurl: https://outside.example\n",
			}[name])
			tree := filepath.Join(base, "tree")
			write(t, filepath.Join(tree, "content", "posts", "a.md"), post)
			if err := os.Symlink(outside, filepath.Join(tree, name)); err != nil {
				t.Fatal(err)
			}
			s, err := scaffold.Inspect(tree)
			if err != nil {
				t.Fatal(err)
			}
			if s.Title == "OUTSIDE" || strings.Contains(s.BaseURL, "outside") {
				t.Errorf("Inspect read %s through its link: title %q, baseURL %q", name, s.Title, s.BaseURL)
			}
		})
	}
	t.Run("fifo hugo.toml", func(t *testing.T) {
		tree := t.TempDir()
		write(t, filepath.Join(tree, "content", "posts", "a.md"), post)
		if err := syscall.Mkfifo(filepath.Join(tree, "hugo.toml"), 0o644); err != nil {
			t.Skip("no FIFOs here:", err)
		}
		// Before, this blocked in open(2) until the test binary's timeout.
		if _, err := scaffold.Inspect(tree); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("content root is a link", func(t *testing.T) {
		base := t.TempDir()
		write(t, filepath.Join(base, "outside", "posts", "a.md"), post)
		tree := filepath.Join(base, "tree")
		write(t, filepath.Join(tree, "hugo.toml"), "title = \"T\"\n")
		if err := os.Symlink(filepath.Join(base, "outside"), filepath.Join(tree, "content")); err != nil {
			t.Fatal(err)
		}
		s, err := scaffold.Inspect(tree)
		if err == nil {
			t.Fatalf("Inspect walked a linked content root: collections %+v", s.Collections)
		}
		if !strings.Contains(err.Error(), "symbolic link") {
			t.Errorf("error %q does not say why", err)
		}
	})
}
