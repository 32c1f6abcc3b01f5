package content

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/axctl/axctl/internal/contract"
)

// mapKeys applies the collection's key mapping to the decoded frontmatter:
// a key of another tool (summary) becomes the model's (description), and
// ignored keys are dropped. It returns a new map; positions of a renamed
// key are still found under its own name (locator.renamed).
func (c *checker) mapKeys(m map[string]any, col *Collection) map[string]any {
	if len(col.Keys) == 0 && len(col.IgnoreKeys) == 0 {
		return m
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	// "table.key" (Zola's taxonomies.tags) is taken out of its table
	// before the table itself may be ignored.
	nested := map[string]any{}
	for _, from := range sortedKeys(col.Keys) {
		if v, ok := takeNested(out, from); ok {
			nested[from] = v
		}
	}
	for _, k := range col.IgnoreKeys {
		delete(out, k)
	}
	for _, from := range sortedKeys(col.Keys) {
		v, ok := out[from]
		if n, isNested := nested[from]; isNested {
			v, ok = n, true
		}
		if !ok {
			continue
		}
		to := col.Keys[from]
		delete(out, from)
		if _, both := out[to]; both {
			line, col := c.loc.key(from)
			c.at(line, col, "both %q and %q are set, and keys: maps %q to %q: keep one", from, to, from, to)
			continue
		}
		if s, isStr := v.(string); isStr && to == "tags" {
			v = splitTags(s) // Jekyll: "category: release", "tags: a b"
		}
		out[to] = v
		if c.loc.renamed == nil {
			c.loc.renamed = map[string]string{}
		}
		c.loc.renamed[to] = from
	}
	return out
}

// takeNested removes the key "table.key" from its table in m (a copy of
// the table without it takes its place; an emptied table is removed) and
// returns its value. A key without a dot, or a frontmatter key written
// with the dot, is not nested.
func takeNested(m map[string]any, dotted string) (any, bool) {
	table, key, ok := strings.Cut(dotted, ".")
	if _, plain := m[dotted]; !ok || plain {
		return nil, false
	}
	t, isMap := asStringMap(m[table])
	if !isMap {
		return nil, false
	}
	v, ok := t[key]
	if !ok {
		return nil, false
	}
	rest := make(map[string]any, len(t))
	for k, x := range t {
		if k != key {
			rest[k] = x
		}
	}
	if len(rest) == 0 {
		delete(m, table)
	} else {
		m[table] = rest
	}
	return v, true
}

// splitTags reads a tag string of another tool as its list: words split on
// spaces and commas.
func splitTags(s string) []any {
	var out []any
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' || r == '\t' }) {
		out = append(out, f)
	}
	return out
}

var slugValueRe = regexp.MustCompile(contract.SlugPattern)

// slug reads the frontmatter slug: it replaces the file name's part of the
// entry's slug (the folders stay), or, written with a leading "/", the
// whole slug in the collection.
func (c *checker) slug(m map[string]any) string {
	v, ok := m["slug"]
	if !ok || v == nil {
		return ""
	}
	s, isStr := v.(string)
	// A leading "/" (Docusaurus: slug: /presets) is the entry's whole slug
	// in its collection: its folders are not kept. Kept in the value so
	// slugOf knows.
	rest, abs := strings.CutPrefix(s, "/")
	switch {
	case !isStr:
		c.atValue([]string{"slug"}, "slug must be a string, not %s", describe(v))
	case abs && rest == "":
		c.atValue([]string{"slug"}, "slug \"/\" names the collection's own page, which the Worker draws (its listing): remove the slug, or exclude the file")
	case abs && slugValueRe.MatchString(rest):
		return s
	case slugValueRe.MatchString(s):
		return s
	default:
		// Another generator's slug (MDN's "Web/HTML/Element", Hugo's
		// "My Post", a trailing "/"): each segment normalized as a file
		// name's is, as Hugo and Jekyll publish it, with a warning.
		n, err := normSlugValue(rest)
		if err != nil {
			c.atValue([]string{"slug"}, "slug %q %v", s, err)
			return ""
		}
		if abs {
			n = "/" + n
		}
		l, col := c.loc.value("slug")
		c.warn(l, col, fmt.Sprintf("slug %q is published as %q (slugs are lowercase a-z, 0-9 and -, in segments joined by /)", s, n))
		return n
	}
	return ""
}

// normSlugValue is a frontmatter slug (without a leading "/") normalized
// segment by segment as a file's path is (normSegment); one trailing "/" is
// dropped. A segment with no letter or digit ("", ".", "..") is an error.
func normSlugValue(s string) (string, error) {
	segs := strings.Split(strings.TrimSuffix(s, "/"), "/")
	for i, seg := range segs {
		n, err := normSegment(seg)
		if err != nil {
			if seg == "" {
				return "", fmt.Errorf("has an empty segment (slugs are segments of a-z, 0-9 and - joined by /)")
			}
			return "", fmt.Errorf("segment %q %v", seg, err)
		}
		segs[i] = n
	}
	return strings.Join(segs, "/"), nil
}

// aliasRe is an alias path as the Worker can be asked for it without a
// bucket read being refused first (routes.js possible()): a route-shaped
// first segment, then slug segments.
var aliasRe = regexp.MustCompile(`^/[a-z0-9][a-z0-9-]{0,63}(?:/[a-z0-9-]+)*$`)

// aliases reads the frontmatter aliases: site paths (or paths relative to
// the collection's route) that answer 301 to the entry. Each is given in
// the one spelling the Worker serves (canon.js: lowercase, no trailing /).
func (c *checker) aliases(m map[string]any, col *Collection) []string {
	v, ok := m["aliases"]
	if !ok || v == nil {
		return nil
	}
	list, isList := v.([]any)
	if s, isStr := v.(string); isStr {
		list = []any{s}
	} else if !isList {
		c.atValue([]string{"aliases"}, "aliases must be a list of site paths (e.g. [/old/path]), not %s", describe(v))
		return nil
	}
	var out []string
	seen := map[string]bool{}
	for i, item := range list {
		at := []string{"aliases", fmt.Sprintf("#%d", i)}
		s, isStr := item.(string)
		if !isStr {
			c.atValue(at, "alias %d must be a string, not %s", i+1, describe(item))
			continue
		}
		p, err := aliasPath(s, col.Route)
		if err != nil {
			c.atValue(at, "alias %q %v", s, err)
			continue
		}
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}

// aliasPath returns the canonical site path of an alias, or why it cannot
// be one.
func aliasPath(s, route string) (string, error) {
	p := strings.TrimSpace(s)
	if strings.Contains(p, "://") || strings.HasPrefix(p, "//") {
		return "", fmt.Errorf("must be a path on this site, not a URL")
	}
	if !strings.HasPrefix(p, "/") {
		p = route + "/" + p
	}
	p = strings.ToLower(strings.TrimRight(p, "/"))
	for strings.Contains(p, "//") {
		p = strings.ReplaceAll(p, "//", "/")
	}
	switch {
	case p == "":
		return "", fmt.Errorf("is the home page, which is not an entry's to redirect")
	case !aliasRe.MatchString(p):
		return "", fmt.Errorf("cannot be served: an alias is /segment/… of a-z, 0-9 and - (no file extension such as .html, no query)")
	case contract.IsReservedRoute(firstSegment(p)) || contract.IsReservedRoute(p):
		return "", fmt.Errorf("lies under a path the Worker answers itself (%s)", strings.Join(contract.ReservedRoutes, ", "))
	}
	return p, nil
}

func firstSegment(p string) string {
	if i := strings.IndexByte(p[1:], '/'); i >= 0 {
		return p[:i+1]
	}
	return p
}
