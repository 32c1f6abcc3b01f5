package scaffold

import (
	"testing"

	"go.yaml.in/yaml/v3"
)

// TestQuoteStaysOneScalar: whatever a foreign tree names a folder, a
// collection or a site, q writes one YAML scalar on one line that reads
// back as the same string, in the places Config writes it (a collection
// item's keys, 4 spaces in). Before, a name with a line break became a
// block scalar whose lines were read as keys of the collection
// ("html: strict\nunknownKeys: ignore" set both).
func TestQuoteStaysOneScalar(t *testing.T) {
	for _, s := range []string{"", "true", "123", "yes", "null", "~", "a: b", "- x", "#x", "x # y", "'", "\"", "\\", "é",
		"html: strict\nunknownKeys: ignore", "a\nb", " a\nb", "\n\nx", "a\n\n\nstatic: .", "x\n  - name: evil", "a\r\nroute: /x",
		"a\u2028route: /x", "a\u0085b", "a\tb", "\x01", "{a: b}", "[x]", "*x", "&x", "!x", "%x", "@x", "`x", "a\n"} {
		doc := "collections:\n  - name: blog\n    folder: " + q(s) + "\n    title: T\n"
		var m struct {
			Collections []map[string]any `yaml:"collections"`
		}
		if err := yaml.Unmarshal([]byte(doc), &m); err != nil {
			t.Errorf("q(%q) = %s: %v", s, q(s), err)
			continue
		}
		if len(m.Collections) != 1 || len(m.Collections[0]) != 3 || m.Collections[0]["folder"] != s {
			t.Errorf("q(%q) = %s reads back as %#v", s, q(s), m.Collections)
		}
	}
}
