// Package contract is the single definition of what the Go side (validate,
// sync) and the Worker agree on: names and route prefixes a collection may not
// take, key and slug shapes, and the byte limits of the object store.
// `go generate ./internal/contract` writes worker/src/contract.js from it;
// TestGeneratedWorkerContract fails when that file is stale.
package contract

import (
	"fmt"
	"strings"
	"time"
)

//go:generate go run ./gen -o ../../worker/src/contract.js

// ReservedNames are collection names the bucket layout or the Worker already
// uses: metadata/<name>.json would be the site manifest or a later object
// kind, not a collection index. The names of Objects are added.
var ReservedNames = append([]string{"site", "search", "purge", "lease", "assets", "tags", "metadata", "static", "internal", "sitemaps"}, objectNames()...)

// ReservedRoutes are paths the Worker answers itself. A collection route may
// be neither one of them nor start with one followed by "/". The routes of
// Objects are added.
var ReservedRoutes = append([]string{
	"/assets", "/tags", "/metadata", "/static", "/search", "/__internal", "/sitemaps",
	"/feed.xml", "/sitemap.xml", "/robots.txt", "/favicon.svg", "/favicon.ico",
}, objectRoutes()...)

// NamePattern is a collection name.
const NamePattern = `^[a-z0-9][a-z0-9-]{0,63}$`

// RoutePattern is a collection route: one path segment. The Worker matches
// the first segment of a path against the collections' routes, so a deeper
// route ("/docs/v2") could never be reached.
const RoutePattern = `^/[a-z0-9][a-z0-9-]{0,63}$`

// SlugPattern is an entry's slug: lowercase segments joined by "/".
const SlugPattern = `^[a-z0-9-]+(?:/[a-z0-9-]+)*$`

// AssetExtPattern is the extension of an asset key ("." included).
const AssetExtPattern = `^\.[a-z0-9]{1,8}$`

// AssetNamePattern is the part of an asset key after "assets/".
const AssetNamePattern = `^[0-9a-f]{32}\.[a-z0-9]{1,8}$`

// Key shapes (docs/bucket.md). Go formats keys with the functions below;
// contract.js carries the same pieces and the same functions for the Worker
// (TestWorkerKeysMatch runs both).
const (
	// SiteKey is the site manifest, written last by every sync.
	SiteKey = "metadata/site.json"
	// EntryPrefix and EntrySuffix frame an entry's rendered fragment:
	// entries/<collection>/<slug>.html.
	EntryPrefix = "entries/"
	EntrySuffix = ".html"
	// AssetPrefix starts a content-addressed asset: assets/<md5>.<ext>.
	AssetPrefix = "assets/"
	// ManifestPrefix starts every manifest: a collection's index
	// metadata/<collection>.json and its shards
	// metadata/<collection>/<NNNN>.json.
	ManifestPrefix = "metadata/"
	ManifestSuffix = ".json"
)

// EntryKey is the key of an entry's rendered fragment.
func EntryKey(collection, slug string) string {
	return EntryPrefix + collection + "/" + slug + EntrySuffix
}

// ParseEntryKey is EntryKey's inverse: the collection and slug of an
// entry key; ok is false for any other key.
func ParseEntryKey(key string) (collection, slug string, ok bool) {
	rest, ok := strings.CutPrefix(key, EntryPrefix)
	if !ok {
		return "", "", false
	}
	if rest, ok = strings.CutSuffix(rest, EntrySuffix); !ok {
		return "", "", false
	}
	collection, slug, ok = strings.Cut(rest, "/")
	return collection, slug, ok && collection != "" && slug != ""
}

// AssetKey is the key of the asset named name (<md5>.<ext>).
func AssetKey(name string) string { return AssetPrefix + name }

// IndexKey is the key of a collection's index.
func IndexKey(collection string) string { return ManifestPrefix + collection + ManifestSuffix }

// ShardKey is the key of shard i (0 = oldest) of a collection: four digits
// at least.
func ShardKey(collection string, i int) string {
	return fmt.Sprintf("%s%s/%04d%s", ManifestPrefix, collection, i, ManifestSuffix)
}

// TagChunkKey is chunk i (0 = oldest) of the tag whose slug is slug.
func TagChunkKey(slug string, i int) string {
	return fmt.Sprintf("%s%s/%04d%s", TagsPrefix, slug, i, ManifestSuffix)
}

// TagsPageKey is page i+1 of the tags index.
func TagsPageKey(i int) string { return fmt.Sprintf("%s%04d%s", TagsPrefix, i, ManifestSuffix) }

// SitemapChunkKey is sitemap chunk i (0 = oldest) of a collection.
func SitemapChunkKey(collection string, i int) string {
	return fmt.Sprintf("%s%s/%04d%s", SitemapsPrefix, collection, i, ManifestSuffix)
}

// Patterns the Worker reads keys with (its shape checks, which manifests
// its memo keeps first): a collection's index or shard (name, /NNNN), a
// shard (collection), a tag chunk (tag slug), a tags index page, a sitemap
// chunk (collection), a top-level manifest.
const (
	ManifestKeyPattern     = `^metadata/([a-z0-9-]+)(/\d+)?\.json$`
	ShardKeyPattern        = `^metadata/([a-z0-9-]+)/\d{4,}\.json$`
	TagChunkKeyPattern     = `^metadata/tags/([^/]+)/\d{4,}\.json$`
	TagsPageKeyPattern     = `^metadata/tags/\d+\.json$`
	SitemapChunkKeyPattern = `^metadata/sitemaps/([a-z0-9-]+)/\d{4,}\.json$`
	TopManifestKeyPattern  = `^metadata/[a-z0-9-]+\.json$`
)

// Cache-Tag names (docs/bucket.md): the Worker tags its responses with
// them and `sync --purge` purges them; contract.js carries the same.
const (
	SiteTag   = "site"   // every HTML page, feed and sitemap
	SearchTag = "search" // every /search response
	AssetTag  = "a"      // assets
)

// CollectionTag tags a collection's listings, feeds and index.
func CollectionTag(collection string) string { return "c:" + collection }

// ManifestTag tags a collection's manifest responses.
func ManifestTag(collection string) string { return "m:" + collection }

// EntryTag tags an entry's page.
func EntryTag(collection, slug string) string { return "e:" + collection + "/" + slug }

// TagPageTag tags the pages of the tag whose slug is slug.
func TagPageTag(slug string) string { return "t:" + slug }

// MaxKeyBytes is the longest object key R2 and S3 accept.
const MaxKeyBytes = 1024

// MaxTagSlugBytes bounds a tag's slug: at most this many bytes once its
// percent escapes are decoded (a-z, 0-9 and - are one byte each). The
// Worker's router answers a longer /tags/ segment 404 before any read, so
// validate refuses a tag whose slug is longer: 52 emoji (64 characters
// are allowed) made a tag page every entry linked to and none could open.
const MaxTagSlugBytes = 200

// TagSlugPattern is a tag slug as content.TagSlug writes it: a-z, 0-9, '-'
// and upper-case %XX escapes, at most MaxTagSlugBytes of them. The Worker's
// router and manifest shapes use it (a slug it refused in site.json's
// pagedTags made the whole site a 503); manifest.Build refuses any other.
var TagSlugPattern = fmt.Sprintf(`^(?:[a-z0-9-]|%%[0-9A-F]{2}){1,%d}$`, MaxTagSlugBytes)

// LeaseKey is the object a sync that writes holds from its listing to its
// last delete (created with If-None-Match: *, renewed with If-Match), so two
// syncs of one bucket run one after the other. The name "lease" is reserved.
const LeaseKey = "metadata/lease.json"

// FreshHorizon bounds how old the bucket reads behind a cacheable response
// may be: the Worker stores (lets caches store) a response only if every
// manifest it used was read, or confirmed unchanged, by an R2 read that
// started at most FreshHorizon before the response was complete; anything
// slower is answered "private, no-store" (docs/caching.md, "Freshness").
const FreshHorizon = 5 * time.Second

// PurgeSettle is how long after its last bucket write `sync --purge`
// purges a second time: FreshHorizon plus one second for a cache to store a
// response the Worker has finished. Every response rendered from reads that
// started before the sync's last write is either not cacheable or stored
// before the second purge, which removes it.
const PurgeSettle = FreshHorizon + time.Second

// PurgePendingKey records the Cache-Tags a `sync --purge` must purge and
// has not yet: written (conditionally) before the sync's first body, cleared
// once its purge succeeded, so a purge that fails, or a sync killed before
// purging, leaves them for the next `sync --purge` or `axctl purge
// --pending`, from any machine. The name "purge" is reserved: no collection
// index can be this object.
const PurgePendingKey = "metadata/purge.json"

// TagsPrefix holds the paged objects of tags (docs/bucket.md): the tags
// index pages metadata/tags/<NNNN>.json and each tag's chunks
// metadata/tags/<tagslug>/<NNNN>.json. "tags" is a reserved name, so no
// collection's index or shards can be these objects.
const TagsPrefix = "metadata/tags/"

// SitemapsPrefix holds each collection's sitemap chunks
// metadata/sitemaps/<collection>/<NNNN>.json ("sitemaps" is reserved).
const SitemapsPrefix = "metadata/sitemaps/"

// SitemapChunk is how many entry URLs one sitemap chunk (and so one
// /sitemaps/<collection>-<n>.xml) holds: far under the protocol's 50,000,
// small enough that a chunk of corpus slugs stays near 32 KiB.
const SitemapChunk = 500

// MaxSitemapURLs is the sitemap protocol's limit of URLs per sitemap (and of
// sitemaps per sitemap index).
const MaxSitemapURLs = 50000

// ReadBudget bounds what one page of any listing kind reads from R2 on a
// cold isolate: at most ReadObjects objects of ReadBytes in total, site.json
// included (docs/bucket.md, "Reads per page"). Tests and bench/scale check it.
const (
	ReadObjects = 2
	ReadBytes   = 64 << 10
)

// IsReservedName reports whether a collection may not be called name.
func IsReservedName(name string) bool {
	for _, r := range ReservedNames {
		if r == name {
			return true
		}
	}
	return false
}

// IsReservedRoute reports whether route is, or lies under, a Worker path.
func IsReservedRoute(route string) bool {
	for _, r := range ReservedRoutes {
		if route == r || len(route) > len(r) && route[:len(r)] == r && route[len(r)] == '/' {
			return true
		}
	}
	return false
}

// SearchRootKey is the search index's root (docs/search.md): the number of
// entries indexed and of buckets. The name "search" is reserved.
const SearchRootKey = "metadata/search.json"

// SearchShardPrefix starts the key of every search shard:
// metadata/search/<buckets>/<bucket>.json.
const SearchShardPrefix = "metadata/search/"

// SearchShardMaxBytes bounds a search shard, so a query word costs one
// read of at most this size.
const SearchShardMaxBytes = 64 << 10

// SearchMaxWords is the most distinct words (after a dense-script run is
// cut into bigrams: terms) a query may hold; more is a 400.
const SearchMaxWords = 8

// SearchMaxQueryBytes is the longest q a search accepts; more is a 400.
const SearchMaxQueryBytes = 256

// SortWeight is the sortBy of a collection whose entries need no date
// (docs pages): listed by weight ascending (0 means none, listed last, as
// in Hugo), then by title, then by slug. site.json names it on the
// collection; its records carry weight and no date (docs/bucket.md,
// "Undated collections").
const SortWeight = "weight"

// MaxWeight bounds |weight|, so every weight is an exact integer in
// JavaScript and in a 32-bit int.
const MaxWeight = 1_000_000_000
