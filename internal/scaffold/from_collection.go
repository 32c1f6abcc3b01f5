package scaffold

import (
	"cmp"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/axctl/axctl/internal/content"
	"github.com/axctl/axctl/internal/contract"
	"github.com/axctl/axctl/internal/front"
	"github.com/axctl/axctl/internal/render"
)

// keyMap lists frontmatter keys of Hugo, Jekyll and common exports that
// mean a key of the content model.
var keyMap = map[string]string{
	"summary": "description", "excerpt": "description", "by": "author",
	"categories": "tags", "category": "tags",
	"expiryDate": "expires", "expirydate": "expires", "publishdate": "publishDate",
	"redirect_from": "aliases",
	// Astro's blog template (pubDate); Docusaurus's and Just the Docs'
	// order of docs (weight is read only in an undated collection).
	"pubDate": "date", "sidebar_position": "weight", "nav_order": "weight",
	// Zola's taxonomies are a table ([taxonomies] tags = [...]); the
	// table itself is ignored.
	"taxonomies.tags": "tags", "taxonomies.categories": "tags",
}

// nestedTables are the frontmatter tables whose keys keyMap names as
// "table.key".
var nestedTables = []string{"taxonomies"}

// lookup is front's value for k, a key or "table.key" (nestedTables).
func lookup(front map[string]any, k string) (any, bool) {
	if v, ok := front[k]; ok {
		return v, true
	}
	table, key, dotted := strings.Cut(k, ".")
	if !dotted {
		return nil, false
	}
	t, _ := front[table].(map[string]any)
	v, ok := t[key]
	return v, ok
}

// dateKeys are the keys that give an entry's date under keyMap; Hugo's
// keys ignore case, and its pubDate is publishDate: not a date there.
func (s *Source) hasDate(front map[string]any) bool {
	return front["date"] != nil || s.Kind != Hugo && front["pubDate"] != nil
}

// hasWeight says whether a file orders itself in a docs section: weight,
// or a key keyMap reads as it.
func hasWeight(front map[string]any) bool {
	for k, to := range keyMap {
		if to == "weight" && front[k] != nil {
			return true
		}
	}
	return front["weight"] != nil
}

var layouts = map[string]bool{"post": true, "doc": true, "page": true}

type fromFile struct {
	rel   string // relative to the collection's folder
	path  string // relative to Dir
	front map[string]any
}

// addCollection maps the folder (relative to the content root) to a
// collection, reading every Markdown file in it. The folder "." takes its
// own files, or (with dirs) the files under those subfolders only.
func (s *Source) addCollection(root string, used map[string]bool, name, folder, template string, dirs []string) {
	c := &FromCollection{Name: collectionName(name, used), Folder: folder, Template: template,
		keyFiles: map[string]int{}, mapped: map[string]int{}, Templates: map[string]string{}}
	c.Title = strings.ToUpper(c.Name[:1]) + strings.ReplaceAll(c.Name[1:], "-", " ")
	if c.Template == "" {
		c.Template = "post"
		for _, w := range []string{"doc", "guide", "manual", "reference", "wiki"} {
			if strings.Contains(c.Name, w) {
				c.Template = "doc"
			}
		}
	}
	inDirs := map[string]bool{}
	if folder == "." && dirs == nil {
		c.Include = []string{"/*.md", "/*.markdown"}
		for _, f := range s.readmes { // a top folder holding only its README: a page
			c.Include = append(c.Include, "/"+f)
			inDirs[path.Dir(f)] = true
		}
	}
	for _, d := range dirs {
		c.Include = append(c.Include, "/"+d+"/")
		inDirs[d] = true
	}
	base := filepath.Join(root, filepath.FromSlash(folder))
	var files []fromFile
	_ = filepath.WalkDir(base, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if p != base && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			// p != base: with init --from ".", base is "." and Dir(".") is "." too.
			if p != base && filepath.Dir(p) == base && folder == "." && !inDirs[d.Name()] {
				return filepath.SkipDir
			}
			return nil
		}
		if folder == "." && dirs != nil && filepath.Dir(p) == base {
			return nil
		}
		if strings.EqualFold(filepath.Ext(p), ".mdx") {
			s.skip("MDX files (.mdx): imports and JSX components are not Markdown; a file holding none can be renamed .md", s.rel(p))
			return nil
		}
		if !entryExt[strings.ToLower(filepath.Ext(p))] || !d.Type().IsRegular() {
			return nil
		}
		rel, _ := filepath.Rel(base, p)
		if tocFiles[filepath.Base(p)] && s.book() {
			s.exclude(c, filepath.ToSlash(rel), p, "tables of contents (SUMMARY.md): the reading order is not kept; the Worker lists a book's pages by weight, then title")
			return nil
		}
		rel = filepath.ToSlash(rel)
		if f, ok := s.classify(c, rel, p); ok {
			files = append(files, f)
		}
		return nil
	})
	s.chooseDates(c, files, folder == "_posts")
	kept := files[:0]
	for _, f := range files {
		if s.keepFile(c, f) {
			kept = append(kept, f)
		}
	}
	c.Entries = len(kept)
	s.mapKeys(c, kept)
	s.Collections = append(s.Collections, c)
}

// exclude leaves the file rel of c out, reporting it under what.
func (s *Source) exclude(c *FromCollection, rel, p, what string) {
	c.Exclude = append(c.Exclude, "/"+rel)
	s.skip(what, s.rel(p))
}

// calloutLineRe is a callout's marker line: a GitHub alert ("> [!NOTE]",
// as GitHub's docs, MDN and DocFX write them) or an Obsidian callout
// ("> [!info]+ Title"). A collection whose files have one of a kind the
// callouts render declares them.
var calloutLineRe = regexp.MustCompile(`(?m)^[ \t]{0,3}>[ \t]?\[!([A-Za-z]+)\][+-]?(?:[ \t][^\n]*)?\r?$`)

// hasCallout says whether src has a callout marker line of a kind the
// callouts render.
func hasCallout(src []byte) bool {
	for _, m := range calloutLineRe.FindAllSubmatch(src, -1) {
		if render.IsCalloutKind(string(m[1])) {
			return true
		}
	}
	return false
}

// classify reads one file and says whether it can be an entry.
func (s *Source) classify(c *FromCollection, rel, p string) (_ fromFile, kept bool) {
	noExt := strings.TrimSuffix(path.Base(rel), path.Ext(rel))
	if path.Dir(rel) == "." && content.IsIndexName(noExt) {
		c.Exclude = append(c.Exclude, "/"+rel)
		s.skip("collection index pages (the Worker draws each collection's listing and the home page itself)", s.rel(p))
		return fromFile{}, false
	}
	if s.translation(p) {
		s.exclude(c, rel, p, "translations (name.LANG.md beside name.md): axctl publishes the page in one language")
		return fromFile{}, false
	}
	src, err := os.ReadFile(p)
	if err != nil {
		s.exclude(c, rel, p, "files that cannot be read")
		return fromFile{}, false
	}
	if hasCallout(src) {
		defer func() {
			if kept {
				c.Alerts++
			}
		}()
	}
	var m map[string]any
	var ok bool
	switch frontKind(src) {
	case "toml":
		m, ok = otherFront(src, front.TOML)
	case "json":
		m, ok = otherFront(src, front.JSON)
	case "none":
		// README-style Markdown: the title is its leading # heading (or
		// its file name), and it has no date.
		c.Titles = "heading"
		return fromFile{rel: rel, path: s.rel(p), front: map[string]any{}}, true
	default:
		m, ok = yamlFront(src)
	}
	if !ok {
		m = nil // validate reports the YAML problem with its position
	}
	if ok && m["title"] == nil {
		// Frontmatter without a title (an Obsidian note, a Jekyll post
		// titled by its file name): the leading # heading, else the
		// file name.
		c.Titles = "heading"
	}
	if m["published"] == false {
		s.exclude(c, rel, p, "unpublished pages (published: false)")
		return fromFile{}, false
	}
	return fromFile{rel: rel, path: s.rel(p), front: m}, true
}

// langRe is a translation's file name as Hugo and Zola write it:
// name.LANG.md (about.fr.md, index.pt-br.md).
var langRe = regexp.MustCompile(`(?i)^(.+)\.[a-z]{2}(?:-[a-z]{2,4})?\.(?:md|markdown)$`)

// translation says whether p, in a Hugo or Zola site, is another
// language's version of a page beside it (about.fr.md beside about.md).
func (s *Source) translation(p string) bool {
	if s.Kind != Hugo && s.Kind != Zola {
		return false
	}
	m := langRe.FindStringSubmatch(filepath.Base(p))
	if m == nil {
		return false
	}
	for _, ext := range []string{".md", ".markdown"} {
		if st, err := os.Stat(filepath.Join(filepath.Dir(p), m[1]+ext)); err == nil && st.Mode().IsRegular() {
			return true
		}
	}
	return false
}

// chooseDates picks where c's dates come from: the frontmatter, unless
// the file names (YYYY-MM-DD-slug) or folders (YYYY/MM/DD) date the files
// that have no date: then those (Jekyll's _posts always by file name). A
// folder of mostly undated pages, or a docs folder with undated or
// weighted pages, becomes an undated collection instead (sortBy: weight).
func (s *Source) chooseDates(c *FromCollection, files []fromFile, posts bool) {
	var byName, byFolder, undated, weighted int
	for _, f := range files {
		if f.front != nil && hasWeight(f.front) {
			weighted++
		}
		_, nameDate, _, _ := content.PathSlug(f.rel, "filename")
		_, folderDate, _, _ := content.PathSlug(f.rel, "folder")
		if !nameDate.IsZero() {
			byName++
		}
		if !folderDate.IsZero() {
			byFolder++
		}
		if f.front != nil && !s.hasDate(f.front) {
			undated++
		}
	}
	c.Dates = "frontmatter"
	switch {
	case byName > 0 && (posts || byName >= undated):
		c.Dates = "filename"
	case byFolder > 0 && byFolder >= undated:
		c.Dates = "folder"
	case !posts && (undated > 0 && 2*undated >= len(files) || c.Template == "doc" && undated+weighted > 0):
		// Mostly pages without dates, or a docs folder with some or with
		// weights (Hugo orders those by weight first): an undated
		// collection (sortBy: weight), not pages left out.
		c.SortBy = contract.SortWeight
	}
}

// keepFile checks what the file's path and frontmatter say under c's
// dates, and excludes what cannot be an entry.
func (s *Source) keepFile(c *FromCollection, f fromFile) bool {
	_, date, _, err := content.PathSlug(f.rel, c.Dates)
	if f.front == nil {
		return true // a YAML error: validate reports it with its position
	}
	if err != nil && f.front["slug"] == nil {
		s.exclude(c, f.rel, filepath.Join(s.Dir, filepath.FromSlash(f.path)), "file names that make no slug (a character with no ASCII spelling): set slug: or rename the file")
		return false
	}
	if c.SortBy == contract.SortWeight {
		return true
	}
	if !s.hasDate(f.front) && date.IsZero() && strings.EqualFold(path.Base(f.rel), "_index.md") {
		s.exclude(c, f.rel, filepath.Join(s.Dir, filepath.FromSlash(f.path)), "section pages without a date (_index.md): the Worker draws listings itself")
		return false
	}
	if !s.hasDate(f.front) && date.IsZero() {
		s.exclude(c, f.rel, filepath.Join(s.Dir, filepath.FromSlash(f.path)), "pages without a date: axctl orders every collection by date; add date: to publish them")
		return false
	}
	return true
}

// mapKeys works out c's key mapping, ignored keys and template names from
// the frontmatter of its entries.
func (s *Source) mapKeys(c *FromCollection, files []fromFile) {
	literal := map[string]bool{} // keys written as they are, dots and all (DocFX's ms.date)
	for _, f := range files {
		for k := range f.front {
			c.keyFiles[k]++
			literal[k] = true
		}
		for _, table := range nestedTables {
			t, _ := f.front[table].(map[string]any)
			for k := range t {
				c.keyFiles[table+"."+k]++
			}
		}
		if _, isStr := f.front["tags"].(string); isStr {
			c.SplitTags++ // Jekyll's "tags: a b"
		}
	}
	c.Keys = map[string]string{}
	keys := sortedKeys(c.keyFiles)
	// A table's key named as its target comes first (Zola's
	// taxonomies.tags before taxonomies.categories, when files set both).
	slices.SortStableFunc(keys, func(a, b string) int {
		return cmp.Compare(b2i(!strings.HasSuffix(a, "."+keyMap[a])), b2i(!strings.HasSuffix(b, "."+keyMap[b])))
	})
	for _, k := range keys {
		if k == "aliases" && s.namesNotURLs(files) {
			// Obsidian's aliases are other names of a note ("Doggo",
			// "How to/Embed files"), not old URLs: not read as such.
			c.IgnoreKeys = append(c.IgnoreKeys, k)
			continue
		}
		if content.IsModelKey(k) || k == "weight" && c.SortBy == contract.SortWeight {
			continue
		}
		to, ok := keyMap[k]
		if to == "weight" && c.SortBy != contract.SortWeight || k == "pubDate" && s.Kind == Hugo {
			ok = false // weight orders only undated collections; Hugo's pubDate is publishDate
		}
		if ok && s.canMap(c, files, k, to) {
			c.Keys[k] = to
			c.mapped[k] = c.keyFiles[k]
			continue
		}
		if strings.Contains(k, ".") && !literal[k] {
			continue // a key of a table that is ignored whole
		}
		c.IgnoreKeys = append(c.IgnoreKeys, k)
	}
	for _, f := range files {
		t, ok := f.front["template"].(string)
		if !ok || t == "" {
			continue
		}
		if layouts[t] {
			c.Templates[t] = t
		} else {
			c.Templates[t] = c.Template
		}
	}
	if len(c.Templates) > 0 {
		c.Templates[c.Template] = c.Template
	} else {
		c.Templates = nil
	}
}

// canMap says whether key k can be read as model key to in every file of
// c: no file sets both, or two keys mapped to one, and aliases are paths
// the Worker can serve. What cannot be mapped is reported.
func (s *Source) canMap(c *FromCollection, files []fromFile, k, to string) bool {
	for _, f := range files {
		v, has := lookup(f.front, k)
		if !has {
			continue
		}
		if _, both := f.front[to]; both {
			s.skip(fmt.Sprintf("%q not read as %q: files set both (the key is ignored)", k, to), f.path)
			return false
		}
		for other, t := range keyMap {
			if _, dup := lookup(f.front, other); dup && other != k && t == to && c.Keys[other] == to {
				s.skip(fmt.Sprintf("%q not read as %q: files also set %q (the key is ignored)", k, to, other), f.path)
				return false
			}
		}
		if to == "aliases" && !s.servable(c, v) {
			s.skip(fmt.Sprintf("old URLs in %q the Worker cannot serve as aliases (file extensions, query strings): the key is ignored", k), f.path)
			return false
		}
	}
	return true
}

// servable says whether every alias in v is one the Worker can answer.
func (s *Source) servable(c *FromCollection, v any) bool {
	list, ok := v.([]any)
	if str, isStr := v.(string); isStr {
		list, ok = []any{str}, true
	}
	if !ok {
		return false
	}
	for _, a := range list {
		str, isStr := a.(string)
		if !isStr {
			return false
		}
		if _, err := content.AliasPath(str, "/"+c.Name); err != nil {
			return false
		}
	}
	return true
}

// namesNotURLs says whether some file's aliases are names rather than
// site paths (a space or a comma in one: Obsidian's "aliases: Doggo,
// Woofer", "How to/Embed files"); each such file is reported.
func (s *Source) namesNotURLs(files []fromFile) bool {
	found := false
	for _, f := range files {
		list, ok := f.front["aliases"].([]any)
		if str, isStr := f.front["aliases"].(string); isStr {
			list, ok = []any{str}, true
		}
		if !ok {
			continue
		}
		for _, a := range list {
			if str, isStr := a.(string); isStr && strings.ContainsAny(str, " ,") {
				s.skip("aliases that are other names of a note (Obsidian), not old URLs: the key is ignored", f.path)
				found = true
				break
			}
		}
	}
	return found
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// sortedKeys returns the keys of m in order.
func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
