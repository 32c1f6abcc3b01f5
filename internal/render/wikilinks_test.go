package render

import (
	"math/rand/v2"
	"reflect"
	"testing"
)

// TestWikiLinksMatchesRegexp checks the "[[" shortcut of wikiLinks against
// the regexp alone on random lines made of the bytes wikiRe and its
// neighbours care about: a change to wikiRe that can match without "[["
// fails here.
func TestWikiLinksMatchesRegexp(t *testing.T) {
	const alphabet = "[[[]]]!()#|:.aa \t\n`{}%<>x"
	r := rand.New(rand.NewPCG(9, 3))
	line := make([]byte, 0, 64)
	matched := 0
	for range 200000 {
		line = line[:0]
		for range r.IntN(48) {
			line = append(line, alphabet[r.IntN(len(alphabet))])
		}
		got, want := wikiLinks(line), wikiRe.FindAllIndex(line, -1)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("wikiLinks(%q) = %v, the regexp finds %v", line, got, want)
		}
		if want != nil {
			matched++
		}
	}
	if matched < 1000 {
		t.Fatalf("only %d of the random lines hold a wiki link: the test says little", matched)
	}
}
