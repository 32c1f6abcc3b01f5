package manifest

import (
	"fmt"

	"github.com/axctl/axctl/internal/contract"
)

// The paged objects the Worker reads so that every listing page costs
// site.json plus one object (docs/bucket.md, "Reads per page").

// Summary is an entry as a tag page lists it: what a summary shows and
// what decides its visibility, without hash, input, TOC or features.
type Summary struct {
	Collection        string `json:"collection"`
	Slug              string `json:"slug"`
	URL               string `json:"url"`
	Title             string `json:"title"`
	Date              string `json:"date,omitempty"` // absent in an undated collection
	contract.ListText        // the plain text fields listings carry
	Tags              []Tag  `json:"tags,omitempty"`
	Words             int    `json:"words"`
	PublishDate       string `json:"publishDate,omitempty"`
	Expires           string `json:"expires,omitempty"`
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
func TagChunkKey(slug string, i int) string { return contract.TagChunkKey(slug, i) }

// TagsPageKey is the key of tags index page i+1.
func TagsPageKey(i int) string { return contract.TagsPageKey(i) }

// SitemapChunkKey is the key of sitemap chunk i (0 = oldest) of a collection.
func SitemapChunkKey(collection string, i int) string {
	return contract.SitemapChunkKey(collection, i)
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

// emitFunc receives each built object; Build collects them, BuildEach
// passes them on. b is only valid until it returns.
type emitFunc func(key string, b []byte) error

func emitJSON(emit emitFunc, key string, v any) error {
	b, err := encodeJSON(v)
	if err != nil {
		return fmt.Errorf("encode %s: %w", key, err)
	}
	return emit(key, b)
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
