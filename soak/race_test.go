package soak

import (
	"fmt"
	"testing"
	"time"

	"github.com/axctl/axctl/internal/testutil/minio"
)

// TestConcurrentSyncs starts two syncs of different trees (each a ~30%
// change of the same base) against the same bucket at once, from the base
// state, N times. Each must exit 0 or 3 (a lost conditional manifest
// write). Then:
//
//   - both exit 0: the bucket equals a fresh sync of one of the two trees
//     (one ran after the other; a mix would be a lost update);
//   - one exits 3 (the loser): rerun the winner, then the loser. After the
//     loser's rerun the bucket equals a fresh sync of the loser's tree:
//     every entry of that tree is present, named by the manifests with its
//     own hash and body, and no entry of the winner's tree survives unless
//     the loser's tree has it too. That is "no entry of the final tree is
//     lost". The winner's rerun must also repair whatever the loser wrote
//     (the bucket then equals the winner's tree);
//   - both exit 3: rerun the first tree, then the second; the bucket ends
//     as the second.
//
// The reader checks that no manifest names a missing body or one older
// than both trees throughout (a body of the other tree is counted as
// "crossed").
func TestConcurrentSyncs(t *testing.T) {
	parallel(t)
	n, reps := pick(100, 600), pick(2, 10)
	base := genCorpus(t, n, 5)
	t1, _ := editTree(t, base, 6, 0.3)
	t2, _ := editTree(t, base, 7, 0.3)
	dirs := [3]string{base, t1, t2}
	refs := [3]map[string]object{reference(t, base), reference(t, t1), reference(t, t2)}
	hashes := [3]map[string]string{entryHashes(refs[0]), entryHashes(refs[1]), entryHashes(refs[2])}

	srv := minio.Start(t)
	env, target := s3Env(srv, srv.Endpoint), srv.Target("")
	storage := s3Store(t, srv)
	w := watch(storage)
	converge := func(i int, what string) bool {
		t.Helper()
		w.setTargets(hashes[i], hashes[1], hashes[2])
		mustSync(t, dirs[i], target, env)
		if d := bucketDiff(snapshot(t, storage), refs[i]); d != "" {
			t.Logf("%s: bucket differs from tree %d: %s", what, i, d)
			return false
		}
		return true
	}
	var both0, one3, both3, lost, winnerWrong, crashes int
	for rep := range reps {
		if !converge(0, "reset to base") {
			t.Fatalf("rep %d: cannot reset the bucket to the base tree", rep)
		}
		w.setTargets(hashes[1], hashes[2])
		first, second := 1, 2
		if rep%2 == 1 {
			first, second = 2, 1
		}
		c1, e1 := axctlCmd(t, dirs[first], env, "sync", "--quiet", "--target", target)
		c2, e2 := axctlCmd(t, dirs[second], env, "sync", "--quiet", "--target", target)
		began := time.Now()
		if err := c1.Start(); err != nil {
			t.Fatal(err)
		}
		if err := c2.Start(); err != nil {
			t.Fatal(err)
		}
		o1, o2 := finish(c1, e1, began), finish(c2, e2, began)
		t.Logf("rep %d: tree %d exit %d (%s), tree %d exit %d (%s)", rep, first, o1.Code, lastLine(o1.Stderr+"\n-"), second, o2.Code, lastLine(o2.Stderr+"\n-"))
		for _, o := range []outcome{o1, o2} {
			if o.Code != 0 && o.Code != 3 {
				crashes++
				t.Errorf("rep %d: exit %d (want 0 or 3):\n%s", rep, o.Code, tail(o.Stderr, 2000))
			}
		}
		switch {
		case o1.Code == 0 && o2.Code == 0:
			both0++
			got := snapshot(t, storage)
			if bucketDiff(got, refs[1]) != "" && bucketDiff(got, refs[2]) != "" {
				lost++
				t.Errorf("rep %d: both syncs exited 0 but the bucket is neither tree (a lost update): vs tree 1: %s", rep, bucketDiff(got, refs[1]))
			}
		case o1.Code == 3 && o2.Code == 3:
			both3++
			if !converge(first, "rerun of the first") {
				winnerWrong++
				t.Errorf("rep %d: both syncs exited 3; the rerun of tree %d exited 0 with a bucket that is not its tree (see the diff above)", rep, first)
			}
			if !converge(second, "rerun of the second") {
				lost++
				t.Errorf("rep %d: both syncs exited 3; after both reran, the bucket is not the last tree %d", rep, second)
			}
		default:
			one3++
			winner, loser := first, second
			if o1.Code != 0 {
				winner, loser = second, first
			}
			if !converge(winner, "rerun of the winner") {
				winnerWrong++
				t.Errorf("rep %d: rerunning the winner (tree %d, exit 0) after the loser (tree %d) exited 3 leaves a bucket that is not the winner's tree (see the log above; regression of finding 1)", rep, winner, loser)
			}
			if !converge(loser, "rerun of the loser") {
				lost++
				t.Errorf("rep %d: after rerunning the loser (tree %d) the bucket is not its tree", rep, loser)
			}
		}
	}
	st := w.stop()
	t.Logf("reader: %s", st)
	watchOK(t, w, st)
	report(t, row{
		Campaign: "races (two syncs at once)",
		Runs:     reps,
		Faults:   fmt.Sprintf("%d concurrent pairs: %d both exit 0, %d one exit 3, %d both exit 3", reps, both0, one3, both3),
		Survived: fmt.Sprintf("%d/%d final (loser) reruns converged; %d/%d winner reruns left a wrong bucket", reps-lost, reps, winnerWrong, one3+both3),
		Crashes:  crashes + st.Violations(),
		Lost:     lost + winnerWrong,
		Notes:    fmt.Sprintf("reader: %d checks, %d violations, %d crossed (a manifest of one tree naming the other tree's body until the rerun)", st.Checks, st.Violations(), st.Crossed),
	})
}
