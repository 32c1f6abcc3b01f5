package content

import (
	"bytes"
	"fmt"
	"path"
	"strings"
	"unicode/utf8"

	"github.com/axctl/axctl/internal/contract"
	"github.com/axctl/axctl/internal/manifest"
	"github.com/axctl/axctl/internal/render"
)

// parse validates and renders the bytes of f. A file whose frontmatter sits
// in an HTML comment (the first line "<!--", then the "---" block, then
// "-->") is read as if the comment were not there; its problems keep the
// file's own line numbers.
func (l *loader) parse(f file, src []byte) (*Entry, []Problem) {
	prob := func(line, col int, format string, args ...any) (*Entry, []Problem) {
		return nil, []Problem{{Path: f.path, Line: line, Col: col, Msg: fmt.Sprintf(format, args...)}}
	}
	if len(src) == 0 {
		return prob(1, 1, "empty file: an entry needs frontmatter with at least title and date")
	}
	src = bytes.TrimPrefix(src, []byte("\xef\xbb\xbf")) // a BOM is harmless: drop it
	if !utf8.Valid(src) {
		off := invalidUTF8(src)
		line := bytes.Count(src[:off], []byte{'\n'}) + 1
		return prob(line, off-bytes.LastIndexByte(src[:off], '\n'), "file is not valid UTF-8 (byte 0x%02x)", src[off])
	}
	if bytes.Contains(src, []byte("\r")) {
		src = bytes.ReplaceAll(src, []byte("\r\n"), []byte("\n"))
	}
	inner, wrapped := unwrapComment(src)
	e, ps := l.parseText(f, inner, src)
	if wrapped {
		for i := range ps {
			ps[i].Line++
		}
	}
	return e, ps
}

// unwrapComment returns src without the comment lines around its
// frontmatter ("<!--" before the opening "---", "-->" after the closing
// one; the latter becomes an empty line), and whether it had them. Line n
// of the result is line n+1 of src.
func unwrapComment(src []byte) ([]byte, bool) {
	first := firstLine(src)
	if strings.TrimSpace(string(first)) != "<!--" || len(first) == len(src) {
		return src, false
	}
	rest := src[len(first)+1:]
	fm, p := scanFrontmatter(rest)
	if p != nil {
		return src, false
	}
	// the closing fence ends at: "---\n" + text + closing line
	after := len(firstLine(rest)) + 1 + len(fm.text)
	after += len(firstLine(rest[after:]))
	if after >= len(rest) {
		return src, false
	}
	close := firstLine(rest[after+1:])
	if strings.TrimSpace(string(close)) != "-->" {
		return src, false
	}
	out := make([]byte, 0, len(rest))
	out = append(out, rest[:after+1]...)
	return append(out, rest[after+1+len(close):]...), true
}

// parseText checks and renders src (raw is the file's bytes, hashed as
// the entry's input).
func (l *loader) parseText(f file, src, raw []byte) (*Entry, []Problem) {
	prob := func(line, col int, format string, args ...any) (*Entry, []Problem) {
		return nil, []Problem{{Path: f.path, Line: line, Col: col, Msg: fmt.Sprintf(format, args...)}}
	}
	fm, p := scanFrontmatter(src)
	if p != nil && f.col.Titles == "heading" && strings.HasPrefix(p.Msg, "missing frontmatter") && p.Msg != errFrontmatterAfterBlank && p.Msg != errTOMLAfterBlank && p.Msg != errFrontmatterHeadless {
		fm, p = &frontmatter{startLine: 2, keyLines: map[string][]int{}}, nil // the whole file is the body
	}
	if p != nil {
		// The body's problems are reported too, when the Markdown can be
		// told from the broken frontmatter.
		p.Path = f.path
		return nil, append([]Problem{*p}, l.bodyProblems(f, src, p)...)
	}
	c := &checker{path: f.path, loc: &locator{fm: fm}}
	var refs []localRef
	res, err := l.r.Render(src, l.renderOptions(f, &refs))
	if err != nil {
		return prob(1, 1, "%v", err)
	}
	if res.Limited { // not parsed: its cost limits are its only problems
		for _, rp := range res.Problems {
			c.at(rp.Line, rp.Col, "%s", rp.Msg)
		}
		return nil, c.out
	}
	for _, w := range res.Warnings {
		c.warn(w.Line, w.Col, w.Msg)
	}
	var front Frontmatter
	if res.MetaErr != nil {
		// The body's problems are reported too; the schema is not checked
		// (every key would be "missing": cascade noise).
		line, col, msg := c.loc.yamlError(res.MetaErr)
		c.at(line, col, "%s", msg)
	} else {
		if _, set := res.Meta["title"]; !set && f.col.Titles == "heading" {
			res.Meta["title"] = nameTitle(f.rel) // no leading # heading either
		}
		c.repeats = res.MetaRepeats
		front = c.checkSchema(res.Meta, f.col, f.slugs())
	}
	slug, aliases := l.slugOf(f, front, c)
	for _, rp := range res.Problems {
		c.at(rp.Line, rp.Col, "%s", rp.Msg)
	}
	if len(c.out) > 0 {
		return nil, append(c.out, c.warnings...)
	}
	front.Aliases = aliases
	e := &Entry{Collection: f.col, Path: f.path, Slug: slug, Front: front, HTML: res.HTML, Highlighted: res.Highlighted, refs: refs, rel: f.rel, transient: res.Transient}
	if _, ok := res.Meta["aliases"]; ok {
		e.aliasAt[0], e.aliasAt[1] = c.loc.key("aliases")
	} else if front.Slug != "" {
		e.aliasAt[0], e.aliasAt[1] = c.loc.key("slug")
	}
	e.Assets = l.assetsOf(res.HTML)
	toc := make([]manifest.Heading, min(len(res.TOC), MaxTOC))
	for i := range toc {
		h := res.TOC[i]
		toc[i] = manifest.Heading{Level: h.Level, ID: h.ID, Text: h.Text}
	}
	e.HTML = append(manifest.TOCLine(toc), res.HTML...)
	var meta map[string]string
	e.Record, meta = l.record(e, res, raw)
	e.HTML = withMarker(e.Record.Hash, e.HTML)
	// MetadataSize encodes the values itself: giving it the encoded map would
	// encode the encoded-words a second time and overcount non-ASCII entries.
	if n, err := contract.MetadataSize(meta); err != nil {
		return prob(fm.openLine(), 1, "metadata cannot be encoded: %v", err)
	} else if n > l.cfg.Limits.MetadataBytes {
		return prob(fm.openLine(), 1, "metadata is %d bytes once encoded; the limit is %d (limits.metadataBytes): shorten the description, title or tags", n, l.cfg.Limits.MetadataBytes)
	}
	return e, c.warnings
}

func (l *loader) renderOptions(f file, refs *[]localRef) render.Options {
	return render.Options{LocalAt: l.local(f, refs), Site: l.site(refs), RenderTime: l.cfg.Limits.RenderTime,
		Limits: render.Limits{TableCells: l.cfg.Limits.TableCells, Nesting: l.cfg.Limits.Nesting}, StrictHTML: f.col.HTML == "strict",
		DropTitleHeading: f.col.DropTitleHeading == nil || *f.col.DropTitleHeading, ImageAlt: l.cfg.Images.Alt,
		TitleFromHeading: f.col.Titles == "heading", DefaultFeatures: f.col.featureIDs()}
}

// nameTitle is the title of an entry with neither a title nor a leading
// heading: its file name without the extension ("getting_started.md":
// "getting started"), or its folder's for an index file.
func nameTitle(rel string) string {
	base := path.Base(rel)
	name := strings.TrimSuffix(base, path.Ext(base))
	if isIndexName(name) && path.Dir(rel) != "." {
		name = path.Base(path.Dir(rel))
	}
	return strings.Join(strings.FieldsFunc(name, func(r rune) bool { return r == '_' || r == '-' || r == ' ' }), " ")
}

// bodyProblems renders the Markdown of a file whose frontmatter is missing
// or never closed, and returns the body's own problems: without
// frontmatter the whole file is the body; an unclosed block is taken to end
// at its first blank line (nothing, if it has none). The blanked lines keep
// every position where it is.
func (l *loader) bodyProblems(f file, src []byte, p *Problem) []Problem {
	body := src
	if strings.HasPrefix(p.Msg, "frontmatter is never closed") {
		end := bytes.Index(src, []byte("\n\n"))
		if end < 0 {
			return nil
		}
		body = append(bytes.Repeat([]byte("\n"), bytes.Count(src[:end], []byte("\n"))), src[end:]...)
	} else if !strings.HasPrefix(p.Msg, "missing frontmatter") {
		return nil
	}
	var refs []localRef
	res, err := l.r.Render(body, l.renderOptions(f, &refs))
	if err != nil {
		return nil
	}
	var out []Problem
	for _, rp := range res.Problems {
		out = append(out, Problem{Path: f.path, Line: rp.Line, Col: rp.Col, Msg: rp.Msg})
	}
	return out
}

// slugOf is the entry's slug: its path's (slugOfPath), with the file name's
// part replaced by a frontmatter slug. A slug that moves the entry away
// from its path's URL keeps that URL as an alias, so links to the file
// (which resolve by path) still arrive.
func (l *loader) slugOf(f file, front Frontmatter, c *checker) (string, []string) {
	ps := f.slugs()
	aliases := front.Aliases
	if front.Slug == "" {
		if ps.err != nil {
			c.at(1, 1, "%v", ps.err)
		}
		return ps.slug, aliases
	}
	slug, abs := strings.CutPrefix(front.Slug, "/")
	in := inFolder(path.Clean(f.col.Folder), f.rel)
	dir := path.Dir(in)
	if ps.index { // index.md names its folder: the slug replaces the folder's name
		dir = path.Dir(dir)
	}
	if dir != "." && !abs {
		d := slugOfPath(dir+"/x.md", "frontmatter")
		if d.err != nil {
			c.at(1, 1, "%v", d.err)
			return "", nil
		}
		slug = path.Dir(d.slug) + "/" + slug
	}
	if ps.err == nil && ps.slug != "" && ps.slug != slug {
		aliases = append(aliases, manifest.EntryURL(f.col.Route, ps.slug))
	}
	return slug, aliases
}
