package cli

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/axctl/axctl/internal/content"
	"github.com/axctl/axctl/internal/purge"
)

// PurgeOptions are purge's inputs.
type PurgeOptions struct {
	IO         IO
	Config     string
	Quiet      bool
	Tags       []string
	Everything bool
	Via        string
	URL        string
	// Purger, when set, replaces the one Via names (tests).
	Purger purge.Purger
}

func newPurgeCmd(ios IO, g *Globals) *cobra.Command {
	opts := &PurgeOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "purge (--tags a,b | --everything)",
		Short: "Drop cached responses by Cache-Tag, or everything",
		Long: "Purge asks the cache in front of the Worker to drop responses.\n\n" +
			"  --via worker  POST $AXCTL_PURGE_URL/__internal/purge with AXCTL_PURGE_SECRET (Workers Cache);\n" +
			"                the secret goes only to AXCTL_PURGE_URL (https, or http to loopback),\n" +
			"                and purge.url (else site.baseURL) and --url must agree with it\n" +
			"  --via zone    the Cloudflare API with CLOUDFLARE_API_TOKEN and CLOUDFLARE_ZONE_ID\n" +
			"  --via xkey    PURGE with an xkey-purge header (a local Varnish)\n\n" +
			"Tags are the Worker's Cache-Tag names: site, c:<collection>, e:<collection>/<slug>, t:<tag>.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.Config, opts.Quiet = g.Config, g.Quiet
			if (len(opts.Tags) > 0) == opts.Everything {
				return usage(fmt.Errorf("give exactly one of --tags or --everything"))
			}
			cfg, err := content.LoadConfig(opts.Config)
			if err != nil {
				return usage(err)
			}
			return runPurge(cmd.Context(), opts, cfg, opts.Tags)
		},
	}
	cmd.Flags().StringSliceVar(&opts.Tags, "tags", nil, "Cache-Tags to purge, comma-separated")
	cmd.Flags().BoolVar(&opts.Everything, "everything", false, "purge everything")
	cmd.Flags().StringVar(&opts.Via, "via", "", "worker, zone or xkey (default from config: purge.via)")
	cmd.Flags().StringVar(&opts.URL, "url", "", "site URL (worker: must equal $AXCTL_PURGE_URL) or cache URL (xkey); default from config")
	return cmd
}

// newPurger builds the purger the options and config name, with secrets
// from the environment only.
func newPurger(cfg *content.Config, via, url string) (purge.Purger, error) {
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
		if os.Getenv("AXCTL_PURGE_SECRET") == "" {
			return nil, fmt.Errorf("purge via worker: set AXCTL_PURGE_SECRET (the Worker's PURGE_SECRET) in the environment")
		}
		site, err := workerPurgeURL(cfg, flagURL)
		if err != nil {
			return nil, err
		}
		return &purge.Worker{URL: site, Secret: os.Getenv("AXCTL_PURGE_SECRET"), Client: client}, nil
	case "zone":
		if os.Getenv("CLOUDFLARE_API_TOKEN") == "" || os.Getenv("CLOUDFLARE_ZONE_ID") == "" {
			return nil, fmt.Errorf("purge via zone: set CLOUDFLARE_API_TOKEN and CLOUDFLARE_ZONE_ID in the environment")
		}
		return &purge.Zone{API: os.Getenv("CLOUDFLARE_API_URL"), ZoneID: os.Getenv("CLOUDFLARE_ZONE_ID"), Token: os.Getenv("CLOUDFLARE_API_TOKEN"), Client: client}, nil
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
func workerPurgeURL(cfg *content.Config, flagURL string) (string, error) {
	env := os.Getenv("AXCTL_PURGE_URL")
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
		if p, err = newPurger(cfg, opts.Via, opts.URL); err != nil {
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

// purgeAfterSync purges exactly the Cache-Tags a sync touched; nothing
// changed means no call at all. It purges twice: at once, and again
// PurgeSettle after the last write (applied). A response the Worker
// rendered from reads that started before that write is either not
// cacheable (complete after contract.FreshHorizon) or in the cache before
// the second purge, which drops it; so when the sync exits no cache holds a
// page older than the sync (docs/caching.md, "Freshness").
func purgeAfterSync(ctx context.Context, opts *SyncOptions, cfg *content.Config, tags []string, applied time.Time) error {
	if len(tags) == 0 {
		if !opts.Quiet {
			fmt.Fprintln(opts.IO.Err, "purge: nothing changed, nothing to purge")
		}
		return nil
	}
	po := &PurgeOptions{IO: opts.IO, Quiet: opts.Quiet, Via: opts.PurgeVia, URL: opts.PurgeURL, Purger: opts.Purger}
	if po.Purger == nil {
		p, err := newPurger(cfg, po.Via, po.URL)
		if err != nil {
			return usage(err)
		}
		po.Purger = p
	}
	if err := runPurge(ctx, po, cfg, tags); err != nil {
		return err
	}
	if wait := time.Until(applied.Add(opts.PurgeSettle)); wait > 0 {
		if !opts.Quiet {
			fmt.Fprintf(opts.IO.Err, "purge: again in %s, once no response rendered before the sync can still reach the cache\n", wait.Round(100*time.Millisecond))
		}
		select {
		case <-ctx.Done():
			return storeErr(fmt.Errorf("second purge: %w", ctx.Err()))
		case <-time.After(wait):
		}
	}
	return runPurge(ctx, po, cfg, tags)
}
