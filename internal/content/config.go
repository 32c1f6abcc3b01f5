// Package content loads a site: its config, its collections, and every
// entry's frontmatter and Markdown, validated against the content model.
package content

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
	"golang.org/x/text/language"

	"github.com/axctl/axctl/internal/contract"
	"github.com/axctl/axctl/internal/render"
)

// DefaultTarget is where sync writes when neither flag nor config says.
const DefaultTarget = "file://.axctl/bucket"

// DefaultMetadataBytes is limits.metadataBytes unless set: the strictest
// target's limit. MinIO, AWS S3 and Miniflare's local R2 (make demo, make
// preview) refuse more than 2,048 bytes of custom metadata per object, as
// contract.MetadataSize counts them (header names included).
const DefaultMetadataBytes = 2048

// MaxMetadataBytes is R2's limit: a config whose bucket is only ever R2 may
// raise limits.metadataBytes to it.
const MaxMetadataBytes = 8192

// DefaultAssetBytes is limits.assetBytes unless set: 25 MiB, the largest
// static asset a Worker serves.
const DefaultAssetBytes = 25 << 20

// Config is axctl.yaml.
type Config struct {
	// Path is the file the config came from ("" for the built-in default).
	Path string `yaml:"-"`
	// Dir is the directory relative paths in the config are resolved from.
	Dir string `yaml:"-"`

	Site             Site   `yaml:"site"`
	Content          string `yaml:"content"` // content root, default "content"
	Target           string `yaml:"target"`
	S3               S3     `yaml:"s3"`
	Limits           Limits `yaml:"limits"`
	AllowUnknownKeys bool   `yaml:"allowUnknownKeys"`
	AllowHidden      bool   `yaml:"allowHidden"` // publish files and folders whose name starts with "."
	PageSize         int    `yaml:"pageSize"`
	// Static is a folder (relative to axctl.yaml) that site-absolute
	// paths (/img/x.png) resolve in; without it they are errors.
	Static string `yaml:"static"`
	// HTML is what raw HTML in Markdown may be: "safe" (default: comments
	// dropped, an allowlist sanitized) or "strict" (none at all).
	HTML string `yaml:"html"`
	// DropTitleHeading (default true) drops an entry's leading "# heading"
	// equal to its title, which the layout shows already.
	DropTitleHeading *bool        `yaml:"dropTitleHeading"`
	Purge            Purge        `yaml:"purge"`
	Images           Images       `yaml:"images"`
	Collections      []Collection `yaml:"collections"`

	contentLine, contentCol int // position of content: in axctl.yaml (0: not set)
}

// Site holds site-wide settings.
type Site struct {
	Title   string `yaml:"title"`
	BaseURL string `yaml:"baseURL"`
	// Lang is the BCP 47 tag on every page's <html lang> (default "en").
	Lang string `yaml:"lang"`
}

// Images holds what validation asks of images.
type Images struct {
	// Alt is what an image without alt text is: "warn" (default) or "error"
	// (validation fails; sync writes nothing).
	Alt string `yaml:"alt"`
}

// Purge says how `axctl purge` and `sync --purge` reach the cache. Secrets
// come from the environment only.
type Purge struct {
	Via string `yaml:"via"` // worker (default), zone, or xkey (a local Varnish)
	URL string `yaml:"url"` // worker: the site (default site.baseURL); xkey: the cache
}

// S3 holds non-secret S3 settings; credentials come from the environment.
type S3 struct {
	Endpoint string `yaml:"endpoint"`
}

// Limits bound what an entry may be.
type Limits struct {
	MetadataBytes int   `yaml:"metadataBytes"` // default DefaultMetadataBytes; R2-only buckets up to MaxMetadataBytes
	EntryBytes    int64 `yaml:"entryBytes"`    // size of one Markdown file
	// AssetBytes bounds one linked file; default 25 MiB, the Workers
	// static-asset limit. Hashing and upload stream, so it bounds time and
	// bucket size, not memory.
	AssetBytes int64 `yaml:"assetBytes"`
	// RenderTime is one entry's render budget (default 2s): code blocks
	// not highlighted by then are shown plain, with a warning.
	RenderTime time.Duration `yaml:"renderTime"`
	// TableCells bounds the cells of an entry's tables (rows × header
	// columns, default 100,000) and Nesting the depth of blockquotes and
	// lists (default 32): both cost the Markdown parser far more than
	// their bytes (render/prescan.go).
	TableCells int `yaml:"tableCells"`
	Nesting    int `yaml:"nesting"`
}

// Feed is how a collection's Atom feed shows its entries.
type Feed struct {
	// Full puts each entry's whole rendered body in the feed's
	// <content type="html"> (the Worker reads the newest 20 bodies), not
	// only its description.
	Full bool `yaml:"full"`
}

// Collection is one folder of entries served under one route.
type Collection struct {
	Name      string      `yaml:"name"`
	Folder    string      `yaml:"folder"` // relative to the content root; default Name
	Route     string      `yaml:"route"`  // default "/" + Name
	Title     string      `yaml:"title"`
	Template  string      `yaml:"template"`  // default template
	Templates TemplateMap `yaml:"templates"` // allowed, each to its Worker layout; default {Template: Template}
	Required  []string    `yaml:"required"`  // extra required frontmatter keys
	// Include and Exclude are globs relative to Folder (collection.go):
	// which Markdown files are entries.
	Include []string `yaml:"include"`
	Exclude []string `yaml:"exclude"`
	// Dates says where an entry's date comes from: frontmatter (default),
	// filename (YYYY-MM-DD-slug.md) or folder (YYYY/MM/DD.md); a date in
	// the frontmatter wins over the path's.
	Dates string `yaml:"dates"`
	// SortBy is date (default: every entry has a date, newest first) or
	// weight (contract.SortWeight: entries need no date and list by their
	// frontmatter weight, then title, then slug; docs/config.md, "Undated
	// collections").
	SortBy string `yaml:"sortBy"`
	// Titles is frontmatter (default: every entry has frontmatter with a
	// title) or heading: frontmatter is optional, and an entry without a
	// title takes its leading "# heading" (then not shown twice), else its
	// file name (docs/config.md, "Titles from headings").
	Titles string `yaml:"titles"`
	// Keys maps frontmatter keys of other tools to the content model's
	// ({summary: description}); IgnoreKeys are accepted and dropped;
	// UnknownKeys (error or ignore) says what every other key is.
	Keys        map[string]string `yaml:"keys"`
	IgnoreKeys  []string          `yaml:"ignoreKeys"`
	UnknownKeys string            `yaml:"unknownKeys"`
	// SplitTags reads tags given as one string ("a b", Jekyll's form) as
	// the list of its words, split at spaces and commas.
	SplitTags bool   `yaml:"splitTags"`
	HTML      string `yaml:"html"` // safe or strict; default the top-level html
	// DropTitleHeading overrides the top-level dropTitleHeading.
	DropTitleHeading *bool `yaml:"dropTitleHeading"`
	// Features are declared for every entry of the collection, beside
	// those its own frontmatter declares ({blocks: [callouts]}: the GitHub
	// alerts of a tree written for GitHub, MDN or DocFX).
	Features map[string][]string `yaml:"features"`
	Feed     Feed                `yaml:"feed"`

	line, col int // position in axctl.yaml, for errors found later
}

// Templates the Worker knows how to lay out.
var knownTemplates = map[string]bool{"post": true, "doc": true, "page": true}

// Default is the config used when no axctl.yaml exists: blog and docs.
func Default() *Config {
	c := &Config{
		Dir:         ".",
		Site:        Site{Title: "axctl", BaseURL: "http://127.0.0.1:8787"},
		Collections: []Collection{{Name: "blog", Template: "post"}, {Name: "docs", Template: "doc"}},
	}
	c.fill()
	return c
}

func (c *Config) fill() {
	if c.Content == "" {
		c.Content = "content"
	}
	if c.Target == "" {
		c.Target = DefaultTarget
	}
	if c.Limits.MetadataBytes == 0 {
		c.Limits.MetadataBytes = DefaultMetadataBytes
	}
	if c.Limits.EntryBytes == 0 {
		c.Limits.EntryBytes = 1 << 20
	}
	if c.Limits.RenderTime == 0 {
		c.Limits.RenderTime = render.DefaultRenderTime
	}
	if c.Limits.TableCells == 0 {
		c.Limits.TableCells = render.DefaultTableCells
	}
	if c.Limits.Nesting == 0 {
		c.Limits.Nesting = render.DefaultNesting
	}
	if c.Limits.AssetBytes == 0 {
		c.Limits.AssetBytes = DefaultAssetBytes
	}
	if c.Site.Lang == "" {
		c.Site.Lang = "en"
	}
	if c.Purge.Via == "" {
		c.Purge.Via = "worker"
	}
	if c.PageSize == 0 {
		c.PageSize = 25
	}
	if c.HTML == "" {
		c.HTML = "safe"
	}
	if c.Images.Alt == "" {
		c.Images.Alt = "warn"
	}
	if c.DropTitleHeading == nil {
		drop := true
		c.DropTitleHeading = &drop
	}
	for i := range c.Collections {
		col := &c.Collections[i]
		if col.Folder == "" {
			col.Folder = col.Name
		}
		if col.Route == "" {
			col.Route = "/" + col.Name
		}
		col.Route = strings.TrimRight(col.Route, "/")
		if col.Title == "" && col.Name != "" {
			col.Title = strings.ToUpper(col.Name[:1]) + col.Name[1:]
		}
		if col.Template == "" {
			col.Template = defaultTemplate(col.Templates)
		}
		if col.Dates == "" {
			col.Dates = "frontmatter"
		}
		if col.SortBy == "" {
			col.SortBy = "date"
		}
		if col.Titles == "" {
			col.Titles = "frontmatter"
		}
		if col.UnknownKeys == "" {
			col.UnknownKeys = "error"
			if c.AllowUnknownKeys {
				col.UnknownKeys = "ignore"
			}
		}
		if col.HTML == "" {
			col.HTML = c.HTML
		}
		if col.DropTitleHeading == nil {
			col.DropTitleHeading = c.DropTitleHeading
		}
		if len(col.Templates) == 0 {
			col.Templates = TemplateMap{col.Template: col.Template}
		}
	}
}

// Root is the content root as a path usable from the working directory.
func (c *Config) Root() string { return filepath.Join(c.Dir, c.Content) }

// ConfigError is a problem in axctl.yaml itself.
type ConfigError struct {
	Path      string
	Line, Col int
	Msg       string
}

// Error is one line: the YAML decoder's list of errors ("unmarshal
// errors:\n  line 1: …\n  line 2: …") is joined with "; ", and control
// characters (a key written "a\n::error::x" in double quotes, which the
// decoder echoes) are escaped as Problem.String escapes them: a config
// error is printed on the terminal and in CI logs, where a line starting
// with "::" is a workflow command.
func (e *ConfigError) Error() string {
	msg := strings.ReplaceAll(strings.ReplaceAll(e.Msg, ":\n  ", ": "), "\n  ", "; ")
	msg = Printable(msg)
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d:%d: %s", e.Path, e.Line, e.Col, msg)
	}
	return fmt.Sprintf("%s: %s", e.Path, msg)
}

var yamlLine = regexp.MustCompile(`^yaml: (?:unmarshal errors:\n\s*)?line (\d+): (.*)$`)

// LoadConfig reads path. When path is "" it reads ./axctl.yaml if present,
// else returns Default(); an explicit path that does not exist is an error.
func LoadConfig(path string) (*Config, error) {
	explicit := path != ""
	if !explicit {
		path = "axctl.yaml"
	}
	data, err := readConfigFile(path)
	if errors.Is(err, os.ErrNotExist) && !explicit {
		return Default(), nil
	}
	if err != nil {
		ce := &ConfigError{Path: path, Msg: fmt.Sprintf("cannot read config: %v", err)}
		if !errors.Is(err, os.ErrNotExist) {
			// The file is there and is content a pull request changed (a
			// link, a pipe): a problem at its start, exit 1, as the content
			// root's are.
			ce.Line, ce.Col = 1, 1
		}
		return nil, ce
	}
	c := &Config{Path: path, Dir: filepath.Dir(path)}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(c); err != nil {
		ce := &ConfigError{Path: path, Msg: strings.TrimPrefix(err.Error(), "yaml: ")}
		if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
			n, _ := strconv.Atoi(m[1])
			ce.Line, _ = yamlFilePos(data, 1, yamlErrorLine(n, m[2]), 1)
			ce.Col, ce.Msg = 1, m[2]
		}
		return nil, ce
	}
	c.fill()
	c.locateCollections(data)
	if err := c.check(data); err != nil {
		return nil, err
	}
	return c, nil
}

// maxConfigBytes bounds axctl.yaml (a few hundred bytes in practice).
const maxConfigBytes = 1 << 20

// readConfigFile reads the config as the content tree is read: through an
// os.Root of its folder, so a symbolic link that leaves the folder
// (axctl.yaml → /dev/zero, /proc/self/environ, a file elsewhere whose keys
// the errors would echo) is refused; opened without blocking and required
// to be a regular file (a FIFO hung validate past any signal); at most
// maxConfigBytes.
func readConfigFile(path string) ([]byte, error) {
	root, err := os.OpenRoot(filepath.Dir(path))
	if err != nil {
		return nil, err
	}
	defer root.Close()
	f, err := root.OpenFile(filepath.Base(path), os.O_RDONLY|openNonblock, 0)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, err
		}
		return nil, fmt.Errorf("%w (the config must be a file inside its folder: a symbolic link may not leave it)", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("the config %w", notRegular(st.Mode()))
	}
	data, err := io.ReadAll(io.LimitReader(f, maxConfigBytes+1))
	if err == nil && len(data) > maxConfigBytes {
		err = fmt.Errorf("the config is larger than %d bytes", maxConfigBytes)
	}
	return data, err
}

// maxPageSize bounds pageSize: a shard of that many records stays small
// enough (< 64 KiB at typical metadata) for the Worker to read per page.
const maxPageSize = 100

var (
	nameRe  = regexp.MustCompile(contract.NamePattern)
	routeRe = regexp.MustCompile(contract.RoutePattern)
)

// baseURLRe is what the Worker takes as site.baseURL (worker/src/head.js
// baseOf, without its trailing '/'): an absolute http(s) URL, a host, an
// optional path, no query, fragment, space, quote or angle bracket.
var baseURLRe = regexp.MustCompile(`^(?i:https?)://[^\s/?#"'<>\\]+(?:/[^\s?#"'<>\\]*)?$`)

// CheckBaseURL refuses a site.baseURL the Worker cannot put into a link
// (init --from writes its placeholder instead of such a value).
// The Worker writes it before every absolute URL: canonical links, Open
// Graph, JSON-LD, the Atom feeds, the sitemaps and robots.txt's Sitemap
// line. A pull request could set "javascript:alert(1)//" (every feed link
// and sitemap <loc> became a javascript: URL) or a value holding a line
// break (robots.txt took "Disallow: /" as a line of its own). Empty means
// no absolute URLs at all.
func CheckBaseURL(s string) error {
	if s == "" {
		return nil
	}
	if msg := badChars(s, false); msg != "" {
		return fmt.Errorf("contains %s", msg)
	}
	u, err := url.Parse(s)
	if err != nil || !baseURLRe.MatchString(strings.TrimRight(s, "/")) || u.Host == "" || u.User != nil {
		return fmt.Errorf("must be an absolute http(s) URL with a host and an optional path, and no user, query, fragment, space, quote, backslash or angle bracket (e.g. https://example.com or https://example.com/blog): every absolute link, feed, sitemap and robots.txt starts with it")
	}
	return nil
}

// check validates the decoded config, pointing at the collections line.
func (c *Config) check(data []byte) error {
	line := func(needle string) int {
		for i, l := range strings.Split(string(data), "\n") {
			if strings.Contains(l, needle) {
				return i + 1
			}
		}
		return 0
	}
	fail := func(needle, format string, args ...any) error {
		return &ConfigError{Path: c.Path, Line: line(needle), Col: 1, Msg: fmt.Sprintf(format, args...)}
	}
	if msg := badChars(c.Site.Title, false); msg != "" {
		return fail("title", "site.title contains %s", msg)
	}
	if err := CheckBaseURL(c.Site.BaseURL); err != nil {
		return fail("baseURL", "site.baseURL %q %v", c.Site.BaseURL, err)
	}
	tag, err := language.Parse(c.Site.Lang)
	if err != nil {
		return fail("lang:", "site.lang %q is not a BCP 47 language tag (e.g. en, en-GB, pt-BR): %v", c.Site.Lang, err)
	}
	c.Site.Lang = tag.String()
	if c.Images.Alt != "warn" && c.Images.Alt != "error" {
		return fail("alt:", "images.alt %q must be warn or error", c.Images.Alt)
	}
	if len(c.Collections) == 0 {
		return fail("collections", "no collections: add at least one under \"collections:\"")
	}
	if c.PageSize < 1 || c.PageSize > maxPageSize {
		return fail("pageSize", "pageSize %d is out of range: a listing page (and a manifest shard) holds 1 to %d entries", c.PageSize, maxPageSize)
	}
	if c.Limits.RenderTime < 0 || c.Limits.TableCells < 0 || c.Limits.Nesting < 0 {
		return fail("limits", "limits.renderTime, limits.tableCells and limits.nesting must not be negative")
	}
	if c.Limits.AssetBytes < 0 {
		return fail("assetBytes", "limits.assetBytes %d is negative", c.Limits.AssetBytes)
	}
	if !filepath.IsLocal(c.Content) {
		return fail("content:", "content %q must be a relative path inside the folder of axctl.yaml", c.Content)
	}
	if c.Limits.MetadataBytes < 256 {
		return fail("metadataBytes", "limits.metadataBytes %d is too small (MinIO and S3 allow %d)", c.Limits.MetadataBytes, DefaultMetadataBytes)
	}
	if c.Limits.MetadataBytes > MaxMetadataBytes {
		return fail("metadataBytes", "limits.metadataBytes %d is more than any target accepts (R2: %d)", c.Limits.MetadataBytes, MaxMetadataBytes)
	}
	if c.HTML != "safe" && c.HTML != "strict" {
		return fail("html", "html %q must be safe or strict", c.HTML)
	}
	if c.Static != "" && !filepath.IsLocal(c.Static) {
		return fail("static", "static %q must be a relative path inside the folder of axctl.yaml", c.Static)
	}
	routes := map[string]string{}
	for i, col := range c.Collections {
		if col.HTML != "safe" && col.HTML != "strict" {
			return fail("html", "collection %q: html %q must be safe or strict", col.Name, col.HTML)
		}
		if err := c.checkNames(&c.Collections[i], routes); err != nil {
			return err
		}
		routes[col.Route] = col.Name
		for _, t := range col.Templates.names() {
			if layout := col.Templates[t]; !knownTemplates[layout] {
				return fail(layout, "collection %q: template %q is not one the Worker knows (post, doc, page): map it to one, as in templates: {%s: post}", col.Name, layout, t)
			}
		}
		if _, ok := col.Templates[col.Template]; !ok {
			return fail("template", "collection %q: default template %q is not in its templates", col.Name, col.Template)
		}
		if err := c.checkOptions(&c.Collections[i]); err != nil {
			return err
		}
		for _, k := range col.Required {
			if !schemaKeys[k] {
				return fail(k, "collection %q: required key %q is not a frontmatter key", col.Name, k)
			}
		}
	}
	return nil
}

// checkNames refuses a collection name or route that the bucket layout or
// the Worker already uses (internal/contract, the list the Worker's router
// is generated from): a collection "site" would make metadata/site.json its
// index, a route "/assets" would never be reached. routes holds the routes
// of the collections before col.
func (c *Config) checkNames(col *Collection, routes map[string]string) error {
	switch {
	case !nameRe.MatchString(col.Name):
		return c.errorAt(col, "name must be 1 to 64 of a-z, 0-9 and -, starting with a letter or digit")
	case contract.IsReservedName(col.Name):
		return c.errorAt(col, "name %q is reserved (%s): choose another name", col.Name, strings.Join(contract.ReservedNames, ", "))
	case col.Route == "":
		return c.errorAt(col, "route %q: a collection cannot be served at the site root", col.Route)
	case contract.IsReservedRoute(col.Route):
		return c.errorAt(col, "route %q is, or lies under, a path the Worker answers itself (%s)", col.Route, strings.Join(contract.ReservedRoutes, ", "))
	case !routeRe.MatchString(col.Route):
		return c.errorAt(col, "route %q must be one path segment of a-z, 0-9 and - (like \"/blog\")", col.Route)
	case badChars(col.Title, false) != "": // shown on pages and in feeds, as entry titles are
		return c.errorAt(col, "title contains %s", badChars(col.Title, false))
	}
	if other, dup := routes[col.Route]; dup {
		return c.errorAt(col, "route %q is also collection %q's route", col.Route, other)
	}
	return nil
}

// locateCollections records where each collection starts in the config, so
// that problems found while walking (a missing folder) can point at it.
func (c *Config) locateCollections(data []byte) {
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) != nil || len(doc.Content) == 0 {
		return
	}
	root := doc.Content[0]
	for i := 0; i+1 < len(root.Content); i += 2 {
		if k := root.Content[i]; k.Value == "content" {
			c.contentLine, c.contentCol = yamlFilePos(data, 1, k.Line, k.Column)
		}
		if root.Content[i].Value != "collections" || root.Content[i+1].Kind != yaml.SequenceNode {
			continue
		}
		for j, item := range root.Content[i+1].Content {
			if j < len(c.Collections) {
				c.Collections[j].line, c.Collections[j].col = yamlFilePos(data, 1, item.Line, item.Column)
			}
		}
	}
}

// errorAt returns a problem with the collection as a config error pointing
// at its entry in axctl.yaml (a plain error for the built-in default).
func (c *Config) errorAt(col *Collection, format string, args ...any) error {
	msg := fmt.Sprintf("collection %q: ", col.Name) + fmt.Sprintf(format, args...)
	if c.Path == "" {
		return errors.New(msg)
	}
	return &ConfigError{Path: c.Path, Line: col.line, Col: col.col, Msg: msg}
}

// Collection returns the collection by name.
func (c *Config) Collection(name string) *Collection {
	for i := range c.Collections {
		if c.Collections[i].Name == name {
			return &c.Collections[i]
		}
	}
	return nil
}
