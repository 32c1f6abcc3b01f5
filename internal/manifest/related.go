package manifest

import (
	"cmp"
	"slices"
	"strings"
)

// MaxRelated is how many related entries a record lists.
const MaxRelated = 3

// Link names another entry: what an entry page needs to link to it.
type Link struct {
	URL   string `json:"url"`
	Title string `json:"title"`
}

// relCand is one entry as related() ranks it.
type relCand struct {
	coll string
	rec  *Record
}

// related fills the Related field of every record: up to MaxRelated other
// entries, from any collection, that share at least one tag slug with it,
// most shared tags first, then newest (date descending), then by collection
// and slug. Entries with a visibility window (publishDate or expires) are
// never listed, so a page links to nothing the Worker may hide.
//
// Candidates are walked in recency order through the posting lists of the
// record's own tags only. Once MaxRelated are found whose smallest shared
// count is c, a later (older) candidate must share more than c tags, so it
// is in at least one of the record's m-c shortest lists: the others stop
// being walked, and the walk ends when c reaches m. A common tag (one on
// most of the site) is walked only until the list is full. related_test.go
// checks the result against a brute-force ranking.
func related(recs map[string][]Record) {
	var cands []relCand
	for c, list := range recs {
		for i := range list {
			list[i].Related = nil
			if list[i].PublishDate == "" && list[i].Expires == "" {
				cands = append(cands, relCand{c, &list[i]})
			}
		}
	}
	slices.SortFunc(cands, func(a, b relCand) int {
		return cmp.Or(strings.Compare(b.rec.Date, a.rec.Date), strings.Compare(a.coll, b.coll), strings.Compare(a.rec.Slug, b.rec.Slug))
	})
	posting := map[string][]int{} // tag slug → ranks (indexes into cands), ascending
	for i, c := range cands {
		for _, s := range tagSlugs(c.rec.Tags) {
			posting[s] = append(posting[s], i)
		}
	}
	self := map[*Record]int{}
	for i, c := range cands {
		self[c.rec] = i
	}
	for _, list := range recs {
		for i := range list {
			r := &list[i]
			me, ok := self[r]
			if !ok {
				me = -1
			}
			for _, k := range relatedRanks(posting, tagSlugs(r.Tags), me) {
				r.Related = append(r.Related, Link{URL: cands[k].rec.URL, Title: cands[k].rec.Title})
			}
		}
	}
}

// RelatedByKey returns the Related list Build gives each record, by entry
// key (records: collection name → records with URL set), leaving records
// as they are: a sync compares it with the shards it replaces.
func RelatedByKey(records map[string][]Record) map[string][]Link {
	cp := make(map[string][]Record, len(records))
	for c, list := range records {
		cp[c] = slices.Clone(list)
	}
	related(cp)
	out := map[string][]Link{}
	for c, list := range cp {
		for _, r := range list {
			out[EntryKey(c, r.Slug)] = r.Related
		}
	}
	return out
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

// relatedRanks returns the ranks of the best MaxRelated candidates sharing
// a tag of slugs, skipping rank me (the record itself).
func relatedRanks(posting map[string][]int, slugs []string, me int) []int {
	lists := make([][]int, 0, len(slugs))
	for _, s := range slugs {
		if l := posting[s]; len(l) > 0 {
			lists = append(lists, l)
		}
	}
	slices.SortFunc(lists, func(a, b []int) int { return cmp.Compare(len(a), len(b)) })
	m := len(lists)
	type hit struct{ rank, count int }
	var best []hit // count descending, then rank ascending
	ptr := make([]int, m)
	active := m
	for active > 0 {
		next := -1
		for j := range active {
			if ptr[j] < len(lists[j]) && (next < 0 || lists[j][ptr[j]] < next) {
				next = lists[j][ptr[j]]
			}
		}
		if next < 0 {
			break
		}
		for j := range active {
			if ptr[j] < len(lists[j]) && lists[j][ptr[j]] == next {
				ptr[j]++
			}
		}
		if next == me {
			continue
		}
		n := 0
		for _, l := range lists {
			if _, found := slices.BinarySearch(l, next); found {
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
		best = slices.Insert(best, at, hit{next, n})
		if len(best) > MaxRelated {
			best = best[:MaxRelated]
		}
		if len(best) == MaxRelated {
			active = m - best[len(best)-1].count
		}
	}
	out := make([]int, len(best))
	for i, h := range best {
		out[i] = h.rank
	}
	return out
}
