package content_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/axctl/axctl/internal/content"
)

// TestTitlesFromHeadings: with titles: heading, a file without frontmatter
// is an entry titled by its leading # heading (ATX or setext, after HTML
// comments), which is then not rendered; without a heading, by its file
// name; a frontmatter title wins and leaves the heading alone.
func TestTitlesFromHeadings(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"axctl.yaml":                        "collections:\n  - name: docs\n    template: doc\n    sortBy: weight\n    titles: heading\n",
		"content/docs/atx.md":               "# Getting *started*\n\nBody.\n",
		"content/docs/setext.md":            "<!-- generated -->\nUsing the API\n=============\n\nBody.\n",
		"content/docs/no_heading-here.md":   "Just text.\n\n## A section\n",
		"content/docs/front.md":             "---\ntitle: Chosen\nweight: 1\n---\n# Another heading\n",
		"content/docs/front-no-title.md":    "---\nweight: 2\n---\n# From the heading\n\nText.\n",
		"content/docs/guide/README.md":      "Guide text, no heading.\n",
		"content/docs/second-heading-h2.md": "## Not a title\n",
	}
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfg, err := content.LoadConfig(filepath.Join(dir, "axctl.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	html := map[string]string{}
	ps, err := content.Load(context.Background(), cfg, content.Options{}, func(e *content.Entry) error {
		got[e.Slug] = e.Record.Title
		html[e.Slug] = string(e.HTML)
		return nil
	})
	if err != nil || len(ps) > 0 {
		t.Fatalf("load: %v %v", err, ps)
	}
	want := map[string]string{
		"atx": "Getting started", "setext": "Using the API", "no-heading-here": "no heading here",
		"front": "Chosen", "front-no-title": "From the heading", "guide": "guide", "second-heading-h2": "second heading h2",
	}
	for slug, title := range want {
		if got[slug] != title {
			t.Errorf("%s: title %q, want %q", slug, got[slug], title)
		}
	}
	for _, slug := range []string{"atx", "setext", "front-no-title"} {
		if h := html[slug]; strings.Contains(h, "<h1") {
			t.Errorf("%s: the heading that became the title is still rendered:\n%s", slug, h)
		}
	}
	if !strings.Contains(html["front"], "<h1") {
		t.Errorf("front: a heading other than the frontmatter title was dropped:\n%s", html["front"])
	}
}

// TestAbsoluteSlug: a slug written with a leading "/" is the entry's whole
// slug in its collection (Docusaurus's docs), a plain one replaces only
// the file name's part.
func TestAbsoluteSlug(t *testing.T) {
	tc := parseCase(t, filepath.Join("testdata", "good", "slug-absolute.txtar"))
	dir := tc.materialize(t)
	got := map[string]string{}
	if problems := load(t, dir, func(e *content.Entry) { got[relative(dir, e.Path)] = e.Slug }); len(problems) > 0 {
		t.Fatal(problems)
	}
	for p, want := range map[string]string{
		"content/docs/advanced/presets.md": "presets",
		"content/docs/routing/index.md":    "advanced/routing-guide",
		"content/docs/plain.md":            "plain-name",
	} {
		if got[p] != want {
			t.Errorf("%s: slug %q, want %q", p, got[p], want)
		}
	}
}
