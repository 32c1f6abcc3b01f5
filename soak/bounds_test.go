package soak

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Memory bounds the campaign enforces on `axctl validate` and `axctl sync
// --target file://…` (peak RSS: the child's VmHWM; see outcome): a fixed base plus a
// per-entry allowance, measured with margin on the benchmark corpus.
const (
	rssBase     = 96 << 20 // runtime, renderer, config
	rssPerEntry = 24 << 10 // records, metadata and rendered bodies held for the plan
	// rssHugeEntry bounds `axctl validate` on a tree with one 50 MB entry:
	// the entry must be refused from its size, not read.
	rssHugeEntry = 64 << 20
)

func rssBound(n int) int64 { return rssBase + int64(n)*rssPerEntry }

// TestResourceBounds validates and syncs a large corpus (100,000 entries in
// the soak, 1,000 in the short version) within rssBound, and refuses a
// single 50 MB entry with a clear message without reading it into memory.
func TestResourceBounds(t *testing.T) {
	parallel(t)
	n := pick(1000, 100000)
	dir := genCorpus(t, n, 21)
	v := runAxctl(t, dir, os.Environ(), "validate")
	if v.Code != 0 {
		t.Fatalf("validate: exit %d\n%s", v.Code, tail(v.Stderr, 2000))
	}
	bucket := filepath.Join(t.TempDir(), "bucket")
	s := runAxctl(t, dir, os.Environ(), "sync", "--quiet", "--target", "file://"+bucket)
	if s.Code != 0 {
		t.Fatalf("sync: exit %d\n%s", s.Code, tail(s.Stderr, 2000))
	}
	files := 0
	_ = filepath.WalkDir(filepath.Join(bucket, "entries"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files++
		}
		return nil
	})
	if files != n {
		t.Errorf("bucket holds %d entries, want %d", files, n)
	}
	bound := rssBound(n)
	t.Logf("%d entries: validate %s peak %d MiB; sync %s peak %d MiB; bound %d MiB",
		n, v.Elapsed.Round(1e6), v.PeakRSS>>20, s.Elapsed.Round(1e6), s.PeakRSS>>20, bound>>20)
	crashes := 0
	for name, o := range map[string]outcome{"validate": v, "sync": s} {
		if o.PeakRSS > bound {
			crashes++
			t.Errorf("%s of %d entries: peak RSS %d MiB over the bound %d MiB", name, n, o.PeakRSS>>20, bound>>20)
		}
	}

	huge := hugeEntryTree(t, 50<<20)
	h := runAxctl(t, huge, os.Environ(), "validate")
	t.Logf("50 MB entry: exit %d, peak %d MiB: %s", h.Code, h.PeakRSS>>20, lastLine(h.Stderr))
	if h.Code != 1 || !strings.Contains(h.Stderr, "huge.md") || !strings.Contains(h.Stderr, "limit") {
		crashes++
		t.Errorf("a 50 MB entry: exit %d, want 1 with a path:line:col message naming the limit:\n%s", h.Code, tail(h.Stderr, 1000))
	}
	if h.PeakRSS > rssHugeEntry {
		crashes++
		t.Errorf("validate of a 50 MB entry peaked at %d MiB (bound %d MiB): the entry was read", h.PeakRSS>>20, rssHugeEntry>>20)
	}
	report(t, row{
		Campaign: "resource bounds",
		Runs:     3,
		Faults:   fmt.Sprintf("%d entries; one 50 MB entry", n),
		Survived: fmt.Sprintf("validate %d MiB, sync %d MiB (bound %d MiB); 50 MB entry refused at %d MiB", v.PeakRSS>>20, s.PeakRSS>>20, bound>>20, h.PeakRSS>>20),
		Crashes:  crashes,
		Lost:     n - files,
		Notes:    fmt.Sprintf("validate %s, sync %s", v.Elapsed.Round(1e8), s.Elapsed.Round(1e8)),
	})
}

// hugeEntryTree writes a site with one valid entry and one of size bytes.
func hugeEntryTree(t *testing.T, size int) string {
	t.Helper()
	dir := t.TempDir()
	write := func(rel string, b []byte) {
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("axctl.yaml", []byte("site:\n  title: Huge\n  baseURL: https://huge.example\ncontent: content\ncollections:\n  - name: blog\n"))
	write("content/blog/ok.md", []byte("---\ntitle: OK\ndate: 2026-01-02\n---\n\nFine.\n"))
	var b bytes.Buffer
	b.WriteString("---\ntitle: Huge\ndate: 2026-01-02\n---\n\n")
	line := strings.Repeat("All work and no play makes a very large entry. ", 20) + "\n\n"
	for b.Len() < size {
		b.WriteString(line)
	}
	write("content/blog/huge.md", b.Bytes())
	return dir
}
