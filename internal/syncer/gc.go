package syncer

import (
	"os"
	"runtime/debug"
	"runtime/metrics"
	"sync/atomic"
	"time"
)

const (
	// syncGCPercent is the GOGC a sync runs with unless the user sets GOGC,
	// and the least one when the heap floor is on: a heap over the floor
	// is kept within 1.5× its live data, as the memory bounds of a
	// 100,000-entry sync need.
	syncGCPercent = 50
	// gcHeapFloor is the heap goal a sync that renders every entry allows
	// itself whatever its live data: below it the collector runs only when
	// the heap reaches it.
	gcHeapFloor = 64 << 20
)

// TuneGC sets the garbage collector of a process that syncs, unless GOGC is
// set in the environment (then the user's GOGC rules and nothing is
// changed): GOGC=50, the heap kept within 1.5× its live data instead of
// Go's default 2×, because at the default the collector's headroom, not
// the data, decided a large sync's peak (a cold sync of 100,000 entries
// peaked at 3× its live heap, docs/benchmarks.md). A sync that then
// renders every entry gets a heap floor as well (gcRenderAll). The memory
// limit is never touched: a GOMEMLIMIT in the environment caps the heap as
// always, below the floor too.
func TuneGC() {
	if os.Getenv("GOGC") != "" {
		return
	}
	debug.SetGCPercent(syncGCPercent)
	gcFloorAllowed.Store(true)
}

// TuneGCRenderAll sets the collector as a sync that renders every entry
// runs it (TuneGC, then the heap floor of gcRenderAll), for a program
// measured beside such a sync with the same memory allowance: the bench's
// bare goldmark+chroma limit (`axbench bare -gc floor`). With GOGC set in
// the environment it does nothing, as TuneGC.
func TuneGCRenderAll() {
	TuneGC()
	gcRenderAll()
}

// gcFloorAllowed says TuneGC ran and no tuner has started yet.
var gcFloorAllowed atomic.Bool

// gcRenderAll starts a tuner that keeps the heap goal at max(gcHeapFloor,
// 1.5× the live heap) for a sync that renders every entry (no render
// cache, an empty one, or one for another config or executable): the
// render allocates ~0.7 MB an entry, which on a small site's live heap
// (~30 MB at 2,000 entries) GOGC=50 collected every ~15 MB: ~200
// collections, a sixth of the sync's CPU. A large site's heap is over
// the floor and stays at GOGC=50. A sync that reuses the cache (a no-op,
// an edit) allocates little and keeps plain GOGC=50, and so its peak RSS.
// Without TuneGC (axctl dev, tests, GOGC set) it does nothing.
func gcRenderAll() {
	if gcFloorAllowed.CompareAndSwap(true, false) {
		t := newGCTuner(gcHeapFloor)
		t.start(gcPoll)
		floorTuner.Store(t)
	}
}

// floorTuner is the tuner gcRenderAll started (tests stop it).
var floorTuner atomic.Pointer[gcTuner]

// gcPoll is how often the tuner looks for a finished collection. A
// finalizer or cleanup (as other GC tuners use) runs only once the sweeper
// reaches its object: on a busy core that was one or two collections late,
// and a GOGC set for a smaller live heap let the next goal overshoot the
// floor. A timer's goroutine is run at the next scheduling point.
const gcPoll = 5 * time.Millisecond

// gcTuner moves GOGC after each collection so the next heap goal is
// max(floor, live × (1 + syncGCPercent/100)).
type gcTuner struct {
	floor   uint64
	stopc   chan struct{}
	done    chan struct{}
	percent atomic.Int64 // the GOGC it set last, for tests
	tunes   atomic.Int64 // collections it has tuned after, for tests
}

func newGCTuner(floor uint64) *gcTuner {
	return &gcTuner{floor: floor, stopc: make(chan struct{}), done: make(chan struct{})}
}

// start tunes at once, then after each collection (looked for every
// every) until stop.
func (t *gcTuner) start(every time.Duration) {
	s := gcSample()
	t.tune(s)
	go t.run(s, every)
}

func (t *gcTuner) run(s []metrics.Sample, every time.Duration) {
	defer close(t.done)
	last := s[0].Value.Uint64()
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-t.stopc:
			return
		case <-tick.C:
		}
		metrics.Read(s[:1])
		if c := s[0].Value.Uint64(); c != last {
			last = c
			t.tune(s)
		}
	}
}

// stop ends the tuning; the GOGC set last stays.
func (t *gcTuner) stop() {
	close(t.stopc)
	<-t.done
}

var gcSamples = []string{"/gc/cycles/total:gc-cycles", "/gc/heap/live:bytes", "/gc/scan/stack:bytes", "/gc/scan/globals:bytes"}

func gcSample() []metrics.Sample {
	s := make([]metrics.Sample, len(gcSamples))
	for i, n := range gcSamples {
		s[i].Name = n
	}
	metrics.Read(s)
	return s
}

func (t *gcTuner) tune(s []metrics.Sample) {
	metrics.Read(s[1:])
	live, roots := s[1].Value.Uint64(), s[2].Value.Uint64()+s[3].Value.Uint64()
	p := gcPercentFor(t.floor, live, roots)
	t.percent.Store(int64(p))
	debug.SetGCPercent(p)
	t.tunes.Add(1)
}

// gcPercentFor is the GOGC whose heap goal, live + (live + roots) × GOGC
// ÷ 100 (the runtime's formula; roots are the stacks and globals it
// scans), is floor, or syncGCPercent where that is more. It is at most
// floor ÷ 4 MiB × 100: the runtime's least goal is 4 MiB × GOGC ÷ 100, so a
// GOGC of thousands for a tiny live heap would set a goal far over floor.
func gcPercentFor(floor, live, roots uint64) int {
	const heapMinimum = 4 << 20
	most := max(floor*100/heapMinimum, syncGCPercent)
	switch scan := live + roots; {
	case floor <= live:
		return syncGCPercent
	case scan == 0:
		return int(most)
	default: // floor is far below 2^64/100
		return int(min(max((floor-live)*100/scan, syncGCPercent), most))
	}
}
