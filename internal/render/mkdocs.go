package render

import (
	"regexp"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// mkdocsAdmonitionParser reads Python-Markdown's admonitions, as MkDocs
// and Material for MkDocs write them ("!!! note", `!!! warning "Title"`,
// and pymdownx.details' "??? tip" / "???+ tip", shown open), their body
// the lines indented by 4 columns after them, as the callout box GitHub
// alerts render to. CommonMark read the opening line as text and the body
// as code (or as more text): there is no Markdown reading to fall back
// on. Kinds the callouts do not have stay text, with the warning.
type mkdocsAdmonitionParser struct{}

// mkdocsOpenRe is an opening line: the marker, the kind, then an
// optional quoted title ("" is no title). Extra classes after the kind
// ("!!! note inline end") are not read: such a line stays text, warned,
// so a line of prose after "!!! " never becomes a box's title.
var mkdocsOpenRe = regexp.MustCompile(`^(?:!!!|\?\?\?\+?)[ \t]+([A-Za-z][A-Za-z-]*)(?:[ \t]+"([^"\n]*)")?[ \t]*\r?\n?$`)

// mkdocsKinds are Material for MkDocs' kinds and their aliases beyond
// admonitionKinds, mapped to the callouts'.
var mkdocsKinds = map[string]string{
	"abstract": "note", "summary": "note", "tldr": "note", "todo": "note",
	"question": "note", "help": "note", "faq": "note", "example": "note", "quote": "note", "cite": "note",
	"done": "tip", "failure": "caution", "fail": "caution", "missing": "caution", "bug": "caution",
}

func (mkdocsAdmonitionParser) Trigger() []byte { return []byte{'!', '?'} }

func (mkdocsAdmonitionParser) Open(parent ast.Node, reader text.Reader, pc parser.Context) (ast.Node, parser.State) {
	line, seg := reader.PeekLine()
	pos := pc.BlockOffset()
	if pos < 0 || pos >= len(line) || line[pos] != '!' && line[pos] != '?' {
		return nil, parser.NoChildren
	}
	m := mkdocsOpenRe.FindSubmatch(line[pos:])
	if m == nil {
		return nil, parser.NoChildren
	}
	name := strings.ToLower(string(m[1]))
	kind, ok := admonitionKinds[name]
	if !ok {
		if kind, ok = mkdocsKinds[name]; !ok {
			return nil, parser.NoChildren
		}
	}
	depth := 0
	for p := parent; p != nil; p = p.Parent() {
		if c, ok := p.(*Callout); ok && c.mark == '!' {
			depth++
		}
	}
	if depth >= maxAdmonitionDepth {
		return nil, parser.NoChildren
	}
	reader.AdvanceToEOL()
	return &Callout{Variant: kind, Title: strings.TrimSpace(string(m[2])), mark: '!', at: seg.Start + pos}, parser.HasChildren
}

// Continue takes blank lines and lines indented by 4 columns or more
// (those 4 taken off); any other line closes the box.
func (mkdocsAdmonitionParser) Continue(node ast.Node, reader text.Reader, pc parser.Context) parser.State {
	line, _ := reader.PeekLine()
	if util.IsBlank(line) {
		reader.Advance(len(line) - 1)
		return parser.Continue | parser.HasChildren
	}
	if w, _ := util.IndentWidth(line, reader.LineOffset()); w < 4 {
		return parser.Close
	}
	pos, padding := util.IndentPosition(line, reader.LineOffset(), 4)
	reader.AdvanceAndSetPadding(pos, padding)
	return parser.Continue | parser.HasChildren
}

func (mkdocsAdmonitionParser) Close(ast.Node, text.Reader, parser.Context) {}

func (mkdocsAdmonitionParser) CanInterruptParagraph() bool { return true }

func (mkdocsAdmonitionParser) CanAcceptIndentedLine() bool { return false }
