package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/axctl/axctl/internal/dev"
)

// DevOptions are dev's inputs.
type DevOptions struct {
	IO       IO
	Config   string
	Dev      dev.Options
	Debounce time.Duration
}

// NewCmdDev is `axctl dev`; runF, when set, runs instead of runDev (tests).
func NewCmdDev(f *Factory, runF func(context.Context, *DevOptions) error) *cobra.Command {
	g := f.Globals
	opts := &DevOptions{IO: f.IO}
	cmd := &cobra.Command{
		Use:   "dev",
		Short: "Live preview: sync on every save into the local bucket, serve it through the Worker, reload the browser",
		Long: "Dev syncs the content into the local bucket (" + dev.Bucket + ", next to axctl.yaml)\n" +
			"exactly as `axctl sync` does, serves it through the real Worker in workerd\n" +
			"(node and the Worker's node_modules: --worker, default ./worker), and then\n" +
			"watches the content tree and axctl.yaml. After each save it syncs again —\n" +
			"only what changed is rendered and written — and reloads the open tabs.\n" +
			"Problems are printed as path:line:col: message and shown in the browser\n" +
			"instead of the page; nothing is written until they are fixed. Ctrl-C stops.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.Config = g.Config
			if opts.Dev.Port < 0 || opts.Dev.Port > 65535 {
				return usage(fmt.Errorf("--port must be between 0 and 65535, not %d", opts.Dev.Port))
			}
			if opts.Debounce < 0 || opts.Debounce > 10*time.Second {
				return usage(fmt.Errorf("--debounce must be between 0 and 10s, not %s", opts.Debounce))
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runDev(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Dev.Host, "host", "127.0.0.1", "address to listen on")
	fl.IntVar(&opts.Dev.Port, "port", 8787, "port to listen on (0: any free port)")
	fl.StringVar(&opts.Dev.WorkerDir, "worker", "", "the Worker's directory, with node_modules (default: worker/ next to axctl.yaml)")
	fl.DurationVar(&opts.Debounce, "debounce", 30*time.Millisecond, "how long the tree must be quiet after a change before dev syncs")
	return cmd
}

func runDev(ctx context.Context, opts *DevOptions) error {
	o := opts.Dev
	o.Config, o.Debounce, o.Err = opts.Config, opts.Debounce, opts.IO.Err
	if err := dev.Run(ctx, o); err != nil {
		return usage(err)
	}
	return nil
}
