package rawgen

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
)

// titles are the titles a site's entries draw from: short, long, Unicode,
// right-to-left, mixed direction, markup-like characters.
var titles = []string{
	"A", "Hello", "Caching & the edge: <notes> on \"quotes\"",
	"A very long title that goes on and on about caching, buckets, workers, feeds, sitemaps and every other thing a site may hold",
	"Café — naïve façade", "日本語のタイトル", "مرحبا بالعالم", "שלום עולם", "Mixed עברית and English", "Emoji 🚀 launch",
	"ال\u200e RTL with marks \u200f", "x < y && y > z", "100 %", "Ünïcödé «guillemets»",
}

var descriptions = []string{
	"", "One sentence.", "Une phrase avec des accents : été.", "وصف قصير", "A description with <angle> & ampersand \"quotes\".",
}

// langs are the sites' languages (site.lang), one per seed: right-to-left
// ones lay the page out mirrored.
var langs = []string{"de", "en", "ar", "he", "fa", "ja"}

var tagWords = []string{"caching", "go", "café", "release notes", "日本", "عربي", "x_y", "a-b", "edge"}

// Site writes a random site of n entries into dir: axctl.yaml (a language
// of langs by seed, two collections, page size 3, so listings and tag pages have pagers),
// content/blog and content/docs with an SVG image each. Entry i has random
// frontmatter (titles from the list above, with or without description,
// author and tags, dates across years, drafts, scheduled and expired ones)
// and a body of Markdown (headings, tables, footnotes, code, images with
// and without alt, links; headings with no words now and then) around
// the raw HTML Doc writes. The site is a
// function of seed and n alone.
func Site(seed uint64, n int, dir string) error {
	lang := langs[seed%uint64(len(langs))]
	cfg := `site:
  title: Random site
  lang: ` + lang + `
  baseURL: http://127.0.0.1:8787
content: content
static: static
pageSize: 3
collections:
  - name: blog
    title: Blog
    route: /blog
    template: post
    feed: {full: true}
  - name: docs
    title: Docs
    route: /docs
    template: doc
    templates: [doc, page]
`
	if err := os.WriteFile(filepath.Join(dir, "axctl.yaml"), []byte(cfg), 0o644); err != nil {
		return err
	}
	svg := `<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10"><rect width="20" height="10" fill="#369"/></svg>` + "\n"
	if err := os.MkdirAll(filepath.Join(dir, "static", "img"), 0o755); err != nil {
		return err
	}
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")
	if err := os.WriteFile(filepath.Join(dir, "static", "img", "a.png"), png, 0o644); err != nil { // rawgen's <img src="/img/a.png">
		return err
	}
	for _, c := range []string{"blog", "docs"} {
		if err := os.MkdirAll(filepath.Join(dir, "content", c, "images"), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, "content", c, "images", "pic.svg"), []byte(svg), 0o644); err != nil {
			return err
		}
	}
	for i := range n {
		coll, text := SiteEntry(seed, i)
		name := filepath.Join(dir, "content", coll, fmt.Sprintf("e%03d.md", i))
		if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// SiteEntry returns the collection and the text of entry i of seed's site.
func SiteEntry(seed uint64, i int) (string, string) {
	r := rand.New(rand.NewPCG(seed, uint64(i)+1<<32))
	g := &gen{r: r}
	coll, tmpl := "blog", "post"
	if r.IntN(3) == 0 {
		coll, tmpl = "docs", []string{"doc", "page"}[r.IntN(2)]
	}
	var b strings.Builder
	b.WriteString("---\n")
	fmt.Fprintf(&b, "title: %q\n", titles[r.IntN(len(titles))])
	fmt.Fprintf(&b, "date: %04d-%02d-%02d\n", 2019+r.IntN(8), 1+r.IntN(12), 1+r.IntN(28))
	if d := descriptions[r.IntN(len(descriptions))]; d != "" {
		fmt.Fprintf(&b, "description: %q\n", d)
	}
	if r.IntN(2) == 0 {
		fmt.Fprintf(&b, "author: %q\n", []string{"Ada Lovelace", "أحمد", "Zoë"}[r.IntN(3)])
	}
	if k := r.IntN(4); k > 0 {
		var tags []string
		for _, j := range r.Perm(len(tagWords))[:k] { // distinct ("Go" and "go" may both come: a repeat validate refuses)
			tags = append(tags, fmt.Sprintf("%q", tagWords[j]))
		}
		fmt.Fprintf(&b, "tags: [%s]\n", strings.Join(tags, ", "))
	}
	fmt.Fprintf(&b, "template: %s\n", tmpl)
	switch r.IntN(12) {
	case 0:
		b.WriteString("draft: true\n")
	case 1:
		b.WriteString("publishDate: 2099-01-01\n") // scheduled: hidden
	case 2:
		b.WriteString("expires: 2020-01-01\n") // expired: hidden
	case 3:
		b.WriteString("features:\n  syntax: [code]\n")
	}
	b.WriteString("---\n\n")
	for range 1 + r.IntN(4) {
		switch r.IntN(9) {
		case 0:
			h := []string{titles[r.IntN(len(titles))], titles[r.IntN(len(titles))], "", "![](images/pic.svg)", "![a blue rectangle](images/pic.svg)"}[r.IntN(5)]
			fmt.Fprintf(&b, "%s %s\n\n", strings.Repeat("#", 2+r.IntN(3)), h)
		case 1:
			fmt.Fprintf(&b, "| %s | %s |\n|:---|---:|\n| %s | `c|d` |\n| **b** | [l](https://example.com/) |\n\n", g.word(), g.word(), g.word())
		case 2:
			g.ids++
			fmt.Fprintf(&b, "Text with a note[^n%d].\n\n[^n%d]: The note, with a [link](/blog/).\n\n", g.ids, g.ids)
		case 3:
			fmt.Fprintf(&b, "```%s\nfunc main() { println(\"<b>&</b>\") }\n```\n\n", []string{"", "go", "text", "js"}[r.IntN(4)])
		case 4:
			fmt.Fprintf(&b, "![%s](images/pic.svg)\n\n", []string{"", "a blue rectangle", "ünïcode alt"}[r.IntN(3)])
		case 5:
			fmt.Fprintf(&b, "See [the docs](/docs/), [a site](https://example.org/a?b=1&c=2) and <https://example.net/>.\n\n")
		case 6:
			fmt.Fprintf(&b, "- one\n  - two\n    1. three\n\n> quoted *%s*\n\n", g.word())
		default:
			g.body(&b)
		}
	}
	return coll, b.String()
}
