package precompute

import (
	"regexp"

	"github.com/yuin/goldmark/ast"
)

// templateRe finds the template syntax of other site generators in prose:
// Hugo shortcodes ({{< x >}}, {{% x %}}), Liquid tags ({% x %}) and
// template outputs ({{ x }}). axctl renders Markdown only, so each stays
// text on the page.
var templateRe = regexp.MustCompile(`\{\{[<%].*?[>%]\}\}|\{%.*?%\}|\{\{.*?\}\}`)

// warnTemplates warns, at each occurrence, about template syntax in the
// text of doc (not in code blocks or code spans): the page would show it
// as written.
func warnTemplates(doc ast.Node, src []byte, st *docState) {
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n.(type) {
		case *ast.FencedCodeBlock, *ast.CodeBlock, *ast.HTMLBlock:
			return ast.WalkSkipChildren, nil
		case *ast.Paragraph, *ast.Heading, *ast.TextBlock:
		default:
			return ast.WalkContinue, nil
		}
		lines := n.Lines()
		for i := 0; i < lines.Len(); i++ {
			seg := lines.At(i)
			line := blankCodeSpans(seg.Value(src))
			for _, m := range templateRe.FindAllIndex(line, -1) {
				what := "template expression"
				switch s := line[m[0]:m[1]]; {
				case s[1] == '{' && (s[2] == '<' || s[2] == '%'):
					what = "Hugo shortcode"
				case s[1] == '%':
					what = "Liquid tag"
				}
				st.warnf(seg.Start+m[0], "%s %q is not run: axctl renders Markdown only, so the page shows it as written (replace it with Markdown or allowed HTML)", what, clip(string(line[m[0]:m[1]]), 60))
			}
		}
		return ast.WalkSkipChildren, nil
	})
}

// blankCodeSpans returns line with every `code span` replaced by spaces
// (same length), so template syntax quoted as code is not reported.
func blankCodeSpans(line []byte) []byte {
	out := append([]byte(nil), line...)
	for i := 0; i < len(out); i++ {
		if out[i] != '`' {
			continue
		}
		n := 1
		for i+n < len(out) && out[i+n] == '`' {
			n++
		}
		for j := i + n; j+n <= len(out); j++ {
			if string(out[j:j+n]) == string(line[i:i+n]) && (j+n == len(out) || out[j+n] != '`') {
				for k := i; k < j+n; k++ {
					out[k] = ' '
				}
				i = j + n - 1
				break
			}
		}
	}
	return out
}
