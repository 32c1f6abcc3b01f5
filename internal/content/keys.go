package content

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/axctl/axctl/internal/contract"
)

// KeyPrefix is what the target puts before every object key:
// "PREFIX/" for s3://BUCKET/PREFIX, else "". S3 and R2 count it in the
// key's length.
func (c *Config) KeyPrefix() string {
	scheme, _, _ := strings.Cut(c.Target, "://")
	if !strings.EqualFold(scheme, "s3") {
		return ""
	}
	u, err := url.Parse(c.Target)
	if err != nil {
		return ""
	}
	if p := strings.Trim(u.Path, "/"); p != "" {
		return p + "/"
	}
	return ""
}

// keyProblems reports the object keys of e (its body and its assets) that
// are longer than contract.MaxKeyBytes once the target's prefix is added:
// the store would refuse them at PUT (KeyTooLongError), after other
// objects were written, so validate refuses them first. With nameBytes
// (a file:// target), it also reports a name in those keys, or a tag's
// page folder, longer than that: the file system refused it at the PUT,
// exit 3 after other objects were written ("rerun", which never helps).
func (c *Config) keyProblems(e *Entry, nameBytes int) []Problem {
	prefix := c.KeyPrefix()
	var out []Problem
	at := func(format string, args ...any) {
		out = append(out, Problem{Path: e.Path, Line: 1, Col: 1, Msg: fmt.Sprintf(format, args...)})
	}
	check := func(key, what string) {
		if n := len(prefix) + len(key); n > contract.MaxKeyBytes {
			at("%s %q is %d bytes with the target's prefix %q; object keys are at most %d bytes: shorten the file's path",
				what, abbreviate(key), n, prefix, contract.MaxKeyBytes)
		}
		if nameBytes == 0 {
			return
		}
		// The directory store keeps attributes beside the body, in
		// .meta/<key>.json: the last name carries ".json" more.
		names := strings.Split(key, "/")
		names[len(names)-1] += ".json"
		for _, name := range names {
			if len(name) > nameBytes {
				at("%s %q has a name of %d bytes (%q); a file:// target keeps each name as a file or folder, at most %d bytes: shorten the file's name (an s3:// target has no such limit)",
					what, abbreviate(key), len(name), abbreviate(name), nameBytes)
				return
			}
		}
	}
	check(e.Record.Key, "object key")
	for _, a := range e.Assets {
		check(a.Key, "asset key")
	}
	for _, t := range e.Record.Tags {
		if nameBytes > 0 && len(t.Slug) > nameBytes {
			at("tag %q has a page folder of %d bytes (%q); a file:// target keeps each name as a file or folder, at most %d bytes: shorten the tag (an s3:// target takes it)",
				t.Name, len(t.Slug), abbreviate(t.Slug), nameBytes)
		}
	}
	return out
}

// abbreviate keeps a message about a very long key readable.
func abbreviate(s string) string {
	if len(s) <= 80 {
		return s
	}
	return s[:40] + "…" + s[len(s)-30:]
}
