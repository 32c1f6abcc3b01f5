package syncer_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/axctl/axctl/internal/content"
	"github.com/axctl/axctl/internal/store"
	"github.com/axctl/axctl/internal/syncer"
)

// TestDevIncrementalMatchesFreshSync is the oracle for `axctl dev`'s
// incremental path: one render cache and one DirStore kept across saves
// (Validate with KeepLater, Publish, then Built.KeepCache after the
// "reload" as dev does, or Keep as when dev stops; the store's ETag memo),
// and each Validate told which files changed since the last one (ValidateOptions.Unchanged, what dev learns
// from file events: the files written, removed or renamed, and the folders
// renamed), through random edit sequences: bodies, titles, tags, dates, new
// and deleted entries, renamed entries and folders, draft toggles, links
// between entries whose targets go away and come back, config edits (dev
// opens a new cache for those), and some saves never kept, as when dev
// stops between sync and save. After every save the problems and warnings
// must be a fresh Validate's, and, when there are none, the dev bucket must
// equal, byte for byte (bodies and attributes), the bucket a fresh `axctl
// sync` without a cache writes. AXCTL_DEV_ORACLE_SEED runs one seed.
func TestDevIncrementalMatchesFreshSync(t *testing.T) {
	seeds := []uint64{16, 17, 18, 19}
	if v := os.Getenv("AXCTL_DEV_ORACLE_SEED"); v != "" {
		seed, _ := strconv.ParseUint(v, 10, 64)
		seeds = []uint64{seed}
	}
	for _, seed := range seeds {
		t.Run(fmt.Sprint(seed), func(t *testing.T) { devOracle(t, seed) })
	}
}

func devOracle(t *testing.T, seed uint64) {
	r := rand.New(rand.NewPCG(seed, 2))
	s := newSite(t, 3)
	words := []string{"cache", "worker", "bucket", "search", "deploy", "preview", "lease", "shard"}
	// Entries live at content/<col>/<folder><name>.md; folder is "" or
	// "sub/" (blog only: a folder the test renames to "sub2/" and back).
	sub := "sub"
	where := map[int]string{} // entry number → its path relative to content/, when live
	changed := map[string]bool{}
	linkTo := map[int]string{} // entry number → the path its link names
	touch := func(rel string) { changed[rel] = true }
	name := func(i int) string {
		col := []string{"blog", "docs"}[i%2]
		if col == "blog" && i%3 == 0 {
			return col + "/" + sub + "/" + fmt.Sprintf("e%02d.md", i)
		}
		return col + "/" + fmt.Sprintf("e%02d.md", i)
	}
	write := func(i int) {
		rel := where[i]
		if rel == "" {
			rel = name(i)
		}
		a := r.IntN(len(words))
		front := fmt.Sprintf("title: \"Entry %d %s\"\ndate: 2026-0%d-%02d\ntags: [%s, %s]\n", i, words[r.IntN(len(words))],
			1+r.IntN(9), 1+r.IntN(28), words[a], words[(a+1+r.IntN(len(words)-1))%len(words)])
		if r.IntN(6) == 0 {
			front += "draft: true\n"
		}
		body := fmt.Sprintf("About %s and %s, edit %d.\n\n## %s\n\nMore %s.", words[r.IntN(len(words))], words[r.IntN(len(words))], r.IntN(1000), words[r.IntN(len(words))], words[r.IntN(len(words))])
		delete(linkTo, i)
		if j := r.IntN(36); r.IntN(3) == 0 && where[j] != "" && j != i { // a link to another entry
			if up, err := filepath.Rel(path.Dir(rel), where[j]); err == nil {
				body += fmt.Sprintf("\n\nSee [entry %d](%s).", j, filepath.ToSlash(up))
				linkTo[i] = where[j]
			}
		}
		s.write("content/"+rel, "---\n"+front+"---\n\n"+body+"\n")
		where[i] = rel
		touch(rel)
	}
	for i := range 30 {
		write(i)
	}
	cfg := s.config()
	ctx := context.Background()
	prepared := &syncer.PreparedDocs{}
	openCache := func() *content.Cache {
		c, err := content.OpenCache(filepath.Join(s.dir, ".axctl", "cache"), cfg)
		if err != nil {
			t.Fatal(err)
		}
		c.Watch()
		return c
	}
	cache := openCache()
	all := true // the first save knows nothing; a config edit opens a new cache
	devBucket, err := store.NewDirStore(filepath.Join(s.dir, ".axctl", "bucket"))
	if err != nil {
		t.Fatal(err)
	}
	var ops []string
	broken := false
	for save := range 16 {
		ops = ops[:0]
		if broken && r.IntN(2) == 0 { // mend the links whose target went
			live := map[string]bool{}
			for _, rel := range where {
				live[rel] = true
			}
			for i, to := range linkTo {
				if !live[to] && where[i] != "" {
					ops = append(ops, "mend "+where[i])
					write(i)
				}
			}
		}
		for range 1 + r.IntN(3) {
			i := r.IntN(36)
			switch op := r.IntN(10); {
			case op < 5 || where[i] == "": // edit, or add a new entry
				ops = append(ops, "write "+name(i))
				write(i)
			case op == 5: // delete
				ops = append(ops, "remove "+where[i])
				s.remove("content/" + where[i])
				touch(where[i])
				delete(where, i)
			case op == 6: // rename the file (a new slug: its old URL goes)
				old := where[i]
				nu := strings.TrimSuffix(old, ".md") + "r.md"
				if strings.HasSuffix(old, "r.md") {
					nu = strings.TrimSuffix(old, "r.md") + ".md"
				}
				ops = append(ops, "rename "+old+" "+nu)
				if err := os.Rename(filepath.Join(s.dir, "content", old), filepath.Join(s.dir, "content", nu)); err != nil {
					t.Fatal(err)
				}
				touch(old)
				touch(nu)
				where[i] = nu
			case op == 7: // rename the blog's sub folder: events name the folders only
				nu := map[string]string{"sub": "sub2", "sub2": "sub"}[sub]
				ops = append(ops, "rename folder "+sub+" "+nu)
				if err := os.Rename(filepath.Join(s.dir, "content", "blog", sub), filepath.Join(s.dir, "content", "blog", nu)); err != nil {
					t.Fatal(err)
				}
				touch("blog/" + sub)
				touch("blog/" + nu)
				for j, rel := range where {
					if strings.HasPrefix(rel, "blog/"+sub+"/") {
						where[j] = "blog/" + nu + "/" + strings.TrimPrefix(rel, "blog/"+sub+"/")
					}
				}
				sub = nu
			case op == 8: // a config edit
				ops = append(ops, "config")
				raw, err := os.ReadFile(filepath.Join(s.dir, "axctl.yaml"))
				if err != nil {
					t.Fatal(err)
				}
				s.write("axctl.yaml", strings.Replace(string(raw), "pageSize: "+strconv.Itoa(cfg.PageSize), "pageSize: "+strconv.Itoa(2+r.IntN(3)), 1))
				cfg = s.config()
				cache, all = openCache(), true
			default: // an unchanged save (an editor writing the same bytes)
				if where[i] != "" {
					ops = append(ops, "touch "+where[i])
					raw, err := os.ReadFile(filepath.Join(s.dir, "content", where[i]))
					if err != nil {
						t.Fatal(err)
					}
					s.write("content/"+where[i], string(raw))
					touch(where[i])
				}
			}
		}
		var unchanged func(string) bool
		if !all {
			seen := changed
			unchanged = func(rel string) bool {
				for p := rel; ; p = path.Dir(p) {
					if seen[p] {
						return false
					}
					if !strings.Contains(p, "/") {
						return true
					}
				}
			}
		}
		changed, all = map[string]bool{}, false
		what := fmt.Sprintf("seed %d, save %d (%s)", seed, save, strings.Join(ops, "; "))
		built, ps, err := syncer.Validate(ctx, cfg, syncer.ValidateOptions{Cache: cache, KeepLater: true, Prepared: prepared, Unchanged: unchanged})
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		fresh, fps, err := syncer.Validate(ctx, s.config(), syncer.ValidateOptions{})
		if err != nil {
			t.Fatalf("%s: fresh: %v", what, err)
		}
		if got, want := problemStrings(ps), problemStrings(fps); !slices.Equal(got, want) {
			t.Fatalf("%s: problems\ndev   %q\nfresh %q", what, got, want)
		}
		if broken = len(ps) > 0; broken {
			continue // dev writes nothing and shows the problems
		}
		if got, want := problemStrings(built.Warnings), problemStrings(fresh.Warnings); !slices.Equal(got, want) {
			t.Fatalf("%s: warnings\ndev   %q\nfresh %q", what, got, want)
		}
		if _, err := syncer.Publish(ctx, built, devBucket, syncer.Options{MaxDeletes: -1, Concurrency: 4, LeaseFirst: true}); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		switch r.IntN(4) {
		case 0: // dev stopped before saving
		case 1: // dev stopping: the index too
			if err := built.Keep(); err != nil {
				t.Fatal(err)
			}
		default: // after the reload
			if err := built.KeepCache(); err != nil {
				t.Fatal(err)
			}
		}
		freshBucket, err := store.NewDirStore(filepath.Join(t.TempDir(), "fresh"))
		if err != nil {
			t.Fatal(err)
		}
		run(t, s, freshBucket)
		got, want := snapshot(t, devBucket), snapshot(t, freshBucket)
		for _, k := range keysOf(want) {
			g, ok := got[k]
			switch {
			case !ok:
				t.Fatalf("%s: dev bucket lacks %s", what, k)
			case !bytes.Equal(g.Body, want[k].Body) || !reflect.DeepEqual(g.Attrs, want[k].Attrs):
				t.Fatalf("%s: %s differs:\ndev   %s %+v\nfresh %s %+v", what, k, g.Body, g.Attrs, want[k].Body, want[k].Attrs)
			}
		}
		for _, k := range keysOf(got) {
			if _, ok := want[k]; !ok {
				t.Fatalf("%s: dev bucket keeps %s, which a fresh sync does not write", what, k)
			}
		}
	}
}

func problemStrings(ps []content.Problem) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.String()
	}
	return out
}
