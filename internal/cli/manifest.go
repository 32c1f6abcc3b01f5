package cli

import (
	"bytes"
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/spf13/cobra"

	"github.com/axctl/axctl/internal/content"
	"github.com/axctl/axctl/internal/manifest"
	"github.com/axctl/axctl/internal/plan"
	"github.com/axctl/axctl/internal/search"
	"github.com/axctl/axctl/internal/store"
	"github.com/axctl/axctl/internal/syncer"
)

// ManifestRebuildOptions are `manifest rebuild`'s inputs.
type ManifestRebuildOptions struct {
	IO          IO
	Config      string
	Quiet       bool
	Target      string
	Check       bool
	Concurrency int
	Store       store.Store
}

func newManifestCmd(ios IO, g *Globals) *cobra.Command {
	cmd := &cobra.Command{Use: "manifest", Short: "Inspect and rebuild the bucket's manifests"}
	opts := &ManifestRebuildOptions{IO: ios}
	rebuild := &cobra.Command{
		Use:   "rebuild",
		Short: "Rebuild every manifest from object metadata (HEADs) and the search index from entry bodies (GETs)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.Config, opts.Quiet = g.Config, g.Quiet
			return runManifestRebuild(cmd.Context(), opts)
		},
	}
	rebuild.Flags().StringVar(&opts.Target, "target", "", "bucket: file://DIR or s3://BUCKET[/PREFIX] (default from config)")
	rebuild.Flags().BoolVar(&opts.Check, "check", false, "write nothing; exit 1 if the stored manifests differ from the rebuild")
	rebuild.Flags().IntVar(&opts.Concurrency, "concurrency", 16, "HEAD requests in flight")
	cmd.AddCommand(rebuild)
	return cmd
}

func runManifestRebuild(ctx context.Context, opts *ManifestRebuildOptions) error {
	cfg, err := content.LoadConfig(opts.Config)
	if err != nil {
		return usage(err)
	}
	storage := opts.Store
	if storage == nil {
		if storage, err = openTarget(ctx, cfg, opts.Target); err != nil {
			return err
		}
	}
	site := manifest.Site{Title: cfg.Site.Title, BaseURL: cfg.Site.BaseURL, Lang: cfg.Site.Lang, Now: time.Now()}
	records, err := syncer.ReadRecords(ctx, storage, syncer.Collections(cfg), opts.Concurrency)
	if err != nil {
		return storeErr(fmt.Errorf("rebuild: %w", err))
	}
	want, err := manifest.Build(site, syncer.Collections(cfg), records, cfg.PageSize)
	if err != nil {
		return storeErr(fmt.Errorf("rebuild: %w", err))
	}
	docs, err := syncer.ReadDocs(ctx, storage, syncer.Collections(cfg), opts.Concurrency)
	if err != nil {
		return storeErr(fmt.Errorf("rebuild search index: %w", err))
	}
	index, err := search.Build(docs)
	if err != nil {
		return storeErr(fmt.Errorf("rebuild search index: %w", err))
	}
	for k, v := range index {
		want[k] = v
	}
	have := map[string][]byte{}
	err = storage.List(ctx, "metadata/", func(o store.Object) error {
		if !plan.Managed(o.Key) {
			return nil // not a manifest: the sync lease, the pending-purge record
		}
		body, _, _, err := storage.Get(ctx, o.Key)
		have[o.Key] = body
		return err
	})
	if err != nil {
		return storeErr(fmt.Errorf("read manifests: %w", err))
	}
	var differ []string
	for k, b := range want {
		if !bytes.Equal(have[k], b) {
			differ = append(differ, k)
		}
	}
	for k := range have {
		if _, ok := want[k]; !ok {
			differ = append(differ, k)
		}
	}
	sort.Strings(differ)
	if opts.Check {
		for _, k := range differ {
			fmt.Fprintf(opts.IO.Out, "differs: %s\n", k)
		}
		if len(differ) > 0 {
			return invalid(fmt.Errorf("%d manifest object(s) differ from a rebuild", len(differ)), false)
		}
		if !opts.Quiet {
			fmt.Fprintf(opts.IO.Err, "ok: %d manifest objects match a rebuild from metadata\n", len(want))
		}
		return nil
	}
	for _, k := range differ {
		if b, ok := want[k]; ok {
			if _, err := storage.Put(ctx, k, b, store.Attrs{ContentType: "application/json"}, store.Precondition{}); err != nil {
				return storeErr(err)
			}
		} else if err := storage.Delete(ctx, []string{k}); err != nil {
			return storeErr(err)
		}
	}
	if !opts.Quiet {
		fmt.Fprintf(opts.IO.Err, "rebuilt: %d manifest objects written or deleted\n", len(differ))
	}
	return nil
}
