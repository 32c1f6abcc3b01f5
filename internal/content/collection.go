package content

import (
	"fmt"
	"maps"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/axctl/axctl/internal/contract"
	"github.com/axctl/axctl/internal/render"
	"github.com/bmatcuk/doublestar/v4"
	"go.yaml.in/yaml/v3"
)

// TemplateMap is a collection's templates: the names entries may give in
// `template:`, each mapped to the Worker layout it is drawn with. The list
// form [post, doc] maps each layout to itself; the map form names other
// tools' templates: {blog: post, reflection: post}.
type TemplateMap map[string]string

// UnmarshalYAML accepts the list and the map form.
func (t *TemplateMap) UnmarshalYAML(n *yaml.Node) error {
	m := TemplateMap{}
	switch n.Kind {
	case yaml.SequenceNode:
		var list []string
		if err := n.Decode(&list); err != nil {
			return err
		}
		for _, s := range list {
			m[s] = s
		}
	case yaml.MappingNode:
		var mm map[string]string
		if err := n.Decode(&mm); err != nil {
			return err
		}
		for k, v := range mm {
			m[k] = v
		}
	default:
		return fmt.Errorf("line %d: templates must be a list [post, doc] or a map {blog: post}", n.Line)
	}
	*t = m
	return nil
}

// names returns the template names, sorted.
func (t TemplateMap) names() []string {
	out := make([]string, 0, len(t))
	for k := range t {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

var dateModes = map[string]bool{"frontmatter": true, "filename": true, "folder": true}

// checkOptions validates the options that fit a collection to an existing
// tree: globs, the date source and the frontmatter key mapping.
func (c *Config) checkOptions(col *Collection) error {
	for _, g := range append(append([]string{}, col.Include...), col.Exclude...) {
		if !doublestar.ValidatePattern(strings.Trim(g, "/")) || strings.Trim(g, "/") == "" || strings.Contains(g, "..") {
			return c.errorAt(col, "glob %q is not valid: use a pattern relative to the folder, like \"**/*.md\", \"_drafts/\" or \"/README.md\"", g)
		}
	}
	if !dateModes[col.Dates] {
		return c.errorAt(col, "dates %q must be frontmatter, filename (YYYY-MM-DD-slug.md) or folder (YYYY/MM/DD.md)", col.Dates)
	}
	if col.SortBy != "date" && col.SortBy != contract.SortWeight {
		return c.errorAt(col, "sortBy %q must be date (entries dated, newest first) or weight (no dates: weight, then title)", col.SortBy)
	}
	if col.Titles != "frontmatter" && col.Titles != "heading" {
		return c.errorAt(col, "titles %q must be frontmatter (a title: in each file) or heading (frontmatter optional; the leading # heading, else the file name)", col.Titles)
	}
	if col.undated() && col.Dates != "frontmatter" {
		return c.errorAt(col, "dates: %s takes dates from paths, but sortBy: weight lists entries without dates; drop one of them", col.Dates)
	}
	if col.UnknownKeys != "error" && col.UnknownKeys != "ignore" {
		return c.errorAt(col, "unknownKeys %q must be error or ignore", col.UnknownKeys)
	}
	for _, from := range sortedKeys(col.Keys) {
		to := col.Keys[from]
		switch {
		case col.reads(from):
			return c.errorAt(col, "keys: %q is a frontmatter key of its own; only other names can map to one", from)
		case !col.reads(to):
			return c.errorAt(col, "keys: %q maps to %q, which is not a frontmatter key (%s)", from, to, strings.Join(modelKeys(), ", "))
		}
	}
	for _, typ := range sortedKeys(col.Features) {
		for _, name := range col.Features[typ] {
			if err := render.CheckDeclared(typ, name); err != nil {
				return c.errorAt(col, "features: %v", err)
			}
		}
	}
	for _, k := range col.IgnoreKeys {
		// aliases may be ignored: Obsidian's name a note, they are not URLs.
		if col.reads(k) && k != "aliases" || col.Keys[k] != "" {
			return c.errorAt(col, "ignoreKeys: %q is a key axctl reads; it cannot be ignored", k)
		}
	}
	return nil
}

// featureIDs are the feature IDs ("blocks:callouts") col declares for
// every entry, sorted.
func (col *Collection) featureIDs() []string {
	var out []string
	for typ, names := range col.Features {
		for _, n := range names {
			out = append(out, typ+":"+n)
		}
	}
	sort.Strings(out)
	return out
}

// undated reports whether col lists its entries by weight, without dates.
func (col *Collection) undated() bool { return col.SortBy == contract.SortWeight }

// reads reports whether k is a frontmatter key col reads: the model's,
// and weight in an undated collection (elsewhere weight stays another
// tool's key, to map, ignore or refuse).
func (col *Collection) reads(k string) bool {
	return schemaKeys[k] || k == "weight" && col.undated()
}

// sortedKeys returns the keys of m in order.
func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

func modelKeys() []string {
	out := sortedKeys(schemaKeys)
	return out
}

// included says whether rel (relative to the collection's folder,
// slash-separated) is an entry of col by its include and exclude globs. A
// pattern without "/" matches a name at any depth ("README.md"); one ending
// in "/" matches a folder and everything under it ("_drafts/"); one
// starting with "/" is anchored at the folder ("/*.md": its own files only).
func (col *Collection) included(rel string) bool {
	if len(col.Include) > 0 && !matchAny(col.Include, rel) {
		return false
	}
	return !matchAny(col.Exclude, rel)
}

// excludedDir says whether the folder rel is excluded as a whole.
func (col *Collection) excludedDir(rel string) bool {
	for _, g := range col.Exclude {
		if strings.HasSuffix(g, "/") && globMatch(strings.TrimSuffix(g, "/"), rel) {
			return true
		}
	}
	return false
}

func matchAny(globs []string, rel string) bool {
	for _, g := range globs {
		if strings.HasSuffix(g, "/") {
			g = strings.TrimSuffix(g, "/")
			for dir := path.Dir(rel); dir != "."; dir = path.Dir(dir) {
				if globMatch(g, dir) {
					return true
				}
			}
			continue
		}
		if globMatch(g, rel) {
			return true
		}
	}
	return false
}

func globMatch(g, rel string) bool {
	if anchored, ok := strings.CutPrefix(g, "/"); ok {
		ok, _ := doublestar.Match(anchored, rel)
		return ok
	}
	if !strings.Contains(g, "/") {
		ok, _ := doublestar.Match(g, path.Base(rel))
		return ok
	}
	ok, _ := doublestar.Match(g, rel)
	return ok
}

// defaultTemplate is a collection's template when axctl.yaml names none:
// post, or else the first of its templates drawn as a post, or else its
// first template.
func defaultTemplate(t TemplateMap) string {
	if _, ok := t["post"]; ok || len(t) == 0 {
		return "post"
	}
	names := t.names()
	for _, n := range names {
		if t[n] == "post" {
			return n
		}
	}
	return names[0]
}

// mayInclude says whether the folder dir (relative to the collection's
// folder; "." for the folder itself) can hold a file the include globs
// take: the walk skips the others, so a collection at the root of a
// repository does not read node_modules.
func (col *Collection) mayInclude(dir string) bool {
	if len(col.Include) == 0 || dir == "." {
		return true
	}
	dirSegs := strings.Split(dir, "/")
	for _, g := range col.Include {
		anchored, ok := strings.CutPrefix(g, "/")
		if !ok {
			return true // matches at any depth
		}
		isDir := strings.HasSuffix(anchored, "/")
		segs := strings.Split(strings.TrimSuffix(anchored, "/"), "/")
		if !isDir && len(dirSegs) >= len(segs) && !strings.Contains(anchored, "**") {
			continue // the file pattern is shallower than dir
		}
		if prefixMatch(segs, dirSegs) {
			return true
		}
	}
	return false
}

// prefixMatch says whether the path segments dir can lie on a path the
// pattern segments pat match ("**" matches the rest).
func prefixMatch(pat, dir []string) bool {
	for i := 0; i < len(dir) && i < len(pat); i++ {
		if pat[i] == "**" {
			return true
		}
		if ok, _ := doublestar.Match(pat[i], dir[i]); !ok {
			return false
		}
	}
	return true
}
