package render_test

import (
	"bytes"
	"flag"
	"fmt"
	"html"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/axctl/axctl/internal/render"
)

var update = flag.Bool("update", false, "rewrite golden files (testdata/render/*.html, worker/public/static/chroma.css)")

// golden renders a document as its HTML followed by the TOC and the
// problems as comments, so one file shows everything Render returned.
func golden(t *testing.T, res *render.Result) []byte {
	t.Helper()
	var b bytes.Buffer
	b.Write(res.HTML)
	fmt.Fprintf(&b, "<!-- words: %d -->\n", res.Words)
	for _, h := range res.TOC {
		fmt.Fprintf(&b, "<!-- toc: h%d #%s %q -->\n", h.Level, h.ID, h.Text)
	}
	for _, p := range res.Problems {
		fmt.Fprintf(&b, "<!-- problem: %d:%d: %s -->\n", p.Line, p.Col, strings.ReplaceAll(p.Msg, "--", "- -"))
	}
	return b.Bytes()
}

func TestRenderGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/render/*.md")
	if err != nil || len(files) == 0 {
		t.Fatal("no testdata/render/*.md")
	}
	r := render.New()
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".md")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			res, err := r.Render(src, render.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if res.MetaErr != nil {
				t.Fatalf("frontmatter: %v", res.MetaErr)
			}
			got := golden(t, res)
			want := strings.TrimSuffix(f, ".md") + ".html"
			if *update {
				if err := os.WriteFile(want, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			exp, err := os.ReadFile(want)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if !bytes.Equal(got, exp) {
				t.Errorf("%s differs from the golden file (go test -update rewrites it); got:\n%s", want, got)
			}
		})
	}
}

// TestRenderSafety checks the promises the goldens show, so a careless
// -update cannot bless unsafe output.
var urlAttr = regexp.MustCompile(`\s(href|src)="([^"]*)"`)

func TestRenderSafety(t *testing.T) {
	files, _ := filepath.Glob("testdata/render/*.html")
	for _, f := range files {
		out, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		body := string(out)
		if i := strings.Index(body, "<!-- words:"); i >= 0 {
			body = body[:i]
		}
		lower := strings.ToLower(body)
		for _, bad := range []string{"<script", "<div onclick", "<span style", "<img src=x", "onerror=", "onclick=", " style="} {
			if strings.Contains(lower, bad) {
				t.Errorf("%s: output contains %q", f, bad)
			}
		}
		for _, m := range urlAttr.FindAllStringSubmatch(lower, -1) {
			u, err := url.Parse(html.UnescapeString(m[2]))
			if err != nil || strings.HasPrefix(m[2], "//") || u.Scheme != "" && u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "mailto" {
				t.Errorf("%s: %s=%q is not http, https, mailto or relative", f, m[1], m[2])
			}
		}
	}
}

func TestRenderUsesDeclaredOrExplicitFeatures(t *testing.T) {
	src := []byte("---\ntitle: x\n---\n```go\npackage main\n```\n")
	r := render.Shared()
	res, err := r.Render(src, render.Options{Features: []string{"syntax:code"}})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(res.HTML, []byte(`class="chroma"`)) {
		t.Errorf("Options.Features syntax:code: not highlighted:\n%s", res.HTML)
	}
	res, err = r.Render(src, render.Options{Features: []string{}})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(res.HTML, []byte(`<pre><code class="language-go">package main`)) {
		t.Errorf("no features: not plain:\n%s", res.HTML)
	}
}

func TestChromaOnlyForDeclaredEntries(t *testing.T) {
	var body strings.Builder
	for i := 0; i < 50; i++ {
		fmt.Fprintf(&body, "```go\nfunc f%d() int { return %d }\n```\n\n```python\nprint(%d)\n```\n\n", i, i, i)
	}
	r := render.Shared()
	renderFront := func(front string) *render.Result {
		t.Helper()
		res, err := r.Render([]byte("---\ntitle: x\n"+front+"---\n"+body.String()), render.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}

	d := 0
	for i := 0; i < 20; i++ {
		res := renderFront("")
		if bytes.Contains(res.HTML, []byte("chroma")) {
			t.Fatal("undeclared entry has chroma output")
		}
		d += res.Highlighted
		d += renderFront("features:\n  blocks: [callouts]\n").Highlighted // another feature only
	}
	if d != 0 {
		t.Errorf("chroma invoked %d times for entries without syntax:code, want 0", d)
	}

	res := renderFront("features:\n  syntax: [code]\n")
	if d := res.Highlighted; d != 100 {
		t.Errorf("chroma invoked %d times for an entry with syntax:code and 100 blocks, want 100", d)
	}
	if n := bytes.Count(res.HTML, []byte(`<pre class="chroma">`)); n != 100 {
		t.Errorf("%d highlighted blocks, want 100", n)
	}
	if bytes.Contains(res.HTML, []byte("style=")) {
		t.Error("highlighted output has inline styles; want CSS classes only")
	}
}

// TestStylesheet keeps the Worker's stylesheet equal to the classes the
// renderer emits; -update regenerates it.
func TestStylesheet(t *testing.T) {
	var css bytes.Buffer
	if err := render.WriteCSS(&css); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("..", "..", "worker", "public", "static", "chroma.css")
	if *update {
		if err := os.WriteFile(path, css.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -update ./internal/render writes it)", err)
	}
	if !bytes.Equal(got, css.Bytes()) {
		t.Errorf("%s is not render.WriteCSS output; run go test -update ./internal/render", path)
	}
}

// TestRenderPanicIsAnError: a panic anywhere while rendering (here in the
// local-file resolver a transformer calls) is the document's error, not
// the process's end.
func TestRenderPanicIsAnError(t *testing.T) {
	src := []byte("---\ntitle: T\n---\n[a](b.png)\n")
	res, err := render.New().Render(src, render.Options{Local: func(string) (string, error) { panic("boom") }})
	if err == nil || !strings.Contains(err.Error(), "rendering failed") || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("Render = %v, %v; want the panic as an error", res, err)
	}
}

// TestDropTitleHeading: a leading h1 equal to the title (case and spacing
// aside, after HTML comments) is dropped; others stay.
func TestDropTitleHeading(t *testing.T) {
	r := render.New()
	for _, tc := range []struct {
		name, src string
		drop      bool
		want      string
	}{
		{"same", "---\ntitle: Hello  World\n---\n# hello world\n\nBody.\n", true, "<p>Body.</p>\n"},
		{"after comment", "---\ntitle: Hi\n---\n<!-- x -->\n\n# Hi\n\nBody.\n", true, "<p>Body.</p>\n"},
		{"option off", "---\ntitle: Hi\n---\n# Hi\n", false, "<h1 id=\"hi\">Hi</h1>\n"},
		{"different", "---\ntitle: Hi\n---\n# Hi there\n", true, "<h1 id=\"hi-there\">Hi there</h1>\n"},
		{"not first", "---\ntitle: Hi\n---\nBody.\n\n# Hi\n", true, "<p>Body.</p>\n<h1 id=\"hi\">Hi</h1>\n"},
		{"h2", "---\ntitle: Hi\n---\n## Hi\n", true, "<h2 id=\"hi\">Hi</h2>\n"},
		{"title not a string", "---\ntitle: [Hi]\n---\n# Hi\n", true, "<h1 id=\"hi\">Hi</h1>\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := r.Render([]byte(tc.src), render.Options{DropTitleHeading: tc.drop})
			if err != nil {
				t.Fatal(err)
			}
			if string(res.HTML) != tc.want {
				t.Errorf("got %q, want %q", res.HTML, tc.want)
			}
		})
	}
}

// TestRawHTMLOpenParagraphsLinear: a raw <p> a block leaves open is written
// as <div>; the rename copied the block's bytes once per <p>, so 40,000
// "<p>" took 9 s. Bytes allocated (not time) must grow linearly: four times
// the paragraphs, about four times the bytes (sixteen on the old code).
func TestRawHTMLOpenParagraphsLinear(t *testing.T) {
	r := render.New()
	alloc := func(n int) uint64 {
		src := []byte("---\ntitle: T\n---\n" + strings.Repeat("<p>", n) + "\n")
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		if _, err := r.Render(src, render.Options{}); err != nil {
			t.Fatal(err)
		}
		runtime.ReadMemStats(&after)
		return after.TotalAlloc - before.TotalAlloc
	}
	alloc(100) // warm up the renderer's one-time state
	small, large := alloc(2000), alloc(8000)
	if ratio := float64(large) / float64(small); ratio > 8 {
		t.Errorf("4× the open <p> allocated %.1f× the bytes (%d → %d): quadratic", ratio, small, large)
	}
}
