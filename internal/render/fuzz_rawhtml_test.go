package render_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/axctl/axctl/internal/render"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// outputElements are the elements rendered HTML may hold: what goldmark and
// the features write, and the raw HTML allowlist. The list is written apart
// from rawhtml.go on purpose: it is the oracle.
var outputElements = map[string]bool{}

func init() {
	for _, e := range strings.Fields(`p h1 h2 h3 h4 h5 h6 ul ol li blockquote pre code em strong a img hr br
		table caption thead tbody tfoot tr th td del input section sup aside div span
		kbd sub abbr mark details summary figure figcaption ins s small q cite dfn var samp dl dt dd b i u`) {
		outputElements[e] = true
	}
}

// checkOutput parses rendered HTML as a browser does (in a <div>, body
// context) and reports any element outside outputElements, any on* or
// style attribute, and any href or src a browser would read as unsafe.
func checkOutput(t *testing.T, name string, out []byte) {
	t.Helper()
	ctx := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
	nodes, err := html.ParseFragment(bytes.NewReader(out), ctx)
	if err != nil {
		t.Fatalf("%s: parse: %v", name, err)
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			if !outputElements[n.Data] {
				t.Errorf("%s: element <%s> in the output:\n%s", name, n.Data, out)
			}
			for _, a := range n.Attr {
				switch {
				case strings.HasPrefix(a.Key, "on"), a.Key == "style", a.Key == "srcset", a.Key == "formaction":
					t.Errorf("%s: attribute %s=%q on <%s>:\n%s", name, a.Key, a.Val, n.Data, out)
				case a.Key == "href" || a.Key == "src":
					if !safeHref(a.Val, a.Key == "src") {
						t.Errorf("%s: %s=%q on <%s>:\n%s", name, a.Key, a.Val, n.Data, out)
					}
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range nodes {
		walk(n)
	}
}

// markdownFiles returns the Markdown of every good content case and every
// render golden input.
func markdownFiles(t testing.TB) map[string][]byte {
	out := map[string][]byte{}
	cases, _ := filepath.Glob("../content/testdata/good/*.txtar")
	for _, c := range cases {
		b, err := os.ReadFile(c)
		if err != nil {
			t.Fatal(err)
		}
		parts := bytes.Split(b, []byte("\n-- "))
		for _, p := range parts[1:] {
			head, body, ok := bytes.Cut(p, []byte(" --\n"))
			if ok && bytes.HasSuffix(head, []byte(".md")) {
				out[filepath.Base(c)+":"+string(head)] = body
			}
		}
	}
	mds, _ := filepath.Glob("testdata/render/*.md")
	for _, m := range mds {
		b, err := os.ReadFile(m)
		if err != nil {
			t.Fatal(err)
		}
		out[m] = b
	}
	return out
}

// TestRenderedHTMLParses checks the output of every good case and golden
// input with an HTML parser: nothing outside the allowlists survives.
func TestRenderedHTMLParses(t *testing.T) {
	r := render.New()
	for name, src := range markdownFiles(t) {
		res, err := r.Render(src, render.Options{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !res.Limited {
			checkOutput(t, name, res.HTML)
		}
	}
}

var rawHTMLSeeds = []string{
	`<kbd onclick="alert(1)">k</kbd>`, `<sup style="x">s</sup>`, `<a href="javascript:alert(1)">j</a>`,
	`<a href="&#106;avascript:x">e</a>`, `<img src="data:image/png;base64,AA">`, `<img src=x srcset="y 2x">`,
	`<img src="https://e.example/a.png" onerror=alert(1)>`, `<details ontoggle=x><summary>s</summary></details>`,
	`<iframe src=x></iframe>`, `<script>alert(1)</script>`, `<style>p{}</style>`, `<svg onload=x>`,
	`<form><button formaction=javascript:x>b</button></form>`, `<!-- c -->`, `<!-- open`, `<!--><script>x</script>-->`,
	`<Callout type="warning">x</Callout>`, `<a href="//evil.example">p</a>`, `<a href=" java&#9;script:x">t</a>`,
	`<br/><br><kbd>x</kbd>`, `<abbr title='"><script>x</script>'>a</abbr>`, `<img src="a.png" alt="<img src=x onerror=y>">`,
	`<math><mi xlink:href="javascript:x">m</mi></math>`, `<noscript><p title="</noscript><img src=x onerror=y>">`,
	`</kbd><kbd>`, `<textarea><img src=x onerror=y></textarea>`, `<?php x ?>`, `<![CDATA[x]]>`, `<!DOCTYPE html>`,
}

// FuzzRawHTML renders raw HTML inline, as a block and inside a list, and
// checks the output: an entry without problems holds only allowed
// elements and attributes (its output is what gets published), and one
// with problems still renders nothing active.
func FuzzRawHTML(f *testing.F) {
	for _, s := range rawHTMLSeeds {
		f.Add(s)
	}
	// Every element the output may hold, with hostile attributes: each is
	// allowed without them, or refused with a problem.
	for e := range outputElements {
		f.Add(`<` + e + ` onclick="alert(1)" style="color:red" onerror=x href="javascript:x" src="javascript:x" srcset="x 2x" formaction=javascript:x>t</` + e + `>`)
	}
	r := render.New()
	f.Fuzz(func(t *testing.T, s string) {
		for _, doc := range []string{"a " + s + " b\n", s + "\n", "\n" + s + "\n\ntext\n", "- " + s + "\n", "> " + s + "\n"} {
			res, err := r.Render([]byte(doc), render.Options{})
			if err != nil {
				t.Fatalf("%q: %v", doc, err)
			}
			if !res.Limited {
				checkOutput(t, doc, res.HTML)
			}
		}
	})
}
