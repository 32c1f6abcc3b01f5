package render

import (
	"bytes"
	"sync"
)

// Markdown whose parse costs far more than its bytes (docs/security.md):
// goldmark's time or memory grows with the square of these, so a 14 KB
// table or a 100 KB line of ">" stops a sync. prescan finds them with one
// pass over the lines, before goldmark parses anything.

// DefaultTableCells bounds the cells of an entry's tables together (rows ×
// header columns: GFM pads every row to the header's width). A cell costs
// goldmark about 250 bytes and 3 µs: 100,000 cells are 25 MB and 0.3 s.
const DefaultTableCells = 100_000

// DefaultNesting bounds how deep blockquotes and lists nest. Each level
// costs goldmark a pass over every line inside it; readable documents
// nest a handful of levels.
const DefaultNesting = 32

// maxLinkWork bounds what goldmark reads ahead for links, per entry: for
// each "](", its destination's bytes (to a space or a ")" that closes more
// than it opened, to the end of the line at worst), and for each opening
// that does not close there, the bytes of its whole paragraph (a title is
// searched for across lines). "[a](" repeated 80,000 times took 36 s.
// 2^28 is about 0.4 s; a paragraph of 1,000 closed links costs their length.
const maxLinkWork = 1 << 28

// maxRefRun bounds link reference definitions in a row (one paragraph to
// goldmark, which takes them off its lines one by one: 60,000 in a row took
// 12 s, the same separated by blank lines 0.3 s).
const maxRefRun = 5000

// maxLabelWork bounds the lines goldmark walks to read link labels, per
// entry: each "]" that is not an inline link's "](" (a reference or
// shortcut link, a footnote reference, a definition's label) makes it copy
// the label with text.blockReader.Value, which walks back from the
// paragraph's last line to the label's: closings × lines of the block.
// "[a]" on each of 125,000 lines of one paragraph took 8 s.
// 2^28 is about 0.2 s.
const maxLabelWork = 1 << 28

// maxEmphasisWork bounds goldmark's emphasis matching, per entry: for each
// "*", "_" or "~" run that can close, it walks back over every delimiter
// run still open in the block (it keeps no per-kind bottom as cmark does),
// so the cost grows with the square of the runs in one block: "*_a_**__a"
// repeated over 250 KB took 7 s, 500 KB 36 s. Counted as the square of
// each block's runs; one block of 16,384 runs is about 0.2 s.
const maxEmphasisRuns = 1 << 14

// maxFootnotes bounds footnote definitions: goldmark's footnote list grows
// faster than quadratically (20,000 took 8 s).
const maxFootnotes = 1000

// Limits are prescan's bounds; zero fields take the defaults.
type Limits struct {
	TableCells int // default DefaultTableCells
	Nesting    int // default DefaultNesting
}

// prescan reports the first place src exceeds each limit. body is the
// offset where the Markdown starts (after the frontmatter).
func prescan(src []byte, body int, lim Limits, add func(off int, format string, args ...any)) {
	if lim.TableCells <= 0 {
		lim.TableCells = DefaultTableCells
	}
	if lim.Nesting <= 0 {
		lim.Nesting = DefaultNesting
	}
	var (
		fence              []byte // the open code fence, or nil
		cells, footnotes   int
		linkWork           int
		paraStart, paraLen int
		paraLinks          int
		refRun             int
		nestDone, cellDone bool
		prev               []byte // previous line, for a table's header
		prevStart          int
		tableCols          int // > 0 inside a table
		tableStart         int
		scratch            = linkScratches.Get().(*linkScratch)
		// An inline block as goldmark parses it: the lines of a paragraph,
		// inside blockquotes too; a list item, a heading and a table row
		// start a new one.
		runStart, runLines, runLabels, runDelims int
		labelWork, emphWork                      int
	)
	defer scratch.release()
	endRun := func() {
		if runLines == 0 {
			return
		}
		labelWork += runLabels * runLines
		emphWork += runDelims * runDelims
		if labelWork > maxLabelWork {
			add(runStart, "this paragraph's %d link labels \"[…]\" (not inline links) over %d lines cost the Markdown parser too much (labels × lines, at most %d per entry): split the paragraph with blank lines", runLabels, runLines, maxLabelWork)
			labelWork = -1 << 62 // report once
		}
		if emphWork > maxEmphasisRuns*maxEmphasisRuns {
			add(runStart, "this paragraph's %d runs of \"*\", \"_\" or \"~\" cost the Markdown parser too much (runs squared, at most %d² per entry): split the paragraph with blank lines, or escape them (\\*)", runDelims, maxEmphasisRuns)
			emphWork = -1 << 62
		}
		runLines, runLabels, runDelims = 0, 0, 0
	}
	endPara := func() {
		linkWork += paraLinks * paraLen
		if linkWork > maxLinkWork && paraLinks > 0 {
			add(paraStart, "this paragraph's %d unclosed link openings \"](\" in %d bytes cost the Markdown parser too much (at most %d bytes read ahead per entry): close each link's parenthesis, or split the paragraph", paraLinks, paraLen, maxLinkWork)
			linkWork = -1 << 62 // report once
		}
		paraLinks, paraLen, refRun = 0, 0, 0
	}
	for off := body; off < len(src); {
		end := bytes.IndexByte(src[off:], '\n')
		if end < 0 {
			end = len(src) - off
		}
		line := src[off : off+end]
		start := off
		off += end + 1
		if f := fenceOf(line); fence != nil || f != nil {
			if fence == nil {
				fence = f
				endPara()
				endRun()
			} else if f != nil && f[0] == fence[0] && len(f) >= len(fence) && isBlank(line[bytes.Index(line, f)+len(f):]) {
				fence = nil
			}
			prev, tableCols = nil, 0
			continue
		}
		if isBlank(line) {
			endPara()
			endRun()
			prev, tableCols = nil, 0
			continue
		}
		depth, rest := containers(line)
		if isThematicBreak(line) {
			depth, rest = 0, line // "- - - -" is a rule, not lists
		}
		if depth > lim.Nesting && !nestDone {
			add(start, "blockquotes and lists nest %d deep here; the limit is %d (limits.nesting)", depth, lim.Nesting)
			nestDone = true
		}
		if depth > 0 || isHeading(rest) {
			endPara()
		}
		if listed(line, depth) || isHeading(rest) || tableCols > 0 || isDelimiterRow(rest) || isBlank(rest) {
			endRun()
		}
		if runLines == 0 {
			runStart = start
		}
		runLines++
		labels, delims := inlineCounts(rest)
		runLabels += labels
		runDelims += delims
		if paraLen == 0 {
			paraStart = start
		}
		paraLen += len(line) + 1
		if bytes.Contains(line, []byte("](")) {
			n, read := scratch.linkOpenings(line)
			paraLinks += n
			linkWork += read
		}
		if !isRefDef(rest) || depth > 0 {
			refRun = 0
		} else if refRun++; refRun == maxRefRun+1 {
			add(start, "more than %d link reference definitions in a row cost the Markdown parser too much: separate them with blank lines", maxRefRun)
		}
		if isFootnoteDef(rest) {
			if footnotes++; footnotes == maxFootnotes+1 {
				add(start, "more than %d footnotes in one entry cost the Markdown parser too much", maxFootnotes)
			}
		}
		switch {
		case tableCols > 0:
			cells += tableCols
		case prev != nil && isDelimiterRow(rest) && (bytes.IndexByte(prev, '|') >= 0 || bytes.IndexByte(rest, '|') >= 0):
			tableCols, tableStart = delimiterCols(rest), prevStart
			cells += 2 * tableCols // header and delimiter rows
		}
		if cells > lim.TableCells && !cellDone {
			add(tableStart, "this table brings the entry's tables to %d cells (rows × header columns); the limit is %d (limits.tableCells)", cells, lim.TableCells)
			cellDone = true
		}
		if tableCols > 0 {
			endRun() // a row's cells are their own blocks
		}
		prev, prevStart = rest, start
	}
	endPara()
	endRun()
}

// listed reports whether a line whose containers nest depth deep opens a
// list item (a marker among its containers, not only ">").
func listed(line []byte, depth int) bool {
	if depth == 0 {
		return false
	}
	return depth != bytes.Count(line[:len(line)-len(trimContainers(line))], []byte(">"))
}

// trimContainers returns line after its blockquote and list markers.
func trimContainers(line []byte) []byte {
	_, rest := containers(line)
	return rest
}

// inlineCounts returns the "]" on b that do not open an inline link's
// destination, and the runs of "*", "_" and "~" (escaped or in code spans
// too: counting more is safe).
func inlineCounts(b []byte) (labels, delims int) {
	for i := 0; i < len(b); i++ {
		switch c := b[i]; c {
		case ']':
			if i+1 >= len(b) || b[i+1] != '(' {
				labels++
			}
		case '*', '_', '~':
			if i == 0 || b[i-1] != c {
				delims++
			}
		}
	}
	return labels, delims
}

// linkScratch holds linkOpenings' tables, reused from line to line and,
// through linkScratches, from document to document (three ints per byte
// of every line holding "](" were 12% of the bytes a cold sync allocated).
type linkScratch struct {
	ints  []int
	stack []int
}

// linkScratches keeps scratches between documents; one grown past
// maxKeptScratch ints (512 KiB: a line of ~21,000 bytes) is left to the collector.
var linkScratches = sync.Pool{New: func() any { return new(linkScratch) }}

const maxKeptScratch = 1 << 16

func (sc *linkScratch) release() {
	if cap(sc.ints) <= maxKeptScratch && cap(sc.stack) <= maxKeptScratch {
		linkScratches.Put(sc)
	}
}

// linkOpenings returns how many "](" on line do not close on it, and the
// bytes goldmark's parseLinkDestination reads for all of them: up to a
// space or tab, or a ")" that closes more parentheses than it opened; for
// "<destination>", up to the '>'.
func (sc *linkScratch) linkOpenings(line []byte) (unclosed, read int) {
	var at [maxDirectLinks]int
	n := 0
	for off := 0; ; {
		j := bytes.Index(line[off:], []byte("]("))
		if j < 0 {
			break
		}
		if n == len(at) {
			return sc.linkOpeningsTables(line)
		}
		at[n], n = off+j, n+1
		off += j + 2
	}
	return linkOpeningsDirect(line, at[:n])
}

// maxDirectLinks is the most "](" on a line linkOpeningsDirect reads
// each destination of: at most that many passes over the line, where
// the tables of linkOpeningsTables cost three.
const maxDirectLinks = 3

// linkOpeningsDirect is linkOpenings for the "](" at the offsets at,
// reading each destination from its start as parseLinkDestination does:
// for a line with few links (a paragraph with a link or two) that is a
// few bytes a link, not three tables as long as the line
// (TestLinkOpeningsDirectMatchesTables).
func linkOpeningsDirect(line []byte, at []int) (unclosed, read int) {
	n := len(line)
	for _, i := range at {
		k := i + 2
		if k < n && line[k] == '<' { // <destination>: read to the '>'
			gt := bytes.IndexByte(line[k:], '>')
			if gt < 0 {
				read += n - k
				unclosed++
			} else {
				read += gt
			}
			continue
		}
		stop, depth := n, 0
		for j := k; j < n; j++ {
			if c := line[j]; c == ' ' || c == '\t' {
				stop = j
				break
			} else if c == '(' {
				depth++
			} else if c == ')' {
				if depth--; depth < 0 {
					stop = j
					break
				}
			}
		}
		read += stop - k
		if stop >= n || line[stop] != ')' {
			unclosed++
		}
	}
	return unclosed, read
}

// linkOpeningsTables is linkOpenings for any number of "](" on a line,
// in time linear in the line.
func (sc *linkScratch) linkOpeningsTables(line []byte) (unclosed, read int) {
	n := len(line)
	if cap(sc.ints) < 3*(n+1) {
		sc.ints = make([]int, 3*(n+1))
	}
	ints := sc.ints[:3*(n+1)]
	// bal[k] is the parenthesis balance of line[:k]; stop[k] is where a
	// destination starting at k ends (n: the end of the line). Every
	// entry of the three is written before it is read.
	bal, stop, angle := ints[:n+1], ints[n+1:2*(n+1)], ints[2*(n+1):] // angle: the next '>' at or after k (n: none)
	bal[0] = 0
	for k, c := range line {
		bal[k+1] = bal[k]
		if c == '(' {
			bal[k+1]++
		} else if c == ')' {
			bal[k+1]--
		}
	}
	stack := sc.stack[:0] // indexes k' > k with increasing bal, for "first drop below bal[k]"
	space, gt := n, n
	for k := n; k >= 0; k-- {
		if k < n && (line[k] == ' ' || line[k] == '\t') {
			space = k
		}
		if k < n && line[k] == '>' {
			gt = k
		}
		angle[k] = gt
		for len(stack) > 0 && bal[stack[len(stack)-1]] >= bal[k] {
			stack = stack[:len(stack)-1]
		}
		stop[k] = space
		if len(stack) > 0 && stack[len(stack)-1]-1 < space {
			stop[k] = stack[len(stack)-1] - 1 // the ")" that drops the balance
		}
		stack = append(stack, k)
	}
	sc.stack = stack
	for i := 0; i+1 < n; i++ {
		if line[i] != ']' || line[i+1] != '(' {
			continue
		}
		k := i + 2
		if k < n && line[k] == '<' { // <destination>: read to the '>'
			read += angle[k] - k
			if angle[k] >= n {
				unclosed++
			}
			continue
		}
		read += stop[k] - k
		if stop[k] >= n || line[stop[k]] != ')' {
			unclosed++
		}
	}
	return unclosed, read
}

// containers counts the blockquote and list markers that open a line, plus
// a level per two columns of indentation before a list marker, and returns
// the rest of the line.
func containers(line []byte) (int, []byte) {
	depth := 0
	for {
		indent, i := 0, 0
		for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
			if line[i] == '\t' {
				indent += 4
			} else {
				indent++
			}
			i++
		}
		switch n := listMarker(line[i:]); {
		case i < len(line) && line[i] == '>':
			depth++
			line = line[i+1:]
		case n > 0:
			depth += 1 + indent/2
			line = line[i+n:]
		default:
			return depth, line[i:]
		}
	}
}

// listMarker returns the length of the list marker (and its space) that
// starts b, or 0.
func listMarker(b []byte) int {
	i := 0
	for i < len(b) && i < 9 && b[i] >= '0' && b[i] <= '9' {
		i++
	}
	switch {
	case i == 0 && len(b) > 0 && (b[0] == '-' || b[0] == '+' || b[0] == '*'):
		i = 1
	case i > 0 && i < len(b) && (b[i] == '.' || b[i] == ')'):
		i++
	default:
		return 0
	}
	if i == len(b) {
		return i
	}
	if b[i] == ' ' || b[i] == '\t' {
		return i + 1
	}
	return 0
}

// fenceOf returns the run of ``` or ~~~ (three or more) that opens line
// after at most three spaces, or nil.
func fenceOf(line []byte) []byte {
	i := 0
	for i < len(line) && i < 4 && line[i] == ' ' {
		i++
	}
	if i > 3 || i >= len(line) || line[i] != '`' && line[i] != '~' {
		return nil
	}
	j := i
	for j < len(line) && line[j] == line[i] {
		j++
	}
	if j-i < 3 {
		return nil
	}
	return line[i:j]
}

func isBlank(b []byte) bool { return len(bytes.Trim(b, " \t")) == 0 }

func isHeading(b []byte) bool { return len(b) > 0 && b[0] == '#' }

// isThematicBreak reports whether line is "***", "- - -" or "___" (three
// or more of one of those, spaces between), which wins over list markers.
func isThematicBreak(line []byte) bool {
	n, mark := 0, byte(0)
	for _, c := range line {
		switch {
		case c == ' ' || c == '\t':
		case (c == '-' || c == '*' || c == '_') && (mark == 0 || c == mark):
			mark = c
			n++
		default:
			return false
		}
	}
	return n >= 3
}

// isRefDef reports whether b starts like a link reference definition.
func isRefDef(b []byte) bool {
	if len(b) < 4 || b[0] != '[' || b[1] == '^' {
		return false
	}
	i := bytes.Index(b, []byte("]:"))
	return i > 1
}

func isFootnoteDef(b []byte) bool {
	if !bytes.HasPrefix(b, []byte("[^")) {
		return false
	}
	i := bytes.IndexByte(b, ']')
	return i > 2 && i+1 < len(b) && b[i+1] == ':'
}

// isDelimiterRow reports whether b is a GFM table delimiter row: cells of
// dashes with optional colons, separated by pipes, at least one pipe or
// one cell.
func isDelimiterRow(b []byte) bool {
	b = bytes.Trim(b, " \t")
	if len(b) == 0 || bytes.IndexByte(b, '-') < 0 {
		return false
	}
	for _, c := range b {
		if c != '-' && c != ':' && c != '|' && c != ' ' && c != '\t' {
			return false
		}
	}
	return true
}

// delimiterCols counts the cells of a delimiter row.
func delimiterCols(b []byte) int {
	b = bytes.Trim(b, " \t")
	b = bytes.TrimSuffix(bytes.TrimPrefix(b, []byte("|")), []byte("|"))
	return bytes.Count(b, []byte("|")) + 1
}
