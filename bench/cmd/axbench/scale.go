package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/axctl/axctl/internal/testutil"
)

// Bounds of issue 17, enforced at scaleBoundsN entries and above.
const (
	scaleBoundsN   = 100000
	noopRSSBound   = 300e6 // bytes
	coldRSSBound   = 500e6
	noopListBound  = 1.2 // no-op sync wall ÷ bare ListObjectsV2 scan wall
	scaleListPairs = 2   // no-op + bare scan pairs, side by side
)

// scalePoint is what scale measured at one size.
type scalePoint struct {
	n             int
	vWall, sWall  time.Duration
	vRSS, sRSS    int64
	corpusBytes   int64
	haveNoop      bool
	heapTop, cpuT string
	cold          *syncMeasure
	list          time.Duration // bare scan, process wall (0: not measured)
	listIn        time.Duration // the same, inside the process
}

// scale measures validate and a no-op sync at each -scale size: wall time
// and peak RSS, and writes heap and CPU profiles of the largest no-op sync.
func (b *bench) scale() error {
	var pts []scalePoint
	for _, n := range b.cfg.Scale {
		dir, err := b.corpus(n)
		if err != nil {
			return err
		}
		pt := scalePoint{n: n, corpusBytes: b.stats[n].Bytes}
		runs := b.cfg.Runs
		if n > 20000 {
			runs = 1
		}
		if b.cfg.ScaleValidate {
			pt.vWall, pt.vRSS, _, err = runs3(b, runs, cmdSpec{Dir: dir, Name: b.cfg.AxctlBin, Args: []string{"validate", "--quiet", "--config", filepath.Join(dir, "axctl.yaml")}})
			if err != nil {
				return fmt.Errorf("validate %d: %w", n, err)
			}
			logf("scale %d: validate %s, %s", n, secs(pt.vWall), mb(pt.vRSS))
		}
		if err := b.ensureMinio(); err != nil {
			b.notes = append(b.notes, "scale: no-op sync skipped: "+err.Error())
		} else if err := b.scaleNoop(dir, &pt); err != nil {
			return err
		} else {
			pt.haveNoop = true
		}
		pts = append(pts, pt)
	}
	for _, pt := range pts {
		b.scaleRows(pt)
	}
	if len(pts) >= 2 {
		a, z := pts[0], pts[len(pts)-1]
		grow := float64(z.n) / float64(a.n)
		vr := float64(z.vRSS) / float64(max(a.vRSS, 1))
		goal := fmt.Sprintf("RSS grows far slower than the corpus (≤ %.1f× for %.0f× entries)", grow*0.3, grow)
		b.add("scale", fmt.Sprintf("peak RSS growth %s → %s entries (×%.0f)", num(float64(a.n)), num(float64(z.n)), grow),
			fmt.Sprintf("validate %s; no-op sync %s", ratio(vr), ratio(float64(z.sRSS)/float64(max(a.sRSS, 1)))), goal, verdict(vr <= grow*0.3 && (!z.haveNoop || float64(z.sRSS)/float64(max(a.sRSS, 1)) <= grow*0.3)))
		if z.heapTop != "" {
			b.notes = append(b.notes, fmt.Sprintf("heap profile at the live-heap peak of the %s-entry no-op sync: %s", num(float64(z.n)), z.heapTop))
		}
		if z.cpuT != "" {
			b.notes = append(b.notes, fmt.Sprintf("CPU profile of the %s-entry no-op sync: %s", num(float64(z.n)), z.cpuT))
		}
	}
	return nil
}

// scaleRows adds one size's rows; the issue 17 bounds are checks at
// scaleBoundsN entries and above.
func (b *bench) scaleRows(pt scalePoint) {
	area := fmt.Sprintf("scale (%s entries, %.0f MB Markdown)", num(float64(pt.n)), float64(pt.corpusBytes)/1e6)
	bounds := pt.n >= scaleBoundsN
	if pt.vWall > 0 {
		b.add(area, "`axctl validate`", fmt.Sprintf("%s · peak RSS %s", secs(pt.vWall), mb(pt.vRSS)), "", "")
	}
	if c := pt.cold; c != nil {
		res := fmt.Sprintf("%s · %s objects/s end to end · peak RSS %s", secs(c.Wall), num(rate(c.res.Objects, c.Wall)), mb(c.MaxRSS))
		if bounds {
			b.check(area, "cold sync to an empty bucket (the bucket the no-ops below reuse)", res, fmt.Sprintf("peak RSS ≤ %s", mb(coldRSSBound)), c.MaxRSS <= coldRSSBound)
		} else {
			b.add(area, "cold sync to an empty bucket (the bucket the no-ops below reuse)", res, "", "")
		}
	}
	if !pt.haveNoop {
		return
	}
	res := fmt.Sprintf("%s · peak RSS %s", secs(pt.sWall), mb(pt.sRSS))
	if bounds {
		b.check(area, "no-op sync against MinIO (median)", res, fmt.Sprintf("peak RSS ≤ %s", mb(noopRSSBound)), pt.sRSS <= noopRSSBound)
	} else {
		b.add(area, "no-op sync against MinIO", res, "", "")
	}
	if pt.list > 0 {
		r := pt.sWall.Seconds() / pt.list.Seconds()
		res := fmt.Sprintf("%s: no-op %s vs bare scan %s (process walls, median of %d pairs run side by side; the scan alone inside its process %s)",
			ratio(r), secs(pt.sWall), secs(pt.list), scaleListPairs, secs(pt.listIn))
		if bounds {
			b.check(area, "no-op sync ÷ bare ListObjectsV2 scan of the same bucket, wall", res, fmt.Sprintf("≤ %.1f×", noopListBound), r <= noopListBound)
		} else {
			b.add(area, "no-op sync ÷ bare ListObjectsV2 scan of the same bucket, wall", res, "", "")
		}
	}
}

func runs3(b *bench, n int, spec cmdSpec) (time.Duration, int64, proc, error) {
	return runs(b.ctx, n, func(int) (cmdSpec, error) { return spec, nil })
}

// scaleNoop cold-syncs a fresh bucket (peak RSS, a heap profile at its
// peak), profiles one no-op sync, then measures no-op syncs and bare
// ListObjectsV2 scans of the same bucket in pairs, one right after the
// other, so the ratio of each pair shares the machine's conditions.
func (b *bench) scaleNoop(dir string, pt *scalePoint) error {
	n := pt.n
	bk := fmt.Sprintf("scale-%d", n)
	if err := b.minio.CreateBucket(b.ctx, bk); err != nil {
		return err
	}
	prof := filepath.Join(b.cfg.Work, "profiles")
	coldHeap := filepath.Join(prof, fmt.Sprintf("cold-%d.peak.heap", n))
	cold, err := b.childSyncRun(dir, "s3://"+bk, "-peakprofile", coldHeap)
	if err != nil {
		return fmt.Errorf("cold sync %d: %w", n, err)
	}
	pt.cold = &cold
	logf("scale %d: cold sync %s, %s (%s objects, %s)", n, secs(cold.Wall), mb(cold.MaxRSS), num(float64(cold.res.Objects)), fmtCounts(cold.res.Requests))
	pprofTop(b.cfg.Self, coldHeap, "-sample_index=inuse_space")
	heap, cpu := filepath.Join(prof, fmt.Sprintf("noop-%d.peak.heap", n)), filepath.Join(prof, fmt.Sprintf("noop-%d.cpu", n))
	m, err := b.childSyncRun(dir, "s3://"+bk, "-peakprofile", heap, "-cpuprofile", cpu)
	if err != nil {
		return fmt.Errorf("no-op sync %d: %w", n, err)
	}
	logf("scale %d: profiled no-op sync %s, %s, %s", n, secs(m.Wall), mb(m.MaxRSS), fmtCounts(m.res.Requests))
	pt.heapTop = pprofTop(b.cfg.Self, heap, "-sample_index=inuse_space")
	pt.cpuT = pprofTop(b.cfg.Self, cpu)
	var noops []syncMeasure
	var lists, listsIn []time.Duration
	for i := 0; i < scaleListPairs; i++ {
		m, err := b.childSyncRun(dir, "s3://"+bk)
		if err != nil {
			return fmt.Errorf("no-op sync %d: %w", n, err)
		}
		if w := m.res.Requests[testutil.OpPut] + m.res.Requests[testutil.OpDelete]; w != 0 {
			return fmt.Errorf("no-op sync %d wrote: %s", n, fmtCounts(m.res.Requests))
		}
		p, err := measure(b.ctx, cmdSpec{Env: b.minio.Env(), Name: b.cfg.Self, Args: []string{"child-list", "-bucket", bk}})
		if err != nil {
			return fmt.Errorf("list scan %d: %w", n, err)
		}
		var lr struct {
			ListMs float64 `json:"listMs"`
		}
		if err := json.Unmarshal(p.Out, &lr); err != nil {
			return err
		}
		noops, lists, listsIn = append(noops, m), append(lists, p.Wall), append(listsIn, time.Duration(lr.ListMs*float64(time.Millisecond)))
		logf("scale %d pair %d: no-op %s (validate %.0f ms, after it %.0f ms), %s · bare scan %s (%.0f ms inside)", n, i+1,
			secs(m.Wall), m.res.ValidateMs, m.res.BucketMs, mb(m.MaxRSS), secs(p.Wall), lr.ListMs)
	}
	med := medianSync(noops)
	pt.sWall, pt.sRSS = med.Wall, med.MaxRSS
	pt.list, pt.listIn = medianDur(lists), medianDur(listsIn)
	return nil
}

// pprofTop writes `go tool pprof -top` (10 nodes) next to the profile and
// returns its path.
func pprofTop(bin, profile string, extra ...string) string {
	args := append([]string{"tool", "pprof", "-top", "-nodecount=10"}, extra...)
	out, err := exec.Command("go", append(args, bin, profile)...).CombinedOutput()
	if err != nil {
		return fmt.Sprintf("pprof failed: %v", err)
	}
	txt := strings.TrimSuffix(profile, filepath.Ext(profile)) + filepath.Ext(profile) + ".top.txt"
	_ = os.WriteFile(txt, out, 0o644)
	return txt
}
