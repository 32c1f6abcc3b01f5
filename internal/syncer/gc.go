package syncer

import (
	"os"
	"runtime/debug"
)

// syncGCPercent is the GOGC a sync runs with unless the user sets GOGC.
const syncGCPercent = 50

// TuneGC makes the garbage collector of a process that syncs keep its heap
// within 1.5× the live data (GOGC=50) instead of Go's default 2×, unless
// GOGC is set in the environment (GOMEMLIMIT is honoured as always). A sync
// holds a record, an item and a render cache entry per entry while it
// renders and hashes at a high allocation rate, so at the default the
// collector's headroom, not the data, decided the peak: a cold sync of
// 100,000 entries peaked at 3× its live heap (docs/benchmarks.md). The
// price is more frequent collections, a few percent of a render's CPU.
func TuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(syncGCPercent)
	}
}
