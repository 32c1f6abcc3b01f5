package corpus

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/axctl/axctl/internal/content"
	"github.com/axctl/axctl/internal/manifest"
)

// Records draws n manifest records with the generator's distributions
// (collections, titles, dates, authors, descriptions, Zipf tags, features,
// word counts), without writing or rendering any
// entry: input for manifest.Build at sizes too big to sync in a benchmark.
func Records(n int, seed uint64) ([]manifest.Collection, map[string][]manifest.Record) {
	g := &gen{r: rand.New(rand.NewPCG(seed, seed^0x5851f42d4c957f2d)), stats: &Stats{Collections: map[string]int{}}}
	g.zipf = rand.NewZipf(g.r, 1.15, 2, uint64(len(tagVocab)-1))
	cols := make([]manifest.Collection, len(collections))
	for i, c := range collections {
		cols[i] = manifest.Collection{Name: c.name, Route: c.route, Title: c.title}
	}
	recs := map[string][]manifest.Record{}
	for i := 0; i < n; i++ {
		c := g.pick()
		slug := fmt.Sprintf("%s-%s-%06d", ascii(g.word()), ascii(g.word()), i)
		if c.nested {
			slug = sections[g.r.IntN(len(sections))] + "/" + slug
		}
		d := epoch.Add(time.Duration(g.r.Int64N(int64(12*365*24*time.Hour))) / time.Second * time.Second)
		r := manifest.Record{
			Slug: slug, Title: g.title(), Date: d.Format("2006-01-02T15:04:05Z"),
			Hash: hexOf("h", i), Input: hexOf("i", i),
			Words: 200 + min(int(g.r.ExpFloat64()*650), 3800),
		}
		if g.r.IntN(10) < 6 {
			r.Description = g.sentence(8 + g.r.IntN(14))
		}
		if g.r.IntN(10) < 7 {
			r.Author = authors[g.r.IntN(len(authors))]
		}
		for _, t := range g.tags() {
			r.Tags = append(r.Tags, manifest.Tag{Name: t, Slug: content.TagSlug(t)})
		}
		if g.r.Float64() < 0.3 {
			r.Features = []string{"syntax:code"}
		}
		recs[c.name] = append(recs[c.name], r)
	}
	return cols, recs
}

func hexOf(kind string, i int) string {
	s := sha256.Sum256([]byte(fmt.Sprintf("%s%d", kind, i)))
	return hex.EncodeToString(s[:16])
}
