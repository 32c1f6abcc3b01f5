// Command axctl validates Markdown content and syncs it to an R2 bucket that
// a Cloudflare Worker serves. See the README for the two commands to start.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/axctl/axctl/internal/cli"
)

func main() {
	// The first SIGINT or SIGTERM cancels ctx: axctl stops within 2 s,
	// writes nothing more and exits 3. Once it has, the signals are no
	// longer caught, so a second one ends the process at once.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() { <-ctx.Done(); stop() }()
	code := cli.Main(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
