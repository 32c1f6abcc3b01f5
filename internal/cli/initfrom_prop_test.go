package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/pelletier/go-toml/v2"
	"go.yaml.in/yaml/v3"

	"github.com/axctl/axctl/internal/content"
	"github.com/axctl/axctl/internal/scaffold"
	"github.com/axctl/axctl/internal/store"
	"github.com/axctl/axctl/internal/testutil/countstore"
	"github.com/axctl/axctl/internal/testutil/purgeoracle"
)

// genTree writes a random tree in the shape of a Hugo site, a Jekyll site
// or a plain folder of Markdown into dir, and returns the Markdown files
// that must become entries (every well-formed dated file) and all of them.
func genTree(r *rand.Rand, dir string) (must, all map[string]bool) {
	must, all = map[string]bool{}, map[string]bool{}
	write := func(rel, body string) {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			panic(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			panic(err)
		}
	}
	root := ""
	var folders []string
	words := []string{"Notes", "guides", "Blog_Posts", "my docs", "Recipes", "archive", "Travel Log", "misc", "how-to"}
	r.Shuffle(len(words), func(i, j int) { words[i], words[j] = words[j], words[i] })
	dates := []string{"2021-03-04", "2021-03-04T05:06:07Z", "2021-03-04 05:06:07 +0200", "2021-03-04T05:06:07+01:00", "04 Mar 2021", "2021-03-04 05:06", "Thu, 04 Mar 2021 05:06:07 +0000"}
	dateKey, bundles := "date", false
	extras := []string{"summary: A summary.\n", "by: Ana\n", "categories: [c1, c2]\n", "category: release\n",
		"layout: post\n", "permalink: /x/\n", "weight: 3\n", "lastmod: 2022-01-01\n", "mood: fine\n",
		"", []string{"tags: [t1]\n", "tags: t2 t3\n"}[r.IntN(2)], "template: recipe\n"}
	mdx := func(rel string) { // listed as not carried, never an entry
		write(rel, "---\ntitle: MDX\n---\nimport Tabs from '@theme/Tabs';\n\n<Tabs />\n")
		all[rel] = true
	}
	switch r.IntN(7) {
	case 0:
		write("hugo.toml", "title = \"Random Hugo\"\nbaseURL = \"https://hugo.example/\"\n")
		root = "content/"
		folders = words[:1+r.IntN(3)]
	case 1:
		write("_config.yml", "title: Random Jekyll\nurl: https://jekyll.example\n")
		folders = append([]string{"_posts"}, words[:r.IntN(3)]...)
		write("_drafts/draft.md", "---\ntitle: Draft\n---\n")
		all["_drafts/draft.md"] = true
	case 3: // Hexo: Jekyll's _config.yml and _posts, under source/
		write("_config.yml", "title: Random Hexo\nurl: https://hexo.example\nnew_post_name: :year-:month-:day-:title.md\n")
		root = "source/"
		folders = append([]string{"_posts"}, words[:r.IntN(3)]...)
		write("source/_drafts/draft.md", "---\ntitle: Draft\n---\n")
		all["source/_drafts/draft.md"] = true
		dates = append(dates, "2021/3/4 5:06:07", "2021/03/04 05:06", "2021-3-4")
	case 4: // Docusaurus: posts in folders of their own, docs ordered by sidebar_position, MDX
		write("package.json", `{"dependencies": {"@docusaurus/core": "3.0.0", "react": "18.0.0"}}`)
		folders, bundles = words[:1+r.IntN(3)], true
		extras = append(extras, "sidebar_position: 2\n", "slug: custom-slug\n", "authors: [ana]\n")
		mdx(folders[0] + "/intro.mdx")
	case 5: // Astro: content collections under src/content, pubDate
		write("astro.config.mjs", "import { defineConfig } from 'astro/config';\nexport default defineConfig({});\n")
		root, dateKey = "src/content/", "pubDate"
		folders = words[:1+r.IntN(3)]
		dates = append(dates, "Jul 08 2022", "September 3 2021")
		extras = append(extras, "updatedDate: 'Jul 09 2022'\n", "heroImage: /hero.jpg\n")
		mdx("src/content/" + folders[0] + "/using-mdx.mdx")
	case 6: // mdBook: src/ with its SUMMARY.md
		write("book.toml", "[book]\ntitle = \"Random Book\"\nsrc = \"src\"\n")
		root = "src/"
		folders = words[:1+r.IntN(3)]
		write("src/SUMMARY.md", "# Summary\n\n- [Intro](intro.md)\n")
		all["src/SUMMARY.md"] = true
	default:
		folders = words[:1+r.IntN(3)]
	}
	if r.IntN(2) == 0 {
		folders = append(folders, "") // files at the top
	}
	n := 0
	for _, folder := range folders {
		subs := []string{""}
		if folder != "" {
			subs = append(subs, "Sub_"+fmt.Sprint(r.IntN(9)), "Sub_"+fmt.Sprint(r.IntN(9))+"/Deeper Still")
		}
		var prev string
		for range 1 + r.IntN(6) {
			n++
			sub := subs[r.IntN(len(subs))]
			name := fmt.Sprintf("%s%s%d", []string{"Post", "a_note", "My Entry", "x"}[r.IntN(4)], []string{"", "_", " ", "-"}[r.IntN(4)], n)
			base := strings.Trim(strings.Join([]string{folder, sub}, "/"), "/")
			front := fmt.Sprintf("title: \"Entry %d\"\n", n)
			good, noSlug := true, false
			switch k := r.IntN(20); {
			case k < 2: // no frontmatter
				good, front = false, ""
			case k < 4: // no date anywhere
				good = false
			case k < 5: // a name a slug cannot carry (links to it would be errors: none)
				good, name, noSlug = false, "日記 "+fmt.Sprint(n), true
				front += dateKey + ": " + dates[r.IntN(len(dates))] + "\n"
			case k < 6: // Latin letters with diacritics: folded
				name = "Café Straße " + fmt.Sprint(n)
				front += dateKey + ": " + dates[r.IntN(len(dates))] + "\n"
			case k < 8 || folder == "_posts": // dated by its name
				name = fmt.Sprintf("2020-%02d-%02d-%s", 1+r.IntN(12), 1+r.IntN(28), strings.ToLower(strings.ReplaceAll(name, " ", "-")))
				good = false // an entry when the collection takes names' dates
				if r.IntN(2) == 0 {
					front += dateKey + ": " + dates[r.IntN(len(dates))] + "\n"
					good = true
				}
			default:
				front += dateKey + ": " + dates[r.IntN(len(dates))] + "\n"
			}
			if front != "" {
				extras[9] = fmt.Sprintf("redirect_from: [/old/r%d]\n", n)
				for _, extra := range extras {
					if extra == "slug: custom-slug\n" {
						extra = fmt.Sprintf("slug: custom-%d\n", n) // one URL per entry
					}
					if r.IntN(5) == 0 {
						front += extra
					}
				}
			}
			rel := strings.TrimPrefix(base+"/"+name+[]string{".md", ".markdown"}[r.IntN(2)], "/")
			bundle := bundles && folder != "" && !noSlug && r.IntN(3) == 0
			if bundle { // a post in a folder of its own: 2021-05-12-slug/index.md
				rel = strings.TrimPrefix(base+"/"+name+"/index.md", "/")
			}
			body := "Some text.\n"
			if prev != "" && sub == "" && !bundle {
				body += fmt.Sprintf("\nSee [the previous one](<%s>).\n", prev)
			}
			switch front {
			case "":
				write(root+rel, body)
			default:
				if k := r.IntN(6); k < 2 { // the same frontmatter as Hugo's TOML or JSON
					write(root+rel, reformat(front, []string{"toml", "json"}[k])+body)
				} else if k == 2 {
					write(root+rel, "<!--\n---\n"+front+"---\n-->\n"+body)
				} else {
					write(root+rel, "---\n"+front+"---\n"+body)
				}
			}
			all[root+rel] = true
			if good {
				must[root+rel] = true
			}
			if sub == "" && !noSlug && !bundle {
				prev = filepath.Base(rel)
			}
		}
	}
	return must, all
}

// reformat writes the YAML frontmatter front as a TOML block or a JSON
// object, each by its own encoder.
func reformat(front, format string) string {
	m := map[string]any{}
	if err := yaml.Unmarshal([]byte(front), &m); err != nil {
		panic(err)
	}
	if format == "json" {
		b, err := json.MarshalIndent(m, "", "  ")
		if err != nil {
			panic(err)
		}
		return string(b) + "\n"
	}
	b, err := toml.Marshal(m)
	if err != nil {
		panic(err)
	}
	return "+++\n" + string(b) + "+++\n"
}

// TestInitFromRandomTrees: on random trees of every kind, init --from
// changes no file and writes a config under which validate finds no
// problem; every Markdown file is either an entry or in the report's
// left-out list (never both, never neither); every well-formed dated
// file is an entry; and a second sync writes nothing.
func TestInitFromRandomTrees(t *testing.T) {
	r := rand.New(rand.NewPCG(purgeoracle.Seed(t), 16))
	trees := 12
	if n, err := strconv.Atoi(os.Getenv("AXCTL_TREES")); err == nil && n > 0 {
		trees = n // a longer campaign: AXCTL_TREES=500
	}
	for i := range trees {
		dir := filepath.Join(t.TempDir(), fmt.Sprintf("tree%d", i))
		must, all := genTree(r, dir)
		before := files(t, dir)
		src, err := scaffold.Inspect(dir)
		if err != nil {
			t.Fatal(err)
		}
		res := axctl("init", "--from", dir)
		if res.code == ExitUsage && len(must) == 0 && strings.Contains(res.errOut, "no Markdown file there can be an entry") {
			continue // nothing to publish, and it says so
		}
		res.want(t, 0, fmt.Sprintf("tree %d: init --from", i))
		after := files(t, dir)
		for p, data := range before {
			if after[p] != data {
				t.Fatalf("tree %d: init --from changed %s", i, p)
			}
		}
		cfg, err := content.LoadConfig(filepath.Join(dir, "axctl.yaml"))
		if err != nil {
			t.Fatalf("tree %d: %v", i, err)
		}
		entries := map[string]bool{}
		problems, err := content.Load(context.Background(), cfg, content.Options{}, func(e *content.Entry) error {
			rel, _ := filepath.Rel(dir, e.Path)
			entries[filepath.ToSlash(rel)] = true
			return nil
		})
		if err != nil || len(problems) > 0 {
			t.Fatalf("tree %d: validate after init --from: %v %v\nconfig:\n%s", i, err, problems, after["axctl.yaml"])
		}
		skipped := map[string]bool{}
		for _, k := range src.Skipped {
			for _, p := range k.Paths {
				if strings.HasPrefix(k.What, "\"") {
					continue // a key not mapped: the file itself is kept
				}
				skipped[p] = true
			}
		}
		for p := range all {
			switch {
			case entries[p] && skipped[p]:
				t.Errorf("tree %d: %s is an entry and reported as left out", i, p)
			case !entries[p] && !skipped[p]:
				t.Errorf("tree %d: %s is neither an entry nor reported as left out\nreport:\n%s", i, p, res.out)
			case must[p] && !entries[p]:
				t.Errorf("tree %d: well-formed %s is not an entry\nreport:\n%s", i, p, res.out)
			}
		}
		raw, err := store.NewDirStore(filepath.Join(t.TempDir(), "bucket"))
		if err != nil {
			t.Fatal(err)
		}
		cs := countstore.New(raw)
		syncWith(cs, "--config", cfg.Path, "sync").want(t, 0, fmt.Sprintf("tree %d: first sync", i))
		cs.Reset()
		syncWith(cs, "--config", cfg.Path, "sync").want(t, 0, fmt.Sprintf("tree %d: second sync", i))
		if w := cs.Writes(); w != 0 {
			t.Errorf("tree %d: second sync wrote %d objects", i, w)
		}
	}
}
