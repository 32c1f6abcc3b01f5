package cli_test

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/axctl/axctl/internal/cli"
)

// run calls axctl through cli.Main, as the binary would.
func run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = cli.Main(context.Background(), args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

// snapshot maps every file under dir to its bytes.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	m := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		m[p] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestInitThenValidateAndSync(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "site")
	code, _, stderr := run(t, "init", dir)
	if code != 0 {
		t.Fatalf("init: exit %d\n%s", code, stderr)
	}
	for _, want := range []string{"created", "axctl.yaml", "content/blog/hello.md", "worker/wrangler.jsonc", ".github/workflows/sync.yml", "REPLACE_ME"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("init output lacks %q:\n%s", want, stderr)
		}
	}
	cfg := filepath.Join(dir, "axctl.yaml")
	if code, _, stderr := run(t, "validate", "--config", cfg); code != 0 {
		t.Fatalf("validate: exit %d\n%s", code, stderr)
	}
	bucket := filepath.Join(t.TempDir(), "bucket")
	code, _, stderr = run(t, "sync", "--config", cfg, "--target", "file://"+bucket)
	if code != 0 {
		t.Fatalf("sync: exit %d\n%s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(bucket, "entries", "blog", "hello.html")); err != nil {
		t.Errorf("the example entry was not synced: %v", err)
	}
	if _, err := os.Stat(filepath.Join(bucket, "metadata", "blog.json")); err != nil {
		t.Errorf("no manifest: %v", err)
	}
	// A second sync writes nothing.
	if code, _, stderr := run(t, "sync", "--config", cfg, "--target", "file://"+bucket); code != 0 || !strings.Contains(stderr, "uploaded 0") {
		t.Errorf("second sync: exit %d\n%s", code, stderr)
	}
}

func TestSyncAndDeployRefuseTheScaffoldsPlaceholders(t *testing.T) {
	dir := t.TempDir()
	if code, _, stderr := run(t, "init", "-q", dir); code != 0 {
		t.Fatalf("init: exit %d\n%s", code, stderr)
	}
	cfg := filepath.Join(dir, "axctl.yaml")
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"sync default target", []string{"sync", "--config", cfg}, `target "s3://REPLACE_ME" is still the scaffold's placeholder`},
		{"sync dry run", []string{"sync", "--dry-run", "--config", cfg}, `target "s3://REPLACE_ME"`},
		{"sync flag target", []string{"sync", "--config", cfg, "--target", "s3://REPLACE_ME/site"}, `target "s3://REPLACE_ME/site"`},
		{"manifest rebuild", []string{"manifest", "rebuild", "--check", "--config", cfg}, `target "s3://REPLACE_ME" is still the scaffold's placeholder`},
		{"pull", []string{"pull", "--config", cfg, filepath.Join(dir, "copy")}, `target "s3://REPLACE_ME"`},
		{"deploy site URL", []string{"deploy", "--config", cfg, "--worker-dir", filepath.Join(dir, "worker"), "--build-id", "b1"}, `site URL "https://REPLACE_ME.workers.dev"`},
		{"deploy worker name", []string{"deploy", "--dry-run", "--config", cfg, "--url", "https://example.com", "--worker-dir", filepath.Join(dir, "worker"), "--build-id", "b1"}, `Worker name "REPLACE_ME"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := run(t, tt.args...)
			if code != cli.ExitUsage || !strings.Contains(stderr, tt.want) || !strings.Contains(stderr, "docs/deploy.md") {
				t.Errorf("exit %d, want %d with %q:\n%s", code, cli.ExitUsage, tt.want, stderr)
			}
		})
	}
}

func TestInitTwiceChangesNothingAndKeepsUserFiles(t *testing.T) {
	dir := t.TempDir()
	if code, _, stderr := run(t, "init", dir); code != 0 {
		t.Fatalf("init: exit %d\n%s", code, stderr)
	}
	before := snapshot(t, dir)
	code, _, stderr := run(t, "init", dir)
	if code != 0 {
		t.Fatalf("second init: exit %d\n%s", code, stderr)
	}
	if strings.Contains(stderr, "created") || strings.Count(stderr, "unchanged") != len(before) {
		t.Errorf("second init should report every file unchanged:\n%s", stderr)
	}
	if after := snapshot(t, dir); len(after) != len(before) {
		t.Errorf("second init changed the tree: %d → %d files", len(before), len(after))
	}

	mine := "# my config\nsite:\n  title: Mine\n  baseURL: https://mine.example\ntarget: s3://mine\ncollections:\n  - name: blog\n"
	cfg := filepath.Join(dir, "axctl.yaml")
	if err := os.WriteFile(cfg, []byte(mine), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = run(t, "init", dir)
	if code != 0 || !regexp.MustCompile(`(?m)^skipped \(modified\) +`+regexp.QuoteMeta(cfg)+`$`).MatchString(stderr) {
		t.Errorf("third init: exit %d, want axctl.yaml skipped (modified):\n%s", code, stderr)
	}
	if got, _ := os.ReadFile(cfg); string(got) != mine {
		t.Errorf("init overwrote a modified file:\n%s", got)
	}
	for p, b := range before {
		if p == cfg {
			continue
		}
		if got, _ := os.ReadFile(p); string(got) != b {
			t.Errorf("%s changed", p)
		}
	}
}

func TestInitUpgradeWorkerTakesTheNewWorkerAndKeepsTheRest(t *testing.T) {
	dir := t.TempDir()
	if code, _, stderr := run(t, "init", dir); code != 0 {
		t.Fatalf("init: exit %d\n%s", code, stderr)
	}
	index := filepath.Join(dir, "worker", "src", "index.js")
	shipped, err := os.ReadFile(index)
	if err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "axctl.yaml")
	for name, data := range map[string]string{index: "// an older Worker\n", cfg: "# mine\n"} {
		if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code, _, stderr := run(t, "init", "--upgrade-worker", dir)
	if code != 0 {
		t.Fatalf("init --upgrade-worker: exit %d\n%s", code, stderr)
	}
	for _, want := range []string{`(?m)^updated +` + regexp.QuoteMeta(index) + `$`, `(?m)^skipped \(modified\) +` + regexp.QuoteMeta(cfg) + `$`} {
		if !regexp.MustCompile(want).MatchString(stderr) {
			t.Errorf("stderr lacks %s:\n%s", want, stderr)
		}
	}
	if got, _ := os.ReadFile(index); string(got) != string(shipped) {
		t.Errorf("worker/src/index.js was not replaced: %q", got)
	}
	if got, _ := os.ReadFile(cfg); string(got) != "# mine\n" {
		t.Errorf("axctl.yaml was overwritten: %q", got)
	}
}

func TestInitDefaultsToTheWorkingDirectory(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	if code, _, stderr := run(t, "init"); code != 0 {
		t.Fatalf("init: exit %d\n%s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, ".github", "workflows", "pr.yml")); err != nil {
		t.Error(err)
	}
	if code, _, stderr := run(t, "validate"); code != 0 {
		t.Errorf("validate in the new site: exit %d\n%s", code, stderr)
	}
}

func TestInitRefusesAFileAndTwoArgs(t *testing.T) {
	f := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(f, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := run(t, "init", f); code != cli.ExitUsage || !strings.Contains(stderr, "not a directory") {
		t.Errorf("init FILE: exit %d\n%s", code, stderr)
	}
	if code, _, _ := run(t, "init", "a", "b"); code != cli.ExitUsage {
		t.Errorf("init a b: exit %d", code)
	}
}
