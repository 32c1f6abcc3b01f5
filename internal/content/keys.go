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
// objects were written, so validate refuses them first.
func (c *Config) keyProblems(e *Entry) []Problem {
	prefix := c.KeyPrefix()
	var out []Problem
	check := func(key, what string) {
		if n := len(prefix) + len(key); n > contract.MaxKeyBytes {
			out = append(out, Problem{Path: e.Path, Line: 1, Col: 1, Msg: fmt.Sprintf(
				"%s %q is %d bytes with the target's prefix %q; object keys are at most %d bytes: shorten the file's path",
				what, abbreviate(key), n, prefix, contract.MaxKeyBytes)})
		}
	}
	check(e.Record.Key, "object key")
	for _, a := range e.Assets {
		check(a.Key, "asset key")
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
