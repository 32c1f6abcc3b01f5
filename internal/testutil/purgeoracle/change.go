package purgeoracle

import (
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// Kinds are the changes the oracle draws from, as issue 15 lists them,
// and those session 9 added: an entry moved to another collection, a
// frontmatter slug set, an alias added, a publishDate or expires window
// set or cleared, and a tag renamed on every entry that carries it.
var Kinds = []string{"new", "edit", "retitle", "retag", "delete", "draft", "date", "rename", "move", "slug", "alias", "window", "tagrename"}

// Changer makes random changes to the Markdown entries of a content tree.
type Changer struct {
	R       *rand.Rand
	Content string   // the content directory
	Cols    []string // collection directories under Content
	Tags    []string // tag names to draw from
	n       int
}

// Change applies one random change and names it (kind, then the file).
func (c *Changer) Change(t testing.TB) (kind, what string) {
	t.Helper()
	files := c.entries(t)
	kind = Kinds[c.R.IntN(len(Kinds))]
	if len(files) < 3 {
		kind = "new"
	}
	c.n++
	if kind == "new" {
		col := c.Cols[c.R.IntN(len(c.Cols))]
		p := filepath.Join(c.Content, col, fmt.Sprintf("oracle-new-%d.md", c.n))
		write(t, p, fmt.Sprintf("---\ntitle: %q\ndate: %s\ntags: [%s]\n---\n\nA new entry %d.\n", fmt.Sprintf("New entry %d", c.n), c.Date(), c.tagList(), c.n))
		return kind, rel(c.Content, p)
	}
	p := files[c.R.IntN(len(files))]
	if kind == "tagrename" {
		return kind, c.renameTag(t, files)
	}
	if kind == "delete" || kind == "rename" || kind == "draft" || kind == "move" || kind == "slug" || kind == "window" {
		// Another entry's Markdown link to p would no longer resolve (validate refuses it).
		free := slices.DeleteFunc(slices.Clone(files), func(f string) bool { return linked(files, f) || kind == "move" && unmovable(f) })
		if len(free) == 0 {
			kind = "edit"
		} else {
			p = free[c.R.IntN(len(free))]
		}
	}
	switch kind {
	case "delete":
		if err := os.Remove(p); err != nil {
			t.Fatal(err)
		}
	case "rename":
		to := filepath.Join(filepath.Dir(p), fmt.Sprintf("oracle-renamed-%d.md", c.n))
		if err := os.Rename(p, to); err != nil {
			t.Fatal(err)
		}
		return kind, rel(c.Content, p) + " → " + rel(c.Content, to)
	case "edit":
		b, _ := os.ReadFile(p)
		write(t, p, string(b)+fmt.Sprintf("\nAn edit, number %d.\n", c.n))
	case "retitle":
		c.front(t, p, "title", fmt.Sprintf("%q", fmt.Sprintf("Retitled %d", c.n)))
	case "retag":
		c.front(t, p, "tags", "["+c.tagList()+"]")
	case "draft":
		b, _ := os.ReadFile(p)
		if strings.Contains(string(b), "\ndraft: true\n") {
			c.front(t, p, "draft", "false")
		} else {
			c.front(t, p, "draft", "true")
		}
	case "date":
		c.front(t, p, "date", c.Date())
	case "move":
		col := filepath.Base(filepath.Dir(p))
		others := slices.DeleteFunc(slices.Clone(c.Cols), func(x string) bool { return x == col })
		to := filepath.Join(c.Content, others[c.R.IntN(len(others))], fmt.Sprintf("oracle-moved-%d.md", c.n))
		if err := os.Rename(p, to); err != nil {
			t.Fatal(err)
		}
		return kind, rel(c.Content, p) + " → " + rel(c.Content, to)
	case "slug":
		c.front(t, p, "slug", fmt.Sprintf("oracle-slug-%d", c.n))
	case "alias":
		c.front(t, p, "aliases", fmt.Sprintf("[/oracle-old/alias-%d]", c.n))
	case "window":
		// Far from now (no page may change with the clock during a run).
		w := [][2]string{{"2099-01-01", "2099-06-01"}, {"2020-01-01", "2099-06-01"}, {"2020-01-01", "2098-01-01"}}[c.R.IntN(3)]
		c.front(t, p, "publishDate", w[0])
		c.front(t, p, "expires", w[1])
	}
	return kind, rel(c.Content, p)
}

// renameTag gives one tag in use a new name on every entry that has it
// (a one-line `tags: [...]`): its tag page empties (404) and another
// appears.
func (c *Changer) renameTag(t testing.TB, files []string) string {
	t.Helper()
	from := c.Tags[c.R.IntN(len(c.Tags))]
	to := fmt.Sprintf("renamed-%d", c.n)
	n := 0
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(string(b), "\n")
		for k, line := range lines {
			if k > 0 && line == "---" {
				break
			}
			list, ok := strings.CutPrefix(line, "tags: [")
			if !ok || !strings.HasSuffix(list, "]") {
				continue
			}
			var names []string
			hit := false
			for _, x := range strings.Split(strings.TrimSuffix(list, "]"), ",") {
				x = strings.Trim(strings.TrimSpace(x), `"`)
				if x == from {
					x, hit = to, true
				}
				if x != "" {
					names = append(names, fmt.Sprintf("%q", x))
				}
			}
			if hit {
				lines[k] = "tags: [" + strings.Join(names, ", ") + "]"
				write(t, p, strings.Join(lines, "\n"))
				n++
			}
			break
		}
	}
	if i := slices.Index(c.Tags, from); n > 0 && i >= 0 {
		c.Tags = slices.Clone(c.Tags) // the caller's list stays as it was
		c.Tags[i] = to
	}
	return fmt.Sprintf("tag %q → %q on %d entries", from, to, n)
}

// Date draws a date in 2024–2026, sometimes with a time of day.
func (c *Changer) Date() string {
	d := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(c.R.IntN(3*365)) * 24 * time.Hour)
	if c.R.IntN(2) == 0 {
		return d.Format("2006-01-02")
	}
	return d.Add(time.Duration(c.R.IntN(86400)) * time.Second).Format("2006-01-02T15:04:05Z")
}

func (c *Changer) tagList() string {
	var out []string
	for range c.R.IntN(4) {
		tg := c.Tags[c.R.IntN(len(c.Tags))]
		if !slices.Contains(out, tg) {
			out = append(out, tg)
		}
	}
	for i, tg := range out {
		out[i] = fmt.Sprintf("%q", tg)
	}
	return strings.Join(out, ", ")
}

// front sets one top-level frontmatter key of the entry at p.
func (c *Changer) front(t testing.TB, p, key, value string) {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(b), "\n")
	end := slices.Index(lines[1:], "---") + 1
	if lines[0] != "---" || end < 1 {
		t.Fatalf("%s: no frontmatter", p)
	}
	line := key + ": " + value
	for i := 1; i < end; i++ {
		if strings.HasPrefix(lines[i], key+":") {
			lines[i] = line
			write(t, p, strings.Join(lines, "\n"))
			return
		}
	}
	lines = slices.Insert(lines, end, line)
	write(t, p, strings.Join(lines, "\n"))
}

func (c *Changer) entries(t testing.TB) []string {
	t.Helper()
	var out []string
	for _, col := range c.Cols {
		err := filepath.WalkDir(filepath.Join(c.Content, col), func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(p, ".md") {
				out = append(out, p)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	slices.Sort(out)
	return out
}

// unmovable reports whether the entry at p cannot move to another
// collection as it is: a relative link or image would no longer resolve, a
// template may not be allowed there.
func unmovable(p string) bool {
	b, err := os.ReadFile(p)
	return err != nil || strings.Contains(string(b), "](") || strings.Contains(string(b), "src=") || strings.Contains(string(b), "\ntemplate:")
}

// linked reports whether an entry other than p names p's file.
func linked(files []string, p string) bool {
	for _, f := range files {
		if b, err := os.ReadFile(f); err == nil && f != p && strings.Contains(string(b), filepath.Base(p)) {
			return true
		}
	}
	return false
}

func write(t testing.TB, p, body string) {
	t.Helper()
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

func rel(root, p string) string {
	r, _ := filepath.Rel(root, p)
	return filepath.ToSlash(r)
}

// Generate writes a site of n entries in three collections under dir:
// random tags from tags, dates in 2024–2026, a few drafts and 2099 windows.
func Generate(t testing.TB, r *rand.Rand, dir string, n int, tags []string) *Changer {
	t.Helper()
	cols := []string{"blog", "notes", "docs"}
	write(t, filepath.Join(dir, "axctl.yaml"), "site:\n  title: Oracle site\n  baseURL: https://oracle.example\ncontent: content\npageSize: 10\ncollections:\n  - name: blog\n  - name: notes\n  - name: docs\n    template: doc\n")
	c := &Changer{R: r, Content: filepath.Join(dir, "content"), Cols: cols, Tags: tags}
	for _, col := range cols {
		if err := os.MkdirAll(filepath.Join(c.Content, col), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for i := range n {
		col := cols[r.IntN(len(cols))]
		extra := ""
		switch k := r.IntN(40); {
		case k == 0:
			extra = "draft: true\n"
		case k == 1:
			extra = "publishDate: 2099-01-01\n"
		case k == 2:
			extra = "expires: 2099-06-01\n"
		}
		write(t, filepath.Join(c.Content, col, fmt.Sprintf("e%04d.md", i)),
			fmt.Sprintf("---\ntitle: %q\ndate: %s\ntags: [%s]\n%s---\n\nBody of entry %d.\n", fmt.Sprintf("Entry %d", i), c.Date(), c.tagList(), extra, i))
	}
	return c
}
