package content

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

type cacheSite struct {
	t    *testing.T
	dir  string
	cfg  *Config
	root string
}

func newCacheSite(t *testing.T) *cacheSite {
	dir := t.TempDir()
	s := &cacheSite{t: t, dir: dir, root: filepath.Join(dir, "content")}
	s.write("axctl.yaml", "collections:\n  - name: blog\n")
	s.write("content/blog/a.md", "---\ntitle: A\ndate: 2026-01-01\nfeatures: {syntax: [code]}\n---\n\n![pic](pic.svg) [b](b.md)\n\n```go\npackage a\n```\n")
	s.write("content/blog/b.md", "---\ntitle: B\ndate: 2026-01-02\nfeatures: {syntax: [code]}\n---\n\n```go\npackage b\n```\n")
	s.write("content/blog/pic.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>")
	cfg, err := LoadConfig(filepath.Join(dir, "axctl.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	s.cfg = cfg
	return s
}

func (s *cacheSite) write(rel, body string) {
	p := filepath.Join(s.dir, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		s.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		s.t.Fatal(err)
	}
}

// load runs Load with a fresh Cache opened from disk, as two syncs would,
// and returns the entries by slug, the problems and the chroma calls made.
func (s *cacheSite) load() (map[string]*Entry, []Problem, int64) {
	s.t.Helper()
	c, err := OpenCache(filepath.Join(s.dir, ".axctl", "cache"), s.cfg)
	if err != nil {
		s.t.Fatal(err)
	}
	calls := int64(0)
	got := map[string]*Entry{}
	problems, err := Load(context.Background(), s.cfg, Options{Cache: c}, func(e *Entry) error {
		got[e.Slug] = e
		calls += int64(e.Highlighted)
		return nil
	})
	if err != nil {
		s.t.Fatal(err)
	}
	if len(problems) == 0 {
		if err := c.Save(); err != nil {
			s.t.Fatal(err)
		}
	}
	return got, problems, calls
}

func TestCacheSkipsUnchangedEntries(t *testing.T) {
	s := newCacheSite(t)
	first, problems, calls := s.load()
	if len(problems) > 0 || calls != 2 {
		t.Fatalf("first load: problems %v, chroma calls %d, want 2", problems, calls)
	}
	for slug, e := range first {
		if e.HTML != nil || e.BodyFile == "" || e.BodyMD5 == "" {
			t.Fatalf("%s: body not moved to the cache (%v %q)", slug, e.HTML != nil, e.BodyFile)
		}
	}
	second, _, calls := s.load()
	if calls != 0 {
		t.Fatalf("unchanged tree rendered again: %d chroma calls", calls)
	}
	for slug, e := range first {
		if second[slug].Record.Hash != e.Record.Hash || second[slug].BodyFile != e.BodyFile || len(second[slug].Assets) != len(e.Assets) {
			t.Fatalf("%s: cached entry differs from the rendered one", slug)
		}
	}

	// A touched but identical file is recognised by its bytes.
	later := time.Now().Add(time.Hour)
	_ = os.Chtimes(filepath.Join(s.root, "blog/b.md"), later, later)
	if _, _, calls := s.load(); calls != 0 {
		t.Fatalf("touched file rendered again: %d chroma calls", calls)
	}

	// An edited file is rendered again; the other is not.
	s.write("content/blog/b.md", "---\ntitle: B2\ndate: 2026-01-02\nfeatures: {syntax: [code]}\n---\n\n```go\npackage b2\n```\n")
	third, _, calls := s.load()
	if calls != 1 || third["b"].Record.Title != "B2" {
		t.Fatalf("edit: %d chroma calls, title %q", calls, third["b"].Record.Title)
	}

	// A changed image changes the entry that shows it.
	s.write("content/blog/pic.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"2\"/>")
	fourth, _, calls := s.load()
	if calls != 1 || fourth["a"].Assets[0].Key == first["a"].Assets[0].Key {
		t.Fatalf("image change: %d chroma calls, asset %v", calls, fourth["a"].Assets)
	}

	// A deleted link target is a problem again, not hidden by the cache.
	if err := os.Remove(filepath.Join(s.root, "blog/b.md")); err != nil {
		t.Fatal(err)
	}
	_, problems, _ = s.load()
	if len(problems) != 1 || !strings.Contains(problems[0].Msg, "does not exist") {
		t.Fatalf("deleted link target: problems %v", problems)
	}
}

// TestCacheServesManyRuns uses one Cache for several loads, as axctl dev
// does: what a run saved is what the next run reuses, so an edit renders
// one entry, not every entry again.
func TestCacheServesManyRuns(t *testing.T) {
	s := newCacheSite(t)
	c, err := OpenCache(filepath.Join(s.dir, ".axctl", "cache"), s.cfg)
	if err != nil {
		t.Fatal(err)
	}
	run := func() int64 {
		t.Helper()
		calls := int64(0)
		problems, err := Load(context.Background(), s.cfg, Options{Cache: c}, func(e *Entry) error { calls += int64(e.Highlighted); return nil })
		if err != nil || len(problems) > 0 {
			t.Fatalf("load: %v %v", err, problems)
		}
		if err := c.Save(); err != nil {
			t.Fatal(err)
		}
		return calls
	}
	if calls := run(); calls != 2 {
		t.Fatalf("first run: %d chroma calls, want 2", calls)
	}
	for i := range 3 {
		if calls := run(); calls != 0 {
			t.Fatalf("unchanged run %d: %d chroma calls, want 0", i, calls)
		}
		s.write("content/blog/b.md", fmt.Sprintf("---\ntitle: B%d\ndate: 2026-01-02\nfeatures: {syntax: [code]}\n---\n\n```go\npackage b%d\n```\n", i, i))
		if calls := run(); calls != 1 {
			t.Fatalf("edit %d: %d chroma calls, want 1", i, calls)
		}
	}
}

func TestCacheIgnoresAnotherConfig(t *testing.T) {
	s := newCacheSite(t)
	s.load()
	s.cfg.Collections[0].Route = "/posts"
	got, _, calls := s.load()
	if calls != 2 || got["a"].Record.URL != "/posts/a" {
		t.Fatalf("config change: %d chroma calls, url %q", calls, got["a"].Record.URL)
	}
}

// TestCacheKeepsNoEntryWithWarnings: an entry whose code block fell back to
// plain text (the lexer looped, or time ran out) is rendered again on the
// next run, so its warning is shown again and a faster run can highlight it.
func TestCacheKeepsNoEntryWithWarnings(t *testing.T) {
	s := newCacheSite(t)
	s.write("content/blog/b.md", "---\ntitle: B\ndate: 2026-01-02\nfeatures: {syntax: [code]}\n---\n\n```jsonata\n\"\n```\n")
	for run := 1; run <= 2; run++ {
		c, err := OpenCache(filepath.Join(s.dir, ".axctl", "cache"), s.cfg)
		if err != nil {
			t.Fatal(err)
		}
		var warnings []Problem
		calls := int64(0)
		problems, err := Load(context.Background(), s.cfg, Options{Cache: c, Warn: func(p Problem) { warnings = append(warnings, p) }}, func(e *Entry) error { calls += int64(e.Highlighted); return nil })
		if err != nil || len(problems) > 0 {
			t.Fatalf("run %d: %v %v", run, problems, err)
		}
		if err := c.Save(); err != nil {
			t.Fatal(err)
		}
		if len(warnings) != 1 || !strings.Contains(warnings[0].String(), "b.md:7:1: warning: code block not highlighted as \"jsonata\"") {
			t.Fatalf("run %d: warnings %v", run, warnings)
		}
		if want := map[int]int64{1: 2, 2: 1}[run]; calls != want { // a.md is cached on the second run
			t.Fatalf("run %d: %d chroma calls, want %d", run, calls, want)
		}
	}
}

// TestCacheEntryEqualsRendered: an entry the cache gives back has the
// frontmatter, record and metadata of the same entry rendered afresh, for
// every kind of frontmatter field (the cache keeps only the record and
// rebuilds the rest).
func TestCacheEntryEqualsRendered(t *testing.T) {
	s := newCacheSite(t)
	s.write("content/blog/full.md", "---\ntitle: \"Café: full\"\ndate: 2026-01-03T10:11:12+02:00\n"+
		"publishDate: 2026-01-04\nexpires: 2099-05-06T07:08:09.5Z\nauthor: Zoë\ndescription: All of it.\n"+
		"tags: [Go, \"Édition\", a b]\ntemplate: post\nslug: full-one\naliases: [/old/full]\nsource: https://example.com/src\nfeatures: {syntax: [code]}\n---\n\n"+
		"# Title\n\n## One\n\ntext\n\n### Two\n\n```go\npackage x\n```\n")
	s.write("content/blog/draft.md", "---\ntitle: D\ndate: 2026-01-05\ndraft: true\n---\n\nDraft.\n")
	fresh := map[string]*Entry{}
	if ps, err := Load(context.Background(), s.cfg, Options{}, func(e *Entry) error { fresh[e.Slug] = e; return nil }); err != nil || len(ps) > 0 {
		t.Fatal(ps, err)
	}
	s.load()
	cached, problems, calls := s.load()
	if len(problems) > 0 || calls != 0 || len(cached) != len(fresh) {
		t.Fatalf("second load: problems %v, %d chroma calls, %d entries (want %d)", problems, calls, len(cached), len(fresh))
	}
	for slug, want := range fresh {
		got := cached[slug]
		if !reflect.DeepEqual(got.Front, want.Front) {
			t.Errorf("%s: front\n got %+v\nwant %+v", slug, got.Front, want.Front)
		}
		if !reflect.DeepEqual(got.Record, want.Record) || !maps.Equal(got.Metadata(), want.Metadata()) {
			t.Errorf("%s: record or metadata differ\n got %+v\nwant %+v", slug, got.Record, want.Record)
		}
	}
}

// TestUnchangedFilesAreNotRead checks what Options.Unchanged trusts: a file
// the caller says is unchanged since the last Load with the Cache is taken
// from that Load without being stat'd, so an edit the caller does not
// report is not seen (here, on purpose); the file reported is read, and so
// is every file when the last Load with the Cache did not finish or there
// was none.
func TestUnchangedFilesAreNotRead(t *testing.T) {
	s := newCacheSite(t)
	c, err := OpenCache(filepath.Join(s.dir, ".axctl", "cache"), s.cfg)
	if err != nil {
		t.Fatal(err)
	}
	c.Watch()
	load := func(unchanged func(string) bool) map[string]string {
		t.Helper()
		titles := map[string]string{}
		problems, err := Load(context.Background(), s.cfg, Options{Cache: c, Unchanged: unchanged}, func(e *Entry) error {
			titles[e.Slug] = e.Record.Title
			return nil
		})
		if err != nil || len(problems) > 0 {
			t.Fatal(err, problems)
		}
		if err := c.Save(); err != nil {
			t.Fatal(err)
		}
		return titles
	}
	nothing := func(string) bool { return true }
	if got := load(nothing); got["a"] != "A" || got["b"] != "B" { // no Load before: every file read
		t.Fatalf("first load: %v", got)
	}
	s.write("content/blog/a.md", "---\ntitle: A2\ndate: 2026-01-01\n---\n\nNew body, longer than before.\n")
	s.write("content/blog/b.md", "---\ntitle: B2\ndate: 2026-01-02\n---\n\nNew body, longer than before.\n")
	if got := load(func(rel string) bool { return rel != "blog/b.md" }); got["a"] != "A" || got["b"] != "B2" {
		t.Fatalf("a reported unchanged, b changed: got %v, want a's last (A) and b's new (B2)", got)
	}
	if got := load(nil); got["a"] != "A2" || got["b"] != "B2" {
		t.Fatalf("nothing known: got %v, want every file read", got)
	}
	// A link to a file reported changed is looked up again: removed, it
	// is a problem though the entry that links to it is reported unchanged.
	s.write("content/blog/a.md", "---\ntitle: A3\ndate: 2026-01-01\n---\n\n[b](b.md)\n")
	load(nil)
	if err := os.Remove(filepath.Join(s.root, "blog/b.md")); err != nil {
		t.Fatal(err)
	}
	problems, err := Load(context.Background(), s.cfg, Options{Cache: c, Unchanged: func(rel string) bool { return rel != "blog/b.md" }}, nil)
	if err != nil || len(problems) != 1 || !strings.Contains(problems[0].Msg, "does not exist") {
		t.Fatalf("link to a removed file: %v %v", err, problems)
	}
}

// TestStampsKeptOnlyWhenWatching checks that a Cache not told to Watch (a
// one-shot sync) keeps no file stamps after a Load, and so trusts none:
// an edit Options.Unchanged does not report is read all the same.
func TestStampsKeptOnlyWhenWatching(t *testing.T) {
	for _, watch := range []bool{false, true} {
		s := newCacheSite(t)
		c, err := OpenCache(filepath.Join(s.dir, ".axctl", "cache"), s.cfg)
		if err != nil {
			t.Fatal(err)
		}
		if watch {
			c.Watch()
		}
		titles := map[string]string{}
		load := func() {
			t.Helper()
			problems, err := Load(context.Background(), s.cfg, Options{Cache: c, Unchanged: func(string) bool { return true }}, func(e *Entry) error {
				titles[e.Slug] = e.Record.Title
				return nil
			})
			if err != nil || len(problems) > 0 {
				t.Fatal(err, problems)
			}
			if err := c.Save(); err != nil {
				t.Fatal(err)
			}
		}
		load()
		if got := len(c.seen); watch && got == 0 || !watch && got != 0 {
			t.Errorf("watch=%v: %d stamps kept after a Load", watch, got)
		}
		s.write("content/blog/a.md", "---\ntitle: A2\ndate: 2026-01-01\n---\n\nNew body, longer than before.\n")
		load()
		if want := map[bool]string{false: "A2", true: "A"}[watch]; titles["a"] != want {
			t.Errorf("watch=%v: a's title after an unreported edit is %q, want %q", watch, titles["a"], want)
		}
	}
}

// TestCacheKeepsWarnedEntries: an entry whose warnings depend on its file
// alone (a remote image, a wiki link, a link to no heading) is reused by
// the next run, which reports the same warnings, in the same order, at the
// same places, without rendering it; an edit renders it again and reports
// the edit's warnings.
func TestCacheKeepsWarnedEntries(t *testing.T) {
	s := newCacheSite(t)
	s.write("content/blog/w.md", "---\ntitle: W\ndate: 2026-01-03\n---\n\n![x](https://example.com/a.png) [[Page]]\n\n[x](#nope)\n")
	run := func() ([]string, int, int) {
		t.Helper()
		c, err := OpenCache(filepath.Join(s.dir, ".axctl", "cache"), s.cfg)
		if err != nil {
			t.Fatal(err)
		}
		var warnings []string
		problems, err := Load(context.Background(), s.cfg, Options{Cache: c, Warn: func(p Problem) { warnings = append(warnings, p.String()) }}, nil)
		if err != nil || len(problems) > 0 {
			t.Fatalf("load: %v %v", problems, err)
		}
		reused, rendered := c.nreused, len(c.fresh)
		if err := c.Save(); err != nil {
			t.Fatal(err)
		}
		return warnings, reused, rendered
	}
	cold, _, rendered := run()
	if len(cold) != 3 || rendered != 3 {
		t.Fatalf("cold: %d rendered, warnings %q", rendered, cold)
	}
	warm, reused, rendered := run()
	if reused != 3 || rendered != 0 || !reflect.DeepEqual(warm, cold) {
		t.Fatalf("warm: %d reused, %d rendered, warnings\n%q\nwant\n%q", reused, rendered, warm, cold)
	}
	s.write("content/blog/w.md", "---\ntitle: W\ndate: 2026-01-03\n---\n\nText.\n\n[[Other]]\n")
	edited, reused, rendered := run()
	if reused != 2 || rendered != 1 || len(edited) != 1 || !strings.Contains(edited[0], "w.md:8:1: warning: wiki link \"[[Other]]\"") {
		t.Fatalf("edit: %d reused, %d rendered, warnings %q", reused, rendered, edited)
	}
}
