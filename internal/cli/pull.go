package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/axctl/axctl/internal/content"
	"github.com/axctl/axctl/internal/store"
	"github.com/axctl/axctl/internal/syncer"
)

// PullOptions are pull's inputs.
type PullOptions struct {
	IO          IO
	Config      string
	JSON, Quiet bool
	PlanFlags
	Dir string

	// From the factory.
	LoadConfig func(string) (*content.Config, error)
	OpenStore  func(context.Context, *content.Config, string) (store.Store, error)
}

// NewCmdPull is `axctl pull`; runF, when set, runs instead of runPull (tests).
func NewCmdPull(f *Factory, runF func(context.Context, *PullOptions) error) *cobra.Command {
	g := f.Globals
	opts := &PullOptions{IO: f.IO, LoadConfig: f.Config, OpenStore: f.OpenStore}
	cmd := &cobra.Command{
		Use:   "pull DIR",
		Short: "Copy a bucket (bodies and metadata) into a local directory, e.g. to preview it",
		Long: "Pull makes DIR a copy of --target in the local store's layout, custom\n" +
			"metadata included, so `make preview` can serve exactly the bytes a sync\n" +
			"published. Objects already in DIR with the same ETag are skipped; objects\n" +
			"no longer in the bucket are removed from DIR. It writes as sync writes:\n" +
			"bodies, then manifests (conditional writes, site.json last), then deletes.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Config, opts.JSON, opts.Quiet, opts.Dir = g.Config, g.JSON, g.Quiet, args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runPull(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	addPlanFlags(fl, &opts.PlanFlags, "bucket to copy from (default from config)")
	return cmd
}

func runPull(ctx context.Context, opts *PullOptions) error {
	cfg, err := opts.LoadConfig(opts.Config)
	if err != nil {
		return usage(err)
	}
	src, err := opts.OpenStore(ctx, cfg, opts.Target)
	if err != nil {
		return err
	}
	dst, err := store.NewDirStore(opts.Dir)
	if err != nil {
		return usage(err)
	}
	prog := newProgress(opts.IO, opts.Quiet || opts.JSON)
	rep, err := syncer.Pull(ctx, src, dst, syncer.Options{
		DryRun: opts.DryRun, MaxDeletes: opts.MaxDeletes, Concurrency: max(opts.Concurrency, 1), Progress: prog.update,
	})
	prog.done()
	if rep != nil && !opts.Quiet && !opts.JSON && (opts.DryRun || err != nil) {
		fmt.Fprint(opts.IO.Err, rep.Plan.String())
	}
	if opts.JSON && rep != nil {
		writeSyncJSON(opts.IO.Out, rep, opts.DryRun, dst.String())
	}
	if err != nil {
		return writeErr(fmt.Errorf("pull from %s: %w", src, err))
	}
	if !opts.Quiet {
		verb := "pulled"
		if opts.DryRun {
			verb = "would pull"
		}
		fmt.Fprintf(opts.IO.Err, "%s %d objects from %s into %s (%d unchanged, %d removed)\n",
			verb, len(rep.Plan.Uploads), src, opts.Dir, rep.Plan.Unchanged, len(rep.Plan.Deletes))
	}
	return nil
}
