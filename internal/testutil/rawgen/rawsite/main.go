// Command rawsite writes rawgen's random site: `go run
// ./internal/testutil/rawgen/rawsite -seed S -n N DIR` (the browser test
// e2e/browser/randomsite.test.mjs runs it).
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/axctl/axctl/internal/testutil/rawgen"
)

func main() {
	seed := flag.Uint64("seed", 1, "the site's seed")
	n := flag.Int("n", 40, "entries")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: rawsite [-seed S] [-n N] DIR")
		os.Exit(2)
	}
	if err := rawgen.Site(*seed, *n, flag.Arg(0)); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
