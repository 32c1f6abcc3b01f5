package scaffold

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
	"go.yaml.in/yaml/v3"
	"golang.org/x/text/language"

	"github.com/axctl/axctl/internal/content"
	"github.com/axctl/axctl/internal/contract"
	"github.com/axctl/axctl/internal/front"
)

// Kind is the kind of tree `axctl init --from` found.
type Kind string

// The kinds of tree Inspect recognizes.
const (
	Hugo   Kind = "Hugo site"
	Zola   Kind = "Zola site"
	Jekyll Kind = "Jekyll site"
	Plain  Kind = "plain Markdown tree"
)

// Source is what Inspect found in an existing tree, and the configuration
// that publishes it where it is.
type Source struct {
	// readmes are the index files (README.md, index.md) of top folders that
	// hold no other Markdown: pages of the "pages" collection, not
	// collections with nothing to list.
	readmes []string
	// langDirs are the content folders of a Hugo site's other languages
	// (folder → language): listed, not published.
	langDirs   map[string]string
	Dir        string
	Kind       Kind
	ConfigFile string // the tool's config it read ("" for a plain tree)
	Title      string
	BaseURL    string
	// Lang is the site's language as its generator's config names it
	// (Hugo's defaultContentLanguage or languageCode, Zola's
	// default_language, Jekyll's lang, mdBook's [book] language); "" for
	// none or English, the default.
	Lang        string
	Content     string // content root, relative to Dir
	Static      string // static folder, relative to Dir ("" for none)
	Collections []*FromCollection
	// Skipped lists what the configuration leaves out or cannot carry.
	Skipped []*Skip
}

// FromCollection is one collection Inspect maps a folder to.
type FromCollection struct {
	Name, Folder, Title, Template, Dates string
	// SortBy is "weight" for a folder of pages without dates (docs): an
	// undated collection; "" otherwise.
	SortBy string
	// Titles is "heading" when some files have no frontmatter (README-style
	// docs: the title is the leading # heading); "" otherwise.
	Titles           string
	Include, Exclude []string
	Keys             map[string]string // other tools' key → model key
	IgnoreKeys       []string
	Templates        map[string]string // template names entries use → layout
	SplitTags        int               // files whose tags are one string ("a b")
	Alerts           int               // files with callouts ("> [!NOTE]", "> [!info]+ Title"): the collection declares them
	Entries          int
	keyFiles         map[string]int
	mapped           map[string]int // key → files it maps in
}

// Skip is one kind of thing that is not published, with the files (paths
// relative to Dir) it concerns.
type Skip struct {
	What  string
	Paths []string
}

// skipDirs are folders no tree publishes: build output, dependencies,
// the tools' own, and axctl's.
var skipDirs = map[string]bool{
	"node_modules": true, "vendor": true, "_site": true, "public": true, "resources": true,
	"_includes": true, "_layouts": true, "_sass": true, "_data": true, "_plugins": true,
	"layouts": true, "themes": true, "archetypes": true, "assets": true, "data": true, "i18n": true,
	"worker": true, "static": true,
}

var entryExt = map[string]bool{".md": true, ".markdown": true}

// Inspect reads the tree in dir and works out a configuration that
// publishes it in place. It reads files, never writes.
func Inspect(dir string) (*Source, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("init --from: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("init --from: %q is not a directory", dir)
	}
	s := &Source{Dir: dir, Kind: Plain, Content: "."}
	var jekyllCollections map[string]bool
	switch {
	case s.readHugo():
	case s.readHexo():
	case s.readJekyll(&jekyllCollections):
	case s.readNode():
	case s.readBook():
	}
	root := filepath.Join(dir, filepath.FromSlash(s.Content))
	if s.Content != "." {
		if st, err := os.Lstat(root); err == nil && st.Mode()&fs.ModeSymlink != 0 {
			return nil, fmt.Errorf("init --from: content root %s is a symbolic link: axctl reads only the folders inside the tree", s.Content)
		}
	}
	names, err := os.ReadDir(root)
	if err != nil {
		return nil, fmt.Errorf("init --from: content root: %w", err)
	}
	used := map[string]bool{}
	topFiles := false
	var years []string
	for _, e := range names {
		n := e.Name()
		switch {
		case strings.HasPrefix(n, "."):
		case e.IsDir() && yearRe.MatchString(n):
			years = append(years, n) // blog/2024/05/06.md shapes: one dated collection
		case !e.IsDir():
			topFiles = topFiles || entryExt[strings.ToLower(path.Ext(n))]
		case s.langDirs[path.Join(s.Content, n)] != "":
			s.skipAll(root, n, otherLanguages)
		case s.postsFolders() && n == "_posts":
			s.addCollection(root, used, "blog", n, "post", nil)
		case s.postsFolders() && n == "_drafts":
			s.skipAll(root, n, map[Kind]string{Jekyll: "Jekyll drafts (_drafts/): published only with jekyll --drafts",
				Hexo: "Hexo drafts (_drafts/): published only with hexo --draft"}[s.Kind])
		case s.Kind == Jekyll && strings.HasPrefix(n, "_") && jekyllCollections[n[1:]]:
			s.addCollection(root, used, n[1:], n, "", nil)
		case skipDirs[n] && !s.inContentDir(n) || strings.HasPrefix(n, "_"):
			s.skipAll(root, n, "files in folders a site generator does not publish as pages ("+n+"/)")
		case indexOnly(filepath.Join(root, n)) != "":
			// A top folder holding only its index: a page (a README folder;
			// Hugo's leaf bundle about/index.md; Jekyll's about/index.md),
			// not a collection with nothing to list.
			s.readmes = append(s.readmes, n+"/"+indexOnly(filepath.Join(root, n)))
			topFiles = true
		default:
			s.addCollection(root, used, n, n, "", nil)
		}
	}
	if len(years) > 0 {
		s.addCollection(root, used, "blog", ".", "post", years)
	}
	for _, d := range sortedKeys(s.langDirs) {
		if path.Dir(d) != path.Clean(s.Content) { // those in the content root are listed above
			s.skipAll(dir, d, otherLanguages)
		}
	}
	if topFiles {
		s.addCollection(root, used, "pages", ".", "page", nil)
	}
	for _, d := range []string{"static", "."} {
		if hugoLike := s.Kind == Hugo || s.Kind == Zola; s.Static == "" && (hugoLike && d == "static" || !hugoLike && d == ".") {
			if st, err := os.Stat(filepath.Join(dir, d)); err == nil && st.IsDir() {
				s.Static = d
			}
		}
	}
	kept := s.Collections[:0]
	for _, c := range s.Collections {
		if c.Entries > 0 {
			kept = append(kept, c)
		}
	}
	s.Collections = kept
	return s, nil
}

// inContentDir says whether n, a folder of the content root, is a section
// of a Hugo or Zola site's content/ folder: there "themes", "static" or
// "data" are sections (Zola's own docs have content/themes/), not the
// generator's folders, which sit beside content/. Dependencies stay out.
func (s *Source) inContentDir(n string) bool {
	return (s.Kind == Hugo || s.Kind == Zola) && s.Content != "." && n != "node_modules" && n != "vendor"
}

// indexOnly returns the name of dir's index file (README.md, index.md…)
// when it is the only Markdown file in dir and below it; else "".
func indexOnly(dir string) string {
	found, n := "", 0
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || n > 1 {
			return filepath.SkipAll
		}
		if d.IsDir() && p != dir && strings.HasPrefix(d.Name(), ".") {
			return filepath.SkipDir
		}
		if !d.IsDir() && entryExt[strings.ToLower(filepath.Ext(p))] {
			n++
			name := d.Name()
			if filepath.Dir(p) == dir && content.IsIndexName(strings.TrimSuffix(name, filepath.Ext(name))) {
				found = name
			}
		}
		return nil
	})
	if n != 1 {
		return ""
	}
	return found
}

// maxSiteFileBytes bounds a site generator's config file.
const maxSiteFileBytes = 1 << 20

// readSiteFile reads a site generator's config file (hugo.toml,
// _config.yml) in dir if it is a regular file there: not a symbolic link
// (its title and baseURL would come from a file outside the tree), not a
// FIFO or device (the read would never end), at most maxSiteFileBytes.
func readSiteFile(dir, name string) ([]byte, error) {
	p := filepath.Join(dir, name)
	st, err := os.Lstat(p)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() || st.Size() > maxSiteFileBytes {
		return nil, fmt.Errorf("%s is not a regular file of at most %d bytes", name, maxSiteFileBytes)
	}
	return os.ReadFile(p)
}

// readHugo reads a Hugo site's configuration, or a Zola site's, if dir
// holds one.
func (s *Source) readHugo() bool {
	for _, name := range []string{"hugo.toml", "hugo.yaml", "hugo.yml", "hugo.json", "config.toml", "config.yaml", "config.yml", "config.json"} {
		data, err := readSiteFile(s.Dir, name)
		if err != nil {
			continue
		}
		m := map[string]any{}
		switch path.Ext(name) {
		case ".toml":
			err = toml.Unmarshal(data, &m)
		case ".json":
			err = json.Unmarshal(data, &m)
		default:
			err = yaml.Unmarshal(data, &m)
		}
		contentDir := "content"
		langs := languageDirs(m)
		if v, ok := field(m, "contentDir").(string); ok && v != "" && filepath.IsLocal(v) {
			contentDir = filepath.ToSlash(filepath.Clean(v))
		} else if d, ok := langs[defaultLanguage(m)]; ok {
			contentDir = d // [languages.en] contentDir = "content/en", none at the top
		}
		if st, serr := os.Stat(filepath.Join(s.Dir, contentDir)); serr != nil || !st.IsDir() {
			continue
		}
		s.Kind, s.ConfigFile, s.Content = Hugo, name, contentDir
		for lang, d := range langs {
			if d != contentDir {
				if s.langDirs == nil {
					s.langDirs = map[string]string{}
				}
				s.langDirs[d] = lang
			}
		}
		if base, ok := m["base_url"].(string); ok && name == "config.toml" {
			// Zola: config.toml with base_url; content/, templates/,
			// static/ as Hugo's; TOML frontmatter only.
			s.Kind, s.BaseURL = Zola, base
		}
		if err == nil {
			s.Title, _ = field(m, "title").(string)
			s.lang(field(m, "defaultContentLanguage"), field(m, "languageCode"), m["default_language"])
			if s.Kind == Hugo {
				s.BaseURL, _ = field(m, "baseURL").(string)
			}
			if v, ok := field(m, "staticDir").(string); ok && filepath.IsLocal(v) {
				s.Static = filepath.ToSlash(filepath.Clean(v))
			}
		}
		return true
	}
	return false
}

// lang takes the first of values that is a language tag, unless it is
// English (the default: an English site's config stays as it was).
func (s *Source) lang(values ...any) {
	for _, v := range values {
		str, _ := v.(string)
		if str == "" {
			continue
		}
		tag, err := language.Parse(str)
		if err != nil {
			continue
		}
		if base, _ := tag.Base(); base.String() != "en" {
			s.Lang = tag.String()
		}
		return
	}
}

// languageDirs maps each language of a Hugo site's [languages] table that
// names its own contentDir (a folder inside the site) to that folder.
func languageDirs(m map[string]any) map[string]string {
	t, _ := field(m, "languages").(map[string]any)
	out := map[string]string{}
	for lang, v := range t {
		l, _ := v.(map[string]any)
		if d, ok := field(l, "contentDir").(string); ok && d != "" && filepath.IsLocal(d) {
			out[strings.ToLower(lang)] = filepath.ToSlash(filepath.Clean(d))
		}
	}
	return out
}

// defaultLanguage is a Hugo site's defaultContentLanguage, "en" unless set.
func defaultLanguage(m map[string]any) string {
	if v, ok := field(m, "defaultContentLanguage").(string); ok && v != "" {
		return strings.ToLower(v)
	}
	return "en"
}

// otherLanguages is what the report calls the content folders of a Hugo
// site's other languages.
const otherLanguages = "other languages' content folders ([languages] contentDir): axctl publishes the site in one language"

// readJekyll reads a Jekyll site's _config.yml, if dir holds one.
func (s *Source) readJekyll(collections *map[string]bool) bool {
	for _, name := range []string{"_config.yml", "_config.yaml"} {
		data, err := readSiteFile(s.Dir, name)
		if err != nil {
			continue
		}
		s.Kind, s.ConfigFile = Jekyll, name
		m := map[string]any{}
		if yaml.Unmarshal(data, &m) == nil {
			s.Title, _ = m["title"].(string)
			s.lang(m["lang"])
			u, _ := m["url"].(string)
			b, _ := m["baseurl"].(string)
			if u != "" {
				s.BaseURL = strings.TrimRight(u, "/") + b
			}
			*collections = map[string]bool{}
			switch c := m["collections"].(type) {
			case map[string]any:
				for k := range c {
					(*collections)[k] = true
				}
			case []any:
				for _, k := range c {
					if ks, ok := k.(string); ok {
						(*collections)[ks] = true
					}
				}
			}
		}
		return true
	}
	return false
}

// field finds a top-level key ignoring case (Hugo's keys are).
func field(m map[string]any, key string) any {
	for k, v := range m {
		if strings.EqualFold(k, key) {
			return v
		}
	}
	return nil
}

var (
	nameClean = regexp.MustCompile(`[^a-z0-9]+`)
	yearRe    = regexp.MustCompile(`^\d{4}$`)
)

// collectionName makes a collection name of a folder's: the contract's
// shape, not reserved, not used yet.
func collectionName(folder string, used map[string]bool) string {
	n := strings.Trim(nameClean.ReplaceAllString(strings.ToLower(strings.TrimLeft(folder, "_")), "-"), "-")
	if n == "" {
		n = "pages"
	}
	if len(n) > 50 {
		n = strings.Trim(n[:50], "-")
	}
	base := n
	for i := 2; used[n] || contract.IsReservedName(n) || contract.IsReservedRoute("/"+n); i++ {
		n = fmt.Sprintf("%s-%d", base, i)
		if contract.IsReservedName(base) || contract.IsReservedRoute("/"+base) {
			n = base + "-pages"
			if i > 2 {
				n = fmt.Sprintf("%s-pages-%d", base, i)
			}
		}
	}
	used[n] = true
	return n
}

// skip records that path (relative to Dir) is left out, under what.
func (s *Source) skip(what, p string) {
	for _, k := range s.Skipped {
		if k.What == what {
			k.Paths = append(k.Paths, p)
			return
		}
	}
	s.Skipped = append(s.Skipped, &Skip{What: what, Paths: []string{p}})
}

// skipAll records every Markdown file under folder as left out.
func (s *Source) skipAll(root, folder, what string) {
	_ = filepath.WalkDir(filepath.Join(root, folder), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() && strings.HasPrefix(d.Name(), ".") {
			return filepath.SkipDir
		}
		if !d.IsDir() && entryExt[strings.ToLower(filepath.Ext(p))] {
			s.skip(what, s.rel(p))
		}
		return nil
	})
}

func (s *Source) rel(p string) string {
	r, err := filepath.Rel(s.Dir, p)
	if err != nil {
		return p
	}
	return filepath.ToSlash(r)
}

// sortSkips orders the report: most files first.
func (s *Source) sortSkips() {
	for _, k := range s.Skipped {
		sort.Strings(k.Paths)
	}
	sort.SliceStable(s.Skipped, func(i, j int) bool { return len(s.Skipped[i].Paths) > len(s.Skipped[j].Paths) })
}

// frontKind tells how a file's frontmatter is written: yaml (also inside an
// HTML comment), toml (+++), json ({), or none.
func frontKind(src []byte) string {
	src = bytes.TrimPrefix(src, []byte("\xef\xbb\xbf"))
	switch front.Detect(src) {
	case front.YAML:
		return "yaml"
	case front.TOML:
		return "toml"
	case front.JSON:
		return "json"
	}
	first, rest, _ := bytes.Cut(src, []byte("\n"))
	if string(bytes.TrimRight(first, " \t\r")) == "<!--" {
		if l, _, _ := bytes.Cut(rest, []byte("\n")); string(bytes.TrimRight(l, " \t\r")) == "---" {
			return "yaml"
		}
	}
	return "none"
}

// otherFront decodes a file's TOML or JSON frontmatter as validate does
// (nil, false when it does not decode: validate reports where).
func otherFront(src []byte, kind front.Format) (map[string]any, bool) {
	src = bytes.ReplaceAll(bytes.TrimPrefix(src, []byte("\xef\xbb\xbf")), []byte("\r\n"), []byte("\n"))
	b, err := front.Split(src, kind)
	if err != nil {
		return nil, false
	}
	m, derr := front.Decode(kind, b.Text)
	return m, derr == nil
}

// yamlFront decodes a file's YAML frontmatter (nil, false when it does not
// decode: validate reports where).
func yamlFront(src []byte) (map[string]any, bool) {
	text := string(bytes.ReplaceAll(bytes.TrimPrefix(src, []byte("\xef\xbb\xbf")), []byte("\r\n"), []byte("\n")))
	if strings.HasPrefix(text, "<!--") {
		_, text, _ = strings.Cut(text, "\n")
	}
	_, rest, _ := strings.Cut(text, "\n")
	if strings.HasPrefix(rest, "---") {
		return map[string]any{}, true
	}
	end := strings.Index(rest, "\n---")
	if end < 0 {
		return nil, false
	}
	m := map[string]any{}
	if err := yaml.Unmarshal([]byte(rest[:end]), &m); err != nil {
		return nil, false
	}
	return m, true
}
