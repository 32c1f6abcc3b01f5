package syncer_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/axctl/axctl/internal/contract"
	"github.com/axctl/axctl/internal/manifest"
	"github.com/axctl/axctl/internal/store"
	"github.com/axctl/axctl/internal/syncer"
	"github.com/axctl/axctl/internal/testutil/synctest"
)

// undatedEntry is one entry of the undated oracle site, as truth.json
// lists it for worker/test/undated.test.mjs.
type undatedEntry struct {
	Collection  string   `json:"collection"`
	Slug        string   `json:"slug"`
	URL         string   `json:"url"`
	Title       string   `json:"title"`
	Weight      int      `json:"weight,omitempty"`
	Date        string   `json:"date,omitempty"`
	Tags        []string `json:"tags,omitempty"`
	PublishDate string   `json:"publishDate,omitempty"`
}

// writeUndatedSite writes a site with a dated collection (blog) and an
// undated one (docs, sortBy: weight, page size 3) whose entries draw
// repeated, missing, zero and negative weights, titles equal but for ASCII
// case, titles where UTF-16 and code point order disagree, some with a
// date (checked, then dropped), some scheduled past now, tags shared with
// the blog. It returns the site and what each entry is.
func writeUndatedSite(t *testing.T, dir string, seed uint64) (*site, []undatedEntry) {
	r := rand.New(rand.NewPCG(seed, 16))
	s := &site{t: t, dir: dir}
	s.write("axctl.yaml", "site:\n  title: Undated oracle\n  baseURL: https://oracle.example\ncontent: content\npageSize: 3\n"+
		"collections:\n  - name: blog\n  - name: docs\n    template: doc\n    sortBy: weight\n")
	var out []undatedEntry
	for i := range 4 {
		e := undatedEntry{Collection: "blog", Slug: fmt.Sprintf("post-%d", i), Title: fmt.Sprintf("Post %d", i), Date: fmt.Sprintf("2026-01-0%dT00:00:00Z", i+1), Tags: []string{"shared"}}
		s.entry("blog", e.Slug, e.Title, e.Date[:10], "Body.", "tags: [shared]")
		out = append(out, e)
	}
	words := []string{"Setup", "setup", "Zebra", "apple", "Ärger", "\uff21pi", "\U0001F600 smile", "api", "API"}
	n := 18 + r.IntN(10)
	for i := range n {
		e := undatedEntry{Collection: "docs", Slug: fmt.Sprintf("d%02d", r.IntN(100)*100+i), Title: words[r.IntN(len(words))]}
		if r.IntN(2) == 0 {
			e.Title += " " + words[r.IntN(len(words))]
		}
		front := []string{"title: " + strconv.Quote(e.Title)}
		switch w := []int{-1, 0, 1, 2, 2, 5, 7, 1000000000}[r.IntN(8)]; {
		case r.IntN(5) == 0: // no weight at all
		default:
			e.Weight = w
			front = append(front, fmt.Sprintf("weight: %d", w))
		}
		if r.IntN(4) == 0 {
			front = append(front, "date: 2025-06-0"+strconv.Itoa(1+r.IntN(9)))
		}
		if r.IntN(3) == 0 {
			e.Tags = []string{"shared"}
			front = append(front, "tags: [shared]")
		}
		if r.IntN(7) == 0 {
			e.PublishDate = "2099-01-01T00:00:00Z"
			front = append(front, "publishDate: "+e.PublishDate)
		}
		s.write(entryPath("docs", e.Slug), "---\n"+strings.Join(front, "\n")+"\n---\n\nBody of "+e.Slug+".\n")
		out = append(out, e)
	}
	for i := range out {
		out[i].URL = "/" + out[i].Collection + "/" + out[i].Slug
		if out[i].Collection == "docs" {
			out[i].Date = ""
		}
	}
	return s, out
}

// TestUndatedSite writes the site worker/test/undated.test.mjs checks (its
// oracle for undated collections): it runs only when that test asks, with
// AXCTL_UNDATED_SITE (the directory to write) and AXCTL_UNDATED_SEED. It
// writes DIR/bucket (the dir store) and DIR/truth.json.
func TestUndatedSite(t *testing.T) {
	dir := os.Getenv("AXCTL_UNDATED_SITE")
	if dir == "" {
		t.Skip("run by worker/test/undated.test.mjs")
	}
	seed, _ := strconv.ParseUint(os.Getenv("AXCTL_UNDATED_SEED"), 10, 64)
	s, truth := writeUndatedSite(t, filepath.Join(dir, "site"), seed)
	storage, err := store.NewDirStore(filepath.Join(dir, "bucket"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := synctest.Run(t.Context(), s.config(), storage, syncer.Options{MaxDeletes: -1}); err != nil {
		t.Fatal(err)
	}
	b, err := json.MarshalIndent(map[string]any{"entries": truth}, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "truth.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestUndatedSync syncs an undated collection: its entry objects carry a
// weight and no date (a date in the frontmatter is dropped), the manifests
// are what a rebuild from that metadata alone makes, byte for byte, and a
// second sync plans nothing.
func TestUndatedSync(t *testing.T) {
	s, truth := writeUndatedSite(t, t.TempDir(), 7)
	storage, err := store.NewDirStore(filepath.Join(t.TempDir(), "bucket"))
	if err != nil {
		t.Fatal(err)
	}
	run(t, s, storage)
	objs := snapshot(t, storage)
	for _, e := range truth {
		if e.Collection != "docs" {
			continue
		}
		m := objs[manifest.EntryKey("docs", e.Slug)].Attrs.Metadata
		want := ""
		if e.Weight != 0 {
			want = strconv.Itoa(e.Weight)
		}
		if _, dated := m[contract.MetaDate]; dated || m[contract.MetaWeight] != want {
			t.Errorf("%s: metadata %v, want weight %q and no date", e.Slug, m, want)
		}
	}
	cfg := s.config()
	records, err := syncer.ReadRecords(t.Context(), storage, syncer.Collections(cfg), 4)
	if err != nil {
		t.Fatal(err)
	}
	built, err := manifest.Build(manifest.Site{Title: cfg.Site.Title, BaseURL: cfg.Site.BaseURL}, syncer.Collections(cfg), records, cfg.PageSize)
	if err != nil {
		t.Fatal(err)
	}
	for k, b := range built {
		if !bytes.Equal(objs[k].Body, b) {
			t.Errorf("%s: sync wrote\n%s\nrebuild gives\n%s", k, objs[k].Body, b)
		}
	}
	if rep := run(t, s, storage); !rep.Plan.Empty() {
		t.Fatalf("second sync plans %s", rep.Plan)
	}
}
