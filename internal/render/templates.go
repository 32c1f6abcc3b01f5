package render

import (
	"bytes"
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
func warnTemplates(doc ast.Node, src []byte, st *docState, isRef func([]byte) bool) {
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
			warnForeign(line, seg.Start, n.Kind() == ast.KindParagraph, st, isRef)
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

var (
	// wikiRe finds an Obsidian or wiki link ([[Page]], [[Page#Part|text]],
	// ![[image.png]]), not a Markdown link whose text is in brackets
	// ([[1]](url), [[x]][ref]).
	wikiRe = regexp.MustCompile(`!?\[\[[^\[\]\n]+\]\]`)
	// admonitionRe finds the line that opens or closes a block of another
	// tool's callout syntax: MkDocs (!!! note, ??? tip) and Docusaurus or
	// VuePress (:::note, :::).
	admonitionRe = regexp.MustCompile(`^(?:(?:!!!|\?\?\?\+?)[ \t]+[A-Za-z]|:::[ \t]*[A-Za-z{]|///[ \t]*[A-Za-z]|===\+?[ \t]+")`)
	// ialRe finds a kramdown block attribute list on a line of its own
	// ("{: .text-delta }", Just the Docs and other Jekyll themes).
	ialRe = regexp.MustCompile(`^\{:[^{}\n]*\}[ \t]*$`)
	// mdxRe finds an MDX import or export statement.
	mdxRe = regexp.MustCompile(`^(?:import\s+[\w{}*,\s]+\s+from\s+['"][^'"]+['"]|export\s+(?:default|const|function)\b)`)
)

// warnForeign warns about the syntax of other Markdown tools in a line of
// prose that CommonMark shows as text (or, for MDX, as a paragraph of
// code), so nothing is lost without a word: wiki links, MkDocs and
// Docusaurus admonitions, MDX imports and exports.
func warnForeign(line []byte, start int, para bool, st *docState, isRef func([]byte) bool) {
	line = bytes.TrimRight(line, "\r\n")
	for _, m := range wikiLinks(line) {
		if m[1] < len(line) && (line[m[1]] == '(' || line[m[1]] == '[' || line[m[1]] == ':') {
			continue // a Markdown link or reference whose text is [x]
		}
		open := m[0]
		if line[open] == '!' {
			open++
		}
		inner := line[open+1 : m[1]-1] // "[x]"
		if isRef != nil && isRef(inner[1:len(inner)-1]) {
			continue // ASDF[[1]]: a reference link [1] in brackets
		}
		if string(line[m[0]:m[1]]) == "[[_TOC_]]" {
			st.warnf(start+m[0], "GitLab's table of contents marker [[_TOC_]] is not Markdown: the page shows it as written (remove it; the doc template shows the headings beside the text)")
			continue
		}
		st.warnf(start+m[0], "wiki link %q is not Markdown: the page shows it as written, not as a link (write [text](file.md), or ![alt](image.png) for an embed)", clip(string(line[m[0]:m[1]]), 60))
	}
	warnDocsHelpers(line, start, st)
	warnMath(line, start, st)
	if !para {
		return
	}
	if m := admonitionRe.Find(line); m != nil {
		if bytes.HasPrefix(line, []byte("===")) {
			st.warnf(start, "%q is MkDocs' content tab syntax, not Markdown: the page shows it as text and the tab's indented lines as code (write each tab as a heading and its content unindented)", clip(string(line), 40))
		} else {
			st.warnf(start, "%q is another tool's admonition syntax (MkDocs, Docusaurus, Pandoc), not Markdown: the page shows it as text (write a GitHub alert, \"> [!NOTE]\" and its lines quoted with \">\"; feature callouts:github)", clip(string(line), 40))
		}
	}
	if ialRe.Match(line) {
		st.warnf(start, "%q is a kramdown attribute list (Jekyll themes such as Just the Docs), not Markdown: the page shows it as text (remove it; the classes it sets are not carried)", clip(string(line), 40))
	}
	if m := mdxRe.Find(line); m != nil {
		st.warnf(start, "MDX statement %q is not Markdown: the page shows it as text (remove it; the components it brings in are not carried)", clip(string(line), 60))
	}
}

// wikiLinks is wikiRe.FindAllIndex(line, -1). wikiRe has no literal
// prefix (the "!" is optional), so the regexp engine steps through every
// byte of every line of prose: 7% of a cold sync's CPU. Without "[[" it
// cannot match, and nearly every line has none.
func wikiLinks(line []byte) [][]int {
	if !bytes.Contains(line, []byte("[[")) {
		return nil
	}
	return wikiRe.FindAllIndex(line, -1)
}

// blankCodeSpans returns line with every `code span` replaced by spaces
// (same length), so template syntax quoted as code is not reported. A
// line without a backtick is returned as it is, not copied.
func blankCodeSpans(line []byte) []byte {
	if bytes.IndexByte(line, '`') < 0 {
		return line
	}
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

// warnUnclosedFence warns about a top-level fenced code block that never
// closes: CommonMark runs it to the end of the file, so every heading,
// link and paragraph after it silently becomes code.
func warnUnclosedFence(doc ast.Node, src []byte, st *docState) {
	for c := doc.FirstChild(); c != nil; c = c.NextSibling() {
		n, ok := c.(*ast.FencedCodeBlock)
		if !ok {
			continue
		}
		lines := n.Lines()
		var open, end int
		switch {
		case n.Info != nil:
			open = lineStart(src, n.Info.Segment.Start)
		case lines.Len() > 0:
			open = lineStart(src, max(lineStart(src, lines.At(0).Start)-1, 0))
		default:
			continue
		}
		if lines.Len() > 0 {
			end = lines.At(lines.Len() - 1).Stop
		} else {
			end = min(lineEnd(src, open)+1, len(src))
		}
		if end = min(end, len(src)); !closesFence(src[open:lineEnd(src, open)], src[end:lineEnd(src, end)]) {
			st.warnf(open, "this code fence never closes, so everything after it in the file is shown as code: add the closing fence")
		}
	}
}

func lineStart(src []byte, off int) int {
	for off > 0 && src[off-1] != '\n' {
		off--
	}
	return off
}

func lineEnd(src []byte, off int) int {
	for off < len(src) && src[off] != '\n' {
		off++
	}
	return off
}

// closesFence says whether line closes the fence opened by opening: the
// same character, at least as many, then only spaces.
func closesFence(opening, line []byte) bool {
	trim := func(b []byte) []byte {
		for i := 0; i < 3 && len(b) > 0 && b[0] == ' '; i++ {
			b = b[1:]
		}
		return b
	}
	opening, line = trim(opening), trim(line)
	if len(opening) == 0 || len(line) == 0 || line[0] != opening[0] {
		return false
	}
	n := 0
	for n < len(opening) && opening[n] == opening[0] {
		n++
	}
	m := 0
	for m < len(line) && line[m] == opening[0] {
		m++
	}
	for _, c := range line[m:] {
		if c != ' ' && c != '\t' && c != '\r' {
			return false
		}
	}
	return m >= n
}

// warnDocsHelpers warns at the inline helpers of two docs generators that
// CommonMark reads as ordinary links: DocFX's include "[!INCLUDE
// [name](includes/x.md)]" (a link to the fragment, its text not brought
// in) and GitHub docs' "[AUTOTITLE](/path)" (link text their build
// replaces with the target page's title). Both were shown without a word.
func warnDocsHelpers(line []byte, start int, st *docState) {
	for i := 0; i < len(line); {
		j := bytes.IndexByte(line[i:], '[')
		if j < 0 {
			return
		}
		i += j
		rest := line[i:]
		switch {
		case len(rest) > len("[!INCLUDE") && bytes.EqualFold(rest[:len("[!INCLUDE")], []byte("[!INCLUDE")):
			end := bytes.IndexByte(rest, ')')
			if end < 0 {
				end = len(rest) - 1
			}
			st.warnf(start+i, "DocFX include %q is not run: the page shows a link to the fragment, not its text (copy the fragment's text here)", clip(string(rest[:end+1]), 60))
		case bytes.HasPrefix(rest, []byte("[AUTOTITLE](")):
			st.warnf(start+i, "link text AUTOTITLE (GitHub docs) is not replaced by the linked page's title: the page shows \"AUTOTITLE\" (write the title)")
		}
		i++
	}
}

// mathRe is TeX math as Obsidian, MkDocs (arithmatex), Jupyter Book, Quarto
// and Hugo's passthrough write it: a line opening with "$$" or "$$…$$"
// (display), "$…$" or "\(…\)" holding a backslash command
// ("$\lim_{n\to\infty}$"; "$5 and $6", "escape $ as $$" are not math).
var mathRe = regexp.MustCompile(`^[ \t]*\$\$|\$\$[^$\n]+\$\$|\$[^\s$\d][^$\n]*\\[A-Za-z{},;!][^$\n]*\$|\\\([^\n]*\\[A-Za-z]+[^\n]*\\\)`)

// warnMath warns once a page at its first TeX math: axctl renders no
// math, so the page shows it as written, and CommonMark reads its
// backslash escapes ("\{" shows as "{", "\," as ","). It was mangled
// without a word.
func warnMath(line []byte, start int, st *docState) {
	if st.math || bytes.IndexByte(line, '$') < 0 && !bytes.Contains(line, []byte(`\(`)) {
		return
	}
	if m := mathRe.FindIndex(line); m != nil {
		st.math = true
		st.warnf(start+m[0], "TeX math %q is not rendered: the page shows it as written, and Markdown reads its backslashes (\\{ shows as {); put it in a code span or block to keep it exact (this page's first; the others are not reported)", clip(string(line[m[0]:m[1]]), 40))
	}
}
