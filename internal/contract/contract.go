// Package contract is the single definition of what the Go side (validate,
// sync) and the Worker agree on: names and route prefixes a collection may not
// take, key and slug shapes, and the byte limits of the object store.
// `go generate ./internal/contract` writes worker/src/contract.js from it;
// TestGeneratedWorkerContract fails when that file is stale.
package contract

//go:generate go run ./gen -o ../../worker/src/contract.js

// ReservedNames are collection names the bucket layout or the Worker already
// uses: metadata/<name>.json would be the site manifest or a later object
// kind, not a collection index.
var ReservedNames = []string{"site", "search", "purge", "lease", "assets", "tags", "metadata", "static", "internal"}

// ReservedRoutes are paths the Worker answers itself. A collection route may
// be neither one of them nor start with one followed by "/".
var ReservedRoutes = []string{
	"/assets", "/tags", "/metadata", "/static", "/search", "/__internal",
	"/feed.xml", "/sitemap.xml", "/robots.txt", "/favicon.svg", "/favicon.ico",
}

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

// MaxKeyBytes is the longest object key R2 and S3 accept.
const MaxKeyBytes = 1024

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
