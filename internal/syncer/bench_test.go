package syncer_test

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/axctl/axctl/bench/corpus"
	"github.com/axctl/axctl/internal/content"
	"github.com/axctl/axctl/internal/syncer"
)

// BenchmarkOneEntryEdit builds every object of a 2,000-entry corpus after
// a one-entry edit, with a warm render cache: kept open across syncs (axctl
// dev) or reopened from disk each time (axctl sync). It reports the CPU
// time of the process per sync (cpu-ms/op) beside the wall time.
func BenchmarkOneEntryEdit(b *testing.B) {
	dir := b.TempDir()
	if _, err := corpus.Generate(corpus.Options{N: 2000, Seed: 1, Dir: dir}); err != nil {
		b.Fatal(err)
	}
	var entry string
	_ = filepath.WalkDir(filepath.Join(dir, "content"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && entry == "" && strings.HasSuffix(p, ".md") {
			entry = p
		}
		return nil
	})
	src, err := os.ReadFile(entry)
	if err != nil {
		b.Fatal(err)
	}
	cfg, err := content.LoadConfig(filepath.Join(dir, "axctl.yaml"))
	if err != nil {
		b.Fatal(err)
	}
	for _, reopen := range []bool{false, true} {
		b.Run(fmt.Sprintf("reopen=%v", reopen), func(b *testing.B) {
			cacheDir := filepath.Join(b.TempDir(), "cache")
			cache, err := content.OpenCache(cacheDir, cfg)
			if err != nil {
				b.Fatal(err)
			}
			sync := func() {
				if reopen {
					if cache, err = content.OpenCache(cacheDir, cfg); err != nil {
						b.Fatal(err)
					}
				}
				if _, problems, err := syncer.Validate(context.Background(), cfg, syncer.ValidateOptions{Cache: cache}); err != nil || len(problems) > 0 {
					b.Fatal(problems, err)
				}
			}
			sync() // warm the cache
			n := 0
			var cpu time.Duration
			for b.Loop() {
				n++
				b.StopTimer()
				edited := append([]byte(nil), src...)
				edited = append(edited, fmt.Sprintf("\nEdit number %d.\n", n)...)
				if err := os.WriteFile(entry, edited, 0o644); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				c0 := cpuTime()
				sync()
				cpu += cpuTime() - c0
			}
			b.ReportMetric(float64(cpu.Microseconds())/1e3/float64(n), "cpu-ms/op")
		})
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
