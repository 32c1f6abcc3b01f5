package content

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/axctl/axctl/internal/front"
)

// Problem is one content error at a 1-based position in a file, or a
// warning (Load hands those to Options.Warn, never in its problems).
type Problem struct {
	Path      string
	Line, Col int
	Msg       string
	Warning   bool
}

// String is "path:line:col: message" (with "warning: " before a warning's).
// Control characters in the path or message (a file named with a line
// break and "::error::", an escape sequence, a NUL from a link's %00) are
// written as \xNN or \uNNNN: a problem is one line on a terminal and in a
// CI log, where a line starting with "::" is a workflow command.
func (p Problem) String() string {
	if p.Warning {
		return fmt.Sprintf("%s:%d:%d: warning: %s", Printable(p.Path), p.Line, p.Col, Printable(p.Msg))
	}
	return fmt.Sprintf("%s:%d:%d: %s", Printable(p.Path), p.Line, p.Col, Printable(p.Msg))
}

// Printable returns s with every C0 or C1 control character, DEL, U+2028,
// U+2029 and bidirectional embedding, override or isolate written as a Go
// escape (\x1b, \u202e), so that printing s cannot break a line, move the
// cursor or reorder the text around it.
func Printable(s string) string {
	i := strings.IndexFunc(s, unprintable)
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.WriteString(s[:i])
	for _, r := range s[i:] {
		switch {
		case !unprintable(r):
			b.WriteRune(r)
		case r < 0x100:
			fmt.Fprintf(&b, "\\x%02x", r)
		default:
			fmt.Fprintf(&b, "\\u%04x", r)
		}
	}
	return b.String()
}

func unprintable(r rune) bool {
	return r < 0x20 || r >= 0x7f && r <= 0x9f || r == 0x2028 || r == 0x2029 ||
		r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069
}

// splitWarnings removes the warnings from ps, in order, and hands each to
// warn (when not nil).
func splitWarnings(ps []Problem, warn func(Problem)) []Problem {
	out := ps[:0]
	for _, p := range ps {
		if !p.Warning {
			out = append(out, p)
		} else if warn != nil {
			warn(p)
		}
	}
	return out
}

// frontmatter is the block between the opening and closing "---" lines
// (YAML), "+++" lines (TOML), or the JSON object opening the file.
type frontmatter struct {
	format    front.Format // YAML unless TOML or JSON
	text      []byte       // the YAML or TOML between the fences, or the JSON object
	startLine int          // 1-based line of the first line of text
	keyLines  map[string][]int
}

// openLine is the line of the block's opening fence (or brace): where a
// problem of the whole frontmatter (a key missing) is reported.
func (fm *frontmatter) openLine() int { return max(fm.startLine-1, 1) }

// errFrontmatterAfterBlank is the problem of a "---" block after blank
// lines: an error even where frontmatter is optional (titles: heading),
// where the block would otherwise be published as a rule and its YAML as
// text.
const errFrontmatterAfterBlank = `missing frontmatter: the "---" block must be the file's first line; remove the blank lines above it`

// errTOMLAfterBlank is the same for a "+++" block (Zola reads one after
// blank lines).
const errTOMLAfterBlank = `missing frontmatter: the "+++" block must be the file's first line; remove the blank lines above it`

// errFrontmatterHeadless is the problem of YAML closed by "---" without
// its opening line (Hexo reads "title: x" then "---" as frontmatter):
// an error for the same reason, the block would be a heading.
const errFrontmatterHeadless = `missing frontmatter: the YAML above the "---" line has no opening "---" (Hexo reads it so; Markdown shows it as a heading): add a line "---" above line 1 (a heading is clearer written "## …")`

// headless says whether src starts with YAML keys closed by a "---" line
// and no opening one: every line before the fence a top-level key, an
// indented line or a list item, none blank.
func headless(src []byte) bool {
	if topKey(firstLine(src)) == "" {
		return false
	}
	for n := 0; len(src) > 0 && n < 200; n++ {
		l := firstLine(src)
		switch {
		case isFence(l):
			return n > 0
		case len(bytes.TrimSpace(l)) == 0:
			return false
		case topKey(l) == "" && l[0] != ' ' && l[0] != '\t' && !bytes.HasPrefix(l, []byte("- ")):
			return false
		}
		src = src[min(len(l)+1, len(src)):]
	}
	return false
}

// scanFrontmatter finds the fenced block and the line of every top-level key,
// without parsing YAML (the fast path; the renderer decodes the values).
func scanFrontmatter(src []byte) (*frontmatter, *Problem) {
	if f := front.Detect(src); f == front.TOML || f == front.JSON {
		b, err := front.Split(src, f)
		if err != nil {
			return nil, &Problem{Line: err.Line, Col: err.Col, Msg: err.Msg}
		}
		return &frontmatter{format: f, text: b.Text, startLine: b.Line, keyLines: map[string][]int{}}, nil
	}
	if !bytes.HasPrefix(src, []byte("---")) || !isFence(firstLine(src)) {
		if t := bytes.TrimLeft(src, " \t\r\n"); len(t) < len(src) && bytes.HasPrefix(t, []byte("---")) && isFence(firstLine(t)) {
			// Hugo reads a block after blank lines (docsy-example's
			// docs/_index.md); CommonMark would show it as a rule and text.
			return nil, &Problem{Line: 1, Col: 1, Msg: errFrontmatterAfterBlank}
		} else if len(t) < len(src) && front.Detect(t) == front.TOML {
			// Zola reads one too (its themes' pages).
			return nil, &Problem{Line: 1, Col: 1, Msg: errTOMLAfterBlank}
		}
		if headless(src) {
			return nil, &Problem{Line: 1, Col: 1, Msg: errFrontmatterHeadless}
		}
		return nil, &Problem{Line: 1, Col: 1, Msg: `missing frontmatter: the file must start with a line "---", then YAML, then "---"`}
	}
	rest := src[bytes.IndexByte(src, '\n')+1:]
	if bytes.IndexByte(src, '\n') < 0 {
		rest = nil
	}
	fm := &frontmatter{startLine: 2, keyLines: map[string][]int{}}
	off, line := 0, 2
	for off < len(rest) {
		end := bytes.IndexByte(rest[off:], '\n')
		var l []byte
		if end < 0 {
			l, end = rest[off:], len(rest)-off
		} else {
			l = rest[off : off+end]
		}
		if isFence(l) {
			fm.text = rest[:off]
			return fm, nil
		}
		if isDashes(l) {
			// The renderer (like goldmark-meta) ends the block at any
			// line of only dashes, even indented: the rest would
			// silently become Markdown.
			return nil, &Problem{Line: line, Col: 1, Msg: `a line of only dashes inside frontmatter ends it early: quote the value, or start the closing "---" at column 1`}
		}
		if k := topKey(l); k != "" {
			fm.keyLines[k] = append(fm.keyLines[k], line)
		}
		off += end + 1
		line++
	}
	return nil, &Problem{Line: 1, Col: 1, Msg: `frontmatter is never closed: add a line "---" after the YAML`}
}

func firstLine(b []byte) []byte {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		return b[:i]
	}
	return b
}

func isDashes(l []byte) bool {
	l = bytes.Trim(l, " \t\r")
	return len(l) > 0 && len(bytes.Trim(l, "-")) == 0
}

func isFence(l []byte) bool { return string(bytes.TrimRight(l, " \t\r")) == "---" }

var topKeyRe = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_-]*)\s*:(\s|$)`)

func topKey(l []byte) string {
	if m := topKeyRe.FindSubmatch(l); m != nil {
		return string(m[1])
	}
	return ""
}

// locator finds positions inside the frontmatter by parsing it again with a
// YAML library that keeps nodes; only used when there is a problem to report.
type locator struct {
	fm *frontmatter
	// renamed maps a model key to the frontmatter key it was read from
	// (Collection.Keys), so its problems point at what the author wrote.
	renamed map[string]string
	root    *yaml.Node
	index   *front.Index // a TOML or JSON block's positions
	cursor  yamlCursor   // filePos's last position
	walked  int          // bytes filePos walked (a test bounds them)
	err     error
	done    bool
}

func (l *locator) parse() {
	if l.done {
		return
	}
	l.done = true
	if l.fm.format == front.TOML || l.fm.format == front.JSON {
		l.index = front.Locate(l.fm.format, l.fm.text)
		return
	}
	var doc yaml.Node
	l.err = yaml.Unmarshal(l.fm.text, &doc)
	if l.err == nil && len(doc.Content) > 0 {
		l.root = doc.Content[0]
	}
}

// key returns the position of a top-level key, or of the frontmatter start.
func (l *locator) key(name string) (int, int) {
	if from, ok := l.renamed[name]; ok {
		name = from
	}
	if lines := l.fm.keyLines[name]; len(lines) > 0 {
		return lines[0], 1
	}
	// A key the line scan missed (quoted, or in a flow map; every key of
	// TOML and JSON): ask the parser.
	l.parse()
	if l.index != nil {
		for _, path := range [][]string{{name}, strings.Split(name, ".")} {
			if p, ok := l.index.Key(path...); ok {
				return l.fm.startLine + p.Line - 1, p.Col
			}
		}
	}
	if l.root != nil && l.root.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(l.root.Content); i += 2 {
			if k := l.root.Content[i]; k.Value == name {
				return l.filePos(k.Line, k.Column)
			}
		}
	}
	return l.fm.openLine(), 1
}

// value returns the position of the node at path (map keys, or "#i" for the
// i-th sequence item), falling back to the nearest ancestor found.
func (l *locator) value(path ...string) (int, int) {
	l.parse()
	line, col := l.key(path[0])
	if from, ok := l.renamed[path[0]]; ok {
		path = append([]string{from}, path[1:]...)
	}
	if l.index != nil {
		return l.indexValue(path, line, col)
	}
	if table, _, dotted := strings.Cut(path[0], "."); dotted && l.root != nil && mappingValue(l.root, path[0]) == nil && mappingValue(l.root, table) != nil {
		// "taxonomies.tags" (keys:) is the key tags of the map taxonomies
		path = append(strings.Split(path[0], "."), path[1:]...)
	}
	n, found := l.root, false
	for _, p := range path {
		if n == nil {
			break
		}
		var next *yaml.Node
		switch {
		case n.Kind == yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == p {
					next = n.Content[i+1]
				}
			}
		case n.Kind == yaml.SequenceNode && strings.HasPrefix(p, "#"):
			if i, err := strconv.Atoi(p[1:]); err == nil && i < len(n.Content) {
				next = n.Content[i]
			}
		}
		if next == nil {
			break
		}
		n, found = next, true
	}
	if found { // the deepest node only: filePos goes on from the last one asked
		line, col = l.filePos(n.Line, n.Column)
	}
	return line, col
}

// mappingValue is the value of key in the mapping n, or nil.
func mappingValue(n *yaml.Node, key string) *yaml.Node {
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// indexValue is value's answer for TOML and JSON: the deepest node of
// path found (a renamed key's "table.key" read as two parts), else line
// and col.
func (l *locator) indexValue(path []string, line, col int) (int, int) {
	for _, full := range [][]string{path, append(strings.Split(path[0], "."), path[1:]...)} {
		for n := len(full); n > 0; n-- {
			if p, ok := l.index.Value(full[:n]...); ok {
				return l.fm.startLine + p.Line - 1, p.Col
			}
		}
	}
	return line, col
}

// isYAMLBreak says whether yaml.v3 ends a line at r: besides \n and \r it
// breaks at NEL, LS and PS (U+0085, U+2028, U+2029), which are not line
// ends in the file (positions count \n only).
func isYAMLBreak(r rune) bool {
	return r == '\n' || r == '\r' || r == '\u0085' || r == '\u2028' || r == '\u2029'
}

// filePos converts yaml.v3's line and column inside the frontmatter to
// the file's (yamlFilePos). It goes on from the last position asked when
// this one is after it: an entry's problems come in order, and a walk
// from the start for each made 62,500 wrong tags in one flow list cost
// 1.6 s (4× for twice as many).
func (l *locator) filePos(line, col int) (int, int) {
	c := &l.cursor
	if c.line == 0 || line < c.line || line == c.line && col < c.col {
		*c = yamlCursor{line: 1, col: 1, lastNL: -1}
	}
	from := c.off
	c.walk(l.fm.text, line, col)
	l.walked += c.off - from
	return c.nl + l.fm.startLine, c.off - (c.lastNL + 1) + 1
}

// yamlCursor is a position in a YAML text: yaml.v3's line and column (in
// characters), the byte offset, and the "\n" before it (count, last).
type yamlCursor struct {
	line, col, off int
	nl, lastNL     int
}

// walk moves c forward to yaml.v3's line and col (yamlFilePos's rules).
func (c *yamlCursor) walk(text []byte, line, col int) {
	from := c.off
	if c.line < line {
		c.col = 1
	}
	for c.line < line && c.off < len(text) {
		r, size := utf8.DecodeRune(text[c.off:])
		c.off += size
		if r == '\r' && c.off < len(text) && text[c.off] == '\n' {
			c.off++ // \r\n is one break
		}
		if isYAMLBreak(r) {
			c.line++
		}
	}
	for ; c.col < col && c.off < len(text); c.col++ {
		r, size := utf8.DecodeRune(text[c.off:])
		if isYAMLBreak(r) {
			break
		}
		c.off += size
	}
	c.line = max(c.line, line) // past the end: the end
	c.col = max(c.col, col)
	if n := bytes.Count(text[from:c.off], []byte("\n")); n > 0 {
		c.nl += n
		c.lastNL = from + bytes.LastIndexByte(text[from:c.off], '\n')
	}
}

// yamlFilePos converts yaml.v3's line and column (in characters) inside
// text, which starts on the file's line startLine, to the file's line and
// byte column, as the Markdown positions are. A position past the end is
// text's end.
func yamlFilePos(text []byte, startLine, line, col int) (int, int) {
	off := 0
	for n := 1; n < line && off < len(text); {
		r, size := utf8.DecodeRune(text[off:])
		off += size
		if r == '\r' && off < len(text) && text[off] == '\n' {
			off++ // \r\n is one break
		}
		if isYAMLBreak(r) {
			n++
		}
	}
	for c := 1; c < col && off < len(text); c++ {
		r, size := utf8.DecodeRune(text[off:])
		if isYAMLBreak(r) {
			break
		}
		off += size
	}
	before := text[:off]
	return bytes.Count(before, []byte("\n")) + startLine, off - (bytes.LastIndexByte(before, '\n') + 1) + 1
}

var yamlErrLine = regexp.MustCompile(`line (\d+):\s*(.*)`)

// yamlError turns a YAML syntax error into a position in the file, using
// yaml.v3 (which reports lines) when the first decoder's error has none.
func (l *locator) yamlError(first error) (int, int, string) {
	if fe, ok := first.(*front.Error); ok {
		return l.fm.startLine + fe.Line - 1, fe.Col, "invalid " + l.fm.format.String() + ": " + fe.Msg
	}
	l.parse()
	err := l.err
	if err == nil {
		err = first
	}
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if m := yamlErrLine.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		line, _ := l.filePos(yamlErrorLine(n, m[2]), 1)
		return line, 1, "invalid YAML: " + m[2]
	}
	return l.fm.startLine, 1, "invalid YAML: " + msg
}

// yamlErrorLine corrects the line of a YAML syntax error. The YAML parsers
// (yaml.v2 and yaml.v3 alike) add one to the 0-based mark of scanner errors
// but not of parser errors ("did not find expected ..."), which come out one
// line too early: "tags: [a, b" on line 3 was reported as line 2.
func yamlErrorLine(line int, msg string) int {
	if strings.HasPrefix(msg, "did not find expected") {
		return line + 1
	}
	return line
}
