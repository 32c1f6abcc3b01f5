package render

import (
	"bytes"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"github.com/axctl/axctl/internal/front"
)

// Version names the renderer's output format. Bump it when any change alters
// the HTML for unchanged input: every entry's hash changes and sync rewrites.
const Version = "axctl-render-2"

// Problem is a content error found while rendering, at a 1-based position.
type Problem struct {
	Line, Col int
	Msg       string
}

// Heading is one table-of-contents line (h2–h6).
type Heading struct {
	Level int
	ID    string
	Text  string
}

// Result is one rendered document.
type Result struct {
	HTML    []byte
	Meta    map[string]any // frontmatter as yaml v3 decoded it (YAML 1.2: "yes" is a string)
	MetaErr error          // YAML error decoding the frontmatter, if any
	// MetaRepeats are the top-level YAML keys set more than once, by their
	// decoded spelling (title, "title", 'title', "\x74itle", ? title):
	// the last value is in Meta.
	MetaRepeats []KeyRepeat
	TOC         []Heading
	Words       int
	Problems    []Problem
	// Warnings do not make the entry invalid: a code block shown plain
	// because its highlighting failed or the render budget ran out.
	Warnings []Problem
	// Limited says the Markdown exceeds a cost limit (Problems say which):
	// it was not parsed, and only Problems is set.
	Limited bool
	// Highlighted counts the code blocks given to chroma: none unless the
	// document declares syntax:code (the render cache's tests count them).
	Highlighted int
	// Transient says a warning depends on the run, not on the input (a
	// code block shown plain because highlighting failed or ran out of
	// time): the render cache does not keep it, so the next run tries
	// again.
	Transient bool
}

// Options are the per-document inputs.
type Options struct {
	// Features are the declared feature IDs ("syntax:code"). When nil, they
	// are read from the frontmatter's "features" map. Unknown IDs are ignored
	// here (validation reports them).
	Features []string
	// DefaultFeatures are declared besides the frontmatter's (a
	// collection's features: in axctl.yaml).
	DefaultFeatures []string
	// Local resolves a relative link or image destination to the URL it
	// should have in the output; the error completes "link %q ..." (e.g.
	// "points at a file that does not exist").
	Local func(dest string) (url string, err error)
	// LocalAt, when set, is used instead of Local and also gets the
	// position of the link or image (to warn about it later).
	LocalAt func(dest string, line, col int) (url string, err error)
	// Site, when set, resolves a site-absolute path ("/img/x.png") the same
	// way; when nil such paths are left as they are.
	Site func(dest string, line, col int) (url string, err error)
	// RenderTime is the entry's render budget (DefaultRenderTime when 0):
	// once spent, code blocks are no longer highlighted (a warning each).
	RenderTime time.Duration
	// Limits bound what the Markdown may cost to parse (prescan.go).
	Limits Limits
	// StrictHTML refuses all raw HTML, comments included. Otherwise comments
	// are dropped and the elements of htmlAllowed pass, checked and
	// sanitized (rawhtml.go); any other raw HTML is a problem.
	StrictHTML bool
	// DropTitleHeading removes a leading "# heading" whose text is the
	// frontmatter title (case and spacing aside): the layout already shows
	// the title as the page's h1.
	DropTitleHeading bool
	// ImageAlt is what an image without alt text (Markdown or raw <img>;
	// empty, or only spaces) is: "warn", "error", or "" (not checked).
	ImageAlt string
	// TitleFromHeading gives an entry without a frontmatter title the text
	// of its leading "# heading" as its title (Result.Meta["title"]), and
	// removes that heading: the layout shows the title as the h1.
	TitleFromHeading bool
}

// DefaultRenderTime is the default render budget of one entry. Highlighting
// a 1 MiB entry of code takes well under a second; a lexer that needs more
// is looping or backtracking, and a sync of many such entries must still
// end in minutes.
const DefaultRenderTime = 2 * time.Second

// Renderer is the shared goldmark instance; safe for concurrent use.
type Renderer struct {
	md goldmark.Markdown
}

var (
	sharedOnce sync.Once
	shared     *Renderer
)

// Shared returns the process-wide Renderer, built on first use.
func Shared() *Renderer {
	sharedOnce.Do(func() { shared = New() })
	return shared
}

// New builds a Renderer: GFM, footnotes, definition lists, heading IDs, frontmatter, no raw
// HTML, and every registry feature's renderers.
func New() *Renderer {
	md := goldmark.New(
		goldmark.WithExtensions(extension.GFM, extension.Footnote, extension.DefinitionList),
		goldmark.WithParserOptions(
			parser.WithBlockParsers(util.Prioritized(frontmatterParser{}, 0), util.Prioritized(admonitionParser{}, 750), util.Prioritized(mkdocsAdmonitionParser{}, 751)),
			parser.WithAutoHeadingID(),
			parser.WithASTTransformers(util.Prioritized(coreTransformer{}, 100)),
		),
		goldmark.WithRendererOptions(html.WithXHTML()),
	)
	md.Renderer().AddOptions(renderer.WithNodeRenderers(rendererFuncs(Registry)...))
	md.Renderer().AddOptions(renderer.WithNodeRenderers(util.Prioritized(safeHTMLRenderer{}, 100)))
	return &Renderer{md: md}
}

var stateKey = parser.NewContextKey()

// docState carries one document's inputs and findings through the transformers.
type docState struct {
	opts      Options
	features  map[string]bool
	source    []byte
	lines     []int // byte offsets of line starts
	problems  []Problem
	warnings  []Problem
	toc       []Heading
	titleID   string // the id of the leading # heading the layout's title replaced
	words     int
	chroma    int       // code blocks given to chroma
	transient bool      // a warning of this run only (Result.Transient)
	raw       bool      // raw HTML was written: its content models are checked (model.go)
	math      bool      // the math warning was given (once a page)
	deadline  time.Time // of the render budget
	meta      map[string]any
	// frontEnd is where a TOML or JSON frontmatter's last line ends (0
	// for none): frontmatterParser consumes the lines up to it.
	frontEnd int
	blocks   map[ast.Node]ast.Node // blockOf's answers
	steps    int                   // nodes blockOf walked (a test checks it grows linearly)
	outline  outline               // the levels the headings so far are written at
}

// outline renumbers the body's headings, Markdown and raw HTML alike, so
// that none skips a level under the layout's <h1>: a heading is written one
// level below the nearest heading before it whose level, as the author
// wrote it, is lower, and at h2 when there is none. Real docs put ### under
// their title and #### under ##; the Nu checker fails such a page ("the
// heading h3 follows the heading h1, skipping 1 heading level"), and so do
// Lighthouse's heading-order audit and a screen reader's outline. A body
// that does not skip is written as it is (h2, h3…); a # heading stays an
// h1 and starts the count again below it.
type outline struct{ stack []int } // levels as written, 2-6, rising

// level is the level to write a heading the author wrote at level written.
func (o *outline) level(written int) int {
	if written <= 1 {
		o.stack = o.stack[:0]
		return 1
	}
	for len(o.stack) > 0 && o.stack[len(o.stack)-1] >= written {
		o.stack = o.stack[:len(o.stack)-1]
	}
	o.stack = append(o.stack, written)
	return min(len(o.stack)+1, 6)
}

func (st *docState) has(id string) bool { return st.features[id] }

// pos converts a byte offset into a 1-based line and column (in bytes+1).
func (st *docState) pos(off int) (int, int) {
	lo, hi := 0, len(st.lines)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if st.lines[mid] <= off {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo + 1, off - st.lines[lo] + 1
}

func (st *docState) addf(off int, format string, args ...any) {
	l, c := st.pos(off)
	st.problems = append(st.problems, Problem{Line: l, Col: c, Msg: fmt.Sprintf(format, args...)})
}

func (st *docState) warnf(off int, format string, args ...any) {
	l, c := st.pos(off)
	st.warnings = append(st.warnings, Problem{Line: l, Col: c, Msg: fmt.Sprintf(format, args...)})
}

// missingAlt reports an image without alt text at off, as Options.ImageAlt
// says: what names the image ("image %q"), then the advice.
func (st *docState) missingAlt(off int, what string, dest []byte) {
	const advice = " has no alt text: say what it shows, for readers who cannot see it (images.alt in axctl.yaml)"
	switch st.opts.ImageAlt {
	case "error":
		st.addf(off, what+advice, dest)
	case "warn":
		st.warnf(off, what+advice, dest)
	}
}

// remoteImg is an image on another host, and whether a link holds it.
type remoteImg struct {
	img    *ast.Image
	inLink bool
}

// remoteImage says whether an image's checked URL is on another host. The
// page's CSP (img-src 'self') keeps a browser from loading it: a reader
// would see a broken image and the console an error (Lighthouse's Best
// Practices fails the page). So the page links the image by its alt text
// instead (a badge inside a link becomes the link's text), and validate
// warns at the image: READMEs carry badges and screenshots from other hosts.
func remoteImage(dest string) bool {
	s := urlScheme(strings.TrimSpace(dest))
	return s == "http" || s == "https"
}

// remoteText is what the page shows for a remote image: its alt text, or
// the host it is on.
func remoteText(alt, dest string) string {
	if !blank(alt) {
		return alt
	}
	if u, err := url.Parse(strings.TrimSpace(dest)); err == nil && u.Host != "" {
		return "image on " + u.Host
	}
	return "image"
}

func (st *docState) remoteWarning(off int, dest []byte) {
	st.warnf(off, "image %q is on another host: the site's CSP (img-src 'self') keeps browsers from loading it, so the page links it by its alt text; put the file in the tree to show it", clip(string(dest), 60))
}

// inMarkdownLink says whether a Markdown link holds n.
func inMarkdownLink(n ast.Node) bool {
	for p := n.Parent(); p != nil; p = p.Parent() {
		if _, ok := p.(*ast.Link); ok {
			return true
		}
	}
	return false
}

// blank says whether alt text says nothing: empty, or only white space and
// invisible format characters (zero-width space, joiners, BOM).
func blank(s string) bool {
	return strings.TrimFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.Is(unicode.Cf, r) }) == ""
}

// imageOffset is where an image's "![" is: before its alt text, else right
// after the text before it, else at the start of the link holding it ("[" skipped) or of its block.
func (st *docState) imageOffset(n ast.Node, src []byte) int {
	if n.HasChildren() {
		return st.inlineOffset(n)
	}
	return st.startOffset(n, src)
}

func (st *docState) startOffset(n ast.Node, src []byte) int {
	if t, ok := n.PreviousSibling().(*ast.Text); ok {
		off := t.Segment.Stop
		for off < len(src) && (src[off] == ' ' || src[off] == '\t' || src[off] == '\r' || src[off] == '\n' || src[off] == '>') {
			off++
		}
		return off
	}
	switch p := n.Parent().(type) {
	case *ast.Link:
		return st.startOffset(p, src) + 1
	case nil:
		return 0
	default:
		if p.Type() == ast.TypeBlock {
			return blockOffset(p)
		}
	}
	return st.inlineOffset(n)
}

// bodyOffset is where the Markdown starts: after the frontmatter's closing
// "---" line, if src has frontmatter.
func bodyOffset(src []byte) int {
	if !bytes.HasPrefix(src, []byte("---")) {
		if f := front.Detect(src); f == front.TOML || f == front.JSON {
			if b, err := front.Split(src, f); err == nil {
				return b.Body
			}
		}
		return 0
	}
	for off := bytes.IndexByte(src, '\n') + 1; off > 0 && off < len(src); {
		end := bytes.IndexByte(src[off:], '\n')
		if end < 0 {
			end = len(src) - off
		}
		if string(bytes.TrimRight(src[off:off+end], " \t\r")) == "---" {
			return off + end
		}
		off += end + 1
	}
	return 0
}

func lineStarts(src []byte) []int {
	starts := make([]int, 1, bytes.Count(src, []byte{'\n'})+1)
	for i, b := range src {
		if b == '\n' {
			starts = append(starts, i+1)
		}
	}
	return starts
}

// Render parses src (frontmatter and Markdown) and renders the body. A panic
// in goldmark, an extension or a feature is returned as an error: the
// entry is invalid, the run goes on.
func (r *Renderer) Render(src []byte, opts Options) (res *Result, err error) {
	defer func() {
		if p := recover(); p != nil {
			res, err = nil, fmt.Errorf("rendering failed (a bug in the Markdown renderer, please report it): %v", p)
		}
	}()
	budget := opts.RenderTime
	if budget <= 0 {
		budget = DefaultRenderTime
	}
	st := &docState{opts: opts, features: map[string]bool{}, source: src, lines: lineStarts(src), deadline: time.Now().Add(budget)}
	for _, f := range opts.Features {
		st.features[f] = true
	}
	if prescan(src, bodyOffset(src), opts.Limits, st.addf); len(st.problems) > 0 {
		return &Result{Problems: st.problems, Limited: true}, nil
	}
	res = &Result{}
	res.Meta, res.MetaRepeats, res.MetaErr = decodeFrontmatter(src)
	// Links written with Hugo's or Jekyll's URL helpers become the paths
	// they name, at the same offsets (linktemplates.go).
	src = linkTemplates(src, bodyOffset(src))
	st.source = src
	if res.Meta == nil && res.MetaErr == nil && opts.TitleFromHeading {
		res.Meta = map[string]any{}
	}
	st.meta = res.Meta
	if !bytes.HasPrefix(src, []byte("---")) {
		st.frontEnd = bodyOffset(src)
	}
	pc := parser.NewContext(parser.WithIDs(newGithubIDs()))
	pc.Set(stateKey, st)
	doc := r.md.Parser().Parse(text.NewReader(src), parser.WithContext(pc))
	var buf bytes.Buffer
	buf.Grow(len(src) + len(src)/2)
	if err := r.md.Renderer().Render(&buf, src, doc); err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}
	res.HTML = buf.Bytes()
	if st.raw {
		if len(st.problems) == 0 {
			seen := map[string]bool{}
			res.HTML, _ = repairModel(res.HTML, func(off int, msg string) {
				if k := strconv.Itoa(off) + msg; !seen[k] && len(seen) < 20 {
					seen[k] = true
					st.warnf(off, "%s", msg)
				}
			})
		}
		res.HTML = stripPos(res.HTML)
	}
	res.TOC, res.Words, res.Problems, res.Warnings, res.Highlighted, res.Transient = st.toc, st.words, st.problems, st.warnings, st.chroma, st.transient
	return res, nil
}

// coreTransformer runs for every document: safety checks on links, images
// and raw HTML, local file resolution, the TOC, the word count, and then the
// transforms of the declared features.
type coreTransformer struct{}

func (coreTransformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	st, _ := pc.Get(stateKey).(*docState)
	if st == nil {
		return
	}
	if st.opts.Features == nil {
		for _, id := range Declared(st.meta) {
			st.features[id] = true
		}
		for _, id := range st.opts.DefaultFeatures {
			st.features[id] = true
		}
	}
	src := reader.Source()
	explicitHeadingIDs(doc, src, pc.IDs())
	h1 := leadingH1(doc)
	if st.opts.TitleFromHeading {
		titleFromHeading(doc, src, st.meta)
	}
	if st.opts.DropTitleHeading {
		dropTitleHeading(doc, src, st.meta)
	}
	if h1 != nil && h1.Parent() == nil { // the layout's <h1> shows it: its id is the page's top
		if id, ok := h1.AttributeString("id"); ok {
			if b, ok := id.([]byte); ok {
				st.titleID = string(b)
			}
		}
	}
	warnTemplates(doc, src, st, func(label []byte) bool { _, ok := pc.Reference(util.ToLinkReference(label)); return ok })
	warnCalloutMarkers(doc, src, st)
	warnUnclosedFence(doc, src, st)
	var refused []*ast.AutoLink
	var rewritten [][2]ast.Node // an autolink, the link written for it
	var remote []remoteImg      // images on other hosts
	var replaced [][2]ast.Node  // raw HTML node, its checked form (nil: dropped)
	raw := &rawChecker{st: st, ids: headingIDs(doc)}
	var inPage []*ast.Link // links to a #fragment of this page
	// The page shows footnotes last: their headings are numbered after
	// the body's (a ### in a footnote numbered where its definition
	// sits made the heading after it skip a level on the page).
	var noteHeadings []*ast.Heading
	// Headings with no words: left out of the page and the table of contents.
	var emptyHeadings []*ast.Heading
	// Links with no text and no image: their address as their text.
	var emptyLinks []*ast.Link
	notes := 0 // footnotes the walk is inside
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if n.Kind() == extast.KindFootnote {
			notes += map[bool]int{true: 1, false: -1}[entering]
		}
		if !entering {
			if !st.opts.StrictHTML && n.Type() != ast.TypeInline {
				raw.closeIn(n)
			}
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.HTMLBlock:
			if !st.opts.StrictHTML {
				replaced = append(replaced, [2]ast.Node{n, raw.checkHTMLBlock(n, src)})
				break
			}
			st.addf(blockOffset(n), "raw HTML is not allowed in Markdown; it would be dropped")
		case *ast.RawHTML:
			if !st.opts.StrictHTML {
				replaced = append(replaced, [2]ast.Node{n, raw.checkRawHTML(n, src)})
				break
			}
			off := 0
			if n.Segments.Len() > 0 {
				off = n.Segments.At(0).Start
			}
			st.addf(off, "raw HTML %q is not allowed in Markdown; it would be dropped", clip(string(n.Segments.Value(src)), 40))
		case *ast.Link:
			if raw.inLink() {
				st.addf(st.inlineOffset(n), "Markdown link inside raw HTML <a>: links cannot nest")
			}
			n.Destination = st.checkURL(n.Destination, true, st.inlineOffset(n), "link")
			if n.Destination != nil && plainText(n, src) == "" && !holdsImage(n) {
				st.warnf(st.startOffset(n, src), "link has no text (a screen reader reads an empty link): the page shows its address")
				emptyLinks = append(emptyLinks, n)
			}
			if len(n.Destination) > 1 && n.Destination[0] == '#' {
				inPage = append(inPage, n)
			}
		case *ast.Image:
			dest := n.Destination
			n.Destination = st.checkURL(n.Destination, true, st.inlineOffset(n), "image")
			if n.Destination != nil && blank(plainText(n, src)) {
				st.missingAlt(st.imageOffset(n, src), "image %q", dest)
			}
			if n.Destination != nil && remoteImage(string(n.Destination)) {
				st.remoteWarning(st.imageOffset(n, src), dest)
				remote = append(remote, remoteImg{n, raw.inLink() || inMarkdownLink(n)})
			}
		case *ast.AutoLink:
			if n.AutoLinkType != ast.AutoLinkURL {
				break
			}
			u := n.URL(src)
			if dest := st.checkURL(u, false, st.inlineOffset(n), "link"); dest == nil {
				refused = append(refused, n)
			} else if !bytes.Equal(dest, u) { // written otherwise (fragmentHashes): a link to dest
				link := ast.NewLink()
				link.Destination = dest
				link.AppendChild(link, ast.NewString(n.Label(src)))
				rewritten = append(rewritten, [2]ast.Node{n, link})
			}
		case *ast.Heading:
			if plainText(n, src) == "" {
				st.warnf(headingOffset(n, src), "heading holds no text (a screen reader announces an empty heading, the table of contents an empty link): left out of the page")
				emptyHeadings = append(emptyHeadings, n)
				return ast.WalkSkipChildren, nil
			}
			if notes > 0 {
				noteHeadings = append(noteHeadings, n)
				break
			}
			st.heading(n, src)
		case *ast.Text:
			st.words += countWords(n.Segment.Value(src))
		case *ast.FencedCodeBlock, *ast.CodeBlock:
			lines := n.Lines()
			for i := 0; i < lines.Len(); i++ {
				seg := lines.At(i)
				st.words += countWords(seg.Value(src))
			}
		}
		return ast.WalkContinue, nil
	})
	for _, n := range noteHeadings {
		st.heading(n, src)
	}
	var moved map[string]string
	if g, ok := pc.IDs().(*githubIDs); ok {
		moved = g.moved
	}
	checkFragments(inPage, raw.ids, moved, st)
	for _, n := range emptyHeadings {
		n.Parent().RemoveChild(n.Parent(), n)
	}
	for _, n := range emptyLinks {
		n.AppendChild(n, ast.NewString(n.Destination))
	}
	for _, n := range refused { // as text, like a refused link's empty href
		n.Parent().ReplaceChild(n.Parent(), n, ast.NewString(n.Label(src)))
	}
	for _, r := range rewritten {
		r[0].Parent().ReplaceChild(r[0].Parent(), r[0], r[1])
	}
	for _, r := range remote {
		text := ast.NewString([]byte(remoteText(plainText(r.img, src), string(r.img.Destination))))
		if r.inLink { // a badge's link: its text
			r.img.Parent().ReplaceChild(r.img.Parent(), r.img, text)
			continue
		}
		link := ast.NewLink()
		link.Destination = r.img.Destination
		link.AppendChild(link, text)
		r.img.Parent().ReplaceChild(r.img.Parent(), r.img, link)
	}
	for _, r := range replaced {
		if p := r[0].Parent(); r[1] == nil {
			p.RemoveChild(p, r[0])
		} else {
			p.ReplaceChild(p, r[0], r[1])
		}
	}
	for _, f := range Registry {
		if f.Transform != nil && st.has(f.ID()) {
			f.Transform(doc, reader, st)
		}
	}
}

// heading numbers a Markdown heading in the outline and lists it in the
// table of contents.
func (st *docState) heading(n *ast.Heading, src []byte) {
	n.Level = st.outline.level(n.Level)
	if n.Level >= 2 {
		id, _ := n.AttributeString("id")
		idb, _ := id.([]byte)
		st.toc = append(st.toc, Heading{Level: n.Level, ID: string(idb), Text: plainText(n, src)})
	}
}

// holdsImage says whether n has an image among its descendants (whose alt
// text, or its missing-alt warning, speaks for the link), or raw HTML (the
// content-model pass judges the link as the browser reads it).
func holdsImage(n ast.Node) bool {
	found := false
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		switch c.(type) {
		case *ast.Image, *ast.RawHTML:
			if !entering {
				break
			}
			found = true
			return ast.WalkStop, nil
		}
		return ast.WalkContinue, nil
	})
	return found
}

// headingOffset is where heading n starts: its text's line, or, for an
// ATX heading with none, the first '#' after the block before it.
func headingOffset(n ast.Node, src []byte) int {
	if l := n.Lines(); l != nil && l.Len() > 0 {
		off := l.At(0).Start
		for off > 0 && src[off-1] != '\n' {
			off--
		}
		return off
	}
	from := 0
	for p := n.PreviousSibling(); p != nil; p = p.PreviousSibling() {
		if l := p.Lines(); l != nil && l.Len() > 0 {
			from = l.At(l.Len() - 1).Stop
			break
		}
	}
	if i := bytes.IndexByte(src[min(from, len(src)):], '#'); i >= 0 {
		return from + i
	}
	return from
}

func blockOffset(n ast.Node) int {
	if l := n.Lines(); l != nil && l.Len() > 0 {
		return l.At(0).Start
	}
	return 0
}

// inlineOffset finds a source offset for an inline node: its first text
// descendant, else its parent block's first line.
func (st *docState) inlineOffset(n ast.Node) int {
	var off = -1
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if t, ok := c.(*ast.Text); ok && entering {
			off = t.Segment.Start
			return ast.WalkStop, nil
		}
		return ast.WalkContinue, nil
	})
	if off >= 0 {
		// Point at the "[" or "![" before the text.
		if _, img := n.(*ast.Image); img && off >= 2 {
			return off - 2
		}
		if off >= 1 {
			return off - 1
		}
		return off
	}
	if b := st.blockOf(n); b != nil {
		return blockOffset(b)
	}
	return 0
}

// blockOf returns the block holding the inline node n, or nil. Each node
// walked through keeps its block: a walk up per text-less link deep in
// nested emphasis was the depth times the links ("[](#x)" × 60,000 under
// 8,000 levels: 4.3 s).
func (st *docState) blockOf(n ast.Node) ast.Node {
	if st.blocks == nil {
		st.blocks = map[ast.Node]ast.Node{}
	}
	var path []ast.Node
	var block ast.Node
	for p := n.Parent(); p != nil; p = p.Parent() {
		st.steps++
		if p.Type() == ast.TypeBlock {
			block = p
			break
		}
		if b, ok := st.blocks[p]; ok {
			block = b
			break
		}
		path = append(path, p)
	}
	for _, p := range path {
		st.blocks[p] = block
	}
	return block
}

func plainText(n ast.Node, src []byte) string {
	var b strings.Builder
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch t := c.(type) {
		case *ast.Text:
			b.Write(t.Segment.Value(src))
			if t.SoftLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(t.Value)
		case *ast.CodeSpan:
			for cc := t.FirstChild(); cc != nil; cc = cc.NextSibling() {
				if tt, ok := cc.(*ast.Text); ok {
					b.Write(tt.Segment.Value(src))
				}
			}
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return strings.TrimSpace(b.String())
}

func countWords(b []byte) int {
	n, in := 0, false
	for _, c := range b {
		space := c == ' ' || c == '\n' || c == '\t' || c == '\r'
		if !space && !in {
			n++
		}
		in = !space
	}
	return n
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// Declared lists the feature IDs a frontmatter map declares in its
// "features" map (type → list of names), whether or not they are registered.
func Declared(m map[string]any) []string {
	var out []string
	var types map[any]any
	switch f := m["features"].(type) {
	case map[any]any:
		types = f
	case map[string]any:
		types = make(map[any]any, len(f))
		for k, v := range f {
			types[k] = v
		}
	}
	for typ, names := range types {
		list, _ := names.([]any)
		for _, n := range list {
			if s, ok := n.(string); ok {
				out = append(out, fmt.Sprint(typ)+":"+s)
			}
		}
	}
	return out
}
