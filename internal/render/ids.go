package render

import (
	"bytes"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
)

// githubIDs gives headings the ids GitHub gives them (github-slugger, which
// Hugo's default "github" style, Python-Markdown's toc and most READMEs'
// links follow): the text lowercased; letters, digits and combining marks
// of any script kept, and "-" and "_"; each space a "-"; everything else
// dropped. A repeated id gets "-1", "-2"…; an empty one is "heading".
// goldmark's default turned "_" into "-" and dropped every non-ASCII
// letter, so "## `sort_by_label()`" answered #sort-by-label, not the
// #sort_by_label real trees link to, and a heading in Cyrillic or Chinese
// became "heading".
//
// The page around the body has ids of its own (pageIDs): a heading whose
// id would be one of them is numbered as a repeat ("## Content" is
// #content-1), and moved remembers it, so a link written #content for
// that heading still finds it.
type githubIDs struct {
	seen  map[string]int
	moved map[string]string // a page id → the heading id given instead
}

// pageIDs are the ids the layout gives the page around an entry's body:
// <main id="content">, the skip link's target. The body may not take them:
// the page would hold an id twice (invalid HTML), and a heading's link
// #content would lead to the top of main. (#top is left to the body: a
// README's <a id="top"> and "## Top" are what its links mean, and a
// browser reads #top as the page's top only while nothing has that id.)
var pageIDs = map[string]bool{"content": true}

// reservedID says whether an id written in the body's raw HTML belongs to
// the page or to goldmark's footnotes (fn:1, fnref:1, fnref1:1…), whose
// links a raw anchor with that id would take over.
func reservedID(id string) bool {
	if pageIDs[id] {
		return true
	}
	rest, ok := strings.CutPrefix(id, "fn")
	if !ok {
		return false
	}
	if r, ok := strings.CutPrefix(rest, "ref"); ok {
		rest = strings.TrimLeft(r, "0123456789")
	}
	return strings.HasPrefix(rest, ":")
}

func newGithubIDs() *githubIDs {
	s := &githubIDs{seen: map[string]int{}}
	for id := range pageIDs {
		s.seen[id] = 0
	}
	return s
}

// Generate is parser.IDs.Generate: value is the heading's text as written.
func (s *githubIDs) Generate(value []byte, kind ast.NodeKind) []byte {
	id := githubSlug(value)
	if len(id) == 0 {
		id = []byte("heading")
		if kind != ast.KindHeading {
			id = []byte("id")
		}
	}
	base := string(id)
	out := base
	for {
		if _, taken := s.seen[out]; !taken {
			break
		}
		s.seen[base]++
		out = base + "-" + strconv.Itoa(s.seen[base])
	}
	s.seen[out] = 0
	if pageIDs[base] && s.moved[base] == "" {
		if s.moved == nil {
			s.moved = map[string]string{}
		}
		s.moved[base] = out
	}
	return []byte(out)
}

// Put is parser.IDs.Put: an id given explicitly.
func (s *githubIDs) Put(value []byte) {
	s.seen[string(value)] = 0
}

// githubSlug is github-slugger's slug of the heading text b, after the
// Markdown around the words is taken away: a link or image keeps its text,
// an HTML tag and the backticks of code go.
func githubSlug(b []byte) []byte {
	b = bytes.TrimSpace(plainHeading(b))
	out := make([]byte, 0, len(b))
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		b = b[n:]
		switch {
		case r == ' ':
			out = append(out, '-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.In(r, unicode.Mn, unicode.Mc, unicode.Me):
			out = utf8.AppendRune(out, unicode.ToLower(r))
		}
	}
	return out
}

// plainHeading removes the Markdown syntax that is not text from a heading
// line: [text](url) and ![alt](url) keep text and alt, <tags> go.
func plainHeading(b []byte) []byte {
	out := make([]byte, 0, len(b))
	code := false // in a code span, <x> is text: ## `<relabel_config>` is #relabel_config
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case c == '`':
			code = !code
		case code:
		case c == '<':
			if j := indexByteFrom(b, i+1, '>'); j > 0 && isTagStart(b[i+1:]) {
				i = j
				continue
			}
		case c == ']' && i+1 < len(b) && b[i+1] == '(':
			if j := indexByteFrom(b, i+2, ')'); j > 0 {
				i = j
				continue
			}
		case c == '!' && i+1 < len(b) && b[i+1] == '[', c == '[':
			continue
		}
		out = append(out, c)
	}
	return out
}

func indexByteFrom(b []byte, from int, c byte) int {
	for i := from; i < len(b); i++ {
		if b[i] == c {
			return i
		}
	}
	return -1
}

// isTagStart says whether b (after a "<") starts an HTML tag or comment.
func isTagStart(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	c := b[0]
	return c == '/' || c == '!' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// checkFragments checks the links to a #fragment of the page against the
// ids it has (headings, raw HTML anchors). A fragment written in another
// case or spelling of a heading's text (#AMQP for "## AMQP", as GitHub's
// pages accept) is rewritten to the id; one that finds nothing is a
// warning at the link: a browser would stay where it is. A link to the
// leading "# Title" the layout's h1 replaced leads to #top. "#top", the
// layout's "#content" and footnotes' ids are the page's own.
func checkFragments(links []*ast.Link, ids map[string]bool, moved map[string]string, st *docState) {
	for _, n := range links {
		frag, err := url.PathUnescape(string(n.Destination[1:]))
		if err != nil {
			frag = string(n.Destination[1:])
		}
		if id := moved[frag]; id != "" {
			n.Destination = []byte("#" + id) // "## Content" is #content-1
			continue
		}
		if ids[frag] || frag == "top" || pageIDs[frag] || strings.HasPrefix(frag, "fn:") || strings.HasPrefix(frag, "fnref:") {
			continue
		}
		if id := string(githubSlug([]byte(frag))); ids[id] {
			n.Destination = []byte("#" + id)
			continue
		} else if st.titleID != "" && (frag == st.titleID || id == st.titleID) {
			// The leading "# Title" is the layout's <h1> now: a README's
			// table of contents links it as its first item.
			n.Destination = []byte("#top")
			continue
		}
		st.warnf(st.inlineOffset(n), "link %q finds no heading or anchor on this page, so it does not move the reader (a heading's id is its text lowercased, spaces as \"-\", punctuation dropped)", clip(string(n.Destination), 60))
	}
}
