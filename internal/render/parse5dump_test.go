package render_test

import (
	"encoding/json"
	"os"
	"slices"
	"testing"

	"github.com/axctl/axctl/internal/render"
)

// TestRawHTMLDump writes, when AXCTL_RAWHTML_DUMP names a file, the
// rendered HTML of every raw HTML seed and of every output element with
// hostile attributes, in the five places FuzzRawHTML puts them, for the
// Worker's parse5 check of the same output (worker/test/sanitizer.test.mjs):
// a second HTML parser, the one the Worker's tests read pages with, must
// see no element or attribute the allowlist does not hold. Without the
// variable it checks that the dump can be made.
func TestRawHTMLDump(t *testing.T) {
	type row struct {
		Doc      string `json:"doc"`
		HTML     string `json:"html"`
		Problems int    `json:"problems"`
	}
	seeds := slices.Clone(rawHTMLSeeds)
	var elements []string
	for e := range outputElements {
		elements = append(elements, e)
	}
	slices.Sort(elements)
	for _, e := range elements {
		seeds = append(seeds,
			`<`+e+` onclick="alert(1)" style="color:red" onerror=x href="javascript:x" src="javascript:x" srcset="x 2x" formaction=javascript:x>t</`+e+`>`,
			`<`+e+` title="ok">t</`+e+`>`, `<`+e+`>t</`+e+`>`)
	}
	r := render.New()
	var rows []row
	for _, s := range seeds {
		for _, doc := range []string{"a " + s + " b\n", s + "\n", "\n" + s + "\n\ntext\n", "- " + s + "\n", "> " + s + "\n"} {
			res, err := r.Render([]byte(doc), render.Options{})
			if err != nil {
				t.Fatalf("%q: %v", doc, err)
			}
			if res.Limited {
				continue
			}
			rows = append(rows, row{Doc: doc, HTML: string(res.HTML), Problems: len(res.Problems)})
		}
	}
	b, err := json.Marshal(map[string]any{"elements": elements, "rows": rows})
	if err != nil {
		t.Fatal(err)
	}
	if path := os.Getenv("AXCTL_RAWHTML_DUMP"); path != "" {
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if len(rows) < 5*len(seeds)/2 {
		t.Fatalf("only %d of %d renders", len(rows), 5*len(seeds))
	}
}
