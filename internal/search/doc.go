package search

import (
	"bytes"
	"math"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"

	"github.com/axctl/axctl/internal/manifest"
)

// Field weights: a word in the title counts as much as five in the body.
const (
	weightTitle   = 5
	weightTags    = 4
	weightHeading = 3
	weightDesc    = 2
	weightBody    = 1
	// bodyCap bounds how often a body word counts, so a page that repeats
	// a word does not outrank one about it.
	bodyCap = 8
	// maxBodyWords bounds the body words indexed per entry (the rest of a
	// very long entry is not searched), which bounds the work and the
	// index size per entry.
	maxBodyWords = 5000
)

// Limits of what a result shows, in bytes.
const (
	maxTitleBytes   = 120
	maxSnippetBytes = 160
)

// Doc is one published entry as the index sees it: what a result shows,
// and the weighted frequency of each term.
type Doc struct {
	Collection, Slug, Title, Date, Snippet string
	// Freq is term → weighted frequency; Len the entry's length in
	// indexed words; Fields the terms of the title, tags, headings and
	// description (their prefixes are keys too).
	Freq   map[string]int
	Len    int
	Fields map[string]bool
}

// NewDoc indexes one entry: its record's title, tags, headings and
// description, and the text of its rendered body (the HTML fragment sync
// uploads; tags and comments are skipped).
func NewDoc(collection string, r manifest.Record, body []byte) Doc {
	d := Doc{Collection: collection, Slug: r.Slug, Title: clip(r.Title, maxTitleBytes), Date: r.Date, Freq: map[string]int{}, Fields: map[string]bool{}}
	add := func(text string, weight, limit int) int {
		n := 0
		for _, t := range Terms(Words(text)) {
			if limit > 0 && n >= limit {
				break
			}
			n++
			d.Freq[t] += weight
			d.Fields[t] = true
		}
		return n
	}
	d.Len += add(r.Title, weightTitle, 0)
	for _, t := range r.Tags {
		d.Len += add(t.Name, weightTags, 0)
	}
	for _, h := range bodyTOC(body) {
		add(h.Text, weightHeading-weightBody, 0) // the body counts it once more
	}
	d.Len += add(r.Description, weightDesc, 0)
	text := Text(body)
	// The body's words share the bytes of its folded text; only the key
	// of each distinct term is copied (a map keeps the key of its last
	// assignment).
	ws := words(text)
	body0 := make(map[string]int, min(len(ws), maxBodyWords)/4) // a body's distinct terms: about a quarter of its words in the corpus
	n := 0
	for t := range termSeq(ws) {
		if n >= maxBodyWords {
			break
		}
		n++
		body0[t]++
	}
	for t, c := range body0 {
		d.Freq[strings.Clone(t)] += weightBody * min(c, bodyCap)
	}
	d.Len += n
	if r.Description != "" {
		d.Snippet = clip(r.Description, maxSnippetBytes)
	} else {
		d.Snippet = clipCollapsed(text, maxSnippetBytes) // Text collapsed it
	}
	return d
}

// bodyTOC is the table of contents an entry body carries after its marker
// line (docs/bucket.md, "Entry body"); none when it has no valid one.
func bodyTOC(body []byte) []manifest.Heading {
	if bytes.HasPrefix(body, []byte("<!-- axctl ")) {
		_, body, _ = bytes.Cut(body, []byte("\n"))
	}
	toc, _, err := manifest.SplitTOC(body)
	if err != nil {
		return nil
	}
	return toc
}

// Text is the visible text of an HTML fragment, whitespace collapsed: the
// text tokens (entities decoded) outside script, style and template, with
// a space for every tag, cut at white space (unicode.IsSpace, as
// strings.Fields) and joined with single spaces. The collapsing is done
// as the text is written, not by a second pass over it
// (TestTextMatchesFields checks it against strings.Fields).
func Text(fragment []byte) string {
	if s, ok := plainText(fragment); ok {
		return s
	}
	return tokenizedText(fragment)
}

// tokenizedText is Text through x/net/html's tokenizer.
func tokenizedText(fragment []byte) string {
	z := html.NewTokenizer(bytes.NewReader(fragment))
	var t spaceCollapser
	t.b.Grow(len(fragment) / 2)
	skip := 0
	for {
		switch z.Next() {
		case html.ErrorToken:
			return t.b.String()
		case html.StartTagToken:
			if name, _ := z.TagName(); rawTextTag(name) {
				skip++
			}
			t.space = true
		case html.EndTagToken:
			if name, _ := z.TagName(); rawTextTag(name) && skip > 0 {
				skip--
			}
			t.space = true
		case html.TextToken:
			if skip == 0 {
				t.write(z.Text())
			}
		}
	}
}

// plainText is Text for the HTML a render writes, without a tokenizer:
// text with entities, start and end tags with quoted attributes, and
// comments. It reads them as x/net/html's tokenizer does and gives up
// (false) at anything else — an element whose content the tokenizer reads
// raw or Text skips (script, style, template, title, textarea…), an
// unquoted attribute value, a doctype, a comment it ends early, a carriage
// return or NUL in text (the tokenizer rewrites them), a tag left open —
// so Text then tokenizes. TestPlainTextMatchesTokenizer checks both agree
// wherever plainText answers, on random fragments and rendered entries.
func plainText(p []byte) (string, bool) {
	var t spaceCollapser
	t.b.Grow(len(p) / 2)
	for i := 0; i < len(p); {
		j := i
		for j < len(p) {
			k := bytes.IndexByte(p[j:], '<')
			if k < 0 {
				j = len(p)
				break
			}
			j += k
			if j+1 < len(p) && (asciiLetter(p[j+1]) || p[j+1] == '/' || p[j+1] == '!' || p[j+1] == '?') {
				break
			}
			j++ // a '<' that opens nothing is text
		}
		if j > i {
			run := p[i:j]
			if bytes.IndexByte(run, '\r') >= 0 || bytes.IndexByte(run, 0) >= 0 {
				return "", false
			}
			if bytes.IndexByte(run, '&') >= 0 {
				t.write([]byte(html.UnescapeString(string(run))))
			} else {
				t.write(run)
			}
		}
		if j == len(p) {
			break
		}
		var n int
		switch c := p[j+1]; {
		case c == '!':
			n = commentLen(p[j:])
		case c == '?':
			n = 0
		default:
			var selfClosing bool
			n, selfClosing = tagLen(p[j:])
			if n > 0 && !selfClosing {
				t.space = true
			}
		}
		if n == 0 {
			return "", false
		}
		i = j + n
	}
	return t.b.String(), true
}

// tagLen is the length of the start or end tag p begins with, and whether
// it closes itself ("/>"), when it has the plain form plainText reads; 0
// otherwise.
func tagLen(p []byte) (int, bool) {
	i := 1
	end := p[i] == '/'
	if end {
		i++
	}
	start := i
	for i < len(p) && (asciiLetter(p[i]) || '0' <= p[i] && p[i] <= '9') {
		i++
	}
	if i == start || i == len(p) || rawOrSkipped(p[start:i]) {
		return 0, false
	}
	for {
		for i < len(p) && tagSpace(p[i]) {
			i++
		}
		if i == len(p) {
			return 0, false
		}
		switch p[i] {
		case '>':
			return i + 1, false
		case '/':
			if i+1 < len(p) && p[i+1] == '>' && !end {
				return i + 2, true
			}
			return 0, false
		}
		if end || !tagSpace(p[i-1]) {
			return 0, false // attributes of an end tag, or one not after a space
		}
		k := i
		for i < len(p) && attrNameByte(p[i]) {
			i++
		}
		if i == k || i == len(p) {
			return 0, false
		}
		if p[i] != '=' {
			// A name alone, then a space, "/" or ">" (not " =").
			j := i
			for j < len(p) && tagSpace(p[j]) {
				j++
			}
			if j == len(p) || p[j] == '=' || (j == i && p[j] != '/' && p[j] != '>') {
				return 0, false
			}
			continue
		}
		i++
		if i == len(p) || p[i] != '"' && p[i] != '\'' {
			return 0, false
		}
		q := bytes.IndexByte(p[i+1:], p[i])
		if q < 0 {
			return 0, false
		}
		i += q + 2
		if i == len(p) || !tagSpace(p[i]) && p[i] != '>' && p[i] != '/' {
			return 0, false
		}
	}
}

// commentLen is the length of the comment "<!--…-->" p begins with, where
// the tokenizer ends it at the first "-->"; 0 for anything else.
func commentLen(p []byte) int {
	if !bytes.HasPrefix(p, []byte("<!--")) {
		return 0
	}
	body := p[4:]
	if bytes.HasPrefix(body, []byte(">")) || bytes.HasPrefix(body, []byte("->")) {
		return 0 // "<!-->" and "<!--->" end at once
	}
	e := bytes.Index(body, []byte("-->"))
	if e < 0 || bytes.Contains(body[:e+2], []byte("--!>")) {
		return 0
	}
	return 4 + e + 3
}

func asciiLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// tagSpace is the white space the tokenizer skips inside a tag.
func tagSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' }

func attrNameByte(c byte) bool {
	return asciiLetter(c) || '0' <= c && c <= '9' || c == '-' || c == '_' || c == ':' || c == '.'
}

// rawOrSkipped reports the elements whose content the tokenizer reads raw
// (or as RCDATA) and those Text skips.
func rawOrSkipped(name []byte) bool {
	for _, s := range rawOrSkippedNames {
		if len(name) == len(s) && bytes.EqualFold(name, []byte(s)) {
			return true
		}
	}
	return false
}

var rawOrSkippedNames = [...]string{"iframe", "noembed", "noframes", "noscript", "plaintext", "script", "style", "textarea", "title", "xmp", "template"}

func rawTextTag(name []byte) bool {
	s := string(name) // no allocation: compared only
	return s == "script" || s == "style" || s == "template"
}

// spaceCollapser writes text as strings.Join(strings.Fields(text), " ")
// would give it: no leading or trailing space, one space for every run of
// white space between two words.
type spaceCollapser struct {
	b     strings.Builder
	space bool // white space seen since the last word byte
}

func (t *spaceCollapser) write(p []byte) {
	for i := 0; i < len(p); {
		c := p[i]
		if c < utf8.RuneSelf {
			if asciiSpace[c] {
				t.space = true
				i++
				continue
			}
			j := i + 1
			for j < len(p) && p[j] < utf8.RuneSelf && !asciiSpace[p[j]] {
				j++
			}
			t.word(p[i:j])
			i = j
			continue
		}
		r, n := utf8.DecodeRune(p[i:])
		if unicode.IsSpace(r) {
			t.space = true
		} else {
			t.word(p[i : i+n]) // the bytes as they are, invalid ones too (as Fields keeps them)
		}
		i += n
	}
}

func (t *spaceCollapser) word(p []byte) {
	if t.space && t.b.Len() > 0 {
		t.b.WriteByte(' ')
	}
	t.space = false
	t.b.Write(p)
}

// asciiSpace is strings.Fields' set of ASCII white space.
var asciiSpace = [utf8.RuneSelf]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}

// clip shortens s to at most n bytes at a space (or a rune boundary),
// marking the cut with "…".
func clip(s string, n int) string {
	return clipCollapsed(strings.Join(strings.Fields(s), " "), n)
}

// clipCollapsed is clip for s whose white space is already collapsed.
func clipCollapsed(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n - len("…")
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	if i := strings.LastIndexByte(s[:cut], ' '); i > cut/2 {
		cut = i
	}
	return strings.TrimRight(s[:cut], " ") + "…"
}

// BM25 parameters. The length norm uses a fixed pivot instead of the
// collection's average, and a length rounded to a quarter power of two, so
// an entry's weights depend on itself alone: an edit elsewhere, or a small
// edit to its own length, leaves its postings, and so the shards, as they
// were.
const (
	k1    = 1.2
	b     = 0.75
	pivot = 400.0
)

// lengthNorm is a doc's length as impactAt reads it: rounded to a quarter
// power of two.
func lengthNorm(length int) float64 {
	return math.Exp2(math.Round(4*math.Log2(float64(max(length, 1)))) / 4)
}

// impactAt is the stored weight of a term in a doc: BM25's term-frequency
// part, scaled to 1…255, for a doc of lengthNorm l (its terms share it).
// The Worker multiplies it by the term's idf.
func impactAt(freq int, l float64) int {
	tf := float64(freq)
	v := tf / (tf + k1*(1-b+b*l/pivot))
	return max(1, min(255, int(math.Round(255*v))))
}
