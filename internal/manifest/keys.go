package manifest

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/axctl/axctl/internal/contract"
)

// Version is the "version" field of every manifest object.
const Version = 1

// DefaultPageSize is the shard size used when Build is given 0.
const DefaultPageSize = 25

// SiteKey is the key of the site manifest.
const SiteKey = contract.SiteKey

// dateLayout is the one accepted date form: RFC 3339, UTC, whole seconds.
// Fixing the width makes string order equal time order, which the shard
// bounds ("<date> <slug>") and the Worker rely on.
const dateLayout = "2006-01-02T15:04:05Z"

// EntryKey is the bucket key of an entry's rendered fragment.
func EntryKey(collection, slug string) string { return contract.EntryKey(collection, slug) }

// EntryURL is an entry's public path: the collection route, then the slug.
// A trailing "/" on the route is ignored so a root route "/" gives "/slug".
func EntryURL(route, slug string) string {
	return strings.TrimSuffix(route, "/") + "/" + slug
}

// IndexKey is the key of a collection's index.
func IndexKey(collection string) string { return contract.IndexKey(collection) }

// ShardKey is the key of shard i (0 = oldest) of a collection.
func ShardKey(collection string, i int) string { return contract.ShardKey(collection, i) }

// CheckCollection reports whether name is a valid collection name: the
// contract's name pattern, and not a reserved name (a collection "site"
// would make the site manifest its index).
func CheckCollection(name string) error {
	if name == "" {
		return fmt.Errorf("collection name is empty")
	}
	if !collectionRe.MatchString(name) {
		return fmt.Errorf("collection %q: only a-z, 0-9 and - are allowed (at most 64, not starting with -)", name)
	}
	if contract.IsReservedName(name) {
		return fmt.Errorf("collection %q: the name is reserved", name)
	}
	return nil
}

// checkRoute reports whether route is a collection route the Worker can
// reach: one segment (or "/", which manifests support and axctl.yaml does
// not offer), not a path it answers itself.
func checkRoute(name, route string) error {
	if route != "/" && !routeRe.MatchString(route) {
		return fmt.Errorf("collection %q: route %q must be one path segment like /blog", name, route)
	}
	if contract.IsReservedRoute(route) {
		return fmt.Errorf("collection %q: route %q is reserved", name, route)
	}
	return nil
}

var (
	collectionRe = regexp.MustCompile(contract.NamePattern)
	routeRe      = regexp.MustCompile(contract.RoutePattern)
)

// checkSlug reports whether slug is valid: [a-z0-9-/]+ without empty,
// leading or trailing path segments.
func checkSlug(slug string) error {
	if slug == "" {
		return fmt.Errorf("slug is empty")
	}
	for _, c := range slug {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '/') {
			return fmt.Errorf("slug %q: only a-z, 0-9, - and / are allowed", slug)
		}
	}
	if strings.HasPrefix(slug, "/") || strings.HasSuffix(slug, "/") || strings.Contains(slug, "//") {
		return fmt.Errorf("slug %q: empty path segment", slug)
	}
	return nil
}

// checkDate accepts exactly "YYYY-MM-DDTHH:MM:SSZ", a valid UTC instant.
func checkDate(field, v string) error {
	t, err := time.Parse(dateLayout, v)
	if err != nil || t.Format(dateLayout) != v {
		return fmt.Errorf("%s %q: want an RFC 3339 UTC time like 2026-11-02T00:00:00Z", field, v)
	}
	return nil
}

// checkHex accepts exactly 32 lowercase hex digits (a truncated sha256).
func checkHex(field, v string) error {
	ok := len(v) == 32
	for i := 0; ok && i < len(v); i++ {
		c := v[i]
		ok = c >= '0' && c <= '9' || c >= 'a' && c <= 'f'
	}
	if !ok {
		return fmt.Errorf("%s %q: want 32 lowercase hex digits", field, v)
	}
	return nil
}

// checkFeature accepts "type:name" with both parts non-empty.
func checkFeature(f string) error {
	typ, name, ok := strings.Cut(f, ":")
	if !ok || typ == "" || name == "" || strings.Contains(name, ":") {
		return fmt.Errorf("feature %q: want type:name", f)
	}
	return nil
}
