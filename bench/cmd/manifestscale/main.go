// Command manifestscale builds the manifests of n synthetic records (drawn
// with the corpus distributions, bench/corpus) with manifest.BuildEach and
// checks the read bound of docs/bucket.md, "Reads per page": every paged
// page reads site.json and one object, so site.json plus the largest shard,
// tag chunk, tags index page or sitemap chunk must stay within
// contract.ReadBytes. It exits 1 when a bound is exceeded.
//
// With -out DIR it also writes every object under DIR/objects/<key>, the
// records under DIR/records.jsonl and the bounds under DIR/meta.json, and
// with -worker it then runs bench/worker/scale.mjs on DIR: the Worker's
// router in node serves every page kind from those objects, each on a cold
// memo, counting reads and bytes, and compares what each lists with a
// brute-force listing of the records (docs/bucket.md, "Reads per page").
//
//	/usr/bin/time -v go run ./bench/cmd/manifestscale -n 1000000
//	go run ./bench/cmd/manifestscale -n 100000 -out /tmp/ms -worker
//	go run ./bench/cmd/manifestscale -n 1000000 -edits   # objects each edit rewrites
package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/axctl/axctl/internal/syncer"
)

func main() {
	var o options
	flag.IntVar(&o.N, "n", 1000000, "records")
	flag.Uint64Var(&o.Seed, "seed", 1, "corpus seed")
	flag.StringVar(&o.Out, "out", "", "write the objects, records.jsonl and meta.json under this dir")
	flag.BoolVar(&o.Worker, "worker", false, "with -out: check every page kind through the Worker's router (node bench/worker/scale.mjs)")
	flag.IntVar(&o.Sample, "sample", 40, "with -worker: pages sampled per collection and tag besides those checked in full")
	flag.StringVar(&o.CPUProfile, "cpuprofile", "", "write a CPU profile of the build here")
	flag.StringVar(&o.HeapProfile, "heapprofile", "", "write a heap profile here when site.json (the last object) is emitted")
	edits := flag.Bool("edits", false, "instead: count the manifest objects each of a few edits rewrites")
	editMatch := flag.String("edit", "", "with -edits: only the edits whose name contains this")
	flag.Parse()
	syncer.TuneGC() // Build runs inside a sync: measured with the sync's collector setting
	if *edits {
		if err := editCost(o.N, o.Seed, *editMatch, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		return
	}
	ok, err := run(o, os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	if !ok {
		os.Exit(1)
	}
}

// options are the flags of one run.
type options struct {
	N      int
	Seed   uint64
	Out    string
	Worker bool
	Sample int
	// Repo is the module root, for bench/worker/scale.mjs ("" finds it from the working directory).
	Repo string
	// CPUProfile and HeapProfile, when set, are where the build's CPU
	// profile and a heap profile at its end (site.json) are written.
	CPUProfile, HeapProfile string
}

// buildBudget is the time the manifests of a million records may take (issue 17).
const buildBudget = time.Minute
