package render

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// TestLinkTemplatesKeepPositions: on random documents made of link helpers,
// fences, code spans, raw blocks and text, linkTemplates never changes the
// length of the source or where a line breaks (every position a problem
// reports stays true), never touches the frontmatter, rewrites only inside
// "](…)" destinations, and a second pass changes nothing.
func TestLinkTemplatesKeepPositions(t *testing.T) {
	parts := []string{"](", ")", "{{< ref \"a.md\" >}}", "{{< relref \"/b\" >}}", "{% link _docs/x.md %}",
		"{% post_url 2016-01-02-x %}", "{{ \"/docs/y/\" | relative_url }}", "{{ site.baseurl }}", "@/c/d.md", "@", "/z/", "#f",
		"\n", "\n```\n", "\n~~~~\n", "`", "{% raw %}", "{% endraw %}", " ", "[t", "\"T\"", "text", "{{", "%}", "é"}
	r := rand.New(rand.NewPCG(7, 8))
	for i := 0; i < 20000; i++ {
		var b bytes.Buffer
		b.WriteString("---\ntitle: x](" + parts[r.IntN(len(parts))] + "\n---\n")
		from := b.Len() - 1
		for n := r.IntN(30); n > 0; n-- {
			b.WriteString(parts[r.IntN(len(parts))])
		}
		src := b.Bytes()
		orig := append([]byte(nil), src...)
		out := linkTemplates(src, bodyOffset(src))
		if !bytes.Equal(src, orig) {
			t.Fatalf("the input was changed in place: %q", orig)
		}
		if len(out) != len(src) {
			t.Fatalf("length %d → %d for %q", len(src), len(out), src)
		}
		for j := range src {
			if (src[j] == '\n') != (out[j] == '\n') {
				t.Fatalf("line break moved at %d: %q → %q", j, src, out)
			}
			if j < from && src[j] != out[j] {
				t.Fatalf("frontmatter changed: %q → %q", src, out)
			}
		}
		if again := linkTemplates(out, bodyOffset(out)); !bytes.Equal(again, out) {
			t.Fatalf("not stable: %q → %q → %q", src, out, again)
		}
		if !bytes.Equal(out, src) && !bytes.Contains(src, []byte("](")) {
			t.Fatalf("rewrote without a link: %q → %q", src, out)
		}
	}
}
