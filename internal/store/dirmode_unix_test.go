//go:build unix

package store

import (
	"context"
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
			if _, err := os.Stat("/proc/self/status"); err == nil && s.chmod != (mask&0o644 != 0) {
				t.Errorf("umask %03o: chmod after create = %v", mask, s.chmod)
			}
			ctx := context.Background()
			for _, body := range []string{"one", "two"} {
				if _, err := s.Put(ctx, "a/b/k.html", []byte(body), Attrs{ContentType: "text/html"}, Precondition{}); err != nil {
					t.Fatal(err)
				}
				for _, p := range []string{"a/b/k.html", ".meta/a/b/k.html.json"} {
					fi, err := os.Stat(filepath.Join(dir, p))
					if err != nil {
						t.Fatal(err)
					}
					if fi.Mode().Perm() != 0o644 {
						t.Errorf("umask %03o, put %q: %s is %v, want 0644", mask, body, p, fi.Mode().Perm())
					}
				}
			}
		}()
	}
}

func TestUmaskKeepsIn(t *testing.T) {
	for _, c := range []struct {
		status string
		want   bool
	}{
		{"Name:\taxctl\nUmask:\t0022\nState:\tR (running)\n", true},
		{"Umask:\t0002\n", true},
		{"Umask:\t0000", true},
		{"Umask:\t0077\n", false},
		{"Umask:\t0027\n", false},
		{"Umask:\t0004\n", false},
		{"Umask:\t0200\n", false},
		{"Umask:\tzz\n", false},
		{"Name:\taxctl\nState:\tR (running)\n", false}, // kernels before 4.7
		{"", false},
	} {
		if got := umaskKeepsIn([]byte(c.status), 0o644); got != c.want {
			t.Errorf("umaskKeepsIn(%q) = %v, want %v", c.status, got, c.want)
		}
	}
}
