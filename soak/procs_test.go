package soak

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// proc is a child process in its own process group (as in e2e/).
type proc struct {
	name string
	cmd  *exec.Cmd
	out  *lockedBuffer
	done chan struct{}
}

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.buf.Len() > 1<<20 {
		b.buf.Reset()
	}
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// start runs args in dir in a new process group, stopped at cleanup.
func start(t testing.TB, name, dir string, args ...string) *proc {
	t.Helper()
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "WRANGLER_SEND_METRICS=false", "CLOUDFLARE_CF_FETCH_ENABLED=false")
	out := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	p := &proc{name: name, cmd: cmd, out: out, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(p.done) }()
	t.Cleanup(p.stop)
	return p
}

// stop sends SIGTERM to the group, SIGKILL after 10 s.
func (p *proc) stop() {
	pgid := p.cmd.Process.Pid
	select {
	case <-p.done:
	default:
		_ = syscall.Kill(-pgid, syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(10 * time.Second):
		}
	}
	_ = syscall.Kill(-pgid, syscall.SIGKILL)
}

// waitHTTP polls url until it answers, or fails.
func (p *proc) waitHTTP(t testing.TB, url string, timeout time.Duration) {
	t.Helper()
	c := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(timeout)
	for {
		select {
		case <-p.done:
			t.Fatalf("%s exited before answering:\n%s", p.name, p.out)
		default:
		}
		if resp, err := c.Get(url); err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not answer %s within %s:\n%s", p.name, url, timeout, p.out)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

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

var backendPort = regexp.MustCompile(`\.port = "\d+";`)

// startVarnish runs varnishd with varnish/axctl.vcl pointed at backend.
func startVarnish(t testing.TB, root string, backend int) string {
	t.Helper()
	vcl, err := os.ReadFile(filepath.Join(root, "varnish", "axctl.vcl"))
	if err != nil {
		t.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "axctl-soak-varnish-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	vclPath := filepath.Join(dir, "axctl.vcl")
	vcl = backendPort.ReplaceAll(vcl, []byte(fmt.Sprintf(`.port = "%d";`, backend)))
	if err := os.WriteFile(vclPath, vcl, 0o644); err != nil {
		t.Fatal(err)
	}
	port, admin := freePort(t), freePort(t)
	p := start(t, "varnishd", dir, "varnishd", "-F",
		"-a", fmt.Sprintf("127.0.0.1:%d", port), "-T", fmt.Sprintf("127.0.0.1:%d", admin),
		"-f", vclPath, "-s", "malloc,256m", "-n", filepath.Join(dir, "n"), "-P", filepath.Join(dir, "varnishd.pid"))
	url := fmt.Sprintf("http://127.0.0.1:%d", port)
	p.waitHTTP(t, url+"/__internal/version", 30*time.Second)
	return url
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
