//go:build unix

package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestDirFileModes: every body and sidecar is 0644 whatever the umask,
// whether the store creates files 0644 (a umask that keeps those bits)
// or creates them 0600 and chmods them (one that does not): a new object,
// its sidecar created in place, and a replaced one (both through temp
// files).
func TestDirFileModes(t *testing.T) {
	for _, mask := range []int{0o022, 0o002, 0o000, 0o077, 0o027, 0o004} {
		old := syscall.Umask(mask)
		func() {
			defer syscall.Umask(old)
			dir := t.TempDir()
			s, err := NewDirStore(dir)
			if err != nil {
				t.Fatal(err)
			}
			if s.chmod != (mask&0o644 != 0) {
				t.Errorf("umask %03o: chmod after create = %v", mask, s.chmod)
			}
			if left, _ := filepath.Glob(filepath.Join(dir, ".meta", ".tmp-*")); len(left) > 0 {
				t.Errorf("umask %03o: the mode probe left %v", mask, left)
			}
			checkPutModes(t, s, fmt.Sprintf("umask %03o", mask))
		}()
	}
}

// checkPutModes puts a new object, then replaces it, and checks that the
// body and its sidecar are 0644 each time.
func checkPutModes(t *testing.T, s *DirStore, label string) {
	t.Helper()
	ctx := context.Background()
	for _, body := range []string{"one", "two"} {
		if _, err := s.Put(ctx, "a/b/k.html", []byte(body), Attrs{ContentType: "text/html"}, Precondition{}); err != nil {
			t.Fatal(err)
		}
		for _, p := range []string{"a/b/k.html", ".meta/a/b/k.html.json"} {
			fi, err := os.Stat(filepath.Join(s.dir, p))
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm() != 0o644 {
				t.Errorf("%s, put %q: %s is %v, want 0644", label, body, p, fi.Mode().Perm())
			}
		}
	}
}
