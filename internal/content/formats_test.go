package content_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/pelletier/go-toml/v2"
	"go.yaml.in/yaml/v3"

	"github.com/axctl/axctl/internal/content"
	"github.com/axctl/axctl/internal/manifest"
)

// TestFrontmatterFormatsAgree is an oracle for TOML and JSON frontmatter:
// random frontmatter written as YAML, TOML and JSON (each by its own
// encoder) must load into the same entry (frontmatter, HTML and record,
// but for the input hash of the file's bytes), and a wrong value must be
// the same problem in each.
func TestFrontmatterFormatsAgree(t *testing.T) {
	r := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 17))
	seed := r.Uint64()
	t.Logf("seed %d", seed)
	r = rand.New(rand.NewPCG(seed, 17))
	words := []string{"alpha", "Beta", "café", "日記", `quo"te`, `back\slash`, "tab\there", "x'y", "#hash", "a: b", "[x]", "{y}", "+++", "yes", "null", "1.5", "2026-01-02"}
	bodies := []string{"", "Body.\n", "# Title\n\nText with *emphasis* and [a link](https://example.org).\n", "```go\nx := 1\n```\n", "- a\n- b\n"}
	dir := t.TempDir()
	const n = 60
	cfg := "collections:\n  - name: blog\n    template: post\n    ignoreKeys: [extra]\n"
	if err := os.WriteFile(filepath.Join(dir, "axctl.yaml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	pick := func() string { return words[r.IntN(len(words))] }
	for i := range n {
		m := map[string]any{}
		title := pick() + " " + pick()
		if r.IntN(6) == 0 {
			title = strings.Replace(title, "\t", " ", -1)
		}
		m["title"] = title
		day := time.Date(2000+r.IntN(30), time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC)
		at := day.Add(time.Duration(r.IntN(86400)) * time.Second)
		zoned := r.IntN(2) == 0
		if r.IntN(3) == 0 {
			m["description"] = pick() + "\n" + pick()
		}
		if k := r.IntN(4); k > 0 {
			seen := map[string]bool{}
			var tags []any
			for range k {
				if w := strings.ToLower(pick()); !seen[w] && !strings.ContainsAny(w, "\t") {
					seen[w] = true
					tags = append(tags, w)
				}
			}
			m["tags"] = tags
		}
		if r.IntN(3) == 0 {
			m["draft"] = r.IntN(2) == 0
		}
		if r.IntN(4) == 0 {
			m["slug"] = fmt.Sprintf("s-%d", i) // made per format below
			m["aliases"] = []any{fmt.Sprintf("/old/x-%d", i)}
		}
		if r.IntN(4) == 0 {
			m["extra"] = map[string]any{"k": []any{1, "two", true}}
		}
		if r.IntN(8) == 0 {
			m["author"] = 7 // a problem, the same in each
		}
		body := bodies[r.IntN(len(bodies))]
		for _, f := range []string{"yaml", "toml", "json"} {
			mm := map[string]any{}
			for k, v := range m {
				mm[k] = v
			}
			if s, ok := mm["slug"].(string); ok {
				mm["slug"] = s + "-" + f
				mm["aliases"] = []any{fmt.Sprintf("/old/x-%d-%s", i, f)}
			}
			var text []byte
			var err error
			switch f {
			case "yaml":
				mm["date"] = dateString(day, at, zoned)
				text, err = yaml.Marshal(mm)
				text = append(append([]byte("---\n"), text...), "---\n"...)
			case "toml":
				if zoned {
					mm["date"] = at.In(time.FixedZone("", 3600))
				} else {
					mm["date"] = toml.LocalDate{Year: day.Year(), Month: int(day.Month()), Day: day.Day()}
				}
				text, err = toml.Marshal(mm)
				text = append(append([]byte("+++\n"), text...), "+++\n"...)
			case "json":
				mm["date"] = dateString(day, at, zoned)
				text, err = json.MarshalIndent(mm, "", "  ")
				text = append(text, '\n')
			}
			if err != nil {
				t.Fatal(err)
			}
			p := filepath.Join(dir, "content", "blog", fmt.Sprintf("e%02d-%s.md", i, f))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, append(text, body...), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	got := map[string]*content.Entry{}
	problems := load(t, dir, func(e *content.Entry) { got[filepath.Base(e.Path)] = e })
	byFile := map[string][]string{}
	for _, p := range problems {
		path, rest, _ := strings.Cut(p, ":")
		_, msg, _ := strings.Cut(rest, ": ") // line:col: message
		byFile[filepath.Base(path)] = append(byFile[filepath.Base(path)], msg)
	}
	for i := range n {
		name := func(f string) string { return fmt.Sprintf("e%02d-%s.md", i, f) }
		y := got[name("yaml")]
		for _, f := range []string{"toml", "json"} {
			if !reflect.DeepEqual(byFile[name("yaml")], byFile[name(f)]) {
				t.Errorf("%s: problems %q, YAML's %q", name(f), byFile[name(f)], byFile[name("yaml")])
				continue
			}
			e := got[name(f)]
			if (e == nil) != (y == nil) {
				t.Errorf("%s: entry %v, YAML's %v", name(f), e != nil, y != nil)
				continue
			}
			if e == nil {
				continue
			}
			if unformat(fmt.Sprintf("%+v", e.Front)) != unformat(fmt.Sprintf("%+v", y.Front)) {
				t.Errorf("%s: frontmatter\n%+v\nYAML's\n%+v", name(f), e.Front, y.Front)
			}
			if unmarked(e.HTML) != unmarked(y.HTML) {
				t.Errorf("%s: HTML\n%s\nYAML's\n%s", name(f), e.HTML, y.HTML)
			}
			if unformat(recordOf(e)) != unformat(recordOf(y)) {
				t.Errorf("%s: record\n%s\nYAML's\n%s", name(f), recordOf(e), recordOf(y))
			}
		}
	}
	if len(got) == 0 {
		t.Fatal("no entries")
	}
}

// unformat drops the format's name from slugs and aliases, the one
// difference between the three files' entries.
func unformat(s string) string {
	return strings.NewReplacer("-yaml", "", "-toml", "", "-json", "").Replace(s)
}

func dateString(day, at time.Time, zoned bool) string {
	if zoned {
		return at.In(time.FixedZone("", 3600)).Format(time.RFC3339)
	}
	return day.Format("2006-01-02")
}

// recordOf is e's record as the manifest holds it, without the hash of
// the file's bytes and the slug (the file names differ by format).
func recordOf(e *content.Entry) string {
	r := e.Record
	r.Input, r.Slug = "", ""
	m := manifest.ToMetadata(r)
	delete(m, "input")
	delete(m, "hash") // covers the slug
	return fmt.Sprint(m)
}

// unmarked is an entry's HTML without its first line, the marker naming
// its hash.
func unmarked(html []byte) string {
	_, rest, _ := strings.Cut(string(html), "\n")
	return rest
}
