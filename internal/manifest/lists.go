package manifest

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/axctl/axctl/internal/contract"
)

// The paged objects the Worker reads so that every listing page costs
// site.json plus one object (docs/bucket.md, "Reads per page").

// Summary is an entry as a tag page lists it: what a summary shows and
// what decides its visibility, without hash, input, TOC or features.
type Summary struct {
	Collection  string `json:"collection"`
	Slug        string `json:"slug"`
	URL         string `json:"url"`
	Title       string `json:"title"`
	Date        string `json:"date,omitempty"` // absent in an undated collection
	Author      string `json:"author,omitempty"`
	Description string `json:"description,omitempty"`
	Tags        []Tag  `json:"tags,omitempty"`
	Words       int    `json:"words"`
	PublishDate string `json:"publishDate,omitempty"`
	Expires     string `json:"expires,omitempty"`
}

// TagChunk is metadata/tags/<tagslug>/<NNNN>.json: one page of a tag.
type TagChunk struct {
	Version int       `json:"version"`
	Tag     Tag       `json:"tag"`
	Index   int       `json:"index"` // 0 holds the oldest entries
	Records []Summary `json:"records"`
}

// TagsPage is metadata/tags/<NNNN>.json: page index+1 of the tags index,
// tags in slug order.
type TagsPage struct {
	Version int        `json:"version"`
	Index   int        `json:"index"`
	Tags    []TagCount `json:"tags"`
}

// SitemapChunk is metadata/sitemaps/<collection>/<NNNN>.json: the
// [slug, date] of up to contract.SitemapChunk entries, newest first; in an
// undated collection [slug] alone, in listing order.
type SitemapChunk struct {
	Version    int        `json:"version"`
	Collection string     `json:"collection"`
	Index      int        `json:"index"`
	URLs       [][]string `json:"urls"`
}

// TagChunkKey is the key of chunk i (0 = oldest) of the tag with slug.
func TagChunkKey(slug string, i int) string {
	return fmt.Sprintf("%s%s/%04d.json", contract.TagsPrefix, slug, i)
}

// TagsPageKey is the key of tags index page i+1.
func TagsPageKey(i int) string {
	return fmt.Sprintf("%s%04d.json", contract.TagsPrefix, i)
}

// SitemapChunkKey is the key of sitemap chunk i (0 = oldest) of a collection.
func SitemapChunkKey(collection string, i int) string {
	return fmt.Sprintf("%s%s/%04d.json", contract.SitemapsPrefix, collection, i)
}

// Pages is how many listing pages n entries fill at page size size: the
// chunks are counted from the oldest entry, every one holds size entries
// but the newest, which holds size to 2·size-1 (all n when n < size), so
// listing page 1 is never short and a new newest entry rewrites one chunk
// (two when it completes one). 1 for n = 0 (an empty first page).
func Pages(n, size int) int {
	return max(1, n/size)
}

// chunkRange returns the positions [from, to) of page p (1-based, from the
// newest) in a newest-first list of n entries.
func chunkRange(n, size, p int) (from, to int) {
	pages := Pages(n, size)
	i := pages - p // chunk index, 0 = oldest
	hi := n - i*size
	lo := 0
	if i < pages-1 {
		lo = n - (i+1)*size
	}
	return lo, hi
}

// summarize turns a record (with Collection set) into its summary.
func summarize(r Record) Summary {
	return Summary{
		Collection: r.Collection, Slug: r.Slug, URL: r.URL, Title: r.Title, Date: r.Date,
		Author: r.Author, Description: r.Description, Tags: r.Tags, Words: r.Words,
		PublishDate: r.PublishDate, Expires: r.Expires,
	}
}

// emitFunc receives each built object; Build collects them, BuildEach
// passes them on.
type emitFunc func(key string, b []byte) error

func emitJSON(emit emitFunc, key string, v any) error {
	b, err := encodeJSON(v)
	if err != nil {
		return fmt.Errorf("encode %s: %w", key, err)
	}
	return emit(key, b)
}

// buildTags emits every tag's chunks and the tags index pages. all is
// every record (Collection set), newest first then by collection; tags
// counts them.
func buildTags(emit emitFunc, all []Record, tags []TagCount, size int) error {
	bySlug := make(map[string][]int, len(tags))
	for i, r := range all {
		for j, t := range r.Tags {
			if !slices.ContainsFunc(r.Tags[:j], func(u Tag) bool { return u.Slug == t.Slug }) {
				bySlug[t.Slug] = append(bySlug[t.Slug], i)
			}
		}
	}
	for _, t := range tags {
		list := bySlug[t.Slug]
		n := len(list)
		for p := Pages(n, size); p >= 1; p-- {
			lo, hi := chunkRange(n, size, p)
			recs := make([]Summary, 0, hi-lo)
			for _, i := range list[lo:hi] {
				recs = append(recs, summarize(all[i]))
			}
			i := Pages(n, size) - p
			key := TagChunkKey(t.Slug, i)
			if err := emitJSON(emit, key, TagChunk{Version: Version, Tag: Tag{Name: t.Name, Slug: t.Slug}, Index: i, Records: recs}); err != nil {
				return err
			}
		}
		delete(bySlug, t.Slug)
	}
	sorted := slices.Clone(tags)
	slices.SortFunc(sorted, func(a, b TagCount) int { return strings.Compare(a.Slug, b.Slug) })
	for i := 0; i*size < len(sorted); i++ {
		page := sorted[i*size : min((i+1)*size, len(sorted))]
		if err := emitJSON(emit, TagsPageKey(i), TagsPage{Version: Version, Index: i, Tags: page}); err != nil {
			return err
		}
	}
	return nil
}

// buildSitemaps emits a collection's sitemap chunks: recs newest first,
// chunk i holds positions [i·k, (i+1)·k) counted from the oldest (the newest
// chunk 1…k), so a new newest entry rewrites one.
func buildSitemaps(emit emitFunc, c Collection, recs []Record) error {
	k := contract.SitemapChunk
	n := len(recs)
	for i := 0; i*k < n; i++ {
		page := recs[max(0, n-(i+1)*k) : n-i*k]
		urls := make([][]string, len(page))
		for j, r := range page {
			urls[j] = []string{r.Slug, r.Date}
			if r.Date == "" {
				urls[j] = urls[j][:1]
			}
		}
		if err := emitJSON(emit, SitemapChunkKey(c.Name, i), SitemapChunk{Version: Version, Collection: c.Name, Index: i, URLs: urls}); err != nil {
			return err
		}
	}
	return nil
}

// months counts a collection's entries per "YYYY-MM" of their date.
func months(recs []Record) map[string]int {
	if len(recs) == 0 {
		return nil
	}
	out := map[string]int{}
	for _, r := range recs {
		if r.Date != "" {
			out[r.Date[:7]]++
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// pagedTags is the slug → count of the tags with more than one page: a
// tag page needs its count to number its pages, and a tag with one page
// is read from its chunk 0 alone, so site.json grows with the tags that
// have at least 2·size entries, not with all tags.
func pagedTags(tags []TagCount, size int) map[string]int {
	out := map[string]int{}
	for _, t := range tags {
		if Pages(t.Count, size) > 1 {
			out[t.Slug] = t.Count
		}
	}
	return out
}

// allOrder sorts records of several collections: newest first, slug,
// collection; undated entries (no date) come after every dated one.
func allOrder(a, b Record) int {
	return cmp.Or(newestFirst(a, b), strings.Compare(a.Collection, b.Collection))
}
