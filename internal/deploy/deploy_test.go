package deploy_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/axctl/axctl/internal/deploy"
	"github.com/axctl/axctl/internal/purge"
)

const wranglerJSONC = `// test Worker
{
  "name": "site-test", // the Worker
  "main": "src/index.js",
  "r2_buckets": [{ "binding": "CONTENT", "bucket_name": "bucket-test" },],
  "cache": { "enabled": true%s },
  /* vars */ "vars": { "BUILD_ID": "dev" },
}
`

// fakeWrangler is a shell script standing in for wrangler (the real
// `wrangler deploy` needs a Cloudflare account and cannot run here). It
// appends its arguments and working directory to a log, and fails a step
// while a file <log>.fail-<build|deploy> exists.
const fakeWrangler = `#!/bin/sh
step=deploy
case " $* " in *" --dry-run "*) step=build ;; esac
printf '%s|%s\n' "$(basename "$PWD")" "$*" >> "$FAKE_WRANGLER_LOG"
if [ -e "$FAKE_WRANGLER_LOG.fail-$step" ]; then
  echo "fake wrangler: $step failed" >&2
  exit 1
fi
`

// site plays the Worker's /__internal routes: version answers old for the
// first oldPolls requests, then the new build; purge checks the secret.
type site struct {
	*httptest.Server
	mu       sync.Mutex
	oldPolls int
	newID    string
	polls    int
	purges   []string // request bodies
}

func newSite(t *testing.T, oldPolls int, newID string) *site {
	s := &site{oldPolls: oldPolls, newID: newID}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		switch {
		case r.Method == http.MethodGet && r.URL.Path == "/__internal/version":
			s.polls++
			build := "old-build"
			if s.polls > s.oldPolls {
				build = s.newID
			}
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(map[string]any{"build": build, "runs": s.polls})
		case r.Method == http.MethodPost && r.URL.Path == "/__internal/purge":
			if r.Header.Get("Authorization") != "Bearer s3cret" {
				w.WriteHeader(http.StatusForbidden)
				return
			}
			body, _ := io.ReadAll(r.Body)
			s.purges = append(s.purges, string(body))
			_, _ = io.WriteString(w, `{"purged":true,"errors":[],"everything":true}`)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *site) counts() (int, []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.polls, append([]string(nil), s.purges...)
}

type env struct {
	dir, worker, log, state string
	out                     *bytes.Buffer
}

// setup writes a Worker dir with cacheExtra spliced into its cache block and
// puts the fake wrangler first on PATH.
func setup(t *testing.T, cacheExtra string) *env {
	t.Helper()
	dir := t.TempDir()
	e := &env{dir: dir, worker: filepath.Join(dir, "worker"), log: filepath.Join(dir, "wrangler.log"), state: filepath.Join(dir, ".axctl"), out: &bytes.Buffer{}}
	bin := filepath.Join(dir, "bin")
	for _, d := range []string{e.worker, bin} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	cfg := strings.Replace(wranglerJSONC, "%s", cacheExtra, 1)
	if err := os.WriteFile(filepath.Join(e.worker, "wrangler.jsonc"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bin, "wrangler"), []byte(fakeWrangler), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	t.Setenv("FAKE_WRANGLER_LOG", e.log)
	return e
}

func (e *env) opts(s *site, id string) deploy.Options {
	return deploy.Options{
		WorkerDir: e.worker, BuildID: id, SiteURL: s.URL, StateDir: e.state,
		Interval: 5 * time.Millisecond, Timeout: 5 * time.Second, Out: e.out,
		NewPurger: func() (purge.Purger, error) {
			return &purge.Worker{URL: s.URL, Secret: "s3cret", Client: s.Client()}, nil
		},
	}
}

func (e *env) calls(t *testing.T) []string {
	t.Helper()
	data, err := os.ReadFile(e.log)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSpace(string(data)), "\n")
}

func (e *env) savedState(t *testing.T, id string) deploy.State {
	t.Helper()
	var st deploy.State
	data, err := os.ReadFile(filepath.Join(e.state, "deploy-"+id+".json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &st); err != nil {
		t.Fatal(err)
	}
	return st
}

func TestRunAllStepsThenRerunSkipsThem(t *testing.T) {
	e := setup(t, "")
	s := newSite(t, 3, "abc123")
	if err := deploy.Run(context.Background(), e.opts(s, "abc123")); err != nil {
		t.Fatalf("Run: %v\n%s", err, e.out)
	}
	want := []string{
		"worker|deploy --dry-run --outdir dist --var BUILD_ID:abc123",
		"worker|deploy --var BUILD_ID:abc123 --message axctl deploy abc123",
	}
	if got := e.calls(t); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("wrangler calls:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	polls, purges := s.counts()
	if polls != 4 {
		t.Errorf("polls = %d, want 4 (3 old answers, then the new build)", polls)
	}
	if len(purges) != 0 {
		t.Errorf("purged %v; Workers Cache keyed by version needs no purge", purges)
	}
	st := e.savedState(t, "abc123")
	for _, step := range []string{deploy.StepBuild, deploy.StepDeploy, deploy.StepVerify, deploy.StepPurge} {
		if !st.Done(step) {
			t.Errorf("state: step %s not recorded: %+v", step, st)
		}
	}
	if !strings.Contains(st.Notes[deploy.StepPurge], "not needed") || st.Worker != "site-test" {
		t.Errorf("state = %+v", st)
	}

	e.out.Reset()
	if err := deploy.Run(context.Background(), e.opts(s, "abc123")); err != nil {
		t.Fatalf("rerun: %v", err)
	}
	if got := e.calls(t); len(got) != 2 {
		t.Errorf("rerun called wrangler again: %v", got)
	}
	if polls2, _ := s.counts(); polls2 != polls {
		t.Errorf("rerun polled again (%d → %d)", polls, polls2)
	}
	if strings.Count(e.out.String(), "done earlier") != 4 {
		t.Errorf("rerun output:\n%s", e.out)
	}
}

func TestResumesAtTheStepThatFailed(t *testing.T) {
	e := setup(t, "")
	s := newSite(t, 0, "v2")
	fail := e.log + ".fail-deploy"
	if err := os.WriteFile(fail, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	err := deploy.Run(context.Background(), e.opts(s, "v2"))
	var se *deploy.StepError
	if !errors.As(err, &se) || se.Step != deploy.StepDeploy {
		t.Fatalf("err = %v, want a StepError at deploy", err)
	}
	for _, want := range []string{`step "deploy"`, "wrangler deploy --var BUILD_ID:v2", "rerun"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if !strings.Contains(e.out.String(), "fake wrangler: deploy failed") {
		t.Errorf("wrangler's output not shown:\n%s", e.out)
	}
	if polls, _ := s.counts(); polls != 0 {
		t.Errorf("verified after a failed deploy (%d polls)", polls)
	}
	if st := e.savedState(t, "v2"); !st.Done(deploy.StepBuild) || st.Done(deploy.StepDeploy) {
		t.Errorf("state after failure = %+v", st.Steps)
	}

	os.Remove(fail)
	if err := deploy.Run(context.Background(), e.opts(s, "v2")); err != nil {
		t.Fatalf("resume: %v\n%s", err, e.out)
	}
	calls := e.calls(t)
	if len(calls) != 3 || strings.Contains(calls[2], "--dry-run") {
		t.Errorf("resume should rerun only deploy, calls: %v", calls)
	}
}

func TestBuildFailureStopsBeforeDeploy(t *testing.T) {
	e := setup(t, "")
	s := newSite(t, 0, "v3")
	if err := os.WriteFile(e.log+".fail-build", nil, 0o644); err != nil {
		t.Fatal(err)
	}
	err := deploy.Run(context.Background(), e.opts(s, "v3"))
	var se *deploy.StepError
	if !errors.As(err, &se) || se.Step != deploy.StepBuild {
		t.Fatalf("err = %v, want a StepError at build", err)
	}
	if calls := e.calls(t); len(calls) != 1 {
		t.Errorf("calls after a failed build: %v", calls)
	}
	if _, err := os.Stat(filepath.Join(e.state, "deploy-v3.json")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a state file was written although no step completed: %v", err)
	}
}

func TestVerifyTimesOutWithAClearMessage(t *testing.T) {
	e := setup(t, "")
	s := newSite(t, 1<<30, "never")
	o := e.opts(s, "v4")
	o.Timeout = 60 * time.Millisecond
	err := deploy.Run(context.Background(), o)
	var se *deploy.StepError
	if !errors.As(err, &se) || se.Step != deploy.StepVerify {
		t.Fatalf("err = %v, want a StepError at verify", err)
	}
	for _, want := range []string{`still answers build "old-build", not build "v4"`, "/__internal/version", "rerun to poll again"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if st := e.savedState(t, "v4"); !st.Done(deploy.StepDeploy) || st.Done(deploy.StepVerify) {
		t.Errorf("state = %+v", st.Steps)
	}
}

func TestVerifyWaitsThroughErrors(t *testing.T) {
	e := setup(t, "")
	var n int
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		n++
		switch n {
		case 1:
			w.WriteHeader(http.StatusBadGateway)
		case 2:
			_, _ = io.WriteString(w, "<html>not the Worker</html>")
		default:
			_, _ = io.WriteString(w, `{"build":"v5"}`)
		}
	}))
	defer srv.Close()
	o := e.opts(&site{Server: srv}, "v5")
	if err := deploy.Run(context.Background(), o); err != nil {
		t.Fatalf("Run: %v", err)
	}
	for _, want := range []string{"HTTP 502", `without a "build" field`} {
		if !strings.Contains(e.out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, e.out)
		}
	}
}

func TestPurgeOnlyWhenNeeded(t *testing.T) {
	tests := []struct {
		name, cache, mode string
		zone              bool
		purges            int
		note              string
	}{
		{"versioned Workers Cache", "", "", false, 0, "not needed: Workers Cache keys include the Worker version"},
		{"cross-version cache", `, "cross_version_cache": true`, "", false, 1, "purged everything"},
		{"zone cache", "", "", true, 1, "purged everything"},
		{"always", "", deploy.PurgeAlways, false, 1, "purged everything"},
		{"never", `, "cross_version_cache": true`, deploy.PurgeNever, false, 0, "--purge never"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := setup(t, tt.cache)
			s := newSite(t, 0, "p1")
			o := e.opts(s, "p1")
			o.Purge, o.ZoneCache = tt.mode, tt.zone
			if err := deploy.Run(context.Background(), o); err != nil {
				t.Fatalf("Run: %v", err)
			}
			_, purges := s.counts()
			if len(purges) != tt.purges {
				t.Fatalf("purges = %v, want %d", purges, tt.purges)
			}
			if tt.purges > 0 && purges[0] != `{"everything":true}` {
				t.Errorf("purge body = %s", purges[0])
			}
			if note := e.savedState(t, "p1").Notes[deploy.StepPurge]; !strings.Contains(note, tt.note) {
				t.Errorf("purge note = %q, want %q", note, tt.note)
			}
		})
	}
}

func TestPurgeFailureIsAStepError(t *testing.T) {
	e := setup(t, `, "cross_version_cache": true`)
	s := newSite(t, 0, "p2")
	o := e.opts(s, "p2")
	o.NewPurger = func() (purge.Purger, error) {
		return &purge.Worker{URL: s.URL, Secret: "wrong", Client: s.Client(), Retry: purge.Retry{Attempts: 1}}, nil
	}
	err := deploy.Run(context.Background(), o)
	var se *deploy.StepError
	if !errors.As(err, &se) || se.Step != deploy.StepPurge {
		t.Fatalf("err = %v, want a StepError at purge", err)
	}
	if st := e.savedState(t, "p2"); !st.Done(deploy.StepVerify) || st.Done(deploy.StepPurge) {
		t.Errorf("state = %+v", st.Steps)
	}
}

func TestDryRunPrintsStepsAndRunsNothing(t *testing.T) {
	e := setup(t, `, "cross_version_cache": true`)
	s := newSite(t, 0, "d1")
	o := e.opts(s, "d1")
	o.DryRun = true
	if err := deploy.Run(context.Background(), o); err != nil {
		t.Fatalf("Run: %v", err)
	}
	out := e.out.String()
	for _, want := range []string{
		"1. build   todo", "wrangler deploy --dry-run --outdir dist --var BUILD_ID:d1",
		"2. deploy  todo", `--message "axctl deploy d1"`,
		"3. verify  todo", s.URL + "/__internal/version",
		"4. purge   todo  purge everything: Workers Cache has cross_version_cache",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run lacks %q:\n%s", want, out)
		}
	}
	if calls := e.calls(t); len(calls) != 0 {
		t.Errorf("dry run called wrangler: %v", calls)
	}
	if polls, purges := s.counts(); polls != 0 || len(purges) != 0 {
		t.Errorf("dry run made requests: %d polls, %v", polls, purges)
	}
	if _, err := os.Stat(e.state); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("dry run wrote state: %v", err)
	}
}

func TestRefusesPlaceholdersAndBadInputs(t *testing.T) {
	tests := []struct {
		name, config, site, id, want string
	}{
		{"worker name", `{"name": "REPLACE_ME", "r2_buckets": [{"bucket_name": "b"}]}`, "", "", `Worker name "REPLACE_ME" is still the scaffold's placeholder`},
		{"bucket name", `{"name": "w", "r2_buckets": [{"bucket_name": "REPLACE_ME"}]}`, "", "", `R2 bucket_name "REPLACE_ME"`},
		{"site URL", `{"name": "w"}`, "https://REPLACE_ME.workers.dev", "", `site URL "https://REPLACE_ME.workers.dev"`},
		{"relative site", `{"name": "w"}`, "example.com", "", "want http(s)://HOST"},
		{"no name", `{"main": "src/index.js"}`, "", "", `no "name"`},
		{"bad JSON", `{"name": }`, "", "", "wrangler.jsonc"},
		{"build id", `{"name": "w"}`, "", "../etc", `build id "../etc"`},
		{"purge mode", `{"name": "w"}`, "", "", "--purge must be"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := setup(t, "")
			if err := os.WriteFile(filepath.Join(e.worker, "wrangler.jsonc"), []byte(tt.config), 0o644); err != nil {
				t.Fatal(err)
			}
			s := newSite(t, 0, "x")
			o := e.opts(s, "x1")
			if tt.site != "" {
				o.SiteURL = tt.site
			}
			if tt.id != "" {
				o.BuildID = tt.id
			}
			if tt.name == "purge mode" {
				o.Purge = "sometimes"
			}
			err := deploy.Run(context.Background(), o)
			var ue *deploy.UsageError
			if !errors.As(err, &ue) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want a UsageError with %q", err, tt.want)
			}
			if calls := e.calls(t); len(calls) != 0 {
				t.Errorf("wrangler ran: %v", calls)
			}
		})
	}
}

func TestScaffoldWranglerConfigIsRefused(t *testing.T) {
	dir := t.TempDir()
	data, err := os.ReadFile("../scaffold/files/worker/wrangler.jsonc")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "wrangler.jsonc"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := deploy.ReadWorkerConfig(dir)
	if err != nil {
		t.Fatalf("the scaffold's wrangler.jsonc does not parse: %v", err)
	}
	if c.Cache == nil || !c.Cache.Enabled {
		t.Errorf("the scaffold should enable Workers Cache: %+v", c.Cache)
	}
	if err := c.CheckPlaceholders(); err == nil || !strings.Contains(err.Error(), "REPLACE_ME") {
		t.Errorf("CheckPlaceholders = %v, want a placeholder error", err)
	}
}

func TestRepoWranglerConfigParses(t *testing.T) {
	c, err := deploy.ReadWorkerConfig("../../worker")
	if err != nil {
		t.Fatal(err)
	}
	if err := c.CheckPlaceholders(); err != nil {
		t.Errorf("the repository's own Worker config: %v", err)
	}
}

func TestStripJSONC(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{"a": 1} // c`, `{"a":1}`},
		{"{\"a\": \"http://x//y\" /* c */}", `{"a":"http://x//y"}`},
		{`{"a": "q\"//", "b": [1, 2,],}`, `{"a":"q\"//","b":[1,2]}`},
		{"{\"a\": [1, // one\n 2, /* two */\n],\n}", `{"a":[1,2]}`},
		{`{"a": ",}"}`, `{"a":",}"}`},
	}
	for _, tt := range tests {
		var v any
		if err := json.Unmarshal(deploy.StripJSONC([]byte(tt.in)), &v); err != nil {
			t.Errorf("StripJSONC(%q) = %q: %v", tt.in, deploy.StripJSONC([]byte(tt.in)), err)
			continue
		}
		got, _ := json.Marshal(v)
		if string(got) != tt.want {
			t.Errorf("StripJSONC(%q) → %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestCorruptOrForeignStateIsRefused(t *testing.T) {
	e := setup(t, "")
	s := newSite(t, 0, "c1")
	if err := os.MkdirAll(e.state, 0o755); err != nil {
		t.Fatal(err)
	}
	for content, want := range map[string]string{"{": "not valid JSON", `{"build":"other"}`: `for build "other"`} {
		if err := os.WriteFile(filepath.Join(e.state, "deploy-c1.json"), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		err := deploy.Run(context.Background(), e.opts(s, "c1"))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("state %q: err = %v, want %q", content, err, want)
		}
	}
}
