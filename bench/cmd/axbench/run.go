package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/axctl/axctl/bench/corpus"
)

// config is run's flags.
type config struct {
	N, SyncN, ListingN int
	Scale              []int
	Runs, SyncRuns     int
	Seed               uint64
	Work               string
	Repo               string
	Hugo, Minio        string
	Cold, Warm         int // workerd samples
	Concurrency        int
	DevSaves           int    // saves measured by the dev section (axctl dev)
	Self               string // this binary, for children
	AxctlBin           string
	Only               map[string]bool // sections to run; empty: all
	ScaleValidate      bool            // time `axctl validate` at each -scale size
	Enforce            bool            // a bound not met fails the run
}

// bench is one run's state and findings.
type bench struct {
	cfg     config
	ctx     context.Context
	rows    []row
	notes   []string
	corpora map[int]string
	stats   map[int]*corpus.Stats
	minio   *minioServer
	// shared between sections
	bucket string // the render run's file:// bucket (for workerd)
	// failed names the enforced bounds (check) that were not met: run
	// exits 1 after printing the table, so `make bench` fails.
	failed []string
}

func runMain(args []string) error {
	fl := flag.NewFlagSet("run", flag.ExitOnError)
	var c config
	var scale string
	home, _ := os.UserHomeDir()
	tools := filepath.Join(home, ".cache", "axctl", "bin")
	fl.IntVar(&c.N, "n", 2000, "entries for render throughput")
	fl.IntVar(&c.SyncN, "sync-n", 10000, "entries for the S3 sync measurements")
	fl.IntVar(&c.ListingN, "listing-n", 100000, "records for the Worker listing manifests")
	fl.StringVar(&scale, "scale", "10000,100000", "entry counts for the scale rows")
	fl.IntVar(&c.Runs, "runs", 3, "runs per measurement (medians)")
	fl.IntVar(&c.SyncRuns, "sync-runs", 0, "runs of the S3 syncs (default -runs)")
	fl.Uint64Var(&c.Seed, "seed", 1, "corpus seed")
	fl.StringVar(&c.Work, "work", filepath.Join(os.TempDir(), "axbench"), "work directory (the last run's is moved aside, removed when this run ends)")
	fl.StringVar(&c.Hugo, "hugo", filepath.Join(tools, "hugo"), "hugo binary (v0.165.0, built with -tags withdeploy)")
	fl.StringVar(&c.Minio, "minio", envOr("AXCTL_MINIO_BIN", filepath.Join(tools, "minio")), "minio binary")
	fl.IntVar(&c.Cold, "cold", 15, "workerd cold samples")
	fl.IntVar(&c.Warm, "warm", 300, "workerd warm samples")
	fl.IntVar(&c.Concurrency, "concurrency", 16, "requests in flight (axctl's default)")
	fl.BoolVar(&c.ScaleValidate, "scale-validate", true, "time `axctl validate` at each -scale size (minutes at 100,000)")
	fl.BoolVar(&c.Enforce, "enforce", true, "exit 1 when a bound (a row with a checked goal) is not met")
	fl.IntVar(&c.DevSaves, "dev-saves", 20, "saves measured by the dev section (axctl dev)")
	only := fl.String("only", "", "comma-separated sections to run (render, sync, scale, worker, dev); default all")
	_ = fl.Parse(args)
	c.Only = map[string]bool{}
	for _, s := range strings.Split(*only, ",") {
		if s = strings.TrimSpace(s); s != "" {
			c.Only[s] = true
		}
	}
	for _, s := range strings.Split(scale, ",") {
		if s = strings.TrimSpace(s); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil {
				return fmt.Errorf("-scale: %w", err)
			}
			c.Scale = append(c.Scale, n)
		}
	}
	if c.SyncRuns <= 0 {
		c.SyncRuns = c.Runs
	}
	var err error
	if c.Repo, err = os.Getwd(); err != nil {
		return err
	}
	if c.Self, err = os.Executable(); err != nil {
		return err
	}
	if c.Work, err = filepath.Abs(c.Work); err != nil {
		return err
	}
	// The last run's tree is moved aside and removed when this run ends,
	// not before it: ext4 without a journal (this machine's) skips every
	// inode freed in the last 60 s (6 minutes while its inode table block
	// is dirty) when it allocates one, reading the table for each, so
	// files created soon after a mass delete cost far more kernel time
	// (docs/benchmarks.md, "session 7 … render CPU per page").
	old, err := moveAside(c.Work)
	if err != nil {
		return err
	}
	defer removeAll(old)
	if err := os.MkdirAll(filepath.Join(c.Work, "profiles"), 0o755); err != nil {
		return err
	}
	b := &bench{cfg: c, ctx: context.Background(), corpora: map[int]string{}, stats: map[int]*corpus.Stats{}}
	start := time.Now()
	if err := b.build(); err != nil {
		return err
	}
	steps := []struct {
		name string
		fn   func() error
	}{
		{"render", b.render},
		{"sync", b.syncs},
		{"scale", b.scale},
		{"worker", b.worker},
		{"dev", b.dev},
	}
	for _, s := range steps {
		if len(c.Only) > 0 && !c.Only[s.name] {
			continue
		}
		t0 := time.Now()
		logf("== %s", s.name)
		if err := s.fn(); err != nil {
			b.notes = append(b.notes, fmt.Sprintf("%s: failed: %v", s.name, firstLine(err.Error())))
			logf("%s failed: %v", s.name, err)
		}
		logf("== %s done in %s", s.name, time.Since(t0).Round(time.Second))
	}
	if b.minio != nil {
		b.minio.Stop()
	}
	b.print(os.Stdout, time.Since(start))
	if len(b.failed) > 0 {
		return fmt.Errorf("%d bound(s) not met: %s", len(b.failed), strings.Join(b.failed, "; "))
	}
	return nil
}

// moveAside renames dir, when it exists, to a new name beside it and
// returns the names to remove once the run is over: that one and any left
// by a run that did not end.
func moveAside(dir string) ([]string, error) {
	if _, err := os.Lstat(dir); err == nil {
		to := fmt.Sprintf("%s.old-%d", dir, time.Now().UnixNano())
		if err := os.Rename(dir, to); err != nil {
			return nil, err
		}
	}
	return filepath.Glob(dir + ".old-*")
}

func removeAll(dirs []string) {
	for _, d := range dirs {
		_ = os.RemoveAll(d)
	}
}

// build compiles axctl the way `make build` does.
func (b *bench) build() error {
	b.cfg.AxctlBin = filepath.Join(b.cfg.Work, "axctl")
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w", "-o", b.cfg.AxctlBin, "./cmd/axctl")
	cmd.Dir, cmd.Stdout, cmd.Stderr = b.cfg.Repo, os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("build axctl: %w", err)
	}
	return nil
}

// corpus returns the directory of the n-entry corpus, generating it once.
func (b *bench) corpus(n int) (string, error) {
	if d, ok := b.corpora[n]; ok {
		return d, nil
	}
	d := filepath.Join(b.cfg.Work, fmt.Sprintf("corpus-%d", n))
	t0 := time.Now()
	st, err := corpus.Generate(corpus.Options{N: n, Seed: b.cfg.Seed, Dir: d})
	if err != nil {
		return "", err
	}
	logf("generated %d entries (%.1f MB, %d words) in %s", n, float64(st.Bytes)/1e6, st.Words, time.Since(t0).Round(time.Millisecond))
	b.corpora[n], b.stats[n] = d, st
	return d, nil
}

func (b *bench) add(area, measure, result, goal, verdict string) {
	b.rows = append(b.rows, row{area, measure, result, goal, verdict})
}

// check adds a row whose goal is an enforced bound: when it is not met,
// run fails (after printing the whole table).
func (b *bench) check(area, measure, result, goal string, ok bool) {
	b.add(area, measure, result, goal, verdict(ok))
	if !ok && b.cfg.Enforce {
		b.failed = append(b.failed, fmt.Sprintf("%s: %s = %s (goal %s)", area, measure, result, goal))
	}
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "axbench: "+format+"\n", args...)
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

func nproc() int { return runtime.NumCPU() }
