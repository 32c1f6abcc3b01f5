package scaffold

import (
	"encoding/json"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/BurntSushi/toml"
	"go.yaml.in/yaml/v3"
)

// The kinds of tree of the JavaScript and Rust generators people move
// from: detected by their config file, which says where the Markdown and
// the static files are (Inspect reads only names and simple settings; no
// JavaScript is run).
const (
	Hexo       Kind = "Hexo site"
	Docusaurus Kind = "Docusaurus site"
	Eleventy   Kind = "Eleventy site"
	Astro      Kind = "Astro site"
	Gatsby     Kind = "Gatsby site"
	VitePress  Kind = "VitePress site"
	VuePress   Kind = "VuePress site"
	MdBook     Kind = "mdBook book"
	GitBook    Kind = "GitBook space"
)

// article returns the kind with its article: "a Hugo site", "an Astro site".
func (k Kind) article() string {
	if strings.ContainsRune("AEIOU", rune(k[0])) || strings.HasPrefix(string(k), "mdBook") {
		return "an " + string(k)
	}
	return "a " + string(k)
}

// postsFolders says whether the kind keeps dated posts in _posts (and
// unpublished ones in _drafts): Jekyll and Hexo.
func (s *Source) postsFolders() bool { return s.Kind == Jekyll || s.Kind == Hexo }

// tocFiles are the table-of-contents files of book generators (mdBook,
// GitBook): a list of links in the reading order, not a page.
var tocFiles = map[string]bool{"SUMMARY.md": true}

// book says whether the tree is a book whose SUMMARY.md is its table of
// contents (mdBook, GitBook).
func (s *Source) book() bool { return s.Kind == MdBook || s.Kind == GitBook }

// readHexo reads a Hexo site: a _config.yml beside the source folder
// (source_dir) that holds _posts. Hexo's _config.yml is Jekyll's name,
// so this is tried first.
func (s *Source) readHexo() bool {
	for _, name := range []string{"_config.yml", "_config.yaml"} {
		data, err := readSiteFile(s.Dir, name)
		if err != nil {
			continue
		}
		m := map[string]any{}
		_ = yaml.Unmarshal(data, &m)
		src := "source"
		if v, ok := m["source_dir"].(string); ok && v != "" && filepath.IsLocal(v) {
			src = filepath.ToSlash(filepath.Clean(v))
		}
		if !isDir(filepath.Join(s.Dir, src, "_posts")) {
			continue
		}
		s.Kind, s.ConfigFile, s.Content, s.Static = Hexo, name, src, src
		s.Title, _ = m["title"].(string)
		if u, _ := m["url"].(string); u != "" {
			s.BaseURL = strings.TrimRight(u, "/")
		}
		return true
	}
	return false
}

// nodeConfigs are the config files of the JavaScript generators, in the
// order they are tried.
var nodeConfigs = []struct {
	kind  Kind
	names []string
}{
	{Docusaurus, []string{"docusaurus.config.js", "docusaurus.config.ts", "docusaurus.config.mjs", "docusaurus.config.cjs"}},
	{Astro, []string{"astro.config.mjs", "astro.config.js", "astro.config.ts", "astro.config.mts", "astro.config.cjs"}},
	{Gatsby, []string{"gatsby-config.js", "gatsby-config.ts", "gatsby-config.mjs"}},
	{Eleventy, []string{"eleventy.config.js", "eleventy.config.mjs", "eleventy.config.cjs", "eleventy.config.ts", ".eleventy.js"}},
	{VitePress, vitepressConfigs()},
	{VuePress, []string{".vuepress/config.js", ".vuepress/config.ts", "docs/.vuepress/config.js", "docs/.vuepress/config.ts"}},
}

// vitepressConfigs are the places VitePress's config may be: in
// .vitepress/ at the top or under docs/, as one file or a config/ folder
// (config/index.ts).
func vitepressConfigs() []string {
	var out []string
	for _, dir := range []string{".vitepress/", "docs/.vitepress/"} {
		for _, name := range []string{"config", "config/index"} {
			for _, ext := range []string{".js", ".ts", ".mjs", ".mts"} {
				out = append(out, dir+name+ext)
			}
		}
	}
	return out
}

// eleventyInputRe finds Eleventy's input folder in its config
// (dir: {input: "src"}); without it the input is the project folder.
var eleventyInputRe = regexp.MustCompile(`\binput\s*:\s*["'\x60]([^"'\x60]+)["'\x60]`)

// nodePackages are the packages whose presence in package.json's
// dependencies names the generator when its config file is not at the
// top (a config elsewhere, or under another name).
var nodePackages = []struct {
	kind Kind
	pkg  string
}{
	{Docusaurus, "@docusaurus/core"}, {Astro, "astro"}, {Gatsby, "gatsby"},
	{Eleventy, "@11ty/eleventy"}, {VitePress, "vitepress"}, {VuePress, "vuepress"},
}

// readNode recognizes a JavaScript generator by its config file, else by
// its package in package.json, and sets the content root and the static
// folder its layout uses.
func (s *Source) readNode() bool {
	for _, g := range nodeConfigs {
		for _, name := range g.names {
			if d := path.Dir(name); d != "." && !isDir(filepath.Join(s.Dir, filepath.FromSlash(d))) {
				continue // .vitepress/ is a folder of the tree, not a link out of it
			}
			data, err := readSiteFile(s.Dir, filepath.FromSlash(name))
			if err != nil {
				continue
			}
			s.Kind, s.ConfigFile = g.kind, name
			src, _, _ := strings.Cut(name, ".vitepress/")
			src, _, _ = strings.Cut(src, ".vuepress/")
			s.nodeLayout(data, path.Clean("./"+src))
			return true
		}
	}
	data, err := readSiteFile(s.Dir, "package.json")
	if err != nil {
		return false
	}
	var pkg struct{ Dependencies, DevDependencies map[string]any }
	if json.Unmarshal(data, &pkg) != nil {
		return false
	}
	for _, g := range nodePackages {
		if pkg.Dependencies[g.pkg] != nil || pkg.DevDependencies[g.pkg] != nil {
			s.Kind, s.ConfigFile = g.kind, "package.json"
			s.nodeLayout(nil, firstDir(s.Dir, "docs", "."))
			return true
		}
	}
	return false
}

// nodeLayout sets the content root and static folder of s.Kind's usual
// layout; config is the generator's config file (nil if none was read),
// src the folder holding .vitepress/ or .vuepress/.
func (s *Source) nodeLayout(config []byte, src string) {
	switch s.Kind {
	case Docusaurus:
		s.Content, s.Static = ".", "static"
	case Astro:
		// Content collections (src/content/blog/…); public/ is served
		// at the site root.
		s.Content, s.Static = firstDir(s.Dir, "src/content", "src/pages", "."), "public"
	case Gatsby:
		s.Content, s.Static = firstDir(s.Dir, "content", "src/pages", "."), "static"
	case Eleventy:
		s.Content = firstDir(s.Dir, "src", ".")
		if config != nil {
			s.Content = "."
			if m := eleventyInputRe.FindSubmatch(config); m != nil {
				if v := filepath.ToSlash(filepath.Clean(string(m[1]))); filepath.IsLocal(v) && isDir(filepath.Join(s.Dir, v)) {
					s.Content = v
				}
			}
		}
		s.Static = s.Content // passthrough copies keep their paths
	case VitePress, VuePress:
		// The folder holding .vitepress/ is the source; public/ inside
		// it (.vuepress/public for VuePress) is served at the root.
		s.Content = src
		pub := path.Join(src, "public")
		if s.Kind == VuePress {
			pub = path.Join(src, ".vuepress/public")
		}
		s.Static = src
		if isDir(filepath.Join(s.Dir, filepath.FromSlash(pub))) {
			s.Static = pub
		}
	}
	if !isDir(filepath.Join(s.Dir, filepath.FromSlash(s.Static))) {
		s.Static = ""
	}
}

// readBook recognizes mdBook (book.toml: [book] src, default "src") and
// GitBook (.gitbook.yaml: root, default the folder itself; or book.json
// beside SUMMARY.md).
func (s *Source) readBook() bool {
	if data, err := readSiteFile(s.Dir, "book.toml"); err == nil {
		var m struct {
			Book struct{ Title, Src, Language string }
		}
		_, _ = toml.Decode(string(data), &m)
		src := "src"
		if m.Book.Src != "" && filepath.IsLocal(m.Book.Src) {
			src = filepath.ToSlash(filepath.Clean(m.Book.Src))
		}
		if isDir(filepath.Join(s.Dir, src)) {
			s.Kind, s.ConfigFile, s.Content, s.Static, s.Title = MdBook, "book.toml", src, src, m.Book.Title
			s.lang(m.Book.Language)
			return true
		}
	}
	if data, err := readSiteFile(s.Dir, ".gitbook.yaml"); err == nil {
		m := map[string]any{}
		_ = yaml.Unmarshal(data, &m)
		root := "."
		if v, ok := m["root"].(string); ok && filepath.IsLocal(strings.Trim(v, "./")) {
			root = filepath.ToSlash(filepath.Clean(strings.TrimPrefix(v, "./")))
		}
		if isDir(filepath.Join(s.Dir, root)) {
			s.Kind, s.ConfigFile, s.Content, s.Static = GitBook, ".gitbook.yaml", root, root
			return true
		}
	}
	if _, err := readSiteFile(s.Dir, "book.json"); err == nil {
		if _, err := os.Lstat(filepath.Join(s.Dir, "SUMMARY.md")); err == nil {
			s.Kind, s.ConfigFile, s.Content, s.Static = GitBook, "book.json", ".", "."
			return true
		}
	}
	return false
}

// firstDir returns the first of the folders that exists in dir.
func firstDir(dir string, folders ...string) string {
	for _, f := range folders {
		if isDir(filepath.Join(dir, filepath.FromSlash(f))) {
			return f
		}
	}
	return folders[len(folders)-1]
}

func isDir(p string) bool {
	st, err := os.Lstat(p)
	return err == nil && st.IsDir()
}
