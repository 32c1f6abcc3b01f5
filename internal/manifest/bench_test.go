package manifest

import (
	"math/rand/v2"
	"testing"

	"github.com/axctl/axctl/internal/contract"
)

// BenchmarkBuild builds the manifests of a hostile 5,000-record site (every
// optional field at random, three collections, one undated): the hand-written
// appenders of shards and tag pages are its hot path.
func BenchmarkBuild(b *testing.B) {
	cols := []Collection{{Name: "blog", Route: "/blog", Title: "B"}, {Name: "docs", Route: "/docs", Title: "D", SortBy: contract.SortWeight}, {Name: "notes", Route: "/", Title: "N"}}
	recs := hostileSite(rand.New(rand.NewPCG(1, 2)), 5000)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Build(site, cols, recs, 10); err != nil {
			b.Fatal(err)
		}
	}
}
