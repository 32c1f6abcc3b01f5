package render

import (
	"bytes"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
	"go.yaml.in/yaml/v3"

	"github.com/axctl/axctl/internal/front"
)

// decodeFrontmatter decodes the YAML between the fences with yaml v3:
// YAML 1.2 scalars, so "title: Yes" or "on" stay strings (goldmark-meta,
// which this replaces, decoded with yaml.v2's YAML 1.1 booleans, twice).
func decodeFrontmatter(src []byte) (map[string]any, []KeyRepeat, error) {
	if f := front.Detect(src); f == front.TOML || f == front.JSON {
		b, err := front.Split(src, f)
		if err != nil {
			return nil, nil, nil // never closed: the content loader reports it
		}
		m, derr := front.Decode(f, b.Text) // both refuse a repeated key
		return m, nil, derr
	}
	end := bodyOffset(src)
	if end == 0 {
		return nil, nil, nil
	}
	block := src[bytes.IndexByte(src, '\n')+1 : end]
	block = block[:bytes.LastIndexByte(append([]byte{'\n'}, block...), '\n')] // drop the closing fence line
	var doc yaml.Node
	if err := yaml.Unmarshal(block, &doc); err != nil {
		return nil, nil, err
	}
	m := map[string]any{}
	if len(doc.Content) == 0 || doc.Content[0].Kind == yaml.ScalarNode && doc.Content[0].Tag == "!!null" {
		return m, nil, nil
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, nil, root.Decode(&m)
	}
	// Key by key: a repeated top-level key is the schema's problem (with
	// both lines), not a YAML error; the last value wins, as in yaml.v2.
	// Repeats are found by the decoded key, however it is spelled: a
	// reviewer reading "title: Nice" must not be shown one title while a
	// quoted or escaped "\x74itle": Evil below it is published.
	var repeats []KeyRepeat
	first := map[string]int{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if k.Kind != yaml.ScalarNode || k.Tag == "!!merge" {
			return nil, nil, root.Decode(&m)
		}
		var val any
		if err := v.Decode(&val); err != nil {
			return nil, nil, err
		}
		// Node lines count from the block, which starts on the file's line 2.
		if line, ok := first[k.Value]; ok {
			repeats = append(repeats, KeyRepeat{Key: k.Value, Line: k.Line + 1, First: line})
		} else {
			first[k.Value] = k.Line + 1
		}
		m[k.Value] = val
	}
	return m, repeats, nil
}

// KeyRepeat is a top-level frontmatter key set again on Line (of the
// file) after First.
type KeyRepeat struct {
	Key         string
	Line, First int
}

// dropTitleHeading removes the document's first block (after HTML
// comments) when it is an h1 repeating the title.
func dropTitleHeading(doc *ast.Document, src []byte, m map[string]any) {
	title, _ := m["title"].(string)
	h := leadingH1(doc)
	if h == nil || title == "" {
		return
	}
	norm := func(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }
	if norm(plainText(h, src)) == norm(title) {
		doc.RemoveChild(doc, h)
	}
}

// frontmatterParser consumes the frontmatter block, as goldmark-meta's
// parser does (same fences), without decoding it: decodeFrontmatter does
// that once, with yaml v3.
type frontmatterParser struct{}

// It also consumes a TOML ("+++") or JSON frontmatter, up to the line
// Render found it ends on (docState.frontEnd).
func (frontmatterParser) Trigger() []byte { return []byte{'-', '+', '{'} }

func (frontmatterParser) Open(_ ast.Node, reader text.Reader, pc parser.Context) (ast.Node, parser.State) {
	if line, _ := reader.Position(); line != 0 {
		return nil, parser.NoChildren
	}
	line, _ := reader.PeekLine()
	if len(line) > 0 && line[0] != '-' {
		if st, _ := pc.Get(stateKey).(*docState); st != nil && st.frontEnd > 0 {
			return ast.NewTextBlock(), parser.NoChildren
		}
		return nil, parser.NoChildren
	}
	if isSeparator(line) {
		return ast.NewTextBlock(), parser.NoChildren
	}
	return nil, parser.NoChildren
}

func (frontmatterParser) Continue(node ast.Node, reader text.Reader, pc parser.Context) parser.State {
	line, segment := reader.PeekLine()
	if st, _ := pc.Get(stateKey).(*docState); st != nil && st.frontEnd > 0 {
		if segment.Start > st.frontEnd {
			return parser.Close
		}
		reader.Advance(segment.Len())
		if segment.Stop > st.frontEnd {
			return parser.Close
		}
		return parser.Continue | parser.NoChildren
	}
	if isSeparator(line) && !util.IsBlank(line) {
		reader.Advance(segment.Len())
		return parser.Close
	}
	node.Lines().Append(segment)
	return parser.Continue | parser.NoChildren
}

func (frontmatterParser) Close(node ast.Node, _ text.Reader, _ parser.Context) {
	node.Parent().RemoveChild(node.Parent(), node)
}

func (frontmatterParser) CanInterruptParagraph() bool { return false }
func (frontmatterParser) CanAcceptIndentedLine() bool { return false }

// isSeparator is goldmark-meta's fence: a line of only dashes.
func isSeparator(line []byte) bool {
	line = util.TrimRightSpace(util.TrimLeftSpace(line))
	for _, c := range line {
		if c != '-' {
			return false
		}
	}
	return true
}

// leadingH1 is the document's first block, after HTML comments, when it is
// a level-1 heading (ATX or setext); else nil.
func leadingH1(doc *ast.Document) *ast.Heading {
	first := doc.FirstChild()
	for b, ok := first.(*ast.HTMLBlock); ok && b.HTMLBlockType == ast.HTMLBlockType2; b, ok = first.(*ast.HTMLBlock) {
		first = first.NextSibling()
	}
	if h, ok := first.(*ast.Heading); ok && h.Level == 1 {
		return h
	}
	return nil
}

// titleFromHeading sets m's title, when m has none (no key, or no
// frontmatter at all: m is empty), to the text of the leading "# heading",
// and removes the heading.
func titleFromHeading(doc *ast.Document, src []byte, m map[string]any) {
	if m == nil {
		return
	}
	if _, set := m["title"]; set {
		return
	}
	if h := leadingH1(doc); h != nil {
		if t := strings.TrimSpace(plainText(h, src)); t != "" {
			m["title"] = t
			doc.RemoveChild(doc, h)
		}
	}
}
