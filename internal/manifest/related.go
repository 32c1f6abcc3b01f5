package manifest

import (
	"cmp"
	"maps"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

// MaxRelated is how many related entries a record lists.
const MaxRelated = 3

// Link names another entry: what an entry page needs to link to it.
type Link struct {
	URL   string `json:"url"`
	Title string `json:"title"`
}

// related fills the rel field of every entry: up to MaxRelated other
// entries, from any collection, older than it (after it in the listing
// order: date descending, then collection, then slug), that share at least
// one tag slug with it, most shared tags first, then newest, then by
// collection and slug. Entries with a visibility window (publishDate or
// expires) are never listed, so a page links to nothing the Worker may
// hide.
//
// Only older entries, so that publishing a new entry changes no other
// entry's list: were newer ones candidates, a new entry with a common tag
// would enter the list of every entry whose best matches share only that
// tag, and one publish at 1,000,000 entries would rewrite about half the
// shards and purge as many entry pages (docs/bucket.md, "Objects an edit
// rewrites"). A backdated entry, a retitle or a deletion changes the lists
// of the few newer entries that list it.
//
// Candidates are walked in recency order, from the entry's own place,
// through the posting lists of the record's own tags only. Once MaxRelated are found whose smallest shared
// count is c, a later (older) candidate must share more than c tags, so it
// is in at least one of the record's m-c shortest lists: the others stop
// being walked, and the walk ends when c reaches m. A common tag (one on
// most of the site) is walked only until the list is full. related_test.go
// checks the result against a brute-force ranking.
func (b *builder) related() {
	var cands []int32
	for i := range b.ents {
		if r := b.ents[i].r; r.PublishDate == "" && r.Expires == "" {
			cands = append(cands, int32(i))
		}
	}
	slices.SortFunc(cands, func(x, y int32) int {
		rx, ry := b.ents[x].r, b.ents[y].r
		return cmp.Or(strings.Compare(ry.Date, rx.Date), strings.Compare(b.cols[b.ents[x].col].Name, b.cols[b.ents[y].col].Name), strings.Compare(rx.Slug, ry.Slug))
	})
	rank := make([]int32, len(b.ents))
	for i := range rank {
		rank[i] = -1
	}
	posting := map[string][]int32{} // tag slug → ranks (indexes into cands), ascending
	var sc relScratch
	for k, i := range cands {
		rank[i] = int32(k)
		for _, s := range sc.tagSlugs(b.ents[i].r.Tags) {
			posting[s] = append(posting[s], int32(k))
		}
	}
	order := func(x int32, r *Record, col int32) int {
		rx := b.ents[x].r
		return cmp.Or(strings.Compare(r.Date, rx.Date), strings.Compare(b.cols[b.ents[x].col].Name, b.cols[col].Name), strings.Compare(rx.Slug, r.Slug))
	}
	// Each entry's walk reads posting, rank and cands only and writes its
	// own rel: the entries are split among the cores, in blocks, so the
	// walks of a large site (most of its build time) run in parallel.
	const block = 1024
	var next atomic.Int64
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			var sc relScratch
			for {
				lo := int(next.Add(block)) - block
				if lo >= len(b.ents) {
					return
				}
				for i := lo; i < min(lo+block, len(b.ents)); i++ {
					e := &b.ents[i]
					e.nrel = 0
					from := rank[i] + 1 // the first rank older than the entry
					if rank[i] < 0 {    // not a candidate itself: where it would be
						k, _ := slices.BinarySearchFunc(cands, int32(i), func(x, _ int32) int { return order(x, e.r, e.col) })
						from = int32(k)
					}
					for _, k := range sc.ranks(posting, sc.tagSlugs(e.r.Tags), from) {
						e.rel[e.nrel] = cands[k]
						e.nrel++
					}
				}
			}
		})
	}
	wg.Wait()
}

// RelatedByKey returns the Related list Build gives each record, by entry
// key (records: collection name → records with URL set), leaving records
// as they are: a sync compares it with the shards it replaces.
func RelatedByKey(records map[string][]Record) map[string][]Link {
	b := &builder{}
	for _, c := range slices.Sorted(maps.Keys(records)) {
		b.cols = append(b.cols, Collection{Name: c})
		for i := range records[c] {
			b.ents = append(b.ents, entry{r: &records[c][i], col: int32(len(b.cols) - 1)})
		}
	}
	b.related()
	out := make(map[string][]Link, len(b.ents))
	for _, e := range b.ents {
		var links []Link
		for _, k := range e.rel[:e.nrel] {
			links = append(links, Link{URL: b.ents[k].r.URL, Title: b.ents[k].r.Title})
		}
		out[EntryKey(b.cols[e.col].Name, e.r.Slug)] = links
	}
	return out
}

// relScratch is the reused memory of related's walk over every entry.
type relScratch struct {
	slugs []string
	lists [][]int32
	ptr   []int
	best  []relHit
	out   []int32
}

type relHit struct {
	rank  int32
	count int
}

// tagSlugs returns the distinct tag slugs of tags, in order.
func tagSlugs(tags []Tag) []string {
	out := make([]string, 0, len(tags))
	for _, t := range tags {
		if !slices.Contains(out, t.Slug) {
			out = append(out, t.Slug)
		}
	}
	return out
}

// tagSlugs is tagSlugs into reused memory (valid until the next call).
func (sc *relScratch) tagSlugs(tags []Tag) []string {
	sc.slugs = sc.slugs[:0]
	for _, t := range tags {
		if !slices.Contains(sc.slugs, t.Slug) {
			sc.slugs = append(sc.slugs, t.Slug)
		}
	}
	return sc.slugs
}

// ranks returns the ranks of the best MaxRelated candidates sharing a tag
// of slugs, of rank from or more (older than the record), in reused memory.
func (sc *relScratch) ranks(posting map[string][]int32, slugs []string, from int32) []int32 {
	sc.lists = sc.lists[:0]
	for _, s := range slugs {
		if l := posting[s]; len(l) > 0 {
			sc.lists = append(sc.lists, l)
		}
	}
	lists := sc.lists
	slices.SortFunc(lists, func(a, b []int32) int { return cmp.Compare(len(a), len(b)) })
	m := len(lists)
	best := sc.best[:0] // count descending, then rank ascending
	ptr := slices.Grow(sc.ptr[:0], m)[:m]
	for j, l := range lists {
		ptr[j], _ = slices.BinarySearch(l, from)
	}
	active := m
	for active > 0 {
		next := int32(-1)
		for j := range active {
			if ptr[j] < len(lists[j]) && (next < 0 || lists[j][ptr[j]] < next) {
				next = lists[j][ptr[j]]
			}
		}
		if next < 0 {
			break
		}
		n := 0 // the lists next is in: the active ones it heads, then a search of the rest
		for j := range active {
			if ptr[j] < len(lists[j]) && lists[j][ptr[j]] == next {
				ptr[j]++
				n++
			}
		}
		for j := active; j < m; j++ {
			// next only grows: each list no longer walked is searched
			// forward from where the last search stopped.
			ptr[j] = gallop(lists[j], ptr[j], next)
			if ptr[j] < len(lists[j]) && lists[j][ptr[j]] == next {
				n++
			}
		}
		if len(best) == MaxRelated && n <= best[len(best)-1].count {
			continue
		}
		at := len(best)
		for at > 0 && best[at-1].count < n {
			at--
		}
		best = slices.Insert(best, at, relHit{next, n})
		if len(best) > MaxRelated {
			best = best[:MaxRelated]
		}
		if len(best) == MaxRelated {
			active = m - best[len(best)-1].count
		}
	}
	sc.best, sc.ptr = best, ptr
	sc.out = sc.out[:0]
	for _, h := range best {
		sc.out = append(sc.out, h.rank)
	}
	return sc.out
}

// gallop returns the first index i ≥ from with l[i] ≥ x (len(l) if none),
// l ascending: steps of 1, 2, 4… from from, then a binary search in the
// last step, so a search costs the log of the distance moved.
func gallop(l []int32, from int, x int32) int {
	step := 1
	lo := from
	for lo+step-1 < len(l) && l[lo+step-1] < x {
		lo += step
		step *= 2
	}
	hi := min(lo+step, len(l))
	i, _ := slices.BinarySearch(l[lo:hi], x)
	return lo + i
}
