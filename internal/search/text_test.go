package search

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// textFields is Text as it was written first: every text token and a
// space per tag into one string, then strings.Fields and strings.Join.
func textFields(fragment []byte) string {
	z := html.NewTokenizer(bytes.NewReader(fragment))
	var b strings.Builder
	skip := 0
	for {
		switch z.Next() {
		case html.ErrorToken:
			return strings.Join(strings.Fields(b.String()), " ")
		case html.StartTagToken:
			name, _ := z.TagName()
			if s := string(name); s == "script" || s == "style" || s == "template" {
				skip++
			}
			b.WriteByte(' ')
		case html.EndTagToken:
			name, _ := z.TagName()
			if s := string(name); (s == "script" || s == "style" || s == "template") && skip > 0 {
				skip--
			}
			b.WriteByte(' ')
		case html.TextToken:
			if skip == 0 {
				b.Write(z.Text())
			}
		}
	}
}

// TestTextMatchesFields checks Text's one-pass white space collapsing
// against strings.Fields on random fragments made of tags, entities
// (&nbsp; is white space once decoded), Unicode white space, invalid UTF-8
// and words.
func TestTextMatchesFields(t *testing.T) {
	parts := []string{
		"<p>", "</p>", "<br/>", "<script>", "</script>", "<style>", "</style>", "<template>", "</template>",
		"<!-- c -->", "<code class=\"x\">", "</code>", "&nbsp;", "&amp;", "&#x2003;", "&lt;b&gt;",
		" ", "  ", "\t", "\n", "\r\n", "\v", "\f", "\u00a0", "\u0085", "\u2028", "\u3000", "\u200b",
		"\xff", "\xe2\x80", "\xc3", "word", "café", "東京", "a", ".", "x&y", "<", ">", "<p", "\x00",
	}
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 20000; i++ {
		var b strings.Builder
		for n := r.IntN(12); n >= 0; n-- {
			b.WriteString(parts[r.IntN(len(parts))])
		}
		in := []byte(b.String())
		if got, want := Text(in), textFields(in); got != want {
			t.Fatalf("Text(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestPlainTextMatchesTokenizer checks Text's path without a tokenizer
// against x/net/html's: wherever plainText answers, on random fragments
// (tags with and without attributes, quoted and not, upper case, self
// closing, comments a tokenizer ends early, raw-text elements, entities,
// carriage returns), it gives tokenizedText's string; and it answers for
// most fragments, so the comparison is not vacuous.
func TestPlainTextMatchesTokenizer(t *testing.T) {
	parts := []string{
		"<p>", "</p>", "<P>", "</P >", "<br/>", "<br />", "<hr/ >", "<img src=\"a.png\" alt='x > y'/>", "<a href=\"/x?a=1&amp;b=2\">", "</a>",
		"<div class=\"c\" hidden>", "<div\nid=\"d\"\t>", "</div>", "<td align=left>", "<input disabled = \"x\">", "<a b=\"c\"d=\"e\">",
		"<h2 id=\"h\">", "</h2>", "<span class=\"k\">", "</span>", "<code>", "</code>", "</br/>", "<a\"b>", "<a<b>",
		"<script>", "</script>", "<style>", "</style>", "<template>", "</template>", "<title>", "</title>", "<textarea>", "<xmp>",
		"<!-- c -->", "<!---->", "<!-->", "<!--->", "<!-- a --!> b -->", "<!-- a -- b -->", "<!-- <p> -->", "<!DOCTYPE html>", "<?xml ?>", "</>", "</ x>",
		"&nbsp;", "&amp;", "&#x2003;", "&lt;b&gt;", "&amp", "&notin;", "&notit;", "&#0;",
		" ", "\t", "\n", "\r\n", "\u00a0", "\u3000", "\xff", "word", "café", "東京", "x&y", "<", ">", "<p", "<1", "< p>", "\x00", "=", "\"", "'",
	}
	r := rand.New(rand.NewPCG(3, 4))
	answered := 0
	const n = 50000
	for i := 0; i < n; i++ {
		var b strings.Builder
		for k := r.IntN(10); k >= 0; k-- {
			b.WriteString(parts[r.IntN(len(parts))])
		}
		in := []byte(b.String())
		got, ok := plainText(in)
		if !ok {
			continue
		}
		answered++
		if want := tokenizedText(in); got != want {
			t.Fatalf("plainText(%q) = %q, the tokenizer gives %q", in, got, want)
		}
	}
	if answered < n/10 {
		t.Errorf("plainText answered %d of %d fragments", answered, n)
	}
}

// TestPlainTextReadsRenderedEntries checks that plainText answers, and
// agrees with the tokenizer, for every rendered entry of the fixture
// bucket and every golden render of internal/render.
func TestPlainTextReadsRenderedEntries(t *testing.T) {
	var files []string
	for _, glob := range []string{"../../testdata/fixture/bucket/entries/*/*.html", "../../testdata/fixture/bucket/entries/*/*/*.html", "../render/testdata/render/*.html"} {
		m, err := filepath.Glob(glob)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) < 15 {
		t.Fatalf("found %d rendered files", len(files))
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := plainText(b)
		if want := tokenizedText(b); !ok || got != want {
			t.Errorf("%s: plainText = %q, %v; the tokenizer gives %q", f, got, ok, want)
		}
	}
}

// FuzzPlainText: wherever plainText answers, it agrees with the tokenizer.
func FuzzPlainText(f *testing.F) {
	for _, s := range []string{"<p>a &amp; b</p>", "<a href=\"x\">y</a><br/>z", "<!-- c -->x", "<div class='a'\n>t</div >"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		if got, ok := plainText(in); ok {
			if want := tokenizedText(in); got != want {
				t.Fatalf("plainText(%q) = %q, the tokenizer gives %q", in, got, want)
			}
		}
	})
}
