package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// TestExitCodes: every code of the table, from a real command line where
// one exists (an internal error has none: commands return typed errors, so
// a test command returns a plain one, and one panics).
func TestExitCodes(t *testing.T) {
	tr := newTree(t)
	tr.posts(3)
	cfg := []string{"--config", tr.config()}
	bucket := "file://" + filepath.ToSlash(filepath.Join(t.TempDir(), "bucket"))
	axctl(append(cfg, "sync", "--target", bucket)...).want(t, ExitOK, "sync")

	bad := newTree(t)
	bad.write("content/blog/bad.md", "---\ntitle: [unclosed\n---\n")

	// pull into a directory where a file stands in the way of entries/.
	blocked := t.TempDir()
	if err := os.WriteFile(filepath.Join(blocked, "entries"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}

	tr.remove("content/blog/p0.md")
	for _, tc := range []struct {
		name string
		args []string
		code int
	}{
		{"ok", append(cfg, "validate"), ExitOK},
		{"invalid content", []string{"--config", bad.config(), "validate"}, ExitInvalid},
		{"invalid content, sync", []string{"--config", bad.config(), "sync", "--target", bucket}, ExitInvalid},
		{"unknown command", []string{"nosuch"}, ExitUsage},
		{"unknown flag", []string{"sync", "--nosuch"}, ExitUsage},
		{"bad flag value", []string{"sync", "--concurrency", "many"}, ExitUsage},
		{"flag out of range", []string{"sync", "--concurrency", "0"}, ExitUsage},
		{"missing argument", []string{"pull"}, ExitUsage},
		{"extra argument", []string{"validate", "extra"}, ExitUsage},
		{"config missing", []string{"--config", filepath.Join(t.TempDir(), "none.yaml"), "validate"}, ExitUsage},
		{"bad target", append(cfg, "sync", "--target", "ftp://x"), ExitUsage},
		{"store failure", append(cfg, "pull", "--target", bucket, blocked), ExitStore},
		{"guard", append(cfg, "sync", "--target", bucket, "--max-deletes", "0"), ExitRefused},
	} {
		t.Run(tc.name, func(t *testing.T) {
			axctl(tc.args...).want(t, tc.code, strings.Join(tc.args, " "))
		})
	}

	for name, run := range map[string]func() error{
		"internal error": func() error { return errors.New("an error no command should return untyped") },
		"panic":          func() error { panic("boom") },
	} {
		t.Run(name, func(t *testing.T) {
			f := testFactory(nil, nil)
			root := NewRoot(f)
			root.AddCommand(&cobra.Command{Use: "fail", RunE: func(*cobra.Command, []string) error { return run() }})
			errw := f.IO.Err.(*bytes.Buffer)
			if code := Execute(context.Background(), root, []string{"fail"}, errw); code != ExitInternal {
				t.Fatalf("exit %d, want %d\n%s", code, ExitInternal, errw.String())
			}
			if !strings.Contains(errw.String(), "internal error") {
				t.Errorf("stderr does not say it is an internal error:\n%s", errw.String())
			}
		})
	}
}

// TestExitCodesDocumented: the README's exit-code table is the table here.
func TestExitCodesDocumented(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range ExitCodes {
		row := fmt.Sprintf("| `%d` | %s |", c.Code, c.Meaning)
		if !bytes.Contains(readme, []byte(row)) {
			t.Errorf("README.md lacks the row\n%s", row)
		}
	}
}
