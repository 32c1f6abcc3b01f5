package content

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

// TestFilePosCursor: the locator's positions, found by going on from the
// last one asked, are yamlFilePos's from the start, for random texts (line
// breaks YAML counts and the file does not, \r\n, multi-byte characters)
// and random questions, in order and not.
func TestFilePosCursor(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 9))
	parts := []string{"a", "é", "日", "\n", "\r\n", "\r", "\u0085", "\u2028", " ", "- x\n", "tags: [1, 2]\n"}
	for range 2000 {
		var b strings.Builder
		for n := r.IntN(40); n > 0; n-- {
			b.WriteString(parts[r.IntN(len(parts))])
		}
		text := []byte(b.String())
		l := &locator{fm: &frontmatter{text: text, startLine: 2}}
		line, col := 1, 1
		for range 30 {
			if r.IntN(4) == 0 { // backwards, or anywhere
				line, col = 1+r.IntN(8), 1+r.IntN(8)
			} else if r.IntN(2) == 0 {
				col += r.IntN(4)
			} else {
				line, col = line+r.IntN(2), 1+r.IntN(6)
			}
			gl, gc := l.filePos(line, col)
			wl, wc := yamlFilePos(text, 2, line, col)
			if gl != wl || gc != wc {
				t.Fatalf("%q at %d:%d: %d:%d, want %d:%d", text, line, col, gl, gc, wl, wc)
			}
		}
	}
}

// TestFilePosWalksOnce: placing a problem at each of n items of a flow
// list walks the frontmatter about once, not once per item (62,500 wrong
// tags took 1.6 s, 4× for twice as many, when each position was found
// from the start).
func TestFilePosWalksOnce(t *testing.T) {
	for _, n := range []int{1000, 4000} {
		text := []byte("title: x\ntags: [" + strings.Repeat("1, ", n) + "1]\n")
		l := &locator{fm: &frontmatter{text: text, startLine: 2, keyLines: map[string][]int{"tags": {3}}}}
		for i := range n {
			if line, col := l.value("tags", "#"+strconv.Itoa(i)); line != 3 || col != 8+3*i {
				t.Fatalf("tag %d at %d:%d, want 3:%d", i, line, col, 8+3*i)
			}
		}
		if l.walked > 2*len(text) {
			t.Errorf("%d items: walked %d bytes of a %d-byte frontmatter", n, l.walked, len(text))
		}
	}
}
