package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"syscall"
	"time"
)

// proc is one measured subprocess: wall time, peak RSS (wait4's ru_maxrss)
// and what it printed.
type proc struct {
	Wall   time.Duration
	CPU    time.Duration // user + system
	MaxRSS int64         // bytes
	Out    []byte
}

// cmdSpec is a command to measure.
type cmdSpec struct {
	Dir  string
	Env  []string // added to os.Environ()
	Name string
	Args []string
}

// measure runs c to completion and reads its rusage.
func measure(ctx context.Context, c cmdSpec) (proc, error) {
	cmd := exec.CommandContext(ctx, c.Name, c.Args...)
	cmd.Dir = c.Dir
	cmd.Env = append(os.Environ(), c.Env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	start := time.Now()
	err := cmd.Run()
	p := proc{Wall: time.Since(start), Out: out.Bytes()}
	if cmd.ProcessState != nil {
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			p.MaxRSS = ru.Maxrss * 1024 // kilobytes on Linux
			p.CPU = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
		}
	}
	if err != nil {
		tail := errb.Bytes()
		if len(tail) > 4000 {
			tail = tail[len(tail)-4000:]
		}
		return p, fmt.Errorf("%s %v: %w\n%s%s", c.Name, c.Args, err, out.Bytes()[:min(len(out.Bytes()), 2000)], tail)
	}
	return p, nil
}

// median of durations (the lower middle for an even count).
func medianDur(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[(len(s)-1)/2]
}

// p90Dur is the 90th percentile of ds (nearest rank).
func p90Dur(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[(len(s)*9+9)/10-1]
}

func medianInt(xs []int64) int64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[(len(s)-1)/2]
}

// runs measures spec n times (prep before each) and returns the medians.
func runs(ctx context.Context, n int, prep func(i int) (cmdSpec, error)) (wall time.Duration, rss int64, last proc, err error) {
	var walls []time.Duration
	var rsss []int64
	for i := 0; i < n; i++ {
		spec, err := prep(i)
		if err != nil {
			return 0, 0, last, err
		}
		p, err := measure(ctx, spec)
		if err != nil {
			return 0, 0, p, err
		}
		walls, rsss, last = append(walls, p.Wall), append(rsss, p.MaxRSS), p
	}
	return medianDur(walls), medianInt(rsss), last, nil
}
