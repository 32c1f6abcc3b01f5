package render

import (
	"bytes"
	"html"
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
