package scaffold_test

import (
	"testing"

	"github.com/axctl/axctl/internal/scaffold"
	"github.com/axctl/axctl/internal/testutil"
)

// TestInspectGenerators: each generator's tree is recognized by its config
// file (or its package in package.json), and its content root and static
// folder are those its layout uses; a Hugo site keeps its kind although
// it has a package.json too.
func TestInspectGenerators(t *testing.T) {
	post := "---\ntitle: T\ndate: 2024-01-02\n---\nText.\n"
	for _, tc := range []struct {
		name                   string
		files                  map[string]string
		kind                   scaffold.Kind
		content, static, first string // first: the first collection's folder
	}{
		{"docusaurus", map[string]string{"docusaurus.config.ts": "export default {};", "blog/2024-01-02-a.md": post, "static/x.png": ""},
			scaffold.Docusaurus, ".", "static", "blog"},
		{"docusaurus by package", map[string]string{"package.json": `{"dependencies": {"@docusaurus/core": "3"}}`, "blog/2024-01-02-a.md": post},
			scaffold.Docusaurus, ".", ".", "blog"},
		{"astro", map[string]string{"astro.config.mjs": "export default {};", "src/content/blog/a.md": post, "public/x.png": ""},
			scaffold.Astro, "src/content", "public", "blog"},
		{"gatsby", map[string]string{"gatsby-config.js": "module.exports = {};", "content/blog/a/index.md": post, "static/x.png": ""},
			scaffold.Gatsby, "content", "static", "blog"},
		{"eleventy input", map[string]string{"eleventy.config.js": "export default function(c) { return {dir: {input: 'site'}} }", "site/posts/a.md": post},
			scaffold.Eleventy, "site", "site", "posts"},
		{"eleventy by package", map[string]string{"package.json": `{"devDependencies": {"@11ty/eleventy": "3"}}`, "src/posts/a.md": post},
			scaffold.Eleventy, "src", "src", "posts"},
		{"vitepress under docs", map[string]string{"docs/.vitepress/config.mts": "export default {}", "docs/guide/a.md": "# A\n", "docs/public/x.png": ""},
			scaffold.VitePress, "docs", "docs/public", "guide"},
		{"vitepress config folder", map[string]string{".vitepress/config/index.ts": "export default {}", "guide/a.md": "# A\n"},
			scaffold.VitePress, ".", ".", "guide"},
		{"hexo", map[string]string{"_config.yml": "title: H\n", "source/_posts/a.md": post},
			scaffold.Hexo, "source", "source", "_posts"},
		{"mdbook", map[string]string{"book.toml": "[book]\nsrc = \"text\"\n", "text/SUMMARY.md": "- [A](ch/a.md)\n", "text/ch/a.md": "# A\n"},
			scaffold.MdBook, "text", "text", "ch"},
		{"gitbook", map[string]string{".gitbook.yaml": "root: ./docs/\n", "docs/SUMMARY.md": "* [A](ch/a.md)\n", "docs/ch/a.md": "# A\n"},
			scaffold.GitBook, "docs", "docs", "ch"},
		{"hugo with package.json", map[string]string{"hugo.toml": "title = 'H'\n", "package.json": `{"devDependencies": {"astro": "4"}}`, "content/posts/a.md": post},
			scaffold.Hugo, "content", "", "posts"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			testutil.WriteTree(t, dir, tc.files)
			s, err := scaffold.Inspect(dir)
			if err != nil {
				t.Fatal(err)
			}
			if s.Kind != tc.kind || s.Content != tc.content || s.Static != tc.static {
				t.Errorf("kind %q, content %q, static %q; want %q, %q, %q", s.Kind, s.Content, s.Static, tc.kind, tc.content, tc.static)
			}
			if len(s.Collections) == 0 || s.Collections[0].Folder != tc.first {
				t.Fatalf("collections %+v; want the first in %s", s.Collections, tc.first)
			}
		})
	}
}

// TestInspectKeyAliases: Astro's pubDate is the date (Hugo's pubDate is
// its publishDate: not read as a date there), and sidebar_position or
// nav_order order an undated docs folder as weight does.
func TestInspectKeyAliases(t *testing.T) {
	dir := t.TempDir()
	testutil.WriteTree(t, dir, map[string]string{
		"astro.config.mjs":              "export default {};",
		"src/content/blog/a.md":         "---\ntitle: A\npubDate: 'Jul 08 2022'\n---\n",
		"src/content/docs/one.md":       "---\ntitle: One\nsidebar_position: 2\n---\n",
		"src/content/docs/two.md":       "---\ntitle: Two\nnav_order: 1\n---\n",
		"src/content/blog/b/index.md":   "---\ntitle: B\npubDate: Jul 9 2022\n---\n",
		"src/content/blog/c.md":         "---\ntitle: C\npubDate: September 3 2021\nsidebar_position: 4\n---\n",
		"src/content/docs/three.mdx":    "---\ntitle: Three\n---\nimport X from './x';\n",
		"src/content/docs/deep/four.md": "# Four\n",
	})
	s, err := scaffold.Inspect(dir)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]*scaffold.FromCollection{}
	for _, c := range s.Collections {
		got[c.Name] = c
	}
	blog, docs := got["blog"], got["docs"]
	if blog == nil || docs == nil {
		t.Fatalf("collections %v; want blog and docs", got)
	}
	if blog.Entries != 3 || blog.Keys["pubDate"] != "date" || blog.SortBy != "" || blog.Keys["sidebar_position"] != "" {
		t.Errorf("blog: %d entries, keys %v, sortBy %q; want 3 dated by pubDate, sidebar_position ignored", blog.Entries, blog.Keys, blog.SortBy)
	}
	if docs.Entries != 3 || docs.SortBy != "weight" || docs.Keys["sidebar_position"] != "weight" || docs.Keys["nav_order"] != "weight" {
		t.Errorf("docs: %d entries, keys %v, sortBy %q; want 3 ordered by sidebar_position and nav_order", docs.Entries, docs.Keys, docs.SortBy)
	}
	mdx := false
	for _, k := range s.Skipped {
		for _, p := range k.Paths {
			mdx = mdx || p == "src/content/docs/three.mdx"
		}
	}
	if !mdx {
		t.Errorf("three.mdx not listed as left out: %+v", s.Skipped)
	}

	hugo := t.TempDir()
	testutil.WriteTree(t, hugo, map[string]string{
		"hugo.toml":           "title = 'H'\n",
		"content/posts/a.md":  "---\ntitle: A\ndate: 2024-01-02\npubDate: 2024-01-03\n---\n",
		"content/posts/b.md":  "---\ntitle: B\npubDate: 2024-01-03\n---\n",
		"content/posts/c.md":  "---\ntitle: C\ndate: 2024-01-04\n---\n",
		"content/posts/d.md":  "---\ntitle: D\ndate: 2024-01-05\n---\n",
		"content/posts/e.md":  "---\ntitle: E\ndate: 2024-01-06\n---\n",
		"content/posts/_x.md": "---\ntitle: X\ndate: 2024-01-06\n---\n",
	})
	s, err = scaffold.Inspect(hugo)
	if err != nil {
		t.Fatal(err)
	}
	if c := s.Collections[0]; c.Keys["pubDate"] != "" || c.Entries != 5 {
		t.Errorf("Hugo posts: keys %v, %d entries; want pubDate not read as date, b.md left out (no date)", c.Keys, c.Entries)
	}
}
