package main

import (
	"bytes"
	"fmt"
	"regexp"
	"testing"

	"github.com/axctl/axctl/bench/corpus"
)

// TestInPlaceEditCost: docs/bucket.md's rows for in-place edits hold at
// any size: an edit of the body alone rewrites only the entry's shard, and
// one that changes the word count also one chunk of each of its tags —
// nothing that grows with the entries. The tag count is the edited
// entry's, read back from the records.
func TestInPlaceEditCost(t *testing.T) {
	const n = 5000
	var out bytes.Buffer
	if err := editCost(n, 1, "entry in the middle", &out); err != nil {
		t.Fatal(err)
	}
	_, recs := corpus.Records(n, 1)
	tags := len(middleOf(recs).Tags)
	want := map[string]string{
		"edit the body":      "writes 1 (shard 1), deletes 0",
		"append a paragraph": fmt.Sprintf("writes %d (shard 1, tag chunk %d), deletes 0", 1+tags, tags),
	}
	for name, w := range want {
		re := regexp.MustCompile(regexp.QuoteMeta(name) + `[^\n]*?\s+(writes [^\n]*)`)
		m := re.FindSubmatch(out.Bytes())
		if m == nil {
			t.Fatalf("no %q line in:\n%s", name, out.String())
		}
		if got := string(m[1]); got != w {
			t.Errorf("%s: %s, want %s (the entry has %d tags)", name, got, w, tags)
		}
	}
}
