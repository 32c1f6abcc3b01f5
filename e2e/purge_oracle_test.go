package e2e

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/axctl/axctl/internal/testutil"
	"github.com/axctl/axctl/internal/testutil/purgeoracle"
)

// oracleTags are the tag names random changes draw from: some the fixture
// has, some new (a new tag page, a tags index that grows).
var oracleTags = []string{"intro", "code", "media", "setup", "Cache Policy", "café", "alpha", "beta", "gamma", "delta", "Epsilon", "zeta"}

// TestPurgeOracle is issue 15's purge completeness oracle at make-test
// size: the shared fixture and a generated site of 200 entries, 8 random
// changes each, every URL rendered by the real Worker before and after. A
// URL whose bytes changed and whose cached before-copy carries no tag the
// sync purged fails the test; the over-purge ratio is logged.
// AXCTL_ORACLE_CHANGES sets the number of changes (a longer local campaign).
func TestPurgeOracle(t *testing.T) {
	root := repoRoot(t)
	if _, err := os.Stat(filepath.Join(root, "worker", "node_modules", "miniflare")); err != nil {
		t.Fatalf("worker/node_modules/miniflare missing: run `make tools` (npm ci in worker/)")
	}
	seed := purgeoracle.Seed(t)
	changes := 8
	if v := os.Getenv("AXCTL_ORACLE_CHANGES"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("AXCTL_ORACLE_CHANGES=%q: want a positive number", v)
		}
		changes = n
	}
	crawler := purgeoracle.StartCrawler(t, root)
	t.Run("fixture", func(t *testing.T) {
		dir := t.TempDir()
		testutil.CopyTree(t, filepath.Join(root, "testdata", "fixture", "content"), filepath.Join(dir, "content"))
		b, err := os.ReadFile(filepath.Join(root, "testdata", "fixture", "axctl.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "axctl.yaml"), b, 0o644); err != nil {
			t.Fatal(err)
		}
		ch := &purgeoracle.Changer{R: rand.New(rand.NewPCG(seed, 1)), Content: filepath.Join(dir, "content"), Cols: []string{"notes", "guides"}, Tags: oracleTags}
		checkOracle(t, crawler, purgeoracle.NewSite(t, dir), ch, changes)
	})
	t.Run("generated", func(t *testing.T) {
		dir := t.TempDir()
		ch := purgeoracle.Generate(t, rand.New(rand.NewPCG(seed, 2)), dir, 200, oracleTags)
		checkOracle(t, crawler, purgeoracle.NewSite(t, dir), ch, changes)
	})
}

func checkOracle(t *testing.T, c *purgeoracle.Crawler, s *purgeoracle.Site, ch *purgeoracle.Changer, rounds int) {
	t.Helper()
	f := purgeoracle.Run(t, c, s, ch, rounds)
	t.Logf("purge oracle: %s", f)
	for _, l := range f.Failures {
		t.Errorf("under-purged: %s", l)
	}
	if f.Changed == 0 {
		t.Error("no URL changed in any round: the oracle checked nothing")
	}
}
