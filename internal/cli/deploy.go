package cli

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/axctl/axctl/internal/content"
	"github.com/axctl/axctl/internal/deploy"
	"github.com/axctl/axctl/internal/purge"
)

// DeployOptions are deploy's inputs.
type DeployOptions struct {
	IO        IO
	Config    string
	Quiet     bool
	WorkerDir string
	BuildID   string
	URL       string
	StateDir  string
	Wrangler  string
	Purge     string
	DryRun    bool
	Percent   int
	Promote   bool
	Rollback  bool
	Timeout   time.Duration
	Interval  time.Duration

	// From the factory.
	LoadConfig func(string) (*content.Config, error)
	NewPurger  func(cfg *content.Config, via, url string) (purge.Purger, error)
	Getenv     func(string) string
}

// NewCmdDeploy is `axctl deploy`; runF, when set, runs instead of runDeploy (tests).
func NewCmdDeploy(f *Factory, runF func(context.Context, *DeployOptions) error) *cobra.Command {
	g := f.Globals
	opts := &DeployOptions{IO: f.IO, LoadConfig: f.Config, NewPurger: f.NewPurger, Getenv: f.Getenv}
	cmd := &cobra.Command{
		Use:   "deploy",
		Short: "Deploy the Worker: build, wrangler deploy, verify the new build answers, purge if needed",
		Long: "Deploy runs the Worker's deploy as four idempotent steps:\n\n" +
			"  build   wrangler deploy --dry-run --outdir dist --var BUILD_ID:<id>\n" +
			"  deploy  wrangler deploy --var BUILD_ID:<id>\n" +
			"  verify  poll <site>/__internal/version until \"build\" is <id>\n" +
			"  purge   purge everything, only if the cache can still hold the old\n" +
			"          version's responses (--purge auto; see docs/deploy.md)\n\n" +
			"<id> is --build-id, default the git commit (refused when the Worker's\n" +
			"directory has uncommitted changes). Completed steps are recorded in\n" +
			"<state-dir>/deploy-<id>.json; a rerun skips them and resumes at the step\n" +
			"that failed. --dry-run prints the steps and runs nothing. Wrangler reads\n" +
			"CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID; the purge uses\n" +
			"AXCTL_PURGE_SECRET (or the zone API, as `axctl purge`).\n\n" +
			"Gradual rollout: --percent N (1–99) builds, uploads the build as a new\n" +
			"version (wrangler versions upload), stages it at 0%, checks it answers\n" +
			"through the Cloudflare-Workers-Version-Overrides header, then deploys\n" +
			"new@N% old@(100-N)%; run it again with a higher N to raise the share.\n" +
			"--promote moves the same version to 100% (then verify, purge);\n" +
			"--rollback returns the old version to 100%. Both refuse (exit 4) when\n" +
			"the live split is not the one axctl recorded.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.Config, opts.Quiet = g.Config, g.Quiet
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runDeploy(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.WorkerDir, "worker-dir", "worker", "the directory holding wrangler.jsonc")
	fl.StringVar(&opts.BuildID, "build-id", "", "the Worker's BUILD_ID (default: git rev-parse HEAD)")
	fl.StringVar(&opts.URL, "url", "", "the site to verify (default: site.baseURL from the config)")
	fl.StringVar(&opts.StateDir, "state-dir", ".axctl", "where deploy-<id>.json records completed steps")
	fl.StringVar(&opts.Wrangler, "wrangler", "", "wrangler executable (default: <worker-dir>/node_modules/.bin/wrangler, else PATH)")
	fl.StringVar(&opts.Purge, "purge", deploy.PurgeAuto, "auto, always or never")
	fl.BoolVar(&opts.DryRun, "dry-run", false, "print the steps and run nothing")
	fl.IntVar(&opts.Percent, "percent", 0, "gradual rollout: send N% (1–99) of requests to the new version")
	fl.BoolVar(&opts.Promote, "promote", false, "move the version of the last --percent to 100%")
	fl.BoolVar(&opts.Rollback, "rollback", false, "return the version the last --percent split with to 100%")
	fl.DurationVar(&opts.Timeout, "timeout", 5*time.Minute, "how long verify waits for the new build to answer")
	fl.DurationVar(&opts.Interval, "poll-interval", 5*time.Second, "time between verify's polls")
	return cmd
}

func runDeploy(ctx context.Context, opts *DeployOptions) error {
	cfg, err := opts.LoadConfig(opts.Config)
	if err != nil {
		return usage(err)
	}
	site := opts.URL
	if site == "" {
		site = cfg.Site.BaseURL
	}
	if err := refusePlaceholder("site URL", site, "axctl.yaml (site.baseURL) or --url"); err != nil {
		return err
	}
	if opts.Purge != deploy.PurgeNever && cfg.Purge.Via == "worker" && opts.Getenv("AXCTL_PURGE_SECRET") != "" {
		// Before wrangler deploys anything: where the secret may go.
		if _, err := workerPurgeURL(opts.Getenv, cfg, opts.URL); err != nil {
			return usage(err)
		}
	}
	id := opts.BuildID
	if id == "" {
		if id, err = gitBuildID(ctx, opts.WorkerDir); err != nil {
			return usage(err)
		}
	}
	out := opts.IO.Err
	if opts.DryRun {
		out = opts.IO.Out
	} else if opts.Quiet {
		out = nil
	}
	err = deploy.Run(ctx, deploy.Options{
		WorkerDir: opts.WorkerDir, BuildID: id, SiteURL: site, StateDir: opts.StateDir,
		Wrangler: opts.Wrangler, DryRun: opts.DryRun, Purge: opts.Purge,
		Percent: opts.Percent, Promote: opts.Promote, Rollback: opts.Rollback,
		ZoneCache: cfg.Purge.Via == "zone",
		NewPurger: func() (purge.Purger, error) { return opts.NewPurger(cfg, "", opts.URL) },
		Interval:  opts.Interval, Timeout: opts.Timeout, Out: out,
	})
	var ue *deploy.UsageError
	var re *deploy.RefusedError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ue):
		return usage(err)
	case errors.As(err, &re):
		return refused(err)
	default:
		return storeErr(err)
	}
}

// gitBuildID is the commit the Worker is built from. Uncommitted changes in
// the Worker's directory are refused: the id would name code it is not.
func gitBuildID(ctx context.Context, dir string) (string, error) {
	head, err := exec.CommandContext(ctx, "git", "-C", dir, "rev-parse", "HEAD").Output()
	if err != nil {
		return "", fmt.Errorf("no --build-id and no git commit in %q: %v", dir, err)
	}
	dirty, err := exec.CommandContext(ctx, "git", "-C", dir, "status", "--porcelain", "--", ".").Output()
	if err != nil {
		return "", fmt.Errorf("git status in %q: %v", dir, err)
	}
	if len(strings.TrimSpace(string(dirty))) > 0 {
		return "", fmt.Errorf("%q has uncommitted changes: commit them, or pass --build-id to name this build yourself", dir)
	}
	return strings.TrimSpace(string(head)), nil
}
