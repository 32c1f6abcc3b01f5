package render

import (
	"bytes"
	"html"
	"regexp"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// callouts turns GitHub-style alert blockquotes ("> [!NOTE]") into <aside>
// boxes, for entries declaring blocks:callouts. Others keep the blockquote.
var callouts = Feature{
	Type:      "blocks",
	Name:      "callouts",
	Doc:       `GitHub-style callouts: "> [!NOTE]", "[!TIP]", "[!IMPORTANT]", "[!WARNING]", "[!CAUTION]"`,
	Transform: transformCallouts,
	Renderers: []util.PrioritizedValue{
		util.Prioritized(&funcRenderer{kind: KindCallout, fn: renderCallout}, 100),
	},
}

var calloutKinds = map[string]string{
	"NOTE": "Note", "TIP": "Tip", "IMPORTANT": "Important", "WARNING": "Warning", "CAUTION": "Caution",
}

// KindCallout is the AST kind of a callout box.
var KindCallout = ast.NewNodeKind("Callout")

// Callout is a blockquote promoted to a titled box.
type Callout struct {
	ast.BaseBlock
	Variant string // lowercase: note, tip, ...
	// Title replaces the kind's name in the box's title (an admonition's
	// ":::tip My title"); empty for a GitHub alert.
	Title  string
	fence  int    // an admonition's colons (admonitions.go); 0 for an alert
	mark   byte   // the admonition's fence character: ':' or '/' (PyMdown)
	code   []byte // the fence of a code block open inside the admonition
	at     int    // the admonition's opening line (offset in the source)
	closed bool   // by its line of colons
}

// Kind implements ast.Node.
func (*Callout) Kind() ast.NodeKind { return KindCallout }

// Dump implements ast.Node.
func (c *Callout) Dump(src []byte, level int) {
	ast.DumpHelper(c, src, level, map[string]string{"Variant": c.Variant}, nil)
}

func transformCallouts(doc *ast.Document, reader text.Reader, _ *docState) {
	src := reader.Source()
	var quotes []*ast.Blockquote
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if bq, ok := n.(*ast.Blockquote); ok && entering {
			quotes = append(quotes, bq)
		}
		return ast.WalkContinue, nil
	})
	for _, bq := range quotes {
		para, ok := bq.FirstChild().(*ast.Paragraph)
		if !ok || para.Lines().Len() == 0 {
			continue
		}
		seg := para.Lines().At(0)
		first := bytes.TrimSpace(seg.Value(src))
		if len(first) < 4 || first[0] != '[' || first[1] != '!' {
			continue
		}
		var c *Callout
		if first[len(first)-1] == ']' {
			if _, known := calloutKinds[string(first[2:len(first)-1])]; known {
				dropMarker(para, src, len(first))
				c = &Callout{Variant: strings.ToLower(string(first[2 : len(first)-1]))}
			}
		}
		if c == nil {
			// Obsidian's form: any case, a fold sign, a title.
			m := calloutMarkerRe.FindSubmatch(first)
			variant := ""
			if m != nil {
				variant = calloutVariant(string(m[1]))
			}
			if variant == "" {
				continue
			}
			dropFirstLine(para, seg.Stop)
			c = &Callout{Variant: variant, Title: calloutTitle(m[3])}
		}
		for child := bq.FirstChild(); child != nil; {
			next := child.NextSibling()
			if p, ok := child.(*ast.Paragraph); !ok || p.ChildCount() > 0 {
				c.AppendChild(c, child)
			} else {
				bq.RemoveChild(bq, child)
			}
			child = next
		}
		bq.Parent().ReplaceChild(bq.Parent(), bq, c)
	}
}

// IsCalloutKind says whether a callout marker's kind ("NOTE", "info") is
// one the callouts render.
func IsCalloutKind(kind string) bool { return calloutVariant(kind) != "" }

// calloutVariant is the callout a marker's kind names, in any case:
// GitHub's five, and the other generators' kinds Obsidian and MkDocs
// share (info, abstract, success, question, failure, bug, example…);
// "" for a kind of none.
func calloutVariant(kind string) string {
	k := strings.ToLower(kind)
	if v, ok := admonitionKinds[k]; ok {
		return v
	}
	return mkdocsKinds[k]
}

// dropFirstLine removes the inline nodes of para's first line (those
// starting before stop, its end: the marker and the title after it).
func dropFirstLine(para *ast.Paragraph, stop int) {
	for n := para.FirstChild(); n != nil; {
		start := inlineStart(n)
		if start < 0 || start >= stop {
			return
		}
		next := n.NextSibling()
		para.RemoveChild(para, n)
		n = next
	}
}

// calloutTitle is the title written after an Obsidian marker, one layer
// of emphasis or code around it taken off ("**IF**" is "IF"); the box's
// title is text.
func calloutTitle(raw []byte) string {
	t := strings.TrimSpace(string(raw))
	for _, w := range []string{"**", "__", "*", "_", "`"} {
		if len(t) > 2*len(w) && strings.HasPrefix(t, w) && strings.HasSuffix(t, w) {
			return strings.TrimSpace(t[len(w) : len(t)-len(w)])
		}
	}
	return t
}

// inlineStart is the source offset of n's first text, or -1.
func inlineStart(n ast.Node) int {
	if t, ok := n.(*ast.Text); ok {
		return t.Segment.Start
	}
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		if s := inlineStart(c); s >= 0 {
			return s
		}
	}
	return -1
}

// dropMarker removes the leading inline nodes that spell the "[!KIND]" marker.
func dropMarker(para *ast.Paragraph, src []byte, n int) {
	seen := 0
	for c := para.FirstChild(); c != nil && seen < n; {
		next := c.NextSibling()
		if t, ok := c.(*ast.Text); ok {
			seen += len(bytes.TrimSpace(t.Segment.Value(src)))
		} else {
			return
		}
		para.RemoveChild(para, c)
		c = next
	}
}

func renderCallout(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	c := node.(*Callout)
	if entering {
		title := calloutKinds[strings.ToUpper(c.Variant)]
		if c.Title != "" {
			title = html.EscapeString(c.Title)
		}
		_, _ = w.WriteString(`<aside class="callout callout-` + c.Variant + `" role="note"><p class="callout-title">` + title + "</p>\n")
	} else {
		_, _ = w.WriteString("</aside>\n")
	}
	return ast.WalkContinue, nil
}

// calloutMarkerRe is a blockquote's first line that marks a callout in
// some tool: GitHub's "[!NOTE]", Obsidian's "[!info]+ Title" (any kind, a
// fold sign, a title), DocFX's "[!WARNING]".
var calloutMarkerRe = regexp.MustCompile(`^\[!([A-Za-z][A-Za-z-]{0,30})\]([+-]?)(.*)$`)

// warnCalloutMarkers warns at each blockquote whose callout marker the
// callouts transform will not take, so the page shows it as text in a
// quote: the entry does not declare the feature, or the marker is not
// GitHub's form (it was shown without a word: GitHub docs', MDN's and
// DocFX's "> [!NOTE]", an Obsidian vault's "> [!tip]+ Key insight").
func warnCalloutMarkers(doc ast.Node, src []byte, st *docState) {
	declared := st.has(callouts.ID())
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n.(type) {
		case *ast.Blockquote:
		case *ast.FencedCodeBlock, *ast.CodeBlock, *ast.HTMLBlock, *ast.Paragraph, *ast.Heading:
			return ast.WalkSkipChildren, nil
		default:
			return ast.WalkContinue, nil
		}
		para, ok := n.FirstChild().(*ast.Paragraph)
		if !ok || para.Lines().Len() == 0 {
			return ast.WalkContinue, nil
		}
		seg := para.Lines().At(0)
		line := seg.Value(src)
		first := bytes.TrimSpace(line)
		m := calloutMarkerRe.FindSubmatch(first)
		if m == nil {
			return ast.WalkContinue, nil
		}
		off := seg.Start + bytes.Index(line, first)
		switch {
		case calloutVariant(string(m[1])) == "":
			st.warnf(off, "callout kind %q is not one the callouts have: the page shows it as text in a quote (write [!NOTE], [!TIP], [!IMPORTANT], [!WARNING] or [!CAUTION]; Obsidian's and MkDocs' info, success, question, failure, bug, example… are read too)", clip(string(first), 40))
		case !declared:
			st.warnf(off, "callout %q shows as text in a quote: the entry does not declare the callouts (add features: {blocks: [callouts]} to its frontmatter, or to its collection in axctl.yaml)", clip(string(first), 40))
		}
		return ast.WalkContinue, nil
	})
}
