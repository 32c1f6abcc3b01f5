package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/axctl/axctl/internal/content"
	"github.com/axctl/axctl/internal/contract"
	"github.com/axctl/axctl/internal/plan"
	"github.com/axctl/axctl/internal/purge"
	"github.com/axctl/axctl/internal/store"
	"github.com/axctl/axctl/internal/syncer"
)

// SyncOptions are sync's inputs.
type SyncOptions struct {
	IO          IO
	Config      string
	JSON, Quiet bool
	PlanFlags
	LeaseFlags
	Purge    bool
	NoCache  bool
	Verify   bool
	PurgeVia string
	PurgeURL string
	// Purger, when set, replaces the one PurgeVia names (tests).
	Purger purge.Purger
	// PurgeSettle is how long after the last write --purge purges again
	// (contract.PurgeSettle from the command line; tests may shorten it).
	PurgeSettle time.Duration

	// From the factory.
	LoadConfig func(string) (*content.Config, error)
	OpenStore  func(context.Context, *content.Config, string) (store.Store, error)
	ListEarly  func(target string) bool
	NewPurger  func(cfg *content.Config, via, url string) (purge.Purger, error)
	Now        func() time.Time
}

// NewCmdSync is `axctl sync`; runF, when set, runs instead of runSync (tests).
func NewCmdSync(f *Factory, runF func(context.Context, *SyncOptions) error) *cobra.Command {
	g := f.Globals
	opts := &SyncOptions{IO: f.IO, PurgeSettle: f.PurgeSettle,
		LoadConfig: f.Config, OpenStore: f.OpenStore, ListEarly: f.ListEarly, NewPurger: f.NewPurger, Now: f.Now}
	cmd := &cobra.Command{
		Use:   "sync",
		Short: "Validate, render and upload the content; write manifests; delete what is gone",
		Long: "Sync validates every entry (nothing is written if any is invalid), renders\n" +
			"it, lists the bucket, prints the plan, and applies it: assets and entries,\n" +
			"then manifests (conditional writes), then deletes. A second sync with no\n" +
			"change writes nothing.\n\n" +
			"--target is file://DIR or s3://BUCKET[/PREFIX]; the default comes from the\n" +
			"config (" + content.DefaultTarget + "). S3 credentials come from the standard AWS\n" +
			"environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY); the endpoint from the\n" +
			"config's s3.endpoint, AXCTL_S3_ENDPOINT or R2_ACCOUNT_ID.\n\n" +
			"--verify also HEADs every object the listing shows unchanged, prints each\n" +
			"attribute (content type, cache control, custom metadata) that differs from\n" +
			"what the content produces, and puts those objects again (the weekly job).",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.Config, opts.JSON, opts.Quiet = g.Config, g.JSON, g.Quiet
			if opts.Concurrency < 1 || opts.Concurrency > 256 {
				return usage(fmt.Errorf("--concurrency must be between 1 and 256, not %d", opts.Concurrency))
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runSync(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	addPlanFlags(fl, &opts.PlanFlags, targetUsage)
	fl.BoolVar(&opts.Verify, "verify", false, "also HEAD every unchanged object and rewrite those whose metadata differs (a LIST cannot see it)")
	fl.BoolVar(&opts.NoCache, "no-cache", false, "render every entry again instead of reusing .axctl/cache")
	fl.BoolVar(&opts.Purge, "purge", false, "after applying, purge the Cache-Tags the plan touched (twice: again "+contract.PurgeSettle.String()+" after the last write)")
	fl.StringVar(&opts.PurgeVia, "purge-via", "", "with --purge: worker, zone or xkey (default from config)")
	fl.StringVar(&opts.PurgeURL, "purge-url", "", "with --purge: site URL (worker: must equal $AXCTL_PURGE_URL) or cache URL (xkey)")
	addLeaseFlags(fl, &opts.LeaseFlags, f.Getenv)
	return cmd
}

func runSync(ctx context.Context, opts *SyncOptions) error {
	syncer.TuneGC()
	cfg, err := opts.LoadConfig(opts.Config)
	if err != nil {
		return usage(err)
	}
	if opts.Purge && !opts.DryRun && opts.Purger == nil {
		// Before anything is written: a purge that cannot run, or must not
		// (a URL that disagrees with AXCTL_PURGE_URL), stops the sync here.
		p, err := opts.NewPurger(cfg, opts.PurgeVia, opts.PurgeURL)
		if err != nil {
			return usage(err)
		}
		opts.Purger = p
	}
	var cache *content.Cache
	if !opts.NoCache {
		if cache, err = content.OpenCache(filepath.Join(cfg.Dir, ".axctl", "cache"), cfg); err != nil {
			return usage(err)
		}
	}
	if opts.Target != "" {
		// Validation counts the target's key prefix against the key limit
		// (after OpenCache: the cache's fingerprint stays the config's).
		cfg.Target = opts.Target
	}
	// The bucket is listed while the content is validated; nothing is
	// written before the whole tree is valid.
	storage, listing, openErr := prefetch(ctx, cfg, opts)
	built, problems, err := syncer.Validate(ctx, cfg, syncer.ValidateOptions{Cache: cache, Now: opts.Now()})
	if err != nil || len(problems) > 0 {
		listing.Cancel()
	}
	if err != nil {
		return usage(fmt.Errorf("load content: %w", err))
	}
	if len(problems) > 0 {
		for _, p := range problems {
			fmt.Fprintln(opts.IO.Err, p.String())
		}
		return invalid(fmt.Errorf("%d problem(s); nothing was written", len(problems)), false)
	}
	for _, w := range built.Warnings {
		fmt.Fprintln(opts.IO.Err, w.String())
	}
	if openErr != nil {
		return openErr
	}
	if storage == nil {
		if storage, err = opts.OpenStore(ctx, cfg, opts.Target); err != nil {
			return err
		}
	}
	prog := newProgress(opts.IO, opts.Quiet || opts.JSON)
	rep, err := syncer.Publish(ctx, built, storage, syncer.Options{
		Listing: listing, DryRun: opts.DryRun, MaxDeletes: opts.MaxDeletes, Concurrency: opts.Concurrency, Progress: prog.update, Purge: opts.Purge, Verify: opts.Verify,
		Lease: opts.LeaseFlags.options(opts.IO, storage),
	})
	prog.done()
	if opts.Verify && rep != nil && !opts.JSON {
		printDrift(opts.IO.Err, rep, opts.DryRun)
	}
	if rep != nil && rep.Plan != nil && !opts.Quiet && !opts.JSON && (opts.DryRun || err != nil) {
		fmt.Fprint(opts.IO.Err, rep.Plan.String())
	}
	purging := opts.Purge && !opts.DryRun && err == nil
	if opts.JSON && rep != nil && !purging {
		writeSyncJSON(opts.IO.Out, rep, opts.DryRun, storage.String())
	}
	if err != nil {
		return writeErr(err)
	}
	if !opts.Quiet {
		fmt.Fprintln(opts.IO.Err, summary(rep, opts.DryRun, storage.String()))
		if len(rep.Pending) > 0 && !purging {
			fmt.Fprintf(opts.IO.Err, "purge: %d tag(s) an earlier sync did not purge are recorded in %s (sync --purge or axctl purge --pending purges them): %s\n",
				len(rep.Pending), contract.PurgePendingKey, strings.Join(rep.Pending, " "))
		}
	}
	if purging {
		err := purgeAfterSync(ctx, opts, cfg, storage, rep)
		if opts.JSON {
			writeSyncJSON(opts.IO.Out, rep, false, storage.String())
		}
		return err
	}
	return nil
}

// writeErr maps the error of a write path (sync, manifest rebuild, pull)
// to its exit code: a guard's refusal, an object the store refuses (a
// rerun would fail the same way: the content must change), or a store
// failure, safe to rerun.
func writeErr(err error) error {
	if errors.Is(err, plan.ErrRefused) {
		return refused(err)
	}
	if errors.Is(err, store.ErrRejected) {
		return invalid(fmt.Errorf("%w; fix the content (limits in axctl.yaml): a rerun fails the same way", err), false)
	}
	return storeErr(err)
}

// prefetch opens the target and starts listing it (syncer.Prefetch) when
// that writes nothing (ListEarly: an S3 target). A file:// target is opened
// after validation (opening creates its directory), and an S3 target that
// cannot be opened is reported after the content's problems, as before the
// listing moved ahead.
func prefetch(ctx context.Context, cfg *content.Config, opts *SyncOptions) (store.Store, *syncer.Listing, error) {
	target := opts.Target
	if target == "" {
		target = cfg.Target
	}
	if !opts.ListEarly(target) {
		return nil, nil, nil
	}
	storage, err := opts.OpenStore(ctx, cfg, target)
	if err != nil {
		return nil, nil, err
	}
	return storage, syncer.Prefetch(ctx, storage), nil
}

// printDrift reports what sync --verify found: one line per difference.
func printDrift(w io.Writer, rep *syncer.Report, dry bool) {
	keys := map[string]bool{}
	for _, d := range rep.Drift {
		fmt.Fprintf(w, "verify: %s\n", d)
		keys[d.Key] = true
	}
	act := ""
	switch {
	case len(keys) > 0 && dry:
		act = " (to put again)"
	case len(keys) > 0:
		act = " (put again)"
	}
	fmt.Fprintf(w, "verify: %d object(s) read (HEAD), %d differ from the content%s\n", rep.Heads, len(keys), act)
}

// summary is the one line a sync ends with.
func summary(rep *syncer.Report, dry bool, target string) string {
	p := rep.Plan
	verb := "uploaded"
	if dry {
		verb = "would upload"
	}
	var bodies, manifests int
	reasons := map[plan.Reason]int{}
	for _, a := range p.Uploads {
		if a.Kind == plan.KindManifest {
			manifests++
			continue
		}
		if a.Kind == plan.KindPurge {
			continue
		}
		bodies++
		reasons[a.Reason]++
	}
	var parts []string
	for r, n := range reasons {
		parts = append(parts, fmt.Sprintf("%s %d", r, n))
	}
	sort.Strings(parts)
	detail := ""
	if len(parts) > 0 {
		detail = " (" + strings.Join(parts, ", ") + ")"
	}
	del := "deleted"
	if dry {
		del = "would delete"
	}
	return fmt.Sprintf("%s %d%s, unchanged %d, %s %d, manifests %d → %s (%d entries, %d drafts skipped)",
		verb, bodies, detail, p.Unchanged, del, len(p.Deletes), manifests, target, rep.Entries, rep.Drafts)
}

func writeSyncJSON(w io.Writer, rep *syncer.Report, dry bool, target string) {
	out := struct {
		Target string `json:"target"`
		DryRun bool   `json:"dryRun"`
		*syncer.Report
	}{target, dry, rep}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(out)
}

// progress draws a bar on a terminal and plain lines every few seconds
// otherwise.
type progress struct {
	w      io.Writer
	off    bool
	tty    bool
	mu     sync.Mutex
	last   time.Time
	shown  bool
	latest [2]int
}

// newProgress reports on ios.Err, as a bar when it is a terminal.
func newProgress(ios IO, off bool) *progress {
	return &progress{w: ios.Err, off: off, tty: ios.ErrTTY}
}

func (p *progress) update(done, total int) {
	if p.off {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.latest = [2]int{done, total}
	now := time.Now()
	every := 2 * time.Second
	if p.tty {
		every = 100 * time.Millisecond
	}
	if now.Sub(p.last) < every && done != total {
		return
	}
	p.last = now
	if p.tty {
		const width = 30
		n := width * done / max(total, 1)
		fmt.Fprintf(p.w, "\r[%s%s] %d/%d", strings.Repeat("#", n), strings.Repeat(".", width-n), done, total)
		p.shown = true
	} else if done != total {
		fmt.Fprintf(p.w, "applying: %d/%d\n", done, total)
	}
}

func (p *progress) done() {
	if p.tty && p.shown {
		fmt.Fprintln(p.w)
	}
}

// openTarget opens the store a --target flag names, or the config's target,
// refusing the scaffold's placeholder names. Every command that touches a
// bucket opens it here.
func openTarget(ctx context.Context, cfg *content.Config, target string) (store.Store, error) {
	if target == "" {
		target = cfg.Target
	}
	if err := refusePlaceholder("target", target, "axctl.yaml or --target"); err != nil {
		return nil, err
	}
	endpoint := cfg.S3.Endpoint
	if strings.HasPrefix(target, "s3://") && endpoint != "" {
		if err := checkConfigS3Endpoint(os.Getenv, cfg, endpoint); err != nil {
			return nil, usage(err)
		}
	}
	storage, err := store.Open(ctx, target, store.OpenOptions{S3: store.S3Options{Endpoint: endpoint}})
	if err != nil {
		return nil, usage(err)
	}
	return storage, nil
}

// checkConfigS3Endpoint refuses an s3.endpoint from axctl.yaml that the
// bucket's credentials must not be sent to. axctl.yaml is content (any
// merged pull request changes it, and a branch's pull request reaches the
// plan job with the read-only token): every request to the endpoint is
// signed with the access key from the environment. So where the
// environment names an endpoint (AXCTL_S3_ENDPOINT, R2_ACCOUNT_ID,
// AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL) the config's must be the same; where
// it names none, the config may only name a loopback server (a local MinIO).
func checkConfigS3Endpoint(getenv func(string) string, cfg *content.Config, endpoint string) error {
	var env, from string
	for _, name := range []string{"AXCTL_S3_ENDPOINT", "R2_ACCOUNT_ID", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"} {
		if v := getenv(name); v != "" {
			env, from = v, name
			if name == "R2_ACCOUNT_ID" {
				env = "https://" + v + ".r2.cloudflarestorage.com"
			}
			break
		}
	}
	if env != "" {
		if purge.SameEndpoint(endpoint, env) {
			return nil
		}
		if u, err := url.Parse(env); err == nil && u.User != nil {
			env = u.Redacted() // the environment's value is not axctl's to print whole
		}
		return fmt.Errorf("s3.endpoint in %s is %q but the environment's endpoint (%s) is %q: the bucket's credentials go only where the environment says; remove s3.endpoint or make them agree", cfg.Path, endpoint, from, env)
	}
	if u, err := url.Parse(endpoint); err == nil && purge.IsLoopback(u.Hostname()) {
		return nil
	}
	return fmt.Errorf("s3.endpoint in %s is %q: axctl.yaml may name only a loopback S3 server (a local MinIO), since every request carries the environment's credentials; set AXCTL_S3_ENDPOINT in the environment for another", cfg.Path, endpoint)
}
