package content

import (
	"fmt"
	"path"
	"regexp"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"
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
// the bucket (docs/bucket.md): the Worker compares it byte for byte. The
// tag is read in Unicode NFKC first, so compatibility forms that look like
// another tag share its page: fullwidth "Ａdmin" is "admin", the ligature
// "ﬁsh" is "fish", "①" is "1" (each was a page of its own that looked like
// the other's).
func TagSlug(tag string) string {
	var b strings.Builder
	dash := false
	for _, r := range norm.NFKC.String(strings.ToLower(norm.NFKC.String(strings.TrimSpace(tag)))) {
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

// tagSlugBytes is the length of a tag slug once its percent escapes are
// decoded: what contract.MaxTagSlugBytes bounds.
func tagSlugBytes(slug string) int {
	return len(slug) - 2*strings.Count(slug, "%")
}

// pathSlug is what an entry's path inside its collection says about it.
type pathSlug struct {
	slug  string    // normalized; "" for the collection's own index file
	date  time.Time // from the file name or folders (Collection.Dates), else zero
	index bool      // the file is index.md, _index.md or README.md of its folder
	err   error     // the path cannot make a slug (frontmatter slug: may fix it)
}

var (
	fileDateRe   = regexp.MustCompile(`^(\d{4})-(\d{2})-(\d{2})[-_](.+)$`) // Zola allows "_" too
	folderDateRe = regexp.MustCompile(`(?:^|/)(\d{4})/(\d{2})/(\d{2})(?:/|$|-)`)
)

// isIndexName says whether a file name (without extension) is a folder's
// own page in the trees axctl publishes: index (Hugo leaf bundles, plain
// trees), _index (Hugo sections) and README (GitHub, Jekyll docs).
func isIndexName(name string) bool {
	switch strings.ToLower(name) {
	case "index", "_index", "readme":
		return true
	}
	return false
}

// slugOfPath derives the slug of the file rel (relative to the collection
// folder, slash-separated, with its extension), docs/config.md "Slugs":
// each segment is lowercased, every run of characters other than a-z and
// 0-9 becomes one "-", and leading and trailing "-" go; index, _index and
// README name their folder; with dates: filename a leading YYYY-MM-DD- is
// (or YYYY-MM-DD_, as Zola writes it) the date, with dates: folder a
// YYYY/MM/DD path is.
func slugOfPath(rel, dates string) pathSlug {
	var ps pathSlug
	noExt := strings.TrimSuffix(rel, path.Ext(rel))
	segs := strings.Split(noExt, "/")
	if isIndexName(segs[len(segs)-1]) {
		ps.index = true
		segs = segs[:len(segs)-1]
	}
	if len(segs) == 0 {
		return ps
	}
	switch dates {
	case "filename":
		last := segs[len(segs)-1]
		if m := fileDateRe.FindStringSubmatch(last); m != nil {
			if d, err := time.Parse("2006-01-02", m[1]+"-"+m[2]+"-"+m[3]); err == nil {
				ps.date = d
				segs[len(segs)-1] = m[4]
			}
		}
	case "folder":
		if m := folderDateRe.FindStringSubmatch(strings.Join(segs, "/")); m != nil {
			if d, err := time.Parse("2006-01-02", m[1]+"-"+m[2]+"-"+m[3]); err == nil {
				ps.date = d
			}
		}
	}
	out := make([]string, len(segs))
	for i, s := range segs {
		n, err := normSegment(s)
		if err != nil {
			ps.err = fmt.Errorf("file name %q %v: rename it, or set slug: in its frontmatter", noExt, err)
			return ps
		}
		out[i] = n
	}
	ps.slug = strings.Join(out, "/")
	return ps
}

// foldLetters spells letters that do not decompose into a base letter and
// marks the way Latin-script slugs usually do.
var foldLetters = strings.NewReplacer("ß", "ss", "æ", "ae", "Æ", "ae", "ø", "o", "Ø", "o", "œ", "oe", "Œ", "oe",
	"đ", "d", "Đ", "d", "ł", "l", "Ł", "l", "þ", "th", "Þ", "th", "ð", "d", "Ð", "d", "ı", "i")

// normSegment is one path segment as a slug segment (slugOfPath): Latin
// letters lose their diacritics (café → cafe) before the ASCII rules.
func normSegment(s string) (string, error) {
	if !isASCII(s) {
		s = foldLetters.Replace(s)
		var d strings.Builder
		for _, r := range norm.NFD.String(s) {
			if !unicode.Is(unicode.Mn, r) {
				d.WriteRune(r)
			}
		}
		s = d.String()
	}
	var b strings.Builder
	dash := false
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
			dash = false
		case r >= 'A' && r <= 'Z':
			b.WriteRune(r + 'a' - 'A')
			dash = false
		case r < 0x80:
			if !dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = true
		default:
			return "", fmt.Errorf("has %q, which a slug cannot carry (slugs are a-z, 0-9 and -)", r)
		}
	}
	out := strings.TrimRight(b.String(), "-")
	if out == "" {
		return "", fmt.Errorf("has no letter or digit for its slug")
	}
	return out, nil
}

// PathSlug tells what a file's path says about it (for `axctl init
// --from`): rel is relative to the collection's folder, dates its Dates.
// It returns the slug ("" for the collection's own index file), the date
// the path carries, whether the file is an index file, and why the path
// makes no slug.
func PathSlug(rel, dates string) (slug string, date time.Time, index bool, err error) {
	ps := slugOfPath(rel, dates)
	return ps.slug, ps.date, ps.index, ps.err
}

// AliasPath is the site path an alias is stored as in a collection at
// route, or why it cannot be one.
func AliasPath(alias, route string) (string, error) { return aliasPath(alias, route) }

// IsModelKey says whether k is a frontmatter key of the content model.
func IsModelKey(k string) bool { return schemaKeys[k] }

// IsIndexName says whether a file name without extension is its
// folder's page (index, _index, README).
func IsIndexName(name string) bool { return isIndexName(name) }

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
