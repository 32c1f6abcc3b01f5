package content

import (
	"testing"

	"github.com/axctl/axctl/internal/contract"
	"github.com/axctl/axctl/internal/manifest"
)

// TestPlainFields checks that every plain contract metadata field has its
// field in both Frontmatter and manifest.Record, each a distinct one, and
// that a value travels frontmatter → record → metadata → record →
// frontmatter (the path of a sync, a rebuild and the render cache).
func TestPlainFields(t *testing.T) {
	var fm Frontmatter
	var rec manifest.Record
	n := 0
	for _, f := range contract.MetaFields {
		if !f.Plain() {
			if fm.Text(f.Record) != nil || rec.Text(f.Record) != nil {
				t.Errorf("%s: not plain, but Text has a case for it", f.Name)
			}
			continue
		}
		n++
		if fm.Text(f.Record) == nil || rec.Text(f.Record) == nil {
			t.Fatalf("%s: plain in contract.MetaFields, but Frontmatter.Text or Record.Text has no case for %q", f.Name, f.Record)
		}
		*fm.Text(f.Record) = "value of " + f.Name
	}
	if n == 0 {
		t.Fatal("no plain fields in contract.MetaFields")
	}
	copyPlain(rec.Text, fm.Text)
	rec.Title, rec.Hash, rec.Input = "T", "0123456789abcdef0123456789abcdef", "0123456789abcdef0123456789abcdef"
	m := manifest.ToMetadata(rec)
	back, err := manifest.FromMetadata("posts", "/posts", "s", m)
	if err != nil {
		t.Fatal(err)
	}
	var out Frontmatter
	copyPlain(out.Text, back.Text)
	for _, f := range contract.MetaFields {
		if !f.Plain() {
			continue
		}
		want := "value of " + f.Name
		if m[f.Name] != want {
			t.Errorf("metadata %s = %q, want %q", f.Name, m[f.Name], want)
		}
		if got := *out.Text(f.Record); got != want {
			t.Errorf("%s after the round trip = %q, want %q", f.Name, got, want)
		}
	}
}
