package scaffold

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/axctl/axctl/internal/content"
)

// q quotes s as a YAML scalar when it needs quoting, always on one line:
// yaml.Marshal writes a string with a line break as a block scalar ("|-"
// and the lines below it), whose lines, written after "    folder: ",
// were read as keys of the collection. A folder named
// "html: strict\nunknownKeys: ignore" set both. Such a string is written
// double-quoted with escapes instead.
func q(s string) string {
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
	if strings.ContainsAny(s, "\n\r\u0085\u2028\u2029") {
		n.Style = yaml.DoubleQuotedStyle
	}
	b, _ := yaml.Marshal(n)
	return strings.TrimSuffix(string(b), "\n")
}

func list(items []string) string {
	out := make([]string, len(items))
	for i, s := range items {
		out[i] = q(s)
	}
	return "[" + strings.Join(out, ", ") + "]"
}

func dict(m map[string]string) string {
	var out []string
	for _, k := range sortedKeys(m) {
		out = append(out, q(k)+": "+q(m[k]))
	}
	return "{" + strings.Join(out, ", ") + "}"
}

// Config renders the axctl.yaml that publishes the tree in place.
func (s *Source) Config() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# axctl configuration written by `axctl init --from` for %s", s.Kind.article())
	if s.ConfigFile != "" {
		fmt.Fprintf(&b, " (%s)", s.ConfigFile)
	}
	b.WriteString(".\n# It publishes the files where they are; none was changed. See docs/config.md\n# and docs/migrating.md in github.com/axctl/axctl.\n")
	title := s.Title
	if title == "" {
		title = filepath.Base(mustAbs(s.Dir))
	}
	base := s.BaseURL
	if base = strings.TrimRight(base, "/"); base == "" || content.CheckBaseURL(base) != nil {
		base = "https://" + Placeholder + ".workers.dev"
	}
	fmt.Fprintf(&b, "site:\n  title: %s\n  baseURL: %s\n", q(title), q(strings.TrimRight(base, "/")))
	if s.Lang != "" {
		fmt.Fprintf(&b, "  lang: %s   # from %s: every page's <html lang>\n", q(s.Lang), s.ConfigFile)
	}
	fmt.Fprintf(&b, "content: %s\n", q(s.Content))
	if s.Static != "" {
		fmt.Fprintf(&b, "# site-absolute paths (/img/x.png) are files in this folder\nstatic: %s\n", q(s.Static))
	}
	b.WriteString("# Where `axctl sync` writes: s3://<your R2 bucket> (credentials from the\n# environment); without it, the local bucket file://.axctl/bucket.\n# target: s3://" + Placeholder + "\n")
	b.WriteString("collections:\n")
	for _, c := range s.Collections {
		fmt.Fprintf(&b, "  - name: %s\n    folder: %s\n    title: %s\n    template: %s\n", q(c.Name), q(c.Folder), q(c.Title), q(c.Template))
		if len(c.Templates) > 0 {
			fmt.Fprintf(&b, "    templates: %s\n", dict(c.Templates))
		}
		if c.Dates != "frontmatter" {
			fmt.Fprintf(&b, "    dates: %s\n", c.Dates)
		}
		if c.Titles != "" {
			fmt.Fprintf(&b, "    titles: %s   # files without a title: the leading # heading, else the file name\n", c.Titles)
		}
		if c.SortBy != "" {
			fmt.Fprintf(&b, "    sortBy: %s   # pages without dates: by weight, then title\n", c.SortBy)
		}
		if len(c.Include) > 0 {
			fmt.Fprintf(&b, "    include: %s\n", list(c.Include))
		}
		if len(c.Exclude) > 0 {
			ex := append([]string(nil), c.Exclude...)
			sort.Strings(ex)
			fmt.Fprintf(&b, "    exclude: %s\n", list(ex))
		}
		if len(c.Keys) > 0 {
			fmt.Fprintf(&b, "    keys: %s\n", dict(c.Keys))
		}
		if len(c.IgnoreKeys) > 0 {
			fmt.Fprintf(&b, "    ignoreKeys: %s\n", list(c.IgnoreKeys))
		}
		if c.SplitTags > 0 {
			b.WriteString("    splitTags: true\n")
		}
		if c.Alerts > 0 {
			b.WriteString("    features: {blocks: [callouts]}   # callouts (> [!NOTE], > [!info]+ Title) render as boxes\n")
		}
	}
	return b.Bytes()
}

func mustAbs(p string) string {
	a, err := filepath.Abs(p)
	if err != nil {
		return p
	}
	return a
}

// notes explain ignored keys whose meaning is lost, not just unread.
var notes = map[string]string{
	"permalink": "URLs come from file paths: the old URLs are not kept (list them in aliases:)",
	"url":       "URLs come from file paths: the old URLs are not kept (list them in aliases:)",
	"weight":    "collections are ordered by date, newest first",
	"layout":    "the Worker draws every entry with its collection's template",
	"type":      "the Worker draws every entry with its collection's template",
	"menu":      "the Worker has no menus",
	// Other generators' keys whose meaning is lost.
	"updatedDate":        "the date a page was last changed is not shown",
	"lastmod":            "the date a page was last changed is not shown",
	"last_update":        "the date a page was last changed is not shown",
	"heroImage":          "images named in the frontmatter are not shown (put the image in the text)",
	"image":              "images named in the frontmatter are not shown (put the image in the text)",
	"cover":              "images named in the frontmatter are not shown (put the image in the text)",
	"authors":            "a list of authors is not shown; author: takes one name",
	"sidebar_position":   "entries are ordered by date (an undated collection reads it as weight)",
	"nav_order":          "entries are ordered by date (an undated collection reads it as weight)",
	"sidebar_label":      "the Worker draws no sidebar",
	"eleventyNavigation": "the Worker has no menus",
	"parent":             "the Worker has no menus: pages are not nested under a parent",
	"has_children":       "the Worker has no menus: pages are not nested under a parent",
	"grand_parent":       "the Worker has no menus: pages are not nested under a parent",
}

// Report writes what Inspect mapped and what it could not, with counts.
func (s *Source) Report(w io.Writer) {
	fmt.Fprintf(w, "found %s", s.Kind.article())
	if s.ConfigFile != "" {
		fmt.Fprintf(w, " (%s)", s.ConfigFile)
	}
	fmt.Fprintf(w, " in %s; content root %s", s.Dir, s.Content)
	if s.Static != "" {
		fmt.Fprintf(w, ", static folder %s", s.Static)
	}
	if s.Lang != "" {
		fmt.Fprintf(w, ", language %s", s.Lang)
	}
	fmt.Fprintln(w)
	total := 0
	for _, c := range s.Collections {
		total += c.Entries
	}
	fmt.Fprintf(w, "mapped: %d entries in %d collections\n", total, len(s.Collections))
	for _, c := range s.Collections {
		order := "dates from " + c.Dates
		if c.SortBy != "" {
			order = "no dates: sorted by weight, then title"
		}
		fmt.Fprintf(w, "  %-12s %-16s %4d entries  route /%s, template %s, %s\n", c.Name, c.Folder+"/", c.Entries, c.Name, c.Template, order)
		for _, k := range sortedKeys(c.Keys) {
			fmt.Fprintf(w, "    key %s → %s (%d files)\n", k, c.Keys[k], c.mapped[k])
		}
		if c.SplitTags > 0 {
			fmt.Fprintf(w, "    tags written as one string split at spaces and commas (%d files)\n", c.SplitTags)
		}
		if c.Alerts > 0 {
			fmt.Fprintf(w, "    callouts (> [!NOTE], > [!info]+ Title) render as boxes: features {blocks: [callouts]} (%d files)\n", c.Alerts)
		}
		for _, t := range sortedKeys(c.Templates) {
			if c.Templates[t] != t {
				fmt.Fprintf(w, "    template %s → layout %s\n", t, c.Templates[t])
			}
		}
	}
	s.sortSkips()
	ignored := 0
	for _, c := range s.Collections {
		ignored += len(c.IgnoreKeys)
	}
	fmt.Fprintf(w, "not carried: %d kinds of files left out, %d frontmatter keys ignored\n", len(s.Skipped), ignored)
	for _, k := range s.Skipped {
		fmt.Fprintf(w, "  %d %s\n", len(k.Paths), k.What)
		for i, p := range k.Paths {
			if i == 5 {
				fmt.Fprintf(w, "      … and %d more\n", len(k.Paths)-5)
				break
			}
			fmt.Fprintf(w, "      %s\n", content.Printable(p))
		}
	}
	for _, c := range s.Collections {
		for _, k := range c.IgnoreKeys {
			line := fmt.Sprintf("  key %s in %s: ignored (%d files)", k, c.Name, c.keyFiles[k])
			if n := notes[k]; n != "" {
				line += ": " + n
			}
			fmt.Fprintln(w, line)
		}
	}
}

// WriteFrom writes the scaffold around an existing tree in dir: the
// Worker, the workflows and .gitignore, as Write does, and config as
// axctl.yaml; never the example entry. No existing file is overwritten.
func WriteFrom(dir string, config []byte) ([]Result, error) {
	files, err := Files()
	if err != nil {
		return nil, fmt.Errorf("read scaffold: %w", err)
	}
	var out []Result
	for _, f := range files {
		data := f.Data
		switch {
		case strings.HasPrefix(f.Path, "content/"):
			continue
		case f.Path == "axctl.yaml":
			data = config
		}
		st, err := writeOne(filepath.Join(dir, filepath.FromSlash(f.Path)), data)
		if err != nil {
			return out, err
		}
		out = append(out, Result{Path: f.Path, Status: st})
	}
	return out, nil
}
