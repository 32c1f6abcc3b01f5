package render

import (
	"bytes"
	"fmt"
	"net/url"
	"strings"

	"github.com/yuin/goldmark/util"
)

// checkURL enforces the scheme allowlist and resolves local files. It
// judges the URL a browser reads from the href or src goldmark writes:
// goldmark resolves backslash escapes and entities in a destination
// (resolve) and percent-encodes it (util.URLEscape), so "/&#x2F;host" is
// checked as "//host", the protocol-relative URL it becomes. It returns
// the destination to render; a refused one becomes empty (dropped).
func (st *docState) checkURL(dest []byte, resolve bool, off int, what string) []byte {
	return fragmentHashes(st.checkURL1(dest, resolve, off, what))
}

// fragmentHashes writes a "#" inside a URL's fragment as %23: a browser
// reads https://matrix.to/#/#room:example.org either way, but HTML's URL
// syntax allows no "#" in a fragment (the Nu checker fails the page), and
// READMEs link chat rooms and single-page apps that way.
func fragmentHashes(u []byte) []byte {
	i := bytes.IndexByte(u, '#')
	if i < 0 || bytes.IndexByte(u[i+1:], '#') < 0 {
		return u
	}
	out := append([]byte(nil), u[:i+1]...)
	return append(out, bytes.ReplaceAll(u[i+1:], []byte("#"), []byte("%23"))...)
}

func (st *docState) checkURL1(dest []byte, resolve bool, off int, what string) []byte {
	d := strings.TrimSpace(string(dest))
	final := string(util.URLEscape(dest, resolve))
	b := browserURL(final)
	shown := fmt.Sprintf("%q", clip(d, 60))
	if b != d {
		shown += fmt.Sprintf(" (a browser reads %q)", clip(b, 60))
	}
	if b == "" || b[0] == '#' {
		return dest
	}
	if strings.HasPrefix(b, "//") {
		st.addf(off, "%s URL %s is protocol-relative; write https://", what, shown)
		return nil
	}
	if b[0] == '/' {
		if st.opts.Site == nil {
			return dest // a path on the site
		}
		return st.resolve(dest, final, d, shown, off, what, st.opts.Site)
	}
	switch scheme := urlScheme(b); scheme {
	case "http", "https":
		if u, err := url.Parse(b); err != nil {
			st.addf(off, "%s URL %s is malformed: %v", what, shown, err)
			return nil
		} else if u.Host == "" {
			st.addf(off, "%s URL %s has no host", what, shown)
			return nil
		}
		return dest
	case "mailto":
		if what == "image" {
			st.addf(off, "image URL %s must be http(s) or a local file", shown)
			return nil
		}
		return dest
	case "":
	default:
		msg := fmt.Sprintf("%s URL scheme %q is not allowed (use http, https, mailto or a relative path)", what, scheme+":")
		if b != d {
			msg += fmt.Sprintf(": a browser reads %q as %q", clip(d, 60), clip(b, 60))
		}
		st.addf(off, "%s", msg)
		return nil
	}
	resolveLocal := st.opts.LocalAt
	if resolveLocal == nil && st.opts.Local != nil {
		resolveLocal = func(dest string, _, _ int) (string, error) { return st.opts.Local(dest) }
	}
	if resolveLocal == nil {
		if _, err := url.Parse(final); err != nil {
			st.addf(off, "%s URL %s is malformed: %v", what, shown, err)
			return nil
		}
		return dest
	}
	return st.resolve(dest, final, d, shown, off, what, resolveLocal)
}

// resolve maps a local destination to the URL fn gives it, keeping its
// fragment, or reports why it cannot be published.
func (st *docState) resolve(dest []byte, final, d, shown string, off int, what string, fn func(string, int, int) (string, error)) []byte {
	u, err := url.Parse(final)
	if err != nil {
		st.addf(off, "%s URL %s is malformed: %v", what, shown, err)
		return nil
	}
	line, col := st.pos(off)
	resolved, err := fn(u.Path, line, col)
	if err != nil {
		st.addf(off, "%s %q %v", what, clip(d, 60), err)
		return nil
	}
	if u.RawQuery != "" && !strings.HasPrefix(resolved, "/assets/") {
		resolved += "?" + u.RawQuery // /search?q=x: a page's query is part of the link (an asset's name is its bytes)
	}
	if u.Fragment != "" {
		resolved += "#" + u.Fragment
	}
	// The new destination is rendered through util.URLEscape too: it must
	// still read as a path on the site.
	if r := browserURL(string(util.URLEscape([]byte(resolved), true))); !strings.HasPrefix(r, "/") || strings.HasPrefix(r, "//") {
		st.addf(off, "%s %q resolves to %q, which is not a path on the site", what, clip(d, 60), r)
		return nil
	}
	return []byte(resolved)
}

// browserURL is the URL a browser reads from an attribute value (the WHATWG
// URL parser, on a page served over http(s)): leading and trailing C0
// controls and spaces stripped, tabs and newlines removed anywhere, and a
// backslash read as a slash.
func browserURL(s string) string {
	s = strings.TrimFunc(s, func(r rune) bool { return r <= ' ' })
	if strings.ContainsAny(s, "\t\n\r\\") {
		s = strings.NewReplacer("\t", "", "\n", "", "\r", "", "\\", "/").Replace(s)
	}
	return s
}

// urlScheme returns the lowercase scheme of a URL as a browser parses it
// (ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":"), or "" for a relative
// reference.
func urlScheme(s string) string {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
		case i > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.'):
		case i > 0 && c == ':':
			return strings.ToLower(s[:i])
		default:
			return ""
		}
	}
	return ""
}
