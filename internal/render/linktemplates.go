package render

import (
	"bytes"
	"regexp"
	"strings"
)

// linkTemplateRe finds a link destination written with another generator's
// URL helper, right after "](": Hugo's {{< ref "x" >}} and {{< relref "x" >}},
// Jekyll's {% link path %}, {% post_url name %}, {{ "/x/" | relative_url }}
// (or absolute_url), {{ site.baseurl }}/x and Zola's @/x.md (a file from
// the content root). Group 1 is the helper, then
// one group per form for its argument; the rest of the destination up to a
// space or ")" follows (a "#fragment").
var linkTemplateRe = regexp.MustCompile(`\]\((\{\{<\s*(?:rel)?ref\s+"([^"\s]+)"\s*>\}\}|\{%-?\s*link\s+([^\s%]+)\s*-?%\}|\{%-?\s*post_url\s+([^\s%]+)\s*-?%\}|\{\{-?\s*["']([^"'\s]+)["']\s*\|\s*(?:relative_url|absolute_url)\s*-?\}\}|\{\{-?\s*site\.baseurl\s*-?\}\}|(@))([^\s(){}<>"'\\]*)`)

// linkTemplates returns src with each such destination replaced, in place
// and padded with spaces to its length (a destination may be followed by
// spaces), by the path the helper names: the ref's path as written, a
// Jekyll path from the site root (/_docs/x.md, /_posts/name), the URL given
// to relative_url, Zola's @/x.md as /x.md. Positions in the file stay what they were. Fenced code,
// code spans and {% raw %} blocks are left as written. src is returned
// unchanged (not copied) when nothing matches.
func linkTemplates(src []byte, from int) []byte {
	if !bytes.Contains(src[from:], []byte("](")) || !bytes.Contains(src[from:], []byte("{")) && !bytes.Contains(src[from:], []byte("](@/")) {
		return src
	}
	var out []byte
	var fence []byte
	raw := false
	for off := from; off < len(src); {
		end := bytes.IndexByte(src[off:], '\n')
		if end < 0 {
			end = len(src) - off
		}
		line := src[off : off+end]
		trimmed := bytes.TrimLeft(line, " ")
		switch {
		case fence != nil:
			if bytes.HasPrefix(trimmed, fence) && len(bytes.TrimSpace(bytes.TrimLeft(trimmed, string(fence[:1])))) == 0 {
				fence = nil
			}
		case len(line)-len(trimmed) < 4 && (bytes.HasPrefix(trimmed, []byte("```")) || bytes.HasPrefix(trimmed, []byte("~~~"))):
			n := 0
			for n < len(trimmed) && trimmed[n] == trimmed[0] {
				n++
			}
			fence = append([]byte(nil), trimmed[:n]...)
		default:
			blank := blankCodeSpans(line)
			if raw || bytes.Contains(blank, []byte("{% raw %}")) || bytes.Contains(blank, []byte("{%- raw -%}")) {
				raw = !bytes.Contains(blank, []byte("endraw"))
				break
			}
			for _, m := range linkTemplateRe.FindAllSubmatchIndex(blank, -1) {
				if m[1] < len(line) && line[m[1]] != ')' && line[m[1]] != ' ' && line[m[1]] != '\t' {
					continue // the destination goes on with something else: left as written
				}
				dest := ""
				arg := func(g int) string { return string(line[m[2*g]:m[2*g+1]]) }
				switch {
				case m[4] >= 0: // ref, relref: the path as Hugo reads it, from the page or the content root
					dest = arg(2)
				case m[6] >= 0: // link: a path from the site root
					dest = "/" + strings.TrimPrefix(arg(3), "/")
				case m[8] >= 0: // post_url: a post's file name without its extension
					dest = "/_posts/" + arg(4)
				case m[10] >= 0: // relative_url: a URL of the site
					dest = arg(5)
				default: // site.baseurl, then the path
					dest = "/"
				}
				rest := arg(7)
				if m[12] >= 0 && !strings.HasPrefix(rest, "/") {
					continue // "@" alone is not Zola's @/
				}
				if m[10] < 0 && m[8] < 0 && m[6] < 0 && m[4] < 0 && rest != "" {
					dest = rest
					rest = ""
				}
				dest += rest
				if m[12] < 0 && strings.HasPrefix(dest, "@/") {
					continue // not a helper's path: left as written
				}
				start, stop := off+m[2], off+m[1] // the helper and the rest of the destination
				if len(dest) > stop-start {
					continue
				}
				if out == nil {
					out = append([]byte(nil), src...)
				}
				copy(out[start:], dest)
				for i := start + len(dest); i < stop; i++ {
					out[i] = ' '
				}
			}
		}
		off += end + 1
	}
	if out == nil {
		return src
	}
	return out
}
