package deploy

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Steps of a gradual rollout (--percent N, then --promote or --rollback).
const (
	StepUpload   = "upload"   // wrangler versions upload: a new version serving nothing
	StepStage    = "stage"    // versions deploy new@0% old@100%: overrides can reach it
	StepCanary   = "canary"   // the new version answers its build through a version override
	StepSplit    = "split"    // versions deploy new@N% old@(100-N)%
	StepPromote  = "promote"  // versions deploy new@100%
	StepRollback = "rollback" // versions deploy old@100%
)

// OverrideHeader sends one request to a chosen version of a deployment.
const OverrideHeader = "Cloudflare-Workers-Version-Overrides"

// Split is a gradual rollout's record in the state file: the version
// axctl uploaded, the one it splits traffic with, and the last percentage
// it deployed.
type Split struct {
	NewVersion string `json:"new_version"`
	OldVersion string `json:"old_version,omitempty"`
	OldBuild   string `json:"old_build,omitempty"` // what the site answered before the split
	Percent    int    `json:"percent,omitempty"`   // the new version's share now live (0 before split)
}

// RefusedError is a guard that stopped the run before it changed anything:
// the live deployment is not the one the state file recorded.
type RefusedError struct{ Err error }

func (e *RefusedError) Error() string { return e.Err.Error() }
func (e *RefusedError) Unwrap() error { return e.Err }

// versionIDRe is a Worker version id as wrangler prints it. The text
// fallback for `versions upload` reads the line "Worker Version ID: <id>".
var (
	versionIDRe     = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	uploadIDTextRe  = regexp.MustCompile(`(?m)Worker Version ID:\s*([0-9a-fA-F-]{36})\s*$`)
	statusSplitText = regexp.MustCompile(`\((\d{1,3})%\)\s+([0-9a-fA-F-]{36})`)
)

type gradualStep struct {
	name string
	run  func(context.Context) (string, error)
	redo bool // run even if recorded (the split to a new percentage)
}

func (d *deployment) gradualSteps() []gradualStep {
	switch {
	case d.Promote:
		return []gradualStep{{StepPromote, d.promote, false}, {StepVerify, d.verify, false}, {StepPurge, d.purge, false}}
	case d.Rollback:
		return []gradualStep{{StepRollback, d.rollback, false}}
	}
	g := d.state.Gradual
	redo := g != nil && g.Percent != d.Percent
	return []gradualStep{
		{StepBuild, d.build, false}, {StepUpload, d.upload, false}, {StepStage, d.stage, false},
		{StepCanary, d.canary, false}, {StepSplit, d.split, redo},
	}
}

// checkGradual refuses combinations the recorded state makes meaningless.
func (d *deployment) checkGradual() error {
	modes := 0
	for _, on := range []bool{d.Percent != 0, d.Promote, d.Rollback} {
		if on {
			modes++
		}
	}
	g := d.state.Gradual
	switch {
	case modes == 0 && g != nil && g.Percent > 0 && g.Percent < 100:
		return fmt.Errorf("build %s is in a gradual rollout at %d%% (%s): finish it with --promote or --rollback", d.BuildID, g.Percent, d.state.Path())
	case modes == 0:
		return nil
	case modes > 1:
		return errors.New("--percent, --promote and --rollback exclude each other")
	case d.Percent < 0 || d.Percent > 99:
		return fmt.Errorf("--percent %d: want 1–99 (--promote moves the new version to 100%%)", d.Percent)
	case d.state.Done(StepDeploy):
		return fmt.Errorf("build %s was deployed at 100%% without a split (%s): nothing to split, promote or roll back", d.BuildID, d.state.Path())
	case d.Percent > 0 && d.state.Done(StepPromote):
		return fmt.Errorf("build %s was promoted to 100%% already (%s)", d.BuildID, d.state.Path())
	case (d.Promote || d.Rollback) && (d.state.Gradual == nil || !d.state.Done(StepSplit)):
		return fmt.Errorf("build %s has no split recorded in %s: run axctl deploy --percent N first", d.BuildID, d.state.Path())
	}
	return nil
}

// runGradual runs the steps of --percent, --promote or --rollback.
func (d *deployment) runGradual(ctx context.Context) error {
	for _, step := range d.gradualSteps() {
		if d.state.Done(step.name) && !step.redo {
			fmt.Fprintf(d.Out, "deploy: %-7s done earlier (%s), skipped\n", step.name, d.state.Steps[step.name])
			continue
		}
		fmt.Fprintf(d.Out, "deploy: %-7s …\n", step.name)
		note, err := step.run(ctx)
		if err != nil {
			var re *RefusedError
			if errors.As(err, &re) {
				return err
			}
			return &StepError{Step: step.name, Err: err}
		}
		if err := d.state.mark(step.name, d.Now(), note); err != nil {
			return &StepError{Step: step.name, Err: err}
		}
		if note != "" {
			fmt.Fprintf(d.Out, "deploy: %-7s %s\n", step.name, note)
		}
	}
	g := d.state.Gradual
	switch {
	case d.Promote:
		fmt.Fprintf(d.Out, "deploy: build %s (version %s) is live at 100%% (state: %s)\n", d.BuildID, g.NewVersion, d.state.Path())
	case d.Rollback:
		fmt.Fprintf(d.Out, "deploy: version %s is back at 100%%; build %s serves nothing (state: %s)\n", g.OldVersion, d.BuildID, d.state.Path())
	default:
		fmt.Fprintf(d.Out, "deploy: build %s (version %s) serves %d%%, version %s %d%%; `axctl deploy --promote` or `--rollback` next (state: %s)\n",
			d.BuildID, g.NewVersion, g.Percent, g.OldVersion, 100-g.Percent, d.state.Path())
	}
	return nil
}

func (d *deployment) uploadArgs() []string {
	return []string{"versions", "upload", "--var", "BUILD_ID:" + d.BuildID, "--message", "axctl deploy " + d.BuildID}
}

func (d *deployment) versionsDeployArgs(split map[string]int, why string) []string {
	args := []string{"versions", "deploy"}
	for _, id := range splitIDs(split) {
		args = append(args, fmt.Sprintf("%s@%d%%", id, split[id]))
	}
	return append(args, "-y", "--message", why)
}

// upload creates the new version without routing traffic to it and records
// its id. wrangler writes an ND-JSON record {"type":"version-upload",
// "version_id":…} to WRANGLER_OUTPUT_FILE_PATH; its text output's
// "Worker Version ID: <id>" line is the fallback.
func (d *deployment) upload(ctx context.Context) (string, error) {
	dir, err := filepath.Abs(d.StateDir) // wrangler runs in WorkerDir
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	outFile := filepath.Join(dir, "wrangler-output-"+d.BuildID+".ndjson")
	_ = os.Remove(outFile)
	defer os.Remove(outFile)
	var text bytes.Buffer
	if err := d.runWranglerCapture(ctx, d.uploadArgs(), &text, "WRANGLER_OUTPUT_FILE_PATH="+outFile); err != nil {
		return "", err
	}
	id := uploadedVersion(outFile, text.String())
	if id == "" {
		return "", fmt.Errorf("wrangler versions upload succeeded but printed no version id (no version-upload record in its output file, no \"Worker Version ID:\" line)")
	}
	d.state.Gradual = &Split{NewVersion: id}
	return "version " + id, nil
}

func uploadedVersion(outFile, text string) string {
	if f, err := os.Open(outFile); err == nil {
		defer f.Close()
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var rec struct {
				Type      string `json:"type"`
				VersionID string `json:"version_id"`
			}
			if json.Unmarshal(sc.Bytes(), &rec) == nil && rec.Type == "version-upload" && versionIDRe.MatchString(rec.VersionID) {
				return rec.VersionID
			}
		}
	}
	if m := uploadIDTextRe.FindStringSubmatch(text); m != nil && versionIDRe.MatchString(m[1]) {
		return m[1]
	}
	return ""
}

// stage adds the new version to the deployment at 0%, so that version
// overrides reach it while no reader does. The live deployment must be one
// version at 100% (or this very stage, from a rerun).
func (d *deployment) stage(ctx context.Context) (string, error) {
	g := d.state.Gradual
	live, err := d.liveSplit(ctx)
	if err != nil {
		return "", err
	}
	if _, ok := live[g.NewVersion]; ok && len(live) == 2 && live[g.NewVersion] == 0 {
		for id := range live {
			if id != g.NewVersion {
				g.OldVersion = id
			}
		}
	} else {
		if len(live) != 1 {
			return "", &RefusedError{fmt.Errorf("the live deployment is already a split (%s), not one version at 100%%: finish that rollout first (wrangler deployments status)", formatSplit(live))}
		}
		for id := range live {
			g.OldVersion = id
		}
	}
	if g.OldBuild == "" {
		if b, err := d.fetchBuild(ctx, d.versionURL(), ""); err == nil {
			g.OldBuild = b
		}
	}
	delete(d.state.Steps, StepRollback) // a new round of the rollout
	split := map[string]int{g.NewVersion: 0, g.OldVersion: 100}
	if err := d.runWrangler(ctx, d.versionsDeployArgs(split, "axctl deploy "+d.BuildID+" staged at 0%")); err != nil {
		return "", err
	}
	return formatSplit(split), nil
}

// canary polls the site with a version override for the new version until
// it answers the new build: it runs before any reader is sent to it.
func (d *deployment) canary(ctx context.Context) (string, error) {
	return d.poll(ctx, d.BuildID, d.overrideValue(d.state.Gradual.NewVersion))
}

func (d *deployment) overrideValue(version string) string {
	return fmt.Sprintf("%s=%q", d.worker.Name, version)
}

// split deploys new@N% old@(100-N)%, after checking that the live
// deployment is the one axctl recorded (its stage or its last split).
func (d *deployment) split(ctx context.Context) (string, error) {
	g := d.state.Gradual
	want := map[string]int{g.NewVersion: g.Percent, g.OldVersion: 100 - g.Percent}
	next := map[string]int{g.NewVersion: d.Percent, g.OldVersion: 100 - d.Percent}
	if err := d.deploySplit(ctx, want, next, fmt.Sprintf("axctl deploy %s at %d%%", d.BuildID, d.Percent)); err != nil {
		return "", err
	}
	g.Percent = d.Percent
	return formatSplit(next), nil
}

// promote moves the recorded new version to 100%.
func (d *deployment) promote(ctx context.Context) (string, error) {
	g := d.state.Gradual
	want := map[string]int{g.NewVersion: g.Percent, g.OldVersion: 100 - g.Percent}
	next := map[string]int{g.NewVersion: 100}
	if err := d.deploySplit(ctx, want, next, "axctl deploy "+d.BuildID+" promoted"); err != nil {
		return "", err
	}
	g.Percent = 100
	return formatSplit(next), nil
}

// rollback returns the recorded old version to 100%, from the recorded
// split or from a promote, and forgets the split so --percent starts over.
func (d *deployment) rollback(ctx context.Context) (string, error) {
	g := d.state.Gradual
	recorded := map[string]int{g.NewVersion: g.Percent, g.OldVersion: 100 - g.Percent}
	if g.Percent == 100 {
		recorded = map[string]int{g.NewVersion: 100}
	}
	next := map[string]int{g.OldVersion: 100}
	if err := d.deploySplit(ctx, recorded, next, "axctl deploy "+d.BuildID+" rolled back"); err != nil {
		return "", err
	}
	if g.OldBuild != "" {
		if _, err := d.poll(ctx, g.OldBuild, ""); err != nil {
			return "", err
		}
	}
	g.Percent = 0
	for _, s := range []string{StepStage, StepCanary, StepSplit, StepPromote, StepVerify, StepPurge} {
		delete(d.state.Steps, s)
	}
	return formatSplit(next), nil
}

// checkLive refuses to go on when the live deployment is neither want (what
// axctl recorded) nor next (what this step deploys: a rerun after wrangler
// succeeded but the state was not saved); it reports whether next is live
// already. Versions at 0% count as absent: they serve no reader.
func (d *deployment) checkLive(ctx context.Context, want, next map[string]int) (bool, error) {
	live, err := d.liveSplit(ctx)
	if err != nil {
		return false, err
	}
	switch formatSplit(serving(live)) {
	case formatSplit(serving(next)):
		return true, nil
	case formatSplit(serving(want)):
		return false, nil
	}
	return false, &RefusedError{fmt.Errorf("the live deployment is %s, not %s as axctl recorded in %s: someone deployed since; "+
		"look at `wrangler deployments status`, then delete the state file to start over", formatSplit(live), formatSplit(want), d.state.Path())}
}

// serving drops the versions at 0%.
func serving(split map[string]int) map[string]int {
	out := map[string]int{}
	for id, pct := range split {
		if pct > 0 {
			out[id] = pct
		}
	}
	return out
}

// deploySplit checks the live deployment, then deploys next unless it is
// live already.
func (d *deployment) deploySplit(ctx context.Context, want, next map[string]int, message string) error {
	already, err := d.checkLive(ctx, want, next)
	if err != nil || already {
		return err
	}
	return d.runWrangler(ctx, d.versionsDeployArgs(next, message))
}

// liveSplit reads the current deployment with `wrangler deployments status
// --json` ({"versions":[{"version_id":…,"percentage":…}]}); the text
// output's "(N%) <id>" lines are the fallback.
func (d *deployment) liveSplit(ctx context.Context) (map[string]int, error) {
	var out bytes.Buffer
	if err := d.runWranglerCapture(ctx, []string{"deployments", "status", "--json"}, &out); err != nil {
		return nil, err
	}
	split := map[string]int{}
	var st struct {
		Versions []struct {
			VersionID  string  `json:"version_id"`
			Percentage float64 `json:"percentage"`
		} `json:"versions"`
	}
	if err := json.Unmarshal(out.Bytes(), &st); err == nil {
		for _, v := range st.Versions {
			split[v.VersionID] = int(v.Percentage + 0.5)
		}
	} else {
		for _, m := range statusSplitText.FindAllStringSubmatch(out.String(), -1) {
			split[m[2]], _ = strconv.Atoi(m[1])
		}
	}
	if len(split) == 0 {
		return nil, fmt.Errorf("wrangler deployments status printed no versions (is the Worker deployed at all? a first deploy is `axctl deploy` without --percent)")
	}
	return split, nil
}

// formatSplit is "id@N% id@M%" in a stable order, 0% entries included.
func formatSplit(split map[string]int) string {
	var parts []string
	for _, id := range splitIDs(split) {
		parts = append(parts, fmt.Sprintf("%s@%d%%", id, split[id]))
	}
	return strings.Join(parts, " ")
}

func splitIDs(split map[string]int) []string {
	ids := make([]string, 0, len(split))
	for id := range split {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool {
		if split[ids[i]] != split[ids[j]] {
			return split[ids[i]] > split[ids[j]]
		}
		return ids[i] < ids[j]
	})
	return ids
}

// runWranglerCapture runs wrangler like runWrangler and also keeps its
// stdout in buf; JSON output is not echoed.
func (d *deployment) runWranglerCapture(ctx context.Context, args []string, buf *bytes.Buffer, env ...string) error {
	cmd := exec.CommandContext(ctx, d.wrangler, args...)
	cmd.Dir = d.WorkerDir
	cmd.Stdout, cmd.Stderr = buf, d.Out
	if args[len(args)-1] != "--json" {
		cmd.Stdout = io.MultiWriter(buf, d.Out)
	}
	cmd.Env = append(append(os.Environ(), "WRANGLER_SEND_METRICS=false"), env...)
	if err := cmd.Run(); err != nil {
		if errors.Is(err, exec.ErrNotFound) {
			return fmt.Errorf("wrangler not found: run `npm ci` in %s or put wrangler on PATH", d.WorkerDir)
		}
		return fmt.Errorf("wrangler %s failed: %w (its output is above)", strings.Join(args, " "), err)
	}
	return nil
}
