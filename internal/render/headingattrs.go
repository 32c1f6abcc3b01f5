package render

import (
	"regexp"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// headingIDSuffixRe is the id a heading may set itself at its end ("##
// Using presets {#using-presets}"), as Docusaurus's write-heading-ids,
// Hugo and Pandoc write it, or with spaces inside the braces ("{ #id }":
// Python-Markdown's attr_list, MkDocs, FastAPI's docs). Only this form:
// classes and other attributes stay text (the page's styles know none).
// Anchored at the end and bounded, so a line of braces costs one pass.
var headingIDSuffixRe = regexp.MustCompile(`[ \t]*\{[ \t]{0,8}#([A-Za-z0-9][A-Za-z0-9_.:-]{0,99})[ \t]{0,8}\}[ \t]*$`)

// explicitHeadingIDs gives a heading ending in "{#id}" that id and takes
// the braces off its text. An id the page already has (the layout's
// #content, a footnote's, an earlier heading's) is numbered as a repeat;
// a later heading whose id from its text meets an explicit one is too.
func explicitHeadingIDs(doc ast.Node, src []byte, ids parser.IDs) {
	var headings []*ast.Heading
	explicit := false
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		collectHeadings(n, &headings)
	}
	for _, h := range headings {
		lines := h.Lines()
		if lines.Len() == 0 {
			continue
		}
		last := lines.At(lines.Len() - 1)
		m := headingIDSuffixRe.FindSubmatchIndex(last.Value(src))
		if m == nil || !trimTrailingText(h, last.Start+m[0], src) {
			continue
		}
		h.SetAttributeString("id", src[last.Start+m[2]:last.Start+m[3]])
		explicit = true
	}
	if !explicit {
		return
	}
	taken := map[string]bool{}
	for _, h := range headings {
		v, ok := h.AttributeString("id")
		id, _ := v.([]byte)
		if !ok || id == nil {
			continue
		}
		if taken[string(id)] || reservedID(string(id)) {
			id = ids.Generate(id, ast.KindHeading)
			h.SetAttributeString("id", id)
		}
		taken[string(id)] = true
	}
}

// collectHeadings appends the headings in n and below, in document order
// (a heading can sit in a list item, a blockquote, a callout).
func collectHeadings(n ast.Node, out *[]*ast.Heading) {
	if h, ok := n.(*ast.Heading); ok {
		*out = append(*out, h)
		return
	}
	if n.Type() != ast.TypeBlock {
		return
	}
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		collectHeadings(c, out)
	}
}

// trimTrailingText cuts h's inline text at the source offset off (the
// braces and the spaces before them): the trailing text nodes after it go,
// the one holding it ends there. It refuses (false) when something other
// than text lies after off (the braces are in a code span or a link).
func trimTrailingText(h *ast.Heading, off int, src []byte) bool {
	var drop []ast.Node
	for c := h.LastChild(); c != nil; c = c.PreviousSibling() {
		t, ok := c.(*ast.Text)
		if !ok {
			if len(drop) == 0 {
				return false // the last node is not text: the braces are inside it
			}
			break // it ends before the text that starts at or after off
		}
		if t.Segment.Start >= off {
			drop = append(drop, t)
			continue
		}
		if t.Segment.Stop < off {
			return false
		}
		seg := text.NewSegment(t.Segment.Start, off)
		t.Segment = seg.TrimRightSpace(src)
		t.SetSoftLineBreak(false)
		break
	}
	if len(drop) == 0 && !trimmedLast(h, off) {
		return false
	}
	for _, d := range drop {
		h.RemoveChild(h, d)
	}
	return true
}

// trimmedLast says whether h's last child is text that now ends at or
// before off (trimTrailingText cut it).
func trimmedLast(h *ast.Heading, off int) bool {
	t, ok := h.LastChild().(*ast.Text)
	return ok && t.Segment.Stop <= off
}
