package content

import (
	"fmt"
	"regexp"
	"strings"
)

var slugRe = regexp.MustCompile(`^[a-z0-9-]+(/[a-z0-9-]+)*$`)

// checkSlug reports why a slug (a path inside a collection, without
// extension) is not valid. Nothing is rewritten: the author renames the file.
func checkSlug(slug string) error {
	if slugRe.MatchString(slug) {
		return nil
	}
	for _, r := range slug {
		switch {
		case r >= 'A' && r <= 'Z':
			return fmt.Errorf("file name %q has uppercase letters: slugs are lowercase [a-z0-9-/]; rename the file", slug)
		case r == ' ':
			return fmt.Errorf("file name %q has spaces: slugs are [a-z0-9-/]; use - instead", slug)
		}
	}
	return fmt.Errorf("file name %q is not a valid slug: use only lowercase a-z, 0-9, - and /", slug)
}

// TagSlug is the URL-safe form of a tag, computed once here and carried in
// the bucket (docs/bucket.md): the Worker compares it byte for byte.
func TagSlug(tag string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(strings.TrimSpace(tag)) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
			dash = false
		case r == '-' || r == ' ' || r == '_' || r == '\t':
			if !dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = true
		case r < 0x80:
			// other ASCII punctuation separates words
			if !dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = true
		default:
			for _, c := range []byte(string(r)) {
				fmt.Fprintf(&b, "%%%02X", c)
			}
			dash = false
		}
	}
	return strings.TrimRight(b.String(), "-")
}
