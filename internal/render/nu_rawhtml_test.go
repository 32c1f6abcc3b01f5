package render_test

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/axctl/axctl/internal/render"
	"github.com/axctl/axctl/internal/testutil/rawgen"
)

// workerAnchors is the Worker's anchors() (worker/src/layout.js): a
// self-link at the end of each heading with an id.
var workerAnchors = regexp.MustCompile(`<h([2-6]) id="([^"<>]+)">([\s\S]*?)</h([2-6])>`)

func anchors(body []byte) []byte {
	return workerAnchors.ReplaceAllFunc(body, func(m []byte) []byte {
		s := workerAnchors.FindSubmatch(m)
		if string(s[1]) != string(s[4]) {
			return m
		}
		return []byte(fmt.Sprintf(`<h%s id="%s">%s<a class="anchor" href="#%s" aria-label="Link to this section">#</a></h%s>`, s[1], s[2], s[3], s[2], s[1]))
	})
}

// nuPage is an entry page as the Worker's post template lays a body out
// (worker/src/layout.js TEMPLATES.post, in routes.js's page): a <main>
// holding the article, the title as h1, the body in div.body.
func nuPage(title string, body []byte) []byte {
	var b bytes.Buffer
	b.WriteString(`<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>` + title + `</title></head><body><a class="skip" href="#main">Skip to content</a><header><nav><a href="/">Home</a></nav></header><main id="main"><article class="entry post"><h1>` + title + `</h1>` + "\n" + `<div class="body">`)
	b.Write(anchors(body))
	b.WriteString(`</div></article></main><footer><p>f</p></footer></body></html>`)
	return b.Bytes()
}

// vnuJar is the Nu HTML Checker the Worker's npm packages install
// (make tools).
func vnuJar(t *testing.T) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	jar := filepath.Join(filepath.Dir(file), "..", "..", "worker", "node_modules", "vnu-jar", "build", "dist", "vnu.jar")
	if _, err := os.Stat(jar); err != nil {
		t.Fatalf("the Nu HTML Checker is not installed (run make tools): %v", err)
	}
	return jar
}

// nuErrors runs vnu --errors-only over every file of dir in one run and
// returns its error lines by file name.
func nuErrors(t *testing.T, dir string) map[string][]string {
	t.Helper()
	cmd := exec.Command("java", "-Xss8m", "-jar", vnuJar(t), "--errors-only", "--format", "gnu", "--skip-non-html", dir)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	got := map[string][]string{}
	sc := bufio.NewScanner(&out)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		// "file:///…/doc-12.html":3.4-3.10: error: message
		q := strings.Index(line, `":`)
		if !strings.HasPrefix(line, `"`) || q < 0 {
			t.Fatalf("vnu: unexpected output %q (%v)", line, err)
		}
		name := filepath.Base(strings.TrimPrefix(line[1:q], "file:"))
		got[name] = append(got[name], line[q+2:])
	}
	if err != nil && len(got) == 0 {
		t.Fatalf("vnu did not run: %v\n%s", err, out.String())
	}
	return got
}

// TestRawHTMLNuClean is the content-model oracle: random documents of
// allowlisted raw HTML nested at random and mixed with Markdown
// (rawgen, seeded); every one that renders without a problem is laid out
// as the Worker's entry page and the whole batch goes through the Nu HTML
// Checker: zero errors. RAWHTML_DOCS sets the count (the soak runs many),
// RAWHTML_SEED the seed, RAWHTML_KEEP a folder to keep the pages in.
func TestRawHTMLNuClean(t *testing.T) {
	docs, seed := 300, uint64(1)
	if s := os.Getenv("RAWHTML_DOCS"); s != "" {
		docs, _ = strconv.Atoi(s)
	}
	if s := os.Getenv("RAWHTML_SEED"); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	dir := t.TempDir()
	if keep := os.Getenv("RAWHTML_KEEP"); keep != "" {
		dir = keep // the pages stay, for a look at a failure
	}
	r := render.Shared()
	valid := 0
	srcs := map[string]string{}
	for i := range docs {
		src := rawgen.Doc(seed, i)
		res, err := r.Render([]byte(src), render.Options{DropTitleHeading: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Problems) > 0 || res.MetaErr != nil {
			continue
		}
		valid++
		if bytes.Contains(res.HTML, []byte("data-axctl")) {
			t.Fatalf("seed %d doc %d: the body keeps the repair's positions:\n%s", seed, i, res.HTML)
		}
		name := fmt.Sprintf("doc-%d.html", i)
		srcs[name] = src
		if err := os.WriteFile(filepath.Join(dir, name), nuPage(fmt.Sprintf("Doc %d", i), res.HTML), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if valid < docs/10 {
		t.Fatalf("only %d of %d documents validate: the generator tests too little", valid, docs)
	}
	errs := nuErrors(t, dir)
	names := make([]string, 0, len(errs))
	for n := range errs {
		names = append(names, n)
	}
	sort.Strings(names)
	total := 0
	for _, n := range names {
		total += len(errs[n])
	}
	for k, n := range names {
		if k < 15 {
			page, _ := os.ReadFile(filepath.Join(dir, n))
			t.Errorf("seed %d %s: %d Nu error(s):\n%s\nsource:\n%s\npage:\n%s", seed, n, len(errs[n]), strings.Join(errs[n], "\n"), srcs[n], page)
		}
	}
	t.Logf("seed %d: %d documents, %d validate; %d Nu errors on %d pages", seed, docs, valid, total, len(names))
}
