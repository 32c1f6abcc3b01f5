package store

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzMetadataRoundTrip: whatever two fields hold, EncodeMetadata either
// rejects a key or produces header-safe values (no control bytes, no
// leading, trailing or doubled spaces that servers and SigV4 would alter)
// that DecodeMetadata turns back into exactly the input; MetadataSize is
// the byte count of what goes on the wire, never less than the raw bytes,
// and never shrinks when a field is added.
func FuzzMetadataRoundTrip(f *testing.F) {
	for _, s := range [][4]string{
		{"title", "Hello", "author", "Zoë Ångström"},
		{"title", " leading", "description", "trailing "},
		{"title", "a  b", "tags", `[{"name":"Café","slug":"caf%C3%A9"}]`},
		{"title", "=?UTF-8?b?SGk=?=", "author", "=?utf-8?q?x?="},
		{"title", "\r\nX-Injected: 1", "author", "\x00\x7f"},
		{"Title", "upper key", "x y", "space key"},
		{"hash", "", "input", "日本語 🚀"},
		{"description", strings.Repeat("é", 200), "toc", strings.Repeat("a ", 100)},
		{"title", "\xff\xfe invalid", "date", "2026-01-02T00:00:00Z"},
	} {
		f.Add(s[0], s[1], s[2], s[3])
	}
	f.Fuzz(func(t *testing.T, k1, v1, k2, v2 string) {
		m := map[string]string{k1: v1, k2: v2}
		enc, err := EncodeMetadata(m)
		if err != nil {
			if checkMetadataKey(k1) == nil && checkMetadataKey(k2) == nil {
				t.Fatalf("valid keys %q, %q rejected: %v", k1, k2, err)
			}
			return
		}
		wire := 0
		for k, v := range enc {
			if needsRawEscape(v) {
				t.Fatalf("%s: encoded value %q is not header-safe", k, v)
			}
			wire += len(MetaHeaderPrefix) + len(k) + len(v)
		}
		if n := MetadataSize(m); n != wire {
			t.Fatalf("MetadataSize = %d, the wire carries %d", n, wire)
		}
		raw := 0
		for k, v := range m {
			raw += len(k) + len(v)
		}
		if MetadataSize(m) < raw {
			t.Fatalf("MetadataSize %d is less than the raw %d bytes", MetadataSize(m), raw)
		}
		if k1 != k2 && MetadataSize(map[string]string{k1: v1}) > MetadataSize(m) {
			t.Fatal("adding a field made the metadata smaller")
		}
		dec, err := DecodeMetadata(enc)
		if err != nil {
			t.Fatalf("decode %q: %v", enc, err)
		}
		for k, v := range m {
			if !utf8.ValidString(v) {
				continue // frontmatter is UTF-8: invalid bytes never reach here
			}
			if dec[k] != v {
				t.Fatalf("%s: %q → %q → %q", k, v, enc[k], dec[k])
			}
		}
	})
}

// needsRawEscape reports what a header value must not carry: bytes outside
// printable ASCII (control bytes would split or end the header), and
// leading, trailing or doubled spaces.
func needsRawEscape(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < ' ' || c > '~' {
			return true
		}
	}
	return strings.HasPrefix(v, " ") || strings.HasSuffix(v, " ") || strings.Contains(v, "  ")
}
