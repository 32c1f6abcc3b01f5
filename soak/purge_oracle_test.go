package soak

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/axctl/axctl/internal/testutil/purgeoracle"
)

// TestPurgeOracleSoak is the purge completeness oracle (issue 15;
// e2e.TestPurgeOracle runs it at make-test size) at full size: a generated
// site of 2,000 entries and 200 random changes, every URL rendered by the
// real Worker before and after each. AXCTL_SEED replays a run. Under-purged
// URLs fail the test; the over-purge ratio goes to the results table.
func TestPurgeOracleSoak(t *testing.T) {
	if !full() {
		t.Skip("full size only (AXCTL_SOAK=1); e2e.TestPurgeOracle runs the make-test size")
	}
	seed := purgeoracle.Seed(t)
	tags := []string{"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa", "Lambda", "café", "Cache Policy", "solo"}
	dir := t.TempDir()
	ch := purgeoracle.Generate(t, rand.New(rand.NewPCG(seed, 3)), dir, 2000, tags)
	c := purgeoracle.StartCrawler(t, repoRoot(t))
	f := purgeoracle.Run(t, c, purgeoracle.NewSite(t, dir), ch, 200)
	for _, l := range f.Failures {
		t.Errorf("under-purged: %s", l)
	}
	report(t, row{
		Campaign: "purge oracle", Runs: f.Rounds, Faults: fmt.Sprintf("random changes %v", f.Kinds),
		Survived: fmt.Sprintf("%d URL comparisons, %d changed", f.Compared, f.Changed),
		Crashes:  f.Under, Lost: 0,
		Notes: fmt.Sprintf("under-purged %d; over-purge %d of %d purged (%.1f%%); seed %d", f.Under, f.Over, f.Purged, 100*f.OverRatio(), seed),
	})
}
