package syncer_test

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/axctl/axctl/internal/search"
)

// TestSearchIndexVisibility: the index holds published entries only —
// drafts and entries expired at sync time are not in it — and entries
// with a future publishDate are in it (the Worker hides them until then,
// using site.json's schedule, like every listing).
func TestSearchIndexVisibility(t *testing.T) {
	s := newSite(t, 25)
	s.entry("blog", "shown", "Zebra", "2026-01-01", "A zebra crossing.")
	s.entry("blog", "draft", "Quagga", "2026-01-02", "A quagga.", "draft: true")
	s.entry("blog", "gone", "Okapi", "2026-01-03", "An okapi.", "expires: 2026-03-01")
	s.entry("blog", "later", "Narwhal", "2026-01-04", "A narwhal.", "publishDate: 2026-12-01")
	b := openDir(t)
	runAt(t, s, b.storage, time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC))
	objs := snapshot(t, b.raw)
	var root search.Root
	if err := json.Unmarshal(objs[search.RootKey].Body, &root); err != nil {
		t.Fatal(err)
	}
	if root.Docs != 2 {
		t.Errorf("root indexes %d entries, want 2 (shown, later)", root.Docs)
	}
	var keys []string
	for k, o := range objs {
		if !search.IsKey(k) || k == search.RootKey {
			continue
		}
		var sh struct {
			Keys [][]json.RawMessage `json:"keys"`
		}
		if err := json.Unmarshal(o.Body, &sh); err != nil {
			t.Fatalf("%s: %v", k, err)
		}
		for _, e := range sh.Keys {
			var key string
			_ = json.Unmarshal(e[0], &key)
			keys = append(keys, key)
		}
	}
	for _, w := range []string{"zebra", "narwhal"} {
		if !slices.Contains(keys, w) {
			t.Errorf("%q not indexed", w)
		}
	}
	for _, w := range []string{"quagga", "okapi"} {
		if slices.Contains(keys, w) {
			t.Errorf("%q indexed, but its entry is not published", w)
		}
	}
}
