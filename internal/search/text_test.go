package search

import (
	"bytes"
	"math/rand/v2"
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
