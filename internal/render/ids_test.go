package render_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/axctl/axctl/internal/render"
)

// TestHeadingIDsAsGitHub: heading ids are the ones GitHub gives (the
// anchors READMEs and docs sites link to); the wants are github-slugger's
// output for each text. On goldmark's default ids, underscores became "-"
// and non-ASCII letters were dropped, so links like #sort_by_label into
// Prometheus's and Node's docs (found on real trees) led nowhere.
func TestHeadingIDsAsGitHub(t *testing.T) {
	r := render.New()
	idRe := regexp.MustCompile(`<h[1-6] id="([^"]*)">`)
	for _, tc := range []struct{ heading, want string }{
		{"`sort_by_label()`", "sort_by_label"},
		{"`async_hooks.createHook(callbacks)`", "async_hookscreatehookcallbacks"},
		{"child_process.spawn(command[, args][, options])", "child_processspawncommand-args-options"},
		{"Ünïcode & *emphasis*", "ünïcode--emphasis"},
		{"Привет мир", "привет-мир"},
		{"日本語の見出し", "日本語の見出し"},
		{"[Install](https://example.com/install) now", "install-now"},
		{"Morning<br />", "morning"},
		{"`<relabel_config>`", "relabel_config"},
		{"C++ & C#", "c--c"},
		{"Hello  World", "hello--world"},
		{"🎉 Party", "-party"},
		{"v1.2.3 — released", "v123--released"},
	} {
		res, err := r.Render([]byte("## "+tc.heading+"\n"), render.Options{})
		if err != nil {
			t.Fatal(err)
		}
		m := idRe.FindSubmatch(res.HTML)
		if m == nil || string(m[1]) != tc.want {
			t.Errorf("## %s: got %s, want id %q", tc.heading, res.HTML, tc.want)
		}
	}
	// Repeats are numbered as GitHub numbers them; an empty text is "heading".
	res, err := r.Render([]byte("## a\n\n## a\n\n## a-1\n\n## ***\n\n## !!\n"), render.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range idRe.FindAllSubmatch(res.HTML, -1) {
		got = append(got, string(m[1]))
	}
	want := []string{"a", "a-1", "a-1-1", "heading", "heading-1"}
	if len(got) != len(want) {
		t.Fatalf("got ids %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("got ids %q, want %q", got, want)
		}
	}
}

// TestIDsUniqueOnThePage draws random bodies whose headings, raw anchors
// and footnotes reach for the same names, the page's own id among them
// (the layout's <main id="content">) and goldmark's footnote ids, and
// checks every rendered body against what the page needs: no id twice,
// not the page's, and every #fragment link leading to an id the body has,
// to the page's (#top, #content), or warned. "## Content" used to be
// id="content" beside the layout's main, and <span id="fn:1"> took a
// footnote's link (AXCTL_SEED replays one body).
func TestIDsUniqueOnThePage(t *testing.T) {
	r := render.New()
	names := []string{"Content", "content", "Top", "top", "fn:1", "fnref:1", "fnref2:1", "fn:2", "fn1", "Intro", "intro", "content-1", "top-1", "Q"}
	seed := seedFromEnv(t)
	rng := rand.New(rand.NewPCG(seed, 0))
	idAttr := regexp.MustCompile(`\sid="([^"]*)"`)
	hrefFrag := regexp.MustCompile(`href="#([^"]*)"`)
	for round := 0; round < 400; round++ {
		var b strings.Builder
		b.WriteString("---\ntitle: T\n---\n")
		notes := 0
		for i := rng.IntN(8) + 1; i > 0; i-- {
			w := names[rng.IntN(len(names))]
			switch rng.IntN(6) {
			case 0, 1:
				fmt.Fprintf(&b, "## %s\n\n", w)
			case 2:
				fmt.Fprintf(&b, "<div id=\"%s\">x</div>\n\n", w)
			case 3:
				fmt.Fprintf(&b, "Text <a id=\"%s\">a</a> <span id=\"%s\">s</span>.\n\n", w, w)
			case 4:
				notes++
				fmt.Fprintf(&b, "Said[^%d] twice[^%d].\n\n", notes, notes)
			case 5:
				fmt.Fprintf(&b, "See [it](#%s).\n\n", strings.ToLower(w))
			}
		}
		for i := 1; i <= notes; i++ {
			fmt.Fprintf(&b, "[^%d]: note %d\n", i, i)
		}
		src := b.String()
		res, err := r.Render([]byte(src), render.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Problems) > 0 {
			t.Fatalf("seed %d round %d: problems %v\n%s", seed, round, res.Problems, src)
		}
		body := string(res.HTML)
		seen := map[string]bool{}
		for _, m := range idAttr.FindAllStringSubmatch(body, -1) {
			id := m[1]
			if seen[id] {
				t.Fatalf("seed %d round %d: id %q twice\n%s\n→\n%s", seed, round, id, src, body)
			}
			if id == "content" {
				t.Fatalf("seed %d round %d: the body took the page's id %q\n%s\n→\n%s", seed, round, id, src, body)
			}
			seen[id] = true
		}
		// A link the body's ids do not answer is the page's (#top,
		// #content), a footnote's, or warned at the link.
		for _, m := range hrefFrag.FindAllStringSubmatch(body, -1) {
			f := m[1]
			if seen[f] || f == "top" || f == "content" || strings.HasPrefix(f, "fn") && strings.Contains(f, ":") {
				continue
			}
			warned := false
			for _, w := range res.Warnings {
				warned = warned || strings.Contains(w.Msg, `"#`+f+`"`)
			}
			if !warned {
				t.Fatalf("seed %d round %d: link #%s leads to no id of the body, without a warning\n%s\n→\n%s", seed, round, f, src, body)
			}
		}
		// A link written #content for a heading of that name
		// reaches the heading, not the page's element.
		for _, w := range []string{"content"} {
			if strings.Contains(src, "## "+strings.ToUpper(w[:1])+w[1:]+"\n") || strings.Contains(src, "## "+w+"\n") {
				if strings.Contains(src, "](#"+w+")") && strings.Contains(body, `href="#`+w+`"`) {
					t.Fatalf("seed %d round %d: #%s links the page's element, not the heading %q\n%s\n→\n%s", seed, round, w, w, src, body)
				}
			}
		}
	}
}

func seedFromEnv(t *testing.T) uint64 {
	if s := os.Getenv("AXCTL_SEED"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	n := rand.Uint64()
	t.Logf("AXCTL_SEED=%d", n)
	return n
}

// TestHeadingOutline draws random runs of headings, Markdown (ATX and
// Setext) and raw HTML mixed, and checks the levels written against the
// outline's rules: no heading more than one level below the one before it
// (h2 at most first, under the layout's h1), the order between neighbours
// kept (deeper, as deep, shallower), a # heading kept an h1, and a run that
// skips no level written as it is. Real docs go from the title to ### and
// from ## to ####, which the Nu checker and Lighthouse fail.
func TestHeadingOutline(t *testing.T) {
	r := render.New()
	seed := seedFromEnv(t)
	rng := rand.New(rand.NewPCG(seed, 1))
	hRe := regexp.MustCompile(`<h([1-6])[ >]`)
	for round := 0; round < 300; round++ {
		var b strings.Builder
		b.WriteString("---\ntitle: T\n---\n")
		var written []int
		for i := rng.IntN(12) + 1; i > 0; i-- {
			lvl := rng.IntN(6) + 1
			if rng.IntN(3) == 0 { // mostly without skips: the as-is rule gets cases
				prev := 1
				if len(written) > 0 {
					prev = written[len(written)-1]
				}
				lvl = min(prev+1, 6) - rng.IntN(2)
				if lvl < 1 {
					lvl = 1
				}
			}
			written = append(written, lvl)
			switch {
			case rng.IntN(4) == 0:
				fmt.Fprintf(&b, "<h%d>Raw %d</h%d>\n\n", lvl, i, lvl)
			case lvl <= 2 && rng.IntN(2) == 0:
				fmt.Fprintf(&b, "Setext %d\n%s\n\n", i, strings.Repeat(map[int]string{1: "=", 2: "-"}[lvl], 3))
			default:
				fmt.Fprintf(&b, "%s Heading %d\n\nText.\n\n", strings.Repeat("#", lvl), i)
			}
		}
		src := b.String()
		res, err := r.Render([]byte(src), render.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Problems) > 0 {
			t.Fatalf("seed %d round %d: %v\n%s", seed, round, res.Problems, src)
		}
		var out []int
		for _, m := range hRe.FindAllStringSubmatch(string(res.HTML), -1) {
			n, _ := strconv.Atoi(m[1])
			out = append(out, n)
		}
		if len(out) != len(written) {
			t.Fatalf("seed %d round %d: %d headings written, %d in the HTML\n%s\n→\n%s", seed, round, len(written), len(out), src, res.HTML)
		}
		skips := false
		for i := range out {
			prevW, prevO := 1, 1 // the layout's h1
			if i > 0 {
				prevW, prevO = written[i-1], out[i-1]
			}
			skips = skips || written[i] > prevW+1
			fail := func(why string) {
				t.Fatalf("seed %d round %d: heading %d written h%d after h%d is h%d after h%d: %s\n%s\n→\n%s", seed, round, i, written[i], prevW, out[i], prevO, why, src, res.HTML)
			}
			switch {
			case out[i] > prevO+1:
				fail("skips a level")
			case written[i] == 1 && out[i] != 1:
				fail("a # heading is not an h1")
			case i > 0 && written[i] > prevW && out[i] <= prevO:
				fail("deeper written, not deeper")
			case i > 0 && written[i] == prevW && out[i] != prevO:
				fail("as deep written, not as deep")
			case i > 0 && written[i] < prevW && out[i] > prevO:
				fail("shallower written, deeper")
			}
		}
		if !skips && !slices.Equal(out, written) {
			t.Fatalf("seed %d round %d: no level skipped, yet levels %v became %v\n%s\n→\n%s", seed, round, written, out, src, res.HTML)
		}
	}
}

// TestDetailsHaveSummary: HTML requires a <details> to start with its
// <summary>; one without gets the "Details" a browser shows, one with
// (after white space or a comment) keeps its own.
func TestDetailsHaveSummary(t *testing.T) {
	r := render.New()
	for _, tc := range []struct{ src, want string }{
		{"<details>\n\nHidden text.\n\n</details>\n", "<details><summary>Details</summary>"},
		{"<details open>\n<p>x</p>\n</details>\n", "<details open=\"\"><summary>Details</summary>"},
		{"<details>\n<summary>Why</summary>\n\nText.\n\n</details>\n", "<details>\n<summary>Why</summary>"},
		{"<details>\n<!-- note -->\n  <summary>Why</summary>\n\nText.\n\n</details>\n", "<summary>Why</summary>"},
		{"<details>\n\n<summary>Later block</summary>\n\nText.\n\n</details>\n", "<summary>Later block</summary>"},
	} {
		res, err := r.Render([]byte("---\ntitle: T\n---\n"+tc.src), render.Options{})
		if err != nil {
			t.Fatal(err)
		}
		got := string(res.HTML)
		if len(res.Problems) > 0 || !strings.Contains(got, tc.want) || strings.Count(got, "<summary>") != 1 {
			t.Errorf("%q:\ngot %s (problems %v)\nwant one <summary>, and %q", tc.src, got, res.Problems, tc.want)
		}
	}
}

// TestFragmentHashes: a "#" inside a link's fragment (chat rooms,
// single-page apps) is written %23, which HTML's URL syntax requires; the
// rest of the URL is kept.
func TestFragmentHashes(t *testing.T) {
	r := render.New()
	src := "---\ntitle: T\n---\n[room](https://matrix.to/#/#pyyaml:yaml.io) <a href=\"https://app.element.io/#/room/#dev:matrix.org\">raw</a> [plain](https://example.org/a#b) <https://x.example/#/#y>\n"
	res, err := r.Render([]byte(src), render.Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := string(res.HTML)
	for _, want := range []string{`href="https://matrix.to/#/%23pyyaml:yaml.io"`, `href="https://app.element.io/#/room/%23dev:matrix.org"`, `href="https://example.org/a#b"`, `href="https://x.example/#/%23y"`} {
		if !strings.Contains(got, want) {
			t.Errorf("want %s in\n%s", want, got)
		}
	}
}

// TestNoRemoteImages: the page's CSP (img-src 'self') blocks an image on
// another host, so none is written as an <img>: every spelling of one
// (Markdown inline, reference, in a link, raw <img> alone, in a raw <a>,
// in a Markdown link, http and HTTPS, entities in src) is
// its alt text, linked to it unless a link holds it, and each is warned.
func TestNoRemoteImages(t *testing.T) {
	r := render.New()
	imgRe := regexp.MustCompile(`(?i)<img\b[^>]*>`)
	cases := []struct{ src, want string }{
		{"![a cat](https://example.com/cat.png)", `<a href="https://example.com/cat.png">a cat</a>`},
		{"![ref][r]\n\n[r]: http://example.com/r.png", `<a href="http://example.com/r.png">ref</a>`},
		{"[![build](https://ci.example/b.svg)](https://ci.example/)", `<a href="https://ci.example/">build</a>`},
		{"[![](https://ci.example/b.svg)](https://ci.example/)", `<a href="https://ci.example/">image on ci.example</a>`},
		{"<img src=\"HTTPS://Example.com/x.png\" alt=\"x\">", `<a href="https://Example.com/x.png">x</a>`},
		{"<a href=\"https://e.example/\"><img src=\"https://e.example/i.png\" alt=\"in a\"></a>", `<a href="https://e.example/">in a</a>`},
		{"[<img src=\"https://e.example/i.png\" alt=\"in md\">](https://e.example/)", `<a href="https://e.example/">in md</a>`},
		{"<img src=\"&#104;ttps://e.example/ent.png\" alt=\"ent\">", `<a href="https://e.example/ent.png">ent</a>`},
		{"Text ![a &amp; \\<b>](https://e.example/q.png?a=1&b=2) end", `<a href="https://e.example/q.png?a=1&amp;b=2">a &amp; &lt;b&gt;</a>`},
	}
	for _, tc := range cases {
		res, err := r.Render([]byte("---\ntitle: T\n---\n"+tc.src+"\n"), render.Options{})
		if err != nil {
			t.Fatal(err)
		}
		got := string(res.HTML)
		if len(res.Problems) > 0 {
			t.Errorf("%q: problems %v", tc.src, res.Problems)
		}
		if m := imgRe.FindString(got); m != "" {
			t.Errorf("%q: an <img> is left: %s\n%s", tc.src, m, got)
		}
		if !strings.Contains(got, tc.want) {
			t.Errorf("%q:\ngot  %s\nwant %s", tc.src, got, tc.want)
		}
		warned := 0
		for _, w := range res.Warnings {
			if strings.Contains(w.Msg, "is on another host") {
				warned++
			}
		}
		if warned != 1 {
			t.Errorf("%q: %d warnings of another host, want 1: %v", tc.src, warned, res.Warnings)
		}
	}
}
