package soak

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/axctl/axctl/internal/contract"
	"github.com/axctl/axctl/internal/testutil/minio"
)

// checkout copies base and adds own entries of its own to blog/, dated
// among the base's so that they land in many shards.
func checkout(t testing.TB, base, name string, own int) string {
	t.Helper()
	dir := t.TempDir()
	copyTree(t, base, dir)
	for i := range own {
		p := filepath.Join(dir, "content", "blog", fmt.Sprintf("own-%s-%d.md", name, i))
		body := fmt.Sprintf("---\ntitle: \"Only in checkout %s, %d\"\ndate: 2025-%02d-%02dT%02d:00:00Z\n---\n\nAn entry only checkout %s has.\n", name, i, 1+i%12, 1+i%28, i%24, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// named counts the records the bucket's manifests name (site.json → each
// collection index → its shards) and how many of them have no entry object.
func named(snap map[string]object) (records, missing int, err error) {
	var site struct{ Collections []struct{ Name string } }
	if err := json.Unmarshal(snap["metadata/site.json"].Body, &site); err != nil {
		return 0, 0, fmt.Errorf("site.json: %w", err)
	}
	for _, c := range site.Collections {
		var index struct{ Shards []struct{ Key string } }
		if err := json.Unmarshal(snap["metadata/"+c.Name+".json"].Body, &index); err != nil {
			return 0, 0, fmt.Errorf("index %s: %w", c.Name, err)
		}
		for _, s := range index.Shards {
			o, ok := snap[s.Key]
			if !ok {
				return 0, 0, fmt.Errorf("index %s names missing shard %s", c.Name, s.Key)
			}
			var shard struct{ Records []struct{ Key string } }
			if err := json.Unmarshal(o.Body, &shard); err != nil {
				return 0, 0, fmt.Errorf("shard %s: %w", s.Key, err)
			}
			for _, r := range shard.Records {
				records++
				if _, ok := snap[r.Key]; !ok {
					missing++
				}
			}
		}
	}
	return records, missing, nil
}

// entries counts the entry objects of a snapshot.
func entries(snap map[string]object) int {
	n := 0
	for k := range snap {
		if strings.HasPrefix(k, "entries/") {
			n++
		}
	}
	return n
}

// TestTwoCheckouts is issue 15's scenario: two checkouts that share the
// base entries, each with entries of its own, sync to one bucket at the same
// moment (odd rounds: the second as soon as the first holds the lease),
// round after round. Every round both must exit 0 (the second waits for the
// first's lease), the bucket must be exactly one checkout's tree (the one
// that applied last: every record has its body, nothing else is left),
// and rerunning the other checkout must give exactly its tree.
func TestTwoCheckouts(t *testing.T) {
	parallel(t)
	n, own, rounds := pick(60, 600), pick(5, 50), 10
	base := genCorpus(t, n, 11)
	trees := [2]string{checkout(t, base, "a", own), checkout(t, base, "b", own)}
	refs := [2]map[string]object{reference(t, trees[0]), reference(t, trees[1])}
	srv := minio.Start(t)
	env, target := s3Env(srv, srv.Endpoint), srv.Target("")
	storage := s3Store(t, srv)
	mustSync(t, base, target, env)

	var waited, dangling, wrong, failed int
	for round := range rounds {
		cmds := [2]outcome{}
		done := make(chan int, 2)
		began := time.Now()
		for i, dir := range trees {
			args := []string{"sync", "--target", target}
			if round%2 == 1 && i == 0 {
				args = append(args, "--concurrency", "1") // holds the lease longer
			}
			c, e := axctlCmd(t, dir, env, args...)
			if err := c.Start(); err != nil {
				t.Fatal(err)
			}
			go func() { cmds[i] = finish(c, e, began); done <- i }()
			if round%2 == 1 && i == 0 {
				// Odd rounds: the second starts once the first holds the lease.
				for wait := time.Now(); time.Since(wait) < 30*time.Second; time.Sleep(2 * time.Millisecond) {
					if _, _, err := storage.Head(context.Background(), contract.LeaseKey); err == nil || c.ProcessState != nil {
						break
					}
				}
			}
		}
		<-done
		last := <-done // the checkout that exited last
		for i, o := range cmds {
			if o.Code != 0 {
				failed++
				t.Errorf("round %d: checkout %d exit %d:\n%s", round, i, o.Code, tail(o.Stderr, 1500))
			}
			if strings.Contains(o.Stderr, "waiting for") {
				waited++
			}
		}
		snap := snapshot(t, storage)
		recs, missing, err := named(snap)
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		dangling += missing
		if missing > 0 {
			t.Errorf("round %d: the manifests name %d records, %d of them without a body (%d entry objects); both exits %d, %d", round, recs, missing, entries(snap), cmds[0].Code, cmds[1].Code)
		}
		// Which sync applied last is the bucket's to say (the process that
		// released the lease first may still exit last on a loaded machine);
		// it must be exactly one of the two trees.
		if d := bucketDiff(snap, refs[last]); d != "" {
			if bucketDiff(snap, refs[1-last]) == "" {
				last = 1 - last
			} else {
				wrong++
				t.Errorf("round %d: the bucket is neither checkout's tree; vs checkout %d, which exited last: %s", round, last, d)
			}
		}
		other := 1 - last
		mustSync(t, trees[other], target, env)
		if d := bucketDiff(snapshot(t, storage), refs[other]); d != "" {
			wrong++
			t.Errorf("round %d: rerunning checkout %d does not give its tree: %s", round, other, d)
		}
		t.Logf("round %d: exits %d, %d after %s, %s; %d records, %d without a body; the bucket is checkout %d's tree", round, cmds[0].Code, cmds[1].Code,
			cmds[0].Elapsed.Round(time.Millisecond), cmds[1].Elapsed.Round(time.Millisecond), recs, missing, last)
	}
	report(t, row{
		Campaign: "two checkouts (lease)",
		Runs:     rounds,
		Faults:   fmt.Sprintf("%d pairs of syncs started at once (odd rounds: the second once the first held the lease): %d + %d entries, %d of each its own; %d waited for the other's lease", rounds, n, own, own, waited),
		Survived: fmt.Sprintf("%d/%d rounds: both exit 0, bucket = one tree, rerun of the other = its tree", rounds-max(wrong, failed), rounds),
		Crashes:  failed,
		Lost:     dangling + wrong,
		Notes:    fmt.Sprintf("%d records without a body over all rounds", dangling),
	})
}

// TestLeaseHolderKilled kills a sync with SIGKILL while it holds the
// bucket's lease; a second sync started then waits, names the dead holder,
// takes the lease over once it has not changed for a TTL (AXCTL_LEASE_TTL,
// 5 s here), and leaves the bucket exactly its tree.
func TestLeaseHolderKilled(t *testing.T) {
	parallel(t)
	n, own := pick(60, 600), pick(5, 50)
	base := genCorpus(t, n, 12)
	trees := [2]string{checkout(t, base, "a", own), checkout(t, base, "b", own)}
	ref := reference(t, trees[1])
	srv := minio.Start(t)
	env, target := s3Env(srv, srv.Endpoint), srv.Target("")
	storage := s3Store(t, srv)
	ctx := context.Background()

	var holder int
	for attempt := 0; holder == 0; attempt++ {
		if attempt == 3 {
			t.Fatal("three syncs ended before the test saw their lease")
		}
		// Into an empty bucket, one upload at a time: the lease is held for a while.
		_ = storage.Delete(ctx, sortedKeys(snapshot(t, storage)))
		a, ae := axctlCmd(t, trees[0], env, "sync", "--concurrency", "1", "--target", target)
		if err := a.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan outcome, 1)
		go func() { exited <- finish(a, ae, time.Now()) }()
	watch:
		for {
			select {
			case o := <-exited:
				t.Logf("attempt %d: the sync ended (exit %d) before its lease was seen", attempt, o.Code)
				break watch
			default:
			}
			body, _, _, err := storage.Get(ctx, contract.LeaseKey)
			var h struct{ PID int }
			if err == nil && json.Unmarshal(body, &h) == nil && h.PID == a.Process.Pid {
				_ = a.Process.Kill()
				if o := <-exited; o.Killed {
					holder = h.PID
				}
				break watch
			}
			time.Sleep(2 * time.Millisecond)
		}
	}
	if _, _, err := storage.Head(ctx, contract.LeaseKey); err != nil {
		t.Fatalf("the killed holder's lease is gone: %v", err)
	}
	o := runAxctl(t, trees[1], env, "sync", "--wait", "60s", "--target", target)
	if o.Code != 0 {
		t.Fatalf("the sync after the kill: exit %d\n%s", o.Code, tail(o.Stderr, 2000))
	}
	if want := fmt.Sprintf("pid %d", holder); !strings.Contains(o.Stderr, "waiting for another sync") || !strings.Contains(o.Stderr, want) {
		t.Errorf("the waiting sync did not name the holder (%s):\n%s", want, o.Stderr)
	}
	snap := snapshot(t, storage)
	if d := bucketDiff(snap, ref); d != "" {
		t.Errorf("after the takeover the bucket is not the second tree: %s", d)
	}
	recs, missing, err := named(snap)
	if err != nil || missing > 0 {
		t.Errorf("manifests: %d records, %d without a body (%v)", recs, missing, err)
	}
	t.Logf("holder pid %d killed holding the lease; the next sync waited and took over in %s", holder, o.Elapsed.Round(time.Millisecond))
	report(t, row{
		Campaign: "lease holder killed (kill -9)",
		Runs:     1,
		Faults:   fmt.Sprintf("SIGKILL of the sync holding the lease (%d + %d entries, --concurrency 1)", n, own),
		Survived: fmt.Sprintf("the next sync named the holder, took over after the 5 s TTL, exit 0 in %s", o.Elapsed.Round(100*time.Millisecond)),
		Lost:     missing,
	})
}
