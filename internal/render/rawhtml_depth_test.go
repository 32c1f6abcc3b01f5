package render

import (
	"testing"

	"github.com/yuin/goldmark/ast"
)

// TestRawHTMLEnclosingSteps: finding a raw tag's block (and whether a
// Markdown link holds it) walks each inline node once, however deep the
// tags sit. A walk up per tag made "*a _b " 4,000 deep holding 60,000 raw
// <a> tags take 7.3 s; here each nesting doubles and the steps must about
// double (a walk per tag is 4×).
func TestRawHTMLEnclosingSteps(t *testing.T) {
	steps := func(depth int) int {
		c := &rawChecker{st: &docState{lines: []int{0}}}
		para := ast.NewParagraph()
		var parent ast.Node = para
		for i := range depth {
			var span ast.Node = ast.NewEmphasis(1 + i%2)
			if i == depth/2 {
				span = ast.NewLink()
			}
			parent.AppendChild(parent, span)
			parent = span
			tag := ast.NewRawHTML()
			span.AppendChild(span, tag)
			block, inLink := c.enclosing(tag.Parent())
			if block != para || inLink != (i >= depth/2) {
				t.Fatalf("depth %d, level %d: block %v, in a link %v", depth, i, block, inLink)
			}
		}
		return c.steps
	}
	small, big := steps(2000), steps(4000)
	if float64(big) > 2.2*float64(small) {
		t.Errorf("steps %d at depth 2,000, %d at 4,000 (%.1f×): not linear", small, big, float64(big)/float64(small))
	}
}

// TestInlineOffsetSteps: a link without text is placed at its block's
// start, found by walking each inline node once however many such links
// sit deep in nested spans ("[](#x)" × 60,000 under 8,000 levels of
// emphasis took 4.3 s with a walk up per link).
func TestInlineOffsetSteps(t *testing.T) {
	steps := func(depth int) int {
		st := &docState{lines: []int{0}}
		para := ast.NewParagraph()
		var parent ast.Node = para
		for range depth {
			span := ast.NewEmphasis(1)
			parent.AppendChild(parent, span)
			parent = span
			link := ast.NewLink()
			span.AppendChild(span, link)
			if got, want := st.inlineOffset(link), blockOffset(para); got != want {
				t.Fatalf("offset %d, want the block's %d", got, want)
			}
		}
		return st.steps
	}
	small, big := steps(2000), steps(4000)
	if float64(big) > 2.2*float64(small) {
		t.Errorf("steps %d at depth 2,000, %d at 4,000 (%.1f×): not linear", small, big, float64(big)/float64(small))
	}
}
