package manifest

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// bruteRelated is the oracle: for each record, score every older eligible
// record by shared tag slugs, sort, keep MaxRelated.
func bruteRelated(recs map[string][]Record) map[string][]Link {
	type cand struct {
		coll string
		r    *Record
	}
	var all []cand
	for c := range recs {
		for i := range recs[c] {
			all = append(all, cand{c, &recs[c][i]})
		}
	}
	slugs := map[*Record][]string{}
	for c := range recs {
		for i := range recs[c] {
			slugs[&recs[c][i]] = tagSlugs(recs[c][i].Tags)
		}
	}
	shared := func(a, b *Record) int {
		n := 0
		for _, s := range slugs[a] {
			if slices.Contains(slugs[b], s) {
				n++
			}
		}
		return n
	}
	out := map[string][]Link{}
	for _, x := range all {
		type scored struct {
			cand
			n int
		}
		var ss []scored
		for _, y := range all {
			// Only entries after x in the listing order (older): date descending, collection, slug.
			if cmp.Or(strings.Compare(y.r.Date, x.r.Date), strings.Compare(x.coll, y.coll), strings.Compare(x.r.Slug, y.r.Slug)) >= 0 || y.r.PublishDate != "" || y.r.Expires != "" {
				continue
			}
			if n := shared(x.r, y.r); n > 0 {
				ss = append(ss, scored{y, n})
			}
		}
		slices.SortFunc(ss, func(a, b scored) int {
			return cmp.Or(cmp.Compare(b.n, a.n), strings.Compare(b.r.Date, a.r.Date), strings.Compare(a.coll, b.coll), strings.Compare(a.r.Slug, b.r.Slug))
		})
		var links []Link
		for _, s := range ss[:min(len(ss), MaxRelated)] {
			links = append(links, Link{URL: s.r.URL, Title: s.r.Title})
		}
		out[x.coll+"/"+x.r.Slug] = links
	}
	return out
}

// randomSite draws n records over a few collections: tags from a small,
// skewed vocabulary (so one tag is on most entries), repeated tags, dates
// with ties, some entries with a window.
func randomSite(rng *rand.Rand, n, vocab int) map[string][]Record {
	recs := map[string][]Record{}
	cols := []string{"blog", "docs", "notes"}
	for i := range n {
		c := cols[rng.IntN(len(cols))]
		r := Record{Slug: fmt.Sprintf("e%d", i), Title: fmt.Sprintf("Entry %d", i), Date: fmt.Sprintf("2026-01-%02dT00:00:00Z", 1+rng.IntN(20))}
		r.URL = "/" + c + "/" + r.Slug
		for range rng.IntN(7) {
			t := min(rng.IntN(vocab), rng.IntN(vocab)) // skewed toward tag 0
			r.Tags = append(r.Tags, Tag{Name: fmt.Sprintf("T%d", t), Slug: fmt.Sprintf("t%d", t)})
		}
		switch rng.IntN(10) {
		case 0:
			r.PublishDate = "2026-02-01T00:00:00Z"
		case 1:
			r.Expires = "2027-01-01T00:00:00Z"
		}
		recs[c] = append(recs[c], r)
	}
	return recs
}

// TestRelatedMatchesBruteForce: the pair-list walk and the brute-force
// ranking agree on random sites of every shape, seed by seed, with the
// pair lists on every tag, on common tags only, and on none (the budget
// forcing relPairMin up): the setting changes the work, never a list.
func TestRelatedMatchesBruteForce(t *testing.T) {
	defer func(m, b int) { relPairMin, relPairBudget = m, b }(relPairMin, relPairBudget)
	for seed := range uint64(60) {
		rng := rand.New(rand.NewPCG(seed, 7))
		n, vocab := 1+rng.IntN(120), 1+rng.IntN(12)
		if seed%6 == 5 { // longer lists, more tags than the corpus's 5
			n, vocab = 200+rng.IntN(400), 2+rng.IntN(30)
		}
		recs := randomSite(rng, n, vocab)
		switch seed % 5 {
		case 1: // every entry shares one tag (and may have others)
			for c := range recs {
				for i := range recs[c] {
					recs[c][i].Tags = append(recs[c][i].Tags, Tag{Name: "All", Slug: "all"})
				}
			}
		case 2: // ties everywhere: one date, the same tags for most
			for c := range recs {
				for i := range recs[c] {
					recs[c][i].Date = "2026-01-01T00:00:00Z"
					if i%4 != 0 {
						recs[c][i].Tags = []Tag{{Name: "a", Slug: "a"}, {Name: "b", Slug: "b"}, {Name: "c", Slug: "c"}}
					}
				}
			}
		}
		want := bruteRelated(recs)
		for _, set := range [][2]int{{64, 4}, {1, 4}, {3, 4}, {1, 1}, {1, 0}} {
			relPairMin, relPairBudget = set[0], set[1]
			checkRelatedWant(t, fmt.Sprintf("pairMin %d budget %d seed %d (n=%d, vocab=%d)", set[0], set[1], seed, n, vocab), recs, want)
		}
	}
	// No tags at all; one entry; nothing.
	checkRelated(t, "no tags", map[string][]Record{"blog": {{Slug: "a", URL: "/blog/a", Date: "2026-01-01T00:00:00Z"}, {Slug: "b", URL: "/blog/b", Date: "2026-01-01T00:00:00Z"}}})
	checkRelated(t, "one", map[string][]Record{"blog": {{Slug: "a", URL: "/blog/a", Date: "2026-01-01T00:00:00Z", Tags: []Tag{{Name: "x", Slug: "x"}}}}})
	checkRelated(t, "empty", map[string][]Record{})
}

func checkRelated(t *testing.T, what string, recs map[string][]Record) {
	t.Helper()
	checkRelatedWant(t, what, recs, bruteRelated(recs))
}

func checkRelatedWant(t *testing.T, what string, recs map[string][]Record, want map[string][]Link) {
	t.Helper()
	byKey := RelatedByKey(recs)
	for c, list := range recs {
		for _, r := range list {
			if got := byKey[EntryKey(c, r.Slug)]; !reflect.DeepEqual(got, want[c+"/"+r.Slug]) {
				t.Fatalf("%s: %s/%s %v:\n got %v\nwant %v", what, c, r.Slug, r.Tags, got, want[c+"/"+r.Slug])
			}
		}
	}
}

// TestRelatedInShardsOnly: Build lists related entries in shard records,
// not in site.json's latest, and the same records in another order build
// the same bytes.
func TestRelatedInShardsOnly(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	recs := randomSite(rng, 40, 4)
	cols := []Collection{{Name: "blog", Route: "/blog", Title: "B"}, {Name: "docs", Route: "/docs", Title: "D"}, {Name: "notes", Route: "/notes", Title: "N"}}
	for c := range recs {
		for i := range recs[c] {
			recs[c][i].Key, recs[c][i].Hash, recs[c][i].Input = "", hex32("h"), hex32("i")
		}
	}
	a := mustBuild(t, cols, recs, 5)
	for c := range recs {
		slices.Reverse(recs[c])
	}
	b := mustBuild(t, cols, recs, 5)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("record order changed the bytes")
	}
	if strings.Contains(string(a[SiteKey]), `"related"`) {
		t.Error("site.json carries related entries")
	}
	n := 0
	byKey := RelatedByKey(recs)
	for k, v := range a {
		if isShardKey(k) {
			n += strings.Count(string(v), `"related":[`)
			var sh Shard
			if err := json.Unmarshal(v, &sh); err != nil {
				t.Fatal(err)
			}
			for _, r := range sh.Records {
				if !reflect.DeepEqual(r.Related, byKey[EntryKey(sh.Collection, r.Slug)]) {
					t.Errorf("%s %s: RelatedByKey %v, shard %v", k, r.Slug, byKey[EntryKey(sh.Collection, r.Slug)], r.Related)
				}
			}
		}
	}
	if n == 0 {
		t.Error("no shard record lists related entries")
	}
}

func isShardKey(k string) bool {
	return strings.HasPrefix(k, "metadata/") && strings.Count(k, "/") == 2
}
