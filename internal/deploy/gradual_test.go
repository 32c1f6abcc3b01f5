package deploy_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/axctl/axctl/internal/deploy"
)

// fakeVersionsWrangler models Worker versions and deployments: `versions
// upload` mints an id (and records its BUILD_ID) in <log>.versions, writes
// the version-upload record to WRANGLER_OUTPUT_FILE_PATH (unless
// <log>.text-only exists) and prints "Worker Version ID: <id>"; `versions
// deploy id@N%…` replaces <log>.deployment; `deployments status --json`
// prints it. A step fails while <log>.fail-<step> exists.
const fakeVersionsWrangler = `#!/bin/sh
log="$FAKE_WRANGLER_LOG"
printf '%s|%s\n' "$(basename "$PWD")" "$*" >> "$log"
case "$1 $2" in
  "versions upload") step=upload ;;
  "versions deploy") step=versions-deploy ;;
  "deployments status") step=status ;;
  *) step=deploy; case " $* " in *" --dry-run "*) step=build ;; esac ;;
esac
if [ -e "$log.fail-$step" ]; then
  echo "fake wrangler: $step failed" >&2
  exit 1
fi
case "$step" in
upload)
  n=$(( $(cat "$log.n" 2>/dev/null || echo 0) + 1 )); echo $n > "$log.n"
  id=$(printf '%08d-0000-4000-8000-%012d' $n $n)
  build=""; prev=""
  for a in "$@"; do [ "$prev" = "--var" ] && build="${a#BUILD_ID:}"; prev="$a"; done
  echo "$id $build" >> "$log.versions"
  echo "Uploaded site-test"
  if [ -n "$WRANGLER_OUTPUT_FILE_PATH" ] && [ ! -e "$log.text-only" ]; then
    printf '{"type":"version-upload","version":1,"worker_name":"site-test","version_id":"%s"}\n' "$id" >> "$WRANGLER_OUTPUT_FILE_PATH"
  fi
  echo "Worker Version ID: $id"
  ;;
versions-deploy)
  : > "$log.deployment.tmp"
  for a in "$@"; do case "$a" in *@*%) v=${a%@*}; p=${a##*@}; echo "$v ${p%\%}" >> "$log.deployment.tmp" ;; esac; done
  mv "$log.deployment.tmp" "$log.deployment"
  ;;
status)
  printf '{"id":"dep","versions":['
  sep=""
  while read v p; do printf '%s{"version_id":"%s","percentage":%s}' "$sep" "$v" "$p"; sep=","; done < "$log.deployment"
  printf ']}\n'
  ;;
esac
`

const oldVersion = "00000000-0000-4000-8000-000000000000"

var newVersion = "00000001-0000-4000-8000-000000000001"

// gradualEnv is setup with the versions-aware fake wrangler, a live
// deployment of oldVersion (build "old-build") at 100%, and a site that
// answers the build of the version a request reaches: the one named by a
// version override if it is in the deployment, else the largest share.
func gradualEnv(t *testing.T, cacheExtra string) (*env, *site) {
	t.Helper()
	e := setup(t, cacheExtra)
	if err := os.WriteFile(filepath.Join(e.dir, "bin", "wrangler"), []byte(fakeVersionsWrangler), 0o755); err != nil {
		t.Fatal(err)
	}
	e.write(t, ".deployment", oldVersion+" 100\n")
	e.write(t, ".versions", oldVersion+" old-build\n")
	s := &site{}
	overrideRe := regexp.MustCompile(`^site-test="([0-9a-f-]+)"$`)
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		if r.URL.Path == "/__internal/purge" {
			body, _ := io.ReadAll(r.Body)
			s.purges = append(s.purges, string(body))
			s.mu.Unlock()
			_, _ = io.WriteString(w, `{"purged":true,"errors":[],"everything":true}`)
			return
		}
		s.polls++
		s.mu.Unlock()
		builds, live := e.fakeTable(t, ".versions"), e.fakeTable(t, ".deployment")
		best, bestPct := "", -1
		for id, pct := range live {
			p, _ := strconv.Atoi(pct)
			if p > bestPct {
				best, bestPct = id, p
			}
		}
		if _, err := os.Stat(e.log + ".no-override"); err == nil {
			r.Header.Del(deploy.OverrideHeader) // the override is not applied (not yet propagated)
		}
		if m := overrideRe.FindStringSubmatch(r.Header.Get(deploy.OverrideHeader)); m != nil {
			if _, ok := live[m[1]]; ok {
				best = m[1]
			}
		}
		_ = json.NewEncoder(w).Encode(map[string]string{"build": builds[best]})
	}))
	t.Cleanup(s.Close)
	return e, s
}

func (e *env) write(t *testing.T, suffix, body string) {
	t.Helper()
	if err := os.WriteFile(e.log+suffix, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

// fakeTable reads a "key value" file of the fake wrangler.
func (e *env) fakeTable(t *testing.T, suffix string) map[string]string {
	data, _ := os.ReadFile(e.log + suffix)
	m := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if k, v, ok := strings.Cut(line, " "); ok {
			m[k] = v
		}
	}
	return m
}

func (e *env) gradual(s *site, id string, pct int, promote, rollback bool) deploy.Options {
	o := e.opts(s, id)
	o.Percent, o.Promote, o.Rollback = pct, promote, rollback
	return o
}

func (e *env) countCalls(t *testing.T, prefix string) int {
	n := 0
	for _, c := range e.calls(t) {
		if strings.HasPrefix(c, "worker|"+prefix) {
			n++
		}
	}
	return n
}

func TestGradualPercentRaisePromote(t *testing.T) {
	e, s := gradualEnv(t, "")
	ctx := context.Background()
	if err := deploy.Run(ctx, e.gradual(s, "g1", 10, false, false)); err != nil {
		t.Fatalf("--percent 10: %v\n%s", err, e.out)
	}
	want := []string{
		"worker|deploy --dry-run --outdir dist --var BUILD_ID:g1",
		"worker|versions upload --var BUILD_ID:g1 --message axctl deploy g1",
		"worker|deployments status --json",
		"worker|versions deploy " + oldVersion + "@100% " + newVersion + "@0% -y --message axctl deploy g1 staged at 0%",
		"worker|deployments status --json",
		"worker|versions deploy " + oldVersion + "@90% " + newVersion + "@10% -y --message axctl deploy g1 at 10%",
	}
	if got := e.calls(t); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("wrangler calls:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	st := e.savedState(t, "g1")
	if g := st.Gradual; g == nil || g.NewVersion != newVersion || g.OldVersion != oldVersion || g.OldBuild != "old-build" || g.Percent != 10 {
		t.Fatalf("state.gradual = %+v", st.Gradual)
	}
	if !strings.Contains(st.Notes[deploy.StepCanary], deploy.OverrideHeader) {
		t.Errorf("canary note = %q", st.Notes[deploy.StepCanary])
	}

	n := len(e.calls(t))
	if err := deploy.Run(ctx, e.gradual(s, "g1", 50, false, false)); err != nil {
		t.Fatalf("--percent 50: %v\n%s", err, e.out)
	}
	if got := e.calls(t)[n:]; len(got) != 2 || !strings.HasSuffix(got[1], newVersion+"@50% -y --message axctl deploy g1 at 50%") {
		t.Errorf("raising to 50%% should check and redeploy the split only: %v", got)
	}

	if err := deploy.Run(ctx, e.gradual(s, "g1", 0, true, false)); err != nil {
		t.Fatalf("--promote: %v\n%s", err, e.out)
	}
	if live := e.fakeTable(t, ".deployment"); len(live) != 1 || live[newVersion] != "100" {
		t.Errorf("live after promote = %v", live)
	}
	st = e.savedState(t, "g1")
	for _, step := range []string{deploy.StepPromote, deploy.StepVerify, deploy.StepPurge} {
		if !st.Done(step) {
			t.Errorf("step %s not recorded: %v", step, st.Steps)
		}
	}
	if !strings.Contains(st.Notes[deploy.StepPurge], "not needed") {
		t.Errorf("purge note = %q", st.Notes[deploy.StepPurge])
	}
	var ue *deploy.UsageError
	if err := deploy.Run(ctx, e.gradual(s, "g1", 20, false, false)); !errors.As(err, &ue) || !strings.Contains(err.Error(), "promoted") {
		t.Errorf("--percent after promote: %v", err)
	}
}

func TestGradualResumesAfterAFailedDeploy(t *testing.T) {
	e, s := gradualEnv(t, "")
	e.write(t, ".text-only", "") // the id comes from the text fallback
	e.write(t, ".fail-versions-deploy", "")
	err := deploy.Run(context.Background(), e.gradual(s, "g2", 25, false, false))
	var se *deploy.StepError
	if !errors.As(err, &se) || se.Step != deploy.StepStage {
		t.Fatalf("err = %v, want a StepError at stage", err)
	}
	st := e.savedState(t, "g2")
	if !st.Done(deploy.StepUpload) || st.Done(deploy.StepStage) || st.Gradual == nil || st.Gradual.NewVersion != newVersion {
		t.Fatalf("state after the failure: %+v %+v", st.Steps, st.Gradual)
	}
	os.Remove(e.log + ".fail-versions-deploy")
	if err := deploy.Run(context.Background(), e.gradual(s, "g2", 25, false, false)); err != nil {
		t.Fatalf("rerun: %v\n%s", err, e.out)
	}
	if n := e.countCalls(t, "versions upload"); n != 1 {
		t.Errorf("the rerun uploaded again (%d uploads)", n)
	}
	if live := e.fakeTable(t, ".deployment"); live[newVersion] != "25" || live[oldVersion] != "75" {
		t.Errorf("live = %v", live)
	}
}

func TestGradualUploadFailure(t *testing.T) {
	e, s := gradualEnv(t, "")
	e.write(t, ".fail-upload", "")
	err := deploy.Run(context.Background(), e.gradual(s, "g3", 10, false, false))
	var se *deploy.StepError
	if !errors.As(err, &se) || se.Step != deploy.StepUpload {
		t.Fatalf("err = %v, want a StepError at upload", err)
	}
	if n := e.countCalls(t, "versions deploy"); n != 0 {
		t.Errorf("deployed after a failed upload")
	}
	if st := e.savedState(t, "g3"); st.Gradual != nil || !st.Done(deploy.StepBuild) {
		t.Errorf("state = %+v %+v", st.Steps, st.Gradual)
	}
}

func TestGradualRefusesASplitChangedBehindItsBack(t *testing.T) {
	e, s := gradualEnv(t, "")
	ctx := context.Background()
	if err := deploy.Run(ctx, e.gradual(s, "g4", 10, false, false)); err != nil {
		t.Fatalf("--percent: %v\n%s", err, e.out)
	}
	other := "0000abcd-0000-4000-8000-000000000009"
	e.write(t, ".deployment", other+" 100\n")
	n := e.countCalls(t, "versions deploy")
	for name, o := range map[string]deploy.Options{
		"promote":  e.gradual(s, "g4", 0, true, false),
		"rollback": e.gradual(s, "g4", 0, false, true),
		"raise":    e.gradual(s, "g4", 30, false, false),
	} {
		err := deploy.Run(ctx, o)
		var re *deploy.RefusedError
		if !errors.As(err, &re) || !strings.Contains(err.Error(), "someone deployed since") || !strings.Contains(err.Error(), other+"@100%") {
			t.Errorf("%s: err = %v, want a refusal naming the live split", name, err)
		}
	}
	if e.countCalls(t, "versions deploy") != n {
		t.Errorf("a refused run deployed")
	}
}

func TestGradualRollback(t *testing.T) {
	e, s := gradualEnv(t, "")
	ctx := context.Background()
	if err := deploy.Run(ctx, e.gradual(s, "g5", 10, false, false)); err != nil {
		t.Fatalf("--percent: %v", err)
	}
	if err := deploy.Run(ctx, e.gradual(s, "g5", 0, false, true)); err != nil {
		t.Fatalf("--rollback: %v\n%s", err, e.out)
	}
	if live := e.fakeTable(t, ".deployment"); len(live) != 1 || live[oldVersion] != "100" {
		t.Errorf("live after rollback = %v", live)
	}
	st := e.savedState(t, "g5")
	if st.Done(deploy.StepSplit) || !st.Done(deploy.StepRollback) || st.Gradual.Percent != 0 {
		t.Errorf("state after rollback: %+v %+v", st.Steps, st.Gradual)
	}
	// --percent starts over from the stage, with the same uploaded version.
	if err := deploy.Run(ctx, e.gradual(s, "g5", 5, false, false)); err != nil {
		t.Fatalf("--percent after rollback: %v\n%s", err, e.out)
	}
	if e.countCalls(t, "versions upload") != 1 || e.fakeTable(t, ".deployment")[newVersion] != "5" {
		t.Errorf("calls: %v", e.calls(t))
	}
	if err := deploy.Run(ctx, e.gradual(s, "g5", 0, false, true)); err != nil {
		t.Fatalf("second --rollback: %v\n%s", err, e.out)
	}
	if live := e.fakeTable(t, ".deployment"); len(live) != 1 || live[oldVersion] != "100" {
		t.Errorf("live after the second rollback = %v", live)
	}
}

func TestGradualRerunAfterAnUnsavedSplit(t *testing.T) {
	e, s := gradualEnv(t, "")
	ctx := context.Background()
	if err := deploy.Run(ctx, e.gradual(s, "g9", 10, false, false)); err != nil {
		t.Fatalf("--percent: %v", err)
	}
	// wrangler promoted, then axctl died before saving the state.
	e.write(t, ".deployment", newVersion+" 100\n")
	n := e.countCalls(t, "versions deploy")
	if err := deploy.Run(ctx, e.gradual(s, "g9", 0, true, false)); err != nil {
		t.Fatalf("--promote over its own unsaved promote: %v\n%s", err, e.out)
	}
	if e.countCalls(t, "versions deploy") != n {
		t.Errorf("deployed again what was live already")
	}
}

func TestGradualInputsAndDryRun(t *testing.T) {
	e, s := gradualEnv(t, "")
	ctx := context.Background()
	for name, o := range map[string]deploy.Options{
		"100":             e.gradual(s, "g6", 100, false, false),
		"negative":        e.gradual(s, "g6", -3, false, false),
		"both":            e.gradual(s, "g6", 10, true, false),
		"promote nothing": e.gradual(s, "g6", 0, true, false),
	} {
		var ue *deploy.UsageError
		if err := deploy.Run(ctx, o); !errors.As(err, &ue) {
			t.Errorf("%s: err = %v, want a UsageError", name, err)
		}
	}
	o := e.gradual(s, "g6", 10, false, false)
	o.DryRun = true
	if err := deploy.Run(ctx, o); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"2. upload   todo", "versions upload --var BUILD_ID:g6", "4. canary   todo", deploy.OverrideHeader, "<old>@90% <new>@10%"} {
		if !strings.Contains(e.out.String(), want) {
			t.Errorf("dry run lacks %q:\n%s", want, e.out)
		}
	}
	if calls := e.calls(t); len(calls) != 0 {
		t.Errorf("dry run ran wrangler: %v", calls)
	}
}

func TestGradualCanaryGatesTheSplit(t *testing.T) {
	e, s := gradualEnv(t, "")
	e.write(t, ".no-override", "")
	o := e.gradual(s, "g7", 10, false, false)
	o.Timeout = 60 * time.Millisecond
	err := deploy.Run(context.Background(), o)
	var se *deploy.StepError
	if !errors.As(err, &se) || se.Step != deploy.StepCanary || !strings.Contains(err.Error(), `still answers build "old-build", not build "g7"`) {
		t.Fatalf("err = %v, want a StepError at canary", err)
	}
	if live := e.fakeTable(t, ".deployment"); live[newVersion] != "0" || live[oldVersion] != "100" {
		t.Errorf("readers were sent to an unchecked version: %v", live)
	}
	plain := e.opts(s, "g7")
	plain.DryRun = true
	if err := deploy.Run(context.Background(), plain); err != nil {
		t.Errorf("a plain deploy before the split should still be allowed: %v", err)
	}
}

func TestGradualPromotePurgesASharedCache(t *testing.T) {
	e, s := gradualEnv(t, `, "cross_version_cache": true`)
	ctx := context.Background()
	if err := deploy.Run(ctx, e.gradual(s, "g8", 10, false, false)); err != nil {
		t.Fatalf("--percent: %v\n%s", err, e.out)
	}
	if _, purges := s.counts(); len(purges) != 0 {
		t.Errorf("purged during the split: %v", purges)
	}
	var ue *deploy.UsageError
	if err := deploy.Run(ctx, e.opts(s, "g8")); !errors.As(err, &ue) || !strings.Contains(err.Error(), "--promote or --rollback") {
		t.Errorf("a plain deploy during the split: %v", err)
	}
	if err := deploy.Run(ctx, e.gradual(s, "g8", 0, true, false)); err != nil {
		t.Fatalf("--promote: %v\n%s", err, e.out)
	}
	if _, purges := s.counts(); len(purges) != 1 || purges[0] != `{"everything":true}` {
		t.Errorf("purges after promote = %v, want one purge of everything", purges)
	}
}
