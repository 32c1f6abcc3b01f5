package main

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"

	"github.com/axctl/axctl/bench/corpus"
	"github.com/axctl/axctl/internal/manifest"
)

// edit is one change to a site's records, as a sync would see it.
type edit struct {
	name string
	do   func(recs map[string][]manifest.Record)
}

// middleOf is the blog entry of the median date (the first after it with
// 2 tags or more).
func middleOf(recs map[string][]manifest.Record) *manifest.Record {
	l := recs["blog"]
	order := make([]int, len(l))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return strings.Compare(l[a].Date, l[b].Date) })
	for _, i := range order[len(order)/2:] {
		if len(l[i].Tags) >= 2 {
			return &l[i]
		}
	}
	return &l[order[len(order)/2]]
}

// edits are the changes whose cost docs/bucket.md states: each is applied
// alone to the same n records.
func edits() []edit {
	middle := middleOf
	newRecord := func(date string) manifest.Record {
		return manifest.Record{Slug: "an-inserted-entry", Title: "An inserted entry", Date: date, Hash: strings.Repeat("a", 32), Input: strings.Repeat("b", 32), Words: 400,
			Tags: []manifest.Tag{{Name: "indexing", Slug: "indexing"}, {Name: "vim", Slug: "vim"}}}
	}
	return []edit{
		{"edit the body of the entry in the middle (its hash)", func(recs map[string][]manifest.Record) {
			middle(recs).Hash = strings.Repeat("c", 32)
		}},
		{"append a paragraph to the entry in the middle (hash, +40 words)", func(recs map[string][]manifest.Record) {
			m := middle(recs)
			m.Hash, m.Words = strings.Repeat("d", 32), m.Words+40
		}},
		{"insert a newest entry (2 tags: the most used, and a common one)", func(recs map[string][]manifest.Record) {
			recs["blog"] = append(recs["blog"], newRecord("2099-01-01T00:00:00Z"))
		}},
		{"insert the same entry at the date of the one in the middle", func(recs map[string][]manifest.Record) {
			recs["blog"] = append(recs["blog"], newRecord(middle(recs).Date))
		}},
		{"delete the entry in the middle", func(recs map[string][]manifest.Record) {
			m := middle(recs)
			recs["blog"] = slices.DeleteFunc(recs["blog"], func(r manifest.Record) bool { return r.Slug == m.Slug })
		}},
	}
}

// sums builds the manifests of recs and returns each object's sha256.
func sums(cols []manifest.Collection, recs map[string][]manifest.Record) (map[string][32]byte, error) {
	out := map[string][32]byte{}
	err := manifest.BuildEach(manifest.Site{Title: "scale", BaseURL: "https://example.com"}, cols, recs, 0, func(key string, b []byte) error {
		out[key] = sha256.Sum256(b)
		return nil
	})
	return out, err
}

// editCost prints, for each edit, the manifest objects a sync would write
// (new or changed bytes) and delete, by kind; only the edits whose name
// contains match (all when it is empty). The builds run at once (set
// GOMAXPROCS to use more threads than cores on a shared machine).
func editCost(n int, seed uint64, match string, w io.Writer) error {
	cols, recs := corpus.Records(n, seed)
	es := slices.DeleteFunc(edits(), func(e edit) bool { return !strings.Contains(e.name, match) })
	built := make([]map[string][32]byte, len(es)+1)
	errs := make([]error, len(es)+1)
	var wg sync.WaitGroup
	for i := range built {
		wg.Add(1)
		go func() {
			defer wg.Done()
			changed := recs
			if i > 0 {
				changed = make(map[string][]manifest.Record, len(recs))
				for c, l := range recs {
					changed[c] = slices.Clone(l)
				}
				es[i-1].do(changed)
			}
			built[i], errs[i] = sums(cols, changed)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	base := built[0]
	fmt.Fprintf(w, "%d records: %d manifest objects\n", n, len(base))
	for i, e := range es {
		after := built[i+1]
		put, del := map[string]int{}, 0
		total := 0
		for k, h := range after {
			if old, ok := base[k]; !ok || old != h {
				put[kindOf(k)]++
				total++
			}
		}
		for k := range base {
			if _, ok := after[k]; !ok {
				del++
			}
		}
		var parts []string
		for _, k := range slices.Sorted(mapKeys(put)) {
			parts = append(parts, fmt.Sprintf("%s %d", k, put[k]))
		}
		fmt.Fprintf(w, "%-66s writes %d (%s), deletes %d\n", e.name, total, strings.Join(parts, ", "), del)
	}
	return nil
}

func mapKeys(m map[string]int) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}
