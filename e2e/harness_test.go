package e2e

import (
	"bytes"
	"context"
	"fmt"
	"github.com/axctl/axctl/internal/testutil"
	tproc "github.com/axctl/axctl/internal/testutil/proc"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// repoRoot is the module root (this file lives in <root>/e2e).
func repoRoot(t testing.TB) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("cannot locate the e2e package")
	}
	return filepath.Dir(filepath.Dir(file))
}

// requireTools fails (never skips) when a tool `make tools` installs is missing.
func requireTools(t testing.TB, root string) {
	t.Helper()
	for _, bin := range []string{"varnishd", "varnishstat", "node"} {
		if _, err := exec.LookPath(bin); err != nil {
			t.Fatalf("%s not found: run `make tools` (installs varnish and varnish-modules from Debian)", bin)
		}
	}
	if _, err := os.Stat(filepath.Join(root, "worker", "node_modules", "miniflare")); err != nil {
		t.Fatalf("worker/node_modules/miniflare missing: run `make tools` (npm ci in worker/)")
	}
}

// buildAxctl compiles the CLI into a temp dir, so the test never runs a stale bin/axctl.
func buildAxctl(t testing.TB, root string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "axctl")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/axctl")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/axctl: %v\n%s", err, out)
	}
	return bin
}

// axctl runs the CLI in dir and fails the test on a non-zero exit.
func axctl(t testing.TB, bin, dir string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("axctl %s: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), err, stdout.String(), stderr.String())
	}
	return stderr.String()
}

// liveWorker starts e2e/testdata/live.mjs on port: the real Worker reading
// the S3 bucket at s3 (a URL ending in "/") as it changes, so a sync is seen
// without restarting anything. ttl, when not empty, sets MANIFEST_TTL.
func liveWorker(t testing.TB, root, s3 string, port int, ttl string) *proc {
	t.Helper()
	args := []string{"node", "e2e/testdata/live.mjs", "--port", strconv.Itoa(port), "--s3", s3}
	if ttl != "" {
		args = append(args, "--manifest-ttl", ttl)
	}
	p := start(t, "live.mjs", root, nil, args...)
	p.WaitHTTP(t, fmt.Sprintf("http://127.0.0.1:%d/__internal/version", port), 90*time.Second)
	return p
}

// varnish is the shared harness's Varnish (internal/testutil/proc).
type varnish struct{ *tproc.Varnish }

// startVarnish runs varnishd with a copy of varnish/axctl.vcl whose backend
// is 127.0.0.1:backend.
func startVarnish(t testing.TB, root string, backend int) *varnish {
	return &varnish{tproc.StartVarnish(t, root, backend, "64m")}
}

// stats reads counters with varnishstat.
func (v *varnish) stats(t testing.TB, names ...string) map[string]int64 {
	t.Helper()
	args := []string{"-n", v.Workdir, "-1"}
	for _, n := range names {
		args = append(args, "-f", n)
	}
	out, err := exec.Command("varnishstat", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("varnishstat: %v\n%s", err, out)
	}
	m := map[string]int64{}
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		if len(f) >= 2 {
			if n, err := strconv.ParseInt(f[1], 10, 64); err == nil {
				m[f[0]] = n
			}
		}
	}
	for _, n := range names {
		if _, ok := m[n]; !ok {
			t.Fatalf("varnishstat: no %s in\n%s", n, out)
		}
	}
	return m
}

// settledStats reads the trace counters once Varnish has folded its worker
// threads' counts in (it does so lazily): until hits + misses + passes since
// before reach the number of requests, or 5 s.
func (v *varnish) settledStats(t testing.TB, before map[string]int64, requests int64) map[string]int64 {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		m := v.stats(t, "MAIN.cache_hit", "MAIN.cache_miss", "MAIN.backend_req", "MAIN.s_pass")
		n := m["MAIN.cache_hit"] + m["MAIN.cache_miss"] + m["MAIN.s_pass"] - before["MAIN.cache_hit"] - before["MAIN.cache_miss"] - before["MAIN.s_pass"]
		if n >= requests || time.Now().After(deadline) {
			return m
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// newClient returns a keep-alive client that never follows redirects.
func newClient() *http.Client {
	return &http.Client{
		Timeout:       15 * time.Second,
		Transport:     &http.Transport{MaxIdleConnsPerHost: 32, DisableCompression: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// result is one response, body read.
type result struct {
	Status int
	Header http.Header
	Body   string
}

// get fetches base+path with optional header pairs.
func get(t testing.TB, c *http.Client, base, path string, hdr ...string) result {
	t.Helper()
	r, err := fetch(c, base+path, hdr...)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return r
}

func fetch(c *http.Client, url string, hdr ...string) (result, error) {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return result{}, err
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		return result{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return result{}, err
	}
	return result{Status: resp.StatusCode, Header: resp.Header, Body: string(b)}, nil
}

// proc, start, freePort and copyTree are the shared test harness
// (internal/testutil/proc), named as this package's tests use them.
type proc = tproc.Proc

func start(t testing.TB, name, dir string, env []string, args ...string) *proc {
	return tproc.Start(t, name, dir, env, args...)
}

func freePort(t testing.TB) int { return tproc.FreePort(t) }

func copyTree(t testing.TB, src, dst string) { testutil.CopyTree(t, src, dst) }
