package render

import (
	"bytes"
	"regexp"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// admonitionParser reads Docusaurus's and VitePress's fenced admonitions
// (":::note", "::: tip Custom title", ":::warning[Title]", closed by a
// line of as many colons) as the callout box GitHub alerts render to:
// the syntax has no Markdown reading to fall back on (it was text and a
// warning). The same box is read in two more spellings: PyMdown's blocks
// ("/// tip", "/// warning | Title", closed by "///": MkDocs Material,
// FastAPI's docs) and a Pandoc or Quarto fenced div whose first class is
// a kind (":::{.callout-note}", "::: {.warning title=\"Heads up\"}").
// Kinds the callouts do not have (details, a name of a theme's) stay
// text, with the warning.
type admonitionParser struct{}

// admonitionOpenRe is an opening line: 3 to 12 colons, the kind, then a
// title in brackets or after a space.
var admonitionOpenRe = regexp.MustCompile(`^(:{3,12})[ \t]*([A-Za-z]+)(?:\[([^\]\n]*)\]|[ \t]+([^\n]*?))?[ \t]*\r?\n?$`)

// blocksOpenRe is PyMdown's opening line: 3 to 12 slashes, the kind, then
// a title after "|".
var blocksOpenRe = regexp.MustCompile(`^(/{3,12})[ \t]*([A-Za-z]+)(?:[ \t]*\|[ \t]*([^\n]*?))?[ \t]*\r?\n?$`)

// divOpenRe is a Pandoc fenced div whose first class names the kind
// (Quarto's "callout-" prefix optional); a title="…" attribute after it
// is the title.
var divOpenRe = regexp.MustCompile(`^(:{3,12})[ \t]*\{[ \t]*\.(?:callout-)?([A-Za-z]+)((?:[ \t][^{}\n]*)?)\}[ \t]*\r?\n?$`)

// divTitleRe is a fenced div's title attribute.
var divTitleRe = regexp.MustCompile(`(?:^|[ \t])title="([^"\n]*)"`)

// admonitionKinds maps the generators' kinds to the callouts'.
var admonitionKinds = map[string]string{
	"note": "note", "info": "note", "tip": "tip", "important": "important",
	"warning": "warning", "caution": "caution", "danger": "caution",
	// PyMdown's and Material's further kinds
	"hint": "tip", "check": "tip", "success": "tip", "attention": "important",
	"error": "caution",
}

// maxAdmonitionDepth bounds admonitions inside admonitions: an opening
// line deeper than this stays text (a file of opening lines alone would
// otherwise nest one box per line).
const maxAdmonitionDepth = 8

func (admonitionParser) Trigger() []byte { return []byte{':', '/'} }

func (admonitionParser) Open(parent ast.Node, reader text.Reader, pc parser.Context) (ast.Node, parser.State) {
	line, seg := reader.PeekLine()
	pos := pc.BlockOffset()
	if pos < 0 || pos >= len(line) || line[pos] != ':' && line[pos] != '/' {
		return nil, parser.NoChildren
	}
	var m [][]byte
	switch {
	case line[pos] == '/':
		m = blocksOpenRe.FindSubmatch(line[pos:])
	case bytes.Contains(line[pos:], []byte("{")):
		if m = divOpenRe.FindSubmatch(line[pos:]); m != nil {
			t := divTitleRe.FindSubmatch(m[3])
			m[3], m = nil, append(m[:3], nil, nil)
			if t != nil {
				m[3] = t[1]
			}
		}
	default:
		m = admonitionOpenRe.FindSubmatch(line[pos:])
	}
	if m == nil {
		return nil, parser.NoChildren
	}
	kind, ok := admonitionKinds[strings.ToLower(string(m[2]))]
	if !ok {
		return nil, parser.NoChildren
	}
	depth := 0
	for p := parent; p != nil; p = p.Parent() {
		if c, ok := p.(*Callout); ok && c.fence > 0 {
			depth++
		}
	}
	if depth >= maxAdmonitionDepth {
		return nil, parser.NoChildren
	}
	title := string(m[3])
	if len(m) > 4 && len(m[4]) > 0 {
		title = string(m[4])
	}
	reader.AdvanceToEOL()
	return &Callout{Variant: kind, Title: strings.TrimSpace(title), fence: len(m[1]), mark: line[pos], at: seg.Start + pos}, parser.HasChildren
}

func (admonitionParser) Continue(node ast.Node, reader text.Reader, pc parser.Context) parser.State {
	c := node.(*Callout)
	line, _ := reader.PeekLine()
	w, pos := util.IndentWidth(line, reader.LineOffset())
	if w < 4 && pos < len(line) {
		rest := line[pos:]
		// A code fence inside the box: its lines are code, so a line of
		// colons there does not close the box.
		if f := fenceRun(rest); f != nil && (c.code == nil || f[0] == c.code[0] && len(f) >= len(c.code) && util.IsBlank(rest[len(f):])) {
			if c.code == nil {
				c.code = f
			} else {
				c.code = nil
			}
		} else if c.code == nil {
			n := 0
			for n < len(rest) && rest[n] == c.mark {
				n++
			}
			if n == c.fence && util.IsBlank(rest[n:]) {
				reader.AdvanceToEOL()
				c.closed = true
				return parser.Close
			}
		}
	}
	return parser.Continue | parser.HasChildren
}

// fenceRun returns the leading run of backticks or tildes of a code
// fence line (3 or more), else nil.
func fenceRun(l []byte) []byte {
	if len(l) < 3 || l[0] != '`' && l[0] != '~' {
		return nil
	}
	n := 0
	for n < len(l) && l[n] == l[0] {
		n++
	}
	if n < 3 || l[0] == '`' && bytes.IndexByte(l[n:], '`') >= 0 {
		return nil
	}
	return l[:n:n]
}

// Close warns about a box its colons never close: it holds the rest of
// its container (Docusaurus refuses the file).
func (admonitionParser) Close(node ast.Node, reader text.Reader, pc parser.Context) {
	c := node.(*Callout)
	if st, _ := pc.Get(stateKey).(*docState); st != nil && !c.closed {
		what := "colons"
		if c.mark == '/' {
			what = "slashes"
		}
		st.warnf(c.at, "admonition %q is never closed by a line of %d %s: the box holds everything after it", strings.Repeat(string(c.mark), c.fence)+c.Variant, c.fence, what)
	}
}

func (admonitionParser) CanInterruptParagraph() bool { return true }

func (admonitionParser) CanAcceptIndentedLine() bool { return false }
