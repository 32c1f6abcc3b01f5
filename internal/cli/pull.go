package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
	"golang.org/x/sync/errgroup"

	"github.com/axctl/axctl/internal/content"
	"github.com/axctl/axctl/internal/store"
)

// PullOptions are pull's inputs.
type PullOptions struct {
	IO          IO
	Config      string
	Quiet       bool
	Target      string
	Dir         string
	Concurrency int
}

func newPullCmd(ios IO, g *Globals) *cobra.Command {
	opts := &PullOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "pull DIR",
		Short: "Copy a bucket (bodies and metadata) into a local directory, e.g. to preview it",
		Long: "Pull makes DIR a copy of --target in the local store's layout, custom\n" +
			"metadata included, so `make preview` can serve exactly the bytes a sync\n" +
			"published. Objects already in DIR with the same ETag are skipped; objects\n" +
			"no longer in the bucket are removed from DIR.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Config, opts.Quiet, opts.Dir = g.Config, g.Quiet, args[0]
			return runPull(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Target, "target", "", "bucket to copy from (default from config)")
	cmd.Flags().IntVar(&opts.Concurrency, "concurrency", 16, "requests in flight")
	return cmd
}

func runPull(ctx context.Context, opts *PullOptions) error {
	cfg, err := content.LoadConfig(opts.Config)
	if err != nil {
		return usage(err)
	}
	src, err := openTarget(ctx, cfg, opts.Target)
	if err != nil {
		return err
	}
	dst, err := store.NewDirStore(opts.Dir)
	if err != nil {
		return usage(err)
	}
	have := map[string]string{}
	if err := dst.List(ctx, "", func(o store.Object) error { have[o.Key] = o.ETag; return nil }); err != nil {
		return storeErr(err)
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(max(opts.Concurrency, 1))
	copied, skipped := 0, 0
	seen := map[string]bool{}
	err = src.List(ctx, "", func(o store.Object) error {
		seen[o.Key] = true
		if have[o.Key] == o.ETag {
			skipped++
			return nil
		}
		copied++
		g.Go(func() error {
			body, _, attrs, err := src.Get(gctx, o.Key)
			if err != nil {
				return fmt.Errorf("get %q: %w", o.Key, err)
			}
			_, err = dst.Put(gctx, o.Key, body, attrs, store.Precondition{})
			return err
		})
		return nil
	})
	if werr := g.Wait(); err == nil {
		err = werr
	}
	if err != nil {
		return storeErr(fmt.Errorf("pull from %s: %w", src, err))
	}
	var gone []string
	for k := range have {
		if !seen[k] {
			gone = append(gone, k)
		}
	}
	if err := dst.Delete(ctx, gone); err != nil {
		return storeErr(fmt.Errorf("prune %s: %w", opts.Dir, err))
	}
	if !opts.Quiet {
		fmt.Fprintf(opts.IO.Err, "pulled %d objects from %s into %s (%d unchanged, %d removed)\n", copied, src, opts.Dir, skipped, len(gone))
	}
	return nil
}
