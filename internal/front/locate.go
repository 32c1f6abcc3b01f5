package front

import (
	"bytes"
	"sort"
	"strconv"
	"strings"

	"github.com/pelletier/go-toml/v2/unstable"
)

// maxIndexDepth bounds the paths an Index holds: the schema looks a few
// levels deep, and a path per level of a value nested 10,000 deep would
// cost the square of its depth.
const maxIndexDepth = 16

// deeper ends a path cut at maxIndexDepth: no lookup matches it.
const deeper = "\x01"

// Pos is a 1-based line and byte column in a block's text.
type Pos struct{ Line, Col int }

// Index holds where each key and value of a block starts, by path: keys
// of tables, "#i" for the i-th item of an array (as the YAML locator names
// them). The first place a path is set wins.
type Index struct {
	keys, values map[string]Pos
}

// Locate indexes the keys and values of a TOML or JSON block's text. It
// is only called for a block with a problem to place: a parse that stops
// at an error keeps what it indexed before it.
func Locate(f Format, text []byte) *Index {
	ix := &Index{keys: map[string]Pos{}, values: map[string]Pos{}}
	switch f {
	case JSON:
		_, _ = decodeJSON(text, ix)
	case TOML:
		locateTOML(text, ix)
	}
	return ix
}

// Key is where the key at path is written (for a table, its header).
func (ix *Index) Key(path ...string) (Pos, bool) {
	p, ok := ix.keys[strings.Join(path, "\x00")]
	return p, ok
}

// Value is where the value at path starts.
func (ix *Index) Value(path ...string) (Pos, bool) {
	p, ok := ix.values[strings.Join(path, "\x00")]
	return p, ok
}

func (ix *Index) set(path []string, key, val Pos) {
	k := strings.Join(path, "\x00")
	if _, ok := ix.keys[k]; !ok {
		ix.keys[k], ix.values[k] = key, val
	}
}

// lines are the offsets where a text's lines start.
type lines []int

func lineStarts(text []byte) lines {
	ls := lines{0}
	for i, c := range text {
		if c == '\n' {
			ls = append(ls, i+1)
		}
	}
	return ls
}

func (ls lines) pos(off int) Pos {
	i := sort.Search(len(ls), func(i int) bool { return ls[i] > off }) - 1
	return Pos{Line: i + 1, Col: off - ls[i] + 1}
}

// tomlLocator walks go-toml's AST of one block.
type tomlLocator struct {
	p      *unstable.Parser
	ix     *Index
	lines  lines
	arrays map[string]int // [[table]] path → headers seen
}

func locateTOML(text []byte, ix *Index) {
	l := &tomlLocator{p: &unstable.Parser{}, ix: ix, lines: lineStarts(text), arrays: map[string]int{}}
	l.p.Reset(text)
	var table []string
	for l.p.NextExpression() {
		e := l.p.Expression()
		switch e.Kind {
		case unstable.Table, unstable.ArrayTable:
			path, at := l.key(nil, e.Key())
			if e.Kind == unstable.ArrayTable {
				k := strings.Join(path, "\x00")
				path = append(path, "#"+strconv.Itoa(l.arrays[k]))
				l.arrays[k]++
				ix.set(path, at, at)
			}
			table = path
		case unstable.KeyValue:
			path, at := l.key(table, e.Key())
			l.value(path, at, e.Value(), l.afterEquals(e))
		}
	}
}

// key indexes the parts of a dotted key under prefix, and returns its
// path and where its last part is written.
func (l *tomlLocator) key(prefix []string, it unstable.Iterator) ([]string, Pos) {
	path := append([]string(nil), prefix...)
	var at Pos
	for it.Next() {
		k := it.Node()
		at = l.at(k)
		if len(path) >= maxIndexDepth {
			if path[len(path)-1] != deeper {
				path = append(path, deeper)
			}
			continue
		}
		path = append(path, string(k.Data))
		l.ix.set(path, at, at)
	}
	return path, at
}

// value indexes the value node v at path (whose key is at keyAt); at is
// where v starts when go-toml keeps no range for it (an array).
func (l *tomlLocator) value(path []string, keyAt Pos, v *unstable.Node, at Pos) {
	if v.Raw.Length > 0 {
		at = l.at(v)
	}
	k := strings.Join(path, "\x00")
	if _, ok := l.ix.values[k]; !ok || l.ix.values[k] == l.ix.keys[k] {
		l.ix.keys[k], l.ix.values[k] = keyAt, at // a dotted key's parts were indexed at the key
	}
	if len(path) >= maxIndexDepth {
		return
	}
	children := v.Children()
	switch v.Kind {
	case unstable.Array:
		for i := 0; children.Next(); i++ {
			c := children.Node()
			if c.Kind == unstable.Comment {
				i--
				continue
			}
			item := append(append([]string(nil), path...), "#"+strconv.Itoa(i))
			cat := at
			if c.Raw.Length > 0 {
				cat = l.at(c)
			}
			l.value(item, cat, c, cat)
		}
	case unstable.InlineTable:
		for children.Next() {
			c := children.Node()
			if c.Kind != unstable.KeyValue {
				continue
			}
			p, kat := l.key(path, c.Key())
			l.value(p, kat, c.Value(), l.afterEquals(c))
		}
	}
}

// afterEquals is where a key-value's value starts: after its last key
// part, the "=" and spaces.
func (l *tomlLocator) afterEquals(kv *unstable.Node) Pos {
	it := kv.Key()
	var last *unstable.Node
	for it.Next() {
		last = it.Node()
	}
	data := l.p.Data()
	off := int(last.Raw.Offset + last.Raw.Length)
	for off < len(data) && bytes.IndexByte([]byte(" \t="), data[off]) >= 0 {
		off++
	}
	return l.lines.pos(off)
}

func (l *tomlLocator) at(n *unstable.Node) Pos { return l.lines.pos(int(n.Raw.Offset)) }
