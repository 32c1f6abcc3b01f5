package main

import (
	"bytes"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/axctl/axctl/internal/testutil/purgeoracle"
)

// TestWorkerAt100k builds the manifests of 100,000 corpus records with
// manifest.Build and serves every page kind from them through the Worker's
// router in node (bench/worker/scale.mjs): each page on a cold memo reads
// at most contract.ReadObjects objects of contract.ReadBytes in all and
// lists exactly what a brute-force listing of the records says. The
// 1,000,000-record run is in `make bench`. AXCTL_SEED replays a seed.
func TestWorkerAt100k(t *testing.T) {
	if _, err := exec.LookPath("node"); err != nil {
		t.Fatal("node not found: run `make tools`")
	}
	seed := purgeoracle.Seed(t) // AXCTL_SEED replays a run
	repo, err := filepath.Abs("../../..")
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	ok, err := run(options{N: 100000, Seed: seed, Out: t.TempDir(), Worker: true, Sample: 40, Repo: repo}, &out)
	t.Log(out.String())
	if err != nil {
		t.Fatal(err)
	}
	if !ok {
		t.Fatal("a page read more than the bound, or listed other entries than the records say (above)")
	}
}
