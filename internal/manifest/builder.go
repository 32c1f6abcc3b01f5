package manifest

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/axctl/axctl/internal/contract"
)

// entry is one record as Build reads it: a pointer to the caller's record
// (read, never written) and what Build derives from it. Build holds about
// 40 bytes per entry besides the records, and never a copy of them.
type entry struct {
	r     *Record
	feats []string // sorted and deduplicated: r.Features itself when it already is
	col   int32    // index into builder.cols
	nrel  int32
	rel   [MaxRelated]int32 // related entries, indexes into builder.ents
}

// builder holds one BuildEach: the entries, each collection's order, and
// the buffer every paged object is encoded into before it is emitted.
type builder struct {
	cols  []Collection
	size  int
	ents  []entry
	byCol [][]int32 // per collection: indexes into ents, newest first
	emit  emitFunc
	buf   []byte
}

// load validates every record and orders each collection newest first.
// Errors are those of the first bad record in input order: an invalid one,
// or the second of two with one slug.
func (b *builder) load(records map[string][]Record) error {
	n := 0
	for _, c := range b.cols {
		n += len(records[c.Name])
	}
	b.ents = make([]entry, 0, n)
	b.byCol = make([][]int32, len(b.cols))
	for ci, c := range b.cols {
		recs := records[c.Name]
		first := len(b.ents)
		bad, badErr := -1, error(nil)
		for i := range recs {
			r := &recs[i]
			if err := checkEntry(c, r); err != nil {
				bad, badErr = i, err
				break
			}
			b.ents = append(b.ents, entry{r: r, col: int32(ci), feats: sharedFeatures(r.Features)})
		}
		valid := len(b.ents) - first
		if dup := firstDuplicate(recs[:valid]); dup >= 0 && (bad < 0 || dup < bad) {
			return fmt.Errorf("collection %q entry %q: slug appears twice", c.Name, recs[dup].Slug)
		}
		if bad >= 0 {
			return fmt.Errorf("collection %q entry %q: %w", c.Name, recs[bad].Slug, badErr)
		}
		order := make([]int32, valid)
		for k := range order {
			order[k] = int32(first + k)
		}
		less := c.order()
		slices.SortFunc(order, func(x, y int32) int { return less(b.ents[x].r, b.ents[y].r) })
		b.byCol[ci] = order
	}
	return nil
}

// firstDuplicate returns the smallest index i such that recs[i]'s slug
// appears at a smaller index, or -1.
func firstDuplicate(recs []Record) int {
	idx := make([]int32, len(recs))
	for i := range idx {
		idx[i] = int32(i)
	}
	slices.SortFunc(idx, func(x, y int32) int {
		return cmp.Or(strings.Compare(recs[x].Slug, recs[y].Slug), cmp.Compare(x, y))
	})
	dup := -1
	for k := 1; k < len(idx); k++ {
		if recs[idx[k]].Slug == recs[idx[k-1]].Slug && (dup < 0 || int(idx[k]) < dup) {
			dup = int(idx[k])
		}
	}
	return dup
}

// sharedFeatures is normFeatures without a copy when fs is already sorted
// and without repeats (the result is only read).
func sharedFeatures(fs []string) []string {
	if len(fs) == 0 {
		return nil
	}
	for i := 1; i < len(fs); i++ {
		if fs[i-1] >= fs[i] {
			return normFeatures(fs)
		}
	}
	return fs
}

// url is the entry's URL.
func (b *builder) url(i int32) string {
	return EntryURL(b.cols[b.ents[i].col].Route, b.ents[i].r.Slug)
}

// allOrder sorts entries of several collections: newest first, slug,
// collection; undated entries (no date) come after every dated one.
func (b *builder) allOrder(x, y int32) int {
	return cmp.Or(newestFirst(b.ents[x].r, b.ents[y].r), strings.Compare(b.cols[b.ents[x].col].Name, b.cols[b.ents[y].col].Name))
}

// emitBuf emits the object encoded in b.buf, with its trailing newline.
func (b *builder) emitBuf(key string) error {
	b.buf = append(b.buf, '\n')
	return b.emit(key, b.buf)
}

// collection emits a collection's index and shards. recs are newest
// first. Shards are the listing pages, counted from the oldest entry:
// shard i < last holds the entries at positions [i*size, (i+1)*size), the
// newest holds the rest (size to 2·size-1 entries; see Pages), so a new
// newest entry touches the newest shard only (and the one before it when
// it completes a page).
func (b *builder) collection(ci int, recs []int32) error {
	c, n, size := b.cols[ci], len(recs), b.size
	idx := Index{
		Version: Version, Collection: c.Name, Route: c.Route, Title: c.Title,
		Total: n, PageSize: size, Shards: []ShardRef{},
	}
	for p := 1; n > 0 && p <= Pages(n, size); p++ {
		lo, hi := chunkRange(n, size, p)
		page := recs[lo:hi] // newest first
		i := Pages(n, size) - p
		key := ShardKey(c.Name, i)
		buf := appendStrField(appendHead(b.buf[:0]), "collection", c.Name)
		buf = appendOptStr(buf, "sortBy", sortByField(c))
		buf = appendIntField(buf, "index", i)
		buf = append(appendField(buf, "records", false), '[')
		for j, e := range page {
			if j > 0 {
				buf = append(buf, ',')
			}
			buf = b.appendRecord(buf, e)
		}
		b.buf = append(buf, ']', '}')
		if err := b.emitBuf(key); err != nil {
			return err
		}
		idx.Shards = append(idx.Shards, ShardRef{
			Key: key, Count: len(page),
			First: bound(b.ents[page[0]].r), Last: bound(b.ents[page[len(page)-1]].r),
		})
	}
	return emitJSON(b.emit, IndexKey(c.Name), idx)
}

// appendRecord appends entry i as a shard lists it (a Record without
// collection, with related).
func (b *builder) appendRecord(dst []byte, i int32) []byte {
	e := &b.ents[i]
	r, c := e.r, b.cols[e.col]
	dst = appendStr(appendField(dst, "slug", true), r.Slug)
	dst = append(appendField(dst, "url", false), '"')
	dst = append(appendEntryURL(dst, c.Route, r.Slug), '"')
	dst = append(appendField(dst, "key", false), `"entries/`...)
	dst = append(appendStrBody(dst, c.Name), '/')
	dst = append(appendStrBody(dst, r.Slug), `.html"`...)
	dst = appendStrField(dst, "hash", r.Hash)
	dst = appendStrField(dst, "input", r.Input)
	dst = appendStrField(dst, "title", r.Title)
	dst = appendOptStr(dst, "date", r.Date)
	if r.Weight != 0 {
		dst = appendIntField(dst, "weight", r.Weight)
	}
	dst = appendByline(dst, r)
	dst = appendText(dst, r, false)
	if len(e.feats) > 0 {
		dst = append(appendField(dst, "features", false), '[')
		for j, f := range e.feats {
			if j > 0 {
				dst = append(dst, ',')
			}
			dst = appendStr(dst, f)
		}
		dst = append(dst, ']')
	}
	dst = appendIntField(dst, "words", r.Words)
	dst = appendOptStr(dst, "publishDate", r.PublishDate)
	dst = appendOptStr(dst, "expires", r.Expires)
	if e.nrel > 0 {
		dst = append(appendField(dst, "related", false), '[')
		for j, k := range e.rel[:e.nrel] {
			if j > 0 {
				dst = append(dst, ',')
			}
			o := &b.ents[k]
			dst = append(appendField(dst, "url", true), '"')
			dst = append(appendEntryURL(dst, b.cols[o.col].Route, o.r.Slug), '"')
			dst = append(appendStrField(dst, "title", o.r.Title), '}')
		}
		dst = append(dst, ']')
	}
	return append(dst, '}')
}

// appendText appends r's plain text fields (contract.TextFields) that are
// set: ListText's when list, else EntryText's. A record has the first
// before its tags and the second after them, a summary the first only, as
// Record and Summary embed them (TestBuildMatchesEncodingJSON checks).
func appendText(dst []byte, r *Record, list bool) []byte {
	for _, f := range contract.TextFields {
		if f.List == list {
			dst = appendOptStr(dst, f.Key, *f.In(&r.ListText, &r.EntryText))
		}
	}
	return dst
}

// appendByline appends the fields a record and a summary share, in their
// order: the plain text fields listings carry (ListText), tags.
func appendByline(dst []byte, r *Record) []byte {
	dst = appendText(dst, r, true)
	dst = appendTags(dst, r.Tags)
	return dst
}

// appendSummary appends entry i as a tag page lists it (Summary).
func (b *builder) appendSummary(dst []byte, i int32) []byte {
	e := &b.ents[i]
	r, c := e.r, b.cols[e.col]
	dst = appendStr(appendField(dst, "collection", true), c.Name)
	dst = appendStrField(dst, "slug", r.Slug)
	dst = append(appendField(dst, "url", false), '"')
	dst = append(appendEntryURL(dst, c.Route, r.Slug), '"')
	dst = appendStrField(dst, "title", r.Title)
	dst = appendOptStr(dst, "date", r.Date)
	dst = appendByline(dst, r)
	dst = appendIntField(dst, "words", r.Words)
	dst = appendOptStr(dst, "publishDate", r.PublishDate)
	dst = appendOptStr(dst, "expires", r.Expires)
	return append(dst, '}')
}

// sitemaps emits a collection's sitemap chunks: recs newest first, chunk
// i holds positions [i·k, (i+1)·k) counted from the oldest (the newest
// chunk 1…k), so a new newest entry rewrites one. An entry is [slug, date],
// or [slug] in an undated collection.
func (b *builder) sitemaps(ci int, recs []int32) error {
	c, k, n := b.cols[ci], contract.SitemapChunk, len(recs)
	for i := 0; i*k < n; i++ {
		buf := appendStrField(appendHead(b.buf[:0]), "collection", c.Name)
		buf = appendIntField(buf, "index", i)
		buf = append(appendField(buf, "urls", false), '[')
		for j, e := range recs[max(0, n-(i+1)*k) : n-i*k] {
			if j > 0 {
				buf = append(buf, ',')
			}
			r := b.ents[e].r
			buf = appendStr(append(buf, '['), r.Slug)
			if r.Date != "" {
				buf = appendStr(append(buf, ','), r.Date)
			}
			buf = append(buf, ']')
		}
		b.buf = append(buf, ']', '}')
		if err := b.emitBuf(SitemapChunkKey(c.Name, i)); err != nil {
			return err
		}
	}
	return nil
}

// months counts a collection's entries per "YYYY-MM" of their date.
func (b *builder) months(recs []int32) map[string]int {
	if len(recs) == 0 {
		return nil
	}
	out := map[string]int{}
	for _, i := range recs {
		if d := b.ents[i].r.Date; d != "" {
			out[d[:7]]++
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// repeatsSlug reports whether tags[j]'s slug appears in tags[:j] (an entry
// that lists a slug twice counts once).
func repeatsSlug(tags []Tag, j int) bool {
	return slices.ContainsFunc(tags[:j], func(u Tag) bool { return u.Slug == tags[j].Slug })
}

// countTags counts entries per tag slug across all entries. When entries
// spell one slug differently, the most used name wins, then the smallest,
// so the result is order-free.
func (b *builder) countTags(all []int32) []TagCount {
	type tally struct {
		count int
		names map[string]int
	}
	bySlug := map[string]*tally{}
	for _, i := range all {
		r := b.ents[i].r
		for j, t := range r.Tags {
			if repeatsSlug(r.Tags, j) {
				continue
			}
			tl := bySlug[t.Slug]
			if tl == nil {
				tl = &tally{names: map[string]int{}}
				bySlug[t.Slug] = tl
			}
			tl.count++
			tl.names[t.Name]++
		}
	}
	tags := make([]TagCount, 0, len(bySlug))
	for slug, tl := range bySlug {
		best := ""
		for _, name := range slices.Sorted(maps.Keys(tl.names)) {
			if best == "" || tl.names[name] > tl.names[best] {
				best = name
			}
		}
		tags = append(tags, TagCount{Name: best, Slug: slug, Count: tl.count})
	}
	slices.SortFunc(tags, func(a, b TagCount) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), strings.Compare(a.Slug, b.Slug))
	})
	return tags
}

// tags emits every tag's chunks and the tags index pages. all is every
// entry in allOrder; tags counts them.
func (b *builder) tags(all []int32, tags []TagCount) error {
	size := b.size
	bySlug := make(map[string][]int32, len(tags))
	for _, i := range all {
		r := b.ents[i].r
		for j, t := range r.Tags {
			if !repeatsSlug(r.Tags, j) {
				bySlug[t.Slug] = append(bySlug[t.Slug], i)
			}
		}
	}
	for _, t := range tags {
		list := bySlug[t.Slug]
		n := len(list)
		for p := Pages(n, size); p >= 1; p-- {
			lo, hi := chunkRange(n, size, p)
			i := Pages(n, size) - p
			buf := append(appendField(appendHead(b.buf[:0]), "tag", false), `{"name":`...)
			buf = append(appendStrField(appendStr(buf, t.Name), "slug", t.Slug), '}')
			buf = appendIntField(buf, "index", i)
			buf = append(appendField(buf, "records", false), '[')
			for j, e := range list[lo:hi] {
				if j > 0 {
					buf = append(buf, ',')
				}
				buf = b.appendSummary(buf, e)
			}
			b.buf = append(buf, ']', '}')
			if err := b.emitBuf(TagChunkKey(t.Slug, i)); err != nil {
				return err
			}
		}
		delete(bySlug, t.Slug)
	}
	sorted := slices.Clone(tags)
	slices.SortFunc(sorted, func(a, b TagCount) int { return strings.Compare(a.Slug, b.Slug) })
	for i := 0; i*size < len(sorted); i++ {
		page := sorted[i*size : min((i+1)*size, len(sorted))]
		if err := emitJSON(b.emit, TagsPageKey(i), TagsPage{Version: Version, Index: i, Tags: page}); err != nil {
			return err
		}
	}
	return nil
}
