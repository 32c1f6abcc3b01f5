// Command search measures the search index at scale (docs/search.md,
// "Costs"): it draws n entries with bench/corpus's record distributions and
// bodies of their word counts over a Zipf vocabulary of 50,000 made-up
// words plus the corpus vocabulary, builds the index as sync does, and
// prints one JSON object (entries, buckets, shards, bytes, bytes per entry,
// the largest shard, build time). With -out DIR it writes a dir-store
// bucket the Worker can serve /search from — site.json, the root, and the
// shards the -queries read — for bench/worker/search.mjs.
//
//	go run ./bench/search -n 100000 -out /tmp/search100k -queries "cache,edge worker,purge sync cache"
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/axctl/axctl/bench/corpus"
	"github.com/axctl/axctl/internal/manifest"
	"github.com/axctl/axctl/internal/search"
)

func main() {
	n := flag.Int("n", 100000, "entries")
	seed := flag.Uint64("seed", 1, "seed")
	out := flag.String("out", "", "write a dir-store bucket for the Worker bench here")
	queries := flag.String("queries", "cache,edge worker,purge sync cache", "comma-separated queries whose shards -out writes")
	flag.Parse()
	if err := run(*n, *seed, *out, strings.Split(*queries, ",")); err != nil {
		fmt.Fprintln(os.Stderr, "search bench:", err)
		os.Exit(1)
	}
}

// syllables make pseudo-words of realistic length for the long tail.
var syllables = strings.Fields("ka lo mi ren tas vor eli un da pro gra sen tic ul mar be ro ne qui zo fa di hep tor lan")

func vocabulary(r *rand.Rand, n int) []string {
	seen := map[string]bool{}
	var out []string
	for len(out) < n {
		var b strings.Builder
		for range 2 + r.IntN(3) {
			b.WriteString(syllables[r.IntN(len(syllables))])
		}
		if w := b.String(); !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	return out
}

func run(n int, seed uint64, out string, queries []string) error {
	cols, recs := corpus.Records(n, seed)
	r := rand.New(rand.NewPCG(seed, 7))
	words := vocabulary(r, 50000)
	var jobs []job
	for _, c := range cols {
		for _, rec := range recs[c.Name] {
			jobs = append(jobs, job{col: c.Name, rec: rec, s: r.Uint64()})
		}
	}
	plants := plant(r, jobs, cols)
	for _, p := range plants {
		queries = append(queries, p.Q)
	}
	// Rank the entries as the index does, then index them one at a time
	// (search.Builder keeps postings, not term maps), as sync does.
	slices.SortFunc(jobs, func(a, b job) int {
		return search.Compare(search.Doc{Collection: a.col, Slug: a.rec.Slug, Date: a.rec.Date}, search.Doc{Collection: b.col, Slug: b.rec.Slug, Date: b.rec.Date})
	})
	b := search.NewBuilder(len(jobs))
	t0 := time.Now()
	var wg sync.WaitGroup
	next := make(chan int)
	errs := make(chan error, len(jobs))
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				j := jobs[i]
				jr := rand.New(rand.NewPCG(j.s, 1))
				z := rand.NewZipf(jr, 1.07, 2, uint64(len(words)-1))
				var sb strings.Builder
				sb.WriteString("<p>")
				for k := range j.rec.Words {
					sb.WriteString(words[z.Uint64()])
					if k%15 == 14 {
						sb.WriteString(".</p>\n<p>")
					} else {
						sb.WriteByte(' ')
					}
				}
				sb.WriteString(j.plant)
				sb.WriteString("</p>")
				if err := b.Add(i, search.NewDoc(j.col, j.rec, []byte(sb.String()))); err != nil {
					errs <- err
				}
			}
		}()
	}
	for i := range jobs {
		next <- i
	}
	close(next)
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return err
	}
	tDocs := time.Since(t0)
	t1 := time.Now()
	objs, err := b.Objects()
	if err != nil {
		return err
	}
	tBuild := time.Since(t1)
	var root search.Root
	if err := json.Unmarshal(objs[search.RootKey], &root); err != nil {
		return err
	}
	var sizes []int
	total := 0
	for k, b := range objs {
		if k != search.RootKey {
			sizes = append(sizes, len(b))
			total += len(b)
		}
	}
	slices.Sort(sizes)
	res := map[string]any{
		"entries": n, "buckets": root.Buckets, "shards": len(sizes), "bytes": total, "bytesPerEntry": total / n,
		"shardMedian": sizes[len(sizes)/2], "shardMax": sizes[len(sizes)-1], "rootBytes": len(objs[search.RootKey]),
		"textSeconds": tDocs.Seconds(), "buildSeconds": tBuild.Seconds(), "gomaxprocs": runtime.GOMAXPROCS(0),
	}
	if out != "" {
		if err := write(out, cols, recs, objs, root, queries); err != nil {
			return err
		}
		lb, err := json.Marshal(plants)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(out, "labels.json"), lb, 0o644); err != nil {
			return err
		}
	}
	enc := json.NewEncoder(os.Stdout)
	return enc.Encode(res)
}

// label is a query and the entry that must be among its first 3 results.
type label struct {
	Q    string `json:"q"`
	Want string `json:"want"`
	Kind string `json:"kind"`
}

// job is one generated entry: its record, its body's seed and the words
// planted in its body.
type job struct {
	col   string
	rec   manifest.Record
	s     uint64
	plant string
}

// plant gives 24 entries words no other entry has, and labels queries for
// them: a whole word in the body (once, among hundreds), two such words
// together, a prefix of a word of the title, the description, a tag name
// and a dense-script word.
func plant(r *rand.Rand, jobs []job, cols []manifest.Collection) []label {
	route := map[string]string{}
	for _, c := range cols {
		route[c.Name] = c.Route
	}
	var out []label
	seen := map[int]bool{}
	for k := 0; len(out) < 24 && k < 1000; k++ {
		i := r.IntN(len(jobs))
		if seen[i] {
			continue
		}
		seen[i] = true
		j := &jobs[i]
		url := route[j.col] + "/" + j.rec.Slug
		w := fmt.Sprintf("qx%cz%cv%c", 'a'+rune(k%26), 'a'+rune(k/26%26), 'a'+rune(r.IntN(26)))
		switch len(out) % 6 {
		case 0:
			j.plant = " " + w + " "
			out = append(out, label{Q: w, Want: url, Kind: "body word"})
		case 1:
			j.plant = " " + w + " then " + w + "y "
			out = append(out, label{Q: w + " " + w + "y", Want: url, Kind: "two words"})
		case 2:
			j.rec.Title = "Notes on " + w + "ification"
			out = append(out, label{Q: w[:5], Want: url, Kind: "title prefix"})
		case 3:
			j.rec.Description = "All about " + w + " and more."
			out = append(out, label{Q: strings.ToUpper(w), Want: url, Kind: "description, upper case"})
		case 4:
			j.rec.Tags = append(j.rec.Tags, manifest.Tag{Name: "Café " + w, Slug: "cafe-" + w})
			out = append(out, label{Q: "cafe " + w, Want: url, Kind: "tag name, diacritics"})
		case 5:
			d := string([]rune("東京大阪名古屋札幌福岡")[k%5 : k%5+2])
			j.plant = " 駅前の" + d + w + "です "
			out = append(out, label{Q: d + " " + w, Want: url, Kind: "dense script"})
		}
	}
	return out
}

// write puts site.json, the root and the shards the queries read into a dir-store.
func write(dir string, cols []manifest.Collection, recs map[string][]manifest.Record, objs map[string][]byte, root search.Root, queries []string) error {
	ms, err := manifest.Build(manifest.Site{Title: "Search bench", BaseURL: "https://example.com"}, cols, recs, 25)
	if err != nil {
		return err
	}
	keep := map[string][]byte{manifest.SiteKey: ms[manifest.SiteKey], search.RootKey: objs[search.RootKey]}
	for _, q := range queries {
		for _, w := range search.Words(q) {
			for _, t := range search.QueryTerms(w) {
				k := search.ShardKey(root.Buckets, search.Bucket(t, root.Buckets))
				if b, ok := objs[k]; ok {
					keep[k] = b
				}
			}
		}
	}
	for k, b := range keep {
		p := filepath.Join(dir, filepath.FromSlash(k))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			return err
		}
	}
	return nil
}
