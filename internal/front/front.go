// Package front finds and decodes the frontmatter formats other site
// generators write beside YAML's "---" block: TOML between "+++" lines
// (Hugo's default, Zola's only form) and a JSON object opening the file
// (Hugo). Values come out as the YAML decoder gives them (strings, bool,
// int, float64, time.Time, []any, map[string]any), so one schema checks
// all three, and every error and every key or value has a position.
package front

import (
	"bytes"
	"fmt"
)

// Format is how a file's frontmatter is written.
type Format uint8

// The formats Detect tells apart.
const (
	None Format = iota
	YAML        // "---" … "---"
	TOML        // "+++" … "+++"
	JSON        // { … } opening the file
)

func (f Format) String() string {
	return [...]string{"none", "YAML", "TOML", "JSON"}[f]
}

// Fence is the line that opens and closes a block of f ("" for JSON).
func (f Format) Fence() string {
	switch f {
	case YAML:
		return "---"
	case TOML:
		return "+++"
	}
	return ""
}

// Detect says which frontmatter src opens with (a BOM already dropped):
// a first line "---" or "+++", or a "{" that starts a JSON object (a "{"
// followed by a line end, a space, `"` or "}"; "{{<" and "{%" are
// templates, not JSON).
func Detect(src []byte) Format {
	first := src
	if i := bytes.IndexByte(src, '\n'); i >= 0 {
		first = src[:i]
	}
	switch string(bytes.TrimRight(first, " \t\r")) {
	case "---":
		return YAML
	case "+++":
		return TOML
	}
	if len(src) > 0 && src[0] == '{' {
		rest := bytes.TrimLeft(src[1:], " \t")
		if len(rest) == 0 || rest[0] == '\n' || rest[0] == '\r' || rest[0] == '"' || rest[0] == '}' {
			return JSON
		}
	}
	return None
}

// Error is a problem at a 1-based line and byte column of the block's
// text (Block.Text; Block.Line is the file's line of its first byte).
type Error struct {
	Line, Col int
	Msg       string
}

func (e *Error) Error() string { return fmt.Sprintf("line %d, column %d: %s", e.Line, e.Col, e.Msg) }

// Block is where a TOML or JSON frontmatter sits in its file.
type Block struct {
	Format Format
	Text   []byte // the TOML between the fences, or the whole JSON object
	Line   int    // the file's 1-based line of Text's first byte
	// Body is the offset of the end of the block's last line (its "\n",
	// or len(src)): the Markdown starts after it.
	Body int
}

// Split finds the block of a TOML or JSON frontmatter src opens with
// (Detect). The error is at a line of the file: a block never closed, or
// text after a JSON object's closing brace.
func Split(src []byte, f Format) (Block, *Error) {
	switch f {
	case TOML:
		return splitTOML(src)
	case JSON:
		return splitJSON(src)
	}
	return Block{}, &Error{Line: 1, Col: 1, Msg: "not TOML or JSON frontmatter"}
}

func splitTOML(src []byte) (Block, *Error) {
	start := bytes.IndexByte(src, '\n') + 1
	if start == 0 {
		return Block{}, &Error{Line: 1, Col: 1, Msg: `frontmatter is never closed: add a line "+++" after the TOML`}
	}
	for off := start; off < len(src); {
		end := bytes.IndexByte(src[off:], '\n')
		if end < 0 {
			end = len(src) - off
		}
		if string(bytes.TrimRight(src[off:off+end], " \t\r")) == "+++" {
			return Block{Format: TOML, Text: src[start:off], Line: 2, Body: off + end}, nil
		}
		off += end + 1
	}
	return Block{}, &Error{Line: 1, Col: 1, Msg: `frontmatter is never closed: add a line "+++" after the TOML`}
}

// splitJSON finds the brace that closes the object opening src, skipping
// strings (as Hugo's lexer does); the JSON itself is checked by Decode.
func splitJSON(src []byte) (Block, *Error) {
	depth, inString := 0, false
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case inString && c == '\\':
			i++
		case inString:
			inString = c != '"'
		case c == '"':
			inString = true
		case c == '{':
			depth++
		case c == '}':
			depth--
			if depth > 0 {
				continue
			}
			end := i + 1 + bytes.IndexByte(src[i+1:], '\n')
			if end == i {
				end = len(src)
			}
			if rest := bytes.TrimLeft(src[i+1:end], " \t\r"); len(rest) > 0 {
				line, col := Position(src, end-len(rest))
				return Block{}, &Error{Line: line, Col: col, Msg: "text after the JSON frontmatter's closing }: start the Markdown on the next line"}
			}
			return Block{Format: JSON, Text: src[:i+1], Line: 1, Body: end}, nil
		}
	}
	return Block{}, &Error{Line: 1, Col: 1, Msg: "frontmatter is never closed: the JSON object's { has no matching }"}
}

// Position is the 1-based line and byte column of off in text.
func Position(text []byte, off int) (int, int) {
	off = min(max(off, 0), len(text))
	return bytes.Count(text[:off], []byte{'\n'}) + 1, off - bytes.LastIndexByte(text[:off], '\n')
}
