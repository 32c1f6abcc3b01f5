package manifest

import (
	"strconv"
	"unicode/utf8"
)

// The paged objects (shards, tag chunks, sitemap chunks, tags index pages,
// collection indexes) are written by the appenders below instead of
// encoding/json: at a million entries they are 1.5 GB of JSON, which
// reflection took most of a minute to write, from records it needed copied
// into the object's struct first. The bytes are encodeJSON's exactly
// (struct field order, omitempty, no HTML escaping, one trailing newline);
// encode_test.go checks every kind of object against encodeJSON on
// randomized and hostile records.

const hexDigits = "0123456789abcdef"

// appendStr appends s as a JSON string, escaped as encoding/json escapes
// it with SetEscapeHTML(false): '"', '\\' and control bytes, invalid UTF-8
// as \ufffd, U+2028 and U+2029 escaped.
func appendStr(dst []byte, s string) []byte {
	dst = append(dst, '"')
	dst = appendStrBody(dst, s)
	return append(dst, '"')
}

// appendStrBody is appendStr without the quotes: the escaping of a string
// is the concatenation of the escaping of its parts when they split at
// rune boundaries (keys and URLs are made of validated ASCII names).
func appendStrBody(dst []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		if c == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if c == '\u2028' || c == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[c&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	return append(dst, s[start:]...)
}

// appendField appends ,"name": (or {"name": when first).
func appendField(dst []byte, name string, first bool) []byte {
	if first {
		dst = append(dst, '{')
	} else {
		dst = append(dst, ',')
	}
	dst = append(dst, '"')
	dst = append(dst, name...)
	return append(dst, '"', ':')
}

func appendStrField(dst []byte, name, v string) []byte {
	return appendStr(appendField(dst, name, false), v)
}

// appendOptStr appends the field unless v is empty (omitempty).
func appendOptStr(dst []byte, name, v string) []byte {
	if v == "" {
		return dst
	}
	return appendStrField(dst, name, v)
}

func appendIntField(dst []byte, name string, v int) []byte {
	return strconv.AppendInt(appendField(dst, name, false), int64(v), 10)
}

// appendTags appends "tags":[…] unless tags is empty (omitempty).
func appendTags(dst []byte, tags []Tag) []byte {
	if len(tags) == 0 {
		return dst
	}
	dst = appendField(dst, "tags", false)
	dst = append(dst, '[')
	for i, t := range tags {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendStr(appendField(dst, "name", true), t.Name)
		dst = append(appendStrField(dst, "slug", t.Slug), '}')
	}
	return append(dst, ']')
}

// appendHead appends {"version":1 and the fields every paged object
// starts with.
func appendHead(dst []byte) []byte {
	return strconv.AppendInt(appendField(dst, "version", true), Version, 10)
}

// appendEntryURL appends the body of EntryURL(route, slug).
func appendEntryURL(dst []byte, route, slug string) []byte {
	if n := len(route); n > 0 && route[n-1] == '/' {
		route = route[:n-1]
	}
	dst = appendStrBody(dst, route)
	dst = append(dst, '/')
	return appendStrBody(dst, slug)
}
