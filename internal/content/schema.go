package content

import (
	"fmt"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/axctl/axctl/internal/contract"
	"github.com/axctl/axctl/internal/render"
)

// schemaKeys are the frontmatter keys of the content model: these and the
// plain text fields' (contract.TextFields).
var schemaKeys = textKeys(map[string]bool{
	"title": true, "date": true, "tags": true, "features": true, "draft": true,
	"publishDate": true, "expires": true, "slug": true, "aliases": true,
})

func textKeys(keys map[string]bool) map[string]bool {
	for _, f := range contract.TextFields {
		keys[f.Key] = true
	}
	return keys
}

// Frontmatter is an entry's validated frontmatter.
type Frontmatter struct {
	Title string
	// The plain text fields (contract.TextFields), read as strings; the
	// record takes them as they are. Template is the Worker layout (post,
	// doc, page) the entry's template name maps to (Collection.Templates).
	contract.ListText
	contract.EntryText
	Slug                       string   // replaces the file name's part of the slug
	Aliases                    []string // site paths that redirect here (301)
	Date, PublishDate, Expires time.Time
	Tags                       []string
	Features                   []string // sorted "type:name"
	// Weight orders an undated collection (sortBy: weight); 0 is none.
	Weight int
	Draft  bool
}

// checker collects problems for one entry.
type checker struct {
	path     string
	loc      *locator
	out      []Problem
	warnings []Problem
	repeats  []render.KeyRepeat // top-level YAML keys set twice (render.Result.MetaRepeats)
}

func (c *checker) at(line, col int, format string, args ...any) {
	c.out = append(c.out, Problem{Path: c.path, Line: line, Col: col, Msg: fmt.Sprintf(format, args...)})
}

func (c *checker) warn(line, col int, msg string) {
	c.warnings = append(c.warnings, Problem{Path: c.path, Line: line, Col: col, Msg: msg, Warning: true})
}

func (c *checker) atValue(path []string, format string, args ...any) {
	l, col := c.loc.value(path...)
	c.at(l, col, format, args...)
}

// checkSchema validates the decoded map against the content model.
func (c *checker) checkSchema(m map[string]any, col *Collection, ps pathSlug) Frontmatter {
	var fm Frontmatter
	m = c.mapKeys(m, col)
	for k, lines := range c.loc.fm.keyLines {
		if len(lines) > 1 {
			c.at(lines[1], 1, "duplicate key %q (first set on line %d)", k, lines[0])
		}
	}
	// Repeats the line scan cannot see ("title", 'title', "\x74itle",
	// ? title, a flow mapping): found by the decoded key.
	for _, r := range c.repeats {
		if len(c.loc.fm.keyLines[r.Key]) < 2 {
			c.at(r.Line, 1, "duplicate key %q (first set on line %d)", r.Key, r.First)
			c.loc.fm.keyLines[r.Key] = append(c.loc.fm.keyLines[r.Key], r.First, r.Line) // once per key
		}
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !col.reads(k) && col.UnknownKeys != "ignore" {
			line, col := c.loc.key(k)
			msg := fmt.Sprintf("unknown key %q", k)
			if s := suggest(k); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			}
			c.at(line, col, "%s", msg)
		}
	}
	fm.Title = c.text(m, "title", true, false)
	fm.Date = c.date(m, "date", ps.date.IsZero() && col.Dates == "frontmatter" && !col.undated())
	if col.undated() {
		// Checked when given (a typo is still reported), never kept: an
		// undated collection's entries are ordered and shown without one.
		fm.Date = time.Time{}
		fm.Weight = c.weight(m)
	}
	if _, set := m["date"]; !set && fm.Date.IsZero() {
		if ps.date.IsZero() && col.Dates != "frontmatter" {
			c.at(c.loc.fm.openLine(), 1, "no date: the collection takes dates from the %s (%s), and this path has none; set date: in the frontmatter", col.Dates, map[string]string{"filename": "YYYY-MM-DD-slug.md", "folder": "YYYY/MM/DD.md"}[col.Dates])
		}
		fm.Date = ps.date
	}
	fm.Slug = c.slug(m)
	fm.Aliases = c.aliases(m, col)
	for _, f := range contract.TextFields {
		*f.In(&fm.ListText, &fm.EntryText) = c.text(m, f.Key, false, f.Multiline)
	}
	fm.PublishDate = c.date(m, "publishDate", false)
	fm.Expires = c.date(m, "expires", false)
	if v, ok := m["draft"]; ok {
		b, isBool := v.(bool)
		if !isBool {
			c.atValue([]string{"draft"}, "draft must be true or false, not %s", describe(v))
		}
		fm.Draft = b
	}
	if fm.Template == "" {
		fm.Template = col.Template
	}
	if layout, ok := col.Templates[fm.Template]; ok {
		fm.Template = layout
	} else {
		c.atValue([]string{"template"}, "template %q is not allowed in collection %q (allowed: %s; map another tool's template names with templates: {%s: post})", fm.Template, col.Name, strings.Join(col.Templates.names(), ", "), fm.Template)
	}
	if fm.Source != "" {
		if u, err := url.Parse(fm.Source); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			c.atValue([]string{"source"}, "source must be an absolute http(s) URL, not %q", fm.Source)
		}
	}
	if !fm.PublishDate.IsZero() && !fm.Expires.IsZero() && !fm.Expires.After(fm.PublishDate) {
		c.atValue([]string{"expires"}, "expires (%s) must be after publishDate (%s)", fm.Expires.Format(time.RFC3339), fm.PublishDate.Format(time.RFC3339))
	}
	if s, isStr := m["tags"].(string); isStr && col.SplitTags {
		m = maps.Clone(m)
		m["tags"] = splitTags(s)
	}
	fm.Tags = c.tags(m)
	fm.Features = c.features(m)
	if ids := col.featureIDs(); len(ids) > 0 {
		fm.Features = slices.Compact(slices.Sorted(slices.Values(append(fm.Features, ids...))))
	}
	for _, k := range col.Required {
		if v, ok := m[k]; !ok || v == nil {
			c.at(c.loc.fm.openLine(), 1, "collection %q requires %q", col.Name, k)
		} else if v == "" {
			c.atValue([]string{k}, "collection %q requires %q to be non-empty", col.Name, k)
		}
	}
	return fm
}

// text reads a string; a tab or line break in it is a problem unless multiline.
func (c *checker) text(m map[string]any, key string, required, multiline bool) string {
	v, ok := m[key]
	if !ok || v == nil {
		if required {
			c.at(c.loc.fm.openLine(), 1, "missing required key %q", key)
		}
		return ""
	}
	s, isStr := v.(string)
	if !isStr {
		c.atValue([]string{key}, "%s must be a string, not %s", key, describe(v))
		return ""
	}
	if required && strings.TrimSpace(s) == "" {
		c.atValue([]string{key}, "%s must not be empty", key)
	}
	if msg := badChars(s, multiline); msg != "" {
		c.atValue([]string{key}, "%s contains %s", key, msg)
		return "" // reported: no second problem about the same value
	}
	return s
}

// badChars describes the first character s must not hold, or returns "".
// Frontmatter strings reach HTML pages, HTTP headers (object metadata) and
// Atom feeds: C0 and C1 controls and U+FFFE/U+FFFF are not XML characters
// and break every feed; U+2028/U+2029 are line breaks to YAML and
// JavaScript but not to a reader; bidirectional embeddings, overrides and
// isolates can reorder the text around a title on the page. A tab and a
// line break are allowed in a multi-line field (description) only.
func badChars(s string, multiline bool) string {
	for i, r := range s {
		var what string
		switch {
		case (r == '\t' || r == '\n') && multiline:
			continue
		case r == '\t' || r == '\n' || r == '\r':
			what = "a tab or line break, in a one-line field"
		case r < 0x20 || r >= 0x7f && r <= 0x9f:
			what = "a control character"
		case r == 0x2028 || r == 0x2029:
			what = "a Unicode line or paragraph separator"
		case r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069:
			what = "a bidirectional embedding, override or isolate (write the text itself; U+200E and U+200F marks are allowed)"
		case r == 0xfffe || r == 0xffff:
			what = "a noncharacter"
		default:
			continue
		}
		return fmt.Sprintf("U+%04X at character %d: %s", r, utf8.RuneCountInString(s[:i])+1, what)
	}
	return ""
}

// invisibleChar describes the first character of a tag that shows nothing
// (zero-width space, soft hyphen, word joiner, BOM, Hangul fillers,
// variation selectors other than the emoji ones, tag characters), or
// returns "". A tag names a page: "x\u200bx" beside "xx", or a tag of only
// U+200B, would be pages that look the same, or like nothing. ZWJ and ZWNJ
// stay allowed (scripts and emoji need them), as do U+200E/U+200F marks.
func invisibleChar(s string) string {
	for i, r := range s {
		switch {
		case r == 0xad, r == 0x34f, r == 0x115f, r == 0x1160, r == 0x17b4, r == 0x17b5,
			r >= 0x180b && r <= 0x180f, r == 0x200b, r >= 0x2060 && r <= 0x2064,
			r >= 0x206a && r <= 0x206f, r == 0x3164, r >= 0xfe00 && r <= 0xfe0d,
			r == 0xfeff, r == 0xffa0, r >= 0x1d173 && r <= 0x1d17a, r >= 0xe0000 && r <= 0xe007f:
			return fmt.Sprintf("U+%04X at character %d: a character that shows nothing (a tag that looks like another, or like nothing, would get a page of its own)", r, utf8.RuneCountInString(s[:i])+1)
		}
	}
	return ""
}

// dateLayouts are the date forms frontmatter may use (docs/config.md): RFC
// 3339 and YYYY-MM-DD, Jekyll's "2006-01-02 15:04:05 +0200", and the other
// forms Hugo accepts (its cast.StringToDate list). A time without a zone is
// UTC.
var dateLayouts = []string{
	"2006-01-02", time.RFC3339, time.RFC3339Nano, "2006-01-02T15:04:05",
	"2006-01-02 15:04:05 -0700", "2006-01-02 15:04:05 -07:00", "2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05.999999999 -0700", "2006-01-02 15:04:05.999999999 -0700 MST",
	"2006-01-02 15:04:05", "2006-01-02 15:04 -0700", "2006-01-02 15:04", "2006-01-02T15:04:05-0700",
	"2006-01-02T15:04", "2006-01-02T15:04Z07:00",
	time.RFC1123Z, time.RFC1123, time.RFC822Z, time.RFC822, time.RFC850, time.ANSIC, time.UnixDate, time.RubyDate,
	"02 Jan 2006", "2 January 2006", "January 2, 2006", "Jan 2, 2006", "2006/01/02",
	// Astro's and JavaScript's "Jul 08 2022"; Hexo's "2013/7/13 20:46:25"
	// and "2013-7-13" (moment.js reads a year first, then month, then day).
	"Jan 2 2006", "January 2 2006", "2006/1/2 15:04:05", "2006/1/2 15:04", "2006/1/2",
	"2006-1-2 15:04:05", "2006-1-2 15:04", "2006-1-2",
}

// ambiguousDateRe is a date written day and month first, in either order
// ("07/08/2022": 7 August, or July 8): no reading is guessed.
var ambiguousDateRe = regexp.MustCompile(`^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})(?:[ T]|$)`)

func (c *checker) date(m map[string]any, key string, required bool) time.Time {
	v, ok := m[key]
	if !ok || v == nil {
		if required {
			c.at(c.loc.fm.openLine(), 1, "missing required key %q", key)
		}
		return time.Time{}
	}
	switch t := v.(type) {
	case time.Time:
		return c.dateInRange(key, t.Format(time.RFC3339Nano), t)
	case string:
		for _, layout := range dateLayouts {
			if d, err := time.Parse(layout, strings.TrimSpace(t)); err == nil {
				return c.dateInRange(key, t, d)
			}
		}
		if m := ambiguousDateRe.FindStringSubmatch(strings.TrimSpace(t)); m != nil {
			c.atValue([]string{key}, "%s %q is ambiguous: day/month/year or month/day/year, other tools read it either way; write it year first, YYYY-MM-DD", key, t)
			return time.Time{}
		}
		c.atValue([]string{key}, "%s %q is not a date (use YYYY-MM-DD, RFC 3339 such as 2026-11-02T09:30:00Z, or YYYY-MM-DD HH:MM:SS +ZZZZ)", key, t)
	default:
		c.atValue([]string{key}, "%s must be a date (YYYY-MM-DD or RFC 3339), not %s", key, describe(v))
	}
	return time.Time{}
}

// dateInRange returns d in UTC, or reports it and returns the zero time
// when its UTC instant is outside the years 0000–9999: the manifests,
// feeds and sitemaps write RFC 3339, which has four-digit years, and sync
// refused such a date after validate had passed it
// (9999-12-31T23:59:59-23:00 is 10000-01-01T22:59:59Z).
func (c *checker) dateInRange(key, written string, d time.Time) time.Time {
	u := d.UTC()
	if y := u.Year(); y < 0 || y > 9999 {
		c.atValue([]string{key}, "%s %q is %s in UTC, outside the years 0000 to 9999 that RFC 3339 (feeds, sitemaps, the bucket's manifests) can write", key, written, u.Format(time.RFC3339))
		return time.Time{}
	}
	return u
}

// weight reads an undated collection's weight: an integer within
// ±contract.MaxWeight; 0, like no weight, lists the entry last (Hugo's rule).
func (c *checker) weight(m map[string]any) int {
	v, ok := m["weight"]
	if !ok || v == nil {
		return 0
	}
	n, isInt := v.(int)
	if !isInt || n < -contract.MaxWeight || n > contract.MaxWeight {
		c.atValue([]string{"weight"}, "weight must be a whole number from %d to %d, not %s", -contract.MaxWeight, contract.MaxWeight, describe(v))
		return 0
	}
	return n
}

func (c *checker) tags(m map[string]any) []string {
	v, ok := m["tags"]
	if !ok || v == nil {
		return nil
	}
	list, isList := v.([]any)
	if !isList {
		c.atValue([]string{"tags"}, "tags must be a list (e.g. [caching, workers]), not %s", describe(v))
		return nil
	}
	seen := map[string]int{}
	var out []string
	for i, item := range list {
		s, isStr := item.(string)
		switch {
		case !isStr:
			c.atValue([]string{"tags", fmt.Sprintf("#%d", i)}, "tag %d must be a string, not %s", i+1, describe(item))
		case strings.TrimSpace(s) == "" || TagSlug(s) == "":
			c.atValue([]string{"tags", fmt.Sprintf("#%d", i)}, "tag %d is empty", i+1)
		case utf8.RuneCountInString(s) > 64:
			c.atValue([]string{"tags", fmt.Sprintf("#%d", i)}, "tag %d is longer than 64 characters", i+1)
		case badChars(s, false) != "":
			c.atValue([]string{"tags", fmt.Sprintf("#%d", i)}, "tag %d contains %s", i+1, badChars(s, false))
		case invisibleChar(s) != "":
			c.atValue([]string{"tags", fmt.Sprintf("#%d", i)}, "tag %d contains %s", i+1, invisibleChar(s))
		case !norm.NFC.IsNormalString(s):
			c.atValue([]string{"tags", fmt.Sprintf("#%d", i)}, "tag %d is not in Unicode NFC form (%+q is written %+q): a tag that looks like another would get a page of its own; write each accented letter as one character", i+1, s, norm.NFC.String(s))
		case tagSlugBytes(TagSlug(s)) > contract.MaxTagSlugBytes:
			c.atValue([]string{"tags", fmt.Sprintf("#%d", i)}, "tag %d's page name is %d bytes (its slug %.40s…); the Worker serves tag pages of at most %d: shorten the tag", i+1, tagSlugBytes(TagSlug(s)), TagSlug(s), contract.MaxTagSlugBytes)
		default:
			if j, dup := seen[TagSlug(s)]; dup {
				c.atValue([]string{"tags", fmt.Sprintf("#%d", i)}, "tag %q repeats tag %d", s, j+1)
				continue
			}
			seen[TagSlug(s)] = i
			out = append(out, s)
		}
	}
	return out
}

func (c *checker) features(m map[string]any) []string {
	v, ok := m["features"]
	if !ok || v == nil {
		return nil
	}
	mm, isMap := asStringMap(v)
	if !isMap {
		c.atValue([]string{"features"}, "features must be a map of type to names (e.g. {syntax: [code]}), not %s", describe(v))
		return nil
	}
	types := make([]string, 0, len(mm))
	for t := range mm {
		types = append(types, t)
	}
	sort.Strings(types)
	var out []string
	for _, typ := range types {
		names, isList := mm[typ].([]any)
		if !isList {
			c.atValue([]string{"features", typ}, "features.%s must be a list of names (e.g. [code]), not %s", typ, describe(mm[typ]))
			continue
		}
		for i, n := range names {
			name, isStr := n.(string)
			if !isStr {
				c.atValue([]string{"features", typ, fmt.Sprintf("#%d", i)}, "feature name must be a string, not %s", describe(n))
				continue
			}
			if err := render.CheckDeclared(typ, name); err != nil {
				c.atValue([]string{"features", typ, fmt.Sprintf("#%d", i)}, "%v", err)
				continue
			}
			out = append(out, typ+":"+name)
		}
	}
	sort.Strings(out)
	return out
}

// asStringMap accepts the map shapes YAML decoders produce.
func asStringMap(v any) (map[string]any, bool) {
	switch m := v.(type) {
	case map[string]any:
		return m, true
	case map[any]any:
		out := make(map[string]any, len(m))
		for k, val := range m {
			out[fmt.Sprint(k)] = val
		}
		return out, true
	}
	return nil, false
}

func describe(v any) string {
	switch t := v.(type) {
	case string:
		return fmt.Sprintf("the string %q", t)
	case bool:
		return fmt.Sprintf("the boolean %v", t)
	case int, int64, uint64, float64:
		return fmt.Sprintf("the number %v", t)
	case []any:
		return "a list"
	case map[string]any, map[any]any:
		return "a map"
	case time.Time:
		return "a date"
	}
	return fmt.Sprintf("%T", v)
}

// suggest returns the schema key closest to k when it is a likely typo.
func suggest(k string) string {
	best, bestD := "", 3
	for s := range schemaKeys {
		if d := editDistance(strings.ToLower(k), strings.ToLower(s)); d < bestD || d == bestD && s < best && best != "" {
			best, bestD = s, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}
