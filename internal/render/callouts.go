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
		if len(first) < 4 || first[0] != '[' || first[1] != '!' || first[len(first)-1] != ']' {
			continue
		}
		kind := string(first[2 : len(first)-1])
		if _, known := calloutKinds[kind]; !known {
			continue
		}
		dropMarker(para, src, len(first))
		c := &Callout{Variant: strings.ToLower(kind)}
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
		_, github := calloutKinds[string(m[1])]
		switch {
		case github && len(m[2]) == 0 && len(bytes.TrimSpace(m[3])) == 0:
			if !declared {
				st.warnf(off, "callout %q shows as text in a quote: the entry does not declare the callouts (add features: {blocks: [callouts]} to its frontmatter, or to its collection in axctl.yaml)", clip(string(first), 40))
			}
		default:
			st.warnf(off, "callout %q is not GitHub's form: the page shows it as text in a quote (write \"> [!NOTE]\", [!TIP], [!IMPORTANT], [!WARNING] or [!CAUTION] alone on its line, the title in the text below; declare features: {blocks: [callouts]})", clip(string(first), 40))
		}
		return ast.WalkContinue, nil
	})
}
