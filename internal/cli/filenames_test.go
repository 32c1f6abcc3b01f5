package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/axctl/axctl/internal/testutil"
)

// TestSyncFileTargetNameLimits: a file:// target writes each name of an
// object key as a file or folder, at most 255 bytes on the file systems
// it runs on. A tag of 30 Japanese characters (a 270-byte page folder) or
// a 248-character file name validated, and sync to file:// (make demo,
// axctl dev) wrote some objects and then failed at the PUT with exit 3,
// "safe to rerun", which never helps. Now sync refuses them first (exit 1,
// nothing written); validate, which does not know the target, still
// takes them (an s3:// target has no such limit).
func TestSyncFileTargetNameLimits(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"axctl.yaml":           "site: {title: T, baseURL: \"https://x.example\"}\ncontent: content\ncollections:\n  - name: blog\n    template: post\n",
		"content/blog/tag.md":  "---\ntitle: Tag\ndate: 2026-01-01\ntags: [\"" + strings.Repeat("日本語のタグ", 5) + "\"]\n---\nx\n",
		"content/blog/fine.md": "---\ntitle: Fine\ndate: 2026-01-01\ntags: [\"" + strings.Repeat("日本語のタグ", 4) + "\"]\n---\nx\n",
		"content/blog/" + strings.Repeat("a", 248) + ".md": "---\ntitle: Long\ndate: 2026-01-01\n---\nx\n",
	}
	testutil.WriteTree(t, dir, files)
	cfg := filepath.Join(dir, "axctl.yaml")
	axctl("--config", cfg, "validate").want(t, ExitOK, "validate (no target)")
	bucket := filepath.Join(dir, "bucket")
	r := axctl("--config", cfg, "sync", "--target", "file://"+bucket)
	r.want(t, ExitInvalid, "sync to file://")
	for _, w := range []string{
		`content/blog/tag.md:1:1: tag "` + strings.Repeat("日本語のタグ", 5) + `" has a page folder of 270 bytes`,
		`.md:1:1: object key "entries/blog/aaaa`,
		`has a name of 258 bytes`,
	} {
		if !strings.Contains(r.out+r.errOut, w) {
			t.Errorf("sync output lacks %q:\n%s%s", w, r.out, r.errOut)
		}
	}
	if strings.Contains(r.out+r.errOut, "fine.md") {
		t.Errorf("a 216-byte page folder was refused:\n%s%s", r.out, r.errOut)
	}
	if _, err := os.Stat(bucket); !os.IsNotExist(err) {
		t.Errorf("the file:// target was written (%v)", err)
	}
}
