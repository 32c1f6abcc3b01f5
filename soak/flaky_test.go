package soak

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/axctl/axctl/internal/testutil/faultproxy"
	"github.com/axctl/axctl/internal/testutil/minio"
)

// TestFlakyNetwork syncs through a fault-injecting proxy (503 SlowDown,
// resets before and after the server applied a request, stalls) at rising
// rates. Each run must either converge (exit 0 and the bucket equals a
// fresh uninterrupted sync) or exit 3 with one clear `axctl: …` line, and
// then a clean rerun must converge; never exit 0 with a wrong bucket. The
// reader checks the manifest invariant throughout.
func TestFlakyNetwork(t *testing.T) {
	parallel(t)
	n := pick(80, 1000)
	rates := pick([]float64{0.25}, []float64{0.05, 0.1, 0.2, 0.3, 0.5})
	attempts := pick(1, 2)
	stall := pick(100*time.Millisecond, 2*time.Second)

	base := genCorpus(t, n, 3)
	edited, _ := editTree(t, base, 4, 0.3)
	dirs := [2]string{base, edited}
	refs := [2]map[string]object{reference(t, base), reference(t, edited)}
	hashes := [2]map[string]string{entryHashes(refs[0]), entryHashes(refs[1])}

	srv := minio.Start(t)
	proxy := faultproxy.Start(t, srv.Endpoint, faultproxy.Config{
		Seed: 17, StallFor: stall,
		Faults: []faultproxy.Fault{faultproxy.SlowDown, faultproxy.ResetBefore, faultproxy.ResetAfter, faultproxy.Stall},
	})
	env, target := s3Env(srv, proxy.URL), srv.Target("")
	storage := s3Store(t, srv)
	mustSync(t, base, target, env)
	w := watch(storage)

	highest, lost, crashes, runs := 0.0, 0, 0, 0
	var survived []string
	cur := 0
	for _, rate := range rates {
		ok := 0
		for a := range attempts {
			to := 1 - cur
			cur = to
			runs++
			w.setTargets(hashes[to])
			proxy.SetRate(rate)
			o := runAxctl(t, dirs[to], env, "sync", "--quiet", "--target", target)
			proxy.SetRate(0)
			t.Logf("rate %.0f%% attempt %d: exit %d in %s; last line: %s", rate*100, a, o.Code, o.Elapsed.Round(time.Millisecond), lastLine(o.Stderr))
			switch o.Code {
			case 0:
				if d := bucketDiff(snapshot(t, storage), refs[to]); d != "" {
					lost++
					t.Errorf("rate %.0f%%: exit 0 with a wrong bucket: %s", rate*100, d)
					continue
				}
				ok++
			case 3:
				if msg := lastLine(o.Stderr); !strings.HasPrefix(msg, "axctl: ") || len(msg) > 600 || strings.Contains(o.Stderr, "goroutine ") {
					crashes++
					t.Errorf("rate %.0f%%: exit 3 without one clear `axctl: …` line:\n%s", rate*100, tail(o.Stderr, 2000))
				}
				mustSync(t, dirs[to], target, env)
				if d := bucketDiff(snapshot(t, storage), refs[to]); d != "" {
					lost++
					t.Errorf("rate %.0f%%: a clean rerun after exit 3 did not converge: %s", rate*100, d)
				}
			default:
				crashes++
				t.Errorf("rate %.0f%%: exit %d (want 0 or 3):\n%s", rate*100, o.Code, tail(o.Stderr, 2000))
			}
		}
		survived = append(survived, fmt.Sprintf("%.0f%%: %d/%d", rate*100, ok, attempts))
		if ok == attempts && rate > highest {
			highest = rate
		}
	}
	st := w.stop()
	t.Logf("reader: %s; proxy: %v", st, proxy.Counts())
	watchOK(t, w, st)
	c := proxy.Counts()
	faults := c["SlowDown"] + c["ResetBefore"] + c["ResetAfter"] + c["Stall"]
	report(t, row{
		Campaign: "flaky network (503 SlowDown, resets, stalls)",
		Runs:     runs,
		Faults:   fmt.Sprintf("%d of %d requests (%d SlowDown, %d reset before, %d reset after, %d stalls of %s)", faults, faults+c["ok"], c["SlowDown"], c["ResetBefore"], c["ResetAfter"], c["Stall"], stall),
		Survived: fmt.Sprintf("converges at ≤ %.0f%% (%s)", highest*100, strings.Join(survived, ", ")),
		Crashes:  crashes + st.Violations(),
		Lost:     lost,
		Notes:    fmt.Sprintf("reader: %d checks, %d violations", st.Checks, st.Violations()),
	})
}

// lastLine is the last non-empty line of s.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}
