package main

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// tool is one contestant of the render race.
type tool struct {
	name string
	spec func(out string) cmdSpec
	// walls, CPU times and RSS of every run
	walls, cpu []time.Duration
	rss        []int64
}

// Render bounds of issue 17, enforced on every run of the section.
const (
	renderVsBare  = 0.95 // axctl ÷ bare goldmark+chroma, pages/s, all cores
	renderScaling = 1.7  // axctl all cores ÷ axctl one core, pages/s
)

// render races axctl (validate + render + precompute + write the local
// bucket), Hugo (the same corpus, pages only, written to disk) and the bare
// goldmark+chroma limit on 1 and all cores. Each run starts every contestant
// on a fresh output directory, one after the other, so the ratios of one
// run share the machine's conditions.
func (b *bench) render() error {
	n := b.cfg.N
	dir, err := b.corpus(n)
	if err != nil {
		return err
	}
	content := filepath.Join(dir, "content")
	tools := []*tool{
		{name: "axctl", spec: func(out string) cmdSpec {
			return cmdSpec{Dir: dir, Name: b.cfg.AxctlBin, Args: []string{"sync", "--quiet", "--no-cache", "--config", filepath.Join(dir, "axctl.yaml"), "--target", "file://" + out}}
		}},
		{name: "axctl1", spec: func(out string) cmdSpec {
			return cmdSpec{Dir: dir, Env: []string{"GOMAXPROCS=1"}, Name: b.cfg.AxctlBin, Args: []string{"sync", "--quiet", "--no-cache", "--config", filepath.Join(dir, "axctl.yaml"), "--target", "file://" + out}}
		}},
	}
	// The limit is the bare loop with axctl's collector (its heap floor:
	// the memory allowance axctl takes); the same loop at Go's default
	// GOGC=100 stays as a reference. At its tiny live heap GOGC=100
	// collects every few MB, and at 2 cores that costs more CPU a page
	// than at 1 (docs/benchmarks.md, "Session 9 … the bare limit").
	for _, bare := range []struct{ name, gc string }{{"bare", "floor"}, {"bared", "default"}} {
		tools = append(tools, &tool{name: bare.name + "1", spec: func(out string) cmdSpec {
			return cmdSpec{Env: []string{"GOMAXPROCS=1"}, Name: b.cfg.Self, Args: []string{"bare", "-gc", bare.gc, "-content", content, "-out", out, "-j", "1"}}
		}}, &tool{name: bare.name + "N", spec: func(out string) cmdSpec {
			return cmdSpec{Name: b.cfg.Self, Args: []string{"bare", "-gc", bare.gc, "-content", content, "-out", out, "-j", fmt.Sprint(nproc())}}
		}})
	}
	hugoOK := fileExists(b.cfg.Hugo)
	if hugoOK {
		tools = append(tools, &tool{name: "hugo", spec: func(out string) cmdSpec {
			return cmdSpec{Dir: dir, Name: b.cfg.Hugo, Args: []string{"--quiet", "--source", dir, "--destination", out,
				"--cacheDir", filepath.Join(b.cfg.Work, "hugo-cache")}}
		}})
	} else {
		b.notes = append(b.notes, "Hugo not installed at "+b.cfg.Hugo+": Hugo rows skipped (bench/run.sh installs it)")
	}
	var axOut string
	for i := 0; i < b.cfg.Runs; i++ {
		for _, t := range tools {
			out := filepath.Join(b.cfg.Work, "render", fmt.Sprintf("%s-%d", t.name, i))
			p, err := measure(b.ctx, t.spec(out))
			if err != nil {
				return fmt.Errorf("%s: %w", t.name, err)
			}
			t.walls, t.cpu, t.rss = append(t.walls, p.Wall), append(t.cpu, p.CPU), append(t.rss, p.MaxRSS)
			logf("render run %d: %-6s %s (CPU %s), %s", i+1, t.name, secs(p.Wall), secs(p.CPU), mb(p.MaxRSS))
			if t.name == "axctl" {
				axOut = out
			}
			if i == 0 && t.name == "hugo" {
				if pages := countFiles(out, ".html"); pages != n {
					b.notes = append(b.notes, fmt.Sprintf("Hugo wrote %d HTML pages for %d entries", pages, n))
				}
			}
		}
		// Every output stays until the next run moves the work tree aside
		// (run.go): removing a round's outputs here made the next round's
		// first contestant (axctl on all cores) create its inodes right
		// after thousands were freed, which ext4 without a journal charges
		// in kernel time (docs/benchmarks.md, "session 7 … render CPU per
		// page"). The last axctl bucket is the one workerd reads.
	}
	b.bucket = axOut
	by := map[string]*tool{}
	for _, t := range tools {
		by[t.name] = t
	}
	area := fmt.Sprintf("render (%s entries)", num(float64(n)))
	line := func(t *tool) (float64, int64) {
		w, r := medianDur(t.walls), medianInt(t.rss)
		return rate(n, w), r
	}
	axR, axM := line(by["axctl"])
	show := func(t *tool, label string) {
		r, m := line(t)
		cpu := float64(medianDur(t.cpu).Microseconds()) / float64(n)
		b.add(area, label, fmt.Sprintf("%s pages/s · %s · %.0f CPU-µs/page · peak RSS %s", num(r), secs(medianDur(t.walls)), cpu, mb(m)), "", "")
	}
	show(by["axctl"], fmt.Sprintf("axctl: `axctl sync --no-cache --target file://` (validate + render + precompute + search index + write bucket), %d cores", nproc()))
	show(by["axctl1"], "axctl, the same with GOMAXPROCS=1")
	if hugoOK {
		show(by["hugo"], "Hugo: `hugo --quiet` (same Markdown, chroma classes, pages only, to disk)")
	}
	show(by["bare1"], "limit: bare goldmark+chroma, 1 core (read, render, write), with axctl's collector (`axbench bare -gc floor`: 64 MiB heap floor, then GOGC=50)")
	show(by["bareN"], fmt.Sprintf("limit: bare goldmark+chroma, %d cores, with axctl's collector", nproc()))
	show(by["bared1"], "reference: the bare loop at Go's default GOGC=100 (`-gc default`), 1 core")
	show(by["baredN"], fmt.Sprintf("reference: the bare loop at GOGC=100, %d cores", nproc()))
	if hugoOK {
		hR, hM := line(by["hugo"])
		b.add(area, "axctl ÷ Hugo, pages/s", ratio(axR/hR), "≥ 2×", verdict(axR/hR >= 2))
		b.add(area, "axctl ÷ Hugo, peak RSS", ratio(float64(axM)/float64(hM)), "≤ 1×", verdict(axM <= hM))
	}
	bR, _ := line(by["bareN"])
	b1R, _ := line(by["bare1"])
	ax1R, _ := line(by["axctl1"])
	dR, _ := line(by["baredN"])
	d1R, _ := line(by["bared1"])
	b.check(area, fmt.Sprintf("axctl ÷ bare limit (%d cores), pages/s", nproc()), fmt.Sprintf("%s (÷ the GOGC=100 reference: %s)", ratio(axR/bR), ratio(axR/dR)),
		fmt.Sprintf("≥ %.2f×", renderVsBare), axR/bR >= renderVsBare)
	b.check(area, fmt.Sprintf("axctl %d cores ÷ 1 core (GOMAXPROCS), pages/s", nproc()),
		fmt.Sprintf("%s (bare limit: %s; GOGC=100 reference: %s)", ratio(axR/ax1R), ratio(bR/b1R), ratio(dR/d1R)), fmt.Sprintf("≥ %.1f×", renderScaling), axR/ax1R >= renderScaling)
	return nil
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}

func countFiles(dir, ext string) int {
	n := 0
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ext) {
			n++
		}
		return nil
	})
	return n
}
