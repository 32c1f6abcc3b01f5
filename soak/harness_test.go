package soak

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/axctl/axctl/internal/testutil"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/axctl/axctl/bench/corpus"
	"github.com/axctl/axctl/internal/store"
	"github.com/axctl/axctl/internal/testutil/minio"
)

// full reports whether the campaign runs at full size (AXCTL_SOAK=1).
func full() bool { return os.Getenv("AXCTL_SOAK") == "1" }

// pick returns soak in a full run, short otherwise.
func pick[T any](short, soak T) T {
	if full() {
		return soak
	}
	return short
}

// repoRoot is the module root (this file lives in <root>/soak).
func repoRoot(t testing.TB) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("cannot locate the soak package")
	}
	return filepath.Dir(filepath.Dir(file))
}

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// axctlBin builds the CLI once per test binary into a temp dir (never a
// stale or shared bin/axctl).
func axctlBin(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "axctl-soak-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "axctl")
		cmd := exec.Command("go", "build", "-o", binPath, "./cmd/axctl")
		cmd.Dir = repoRoot(t)
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build ./cmd/axctl: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// s3Env is the environment an axctl subprocess needs to reach srv through
// endpoint (MinIO itself, or a proxy in front of it).
func s3Env(srv *minio.Server, endpoint string) []string {
	env := []string{}
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "AWS_") || k == "R2_ACCOUNT_ID" || k == "AXCTL_S3_ENDPOINT" {
			continue
		}
		env = append(env, kv)
	}
	return append(env,
		"AXCTL_S3_ENDPOINT="+endpoint,
		"AWS_ACCESS_KEY_ID="+srv.AccessKey,
		"AWS_SECRET_ACCESS_KEY="+srv.SecretKey,
		"AWS_CONFIG_FILE="+os.DevNull,
		"AWS_SHARED_CREDENTIALS_FILE="+os.DevNull,
		"AWS_EC2_METADATA_DISABLED=true",
		// A sync killed mid-run (the crash loop, the lease test) leaves its
		// lease; the next sync takes it over after this long, not 30 s.
		"AXCTL_LEASE_TTL=5s",
	)
}

// outcome is how one axctl run ended.
type outcome struct {
	Code    int // exit code; -1 when killed by a signal
	Killed  bool
	Stderr  string
	Elapsed time.Duration
	// MaxRSS is wait4's ru_maxrss. On Linux it can report the parent's
	// RSS: exec records the old mm's high-water mark, and Go starts
	// children with vfork (shared mm). PeakRSS is the child's own VmHWM,
	// sampled from /proc every 10 ms; it is what the bounds use.
	MaxRSS, PeakRSS int64
}

// axctlCmd prepares `axctl args…` in dir; the caller starts it.
func axctlCmd(t testing.TB, dir string, env []string, args ...string) (*exec.Cmd, *bytes.Buffer) {
	t.Helper()
	cmd := exec.Command(axctlBin(t), args...)
	cmd.Dir = dir
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	return cmd, &stderr
}

// finish waits for a started axctl and describes how it ended.
func finish(cmd *exec.Cmd, stderr *bytes.Buffer, began time.Time) outcome {
	stop := make(chan struct{})
	peak := make(chan int64, 1)
	go func() {
		var hwm int64
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			hwm = max(hwm, procKB(cmd.Process.Pid, "VmHWM:")*1024)
			select {
			case <-stop:
				peak <- hwm
				return
			case <-tick.C:
			}
		}
	}()
	err := cmd.Wait()
	close(stop)
	o := outcome{Stderr: stderr.String(), Elapsed: time.Since(began), PeakRSS: <-peak}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		o.MaxRSS = ru.Maxrss * 1024
	}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		o.Code = ee.ExitCode()
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			o.Killed, o.Code = true, -1
		}
	default:
		o.Code, o.Stderr = -2, err.Error()
	}
	return o
}

// procKB reads a "Name: N kB" line of /proc/<pid>/status (0 if gone).
func procKB(pid int, field string) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, field) {
			var n int64
			fmt.Sscan(strings.TrimSpace(strings.TrimPrefix(line, field)), &n)
			return n
		}
	}
	return 0
}

// runAxctl runs `axctl args…` in dir to the end.
func runAxctl(t testing.TB, dir string, env []string, args ...string) outcome {
	t.Helper()
	cmd, stderr := axctlCmd(t, dir, env, args...)
	began := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return finish(cmd, stderr, began)
}

// mustSync runs a sync of dir into target that must succeed.
func mustSync(t testing.TB, dir, target string, env []string) outcome {
	t.Helper()
	o := runAxctl(t, dir, env, "sync", "--quiet", "--target", target)
	if o.Code != 0 {
		t.Fatalf("axctl sync %s (in %s): exit %d\n%s", target, dir, o.Code, tail(o.Stderr, 2000))
	}
	return o
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}

// genCorpus writes the deterministic benchmark corpus of n entries.
func genCorpus(t testing.TB, n int, seed uint64) string {
	t.Helper()
	dir := t.TempDir()
	if _, err := corpus.Generate(corpus.Options{N: n, Seed: seed, Dir: dir}); err != nil {
		t.Fatal(err)
	}
	return dir
}

// editStats counts what editTree changed.
type editStats struct{ Bodies, Titles, Renames, Deletes, Adds int }

// editTree copies src to a new dir and changes about share of its entries,
// seeded: body edits, title-only edits, renames (same folder, new slug) and
// deletes, in equal parts, plus a few new entries.
func editTree(t testing.TB, src string, seed uint64, share float64) (string, editStats) {
	t.Helper()
	dst := t.TempDir()
	copyTree(t, src, dst)
	r := rand.New(rand.NewPCG(seed, seed^0x5eed))
	var files []string
	root := filepath.Join(dst, "content")
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".md") {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	var st editStats
	for i, p := range files {
		x := r.Float64()
		if x >= share {
			continue
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		switch int(x / share * 4) {
		case 0:
			b = append(b, fmt.Sprintf("\nEdited by the soak run (seed %d, file %d).\n", seed, i)...)
			st.Bodies++
		case 1:
			b = titleLine.ReplaceAll(b, []byte(fmt.Sprintf("title: \"Retitled by seed %d, file %d\"", seed, i)))
			st.Titles++
		case 2:
			if err := os.Remove(p); err != nil {
				t.Fatal(err)
			}
			p = strings.TrimSuffix(p, ".md") + fmt.Sprintf("-moved-%d.md", seed)
			st.Renames++
		default:
			if err := os.Remove(p); err != nil {
				t.Fatal(err)
			}
			st.Deletes++
			continue
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for i := range max(1, len(files)/50) {
		p := filepath.Join(root, "blog", fmt.Sprintf("soak-new-%d-%d.md", seed, i))
		body := fmt.Sprintf("---\ntitle: \"New in seed %d, %d\"\ndate: 2026-0%d-1%d\ntags: [soak, \"seed %d\"]\n---\n\nA new entry.\n", seed, i, 1+i%9, i%10, seed)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		st.Adds++
	}
	return dst, st
}

var titleLine = regexp.MustCompile(`(?m)^title: .*$`)

// s3Store opens srv's bucket directly (not through a proxy) for checks.
func s3Store(t testing.TB, srv *minio.Server) *store.S3Store {
	t.Helper()
	s, err := store.NewS3Store(context.Background(), srv.Bucket, "", store.S3Options{Endpoint: srv.Endpoint, Credentials: srv.Credentials()})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// object, snapshot and bucketDiff are testutil's, shared with the syncer
// tests.
type object = testutil.Object

func snapshot(t testing.TB, s store.Store) map[string]object { return testutil.Snapshot(t, s) }

func bucketDiff(got, want map[string]object) string { return testutil.BucketDiff(got, want) }

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// entryHashes maps each entry key of a snapshot to its hash metadata.
func entryHashes(objs map[string]object) map[string]string {
	out := map[string]string{}
	for k, o := range objs {
		if strings.HasPrefix(k, "entries/") {
			out[k] = o.Attrs.Metadata["hash"]
		}
	}
	return out
}

// reference syncs dir into a fresh bucket without interruption and
// returns that bucket's objects: what every other run must converge to.
func reference(t testing.TB, dir string) map[string]object {
	t.Helper()
	srv := minio.Start(t)
	mustSync(t, dir, srv.Target(""), s3Env(srv, srv.Endpoint))
	return snapshot(t, s3Store(t, srv))
}

// row is one line of the results table (docs/reliability.md).
type row struct {
	Campaign string
	Runs     int
	Faults   string // what was injected, with counts
	Survived string // the rate or load survived
	Crashes  int    // crashes and findings (failed runs, wrong buckets, panics)
	Lost     int    // entries lost or wrong after convergence
	Notes    string
}

// report logs r and appends it to $AXCTL_SOAK_RESULTS as a Markdown row.
func report(t testing.TB, r row) {
	t.Helper()
	line := fmt.Sprintf("| %s | %d | %s | %s | %d | %d | %s |", r.Campaign, r.Runs, r.Faults, r.Survived, r.Crashes, r.Lost, r.Notes)
	t.Log(line)
	p := os.Getenv("AXCTL_SOAK_RESULTS")
	if p == "" {
		return
	}
	f, err := os.OpenFile(p, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		t.Errorf("results: %v", err)
		return
	}
	defer f.Close()
	fmt.Fprintln(f, line)
}

// parallel runs the short versions side by side (they are I/O bound and
// use separate buckets); full runs go one at a time so timings and load
// figures are not shared with another campaign.
func parallel(t *testing.T) {
	if !full() {
		t.Parallel()
	}
}

func copyTree(t testing.TB, src, dst string) { testutil.CopyTree(t, src, dst) }
