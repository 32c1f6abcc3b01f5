package soak

import (
	"fmt"
	"math/rand/v2"
	"syscall"
	"testing"
	"time"

	"github.com/axctl/axctl/internal/testutil/minio"
)

// TestCrashLoop kills `axctl sync` (SIGKILL, at a seeded moment) while it
// applies a large change against MinIO, reruns it to completion, and
// requires the bucket to equal an uninterrupted sync of the same tree into
// a fresh bucket (keys, bytes, content type, cache control, metadata).
// Runs alternate direction (base → edited → base …), so both a change and
// its revert are interrupted. A concurrent reader checks the manifest
// invariant throughout.
func TestCrashLoop(t *testing.T) {
	parallel(t)
	n, runs := pick(150, 2000), pick(3, 20)
	base := genCorpus(t, n, 1)
	edited, est := editTree(t, base, 2, 0.3)
	t.Logf("%d entries; the change: %+v", n, est)
	dirs := [2]string{base, edited}
	refs := [2]map[string]object{reference(t, base), reference(t, edited)}
	hashes := [2]map[string]string{entryHashes(refs[0]), entryHashes(refs[1])}

	// An uninterrupted change sync times the window the kills fall in.
	timing := minio.Start(t)
	tenv := s3Env(timing, timing.Endpoint)
	mustSync(t, base, timing.Target(""), tenv)
	window := mustSync(t, edited, timing.Target(""), tenv).Elapsed
	if d := bucketDiff(snapshot(t, s3Store(t, timing)), refs[1]); d != "" {
		t.Fatalf("an uninterrupted change sync differs from a fresh sync: %s", d)
	}
	t.Logf("an uninterrupted change sync takes %s", window)

	srv := minio.Start(t)
	env, target := s3Env(srv, srv.Endpoint), srv.Target("")
	storage := s3Store(t, srv)
	mustSync(t, base, target, env)
	w := watch(storage)
	rng := rand.New(rand.NewPCG(8, 8))
	killed, lost, crashes := 0, 0, 0
	cur := 0
	for i := range runs {
		to := 1 - cur
		w.setTargets(hashes[to])
		delay := time.Duration((0.1 + 0.85*rng.Float64()) * float64(window))
		cmd, stderr := axctlCmd(t, dirs[to], env, "sync", "--quiet", "--target", target)
		began := time.Now()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		timer := time.AfterFunc(delay, func() { _ = cmd.Process.Signal(syscall.SIGKILL) })
		o := finish(cmd, stderr, began)
		timer.Stop()
		switch {
		case o.Killed:
			killed++
		case o.Code != 0:
			crashes++
			t.Errorf("run %d: sync exited %d before the kill:\n%s", i, o.Code, tail(o.Stderr, 2000))
		}
		re := mustSync(t, dirs[to], target, env)
		if d := bucketDiff(snapshot(t, storage), refs[to]); d != "" {
			lost++
			t.Errorf("run %d (killed after %s): after the rerun the bucket differs from an uninterrupted sync: %s", i, delay, d)
		}
		t.Logf("run %d: killed=%v after %s; rerun %s", i, o.Killed, delay.Round(time.Millisecond), re.Elapsed.Round(time.Millisecond))
		cur = to
	}
	st := w.stop()
	t.Logf("reader: %s", st)
	watchOK(t, w, st)
	report(t, row{
		Campaign: "crash loop (kill -9 mid-sync)",
		Runs:     runs,
		Faults:   fmt.Sprintf("%d SIGKILLs; %d entries, %d changed", killed, n, est.Bodies+est.Titles+est.Renames+est.Deletes+est.Adds),
		Survived: fmt.Sprintf("%d/%d converged", runs-lost, runs),
		Crashes:  crashes + st.Violations(),
		Lost:     lost,
		Notes:    fmt.Sprintf("reader: %d sweeps, %d checks, %d violations", st.Sweeps, st.Checks, st.Violations()),
	})
}
