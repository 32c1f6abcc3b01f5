package precompute

import (
	"bytes"
	"io"
	"sync/atomic"

	"github.com/alecthomas/chroma/v2"
	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/alecthomas/chroma/v2/styles"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// syntaxCode highlights fenced code with chroma, as CSS classes, only for
// entries declaring syntax:code; others get escaped <pre><code>.
var syntaxCode = Feature{
	Type: "syntax",
	Name: "code",
	Doc:  "highlight fenced code blocks at sync time (chroma, CSS classes; no client script)",
	Transform: func(doc *ast.Document, _ text.Reader, _ *docState) {
		_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
			if fc, ok := n.(*ast.FencedCodeBlock); ok && entering {
				fc.SetAttribute(highlightAttr, true)
			}
			return ast.WalkContinue, nil
		})
	},
	Renderers: []util.PrioritizedValue{
		util.Prioritized(&funcRenderer{kind: ast.KindFencedCodeBlock, fn: renderFencedCode}, 100),
	},
}

// highlightAttr marks a block for highlighting. Attribute names starting with
// a byte goldmark never parses from Markdown cannot be forged by authors.
var highlightAttr = []byte{0, 'h', 'l'}

// StyleName is the chroma style the stylesheet is generated from.
const StyleName = "github"

var (
	highlightCalls atomic.Int64
	formatter      = chromahtml.New(chromahtml.WithClasses(true))
)

// HighlightCalls reports how many times chroma has been invoked; tests use
// it to prove entries without syntax:code never reach chroma.
func HighlightCalls() int64 { return highlightCalls.Load() }

func renderFencedCode(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*ast.FencedCodeBlock)
	lang := string(n.Language(src))
	var code bytes.Buffer
	for i := 0; i < n.Lines().Len(); i++ {
		seg := n.Lines().At(i)
		code.Write(seg.Value(src))
	}
	if _, hl := n.AttributeString(string(highlightAttr)); hl && lang != "" {
		if lexer := lexers.Get(lang); lexer != nil {
			if err := highlight(w, lexer, code.String()); err == nil {
				return ast.WalkSkipChildren, nil
			}
		}
	}
	_, _ = w.WriteString("<pre><code")
	if lang != "" {
		_, _ = w.WriteString(` class="language-`)
		_, _ = w.Write(util.EscapeHTML([]byte(lang)))
		_ = w.WriteByte('"')
	}
	_ = w.WriteByte('>')
	_, _ = w.Write(util.EscapeHTML(code.Bytes()))
	_, _ = w.WriteString("</code></pre>\n")
	return ast.WalkSkipChildren, nil
}

func highlight(w io.Writer, lexer chroma.Lexer, code string) error {
	highlightCalls.Add(1)
	it, err := chroma.Coalesce(lexer).Tokenise(nil, code)
	if err != nil {
		return err
	}
	return formatter.Format(w, styles.Get(StyleName), it)
}

// WriteCSS writes the one stylesheet every highlighted block uses.
func WriteCSS(w io.Writer) error {
	return formatter.WriteCSS(w, styles.Get(StyleName))
}

var _ renderer.NodeRendererFunc = renderFencedCode
