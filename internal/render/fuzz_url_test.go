package render_test

import (
	"html"
	"regexp"
	"strings"
	"testing"

	"github.com/axctl/axctl/internal/render"
)

// urlSeeds are the ways a destination can change between the Markdown and
// the href: entities, backslash escapes, controls, case, encodings.
var urlSeeds = []string{
	"/&#x2F;evil.example", "&#x2F;&#x2F;evil.example", "/&sol;evil.example", "\\/\\/evil.example",
	"/\\evil.example", "\\\\evil.example", "&#92;&#92;evil.example", "/%5Cevil.example",
	"&#106;avascript:alert(1)", "java&#9;script:alert(1)", "java&#x0A;script:alert(1)", "JAVASCRIPT:alert(1)",
	"javascript&colon;alert(1)", "javascript%3Aalert(1)", "&#32;javascript:alert(1)", "&#1;javascript:alert(1)",
	"vbscript:msgbox", "data:text/html,x", "data:image/png;base64,AAAA", "&#x64;ata:text/html,x",
	"http:&#x2F;&#x2F;evil.example", "https:evil.example", "//evil.example", "mailto:a@example.com",
	"#frag", "a/b.png", "/docs/x", "https://example.com/a?b=c&amp;d", "<&#x2F;/evil>", "",
}

var attrRe = regexp.MustCompile(`<(?:a href|img src)="([^"]*)"`)

// safeHref is an oracle written apart from checkURL: the URL a browser
// reads (leading and trailing C0 and space stripped, tab and newline
// removed, backslash as slash) is empty, a fragment, a path on the site,
// a relative path, or http(s) or mailto.
func safeHref(v string, image bool) bool {
	v = strings.TrimFunc(v, func(r rune) bool { return r <= ' ' })
	v = strings.NewReplacer("\t", "", "\n", "", "\r", "", "\\", "/").Replace(v)
	if strings.HasPrefix(v, "//") {
		return false
	}
	m := regexp.MustCompile(`^([A-Za-z][A-Za-z0-9+.-]*):`).FindStringSubmatch(v)
	if m == nil {
		return true
	}
	switch strings.ToLower(m[1]) {
	case "http", "https":
		return true
	case "mailto":
		return !image
	}
	return false
}

// FuzzURLAfterEntities renders a destination as a link, an image, a link
// with <>, a reference definition and an autolink, and asserts that every
// href and src in the HTML, read as a browser reads it, is allowed: a
// refused URL is a problem (the entry is never published) and is also
// dropped from the HTML.
func FuzzURLAfterEntities(f *testing.F) {
	for _, s := range urlSeeds {
		f.Add(s)
	}
	r := render.New()
	f.Fuzz(func(t *testing.T, dest string) {
		for _, doc := range []string{"[a](" + dest + ")", "![a](" + dest + ")", "[a](<" + dest + ">)", "[a]\n\n[a]: " + dest, "<" + dest + ">", "[![a](" + dest + ")](" + dest + ")"} {
			res, err := r.Render([]byte(doc+"\n"), render.Options{})
			if err != nil {
				t.Fatalf("%q: %v", doc, err)
			}
			for _, m := range attrRe.FindAllStringSubmatch(string(res.HTML), -1) {
				if v := html.UnescapeString(m[1]); !safeHref(v, strings.HasPrefix(m[0], "<img")) {
					t.Errorf("%q renders %s, which a browser reads as %q", doc, m[0], v)
				}
			}
		}
	})
}

// TestURLAfterEntities runs the seeds (go test runs them through the fuzz
// target too; this names the expected refusals).
func TestURLAfterEntities(t *testing.T) {
	for _, c := range []struct{ dest, want string }{
		{"/&#x2F;evil.example", `link URL "/&#x2F;evil.example" (a browser reads "//evil.example") is protocol-relative`},
		{"\\/\\/evil.example", `link URL "\\/\\/evil.example" (a browser reads "//evil.example") is protocol-relative`},
		{"&#106;avascript:alert(1)", `link URL scheme "javascript:" is not allowed (use http, https, mailto or a relative path): a browser reads "&#106;avascript:alert(1)" as "javascript:alert(1)"`},
		{"java&#9;script:alert(1)", `link URL "java&#9;script:alert(1)" (a browser reads "java%09script:alert(1)") is malformed`},
	} {
		res, err := render.New().Render([]byte("[a]("+c.dest+")\n"), render.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Problems) != 1 || !strings.HasPrefix(res.Problems[0].Msg, c.want) {
			t.Errorf("%s: problems %+v, want %q", c.dest, res.Problems, c.want)
		}
	}
}
