package render

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/alecthomas/chroma/v2"
	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
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
	Transform: func(doc *ast.Document, _ text.Reader, st *docState) {
		_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
			if fc, ok := n.(*ast.FencedCodeBlock); ok && entering {
				fc.SetAttribute(highlightAttr, st)
			}
			return ast.WalkContinue, nil
		})
	},
	Renderers: []util.PrioritizedValue{
		util.Prioritized(&funcRenderer{kind: ast.KindFencedCodeBlock, fn: renderFencedCode}, 100),
	},
}

// highlightAttr marks a block for highlighting; its value is the document's
// *docState (budget, warnings). Attribute names starting with a byte
// goldmark never parses from Markdown cannot be forged by authors.
var highlightAttr = []byte{0, 'h', 'l'}

// StyleName is the chroma style the stylesheet is generated from.
const StyleName = "github"

var formatter = chromahtml.New(chromahtml.WithClasses(true))

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
	if v, hl := n.AttributeString(string(highlightAttr)); hl && lang != "" {
		st, _ := v.(*docState)
		t0 := time.Now()
		lexer := guardedLexer(lang)
		if st != nil {
			// Guarding and compiling a lexer happen once per process, and
			// waiting for another entry's guarding is not this entry's
			// work either: the budget (and so the output) must not depend
			// on which entry came first.
			st.deadline = st.deadline.Add(time.Since(t0))
		}
		if lexer != nil && st != nil {
			var out bytes.Buffer
			st.chroma++
			err := highlight(&out, lexer, code.String(), st.deadline)
			if err == nil {
				_, _ = w.Write(out.Bytes())
				return ast.WalkSkipChildren, nil
			}
			if errors.Is(err, errLexPanic) {
				// A panic anywhere in rendering is the entry's error (issue
				// 13): the author can pick another language or none.
				st.addf(fenceOffset(n, src), "code block cannot be highlighted as %q: %v; use another language, or none", lang, err)
			} else {
				st.transient = true
				st.warnf(fenceOffset(n, src), "code block not highlighted as %q: %v; it is shown as plain text", lang, err)
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

// errLexPanic says the lexer panicked: a bug of the lexer on this input.
var errLexPanic = errors.New("the lexer panicked")

// errBudget says the entry's render budget is spent.
var errBudget = errors.New("the entry's render time budget (limits.renderTime) is spent")

// highlight tokenizes code with lexer until deadline and writes it
// formatted, or returns why it could not: the budget ran out, the lexer
// looped, ran too long or panicked (guard.go). Nothing is written then.
func highlight(w io.Writer, lexer chroma.Lexer, code string, deadline time.Time) (err error) {
	if !time.Now().Before(deadline) {
		return errBudget
	}
	defer func() {
		if r := recover(); r != nil {
			if e, ok := r.(error); ok && (errors.Is(e, errLexLoop) || errors.Is(e, errLexSlow)) {
				err = e
				return
			}
			err = fmt.Errorf("%w (%v)", errLexPanic, r)
		}
	}()
	start := time.Now()
	it, err := lexer.Tokenise(nil, code)
	if err != nil {
		return err
	}
	var toks []chroma.Token
	for t := it(); t != chroma.EOF; t = it() {
		if time.Now().After(deadline) {
			return errBudget
		}
		switch last := len(toks) - 1; {
		case t.Value == "":
		case last >= 0 && toks[last].Type == t.Type && len(toks[last].Value) < 8192:
			toks[last].Value += t.Value // as chroma.Coalesce does
		default:
			toks = append(toks, t)
		}
	}
	if time.Since(start) > matchTimeout-timeoutSlack {
		// Long enough that a rule's match may have timed out, which chroma
		// would have taken for no match (guard.go, matchTimeout).
		return errLexSlow
	}
	return formatter.Format(w, styles.Get(StyleName), chroma.Literator(toks...))
}

// fenceOffset is the offset of a fenced block's opening fence.
func fenceOffset(n *ast.FencedCodeBlock, src []byte) int {
	off := blockOffset(n)
	if n.Info != nil {
		off = n.Info.Segment.Start
	}
	for off > 0 && src[off-1] != '\n' {
		off--
	}
	for off < len(src) && src[off] == ' ' {
		off++
	}
	return off
}

// WriteCSS writes the one stylesheet every highlighted block uses.
func WriteCSS(w io.Writer) error {
	return formatter.WriteCSS(w, styles.Get(StyleName))
}

var _ renderer.NodeRendererFunc = renderFencedCode
