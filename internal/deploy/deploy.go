// Package deploy is the Worker's deploy state machine: build with a build
// id → wrangler deploy → poll <site>/__internal/version until the new build
// answers → purge the cache only if it can still hold the old version's
// responses. Every step is idempotent; a state file records the completed
// ones so that a rerun after a failure resumes at the step that failed.
package deploy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/axctl/axctl/internal/purge"
	"github.com/axctl/axctl/internal/scaffold"
)

// Steps in order.
const (
	StepBuild  = "build"
	StepDeploy = "deploy"
	StepVerify = "verify"
	StepPurge  = "purge"
)

// Purge modes.
const (
	PurgeAuto   = "auto"   // only when the cache can hold the old version's responses
	PurgeAlways = "always" // purge everything after every deploy
	PurgeNever  = "never"
)

// Options configure Run. WorkerDir, BuildID and SiteURL are required.
type Options struct {
	WorkerDir string // the directory holding wrangler.jsonc
	BuildID   string // becomes the Worker's BUILD_ID var
	SiteURL   string // where /__internal/version answers
	StateDir  string // default .axctl
	Wrangler  string // the wrangler executable; default: WorkerDir/node_modules/.bin/wrangler, else PATH
	DryRun    bool
	// Percent N (1–99) uploads the build as a new version and splits
	// traffic new@N% old@(100-N)%; Promote then moves it to 100%, Rollback
	// returns the old version to 100% (gradual.go).
	Percent  int
	Promote  bool
	Rollback bool
	Purge    string // auto (default), always, never
	// ZoneCache says a zone cache (a Cache Rule) fronts the Worker; its keys
	// do not include the Worker version, so auto mode purges.
	ZoneCache bool
	// NewPurger builds the purger for the purge step; called only when a
	// purge will run, so its secret is needed only then.
	NewPurger func() (purge.Purger, error)
	Client    *http.Client
	Interval  time.Duration // between polls; default 5s
	Timeout   time.Duration // for the verify step; default 5m
	Out       io.Writer     // progress and wrangler's output
	Now       func() time.Time
}

// UsageError is a problem with the inputs: nothing was run.
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

// StepError is a step that failed; the steps before it are recorded.
type StepError struct {
	Step string
	Err  error
}

func (e *StepError) Error() string {
	return fmt.Sprintf("deploy stopped at step %q: %v\nfix it and rerun: completed steps are skipped", e.Step, e.Err)
}
func (e *StepError) Unwrap() error { return e.Err }

var buildIDRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// deployment is a checked set of options with its state and worker config.
type deployment struct {
	Options
	worker   *WorkerConfig
	state    *State
	wrangler string
	purgeWhy string // why the purge step runs or is skipped
	needs    bool   // the purge step runs
}

// Run checks the inputs, then runs (or with DryRun prints) the steps that
// the state file does not list as done.
func Run(ctx context.Context, opts Options) error {
	d, err := prepare(opts)
	if err != nil {
		return &UsageError{err}
	}
	if d.gradual() {
		if d.DryRun {
			d.printGradual()
			return nil
		}
		return d.runGradual(ctx)
	}
	if d.DryRun {
		d.print()
		return nil
	}
	for _, step := range []struct {
		name string
		run  func(context.Context) (string, error)
	}{
		{StepBuild, d.build}, {StepDeploy, d.deploy}, {StepVerify, d.verify}, {StepPurge, d.purge},
	} {
		if d.state.Done(step.name) {
			fmt.Fprintf(d.Out, "deploy: %-6s done earlier (%s), skipped\n", step.name, d.state.Steps[step.name])
			continue
		}
		fmt.Fprintf(d.Out, "deploy: %-6s …\n", step.name)
		note, err := step.run(ctx)
		if err != nil {
			return &StepError{Step: step.name, Err: err}
		}
		if err := d.state.mark(step.name, d.Now(), note); err != nil {
			return &StepError{Step: step.name, Err: err}
		}
		if note != "" {
			fmt.Fprintf(d.Out, "deploy: %-6s %s\n", step.name, note)
		}
	}
	fmt.Fprintf(d.Out, "deploy: build %s is live at %s (state: %s)\n", d.BuildID, d.SiteURL, d.state.Path())
	return nil
}

func prepare(opts Options) (*deployment, error) {
	d := &deployment{Options: opts}
	if d.StateDir == "" {
		d.StateDir = ".axctl"
	}
	if d.Purge == "" {
		d.Purge = PurgeAuto
	}
	if d.Interval <= 0 {
		d.Interval = 5 * time.Second
	}
	if d.Timeout <= 0 {
		d.Timeout = 5 * time.Minute
	}
	if d.Client == nil {
		d.Client = &http.Client{Timeout: 15 * time.Second}
	}
	if d.Out == nil {
		d.Out = io.Discard
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if !buildIDRe.MatchString(d.BuildID) {
		return nil, fmt.Errorf("build id %q: want 1–64 letters, digits, '.', '_' or '-' (a git commit)", d.BuildID)
	}
	if err := checkSite(d.SiteURL); err != nil {
		return nil, err
	}
	var err error
	if d.worker, err = ReadWorkerConfig(d.WorkerDir); err != nil {
		return nil, err
	}
	if err := d.worker.CheckPlaceholders(); err != nil {
		return nil, err
	}
	if d.state, err = LoadState(d.StateDir, d.BuildID); err != nil {
		return nil, err
	}
	d.state.Worker, d.state.Site = d.worker.Name, d.SiteURL
	if err := d.decidePurge(); err != nil {
		return nil, err
	}
	if err := d.checkGradual(); err != nil {
		return nil, err
	}
	d.wrangler = d.findWrangler()
	return d, nil
}

func (d *deployment) gradual() bool { return d.Percent != 0 || d.Promote || d.Rollback }

func checkSite(site string) error {
	if err := scaffold.CheckName("site URL", site, "axctl.yaml (site.baseURL) or --url"); err != nil {
		return err
	}
	u, err := url.Parse(site)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("site URL %q: want http(s)://HOST — set site.baseURL in axctl.yaml or pass --url", site)
	}
	return nil
}

func (d *deployment) decidePurge() error {
	switch d.Purge {
	case PurgeNever:
		d.purgeWhy = "skipped: --purge never"
	case PurgeAlways:
		d.needs, d.purgeWhy = true, "--purge always"
	case PurgeAuto:
		switch {
		case d.ZoneCache:
			d.needs, d.purgeWhy = true, "a zone cache fronts the Worker and its keys do not include the Worker version"
		case d.worker.Cache != nil && d.worker.Cache.Enabled && d.worker.Cache.CrossVersionCache:
			d.needs, d.purgeWhy = true, "Workers Cache has cross_version_cache: the new version would serve the old one's responses"
		case d.worker.versionedCache():
			d.purgeWhy = "not needed: Workers Cache keys include the Worker version, so the new version starts empty"
		default:
			d.purgeWhy = "not needed: no cache is enabled in front of the Worker"
		}
	default:
		return fmt.Errorf("--purge must be auto, always or never, not %q", d.Purge)
	}
	return nil
}

func (d *deployment) findWrangler() string {
	if d.Wrangler != "" {
		return d.Wrangler
	}
	local := filepath.Join(d.WorkerDir, "node_modules", ".bin", "wrangler")
	if st, err := os.Stat(local); err == nil && !st.IsDir() {
		if abs, err := filepath.Abs(local); err == nil {
			return abs
		}
	}
	return "wrangler"
}

func (d *deployment) buildArgs() []string {
	return []string{"deploy", "--dry-run", "--outdir", "dist", "--var", "BUILD_ID:" + d.BuildID}
}

func (d *deployment) deployArgs() []string {
	return []string{"deploy", "--var", "BUILD_ID:" + d.BuildID, "--message", "axctl deploy " + d.BuildID}
}

func (d *deployment) versionURL() string {
	return strings.TrimRight(d.SiteURL, "/") + "/__internal/version"
}

// build bundles the Worker without deploying it (wrangler deploy --dry-run),
// so that a broken bundle stops before anything reaches Cloudflare.
func (d *deployment) build(ctx context.Context) (string, error) {
	return "", d.runWrangler(ctx, d.buildArgs())
}

// deploy uploads and activates the new version. Deploying the same code
// and vars twice is harmless, so a rerun of this step is safe.
func (d *deployment) deploy(ctx context.Context) (string, error) {
	return "", d.runWrangler(ctx, d.deployArgs())
}

func (d *deployment) runWrangler(ctx context.Context, args []string) error {
	cmd := exec.CommandContext(ctx, d.wrangler, args...)
	cmd.Dir = d.WorkerDir
	cmd.Stdout, cmd.Stderr = d.Out, d.Out
	cmd.Env = append(os.Environ(), "WRANGLER_SEND_METRICS=false")
	if err := cmd.Run(); err != nil {
		if errors.Is(err, exec.ErrNotFound) {
			return fmt.Errorf("wrangler not found: run `npm ci` in %s or put wrangler on PATH", d.WorkerDir)
		}
		return fmt.Errorf("wrangler %s failed: %w (its output is above)", strings.Join(args, " "), err)
	}
	return nil
}

func (d *deployment) purge(ctx context.Context) (string, error) {
	if !d.needs {
		return d.purgeWhy, nil
	}
	if d.NewPurger == nil {
		return "", fmt.Errorf("a purge is needed (%s) but no purger is configured", d.purgeWhy)
	}
	p, err := d.NewPurger()
	if err != nil {
		return "", err
	}
	if err := p.Purge(ctx, nil, true); err != nil {
		return "", err
	}
	return "purged everything via " + p.String() + " (" + d.purgeWhy + ")", nil
}

// print shows the steps, with their state, and runs nothing.
func (d *deployment) print() {
	status := func(step string) string {
		if d.state.Done(step) {
			return "done"
		}
		return "todo"
	}
	w := d.Out
	fmt.Fprintf(w, "deploy plan for build %s: Worker %q (%s), site %s\n", d.BuildID, d.worker.Name, d.worker.Path, d.SiteURL)
	fmt.Fprintf(w, "  1. build   %-4s  (in %s) %s %s\n", status(StepBuild), d.WorkerDir, d.wrangler, strings.Join(d.buildArgs(), " "))
	fmt.Fprintf(w, "  2. deploy  %-4s  (in %s) %s %s\n", status(StepDeploy), d.WorkerDir, d.wrangler, quoteArgs(d.deployArgs()))
	fmt.Fprintf(w, "  3. verify  %-4s  poll GET %s every %s until \"build\" is %q (timeout %s)\n", status(StepVerify), d.versionURL(), d.Interval, d.BuildID, d.Timeout)
	what := "purge everything: " + d.purgeWhy
	if !d.needs {
		what = d.purgeWhy
	} else if d.NewPurger != nil {
		if _, err := d.NewPurger(); err != nil {
			what += " — but " + err.Error()
		}
	}
	fmt.Fprintf(w, "  4. purge   %-4s  %s\n", status(StepPurge), what)
	fmt.Fprintf(w, "state: %s (dry run: nothing was run or written)\n", d.state.Path())
}

func quoteArgs(args []string) string {
	out := make([]string, len(args))
	for i, a := range args {
		if strings.ContainsAny(a, " \t\"'") {
			a = fmt.Sprintf("%q", a)
		}
		out[i] = a
	}
	return strings.Join(out, " ")
}
