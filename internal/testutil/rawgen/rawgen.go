// Package rawgen writes random Markdown documents full of raw HTML from the
// renderer's allowlist, nested at random (content models ignored on
// purpose), mixed with Markdown blocks and inlines, for the oracle that
// every document validate accepts makes a page the Nu HTML Checker finds
// no error in. Documents are a function of the seed alone (replayable).
package rawgen

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Elements are the elements the generator nests: the raw HTML allowlist of
// internal/render (rawhtml.go's htmlAllowed), written apart from it; a test
// checks the two agree, so a new allowed element is generated too.
var Elements = strings.Fields(`a abbr b blockquote br caption cite code dd del details dfn div dl dt em
	figcaption figure h1 h2 h3 h4 h5 h6 hr i img ins kbd li mark ol p pre q s samp small span strong sub
	summary sup table tbody td tfoot th thead tr u ul var`)

// inlineElems are the allowed elements a paragraph may hold.
var inlineElems = strings.Fields("a abbr b cite code del dfn em i ins kbd mark q s samp small span strong sub sup u var")

var void = map[string]bool{"br": true, "img": true, "hr": true}

// words are the text the documents hold.
var words = strings.Fields("alpha beta gamma delta kappa omega zeta theta iota lambda")

// Doc returns document number i of seed: frontmatter, then blocks.
func Doc(seed uint64, i int) string {
	r := rand.New(rand.NewPCG(seed, uint64(i)))
	g := &gen{r: r}
	var b strings.Builder
	fmt.Fprintf(&b, "---\ntitle: Doc %d\ndate: 2026-01-01\n---\n\n", i)
	g.body(&b)
	return b.String()
}

// body writes one to five top-level blocks.
func (g *gen) body(b *strings.Builder) {
	for range 1 + g.r.IntN(5) {
		g.block(b, 0)
		b.WriteString("\n\n")
	}
}

type gen struct {
	r   *rand.Rand
	ids int
}

func (g *gen) word() string { return words[g.r.IntN(len(words))] }

// block writes one top-level (or nested) block.
func (g *gen) block(b *strings.Builder, depth int) {
	switch n := g.r.IntN(15); {
	case n < 5 || depth > 2:
		g.htmlBlock(b, depth)
	case n == 10:
		fmt.Fprintf(b, "| %s | b |\n|---|---|\n| %s | x |", g.word(), g.inlineMD(depth))
	case n == 11:
		fmt.Fprintf(b, "1. %s\n   - %s %s", g.inlineMD(depth), g.word(), g.inlineMD(depth))
	case n == 12:
		// A raw block on one line, in a list item or a quote.
		var e strings.Builder
		g.element(&e, depth+1, true)
		fmt.Fprintf(b, "%s%s", []string{"- ", "> ", "1. "}[g.r.IntN(3)], e.String())
	case n == 13:
		g.ids++
		fmt.Fprintf(b, "%s[^f%d]\n\n[^f%d]: %s", g.word(), g.ids, g.ids, g.inlineMD(depth))
		if g.r.IntN(2) == 0 { // a heading in the footnote: the page shows it last
			fmt.Fprintf(b, "\n\n    %s %s", strings.Repeat("#", 2+g.r.IntN(3)), g.word())
		}
	case n == 5:
		b.WriteString(g.word() + " " + g.inlineMD(depth) + " " + g.word())
	case n == 6:
		fmt.Fprintf(b, "- %s\n- %s", g.inlineMD(depth), g.word())
	case n == 7:
		fmt.Fprintf(b, "## %s %s", g.word(), g.inlineMD(depth))
	case n == 8:
		fmt.Fprintf(b, "> %s", g.inlineMD(depth))
	case n == 14:
		fmt.Fprintf(b, "### %s\n\n%s", g.inlineMD(depth), g.inlineMD(depth))
	default:
		fmt.Fprintf(b, "Term\n: %s", g.inlineMD(depth))
	}
}

// inlineMD is Markdown text with, now and then, an inline raw element.
func (g *gen) inlineMD(depth int) string {
	switch g.r.IntN(6) {
	case 0:
		return "*" + g.word() + "*"
	case 1:
		return "[" + g.word() + "](#top)"
	case 2:
		// A raw element and Markdown emphasis or a link that cross.
		e := inlineElems[g.r.IntN(len(inlineElems))]
		open, close := []string{"*", "**", "[", "`"}[g.r.IntN(4)], ""
		close = map[string]string{"*": "*", "**": "**", "[": "](#top)", "`": "`"}[open]
		if g.r.IntN(2) == 0 {
			return open + g.word() + " <" + e + ">" + g.word() + close + " " + g.word() + "</" + e + ">"
		}
		return "<" + e + ">" + g.word() + " " + open + g.word() + "</" + e + "> " + g.word() + close
	default:
		var b strings.Builder
		g.element(&b, depth+1, true)
		return b.String()
	}
}

// htmlBlock writes an element starting a line; its children on the same
// line or on lines of their own, sometimes with blank lines between (so
// Markdown parses what lies between them).
func (g *gen) htmlBlock(b *strings.Builder, depth int) {
	g.element(b, depth, false)
}

func (g *gen) attrs(name string) string {
	var a []string
	switch name {
	case "a":
		if g.r.IntN(4) == 0 {
			g.ids++
			a = append(a, fmt.Sprintf(`id="x%d"`, g.ids))
		} else {
			a = append(a, `href="#top"`)
		}
	case "img":
		a = append(a, `src="/img/a.png"`, `alt="a picture"`)
	case "details":
		if g.r.IntN(2) == 0 {
			a = append(a, "open")
		}
	case "th", "td":
		if g.r.IntN(3) == 0 {
			a = append(a, `colspan="2"`)
		}
	case "ol":
		if g.r.IntN(3) == 0 {
			a = append(a, `start="3"`)
		}
	case "abbr", "dfn":
		if g.r.IntN(2) == 0 {
			a = append(a, `title="t"`)
		}
	}
	if g.r.IntN(8) == 0 {
		g.ids++
		a = append(a, fmt.Sprintf(`id="e%d"`, g.ids))
	}
	if len(a) == 0 {
		return ""
	}
	return " " + strings.Join(a, " ")
}

// element writes a random element and its random children; inline keeps
// it on one line.
func (g *gen) element(b *strings.Builder, depth int, inline bool) {
	name := Elements[g.r.IntN(len(Elements))]
	b.WriteString("<" + name + g.attrs(name) + ">")
	if void[name] {
		return
	}
	sep := ""
	if !inline {
		sep = []string{"", "\n", "\n\n"}[g.r.IntN(3)]
	}
	for k := range g.r.IntN(4) {
		if k == 0 || sep != "" {
			b.WriteString(sep)
		}
		switch n := g.r.IntN(6); {
		case n < 2 || depth > 3:
			b.WriteString(g.word())
		case n == 2 && sep == "\n\n":
			g.block(b, depth+1) // Markdown between blank lines
		default:
			g.element(b, depth+1, inline || sep == "")
		}
		if sep == "" && g.r.IntN(2) == 0 {
			b.WriteString(" ")
		}
	}
	b.WriteString(sep)
	b.WriteString("</" + name + ">")
}
