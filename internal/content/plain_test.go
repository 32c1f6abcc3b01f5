package content

import (
	"testing"

	"github.com/axctl/axctl/internal/contract"
	"github.com/axctl/axctl/internal/manifest"
)

// TestTextFields: every plain text field (contract.TextFields) is a
// frontmatter key, and a value in each travels frontmatter → record →
// metadata → record → frontmatter (the path of a sync, a rebuild and the
// render cache).
func TestTextFields(t *testing.T) {
	if len(contract.TextFields) == 0 {
		t.Fatal("no plain text fields in contract.TextFields")
	}
	var fm Frontmatter
	for _, f := range contract.TextFields {
		if !schemaKeys[f.Key] {
			t.Errorf("%s is not a frontmatter key", f.Key)
		}
		*f.In(&fm.ListText, &fm.EntryText) = "value of " + f.Key
	}
	rec := manifest.Record{ListText: fm.ListText, EntryText: fm.EntryText,
		Title: "T", Hash: "0123456789abcdef0123456789abcdef", Input: "0123456789abcdef0123456789abcdef"}
	m := manifest.ToMetadata(rec)
	back, err := manifest.FromMetadata("posts", "/posts", "s", m)
	if err != nil {
		t.Fatal(err)
	}
	out := frontOf(&cached{Record: back})
	for _, f := range contract.TextFields {
		want := "value of " + f.Key
		if m[f.Meta] != want {
			t.Errorf("metadata %s = %q, want %q", f.Meta, m[f.Meta], want)
		}
		if got := *f.In(&out.ListText, &out.EntryText); got != want {
			t.Errorf("%s after the round trip = %q, want %q", f.Key, got, want)
		}
	}
}
