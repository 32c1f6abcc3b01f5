package syncer

import (
	"math/rand/v2"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"testing"
	"time"
)

// goalOf is the runtime's heap goal for GOGC p (the formula gcPercentFor
// inverts), without the 4 MiB × p ÷ 100 least goal.
func goalOf(p int, live, roots uint64) uint64 {
	return live + (live+roots)*uint64(p)/100
}

// TestGCPercentFor checks the GOGC chosen for random heaps against what the
// policy promises: never under syncGCPercent (a large heap stays within 1.5×
// its live data), a goal no higher than max(floor, the goal at
// syncGCPercent), the floor reached (to rounding) where the least-goal cap
// allows it, and a least goal (4 MiB × GOGC ÷ 100) never over the floor.
func TestGCPercentFor(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 200000; i++ {
		floor := uint64(1+r.IntN(512)) << 20
		live := r.Uint64N(2 * floor)
		if i%10 == 0 {
			live = r.Uint64N(1 << 20) // tiny heaps, where the cap matters
		}
		roots := r.Uint64N(8 << 20)
		p := gcPercentFor(floor, live, roots)
		if p < syncGCPercent {
			t.Fatalf("floor %d live %d roots %d: GOGC %d < %d", floor, live, roots, p, syncGCPercent)
		}
		goal, base := goalOf(p, live, roots), goalOf(syncGCPercent, live, roots)
		if goal > max(floor, base) {
			t.Fatalf("floor %d live %d roots %d: GOGC %d sets goal %d over max(floor, 1.5× live) = %d", floor, live, roots, p, goal, max(floor, base))
		}
		least := uint64(4<<20) * uint64(p) / 100
		if least > max(floor, 2<<20) {
			t.Fatalf("floor %d live %d: GOGC %d sets the runtime's least goal to %d, over the floor", floor, live, p, least)
		}
		if capped := floor * 100 / (4 << 20); base < floor && uint64(p) < capped && goal+(live+roots)/100+1 < floor {
			t.Fatalf("floor %d live %d roots %d: GOGC %d sets goal %d, short of the floor", floor, live, roots, p, goal)
		}
	}
	if p := gcPercentFor(64<<20, 0, 0); p != 1600 {
		t.Errorf("empty heap: GOGC %d, want the cap 1600", p)
	}
	if p := gcPercentFor(64<<20, 200<<20, 1<<20); p != syncGCPercent {
		t.Errorf("heap over the floor: GOGC %d, want %d", p, syncGCPercent)
	}
}

// TestTuneGCRespectsGOGC: with GOGC in the environment neither TuneGC nor
// a sync that renders everything changes GOGC (a tuner's first tuning is
// synchronous, so one started anyway would show at once).
func TestTuneGCRespectsGOGC(t *testing.T) {
	t.Setenv("GOGC", "80")
	orig := debug.SetGCPercent(80)
	defer debug.SetGCPercent(orig)
	TuneGC()
	gcRenderAll()
	if t := floorTuner.Swap(nil); t != nil {
		t.stop()
	}
	if p := debug.SetGCPercent(80); p != 80 {
		t.Fatalf("GOGC=80 in the environment, TuneGC set GOGC %d", p)
	}
}

func heapGoal() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/goal:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// collectAndWait runs a collection and waits until the tuner has tuned
// after it (a wait for an event, not a timing: the deadline only ends a
// broken tuner's test).
func collectAndWait(t *testing.T, g *gcTuner) {
	t.Helper()
	n := g.tunes.Load()
	runtime.GC()
	for deadline := time.Now().Add(10 * time.Second); g.tunes.Load() == n; {
		if time.Now().After(deadline) {
			t.Fatal("the tuner did not tune after a collection")
		}
		time.Sleep(time.Millisecond)
	}
}

// TestGCTunerHeapGoal runs the tuner in this process: with a small live
// heap the runtime's goal is the floor; with a live heap over floor ÷ 1.5
// it is 1.5× the live heap (GOGC=50); a memory limit set beforehand (as
// GOMEMLIMIT sets it) is left as it was.
func TestGCTunerHeapGoal(t *testing.T) {
	const floor = 48 << 20
	orig := debug.SetGCPercent(100)
	defer debug.SetGCPercent(orig)
	origLimit := debug.SetMemoryLimit(1 << 40)
	defer debug.SetMemoryLimit(origLimit)

	g := newGCTuner(floor)
	g.start(time.Millisecond)
	defer g.stop()

	collectAndWait(t, g)
	if goal := heapGoal(); goal < floor*9/10 || goal > floor*11/10 {
		t.Errorf("small live heap: goal %d MiB, want about the floor %d MiB (GOGC %d)", goal>>20, floor>>20, g.percent.Load())
	}

	held := make([][]byte, 64) // 64 MiB live: over floor ÷ 1.5
	for i := range held {
		held[i] = make([]byte, 1<<20)
		held[i][0] = 1
	}
	collectAndWait(t, g)
	if p := g.percent.Load(); p != syncGCPercent {
		t.Errorf("64 MiB live over a %d MiB floor: GOGC %d, want %d", floor>>20, p, syncGCPercent)
	}
	if goal := heapGoal(); goal < 64<<20*3/2 || goal > 64<<20*17/10 {
		t.Errorf("64 MiB live: goal %d MiB, want about 1.5× the live heap", goal>>20)
	}
	runtime.KeepAlive(held)

	if l := debug.SetMemoryLimit(-1); l != 1<<40 {
		t.Errorf("the tuner changed the memory limit: %d", l)
	}
}
