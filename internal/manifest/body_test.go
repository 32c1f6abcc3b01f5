package manifest

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

// TestTOCLineRoundTrip: every heading text, hostile ones included, comes
// back from the body exactly, and nothing in it ends the comment early.
func TestTOCLineRoundTrip(t *testing.T) {
	texts := []string{"Setup", "-->", "--!>", "<!--", "</script>", `"quoted" & 'single'`, "a\u2028b", "🚀 Launch", "\\-->", "- - -"}
	var toc []Heading
	for i, s := range texts {
		toc = append(toc, Heading{Level: 2 + i%5, ID: "h-" + strings.Repeat("x", i+1), Text: s})
	}
	line := TOCLine(toc)
	if !bytes.HasPrefix(line, []byte(tocOpen)) || !bytes.HasSuffix(line, []byte(tocClose)) || bytes.Count(line, []byte("\n")) != 1 {
		t.Fatalf("not one comment line: %q", line)
	}
	inner := line[len(tocOpen) : len(line)-len(tocClose)]
	for _, bad := range []string{">", "<", "&"} {
		if bytes.Contains(inner, []byte(bad)) {
			t.Errorf("comment body holds %q: %s", bad, inner)
		}
	}
	body := append(line, "<p>x</p>\n"...)
	got, rest, err := SplitTOC(body)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, toc) || string(rest) != "<p>x</p>\n" {
		t.Errorf("round trip: %+v %q", got, rest)
	}
}

func TestSplitTOC(t *testing.T) {
	if TOCLine(nil) != nil {
		t.Error("an empty toc has a line")
	}
	toc, rest, err := SplitTOC([]byte("<p>no toc</p>"))
	if err != nil || toc != nil || string(rest) != "<p>no toc</p>" {
		t.Errorf("a body without a toc line: %v %q %v", toc, rest, err)
	}
	for _, bad := range []string{
		"<!-- toc [{\"level\":2,\"id\":\"a\",\"text\":\"A\"}]",       // never closed
		"<!-- toc [{\"level\":0,\"id\":\"a\",\"text\":\"A\"}] -->\n", // level
		"<!-- toc [{\"level\":2,\"id\":\"\",\"text\":\"A\"}] -->\n",  // no id
		"<!-- toc [{\"level\":2,\"id\":\"a\",\"x\":1}] -->\n",        // unknown field
		"<!-- toc {} -->\n", // not an array
		"<!-- toc [{\"level\":2,\"id\":\"a\",\"text\":\"A\"}] [] -->\n", // trailing
	} {
		if _, _, err := SplitTOC([]byte(bad)); err == nil {
			t.Errorf("%q: accepted", bad)
		}
	}
}
