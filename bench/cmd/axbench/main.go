// Command axbench measures axctl against its peers and its limits and prints
// one Markdown table (docs/benchmarks.md explains every row).
//
//	axbench [run] [-n 2000] [-sync-n 10000] [-scale 10000,100000] [-runs 3] [-work DIR]
//	axbench gen -n N -seed S -out DIR
//
// The other sub-commands (bare, child-sync, child-rawput, child-list) are the
// measured subprocesses run starts; they are not meant to be run by hand.
// Run it from the repository root (bench/run.sh does).
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/axctl/axctl/bench/corpus"
)

func main() {
	args := os.Args[1:]
	cmd := "run"
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	var err error
	switch cmd {
	case "run":
		err = runMain(args)
	case "gen":
		err = genMain(args)
	case "bare":
		err = bareMain(args)
	case "child-sync":
		err = childSync(args)
	case "child-rawput":
		err = childRawPut(args)
	case "child-list":
		err = childList(args)
	default:
		err = fmt.Errorf("unknown command %q (want run, gen)", cmd)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "axbench:", err)
		os.Exit(1)
	}
}

func genMain(args []string) error {
	fl := flag.NewFlagSet("gen", flag.ExitOnError)
	n := fl.Int("n", 2000, "entries")
	seed := fl.Uint64("seed", 1, "seed")
	out := fl.String("out", "", "output directory (created; should be empty)")
	_ = fl.Parse(args)
	if *out == "" {
		return fmt.Errorf("gen: -out is required")
	}
	st, err := corpus.Generate(corpus.Options{N: *n, Seed: *seed, Dir: *out})
	if err != nil {
		return err
	}
	fmt.Printf("%d entries (%v), %d with syntax:code, %d with an image, %d words, %.1f MB of Markdown\n",
		st.Entries, st.Collections, st.Code, st.Images, st.Words, float64(st.Bytes)/1e6)
	return nil
}
