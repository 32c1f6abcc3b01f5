package corpus

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/axctl/axctl/internal/content"
	"github.com/axctl/axctl/internal/manifest"
	"github.com/axctl/axctl/internal/syncer"
)

// digest hashes every file under dir (path and bytes).
func digest(t *testing.T, dir string) string {
	t.Helper()
	h := sha256.New()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		h.Write([]byte(filepath.ToSlash(rel) + "\x00"))
		h.Write(b)
		h.Write([]byte{0})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func generate(t *testing.T, n int, seed uint64) (string, *Stats) {
	t.Helper()
	dir := t.TempDir()
	st, err := Generate(Options{N: n, Seed: seed, Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	return dir, st
}

func TestSameSeedSameBytes(t *testing.T) {
	a, _ := generate(t, 60, 42)
	b, _ := generate(t, 60, 42)
	c, _ := generate(t, 60, 43)
	if digest(t, a) != digest(t, b) {
		t.Fatal("same seed wrote different bytes")
	}
	if digest(t, a) == digest(t, c) {
		t.Fatal("different seeds wrote the same bytes")
	}
}

func TestShape(t *testing.T) {
	_, st := generate(t, 400, 1)
	if st.Entries != 400 {
		t.Fatalf("entries = %d, want 400", st.Entries)
	}
	if len(st.Collections) != 3 {
		t.Errorf("collections = %v, want 3", st.Collections)
	}
	if share := float64(st.Code) / float64(st.Entries); share < 0.2 || share > 0.4 {
		t.Errorf("syntax:code share = %.2f, want about 0.3", share)
	}
	if st.Images == 0 {
		t.Error("no entry references an image")
	}
	if avg := st.Words / st.Entries; avg < 300 || avg > 2000 {
		t.Errorf("average words = %d, want a few hundred to a few thousand", avg)
	}
}

// TestValidates proves axctl accepts the corpus: validate finds no problem
// and every entry becomes an object.
func TestValidates(t *testing.T) {
	dir, st := generate(t, 80, 7)
	cfg, err := content.LoadConfig(filepath.Join(dir, "axctl.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	built, problems, err := syncer.Validate(context.Background(), cfg, syncer.ValidateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Error(p.String())
	}
	if built == nil {
		t.FailNow()
	}
	entries, highlighted, assets := 0, 0, 0
	for it := range built.Items() {
		switch {
		case strings.HasPrefix(it.Key, "entries/"):
			entries++
			if strings.Contains(string(it.Body), `class="chroma"`) {
				highlighted++
			}
		case strings.HasPrefix(it.Key, "assets/"):
			assets++
		}
	}
	if entries != st.Entries {
		t.Errorf("built %d entries, generated %d", entries, st.Entries)
	}
	if highlighted != st.Code {
		t.Errorf("%d entries highlighted, %d declare syntax:code", highlighted, st.Code)
	}
	if st.Images > 0 && assets == 0 {
		t.Error("images referenced but no asset built")
	}
}

func TestHugoSite(t *testing.T) {
	dir, _ := generate(t, 5, 3)
	for _, f := range []string{"hugo.toml", "themes/axbench/layouts/single.html"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}
	b, _ := os.ReadFile(filepath.Join(dir, "hugo.toml"))
	if !strings.Contains(string(b), "noClasses = false") {
		t.Error("hugo.toml must highlight with CSS classes")
	}
}

func TestRecordsBuild(t *testing.T) {
	cols, recs := Records(500, 1)
	n := 0
	for _, rs := range recs {
		n += len(rs)
	}
	if n != 500 {
		t.Fatalf("records = %d", n)
	}
	objs, err := manifest.Build(manifest.Site{Title: "t", BaseURL: "https://x.example"}, cols, recs, PageSize)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := objs["metadata/site.json"]; !ok {
		t.Fatal("no site.json")
	}
}
