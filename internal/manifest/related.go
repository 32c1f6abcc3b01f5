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
// How, without walking every older entry that shares a tag (relWalk.ranks
// has the details): candidates sharing two tags or more are found through
// posting lists of tag *pairs*, walked in recency order from the entry's
// own place, so a common tag is never walked alone past the first few
// candidates; once MaxRelated are found whose smallest shared count is c,
// a better one shares c+1 tags, hence two of any m-c+1 of the record's m
// tags, and only the pairs of its m-c+1 rarest tags stay walked. When
// fewer than MaxRelated share two tags, the newest sharing one fill the
// list. related_test.go checks the result against a brute-force ranking.
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
	for k, i := range cands {
		rank[i] = int32(k)
	}
	ix := newRelIndex(b.ents, cands)
	order := func(x int32, r *Record, col int32) int {
		rx := b.ents[x].r
		return cmp.Or(strings.Compare(r.Date, rx.Date), strings.Compare(b.cols[b.ents[x].col].Name, b.cols[col].Name), strings.Compare(rx.Slug, r.Slug))
	}
	// Each entry's walk reads the index, rank and cands only and writes its
	// own rel: the entries are split among the cores, in blocks, so the
	// walks of a large site run in parallel.
	const block = 1024
	var next atomic.Int64
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			var w relWalk
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
					for _, k := range w.ranks(ix, ix.tagIDs(i), from) {
						e.rel[e.nrel] = cands[k]
						e.nrel++
					}
				}
			}
		})
	}
	wg.Wait()
}

// relPairMin is the shortest posting list whose tag gets pair lists: a
// pair with a rarer tag is walked through that tag's own list (a superset
// of the pair's, and short). relPairBudget bounds the pair lists' total
// length to that many times the tag lists'; when the tags of a site would
// make more (many tags per entry), relPairMin doubles until they fit.
// Neither changes a result, only the work; tests set both low.
var relPairMin, relPairBudget = 64, 4

// relIndex holds the posting lists related walks: per tag and per pair of
// tags, the ranks (indexes into the recency-sorted candidates) of the
// candidates carrying them, ascending.
type relIndex struct {
	ids     []int32   // every entry's distinct tag ids, at off[i]:off[i+1]
	off     []int32   // len(ents)+1
	posting [][]int32 // tag id → ranks
	pairMin int       // tags with a posting list this long or longer have pair lists
	pairs   map[uint64][]int32
}

func newRelIndex(ents []entry, cands []int32) *relIndex {
	ix := &relIndex{off: make([]int32, 1, len(ents)+1)}
	byID := map[string]int32{}
	for i := range ents {
		start := len(ix.ids)
		for _, t := range ents[i].r.Tags {
			id, ok := byID[t.Slug]
			if !ok {
				id = int32(len(byID))
				byID[t.Slug] = id
			}
			if !slices.Contains(ix.ids[start:], id) {
				ix.ids = append(ix.ids, id)
			}
		}
		ix.off = append(ix.off, int32(len(ix.ids)))
	}
	n := make([]int32, len(byID)) // list lengths, then one backing array for all
	total := 0
	for _, i := range cands {
		for _, id := range ix.tagIDs(int(i)) {
			n[id]++
			total++
		}
	}
	back := make([]int32, total)
	ix.posting = make([][]int32, len(byID))
	for id, c := range n {
		ix.posting[id], back = back[:0:c], back[c:]
	}
	for k, i := range cands {
		for _, id := range ix.tagIDs(int(i)) {
			ix.posting[id] = append(ix.posting[id], int32(k))
		}
	}
	// The pair lists: choose pairMin within the budget, count, then fill.
	var freq []int32
	pairsAt := func(i int32, min int) []int32 {
		freq = freq[:0]
		for _, id := range ix.tagIDs(int(i)) {
			if len(ix.posting[id]) >= min {
				freq = append(freq, id)
			}
		}
		return freq
	}
	ix.pairMin = max(relPairMin, 1)
	for {
		sum := 0
		for _, i := range cands {
			f := len(pairsAt(i, ix.pairMin))
			sum += f * (f - 1) / 2
		}
		if sum <= relPairBudget*total {
			break
		}
		ix.pairMin *= 2
	}
	count := map[uint64]int32{}
	for _, i := range cands {
		f := pairsAt(i, ix.pairMin)
		for a := range f {
			for _, y := range f[a+1:] {
				count[pairKey(f[a], y)]++
			}
		}
	}
	sum := 0
	for _, c := range count {
		sum += int(c)
	}
	back = make([]int32, sum)
	ix.pairs = make(map[uint64][]int32, len(count))
	for k, c := range count {
		ix.pairs[k], back = back[:0:c], back[c:]
	}
	for k, i := range cands {
		f := pairsAt(i, ix.pairMin)
		for a := range f {
			for _, y := range f[a+1:] {
				key := pairKey(f[a], y)
				ix.pairs[key] = append(ix.pairs[key], int32(k))
			}
		}
	}
	return ix
}

func pairKey(a, b int32) uint64 {
	if a > b {
		a, b = b, a
	}
	return uint64(a)<<32 | uint64(b)
}

// tagIDs returns the distinct tag ids of entry i.
func (ix *relIndex) tagIDs(i int) []int32 { return ix.ids[ix.off[i]:ix.off[i+1]] }

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

// relWalk is the reused memory of related's walk over every entry.
type relWalk struct {
	tags  []int32   // the record's tags with a non-empty posting list, shortest first
	lists [][]int32 // their posting lists
	sp    []int     // position in each of lists
	srcs  [][]int32 // what is walked: pair lists, or a rare tag's own list
	upto  []int     // upto[s]: srcs drawn from the s shortest lists are srcs[:upto[s]]
	ptr   []int     // position in each of srcs
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

// ranks returns the ranks of the best MaxRelated candidates sharing a tag
// of ids, of rank from or more (older than the record), in reused memory.
//
// Sharing two tags or more: sort the record's m non-empty tag lists
// shortest first; a candidate sharing t ≥ 2 tags shares two of any m−t+2
// of them, so it is in the pair list (or the rarer tag's own list, below
// relIndex.pairMin) of two of the m−t+2 shortest. The sources are ordered
// by their longer tag, so those of the s shortest tags are a prefix; the
// walk takes the smallest rank heading any source of the prefix, counts
// the lists it is in (searching each forward: ranks only grow), and
// shrinks the prefix to s = m−c+1 once MaxRelated are found whose smallest
// count is c. Sharing one: if fewer than MaxRelated share two, every one
// sharing two was found (the prefix never shrank), and the newest of the
// rest of the tags' union, in rank order, complete the list.
func (w *relWalk) ranks(ix *relIndex, ids []int32, from int32) []int32 {
	w.tags = w.tags[:0]
	for _, id := range ids {
		if len(ix.posting[id]) > 0 {
			w.tags = append(w.tags, id)
		}
	}
	slices.SortFunc(w.tags, func(a, b int32) int { return cmp.Compare(len(ix.posting[a]), len(ix.posting[b])) })
	w.lists = w.lists[:0]
	for _, id := range w.tags {
		w.lists = append(w.lists, ix.posting[id])
	}
	lists := w.lists
	m := len(lists)
	w.sp = slices.Grow(w.sp[:0], m)[:m]
	for j, l := range lists {
		w.sp[j], _ = slices.BinarySearch(l, from)
	}
	w.srcs, w.upto = w.srcs[:0], append(w.upto[:0], 0, 0)
	for j := 1; j < m; j++ {
		for i := range j {
			switch {
			case len(lists[i]) >= ix.pairMin: // so is lists[j]: a pair list
				if l := ix.pairs[pairKey(w.tags[i], w.tags[j])]; len(l) > 0 {
					w.srcs = append(w.srcs, l)
				}
			case j == i+1: // the rarer tag's own list, once
				w.srcs = append(w.srcs, lists[i])
			}
		}
		w.upto = append(w.upto, len(w.srcs))
	}
	w.ptr = slices.Grow(w.ptr[:0], len(w.srcs))[:len(w.srcs)]
	for j, l := range w.srcs {
		w.ptr[j], _ = slices.BinarySearch(l, from)
	}
	best := w.best[:0] // count descending, then rank ascending
	active := w.upto[m]
	for active > 0 {
		next := int32(-1)
		for j := range active {
			if p := w.ptr[j]; p < len(w.srcs[j]) && (next < 0 || w.srcs[j][p] < next) {
				next = w.srcs[j][p]
			}
		}
		if next < 0 {
			break
		}
		for j := range active {
			if p := w.ptr[j]; p < len(w.srcs[j]) && w.srcs[j][p] == next {
				w.ptr[j]++
			}
		}
		n := 0
		for j, l := range lists {
			w.sp[j] = gallop(l, w.sp[j], next)
			if w.sp[j] < len(l) && l[w.sp[j]] == next {
				n++
			}
		}
		if n < 2 || len(best) == MaxRelated && n <= best[len(best)-1].count {
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
		if c := best[len(best)-1].count; len(best) == MaxRelated {
			if c >= m {
				break
			}
			active = w.upto[m-c+1]
		}
	}
	if len(best) < MaxRelated { // the newest sharing one tag
		for j, l := range lists {
			w.sp[j], _ = slices.BinarySearch(l, from)
		}
		for len(best) < MaxRelated {
			next := int32(-1)
			for j, l := range lists {
				if p := w.sp[j]; p < len(l) && (next < 0 || l[p] < next) {
					next = l[p]
				}
			}
			if next < 0 {
				break
			}
			for j, l := range lists {
				if p := w.sp[j]; p < len(l) && l[p] == next {
					w.sp[j]++
				}
			}
			if !slices.ContainsFunc(best, func(h relHit) bool { return h.rank == next }) {
				best = append(best, relHit{next, 1})
			}
		}
	}
	w.best = best
	w.out = w.out[:0]
	for _, h := range best {
		w.out = append(w.out, h.rank)
	}
	return w.out
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
