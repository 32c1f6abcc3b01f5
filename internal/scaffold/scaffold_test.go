package scaffold_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/axctl/axctl/internal/scaffold"
)

func TestFilesHaveTheirRealNames(t *testing.T) {
	files, err := scaffold.Files()
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, f := range files {
		if !strings.HasPrefix(f.Path, "worker/src/") && !strings.HasPrefix(f.Path, "worker/public/") {
			paths = append(paths, f.Path)
		}
	}
	want := []string{
		".github/workflows/deploy.yml", ".github/workflows/pr.yml", ".github/workflows/sync.yml",
		".gitignore", "axctl.yaml", "content/blog/hello.md",
		"worker/package-lock.json", "worker/package.json", "worker/wrangler.jsonc",
	}
	if strings.Join(paths, " ") != strings.Join(want, " ") {
		t.Errorf("paths = %v\nwant %v", paths, want)
	}
}

// The scaffold's worker/src and worker/public are the repository's, file
// for file and byte for byte (dotfiles and public/_headers included).
func TestWorkerCodeIsTheRepositorys(t *testing.T) {
	files, err := scaffold.Files()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]byte{}
	for _, f := range files {
		if strings.HasPrefix(f.Path, "worker/src/") || strings.HasPrefix(f.Path, "worker/public/") {
			got[f.Path] = f.Data
		}
	}
	n := 0
	for _, dir := range []string{"src", "public"} {
		root := filepath.Join("..", "..", "worker", dir)
		err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(filepath.Join("..", ".."), p)
			want, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			n++
			if data, ok := got[filepath.ToSlash(rel)]; !ok {
				t.Errorf("%s is not in the scaffold", rel)
			} else if !bytes.Equal(data, want) {
				t.Errorf("%s differs from the repository's", rel)
			}
			delete(got, filepath.ToSlash(rel))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for p := range got {
		t.Errorf("%s is in the scaffold but not in the repository's worker/", p)
	}
	if n < 10 {
		t.Errorf("only %d Worker files compared", n)
	}
}

// The site's Worker pins the wrangler the repository's Worker is tested with.
func TestWorkerPinsTheRepositorysWrangler(t *testing.T) {
	version := func(path string) string {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var lock struct {
			Packages map[string]struct{ Version string } `json:"packages"`
		}
		if err := json.Unmarshal(data, &lock); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		return lock.Packages["node_modules/wrangler"].Version
	}
	repo := version(filepath.Join("..", "..", "worker", "package-lock.json"))
	site := version(filepath.Join("files", "worker", "package-lock.json"))
	if repo == "" || site != repo {
		t.Errorf("scaffold's package-lock.json pins wrangler %q, the repository's %q: regenerate it (docs/deploy.md)", site, repo)
	}
	data, err := os.ReadFile(filepath.Join("files", "worker", "package.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"wrangler": "`+repo+`"`) {
		t.Errorf("scaffold's package.json does not pin wrangler %s:\n%s", repo, data)
	}
}

// A scaffolded site, its names filled in, bundles: `npm test` there is
// `wrangler deploy --dry-run`, run here with the repository's wrangler
// (make tools installs it).
func TestScaffoldedWorkerBundles(t *testing.T) {
	wrangler, err := filepath.Abs(filepath.Join("..", "..", "worker", "node_modules", ".bin", "wrangler"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(wrangler); err != nil {
		t.Fatalf("%v: run `make tools` (npm ci in worker/)", err)
	}
	dir := filepath.Join(t.TempDir(), "site")
	if _, err := scaffold.Write(dir, false); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "worker", "wrangler.jsonc")
	data, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cfg, bytes.ReplaceAll(data, []byte(scaffold.Placeholder), []byte("my-site")), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(wrangler, "deploy", "--dry-run", "--outdir", "dist")
	cmd.Dir = filepath.Join(dir, "worker")
	cmd.Env = append(os.Environ(), "WRANGLER_SEND_METRICS=false", "CLOUDFLARE_CF_FETCH_ENABLED=false", "NO_COLOR=1",
		"XDG_CONFIG_HOME="+t.TempDir())
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("wrangler deploy --dry-run in the scaffolded worker/: %v\n%s", err, out)
	}
	bundle, err := os.ReadFile(filepath.Join(dir, "worker", "dist", "index.js"))
	if err != nil || !bytes.Contains(bundle, []byte("Cache-Tag")) {
		t.Errorf("no Worker bundle in dist/index.js (%v, %d bytes)\n%s", err, len(bundle), out)
	}
}

func TestWriteIsIdempotentAndNeverOverwrites(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "site")
	first, err := scaffold.Write(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range first {
		if r.Status != scaffold.Created {
			t.Errorf("first run: %s %s", r.Status, r.Path)
		}
	}
	cfg := filepath.Join(dir, "axctl.yaml")
	mine := []byte("# mine\n")
	if err := os.WriteFile(cfg, mine, 0o644); err != nil {
		t.Fatal(err)
	}
	hello := filepath.Join(dir, "content", "blog", "hello.md")
	if err := os.Remove(hello); err != nil {
		t.Fatal(err)
	}
	second, err := scaffold.Write(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range second {
		want := scaffold.Same
		switch r.Path {
		case "axctl.yaml":
			want = scaffold.Modified
		case "content/blog/hello.md":
			want = scaffold.Created
		}
		if r.Status != want {
			t.Errorf("second run: %s is %q, want %q", r.Path, r.Status, want)
		}
	}
	if got, _ := os.ReadFile(cfg); !bytes.Equal(got, mine) {
		t.Errorf("a modified file was overwritten: %q", got)
	}
}

func TestUpgradeWorkerReplacesOnlyTheWorkersCode(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "site")
	if _, err := scaffold.Write(dir, false); err != nil {
		t.Fatal(err)
	}
	put := func(p, data string) {
		t.Helper()
		name := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// An older Worker (a changed module, one it no longer ships, a stale
	// asset) and the user's own config.
	put("worker/src/index.js", "// an older Worker\n")
	put("worker/src/gone.js", "// dropped since\n")
	put("worker/public/old.css", "body{}\n")
	put("axctl.yaml", "# mine\n")
	put("worker/wrangler.jsonc", "{ \"name\": \"mine\" }\n")

	res, err := scaffold.Write(dir, true)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]scaffold.Status{
		"worker/src/index.js":   scaffold.Updated,
		"worker/src/gone.js":    scaffold.Removed,
		"worker/public/old.css": scaffold.Removed,
		"axctl.yaml":            scaffold.Modified,
		"worker/wrangler.jsonc": scaffold.Modified,
	}
	for _, r := range res {
		w, ok := want[r.Path]
		if !ok {
			w = scaffold.Same
		}
		if r.Status != w {
			t.Errorf("%s is %q, want %q", r.Path, r.Status, w)
		}
		delete(want, r.Path)
	}
	if len(want) > 0 {
		t.Errorf("not reported: %v", want)
	}
	files, err := scaffold.Files()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f.Path)))
		switch {
		case f.Path == "axctl.yaml" || f.Path == "worker/wrangler.jsonc":
			if bytes.Equal(got, f.Data) {
				t.Errorf("%s: the user's file was overwritten", f.Path)
			}
		case err != nil || !bytes.Equal(got, f.Data):
			t.Errorf("%s differs from the scaffold after the upgrade (%v)", f.Path, err)
		}
	}
	for _, p := range []string{"worker/src/gone.js", "worker/public/old.css"} {
		if _, err := os.Stat(filepath.Join(dir, p)); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s still there (%v)", p, err)
		}
	}
	again, err := scaffold.Write(dir, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range again {
		if r.Status != scaffold.Same && r.Status != scaffold.Modified {
			t.Errorf("second upgrade: %s %s", r.Status, r.Path)
		}
	}
}

func TestWriteReportsAnUnwritableDir(t *testing.T) {
	dir := t.TempDir()
	// A file where the scaffold wants a directory.
	if err := os.WriteFile(filepath.Join(dir, "content"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := scaffold.Write(dir, false); err == nil || !strings.Contains(err.Error(), "content") {
		t.Errorf("err = %v, want one naming content/", err)
	}
}

func TestCheckName(t *testing.T) {
	if err := scaffold.CheckName("target", "s3://my-bucket", "axctl.yaml"); err != nil {
		t.Errorf("a real name was refused: %v", err)
	}
	err := scaffold.CheckName("target", "s3://REPLACE_ME", "axctl.yaml")
	if err == nil || !strings.Contains(err.Error(), `target "s3://REPLACE_ME" is still the scaffold's placeholder`) || !strings.Contains(err.Error(), "axctl.yaml") {
		t.Errorf("err = %v", err)
	}
}

// The repository's own workflows are the scaffold's: one copy to lint
// (make lint runs actionlint on .github/workflows) and to keep correct.
func TestRepoWorkflowsAreTheScaffolds(t *testing.T) {
	files, err := scaffold.Files()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if !strings.HasPrefix(f.Path, ".github/") {
			continue
		}
		repo, err := os.ReadFile(filepath.Join("..", "..", filepath.FromSlash(f.Path)))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(repo, f.Data) {
			t.Errorf("%s differs from internal/scaffold/files/%s: copy one onto the other", f.Path, strings.Replace(f.Path, ".github", "dot-github", 1))
		}
	}
}

type workflow struct {
	On          map[string]any `yaml:"on"`
	Permissions map[string]string
	Concurrency struct {
		Group            string `yaml:"group"`
		CancelInProgress bool   `yaml:"cancel-in-progress"`
	}
	Jobs map[string]struct {
		Needs any
		Env   map[string]string
		Steps []struct {
			Uses string
			Run  string
			Env  map[string]string
			With map[string]string
		}
	}
}

func readWorkflow(t *testing.T, name string) (workflow, string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", ".github", "workflows", name))
	if err != nil {
		t.Fatal(err)
	}
	var w workflow
	if err := yaml.Unmarshal(data, &w); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return w, string(data)
}

var pinned = regexp.MustCompile(`^\s*(?:- )?uses: ([\w.-]+/[\w.-]+)@([0-9a-f]{40}) # v\d+(\.\d+)*$`)

func TestWorkflowsPinActionsAndUseSecretsOnlyInEnv(t *testing.T) {
	for _, name := range []string{"pr.yml", "sync.yml", "deploy.yml", "ci.yml"} {
		_, text := readWorkflow(t, name)
		for i, line := range strings.Split(text, "\n") {
			if strings.Contains(line, "uses:") && !pinned.MatchString(line) {
				t.Errorf("%s:%d: action not pinned by full SHA with a # vX comment: %s", name, i+1, strings.TrimSpace(line))
			}
			if strings.Contains(line, "${{ secrets.") && !regexp.MustCompile(`^\s+[A-Z0-9_]+: \$\{\{ secrets\.[A-Z0-9_]+ \}\}$`).MatchString(line) {
				t.Errorf("%s:%d: secrets go into env only: %s", name, i+1, strings.TrimSpace(line))
			}
		}
	}
}

func TestPullRequestWorkflowNeverWrites(t *testing.T) {
	w, text := readWorkflow(t, "pr.yml")
	if _, ok := w.On["pull_request"]; !ok || len(w.On) != 1 {
		t.Errorf("pr.yml triggers = %v, want pull_request only (never pull_request_target)", w.On)
	}
	if w.Permissions["contents"] != "read" {
		t.Errorf("permissions = %v", w.Permissions)
	}
	for _, bad := range []string{"secrets.AWS_ACCESS_KEY_ID", "secrets.AXCTL_PURGE_SECRET", "--purge", "CLOUDFLARE_API_TOKEN"} {
		if strings.Contains(text, bad) {
			t.Errorf("pr.yml mentions %q: a pull request must not write", bad)
		}
	}
	var runs []string
	for _, job := range w.Jobs {
		for _, s := range job.Steps {
			runs = append(runs, s.Run)
		}
	}
	all := strings.Join(runs, "\n")
	if strings.Count(all, "axctl sync") != 1 || !strings.Contains(all, "axctl sync --dry-run --json") {
		t.Errorf("pr.yml must run exactly one sync, a dry run:\n%s", all)
	}
	if !strings.Contains(all, "axctl validate --format github") {
		t.Errorf("pr.yml does not validate with annotations")
	}
}

func TestSyncAndDeployQueueNeverCancel(t *testing.T) {
	for name, group := range map[string]string{"sync.yml": "axctl-sync", "deploy.yml": "axctl-deploy"} {
		w, text := readWorkflow(t, name)
		if w.Concurrency.Group != group || w.Concurrency.CancelInProgress {
			t.Errorf("%s concurrency = %+v, want group %s without cancel-in-progress", name, w.Concurrency, group)
		}
		if !strings.Contains(text, "cancel-in-progress: false") {
			t.Errorf("%s: say cancel-in-progress: false explicitly", name)
		}
	}
	_, text := readWorkflow(t, "sync.yml")
	if !strings.Contains(text, "axctl sync --purge --max-deletes 50") {
		t.Errorf("sync.yml does not run `axctl sync --purge --max-deletes 50`")
	}
	// The weekly job: a schedule trigger on which the sync adds --verify.
	if w, _ := readWorkflow(t, "sync.yml"); w.On["schedule"] == nil || !strings.Contains(text, `"$GITHUB_EVENT_NAME" = schedule ]; then args+=(--verify)`) {
		t.Errorf("sync.yml has no weekly schedule running `axctl sync --verify`")
	}
	_, text = readWorkflow(t, "deploy.yml")
	for _, want := range []string{"npm ci", "npm test", `axctl deploy --build-id "$BUILD_ID"`} {
		if !strings.Contains(text, want) {
			t.Errorf("deploy.yml lacks %q", want)
		}
	}
}

// Syncs and plans in CI reuse the render cache (.axctl/cache) across runs.
func TestSyncAndPlanRestoreTheRenderCache(t *testing.T) {
	for _, name := range []string{"sync.yml", "pr.yml"} {
		w, _ := readWorkflow(t, name)
		for _, job := range w.Jobs {
			// axctl sync reads and writes .axctl/cache; axctl validate does
			// not use it (and pr.yml's validate job has nothing to restore).
			cached, synced, ok := false, false, true
			for _, s := range job.Steps {
				if strings.HasPrefix(s.Uses, "actions/cache@") && s.With["path"] == ".axctl/cache" && strings.Contains(s.With["key"], "${{ github.sha }}") {
					cached = true
				}
				if strings.Contains(s.Run, "axctl sync") {
					synced, ok = true, ok && cached
				}
			}
			if synced && !ok {
				t.Errorf("%s: no actions/cache step for .axctl/cache (keyed by the commit) before axctl sync", name)
			}
		}
	}
}

// The plan summary script renders sync's JSON; jq is on GitHub's runners.
func TestPlanSummaryRenders(t *testing.T) {
	if _, err := exec.LookPath("jq"); err != nil {
		t.Skip("jq not installed")
	}
	w, _ := readWorkflow(t, "pr.yml")
	var prog string
	for _, s := range w.Jobs["plan"].Steps {
		if p := s.Env["PLAN_TO_MARKDOWN"]; p != "" {
			prog = p
		}
	}
	if prog == "" {
		t.Fatal("no PLAN_TO_MARKDOWN in pr.yml")
	}
	tests := []struct{ name, json, want string }{
		{"changes", `{"target":"s3://b","dryRun":true,"entries":2,"drafts":1,"plan":{"uploads":[{"key":"entries/blog/a.html","kind":"entry","reason":"changed"}],"deletes":[{"key":"entries/blog/old.html","kind":"entry","reason":"gone"}],"unchanged":5},"purge":["c:blog","site"]}`,
			"### axctl sync plan for `s3://b`\n\n2 entries (1 drafts not published): **1** to upload, **1** to delete, 5 unchanged.\n\n| action | kind | key | reason |\n|---|---|---|---|\n| upload | entry | `entries/blog/a.html` | changed |\n| delete | entry | `entries/blog/old.html` | gone |\n\nCache-Tags the merge will purge: `c:blog` `site`\n"},
		{"no-op", `{"target":"s3://b","dryRun":true,"entries":2,"drafts":0,"plan":{"uploads":null,"deletes":null,"unchanged":7}}`,
			"### axctl sync plan for `s3://b`\n\n2 entries (0 drafts not published): **0** to upload, **0** to delete, 7 unchanged.\n\nMerging this pull request changes nothing in the bucket.\n"},
		{"no plan", `{"target":"s3://b","dryRun":true,"entries":0,"drafts":0}`,
			"### axctl sync plan for `s3://b`\n\nNo plan: the sync stopped before planning; see the job log.\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := exec.Command("jq", "-r", prog)
			cmd.Stdin = strings.NewReader(tt.json)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("jq: %v\n%s", err, out)
			}
			if string(out) != tt.want {
				t.Errorf("got:\n%s\nwant:\n%s", out, tt.want)
			}
		})
	}
}

// TestPullRequestValidateJobHasNoSecrets: the job that first reads a pull
// request's content (axctl validate) holds no secret at all, and the plan
// job, with its read-only credentials, runs only after it passed.
func TestPullRequestValidateJobHasNoSecrets(t *testing.T) {
	w, _ := readWorkflow(t, "pr.yml")
	job, ok := w.Jobs["validate"]
	if !ok {
		t.Fatal("pr.yml has no validate job")
	}
	validates := false
	for _, s := range job.Steps {
		validates = validates || strings.Contains(s.Run, "axctl validate")
		for k, v := range s.Env {
			if strings.Contains(v, "secrets.") {
				t.Errorf("validate job step env %s = %s: the validate job must hold no secret", k, v)
			}
		}
	}
	for k, v := range job.Env {
		if strings.Contains(v, "secrets.") {
			t.Errorf("validate job env %s = %s", k, v)
		}
	}
	if !validates {
		t.Error("the validate job does not run axctl validate")
	}
	if fmt.Sprint(w.Jobs["plan"].Needs) != "validate" {
		t.Errorf("plan needs %v, want validate", w.Jobs["plan"].Needs)
	}
}

// TestPurgeSecretTravelsWithItsURL: every step that holds the purge secret
// also sets AXCTL_PURGE_URL from a variable (axctl sends the secret only
// there, docs/security.md).
func TestPurgeSecretTravelsWithItsURL(t *testing.T) {
	for _, name := range []string{"sync.yml", "deploy.yml"} {
		w, _ := readWorkflow(t, name)
		found := false
		for _, job := range w.Jobs {
			for _, s := range job.Steps {
				if _, ok := s.Env["AXCTL_PURGE_SECRET"]; !ok {
					continue
				}
				found = true
				if s.Env["AXCTL_PURGE_URL"] != "${{ vars.AXCTL_PURGE_URL }}" {
					t.Errorf("%s: a step holds AXCTL_PURGE_SECRET without AXCTL_PURGE_URL: ${{ vars.AXCTL_PURGE_URL }}", name)
				}
			}
		}
		if !found {
			t.Errorf("%s: no step holds AXCTL_PURGE_SECRET", name)
		}
	}
}
