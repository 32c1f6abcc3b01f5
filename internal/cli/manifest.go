package cli

import (
	"context"
	"fmt"
	"slices"
	"sort"

	"github.com/spf13/cobra"

	"github.com/axctl/axctl/internal/content"
	"github.com/axctl/axctl/internal/plan"
	"github.com/axctl/axctl/internal/store"
	"github.com/axctl/axctl/internal/syncer"
)

// ManifestRebuildOptions are `manifest rebuild`'s inputs.
type ManifestRebuildOptions struct {
	IO          IO
	Config      string
	JSON, Quiet bool
	PlanFlags
	LeaseFlags
	Check bool

	// From the factory.
	LoadConfig func(string) (*content.Config, error)
	OpenStore  func(context.Context, *content.Config, string) (store.Store, error)
}

// NewCmdManifest is `axctl manifest` and its `rebuild`; runF, when set,
// runs instead of runManifestRebuild (tests).
func NewCmdManifest(f *Factory, runF func(context.Context, *ManifestRebuildOptions) error) *cobra.Command {
	g := f.Globals
	cmd := &cobra.Command{Use: "manifest", Short: "Inspect and rebuild the bucket's manifests"}
	opts := &ManifestRebuildOptions{IO: f.IO, LoadConfig: f.Config, OpenStore: f.OpenStore}
	rebuild := &cobra.Command{
		Use:   "rebuild",
		Short: "Rebuild every manifest from object metadata (HEADs) and the search index from entry bodies (GETs)",
		Long: "Rebuild reads every entry's metadata (HEAD) and body (GET), builds the\n" +
			"manifests and the search index as sync would, and writes what differs as\n" +
			"sync writes: conditional writes, shards before the indexes that name them,\n" +
			"site.json last, then deletes of manifests nothing names. Like a sync, a\n" +
			"rebuild with something to write reads and plans again under the bucket's\n" +
			"lease and holds it to its last write (--wait, --lease-ttl).",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.Config, opts.JSON, opts.Quiet = g.Config, g.JSON, g.Quiet
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runManifestRebuild(cmd.Context(), opts)
		},
	}
	fl := rebuild.Flags()
	addPlanFlags(fl, &opts.PlanFlags, targetUsage)
	addLeaseFlags(fl, &opts.LeaseFlags, f.Getenv)
	fl.BoolVar(&opts.Check, "check", false, "write nothing; exit 1 if the stored manifests differ from the rebuild")
	cmd.AddCommand(rebuild)
	return cmd
}

func runManifestRebuild(ctx context.Context, opts *ManifestRebuildOptions) error {
	cfg, err := opts.LoadConfig(opts.Config)
	if err != nil {
		return usage(err)
	}
	storage, err := opts.OpenStore(ctx, cfg, opts.Target)
	if err != nil {
		return err
	}
	dry := opts.Check || opts.DryRun
	prog := newProgress(opts.IO, opts.Quiet || opts.JSON)
	rep, err := syncer.Rebuild(ctx, cfg, storage, syncer.Options{
		DryRun: dry, MaxDeletes: opts.MaxDeletes, Concurrency: opts.Concurrency, Progress: prog.update,
		Lease: opts.LeaseFlags.options(opts.IO, storage),
	})
	prog.done()
	if opts.Check && err == nil {
		return rebuildCheck(opts, rep.Plan)
	}
	if rep != nil && rep.Plan != nil && !opts.Quiet && !opts.JSON && (dry || err != nil) {
		fmt.Fprint(opts.IO.Err, rep.Plan.String())
	}
	if opts.JSON && rep != nil {
		writeSyncJSON(opts.IO.Out, rep, dry, storage.String())
	}
	if err != nil {
		return writeErr(err)
	}
	if !opts.Quiet {
		verb := "rebuilt"
		if dry {
			verb = "would rebuild"
		}
		fmt.Fprintf(opts.IO.Err, "%s: %d manifest objects written or deleted\n", verb, len(rep.Plan.Uploads)+len(rep.Plan.Deletes))
	}
	return nil
}

// rebuildCheck reports every manifest object the rebuild would write or
// delete, and fails (exit 1) if there is one.
func rebuildCheck(opts *ManifestRebuildOptions, p *plan.Plan) error {
	var differ []string
	for _, a := range append(slices.Clone(p.Uploads), p.Deletes...) {
		differ = append(differ, a.Key)
	}
	sort.Strings(differ)
	for _, k := range differ {
		fmt.Fprintf(opts.IO.Out, "differs: %s\n", k)
	}
	if len(differ) > 0 {
		return invalid(fmt.Errorf("%d manifest object(s) differ from a rebuild", len(differ)), false)
	}
	if !opts.Quiet {
		fmt.Fprintf(opts.IO.Err, "ok: %d manifest objects match a rebuild from metadata\n", p.Unchanged)
	}
	return nil
}
