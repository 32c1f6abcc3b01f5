package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// scale measures validate and a no-op sync at each -scale size: wall time
// and peak RSS, and writes heap and CPU profiles of the largest no-op sync.
func (b *bench) scale() error {
	type point struct {
		n             int
		vWall, sWall  time.Duration
		vRSS, sRSS    int64
		corpusBytes   int64
		haveNoop      bool
		heapTop, cpuT string
		cold          string
	}
	var pts []point
	for _, n := range b.cfg.Scale {
		dir, err := b.corpus(n)
		if err != nil {
			return err
		}
		pt := point{n: n, corpusBytes: b.stats[n].Bytes}
		runs := b.cfg.Runs
		if n > 20000 {
			runs = 1
		}
		pt.vWall, pt.vRSS, _, err = runs3(b, runs, cmdSpec{Dir: dir, Name: b.cfg.AxctlBin, Args: []string{"validate", "--quiet", "--config", filepath.Join(dir, "axctl.yaml")}})
		if err != nil {
			return fmt.Errorf("validate %d: %w", n, err)
		}
		logf("scale %d: validate %s, %s", n, secs(pt.vWall), mb(pt.vRSS))
		if err := b.ensureMinio(); err != nil {
			b.notes = append(b.notes, "scale: no-op sync skipped: "+err.Error())
		} else if err := b.scaleNoop(dir, n, &pt.sWall, &pt.sRSS, &pt.heapTop, &pt.cpuT, &pt.cold); err != nil {
			return err
		} else {
			pt.haveNoop = true
		}
		pts = append(pts, pt)
	}
	for _, pt := range pts {
		area := fmt.Sprintf("scale (%s entries, %.0f MB Markdown)", num(float64(pt.n)), float64(pt.corpusBytes)/1e6)
		b.add(area, "`axctl validate`", fmt.Sprintf("%s · peak RSS %s", secs(pt.vWall), mb(pt.vRSS)), "", "")
		if pt.cold != "" {
			b.add(area, "cold sync to an empty bucket (for the no-op below)", pt.cold, "", "")
		}
		if pt.haveNoop {
			b.add(area, "no-op sync against MinIO", fmt.Sprintf("%s · peak RSS %s", secs(pt.sWall), mb(pt.sRSS)), "", "")
		}
	}
	if len(pts) >= 2 {
		a, z := pts[0], pts[len(pts)-1]
		grow := float64(z.n) / float64(a.n)
		vr := float64(z.vRSS) / float64(a.vRSS)
		goal := fmt.Sprintf("RSS grows far slower than the corpus (≤ %.1f× for %.0f× entries)", grow*0.3, grow)
		b.add("scale", fmt.Sprintf("peak RSS growth %s → %s entries (×%.0f)", num(float64(a.n)), num(float64(z.n)), grow),
			fmt.Sprintf("validate %s; no-op sync %s", ratio(vr), ratio(float64(z.sRSS)/float64(max(a.sRSS, 1)))), goal, verdict(vr <= grow*0.3 && (!z.haveNoop || float64(z.sRSS)/float64(max(a.sRSS, 1)) <= grow*0.3)))
		if z.heapTop != "" {
			b.notes = append(b.notes, fmt.Sprintf("heap profile of the %s-entry no-op sync (after validate): %s", num(float64(z.n)), z.heapTop))
		}
		if z.cpuT != "" {
			b.notes = append(b.notes, fmt.Sprintf("CPU profile of the %s-entry no-op sync: %s", num(float64(z.n)), z.cpuT))
		}
	}
	return nil
}

func runs3(b *bench, n int, spec cmdSpec) (time.Duration, int64, proc, error) {
	return runs(b.ctx, n, func(int) (cmdSpec, error) { return spec, nil })
}

// scaleNoop reuses the sync section's no-op when it ran at n; otherwise it
// cold-syncs a fresh bucket and measures one no-op sync with profiles.
func (b *bench) scaleNoop(dir string, n int, wall *time.Duration, rss *int64, heapTop, cpuTop, coldRow *string) error {
	if m, ok := b.noop[n]; ok {
		*wall, *rss = m.Wall, m.MaxRSS
		return nil
	}
	bk := fmt.Sprintf("scale-%d", n)
	if err := b.minio.CreateBucket(b.ctx, bk); err != nil {
		return err
	}
	cold, err := b.childSyncRun(dir, "s3://"+bk)
	if err != nil {
		return fmt.Errorf("cold sync %d: %w", n, err)
	}
	logf("scale %d: cold sync %s (%s objects, %s)", n, secs(cold.Wall), num(float64(cold.res.Objects)), fmtCounts(cold.res.Requests))
	*coldRow = fmt.Sprintf("%s · %s objects/s end to end · peak RSS %s", secs(cold.Wall), num(rate(cold.res.Objects, cold.Wall)), mb(cold.MaxRSS))
	prof := filepath.Join(b.cfg.Work, "profiles")
	heap, cpu := filepath.Join(prof, fmt.Sprintf("noop-%d.heap", n)), filepath.Join(prof, fmt.Sprintf("noop-%d.cpu", n))
	m, err := b.childSyncRun(dir, "s3://"+bk, "-memprofile", heap, "-cpuprofile", cpu)
	if err != nil {
		return fmt.Errorf("no-op sync %d: %w", n, err)
	}
	logf("scale %d: no-op sync %s, %s, %s", n, secs(m.Wall), mb(m.MaxRSS), fmtCounts(m.res.Requests))
	*wall, *rss = m.Wall, m.MaxRSS
	*heapTop = pprofTop(b.cfg.Self, heap, "-sample_index=inuse_space")
	*cpuTop = pprofTop(b.cfg.Self, cpu)
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
