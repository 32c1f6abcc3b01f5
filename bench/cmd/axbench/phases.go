package main

import (
	"bytes"
	"fmt"
	"io"
	"runtime/metrics"
	"runtime/pprof"
	"strings"
	"sync"
	"time"
)

// phaseSampler tells how parallel each phase of a sync is, on a loaded
// machine too: every 20 ms it reads the process's CPU time (getrusage)
// and names the phase the sync's own goroutine is in (from its stack); a
// phase's CPU-seconds ÷ wall-seconds is how many cores it kept busy.
type phaseSampler struct {
	stop chan struct{}
	done sync.WaitGroup
	wall map[string]time.Duration
	cpu  map[string]time.Duration
	seq  []string // phases in the order first seen
	// busy sums, per phase, the goroutines that were running, runnable or
	// in a system call at each sample (the sampler not counted); n counts
	// the samples: busy/n is the parallelism the phase offers, whatever
	// the load lets it have.
	busy, n map[string]int
}

// phaseMarks name a phase by a function on the sync goroutine's stack,
// the most specific first.
var phaseMarks = []struct{ fn, phase string }{
	{"search.(*Builder).Each", "search index: encode shards"},
	{"(*Built).searchIndex", "search index: docs"},
	{"(*Built).buildManifests", "manifests"},
	{"content.Load", "content.Load (render workers)"},
	{"(*Built).KeepCache", "keep cache"},
	{"syncer.Validate", "validate: other"},
	{"syncer.Publish", "publish (plan, apply)"},
}

func startPhaseSampler() *phaseSampler {
	p := &phaseSampler{stop: make(chan struct{}), wall: map[string]time.Duration{}, cpu: map[string]time.Duration{}, busy: map[string]int{}, n: map[string]int{}}
	p.done.Add(1)
	go func() {
		defer p.done.Done()
		var buf bytes.Buffer
		last, lastCPU := time.Now(), cpuTime()
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-p.stop:
				return
			case <-t.C:
			}
			buf.Reset()
			_ = pprof.Lookup("goroutine").WriteTo(&buf, 2)
			ph := phaseOf(buf.String())
			now, c := time.Now(), cpuTime()
			if _, ok := p.wall[ph]; !ok {
				p.seq = append(p.seq, ph)
			}
			p.wall[ph] += now.Sub(last)
			p.cpu[ph] += c - lastCPU
			p.busy[ph] += busyGoroutines(buf.String()) - 1
			p.n[ph]++
			last, lastCPU = now, c
		}
	}()
	return p
}

// busyGoroutines counts the goroutines of a dump that want a CPU.
func busyGoroutines(dump string) int {
	return strings.Count(dump, " [running]:") + strings.Count(dump, " [runnable]:") + strings.Count(dump, " [syscall]:") + strings.Count(dump, " [syscall, ")
}

// phaseOf names the phase of the goroutine running childSync.
func phaseOf(dump string) string {
	for _, g := range strings.Split(dump, "\n\n") {
		if !strings.Contains(g, "main.childSync") {
			continue
		}
		for _, m := range phaseMarks {
			if strings.Contains(g, m.fn) {
				return m.phase
			}
		}
		return "other"
	}
	return "other"
}

// report stops the sampler and writes a row per phase.
func (p *phaseSampler) report(w io.Writer) {
	close(p.stop)
	p.done.Wait()
	seq := p.seq
	var tw, tc time.Duration
	for _, ph := range seq {
		tw += p.wall[ph]
		tc += p.cpu[ph]
		fmt.Fprintf(w, "%-32s wall %6.2fs  cpu %6.2fs  cpu/wall %.2f  goroutines wanting a CPU %.2f\n", ph, p.wall[ph].Seconds(), p.cpu[ph].Seconds(), p.cpu[ph].Seconds()/p.wall[ph].Seconds(), float64(p.busy[ph])/float64(max(p.n[ph], 1)))
	}
	fmt.Fprintf(w, "%-32s wall %6.2fs  cpu %6.2fs  cpu/wall %.2f\n", "total", tw.Seconds(), tc.Seconds(), tc.Seconds()/tw.Seconds())
	// The runtime's own count of the time its Ps had no goroutine to run:
	// the idle the code leaves, which other processes' load hardly moves
	// (a P whose thread the kernel preempts still counts as busy).
	ms := []metrics.Sample{{Name: "/cpu/classes/idle:cpu-seconds"}, {Name: "/cpu/classes/total:cpu-seconds"}, {Name: "/cpu/classes/gc/total:cpu-seconds"}}
	metrics.Read(ms)
	fmt.Fprintf(w, "runtime: Ps idle %.3f s of %.3f P-seconds; GC %.3f s\n", ms[0].Value.Float64(), ms[1].Value.Float64(), ms[2].Value.Float64())
}
