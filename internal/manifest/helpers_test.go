package manifest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/axctl/axctl/internal/contract"
)

// hex32 is a stable 32-hex-digit hash of s, for test records.
func hex32(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])[:32]
}

// rec is a minimal valid record; Key and URL are left for Build to derive.
func rec(slug, date string) Record {
	return Record{
		Slug: slug, Title: "Title of " + slug, Date: date,
		Hash: hex32("hash " + slug), Input: hex32("input " + slug), Words: len(slug) * 10,
	}
}

// day is midnight UTC, n days after 2024-01-01, in the one accepted form.
func day(n int) string {
	return time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n).Format(dateLayout)
}

// series returns n records, one a day, post-000 the oldest.
func series(prefix string, n int) []Record {
	out := make([]Record, n)
	for i := range out {
		out[i] = rec(fmt.Sprintf("%s-%03d", prefix, i), day(i))
	}
	return out
}

var (
	blog  = Collection{Name: "blog", Route: "/blog", Title: "Blog"}
	notes = Collection{Name: "notes", Route: "/notes", Title: "Notes"}
	site  = Site{Title: "axctl", BaseURL: "https://example.com"}
)

// mustBuild is Build that fails the test on error.
func mustBuild(t *testing.T, cols []Collection, records map[string][]Record, pageSize int) map[string][]byte {
	t.Helper()
	out, err := Build(site, cols, records, pageSize)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	return out
}

// dump renders a Build result as a txtar-like archive, keys sorted.
func dump(out map[string][]byte) string {
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(out)) {
		fmt.Fprintf(&b, "-- %s --\n%s", k, out[k])
	}
	return b.String()
}

// wantErr fails unless err is non-nil and mentions every part.
func wantErr(t *testing.T, err error, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want one mentioning %q", parts)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error %q does not mention %q", err, p)
		}
	}
}

// richSeries is series with every optional field used somewhere.
func richSeries(prefix string, n int) []Record {
	recs := series(prefix, n)
	for i := range recs {
		r := &recs[i]
		switch i % 4 {
		case 0:
			r.Tags = []Tag{{Name: "Café", Slug: "caf%C3%A9"}, {Name: "Go", Slug: "go"}}
		case 1:
			r.Author, r.Description, r.Template = "Zoë", "About 🚀\nthings", "post"
			r.Features = []string{"syntax:code", "math:katex"}
		case 2:
			r.Source, r.PublishDate, r.Expires = "https://example.com/x?a&b", day(i), day(i+30)
			r.Slug = "nested/" + r.Slug
		}
	}
	return recs
}

// decodeAny decodes the object at key k with the decoder of its kind.
func decodeAny(k string, b []byte) (any, error) {
	if _, ok := contract.ObjectOf(k); ok {
		return DecodeObject(k, b)
	}
	switch {
	case k == SiteKey:
		return DecodeSite(b)
	case strings.Count(k, "/") == 1:
		return DecodeIndex(b)
	case strings.HasPrefix(k, "metadata/sitemaps/"):
		return DecodeSitemapChunk(b)
	case strings.HasPrefix(k, "metadata/tags/") && strings.Count(k, "/") == 2:
		return DecodeTagsPage(b)
	case strings.HasPrefix(k, "metadata/tags/"):
		return DecodeTagChunk(b)
	}
	return DecodeShard(b)
}
