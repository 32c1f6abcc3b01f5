package cli_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/axctl/axctl/internal/cli"
)

// deploySite writes a site whose Worker config has real names, puts a fake
// wrangler (a shell script logging its arguments) first on PATH, and serves
// /__internal/version: the old build for two polls, then the new one.
func deploySite(t *testing.T, newID string, cache string) (dir, log string, polls, purges *atomic.Int32) {
	t.Helper()
	polls, purges = &atomic.Int32{}, &atomic.Int32{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/__internal/version":
			build := newID
			if polls.Add(1) <= 2 {
				build = "old"
			}
			_ = json.NewEncoder(w).Encode(map[string]string{"build": build})
		case "/__internal/purge":
			body, _ := io.ReadAll(r.Body)
			if r.Method != http.MethodPost || r.Header.Get("Authorization") != "Bearer cli-secret" || string(body) != `{"everything":true}` {
				http.Error(w, "bad purge", http.StatusBadRequest)
				return
			}
			purges.Add(1)
			_, _ = io.WriteString(w, `{"purged":true}`)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	dir = t.TempDir()
	bin := filepath.Join(t.TempDir(), "bin")
	log = filepath.Join(dir, "wrangler.log")
	files := map[string]string{
		"axctl.yaml":            "site:\n  title: T\n  baseURL: " + srv.URL + "\ntarget: s3://real-bucket\ncollections:\n  - name: blog\n",
		"worker/wrangler.jsonc": `{"name": "real-site", "r2_buckets": [{"binding": "CONTENT", "bucket_name": "real-bucket"}], "cache": {"enabled": true` + cache + `}}`,
	}
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	script := "#!/bin/sh\nprintf '%s\\n' \"$*\" >> \"$FAKE_WRANGLER_LOG\"\n"
	if err := os.WriteFile(filepath.Join(bin, "wrangler"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	t.Setenv("FAKE_WRANGLER_LOG", log)
	t.Setenv("AXCTL_PURGE_SECRET", "cli-secret")
	t.Setenv("AXCTL_PURGE_URL", srv.URL)
	return dir, log, polls, purges
}

func deployArgs(dir string, extra ...string) []string {
	return append([]string{"deploy", "--config", filepath.Join(dir, "axctl.yaml"), "--worker-dir", filepath.Join(dir, "worker"),
		"--state-dir", filepath.Join(dir, ".axctl"), "--build-id", "0123abc", "--poll-interval", "5ms", "--timeout", "5s"}, extra...)
}

func TestDeployThroughMain(t *testing.T) {
	dir, log, polls, purges := deploySite(t, "0123abc", `, "cross_version_cache": true`)

	code, stdout, stderr := run(t, deployArgs(dir, "--dry-run")...)
	if code != 0 || !strings.Contains(stdout, "1. build   todo") || !strings.Contains(stdout, "4. purge   todo  purge everything") {
		t.Fatalf("dry run: exit %d\n%s%s", code, stdout, stderr)
	}
	if _, err := os.Stat(log); !os.IsNotExist(err) || polls.Load() != 0 {
		t.Fatalf("the dry run ran something (log: %v, polls %d)", err, polls.Load())
	}

	code, _, stderr = run(t, deployArgs(dir)...)
	if code != 0 {
		t.Fatalf("deploy: exit %d\n%s", code, stderr)
	}
	data, _ := os.ReadFile(log)
	if got := strings.Count(string(data), "--var BUILD_ID:0123abc"); got != 2 {
		t.Errorf("wrangler calls:\n%s", data)
	}
	if polls.Load() != 3 || purges.Load() != 1 {
		t.Errorf("polls %d (want 3), purges %d (want 1)", polls.Load(), purges.Load())
	}
	if !strings.Contains(stderr, "build 0123abc is live") {
		t.Errorf("output:\n%s", stderr)
	}

	code, stdout, _ = run(t, deployArgs(dir, "--dry-run")...)
	if code != 0 || strings.Count(stdout, " done ") != 4 {
		t.Errorf("dry run after the deploy should show every step done:\n%s", stdout)
	}
}

func TestDeployExitCodes(t *testing.T) {
	dir, _, _, _ := deploySite(t, "never-this", "")
	if code, _, stderr := run(t, deployArgs(dir, "--timeout", "50ms")...); code != cli.ExitStore || !strings.Contains(stderr, `deploy stopped at step "verify"`) {
		t.Errorf("verify timeout: exit %d, want %d\n%s", code, cli.ExitStore, stderr)
	}
	if code, _, stderr := run(t, deployArgs(dir, "--purge", "maybe")...); code != cli.ExitUsage || !strings.Contains(stderr, "--purge must be") {
		t.Errorf("bad --purge: exit %d\n%s", code, stderr)
	}
	args := []string{"deploy", "--config", filepath.Join(dir, "axctl.yaml"), "--worker-dir", filepath.Join(dir, "worker")}
	if code, _, stderr := run(t, args...); code != cli.ExitUsage || !strings.Contains(stderr, "--build-id") {
		t.Errorf("no build id outside git: exit %d\n%s", code, stderr)
	}
}

func TestDeployGradualExitCodes(t *testing.T) {
	dir, log, _, _ := deploySite(t, "0123abc", "")
	if code, _, stderr := run(t, deployArgs(dir, "--percent", "100")...); code != cli.ExitUsage || !strings.Contains(stderr, "want 1–99") {
		t.Errorf("--percent 100: exit %d\n%s", code, stderr)
	}
	if code, _, stderr := run(t, deployArgs(dir, "--promote")...); code != cli.ExitUsage || !strings.Contains(stderr, "--percent N first") {
		t.Errorf("--promote without a split: exit %d\n%s", code, stderr)
	}
	code, stdout, stderr := run(t, deployArgs(dir, "--percent", "10", "--dry-run")...)
	if code != 0 || !strings.Contains(stdout, "versions upload --var BUILD_ID:0123abc") || !strings.Contains(stdout, "<old>@90% <new>@10%") {
		t.Errorf("--percent --dry-run: exit %d\n%s%s", code, stdout, stderr)
	}

	// A split recorded by axctl, and a live deployment someone else made.
	state := `{"build":"0123abc","steps":{"build":"t","upload":"t","stage":"t","canary":"t","split":"t"},` +
		`"gradual":{"new_version":"11111111-0000-4000-8000-000000000001","old_version":"22222222-0000-4000-8000-000000000002","percent":10}}`
	if err := os.MkdirAll(filepath.Join(dir, ".axctl"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".axctl", "deploy-0123abc.json"), []byte(state), 0o644); err != nil {
		t.Fatal(err)
	}
	status := "#!/bin/sh\nprintf '%s\\n' \"$*\" >> \"$FAKE_WRANGLER_LOG\"\n" +
		`[ "$1" = deployments ] && echo '{"versions":[{"version_id":"33333333-0000-4000-8000-000000000003","percentage":100}]}'` + "\nexit 0\n"
	bin := filepath.Dir(lookPath(t, "wrangler"))
	if err := os.WriteFile(filepath.Join(bin, "wrangler"), []byte(status), 0o755); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = run(t, deployArgs(dir, "--promote")...)
	if code != cli.ExitRefused || !strings.Contains(stderr, "someone deployed since") || !strings.Contains(stderr, "33333333-0000-4000-8000-000000000003@100%") {
		t.Errorf("--promote over a foreign split: exit %d, want %d\n%s", code, cli.ExitRefused, stderr)
	}
	if data, _ := os.ReadFile(log); strings.Contains(string(data), "versions deploy") {
		t.Errorf("a refused promote deployed:\n%s", data)
	}
}

func lookPath(t *testing.T, name string) string {
	t.Helper()
	for _, d := range filepath.SplitList(os.Getenv("PATH")) {
		if p := filepath.Join(d, name); fileExists(p) {
			return p
		}
	}
	t.Fatalf("%s not on PATH", name)
	return ""
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }
