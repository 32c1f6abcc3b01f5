package search

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/axctl/axctl/internal/contract"
	"github.com/axctl/axctl/internal/manifest"
)

// TestLiveMatchesBuild: after every step of random adds, edits (body,
// title, date), deletes and no-op rebuilds, given in random order, Live's
// objects equal a fresh Build's byte for byte, and Live emits them in
// Builder.Each's order.
func TestLiveMatchesBuild(t *testing.T) {
	for seed := range uint64(5) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 7))
			zipf := rand.NewZipf(rng, 1.1, 1, 3000)
			word := func() string { return fmt.Sprintf("w%dx", zipf.Uint64()) }
			next := 0
			mk := func(col, slug string) Doc {
				var body []string
				for range 20 + rng.IntN(200) {
					body = append(body, word())
				}
				r := manifest.Record{
					Slug: slug, Title: word() + " " + word(), ListText: contract.ListText{Description: word()},
					// Few dates: many ties ranked by collection and slug.
					Date: fmt.Sprintf("20%02d-%02d-01T00:00:00Z", 20+rng.IntN(3), 1+rng.IntN(3)),
					Tags: []manifest.Tag{{Name: word(), Slug: "t"}},
				}
				return NewDoc(col, r, []byte("<p>"+strings.Join(body, " ")+"</p>"))
			}
			type held struct {
				d Doc
				p *Prepared
			}
			add := func(cur []held) []held {
				next++
				d := mk([]string{"blog", "docs"}[rng.IntN(2)], fmt.Sprintf("e%04d", next))
				p, err := Prepare(d)
				if err != nil {
					t.Fatal(err)
				}
				return append(cur, held{d, p})
			}
			var cur []held
			for range 40 + rng.IntN(200) {
				cur = add(cur)
			}
			var x Live
			for step := range 30 {
				switch op := rng.IntN(6); {
				case step == 0 || op == 0: // as it is
				case op == 1: // adds
					for range 1 + rng.IntN(1+rng.IntN(100)) {
						cur = add(cur)
					}
				case op == 2 && len(cur) > 1: // deletes
					for range 1 + rng.IntN(min(len(cur)-1, 1+rng.IntN(100))) {
						i := rng.IntN(len(cur))
						cur = slices.Delete(cur, i, i+1)
					}
				default: // edits
					for range 1 + rng.IntN(3) {
						i := rng.IntN(len(cur))
						d := mk(cur[i].d.Collection, cur[i].d.Slug)
						p, err := Prepare(d)
						if err != nil {
							t.Fatal(err)
						}
						cur[i] = held{d, p}
					}
				}
				rng.Shuffle(len(cur), func(i, j int) { cur[i], cur[j] = cur[j], cur[i] })
				docs := make([]Doc, len(cur))
				live := make([]LiveDoc, len(cur))
				for i, h := range cur {
					docs[i], live[i] = h.d, LiveDoc{P: h.p, Date: h.d.Date}
				}
				want, err := Build(docs)
				if err != nil {
					t.Fatal(err)
				}
				var order []string
				got := map[string][]byte{}
				if err := x.Each(live, func(k string, b []byte) error {
					order = append(order, k)
					got[k] = bytes.Clone(b)
					return nil
				}); err != nil {
					t.Fatal(err)
				}
				if len(got) != len(want) {
					t.Fatalf("step %d (%d docs): %d objects, want %d", step, len(cur), len(got), len(want))
				}
				for k, b := range want {
					if !bytes.Equal(got[k], b) {
						t.Fatalf("step %d (%d docs): %s differs from a fresh build", step, len(cur), k)
					}
				}
				if order[len(order)-1] != RootKey || !slices.IsSortedFunc(order[:len(order)-1], func(a, b string) int {
					var i, j int
					fmt.Sscanf(a[strings.LastIndexByte(a, '/')+1:], "%d", &i)
					fmt.Sscanf(b[strings.LastIndexByte(b, '/')+1:], "%d", &j)
					return i - j
				}) {
					t.Fatalf("step %d: objects emitted in order %v", step, order)
				}
			}
		})
	}
}
