package content

import (
	"fmt"
	"net/url"
	"path"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/axctl/axctl/internal/contract"
	"github.com/axctl/axctl/internal/manifest"
)

var tagSlugRe = regexp.MustCompile(contract.TagSlugPattern)

// slugSeeds are hostile names: traversal, separators, encodings, case,
// Unicode look-alikes, markup.
var slugSeeds = []string{
	"", "a", "post", "2024/looking-back", "../etc/passwd", "a/../b", "./a", "a//b", "/a", "a/",
	"A", "Café", "caf%C3%A9", "%2e%2e", "a b", "a\tb", "a\x00b", "a\\b", "a?b", "a#b",
	"<script>", "javascript:alert(1)", "ﬁle", "ſ", "İ", "K", "\u200bzero", "a\u0301", "-", "--a--",
	"tag-", " spaced tag ", "C++", "C#", ".NET", "日本語", "🚀", "\xff\xfe", "%", "a%20b",
}

// FuzzTagSlug: a tag slug is safe in a URL path segment and a Cache-Tag
// (lowercase a-z, 0-9, '-' and %XX escapes only; no leading, trailing or
// doubled '-'), decodes as a path segment, and is deterministic; ASCII
// case does not change it.
func FuzzTagSlug(f *testing.F) {
	for _, s := range slugSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, tag string) {
		s := TagSlug(tag)
		if s != TagSlug(tag) {
			t.Fatal("not deterministic")
		}
		for i := 0; i < len(s); i++ {
			c := s[i]
			switch {
			case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '-':
			case c == '%' && i+2 < len(s) && isUpperHex(s[i+1]) && isUpperHex(s[i+2]):
				i += 2
			default:
				t.Fatalf("TagSlug(%q) = %q: byte %q at %d", tag, s, c, i)
			}
		}
		if strings.HasPrefix(s, "-") || strings.HasSuffix(s, "-") || strings.Contains(s, "--") {
			t.Fatalf("TagSlug(%q) = %q: stray dashes", tag, s)
		}
		dec, err := url.PathUnescape(s)
		if err != nil {
			t.Fatalf("TagSlug(%q) = %q does not unescape: %v", tag, s, err)
		}
		if strings.ContainsAny(dec, "/?#\\") && utf8.ValidString(tag) {
			t.Fatalf("TagSlug(%q) = %q decodes to a path separator: %q", tag, s, dec)
		}
		// What validate lets through is what the manifests and the Worker
		// take (contract.TagSlugPattern): a longer slug is refused there.
		if s != "" && tagSlugBytes(s) != len(dec) {
			t.Fatalf("tagSlugBytes(%q) = %d, decoded %d bytes", s, tagSlugBytes(s), len(dec))
		}
		if s != "" && (tagSlugBytes(s) <= contract.MaxTagSlugBytes) != tagSlugRe.MatchString(s) {
			t.Fatalf("TagSlug(%q) = %q (%d bytes): validate and contract.TagSlugPattern disagree", tag, s, tagSlugBytes(s))
		}
		if isASCII(tag) && TagSlug(strings.ToUpper(tag)) != s {
			t.Fatalf("TagSlug(%q) = %q but TagSlug(%q) = %q", tag, s, strings.ToUpper(tag), TagSlug(strings.ToUpper(tag)))
		}
	})
}

// FuzzCheckSlug: a slug content accepts makes an object key with no
// traversal or empty segment, that manifest (rebuild) accepts too; a
// rejected slug gets a message that quotes it.
func FuzzCheckSlug(f *testing.F) {
	for _, s := range slugSeeds {
		f.Add(s)
	}
	meta := map[string]string{"title": "T", "date": "2026-01-02T00:00:00Z", "words": "1", "hash": "0123456789abcdef0123456789abcdef", "input": "0123456789abcdef0123456789abcdef"}
	f.Fuzz(func(t *testing.T, slug string) {
		err := checkSlug(slug)
		if err != nil {
			if !strings.Contains(err.Error(), fmt.Sprintf("%q", slug)) {
				t.Fatalf("checkSlug(%q): message does not quote the slug: %v", slug, err)
			}
			return
		}
		key := manifest.EntryKey("blog", slug)
		if path.Clean(key) != key || strings.Contains(key, "..") || !strings.HasPrefix(key, "entries/blog/") {
			t.Fatalf("slug %q accepted but its key %q is not clean", slug, key)
		}
		for _, seg := range strings.Split(slug, "/") {
			if seg == "" || seg == "." || seg == ".." {
				t.Fatalf("slug %q accepted with segment %q", slug, seg)
			}
		}
		if _, err := manifest.FromMetadata("blog", "/blog", slug, meta); err != nil {
			t.Fatalf("slug %q: content accepts it, rebuild does not: %v", slug, err)
		}
	})
}

func isUpperHex(c byte) bool { return c >= '0' && c <= '9' || c >= 'A' && c <= 'F' }

// TestTagSlugCompatibilityForms: a tag in a compatibility form (fullwidth,
// ligature, circled, superscript, half-width katakana) names the page of
// the tag it looks like; each had a page of its own before. Tags that only
// share letters after folding accents stay apart (NFKC keeps accents).
func TestTagSlugCompatibilityForms(t *testing.T) {
	same := [][2]string{
		{"Ａdmin", "admin"}, {"ＡＤＭＩＮ", "admin"}, {"ﬁsh", "fish"}, {"①", "1"}, {"x²", "x2"},
		{"ｶﾀｶﾅ", "カタカナ"}, {"Ｃ＋＋", "c"}, {"a／b", "a-b"}, {"ℌello", "hello"}, {"㎏", "kg"},
	}
	for _, p := range same {
		if a, b := TagSlug(p[0]), TagSlug(p[1]); a != b {
			t.Errorf("TagSlug(%q) = %q, TagSlug(%q) = %q: want one page", p[0], a, p[1], b)
		}
	}
	apart := [][2]string{{"été", "ete"}, {"straße", "strasse"}, {"日本", "日本語"}}
	for _, p := range apart {
		if a, b := TagSlug(p[0]), TagSlug(p[1]); a == b {
			t.Errorf("TagSlug(%q) = TagSlug(%q) = %q: want two pages", p[0], p[1], a)
		}
	}
}

// FuzzNormSlugValue: a frontmatter slug another generator wrote is either
// refused with a reason, or published as a slug the contract accepts,
// which normalizes to itself.
func FuzzNormSlugValue(f *testing.F) {
	for _, s := range slugSeeds {
		f.Add(s)
	}
	f.Add("Web/HTML/Element/details")
	f.Add("My Post/")
	f.Fuzz(func(t *testing.T, s string) {
		n, err := normSlugValue(s)
		if err != nil {
			return
		}
		if !slugValueRe.MatchString(n) {
			t.Fatalf("normSlugValue(%q) = %q: not a slug", s, n)
		}
		if again, err := normSlugValue(n); err != nil || again != n {
			t.Fatalf("normSlugValue(%q) = %q, again %q, %v", s, n, again, err)
		}
		if strings.Count(n, "/") != strings.Count(strings.TrimSuffix(s, "/"), "/") {
			t.Fatalf("normSlugValue(%q) = %q: segments added or lost", s, n)
		}
	})
}
