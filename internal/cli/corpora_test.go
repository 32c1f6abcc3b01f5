package cli

import (
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/axctl/axctl/internal/store"
)

// corpus is one tree under testdata/corpora written in the shape of a kind
// of site, and what `init --from` must make of it.
type corpus struct {
	name   string
	report []string          // lines (fragments) init --from prints
	keys   []string          // bucket keys the sync must write
	alias  map[string]string // site.json aliases
	warns  int               // warnings validate prints
}

var corpora = []corpus{
	{name: "hugo",
		report: []string{"found a Hugo site (hugo.toml)", "static folder static", "mapped: 9 entries in 3 collections",
			"key summary → description (1 files)", "key expiryDate → expires (1 files)",
			"3 collection index pages", "content/_index.md",
			`"categories" not read as "tags": files set both`, "key weight in posts: ignored (1 files): collections are ordered by date",
			"docs         docs/               3 entries  route /docs, template doc, no dates: sorted by weight, then title",
			"pages        ./                  2 entries  route /pages", // about.md and the leaf bundle team/index.md
			"key menu in pages: ignored (1 files)"},
		keys: []string{"entries/posts/first-post.html", "entries/posts/bundle.html", "entries/docs/install.html",
			"entries/docs/install/linux-setup.html", "entries/pages/about.html",
			"entries/docs/install/macos.html", "entries/pages/team.html", "entries/posts/toml-post.html"},
		alias: map[string]string{"/old/first-post": "/posts/first-post", "/posts/bundle-post": "/posts/bundle"},
		warns: 1, // the link to a draft
	},
	{name: "hugo-toml",
		// What `hugo new` writes: TOML frontmatter (native dates,
		// [params], categories, lastmod, publishDate, expiryDate, a
		// slug, aliases, a draft, weights in docs, a [menu.main] table),
		// and a leaf bundle with JSON frontmatter.
		report: []string{"found a Hugo site (hugo.toml)", "content root content, static folder static", "mapped: 7 entries in 3 collections",
			"docs         docs/               2 entries  route /docs, template doc, no dates: sorted by weight",
			"posts        posts/              4 entries  route /posts, template post, dates from frontmatter",
			"key expiryDate → expires (1 files)", "key summary → description (1 files)",
			`"categories" not read as "tags": files set both`, "content/posts/bundle/index.md",
			"key menu in docs: ignored (1 files)", "key lastmod in posts: ignored (1 files)", "key params in posts: ignored (1 files)"},
		keys: []string{"entries/posts/first.html", "entries/posts/second-post.html", "entries/posts/bundle.html",
			"entries/docs/install.html", "entries/docs/configure.html", "entries/pages/about.html",
			"metadata/tags/toml/0000.json", "metadata/tags/json/0000.json"},
		alias: map[string]string{"/old/first": "/posts/first", "/posts/second": "/posts/second-post"},
	},
	{name: "zola",
		// A Zola site: config.toml with base_url, TOML frontmatter only,
		// [taxonomies] and [extra] tables, updated, section _index.md
		// files with sort_by, a page bundle named by its date, @/ links,
		// a draft.
		report: []string{"found a Zola site (config.toml)", "content root content, static folder static", "mapped: 5 entries in 2 collections",
			"key taxonomies.tags → tags (2 files)", "template blog-page.html → layout post",
			`"taxonomies.categories" not read as "tags": files also set "taxonomies.tags"`,
			"docs         docs/               2 entries  route /docs, template doc, no dates: sorted by weight",
			"key extra in blog: ignored (1 files)", "key taxonomies in blog: ignored (2 files)", "key updated in blog: ignored (1 files)"},
		keys: []string{"entries/blog/first.html", "entries/blog/bundled.html", "entries/docs/intro.html", "entries/docs/how-to-use.html",
			"metadata/tags/zola/0000.json", "metadata/tags/rust/0000.json", "metadata/tags/bundles/0000.json"}, // read from [taxonomies]
		alias: map[string]string{"/blog/old-bundle": "/blog/bundled", "/docs/usage": "/docs/how-to-use"},
	},
	{name: "jekyll",
		report: []string{"found a Jekyll site (_config.yml)", "content root ., static folder .", "mapped: 6 entries in 2 collections",
			"blog         _posts/", "dates from filename", "key category → tags (1 files)", "key categories → tags (1 files)",
			"key excerpt → description (1 files)", "key redirect_from → aliases (1 files)", "tags written as one string split at spaces and commas (1 files)",
			"1 Jekyll drafts (_drafts/)", "_drafts/next.md", "docs         docs/               3 entries  route /docs, template doc, no dates: sorted by weight",
			"key permalink in blog: ignored (1 files): URLs come from file paths", "key layout in docs: ignored (2 files)"},
		keys: []string{"entries/blog/jekyll-1-0-0-released.html", "entries/blog/jekyll-1-1-1-released.html",
			"entries/blog/no-date-in-frontmatter.html", "entries/docs/ubuntu.html", "entries/docs/quickstart.html",
			"entries/docs/installation.html"}, // undated docs pages: the docs collection is sortBy: weight
		alias: map[string]string{"/news/old-1-1-1": "/blog/jekyll-1-1-1-released"},
	},
	{name: "diary",
		report: []string{"found a plain Markdown tree", "mapped: 2 entries in 1 collections", "blog         ./", "dates from filename",
			"key mood in blog: ignored (2 files)"},
		keys: []string{"entries/blog/2024/03/arrival.html", "entries/blog/2024/03/market.html"},
	},
	{name: "obsidian",
		// An Obsidian vault: frontmatter without titles (the file name or
		// the leading heading is the title) and aliases that are other
		// names of a note, not URLs (ignored, listed); the wiki link is a
		// warning.
		report: []string{"found a plain Markdown tree", "mapped: 3 entries in 2 collections",
			"2 aliases that are other names of a note (Obsidian), not old URLs: the key is ignored",
			"key aliases in daily-notes: ignored (2 files)", "key cssclasses in daily-notes: ignored (1 files)"},
		keys:  []string{"entries/daily-notes/garden-plan.html", "entries/daily-notes/seed-list.html", "entries/pages/welcome.html"},
		warns: 1,
	},
	{name: "astro",
		// Astro's blog template: content collections under src/content,
		// pubDate written "Jul 08 2022", public/ at the site root, MDX.
		report: []string{"found an Astro site (astro.config.mjs)", "content root src/content, static folder public",
			"blog         blog/               2 entries", "key pubDate → date (2 files)",
			"1 MDX files (.mdx)", "src/content/blog/components.mdx", "key updatedDate in blog: ignored (1 files): the date a page was last changed is not shown"},
		keys: []string{"entries/blog/first-light.html", "entries/blog/second-night.html"},
	},
	{name: "docusaurus",
		// Docusaurus: dated posts as files and as folders
		// (2024-05-12-slug/index.md), docs ordered by sidebar_position,
		// static/ at the site root, MDX left out, :::tip a callout.
		report: []string{"found a Docusaurus site (docusaurus.config.js)", "content root ., static folder static",
			"blog         blog/               2 entries  route /blog, template post, dates from filename",
			"docs         docs/               3 entries  route /docs, template doc, no dates: sorted by weight",
			"key sidebar_position → weight (3 files)", "docs/guides/tabs.mdx", "key authors in blog: ignored (2 files)"},
		keys: []string{"entries/blog/welcome.html", "entries/blog/folder-post.html", "entries/docs/intro.html",
			"entries/docs/guides/install.html", "entries/docs/guides/configure.html"},
		// :::tip renders as a callout: no warning.
	},
	{name: "hexo",
		// Hexo: Jekyll's _config.yml and _posts under source/, dates
		// written 2013/7/13 20:46:25, a page folder, drafts.
		report: []string{"found a Hexo site (_config.yml)", "content root source, static folder source",
			"blog         _posts/             2 entries", "1 Hexo drafts (_drafts/)", "source/_drafts/unfinished.md",
			"pages        ./                  1 entries"},
		keys: []string{"entries/blog/hello-hexo.html", "entries/blog/plain-name.html", "entries/pages/about.html"},
	},
	{name: "mdbook",
		// mdBook: book.toml, src/ without frontmatter, SUMMARY.md listed
		// as not carried.
		report: []string{"found an mdBook book (book.toml)", "content root src", "1 tables of contents (SUMMARY.md)", "src/SUMMARY.md",
			"cli          cli/                2 entries  route /cli, template post, no dates: sorted by weight"},
		keys: []string{"entries/cli/build.html", "entries/cli/serve.html", "entries/pages/getting-started.html"},
	},
	{name: "docfx",
		// A DocFX tree (MicrosoftDocs/azure-docs-sdk-go, reduced; CC BY
		// 4.0) as a Windows checkout has it: CRLF line endings and a BOM.
		// Its ms.* keys are literal keys with a dot, not tables: they are
		// ignored by name (they were skipped, and validate called each an
		// unknown key). Its "> [!WARNING]" alerts render as callouts: the
		// collection declares them. The one warning: the [!INCLUDE] (not
		// run: the page links the fragment, itself a page, so its text
		// stays reachable).
		report: []string{"found a plain Markdown tree", "mapped: 2 entries in 1 collections",
			"key ms.date in azure-go-sdk-conceptual: ignored (1 files)", "key ms.author in azure-go-sdk-conceptual: ignored (1 files)",
			"callouts (> [!NOTE], > [!info]+ Title) render as boxes: features {blocks: [callouts]} (2 files)"},
		keys:  []string{"entries/azure-go-sdk-conceptual/azure-sdk-go-install.html", "entries/azure-go-sdk-conceptual/includes/azure-sdk-go-get.html"},
		warns: 1,
	},
	{name: "plain",
		// Recipes/Untitled.md has no frontmatter: titles: heading makes it an
		// entry (titled by its file name), and half the folder undated makes
		// recipes an undated collection.
		report: []string{"found a plain Markdown tree", "mapped: 5 entries in 3 collections", "key by → author (1 files)",
			"template recipe → layout post", "2 collection index pages",
			"recipes      Recipes/            2 entries  route /recipes, template post, no dates: sorted by weight"},
		keys: []string{"entries/notes/deep/deeper/some-note.html", "entries/notes/deep/other-note.html",
			"entries/recipes/bread-basics.html", "entries/recipes/untitled.html", "entries/pages/welcome.html"},
	},
}

// TestInitFromCorpora: `init --from` on a Hugo site, a Jekyll site, a diary
// with its frontmatter in HTML comments and a plain tree writes a config
// that validates and syncs as it is (no file of the tree changed), the
// mapping report says what it mapped and left out, and a second sync
// writes nothing.
func TestInitFromCorpora(t *testing.T) {
	for _, c := range corpora {
		t.Run(c.name, func(t *testing.T) {
			eachKind(t, false, func(t *testing.T, b *bucket) {
				dir := filepath.Join(t.TempDir(), c.name)
				if err := os.CopyFS(dir, os.DirFS(filepath.Join("..", "..", "testdata", "corpora", c.name))); err != nil {
					t.Fatal(err)
				}
				before := files(t, dir)
				r := axctl("init", "--from", dir)
				r.want(t, 0, "init --from")
				for _, want := range c.report {
					if !strings.Contains(r.out, want) {
						t.Errorf("init --from report lacks %q:\n%s", want, r.out)
					}
				}
				after := files(t, dir)
				for p, data := range before {
					if after[p] != data {
						t.Errorf("init --from changed %s", p)
					}
				}
				if _, ok := after["axctl.yaml"]; !ok {
					t.Fatal("no axctl.yaml written")
				}
				cfg := filepath.Join(dir, "axctl.yaml")
				v := axctl("validate", "--config", cfg)
				v.want(t, 0, "validate")
				if n := strings.Count(v.errOut, ": warning: "); n != c.warns {
					t.Errorf("validate printed %d warnings, want %d:\n%s", n, c.warns, v.errOut)
				}
				syncWith(b.storage, "--config", cfg, "sync").want(t, 0, "first sync")
				got := listing(t, b.raw)
				for _, k := range c.keys {
					if _, ok := got[k]; !ok {
						t.Errorf("sync wrote no %s; bucket: %v", k, keysOf(got))
					}
				}
				checkAliases(t, b.raw, c.alias)
				b.reqs.Reset()
				second := syncWith(b.storage, "--config", cfg, "sync")
				second.want(t, 0, "second sync")
				if w := b.reqs.Writes(); w != 0 {
					t.Errorf("second sync: %d writes, want 0\n%s", w, second.errOut)
				}
			})
		})
	}
}

// files maps every file under dir (slash paths relative to it) to its bytes.
func files(t *testing.T, dir string) map[string]string {
	t.Helper()
	m := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		m[filepath.ToSlash(rel)] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func keysOf(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// checkAliases reads site.json from the bucket and compares its aliases.
func checkAliases(t *testing.T, s store.Store, want map[string]string) {
	t.Helper()
	data, _, _, err := s.Get(context.Background(), "metadata/site.json")
	if err != nil {
		t.Fatal(err)
	}
	var site struct {
		Aliases map[string]string `json:"aliases"`
	}
	if err := json.Unmarshal(data, &site); err != nil {
		t.Fatal(err)
	}
	if len(site.Aliases) != len(want) {
		t.Errorf("site.json aliases = %v, want %v", site.Aliases, want)
	}
	for from, to := range want {
		if site.Aliases[from] != to {
			t.Errorf("alias %s → %q, want %q (all: %v)", from, site.Aliases[from], to, site.Aliases)
		}
	}
}
