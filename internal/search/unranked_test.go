package search

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"

	"github.com/axctl/axctl/internal/contract"
	"github.com/axctl/axctl/internal/manifest"
)

// TestUnrankedMatchesBuild: docs added to an unranked Builder from four
// goroutines, in random order, give Build's objects byte for byte. Few
// words and few dates, so most keys have more than TopK postings and ties
// of weight that only the docs' ranks decide.
func TestUnrankedMatchesBuild(t *testing.T) {
	for seed := range uint64(6) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 11))
			zipf := rand.NewZipf(rng, 1.1, 1, 400)
			word := func() string { return fmt.Sprintf("w%dx", zipf.Uint64()) }
			var docs []Doc
			for i := range 100 + rng.IntN(400) {
				var body []string
				for range 5 + rng.IntN(60) {
					body = append(body, word())
				}
				r := manifest.Record{
					Slug: fmt.Sprintf("e%04d", rng.IntN(10000)*10+i%10), Title: word() + " " + word(), ListText: contract.ListText{Description: word()},
					Date: fmt.Sprintf("20%02d-%02d-01T00:00:00Z", 20+rng.IntN(2), 1+rng.IntN(2)),
					Tags: []manifest.Tag{{Name: word(), Slug: "t"}},
				}
				col := []string{"blog", "docs", "notes"}[rng.IntN(3)]
				r.Slug = fmt.Sprintf("%s-%d", r.Slug, i) // unique within its collection
				docs = append(docs, NewDoc(col, r, []byte("<p>"+strings.Join(body, " ")+"</p>")))
			}
			want, err := Build(docs)
			if err != nil {
				t.Fatal(err)
			}
			rng.Shuffle(len(docs), func(i, j int) { docs[i], docs[j] = docs[j], docs[i] })
			b := NewUnrankedBuilder()
			var wg sync.WaitGroup
			errs := make([]error, 4)
			for w := range 4 {
				wg.Go(func() {
					for i := w; i < len(docs); i += 4 {
						if err := b.AddUnranked(docs[i]); err != nil {
							errs[w] = err
							return
						}
					}
				})
			}
			wg.Wait()
			for _, err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
			if b.Len() != len(docs) {
				t.Fatalf("Len %d, want %d", b.Len(), len(docs))
			}
			got, err := b.Objects()
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) {
				t.Fatalf("%d objects, want %d", len(got), len(want))
			}
			for k, w := range want {
				if !bytes.Equal(got[k], w) {
					t.Fatalf("%s differs from Build's", k)
				}
			}
		})
	}
}

// TestBuilderModesRefuseEachOther: a rank given to an unranked Builder, or
// none to a Builder of ranks, is an error, not a doc filed at random.
func TestBuilderModesRefuseEachOther(t *testing.T) {
	d := NewDoc("blog", manifest.Record{Slug: "a", Title: "A", Date: "2024-01-01T00:00:00Z"}, []byte("<p>x</p>"))
	if err := NewUnrankedBuilder().Add(0, d); err == nil {
		t.Error("Add on an unranked Builder: no error")
	}
	if err := NewBuilder(1).AddUnranked(d); err == nil {
		t.Error("AddUnranked on a Builder of ranks: no error")
	}
}
