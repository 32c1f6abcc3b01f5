// Command gen writes worker/src/contract.js from package contract: data and
// regular expressions only, so nothing in it is kept in step by hand.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/axctl/axctl/internal/contract"
)

func main() {
	out := flag.String("o", "", "output file")
	flag.Parse()
	js, err := contract.WorkerJS()
	if err == nil {
		err = os.WriteFile(*out, js, 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}
