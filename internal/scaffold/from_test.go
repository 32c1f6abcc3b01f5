package scaffold_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/axctl/axctl/internal/scaffold"
	"github.com/axctl/axctl/internal/testutil"
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

// TestInspectContentSectionsNamedLikeToolFolders: in a Hugo or Zola
// site's content/ folder, "themes", "static" or "data" are sections (Zola's
// own docs have content/themes/), not the generator's folders, which sit
// beside content/; in a site whose content root is the tree itself they
// are still left out.
func TestInspectContentSectionsNamedLikeToolFolders(t *testing.T) {
	page := "+++\ntitle = \"T\"\ndate = 2024-01-02\n+++\nBody.\n"
	for _, c := range []struct {
		config, content string
		want            map[string]int
	}{
		{"config.toml", "content/", map[string]int{"themes": 2, "data": 1, "posts": 1}},
		{"hugo.toml", "content/", map[string]int{"themes": 2, "data": 1, "posts": 1}},
		{"", "", map[string]int{"posts": 1}}, // a plain tree: themes/ and data/ are left out
	} {
		dir := t.TempDir()
		files := map[string]string{c.content + "themes/ergo.md": page, c.content + "themes/abridge/index.md": page,
			c.content + "data/sets.md": page, c.content + "posts/first.md": page}
		if c.config != "" {
			files[c.config] = "base_url = \"https://x.example\"\ntitle = \"X\"\n"
		}
		testutil.WriteTree(t, dir, files)
		s, err := scaffold.Inspect(dir)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]int{}
		for _, col := range s.Collections {
			got[col.Name] = col.Entries
		}
		if len(got) != len(c.want) {
			t.Errorf("%s: collections %v, want %v", c.config, got, c.want)
		}
		for k, n := range c.want {
			if got[k] != n {
				t.Errorf("%s: collections %v, want %v", c.config, got, c.want)
			}
		}
	}
}

// TestInspectTranslations: in a Hugo or Zola site, name.LANG.md beside
// name.md is the page in another language: left out and listed, not a
// page of its own (about-fr); without the page beside it, or in a plain
// tree, such a name is an ordinary page.
func TestInspectTranslations(t *testing.T) {
	page := "+++\ntitle = \"T\"\ndate = 2024-01-02\n+++\nBody.\n"
	for _, c := range []struct {
		config string
		want   int // entries in posts
	}{
		{"config.toml", 3}, {"hugo.toml", 3}, {"", 5},
	} {
		dir := t.TempDir()
		root := "content/"
		if c.config == "" {
			root = ""
		}
		files := map[string]string{root + "posts/about.md": page, root + "posts/about.fr.md": page,
			root + "posts/Guide.md": page, root + "posts/Guide.pt-BR.md": page, root + "posts/only.ca.md": page}
		if c.config != "" {
			files[c.config] = "base_url = \"https://x.example\"\ntitle = \"X\"\n"
		}
		testutil.WriteTree(t, dir, files)
		s, err := scaffold.Inspect(dir)
		if err != nil {
			t.Fatal(err)
		}
		got, listed := 0, 0
		for _, col := range s.Collections {
			if col.Name == "posts" {
				got = col.Entries
			}
		}
		for _, k := range s.Skipped {
			if strings.HasPrefix(k.What, "translations") {
				listed = len(k.Paths)
			}
		}
		if got != c.want || listed != 5-c.want {
			t.Errorf("%q: %d entries, %d translations listed; want %d, %d", c.config, got, listed, c.want, 5-c.want)
		}
	}
}

// TestInspectLanguages: a Hugo site whose languages have content folders
// of their own ([languages.zh-cn] contentDir = "content/zh-cn") publishes
// the default language's and lists the others' files as left out; they
// were neither published nor listed (Kubernetes' website), and without a
// top-level contentDir each language became a collection.
func TestInspectLanguages(t *testing.T) {
	page := "---\ntitle: T\nweight: 1\n---\nBody.\n"
	for _, top := range []string{"contentDir = \"content/en\"\n", ""} {
		dir := t.TempDir()
		testutil.WriteTree(t, dir, map[string]string{
			"hugo.toml":            top + "defaultContentLanguage = \"en\"\n[languages.en]\ncontentDir = \"content/en\"\n[languages.zh-cn]\ncontentDir = \"content/zh-cn\"\n[languages.ja]\ncontentDir = \"ja\"\n",
			"content/en/docs/a.md": page, "content/en/docs/b.md": page,
			"content/zh-cn/docs/a.md": page, "ja/docs/a.md": page,
		})
		s, err := scaffold.Inspect(dir)
		if err != nil {
			t.Fatal(err)
		}
		if s.Content != "content/en" || len(s.Collections) != 1 || s.Collections[0].Name != "docs" || s.Collections[0].Entries != 2 {
			t.Errorf("%q: content root %q, collections %+v; want content/en with docs: 2 entries", top, s.Content, s.Collections)
		}
		var listed []string
		for _, k := range s.Skipped {
			if strings.HasPrefix(k.What, "other languages") {
				listed = append(listed, k.Paths...)
			}
		}
		slices.Sort(listed)
		if want := []string{"content/zh-cn/docs/a.md", "ja/docs/a.md"}; !slices.Equal(listed, want) {
			t.Errorf("%q: other languages listed %v, want %v", top, listed, want)
		}
	}
}

// TestInspectLanguage: the site's language comes from its generator's
// config (mdBook's [book] language, Hugo's defaultContentLanguage or
// languageCode, Zola's default_language, Jekyll's lang) into site.lang,
// so a Persian book's pages are <html lang="fa">, not "en"; English (the
// default) and a value that is no language tag write nothing.
func TestInspectLanguage(t *testing.T) {
	page := "---\ntitle: T\ndate: 2024-01-02\n---\nBody.\n"
	for _, c := range []struct {
		files map[string]string
		want  string
	}{
		{map[string]string{"book.toml": "[book]\ntitle = \"B\"\nlanguage = \"fa\"\n", "src/a.md": "# A\n"}, "fa"},
		{map[string]string{"hugo.toml": "languageCode = \"zh-cn\"\n", "content/posts/a.md": page}, "zh-CN"},
		{map[string]string{"hugo.toml": "defaultContentLanguage = \"ja\"\nlanguageCode = \"en-us\"\n", "content/posts/a.md": page}, "ja"},
		{map[string]string{"config.toml": "base_url = \"https://x.example\"\ndefault_language = \"ko\"\n", "content/posts/a.md": "+++\ntitle = \"T\"\ndate = 2024-01-02\n+++\n"}, "ko"},
		{map[string]string{"_config.yml": "lang: ar\n", "_posts/2024-01-02-a.md": page}, "ar"},
		{map[string]string{"hugo.toml": "languageCode = \"en-us\"\n", "content/posts/a.md": page}, ""},
		{map[string]string{"_config.yml": "lang: not a tag!\n", "_posts/2024-01-02-a.md": page}, ""},
	} {
		dir := t.TempDir()
		testutil.WriteTree(t, dir, c.files)
		s, err := scaffold.Inspect(dir)
		if err != nil {
			t.Fatal(err)
		}
		if s.Lang != c.want {
			t.Errorf("%v: lang %q, want %q", c.files, s.Lang, c.want)
		}
	}
}
