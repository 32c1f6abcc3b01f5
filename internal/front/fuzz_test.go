package front

import (
	"bytes"
	"testing"
)

// FuzzFront runs Detect, Split, Decode and Locate on arbitrary bytes: they
// must never panic, and every error and every position found must lie
// inside the text.
func FuzzFront(f *testing.F) {
	for _, s := range []string{
		"+++\ntitle = \"x\"\ndate = 2024-01-02\ntags = [\"a\", 1]\n[taxonomies]\ntags = [\"b\"]\n+++\nbody\n",
		"{\n\"title\": \"x\", \"tags\": [\"a\", {\"b\": [null]}]\n}\nbody",
		"+++\na = [[[[1]]]]\nb = {c = {d = 1}}\n[[e]]\n[[e]]\nf.g.h = 1\n+++\n",
		"{\"a\":1,\"a\":2}", "+++\n\"\\u0000\" = '''\n+++\n'''\n+++\n", "{\"\": {\"\": []}}",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		fm := Detect(src)
		if fm != TOML && fm != JSON {
			return
		}
		b, serr := Split(src, fm)
		lines := bytes.Count(src, []byte{'\n'}) + 1
		if serr != nil {
			if serr.Line < 1 || serr.Line > lines || serr.Col < 1 {
				t.Fatalf("split error outside the file: %v", serr)
			}
			return
		}
		if b.Body > len(src) || b.Line < 1 {
			t.Fatalf("block outside the file: %+v", b)
		}
		inText := func(p Pos) bool {
			n := bytes.Count(b.Text, []byte{'\n'}) + 1
			return p.Line >= 1 && p.Line <= n && p.Col >= 1
		}
		if _, err := Decode(fm, b.Text); err != nil {
			e, ok := err.(*Error)
			if !ok || !inText(Pos{e.Line, e.Col}) {
				t.Fatalf("decode error outside the text: %#v", err)
			}
		}
		ix := Locate(fm, b.Text)
		for k, p := range ix.keys {
			if !inText(p) || !inText(ix.values[k]) {
				t.Fatalf("%q at %v / %v: outside the text", k, p, ix.values[k])
			}
		}
	})
}
