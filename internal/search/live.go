package search

import (
	"fmt"
	"slices"
)

// Live keeps an index's posting lists from one build to the next, for
// `axctl dev`: Each is told every published doc, prepared, and indexes
// only those it did not see last time (a doc is known by its *Prepared and
// date), dropping the postings of those gone, so a one-entry edit re-ranks
// only the keys that entry had or has. Its objects are Build's for the
// same docs, byte for byte. The zero Live is empty; it is not safe for
// concurrent use.
type Live struct {
	docs  map[*Prepared]*liveDoc
	lists map[string]*liveList
	keys  []string // of lists, sorted
	// info is each doc's result data by rank, as of the last Each.
	info []docInfo
}

// LiveDoc is one published doc told to Live.Each: prepared, with the date
// it is ranked by (Doc.Date).
type LiveDoc struct {
	P    *Prepared
	Date string
}

type liveDoc struct {
	LiveDoc
	rank int32
	seen bool
	gone bool // no longer published
}

type liveList struct {
	keyList            // df and the best postings by rank, finished
	all     []livePost // every doc's posting for the key, and gone docs' until it is next touched
	n       int        // postings of docs not gone
	size    int        // what finish returned
}

type livePost struct {
	d      *liveDoc
	weight int32
}

func compareLive(a, b *liveDoc) int {
	return Compare(Doc{Collection: a.P.Collection, Slug: a.P.Slug, Date: a.Date}, Doc{Collection: b.P.Collection, Slug: b.P.Slug, Date: b.Date})
}

// Each brings the index up to docs (in any order) and hands its objects to
// emit as Builder.Each does.
func (x *Live) Each(docs []LiveDoc, emit func(key string, body []byte) error) error {
	if x.docs == nil {
		x.docs = map[*Prepared]*liveDoc{}
		x.lists = map[string]*liveList{}
	}
	// Which docs are new, which are gone: checked before anything changes.
	var added []*liveDoc
	fresh := map[*Prepared]bool{}
	for _, d := range docs {
		old := x.docs[d.P]
		if old != nil && old.Date == d.Date && !old.seen {
			old.seen = true
			continue
		}
		if fresh[d.P] || old != nil && old.seen {
			x.unsee()
			return fmt.Errorf("search doc %s/%s: given twice", d.P.Collection, d.P.Slug)
		}
		fresh[d.P] = true
		added = append(added, &liveDoc{LiveDoc: d})
	}
	touched := map[string]bool{}
	keysChanged := false
	for p, d := range x.docs {
		if d.seen {
			d.seen = false
			continue
		}
		delete(x.docs, p)
		d.gone = true // its postings are dropped below, as its keys are touched
		for k := range p.keys {
			l := x.lists[k]
			l.n--
			touched[k] = true
			if l.n == 0 {
				delete(x.lists, k)
				keysChanged = true
			}
		}
	}
	for _, d := range added {
		x.docs[d.P] = d
		for k, w := range d.P.keys {
			l := x.lists[k]
			if l == nil {
				l = &liveList{}
				x.lists[k] = l
				keysChanged = true
			}
			l.all = append(l.all, livePost{d, int32(w)})
			l.n++
			touched[k] = true
		}
	}
	// Ranks: an unchanged doc keeps its place among the unchanged ones, so
	// a key no changed doc had or has keeps its best postings; only their
	// ranks are renumbered.
	all := make([]*liveDoc, 0, len(x.docs))
	for _, d := range x.docs {
		all = append(all, d)
	}
	slices.SortFunc(all, compareLive)
	// remap is old rank -> new rank of the docs kept (they all had one).
	remap := make([]int32, len(x.info))
	renumber := false
	for r, d := range all {
		if !fresh[d.P] {
			remap[d.rank] = int32(r)
			renumber = renumber || d.rank != int32(r)
		}
		d.rank = int32(r)
	}
	info := make([]docInfo, len(all))
	for r, d := range all {
		info[r] = d.P.info
	}
	x.info = info
	if renumber {
		for k, l := range x.lists {
			if touched[k] {
				continue
			}
			for i := range l.top {
				l.top[i].doc = remap[l.top[i].doc]
			}
		}
	}
	for k := range touched {
		l := x.lists[k]
		if l == nil {
			continue
		}
		l.keyList = keyList{}
		kept := l.all[:0]
		for _, p := range l.all {
			if !p.d.gone {
				kept = append(kept, p)
				l.push(posting{doc: p.d.rank, weight: p.weight}, better)
			}
		}
		clear(l.all[len(kept):])
		l.all = kept
		l.size = l.finish(k, info)
	}
	if keysChanged || x.keys == nil {
		keys := make([]string, 0, len(x.lists))
		for k := range x.lists {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		x.keys = keys
	}
	total := 0
	for _, k := range x.keys {
		total += x.lists[k].size
	}
	return emitShards(x.keys, total, func(k string) *keyList { return &x.lists[k].keyList }, info, emit)
}

// unsee clears the marks of a Each that stopped before changing anything.
func (x *Live) unsee() {
	for _, d := range x.docs {
		d.seen = false
	}
}
