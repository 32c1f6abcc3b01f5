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
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
