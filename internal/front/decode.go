package front

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/pelletier/go-toml/v2/unstable"
)

// MaxDepth bounds how deeply arrays and tables nest, as YAML's decoder
// (10,000) and go-toml's parser do: deeper input is an error, not a stack
// that grows with the file.
const MaxDepth = 10000

// Decode decodes a TOML or JSON block's text (Block.Text) into the map
// the YAML decoder would give: integers are int, TOML's local dates and
// date-times are time.Time in UTC (YAML's rule for a time without a
// zone), a local time is its text. The error is an *Error.
func Decode(f Format, text []byte) (map[string]any, error) {
	switch f {
	case TOML:
		return decodeTOML(text)
	case JSON:
		return decodeJSON(text, nil)
	}
	return nil, &Error{Line: 1, Col: 1, Msg: "not TOML or JSON frontmatter"}
}

// MaxTOMLDepth bounds how deep a TOML frontmatter nests: table header
// parts, dotted key parts, inline tables' keys and arrays together.
// BurntSushi/toml's time grows with the square of the depth (a key of
// 20,000 dotted parts: 19 s; inline tables 2,000 deep: 1 s); under 16
// levels a 1 MiB block decodes in about a second at worst.
const MaxTOMLDepth = 16

// decodeTOML checks the syntax and the depth with go-toml's parser
// (linear, positions kept), then decodes with BurntSushi/toml: go-toml's
// own decoder takes time that grows with the square of the keys and
// tables (4.3 s for 50,000 keys; BurntSushi 0.12 s for 50,000 tables).
func decodeTOML(text []byte) (map[string]any, error) {
	p := &unstable.Parser{}
	p.Reset(text)
	table := 0
	for p.NextExpression() {
		e := p.Expression()
		var deep *unstable.Node
		switch e.Kind {
		case unstable.Table, unstable.ArrayTable:
			table, deep = keyDepth(e, 0)
		case unstable.KeyValue:
			d := 0
			if d, deep = keyDepth(e, table); deep == nil {
				deep = valueDepth(e.Value(), d)
			}
		}
		if deep != nil {
			at := lineStarts(text).pos(int(deep.Raw.Offset))
			return nil, &Error{Line: at.Line, Col: at.Col, Msg: fmt.Sprintf("nested more than %d levels deep (the parts of table names and keys, inline tables' keys and arrays, together)", MaxTOMLDepth)}
		}
	}
	if err := p.Error(); err != nil {
		var pe *unstable.ParserError
		if errors.As(err, &pe) {
			off := cap(text) - cap(pe.Highlight)
			if len(pe.Highlight) == 0 && off > len(text) || off < 0 {
				off = len(text)
			}
			at := lineStarts(text).pos(min(off, max(len(text)-1, 0)))
			return nil, &Error{Line: at.Line, Col: at.Col, Msg: pe.Message}
		}
		return nil, &Error{Line: 1, Col: 1, Msg: err.Error()}
	}
	m := map[string]any{}
	if _, err := toml.Decode(string(text), &m); err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			// The line is right; the column, for some errors (a key
			// defined twice), is not on it: then the line's start.
			line, col := max(pe.Position.Line, 1), max(pe.Position.Col, 1)
			if ls := lineStarts(text); line > len(ls) {
				line, col = len(ls), 1
			} else if end := bytes.IndexByte(text[ls[line-1]:], '\n'); end >= 0 && col > end+1 {
				col = 1
			}
			return nil, &Error{Line: line, Col: col, Msg: strings.TrimSuffix(pe.Message, ".")}
		}
		return nil, &Error{Line: 1, Col: 1, Msg: err.Error()}
	}
	v, err := normalize(m, 0)
	if err != nil {
		return nil, err
	}
	return v.(map[string]any), nil
}

// keyDepth is depth plus the parts of e's key, and the first part past
// MaxTOMLDepth (nil if none).
func keyDepth(e *unstable.Node, depth int) (int, *unstable.Node) {
	it := e.Key()
	for it.Next() {
		if depth++; depth > MaxTOMLDepth {
			return depth, it.Node()
		}
	}
	return depth, nil
}

// valueDepth returns the first node inside v, a value whose path is
// depth levels deep, whose path is more than MaxTOMLDepth levels deep (an
// array's items are one level deeper, an inline table's keys as many as
// their parts), or nil. go-toml's parser bounds the recursion (10,000).
func valueDepth(v *unstable.Node, depth int) *unstable.Node {
	switch v.Kind {
	case unstable.Array:
		if depth+1 > MaxTOMLDepth {
			for c := v; c != nil; c = c.Child() { // the first node with a position
				if c.Raw.Length > 0 {
					return c
				}
			}
			return v
		}
		it := v.Children()
		for it.Next() {
			if deep := valueDepth(it.Node(), depth+1); deep != nil {
				return deep
			}
		}
	case unstable.InlineTable:
		it := v.Children()
		for it.Next() {
			if c := it.Node(); c.Kind == unstable.KeyValue {
				d, deep := keyDepth(c, depth)
				if deep == nil {
					deep = valueDepth(c.Value(), d)
				}
				if deep != nil {
					return deep
				}
			}
		}
	}
	return nil
}

// normalize turns BurntSushi/toml's values into YAML's.
func normalize(v any, depth int) (any, error) {
	if depth > MaxDepth {
		return nil, &Error{Line: 1, Col: 1, Msg: fmt.Sprintf("tables are nested more than %d levels deep", MaxDepth)}
	}
	switch t := v.(type) {
	case int64:
		return int(t), nil
	case time.Time:
		switch t.Location().String() { // TOML's local forms (BurntSushi's zones)
		case "date-local", "datetime-local":
			return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC), nil
		case "time-local":
			return t.Format("15:04:05.999999999"), nil
		}
	case []any:
		for i, x := range t {
			n, err := normalize(x, depth+1)
			if err != nil {
				return nil, err
			}
			t[i] = n
		}
	case []map[string]any: // an array of tables: a list of maps, as YAML's
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = x
		}
		return normalize(out, depth)
	case map[string]any:
		for k, x := range t {
			n, err := normalize(x, depth+1)
			if err != nil {
				return nil, err
			}
			t[k] = n
		}
	}
	return v, nil
}

// jsonFrame is an object or array being read.
type jsonFrame struct {
	obj  map[string]any
	arr  []any
	seen map[string]int // key → its line, for duplicates
	key  string         // the key whose value comes next (objects)
	has  bool           // whether key is set
	pos  Pos            // of that key
}

// seg is the path segment of the value read next inside f.
func (f *jsonFrame) seg() string {
	if f.obj != nil {
		return f.key
	}
	return "#" + strconv.Itoa(len(f.arr))
}

// decodeJSON reads the object in text token by token (no recursion),
// recording where each key and value starts in ix when it is not nil (to
// maxIndexDepth levels: the schema looks no deeper). A key set twice in
// one object is an error (encoding/json would keep the last silently).
func decodeJSON(text []byte, ix *Index) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(text))
	dec.UseNumber()
	lines := lineStarts(text)
	var stack []*jsonFrame
	var segs []string // segs[i] is stack[i+1]'s segment in its parent
	var root map[string]any
	pop := func(v any) error {
		stack = stack[:len(stack)-1]
		if len(segs) > len(stack)-1 && len(segs) > 0 {
			segs = segs[:len(segs)-1]
		}
		return attach(stack, v, &root)
	}
	for {
		start := int(dec.InputOffset())
		for start < len(text) && bytes.IndexByte([]byte(" \t\r\n,:"), text[start]) >= 0 {
			start++
		}
		at := lines.pos(start)
		tok, err := dec.Token()
		if err == io.EOF {
			if root == nil || len(stack) > 0 {
				return nil, &Error{Line: at.Line, Col: at.Col, Msg: "unexpected end of JSON"}
			}
			return root, nil
		}
		if err != nil {
			var se *json.SyntaxError
			if errors.As(err, &se) {
				p := lines.pos(min(int(se.Offset), max(len(text)-1, 0)))
				return nil, &Error{Line: p.Line, Col: p.Col, Msg: se.Error()}
			}
			return nil, &Error{Line: at.Line, Col: at.Col, Msg: err.Error()}
		}
		var top *jsonFrame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if top != nil && top.obj != nil && !top.has {
			if d, ok := tok.(json.Delim); ok && d == '}' {
				if err := pop(top.obj); err != nil {
					return nil, err
				}
				continue
			}
			k := tok.(string) // the decoder allows only a string here
			if first, dup := top.seen[k]; dup {
				return nil, &Error{Line: at.Line, Col: at.Col, Msg: fmt.Sprintf("duplicate key %q (first set on line %d)", k, first)}
			}
			top.seen[k], top.key, top.has, top.pos = at.Line, k, true, at
			continue
		}
		if d, ok := tok.(json.Delim); ok && d == ']' {
			if err := pop(top.arr); err != nil {
				return nil, err
			}
			continue
		}
		if ix != nil && top != nil && len(segs) < maxIndexDepth {
			keyAt := at
			if top.obj != nil {
				keyAt = top.pos
			}
			ix.set(append(append([]string(nil), segs...), top.seg()), keyAt, at)
		}
		var val any
		switch t := tok.(type) {
		case json.Delim:
			if len(stack) >= MaxDepth {
				return nil, &Error{Line: at.Line, Col: at.Col, Msg: fmt.Sprintf("arrays and objects are nested more than %d levels deep", MaxDepth)}
			}
			f := &jsonFrame{}
			if t == '{' {
				f.obj, f.seen = map[string]any{}, map[string]int{}
			} else {
				f.arr = []any{}
			}
			if top != nil {
				segs = append(segs, top.seg())
			}
			stack = append(stack, f)
			continue
		case json.Number:
			if n, err := strconv.ParseInt(string(t), 10, 64); err == nil && n >= math.MinInt && n <= math.MaxInt {
				val = int(n)
			} else if x, err := strconv.ParseFloat(string(t), 64); err == nil {
				val = x
			} else {
				return nil, &Error{Line: at.Line, Col: at.Col, Msg: fmt.Sprintf("number %s is out of range", t)}
			}
		default:
			val = t // string, bool or nil
		}
		if err := attach(stack, val, &root); err != nil {
			return nil, err
		}
	}
}

// attach puts a finished value into the frame on top of stack, or makes it
// the root.
func attach(stack []*jsonFrame, v any, root *map[string]any) error {
	if len(stack) == 0 {
		m, ok := v.(map[string]any)
		if !ok {
			return &Error{Line: 1, Col: 1, Msg: "JSON frontmatter must be an object"}
		}
		*root = m
		return nil
	}
	top := stack[len(stack)-1]
	if top.obj != nil {
		top.obj[top.key], top.key, top.has = v, "", false
		return nil
	}
	top.arr = append(top.arr, v)
	return nil
}
