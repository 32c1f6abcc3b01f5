// Command manifestscale builds the manifests of n synthetic records (drawn
// with the corpus distributions, bench/corpus) with manifest.BuildEach and
// checks the read bound of docs/bucket.md, "Reads per page": every paged
// page reads site.json and one object, so site.json plus the largest shard,
// tag chunk, tags index page or sitemap chunk must stay within
// contract.ReadBytes. It exits 1 when a bound is exceeded.
//
//	/usr/bin/time -v go run ./bench/cmd/manifestscale -n 1000000
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/axctl/axctl/bench/corpus"
	"github.com/axctl/axctl/internal/contract"
	"github.com/axctl/axctl/internal/manifest"
)

func main() {
	n := flag.Int("n", 1000000, "records")
	seed := flag.Uint64("seed", 1, "corpus seed")
	flag.Parse()
	cols, recs := corpus.Records(*n, *seed)
	t0 := time.Now()
	var site int
	largest := map[string]int{}
	which := map[string]string{}
	objects, total := 0, 0
	err := manifest.BuildEach(manifest.Site{Title: "scale", BaseURL: "https://example.com"}, cols, recs, 0, func(key string, b []byte) error {
		objects++
		total += len(b)
		kind := kindOf(key)
		if key == manifest.SiteKey {
			site = len(b)
		} else if len(b) > largest[kind] {
			largest[kind], which[kind] = len(b), key
		}
		return nil
	})
	build := time.Since(t0)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	fmt.Printf("records %d: %d objects, %d bytes, built in %.1f s; site.json %d bytes\n", *n, objects, total, build.Seconds(), site)
	bad := false
	for _, k := range []string{"shard", "tag chunk", "tags page", "sitemap chunk"} {
		sum := site + largest[k]
		ok := sum <= contract.ReadBytes
		bad = bad || !ok
		fmt.Printf("%-13s largest %6d bytes (%s); with site.json %6d of %d: %v\n", k, largest[k], which[k], sum, contract.ReadBytes, map[bool]string{true: "ok", false: "EXCEEDED"}[ok])
	}
	if build > time.Minute {
		fmt.Printf("build %.1f s exceeds 60 s\n", build.Seconds())
		bad = true
	}
	if bad {
		os.Exit(1)
	}
}

func kindOf(key string) string {
	switch {
	case strings.HasPrefix(key, contract.SitemapsPrefix):
		return "sitemap chunk"
	case strings.HasPrefix(key, contract.TagsPrefix) && strings.Count(key, "/") == 2:
		return "tags page"
	case strings.HasPrefix(key, contract.TagsPrefix):
		return "tag chunk"
	case strings.Count(key, "/") == 2:
		return "shard"
	}
	return "index"
}
