package plan

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/axctl/axctl/internal/store"
)

// TestMakeOfParts checks MakeOf on items split into parts against Make on
// the same items in one slice: the same uploads (reasons, preconditions,
// items), deletes and unchanged count, each action pointing at its item
// where it is in its part.
func TestMakeOfParts(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 17))
	for round := range 30 {
		var all []Item
		remote := map[string]store.Object{}
		prev := map[string]Previous{}
		for i := range 40 + rng.IntN(60) {
			md5 := fmt.Sprintf("%032x", rng.IntN(3))
			var it Item
			switch rng.IntN(3) {
			case 0:
				it = entry(fmt.Sprintf("entries/blog/e%03d.html", i), md5, fmt.Sprint(rng.IntN(2)), "in", map[string]string{"title": fmt.Sprint(rng.IntN(2))})
				if rng.IntN(2) == 0 {
					prev[it.Key] = Previous{Hash: "9", Input: "in"}
				}
			case 1:
				it = Item{Key: fmt.Sprintf("assets/a%03d.png", i), Kind: KindAsset, MD5: md5}
			default:
				it = Item{Key: fmt.Sprintf("metadata/blog/%03d.json", i), Kind: KindManifest, MD5: md5}
			}
			all = append(all, it)
			if rng.IntN(4) != 0 {
				remote[it.Key] = store.Object{Key: it.Key, ETag: fmt.Sprintf("%032x", rng.IntN(3))}
			}
		}
		for i := range rng.IntN(10) {
			k := fmt.Sprintf("entries/docs/gone%d.html", i)
			remote[k] = store.Object{Key: k, ETag: "x"}
		}
		var parts [][]Item
		for rest := all; len(rest) > 0; {
			n := min(len(rest), rng.IntN(20))
			parts = append(parts, append([]Item(nil), rest[:n]...))
			rest = rest[n:]
		}
		want, got := Make(all, remote, prev), MakeOf(parts, remote, prev)
		if got.Unchanged != want.Unchanged || len(got.Uploads) != len(want.Uploads) || !reflect.DeepEqual(got.Deletes, want.Deletes) {
			t.Fatalf("round %d: unchanged %d/%d uploads %d/%d deletes %v/%v", round, got.Unchanged, want.Unchanged, len(got.Uploads), len(want.Uploads), got.Deletes, want.Deletes)
		}
		where := map[string]*Item{}
		for _, p := range parts {
			for i := range p {
				where[p[i].Key] = &p[i]
			}
		}
		for i, a := range got.Uploads {
			w := want.Uploads[i]
			if a.Key != w.Key || a.Kind != w.Kind || a.Reason != w.Reason || a.Pre != w.Pre || a.Item.MD5 != w.Item.MD5 {
				t.Fatalf("round %d: upload %d: %+v, want %+v", round, i, a, w)
			}
			if a.Item != where[a.Key] {
				t.Fatalf("round %d: %s: the action's item is not the part's", round, a.Key)
			}
		}
	}
}
