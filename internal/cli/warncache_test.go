package cli

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// warnPieces are Markdown lines that validate with a warning (each kind the
// renderer has that depends on the file alone), okPieces lines that do not,
// badPieces lines that make the entry invalid.
var (
	warnPieces = []string{
		"![x](https://example.com/a.png)", "{{< foo >}}", "[[Page]]", "[[_TOC_]]", "=== \"Tab\"",
		"!!! note", "{: .class}", "import X from 'y'", "[x](#nope)", ":::note\nhello",
		"<img src=\"https://x.example/y.png\" alt=\"a\">", "![](https://e.example/n.png)",
		"<dl><dt>a</dt></dl>", "<ul>text<li>x</li></ul>", "*a <b>b* c</b>", // raw HTML repaired
	}
	okPieces  = []string{"Plain words.", "## A heading", "- one\n- two", "[up](#a-heading)", "> quoted", "`code` and *em*"}
	badPieces = []string{"<script>x</script>", "[gone](missing.md)"}
)

// warnEntry is a random entry, mostly warned, sometimes clean; invalid
// when bad.
func warnEntry(r *rand.Rand, i int, bad bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "---\ntitle: Post %d\ndate: 2026-01-%02d\n---\n\n", i, 1+i%28)
	for range 1 + r.IntN(6) {
		if r.IntN(2) == 0 {
			b.WriteString(warnPieces[r.IntN(len(warnPieces))])
		} else {
			b.WriteString(okPieces[r.IntN(len(okPieces))])
		}
		b.WriteString("\n\n")
	}
	if bad {
		b.WriteString(badPieces[r.IntN(len(badPieces))] + "\n")
	}
	return b.String()
}

// TestWarnedEntriesCachedOracle: sync with the render cache (which keeps
// warned entries and replays their warnings) says and writes exactly what
// sync --no-cache does, round after round of random edits, adds, deletes
// and touches of a corpus where most entries warn: stdout, stderr, exit
// code and every byte of the bucket. WARNCACHE_SEED replays a seed.
func TestWarnedEntriesCachedOracle(t *testing.T) {
	seeds := []uint64{1, 2, 3}
	if s := os.Getenv("WARNCACHE_SEED"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		seeds = []uint64{n}
	}
	for _, seed := range seeds {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			r := rand.New(rand.NewPCG(seed, 19))
			tr := newTree(t)
			warm, cold := filepath.Join(t.TempDir(), "warm"), filepath.Join(t.TempDir(), "cold")
			const n = 24
			for i := range n {
				tr.write(fmt.Sprintf("content/blog/p%d.md", i), warnEntry(r, i, false))
			}
			bad := -1 // the entry made invalid, if any: the next change fixes it
			cached := 0
			for round := range 10 {
				if round > 0 && round%2 == 1 { // every other round changes nothing: a no-op
					if bad >= 0 {
						tr.write(fmt.Sprintf("content/blog/p%d.md", bad), warnEntry(r, bad, false))
						bad = -1
					}
					for range 1 + r.IntN(5) {
						i := r.IntN(n + 4)
						rel := fmt.Sprintf("content/blog/p%d.md", i)
						switch r.IntN(4) {
						case 0:
							if _, err := os.Stat(filepath.Join(tr.dir, rel)); err == nil {
								tr.remove(rel)
							}
						case 1:
							later := time.Now().Add(time.Duration(r.IntN(100)+1) * time.Minute)
							_ = os.Chtimes(filepath.Join(tr.dir, rel), later, later)
						default:
							tr.write(rel, warnEntry(r, i, false))
						}
					}
					if r.IntN(3) == 0 {
						bad = r.IntN(n)
						tr.write(fmt.Sprintf("content/blog/p%d.md", bad), warnEntry(r, bad, true))
					}
				}
				a := axctl("--config", tr.config(), "sync", "--target", "file://"+warm)
				b := axctl("--config", tr.config(), "sync", "--no-cache", "--target", "file://"+cold)
				norm := func(s string) string { return strings.NewReplacer(warm, "BUCKET", cold, "BUCKET").Replace(s) }
				if a.code != b.code || norm(a.out) != norm(b.out) || norm(a.errOut) != norm(b.errOut) {
					t.Fatalf("seed %d round %d: warm and cold sync differ\nwarm exit %d\n%s\n%s\ncold exit %d\n%s\n%s", seed, round,
						a.code, a.out, a.errOut, b.code, b.out, b.errOut)
				}
				if strings.Contains(a.errOut, "warning:") && a.code == ExitOK {
					// The cache holds the warned entries, their warnings with them.
					bin, err := os.ReadFile(filepath.Join(tr.dir, ".axctl", "cache", "render.bin"))
					if err != nil || !bytes.Contains(bin, []byte("is not Markdown")) && !bytes.Contains(bin, []byte("on another host")) {
						t.Fatalf("seed %d round %d: the render cache keeps no warning (%v)", seed, round, err)
					}
					cached++
				}
				sameTree(t, warm, cold)
			}
			if cached == 0 {
				t.Fatalf("seed %d: no round synced with warnings: the oracle checked nothing kept", seed)
			}
		})
	}
}

// sameTree fails unless the folders a and b hold the same files with the
// same bytes.
func sameTree(t *testing.T, a, b string) {
	t.Helper()
	read := func(root string) map[string][]byte {
		out := map[string][]byte{}
		_ = filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return nil
			}
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			rel, _ := filepath.Rel(root, p)
			out[rel] = data
			return nil
		})
		return out
	}
	fa, fb := read(a), read(b)
	for k, v := range fa {
		if w, ok := fb[k]; !ok || !bytes.Equal(v, w) {
			t.Fatalf("%s differs between the warm and the cold bucket", k)
		}
	}
	for k := range fb {
		if _, ok := fa[k]; !ok {
			t.Fatalf("%s only in the cold bucket", k)
		}
	}
}
