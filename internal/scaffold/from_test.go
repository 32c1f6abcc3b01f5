package scaffold_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/axctl/axctl/internal/scaffold"
)

// TestInspectDotAndREADMEStyle: inspecting "." (the working directory,
// `axctl init --from .`) sees the files at the top as an absolute path
// does (the walk once skipped its own root there), and files without
// frontmatter (README-style docs) are entries of a collection with
// titles: heading, undated, not files left out; a top folder holding only
// its README is a page, not a collection with nothing to list.
func TestInspectDotAndREADMEStyle(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"install.md":      "Install\n=======\n\nSteps.\n",
		"usage.md":        "# Usage\n\nRun it.\n",
		"api/Agent.md":    "# Agent\n",
		"api/Client.md":   "# Client\n",
		"README.md":       "# Docs\n",
		"batch/README.md": "# Batch jobs\n", // a folder holding only its README: a page
		"batch/run.sh":    "echo",
		"api/README.txt":  "not Markdown",
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	abs, err := scaffold.Inspect(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	dot, err := scaffold.Inspect(".")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []*scaffold.Source{abs, dot} {
		got := map[string]int{}
		for _, c := range s.Collections {
			got[c.Name] = c.Entries
			if c.Titles != "heading" || c.SortBy != "weight" {
				t.Errorf("collection %s: titles %q, sortBy %q; want heading, weight", c.Name, c.Titles, c.SortBy)
			}
		}
		if got["api"] != 2 || got["pages"] != 3 || len(got) != 2 {
			t.Errorf("Inspect(%q): collections %v, want api: 2, pages: 3 (install, usage, batch/README.md)", s.Dir, got)
		}
	}
}
