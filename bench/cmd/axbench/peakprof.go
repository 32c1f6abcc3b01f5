package main

import (
	"os"
	"runtime/metrics"
	"runtime/pprof"
	"sync"
	"time"
)

// peakProfiler writes a heap profile whenever the live heap reaches a new
// high (10% above the last one written), so the profile left at the end
// shows what was held at the peak, wherever in the run it fell. The heap is
// sampled every 20 ms (runtime/metrics, no stop-the-world).
type peakProfiler struct {
	path string
	stop chan struct{}
	done sync.WaitGroup
	peak uint64 // live heap bytes when the last profile was written
}

const liveHeap = "/gc/heap/live:bytes"

func startPeakProfiler(path string) *peakProfiler {
	p := &peakProfiler{path: path, stop: make(chan struct{})}
	p.done.Add(1)
	go func() {
		defer p.done.Done()
		s := []metrics.Sample{{Name: liveHeap}}
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-p.stop:
				return
			case <-t.C:
			}
			metrics.Read(s)
			if s[0].Value.Kind() != metrics.KindUint64 {
				continue
			}
			if v := s[0].Value.Uint64(); v > p.peak+p.peak/10 {
				p.peak = v
				p.write()
			}
		}
	}()
	return p
}

func (p *peakProfiler) write() {
	tmp := p.path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return
	}
	err = pprof.Lookup("heap").WriteTo(f, 0)
	if f.Close() == nil && err == nil {
		_ = os.Rename(tmp, p.path)
	}
}

// Stop ends sampling and returns the live heap of the profile kept.
func (p *peakProfiler) Stop() uint64 {
	close(p.stop)
	p.done.Wait()
	return p.peak
}
