package soak

import (
	"fmt"
	tproc "github.com/axctl/axctl/internal/testutil/proc"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// requireTools fails (never skips) when a tool `make tools` installs is missing.
func requireTools(t testing.TB, root string) {
	t.Helper()
	for _, bin := range []string{"varnishd", "node"} {
		if _, err := exec.LookPath(bin); err != nil {
			t.Fatalf("%s not found: run `make tools`", bin)
		}
	}
	if _, err := os.Stat(filepath.Join(root, "worker", "node_modules", "miniflare")); err != nil {
		t.Fatal("worker/node_modules/miniflare missing: run `make tools`")
	}
}

// startVarnish runs varnishd with varnish/axctl.vcl pointed at backend and
// returns its URL.
func startVarnish(t testing.TB, root string, backend int) string {
	return tproc.StartVarnish(t, root, backend, "256m").URL
}

// descendant finds a process named comm under pid (workerd under node).
func descendant(pid int, comm string) int {
	entries, _ := os.ReadDir("/proc")
	parent := map[int]int{}
	name := map[int]string{}
	for _, e := range entries {
		n, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", n))
		if err != nil {
			continue
		}
		s := string(b)
		open, end := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
		if open < 0 || end < open {
			continue
		}
		f := strings.Fields(s[end+1:])
		if len(f) < 2 {
			continue
		}
		pp, _ := strconv.Atoi(f[1])
		parent[n], name[n] = pp, s[open+1:end]
	}
	for n, c := range name {
		if !strings.HasPrefix(c, comm) {
			continue
		}
		for p := parent[n]; p > 1; p = parent[p] {
			if p == pid {
				return n
			}
		}
	}
	return 0
}

// proc, start and freePort are the shared test harness
// (internal/testutil/proc), as e2e/ uses it.
type proc = tproc.Proc

func start(t testing.TB, name, dir string, args ...string) *proc {
	return tproc.Start(t, name, dir, []string{"WRANGLER_SEND_METRICS=false", "CLOUDFLARE_CF_FETCH_ENABLED=false"}, args...)
}

func freePort(t testing.TB) int { return tproc.FreePort(t) }
