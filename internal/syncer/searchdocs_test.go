package syncer_test

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/axctl/axctl/internal/content"
	"github.com/axctl/axctl/internal/plan"
	"github.com/axctl/axctl/internal/search"
	"github.com/axctl/axctl/internal/store"
	"github.com/axctl/axctl/internal/syncer"
)

// indexBytes is the bytes of each search index object of built.
func indexBytes(t *testing.T, built *syncer.Built) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for it := range built.Items() {
		if !search.IsKey(it.Key) {
			continue
		}
		b, err := itemBody(*it)
		if err != nil {
			t.Fatal(err)
		}
		if store.MD5Hex(b) != it.MD5 {
			t.Fatalf("%s: MD5 %s does not match its bytes", it.Key, it.MD5)
		}
		out[it.Key] = b
	}
	return out
}

// itemBody reads an item's body wherever it is: in memory, in a file, or
// streamed by Open (the sync's temporary manifests file).
func itemBody(it plan.Item) ([]byte, error) {
	switch {
	case it.Body != nil:
		return it.Body, nil
	case it.Open != nil:
		r, err := it.Open()
		if err != nil {
			return nil, err
		}
		defer r.Close()
		return io.ReadAll(r)
	}
	return os.ReadFile(it.SrcFile())
}

// TestSearchDocsCachedOracle edits, adds, moves and deletes random entries
// over several syncs with a kept render cache, and after each compares the
// index objects with those a fresh build without a cache makes. It counts
// the search docs made from bodies: one per entry added or changed, none
// for the others (their docs come from the render cache). Once the cache
// is reopened from disk every sync (axctl sync), once one Cache serves
// every sync (axctl dev).
func TestSearchDocsCachedOracle(t *testing.T) {
	for _, reopen := range []bool{true, false} {
		t.Run(fmt.Sprintf("reopen=%v", reopen), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(7, map[bool]uint64{true: 1, false: 2}[reopen]))
			s := newSite(t, 10)
			words := strings.Fields("alpha beta gamma delta café naïve straße résumé 東京 データ search index shard bucket token word prefix entry body title")
			text := func(n int) string {
				w := make([]string, n)
				for i := range w {
					w[i] = words[rng.IntN(len(words))]
				}
				return strings.Join(w, " ")
			}
			serial := 0
			// write writes entry col/slug with random metadata and body;
			// every write changes it (serial is unique).
			write := func(col, slug string) {
				serial++
				var extra []string
				if rng.IntN(2) == 0 {
					i := rng.IntN(8)
					extra = append(extra, fmt.Sprintf("tags: [%s, %s]", words[i], words[(i+1+rng.IntN(7))%8]))
				}
				if rng.IntN(2) == 0 {
					extra = append(extra, fmt.Sprintf("description: %q", text(1+rng.IntN(6))))
				}
				body := fmt.Sprintf("## %s\n\n%s serial%d\n\n%s\n", text(2), text(5+rng.IntN(40)), serial, text(rng.IntN(20)))
				s.entry(col, slug, text(1+rng.IntN(4)), fmt.Sprintf("2026-0%d-%02d", 1+rng.IntN(9), 1+rng.IntN(28)), body, extra...)
			}
			live := map[string]bool{} // "col/slug"
			for i := range 40 {
				col := []string{"blog", "docs"}[i%2]
				write(col, fmt.Sprintf("e%02d", i))
				live[col+"/"+fmt.Sprintf("e%02d", i)] = true
			}
			dir := filepath.Join(t.TempDir(), "cache")
			var cache *content.Cache
			open := func() {
				var err error
				if cache, err = content.OpenCache(dir, s.config()); err != nil {
					t.Fatal(err)
				}
			}
			open()
			next := 40
			for round := range 8 {
				changedSet := map[string]bool{} // live entries written this round
				if round > 0 {
					for range 1 + rng.IntN(4) {
						keys := slices.Sorted(func(yield func(string) bool) {
							for k := range live {
								if !yield(k) {
									return
								}
							}
						})
						k := keys[rng.IntN(len(keys))]
						col, slug, _ := strings.Cut(k, "/")
						switch op := rng.IntN(4); op {
						case 0, 1: // edit
							write(col, slug)
							changedSet[k] = true
						case 2: // delete
							s.remove(entryPath(col, slug))
							delete(live, k)
							delete(changedSet, k)
						case 3: // add
							col = []string{"blog", "docs"}[rng.IntN(2)]
							slug = fmt.Sprintf("e%02d", next)
							next++
							write(col, slug)
							live[col+"/"+slug] = true
							changedSet[col+"/"+slug] = true
						}
					}
					if len(changedSet) == 0 { // an edit, so the index is not the kept one
						k := slices.Sorted(func(yield func(string) bool) {
							for k := range live {
								if !yield(k) {
									return
								}
							}
						})[0]
						col, slug, _ := strings.Cut(k, "/")
						write(col, slug)
						changedSet[k] = true
					}
				}
				if reopen {
					open()
				}
				before := syncer.DocsMade()
				built, problems, err := syncer.Validate(context.Background(), s.config(), syncer.ValidateOptions{Cache: cache})
				if err != nil || len(problems) > 0 {
					t.Fatal(problems, err)
				}
				made := syncer.DocsMade() - before
				got := indexBytes(t, built)
				fresh, problems, err := syncer.Validate(context.Background(), s.config(), syncer.ValidateOptions{})
				if err != nil || len(problems) > 0 {
					t.Fatal(problems, err)
				}
				want := indexBytes(t, fresh)
				if len(want) < 2 || len(got) != len(want) {
					t.Fatalf("round %d: %d index objects, want %d", round, len(got), len(want))
				}
				for k, w := range want {
					if string(got[k]) != string(w) {
						t.Errorf("round %d: %s differs from a fresh build's", round, k)
					}
				}
				wantMade := int64(len(changedSet))
				if round == 0 {
					wantMade = int64(len(live))
				}
				if made != wantMade {
					t.Errorf("round %d: %d search docs made from bodies, want %d (the entries added or changed)", round, made, wantMade)
				}
			}
		})
	}
}
