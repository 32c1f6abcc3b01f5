package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSyncRefusesLinkedCacheFolder: a repository can commit .axctl as a
// symbolic link. sync wrote its render cache (render.bin, bodies, search
// documents) through it into a folder of the link's choosing outside the
// checkout, and would read a cache from there. Now exit 2 before anything
// is written, and the folder stays empty.
func TestSyncRefusesLinkedCacheFolder(t *testing.T) {
	for _, link := range []string{".axctl", ".axctl/cache"} {
		t.Run(link, func(t *testing.T) {
			tr := newTree(t)
			tr.posts(1)
			tr.write("axctl.yaml", "collections:\n  - name: blog\n")
			outside := t.TempDir()
			p := filepath.Join(filepath.Dir(tr.config()), filepath.FromSlash(link))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(outside, p); err != nil {
				t.Fatal(err)
			}
			bucket := filepath.Join(t.TempDir(), "bucket")
			r := axctl("--config", tr.config(), "sync", "--target", "file://"+filepath.ToSlash(bucket))
			r.want(t, ExitUsage, "sync with a linked cache folder")
			if !strings.Contains(r.errOut, "is a symbolic link") {
				t.Errorf("stderr does not say why:\n%s", r.errOut)
			}
			if names, _ := os.ReadDir(outside); len(names) > 0 {
				t.Errorf("sync wrote %d names through the link into %s", len(names), outside)
			}
		})
	}
}
