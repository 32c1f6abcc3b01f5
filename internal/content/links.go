package content

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/axctl/axctl/internal/contract"
	"github.com/axctl/axctl/internal/manifest"
)

// local returns the resolver for relative links and images in f: entry files
// become their URL, other files become content-addressed assets. Every
// path is resolved inside the content root by the Tree.
func (l *loader) local(f file, refs *[]localRef) func(string, int, int) (string, error) {
	return func(dest string, line, col int) (string, error) {
		rel := path.Join(path.Dir(f.rel), dest)
		if !fs.ValidPath(rel) {
			return "", errLocalOutside
		}
		st, err := l.tree.Lstat(rel)
		if err == nil && st.IsDir() {
			return l.dirURL(rel, refs, line, col)
		}
		switch {
		case errors.Is(err, fs.ErrNotExist):
			if page, ok := l.prettyTarget(f.rel, dest); ok {
				return l.entryURL(page, refs, line, col)
			}
			// VitePress, Docusaurus and mdBook serve a page at its file's
			// path without the extension: "./b" there is the file b.md
			// beside this one.
			if page, ok := l.pageFile(rel); ok {
				return l.entryURL(page, refs, line, col)
			}
			// mdBook, Jekyll and Sphinx render x.md to x.html, and their
			// pages link the output ("ch01-01-installation.html#x"):
			// with no such file, x.html is the page of x.md beside it.
			if ext := strings.ToLower(path.Ext(rel)); ext == ".html" || ext == ".htm" {
				if page, ok := l.pageFile(strings.TrimSuffix(rel, path.Ext(rel))); ok {
					return l.entryURL(page, refs, line, col)
				}
			}
			return "", errLocalMissing
		case err != nil:
			return "", err
		}
		if entryExts[strings.ToLower(path.Ext(rel))] {
			if !st.Mode().IsRegular() {
				return "", notRegular(st.Mode())
			}
			return l.entryURL(rel, refs, line, col)
		}
		a, err := l.asset(l.tree, rel)
		if err != nil {
			return "", err
		}
		*refs = append(*refs, localRef{Path: rel, AssetKey: a.Key})
		return "/" + a.Key, nil
	}
}

// entryURL is the URL of the entry file rel, or of its collection's
// listing when rel is the collection's own index file.
func (l *loader) entryURL(rel string, refs *[]localRef, line, col int) (string, error) {
	var excluded *Collection
	for i := range l.cfg.Collections {
		c := &l.cfg.Collections[i]
		folder := path.Clean(filepath.ToSlash(c.Folder))
		if folder != "." && !strings.HasPrefix(rel, folder+"/") {
			continue
		}
		in := inFolder(folder, rel)
		ps := slugOfPath(in, c.Dates)
		if ps.index && ps.slug == "" && ps.err == nil {
			return c.Route + "/", nil // the collection's own index: its listing
		}
		if !c.included(in) {
			if excluded == nil && ps.err == nil {
				excluded = c
			}
			continue
		}
		if ps.err != nil {
			return "", errLocalNoSlug
		}
		*refs = append(*refs, localRef{Path: rel, Line: line, Col: col})
		return manifest.EntryURL(c.Route, ps.slug), nil
	}
	if excluded != nil {
		// Unpublished like a draft: the link renders, with a warning.
		ps := slugOfPath(inFolder(path.Clean(filepath.ToSlash(excluded.Folder)), rel), excluded.Dates)
		*refs = append(*refs, localRef{Path: rel, Line: line, Col: col, Excluded: true})
		return manifest.EntryURL(excluded.Route, ps.slug), nil
	}
	return "", errLocalNoEntry
}

// pageFile is the Markdown file a page's pretty URL names from the content
// root: rel.md or rel.markdown, or the index file of the folder rel.
func (l *loader) pageFile(rel string) (string, bool) {
	rel = strings.TrimSuffix(rel, "/")
	if rel == "" || !fs.ValidPath(rel) || path.Ext(rel) != "" {
		return "", false
	}
	for _, ext := range []string{".md", ".markdown"} {
		if st, err := l.tree.Lstat(rel + ext); err == nil && st.Mode().IsRegular() {
			return rel + ext, true
		}
	}
	if st, err := l.tree.Lstat(rel); err == nil && st.IsDir() {
		for _, name := range indexNames {
			if st, err := l.tree.Lstat(path.Join(rel, name)); err == nil && st.Mode().IsRegular() {
				return path.Join(rel, name), true
			}
		}
	}
	return "", false
}

// prettyTarget reads a relative link that names no file as Hugo and MkDocs
// sites write them: relative to the page's own URL, which is a folder
// (docs/querying/examples.md is served at …/examples/, so "../basics/"
// there is docs/querying/basics.md). An index file's URL is its folder, so
// its links are read from the folder as they are.
func (l *loader) prettyTarget(from, dest string) (string, bool) {
	if path.Ext(strings.TrimSuffix(dest, "/")) != "" {
		return "", false
	}
	name := path.Base(from)
	stem := strings.TrimSuffix(name, path.Ext(name))
	dir := path.Dir(from)
	if !isIndexName(stem) {
		dir = path.Join(dir, stem)
	}
	return l.pageFile(path.Join(dir, dest))
}

// indexNames are the files a directory-style link ("../ubuntu/") may mean,
// in the order they are tried.
var indexNames = []string{"index.md", "index.markdown", "_index.md", "_index.markdown", "README.md", "readme.md", "README.markdown"}

// dirURL resolves a link to a folder: its index file's entry, or the
// listing of the collection it is the folder of.
func (l *loader) dirURL(rel string, refs *[]localRef, line, col int) (string, error) {
	for _, name := range indexNames {
		if st, err := l.tree.Lstat(path.Join(rel, name)); err == nil && st.Mode().IsRegular() {
			return l.entryURL(path.Join(rel, name), refs, line, col)
		}
	}
	for i := range l.cfg.Collections {
		if path.Clean(filepath.ToSlash(l.cfg.Collections[i].Folder)) == rel {
			return l.cfg.Collections[i].Route + "/", nil
		}
	}
	return "", errLocalDir
}

var (
	errLocalDir     = errors.New("points at a folder without an index.md, _index.md or README.md")
	errLocalNoSlug  = errors.New("points at an entry whose file name makes no slug")
	errLocalOutside = errors.New("points outside the content root")
	errLocalMissing = errors.New("points at a file that does not exist")
	errLocalNoEntry = errors.New("points at a Markdown file outside every collection")
)

// site returns the resolver for site-absolute paths in f ("/img/x.png"):
// a Markdown file of the content tree is a link to its entry; a file in
// the static folder becomes a content-addressed asset like a relative
// one; a path under a collection's route or one the Worker
// answers is a page of the site; anything else would 404, so it is an
// error.
func (l *loader) site(refs *[]localRef) func(string, int, int) (string, error) {
	return func(p string, line, col int) (string, error) {
		rel := strings.TrimPrefix(path.Clean(p), "/")
		if entryExts[strings.ToLower(path.Ext(rel))] && fs.ValidPath(rel) {
			// "/doc/coding_standards.md": a Markdown file named from the
			// content root, as GitHub reads it from the repository's root.
			if st, err := l.tree.Lstat(rel); err == nil && st.Mode().IsRegular() {
				return l.entryURL(rel, refs, line, col)
			}
		}
		if l.static != nil && rel != "" && fs.ValidPath(rel) {
			st, err := l.static.Lstat(rel)
			if err != nil && !errors.Is(err, fs.ErrNotExist) {
				return "", err // a symbolic link, a hidden path: refused by the confined opener
			}
			if err == nil && st.Mode().IsRegular() && !entryExts[strings.ToLower(path.Ext(rel))] {
				a, err := l.asset(l.static, rel)
				if err != nil {
					return "", err
				}
				*refs = append(*refs, localRef{Path: rel, AssetKey: a.Key, Static: true})
				return "/" + a.Key, nil
			}
		}
		if page, ok := l.pageFile(rel); ok {
			// "/about/", "/docs/install/": the page a generator serves at
			// the path of its file from the content root (Hugo, Jekyll,
			// MkDocs), wherever axctl serves it (/pages/about).
			if u, err := l.entryURL(page, refs, line, col); err == nil {
				return u, nil
			}
		}
		if rel == "" || l.isRoute("/"+rel) {
			if u := canonicalSitePath(p); l.collectionOf(u) != nil {
				*refs = append(*refs, localRef{URL: u, Line: line, Col: col})
			}
			return p, nil
		}
		if l.static == nil {
			return "", errNoStatic
		}
		return "", fmt.Errorf("is not a file in the static folder %s, nor a page of a collection or of the Worker", l.static.name)
	}
}

var errNoStatic = errors.New("is a site-absolute path outside every collection's route: set static: in axctl.yaml to the folder the file is in (Hugo: static, Jekyll: .), or link the file by a relative path")

// canonicalSitePath is the path the Worker answers a site path p at, as
// worker/src/canon.js spells it: letters lowercased, empty segments
// dropped, no trailing "/" ("/Docs//install/" is "/docs/install").
func canonicalSitePath(p string) string {
	return path.Clean("/" + strings.ToLower(p))
}

// collectionOf is the collection whose route the canonical site path u is
// under, or nil.
func (l *loader) collectionOf(u string) *Collection {
	first := firstSegment(u)
	for i := range l.cfg.Collections {
		if c := &l.cfg.Collections[i]; c.Route == first && !contract.IsReservedRoute(first) {
			return c
		}
	}
	return nil
}

var reArchive = regexp.MustCompile(`^[0-9]{4}(/[0-9]{2})?$`)

// siteLinkProblems (targets by URL) checks the site-absolute links under a collection's
// route once every entry is loaded: each must be the collection's listing,
// its feed or an archive (dated collections), an entry's URL (a link to a
// draft, a scheduled or an expired entry is a warning, as for a relative
// link) or an alias. Anything else is a link the Worker answers with a
// 404: an error at the link, never a silent dead link.
func (l *loader) siteLinkProblems(urls map[string]string, aliases map[string][]*Entry, targets map[string]linkTarget, links []entryLinks, now time.Time) []Problem {
	var out []Problem
	for _, el := range links {
		for _, r := range el.refs {
			if r.URL == "" {
				continue
			}
			c := l.collectionOf(r.URL)
			if c == nil {
				continue
			}
			rest := strings.TrimPrefix(strings.TrimPrefix(r.URL, c.Route), "/")
			dated := c.SortBy != "weight"
			if file, ok := urls[r.URL]; ok {
				if t, ok := targets[r.URL]; ok {
					if why := t.unreachable(now); why != "" {
						out = append(out, Problem{Path: el.path, Line: max(r.Line, 1), Col: max(r.Col, 1), Warning: true,
							Msg: fmt.Sprintf("link to %s (%s): the entry is %s, so the link leads to a 404", r.URL, file, why)})
					}
				}
				continue
			}
			if rest == "" || dated && (rest == "feed.xml" || reArchive.MatchString(rest)) || len(aliases[r.URL]) > 0 {
				continue
			}
			if rest == "feed.xml" && !dated {
				out = append(out, Problem{Path: el.path, Line: max(r.Line, 1), Col: max(r.Col, 1),
					Msg: fmt.Sprintf("link %q: collection %q is undated (sortBy: weight), so it has no feed and the link leads to a 404", r.URL, c.Name)})
				continue
			}
			out = append(out, Problem{Path: el.path, Line: max(r.Line, 1), Col: max(r.Col, 1),
				Msg: fmt.Sprintf("link %q is under collection %q's route, but no entry has that URL, so it leads to a 404: link the entry's file by a relative path (../x.md), or add the old path to the entry's aliases", r.URL, c.Name)})
		}
	}
	return out
}

// isRoute says whether p (a site path) is under a collection's route or one
// of the Worker's own paths.
func (l *loader) isRoute(p string) bool {
	first := firstSegment(strings.ToLower(p)) // the Worker answers /Docs/x with a 301 to /docs/x
	if contract.IsReservedRoute(first) || contract.IsReservedRoute(p) {
		return true
	}
	for _, c := range l.cfg.Collections {
		if c.Route == first {
			return true
		}
	}
	return false
}

// OpenStatic opens the static folder of cfg (nil without one), confined
// like the content root.
func OpenStatic(cfg *Config) (*Tree, error) {
	if cfg.Static == "" {
		return nil, nil
	}
	c := *cfg
	c.Content = cfg.Static
	t, err := OpenTree(&c)
	if err != nil {
		return nil, fmt.Errorf("static folder: %w", err)
	}
	return t, nil
}

// linkWarnings reports links to entries a reader cannot reach: drafts,
// entries whose publishDate is still ahead and expired ones. The link
// renders, and 404s until (or since) the target is shown.
func linkWarnings(entries map[string]linkTarget, links []entryLinks, now time.Time) []Problem {
	var out []Problem
	for _, el := range links {
		for _, r := range el.refs {
			if r.AssetKey != "" {
				continue
			}
			t, ok := entries[r.Path]
			if !ok && !r.Excluded {
				continue
			}
			why := t.unreachable(now)
			if r.Excluded {
				why = "left out of its collection (exclude: or include: in axctl.yaml)"
			}
			if why == "" {
				continue
			}
			out = append(out, Problem{Path: el.path, Line: max(r.Line, 1), Col: max(r.Col, 1), Warning: true,
				Msg: fmt.Sprintf("link to %s: the entry is %s, so the link leads to a 404", r.Path, why)})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

type linkTarget struct {
	draft            bool
	publish, expires time.Time
}

// unreachable says why a reader cannot reach the entry at now ("" when
// they can).
func (t linkTarget) unreachable(now time.Time) string {
	switch {
	case t.draft:
		return "a draft (draft: true), which is never published"
	case !t.publish.IsZero() && t.publish.After(now):
		return "not published until its publishDate " + t.publish.Format(time.RFC3339)
	case !t.expires.IsZero() && !t.expires.After(now):
		return "expired (expires " + t.expires.Format(time.RFC3339) + ")"
	}
	return ""
}

type entryLinks struct {
	path string
	refs []localRef
}

// aliasCollisions reports aliases that are a real route (an entry's URL or
// a collection's listing: both would answer, a reader could not tell
// which) or that several entries claim. Entries are taken in path order,
// so the same tree always gets the same problems whatever order its files
// were loaded in.
func aliasCollisions(cfg *Config, aliases map[string][]*Entry, urls map[string]string) []Problem {
	var out []Problem
	for _, a := range sortedKeys(aliases) {
		claims := aliases[a]
		sort.Slice(claims, func(i, j int) bool { return claims[i].Path < claims[j].Path })
		e := claims[0]
		for _, other := range claims[1:] {
			out = append(out, aliasProblem(other, fmt.Sprintf("alias %q is also an alias of %s", a, e.Path)))
		}
		if other, ok := urls[a]; ok {
			out = append(out, aliasProblem(e, fmt.Sprintf("alias %q is the URL of %s: an alias cannot take a real route", a, other)))
			continue
		}
		for _, c := range cfg.Collections {
			if a == c.Route {
				out = append(out, aliasProblem(e, fmt.Sprintf("alias %q is collection %q's listing: an alias cannot take a real route", a, c.Name)))
			}
		}
	}
	return out
}

func aliasProblem(e *Entry, msg string) Problem {
	return Problem{Path: e.Path, Line: max(e.aliasAt[0], 1), Col: max(e.aliasAt[1], 1), Msg: msg}
}
