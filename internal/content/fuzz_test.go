package content

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/axctl/axctl/internal/render"
)

// FuzzLoadEntry runs frontmatter parsing, validation and rendering of one
// entry on arbitrary bytes: it must never panic, and every problem must
// point inside the file.
func FuzzLoadEntry(f *testing.F) {
	for _, pattern := range []string{"testdata/bad/*.txtar", "testdata/good/*.txtar"} {
		files, _ := filepath.Glob(pattern)
		for _, name := range files {
			data, err := os.ReadFile(name)
			if err != nil {
				f.Fatal(err)
			}
			for _, md := range archiveEntries(data) {
				f.Add(md)
			}
		}
	}
	renders, _ := filepath.Glob("../render/testdata/render/*.md")
	for _, name := range renders {
		data, _ := os.ReadFile(name)
		f.Add(data)
	}
	f.Add([]byte("\xef\xbb\xbf---\r\ntitle: x\r\ndate: 2026-01-02\r\n---\r\n"))

	dir := f.TempDir()
	blog := filepath.Join(dir, "content", "blog")
	if err := os.MkdirAll(filepath.Join(blog, "img"), 0o755); err != nil {
		f.Fatal(err)
	}
	for name, data := range map[string]string{
		"other.md":    "---\ntitle: Other\ndate: 2026-01-02\n---\n",
		"img/dot.svg": `<svg xmlns="http://www.w3.org/2000/svg"/>`,
	} {
		if err := os.WriteFile(filepath.Join(blog, name), []byte(data), 0o644); err != nil {
			f.Fatal(err)
		}
	}
	cfg := &Config{Dir: dir, Collections: []Collection{{Name: "blog", Required: []string{"author"}}}}
	cfg.fill()
	tree, err := OpenTree(cfg)
	if err != nil {
		f.Fatal(err)
	}
	l := &loader{cfg: cfg, tree: tree, assets: map[string]*Asset{}, r: render.Shared()}
	fl := file{col: &cfg.Collections[0], path: filepath.Join(blog, "fuzz.md"), rel: "blog/fuzz.md"}

	f.Fuzz(func(t *testing.T, src []byte) {
		e, problems := l.parse(fl, src)
		if e == nil && len(problems) == 0 {
			t.Fatal("no entry and no problem")
		}
		if e != nil && len(problems) > 0 {
			t.Fatalf("an entry and problems: %v", problems)
		}
		lines := bytes.Count(src, []byte("\n")) + 1
		for _, p := range problems {
			if p.Line < 1 || p.Col < 1 || p.Line > lines || p.Msg == "" || p.Path != fl.path {
				t.Errorf("problem out of the file (%d lines): %s", lines, p)
			}
		}
	})
}

// archiveEntries returns the Markdown files of a txtar archive.
func archiveEntries(data []byte) [][]byte {
	var out [][]byte
	var cur *bytes.Buffer
	for _, line := range bytes.SplitAfter(data, []byte("\n")) {
		l := strings.TrimSpace(string(line))
		if strings.HasPrefix(l, "-- ") && strings.HasSuffix(l, " --") {
			cur = nil
			if strings.HasSuffix(l, ".md --") || strings.HasSuffix(l, ".markdown --") {
				cur = new(bytes.Buffer)
				out = append(out, nil)
			}
			continue
		}
		if cur != nil {
			cur.Write(line)
			out[len(out)-1] = cur.Bytes()
		}
	}
	return out
}
