package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/axctl/axctl/internal/testutil"
)

// TestValidateWarnings: a code block shown plain (jsonata loops on a lone ")
// is a warning in every format of validate, and on sync's stderr; both
// exit 0.
func TestValidateWarnings(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"axctl.yaml":        "collections:\n  - name: blog\n    template: post\n",
		"content/blog/a.md": "---\ntitle: A\ndate: 2026-01-01\nfeatures:\n  syntax: [code]\n---\n```jsonata\n\"\n```\n",
	}
	testutil.WriteTree(t, dir, files)
	const msg = `code block not highlighted as "jsonata": the lexer stopped advancing`
	var out, errw bytes.Buffer
	target := "file://" + filepath.Join(dir, "bucket")
	if code := Main(context.Background(), []string{"--config", filepath.Join(dir, "axctl.yaml"), "sync", "--target", target}, nil, &out, &errw); code != ExitOK {
		t.Fatalf("sync: exit %d; stderr:\n%s", code, errw.String())
	}
	if !strings.Contains(errw.String(), "a.md:7:1: warning: "+msg) {
		t.Errorf("sync stderr has no warning:\n%s", errw.String())
	}
	for _, format := range []string{"text", "github", "json"} {
		var stdout, stderr bytes.Buffer
		code := Main(context.Background(), []string{"--config", filepath.Join(dir, "axctl.yaml"), "validate", "--format", format}, nil, &stdout, &stderr)
		if code != ExitOK {
			t.Fatalf("%s: exit %d; stderr:\n%s", format, code, stderr.String())
		}
		switch format {
		case "text":
			if !strings.Contains(stderr.String(), "a.md:7:1: warning: "+msg) || stdout.Len() > 0 {
				t.Errorf("text: stdout %q, stderr %q", stdout.String(), stderr.String())
			}
		case "github":
			if !strings.Contains(stdout.String(), "::warning file=") || !strings.Contains(stdout.String(), "line=7,col=1::"+msg) {
				t.Errorf("github: stdout %q", stdout.String())
			}
		case "json":
			var doc struct {
				OK       bool
				Problems []any
				Warnings []struct {
					Line, Col int
					Message   string
				}
			}
			if err := json.Unmarshal(stdout.Bytes(), &doc); err != nil {
				t.Fatal(err)
			}
			if !doc.OK || len(doc.Problems) != 0 || len(doc.Warnings) != 1 || doc.Warnings[0].Line != 7 || !strings.HasPrefix(doc.Warnings[0].Message, msg) {
				t.Errorf("json: %+v", doc)
			}
		}
	}
}
