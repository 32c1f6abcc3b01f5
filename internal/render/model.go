package render

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Raw HTML that passed the allowlist can still nest in ways HTML forbids:
// a <dl> without <dd>, text straight in a <ul>, a <dfn> in a <dfn>, an <h2>
// in a <th>, a second <summary>, a <div> in a <span>. A browser shows such
// a page anyway (it builds a tree of its own from it), and so do Hugo and
// GitHub; the Nu HTML Checker and the tools that rate pages refuse it. So a
// body that holds raw HTML is read as a browser reads it (x/net/html, in
// the <div> the page puts the body in) and each element's children are
// checked against its content model; what does not fit is repaired the
// way a browser lays it out, with a warning at the raw tag:
//
//   - an element not allowed where it is (flow in phrasing, an <li> outside
//     a list, a <dt> outside a <dl>, a heading in a <th>, a link in a
//     link, a second <summary>) becomes a <div>, or a <span> where only
//     phrasing is allowed, keeping its id, title and class (an <hr>
//     there is dropped);
//   - text and elements straight in a <ul>/<ol> are wrapped in an <li>, in
//     a <dl> in a <dd>; a <dl> that is not groups of <dt> then <dd>
//     becomes a <div> (its <dt>/<dd> each a <div>);
//   - a <details> gets a <summary> first; a <figure>'s <figcaption> that
//     is neither its first nor its last child becomes a <div>;
//   - a table's parts are put in the order HTML requires (caption first, one
//     thead before the bodies, one tfoot last; the rest become tbody), and
//     a table whose spans leave a column or a row with no cell starting in
//     it loses its colspan and rowspan.
//
// A body whose tree the browser builds exactly as written, and whose
// elements all fit, is left byte for byte as it was.

// rawPos is the attribute the raw HTML checker puts on every raw start tag
// it writes: the tag's source offset, for the warnings of the repair. No
// entry can write it (the attribute allowlist refuses it), and it is taken
// out of every body (stripPos).
const rawPos = "data-axctl-at"

var reRawPos = regexp.MustCompile(` ` + rawPos + `="[0-9]+"`)

func stripPos(b []byte) []byte {
	if !bytes.Contains(b, []byte(rawPos)) {
		return b
	}
	return reRawPos.ReplaceAll(b, nil)
}

type model uint8

const (
	mFlow model = iota
	mPhrasing
	mList    // ul, ol: li
	mDL      // dl: dt, dd
	mTable   // caption, colgroup, thead, tbody, tfoot
	mSection // thead, tbody, tfoot: tr
	mRow     // tr: th, td
	mSummary // summary: phrasing, and headings
)

// restrictions are what no descendant may be (the flags of modelFix).
type restrictions struct {
	inLink, inDfn, noHeading, noTable bool
}

var phrasingElems = map[string]bool{"a": true, "abbr": true, "b": true, "br": true, "cite": true, "code": true,
	"del": true, "dfn": true, "em": true, "i": true, "img": true, "ins": true, "kbd": true, "mark": true, "q": true,
	"s": true, "samp": true, "small": true, "span": true, "strong": true, "sub": true, "sup": true, "u": true,
	"var": true, "input": true, "wbr": true, "time": true, "data": true, "bdi": true, "bdo": true, "label": true}

// phrasingOnly are the elements whose children must be phrasing content.
var phrasingOnly = map[string]bool{"p": true, "h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"pre": true, "span": true, "abbr": true, "b": true, "cite": true, "code": true, "dfn": true, "em": true, "i": true,
	"kbd": true, "mark": true, "q": true, "s": true, "samp": true, "small": true, "strong": true, "sub": true,
	"sup": true, "u": true, "var": true, "summary": true, "label": true, "time": true, "data": true, "bdi": true, "bdo": true}

func isHeadingName(name string) bool {
	return len(name) == 2 && name[0] == 'h' && name[1] >= '1' && name[1] <= '6'
}

// modelFixer repairs one body's tree.
type modelFixer struct {
	changed bool
	at      int // offset of the raw tag last seen in document order (-1: none yet)
	warn    func(off int, msg string)
}

// repairModel returns body with its elements' content models repaired, and
// whether anything was; warn is called at each repair.
func repairModel(body []byte, warn func(off int, msg string)) ([]byte, bool) {
	ctx := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
	nodes, err := html.ParseFragment(bytes.NewReader(body), ctx)
	if err != nil {
		return body, false
	}
	root := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
	for _, n := range nodes {
		root.AppendChild(n)
	}
	f := &modelFixer{at: -1, warn: warn}
	if same, at := sameTree(body, root); !same {
		f.report(at, "raw HTML is not nested as written: a browser closes or moves some of its elements; the page holds what the browser shows")
	}
	f.children(root, mFlow, restrictions{})
	if at, skip := headingSkip(root, new(int), new(int)); skip && !f.changed {
		// The renderer's outline numbers headings in the order it meets
		// them, and it meets a footnote's before the text after the
		// footnote's reference; the page shows footnotes last.
		f.report(at, "a heading skips a level in the page's order (the page shows footnotes last): the page renumbers the headings")
	}
	if !f.changed {
		return body, false
	}
	renumber(root, new(int), map[string]bool{})
	var out bytes.Buffer
	for c := root.FirstChild; c != nil; c = c.NextSibling {
		if err := html.Render(&out, c); err != nil {
			return body, false
		}
	}
	return out.Bytes(), true
}

// renumber renumbers the headings left after a repair so that none skips a
// level under the one before it (the page's title is the h1), as the
// renderer's outline does for the headings as written: a heading the
// repair made a div or span no longer counts. An element the browser
// copied (a formatting element it opens again after a block closed it)
// carries the same id as the first: the copy loses it.
func renumber(n *html.Node, prev *int, ids map[string]bool) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode {
			continue
		}
		for i := 0; i < len(c.Attr); i++ {
			if a := c.Attr[i]; a.Key == "id" {
				if ids[a.Val] {
					c.Attr = append(c.Attr[:i], c.Attr[i+1:]...)
					i--
				}
				ids[a.Val] = true
			}
		}
		if isHeadingName(c.Data) {
			if *prev == 0 {
				*prev = 1
			}
			lvl := int(c.Data[1] - '0')
			if lvl > *prev+1 {
				lvl = *prev + 1
				c.Data = "h" + strconv.Itoa(lvl)
				c.DataAtom = atom.Lookup([]byte(c.Data))
			}
			*prev = lvl
		}
		renumber(c, prev, ids)
	}
}

// headingSkip finds the first heading, in document order, more than one
// level below the one before it (the page's title is the h1), and the raw
// tag at or last before it.
func headingSkip(n *html.Node, prev, last *int) (int, bool) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode {
			continue
		}
		if p := posOf(c); p >= 0 {
			*last = p
		}
		if isHeadingName(c.Data) {
			lvl := int(c.Data[1] - '0')
			if lvl > max(*prev, 1)+1 {
				return *last, true
			}
			*prev = lvl
		}
		if at, skip := headingSkip(c, prev, last); skip {
			return at, true
		}
	}
	return 0, false
}

func (f *modelFixer) report(off int, msg string) {
	f.changed = true
	if f.warn != nil {
		f.warn(off, msg)
	}
}

func posOf(n *html.Node) int {
	if n.Type != html.ElementNode {
		return -1
	}
	for _, a := range n.Attr {
		if a.Key == rawPos {
			if v, err := strconv.Atoi(a.Val); err == nil {
				return v
			}
		}
	}
	return -1
}

// sameTree says whether the tags and text of body, in order, are the tree
// root's written out: the browser built the tree exactly as written (no
// element closed early, moved, added or dropped). The <tbody> a browser
// adds to a raw table's rows is not a change (HTML lets its tags be left
// out). When they differ, at is the raw tag last written before the
// first difference.
func sameTree(body []byte, root *html.Node) (same bool, at int) {
	var want []string
	var wantAt []int
	last := 0
	z := html.NewTokenizer(bytes.NewReader(body))
	text := false
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		switch tt {
		case html.TextToken:
			if !blankText(string(z.Raw())) && !text {
				want, wantAt, text = append(want, "#"), append(wantAt, last), true
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, more := z.TagName()
			for more {
				var k, v []byte
				k, v, more = z.TagAttr()
				if string(k) == rawPos {
					if n, err := strconv.Atoi(string(v)); err == nil {
						last = n
					}
				}
			}
			want, wantAt, text = append(want, string(name)), append(wantAt, last), false
			if tt == html.SelfClosingTagToken && !voidElem(string(name)) {
				want, wantAt = append(want, "/"+string(name)), append(wantAt, last)
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			want, wantAt, text = append(want, "/"+string(name)), append(wantAt, last), false
		}
	}
	var got []string
	text = false
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			switch c.Type {
			case html.TextNode:
				if !blankText(c.Data) && !text {
					got, text = append(got, "#"), true
				}
			case html.ElementNode:
				if c.Data == "tbody" && posOf(c) < 0 && posOf(n) >= 0 {
					walk(c) // added by the browser around a raw table's rows
					continue
				}
				got, text = append(got, c.Data), false
				walk(c)
				if !voidElem(c.Data) {
					got, text = append(got, "/"+c.Data), false
				}
			}
		}
	}
	walk(root)
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			return false, wantAt[i]
		}
	}
	if len(got) != len(want) {
		if len(wantAt) == 0 {
			return false, 0
		}
		return false, wantAt[min(len(got), len(wantAt)-1)]
	}
	return true, 0
}

func voidElem(name string) bool {
	switch name {
	case "br", "img", "hr", "input", "wbr", "col", "area", "embed", "source", "track", "meta", "link", "base", "param":
		return true
	}
	return false
}

// modelOf is the content model of element n's children, given the model
// of the place n sits in (a, ins and del are transparent).
func modelOf(n *html.Node, outer model) model {
	switch n.Data {
	case "ul", "ol":
		return mList
	case "dl":
		return mDL
	case "table":
		return mTable
	case "thead", "tbody", "tfoot":
		return mSection
	case "tr":
		return mRow
	case "a", "ins", "del":
		return outer
	case "summary":
		return mSummary
	case "div":
		if outer == mDL {
			return mDL
		}
	}
	if phrasingOnly[n.Data] {
		return mPhrasing
	}
	return mFlow
}

// allowed says whether element c may be a child where the model is m and
// the restrictions r hold.
func allowed(c *html.Node, m model, r restrictions) bool {
	name := c.Data
	switch {
	case r.inLink && (name == "a" || name == "details" || name == "input" || name == "label"):
		return false
	case r.inLink && isHeadingName(name) && hasID(c):
		// The Worker gives a heading with an id a self-link: links
		// cannot nest.
		return false
	case r.inDfn && name == "dfn":
		return false
	case r.noHeading && isHeadingName(name):
		return false
	case r.noTable && name == "table":
		return false
	}
	switch name {
	case "li":
		return m == mList
	case "dt", "dd":
		return m == mDL
	case "caption", "thead", "tbody", "tfoot", "colgroup":
		return m == mTable
	case "tr":
		return m == mSection
	case "td", "th":
		return m == mRow
	case "summary", "figcaption":
		return false // placed by their parent's check
	}
	switch m {
	case mFlow:
		return true
	case mPhrasing:
		return phrasingElems[name]
	case mSummary:
		return phrasingElems[name] || isHeadingName(name)
	case mDL:
		return name == "div" // a group of dt and dd (dlGroups)
	}
	return false
}

// rename makes element n a div or a span, keeping its id, title, class and
// raw position.
func rename(n *html.Node, flow bool) {
	n.Data, n.DataAtom = "span", atom.Span
	if flow {
		n.Data, n.DataAtom = "div", atom.Div
	}
	var keep []html.Attribute
	for _, a := range n.Attr {
		switch a.Key {
		case "id", "title", "class", rawPos:
			keep = append(keep, a)
		}
	}
	n.Attr = keep
}

// children checks and repairs the children of n, whose content model is m.
func (f *modelFixer) children(n *html.Node, m model, r restrictions) {
	switch m {
	case mList:
		f.wrapRuns(n, "li", func(c *html.Node) bool { return c.Type == html.ElementNode && c.Data == "li" })
	case mDL:
		f.wrapRuns(n, "dd", func(c *html.Node) bool {
			return c.Type == html.ElementNode && (c.Data == "dt" || c.Data == "dd" || c.Data == "div" && n.Data == "dl")
		})
		if !dlGroups(n) {
			f.report(f.pos(n), fmt.Sprintf("raw HTML <%s> is not groups of <dt> then <dd>: the page shows it as a <div>", n.Data))
			rename(n, true)
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				if c.Type == html.ElementNode {
					rename(c, true)
				}
			}
			m = mFlow
		}
	case mTable:
		f.table(n)
	}
	switch n.Data {
	case "details":
		f.details(n)
	case "figure":
		f.figure(n)
	}
	var next *html.Node
	headings := 0 // a summary may hold one (the Nu checker's rule)
	for c := n.FirstChild; c != nil; c = next {
		next = c.NextSibling
		if c.Type != html.ElementNode {
			continue
		}
		if p := posOf(c); p >= 0 {
			f.at = p
		}
		if c.Data == "a" && attr(c, "href") != "" && !hasWords(c) && !holdsImg(c) {
			f.report(f.pos(c), "raw HTML <a href> has no text (a screen reader reads an empty link): the page shows its address")
			c.AppendChild(&html.Node{Type: html.TextNode, Data: attr(c, "href")})
		}
		if isHeadingName(c.Data) && !hasWords(c) {
			f.report(f.pos(c), "raw HTML heading holds no text (a screen reader announces an empty heading): left out of the page")
			n.RemoveChild(c)
			continue
		}
		second := false
		if m == mSummary && isHeadingName(c.Data) {
			headings++
			second = headings > 1
		}
		if (second || !allowed(c, m, r)) && !(n.Data == "details" && c.Data == "summary" && c == firstElem(n)) &&
			!(n.Data == "figure" && c.Data == "figcaption") {
			if voidElem(c.Data) {
				f.report(f.pos(c), fmt.Sprintf("raw HTML <%s> may not sit in <%s>: left out of the page", c.Data, n.Data))
				n.RemoveChild(c)
				continue
			}
			flow := m == mFlow || m == mList || m == mDL
			f.report(f.pos(c), fmt.Sprintf("raw HTML <%s> may not sit in <%s>: the page shows it as a <%s>", c.Data, n.Data, map[bool]string{true: "div", false: "span"}[flow]))
			rename(c, flow)
		}
		cr := r
		switch c.Data {
		case "a":
			cr.inLink = true
		case "dfn":
			cr.inDfn = true
		case "dt", "th":
			cr.noHeading = true
		case "caption":
			cr.noTable = true
		}
		f.children(c, modelOf(c, m), cr)
	}
}

// pos is where a warning about n goes: its raw tag, or the raw tag last
// seen before it.
func (f *modelFixer) pos(n *html.Node) int {
	if p := posOf(n); p >= 0 {
		return p
	}
	return max(f.at, 0)
}

// hasWords says whether n holds text that is not white space, or an image
// with alt text (what names a heading to a screen reader).
func hasWords(n *html.Node) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch {
		case c.Type == html.TextNode && !blankText(c.Data):
			return true
		case c.Type == html.ElementNode && c.Data == "img":
			for _, a := range c.Attr {
				if a.Key == "alt" && !blankText(a.Val) {
					return true
				}
			}
		case c.Type == html.ElementNode && hasWords(c):
			return true
		}
	}
	return false
}

// attr is n's attribute key, or "".
func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// holdsImg says whether n has an <img> among its descendants.
func holdsImg(n *html.Node) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && (c.Data == "img" || holdsImg(c)) {
			return true
		}
	}
	return false
}

// blankText says whether s is HTML's white space only (a no-break space
// is text).
func blankText(s string) bool { return strings.Trim(s, " \t\n\f\r") == "" }

func hasID(n *html.Node) bool {
	for _, a := range n.Attr {
		if a.Key == "id" {
			return true
		}
	}
	return false
}

func firstElem(n *html.Node) *html.Node {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode {
			return c
		}
		if c.Type == html.TextNode && !blankText(c.Data) {
			return nil
		}
	}
	return nil
}

func lastElem(n *html.Node) *html.Node {
	for c := n.LastChild; c != nil; c = c.PrevSibling {
		if c.Type == html.ElementNode {
			return c
		}
		if c.Type == html.TextNode && !blankText(c.Data) {
			return nil
		}
	}
	return nil
}

// wrapRuns wraps each run of n's children that ok refuses (but white
// space) in a new element named wrap.
func (f *modelFixer) wrapRuns(n *html.Node, wrap string, ok func(*html.Node) bool) {
	var w *html.Node
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		blank := c.Type == html.TextNode && blankText(c.Data) || c.Type == html.CommentNode
		switch {
		case ok(c):
			w = nil
		case blank && w == nil:
		default:
			if w == nil {
				what := "text"
				if c.Type == html.ElementNode {
					what = "<" + c.Data + ">"
				}
				f.report(f.pos(n), fmt.Sprintf("raw HTML <%s> holds %s outside a <%s>: the page wraps it in one", n.Data, what, wrap))
				w = &html.Node{Type: html.ElementNode, Data: wrap, DataAtom: atom.Lookup([]byte(wrap))}
				n.InsertBefore(w, c)
			}
			n.RemoveChild(c)
			w.AppendChild(c)
		}
		c = next
	}
}

// dlGroups says whether a dl's children are groups of one or more dt then
// one or more dd, or divs that each hold one such group (HTML allows
// both); a div in a dl must hold exactly one group.
func dlGroups(n *html.Node) bool {
	var names []string
	divs := 0
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode {
			names = append(names, c.Data)
			if c.Data == "div" {
				divs++
				if !dlGroups(c) {
					return false
				}
			}
		}
	}
	if divs > 0 {
		return divs == len(names) && n.Data == "dl"
	}
	groups := 0
	for i, name := range names {
		if name == "dt" && (i == 0 || names[i-1] == "dd") {
			groups++
		}
		if name == "dd" && i == 0 {
			return false
		}
	}
	if len(names) > 0 && names[len(names)-1] != "dd" {
		return false
	}
	return n.Data == "dl" || groups == 1
}

// details puts a summary first: the first summary child when it is the
// first element, else "Details"; any other summary is renamed by the
// children check.
func (f *modelFixer) details(n *html.Node) {
	if fe := firstElem(n); fe != nil && fe.Data == "summary" {
		return
	}
	f.report(f.pos(n), "raw HTML <details> does not start with its <summary>: the page gives it one, \"Details\"")
	s := &html.Node{Type: html.ElementNode, Data: "summary", DataAtom: atom.Summary}
	s.AppendChild(&html.Node{Type: html.TextNode, Data: "Details"})
	n.InsertBefore(s, n.FirstChild)
}

// figure keeps one figcaption, the first or last element child; any other
// becomes a div.
func (f *modelFixer) figure(n *html.Node) {
	var keep *html.Node
	if fe := firstElem(n); fe != nil && fe.Data == "figcaption" {
		keep = fe
	} else if le := lastElem(n); le != nil && le.Data == "figcaption" {
		keep = le
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && c.Data == "figcaption" && c != keep {
			f.report(f.pos(c), "raw HTML <figcaption> is neither the first nor the last child of its <figure>: the page shows it as a <div>")
			rename(c, true)
		}
	}
}

// table orders a table's parts and checks its grid.
func (f *modelFixer) table(n *html.Node) {
	var caption, thead, tfoot *html.Node
	var parts []*html.Node
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode {
			parts = append(parts, c)
		}
	}
	bodies := false
	for i, c := range parts {
		switch c.Data {
		case "caption":
			if caption != nil || i > 0 {
				if caption == nil {
					caption = c
					n.RemoveChild(c)
					n.InsertBefore(c, n.FirstChild)
					f.report(f.pos(c), "raw HTML <caption> is not the first child of its <table>: the page puts it first")
					continue
				}
				// A second caption: its content joins the first.
				f.report(f.pos(c), "raw HTML <table> has a second <caption>: the page joins it to the first")
				for k := c.FirstChild; k != nil; {
					next := k.NextSibling
					c.RemoveChild(k)
					caption.AppendChild(k)
					k = next
				}
				n.RemoveChild(c)
				continue
			}
			caption = c
		case "thead", "tbody":
			if c.Data == "thead" && thead == nil && !bodies && tfoot == nil {
				thead = c
				continue
			}
			if c.Data == "thead" {
				f.report(f.pos(c), "raw HTML <thead> after the table's first rows or a second one: the page shows it as a <tbody>")
				c.Data, c.DataAtom = "tbody", atom.Tbody
			}
			bodies = true
			if tfoot != nil {
				f.report(f.pos(tfoot), "raw HTML <tfoot> before the table's rows: the page shows it as a <tbody>")
				tfoot.Data, tfoot.DataAtom = "tbody", atom.Tbody
				tfoot = nil
			}
		case "tfoot":
			if tfoot != nil {
				f.report(f.pos(tfoot), "raw HTML <table> has a second <tfoot>: the page shows the first as a <tbody>")
				tfoot.Data, tfoot.DataAtom = "tbody", atom.Tbody
			}
			tfoot = c
		}
	}
	if !gridOK(n) {
		f.report(f.pos(n), "raw HTML <table>'s colspan/rowspan leave a column or row with no cell starting in it: the page drops its spans")
		var drop func(x *html.Node)
		drop = func(x *html.Node) {
			for c := x.FirstChild; c != nil; c = c.NextSibling {
				if c.Type != html.ElementNode || c.Data == "table" {
					continue
				}
				if c.Data == "td" || c.Data == "th" {
					attrs := c.Attr[:0]
					for _, a := range c.Attr {
						if a.Key != "colspan" && a.Key != "rowspan" {
							attrs = append(attrs, a)
						}
					}
					c.Attr = attrs
					continue
				}
				drop(c)
			}
		}
		drop(n)
		if !gridOK(n) {
			// Rows with no cells: each gets one.
			f.emptyRows(n)
		}
	}
}

// emptyRows gives each row without a cell an empty one.
func (f *modelFixer) emptyRows(n *html.Node) {
	for g := n.FirstChild; g != nil; g = g.NextSibling {
		if g.Type != html.ElementNode || g.Data != "thead" && g.Data != "tbody" && g.Data != "tfoot" {
			continue
		}
		for tr := g.FirstChild; tr != nil; tr = tr.NextSibling {
			if tr.Type != html.ElementNode || tr.Data != "tr" {
				continue
			}
			cells := 0
			for c := tr.FirstChild; c != nil; c = c.NextSibling {
				if c.Type == html.ElementNode {
					cells++
				}
			}
			if cells == 0 {
				tr.AppendChild(&html.Node{Type: html.ElementNode, Data: "td", DataAtom: atom.Td})
			}
		}
	}
}

func spanAttr(n *html.Node, key string) int {
	for _, a := range n.Attr {
		if a.Key == key {
			v, err := strconv.Atoi(strings.TrimSpace(a.Val))
			if err != nil || v < 1 {
				return 1
			}
			return v
		}
	}
	return 1
}

// gridOK runs HTML's table model (row groups, colspan, rowspan clipped to
// the group) and says whether every column and every row of each group
// has a cell starting in it, as the Nu checker requires.
func gridOK(table *html.Node) bool {
	starts := map[int]bool{}
	width := 0
	for g := table.FirstChild; g != nil; g = g.NextSibling {
		if g.Type != html.ElementNode || g.Data != "thead" && g.Data != "tbody" && g.Data != "tfoot" {
			continue
		}
		var rows []*html.Node
		for tr := g.FirstChild; tr != nil; tr = tr.NextSibling {
			if tr.Type == html.ElementNode && tr.Data == "tr" {
				rows = append(rows, tr)
			}
		}
		taken := map[[2]int]bool{}
		for y, tr := range rows {
			x, any := 0, false
			for c := tr.FirstChild; c != nil; c = c.NextSibling {
				if c.Type != html.ElementNode || c.Data != "td" && c.Data != "th" {
					continue
				}
				for taken[[2]int{x, y}] {
					x++
				}
				cs, rs := spanAttr(c, "colspan"), spanAttr(c, "rowspan")
				if rs > len(rows)-y {
					rs = len(rows) - y
				}
				starts[x], any = true, true
				for dx := range cs {
					for dy := range rs {
						taken[[2]int{x + dx, y + dy}] = true
					}
				}
				x += cs
				width = max(width, x)
			}
			if !any {
				return false
			}
		}
		for k := range taken {
			width = max(width, k[0]+1)
		}
	}
	for x := range width {
		if !starts[x] {
			return false
		}
	}
	return true
}
