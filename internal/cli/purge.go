package cli

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/axctl/axctl/internal/content"
	"github.com/axctl/axctl/internal/contract"
	"github.com/axctl/axctl/internal/purge"
	"github.com/axctl/axctl/internal/store"
	"github.com/axctl/axctl/internal/syncer"
)

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// PurgeOptions are purge's inputs.
type PurgeOptions struct {
	IO         IO
	Config     string
	Quiet      bool
	Tags       []string
	Everything bool
	// Pending purges the tags the target's pending-purge record holds
	// (contract.PurgePendingKey) and clears them.
	Pending bool
	Target  string
	Via     string
	URL     string
	// Settle is how long after the first purge --pending purges again
	// (contract.PurgeSettle; tests shorten it).
	Settle time.Duration
	// Purger is the purger Via and URL name, once made.
	Purger purge.Purger

	// From the factory.
	OpenStore func(context.Context, *content.Config, string) (store.Store, error)
	NewPurger func(cfg *content.Config, via, url string) (purge.Purger, error)
	Now       func() time.Time
}

// NewCmdPurge is `axctl purge`; runF, when set, runs instead (tests).
func NewCmdPurge(f *Factory, runF func(context.Context, *PurgeOptions, *content.Config) error) *cobra.Command {
	g := f.Globals
	opts := &PurgeOptions{IO: f.IO, Settle: f.PurgeSettle, OpenStore: f.OpenStore, NewPurger: f.NewPurger, Now: f.Now}
	cmd := &cobra.Command{
		Use:   "purge (--tags a,b | --everything | --pending)",
		Short: "Drop cached responses by Cache-Tag, or everything",
		Long: "Purge asks the cache in front of the Worker to drop responses.\n\n" +
			"  --via worker  POST $AXCTL_PURGE_URL/__internal/purge with AXCTL_PURGE_SECRET (Workers Cache);\n" +
			"                the secret goes only to AXCTL_PURGE_URL (https, or http to loopback),\n" +
			"                and purge.url (else site.baseURL) and --url must agree with it\n" +
			"  --via zone    the Cloudflare API with CLOUDFLARE_API_TOKEN and CLOUDFLARE_ZONE_ID\n" +
			"  --via xkey    PURGE with an xkey-purge header (a local Varnish)\n\n" +
			"Tags are the Worker's Cache-Tag names: site, c:<collection>, e:<collection>/<slug>, t:<tag>.\n\n" +
			"--pending purges the tags a sync --purge recorded in the bucket (" + contract.PurgePendingKey + ")\n" +
			"and could not purge, twice (" + contract.PurgeSettle.String() + " apart), then clears them; a failure keeps them (exit 3).",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.Config, opts.Quiet = g.Config, g.Quiet
			if n := btoi(len(opts.Tags) > 0) + btoi(opts.Everything) + btoi(opts.Pending); n != 1 {
				return usage(fmt.Errorf("give exactly one of --tags, --everything or --pending"))
			}
			if opts.Target != "" && !opts.Pending {
				return usage(fmt.Errorf("--target goes with --pending"))
			}
			cfg, err := f.Config(opts.Config)
			if err != nil {
				return usage(err)
			}
			if runF != nil {
				return runF(cmd.Context(), opts, cfg)
			}
			if opts.Pending {
				return runPurgePending(cmd.Context(), opts, cfg)
			}
			return runPurge(cmd.Context(), opts, cfg, opts.Tags)
		},
	}
	cmd.Flags().StringSliceVar(&opts.Tags, "tags", nil, "Cache-Tags to purge, comma-separated")
	cmd.Flags().BoolVar(&opts.Everything, "everything", false, "purge everything")
	cmd.Flags().BoolVar(&opts.Pending, "pending", false, "purge the tags a failed sync --purge recorded in the bucket, then clear them")
	cmd.Flags().StringVar(&opts.Target, "target", "", "with --pending: the bucket, file://DIR or s3://BUCKET[/PREFIX] (default from config)")
	cmd.Flags().StringVar(&opts.Via, "via", "", "worker, zone or xkey (default from config: purge.via)")
	cmd.Flags().StringVar(&opts.URL, "url", "", "site URL (worker: must equal $AXCTL_PURGE_URL) or cache URL (xkey); default from config")
	return cmd
}

// newPurger builds the purger the options and config name, with secrets
// from the environment only.
func newPurger(getenv func(string) string, cfg *content.Config, via, url string) (purge.Purger, error) {
	if via == "" {
		via = cfg.Purge.Via
	}
	flagURL := url
	if url == "" {
		url = cfg.Purge.URL
	}
	client := &http.Client{Timeout: 30 * time.Second}
	switch via {
	case "worker":
		if getenv("AXCTL_PURGE_SECRET") == "" {
			return nil, fmt.Errorf("purge via worker: set AXCTL_PURGE_SECRET (the Worker's PURGE_SECRET) in the environment")
		}
		site, err := workerPurgeURL(getenv, cfg, flagURL)
		if err != nil {
			return nil, err
		}
		return &purge.Worker{URL: site, Secret: getenv("AXCTL_PURGE_SECRET"), Client: client}, nil
	case "zone":
		if getenv("CLOUDFLARE_API_TOKEN") == "" || getenv("CLOUDFLARE_ZONE_ID") == "" {
			return nil, fmt.Errorf("purge via zone: set CLOUDFLARE_API_TOKEN and CLOUDFLARE_ZONE_ID in the environment")
		}
		return &purge.Zone{API: getenv("CLOUDFLARE_API_URL"), ZoneID: getenv("CLOUDFLARE_ZONE_ID"), Token: getenv("CLOUDFLARE_API_TOKEN"), Client: client}, nil
	case "xkey":
		if url == "" {
			return nil, fmt.Errorf("purge via xkey needs --url or purge.url (the cache's address)")
		}
		return &purge.XKey{URL: url, Client: client}, nil
	}
	return nil, fmt.Errorf("purge: --via must be worker, zone or xkey, not %q", via)
}

// workerPurgeURL is the only URL the purge secret goes to: AXCTL_PURGE_URL,
// set beside the secret in the environment (a CI variable), https or
// loopback. axctl.yaml, which any merged pull request can change, and the
// --url flag may only agree with it: the config's purge.url (else
// site.baseURL; not checked for the built-in default config) and the flag
// must name the same URL or be empty.
func workerPurgeURL(getenv func(string) string, cfg *content.Config, flagURL string) (string, error) {
	env := getenv("AXCTL_PURGE_URL")
	if env == "" {
		return "", fmt.Errorf("purge via worker: set AXCTL_PURGE_URL (the site's https URL) beside AXCTL_PURGE_SECRET: the secret is sent only there, never to a URL from axctl.yaml")
	}
	if err := purge.CheckEndpoint(env); err != nil {
		return "", fmt.Errorf("purge via worker: AXCTL_PURGE_URL: %w", err)
	}
	type source struct{ name, url string }
	sources := []source{{"--url", flagURL}}
	if cfg.Path != "" {
		if cfg.Purge.URL != "" {
			sources = append(sources, source{"purge.url in " + cfg.Path, cfg.Purge.URL})
		} else {
			sources = append(sources, source{"site.baseURL in " + cfg.Path, cfg.Site.BaseURL})
		}
	}
	for _, s := range sources {
		if s.url != "" && !purge.SameEndpoint(s.url, env) {
			return "", fmt.Errorf("purge via worker: %s is %q but AXCTL_PURGE_URL is %q: the secret goes only to AXCTL_PURGE_URL; make them agree (set purge.url if the site's baseURL differs)", s.name, s.url, env)
		}
	}
	return env, nil
}

func runPurge(ctx context.Context, opts *PurgeOptions, cfg *content.Config, tags []string) error {
	p := opts.Purger
	if p == nil {
		var err error
		if p, err = opts.NewPurger(cfg, opts.Via, opts.URL); err != nil {
			return usage(err)
		}
	}
	if err := p.Purge(ctx, tags, opts.Everything); err != nil {
		return storeErr(err)
	}
	if !opts.Quiet {
		what := "everything"
		if !opts.Everything {
			what = fmt.Sprintf("%d tag(s): %s", len(tags), strings.Join(tags, " "))
		}
		fmt.Fprintf(opts.IO.Err, "purged %s via %s\n", what, p)
	}
	return nil
}

// purgeAfterSync purges exactly the Cache-Tags a sync touched, with the
// tags earlier syncs recorded and did not purge; nothing to purge means no
// call at all. See purgeRecorded for the two purges and the record.
func purgeAfterSync(ctx context.Context, opts *SyncOptions, cfg *content.Config, storage store.Store, rep *syncer.Report) error {
	tags := slices.Concat(rep.Purge, rep.Pending)
	slices.Sort(tags)
	tags = slices.Compact(tags)
	if len(tags) == 0 {
		if !opts.Quiet {
			fmt.Fprintln(opts.IO.Err, "purge: nothing changed, nothing to purge")
		}
		return nil
	}
	if len(rep.Pending) > 0 && !opts.Quiet {
		fmt.Fprintf(opts.IO.Err, "purge: with %d tag(s) an earlier sync recorded in %s\n", len(rep.Pending), contract.PurgePendingKey)
	}
	po := &PurgeOptions{IO: opts.IO, Quiet: opts.Quiet, Via: opts.PurgeVia, URL: opts.PurgeURL, Purger: opts.Purger, Settle: opts.PurgeSettle,
		NewPurger: opts.NewPurger, Now: opts.Now}
	if po.Purger == nil {
		p, err := po.NewPurger(cfg, po.Via, po.URL)
		if err != nil {
			return usage(err)
		}
		po.Purger = p
	}
	applied := rep.Applied
	if applied.IsZero() {
		applied = po.Now() // only recorded tags: their writes ended before this first purge
	}
	err := purgeRecorded(ctx, po, cfg, storage, tags, applied)
	if err != nil {
		rep.Unpurged = tags
	}
	return err
}

// purgeRecorded purges tags twice: at once, and again Settle after the
// last write (applied). A response the Worker rendered from reads that
// started before that write is either not cacheable (complete after
// contract.FreshHorizon) or in the cache before the second purge, which
// drops it; so when it returns no cache holds a page older than the sync
// (docs/caching.md, "Freshness"). Then it removes the tags from the
// pending-purge record. If a purge fails, the tags stay recorded (they
// were written before the sync's first body; they are added again in case
// another sync cleared them meanwhile), are printed, and the error is exit 3.
func purgeRecorded(ctx context.Context, po *PurgeOptions, cfg *content.Config, storage store.Store, tags []string, applied time.Time) error {
	err := runPurge(ctx, po, cfg, tags)
	if err == nil {
		if wait := applied.Add(po.Settle).Sub(po.Now()); wait > 0 {
			if !po.Quiet {
				fmt.Fprintf(po.IO.Err, "purge: again in %s, once no response rendered before the sync can still reach the cache\n", wait.Round(100*time.Millisecond))
			}
			select {
			case <-ctx.Done():
				err = storeErr(fmt.Errorf("second purge: %w", ctx.Err()))
			case <-time.After(wait):
			}
		}
	}
	if err == nil {
		err = runPurge(ctx, po, cfg, tags)
	}
	if err != nil {
		where := "recorded in " + contract.PurgePendingKey
		// Also after a signal (ctx done): a cancelled request would fail and
		// the message would say the tags are not recorded. A few seconds at
		// most; a second signal ends the process.
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if rerr := syncer.RecordPending(rctx, storage, tags); rerr != nil {
			where = fmt.Sprintf("NOT recorded (%v): purge them by hand", rerr)
		}
		fmt.Fprintf(po.IO.Err, "purge failed: %d tag(s) not purged, %s; sync --purge or axctl purge --pending retries them: %s\n",
			len(tags), where, strings.Join(tags, " "))
		return err
	}
	left, err := syncer.ClearPending(ctx, storage, tags)
	if err != nil {
		return storeErr(fmt.Errorf("purged, but could not clear them from %s (the next purge repeats them): %w", contract.PurgePendingKey, err))
	}
	if len(left) > 0 && !po.Quiet {
		fmt.Fprintf(po.IO.Err, "purge: %d tag(s) another sync recorded meanwhile stay in %s\n", len(left), contract.PurgePendingKey)
	}
	return nil
}

// runPurgePending purges the tags the pending-purge record of the target
// holds, twice (the writes behind them may have just ended), and clears them.
func runPurgePending(ctx context.Context, opts *PurgeOptions, cfg *content.Config) error {
	storage, err := opts.OpenStore(ctx, cfg, opts.Target)
	if err != nil {
		return err
	}
	if opts.Purger == nil {
		p, err := opts.NewPurger(cfg, opts.Via, opts.URL)
		if err != nil {
			return usage(err)
		}
		opts.Purger = p
	}
	tags, _, err := syncer.ReadPending(ctx, storage)
	if err != nil {
		return storeErr(err)
	}
	if len(tags) == 0 {
		if !opts.Quiet {
			fmt.Fprintf(opts.IO.Err, "purge: nothing pending in %s\n", storage)
		}
		return nil
	}
	return purgeRecorded(ctx, opts, cfg, storage, tags, opts.Now())
}
