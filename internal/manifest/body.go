package manifest

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// An entry body (docs/bucket.md, "Entry body") is the marker line, then,
// when the entry has headings with ids, its table of contents on a line of
// its own, then the rendered fragment. The table of contents lives in the
// body rather than in custom metadata: a long one alone overran the 2 KB of
// metadata MinIO, S3 and Miniflare accept, and the entry page that shows it
// reads the body anyway, so it costs no extra read.
const (
	tocOpen  = "<!-- toc "
	tocClose = " -->\n"
)

// TOCLine returns the body line carrying toc, or nil when toc is empty. The
// JSON escapes <, > and & (\u003c…), so no heading text can end the comment.
func TOCLine(toc []Heading) []byte {
	if len(toc) == 0 {
		return nil
	}
	b, _ := json.Marshal(toc) // plain structs of ints and strings: cannot fail
	out := make([]byte, 0, len(tocOpen)+len(b)+len(tocClose))
	return append(append(append(out, tocOpen...), b...), tocClose...)
}

// SplitTOC returns the table of contents at the start of body (a body
// without its marker line) and the fragment after it. A body without a
// table-of-contents line is all fragment.
func SplitTOC(body []byte) ([]Heading, []byte, error) {
	if !bytes.HasPrefix(body, []byte(tocOpen)) {
		return nil, body, nil
	}
	end := bytes.Index(body, []byte(tocClose))
	if end < 0 {
		return nil, nil, fmt.Errorf("toc line: no %q", tocClose)
	}
	var toc []Heading
	if err := strictJSON(string(body[len(tocOpen):end]), &toc); err != nil {
		return nil, nil, fmt.Errorf("toc line: %w", err)
	}
	for i, h := range toc {
		if h.Level < 1 || h.Level > 6 || h.ID == "" {
			return nil, nil, fmt.Errorf("toc[%d]: level %d not in 1..6 or no id", i, h.Level)
		}
	}
	return toc, body[end+len(tocClose):], nil
}
